"""Rotating automatic backups made with SQLite's backup API, and restoring from them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from storage import Database, NotOurDatabaseError, SchemaTooNewError, backups
from storage.backups import EXIT_INTERVAL, KEEP_PER_REASON, backup_reason, backup_time
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


def _age(path: Path, by: dt.timedelta) -> Path:
    """Rename a backup as if it had been made ``by`` earlier."""
    when = (backup_time(path) or dt.datetime.now(dt.UTC)) - by
    target = path.with_name(f"drafts-{when.strftime('%Y%m%dT%H%M%S.%fZ')}-{backup_reason(path)}.db")
    return path.rename(target)


def test_daily_backup_once_a_day_and_exit_backup_only_after_changes_and_an_hour(db_path: Path) -> None:
    Database.open(db_path).close()
    assert _reasons(db_path) == ["daily"]
    Database.open(db_path).close()
    assert _reasons(db_path) == ["daily"]  # same day, nothing changed: no new file
    with Database.open(db_path) as db:
        park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    assert _reasons(db_path) == ["daily"]  # changed, but the newest automatic backup is minutes old
    daily = next(p for p in backups_dir(db_path).iterdir() if backup_reason(p) == "daily")
    _age(daily, EXIT_INTERVAL + dt.timedelta(minutes=1))
    with Database.open(db_path) as db:
        db.set_value(park_id, 2016, "energy.coke", "1,000")
    assert _reasons(db_path) == ["exit", "daily"]
    exit_backup = next(p for p in backups_dir(db_path).iterdir() if backup_reason(p) == "exit")
    assert _values(exit_backup) == [("energy.coke", '"1,000"')]
    Database.open(db_path).close()  # nothing changed: no new file
    assert _reasons(db_path) == ["exit", "daily"]
    for path in list(backups_dir(db_path).iterdir()):
        _age(path, dt.timedelta(days=2))
    Database.open(db_path).close()  # a new day: a new daily; of the old ones "last week" keeps the oldest
    assert _reasons(db_path) == ["daily", "daily"]


def test_automatic_backups_keep_the_newest_and_one_per_age_tier(db: Database) -> None:
    seed = db.backup_now(backups.DAILY)
    now = dt.datetime.now(dt.UTC)
    made: dict[float, Path] = {}
    for hours in (0.5, 3, 20, 25, 30, 60, 100, 24 * 9, 24 * 20, 24 * 40, 24 * 60):
        when = now - dt.timedelta(hours=hours)
        path = backups_dir(db.path) / f"drafts-{when.strftime('%Y%m%dT%H%M%S.%fZ')}-exit.db"
        path.write_bytes(seed.read_bytes())
        made[hours] = path
    seed.unlink()
    newest = db.backup_now(backups.DAILY)
    left = set(db.list_backups())
    # the newest; the oldest of today (20 h), of yesterday (30 h), of last week (100 h), of last month (20 d)
    assert left == {newest, made[20], made[30], made[100], made[24 * 20]}
    for path in made.values():
        assert path.exists() == (path in left)


def test_backups_together_stay_within_the_size_bound_oldest_removed_first(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backups, "MIN_LIMIT", 0)
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    made = []
    for n in range(KEEP_PER_REASON):
        db.set_value(park_id, 2016, "energy.coke", n)
        made.append(db.backup_now(backups.MANUAL if n % 2 else backups.BEFORE_IMPORT))
    left = db.list_backups()
    total = sum(p.stat().st_size for p in left)
    assert total <= backups.size_limit(db.path, left[0])
    assert left[0] == made[-1] and len(left) < KEEP_PER_REASON
    kept = [p for p in reversed(made) if p in left]  # a run of the newest ones, whatever their reason
    assert kept == list(reversed(made))[: len(kept)]


def test_twenty_imports_leave_a_bounded_folder_and_every_backup_restores(
    tmp_path: Path, demo_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from export.cli import run_import_json

    monkeypatch.setattr(backups, "MIN_LIMIT", 0)  # the bound relative to the database, even for a small one
    db_path = tmp_path / "drafts.db"
    text = demo_file.read_text(encoding="utf-8")
    for n in range(20):
        name = "示范园区" if n % 2 else f"园区{n:02d}"  # every other import replaces the same park
        source = tmp_path / f"park{n}.json"
        source.write_text(text.replace('"park.name": "', f'"park.name": "{name}', 1) if n % 2 == 0 else text,
                          encoding="utf-8")  # fmt: skip
        assert run_import_json(source, db_path) == 0
    capsys.readouterr()
    folder = backups_dir(db_path)
    found = backups.list_backups(db_path)
    total = sum(p.stat().st_size for p in folder.iterdir())
    assert total <= backups.SIZE_FACTOR * max(db_path.stat().st_size, found[0].stat().st_size)
    assert "before-import" in _reasons(db_path) and "daily" in _reasons(db_path)
    assert len(found) <= KEEP_PER_REASON + len(backups.AUTO_TIERS) + 1
    with Database.open(db_path, daily_backup=False) as db:
        now = sorted(p.name for p in db.list_parks())
    with_parks = 0
    for n, backup in enumerate(found):
        scratch = tmp_path / f"restored{n}.db"
        Database.restore_backup(backup, scratch)
        with Database.open(scratch, daily_backup=False) as restored:
            parks = restored.list_parks()
            assert {p.name for p in parks} <= set(now)
            for summary in parks:
                assert sorted(restored.load_park(summary.id).years) == summary.years != []
            with_parks += bool(parks)
    assert with_parks >= len(found) - 1  # only the first open's daily backup may be of the empty database


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
