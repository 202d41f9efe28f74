"""Start-up as a clerk runs it (``python main.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
