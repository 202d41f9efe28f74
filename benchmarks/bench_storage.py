"""Storage speed: latency of saving one field, and opening a big database then loading one park.

Run from the repository root:  .venv/bin/python benchmarks/bench_storage.py [--saves 2000] [--parks 100]
Targets (issue 3): p99 of one save < 10 ms; open a database of 100 parks x 10 years and load one park
< 200 ms.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from forms.park.model import YearData
from forms.park.parkfile import read_park_file
from storage import Database

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "resources" / "demo" / "demo-park.json"


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_saves(folder: Path, saves: int, synchronous: str) -> None:
    path = folder / f"saves-{synchronous.lower()}.db"
    park = read_park_file(DEMO)
    with Database.open(path, synchronous=synchronous) as db:
        park_id = db.replace_park(park)
        keys = [(y, k) for y in park.sorted_years() for k in park.years[y].values]
        times: list[float] = []
        for i in range(saves):
            year, key = keys[i % len(keys)]
            raw: int | str = i if i % 2 else f"{i:,}.5"
            start = time.perf_counter()
            db.set_value(park_id, year, key, raw)
            times.append((time.perf_counter() - start) * 1000)
    print(
        f"set_value, synchronous={synchronous:<6} n={saves}: p50 {statistics.median(times):.2f} ms, "
        f"p99 {percentile(times, 0.99):.2f} ms, max {max(times):.2f} ms"
    )


def build_big(path: Path, parks: int, years: int) -> None:
    demo = read_park_file(DEMO)
    base = demo.years[2016]
    with Database.open(path, daily_backup=False) as db:
        for n in range(parks):
            park = demo.copy()
            park.park["park.name"] = f"园区{n:03d}"
            park.years = {}
            for y in range(2011, 2011 + years):
                data = YearData(values=dict(base.values), meta=dict(base.meta), form=base.form)
                data.values["energy.coke"] = f"{80000 + n * 10 + y:,}"
                park.years[y] = data
            db.replace_park(park)


def bench_open(folder: Path, parks: int, years: int) -> None:
    path = folder / "big.db"
    start = time.perf_counter()
    build_big(path, parks, years)
    built = time.perf_counter() - start
    size = sum(p.stat().st_size for p in folder.glob("big.db*")) / 1024 / 1024
    print(f"built {parks} parks x {years} years in {built:.1f} s ({size:.1f} MB with WAL)")
    for label, daily in (("first open of the day (daily backup made)", True), ("later opens", False)):
        runs: list[float] = []
        for _ in range(5 if not daily else 1):
            start = time.perf_counter()
            db = Database.open(path, daily_backup=daily)
            park = db.load_park(db.find_park(f"园区{parks // 2:03d}") or 0)
            runs.append((time.perf_counter() - start) * 1000)
            db.close()
            assert len(park.years) == years
        print(f"open + load one park, {label}: {statistics.median(runs):.1f} ms (median of {len(runs)})")
    script = (
        "import sys, time; t = time.perf_counter(); from storage import Database; "
        "db = Database.open(sys.argv[1], daily_backup=False); db.load_park(db.find_park(sys.argv[2])); "
        "print((time.perf_counter() - t) * 1000); db.close()"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), f"园区{parks // 2:03d}"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    print(f"open + load one park in a fresh process, imports included: {float(done.stdout):.1f} ms")
    start = time.perf_counter()
    with Database.open(path, daily_backup=False) as db:
        for summary in db.list_parks()[:10]:
            db.load_park(summary.id)
    print(f"open + load 10 parks: {(time.perf_counter() - start) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--parks", type=int, default=100)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parkcarbon-bench-") as tmp:
        folder = Path(tmp)
        bench_saves(folder, args.saves, "FULL")
        bench_saves(folder, args.saves, "NORMAL")
        bench_open(folder, args.parks, args.years)


if __name__ == "__main__":
    main()
