"""The typing path (issue 17): what is typed is saved even when the window closes at once; pages not on screen
are refreshed when shown; the findings and the navigation states come from one result per change."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from storage import Database
from tests.ui.helpers import expected_text, open_editor

pytestmark = pytest.mark.gui
YEAR = 2020
COAL = "energy.raw_coal"


def test_a_value_typed_and_the_window_closed_at_once_is_saved(demo_db: Any, open_window: Any, db_path: Any,
                                                              qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    table = window.show_page(("year", YEAR)).table
    editor = open_editor(table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "7654321")  # still in the cell: no commit, the autosave not due yet
    assert window.session.dirty
    window.close()  # at once
    db.close()
    again = Database.open(db_path)
    try:
        assert again.load_park(park_id).years[YEAR].values[COAL] == "7654321"
    finally:
        again.close()


def test_a_year_page_not_shown_follows_a_change_when_shown_again(demo_db: Any, open_window: Any,
                                                                 qtbot: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("year", YEAR))
    window.show_page(("year", YEAR - 1))
    assert not page.isVisible()
    want = expected_text(window.session.park, YEAR, COAL, "2500000", "emissions.raw_coal")
    window.session.set_raw(YEAR, COAL, "2500000")  # e.g. an undo or a restore while another page is shown
    window.session.revalidate()
    qtbot.wait(10)
    window.show_page(("year", YEAR))
    assert page.table.text_at(COAL) == "2500000"
    assert page.table.text_at("emissions.raw_coal") == want
    assert page.summary.values["emissions.total"].text() != "—"
    window.close()


def test_one_park_result_per_change_serves_the_check_and_the_report_states(demo_db: Any, open_window: Any,
                                                                           monkeypatch: Any) -> None:  # fmt: skip
    import forms.table.calc as calc

    db, park_id = demo_db
    window = open_window(db, park_id)
    session = window.session
    section = next(window.outline.sections())
    session.set_section_text(section.key, "园区" * 80)  # text in the report: its states need the result
    session.revalidate()
    calls: list[int] = []
    real = calc.compute_park

    def counted(*a: Any, **k: Any) -> Any:
        calls.append(1)
        return real(*a, **k)

    for name, module in list(sys.modules.items()):  # wherever the window's modules hold it, and in calc
        if (name == calc.__name__ or name.split(".")[0] == "ui") and getattr(module, "compute_park", None) is real:
            monkeypatch.setattr(module, "compute_park", counted)
    session.set_raw(YEAR, COAL, "1300000")
    session.revalidate()  # the check, then the navigation states of every section
    assert len(calls) == 1
    assert session.park_result().years[YEAR].inputs[COAL] == 1300000
    window.refresh_states()
    assert len(calls) == 1  # nothing changed since: the same result
    window.close()


def test_a_long_section_title_is_one_line_cut_with_its_whole_text_in_the_tooltip(demo_db: Any, open_window: Any,
                                                                                qtbot: Any) -> None:  # fmt: skip
    from PySide6.QtWidgets import QLabel

    from ui.common.widgets import ElidedLabel

    db, park_id = demo_db
    window = open_window(db, park_id)
    section = next(window.outline.sections())
    title = window.show_page(("section", section.key)).title_label
    assert isinstance(title, ElidedLabel) and not title.wordWrap()
    whole = title.text()
    assert whole.endswith(section.title) and title.toolTip() == whole and QLabel.text(title) == whole
    window.close()

    whole = "　".join([whole] * 4)  # a heading far longer than the room a small window leaves
    label = ElidedLabel(whole)
    qtbot.addWidget(label)
    label.resize(160, 30)
    label.show()
    qtbot.wait(10)
    shown = QLabel.text(label)  # what is painted
    assert shown.endswith("…") and len(shown) < len(whole) and whole.startswith(shown[:-1])
    assert label.text() == whole and label.toolTip() == whole
    label.resize(3000, 30)
    qtbot.wait(10)
    assert QLabel.text(label) == whole
