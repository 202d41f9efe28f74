"""Named, ordered migrations: from empty, idempotent, older files upgraded after a backup, newer refused."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database as SUDatabase

from storage import Database, NotOurDatabaseError, SchemaTooNewError
from storage.backups import backup_reason
from storage.errors import InvalidDataError
from storage.schema import EXPECTED_SCHEMA, actual_schema, apply_pending, migration_names, migrations, schema_drift


def _applied(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT name, applied_at FROM _sqlite_migrations ORDER BY id").fetchall()
    finally:
        conn.close()


def _schema(path: Path) -> dict[str, list[tuple[str, str, bool, int]]]:
    conn = sqlite3.connect(path)
    try:
        return actual_schema(conn)
    finally:
        conn.close()


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_migrations_are_named_and_ordered() -> None:
    names = migration_names()
    assert names == sorted(names) and len(names) == len(set(names)) >= 2
    assert all(name[:4].isdigit() and name[4] == "_" for name in names)


@pytest.mark.parametrize("empty_file", [False, True])
def test_migrate_from_nothing_or_an_empty_file(db_path: Path, empty_file: bool) -> None:
    if empty_file:
        db_path.write_bytes(b"")
    with Database.open(db_path) as db:
        assert [name for name, _ in _applied_names(db)] == migration_names()
        assert db.list_parks() == []
    assert not [p for p in db.list_backups() if backup_reason(p) == "before-migration"]


def _applied_names(db: Database) -> list[tuple[str, str]]:
    return db.conn.execute("SELECT name, applied_at FROM _sqlite_migrations ORDER BY id").fetchall()


def test_applying_twice_is_a_no_op(db_path: Path) -> None:
    Database.open(db_path).close()
    first = _applied(db_path)
    schema = _schema(db_path)
    with Database.open(db_path) as db:
        assert migrations().pending(SUDatabase(db.conn, execute_plugins=False)) == []
        assert apply_pending(db.conn) == []  # explicitly again
    assert _applied(db_path) == first
    assert _schema(db_path) == schema


def _older_database(path: Path) -> None:
    """A database as an older program version left it: before submission events (0002), with a park."""
    sudb = SUDatabase(path, execute_plugins=False)
    migrations().apply(sudb, stop_before="0002_submission_events")
    at = "2021-09-20T08:00:00.000000+00:00"
    with sudb.atomic():
        sudb.conn.execute("INSERT INTO parks VALUES (1, '旧园区', 'eip-2021', 'eip-2021', ?, ?)", (at, at))
        sudb.conn.execute("INSERT INTO park_fields VALUES (1, 'park.name', ?, ?)", ('"旧园区"', at))
        sudb.conn.execute("INSERT INTO years VALUES (1, 2016, 'eip-2021', ?)", (at,))
        sudb.conn.execute(
            "INSERT INTO year_values VALUES (1, 2016, 'energy.coke', 'values', ?, 1234.5, NULL, ?)", ('"1,234.5"', at)
        )
    sudb.close()


def test_older_database_is_backed_up_then_upgraded(db_path: Path) -> None:
    _older_database(db_path)
    assert "year_factor_locks" not in _schema(db_path)  # the last migration's table
    with Database.open(db_path) as db:
        assert [name for name, _ in _applied_names(db)] == migration_names()
        assert schema_drift(db.conn) == []
        park = db.load_park(db.find_park("旧园区") or 0)
        assert park.years[2016].values == {"energy.coke": "1,234.5"}
        assert db.add_submission_event(1, "printed", "2021-09-21", {}) > 0
        backups = [p for p in db.list_backups() if backup_reason(p) == "before-migration"]
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    try:
        assert [r[0] for r in old.execute("SELECT name FROM _sqlite_migrations")] == migration_names()[:1]
        assert old.execute("SELECT raw_json FROM year_values").fetchone()[0] == '"1,234.5"'
        assert "year_factor_locks" not in actual_schema(old)
    finally:
        old.close()
    with Database.open(db_path) as db:  # restoring the pre-migration backup migrates it again
        db.set_value(1, 2016, "energy.coke", "later")
        db.restore(backups[0])
        assert db.load_park(1).years[2016].values == {"energy.coke": "1,234.5"}
        assert schema_drift(db.conn) == []
        assert db.submission_events(1) == []


def test_newer_database_is_refused_and_left_untouched(db_path: Path) -> None:
    with Database.open(db_path) as db:
        db.create_park({"park.name": "甲园区"})
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("CREATE TABLE future_things (id INTEGER PRIMARY KEY)")
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('parkcarbon', '9999_future', 'x')"
        )
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = _sha(db_path)
    siblings = sorted(p.name for p in db_path.parent.iterdir())
    with pytest.raises(SchemaTooNewError, match="更新版本") as info:
        Database.open(db_path)
    assert str(db_path) in str(info.value) and "未作任何改动" in str(info.value)
    assert _sha(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings
    with pytest.raises(SchemaTooNewError):
        Database.open(db_path, read_only=True)
    assert _sha(db_path) == before


def test_foreign_files_are_refused_and_left_untouched(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("这不是数据库" * 100, encoding="utf-8")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.commit()
    conn.close()
    for path in (text_file, other):
        before = _sha(path)
        with pytest.raises(NotOurDatabaseError, match="数据库") as info:
            Database.open(path)
        assert str(path) in str(info.value)
        assert _sha(path) == before


def test_schema_drift_the_migrated_schema_is_what_the_code_expects(db: Database) -> None:
    assert actual_schema(db.conn) == EXPECTED_SCHEMA
    assert schema_drift(db.conn) == []


def test_a_drifted_database_is_refused(db_path: Path) -> None:
    Database.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("ALTER TABLE year_values ADD COLUMN sneaky TEXT")
    conn.commit()
    conn.close()
    with pytest.raises(NotOurDatabaseError, match="结构"):
        Database.open(db_path)


def test_a_database_of_the_previous_version_opens_with_the_same_data_and_history(db_path: Path) -> None:
    """Written before 0003 (no time indexes): upgraded on open, same parks, history and past states."""
    with Database.open(db_path) as db:
        park_id = db.create_park({"park.name": "甲园区"}, years=[2016, 2017])
        for raw in ("1", "2,000", "3"):
            db.set_value(park_id, 2016, "energy.coke", raw)
        db.remove_year(park_id, 2017)
        middle = db.history(park_id, key="energy.coke")[1].at
        before = (db.load_park(park_id), db.history(park_id), db.park_as_of(park_id, middle))
    conn = sqlite3.connect(db_path)
    with conn:  # as the previous program left it
        conn.execute("DROP INDEX history_at")
        conn.execute("DROP INDEX history_field_at")
        conn.execute("CREATE INDEX history_park_field ON history(park_id, kind, key, year)")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0003_history_time_indexes'")
        conn.execute("DROP TABLE year_factor_locks")  # and before 0004 (locked factors)
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0004_factor_locks'")
        conn.execute("DROP TABLE operations")  # and before 0005 (whole-park operations named in the history)
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = '0005_operations'")
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    with Database.open(db_path) as db:
        assert [name for name, _ in _applied_names(db)] == migration_names()
        assert schema_drift(db.conn) == []
        indexes = {r[0] for r in db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"history_at", "history_field_at"} <= indexes
        assert (db.load_park(park_id), db.history(park_id), db.park_as_of(park_id, middle)) == before
        assert db.park_as_of(park_id, middle).years[2016].values == {"energy.coke": "2,000"}
        assert "before-migration" in [backup_reason(p) for p in db.list_backups()]


def test_whole_park_changes_are_named_by_their_history_time(db_path: Path) -> None:
    """An import, a restore and a removed year are recorded as operations sharing their history rows' time."""
    with Database.open(db_path) as db:
        park_id = db.create_park({"park.name": "甲园区"}, years=[2016, 2017])
        db.set_value(park_id, 2016, "energy.coke", "5")
        moment = db.history(park_id)[0].at
        db.remove_year(park_id, 2017)
        park = db.load_park(park_id)
        park.park["park.city"] = "乙市"
        db.replace_park(park, park_id, operation=("import", "甲园区.json"))
        db.restore_park_as_of(park_id, moment)
        ops = db.operations(park_id)
        assert [(o.kind, o.detail) for o in ops.values()] == [
            ("remove_year", "2017"), ("import", "甲园区.json"), ("restore", moment)]  # fmt: skip
        times = {e.at for e in db.history(park_id)}
        assert set(ops) <= times  # each names the rows written with it
        assert db.history(park_id)[0].at in ops and ops[db.history(park_id)[0].at].kind == "restore"
        db.create_park({"park.name": "乙园区"})
        db.delete_park(park_id)
        assert db.operations(park_id) == {}


