"""The year form: live calculation, autosave, validation at the field, paste, undo, keyboard."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from forms.table.definition import ERROR, VALUES, WARNING
from forms.table.kinds import kind_of
from storage import Database
from tests.ui.helpers import expected_text, open_editor, type_chinese
from ui.common.widgets import ERROR_BG

pytestmark = pytest.mark.gui
YEAR = 2020
COAL = "energy.raw_coal"


def test_typing_coal_updates_co2_and_total_and_survives_reopen(demo_db: Any, open_window: Any, db_path: Any,
                                                               qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("year", YEAR))
    table = page.table
    assert table.form.field(COAL).label == "原煤"
    park_before = window.session.park.copy()
    want_co2 = expected_text(park_before, YEAR, COAL, "1234567", "emissions.raw_coal")
    want_total = expected_text(park_before, YEAR, COAL, "1234567", "emissions.total")
    assert table.text_at("emissions.raw_coal") != want_co2

    editor = open_editor(table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "1234567")
    # updated while typing, before the editor is closed
    qtbot.waitUntil(lambda: table.text_at("emissions.raw_coal") == want_co2, timeout=2000)
    assert page.summary.values["emissions.total"].text().startswith(want_total)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.undo_stack.count() == 1

    window.close()
    db.close()
    db2 = Database.open(db_path)
    try:
        assert db2.load_park(park_id).years[YEAR].values[COAL] == "1234567"
        window2 = open_window(db2, park_id)
        page2 = window2.show_page(("year", YEAR))
        assert page2.table.text_at(COAL) == "1234567"
        assert page2.table.text_at("emissions.raw_coal") == want_co2
        window2.close()
    finally:
        db2.close()


def test_enter_and_tab_move_down_the_column(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    window = open_window(*demo_db)
    table = window.show_page(("year", YEAR)).table
    editor = open_editor(table, COAL)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert table.currentIndex().data(Qt.ItemDataRole.UserRole) == "energy.cleaned_coal"
    editor = open_editor(table, "energy.cleaned_coal")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert table.currentIndex().data(Qt.ItemDataRole.UserRole) == "energy.other_washed_coal"


def test_edit_is_autosaved_within_a_second_without_closing(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    editor = open_editor(table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "4321")  # still typing: the editor stays open
    qtbot.waitUntil(lambda: db.load_park(park_id).years[YEAR].values.get(COAL) == "4321", timeout=1500)
    # said once the window's thread has taken in the autosave thread's write (its next event-loop turn)
    qtbot.waitUntil(lambda: window.save_label.text().startswith("已保存 "), timeout=1000)


def test_negative_value_is_shown_at_the_field_and_in_the_panel(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    editor = open_editor(table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "-5")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.findings.item_for(YEAR, COAL) is not None, timeout=3000)
    finding = next(f for f in window.findings.items() if f.key == COAL and f.year == YEAR)
    assert finding.level == ERROR and "负数" in finding.message
    r, c = table.cell_of[COAL]
    item = table.item(r, c)
    assert item.background().color() == ERROR_BG
    assert "不能为负数" in item.toolTip()
    assert item.text() == "-5"
    assert window.nav_items[("year", YEAR)].text(1) == "有错误"


def test_invalid_text_stays_as_typed(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    editor = open_editor(table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "12,34.5")
    type_chinese(editor, "吨")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.findings.item_for(YEAR, COAL) is not None, timeout=3000)
    assert table.text_at(COAL) == "12,34.5吨"
    assert db.load_park(park_id).years[YEAR].values[COAL] == "12,34.5吨"
    r, c = table.cell_of[COAL]
    assert table.item(r, c).background().color() == ERROR_BG


def test_clicking_a_finding_jumps_to_the_field(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", 2018)).table
    window.tracker.set(2018, "energy.diesel", "-1")
    window.show_page(("park",))
    qtbot.waitUntil(lambda: window.findings.item_for(2018, "energy.diesel") is not None, timeout=3000)
    item = window.findings.item_for(2018, "energy.diesel")
    window.findings.tree.itemClicked.emit(item, 0)
    assert window.stack.currentWidget() is window.pages[("year", 2018)]
    assert table.currentIndex().data(Qt.ItemDataRole.UserRole) == "energy.diesel"


def test_soft_warning_explanation_survives_reopen(demo_db: Any, open_window: Any, db_path: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    key = "basic.industrial_value_added"
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    r, c = table.cell_of[key]
    table.setCurrentCell(r, c)
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # clear the cell: 工业增加值未填写 is a soft warning
    qtbot.waitUntil(lambda: window.findings.item_for(YEAR, key) is not None, timeout=3000)
    finding = next(f for f in window.findings.items() if f.key == key and f.year == YEAR)
    assert finding.level == WARNING and not finding.explained
    window.findings.tree.itemClicked.emit(window.findings.item_for(YEAR, key), 0)
    assert window.findings.explanation.isEnabled()
    type_chinese(window.findings.explanation, "统计局尚未发布2020年工业增加值")
    window.close()
    db.close()

    db2 = Database.open(db_path)
    try:
        assert db2.load_park(park_id).years[YEAR].explanations[key] == "统计局尚未发布2020年工业增加值"
        window2 = open_window(db2, park_id)
        finding2 = next(f for f in window2.findings.items() if f.key == key and f.year == YEAR)
        assert finding2.explained and finding2.explanation == "统计局尚未发布2020年工业增加值"
        assert window2.findings.item_for(YEAR, key).text(0) == "警告（已说明）"
        window2.close()
    finally:
        db2.close()


def test_paste_of_a_column_fills_rows_and_undo_restores(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    keys = [COAL, "energy.cleaned_coal", "energy.other_washed_coal", "energy.briquette"]
    before = {k: window.session.raw(YEAR, k) for k in keys}
    QGuiApplication.clipboard().setText("1,000\r\n2000\r\n3.5万\r\n")  # as Excel/WPS copy a column
    r, c = table.cell_of[COAL]
    table.setCurrentCell(r, c)
    qtbot.keyClick(table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    stored = db.load_park(park_id).years[YEAR].values
    assert [stored.get(k) for k in keys[:3]] == ["1,000", "2000", "3.5万"]
    assert stored.get(keys[3]) == before[keys[3]]  # only three lines were copied
    assert [table.text_at(k) for k in keys[:3]] == ["1,000", "2000", "3.5万"]
    assert window.undo_stack.count() == 1  # one paste, one undo step

    window.undo_stack.undo()
    stored = db.load_park(park_id).years[YEAR].values
    assert [stored.get(k) for k in keys] == [before[k] for k in keys]
    assert [window.session.raw(YEAR, k) for k in keys] == [before[k] for k in keys]
    qtbot.waitUntil(lambda: table.text_at(COAL) == str(before[COAL]), timeout=1000)
    window.undo_stack.redo()
    assert db.load_park(park_id).years[YEAR].values.get(COAL) == "1,000"


def test_undo_of_a_typed_value_writes_the_old_raw_back(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    old = window.session.raw(YEAR, COAL)
    editor = open_editor(table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "99")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert db.load_park(park_id).years[YEAR].values[COAL] == "99"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db.load_park(park_id).years[YEAR].values[COAL] == old
    qtbot.waitUntil(lambda: table.text_at(COAL) == str(old), timeout=1000)


def test_factor_shows_source_and_unverified_grade(demo_db: Any, open_window: Any) -> None:
    window = open_window(*demo_db)
    table = window.show_page(("year", YEAR)).table
    result = window.session.result(YEAR)
    for key, fv in result.factors.items():
        if key not in table.cell_of or fv.origin != "default":
            continue
        r, c = table.cell_of[key]
        item = table.item(r, c)
        assert fv.printed_source in item.toolTip()  # the citation; the research notes are never printed
        assert fv.basis in item.toolTip()  # which year's publication and why
        assert ("未核实" in item.text()) == fv.unverified


def test_factor_override_is_saved(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("year", YEAR))
    window.session.set_factor(YEAR, "factor.co2.raw_coal", "2.0", "企业实测(2020)")
    assert db.load_park(park_id).years[YEAR].factors["factor.co2.raw_coal"].source == "企业实测(2020)"
    page.refresh()
    assert "（用户）" in page.table.text_at("factor.co2.raw_coal")
    assert "企业实测(2020)" in page.table.item(*page.table.cell_of["factor.co2.raw_coal"]).toolTip()


def test_every_input_of_the_definition_has_a_cell(demo_db: Any, open_window: Any) -> None:
    window = open_window(*demo_db)
    table = window.show_page(("year", YEAR)).table
    cells = [key for s in table.form.sections if s.group == VALUES for r in s.rows for key in r.cells.values()]
    placed = set(cells)
    assert placed == set(table.cell_of)
    assert sum(len(p) for p in table.places.values()) == len(cells)  # a total shown twice is refreshed twice
    result = window.session.result(YEAR)
    for key, places in table.places.items():
        f = table.form.field(key)
        if f.is_computed:
            texts = {table.item(r, c).text() for r, c in places}
            assert texts == {f.kind_type.format(result.computed[key], f.decimals)}, key
    editable = {k for k in table.cell_of if table.is_editable(*table.cell_of[k])}
    assert editable == {k for k in placed if table.form.field(k).is_input}


def test_a_failed_save_keeps_the_edit_and_says_so(demo_db: Any, open_window: Any, monkeypatch: Any,
                                                  qtbot: Any) -> None:  # fmt: skip
    from PySide6.QtWidgets import QMessageBox

    from storage import DiskError

    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text: boxes.append(text))
    real = db.set_value

    def full_disk(*args: Any) -> None:
        raise DiskError("磁盘空间已满，无法写入数据库文件。")

    monkeypatch.setattr(db, "set_value", full_disk)
    editor = open_editor(table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "777")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.save_label.text().startswith("保存失败")
    assert len(boxes) == 1 and "磁盘空间已满" in boxes[0]
    assert table.text_at(COAL) == "777" and window.session.dirty
    monkeypatch.setattr(db, "set_value", real)
    window.save_now()
    assert window.save_label.text().startswith("已保存")
    assert db.load_park(park_id).years[YEAR].values[COAL] == "777"


def test_factor_dialog_offers_library_options(demo_db: Any, open_window: Any) -> None:
    from forms.table.factors import library
    from ui.table.factor_dialog import FactorDialog

    window = open_window(*demo_db)
    form = window.session.form
    f = form.field("factor.grid")
    result = window.session.result(YEAR)
    default = library().default(f, "江苏省", YEAR)
    dialog = FactorDialog(f, result.factors[f.key], default, "江苏省", YEAR)
    options = library().options(f, "江苏省", YEAR)
    assert dialog.choice.count() == len(options) + 1 and options
    dialog.choice.setCurrentIndex(1)
    assert float(dialog.value.text()) == options[0].value
    assert options[0].citation in dialog.source.text()  # the printed citation, not the notes
    dialog._accept()
    assert dialog.result_value == (dialog.value.text(), dialog.source.text())
    missing_source = FactorDialog(f, result.factors[f.key], default, "江苏省", YEAR)
    missing_source.value.setText("0.6")
    missing_source._accept()
    assert missing_source.result_value is None and "来源" in missing_source.message.text()


def test_warning_is_explained_at_the_field(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    key = "basic.industrial_value_added"
    window = open_window(db, park_id)
    page = window.show_page(("year", YEAR))
    table = page.table
    table.setCurrentCell(*table.cell_of[key])
    assert page.explain.isHidden()  # no finding on this cell yet
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: not page.explain.isHidden(), timeout=3000)
    assert "工业增加值未填写" in page.explain.message.text()
    assert not page.explain.explanation.isHidden()
    type_chinese(page.explain.explanation, "数据待统计局发布")
    page.explain.explanation.focus_left.emit()
    assert db.load_park(park_id).years[YEAR].explanations[key] == "数据待统计局发布"
    qtbot.waitUntil(lambda: window.findings.item_for(YEAR, key).text(0) == "警告（已说明）", timeout=3000)
    table.setCurrentCell(*table.cell_of[COAL])
    assert page.explain.isHidden()


def test_subtotal_lines_of_the_definition_are_shown(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    result = window.session.result(YEAR)
    labels = {table.item(r, 0).text(): r for r in range(table.rowCount()) if table.item(r, 0) is not None}
    shown = 0
    for _, sub in table.form.subtotals():
        r = labels[sub.label]
        for column_id in sub.cells:
            text = table.item(r, table.col_of[column_id]).text()
            assert text == kind_of("number").format(result.subtotal(sub.id, column_id), 2)
            assert text not in ("", "—")
            shown += 1
    assert shown == 5


def test_a_2026_year_shows_yes_no_tiers_and_unreported_inputs_through_their_kinds(demo_db: Any, open_window: Any,
                                                                                 qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.upgrade_year(YEAR, "eip-2026")
    table = window.show_page(("year", YEAR)).table
    form = table.form
    result = window.session.result(YEAR)
    shown = table.text_at

    meets, threshold = form.field("zero.meets"), form.field("zero.threshold")
    assert meets.kind_type.yes_no and meets.kind_type.format(1.0) == "是" and meets.kind_type.format(0.0) == "否"
    assert shown("zero.meets") == meets.kind_type.format(result.computed.get("zero.meets")) == "否"
    assert shown("zero.threshold") == threshold.kind_type.format(result.computed.get("zero.threshold"), 1) == "0.3"
    unreported, intensity = form.field("pollutant.so2"), form.field("intensity.so2_per_iva")
    assert unreported.blank_is_missing and unreported.kind_type.parse("").value is None
    assert shown(unreported.key) == "" and shown(intensity.key) == "—"  # left blank: not reported, not 0
    editor = open_editor(table, unreported.key)
    qtbot.keyClicks(editor, "0")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert window.session.park.years[YEAR].values[unreported.key] == "0"
    want = intensity.kind_type.format(0.0, intensity.decimals)
    assert want == "0.0000"
    qtbot.waitUntil(lambda: table.text_at(intensity.key) == want, timeout=2000)
    window.close()


def test_enter_through_filled_cells_changes_nothing(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    """Walking down a column of filled-in numbers with Enter (nothing typed) keeps each value as it was:
    no undo step, no history row, a 定稿 park stays 定稿."""
    from forms.report.check import final_state

    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.mark_final()
    table = window.show_page(("year", YEAR)).table
    before = window.session.raw(YEAR, COAL)
    assert isinstance(before, int)  # as read from the park file
    history = len(db.history(park_id, year=YEAR, key=COAL))
    steps = window.undo_stack.count()  # (标记为定稿 is one)
    editor = open_editor(table, COAL)
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the editor of the next cell opens
    assert table.currentIndex().data(Qt.ItemDataRole.UserRole) == "energy.cleaned_coal"
    table.setFocus()  # leaves that editor too
    window.session.flush()
    assert window.session.raw(YEAR, COAL) == before and type(window.session.raw(YEAR, COAL)) is int
    assert window.undo_stack.count() == steps
    assert len(db.history(park_id, year=YEAR, key=COAL)) == history
    assert db.load_park(park_id).years[YEAR].values[COAL] == before
    assert final_state(window.session.park) == "final"
    window.close()


def test_typing_a_number_back_as_it_was_is_no_change(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    before = window.session.raw(YEAR, COAL)
    editor = open_editor(table, COAL)
    qtbot.keyClick(editor, Qt.Key.Key_End)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    qtbot.keyClicks(editor, str(before)[-1])  # typed away and back: the same text
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    window.session.flush()
    assert window.session.raw(YEAR, COAL) == before and type(window.session.raw(YEAR, COAL)) is int
    assert window.undo_stack.count() == 0
    assert db.load_park(park_id).years[YEAR].values[COAL] == before
    window.close()


def test_factor_tooltips_show_no_maintainer_notes(demo_db: Any, open_window: Any) -> None:
    """The factor library's ``notes`` columns are for its maintainers (resources/factors/README.md): the
    clerk's tooltip gives the citation, grade and basis, and the grid factor names its region."""
    import csv

    from forms.resources import resources_dir

    folder = resources_dir() / "factors"
    notes = set()
    for name in ("energy_factors.csv", "process_factors.csv", "sink_factors.csv", "constant_factors.csv"):
        with (folder / name).open(encoding="utf-8") as fh:
            notes |= {row["notes"] for row in csv.DictReader(fh) if row["notes"].strip()}
    assert "Verify before shipping" in notes
    window = open_window(*demo_db)
    for year in (2016, YEAR):
        table = window.show_page(("year", year)).table
        tips = {key: table.item(*table.cell_of[key]).toolTip() for key in table.cell_of
                if table.field(key).is_factor}  # fmt: skip
        assert len(tips) > 30
        leaked = {key: note for key, tip in tips.items() for note in notes if note in tip}
        assert not leaked, leaked
        assert "华东区域电网" in tips["factor.grid"]
    window.close()


def test_a_warning_is_explained_from_the_keyboard(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    """Tab and Enter move inside the table; Alt+S goes from a cell with a warning to its 说明 line."""
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.tracker.set(YEAR, "energy.diesel", "30000")  # +82.6 % on the year before: a warning
    window.session.revalidate()
    page = window.show_page(("year", YEAR))
    page.table.select_key("energy.diesel")
    assert page.explain.isVisible() and page.explain.explanation.isVisible()
    qtbot.keyClick(page.table, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    assert QGuiApplication.focusObject() is page.explain.explanation
    type_chinese(page.explain.explanation, "新建柴油发电机组")
    qtbot.keyClick(page.explain.explanation, Qt.Key.Key_Return)
    assert db.load_park(park_id).years[YEAR].explanations["energy.diesel"] == "新建柴油发电机组"
    window.close()
