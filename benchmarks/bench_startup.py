"""Start-up of the window: median wall time from process start to the main window shown with the demo park,
against a bare PySide6 QMainWindow in a fresh process; their ratio (target ≤ 1.5) and the peak RSS of the
window process (target < 250 MB).

    .venv/bin/python benchmarks/bench_startup.py [--runs 15]

Runs offscreen unless a display is available.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

APP = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
from ui.app import run_app

def shown():
    from PySide6.QtWidgets import QApplication
    print("SHOWN", flush=True)
    QApplication.instance().quit()

sys.exit(run_app(sys.argv[1], on_shown=shown))
"""

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1360, 860)
window.show()

def shown():
    print("SHOWN", flush=True)
    app.quit()

QTimer.singleShot(0, shown)
sys.exit(app.exec())
"""


def timed(code: str, *args: str) -> tuple[float, int]:
    """Seconds from process start to "SHOWN"; and the child's peak RSS in kB (Linux ru_maxrss)."""
    env = dict(os.environ)
    # as installed: byte-code caches are written on the first run and used afterwards (__pycache__ is ignored)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            env=env, text=True)  # fmt: skip
    assert proc.stdout is not None
    elapsed = None
    for line in proc.stdout:
        if line.strip() == "SHOWN":
            elapsed = time.perf_counter() - start
    _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
    proc.returncode = os.waitstatus_to_exitcode(status)
    if elapsed is None or proc.returncode != 0:
        raise SystemExit(f"子进程未能显示窗口(退出码 {proc.returncode})")
    return elapsed, usage.ru_maxrss


def prepare_demo_db(folder: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from forms.parkfile import read_park_file
    from storage import Database

    path = folder / "bench.db"
    with Database.open(path) as db:
        db.replace_park(read_park_file(REPO / "resources" / "demo" / "demo-park.json"))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description="窗口启动时间基准")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_demo_db(Path(tmp))
        timed(BARE)  # warm the file cache for both
        timed(APP, str(db))
        bare: list[float] = []
        app: list[float] = []
        bare_rss = app_rss = 0
        for _ in range(args.runs):  # interleaved, so that load on the machine hits both alike
            t, rss = timed(BARE)
            bare.append(t)
            bare_rss = max(bare_rss, rss)
            t, rss = timed(APP, str(db))
            app.append(t)
            app_rss = max(app_rss, rss)
    bare_median, app_median = statistics.median(bare), statistics.median(app)
    ratio = app_median / bare_median
    print(f"runs: {args.runs} each")
    print(
        f"bare PySide6 QMainWindow  median {bare_median * 1000:7.1f} ms  (min {min(bare) * 1000:.1f}, max {max(bare) * 1000:.1f})"
    )
    print(
        f"parkcarbon window (demo)  median {app_median * 1000:7.1f} ms  (min {min(app) * 1000:.1f}, max {max(app) * 1000:.1f})"
    )
    print(f"ratio                      {ratio:.2f}   (target ≤ 1.5)")
    # the fastest run of each is the least disturbed by other load on the machine: a steadier comparison
    print(f"ratio of the fastest runs  {min(app) / min(bare):.2f}")
    print(f"peak RSS bare window       {bare_rss / 1024:.1f} MB")
    print(f"peak RSS parkcarbon window {app_rss / 1024:.1f} MB  (target < 250 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
