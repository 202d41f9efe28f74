"""The annual report chapter in the window (年度报告 · N): navigation, blocks, preview, chips, 定稿, undo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from forms.report.annual import chapter_texts, chapter_years, is_chapter_final
from forms.table.calc import compute_park
from tests.ui.helpers import open_editor
from ui.report import annual_nav
from ui.report.report_page import ReportSectionPage

pytestmark = pytest.mark.gui

YEAR = 2020
COMPARE = f"table.year_compare@{YEAR}"
MISSED = {"indicator": "emissions.total", "year": 2019, "kind": "max", "value": 100.0}
NEXT_TARGET = {"indicator": "intensity.co2_per_iva", "year": 2021, "kind": "max", "value": 1.5}
NEXT_PROJECT = {"name": "屋顶光伏", "content": "10 MW 分布式光伏", "years": "2021—2022"}


def _page(window: Any, section: str, year: int = YEAR) -> ReportSectionPage:
    page = window.show_page((annual_nav.SECTION, year, section))
    assert isinstance(page, ReportSectionPage)
    return page


def _select(page: ReportSectionPage, block_id: str) -> None:
    lst = page.block_list
    for i in range(lst.count()):
        if lst.item(i).data(Qt.ItemDataRole.UserRole) == block_id:
            lst.setCurrentRow(i)
            return
    raise AssertionError([lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())])


def test_chapter_added_shown_in_navigation_and_removed_with_undo(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    assert window.nav_items[annual_nav.ROOT].text(0) == "年度报告"
    annual_nav.add_chapter(window, YEAR)
    assert chapter_years(db.load_park(park_id)) == [YEAR]
    chapter = window.nav_items[(annual_nav.CHAPTER, YEAR)]
    assert chapter.text(0) == "年度报告 · 2020"
    assert [chapter.child(i).text(0) for i in range(chapter.childCount())] == [
        "（一）年度碳达峰碳中和工作总结", "（二）年度成效", "（三）目标落实情况", "（四）重点项目与举措进展",
        "（五）存在的问题与不足", "（六）下一年度目标和落实举措"]  # fmt: skip
    assert chapter.child(0).text(1) == "空"
    page = _page(window, "a1")
    assert page.title_label.text() == "2020年度报告 · （一）年度碳达峰碳中和工作总结"
    assert window.stack.currentWidget() is page

    page.editor.setPlainText("本年度园区推进能源结构调整。")
    window.session.flush()
    assert chapter_texts(db.load_park(park_id), YEAR)["a1"] == "本年度园区推进能源结构调整。"
    assert chapter.child(0).text(1) == "填写中"

    annual_nav.remove_chapter(window, YEAR, ask=False)
    assert chapter_years(db.load_park(park_id)) == []
    assert (annual_nav.CHAPTER, YEAR) not in window.nav_items
    window.undo_stack.undo()  # the removal
    assert chapter_years(db.load_park(park_id)) == [YEAR]
    assert chapter_texts(db.load_park(park_id), YEAR)["a1"] == "本年度园区推进能源结构调整。"
    assert window.nav_items[(annual_nav.CHAPTER, YEAR)].text(0) == "年度报告 · 2020"
    window.close()


def test_year_compare_block_follows_the_year_form_and_chips_show_figures(demo_db: Any, open_window: Any, qtbot: Any,
                                                                        screenshot_dir: Path) -> None:  # fmt: skip
    from PySide6.QtWidgets import QApplication

    from ui.shell.fonts import register_cjk_font

    register_cjk_font(QApplication.instance())  # type: ignore[arg-type]  # Chinese in the screenshot
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.add_annual_chapter(YEAR)
    page = _page(window, "a2")
    tools = page.block_tools_controller
    ids = [page.block_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.block_list.count())]
    assert ids[:4] == [COMPARE, "table.zero", "table.pollution", "chart.synergy"]
    assert "value.emissions.total@2020" in ids and "value.intensity.co2_per_iva@2019" in ids

    page.editor.setPlainText("2020年园区二氧化碳排放总量为")
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    _select(page, "value.emissions.total@2020")
    qtbot.mouseClick(tools.insert_button, Qt.MouseButton.LeftButton)
    page.editor.insert_markup("。")
    _select(page, COMPARE)
    qtbot.mouseClick(tools.insert_button, Qt.MouseButton.LeftButton)
    stored = "2020年园区二氧化碳排放总量为{{value.emissions.total@2020}}。\n{{table.year_compare@2020}}\n"
    assert page.editor.toPlainText() == stored
    # the clerk reads figures, the markup stays underneath (and is what is saved)
    assert (
        page.editor.visible_text()
        == "2020年园区二氧化碳排放总量为688.75 万吨。\n〔表：2020年年度碳排放主要指标对比表〕\n"
    )
    assert "{{" not in page.editor.document().toPlainText()
    window.session.flush()
    assert chapter_texts(db.load_park(park_id), YEAR)["a2"] == stored
    tools.render()
    preview = page.preview.toPlainText()
    assert "2020年年度碳排放主要指标对比表" in preview and "6,887,516.65" in preview and "1.5779" in preview

    window.resize(1366, 768)
    page.editor.setFocus()
    qtbot.wait(50)
    window.grab().save(str(screenshot_dir / "annual_a2_chips_1366x768.png"))
    assert page.preview.viewport().width() > 500  # the preview has room for the seven-column table

    # change 原煤 of 2020 in the year form: the preview and the chip follow
    year_table = window.show_page(("year", YEAR)).table
    editor = open_editor(year_table, "energy.raw_coal")
    editor.clear()
    qtbot.keyClicks(editor, "1318000")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    window.show_page((annual_nav.SECTION, YEAR, "a2"))
    qtbot.waitUntil(lambda: "707.36 万吨" in page.editor.visible_text(), timeout=3000)
    assert "6,887,516.65" not in page.preview.toPlainText()
    now = compute_park(db.load_park(park_id)).years[YEAR].value("emissions.total")
    assert now is not None and f"{now:,.2f}" in page.preview.toPlainText()
    assert page.editor.toPlainText() == stored  # a new reading, the same markup
    window.close()


def test_final_gate_refuses_with_reasons_then_marks_and_text_survives_reopen(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    session = window.session
    session.add_annual_chapter(YEAR)
    session.set_targets([MISSED])
    page = _page(window, "a6")
    assert page.final_button is not None and page.final_button.text() == "定稿…"
    gaps = page.try_final()
    assert "“年度碳达峰碳中和工作总结”：正文为空" in gaps
    assert any("未达成，尚未说明原因" in g and "2019 年二氧化碳排放总量" in g for g in gaps)
    assert "“下一年度目标和落实举措”：尚未设置 2021 年的目标" in gaps
    assert "“下一年度目标和落实举措”：尚无 2021 年计划或实施的项目" in gaps
    assert not is_chapter_final(db.load_park(park_id), YEAR)
    assert "尚未设置 2021 年的目标" in page.block_tools_controller.check_label.text()

    texts = {"a1": "全年推进节能降碳。", "a2": "{{table.year_compare@2020}}", "a3": "{{table.target_eval}}",
             "a5": "统计监测能力不足。", "a6": "{{table.next_targets@2020}}{{table.next_projects@2020}}"}  # fmt: skip
    for key, text in texts.items():
        _page(window, key).editor.setPlainText(text)
    session.set_targets([dict(MISSED, explanation="2019 年新增产能投产"), NEXT_TARGET])
    session.set_projects([NEXT_PROJECT])
    page = _page(window, "a6")
    assert page.try_final() == []
    assert is_chapter_final(db.load_park(park_id), YEAR)
    assert page.final_button.text() == "撤销定稿" and "已定稿" in (page.final_label.text() if page.final_label else "")
    window.close()

    again = open_window(db, park_id)
    reopened = again.show_page((annual_nav.SECTION, YEAR, "a6"))
    assert reopened.editor.toPlainText() == texts["a6"]
    assert "2021年目标" in reopened.editor.visible_text()
    assert again.nav_items[(annual_nav.CHAPTER, YEAR)].text(1) in ("填写中", "已完成")
    again.close()


def test_typing_is_undone_by_the_session(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.add_annual_chapter(YEAR)
    page = _page(window, "a5")
    page.editor.setFocus()
    qtbot.keyClicks(page.editor, "abc")
    window.session.flush()
    assert chapter_texts(db.load_park(park_id), YEAR)["a5"] == "abc"
    window.undo_stack.undo()  # the typing: one step
    assert page.editor.toPlainText() == ""
    assert chapter_texts(db.load_park(park_id), YEAR).get("a5", "") == ""
    window.undo_stack.redo()
    assert page.editor.toPlainText() == "abc"
    window.close()


def test_draft_for_a2_has_live_markers(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.add_annual_chapter(YEAR)
    page = _page(window, "a2")
    tools = page.block_tools_controller
    assert tools.draft_button is not None
    draft = tools.current_draft()
    assert "{{value.emissions.total@2020}}" in draft.text and "688.75 万吨" in draft.preview
    tools.insert_draft(draft)
    assert "{{value.emissions.total@2020}}" in page.editor.toPlainText()
    assert "688.75 万吨" in page.editor.visible_text()
    window.close()


def test_chip_is_one_character_for_backspace(qtbot: Any) -> None:
    from ui.report.marker_edit import MarkerTextEdit

    edit = MarkerTextEdit()
    qtbot.addWidget(edit)
    edit.set_labeller(lambda block_id: ("688.75 万吨", "value"))
    edit.setPlainText("总量{{value.emissions.total}}")
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    qtbot.keyClicks(edit, "x")
    assert edit.toPlainText() == "总量{{value.emissions.total}}x"
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    assert edit.toPlainText() == "总量"


def test_special_report_draft_shows_figures_not_markup(demo_db: Any, open_window: Any,
                                                       screenshot_dir: Path) -> None:  # fmt: skip
    """Issue 20: after 生成段落 the 专项报告's editor reads as figures; the stored text keeps the markers."""
    from PySide6.QtWidgets import QApplication

    from ui.shell.fonts import register_cjk_font

    register_cjk_font(QApplication.instance())  # type: ignore[arg-type]
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("section", "ch2.2"))
    tools = page.block_tools_controller
    page.editor.setPlainText("")
    tools.insert_draft(tools.current_draft())
    tools.insert_block("table.trend")
    stored = page.editor.toPlainText()
    assert "{{value.emissions.total@2016}}" in stored and "{{table.trend}}" in stored
    visible = page.editor.visible_text()
    assert "{{" not in visible and "“十三五”期间（2016—2020年）" in visible
    assert "园区二氧化碳排放总量由2016年的" in visible and "〔表：" in visible
    window.session.flush()
    assert db.load_park(park_id).report.sections["ch2.2"] == stored
    window.resize(1366, 768)
    tools.render()
    window.grab().save(str(screenshot_dir / "report_ch2_2_chips_1366x768.png"))
    window.close()
