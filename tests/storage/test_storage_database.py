"""The saving and reading API: raw values keep their type, parsed values and errors sit beside them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from forms.park.model import ParkData
from storage import (
    Database,
    InvalidDataError,
    ParkNotFoundError,
    ParkSummary,
    ReadOnlyError,
    StorageError,
    default_db_path,
)


def test_create_park_lists_and_finds_it(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区", "park.province": "江苏省"}, years=[2018, 2016, 2017])
    other = db.create_park({"park.name": "乙园区"}, years=[2020])
    parks = db.list_parks()
    assert [(p.id, p.name, p.years) for p in parks] == [
        (park_id, "甲园区", [2016, 2017, 2018]),
        (other, "乙园区", [2020]),
    ]
    assert isinstance(parks[0], ParkSummary) and parks[0].updated_at.endswith("+00:00")
    assert db.find_park("甲园区") == park_id
    assert db.find_park("丙园区") is None
    park = db.load_park(park_id)
    assert park.park == {"park.name": "甲园区", "park.province": "江苏省"}
    assert park.sorted_years() == [2016, 2017, 2018]
    assert all(y.form == "eip-2021" for y in park.years.values())


def test_raw_values_keep_type_and_exact_text(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    typed = {
        "energy.raw_coal": "１２,３４５.６",
        "energy.coke": 82000,
        "basic.gdp": 610.0,
        "basic.area_built": "  1.2万 ",
        "basic.employees": "abc",
        "basic.leading_industries": "化工新材料、装备制造",
    }
    for key, raw in typed.items():
        db.set_value(park_id, 2016, key, raw)
    db.set_value(park_id, 2016, "energy.diesel", 5)
    db.set_value(park_id, 2016, "energy.diesel", None)  # None clears the field
    values = db.load_park(park_id).years[2016].values
    assert values == typed
    for key, raw in typed.items():
        assert type(values[key]) is type(raw), key
    rows = {
        r[0]: r[1:]
        for r in db.conn.execute(
            "SELECT key, raw_json, value, parse_error FROM year_values WHERE park_id = ?", (park_id,)
        )
    }
    assert rows["energy.raw_coal"][1:] == (12345.6, None)
    assert rows["energy.coke"] == ("82000", 82000.0, None)
    assert rows["basic.gdp"][0] == "610.0"
    assert rows["basic.area_built"][1] == 12000.0
    assert rows["basic.employees"][1] is None and "abc" in rows["basic.employees"][2]
    assert rows["basic.leading_industries"][1:] == (None, None)
    assert "energy.diesel" not in rows
    cleared = db.history(park_id, key="energy.diesel")[0]
    assert (cleared.old_raw, cleared.new_present) == (5, False)


def test_meta_keys_go_to_meta_and_profile_keys_need_no_year(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    db.set_value(park_id, 2016, "meta.filler", "王敏")
    db.set_value(park_id, 2016, "meta.phone", "12")
    db.set_value(park_id, None, "park.city", "示例市")
    db.set_value(park_id, None, "park.name", "改名园区")
    park = db.load_park(park_id)
    assert park.years[2016].meta == {"meta.filler": "王敏", "meta.phone": "12"}
    assert park.years[2016].values == {}
    assert park.park == {"park.name": "改名园区", "park.city": "示例市"}
    assert db.find_park("改名园区") == park_id and db.find_park("甲园区") is None
    error = db.conn.execute("SELECT parse_error FROM year_values WHERE key = 'meta.phone'").fetchone()[0]
    assert "电话" in error


def test_bad_keys_years_and_types_are_refused_in_chinese(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    with pytest.raises(InvalidDataError, match=r"energy\.unknown"):
        db.set_value(park_id, 2016, "energy.unknown", 1)
    with pytest.raises(InvalidDataError, match="园区概况"):
        db.set_value(park_id, None, "energy.coke", 1)
    with pytest.raises(InvalidDataError, match="2019 年"):
        db.set_value(park_id, 2019, "energy.coke", 1)
    with pytest.raises(InvalidDataError, match="文字或数字"):
        db.set_value(park_id, 2016, "energy.coke", [1, 2])
    with pytest.raises(InvalidDataError):
        db.set_value(park_id, 2016, "energy.coke", True)
    with pytest.raises(ParkNotFoundError, match="99"):
        db.set_value(99, 2016, "energy.coke", 1)
    with pytest.raises(ParkNotFoundError):
        db.load_park(99)
    assert db.load_park(park_id).years[2016].values == {}


def test_factors_explanations_and_report(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016, 2017])
    db.set_factor(park_id, 2016, "factor.grid", "0.6101", "全国电网平均排放因子")
    db.set_factor(park_id, 2017, "factor.grid", 0.58, "")
    db.set_explanation(park_id, 2016, "emissions.total", "新建热电联产项目投产")
    db.set_section_text(park_id, "ch2.2", "……正文……")
    db.set_projects(park_id, [{"name": "光伏", "investment": 1200, "years": "2022–2024"}])
    db.set_scenarios(park_id, {"基准情景": {"2021-2025": {"iva_growth": 8.0}}})
    db.set_report_extra(park_id, "final", {"locked": True})
    park = db.load_park(park_id)
    assert park.years[2016].factors["factor.grid"].to_json() == {"value": "0.6101", "source": "全国电网平均排放因子"}
    assert park.years[2017].factors["factor.grid"].to_json() == {"value": 0.58, "source": ""}
    assert park.years[2016].explanations == {"emissions.total": "新建热电联产项目投产"}
    assert park.report.sections == {"ch2.2": "……正文……"}
    assert park.report.projects == [{"name": "光伏", "investment": 1200, "years": "2022–2024"}]
    assert park.report.scenarios == {"基准情景": {"2021-2025": {"iva_growth": 8.0}}}
    assert park.report.extra == {"final": {"locked": True}}
    parsed = db.conn.execute("SELECT value FROM factor_overrides WHERE year = 2016").fetchone()[0]
    assert parsed == pytest.approx(0.6101)
    db.set_factor(park_id, 2016, "factor.grid", None, "")
    db.set_projects(park_id, [])
    db.set_report_extra(park_id, "final", None)
    park = db.load_park(park_id)
    assert "factor.grid" not in park.years[2016].factors
    assert park.report.projects == [] and park.report.extra == {}
    with pytest.raises(InvalidDataError, match=r"factor\.nope"):
        db.set_factor(park_id, 2016, "factor.nope", 1, "")


def test_years_are_added_with_form_version_and_removed_with_contents(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    db.add_year(park_id, 2017)
    db.add_year(park_id, 2017)  # again: no-op
    db.set_value(park_id, 2017, "energy.coke", 5)
    assert db.conn.execute("SELECT form FROM years WHERE year = 2017").fetchone()[0] == "eip-2021"
    with pytest.raises(InvalidDataError, match="eip-2030"):
        db.add_year(park_id, 2018, "eip-2030")
    db.remove_year(park_id, 2017)
    assert db.load_park(park_id).sorted_years() == [2016]
    assert db.conn.execute("SELECT count(*) FROM year_values").fetchone()[0] == 0


def test_unchanged_value_writes_no_history(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    db.set_value(park_id, 2016, "energy.coke", 5)
    db.set_value(park_id, 2016, "energy.coke", 5)
    db.set_value(park_id, 2016, "energy.coke", 5.0)  # a different raw: 5.0 is not 5
    entries = db.history(park_id, key="energy.coke")
    assert [(e.old_raw, e.new_raw) for e in entries] == [(5, 5.0), (None, 5)]
    assert not entries[1].old_present


def test_replace_park_round_trips_and_writes_only_differences(db: Database, demo_park: ParkData) -> None:
    park_id = db.replace_park(demo_park)
    assert db.load_park(park_id) == demo_park
    count = db.conn.execute("SELECT count(*) FROM history").fetchone()[0]
    changed = demo_park.copy()
    changed.years[2016].values["energy.coke"] = "82,001"
    del changed.years[2020]
    assert db.replace_park(changed, park_id) == park_id
    assert db.load_park(park_id) == changed
    new_rows = db.conn.execute("SELECT count(*) FROM history").fetchone()[0] - count
    cells_2020 = 1 + len(demo_park.years[2020].values) + len(demo_park.years[2020].meta)
    assert new_rows == 1 + cells_2020


def test_submission_events(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"})
    first = db.add_submission_event(park_id, "printed", "2021-09-21", {"copies": 2})
    db.add_submission_event(park_id, "sealed", "2021-09-20", {})
    events = db.submission_events(park_id)
    assert [(e.kind, e.date) for e in events] == [("sealed", "2021-09-20"), ("printed", "2021-09-21")]
    assert events[1].id == first and events[1].details == {"copies": 2}
    with pytest.raises(InvalidDataError, match="faxed"):
        db.add_submission_event(park_id, "faxed", "2021-09-21", {})


def test_read_only_open_reads_without_lock_and_refuses_writes(db: Database, db_path: Path) -> None:
    park_id = db.create_park({"park.name": "甲园区"})
    db.set_value(park_id, 2016, "energy.coke", 7)
    with Database.open(db_path, read_only=True) as reader:
        assert reader.load_park(park_id).years[2016].values == {"energy.coke": 7}
        with pytest.raises(ReadOnlyError, match="只读"):
            reader.set_value(park_id, 2016, "energy.coke", 8)
    with pytest.raises(StorageError, match="不存在"):
        Database.open(db_path.with_name("missing.db"), read_only=True)


def test_default_path_from_environment_and_explicit_path(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_path: Path
) -> None:
    monkeypatch.setenv("PARKCARBON_DB", str(tmp_path / "env.db"))
    assert default_db_path() == tmp_path / "env.db"
    with Database.open() as env_db:
        assert env_db.path == (tmp_path / "env.db").absolute()
    with Database.open(db_path) as explicit:
        assert explicit.path == db_path
    monkeypatch.delenv("PARKCARBON_DB")
    assert default_db_path().name == "parkcarbon.db"
    assert "parkcarbon" in default_db_path().parent.as_posix()


def test_wal_strict_tables_and_synchronous(db: Database) -> None:
    assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    park_id = db.create_park({"park.name": "甲园区"})
    with pytest.raises(sqlite3.IntegrityError):  # STRICT: a year must be an integer
        db.conn.execute("INSERT INTO years VALUES (?, 'x2016', 'eip-2021', '')", (park_id,))
    db.conn.rollback()


def test_saving_one_field_is_one_small_transaction_with_its_history_row(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        db.set_value(park_id, 2016, "energy.coke", "1,000")
    finally:
        db.conn.set_trace_callback(None)
    words = [s.split()[0].upper() for s in statements]
    assert words.count("BEGIN") == 1 and words.count("COMMIT") == 1
    assert words.index("BEGIN") < words.index("COMMIT") == len(words) - 1
    writes = [s for s in statements if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert len(writes) == 3  # the value, its history row, the park's updated_at
    assert any("INTO history" in s for s in writes)


def test_delete_park_backs_up_first(db: Database) -> None:
    keep = db.create_park({"park.name": "甲园区"}, years=[2016])
    doomed = db.create_park({"park.name": "乙园区"}, years=[2016])
    db.set_value(doomed, 2016, "energy.coke", 3)
    db.add_submission_event(doomed, "posted", "2021-09-22", {})
    backup = db.delete_park(doomed)
    assert [p.id for p in db.list_parks()] == [keep]
    assert db.history(doomed) == [] and db.submission_events(doomed) == []
    conn = sqlite3.connect(backup)
    try:
        assert conn.execute("SELECT name FROM parks WHERE id = ?", (doomed,)).fetchone() == ("乙园区",)
    finally:
        conn.close()
    with pytest.raises(ParkNotFoundError):
        db.load_park(doomed)


def test_a_submission_event_taken_out_is_put_back_as_it_was(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"})
    other = db.create_park({"park.name": "乙园区"})
    kept = db.add_submission_event(park_id, "sealed", "2021-09-20", {})
    taken = db.add_submission_event(park_id, "posted", "2021-09-22", {"waybill": "EMS123", "courier": "EMS"})
    [event] = [e for e in db.submission_events(park_id) if e.id == taken]
    with pytest.raises(StorageError, match=str(taken)):
        db.remove_submission_event(other, taken)  # only the park's own lines
    db.remove_submission_event(park_id, taken)
    assert [e.id for e in db.submission_events(park_id)] == [kept]
    with pytest.raises(StorageError, match=str(taken)):
        db.remove_submission_event(park_id, taken)
    db.put_submission_event(event)
    events = db.submission_events(park_id)
    assert [e.id for e in events] == [kept, taken]
    assert events[1] == event  # same id, kind, date, details and time of entry


def test_last_updated_park_is_the_one_changed_most_recently(db: Database) -> None:
    assert db.last_updated_park() is None
    first = db.create_park({"park.name": "甲园区"})
    second = db.create_park({"park.name": "乙园区"})
    assert db.last_updated_park() == second
    db.set_value(first, 2016, "energy.coke", 7)
    assert db.last_updated_park() == first
