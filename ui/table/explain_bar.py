"""The explanation box at the field: shown under the table when the current cell has a soft warning."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from forms.table.definition import ERROR, WARNING
from ui.common.widgets import ERROR_BG, WARNING_BG, CommitLineEdit
from ui.shell.session import ParkSession


class ExplainBar(QFrame):
    """Messages of the current cell; for a warning, a line where the clerk explains it (saved with the year)."""

    def __init__(self, session: ParkSession, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.year = year
        self.key: str | None = None
        self.setObjectName("explain_bar")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.prompt = QLabel("说明(&S)：")  # Alt+S from the table: the keyboard reaches the line (Tab stays in it)
        self.explanation = CommitLineEdit()
        self.prompt.setBuddy(self.explanation)
        self.explanation.setPlaceholderText("请说明原因，例如：2019 年新建热电联产项目投产，燃煤消费量增加。")
        self.explanation.textEdited.connect(self._edited)
        self.explanation.focus_left.connect(session.flush)
        self.explanation.returnPressed.connect(session.flush)
        row.addWidget(self.prompt)
        row.addWidget(self.explanation, 1)
        layout.addLayout(row)
        self.hide()

    def show_key(self, key: str | None) -> None:
        self.key = key
        findings = self.session.findings_for(self.year, key) if key else []
        if not findings:
            self.hide()
            return
        errors = [f for f in findings if f.level == ERROR]
        warnings = [f for f in findings if f.level == WARNING]
        lines = [f"【错误】{f.message}" for f in errors] + [f"【警告】{f.message}" for f in warnings]
        text = "\n".join(lines)
        if self.message.text() != text:  # (a word-wrapped label lays itself out again on every setText)
            self.message.setText(text)
        colour = ERROR_BG if errors else WARNING_BG
        style = f"#explain_bar {{ background-color: {colour.name()}; border-radius: 3px; }}"
        if self.styleSheet() != style:  # a style sheet set again re-polishes the bar and its children
            self.setStyleSheet(style)
        can_explain = bool(warnings)
        self.prompt.setVisible(can_explain)
        self.explanation.setVisible(can_explain)
        if can_explain and not self.explanation.hasFocus():
            assert key is not None
            self.explanation.setText(self.session.park.years[self.year].explanations.get(key, ""))
        self.show()

    def _edited(self, text: str) -> None:
        if self.key is not None:
            self.session.set_explanation(self.year, self.key, text)
