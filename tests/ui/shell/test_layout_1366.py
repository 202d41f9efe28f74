"""At 1366×768 (an office PC) the year table gets most of the height: folded summary, findings in a dock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui
OFFICE = (1366, 768)


def visible_rows(table: Any) -> int:
    """Whole rows the table's viewport shows (its height over the row height)."""
    return table.viewport().height() // table.verticalHeader().defaultSectionSize()


def settle(qtbot: Any) -> None:
    for _ in range(5):
        QApplication.processEvents()
    qtbot.wait(20)


def test_year_table_gets_most_of_the_height_at_1366x768(demo_db: Any, open_window: Any, qtbot: Any,
                                                         screenshot_dir: Path) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.resize(*OFFICE)
    page = window.show_page(("year", 2019))
    settle(qtbot)
    assert window.findings.isVisible()
    assert not page.summary.isVisible()  # folded by default: the total stays in the heading line
    assert "二氧化碳排放总量" in page.summary_line.text() and "tCO2" in page.summary_line.text()
    with_findings = visible_rows(page.table)
    assert with_findings >= 13, with_findings  # it was 8 with the summary block and the findings splitter
    assert page.table.viewport().height() > 0.45 * window.height()
    assert window.grab().save(str(screenshot_dir / "layout-1366-year.png"))

    window.findings_action.trigger()  # the clerk hides the findings dock
    settle(qtbot)
    assert not window.findings_dock.isVisible()
    assert visible_rows(page.table) >= with_findings + 4

    page.summary_toggle.click()  # unfold the summary block
    assert page.summary.isVisible() and not page.summary_line.isVisible()
    assert page.summary_toggle.text() == "收起汇总"
    window.close()

    window2 = open_window(db, park_id)  # both choices are remembered beside the database
    window2.resize(*OFFICE)
    page2 = window2.show_page(("year", 2018))
    settle(qtbot)
    assert not window2.findings_dock.isVisible() and not window2.findings_action.isChecked()
    assert page2.summary.isVisible()
    page2.summary_toggle.click()
    assert not page2.summary.isVisible()
    page3 = window2.show_page(("year", 2017))  # another year's page follows the choice
    assert not page3.summary.isVisible()
    window2.close()
