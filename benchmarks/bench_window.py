"""Window speed (issue 17 item 3): page switches on the demo park, keystroke-to-totals on a big database.

Run from the repository root:
    .venv/bin/python benchmarks/bench_window.py [--parks 600] [--years 10] [--keys 150] [--ref /work/ref]
    .venv/bin/python benchmarks/bench_window.py --parks 20 --keys 60        # a quick run

Prints, for this checkout and (side by side) for an older checkout given by ``--ref`` (default /work/ref,
skipped if missing; ``--ref ''`` to skip), each in its own process with only that checkout on ``sys.path``:

- report section switches and every other page switch (park, each year, targets, synergy, export) on the demo
  park: p50/p99 over every page shown ``--rounds`` times after each was built once; a switch is the
  navigation click up to the end of the layout and paint of the page shown (offscreen Qt): the events the
  click posted are delivered in the event loop's order (the layouts, then the widgets' updates, then the
  paint), and where that left the page unpainted (counted and printed) the paint is asked for at once with
  ``repaint()``; ``bench_scale.py``'s single ``processEvents()`` makes the same frame.  The same switches
  measured as before 2026-12-02 are printed too ("paint forced first"): ``repaint()`` straight after the
  click painted the page before its posted layout and update events, which then painted it a second time;
- keystroke-to-totals on a ``--years``-year park of a database of ``--parks`` parks: ``--keys`` digits typed
  into a year-table cell at random gaps (three in four 60-250 ms, one in four a pause of 250-1200 ms, so the
  after-typing check and the autosave run between keys as they do for a clerk, same seed for both checkouts);
  a key's latency runs from the moment it was due (a busy event loop delays its timer) to the end of the
  refresh of the year's totals; before typing, every year page has been shown (``--all-pages``: every page
  of the window, so that the report pages, targets, synergy and export follow the keys too);
- the after-typing check itself as its timers run it: p50/max of one stretch of it on the window's thread
  (the whole check where it runs at once, one step where it runs in steps between events).

The big database: park 1 imported through the CLI path, the other parks copied from it with SQL in one
transaction (as ``bench_scale.py`` does).  Asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo" / "demo-park.json"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import copy_parks, park_json, park_name  # noqa: E402  (the same database as bench_scale)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def build_db(tmp: Path, parks: int, years: int) -> Path:
    try:
        from export.cli import run_import_json
    except ImportError:  # an older layout
        from storage.commands import run_import_json  # type: ignore[import-not-found,no-redef]
    from storage import Database

    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    path = tmp / "big.db"
    Database.open(path).close()
    for n in (1, parks):
        source = tmp / f"{n}.json"
        source.write_text(park_json(demo, n, years), encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            if run_import_json(source, path) != 0:
                raise SystemExit(f"import of park {n} failed")
        if n == 1:
            copy_parks(path, range(2, parks))
    return path


def worker(args: argparse.Namespace) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import random

    from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    import ui  # noqa: F401  (the project's guard before any Qt call)
    from forms.park.parkfile import read_park_file
    from storage import Database
    from ui.shell.fonts import register_cjk_font
    from ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    register_cjk_font(app)
    out: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="parkcarbon-window-"))

    def settle() -> None:
        for _ in range(30):
            app.processEvents()
            time.sleep(0.01)

    # -- switches on the demo park
    demo_db = Database.open(tmp / "demo.db")
    window = MainWindow(demo_db, demo_db.replace_park(read_park_file(DEMO)))
    window.resize(1366, 768)
    window.show()
    settle()
    window.session.revalidate()
    settle()

    class PaintSeen(QObject):  # whether a page (the widget itself) was painted
        painted = False

        def eventFilter(self, watched: Any, event: Any) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    paint_seen = PaintSeen()
    unpainted = [0]  # natural-order switches the event loop left unpainted (then painted by repaint())

    def switch(key: Any, paint_first: bool = False) -> float:
        start = time.perf_counter()
        window.nav.setCurrentItem(window.nav_items[key])
        page = window.stack.currentWidget()
        page.installEventFilter(paint_seen)
        paint_seen.painted = False
        if not paint_first:
            # the frame as the event loop makes it: the posted layouts and updates, then the paint
            app.sendPostedEvents()
        if not paint_seen.painted:  # the paint left to Qt's update timer (i.e. often to the next switch): now
            unpainted[0] += not paint_first
            page.repaint()
        app.processEvents()  # whatever else the switch posted
        page.removeEventFilter(paint_seen)
        return ms(start)

    sections = [k for k in window.nav_items if k[0] == "section"]
    pages = [k for k in window.nav_items if k[0] in ("park", "year", "targets", "synergy", "export")]
    for key in sections + pages:
        switch(key)  # every page built once (its first show is not a switch)
    settle()
    for suffix, paint_first in (("", False), ("_forced", True)):
        times: dict[Any, list[float]] = {k: [] for k in sections + pages}
        for _ in range(args.rounds):
            for k in sections + pages:
                times[k].append(switch(k, paint_first))
        section_times = [t for k in sections for t in times[k]]
        page_times = [t for k in pages for t in times[k]]
        out[f"section_p50{suffix}"] = statistics.median(section_times)
        out[f"section_p99{suffix}"] = percentile(section_times, 0.99)
        out[f"page_p50{suffix}"], out[f"page_p99{suffix}"] = statistics.median(page_times), percentile(page_times, 0.99)
        if not suffix:
            for kind in ("park", "year", "targets", "synergy", "export"):
                got = [t for k in pages if k[0] == kind for t in times[k]]
                out[f"page_{kind}_p99"] = percentile(got, 0.99)
            out["switches_n"], out["switches_unpainted"] = len(section_times) + len(page_times), unpainted[0]
            slowest = sorted(sections, key=lambda k: -statistics.median(times[k]))[:2]
            out["section_slowest"] = ", ".join(f"{k[1]} {statistics.median(times[k]):.1f}" for k in slowest)
    window.close()
    demo_db.close()

    # -- typing into a many-year park of a big database
    path = build_db(tmp, args.parks, args.years)
    db = Database.open(path)
    window = MainWindow(db, db.find_park(park_name(args.parks)) or 0)
    window.resize(1366, 768)
    window.show()
    settle()
    window.session.revalidate()
    session = window.session
    checks: list[float] = []  # every stretch of the check on the window's thread

    def timed(slot: Any) -> Any:
        def run() -> None:
            start = time.perf_counter()
            slot()
            checks.append(ms(start))

        return run

    # the timers' connections were made to bound methods at construction: reconnected to timed ones
    # (bench instrumentation only: private names of either checkout)
    if hasattr(session, "_start_check"):  # the check in steps between events
        timers = {"_validate_timer": session._start_check, "_step_timer": session._next_check_step}
    else:  # the check at once
        timers = {"_validate_timer": session.revalidate}
    for name, slot in timers.items():
        timer = getattr(session, name)
        timer.timeout.disconnect()
        timer.timeout.connect(timed(slot))
    years = session.years
    for y in years:  # every year page built, as after a clerk's tour of the years
        window.show_page(("year", y))
        app.processEvents()
    if args.all_pages:  # and every other page too (report sections, targets, synergy, export)
        for page_key in [k for k in window.nav_items if k[0] in ("section", "park", "targets", "synergy", "export")]:
            window.show_page(page_key)
            app.processEvents()
    page: Any = window.show_page(("year", years[-1]))
    settle()
    table, form = page.table, page.form
    cells = table.cell_of if hasattr(table, "cell_of") else table.pos  # YearTable.pos before 2026-12-02
    key = next(k for k in cells if form.field(k).is_input and form.field(k).kind == "number")
    r, c = cells[key]
    table.setCurrentCell(r, c)
    table.editItem(table.item(r, c))
    app.processEvents()
    editor = table.indexWidget(table.model().index(r, c))
    assert isinstance(editor, QLineEdit)
    editor.setFocus()
    latencies: list[float] = []
    delays: list[float] = []  # due -> the key handled (the event loop busy with something else)
    state: dict[str, Any] = {"n": 0, "due": None}
    refresh = page.summary.refresh

    def timed_refresh() -> None:  # the totals shown: the end of a key's latency
        refresh()
        if state["due"] is not None:
            latencies.append(ms(state.pop("due")))
            state["due"] = None

    page.summary.refresh = timed_refresh
    rng = random.Random(17)
    loop = QEventLoop()

    def gap() -> float:
        return rng.uniform(60, 250) if rng.random() < 0.75 else rng.uniform(250, 1200)

    # a precise timer: Qt's default (coarse) one fires up to 5% of its interval early or late (±60 ms on a
    # 1.2 s pause), which would be counted as the key waiting for a busy event loop
    key_timer = QTimer(singleShot=True, timerType=Qt.TimerType.PreciseTimer)
    key_timer.timeout.connect(lambda: press())

    def plan() -> None:
        wait = gap()
        state["next"] = time.perf_counter() + wait / 1000
        key_timer.start(round(wait))

    def press() -> None:
        state["due"] = state["next"]
        delays.append(ms(state["next"]))
        n = state["n"]
        QTest.keyClick(editor, Qt.Key.Key_Backspace if n % 7 == 6 else "1234567890"[n % 10])
        state["n"] = n + 1
        if state["n"] < args.keys:
            plan()
        else:
            QTimer.singleShot(1500, loop.quit)  # the last check and save run

    plan()
    loop.exec()
    out["keys_n"] = len(latencies)
    out["key_p50"], out["key_p99"], out["key_max"] = (
        statistics.median(latencies),
        percentile(latencies, 0.99),
        max(latencies),
    )
    out["delay_p50"], out["delay_p99"] = statistics.median(delays), percentile(delays, 0.99)
    out["checks_n"] = len(checks)
    out["check_p50"] = statistics.median(checks) if checks else None
    out["check_max"] = max(checks) if checks else None
    out["findings"] = len(session.findings)
    table.setCurrentCell(0, 0)  # the edit committed
    window.close()
    db.close()
    for p in sorted(tmp.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    tmp.rmdir()
    return out


ROWS = [
    ("section_p50", "report section switch p50 (demo park)", "ms"),
    ("section_p99", "report section switch p99 (target 16)", "ms"),
    ("page_p50", "other page switch p50 (demo park)", "ms"),
    ("page_p99", "other page switch p99 (target 16)", "ms"),
    ("page_park_p99", "  park page p99", "ms"),
    ("page_year_p99", "  year pages p99", "ms"),
    ("page_targets_p99", "  targets page p99", "ms"),
    ("page_synergy_p99", "  synergy page p99", "ms"),
    ("page_export_p99", "  export page p99", "ms"),
    ("section_slowest", "  slowest sections (p50 ms)", "text"),
    ("switches_n", "switches timed (natural order)", ""),
    ("switches_unpainted", "  of them left unpainted by the event loop", ""),
    ("section_p99_forced", "section switch p99, paint forced first", "ms"),
    ("page_p99_forced", "other page switch p99, paint forced first", "ms"),
    ("keys_n", "keys typed", ""),
    ("key_p50", "keystroke-to-totals p50", "ms"),
    ("key_p99", "keystroke-to-totals p99 (target 16)", "ms"),
    ("key_max", "keystroke-to-totals max", "ms"),
    ("delay_p50", "  of which the key waited p50", "ms"),
    ("delay_p99", "  of which the key waited p99", "ms"),
    ("checks_n", "stretches of the after-typing check", ""),
    ("check_p50", "  one stretch on the window's thread p50", "ms"),
    ("check_max", "  one stretch on the window's thread max", "ms"),
    ("findings", "findings at the end", ""),
]


def fmt(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, str):
        return value
    return f"{value:,.1f} {unit}".strip()


def run_tree(tree: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--parks", str(args.parks),
           "--years", str(args.years), "--keys", str(args.keys), "--rounds", str(args.rounds)]  # fmt: skip
    if args.all_pages:
        cmd.append("--all-pages")
    env = {**os.environ, "PYTHONPATH": str(tree), "PARKCARBON_BENCH_TREE": str(tree)}
    env.pop("PARKCARBON_DB", None)
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"worker in {tree} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parks", type=int, default=600)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--keys", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=5, help="times each page is switched to")
    parser.add_argument("--all-pages", action="store_true",
                        help="before typing, visit every page (not only the years): all of them follow the keys")  # fmt: skip
    parser.add_argument("--ref", default="/work/ref", help="an older checkout to compare with ('' to skip)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parks < 2:
        parser.error("--parks must be at least 2")
    if args.worker:
        tree = Path(os.environ.get("PARKCARBON_BENCH_TREE", ROOT))
        sys.path.insert(0, str(tree))
        print(json.dumps(worker(args)))
        return
    trees = [("this checkout", ROOT)]
    if args.ref and Path(args.ref, "storage").is_dir():
        trees.insert(0, (f"before ({args.ref})", Path(args.ref)))
    with open("/proc/loadavg", encoding="ascii") as f:
        load = f.read().split()[:3]
    pages = "every page visited" if args.all_pages else "the year pages visited"
    print(f"{args.parks} parks x {args.years} years, {args.keys} keys ({pages}); load average {' '.join(load)}")
    results = [(label, run_tree(tree, args)) for label, tree in trees]
    width = 42
    print(f"{'':<{width}}" + "".join(f"{label:>24}" for label, _ in results) + ("   ratio" if len(results) > 1 else ""))
    for key, label, unit in ROWS:
        cells = [r.get(key) for _, r in results]
        line = f"{label:<{width}}" + "".join(f"{fmt(v, unit):>24}" for v in cells)
        if len(cells) > 1 and unit == "ms" and cells[0] and cells[-1] is not None:
            line += f"   {cells[-1] / cells[0]:.2f}x"
        print(line)


if __name__ == "__main__":
    main()
