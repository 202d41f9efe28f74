"""定稿: what still blocks marking the park final, and the button to mark it (forms.report.check)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.report.check import Blocker, GateResult, final_gate, final_label, final_state
from ui.common.widgets import CatchUpWhenShown
from ui.shell.session import Changes, ParkSession

BLOCKER_ROLE = Qt.ItemDataRole.UserRole
KIND_ZH = {"data_error": "数据错误", "data_warning": "数据警告", "empty_section": "空白小节",
           "missing_element": "缺少内容", "report_error": "报告错误", "report_warning": "报告警告"}  # fmt: skip


class FinalGatePanel(QGroupBox):
    """Shows the state (草稿 / 已定稿), the list of blockers, and 标记为定稿 when nothing blocks."""

    navigate = Signal(object, str)  # year, key of a data finding (the window jumps to the field)
    open_section = Signal(str)  # key of the report section a blocker is about (the window shows it)
    final_changed = Signal(bool)

    def __init__(self, session: ParkSession, parent: QWidget | None = None) -> None:
        super().__init__("定稿", parent)
        self.session = session
        self.gate: GateResult | None = None
        layout = QVBoxLayout(self)
        self.state_label = QLabel("")
        self.state_label.setObjectName("final_state")
        self.state_label.setWordWrap(True)
        layout.addWidget(self.state_label)
        self.blockers = QListWidget()
        self.blockers.setObjectName("final_blockers")
        self.blockers.setWordWrap(True)
        self.blockers.setMinimumHeight(48)  # two lines at least; the page must fit a 1366×768 screen
        self.blockers.itemDoubleClicked.connect(self._activate)
        layout.addWidget(self.blockers, 1)
        buttons = QHBoxLayout()
        self.check_button = QPushButton("重新检查")
        self.check_button.clicked.connect(self.refresh)
        self.explain_button = QPushButton("为所选报告警告填写说明…")
        self.explain_button.clicked.connect(self.ask_explain)
        self.explain_button.setToolTip("在上面的列表中选中一条【报告警告】后填写说明")
        self.blockers.currentItemChanged.connect(lambda _cur, _prev: self._enable_explain())
        self.mark_button = QPushButton("标记为定稿")
        self.mark_button.setObjectName("mark_final")
        self.mark_button.clicked.connect(self.mark_final)
        self.unmark_button = QPushButton("撤销定稿")
        self.unmark_button.clicked.connect(self.unmark_final)
        for b in (self.check_button, self.explain_button, self.mark_button, self.unmark_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.catch_up = CatchUpWhenShown(self, self.refresh)  # off screen: checked again when shown
        session.findings_changed.connect(self.catch_up.request)
        session.changed.connect(self._changed)
        self.refresh()

    def refresh(self) -> None:
        self.catch_up.stale = False
        park = self.session.park
        result = self.session.park_result()  # computed once per change
        self.gate = final_gate(park, result, self.session.findings)
        self.blockers.clear()
        for b in self.gate.items:
            item = QListWidgetItem(f"【{KIND_ZH.get(b.kind, b.kind)}】{b.message}")
            item.setData(BLOCKER_ROLE, b)
            self.blockers.addItem(item)
        if self.gate.ok:
            self.blockers.addItem(QListWidgetItem("没有妨碍定稿的问题。"))
        state = final_state(park)
        colour = {"final": "#2e7d32", "changed": "#b26a00"}.get(state, "#555555")
        summary = "可以定稿" if self.gate.ok else f"尚有 {len(self.gate.items)} 项妨碍定稿"
        self.state_label.setText(f"状态：<b style='color:{colour}'>{final_label(park)}</b>　{summary}。"
                                 "未定稿时导出的材料每页带“草稿”水印。")  # fmt: skip
        self.mark_button.setEnabled(self.gate.ok and state != "final")
        self._enable_explain()
        self.unmark_button.setEnabled(state != "draft")

    def _changed(self, changes: Changes) -> None:
        if changes.report:
            self.refresh()

    def mark_final(self) -> bool:
        self.session.flush()
        self.session.revalidate()  # the findings must be current, not the debounced ones
        self.refresh()
        if self.gate is None or not self.gate.ok:
            return False
        self.session.mark_final()
        self.final_changed.emit(True)
        return True

    def unmark_final(self) -> None:
        self.session.unmark_final()
        self.final_changed.emit(False)

    def selected_blocker(self) -> Blocker | None:
        item = self.blockers.currentItem()
        value = item.data(BLOCKER_ROLE) if item else None
        return value if isinstance(value, Blocker) else None

    def _enable_explain(self) -> None:
        """填写说明 only for a selected report warning (the other blockers are fixed, not explained)."""
        b = self.selected_blocker()
        self.explain_button.setEnabled(b is not None and bool(b.ref))

    def explain(self, blocker: Blocker, text: str) -> None:
        self.session.explain_report_warning(blocker.ref, text)

    def ask_explain(self) -> None:
        b = self.selected_blocker()
        if b is None or not b.ref:
            return
        text, ok = QInputDialog.getMultiLineText(self, "填写说明", f"{b.message}\n\n说明：")
        if ok:
            self.explain(b, text)

    def _activate(self, item: QListWidgetItem) -> None:
        b = item.data(BLOCKER_ROLE)
        if isinstance(b, Blocker) and b.kind in ("data_error", "data_warning"):
            self.navigate.emit(b.year, b.key)
        elif isinstance(b, Blocker) and b.ref:
            self.ask_explain()
        elif isinstance(b, Blocker) and b.section:
            self.open_section.emit(b.section)
