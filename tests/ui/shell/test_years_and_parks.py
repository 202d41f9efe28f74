"""A year added by mistake is removed (asking first when it has data) and comes back whole with undo;
a park is renamed (undoable, a name in use refused) and deleted (asks, backs up, opens another park)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from storage import backup_reason

pytestmark = pytest.mark.gui


def test_an_empty_year_is_removed_without_asking_and_undo_brings_it_back(demo_db: Any, open_window: Any,
                                                                         monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (2021, True))
    window.ask_add_year()
    assert window.current_page_key() == ("year", 2021)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked for an empty year"))
    assert window.ask_remove_year()
    assert 2021 not in db.load_park(park_id).years and ("year", 2021) not in window.nav_items
    assert ("year", 2021) not in window.pages
    window.undo_stack.undo()
    assert 2021 in db.load_park(park_id).years and ("year", 2021) in window.nav_items
    window.close()


def test_a_year_with_data_asks_and_undo_restores_every_value(demo_db: Any, open_window: Any, qtbot: Any,
                                                             monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.set_explanation(2020, "energy.raw_coal", "新建热电联产项目投产")
    window.session.flush()
    before = db.load_park(park_id).years[2020]
    asked: list[str] = []

    def answer(_parent: Any, _title: str, text: str, *a: Any, **k: Any) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.No if len(asked) == 1 else QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    window.show_page(("year", 2020))
    assert not window.ask_remove_year()  # No: nothing happens
    assert "2020 年的数据表中已填写" in asked[0] and "撤销" in asked[0]
    assert 2020 in db.load_park(park_id).years
    assert window.ask_remove_year()  # Yes
    assert 2020 not in db.load_park(park_id).years and 2020 not in window.session.park.years
    assert "删除 2020 年" in window.undo_stack.undoText()
    window.undo_stack.undo()
    after = db.load_park(park_id).years[2020]
    assert after == before  # values, header, factors, explanations, locks: all back
    assert window.session.park.years[2020] == before
    assert window.nav_items[("year", 2020)].text(1) != ""
    window.undo_stack.redo()  # Ctrl+Y removes it again
    assert 2020 not in db.load_park(park_id).years
    window.undo_stack.undo()
    window.close()


def test_rename_park_is_undoable_and_refuses_a_name_in_use(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    other = db.create_park({"park.name": "乙园区"}, years=[2020])
    window = open_window(db, park_id)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: warnings.append(text))
    assert not window.park_actions.rename_park("乙园区")
    assert "已有园区“乙园区”" in warnings[-1]
    assert not window.park_actions.rename_park("  ")
    assert "不能为空" in warnings[-1]
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("甲园区(新名)", True))
    assert window.park_actions.rename_park()
    assert db.find_park("甲园区(新名)") == park_id and "甲园区(新名)" in window.windowTitle()
    window.undo_stack.undo()
    assert db.find_park("示例生态工业示范园区") == park_id and "示例生态工业示范园区" in window.windowTitle()
    assert db.find_park("乙园区") == other
    window.close()


def test_delete_park_asks_backs_up_and_opens_another(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    infos: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: infos.append(text))
    assert not window.park_actions.delete_park()  # the only park: refused
    assert "唯一的园区" in infos[-1] and [p.id for p in db.list_parks()] == [park_id]
    other = db.create_park({"park.name": "乙园区"}, years=[2020])
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not window.park_actions.delete_park()
    assert {p.id for p in db.list_parks()} == {park_id, other}
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    backups_before = set(db.list_backups())
    assert window.park_actions.delete_park()
    assert [p.id for p in db.list_parks()] == [other]
    assert window.session.park_id == other and "乙园区" in window.windowTitle()
    made = [p for p in db.list_backups() if p not in backups_before]
    assert made and backup_reason(made[0]) == "before-delete"
    with sqlite3.connect(made[0]) as conn:  # the deleted park is in the backup
        assert "示例生态工业示范园区" in [r[0] for r in conn.execute("SELECT name FROM parks")]
    window.close()


def test_a_park_that_is_not_open_is_deleted_from_the_park_list(demo_db: Any, open_window: Any,
                                                               monkeypatch: Any) -> None:  # fmt: skip
    from ui.dialogs.park_list_dialog import ParkListDialog

    db, park_id = demo_db
    window = open_window(db, park_id)
    other = db.create_park({"park.name": "乙园区"}, years=[2020])
    third = db.create_park({"park.name": "丙园区"}, years=[2021])
    asked: list[str] = []

    def answer(button: Any) -> Any:
        return lambda _p, _t, text, *a, **k: asked.append(text) or button

    dialog = ParkListDialog(db.list_parks(), park_id, window, delete=window.park_actions.delete_other_park)
    dialog.select_park(park_id)
    assert not dialog.delete_button.isEnabled()  # the open park: 文件 → 删除当前园区
    dialog.select_park(other)
    assert dialog.delete_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    assert not dialog.delete_selected() and "乙园区" in asked[-1]
    assert {p.id for p in db.list_parks()} == {park_id, other, third} and dialog.table.rowCount() == 3
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    backups_before = set(db.list_backups())
    assert dialog.delete_selected()
    assert {p.id for p in db.list_parks()} == {park_id, third}
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert len(names) == 2 and not [n for n in names if "乙园区" in n]
    assert window.session.park_id == park_id  # the open park stays open, untouched
    made = [p for p in db.list_backups() if p not in backups_before]
    assert made and backup_reason(made[0]) == "before-delete"
    with sqlite3.connect(made[0]) as conn:
        assert "乙园区" in [r[0] for r in conn.execute("SELECT name FROM parks")]
    dialog.close()
    window.close()


@pytest.mark.parametrize("entry", [("add_year",), ("add_annual",), ("annual_root",)])
def test_an_asking_entry_cancelled_leaves_the_page_shown_before(entry: tuple[str], demo_db: Any, open_window: Any,
                                                                qtbot: Any, monkeypatch: Any) -> None:  # fmt: skip
    """＋ 添加年份… (or 年度报告 with no chapter yet) asks; 取消 leaves the clerk on the page, selected, as before."""
    window = open_window(*demo_db)
    asked: list[str] = []

    def cancel(_parent: Any, title: str, *a: Any, **k: Any) -> tuple[int, bool]:
        asked.append(title)
        return 0, False

    monkeypatch.setattr(QInputDialog, "getInt", cancel)
    page = window.show_page(("year", 2019))
    window.nav.setCurrentItem(window.nav_items[entry])
    qtbot.waitUntil(lambda: bool(asked), timeout=2000)
    assert window.stack.currentWidget() is page
    assert window.current_page_key() == ("year", 2019)
    assert window.session.years == [2016, 2017, 2018, 2019, 2020]
    window.close()


def test_a_year_added_from_the_navigation_is_shown_and_selected(demo_db: Any, open_window: Any, qtbot: Any,
                                                                monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.mark_final()
    window.check_final()
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (2021, True))
    window.nav.setCurrentItem(window.nav_items[("add_year",)])
    qtbot.waitUntil(lambda: 2021 in window.session.years, timeout=2000)
    assert window.current_page_key() == ("year", 2021)
    assert getattr(window.stack.currentWidget(), "year", None) == 2021
    qtbot.waitUntil(window.final_banner.isVisible, timeout=3000)  # a year added to a 定稿 park: said at once
    assert 2021 in db.load_park(park_id).years
    window.close()


def test_the_findings_title_counts_the_findings_of_the_park_switched_to(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    assert "错误 0 条" in window.findings_dock.windowTitle()
    new_id = db.create_park({"park.name": "新建的园区"}, years=(2021,))
    assert window.open_park(new_id)
    errors = sum(1 for f in window.session.findings if f.level == "error")
    assert errors > 0
    assert window.findings.summary.text() in window.findings_dock.windowTitle()
    assert f"错误 {errors} 条" in window.findings_dock.windowTitle()
    window.close()


def test_the_year_tables_entry_of_a_park_without_years_offers_to_add_one(demo_db: Any, open_window: Any,
                                                                         qtbot: Any, monkeypatch: Any) -> None:  # fmt: skip
    window = open_window(*demo_db)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    for year in list(window.session.years):
        window.show_page(("year", year))
        assert window.ask_remove_year()
    assert window.session.years == []
    park_page = window.show_page(("park",))
    asked: list[int] = []

    def add(_parent: Any, _title: str, _label: str, value: int, *a: Any, **k: Any) -> tuple[int, bool]:
        asked.append(value)
        return (0, False) if len(asked) == 1 else (2016, True)

    monkeypatch.setattr(QInputDialog, "getInt", add)
    window.nav.setCurrentItem(window.nav_items[("years",)])
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=2000)
    assert window.stack.currentWidget() is park_page and window.current_page_key() == ("park",)  # 取消
    window.nav.setCurrentItem(window.nav_items[("years",)])
    qtbot.waitUntil(lambda: window.session.years == [2016], timeout=2000)
    assert asked == [2016, 2016]  # the first year a park files
    assert window.current_page_key() == ("year", 2016)
    window.close()
