"""Start-up of the window: median wall time from process start to the window shown (``SHOWN``) and to the first
findings on screen (``READY``) for the real ``python main.py --db …`` on the demo park, in its smoke-test mode
(ui.shell.boot), against a bare PySide6 QMainWindow's ``SHOWN`` in a fresh process; their ratios (target:
READY ≤ 2.0 × bare SHOWN) and the peak RSS of both processes.  With ``--ref DIR`` (e.g. /work/ref, a checkout
of an earlier main) that program is timed too, side by side.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15] [--ref /work/ref]

Runs are interleaved (bare, window[, reference], bare, window …) so that load on the machine hits all alike.  On
a loaded machine wall times stretch unevenly, so each process's CPU time (user + system, until it exits) is
printed as well: a figure that other processes' load barely moves.  Runs offscreen unless a display is available.
Prints figures; asserts nothing.
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
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]

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


class Run(NamedTuple):
    marks: dict[str, float]  # seconds from process start to each line it printed (SHOWN, READY)
    rss: int  # the child's peak RSS in kB
    cpu: float  # the child's user + system CPU seconds, start to exit


def timed(command: list[str], cwd: Path = REPO) -> Run:
    """Run ``command`` in smoke-test mode and time it."""
    env = dict(os.environ, PARKCARBON_SMOKE_TEST="1")
    # as installed: byte-code caches are written on the first run and used afterwards (__pycache__ is ignored)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, cwd=cwd)
    assert proc.stdout is not None
    marks: dict[str, float] = {}
    for line in proc.stdout:
        marks.setdefault(line.strip(), time.perf_counter() - start)
    _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
    code = os.waitstatus_to_exitcode(status)
    if "SHOWN" not in marks or code != 0:
        raise SystemExit(f"子进程未能显示窗口(退出码 {code})")
    return Run(marks, usage.ru_maxrss, usage.ru_utime + usage.ru_stime)


PREPARE = """
import sys
from forms.park.parkfile import read_park_file
from storage import Database
with Database.open(sys.argv[1]) as db:
    db.replace_park(read_park_file("resources/demo/demo-park.json"))
"""


def prepare_demo_db(folder: Path, program: Path = REPO) -> Path:
    """A database with the demo park, written by ``program``'s own code (in its own process)."""
    path = folder / f"bench-{program.name}.db"
    subprocess.run([sys.executable, "-c", PREPARE, str(path)], cwd=program, check=True)
    return path


def _line(label: str, values: list[float]) -> str:
    return (
        f"{label:<28} median {statistics.median(values) * 1000:7.1f} ms"
        f"  (min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})"
    )


class Program(NamedTuple):
    label: str
    command: list[str]
    cwd: Path


def main() -> int:
    parser = argparse.ArgumentParser(description="窗口启动时间基准")
    parser.add_argument("--runs", type=int, default=15, help="每种程序运行的次数(交替运行)")
    parser.add_argument("--ref", type=Path, help="同时测量的参照程序目录(例如 /work/ref)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        programs = [Program("bare QMainWindow", [sys.executable, "-c", BARE], REPO)]
        for label, folder in (("parkcarbon", REPO), ("reference", args.ref)):
            if folder is not None:
                db = prepare_demo_db(Path(tmp), folder.resolve())
                programs.append(Program(label, [sys.executable, "main.py", "--db", str(db)], folder.resolve()))
        for program in programs:  # warm the file cache and the byte-code caches for all
            timed(program.command, program.cwd)
        runs: dict[str, list[Run]] = {p.label: [] for p in programs}
        for _ in range(args.runs):
            for program in programs:
                run = timed(program.command, program.cwd)
                if program.label != "bare QMainWindow" and "READY" not in run.marks:
                    raise SystemExit(f"{program.label} 没有打印 READY")
                runs[program.label].append(run)
    bare = [r.marks["SHOWN"] for r in runs["bare QMainWindow"]]
    bare_cpu = statistics.median(r.cpu for r in runs["bare QMainWindow"])
    bare_median = statistics.median(bare)
    print(f"runs: {args.runs} each, interleaved; load average {os.getloadavg()[0]:.2f}")
    print(_line("bare QMainWindow SHOWN", bare))
    for label, done in runs.items():
        if label == "bare QMainWindow":
            continue
        shown, ready = [r.marks["SHOWN"] for r in done], [r.marks["READY"] for r in done]
        print(_line(f"{label} (demo) SHOWN", shown))
        print(_line(f"{label} (demo) READY", ready))
        print(f"  ratio SHOWN / bare SHOWN   {statistics.median(shown) / bare_median:.2f}")
        print(f"  ratio READY / bare SHOWN   {statistics.median(ready) / bare_median:.2f}   (target ≤ 2.0)")
        print(f"  ratio of the fastest runs  READY {min(ready) / min(bare):.2f}, SHOWN {min(shown) / min(bare):.2f}")
        cpu = statistics.median(r.cpu for r in done)
        print(
            f"  CPU to exit, median        {cpu * 1000:.1f} ms vs bare {bare_cpu * 1000:.1f} ms: {cpu / bare_cpu:.2f}"
        )
        print(f"  peak RSS                   {max(r.rss for r in done) / 1024:.1f} MB")
    print(f"peak RSS bare window         {max(r.rss for r in runs['bare QMainWindow']) / 1024:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
