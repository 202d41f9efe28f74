"""Stress: many killed exports (not collected by pytest).

    .venv/bin/python -m tests.export.stress_export_faults [--rounds 300] [--seed 1]

Prints how many rounds were killed, kept the old set, switched to the new one, and were cleaned up after.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from export.package import build_package
from tests.export.export_fault_harness import fault_rounds
from tests.export.pdf_support import demo_with_text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    old, new = demo_with_text(), demo_with_text()
    new.years[2020].values["energy.raw_coal"] = 1234567
    packages = [build_package(old), build_package(new)]
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        stats = fault_rounds(packages, Path(tmp), args.rounds, args.seed, log=args.verbose)
    print(f"{stats} in {time.perf_counter() - start:.1f} s: every round left the complete old or new set")


if __name__ == "__main__":
    main()
