"""Time to compute every key (and the multi-year indicators) for the demo park's five years.

Run: .venv/bin/python benchmarks/bench_calc.py   (target: under 5 ms)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from forms.park.parkfile import read_park_file  # noqa: E402
from forms.table.calc import compute_park  # noqa: E402
from forms.table.factors import library  # noqa: E402
from forms.table.validate import validate_park  # noqa: E402


def timed(fn, rounds: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> None:
    park = read_park_file(REPO / "resources" / "demo" / "demo-park.json")
    t0 = time.perf_counter()
    lib = library()
    compute_park(park, lib)
    first = (time.perf_counter() - t0) * 1000
    calc = timed(lambda: compute_park(park, lib), 200)
    check = timed(lambda: validate_park(park), 50)
    years = len(park.years)
    print(f"demo park: {years} years, {len(compute_park(park).years[2016].computed)} computed keys per year")
    print(f"first calculation (loads factor tables): {first:.2f} ms")
    print(
        f"calc all keys, 5 years + trend: median {statistics.median(calc):.2f} ms, "
        f"p99 {sorted(calc)[int(len(calc) * 0.99) - 1]:.2f} ms  (target < 5 ms)"
    )
    print(f"calc + full validation: median {statistics.median(check):.2f} ms")


if __name__ == "__main__":
    main()
