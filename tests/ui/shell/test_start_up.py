"""Start-up as a clerk runs it (``python main.py``): the window first, then the first findings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from forms.park.parkfile import read_park_file
from storage import Database
from tests.ui.start_up_probe import probe_start_up
from ui.shell import boot

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.gui


def test_the_real_command_shows_the_window_then_the_findings_and_quits_in_smoke_test_mode(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    with Database.open(db_path) as db:
        db.replace_park(read_park_file(REPO / "resources" / "demo" / "demo-park.json"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{boot.SMOKE_TEST_ENV: "1"})
    proc = subprocess.run([sys.executable, str(REPO / "main.py"), "--db", str(db_path)], capture_output=True,
                          text=True, env=env, timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["SHOWN", "READY"]


def test_the_window_is_up_before_the_findings_and_ready_has_them(tmp_path: Path) -> None:
    seen = probe_start_up(
        tmp_path,
        shown="[window.isVisible(), window.windowTitle(), window.findings.summary.text()]",
        ready="window.findings.summary.text()",
    )
    visible, title, summary_when_shown = seen["shown"]
    assert visible is True and "示例" in title
    assert summary_when_shown == ""  # nothing computed yet: validation comes after show
    assert seen["ready"] == "错误 0 条 · 警告 0 条（未说明 0 条）"  # the demo park is clean, and checked


def test_an_empty_database_that_the_clerk_leaves_at_the_first_run_choice_exits_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: object
) -> None:
    import ui.dialogs.start_dialogs

    monkeypatch.delenv(boot.SMOKE_TEST_ENV, raising=False)
    asked: list[object] = []
    monkeypatch.setattr(ui.dialogs.start_dialogs, "choose_or_create_park", lambda db: asked.append(db) or None)
    assert boot.run_window(str(tmp_path / "empty.db")) == 0
    assert len(asked) == 1
