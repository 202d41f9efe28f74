"""Years filled against different form versions: a year moved from eip-2021 to eip-2026, nothing lost."""

from __future__ import annotations

import pytest

from forms.park.parkfile import dumps, loads
from storage import Database, InvalidDataError


def test_move_a_year_to_eip_2026_and_back(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"}, years=[2019, 2020])
    db.set_value(park_id, 2020, "energy.coke", "1,200")
    with pytest.raises(InvalidDataError, match=r"pollutant\.so2"):
        db.set_value(park_id, 2020, "pollutant.so2", 10)  # not a row of eip-2021
    before = len(db.history(park_id))
    db.move_year_form(park_id, 2020, "eip-2026")
    assert len(db.history(park_id)) == before + 1  # one history entry
    db.set_value(park_id, 2020, "pollutant.so2", "12.5")
    park = db.load_park(park_id)
    assert park.form == "eip-2021" and park.years[2020].form == "eip-2026" and park.years[2019].form == "eip-2021"
    assert park.years[2020].values == {"energy.coke": "1,200", "pollutant.so2": "12.5"}
    with pytest.raises(InvalidDataError, match=r"pollutant\.so2"):
        db.set_value(park_id, 2019, "pollutant.so2", 1)
    with pytest.raises(InvalidDataError, match="不能改按"):
        db.move_year_form(park_id, 2020, "eip-2021")  # the pollutant value would have no place
    assert db.load_park(park_id).years[2020].form == "eip-2026"
    db.set_value(park_id, 2020, "pollutant.so2", None)
    db.move_year_form(park_id, 2020, "eip-2021")
    assert db.load_park(park_id).years[2020].form == "eip-2021"
    assert db.load_park(park_id).years[2020].values == {"energy.coke": "1,200"}


def test_a_park_file_with_mixed_versions_round_trips_through_the_database(db: Database) -> None:
    park_id = db.create_park({"park.name": "乙园区"}, years=[2020, 2021])
    db.move_year_form(park_id, 2021, "eip-2026")
    db.set_value(park_id, 2021, "pollutant.nox", 30)
    text = dumps(db.load_park(park_id))
    again = db.replace_park(loads(text))
    assert dumps(db.load_park(again)) == text


def test_targets_are_stored_with_history_and_survive_reopen(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    park_id = db.create_park({"park.name": "丙园区"}, years=[2020])
    target = {"indicator": "emissions.total", "year": 2030, "kind": "peak", "source": "园区碳达峰实施方案"}
    db.set_targets(park_id, [target])
    assert db.load_park(park_id).targets == [target]
    assert db.load_park(park_id).report.extra == {}
    db.set_targets(park_id, [])
    assert db.load_park(park_id).targets == []
    entries = db.history(park_id)
    assert [e.new_raw for e in entries[:2]] == [None, [target]]
    db.restore_history(entries[1].id)
    assert db.load_park(park_id).targets == [target]
    again = loads(dumps(db.load_park(park_id)))
    assert again.targets == [target]
