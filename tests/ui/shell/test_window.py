"""The window around the forms: start-up, font, navigation states, report editor, submission log, saving."""

from __future__ import annotations

import configparser
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from forms.report.outline import outline_for
from forms.table.definition import PARK
from forms.table.registry import form_for
from storage import Database
from tests.ui.helpers import type_chinese

pytestmark = pytest.mark.gui


def test_empty_database_offers_the_demo_park(db_path: Path, qapp: QApplication, monkeypatch: Any) -> None:
    from ui.dialogs import start_dialogs

    def choose_demo(dialog: start_dialogs.StartDialog) -> int:
        dialog.choice = start_dialogs.DEMO
        return 1

    monkeypatch.setattr(start_dialogs.StartDialog, "exec", choose_demo)
    with Database.open(db_path) as db:
        park_id = start_dialogs.choose_or_create_park(db)
        assert park_id is not None
        assert [p.name for p in db.list_parks()] == ["示例生态工业示范园区"]
        assert db.load_park(park_id).sorted_years() == [2016, 2017, 2018, 2019, 2020]
        # a second start opens that park without asking
        monkeypatch.setattr(start_dialogs.StartDialog, "exec", lambda _d: pytest.fail("asked again"))
        assert start_dialogs.choose_or_create_park(db) == park_id


def test_new_park_dialog_is_generated_from_the_park_group(db_path: Path, qapp: QApplication, monkeypatch: Any) -> None:
    from ui.dialogs import start_dialogs

    dialog = start_dialogs.NewParkDialog()
    assert list(dialog.editors) == [f.key for f in form_for("eip-2021").fields_in(PARK)]
    dialog._accept()
    assert dialog.message.text().startswith("请填写")  # the name is required

    def fill_and_accept(dialog: start_dialogs.NewParkDialog) -> int:
        dialog.editors["park.name"].setText("测试园区")  # type: ignore[union-attr]
        dialog.editors["park.province"].setEditText("浙江省")  # type: ignore[union-attr]
        return 1

    monkeypatch.setattr(start_dialogs.StartDialog, "exec", lambda d: setattr(d, "choice", start_dialogs.NEW) or 1)
    monkeypatch.setattr(start_dialogs.NewParkDialog, "exec", fill_and_accept)
    with Database.open(db_path) as db:
        park_id = start_dialogs.choose_or_create_park(db)
        assert park_id is not None
        park = db.load_park(park_id)
        assert park.park["park.name"] == "测试园区" and park.park["park.province"] == "浙江省"
        # a new park is offered the newest outline version: its report reviews 十四五, its tables are 2021–2025
        assert park.report.outline == "eip-2026"
        assert park.sorted_years() == [2021, 2022, 2023, 2024, 2025]


def test_locked_database_gives_a_chinese_message(db_path: Path, qapp: QApplication, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.shell import boot

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: shown.append(text))
    with Database.open(db_path):
        assert boot.run_window(str(db_path)) == 1
    assert shown and "数据库已被占用" in shown[0] and "另一个" in shown[0]