def test_an_operation_is_one_named_change_or_nothing(db_path: Path) -> None:
    """Several saves inside ``Database.operation`` share one moment, named once; a failure keeps none of them."""
    with Database.open(db_path) as db:
        park_id = db.create_park({"park.name": "甲园区"}, years=[2016, 2017])
        with db.operation(park_id, "final"):
            db.set_factor_lock(park_id, 2016, {"reason": "定稿", "factors": {}})
            with db.operation(park_id, "lock", "定稿"):  # an inner operation joins the outer one
                db.set_factor_lock(park_id, 2017, {"reason": "定稿", "factors": {}})
            db.set_report_extra(park_id, "final", {"at": "2026-12-02"})
        ops = db.operations(park_id)
        assert [(o.kind, o.detail) for o in ops.values()] == [("final", "")]
        rows = db.history(park_id)[:3]
        assert {e.at for e in rows} == set(ops) and len(rows) == 3
        before = (db.load_park(park_id), db.history(park_id), db.operations(park_id))
        with pytest.raises(InvalidDataError), db.operation(park_id, "unfinal"):
            db.set_report_extra(park_id, "final", None)
            db.set_value(park_id, 2016, "no.such.key", "1")
        assert (db.load_park(park_id), db.history(park_id), db.operations(park_id)) == before
        with pytest.raises(InvalidDataError, match="未知的操作类型"), db.operation(park_id, "no-such-kind"):
            pass
