"""Lock 2023, ship a grid table where 2023 differs, reopen: totals unchanged, the difference offered,
confirming applies it (one history entry) and undo restores it."""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest

import forms.table.factors as factors
from forms.park.parkfile import read_park_file
from storage import Database
from tests.forms.table.test_factor_locks import changed_library
from tests.ui.conftest import demo_park_path


@pytest.fixture
def db_2023(db_path: Path) -> Any:
    park = read_park_file(demo_park_path())
    park.years[2023] = deepcopy(park.years[2020])
    db = Database.open(db_path)
    park_id = db.replace_park(park)
    yield db, park_id
    db.close()


def test_new_library_offers_the_change_and_undo_restores_the_lock(
    db_2023: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from forms.table.locks import REASON_FINAL

    db, park_id = db_2023
    window = open_window(db, park_id)
    assert window.check_locked_factors() == []  # nothing locked yet
    assert window.session.lock_years(REASON_FINAL).results == frozenset({2016, 2017, 2018, 2019, 2020, 2023})
    filed = window.session.result(2023).computed["emissions.total"]
    lock = db.load_park(park_id).years[2023].locked_factors
    assert lock["factors"]["factor.grid"]["value"] == 0.55
    window.close()

    # a program update ships a grid table in which 华东区域 2023 is 0.5000
    resources = tmp_path / "resources"
    resources.mkdir()
    changed_library(resources, "0.5000")
    monkeypatch.setattr(factors, "resources_dir", lambda: resources)
    assert factors.library_version().version == "2027.1.1"

    window = open_window(db, park_id)
    assert window.session.result(2023).computed["emissions.total"] == filed  # unchanged
    qtbot.waitUntil(lambda: window.factor_update_dialog is not None, timeout=5000)
    dialog = window.factor_update_dialog
    assert [d.year for d in dialog.diffs] == [2023]  # 2016–2020 use the 2012 factors: no difference
    assert dialog.table.item(0, 2).text() != dialog.table.item(0, 3).text()
    assert "0.55 → 0.5" in dialog.table.item(0, 4).text()
    new_total = dialog.diffs[0].new_total
    assert new_total is not None and new_total < filed
    history_before = len(db.history(park_id, year=2023, key=""))
    dialog.set_checked(2023)
    dialog.accept()
    assert window.session.result(2023).computed["emissions.total"] == new_total
    assert db.load_park(park_id).years[2023].locked_factors["factors"]["factor.grid"]["value"] == 0.5
    assert len(db.history(park_id, year=2023, key="")) == history_before + 1
    window.undo_stack.undo()
    assert window.session.result(2023).computed["emissions.total"] == filed
    assert db.load_park(park_id).years[2023].locked_factors == lock


def test_declining_keeps_the_locked_factors(
    db_2023: Any, open_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: Any
) -> None:
    from forms.table.locks import REASON_EXPORT

    db, park_id = db_2023
    window = open_window(db, park_id)
    window.session.lock_years(REASON_EXPORT)
    filed = window.session.result(2023).computed["emissions.total"]
    window.close()
    resources = tmp_path / "resources"
    resources.mkdir()
    changed_library(resources, "0.6000")
    monkeypatch.setattr(factors, "resources_dir", lambda: resources)
    window = open_window(db, park_id)
    qtbot.waitUntil(lambda: window.factor_update_dialog is not None, timeout=5000)
    window.factor_update_dialog.reject()
    assert window.session.result(2023).computed["emissions.total"] == filed
    assert db.load_park(park_id).years[2023].locked_factors["reason"] == "报送导出"
