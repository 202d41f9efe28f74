"""Fault injection: a child process saves fields in a loop and prints each acknowledged save; the parent
kills it with SIGKILL at a random moment and checks that the database is whole and lost nothing.

Used by tests/storage/test_storage_fault_injection.py and benchmarks/stress_storage.py.  Run as a script
it is the child: ``python storage_fault_harness.py DB PARK_ID FIRST_COUNTER``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
YEARS = (2016, 2017, 2018, 2019, 2020)


def field_keys() -> list[str]:
    from forms.table.registry import form_for

    form = form_for("eip-2021")
    return sorted(f.key for f in form.fields if f.is_input and f.group == "values" and f.is_numeric)[:24]


def raw_for(counter: int) -> int | str:
    """Odd counters are saved as numbers, even ones as text typed with a thousands separator."""
    return counter if counter % 2 else f"{counter:,}"


def child_main(db_path: str, park_id: int, first: int) -> None:
    from storage import Database

    keys = field_keys()
    db = Database.open(db_path)
    print("ready", flush=True)
    counter = first
    while True:
        key = keys[counter % len(keys)]
        year = YEARS[(counter // len(keys)) % len(YEARS)]
        db.set_value(park_id, year, key, raw_for(counter))
        sys.stdout.write(f"{counter} {year} {key}\n")
        sys.stdout.flush()
        counter += 1


@dataclass
class RoundResult:
    acknowledged: list[tuple[int, int, str]]
    killed_before_ready: bool


def run_round(db_path: Path, park_id: int, first: int, rng: random.Random) -> RoundResult:
    env = dict(os.environ, PYTHONPATH=str(REPO), PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), str(db_path), str(park_id), str(first)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env,
    )
    assert proc.stdout is not None
    early = rng.random() < 0.2  # sometimes kill while it is still opening (lock, migrations, backups)
    if early:
        time.sleep(rng.uniform(0.0, 0.4))
    else:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            proc.kill()
            _out, err = proc.communicate()
            raise AssertionError(f"child did not start: {line!r} {err}")
        time.sleep(rng.uniform(0.0, 0.25))
    os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, err)
    acked: list[tuple[int, int, str]] = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].isdigit():
            acked.append((int(parts[0]), int(parts[1]), parts[2]))
    return RoundResult(acked, early)


def check_after_kill(db_path: Path, park_id: int, acked: list[tuple[int, int, str]]) -> list[str]:
    """Problems found (empty when the database is whole and holds every acknowledged save)."""
    from storage import Database

    problems: list[str] = []
    with Database.open(db_path, daily_backup=False) as db:  # also proves the lock was released by the kill
        result = db.conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            problems.append(f"integrity_check: {result}")
        park = db.load_park(park_id)
        history = {
            (row[0], row[1], row[2])
            for row in db.conn.execute(
                "SELECT year, key, new_raw_json FROM history WHERE park_id = ? AND kind = 'value'", (park_id,)
            )
        }
    last: dict[tuple[int, str], int] = {}
    for counter, year, key in acked:
        if (year, key, json.dumps(raw_for(counter))) not in history:
            problems.append(f"acknowledged save {counter} of {year} {key} missing from the history")
        last[(year, key)] = max(counter, last.get((year, key), -1))
    for (year, key), counter in last.items():
        raw = park.years[year].values.get(key)
        stored = int(str(raw).replace(",", "")) if raw is not None else -1
        if stored < counter:
            problems.append(f"{year} {key}: stored {raw!r}, acknowledged {counter}")
        elif stored == counter and raw != raw_for(counter):
            problems.append(f"{year} {key}: stored {raw!r} is not the raw {raw_for(counter)!r} that was saved")
    return problems


def prepare(db_path: Path) -> int:
    from storage import Database

    with Database.open(db_path) as db:
        return db.create_park({"park.name": "断电测试园区"}, YEARS)


def integrity(db_path: Path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    child_main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