def test_navigation_lists_years_and_outline_with_states(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    outline = outline_for("eip-2021")
    nav = window.nav_items
    assert [k[1] for k in nav if k[0] == "year"] == [2016, 2017, 2018, 2019, 2020]
    assert {k[1] for k in nav if k[0] == "section"} == {s.key for s in outline.sections()}
    assert nav[("park",)].text(0) == "园区信息" and nav[("export",)].text(0) == "导出与报送"
    assert nav[("year", 2020)].text(1) == "已完成"  # the demo park has no findings
    assert nav[("section", "ch1.1")].text(1) == "空"
    from PySide6.QtCore import Qt

    dot = nav[("year", 2020)].data(0, Qt.ItemDataRole.DecorationRole)  # the state's coloured dot
    assert not dot.isNull() and dot.toImage().pixelColor(7, 7).name() == "#2e7d32"  # 已完成 is green
    ring = nav[("section", "ch1.1")].data(0, Qt.ItemDataRole.DecorationRole)  # 空: a grey ring, hollow
    assert ring.toImage().pixelColor(7, 7).alpha() == 0 and ring.toImage().pixelColor(7, 2).alpha() > 0


def test_add_year(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QInputDialog

    db, park_id = demo_db
    window = open_window(db, park_id)
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: (2021, True))
    window.ask_add_year()
    assert 2021 in db.load_park(park_id).years
    assert ("year", 2021) in window.nav_items
    assert window.stack.currentWidget() is window.pages[("year", 2021)]
    assert window.nav_items[("year", 2021)].text(1) == "空"


def test_report_section_editor(demo_db: Any, open_window: Any, db_path: Path, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    outline = outline_for("eip-2021")
    section = outline.section("ch3.2")
    page = window.show_page(("section", "ch3.2"))
    assert section.guidance in page.guidance.text()
    assert [page.block_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(page.block_list.count())] == list(
        section.blocks
    )
    type_chinese(page.editor, "园区二氧化碳排放总量逐年下降。")
    assert "字数：14 字" in page.count_label.text()
    assert "填写中" in page.state_label.text()
    assert window.nav_items[("section", "ch3.2")].text(1) == "填写中"
    projects = window.show_page(("section", "ch6.9"))
    assert projects.projects_host is not None  # the key-project editor goes here
    window.close()
    db.close()
    with Database.open(db_path) as db2:
        assert db2.load_park(park_id).report.sections["ch3.2"] == "园区二氧化碳排放总量逐年下降。"


def test_park_profile_edit_is_saved_and_undone(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("park",))
    editor = page.form.editors["park.city"]
    editor.setFocus()
    editor.clear()
    type_chinese(editor, "新城市")
    editor.focus_left.emit()
    assert db.load_park(park_id).park["park.city"] == "新城市"
    assert window.windowTitle().endswith(db.load_park(park_id).name)
    window.undo_stack.undo()
    assert db.load_park(park_id).park["park.city"] == "示例市"
    assert editor.text() == "示例市"


def test_submission_log(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("export",))
    page.kind.setCurrentIndex(page.kind.findData("posted"))
    page.inputs["courier"].setText("中国邮政 EMS")
    page.inputs["waybill"].setText("EMS1234567890")
    page.add_event()
    events = db.submission_events(park_id)
    assert [(e.kind, e.details.get("waybill")) for e in events] == [("posted", "EMS1234567890")]
    assert page.log.item(0, 1).text() == "寄送"
    assert "EMS1234567890" in page.log.item(0, 2).text()
    assert window.nav_items[("export",)].text(1) == "填写中"
    page.kind.setCurrentIndex(page.kind.findData("acknowledged"))
    page.add_event()
    assert window.nav_items[("export",)].text(1) == "已完成"


def test_export_buttons_write_the_package(demo_db: Any, open_window: Any, tmp_path: Path, monkeypatch: Any) -> None:
    pytest.importorskip("export.package")
    from ui.submit import export_page

    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("export",))
    out = tmp_path / "out"
    monkeypatch.setattr(export_page.QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    page.export("package")
    zips = list(out.glob("*/*.zip"))
    assert len(zips) == 1 and zips[0].name.startswith("示例生态工业示范园区_碳达峰碳中和材料_")
    assert "已导出" in page.export_message.text()


def test_ctrl_s_says_saved_and_geometry_is_remembered(demo_db: Any, open_window: Any, db_path: Path,
                                                    qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.save_label.text().startswith("已保存 ")
    assert str(db.path) in window.path_label.text()
    window.resize(760, 541)
    size = (window.width(), window.height())
    assert size != (1360, 860)
    window.close()
    ini = db_path.with_name(db_path.stem + "-window.ini")
    assert ini.is_file()
    parser = configparser.ConfigParser()
    parser.read(ini, encoding="utf-8")
    assert parser.has_option("window", "geometry")
    window2 = open_window(db, park_id)
    assert (window2.width(), window2.height()) == size


def test_findings_panel_can_be_hidden_and_that_is_remembered(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    assert window.findings.isVisible() and window.findings_action.isChecked()
    assert window.dockWidgetArea(window.findings_dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert window.findings_dock.widget() is window.findings
    window.resizeDocks([window.findings_dock], [260], Qt.Orientation.Vertical)
    window.findings_action.trigger()  # 视图 → 问题列表
    assert not window.findings.isVisible()
    window.close()
    window2 = open_window(db, park_id)
    assert not window2.findings.isVisible() and not window2.findings_action.isChecked()
    window2.findings_action.trigger()
    assert window2.findings.isVisible()
    qtbot.waitUntil(lambda: window2.findings.height() > 200, timeout=3000)  # at the height it was given


def test_every_page_fits_a_1366_by_768_screen(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    """No page makes the window taller than an office PC's 1366×768 screen less its taskbar (728 px): a page
    with more than that scrolls (the export page's groups need ~630 px beside the findings panel)."""
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.add_annual_chapter(2021)
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    seen = []
    for key in list(window.nav_items):
        try:
            window.show_page(key)
        except KeyError:
            continue  # a heading without a page of its own
        QApplication.processEvents()
        seen.append(key)
        assert window.minimumSizeHint().height() <= 728, key
        assert window.height() == 728, key
    assert ("export",) in seen and ("year", 2020) in seen and len(seen) > 30
    window.close()
