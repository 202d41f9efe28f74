"""Start-up of the window: median wall time from process start to the window shown (``SHOWN``) and to the first
findings on screen (``READY``) for the real ``python main.py --db …`` on the demo park, in its smoke-test mode
(ui.shell.boot), against a bare PySide6 QMainWindow's ``SHOWN`` in a fresh process; their ratios (target:
READY ≤ 2.0 × bare SHOWN) and the peak RSS of both processes.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15]

Runs are interleaved (bare, window, bare, window …) so that load on the machine hits both alike.  Runs
offscreen unless a display is available.  Prints figures; asserts nothing.
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
MAIN = str(REPO / "main.py")

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


def timed(command: list[str]) -> tuple[dict[str, float], int]:
    """Seconds from process start to each line it prints (``SHOWN``, ``READY``); the child's peak RSS in kB."""
    env = dict(os.environ, PARKCARBON_SMOKE_TEST="1")
    # as installed: byte-code caches are written on the first run and used afterwards (__pycache__ is ignored)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    assert proc.stdout is not None
    marks: dict[str, float] = {}
    for line in proc.stdout:
        marks.setdefault(line.strip(), time.perf_counter() - start)
    _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
    code = os.waitstatus_to_exitcode(status)
    if "SHOWN" not in marks or code != 0:
        raise SystemExit(f"子进程未能显示窗口(退出码 {code})")
    return marks, usage.ru_maxrss


def prepare_demo_db(folder: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from forms.park.parkfile import read_park_file
    from storage import Database

    path = folder / "bench.db"
    with Database.open(path) as db:
        db.replace_park(read_park_file(REPO / "resources" / "demo" / "demo-park.json"))
    return path


def _line(label: str, values: list[float]) -> str:
    return (
        f"{label:<28} median {statistics.median(values) * 1000:7.1f} ms"
        f"  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="窗口启动时间基准")
    parser.add_argument("--runs", type=int, default=15, help="每种程序运行的次数(交替运行)")
    args = parser.parse_args()
    bare_command = [sys.executable, "-c", BARE]
    with tempfile.TemporaryDirectory() as tmp:
        app_command = [sys.executable, MAIN, "--db", str(prepare_demo_db(Path(tmp)))]
        timed(bare_command)  # warm the file cache and the byte-code caches for both
        timed(app_command)
        bare: list[float] = []
        shown: list[float] = []
        ready: list[float] = []
        bare_rss = app_rss = 0
        for _ in range(args.runs):
            marks, rss = timed(bare_command)
            bare.append(marks["SHOWN"])
            bare_rss = max(bare_rss, rss)
            marks, rss = timed(app_command)
            if "READY" not in marks:
                raise SystemExit("窗口没有打印 READY")
            shown.append(marks["SHOWN"])
            ready.append(marks["READY"])
            app_rss = max(app_rss, rss)
    bare_median = statistics.median(bare)
    print(f"runs: {args.runs} each, interleaved")
    print(_line("bare QMainWindow SHOWN", bare))
    print(_line("parkcarbon (demo) SHOWN", shown))
    print(_line("parkcarbon (demo) READY", ready))
    print(f"ratio SHOWN / bare SHOWN     {statistics.median(shown) / bare_median:.2f}")
    print(f"ratio READY / bare SHOWN     {statistics.median(ready) / bare_median:.2f}   (target ≤ 2.0)")
    print(f"ratio of the fastest runs    READY {min(ready) / min(bare):.2f}, SHOWN {min(shown) / min(bare):.2f}")
    print(f"peak RSS bare window         {bare_rss / 1024:.1f} MB")
    print(f"peak RSS parkcarbon window   {app_rss / 1024:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
