"""Screenshots of the window (offscreen) for a human look: Chinese text, nothing clipped, no empty boxes.

The folder is printed at the end of the run (``$PARKCARBON_SCREENSHOTS`` or a folder under pytest's tmp).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

from tests.ui.helpers import type_chinese

pytestmark = pytest.mark.gui
SIZE = (1360, 860)


def _save(window: Any, folder: Path, name: str) -> Path:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    window.repaint()
    path = folder / name
    assert window.grab().save(str(path))
    image = QImage(str(path))
    assert (image.width(), image.height()) == SIZE
    return path


def _distinct_colours(path: Path) -> int:
    image = QImage(str(path))
    seen = set()
    for y in range(0, image.height(), 7):
        for x in range(0, image.width(), 7):
            seen.add(image.pixel(x, y))
    return len(seen)


def test_screenshots(demo_db: Any, open_window: Any, screenshot_dir: Path, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.resize(*SIZE)
    shots = [_save(window, screenshot_dir, "1-main-window.png")]

    page = window.show_page(("year", 2020))
    page.table.select_key("energy.raw_coal")
    shots.append(_save(window, screenshot_dir, "2-year-form-energy.png"))

    window.tracker.set(2019, "energy.diesel", "-12")
    window.tracker.set(2019, "energy.natural_gas", "2500000")
    page19 = window.show_page(("year", 2019))
    qtbot.waitUntil(lambda: window.findings.item_for(2019, "energy.diesel") is not None, timeout=3000)
    page19.table.select_key("energy.diesel")
    window.findings.tree.setCurrentItem(window.findings.item_for(2019, "energy.natural_gas"))
    shots.append(_save(window, screenshot_dir, "3-year-form-findings.png"))

    page19.table.select_key("factor.grid")
    shots.append(_save(window, screenshot_dir, "4-year-form-power-factors.png"))

    page19.table.select_key("factor.process.lime")  # C-grade factors show 未核实
    shots.append(_save(window, screenshot_dir, "4b-year-form-process-unverified.png"))

    report = window.show_page(("section", "ch2.2"))
    type_chinese(report.editor, "“十三五”期间，园区通过淘汰燃煤锅炉、建设集中供热和分布式光伏，能源结构持续优化。")
    shots.append(_save(window, screenshot_dir, "5-report-editor.png"))

    window.show_page(("export",))
    shots.append(_save(window, screenshot_dir, "6-export-and-submission.png"))
    for path in shots:
        assert _distinct_colours(path) > 8, path  # a rendered window, not a blank image
    print(f"\n窗口截图：{screenshot_dir}")
