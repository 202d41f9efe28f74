"""The append-only history: restore an earlier value of a field, or the whole park as of a moment."""

from __future__ import annotations

import itertools
import time

from forms.park.model import ParkData
from storage import Database


def test_change_five_times_and_restore_the_second_value(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016])
    typed = [100, "1,200", 1300.5, "１４００", "abc"]
    for raw in typed:
        db.set_value(park_id, 2016, "energy.coke", raw)
    entries = db.history(park_id, year=2016, key="energy.coke")
    assert [e.new_raw for e in entries] == list(reversed(typed))
    assert [e.old_raw for e in entries] == [*reversed(typed[:-1]), None]
    assert entries == sorted(entries, key=lambda e: e.id, reverse=True)
    assert all(a.at >= b.at for a, b in itertools.pairwise(entries))
    assert len(entries[0].at) == len("2026-01-01T00:00:00.000000+00:00")
    second = entries[-2]
    assert second.new_raw == "1,200" and second.kind == "value"
    db.restore_history(second.id)
    assert db.load_park(park_id).years[2016].values["energy.coke"] == "1,200"
    latest = db.history(park_id, key="energy.coke", limit=1)[0]
    assert (latest.old_raw, latest.new_raw) == ("abc", "1,200")  # the restore is itself a change
    assert len(db.history(park_id, key="energy.coke")) == 6


def test_restore_of_a_removed_factor_and_of_a_removed_year(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016, 2017])
    db.set_factor(park_id, 2016, "factor.grid", 0.61, "省级电网因子")
    db.set_factor(park_id, 2016, "factor.grid", None, "")
    removed = db.history(park_id, key="factor.grid")[0]
    assert not removed.new_present
    db.restore_history(db.history(park_id, key="factor.grid")[1].id)
    assert db.load_park(park_id).years[2016].factors["factor.grid"].to_json() == {
        "value": 0.61,
        "source": "省级电网因子",
    }
    db.set_value(park_id, 2017, "energy.coke", 9)
    entry = db.history(park_id, key="energy.coke")[0]
    db.remove_year(park_id, 2017)
    assert 2017 not in db.load_park(park_id).years
    db.restore_history(entry.id)  # brings the year back, then the value
    assert db.load_park(park_id).years[2017].values == {"energy.coke": 9}


def test_park_as_of_and_restore_whole_park(db: Database, demo_park: ParkData) -> None:
    park_id = db.replace_park(demo_park)
    time.sleep(0.002)
    moment = db.history(park_id, limit=1)[0].at
    time.sleep(0.002)
    db.set_value(park_id, 2016, "energy.coke", "99,999")
    db.set_value(park_id, None, "park.city", "新城市")
    db.set_factor(park_id, 2018, "factor.grid", 0.5, "自定")
    db.set_section_text(park_id, "ch1", "后来写的正文")
    db.remove_year(park_id, 2020)
    db.add_year(park_id, 2021)
    assert db.park_as_of(park_id, moment) == demo_park
    before_creation = db.park_as_of(park_id, "2000-01-01T00:00:00")
    assert before_creation.park == {} and before_creation.years == {}
    db.restore_park_as_of(park_id, moment)
    assert db.load_park(park_id) == demo_park
    # the restore is in the history too, so it can itself be undone
    after_restore = db.history(park_id, limit=1)[0].at
    assert db.park_as_of(park_id, after_restore) == demo_park


def test_history_filters_by_year_key_and_kind(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2016, 2017])
    db.set_value(park_id, 2016, "energy.coke", 1)
    db.set_value(park_id, 2017, "energy.coke", 2)
    db.set_explanation(park_id, 2017, "energy.coke", "新装置")
    assert [e.new_raw for e in db.history(park_id, year=2017, key="energy.coke")] == ["新装置", 2]
    assert [e.new_raw for e in db.history(park_id, key="energy.coke", kind="value")] == [2, 1]
    assert [(e.kind, e.year) for e in db.history(park_id, kind="year")] == [("year", 2017), ("year", 2016)]
    assert len(db.history(park_id, limit=2)) == 2


def _replayed(db: Database, park_id: int, moment: str) -> ParkData:
    """The park as of ``moment`` by replaying every history row in order (what the index query replaces)."""
    from storage import cells

    state: dict[tuple[str, int | None, str], object] = {}
    for kind, year, key, new_json in db.conn.execute(
        "SELECT kind, year, key, new_raw_json FROM history WHERE park_id = ? AND at <= ? ORDER BY id",
        (park_id, moment),
    ):
        state[(kind, year, key)] = None if new_json is None else cells.decode(new_json)
    form, outline = db.conn.execute("SELECT form, outline FROM parks WHERE id = ?", (park_id,)).fetchone()
    return cells.cells_to_park({c: v for c, v in state.items() if v is not None}, form, outline)


def test_park_as_of_any_moment_equals_a_full_replay(db: Database, demo_park: ParkData) -> None:
    park_id = db.replace_park(demo_park)
    other = db.create_park({"park.name": "乙园区"}, years=[2016])
    moments = [db.history(park_id, limit=1)[0].at]
    steps = [
        lambda: db.set_value(park_id, 2016, "energy.coke", "1"),
        lambda: db.set_value(other, 2016, "energy.coke", "2"),
        lambda: db.remove_year(park_id, 2019),
        lambda: db.set_value(park_id, None, "park.city", "新城市"),
        lambda: db.add_year(park_id, 2019),
        lambda: db.set_value(park_id, 2019, "energy.coke", "3"),
        lambda: db.set_value(park_id, 2016, "energy.coke", None),
        lambda: db.set_value(park_id, 2016, "energy.coke", "4"),
    ]
    for step in steps:
        step()
        moments.append(db.history(park_id, limit=1)[0].at)
    for moment in moments:
        assert db.park_as_of(park_id, moment) == _replayed(db, park_id, moment)
    assert list(db.park_as_of(park_id, moments[-1]).years) == list(db.load_park(park_id).years)
    assert db.park_as_of(park_id, moments[-1]) == db.load_park(park_id)
