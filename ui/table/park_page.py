"""园区信息: the park profile, generated from the definition's park group."""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from forms.table.definition import PARK
from ui.shell.session import Changes, ParkSession
from ui.shell.undo import EditTracker
from ui.table.fields_form import FieldsForm


class ParkPage(QWidget):
    def __init__(self, session: ParkSession, tracker: EditTracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        title = QLabel("园区信息")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(title)
        box = QGroupBox("园区概况")
        box_layout = QVBoxLayout(box)
        self.form = FieldsForm(session, tracker, None, session.form.fields_in(PARK), columns=2)
        box_layout.addWidget(self.form)
        layout.addWidget(box)
        self.years_label = QLabel("")
        self.years_label.setWordWrap(True)
        layout.addWidget(self.years_label)
        hint = QLabel("所在省（区、市）决定电网排放因子的默认值；修改后各年度的间接排放随之重新计算。\n"
                      "所有修改自动保存，无需点击保存按钮（Ctrl+S 可立即保存）。")  # fmt: skip
        hint.setStyleSheet("color: #555555;")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.form.show_findings()
        self.refresh_years()
        session.changed.connect(self._changed)

    def _changed(self, changes: Changes) -> None:
        if changes.years:
            self.refresh_years()

    def refresh_years(self) -> None:
        years = "、".join(str(y) for y in self.session.years) or "（无）"
        self.years_label.setText(f"已建立的填报年度：{years}")

    def focus_field(self, key: str) -> bool:
        return self.form.focus_field(key)
