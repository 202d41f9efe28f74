"""The real start-up of the window (ui.shell.app.run_app on the demo park) in a fresh process, with a probe."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"

_START = """
import sys
sys.path.insert(0, {repo!r})
from forms.park.parkfile import read_park_file
from storage import Database
with Database.open(sys.argv[1]) as db:
    db.replace_park(read_park_file({demo!r}))
from ui.shell.app import run_app
def shown():
    from PySide6.QtWidgets import QApplication
    print("PROBE", {report}, flush=True)
    QApplication.instance().quit()
sys.exit(run_app(sys.argv[1], on_shown=shown))
"""


def probe_start_up(tmp_path: Path, before: str, report: str) -> str:
    """Runs ``before`` (instrumentation, ahead of every import), then the start-up; returns what the Python
    expression ``report`` gave once the window was shown."""
    code = textwrap.dedent(before) + _START.format(repo=str(REPO), demo=str(DEMO), report=report)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "probe.db")], capture_output=True, text=True,
                          env=env, timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    line = next((x for x in proc.stdout.splitlines() if x.startswith("PROBE ")), None)
    assert line is not None, proc.stdout + proc.stderr
    return line[len("PROBE ") :]
