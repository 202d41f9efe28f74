"""One state function drives a page's navigation dot and its own status line: they never disagree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from forms.park.parkfile import read_park_file
from storage import Database
from tests.forms.helpers import minimal_doc, write

pytestmark = pytest.mark.gui


def nav_state(window: Any, key: tuple[Any, ...]) -> str:
    return str(window.nav_items[key].text(1))


def page_state(window: Any, key: tuple[Any, ...]) -> str:
    text = window.show_page(key).state_label.text()
    for state in ("填写中", "有错误", "已完成", "空"):
        if f">{state}<" in text:
            return state
    raise AssertionError(text)


def test_a_year_with_a_few_fields_is_in_progress_on_both(tmp_path: Path, open_window: Any, qtbot: Any) -> None:
    few = {"basic.industrial_value_added": 100, "basic.gdp": 200, "energy.raw_coal": 1000}
    doc = minimal_doc({"2016": few})
    db = Database.open(tmp_path / "few.db")
    park_id = db.replace_park(read_park_file(write(tmp_path, doc)))
    window = open_window(db, park_id)
    assert nav_state(window, ("year", 2016)) == page_state(window, ("year", 2016)) == "填写中"
    page = window.pages[("year", 2016)]
    assert "未填写" in page.state_label.text() and "三、电力与热力" in page.state_label.text()
    window.session.add_year(2017)
    qtbot.waitUntil(lambda: ("year", 2017) in window.nav_items)
    assert nav_state(window, ("year", 2017)) == page_state(window, ("year", 2017)) == "空"
    window.tracker.set(2017, "energy.diesel", "-3")  # a hard error
    qtbot.waitUntil(lambda: nav_state(window, ("year", 2017)) == "有错误", timeout=3000)
    assert page_state(window, ("year", 2017)) == "有错误"
    window.close()
    db.close()


def test_the_complete_demo_year_is_complete_on_both(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    for year in (2016, 2020):
        assert nav_state(window, ("year", year)) == page_state(window, ("year", year)) == "已完成"
    window.close()


def test_key_project_list_state_follows_the_projects_on_both(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    key = ("section", "ch6.9")
    assert nav_state(window, key) == page_state(window, key) == "空"  # the page is built now, before the edit
    window.session.set_projects([{"name": "园区光伏一期", "content": "屋顶光伏 20 MW"}])
    qtbot.waitUntil(lambda: nav_state(window, key) != "空", timeout=3000)
    assert page_state(window, key) == nav_state(window, key)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: nav_state(window, key) == "空", timeout=3000)
    assert page_state(window, key) == "空"
    window.close()
