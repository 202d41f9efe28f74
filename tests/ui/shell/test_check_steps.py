"""The check after typing runs in steps between the window's events (issue 17): the findings still come after
a pause, a key pressed while a check is under way abandons it, and the findings shown are always of the park
as it is when they are shown."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.helpers import open_editor

pytestmark = pytest.mark.gui
YEAR = 2020
COAL = "energy.raw_coal"


def _coal_codes(session: Any) -> set[str]:
    return {f.code for f in session.findings_for(YEAR, COAL)}


def test_the_findings_come_after_a_pause_in_typing(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    session = window.session
    editor = open_editor(window.show_page(("year", YEAR)).table, COAL)
    editor.clear()
    qtbot.keyClicks(editor, "99999999")
    assert session.checking and "yoy_change" not in _coal_codes(session)  # not while typing
    qtbot.waitUntil(lambda: not session.checking, timeout=5000)
    assert "yoy_change" in _coal_codes(session)
    assert any(f.key == COAL for f in window.findings.items())  # the panel shows it
    window.close()


def test_a_key_during_a_check_abandons_it_and_the_findings_shown_are_of_the_park_then(
    demo_db: Any, open_window: Any, qtbot: Any, monkeypatch: Any
) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    session = window.session
    editor = open_editor(window.show_page(("year", YEAR)).table, COAL)
    shown: list[tuple[Any, set[str]]] = []  # (the raw value when the findings were shown, their codes)
    session.findings_changed.connect(lambda: shown.append((session.raw(YEAR, COAL), _coal_codes(session))))
    real = session.park_result
    keys = iter(["x"])  # one key pressed between the check's first and second step

    def first_step_then_a_key() -> Any:
        result = real()
        key = next(keys, None)
        if key is not None:
            qtbot.keyClicks(editor, key)  # handled between the steps: set_raw asks for a new check
        return result

    monkeypatch.setattr(session, "park_result", first_step_then_a_key)
    editor.clear()
    qtbot.keyClicks(editor, "99999999")
    qtbot.waitUntil(lambda: not session.checking and bool(shown), timeout=5000)
    # the check of "99999999" was abandoned: nothing was shown for it; the one shown is of "99999999x"
    assert shown == [("99999999x", {"parse"})]
    assert session.findings_for(YEAR, COAL)[0].level == "error"
    window.close()


def test_revalidate_checks_at_once_and_stops_a_check_under_way(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    session = window.session
    session.set_raw(YEAR, COAL, "-5")
    assert session.checking
    session.revalidate()
    assert not session.checking and "min" in _coal_codes(session)
    window.close()
