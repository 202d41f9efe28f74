"""Data blocks in the report editor: insert, live preview, drafting, projects, scenarios, 定稿."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableWidget

from forms.report.check import is_final
from forms.report.markers import ChartBlock
from forms.report.resolve import resolve_block
from forms.table.calc import compute_park
from tests.ui.helpers import open_editor, write_every_section
from ui.report.block_view import chart_image
from ui.report.blocks_panel import BlockTools
from ui.shell.fonts import register_cjk_font

pytestmark = pytest.mark.gui


def _tools(window: Any, section: str) -> tuple[Any, BlockTools]:
    page = window.show_page(("section", section))
    tools = page.block_tools_controller
    assert isinstance(tools, BlockTools)
    return page, tools


def _select(page: Any, block_id: str) -> None:
    lst = page.block_list
    for i in range(lst.count()):
        if lst.item(i).data(Qt.ItemDataRole.UserRole) == block_id:
            lst.setCurrentRow(i)
            return
    raise AssertionError(block_id)


def test_insert_block_and_preview_follows_a_change_in_the_year_form(demo_db: Any, open_window: Any,
                                                                   qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    page, tools = _tools(window, "ch3.2")
    labels = [page.block_list.item(i).text() for i in range(page.block_list.count())]
    assert labels[0] == "二氧化碳排放量（按排放源）表" and "二氧化碳排放总量（最近年份）" in labels
    page.editor.setPlainText("2020年园区二氧化碳排放总量为")
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    _select(page, "value.emissions.total")
    qtbot.mouseClick(tools.insert_button, Qt.MouseButton.LeftButton)
    assert page.editor.toPlainText() == "2020年园区二氧化碳排放总量为{{value.emissions.total}}"
    qtbot.waitUntil(lambda: "688.75 万吨" in page.preview.toPlainText(), timeout=2000)
    qtbot.waitUntil(lambda: db.load_park(park_id).report.sections.get("ch3.2", "").endswith("}}"), timeout=2000)

    # change 原煤 of 2020 in the year form: +100 000 t → +18.61 万吨
    year_table = window.show_page(("year", 2020)).table
    editor = open_editor(year_table, "energy.raw_coal")
    editor.clear()
    qtbot.keyClicks(editor, "1318000")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    window.show_page(("section", "ch3.2"))
    qtbot.waitUntil(lambda: "707.36 万吨" in page.preview.toPlainText(), timeout=3000)
    assert "688.75" not in page.preview.toPlainText()


def test_table_and_chart_blocks_render_in_the_preview(demo_db: Any, open_window: Any, qtbot: Any,
                                                      screenshot_dir: Path) -> None:  # fmt: skip
    window = open_window(*demo_db)
    page, tools = _tools(window, "ch2.2")
    page.editor.setPlainText("")
    tools.insert_block("table.trend")
    tools.insert_block("chart.trend")
    assert page.editor.toPlainText() == "{{table.trend}}\n{{chart.trend}}\n"
    html = tools.render()
    assert "<table" in html and "chart://chart.trend" in html
    text = page.preview.toPlainText()
    assert "排放与强度变化趋势表" in text and "650.45" in text and "1.8479" in text
    window.resize(1400, 900)
    window.grab().save(str(screenshot_dir / "report_blocks_ch2_2.png"))


def test_chart_image_is_painted(demo_db: Any, qtbot: Any, screenshot_dir: Path) -> None:
    from forms.park.parkfile import read_park_file
    from ui.dialogs.start_dialogs import demo_park_path

    park = read_park_file(demo_park_path())
    result = compute_park(park)
    for block_id in ("chart.trend", "chart.structure", "chart.intensity", "chart.projection"):
        block = resolve_block(block_id, park, result)
        assert isinstance(block, ChartBlock)
        img = chart_image(block)
        img.save(str(screenshot_dir / f"{block_id}.png"))
        colours = {img.pixelColor(x, y).name() for x in range(0, img.width(), 7) for y in range(0, img.height(), 7)}
        assert "#1f4e79" in colours  # the first series is drawn
        assert len(colours) > 4


def test_generated_paragraph_is_inserted_with_linked_numbers(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    window = open_window(*demo_db)
    page, tools = _tools(window, "ch2.2")
    assert tools.draft_button is not None
    page.editor.setPlainText("")
    draft = tools.current_draft()
    tools.insert_draft(draft)
    assert page.editor.toPlainText() == draft.text
    assert "{{value.emissions.total@2016}}" in draft.text
    qtbot.waitUntil(lambda: "由2016年的650.45 万吨增加到2020年的688.75 万吨" in page.preview.toPlainText(),
                    timeout=2000)  # fmt: skip
    _, other = _tools(window, "ch1.1")
    assert other.draft_button is None


def test_projects_editor_saves_rows_and_shows_totals(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page, tools = _tools(window, "ch6.9")
    editor = tools.projects_editor
    assert editor is not None
    table: QTableWidget = editor.table
    for row, values in enumerate((("屋顶光伏", "10 MW", "3,800", "2022-2023", "8500", "管委会"),
                                  ("余热回收", "", "1200.5", "2023", "2,000", "热电公司"))):  # fmt: skip
        editor.add_row()
        for col, text in enumerate(values):
            table.item(row, col).setText(text)
    assert editor.totals_label.text() == "合计：总投资 5,000.50 万元，预计年减排量 10,500.00 tCO2"
    stored = db.load_park(park_id).report.projects
    assert stored[0] == {"name": "屋顶光伏", "content": "10 MW", "investment": "3,800", "years": "2022-2023",
                         "reduction": "8500", "owner": "管委会"}  # fmt: skip
    table.item(1, 2).setText("一千二")
    assert "总投资(万元)" in editor.issues_label.text()
    assert db.load_park(park_id).report.projects[1]["investment"] == "一千二"  # kept as typed
    page.editor.setPlainText("{{table.projects}}")
    qtbot.waitUntil(lambda: "3,800.00" in page.preview.toPlainText(), timeout=2000)


def test_scenario_editor_saves_and_shows_peak(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    _, tools = _tools(window, "ch4.2")
    ed = tools.scenario_editor
    assert ed is not None
    assert ed.scenario_names() == ["基准情景", "政策情景"]
    assert "基准情景</b>：达峰年份 2035 年" in ed.results.text()
    assert db.load_park(park_id).report.scenarios == {}  # defaults are not stored until edited
    table = ed.tabs.widget(1)
    assert isinstance(table, QTableWidget)
    table.item(0, 2).setText("-2")  # 政策情景 2021-2025: intensity only -2 %/year
    stored = db.load_park(park_id).report.scenarios
    assert stored["政策情景"]["2021-2025"]["intensity_change"] == "-2"
    assert stored["基准情景"]["2021-2025"]["iva_growth"] == 7.0  # untouched: still a number
    # 688.75 万吨 × (1.07 × 0.98)^5 = 873.20 万吨, falling after 2025 (5 % growth, -6 % intensity)
    assert "政策情景</b>：达峰年份 2025 年，峰值 873.20 万吨" in ed.results.text()
    table.item(0, 0).setText("2021年")
    assert "未保存" in ed.results.text()


@pytest.mark.parametrize("section", ["ch4.2", "ch6.9"])
def test_editors_text_and_preview_are_all_on_screen_at_1366x728(demo_db: Any, open_window: Any, qtbot: Any,
                                                               section: str, screenshot_dir: Path) -> None:  # fmt: skip
    """A section with editors (scenarios, the projects list) shows them, the text box and the preview at once on
    an office PC's screen: none is scrolled below the fold, each is tall enough for a few lines."""
    register_cjk_font(QApplication.instance())  # type: ignore[arg-type]  # the program's font: its line heights
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.resize(1366, 728)
    window.show()
    qtbot.waitExposed(window)
    page, tools = _tools(window, section)
    QApplication.processEvents()
    assert window.height() == 728
    editors = tools.scenario_editor if section == "ch4.2" else tools.projects_editor
    assert editors is not None
    table = editors.tabs.currentWidget() if section == "ch4.2" else editors.table
    assert isinstance(table, QTableWidget)
    for widget, least in ((table, 60), (page.editor, 60), (page.preview, 50)):
        assert widget.isVisible()
        shown = widget.visibleRegion().boundingRect()
        assert shown.height() == widget.height() >= least, (widget, shown, widget.height())
    boxes = [w.mapTo(page, w.rect().topLeft()).y() for w in (page.editors_host, page.editor, page.preview)]
    assert boxes == sorted(boxes)  # top to bottom: editors, text, preview
    window.grab().save(str(screenshot_dir / f"report_{section.replace('.', '_')}_1366x728.png"))


