"""The 目标 page: add a reduction target, type the year's value that meets it (达成), miss it (未达成 and a
warning), explain it (survives reopen), undo.  The 减污降碳 page and moving a year to the 2026 edition."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from forms.park.parkfile import dumps, loads
from storage import Database
from tests.ui.helpers import open_editor

COAL = "energy.raw_coal"


def _status(page: Any) -> list[str]:
    return [page.evaluation.item(r, 5).text() for r in range(page.evaluation.rowCount())]


def test_reduction_target_met_missed_explained_and_undone(demo_db: Any, open_window: Any, db_path: Any,
                                                           qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.add_year(2025)
    page = window.show_page(("targets",))
    page.add_target()
    assert page.table.rowCount() == 1
    indicator = page.table.cellWidget(0, 0)
    assert isinstance(indicator, QComboBox)
    indicator.setCurrentIndex(indicator.findData(COAL))  # 原煤(t), chosen from the definition with its unit
    assert "原煤" in indicator.currentText() and "(t)" in indicator.currentText()
    page.table.item(0, 2).setText("2025")
    page.table.item(0, 3).setText("2020")
    page.table.item(0, 4).setText("18")
    assert window.session.park.targets[-1] | {} == {"indicator": COAL, "kind": "reduction", "year": 2025,
                                                      "base_year": 2020, "value": 18}  # fmt: skip
    assert _status(page) == ["待评估"]  # 2025 has no coal yet

    base = float(str(window.session.park.years[2020].values[COAL]).replace(",", ""))
    year_page = window.show_page(("year", 2025))
    editor = open_editor(year_page.table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, str(round(base * 0.5)))  # a 50 % cut: meets 18 %
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    window.show_page(("targets",))
    qtbot.waitUntil(lambda: _status(page) == ["达成"], timeout=3000)

    editor = open_editor(window.show_page(("year", 2025)).table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, str(round(base * 0.95)))  # only 5 %: missed
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    window.show_page(("targets",))
    qtbot.waitUntil(lambda: _status(page) == ["未达成"], timeout=3000)
    window.session.revalidate()
    warnings = [f for f in window.session.findings if f.code == "target_missed"]
    assert len(warnings) == 1 and not warnings[0].explained and warnings[0].year == 2025

    page.table.item(0, 7).setText("原料结构调整推迟到 2026 年")
    window.session.revalidate()
    assert [f.explained for f in window.session.findings if f.code == "target_missed"] == [True]
    window.session.flush()
    window.close()
    db.close()
    db2 = Database.open(db_path)
    try:
        assert db2.load_park(park_id).targets[0]["explanation"] == "原料结构调整推迟到 2026 年"
        window2 = open_window(db2, park_id)
        page2 = window2.show_page(("targets",))
        assert page2.table.item(0, 7).text() == "原料结构调整推迟到 2026 年"
        assert _status(page2) == ["未达成"]
        page2.remove_selected()  # nothing selected: nothing removed
        assert page2.table.rowCount() == 1
        page2.table.selectRow(0)
        page2.remove_selected()
        assert window2.session.park.targets == []
        window2.undo_stack.undo()
        assert window2.session.park.targets[0]["indicator"] == COAL
        assert db2.load_park(park_id).targets[0]["value"] == 18
        window2.close()
    finally:
        db2.close()


def test_year_moved_to_2026_edition_shows_new_sections_and_synergy(demo_db: Any, open_window: Any,
                                                                   qtbot: Any, tmp_path: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.upgrade_year(2020, "eip-2026")
    page = window.show_page(("year", 2020))
    assert "pollutant.so2" in page.table.cell_of and "zero.meets" in page.table.cell_of
    assert "zero.co2_per_energy" in page.summary.values
    editor = open_editor(page.table, "pollutant.so2")
    qtbot.keyClicks(editor, "900")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.session.park.years[2020].values["pollutant.so2"] == "900"
    window.session.flush()
    assert db.load_park(park_id).years[2020].form == "eip-2026"
    synergy = window.show_page(("synergy",))
    assert "减污降碳协同情况表" in synergy.view.toPlainText()
    window.resize(1366, 768)
    shot = tmp_path / "synergy.png"
    window.grab().save(str(shot))
    assert shot.stat().st_size > 20_000
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.session.park.years[2020].form == "eip-2021"
    assert "pollutant.so2" not in window.session.park.years[2020].values


def test_a_missed_target_explained_in_the_findings_panel_is_kept_with_the_target(demo_db: Any, open_window: Any,
                                                                                  qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.set_targets([{"indicator": "emissions.total", "year": 2018, "kind": "peak"}])
    window.session.revalidate()
    finding = next(f for f in window.session.findings if f.code == "target_missed")
    window.session.explain_finding(finding.code, finding.year, finding.key, "新建项目投产")
    assert window.session.park.targets[0]["explanation"] == "新建项目投产"
    assert "emissions.total" not in window.session.park.years[2018].explanations
    window.session.revalidate()
    assert [f.explained for f in window.session.findings if f.code == "target_missed"] == [True]


def test_project_progress_is_edited_per_year_and_the_list_keeps_it(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.set_projects([{"name": "分布式光伏", "reduction": 5000}, {"name": "余热回收", "reduction": 3000}])
    page = window.show_page(("section", "ch6.9"))
    from ui.report.progress_editor import ProgressEditor
    from ui.report.projects_editor import ProjectsEditor

    progress = page.findChildren(ProgressEditor)[0]
    progress.year_box.setCurrentIndex(progress.year_box.findData(2020))
    status = progress.table.cellWidget(0, 1)
    status.setCurrentIndex(status.findData("实施中"))
    progress.table.item(0, 2).setText("1200")
    projects = window.session.park.report.projects
    assert projects[0]["progress"] == {"2020": {"status": "实施中", "reduction": "1200"}}
    assert "实际减排 1,200.0 tCO2" in progress.figures.text() and "完成率 24.0%" in progress.figures.text()
    # editing the list itself keeps each project's progress
    list_editor = page.findChildren(ProjectsEditor)[0]
    list_editor.table.item(0, 1).setText("屋顶光伏 20 MW")
    assert window.session.park.report.projects[0]["progress"]["2020"]["status"] == "实施中"
    assert window.session.park.report.projects[0]["content"] == "屋顶光伏 20 MW"
    window.session.flush()
    assert db.load_park(park_id).report.projects[0]["progress"]["2020"]["reduction"] == "1200"


def test_the_indicator_and_kind_are_shown_whole(demo_db: Any, open_window: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.shell.fonts import register_cjk_font

    register_cjk_font(QApplication.instance())  # type: ignore[arg-type]  # the program's font: its widths
    window = open_window(*demo_db)
    window.resize(1366, 768)
    page = window.show_page(("targets",))
    page.add_target()  # 单位工业增加值二氧化碳排放量(tCO2/万元), the longest indicator of the form
    for column in (0, 1):
        combo = page.table.cellWidget(0, column)
        assert isinstance(combo, QComboBox)
        assert page.table.columnWidth(column) >= combo.sizeHint().width(), (combo.currentText(), column)
    window.close()


def test_a_target_the_park_file_would_refuse_is_not_saved_but_said_and_kept_typed(demo_db: Any,
                                                                                  open_window: Any) -> None:  # fmt: skip
    """A base year after the target year, a year written as “2012年”, a value that is not a number: the row is not
    saved (a park file written from the park reads back), the cells keep what was typed, a red line names the row
    and the problem; the row is saved once it is right, and other rows save meanwhile."""
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("targets",))
    page.add_target()
    page.add_target()
    saved = [dict(t) for t in window.session.park.targets]
    assert [t["year"] for t in saved] == [2025, 2025] and [t["base_year"] for t in saved] == [2020, 2020]

    page.table.item(0, 3).setText("2030")  # 2025 年较 2030 年下降 18 %
    assert window.session.park.targets == saved
    assert page.problems.isVisibleTo(page)
    assert "第 1 行：基准年 2030 应早于目标年份 2025" in page.problems.text()
    assert page.table.item(0, 3).text() == "2030"
    assert loads(dumps(window.session.park)).targets == saved

    page.table.item(1, 4).setText("25")  # the other row saves meanwhile; the first still shows what was typed
    assert [t["value"] for t in window.session.park.targets] == [18, 25]
    assert isinstance(window.session.park.targets[1]["year"], int)
    assert [type(t["value"]) for t in window.session.park.targets] == [int, float]  # 18 as filed; 25 as typed
    assert window.session.park.targets[0]["base_year"] == 2020
    assert page.table.item(0, 3).text() == "2030"
    assert "第 1 行" in page.problems.text() and "第 2 行" not in page.problems.text()

    page.table.item(1, 2).setText("2012年")
    assert window.session.park.targets[1]["year"] == 2025
    assert "第 2 行：目标年份“2012年”应为 2016—2060 年之间的年份" in page.problems.text()
    page.table.item(1, 2).setText("2030")  # right again: saved
    assert window.session.park.targets[1]["year"] == 2030 and "第 2 行" not in page.problems.text()
    page.table.item(1, 4).setText("约二十")
    assert window.session.park.targets[1]["value"] == 25
    assert "第 2 行：目标值“约二十”" in page.problems.text()

    page.table.item(0, 2).setText("2035")  # now right: saved, and said no more
    page.table.item(1, 4).setText("20")
    assert [(t["year"], t["base_year"], t["value"]) for t in window.session.park.targets] == [
        (2035, 2030, 18), (2030, 2020, 20)]  # fmt: skip
    assert not page.problems.isVisibleTo(page) and page.problems.text() == ""
    assert loads(dumps(window.session.park)).targets == window.session.park.targets
