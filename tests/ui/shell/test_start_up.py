"""Start-up as a clerk runs it (``python main.py``), and the garbage collector switched off while starting."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import main
from forms.park.parkfile import read_park_file
from storage import Database
from ui.shell import app

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.gui


def test_the_real_command_shows_the_window_and_quits_in_smoke_test_mode(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    with Database.open(db_path) as db:
        db.replace_park(read_park_file(REPO / "resources" / "demo" / "demo-park.json"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{app.SMOKE_TEST_ENV: "1"})
    proc = subprocess.run([sys.executable, str(REPO / "main.py"), "--db", str(db_path)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["SHOWN"]


def test_main_starts_the_window_with_the_collector_off_and_always_switches_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[bool] = []

    def fake_run_app(db: str | None) -> int:
        seen.append(gc.isenabled())
        raise RuntimeError("窗口未能打开")

    import ui.shell.app

    monkeypatch.setattr(ui.shell.app, "run_app", fake_run_app)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        main.main(["--db", "x.db"])
    assert seen == [False]
    assert gc.isenabled()


def test_commands_keep_the_collector_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import forms.commands

    seen: list[bool] = []
    monkeypatch.setattr(forms.commands, "run_calc", lambda _file: seen.append(gc.isenabled()) or 0)
    assert main.main(["calc", str(tmp_path / "p.json")]) == 0
    assert seen == [True]


def test_end_of_start_up_sets_start_up_objects_aside_and_switches_the_collector_on() -> None:
    assert gc.get_freeze_count() == 0
    gc.disable()
    try:
        made_at_start = [object() for _ in range(10)]  # noqa: F841
        app.end_of_start_up()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()
    app.end_of_start_up()  # collector on (a test, a tool): nothing to do
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def test_switching_parks_returns_start_up_objects_to_the_collector(
    demo_db: tuple[Database, int], open_window: Callable[[Database, int], Any]
) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    gc.freeze()  # as ui.shell.app.end_of_start_up leaves the first park's pages
    try:
        assert gc.get_freeze_count() > 0
        assert window.open_park(park_id)
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
