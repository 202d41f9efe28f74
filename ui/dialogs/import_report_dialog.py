"""The per-cell report of a workbook import: what was read, converted, ignored or refused."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from export.xlsx.reader import IGNORED, REJECTED, STATUS_ZH
from forms.table.registry import form_for
from ui.common.widgets import read_only_table

REJECTED_BG = QColor("#ffd6d6")
IGNORED_BG = QColor("#fff6dc")


class ImportReportDialog(QDialog):
    """Shows ``result.report``; with no refused cell the clerk can import (accept), otherwise only close."""

    def __init__(self, source_name: str, result: Any, parent: QWidget | None = None) -> None:

        super().__init__(parent)
        self.setWindowTitle(f"导入工作簿 — {source_name}")
        self.import_result = result
        form = form_for(result.park.form)
        report = sorted(result.report, key=lambda r: (r.status != REJECTED, r.status != IGNORED))
        layout = QVBoxLayout(self)
        rejected = len(result.rejected)
        if rejected:
            summary = (f"工作簿中有 {rejected} 处问题（红色），整个文件不能导入，数据库没有任何改动。"
                       "请在工作簿中改正后重新导入。")  # fmt: skip
        else:
            summary = (f"已检查工作簿中的 {len(report)} 个单元格，没有问题。园区“{result.park.name}”，"
                       f"{len(result.park.years)} 个年度。点“导入”写入数据库。")  # fmt: skip
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = read_only_table(["工作表", "单元格", "项目", "结果", "说明"], stretch=(4,), rows=len(report),
                                     select_rows=False)  # fmt: skip
        self.table.setWordWrap(True)  # a refused cell's reason is shown whole
        for row, entry in enumerate(report):
            label = form.field(entry.key).label if entry.key and entry.key in form else entry.key
            cells = (entry.sheet, entry.cell, label, STATUS_ZH.get(entry.status, entry.status), entry.reason)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if entry.status == REJECTED:
                    item.setBackground(QBrush(REJECTED_BG))
                elif entry.status == IGNORED:
                    item.setBackground(QBrush(IGNORED_BG))
                self.table.setItem(row, column, item)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        if not rejected:
            buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole).clicked.connect(self.accept)
            buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        else:
            buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 460)
        self._rows_fitted = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._rows_fitted:  # once the columns have their final widths
            self._rows_fitted = True
            self.table.resizeRowsToContents()
