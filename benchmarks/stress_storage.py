"""Fault-injection stress: many rounds of SIGKILL against a process that is saving fields.

Run from the repository root:  .venv/bin/python benchmarks/stress_storage.py [--rounds 300] [--seed N]
After every kill: PRAGMA integrity_check must be ok and every acknowledged save must be in the database
(table and history).  Prints a summary; exit code 1 if any round found a problem.  POSIX only.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "storage"))

import storage_fault_harness as harness  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--db", type=Path, help="database to use (default: a temporary one)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="parkcarbon-stress-") as tmp:
        db_path = args.db or Path(tmp) / "stress.db"
        park_id = harness.prepare(db_path)
        start = time.perf_counter()
        acked = early = failed = 0
        for round_no in range(args.rounds):
            result = harness.run_round(db_path, park_id, (round_no + 1) * 1_000_000, rng)
            problems = harness.check_after_kill(db_path, park_id, result.acknowledged)
            acked += len(result.acknowledged)
            early += result.killed_before_ready
            if problems:
                failed += 1
                print(f"round {round_no}: {len(problems)} problems, e.g. {problems[:3]}", flush=True)
            elif round_no % 25 == 0:
                print(f"round {round_no}: ok ({len(result.acknowledged)} acknowledged saves)", flush=True)
        elapsed = time.perf_counter() - start
    print(
        f"seed {args.seed}: {args.rounds} kills ({early} during start-up) in {elapsed:.0f} s, "
        f"{acked} acknowledged saves checked, {failed} rounds with problems"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
