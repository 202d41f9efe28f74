"""减污降碳协同 page: each pollutant's year-on-year change against CO2's, the cross elasticity and the type of
each year (the 协同控制效应坐标系 as a quadrant chart), and the 零碳园区 indicators — all core blocks, the same
as the report and the PDF show."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from ui.report.block_view import render_into

BLOCKS = ("{{chart.synergy}}", "{{table.pollution}}", "{{table.zero}}")


class SynergyPage(QWidget):
    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        title = QLabel("减污降碳协同与零碳园区指标")
        title.setStyleSheet("font-size: 15px; font-weight: bold;")
        hint = QLabel("按 2026 年版表格填写的年度才有污染物数据（文件菜单：“本年度改按新版表格填写”）。"
                      "第三象限（二氧化碳与污染物同时下降）为协同减排。")  # fmt: skip
        hint.setWordWrap(True)
        self.view = QTextBrowser()
        box = QVBoxLayout(self)
        box.addWidget(title)
        box.addWidget(hint)
        box.addWidget(self.view, 1)
        self.refresh()

    def refresh(self) -> None:

        park = self.session.park
        self.html = render_into(self.view, "\n".join(BLOCKS), park, self.session.park_result())
