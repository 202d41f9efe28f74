"""A new factor library and the locked years: per year the totals under the locked and the new factors.

Nothing changes unless the clerk ticks a year and confirms; each year applied is one undo step and one
history entry (:class:`ui.shell.undo.ApplyLockCommand`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.table.locks import LockDifference
from forms.table.numbers import format_number
from ui.common.widgets import ok_cancel

HEADERS = ("采用新因子", "年份", "锁定因子下的排放总量（tCO2）", "新因子下的排放总量（tCO2）", "变化的因子")


def _total(value: float | None) -> str:
    return "—" if value is None else format_number(value, 2)


def _changes(d: LockDifference) -> str:
    parts = [f"{c.label}：{'—' if c.old is None else c.old} → {'—' if c.new is None else c.new}" for c in d.changes]
    return "；".join(parts)


class FactorUpdateDialog(QDialog):
    """Lists the differences; :meth:`chosen` gives the years the clerk ticked."""

    def __init__(self, diffs: list[LockDifference], why: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("因子库已更新")
        self.diffs = diffs
        layout = QVBoxLayout(self)
        version = diffs[0].new_lock.get("library", "") if diffs else ""
        text = QLabel(
            f"{why}（新因子库：{version}）。以下年份已定稿或已导出报送，计算仍使用锁定时的因子，数字不会自行改变。"
            "\n勾选年份并确认后，该年才改用新因子；每个年份的改用记入历史，可以撤销（编辑 → 撤销）。"
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.table = QTableWidget(len(diffs), len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.checks: list[QTableWidgetItem] = []
        for r, d in enumerate(diffs):
            check = QTableWidgetItem("")
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            check.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(r, 0, check)
            self.checks.append(check)
            for c, value in enumerate((str(d.year), _total(d.old_total), _total(d.new_total), _changes(d)), start=1):
                item = QTableWidgetItem(value)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                if c in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        layout.addWidget(self.table)
        layout.addWidget(ok_cancel(self, "勾选的年份改用新因子", "全部保持锁定的因子"))
        self.resize(860, 320)

    def set_checked(self, year: int, checked: bool = True) -> None:
        for r, d in enumerate(self.diffs):
            if d.year == year:
                state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
                self.checks[r].setCheckState(state)

    def chosen(self) -> list[LockDifference]:
        return [
            d for d, check in zip(self.diffs, self.checks, strict=True) if check.checkState() == Qt.CheckState.Checked
        ]
