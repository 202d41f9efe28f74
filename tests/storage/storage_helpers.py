"""Helpers shared by the storage tests (a uniquely named module: conftest is not importable)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


def table_checksum(path: Path) -> str:
    """SHA-256 over every row of every table (read-only, so taking it changes nothing)."""
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        for table in tables:
            digest.update(table.encode())
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid'):
                digest.update(repr(row).encode())
        return digest.hexdigest()
    finally:
        conn.close()
