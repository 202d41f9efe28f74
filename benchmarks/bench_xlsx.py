"""Export (and import) time of the five-year demo workbook.  Target: export < 1 s.

Run from the repository root: ``.venv/bin/python benchmarks/bench_xlsx.py``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from export.xlsx.reader import read_workbook
from export.xlsx.workbook import write_workbook
from forms.park.parkfile import read_park_file

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo" / "demo-park.json"
RUNS = 5


def main() -> None:
    park = read_park_file(DEMO)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "demo.xlsx"
        write_workbook(park, target)  # warm-up: imports, factor library
        exports, templates, imports = [], [], []
        for _ in range(RUNS):
            t0 = time.perf_counter()
            write_workbook(park, target)
            exports.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            write_workbook(park, Path(tmp) / "template.xlsx", template=True)
            templates.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            read_workbook(target)
            imports.append(time.perf_counter() - t0)
        size = target.stat().st_size
    print(f"五年示例园区工作簿({len(park.years)} 个年度表，{size / 1024:.0f} KB)，{RUNS} 次：")
    print(f"  导出    中位数 {statistics.median(exports):.3f} s，最慢 {max(exports):.3f} s(目标 < 1 s)")
    print(f"  空白模板 中位数 {statistics.median(templates):.3f} s")
    print(f"  导入    中位数 {statistics.median(imports):.3f} s")


if __name__ == "__main__":
    main()
