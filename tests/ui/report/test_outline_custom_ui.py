"""The navigation's context menu on the report outline (ui.report.outline_menu): rename, move, add, delete, reset;
stored in the database, shown after a rebuild and after reopening; section states need required elements."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMessageBox

from forms.park.parkfile import read_park_file
from forms.report.customisation import CUSTOM_KEY
from forms.report.markers import marker
from forms.report.outline import outline_for, subsection_label
from storage import Database
from tests.ui.helpers import type_chinese
from ui.dialogs.start_dialogs import demo_park_path
from ui.shell.states import COMPLETE_CHARS, FillState, section_state

pytestmark = pytest.mark.gui
BASE = outline_for("eip-2021")


def action(window: Any, page_key: tuple[Any, ...], text: str) -> QAction:
    menu = window.outline_menu.menu_for(page_key)
    assert menu is not None
    found = [a for a in menu.actions() if a.text() == text]
    assert found, [a.text() for a in menu.actions()]
    return found[0]


def answer_text(monkeypatch: Any, text: str) -> list[tuple[Any, ...]]:
    asked: list[tuple[Any, ...]] = []

    def get_text(*args: Any, **kwargs: Any) -> tuple[str, bool]:
        asked.append(args)
        return text, True

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    return asked


def answer_yes(monkeypatch: Any) -> list[str]:
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *args: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def nav_titles(window: Any, chapter: str) -> list[str]:
    item = window.nav_items[("chapter", chapter)]
    return [item.child(i).text(0) for i in range(item.childCount())]


def test_rename_through_the_menu_is_stored_and_shown_after_reopening(
    demo_db: Any, open_window: Any, db_path: Any, monkeypatch: Any
) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("section", "ch2.1"))
    asked = answer_text(monkeypatch, "主要工作及举措")
    action(window, ("section", "ch2.1"), "重命名…").trigger()
    assert asked and asked[0][4] == "主要工作及措施"  # the dialog offers the current title
    assert window.nav_items[("section", "ch2.1")].text(0) == "（一）主要工作及举措"
    assert page.title_label.text().endswith("（一）主要工作及举措")  # the open page follows
    assert window.stack.currentWidget() is page
    assert db.load_park(park_id).report.extra[CUSTOM_KEY] == {"titles": {"ch2.1": "主要工作及举措"}}
    window.close()
    db.close()
    with Database.open(db_path) as db2:
        again = open_window(db2, park_id)
        assert again.nav_items[("section", "ch2.1")].text(0) == "（一）主要工作及举措"
        assert nav_titles(again, "ch2")[1:] == ["（二）取得的成效", "（三）存在的问题与不足"]
        again.close()


def test_move_buttons_and_delete_only_for_added_sections(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    assert not action(window, ("section", "ch2.1"), "上移").isEnabled()
    assert action(window, ("section", "ch2.1"), "下移").isEnabled()
    assert not action(window, ("section", "ch2.3"), "下移").isEnabled()
    assert not action(window, ("section", "ch2.2"), "删除…").isEnabled()
    assert not action(window, ("report",), "恢复默认提纲…").isEnabled()  # nothing customised yet
    assert window.outline_menu.menu_for(("year", 2020)) is None
    action(window, ("section", "ch2.3"), "上移").trigger()
    assert nav_titles(window, "ch2") == ["（一）主要工作及措施", "（二）存在的问题与不足", "（三）取得的成效"]
    assert window.current_page_key() == ("section", "ch2.3")
    page = window.page(("section", "ch2.2"))
    assert page.title_label.text().endswith("（三）取得的成效")
    assert db.load_park(park_id).report.extra[CUSTOM_KEY] == {"order": {"ch2": ["ch2.1", "ch2.3", "ch2.2"]}}


def test_add_write_delete_and_reset(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    answer_text(monkeypatch, "典型案例")
    action(window, ("chapter", "ch2"), "添加小节…").trigger()
    key = "ch2.x1"
    assert window.current_page_key() == ("section", key)
    assert nav_titles(window, "ch2")[-1] == f"{subsection_label(3)}典型案例"
    page = window.stack.currentWidget()
    assert page.title_label.text() == "二、“十三五”碳减排工作回顾 · （四）典型案例"
    type_chinese(page.editor, "园区推行循环化改造的典型案例。")
    window.session.flush()
    assert db.load_park(park_id).report.sections[key] == "园区推行循环化改造的典型案例。"
    # a second one after ch2.1, through the section's menu
    answer_text(monkeypatch, "经验做法")
    action(window, ("section", "ch2.1"), "添加小节…").trigger()
    assert nav_titles(window, "ch2")[:2] == ["（一）主要工作及措施", "（二）经验做法"]
    assert window.current_page_key() == ("section", "ch2.x2")
    # delete the first: asked, text cleared from the report but kept in the history
    asked = answer_yes(monkeypatch)
    assert action(window, ("section", key), "删除…").isEnabled()
    action(window, ("section", key), "删除…").trigger()
    assert asked and "典型案例" in asked[0] and "修改历史" in asked[0]
    assert ("section", key) not in window.nav_items and ("section", key) not in window.pages
    assert window.current_page_key() == ("section", "ch2.3")  # the section before it
    park = db.load_park(park_id)
    assert not park.report.sections.get(key)
    assert key not in {a["key"] for a in park.report.extra[CUSTOM_KEY]["added"]}
    assert any(h.old_raw == "园区推行循环化改造的典型案例。" for h in db.history(park_id, key=key))
    # reset: back to the outline, the counter kept
    asked.clear()
    action(window, ("report",), "恢复默认提纲…").trigger()
    assert asked and "经验做法" in asked[0]
    assert {k[1] for k in window.nav_items if k[0] == "section"} == {s.key for s in BASE.sections()}
    assert db.load_park(park_id).report.extra[CUSTOM_KEY] == {"next": 3}
    assert window.current_page_key() == ("section", "ch2.3")


def test_a_refused_change_says_why(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    answer_text(monkeypatch, "长" * 60)
    action(window, ("section", "ch3.1"), "重命名…").trigger()
    assert warned and "不能超过" in warned[0]
    assert CUSTOM_KEY not in db.load_park(park_id).report.extra
    assert window.nav_items[("section", "ch3.1")].text(0) == "（一）核算边界、范围与方法"


def test_section_is_complete_only_with_its_required_elements(qapp: Any) -> None:
    park = read_park_file(demo_park_path())
    section = BASE.section("ch2.2")
    prose = "“十三五”期间园区坚持绿色低碳发展，持续推进节能改造和能源结构调整。" * 4
    assert len(prose) > COMPLETE_CHARS
    park.report.sections["ch2.2"] = prose
    assert section_state(park, section) is FillState.IN_PROGRESS  # long enough, but no figures
    park.report.sections["ch2.2"] = (
        prose + f"排放总量变化{marker('value.change.emissions.total')}，"
        f"强度变化{marker('value.change.intensity.co2_per_iva')}。"
    )
    assert section_state(park, section) is FillState.COMPLETE
    # a section without requirements: enough text is enough
    park.report.sections["ch2.1"] = prose
    assert section_state(park, BASE.section("ch2.1")) is FillState.COMPLETE
