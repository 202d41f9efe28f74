"""Rotating automatic backups made with SQLite's backup API, and restoring from them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from storage import Database, NotOurDatabaseError, SchemaTooNewError
from storage.backups import KEEP_PER_REASON, backup_reason, backup_time
from storage.paths import backups_dir


def _reasons(db: Database | Path) -> list[str]:
    from storage.backups import list_backups

    paths = db.list_backups() if isinstance(db, Database) else list_backups(db)
    return [backup_reason(p) or "" for p in paths]


def _values(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT key, raw_json FROM year_values ORDER BY key").fetchall()
    finally:
        conn.close()


def test_daily_backup_once_a_day_and_exit_backup_only_after_changes(db_path: Path) -> None:
    Database.open(db_path).close()
    assert _reasons(db_path) == ["daily"]
    Database.open(db_path).close()
    assert _reasons(db_path) == ["daily"]  # same day, nothing changed: no new file
    with Database.open(db_path) as db:
        park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
        db.set_value(park_id, 2016, "energy.coke", "1,000")
    assert _reasons(db_path) == ["exit", "daily"]
    exit_backup = next(p for p in backups_dir(db_path).iterdir() if backup_reason(p) == "exit")
    assert _values(exit_backup) == [("energy.coke", '"1,000"')]
    daily = next(p for p in backups_dir(db_path).iterdir() if backup_reason(p) == "daily")
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).strftime("%Y%m%dT%H%M%S.%fZ")
    daily.rename(daily.with_name(f"drafts-{old}-daily.db"))
    Database.open(db_path).close()
    assert _reasons(db_path).count("daily") == 2


def test_backup_is_a_consistent_single_file(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    db.set_value(park_id, 2016, "energy.coke", 5)
    backup = db.backup_now()
    assert backup_reason(backup) == "manual" and backup.parent == backups_dir(db.path)
    assert backup_time(backup) is not None
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert _values(backup) == [("energy.coke", "5")]
    assert not list(backups_dir(db.path).glob("*.part"))


def test_rotation_keeps_a_bounded_number(db: Database) -> None:
    made = [db.backup_now() for _ in range(KEEP_PER_REASON + 3)]
    manual = [p for p in db.list_backups() if backup_reason(p) == "manual"]
    assert manual == list(reversed(made))[:KEEP_PER_REASON]
    assert "daily" in _reasons(db)  # other reasons are rotated separately


def test_leftover_partial_backup_is_removed_on_open(db_path: Path) -> None:
    Database.open(db_path).close()
    partial = backups_dir(db_path) / "drafts-20200101T000000.000000Z-exit.db.part"
    partial.write_bytes(b"half")
    Database.open(db_path).close()
    assert not partial.exists()


def test_restore_brings_back_the_backup_after_backing_up_the_present(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    db.set_value(park_id, 2016, "energy.coke", "old")
    backup = db.backup_now()
    db.set_value(park_id, 2016, "energy.coke", "new")
    other = db.create_park({"park.name": "乙园区"})
    safety = db.restore(backup)
    assert db.load_park(park_id).years[2016].values == {"energy.coke": "old"}
    assert [p.id for p in db.list_parks()] == [park_id]
    assert backup_reason(safety) == "before-restore"
    assert ("energy.coke", '"new"') in _values(safety)
    db.set_value(park_id, 2016, "energy.coke", "after")  # still a working database
    assert db.history(park_id, limit=1)[0].old_raw == "old"
    assert other not in [p.id for p in db.list_parks()]


def test_static_restore_on_a_closed_database(db_path: Path) -> None:
    with Database.open(db_path) as db:
        park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
        db.set_value(park_id, 2016, "energy.coke", 1)
        backup = db.backup_now()
        db.set_value(park_id, 2016, "energy.coke", 2)
    safety = Database.restore_backup(backup, db_path)
    assert safety.is_file()
    with Database.open(db_path) as db:
        assert db.load_park(park_id).years[2016].values == {"energy.coke": 1}


def test_restore_refuses_damaged_and_newer_backups(db: Database, tmp_path: Path) -> None:
    park_id = db.create_park({"park.name": "甲园区"})
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(NotOurDatabaseError):
        db.restore(damaged)
    newer = db.backup_now()
    conn = sqlite3.connect(newer)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('parkcarbon', '9999_x', '')"
        )
    conn.close()
    with pytest.raises(SchemaTooNewError):
        db.restore(newer)
    assert db.find_park("甲园区") == park_id


def test_static_restore_over_a_damaged_database_keeps_the_damaged_file_aside(db_path: Path) -> None:
    with Database.open(db_path) as db:
        park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
        db.set_value(park_id, 2016, "energy.coke", "good")
        backup = db.backup_now()
    damaged = b"SQLite format 3\x00" + b"\xff" * 5000
    db_path.write_bytes(damaged)
    with pytest.raises(NotOurDatabaseError):
        Database.open(db_path)
    aside = Database.restore_backup(backup, db_path)
    assert aside.read_bytes() == damaged and backup_reason(aside) == "damaged"
    with Database.open(db_path) as db:
        assert db.load_park(park_id).years[2016].values == {"energy.coke": "good"}
