"""Damaged databases for the corruption tests: a demo database with its backups, then random pages of the
file overwritten with random bytes (seeded), a dropped table, or a truncated file."""

from __future__ import annotations

import hashlib
import random
import shutil
import sqlite3
from pathlib import Path

from forms.park.parkfile import read_park_file
from storage import Database

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"
PARK = "示例生态工业示范园区"
SEEDS = range(20)
PAGE = 4096


def make_base(folder: Path) -> Path:
    """A database holding the demo park, closed, with a backup of it beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "p.db"
    with Database.open(db) as database:
        database.replace_park(read_park_file(DEMO))
        database.backup_now()  # a good backup holding the park (the newest one, offered for restoring)
    return db


def damaged_copy(base: Path, target: Path, seed: int) -> Path:
    """A copy of the base folder whose database has 1–3 random pages partly overwritten (page 1 spared
    for half the seeds: a destroyed header is the easy case)."""
    shutil.copytree(base.parent, target)
    db = target / base.name
    data = bytearray(db.read_bytes())
    rng = random.Random(seed)
    pages = len(data) // PAGE
    for _ in range(rng.randint(1, 3)):
        page = rng.randrange(0 if seed % 2 else 1, pages)
        offset = page * PAGE + rng.randrange(PAGE - 256)
        length = rng.randint(8, 256)
        data[offset : offset + length] = bytes(rng.randrange(256) for _ in range(length))
    db.write_bytes(bytes(data))
    return db


def drifted_copy(base: Path, target: Path) -> Path:
    """A copy whose database lost a table (schema drift)."""
    shutil.copytree(base.parent, target)
    db = target / base.name
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE explanations")
    conn.commit()
    conn.close()
    return db


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_reported(err: str, db: Path) -> None:
    """The damage message: Chinese, names the file, offers the newest good backup, no traceback."""
    assert "Traceback" not in err
    assert "已损坏" in err and str(db) in err, err
    assert "最新的完好备份是" in err and "-backups" in err, err
