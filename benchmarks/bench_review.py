"""The reviewer's desk at scale: generate N packages (real exports of varied parks), then review them.

Prints the review time (target ≤ 60 s for 600 packages on 2 cores), the time per package at N/4, N/2 and N
(linear cost shows as a flat per-package figure), and the peak memory of the reviewing process (bounded:
packages are streamed, not all held).  Generated packages are kept in the cache folder for later runs.

Run from the repository root: ``.venv/bin/python benchmarks/bench_review.py [--packages 600] [--workers 2]``
"""

from __future__ import annotations

import argparse
import datetime as _dt
import random
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from export.package import build_package  # noqa: E402
from export.review.run import review_all  # noqa: E402
from forms.park.parkfile import read_park_file  # noqa: E402
from forms.table.registry import form_for  # noqa: E402

DEMO = REPO / "resources" / "demo" / "demo-park.json"
NOW = _dt.datetime(2026, 11, 20, 10, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))


def make_package(args: tuple[int, Path]) -> Path:
    n, folder = args
    path = folder / f"pkg{n:04d}.zip"
    if path.exists():
        return path
    rng = random.Random(n)
    park = read_park_file(DEMO)
    form = form_for(park.form)
    name_key = next(f.key for f in form.fields if f.group == "park" and f.label == "园区名称")
    province_field = next(f for f in form.fields if f.group == "park" and f.kind == "enum" and len(f.options) > 20)
    park.park[name_key] = f"测试园区{n:04d}"
    park.park[province_field.key] = rng.choice(province_field.options)
    scale = rng.uniform(0.3, 3.0)
    for ydata in park.years.values():
        for key, raw in list(ydata.values.items()):
            if isinstance(raw, int | float) and not isinstance(raw, bool) and form.field(key).is_numeric:
                value = raw * scale * rng.uniform(0.95, 1.05)
                ydata.values[key] = round(value) if isinstance(raw, int) else round(value, 2)
    path.write_bytes(build_package(park, now=NOW, today=NOW.date()).zip_data)
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--packages", type=int, default=600)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "parkcarbon-bench-review"))
    args = ap.parse_args()
    folder = Path(args.cache)
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        paths = list(pool.map(make_package, [(n, folder) for n in range(args.packages)]))
    print(f"packages ready: {len(paths)} in {time.perf_counter() - t0:.1f} s ({folder})")
    marks = sorted({max(1, args.packages // 4), max(1, args.packages // 2), args.packages})
    stamps: dict[int, float] = {}
    start = time.perf_counter()

    def progress(n: int, _review: object) -> None:
        if n in marks:
            stamps[n] = time.perf_counter() - start

    reviews = review_all([str(p) for p in paths], progress, workers=args.workers)
    total = time.perf_counter() - start
    rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rss_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    hard = sum(1 for r in reviews if r.hard)
    print(
        f"reviewed {len(reviews)} packages in {total:.1f} s with {args.workers} workers (target ≤ 60 s for 600); "
        f"{hard} with hard findings"
    )
    for n in marks:
        print(f"  after {n:4d}: {stamps[n]:6.1f} s, {stamps[n] / n * 1000:6.1f} ms per package")
    print(f"peak RSS: reviewing process {rss_self:.0f} MB, largest worker {rss_children:.0f} MB")


if __name__ == "__main__":
    main()
