"""A form version whose factor the library lacks: the window says which (form version, year, key) and stops,
instead of a traceback in the first check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from forms.park.parkfile import read_park_file
from storage import Database
from ui.shell import boot

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[3]

_RUN = """
import sys
sys.path.insert(0, {repo!r})
import forms.table.calc
from tests.forms.table.test_factors import _form_with_a_fuel_the_library_lacks
form = _form_with_a_fuel_the_library_lacks()
forms.table.calc.form_for = lambda version="eip-2021": form
from ui.shell.boot import run_window
sys.exit(run_window(sys.argv[1]))
"""


def test_the_window_names_the_missing_factor_and_exits(tmp_path: Path) -> None:
    db_path = tmp_path / "p.db"
    with Database.open(db_path) as db:
        db.replace_park(read_park_file(REPO / "resources" / "demo" / "demo-park.json"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", **{boot.SMOKE_TEST_ENV: "1"})
    proc = subprocess.run([sys.executable, "-c", _RUN.format(repo=str(REPO)), str(db_path)], capture_output=True,
                          text=True, env=env, timeout=120, check=False, cwd=REPO)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == ["SHOWN"]  # the window was up; no READY
    assert "无法计算园区数据。" in proc.stderr and "Traceback" not in proc.stderr
    assert "表格版本 eip-scratch“试验版”，2016 年，键 energy.biogas.tce_factor" in proc.stderr
