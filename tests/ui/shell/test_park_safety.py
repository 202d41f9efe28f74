"""The data-safety promises in the window: field history, park versions, switching, import/export, backups."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from forms.park.parkfile import dumps, read_park_file
from storage import backup_reason
from tests.ui.helpers import open_editor
from ui.dialogs.backup_dialog import BackupDialog
from ui.dialogs.history_dialog import HISTORY_ACTION, HistoryDialog
from ui.dialogs.park_list_dialog import ParkListDialog
from ui.dialogs.park_versions_dialog import ParkVersionsDialog
from ui.shell import park_actions
from ui.table.context_menus import context_menu_of

pytestmark = pytest.mark.gui
YEAR = 2020
COAL = "energy.raw_coal"


def _menu_action(window: Any, text: str) -> QAction:
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text().replace("&", "").startswith(text):
                return action
    raise AssertionError(f"菜单中没有“{text}”")


def _capture(monkeypatch: pytest.MonkeyPatch, cls: type, result: int = 0) -> list[Any]:
    """Replace ``cls.exec`` so the test drives the dialog after the code under test opened it."""
    opened: list[Any] = []
    monkeypatch.setattr(cls, "exec", lambda dialog: opened.append(dialog) or result)
    return opened


def _type_in_cell(table: Any, qtbot: Any, key: str, text: str) -> None:
    editor = open_editor(table, key)
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def test_field_history_restores_an_earlier_value_through_the_session(demo_db: Any, open_window: Any,
                                                                     qtbot: Any, monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    original = window.session.raw(YEAR, COAL)
    for text in ("111", "222", "333"):
        _type_in_cell(table, qtbot, COAL, text)
    assert db.load_park(park_id).years[YEAR].values[COAL] == "333"

    opened = _capture(monkeypatch, HistoryDialog)
    menu = table.context_menu_for(COAL)
    assert menu is not None
    [action] = [a for a in menu.actions() if a.text() == HISTORY_ACTION]
    action.trigger()
    dialog = opened[0]
    assert "原煤" in dialog.windowTitle()  # the label comes from the form definition
    rows = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())]
    assert [(r[2], r[3]) for r in rows[:3]] == [("222", "333"), ("111", "222"), (str(original), "111")]
    assert [r[1] for r in rows[:3]] == ["修改"] * 3
    assert dialog.table.horizontalHeaderItem(0).text() == "时间"

    dialog.select_row(2)  # the first value typed
    undo_steps = window.undo_stack.count()
    dialog.restore_selected()
    qtbot.waitUntil(lambda: table.text_at(COAL) == "111", timeout=2000)
    assert db.load_park(park_id).years[YEAR].values[COAL] == "111"
    assert window.undo_stack.count() == undo_steps + 1  # undo sees it
    assert dialog.entries[0].new_raw == "111" and dialog.entries[0].old_raw == "333"  # itself in the history
    window.undo_stack.undo()
    assert db.load_park(park_id).years[YEAR].values[COAL] == "333"
    qtbot.waitUntil(lambda: table.text_at(COAL) == "333", timeout=2000)


def test_park_profile_field_has_its_history_in_the_context_menu(demo_db: Any, open_window: Any,
                                                                monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("park",))
    editor = page.form.editors["park.city"]
    window.tracker.set(None, "park.city", "新城市")
    opened = _capture(monkeypatch, HistoryDialog)
    menu = context_menu_of(editor)  # what a right-click shows
    assert len(menu.actions()) > 3  # the usual edit actions stay
    [action] = [a for a in menu.actions() if a.text() == HISTORY_ACTION]
    action.trigger()
    dialog = opened[0]
    assert dialog.entries[0].new_raw == "新城市"
    dialog.select_row(1)
    dialog.restore_selected()
    assert editor.text() == "示例市" and db.load_park(park_id).park["park.city"] == "示例市"


def test_switching_parks_shows_the_other_park(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    other = db.create_park({"park.name": "第二测试园区", "park.province": "浙江省"}, years=[2019, 2020])
    db.set_value(other, YEAR, COAL, "4321")
    window = open_window(db, park_id)
    window.show_page(("year", YEAR))
    window.tracker.live(YEAR, COAL, "98765")  # pending, not yet written
    assert window.session.dirty

    def choose_other(dialog: ParkListDialog) -> int:
        assert dialog.table.rowCount() == 2
        assert any("（当前）" in dialog.table.item(r, 0).text() for r in range(2))
        dialog.select_park(other)
        dialog._open()
        return 1

    monkeypatch.setattr(ParkListDialog, "exec", choose_other)
    _menu_action(window, "切换园区").trigger()
    assert db.load_park(park_id).years[YEAR].values[COAL] == "98765"  # flushed before switching
    assert window.session.park_id == other
    assert "第二测试园区" in window.windowTitle()
    assert window.session.years == [2019, 2020]
    assert ("year", 2016) not in window.nav_items
    assert window.undo_stack.count() == 0
    table = window.show_page(("year", YEAR)).table
    assert table.text_at(COAL) == "4321"
    assert window.show_page(("park",)).form.editors["park.name"].text() == "第二测试园区"
    window.tracker.set(YEAR, COAL, "5555")  # edits now go to the other park
    assert db.load_park(other).years[YEAR].values[COAL] == "5555"
    assert db.load_park(park_id).years[YEAR].values[COAL] == "98765"


def test_import_park_file_from_the_menu_adds_a_park(demo_db: Any, open_window: Any, tmp_path: Path,
                                                    monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    park = db.load_park(park_id)
    park.park["park.name"] = "导入的园区"
    park.years[YEAR].values[COAL] = "1357"
    source = tmp_path / "导入的园区.json"
    source.write_text(dumps(park), encoding="utf-8")
    told: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    _menu_action(window, "导入园区文件或工作簿").trigger()
    names = [p.name for p in db.list_parks()]
    assert names == ["示例生态工业示范园区", "导入的园区"]
    new_id = db.find_park("导入的园区")
    assert window.session.park_id == new_id and "导入的园区" in window.windowTitle()
    assert window.show_page(("year", YEAR)).table.text_at(COAL) == "1357"
    assert told and "已导入园区“导入的园区”" in told[0]
    assert any(backup_reason(p) == "before-import" for p in db.list_backups())

    # the same name again: the clerk chooses to replace it
    park.years[YEAR].values[COAL] = "2468"
    source.write_text(dumps(park), encoding="utf-8")
    monkeypatch.setattr(park_actions, "ask_choice", lambda *a: park_actions.REPLACE)
    _menu_action(window, "导入园区文件或工作簿").trigger()
    assert len(db.list_parks()) == 2
    assert db.load_park(new_id).years[YEAR].values[COAL] == "2468"
    assert window.show_page(("year", YEAR)).table.text_at(COAL) == "2468"


def test_bad_json_import_shows_a_chinese_error_and_changes_nothing(demo_db: Any, open_window: Any, tmp_path: Path,
                                                                   monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    before = (db.list_parks(), len(db.history(park_id, limit=10000)), db.list_backups())
    source = tmp_path / "坏文件.json"
    source.write_text('{"format": "parkcarbon-park", "park": {"park.name": "坏"', encoding="utf-8")
    errors: list[str] = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text, *a: errors.append(title + "|" + text))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: pytest.fail("told it worked"))
    _menu_action(window, "导入园区文件或工作簿").trigger()
    assert len(errors) == 1
    assert errors[0].startswith("导入失败|文件“坏文件.json”") and "JSON 格式错误" in errors[0]
    assert "数据库没有任何改动" in errors[0]
    assert (db.list_parks(), len(db.history(park_id, limit=10000)), db.list_backups()) == before
    assert window.session.park_id == park_id


def test_export_park_file_writes_what_is_on_screen(demo_db: Any, open_window: Any, tmp_path: Path,
                                                   monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.tracker.live(YEAR, COAL, "8642")  # not yet saved: the export saves it first
    target = tmp_path / "导出"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    _menu_action(window, "导出园区文件").trigger()
    written = target.with_name("导出.json")
    assert read_park_file(written).years[YEAR].values[COAL] == "8642"
    assert json.loads(written.read_text(encoding="utf-8"))["park"]["park.name"] == "示例生态工业示范园区"
    assert not list(tmp_path.glob("*.part"))


def test_backup_now_then_restore_brings_the_old_value_back(demo_db: Any, open_window: Any,
                                                           monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    old = table.text_at(COAL)
    opened = _capture(monkeypatch, BackupDialog)
    _menu_action(window, "备份与恢复").trigger()
    dialog = opened[0]
    backup = dialog.backup_now()
    assert backup is not None and dialog.selected() == backup
    row = dialog.backups.index(backup)
    assert dialog.table.item(row, 1).text() == "手动备份"

    window.tracker.set(YEAR, COAL, "999999")
    assert db.load_park(park_id).years[YEAR].values[COAL] == "999999"
    asked: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes
    )
    dialog.select_backup(backup)
    assert dialog.restore_selected()
    assert "先把当前的状态备份" in asked[0]
    assert str(db.load_park(park_id).years[YEAR].values[COAL]) == old
    assert window.show_page(("year", YEAR)).table.text_at(COAL) == old
    assert window.undo_stack.count() == 0
    reasons = [dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())]
    assert "恢复备份前" in reasons  # the state before the restore can be restored again


def test_restore_park_to_an_earlier_moment(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    old = window.session.raw(YEAR, COAL)
    before = dt.datetime.now(dt.UTC)
    window.tracker.set(YEAR, COAL, "7777")
    window.tracker.set(None, "park.city", "别的城市")
    opened = _capture(monkeypatch, ParkVersionsDialog)
    _menu_action(window, "园区历史版本").trigger()
    dialog = opened[0]
    assert dialog.changed_keys() == []  # now equals now
    dialog.set_moment(before)
    assert sorted(dialog.changed_keys()) == sorted([COAL, "park.city"])
    labels = {dialog.table.item(r, 1).text() for r in range(dialog.table.rowCount())}
    form = window.session.form
    assert labels == {form.field(COAL).label, form.field("park.city").label}
    dialog.set_moment(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    assert not dialog.restore_button.isEnabled()  # the park did not exist yet
    dialog.set_moment(before)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    assert dialog.restore_now()
    park = db.load_park(park_id)
    assert park.years[YEAR].values[COAL] == old and park.park["park.city"] == "示例市"
    assert window.show_page(("year", YEAR)).table.text_at(COAL) == str(old)
    assert dialog.changed_keys() == []


def test_import_workbook_shows_its_cell_report_then_imports(demo_db: Any, open_window: Any, tmp_path: Path,
                                                            monkeypatch: Any) -> None:  # fmt: skip
    from export.xlsx.workbook import write_workbook
    from ui.dialogs.import_report_dialog import ImportReportDialog

    db, park_id = demo_db
    window = open_window(db, park_id)
    park = db.load_park(park_id)
    park.park["park.name"] = "工作簿园区"
    source = write_workbook(park, tmp_path / "工作簿园区.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(source), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a: None)
    reports: list[Any] = []

    def look_then_cancel(dialog: ImportReportDialog) -> int:
        reports.append(dialog)
        return 0

    monkeypatch.setattr(ImportReportDialog, "exec", look_then_cancel)
    _menu_action(window, "导入园区文件或工作簿").trigger()
    dialog = reports[0]
    assert dialog.table.rowCount() == len(dialog.import_result.report) > 0
    assert "没有问题" in dialog.summary.text()
    assert {dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())} <= {"已读取", "已转换", "已忽略"}
    assert len(db.list_parks()) == 1  # cancelled: nothing imported

    monkeypatch.setattr(ImportReportDialog, "exec", lambda dialog: 1)
    _menu_action(window, "导入园区文件或工作簿").trigger()
    new_id = db.find_park("工作簿园区")
    assert new_id is not None and window.session.park_id == new_id
    assert db.load_park(new_id).years[YEAR].values[COAL] == park.years[YEAR].values[COAL]


def test_report_section_and_factor_histories(demo_db: Any, open_window: Any, qtbot: Any, monkeypatch: Any) -> None:
    from tests.ui.helpers import type_chinese

    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("section", "ch3.2"))
    type_chinese(page.editor, "第一稿。")
    window.session.flush()
    page.editor.setPlainText("第二稿，改写了。")
    window.session.flush()
    opened = _capture(monkeypatch, HistoryDialog)
    [action] = [a for a in context_menu_of(page.editor).actions() if a.text() == HISTORY_ACTION]
    action.trigger()
    dialog = opened.pop()
    assert [e.new_raw for e in dialog.entries] == ["第二稿，改写了。", "第一稿。"]
    dialog.select_row(1)
    dialog.restore_selected()
    assert page.editor.toPlainText() == "第一稿。"
    assert db.load_park(park_id).report.sections["ch3.2"] == "第一稿。"

    factor = "factor.co2.raw_coal"
    table = window.show_page(("year", YEAR)).table
    window.session.set_factor(YEAR, factor, "2.0", "企业实测(2020)")
    window.session.set_factor(YEAR, factor, "2.1", "企业实测(2021)")
    menu = table.context_menu_for(factor)
    assert menu is not None and [a.text() for a in menu.actions()] == ["修改数值及来源…", HISTORY_ACTION]
    menu.actions()[1].trigger()
    dialog = opened.pop()
    shown = [dialog.table.item(r, 3).text() for r in range(dialog.table.rowCount())]
    assert shown == ["2.1（来源：企业实测(2021)）", "2.0（来源：企业实测(2020)）"]
    dialog.select_row(1)
    dialog.restore_selected()
    override = db.load_park(park_id).years[YEAR].factors[factor]
    assert (override.value, override.source) == ("2.0", "企业实测(2020)")
    assert table.context_menu_for("emissions.raw_coal") is None  # computed cells have no history


def test_new_park_from_the_menu_opens_it(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    from ui.dialogs.start_dialogs import NewParkDialog

    db, park_id = demo_db
    window = open_window(db, park_id)

    def fill(dialog: NewParkDialog) -> int:
        dialog.editors["park.name"].setText("新建的园区")  # type: ignore[union-attr]
        dialog.outline_combo.setCurrentIndex(dialog.outline_combo.findData("eip-2021"))  # reviews 2016–2020
        return 1

    monkeypatch.setattr(NewParkDialog, "exec", fill)
    _menu_action(window, "新建园区").trigger()
    new_id = db.find_park("新建的园区")
    assert new_id is not None and new_id != park_id
    assert window.session.park_id == new_id and window.windowTitle().endswith("新建的园区")
    assert window.session.years == [2016, 2017, 2018, 2019, 2020]
    assert window.nav_items[("year", 2020)].text(1) == "空"


def test_an_untouched_blank_template_imported_over_the_park_changes_no_data(demo_db: Any, open_window: Any,
                                                                           tmp_path: Path, monkeypatch: Any) -> None:  # fmt: skip
    """The blank template imported back by mistake (replace): every year it left empty and its empty 目标 sheet keep
    the park's data, and the message says so; a year typed into the template is taken over."""
    import openpyxl

    from export.xlsx.workbook import write_workbook
    from ui.dialogs.import_report_dialog import ImportReportDialog

    db, park_id = demo_db
    targets = [{"indicator": "emissions.total", "year": 2025, "kind": "peak"}]
    db.set_targets(park_id, targets)
    window = open_window(db, park_id)
    before = db.load_park(park_id)
    template = write_workbook(before, tmp_path / "模板.xlsx", template=True)
    monkeypatch.setattr(ImportReportDialog, "exec", lambda dialog: 1)
    monkeypatch.setattr(park_actions, "ask_choice", lambda *a: park_actions.REPLACE)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: said.append(text))
    assert window.park_actions.import_park(template) == park_id
    after = db.load_park(park_id)
    assert {y: d.values for y, d in after.years.items()} == {y: d.values for y, d in before.years.items()}
    assert after.years[YEAR].values[COAL] == before.years[YEAR].values[COAL] and after.targets == targets
    assert "空白模板中 2016 年、2017 年、2018 年、2019 年、2020 年没有填写任何内容" in said[-1]

    wb = openpyxl.load_workbook(template)  # one year filled in the template: that year is the template's
    ws = wb[f"{YEAR}年"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "原煤")
    ws.cell(cell.row, 4).value = 1234
    wb.save(tmp_path / "填了一年.xlsx")
    assert window.park_actions.import_park(tmp_path / "填了一年.xlsx") == park_id
    again = db.load_park(park_id)
    assert again.years[2019].values == before.years[2019].values
    assert again.years[YEAR].values != before.years[YEAR].values
    assert "2019 年没有填写" in said[-1] and "2020 年" not in said[-1]
