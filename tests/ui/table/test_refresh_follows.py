"""What the window shows follows every change although only what changed is given to Qt again (issue 17):
the totals after each key, the findings' colours and tooltips on the cells after the check, the explanation
bar when a warning becomes an error, and the header fields of a year page that was not on screen."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.helpers import expected_text, open_editor
from ui.common.widgets import ERROR_BG, WARNING_BG

pytestmark = pytest.mark.gui
YEAR = 2020
COAL = "energy.raw_coal"


def _background(table: Any, key: str) -> str:
    r, c = table.cell_of[key]
    return table.item(r, c).background().color().name()


def test_totals_follow_each_key_and_the_finding_marks_follow_the_check(demo_db: Any, open_window: Any,
                                                                       qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("year", YEAR))
    table = page.table
    assert _background(table, COAL) == "#ffffff"  # no finding on the cell
    before = table.text_at(COAL)
    editor = open_editor(table, COAL)
    editor.clear()
    typed = ""
    for digit in "99999999":  # the totals after every key, before any check
        qtbot.keyClicks(editor, digit)
        typed += digit
        want = expected_text(window.session.park, YEAR, COAL, typed, "emissions.raw_coal")
        qtbot.waitUntil(lambda w=want: table.text_at("emissions.raw_coal") == w, timeout=3000)
    # the check after typing: a year-on-year warning, marked on the cell and named in its tooltip and below
    qtbot.waitUntil(lambda: _background(table, COAL) == WARNING_BG.name(), timeout=3000)
    r, c = table.cell_of[COAL]
    assert "比上年变化" in table.item(r, c).toolTip()
    assert any(f.key == COAL and f.year == YEAR for f in window.findings.items())
    assert not page.explain.isHidden() and "【警告】" in page.explain.message.text()
    warning_style = page.explain.styleSheet()
    assert WARNING_BG.name() in warning_style
    # the same cell, now an error: the marks change with it
    qtbot.keyClicks(editor, "x")
    qtbot.waitUntil(lambda: _background(table, COAL) == ERROR_BG.name(), timeout=3000)
    assert "不是有效的数字" in table.item(r, c).toolTip()
    assert "【错误】" in page.explain.message.text() and ERROR_BG.name() in page.explain.styleSheet()
    # back to the stored value: no finding, the cell white again, the totals as before
    editor.clear()
    qtbot.keyClicks(editor, before)
    qtbot.waitUntil(lambda: _background(table, COAL) == "#ffffff", timeout=3000)
    assert "比上年变化" not in table.item(r, c).toolTip() and page.explain.isHidden()
    assert table.text_at("emissions.raw_coal") == expected_text(
        window.session.park, YEAR, COAL, before, "emissions.raw_coal"
    )
    window.close()


def test_a_cell_edited_then_left_shows_the_stored_text(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    before = table.text_at(COAL)
    editor = open_editor(table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "1300000")
    table.setCurrentCell(0, 0)  # the edit committed, the editor closed
    qtbot.waitUntil(lambda: table.indexWidget(table.model().index(*table.cell_of[COAL])) is None, timeout=3000)
    assert table.text_at(COAL) == "1300000"
    window.undo_stack.undo()  # the stored value back: shown although the cell was just refreshed from it
    qtbot.waitUntil(lambda: table.text_at(COAL) == before, timeout=3000)
    window.close()


def test_a_header_field_of_a_year_not_on_screen_shows_its_finding_when_shown(demo_db: Any, open_window: Any,
                                                                              qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    other = window.show_page(("year", YEAR - 1))
    window.show_page(("year", YEAR))
    assert not other.isVisible()
    editor = other.header.editors["meta.fill_date"]
    assert editor.styleSheet() == ""
    window.session.set_raw(YEAR - 1, "meta.fill_date", "notadate")  # e.g. an undo while another page is shown
    window.session.revalidate()
    window.show_page(("year", YEAR - 1))
    qtbot.waitUntil(lambda: ERROR_BG.name() in editor.styleSheet(), timeout=3000)
    assert "不是有效日期" in editor.toolTip()
    window.session.set_raw(YEAR - 1, "meta.fill_date", "2021-09-20")
    window.session.revalidate()
    qtbot.waitUntil(lambda: editor.styleSheet() == "", timeout=3000)  # on screen: at once
    window.close()


def test_the_final_gate_of_the_export_page_follows_a_change_made_while_it_was_not_shown(
    demo_db: Any, open_window: Any, qtbot: Any
) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    panel = window.show_page(("export",)).final_panel
    before = [panel.blockers.item(i).text() for i in range(panel.blockers.count())]
    assert not any("原煤不能为负数" in t for t in before)
    window.show_page(("year", YEAR))
    assert not panel.isVisible()
    window.session.set_raw(YEAR, COAL, "-5")
    window.session.revalidate()
    window.show_page(("export",))
    texts = [panel.blockers.item(i).text() for i in range(panel.blockers.count())]
    assert any("原煤不能为负数" in t for t in texts)
    window.close()


def test_every_blocker_of_the_final_gate_is_named_in_chinese(demo_db: Any, open_window: Any) -> None:
    from ui.submit.final_gate_panel import KIND_ZH

    db, park_id = demo_db
    window = open_window(db, park_id)
    panel = window.show_page(("export",)).final_panel
    assert panel.gate is not None
    kinds = {b.kind for b in panel.gate.items}
    assert "empty_section" in kinds and kinds <= KIND_ZH.keys()
    texts = [panel.blockers.item(i).text() for i in range(panel.blockers.count())]
    assert all(t.startswith("【") and t[1 : t.index("】")] in KIND_ZH.values() for t in texts if "】" in t)
    window.close()


def test_a_report_page_not_on_screen_shows_its_current_state_when_shown(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("section", "ch6.9"))  # 重点项目清单: its state follows the project list
    assert "空" in page.state_label.text()
    window.show_page(("year", YEAR))
    assert not page.isVisible()
    window.session.set_projects([{"name": "屋顶光伏", "investment": 3800, "reduction": 8500}])
    window.show_page(("section", "ch6.9"))
    assert "已完成" in page.state_label.text() and page.state.value == "已完成"
    assert window.nav_items[("section", "ch6.9")].text(1) == "已完成"  # the same as its navigation entry
    window.close()


def test_the_synergy_page_follows_a_change_made_while_it_was_not_shown(demo_db: Any, open_window: Any) -> None:
    from ui.report.block_view import render_into
    from ui.table.synergy_page import BLOCKS

    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("synergy",))
    renders: list[str] = []
    refresh = page.refresh
    page.refresh = lambda: renders.append("r") or refresh()
    window.show_page(("year", YEAR))
    for raw in ("2500000", "2600000"):
        window.session.set_raw(YEAR, COAL, raw)
    assert not page.isVisible() and renders == []  # not rendered for each key while off screen
    window.show_page(("synergy",))
    assert renders == ["r"]  # once, when shown, from the park as it is now
    session = window.session
    assert page.html == render_into(page.view, "\n".join(BLOCKS), session.park, session.park_result())
    window.session.set_raw(YEAR, COAL, "2700000")  # on screen: at once
    assert renders == ["r", "r"]
    window.close()