def test_final_gate_panel_lists_blockers_and_marks_final(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    from ui.submit.final_gate_panel import FinalGatePanel

    db, park_id = demo_db
    window = open_window(db, park_id)
    panel = FinalGatePanel(window.session)
    qtbot.addWidget(panel)
    texts = [panel.blockers.item(i).text() for i in range(panel.blockers.count())]
    assert any("六（九）重点项目清单" in t for t in texts)
    assert not panel.mark_button.isEnabled()
    assert "草稿" in panel.state_label.text()

    session = window.session
    write_every_section(session)
    for key, text in {"ch2.2": "{{table.trend}}", "ch3.2": "{{table.emissions_by_source}}",
                      "ch4.2": "{{table.projection}}", "ch5.2": "2025年前后达峰。{{table.targets}}"}.items():  # fmt: skip
        session.set_section_text(key, text)
    from forms.report.projection import default_scenarios

    session.set_projects([{"name": "屋顶光伏", "investment": 3800, "reduction": 8500}])
    session.set_scenarios(default_scenarios())
    panel.refresh()
    assert panel.gate is not None and panel.gate.ok, panel.gate.blockers
    assert panel.mark_button.isEnabled()
    assert panel.mark_final()
    assert is_final(db.load_park(park_id))
    assert "已定稿" in panel.state_label.text()
    locks = {y: d.locked_factors for y, d in db.load_park(park_id).years.items()}  # 定稿 locks the factors
    assert all(lock and lock["reason"] == "定稿" for lock in locks.values()) and locks
    assert locks[2020]["factors"]["factor.grid"]["value"] == 0.7035
    session.set_section_text("ch7.1", "成立领导小组。")
    session.flush()
    assert not is_final(db.load_park(park_id))


def test_wrong_figure_in_the_prose_is_shown_under_the_preview(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    window = open_window(*demo_db)
    page, tools = _tools(window, "ch3.2")
    page.editor.setPlainText("2020年排放总量为698.8万吨。")
    qtbot.waitUntil(lambda: "与数据不符" in tools.check_label.text(), timeout=2000)
    assert "698.8万吨" in tools.check_label.text() and "688.75万吨" in tools.check_label.text()
    page.editor.setPlainText("2020年排放总量为688.8万吨。{{table.emissions_by_source}}")
    qtbot.waitUntil(lambda: tools.check_label.text() == "", timeout=2000)


def test_draft_button_shows_the_paragraph_and_inserts_it_on_accept(demo_db: Any, open_window: Any,
                                                                   qtbot: Any) -> None:  # fmt: skip
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QTextBrowser

    from ui.report.blocks_panel import DraftDialog

    window = open_window(*demo_db)
    page, tools = _tools(window, "ch3.3")
    page.editor.setPlainText("")
    seen: list[str] = []

    def accept_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DraftDialog)
        seen.append(dialog.findChild(QTextBrowser).toPlainText())
        dialog.accept()

    QTimer.singleShot(0, accept_dialog)
    assert tools.draft_button is not None
    qtbot.mouseClick(tools.draft_button, Qt.MouseButton.LeftButton)
    assert seen and "1.8479 tCO2/万元" in seen[0]
    assert page.editor.toPlainText().startswith("2016—2020年，园区单位工业增加值二氧化碳排放量由2016年的{{value.")


def test_the_explain_button_is_there_only_for_a_report_warning(demo_db: Any, open_window: Any,
                                                               monkeypatch: Any) -> None:  # fmt: skip
    from PySide6.QtWidgets import QInputDialog

    window = open_window(*demo_db)
    window.session.set_section_text("ch3.2", "2020年排放总量为698.8万吨。")  # not what the data say
    panel = window.show_page(("export",)).final_panel
    panel.refresh()
    kinds = [panel.blockers.item(i).data(Qt.ItemDataRole.UserRole).kind for i in range(panel.blockers.count())]
    assert not panel.explain_button.isEnabled()  # nothing selected
    panel.blockers.setCurrentRow(kinds.index("empty_section"))
    assert not panel.explain_button.isEnabled()  # an empty section is written, not explained
    panel.blockers.setCurrentRow(kinds.index("report_warning"))
    assert panel.explain_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("含园区外企业，口径不同", True))
    panel.explain_button.click()
    assert "含园区外企业，口径不同" in window.session.park.report.extra["check_notes"].values()
    assert "report_warning" not in [panel.blockers.item(i).data(Qt.ItemDataRole.UserRole).kind
                                    for i in range(panel.blockers.count())]  # fmt: skip
    assert not panel.explain_button.isEnabled()  # the list was checked again: nothing selected
    window.close()


def test_double_clicking_a_section_blocker_opens_the_section(demo_db: Any, open_window: Any) -> None:
    window = open_window(*demo_db)
    panel = window.show_page(("export",)).final_panel
    blockers = [panel.blockers.item(i) for i in range(panel.blockers.count())]
    empty = next(i for i in blockers if i.data(Qt.ItemDataRole.UserRole).kind == "empty_section")
    section = empty.data(Qt.ItemDataRole.UserRole).section
    panel.blockers.itemDoubleClicked.emit(empty)
    assert window.current_page_key() == ("section", section)
    assert window.stack.currentWidget().section.key == section  # type: ignore[attr-defined]
    missing = next(i for i in blockers if i.data(Qt.ItemDataRole.UserRole).kind == "missing_element")
    window.show_page(("export",))
    panel.blockers.itemDoubleClicked.emit(missing)
    assert window.current_page_key() == ("section", missing.data(Qt.ItemDataRole.UserRole).section)
    window.close()
