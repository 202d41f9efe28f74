"""Scale: a database of many parks x 10 years, and one park after tens of thousands of edits (issue 17).

Run from the repository root:
    .venv/bin/python benchmarks/bench_scale.py [--parks 600] [--years 10] [--edits 50000] [--ref /work/ref]
    .venv/bin/python benchmarks/bench_scale.py --parks 60 --edits 5000      # a quick run

Prints, for this checkout and (side by side) for an older checkout given by ``--ref`` (default /work/ref,
skipped if missing; ``--ref ''`` to skip):

- the import time (``python main.py import`` path: export.cli.run_import_json, in-process) of the first
  parks vs the last ones (median of 5 each; target ratio <= 1.2);
- open + load of one park with 1 park vs with all parks in the database (target ratio <= 1.2);
- the backups folder size over the database size;
- after ``--edits`` saves of one park's fields: every save's latency (p50/p99/max, the autosave of one field),
  open + load, one field's history, the park's recent changes, the park as of a recent and an old moment,
  and restoring the park as of the old moment;
- the window (offscreen Qt, in the same worker): report section switches and other page switches on the demo
  park (p50/p99 over every section shown five times, pages already built), and keystroke-to-totals on a
  10-year park of the big database: ``--keys`` digits typed into a year table cell at random gaps (three in
  four 60-250 ms, one in four a pause of 250-1200 ms, so the after-typing check and the autosave run between
  keys as they do for a clerk); a key's latency runs from the moment it was due (a busy event loop delays its
  timer) to the end of the refresh of the year's totals; beside it, the time the autosaves during that typing
  held the window's thread (``ParkSession.flush`` / ``save_in_background``, whichever the checkout has);
- the full export package of the demo park (median of 3) beside LibreOffice converting the same workbook
  alone to PDF (its second run, the profile made), and their ratio (target <= 0.6).

Each checkout runs in its own process with only that checkout on ``sys.path``; the worker uses only what
both layouts share (``storage.Database`` and the JSON import, ``export.cli.run_import_json`` or before it
``storage.commands.run_import_json``).  To build fast, parks
11 .. N-10 are not imported one by one but copied from park 1 with SQL in one transaction (the only place the
bench writes the database directly; the copies have their own history rows, so the database has the size
and history of N imported parks); ``--all-imports`` imports every park through the CLI path instead (slow
on the old code: it copies the whole database on every import).  Asserts nothing.
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
ENDS = 10  # parks timed at each end
PARK_TABLES = {  # table -> columns after park_id, as in both the old and the new schema (0001)
    "park_fields": "key, raw_json, updated_at",
    "years": "year, form, created_at",
    "year_values": "year, key, grp, raw_json, value, parse_error, updated_at",
    "factor_overrides": "year, key, value_raw_json, value, source, updated_at",
    "explanations": "year, key, text, updated_at",
    "report_sections": "section_key, text, updated_at",
    "report_extra": "key, value_json, updated_at",
    "history": "at, year, key, kind, old_raw_json, new_raw_json",
}


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def park_name(n: int) -> str:
    return f"园区{n:04d}"


def park_json(demo: dict[str, Any], n: int, years: int) -> str:
    """Park ``n`` (1-based): the demo park's five years repeated over ``years`` years, a few values varied."""
    data = json.loads(json.dumps(demo))
    data["park"]["park.name"] = park_name(n)
    demo_years = [demo["years"][y] for y in sorted(demo["years"])]
    data["years"] = {}
    for i in range(years):
        year = json.loads(json.dumps(demo_years[i % len(demo_years)]))
        year["values"]["basic.gdp"] = 500.0 + n + i
        data["years"][str(2011 + i)] = year
    return json.dumps(data, ensure_ascii=False)


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file()) if folder.is_dir() else 0


def db_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*") if p.is_file() and p.suffix != ".lock")


# ---------------------------------------------------------------------------------------------- worker


