"""Report work for the demo park: resolving every data block, projecting the scenarios, the consistency
check and the whole 定稿 gate (what the preview and the export page redo after each edit).

Run: .venv/bin/python benchmarks/bench_report.py   (prints median milliseconds; asserts nothing)
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from forms.park.parkfile import read_park_file  # noqa: E402
from forms.report.check import check_report, final_gate  # noqa: E402
from forms.report.drafting import DRAFTABLE, draft_paragraph  # noqa: E402
from forms.report.projection import default_scenarios, project_scenarios  # noqa: E402
from forms.report.resolve import BlockResolver, block_catalog  # noqa: E402
from forms.table.calc import compute_park  # noqa: E402


def median_ms(fn: Callable[[], object], rounds: int = 50) -> float:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(out)


def main() -> None:
    park = read_park_file(REPO / "resources" / "demo" / "demo-park.json")
    result = compute_park(park)
    for key in DRAFTABLE:
        park.report.sections[key] = draft_paragraph(key, park, result).text + "2020年排放总量为698.8万吨。"
    park.report.scenarios = default_scenarios()
    ids = list(block_catalog())
    print(f"compute_park                       {median_ms(lambda: compute_park(park)):7.2f} ms")
    print(f"project 2 scenarios to 2060        {median_ms(lambda: project_scenarios(park, result)):7.2f} ms")
    print(f"resolve all {len(ids)} outline blocks       "
          f"{median_ms(lambda: [BlockResolver(park, result).resolve(b) for b in ids]):7.2f} ms")  # fmt: skip
    print(f"consistency + report checks        {median_ms(lambda: check_report(park, result)):7.2f} ms")
    print(f"final gate (incl. data validation) {median_ms(lambda: final_gate(park, result), 20):7.2f} ms")


if __name__ == "__main__":
    main()
