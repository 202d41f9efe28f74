"""SIGKILL a process that is saving fields, at random moments: the database stays whole and every save
that was acknowledged (printed after ``set_value`` returned) is there, in the table and in the history."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest
import storage_fault_harness as harness

ROUNDS = 32

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def test_kill_at_random_moments_loses_no_acknowledged_save(tmp_path: Path) -> None:
    db_path = tmp_path / "killed.db"
    park_id = harness.prepare(db_path)
    rng = random.Random(int(os.environ.get("PARKCARBON_FAULT_SEED", "20211")))
    total = 0
    killed_while_saving = 0
    for round_no in range(ROUNDS):
        result = harness.run_round(db_path, park_id, (round_no + 1) * 1_000_000, rng)
        problems = harness.check_after_kill(db_path, park_id, result.acknowledged)
        assert problems == [], f"round {round_no}: {problems[:5]}"
        total += len(result.acknowledged)
        killed_while_saving += bool(result.acknowledged)
    assert harness.integrity(db_path) == "ok"
    assert killed_while_saving >= ROUNDS // 2  # most kills hit a process in the middle of saving
    assert total > ROUNDS * 10