def worker(args: argparse.Namespace) -> dict[str, Any]:
    from storage import Database

    try:
        from export.cli import run_import_json
    except ImportError:  # an older checkout (--ref): the command lived in storage.commands
        from storage.commands import run_import_json  # type: ignore[import-not-found,no-redef]

    out: dict[str, Any] = {}
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    tmp = Path(tempfile.mkdtemp(prefix="parkcarbon-scale-"))
    path = tmp / "scale.db"
    files = tmp / "parks"
    files.mkdir()

    def import_park(n: int) -> float:
        source = files / f"{n}.json"
        source.write_text(park_json(demo, n, args.years), encoding="utf-8")
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = run_import_json(source, path)
        took = ms(start)
        if code != 0:
            raise SystemExit(f"import of park {n} failed")
        return took

    def open_load(n: int, runs: int = 15) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            db = Database.open(path)
            park = db.load_park(db.find_park(park_name(n)) or 0)
            times.append(ms(start))
            db.close()
            assert len(park.years) == args.years
        return statistics.median(times)

    Database.open(path).close()  # the database exists (first-start cost not counted as an import)
    parks = args.parks
    first = [import_park(n) for n in range(1, min(ENDS, parks) + 1)]
    out["open_load_1"] = open_load(1)
    start = time.perf_counter()
    if args.all_imports:
        middle = [import_park(n) for n in range(ENDS + 1, parks - ENDS + 1)]
        out["middle_import_total_s"] = sum(middle) / 1000
    else:
        copy_parks(path, range(ENDS + 1, parks - ENDS + 1))
    out["fill_s"] = time.perf_counter() - start
    last = [import_park(n) for n in range(max(ENDS, parks - ENDS) + 1, parks + 1)]
    out["import_first"] = statistics.median(first)
    out["import_last"] = statistics.median(last)
    out["open_load_n"] = open_load(parks)
    out["db_mb"] = db_size(path) / 1e6
    backups = tmp / "scale-backups"
    out["backups_mb"] = folder_size(backups) / 1e6
    out["backups_files"] = len(list(backups.iterdir())) if backups.is_dir() else 0
    # replacing an existing park (each makes a before-import backup, in both versions)
    out["reimport"] = statistics.median(import_park(1) for _ in range(3))
    out["backups_mb_reimport"] = folder_size(backups) / 1e6

    # ---- one park edited many times (a clerk typing for years), in the big database
    target = park_name(parks // 2 or 1)
    with Database.open(path) as db:
        park_id = db.find_park(target) or 0
        park = db.load_park(park_id)
        fields = [(y, k) for y in sorted(park.years) for k in sorted(park.years[y].values)][:200]
        saves: list[float] = []
        marks: dict[str, str] = {}
        for i in range(args.edits):
            year, key = fields[i % len(fields)]
            start = time.perf_counter()
            db.set_value(park_id, year, key, f"{1000 + i:,}.5" if i % 3 else i)
            saves.append(ms(start))
            if i == args.edits // 2:
                marks["old"] = db.history(park_id, limit=1)[0].at
            if i == args.edits - min(1000, args.edits // 10):
                marks["recent"] = db.history(park_id, limit=1)[0].at
    out["history_rows"] = None
    out["save_p50"], out["save_p99"], out["save_max"] = (
        statistics.median(saves),
        percentile(saves, 0.99),
        max(saves),
    )
    out["db_mb_after_edits"] = db_size(path) / 1e6

    def timed(fn: Any, runs: int = 9) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn()
            times.append(ms(start))
        return statistics.median(times)

    start = time.perf_counter()
    db = Database.open(path)
    out["open_after_edits"] = ms(start)
    try:
        out["history_rows"] = db.conn.execute("SELECT count(*) FROM history").fetchone()[0]
        year, key = fields[0]
        out["load_edited"] = timed(lambda: db.load_park(park_id))
        out["field_history"] = timed(lambda: db.history(park_id, year, key, kind="value"))
        out["park_changes"] = timed(lambda: db.history(park_id, limit=200))
        out["as_of_recent"] = timed(lambda: db.park_as_of(park_id, marks["recent"]))
        out["as_of_old"] = timed(lambda: db.park_as_of(park_id, marks["old"]))
        start = time.perf_counter()
        db.restore_park_as_of(park_id, marks["old"])
        out["restore_as_of_old"] = ms(start)
    finally:
        db.close()
    out["backups_mb_end"] = folder_size(backups) / 1e6
    out["db_mb_end"] = db_size(path) / 1e6
    if args.keys:
        out.update(window_figures(path, park_name(parks // 2 or 1), tmp, args.keys))
    if args.export:
        out.update(export_figures(tmp))
    if not args.keep:
        for p in sorted(tmp.rglob("*"), reverse=True):
            p.unlink() if p.is_file() else p.rmdir()
        tmp.rmdir()
    else:
        out["folder"] = str(tmp)
    return out


def window_figures(path: Path, typed_park: str, tmp: Path, keys: int) -> dict[str, Any]:
    """Section / page switches on the demo park, keystroke-to-totals on ``typed_park`` of the big database."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import random

    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    import ui  # noqa: F401  (the project's guard before any Qt call)
    from forms.park.parkfile import read_park_file
    from storage import Database
    from ui.shell.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    out: dict[str, Any] = {}

    def settle(window: Any) -> None:
        for _ in range(30):
            app.processEvents()
            time.sleep(0.01)

    # -- switches on the demo park
    demo_db = Database.open(tmp / "demo.db")
    window = MainWindow(demo_db, demo_db.replace_park(read_park_file(DEMO)))
    window.show()
    settle(window)

    def switch(key: Any) -> float:
        start = time.perf_counter()
        window.nav.setCurrentItem(window.nav_items[key])
        app.processEvents()  # layout and paint of the page shown
        return ms(start)

    sections = [k for k in window.nav_items if k[0] == "section"]
    pages = [k for k in window.nav_items if k[0] in ("park", "year", "targets", "synergy", "export")]
    for key in sections + pages:
        switch(key)  # every page built once (its first show is not a switch)
    section_times = [switch(k) for _ in range(5) for k in sections]
    page_times = [switch(k) for _ in range(5) for k in pages]
    out["section_p50"], out["section_p99"] = statistics.median(section_times), percentile(section_times, 0.99)
    out["page_p50"], out["page_p99"] = statistics.median(page_times), percentile(page_times, 0.99)
    window.close()
    demo_db.close()

    # -- typing into a 10-year park of the big database; the autosaves' time on the window's thread
    from ui.shell.session import ParkSession

    held: list[float] = []
    originals = {name: ParkSession.__dict__[name] for name in ("flush", "save_in_background")
                 if name in ParkSession.__dict__}  # fmt: skip

    def timing(method: Any) -> Any:
        def timed_save(self: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(self)
            finally:
                held.append(ms(start))

        return timed_save

    for name, method in originals.items():
        setattr(ParkSession, name, timing(method))
    db = Database.open(path)
    window = MainWindow(db, db.find_park(typed_park) or 0)
    window.show()
    settle(window)
    years = window.session.years
    for y in years:  # every year page built, as after a clerk's tour of the years
        window.show_page(("year", y))
        app.processEvents()
    page: Any = window.show_page(("year", years[-1]))
    app.processEvents()
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
        n = state["n"]
        QTest.keyClick(editor, Qt.Key.Key_Backspace if n % 7 == 6 else "1234567890"[n % 10])
        state["n"] = n + 1
        if state["n"] < keys:
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
    for name, method in originals.items():
        setattr(ParkSession, name, method)
    out["autosave_n"] = len(held)
    out["autosave_held_p50"], out["autosave_held_max"] = (statistics.median(held), max(held)) if held else (0, 0)
    table.setCurrentCell(0, 0)  # the edit committed
    window.close()
    db.close()
    return out


def export_figures(tmp: Path) -> dict[str, Any]:
    """The full package of the demo park beside LibreOffice converting the same workbook to PDF."""
    import shutil

    from export.package import export_package
    from export.xlsx.workbook import write_workbook
    from forms.park.parkfile import read_park_file

    park = read_park_file(DEMO)
    export_package(park, tmp / "export-cold")  # fonts and the factor library loaded
    runs = []
    for i in range(3):
        start = time.perf_counter()
        export_package(park, tmp / f"export-{i}")
        runs.append(time.perf_counter() - start)
    out: dict[str, Any] = {"export_s": statistics.median(runs)}
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return out
    book = tmp / "book.xlsx"
    write_workbook(park, book)
    times = []
    for i in range(2):  # the first run makes the profile
        cmd = [exe, f"-env:UserInstallation={(tmp / 'lo-profile').as_uri()}", "--headless", "--convert-to", "pdf",
               "--outdir", str(tmp / f"lo-{i}"), str(book)]  # fmt: skip
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        times.append(time.perf_counter() - start)
    out["lo_s"] = times[-1]
    return out


def copy_parks(path: Path, numbers: range) -> None:
    """Parks ``numbers`` as copies of park 1 (its rows and history), in one transaction."""
    import sqlite3

    if not numbers:
        return
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        with conn:
            src = conn.execute("SELECT id FROM parks WHERE name = ?", (park_name(1),)).fetchone()[0]
            for n in numbers:
                cur = conn.execute(
                    "INSERT INTO parks (name, form, outline, created_at, updated_at) "
                    "SELECT ?, form, outline, created_at, updated_at FROM parks WHERE id = ?",
                    (park_name(n), src),
                )
                new = cur.lastrowid
                for table, columns in PARK_TABLES.items():
                    conn.execute(
                        f"INSERT INTO {table} (park_id, {columns}) SELECT ?, {columns} FROM {table} WHERE park_id = ?",
                        (new, src),
                    )
                name = json.dumps(park_name(n))  # as the storage encodes it
                conn.execute("UPDATE park_fields SET raw_json = ? WHERE park_id = ? AND key = 'park.name'", (name, new))
                conn.execute(
                    "UPDATE history SET new_raw_json = ? WHERE park_id = ? AND key = 'park.name' AND kind = 'park'",
                    (name, new),
                )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


# ---------------------------------------------------------------------------------------------- driver

ROWS = [
    ("import_first", "import, first parks (median of 10)", "ms"),
    ("import_last", "import, last parks (median of 10)", "ms"),
    ("import_ratio", "  ratio last/first (target <= 1.2)", "x"),
    ("open_load_1", "open + load one park, 1 park in db", "ms"),
    ("open_load_n", "open + load one park, all parks in db", "ms"),
    ("open_ratio", "  ratio all/1 (target <= 1.2)", "x"),
    ("db_mb", "database size after the parks", "MB"),
    ("backups_mb", "backups folder after the parks", "MB"),
    ("backups_files", "  files in it", ""),
    ("backups_ratio", "  backups / database", "x"),
    ("reimport", "import replacing a park (median of 3)", "ms"),
    ("backups_mb_reimport", "backups folder after those 3", "MB"),
    ("backups_ratio_reimport", "  backups / database", "x"),
    ("fill_s", "filling the middle parks", "s"),
    ("save_p50", "save one field (autosave) p50", "ms"),
    ("save_p99", "save one field p99", "ms"),
    ("save_max", "save one field max", "ms"),
    ("history_rows", "history rows in the database", ""),
    ("open_after_edits", "open (after the edits)", "ms"),
    ("load_edited", "load the edited park", "ms"),
    ("field_history", "one field's history", "ms"),
    ("park_changes", "the park's 200 latest changes", "ms"),
    ("as_of_recent", "park as of a recent moment", "ms"),
    ("as_of_old", "park as of mid-way through the edits", "ms"),
    ("restore_as_of_old", "restore the park as of mid-way", "ms"),
    ("db_mb_end", "database size at the end", "MB"),
    ("backups_mb_end", "backups folder at the end", "MB"),
    ("backups_ratio_end", "  backups / database at the end", "x"),
    ("section_p50", "report section switch p50 (demo park)", "ms"),
    ("section_p99", "report section switch p99 (target 16)", "ms"),
    ("page_p50", "other page switch p50 (demo park)", "ms"),
    ("page_p99", "other page switch p99", "ms"),
    ("keys_n", "keys typed (10-year park, big db)", ""),
    ("key_p50", "keystroke-to-totals p50", "ms"),
    ("key_p99", "keystroke-to-totals p99 (target 16)", "ms"),
    ("key_max", "keystroke-to-totals max", "ms"),
    ("autosave_n", "autosaves while typing", ""),
    ("autosave_held_p50", "  window thread held by one, p50", "ms"),
    ("autosave_held_max", "  window thread held by one, max", "ms"),
    ("export_s", "full export package, demo (median 3)", "s"),
    ("lo_s", "LibreOffice: workbook to PDF alone", "s"),
    ("export_ratio", "  ratio package / LibreOffice (<= 0.6)", "x"),
]


def derive(r: dict[str, Any]) -> dict[str, Any]:
    r = dict(r)
    r["import_ratio"] = r["import_last"] / r["import_first"]
    r["open_ratio"] = r["open_load_n"] / r["open_load_1"]
    r["backups_ratio"] = r["backups_mb"] / r["db_mb"]
    r["backups_ratio_reimport"] = r["backups_mb_reimport"] / r["db_mb"]
    r["backups_ratio_end"] = r["backups_mb_end"] / r["db_mb_end"]
    if r.get("lo_s"):
        r["export_ratio"] = r["export_s"] / r["lo_s"]
    return r


def fmt(value: Any, unit: str) -> str:
    if value is None:
        return "-"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f} {unit}".strip() if unit != "ms" or value < 100 else f"{value:,.0f} ms"


def run_tree(tree: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--parks", str(args.parks),
           "--years", str(args.years), "--edits", str(args.edits)]  # fmt: skip
    cmd += ["--keys", str(args.keys)]
    if not args.export:
        cmd.append("--no-export")
    if args.all_imports:
        cmd.append("--all-imports")
    if args.keep:
        cmd.append("--keep")
    env = {**os.environ, "PYTHONPATH": str(tree), "PARKCARBON_BENCH_TREE": str(tree)}
    env.pop("PARKCARBON_DB", None)
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"worker in {tree} failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  {tree}: {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return derive(result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parks", type=int, default=600)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--edits", type=int, default=50000)
    parser.add_argument("--ref", default="/work/ref", help="an older checkout to compare with ('' to skip)")
    parser.add_argument("--all-imports", action="store_true", help="import every park (slow), no SQL copies")
    parser.add_argument("--keep", action="store_true", help="keep the databases (their folder is printed)")
    parser.add_argument("--keys", type=int, default=150, help="keys typed in the window (0: no window figures)")
    parser.add_argument("--no-export", dest="export", action="store_false", help="skip export vs LibreOffice")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parks < 2 * ENDS:
        parser.error(f"--parks must be at least {2 * ENDS}")
    if args.worker:
        tree = Path(os.environ.get("PARKCARBON_BENCH_TREE", ROOT))
        sys.path.insert(0, str(tree))
        print(json.dumps(worker(args)))
        return
    trees = [("this checkout", ROOT)]
    if args.ref and Path(args.ref, "storage").is_dir():
        trees.insert(0, (f"before ({args.ref})", Path(args.ref)))
    print(f"{args.parks} parks x {args.years} years, {args.edits:,} edits of one park", file=sys.stderr)
    results = [(label, run_tree(tree, args)) for label, tree in trees]
    width = 40
    print(f"{'':<{width}}" + "".join(f"{label:>26}" for label, _ in results))
    for key, label, unit in ROWS:
        print(f"{label:<{width}}" + "".join(f"{fmt(r.get(key), unit):>26}" for _, r in results))
    for label, r in results:
        if "folder" in r:
            print(f"kept ({label}): {r['folder']}")


if __name__ == "__main__":
    main()
