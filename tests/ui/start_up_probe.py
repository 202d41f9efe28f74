"""The real start-up of the window (ui.shell.boot.run_window on the demo park) in a fresh process, with probes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"

_START = """
import json, sys
sys.path.insert(0, {repo!r})
from forms.park.parkfile import read_park_file
from storage import Database
with Database.open(sys.argv[1]) as db:
    db.replace_park(read_park_file({demo!r}))
from PySide6.QtWidgets import QApplication
from ui.shell.boot import run_window
seen = {{}}
def shown(window):
    seen["shown"] = {shown}
def ready(window):
    seen["ready"] = {ready}
    print("PROBE", json.dumps(seen, ensure_ascii=False), flush=True)
    QApplication.quit()
sys.exit(run_window(sys.argv[1], on_shown=shown, on_ready=ready))
"""


def probe_start_up(tmp_path: Path, shown: str, ready: str) -> dict[str, Any]:
    """Starts the window on the demo park; returns what the Python expressions ``shown`` and ``ready`` (over
    ``window``) gave when the window was up and when the first findings were on screen (JSON values)."""
    code = textwrap.dedent(_START).format(repo=str(REPO), demo=str(DEMO), shown=shown, ready=ready)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "probe.db")], capture_output=True, text=True,
                          env=env, timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    line = next((x for x in proc.stdout.splitlines() if x.startswith("PROBE ")), None)
    assert line is not None, proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(line[len("PROBE ") :])
    return result
