"""Locked factors in the database: one cell per year, recorded in the history, restorable, in the park file."""

from __future__ import annotations

from pathlib import Path

from forms.park.parkfile import dumps, loads
from storage import Database
from storage.schema import schema_drift

LOCK_A = {"library": "2026.12.1(2026-12-01)", "at": "2026-12-01T10:00:00", "reason": "定稿",
          "factors": {"factor.grid": {"value": 0.55, "source": "s", "citation": "c", "confidence": "B", "basis": "b"}}}  # fmt: skip
LOCK_B = {**LOCK_A, "library": "2027.1.1(2027-01-15)", "reason": "确认采用新因子库",
          "factors": {"factor.grid": {**LOCK_A["factors"]["factor.grid"], "value": 0.5}}}  # fmt: skip


def test_lock_is_stored_with_the_year_and_each_change_is_one_history_entry(db: Database, db_path: Path) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2023, 2024])
    db.lock_years(park_id, {2023: LOCK_A, 2024: LOCK_A})
    park = db.load_park(park_id)
    assert park.years[2023].locked_factors == LOCK_A and park.years[2024].locked_factors == LOCK_A
    db.set_factor_lock(park_id, 2023, LOCK_B)
    entries = db.history(park_id, year=2023, key="")
    locks = [e for e in entries if e.kind == "factor_lock"]
    assert [e.new_raw for e in locks] == [LOCK_B, LOCK_A]
    db.restore_history(locks[1].id)  # undo of the confirmation
    assert db.load_park(park_id).years[2023].locked_factors == LOCK_A
    assert loads(dumps(db.load_park(park_id))).years[2023].locked_factors == LOCK_A
    assert schema_drift(db.conn) == []


def test_replace_park_and_remove_year_carry_the_lock(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2023])
    db.set_factor_lock(park_id, 2023, LOCK_A)
    park = db.load_park(park_id)
    other = db.replace_park(park)
    assert db.load_park(other).years[2023].locked_factors == LOCK_A
    db.remove_year(park_id, 2023)
    assert 2023 not in db.load_park(park_id).years
