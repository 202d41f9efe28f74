"""The findings panel below the pages: every error and warning of the park; click to jump, explain a warning
in place.  The window puts it in a dock below the pages (titled 问题列表); 视图 → 问题列表 shows and hides it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.table.definition import ERROR, WARNING

if TYPE_CHECKING:
    from forms.table.validate import Finding
from ui.common.widgets import ERROR_BG, EXPLAINED_BG, WARNING_BG
from ui.shell.session import Changes, ParkSession

FINDING_ROLE = Qt.ItemDataRole.UserRole
TITLE = "问题列表"
EXPLAIN_SAVE_MS = 600


class FindingsPanel(QWidget):
    navigate = Signal(object, str)  # year (None: park profile), key

    def __init__(self, session: ParkSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findings_panel")
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        header = QHBoxLayout()  # the dock's title bar says 问题列表
        self.summary = QLabel("")
        header.addWidget(self.summary, 1)
        layout.addLayout(header)
        splitter = QSplitter()  # side by side (the default orientation)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["级别", "年份", "字段", "说明"])
        self.tree.setRootIsDecorated(False)
        self.tree.setColumnWidth(0, 70)
        self.tree.setColumnWidth(1, 60)
        self.tree.setColumnWidth(2, 190)
        self.tree.itemClicked.connect(self._clicked)
        self.tree.currentItemChanged.connect(lambda cur, _prev: self._select(cur))
        splitter.addWidget(self.tree)
        explain = QWidget()
        explain_layout = QVBoxLayout(explain)
        explain_layout.setContentsMargins(4, 0, 0, 0)
        self.explain_label = QLabel("选中一条警告后，可在此填写说明（随数据保存，定稿前每条警告都须说明）。")
        self.explain_label.setWordWrap(True)
        explain_layout.addWidget(self.explain_label)
        self.explanation = QPlainTextEdit()
        self.explanation.setPlaceholderText("例如：2018 年新建热电联产项目投产，燃煤消费量增加。")
        self.explanation.setEnabled(False)
        self.explanation.textChanged.connect(self._explanation_edited)
        explain_layout.addWidget(self.explanation)
        splitter.addWidget(explain)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter)
        self._current: Finding | None = None
        self._save_timer = QTimer(self, singleShot=True, interval=EXPLAIN_SAVE_MS)
        self._save_timer.timeout.connect(self.save_explanation)
        session.findings_changed.connect(self.refresh)
        session.changed.connect(self.apply_changes)

    def _label(self, f: Finding) -> str:
        form = self.session.form if f.year is None else self.session.form_of(f.year)
        return form.field(f.key).label if f.key in form else ("年份" if f.key == "year" else f.key)

    def refresh(self) -> None:
        current = self._current
        self.tree.blockSignals(True)
        self.tree.clear()
        errors = warnings = unexplained = 0
        select = None
        for f in sorted(self.session.findings, key=lambda f: (f.level != ERROR, f.year or 0, f.key)):
            errors += f.level == ERROR
            warnings += f.level == WARNING
            unexplained += f.level == WARNING and not f.explained
            level = "错误" if f.level == ERROR else ("警告（已说明）" if f.explained else "警告")
            item = QTreeWidgetItem([level, "园区" if f.year is None else str(f.year), self._label(f), f.message])
            item.setToolTip(3, f.message + (f"\n说明：{f.explanation}" if f.explanation else ""))
            colour = ERROR_BG if f.level == ERROR else (EXPLAINED_BG if f.explained else WARNING_BG)
            item.setData(0, Qt.ItemDataRole.BackgroundRole, colour)
            item.setData(0, FINDING_ROLE, f)
            self.tree.addTopLevelItem(item)
            if current and (f.level, f.year, f.key, f.code) == (current.level, current.year, current.key, current.code):
                select = item
        if select is not None:
            self.tree.setCurrentItem(select)
        self.tree.blockSignals(False)
        self.summary.setText(f"错误 {errors} 条 · 警告 {warnings} 条（未说明 {unexplained} 条）")

    def items(self) -> list[Finding]:
        return [item.data(0, FINDING_ROLE) for item in self._top_items()]

    def _top_items(self) -> list[QTreeWidgetItem]:
        tree = self.tree
        return [item for i in range(tree.topLevelItemCount()) if (item := tree.topLevelItem(i)) is not None]

    def item_for(self, year: int | None, key: str) -> QTreeWidgetItem | None:
        for item in self._top_items():
            f = item.data(0, FINDING_ROLE)
            if f.year == year and f.key == key:
                return item
        return None

    def _clicked(self, item: QTreeWidgetItem) -> None:
        self._select(item)
        f: Finding = item.data(0, FINDING_ROLE)
        self.navigate.emit(f.year, f.key)

    def _select(self, item: QTreeWidgetItem | None) -> None:
        self.save_explanation()
        f: Finding | None = item.data(0, FINDING_ROLE) if item else None
        self._current = f
        self.explanation.blockSignals(True)
        if f is not None and f.level == WARNING and f.year is not None:
            self.explanation.setEnabled(True)
            self.explanation.setPlainText(f.explanation)
            self.explain_label.setText(f"对 {f.year} 年“{self._label(f)}”的说明：")
        else:
            self.explanation.setEnabled(False)
            self.explanation.setPlainText("")
            self.explain_label.setText(
                "错误须改正后才能定稿。" if f is not None else "选中一条警告后，可在此填写说明（随数据保存）。"
            )
        self.explanation.blockSignals(False)

    def apply_changes(self, changes: Changes) -> None:
        """An undo / redo of the explanation being shown puts the stored text in the box."""
        f = self._current
        if f is None or f.year is None or (f.year, f.key) not in changes.explanations:
            return
        ydata = self.session.park.years.get(f.year)
        text = ydata.explanations.get(f.key, "") if ydata else ""
        if text == self.explanation.toPlainText():
            return
        self._save_timer.stop()
        self.explanation.blockSignals(True)
        self.explanation.setPlainText(text)
        self.explanation.blockSignals(False)
        self._current = replace(f, explanation=text)

    def _explanation_edited(self) -> None:
        self._save_timer.start()

    def save_explanation(self) -> None:
        self._save_timer.stop()
        f = self._current
        if f is None or f.level != WARNING or f.year is None or not self.explanation.isEnabled():
            return
        text = self.explanation.toPlainText()
        if text == f.explanation:
            return
        self.session.explain_finding(f.code, f.year, f.key, text)
        self.session.flush()
        self._current = replace(f, explanation=text)
