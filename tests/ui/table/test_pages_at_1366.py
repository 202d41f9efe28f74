"""At 1366×768: the 目标 page shows every target and its evaluation without scrolling, and the 减污降碳
quadrant chart has ticks on both axes and their titles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from forms.report.markers import ChartBlock, Series
from ui.report.block_view import chart_image, quadrant_ticks

pytestmark = pytest.mark.gui


def test_targets_page_shows_all_targets_and_their_evaluation(demo_db: Any, open_window: Any, qtbot: Any,
                                                            screenshot_dir: Path) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.resize(1366, 768)
    form = window.session.form
    window.session.set_targets([
        {"indicator": form.emissions_key, "kind": "peak", "year": 2028},
        {"indicator": form.intensity_key, "kind": "reduction", "year": 2025, "base_year": 2020, "value": 18},
        {"indicator": form.energy_key, "kind": "max", "year": 2025, "value": 2500000},
        {"indicator": form.intensity_key, "kind": "reduction", "year": 2020, "base_year": 2016, "value": 10},
    ])  # fmt: skip
    page = window.show_page(("targets",))
    page.refresh()
    for _ in range(5):
        QApplication.processEvents()
    qtbot.wait(20)
    rows = page.table.rowCount()
    assert rows == 4 and page.table.item(2, 4).text() == "2500000"  # as typed, not 2.5e+06
    for table in (page.table, page.evaluation):
        needed = sum(table.rowHeight(r) for r in range(table.rowCount()))
        assert table.viewport().height() >= needed, (table.viewport().height(), needed)  # no scrolling
    assert page.below.tabText(1) == "目标与实际对比图"
    assert window.grab().save(str(screenshot_dir / "targets-1366.png"))
    window.close()


def test_quadrant_chart_has_ticks_and_axis_titles(qapp: Any) -> None:
    block = ChartBlock("chart.synergy", "减污降碳协同控制效应坐标图", "quadrant", ("2019", "2020"),
                       (Series("二氧化碳排放总量同比变化(%)", (1.4, -3.2)), Series("二氧化硫", (-11.0, 24.0))),
                       "%", "")  # fmt: skip
    xs, ys = quadrant_ticks(block)
    assert 0.0 in xs and 0.0 in ys
    assert xs == [-x for x in reversed(xs)] and ys == [-y for y in reversed(ys)]  # symmetric about 0
    assert max(xs) >= 3.2 and max(ys) >= 24.0 and len(ys) >= 5  # every point inside, several ticks
    plain = ChartBlock(block.id, block.title, block.kind, block.categories, block.series, "", "")
    image, bare = chart_image(block), chart_image(plain, 620, 320)

    def dark_in(img: Any, x0: int, x1: int, y0: int, y1: int) -> int:
        return sum(1 for x in range(x0, x1) for y in range(y0, y1) if QColor(img.pixel(x, y)).lightness() < 110)

    # tick labels at the left edge and the axis title there, tick labels and the title below the plot
    assert dark_in(image, 0, 60, 20, 250) > 40
    assert dark_in(image, 60, 600, 262, 300) > 60
    assert image.size() == bare.size()


def test_scenario_table_headers_are_not_cut_at_1366(demo_db: Any, open_window: Any) -> None:
    from PySide6.QtWidgets import QTableWidget

    from ui.shell.fonts import register_cjk_font

    register_cjk_font(QApplication.instance())  # type: ignore[arg-type]  # the program's font: its widths
    window = open_window(*demo_db)
    window.resize(1366, 768)
    page = window.show_page(("section", "ch4.2"))
    for _ in range(5):
        QApplication.processEvents()
    tables = [t for t in page.findChildren(QTableWidget) if t.isVisible() and t.columnCount() == 3]
    assert len(tables) == 1  # the 基准情景 tab
    table = tables[0]
    header = table.horizontalHeader()
    for c in range(table.columnCount()):
        text = table.horizontalHeaderItem(c).text()
        assert header.sectionSize(c) >= header.sectionSizeHint(c), (text, header.sectionSize(c))  # shown whole
    window.close()
