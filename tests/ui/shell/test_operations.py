"""Every mutation is a session operation (ui.shell.session, ui.shell.changes): done through the window it is in
the database, the Changes it returns name what changed, undo brings the old value back in the database and on
screen, redo the new one."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog, QTableWidget

from forms.report.check import FINAL_KEY, is_final
from forms.report.customisation import CUSTOM_KEY
from forms.report.projection import default_scenarios
from forms.table.definition import WARNING
from tests.ui.helpers import type_chinese, write_every_section
from ui.report.blocks_panel import BlockTools
from ui.shell.changes import EVERYTHING, NOTHING, Changes
from ui.table import year_page

pytestmark = pytest.mark.gui
YEAR = 2020
FACTOR = "factor.co2.raw_coal"


def recorder(window: Any) -> list[Changes]:
    seen: list[Changes] = []
    window.session.changed.connect(seen.append)
    return seen


def merged(seen: list[Changes]) -> Changes:
    out = NOTHING
    for c in seen:
        out |= c
    seen.clear()
    return out


def tools(window: Any, section: str) -> tuple[Any, BlockTools]:
    page = window.show_page(("section", section))
    controller = page.block_tools_controller
    assert isinstance(controller, BlockTools)
    return page, controller


def test_changes_combine_and_say_what_they_touch() -> None:
    a = Changes(values=frozenset({(2020, "energy.coke")}), results=frozenset({2020}))
    b = Changes(projects=True)
    both = a | b
    assert both.values == a.values and both.projects and both.results == frozenset({2020})
    assert not NOTHING and both and EVERYTHING.years
    assert both.report and both.data and not Changes(submissions=True).report
    assert a.touches_year(2020) and not a.touches_year(2019)
    assert Changes(factors=frozenset({(2019, FACTOR)})).touches_year(2019)
    with pytest.raises(AttributeError):
        a.projects = True  # type: ignore[misc]  # immutable


def test_field_value_in_the_park_form(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    seen = recorder(window)
    editor = window.show_page(("park",)).form.editors["park.city"]
    editor.setFocus()
    editor.clear()
    type_chinese(editor, "新城市")
    editor.focus_left.emit()
    assert (None, "park.city") in merged(seen).values
    assert db.load_park(park_id).park["park.city"] == "新城市"
    window.undo_stack.undo()
    assert merged(seen).values == {(None, "park.city")}
    assert db.load_park(park_id).park["park.city"] == "示例市"
    assert editor.text() == "示例市"
    window.undo_stack.redo()
    assert db.load_park(park_id).park["park.city"] == "新城市"
    assert editor.text() == "新城市"


def test_factor_override_from_the_factor_dialog(demo_db: Any, open_window: Any, qtbot: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("year", YEAR))
    seen = recorder(window)

    class Answer:
        def __init__(self, *_args: Any) -> None:
            self.result_value = ("2.0", "企业实测(2020)")

        def exec(self) -> bool:
            return True

    monkeypatch.setattr(year_page, "FactorDialog", Answer)
    assert FACTOR not in db.load_park(park_id).years[YEAR].factors
    default_text = page.table.text_at(FACTOR)
    page.edit_factor(FACTOR)
    changes = merged(seen)
    assert changes.factors == {(YEAR, FACTOR)} and changes.touches_year(YEAR)
    assert db.load_park(park_id).years[YEAR].factors[FACTOR].source == "企业实测(2020)"
    qtbot.waitUntil(lambda: "（用户）" in page.table.text_at(FACTOR), timeout=2000)
    assert window.undo_stack.undoText() == "修改“原煤”" or window.undo_stack.undoText().startswith("修改“")
    window.undo_stack.undo()
    assert merged(seen).factors == {(YEAR, FACTOR)}
    assert FACTOR not in db.load_park(park_id).years[YEAR].factors
    qtbot.waitUntil(lambda: page.table.text_at(FACTOR) == default_text, timeout=2000)
    window.undo_stack.redo()
    override = db.load_park(park_id).years[YEAR].factors[FACTOR]
    assert (override.value, override.source) == ("2.0", "企业实测(2020)")
    qtbot.waitUntil(lambda: "（用户）" in page.table.text_at(FACTOR), timeout=2000)


def test_explanation_of_a_warning_in_the_findings_panel(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    panel = window.findings
    window.tracker.set(2019, "energy.natural_gas", "2500000")  # a jump the checks warn about
    window.session.revalidate()
    seen = recorder(window)
    index = next(i for i, f in enumerate(panel.items()) if f.level == WARNING and f.year is not None)
    finding = panel.items()[index]
    panel.tree.setCurrentItem(panel.tree.topLevelItem(index))
    assert panel.explanation.isEnabled()
    before = finding.explanation
    panel.explanation.setPlainText("新建项目投产，用量增加。")
    panel.save_explanation()
    assert merged(seen).explanations == {(finding.year, finding.key)}
    assert db.load_park(park_id).years[finding.year].explanations[finding.key] == "新建项目投产，用量增加。"
    window.undo_stack.undo()
    assert merged(seen).explanations == {(finding.year, finding.key)}
    assert db.load_park(park_id).years[finding.year].explanations.get(finding.key, "") == before
    assert panel.explanation.toPlainText() == before
    window.undo_stack.redo()
    assert db.load_park(park_id).years[finding.year].explanations[finding.key] == "新建项目投产，用量增加。"
    assert panel.explanation.toPlainText() == "新建项目投产，用量增加。"


def test_report_text_typed_in_a_section_is_one_undo_step(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("section", "ch3.2"))
    seen = recorder(window)
    before = page.editor.toPlainText()
    type_chinese(page.editor, "排放总量")
    type_chinese(page.editor, "逐年下降。")
    assert merged(seen).sections == {"ch3.2"}
    window.session.flush()
    typed = before + "排放总量逐年下降。"
    assert db.load_park(park_id).report.sections["ch3.2"] == typed
    steps = window.undo_stack.count()
    window.undo_stack.undo()  # both keystrokes at once
    assert merged(seen).sections == {"ch3.2"}
    assert db.load_park(park_id).report.sections.get("ch3.2", "") == before
    assert page.editor.toPlainText() == before
    window.undo_stack.redo()
    assert db.load_park(park_id).report.sections["ch3.2"] == typed
    assert page.editor.toPlainText() == typed
    assert window.undo_stack.count() == steps


def test_projects(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    _, controller = tools(window, "ch6.9")
    editor = controller.projects_editor
    assert editor is not None
    seen = recorder(window)
    table: QTableWidget = editor.table
    editor.add_row()
    table.item(0, 0).setText("屋顶光伏")
    table.item(0, 2).setText("3,800")
    assert merged(seen) == Changes(projects=True)
    assert db.load_park(park_id).report.projects == [{"name": "屋顶光伏", "investment": "3,800"}]
    window.undo_stack.undo()  # the investment
    assert merged(seen).projects
    assert db.load_park(park_id).report.projects == [{"name": "屋顶光伏"}]
    assert table.rowCount() == 1 and table.item(0, 2).text() == ""
    assert "总投资 0" in editor.totals_label.text()
    window.undo_stack.undo()  # the row
    assert db.load_park(park_id).report.projects == []
    assert table.rowCount() == 0
    window.undo_stack.redo()
    window.undo_stack.redo()
    assert db.load_park(park_id).report.projects == [{"name": "屋顶光伏", "investment": "3,800"}]
    assert table.item(0, 0).text() == "屋顶光伏" and table.item(0, 2).text() == "3,800"
    assert "3,800" in editor.totals_label.text()


def test_scenarios(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    _, controller = tools(window, "ch4.2")
    ed = controller.scenario_editor
    assert ed is not None
    seen = recorder(window)
    table = ed.tabs.widget(1)
    assert isinstance(table, QTableWidget)
    default = table.item(0, 2).text()
    table.item(0, 2).setText("-2")
    assert merged(seen) == Changes(scenarios=True)
    assert db.load_park(park_id).report.scenarios["政策情景"]["2021-2025"]["intensity_change"] == "-2"
    assert "峰值 873.20 万吨" in ed.results.text()
    window.undo_stack.undo()
    assert merged(seen).scenarios
    assert db.load_park(park_id).report.scenarios == {}  # back to no scenarios of its own
    shown = ed.tabs.widget(1)
    assert isinstance(shown, QTableWidget) and shown.item(0, 2).text() == default
    assert "程序默认参数" in ed.note.text()
    window.undo_stack.redo()
    assert db.load_park(park_id).report.scenarios["政策情景"]["2021-2025"]["intensity_change"] == "-2"
    shown = ed.tabs.widget(1)
    assert isinstance(shown, QTableWidget) and shown.item(0, 2).text() == "-2"
    assert ed.scenario_names() == list(default_scenarios())


def test_outline_rename_and_delete(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    seen = recorder(window)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("主要工作及举措", True))
    assert window.outline_menu.ask_rename("ch2.1")
    assert merged(seen).outline
    assert db.load_park(park_id).report.extra[CUSTOM_KEY] == {"titles": {"ch2.1": "主要工作及举措"}}
    assert window.nav_items[("section", "ch2.1")].text(0) == "（一）主要工作及举措"
    window.undo_stack.undo()
    assert merged(seen).outline
    assert CUSTOM_KEY not in db.load_park(park_id).report.extra
    assert window.nav_items[("section", "ch2.1")].text(0) == "（一）主要工作及措施"
    window.undo_stack.redo()
    assert db.load_park(park_id).report.extra[CUSTOM_KEY] == {"titles": {"ch2.1": "主要工作及举措"}}
    assert window.nav_items[("section", "ch2.1")].text(0) == "（一）主要工作及举措"

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("典型案例", True))
    key = window.outline_menu.ask_add("ch2", None)
    assert key is not None and ("section", key) in window.nav_items
    page = window.show_page(("section", key))
    type_chinese(page.editor, "案例正文。")
    window.session.flush()
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    merged(seen)
    assert window.outline_menu.ask_delete(key)
    deleted = merged(seen)
    assert deleted.outline and deleted.sections == {key}
    assert ("section", key) not in window.nav_items
    assert db.load_park(park_id).report.sections.get(key, "") == ""
    window.undo_stack.undo()  # the deletion, text and all, is one step
    assert ("section", key) in window.nav_items
    assert db.load_park(park_id).report.sections[key] == "案例正文。"
    assert window.show_page(("section", key)).editor.toPlainText() == "案例正文。"
    window.undo_stack.redo()
    assert ("section", key) not in window.nav_items
    assert db.load_park(park_id).report.sections.get(key, "") == ""


def test_final_mark(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    session = window.session
    write_every_section(session)
    for key, text in {"ch2.2": "{{table.trend}}", "ch3.2": "{{table.emissions_by_source}}",
                      "ch4.2": "{{table.projection}}", "ch5.2": "2025年前后达峰。{{table.targets}}"}.items():  # fmt: skip
        session.set_section_text(key, text)
    session.set_projects([{"name": "屋顶光伏", "investment": 3800, "reduction": 8500}])
    session.set_scenarios(default_scenarios())
    panel = window.show_page(("export",)).final_panel
    panel.refresh()
    seen = recorder(window)
    assert panel.mark_final()
    assert merged(seen).final
    assert is_final(db.load_park(park_id)) and "已定稿" in panel.state_label.text()
    assert window.undo_stack.undoText() == "标记为定稿"
    window.undo_stack.undo()
    assert merged(seen).final
    assert FINAL_KEY not in db.load_park(park_id).report.extra
    assert "草稿" in panel.state_label.text() and panel.mark_button.isEnabled()
    window.undo_stack.redo()
    assert is_final(db.load_park(park_id)) and "已定稿" in panel.state_label.text()
    panel.unmark_final()
    assert FINAL_KEY not in db.load_park(park_id).report.extra
    window.undo_stack.undo()
    assert is_final(db.load_park(park_id))


def test_submission_log(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("export",))
    seen = recorder(window)
    page.kind.setCurrentIndex(page.kind.findData("acknowledged"))
    page.add_event()
    assert merged(seen) == Changes(submissions=True)
    [event] = db.submission_events(park_id)
    assert page.log.rowCount() == 1 and window.nav_items[("export",)].text(1) == "已完成"
    window.undo_stack.undo()
    assert merged(seen) == Changes(submissions=True)
    assert db.submission_events(park_id) == []
    assert page.log.rowCount() == 0 and window.nav_items[("export",)].text(1) != "已完成"
    window.undo_stack.redo()
    assert db.submission_events(park_id) == [event]  # the same line, id and time of entry
    assert page.log.rowCount() == 1 and window.nav_items[("export",)].text(1) == "已完成"
