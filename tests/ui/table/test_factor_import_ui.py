"""Importing a grid factor table: malformed tables are refused naming row and column, nothing changes;
a valid one is used by unlocked years at once and offered to locked years."""

from __future__ import annotations

import csv
import hashlib
import io
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest

import forms.table.factors as factors
from forms.park.parkfile import read_park_file
from forms.resources import resources_dir
from forms.table.factor_import import FactorTableError, check_grid_table
from storage import Database
from tests.ui.conftest import demo_park_path

SHIPPED = (resources_dir() / "factors" / "grid_factors.csv").read_text(encoding="utf-8")


def edited(change: Any) -> str:
    rows = list(csv.reader(io.StringIO(SHIPPED, newline="")))
    change(rows)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def _row(rows: list[list[str]], region: str, year: str) -> int:
    return next(i for i, r in enumerate(rows) if r[0] == region and r[1] == year)


def set_cell(region: str, year: str, column: int, value: str) -> Any:
    def change(rows: list[list[str]]) -> None:
        rows[_row(rows, region, year)][column] = value

    return change


def drop_column(name: str) -> Any:
    def change(rows: list[list[str]]) -> None:
        i = rows[0].index(name)
        for r in rows:
            del r[i]

    return change


def duplicate(region: str, year: str) -> Any:
    def change(rows: list[list[str]]) -> None:
        rows.append(list(rows[_row(rows, region, year)]))

    return change


@pytest.fixture(autouse=True)
def _shipped_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factors, "_imported_grid", None)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (drop_column("citation"), "第 1 行（表头）缺少“citation”列（出处）"),
        (set_cell("华东区域", "2023", 2, "零点五五"),
         "第 {row} 行“factor_tCO2_per_MWh”列（因子值）：“零点五五”不是数字"),
        (set_cell("华东区域", "2023", 0, "江南区域"), "第 {row} 行“region_or_scope”列（区域或范围）：未知的区域或省份“江南区域”"),
        (duplicate("华东区域", "2023"), "第 {last} 行与第 {row} 行重复"),
        (set_cell("华东区域", "2023", 1, "二〇二三"), "第 {row} 行“year”列（年份）：“二〇二三”不是四位数字年份"),
    ],
)  # fmt: skip
def test_malformed_table_names_row_and_column(change: Any, expected: str) -> None:
    rows = list(csv.reader(io.StringIO(SHIPPED, newline="")))
    row = _row(rows, "华东区域", "2023") + 1  # 1-based, the header is row 1
    text = edited(change)
    last = len(list(csv.reader(io.StringIO(text, newline=""))))
    with pytest.raises(FactorTableError) as exc:
        check_grid_table(text)
    assert any(p.startswith(expected.format(row=row, last=last)) for p in exc.value.problems), exc.value.problems
    assert "未导入（没有任何改动）" in str(exc.value)


@pytest.fixture
def db_2023(db_path: Path) -> Any:
    park = read_park_file(demo_park_path())
    park.years[2023] = deepcopy(park.years[2020])
    park.years[2024] = deepcopy(park.years[2020])
    db = Database.open(db_path)
    park_id = db.replace_park(park)
    yield db, park_id, db_path
    db.close()


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bad_import_changes_nothing_and_a_good_one_is_offered(
    db_2023: Any, open_window: Any, tmp_path: Path, qtbot: Any
) -> None:
    from forms.table.locks import REASON_FINAL

    db, park_id, db_path = db_2023
    window = open_window(db, park_id)
    window.session.lock_years(REASON_FINAL)
    filed = window.session.result(2023).computed["emissions.total"]
    window.session.park.years[2024].locked_factors = None  # 2024 unlocked (as if added after filing)
    db.set_factor_lock(park_id, 2024, None)
    before_2024 = window.session.result(2024).computed["emissions.total"]
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    checksum = _checksum(db_path)

    for n, change in enumerate([drop_column("kind"), set_cell("华东区域", "2023", 2, "abc"),
                                set_cell("华东区域", "2023", 0, "火星区域"), duplicate("华北区域", "2022")]):  # fmt: skip
        bad = tmp_path / f"bad{n}.csv"
        bad.write_text(edited(change), encoding="utf-8")
        message = window.import_factor_table(str(bad))
        assert message.startswith("因子表有错误，未导入") and "第 " in message and "行" in message
        assert window.factor_message.text() == message
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert _checksum(db_path) == checksum
    assert not window.factor_table_folder().exists()
    assert window.session.result(2023).computed["emissions.total"] == filed

    good = tmp_path / "2023年电力因子(修订).csv"
    good.write_text(edited(set_cell("华东区域", "2023", 2, "0.5000")), encoding="utf-8")
    assert window.import_factor_table(str(good)) == ""
    assert window.session.result(2023).computed["emissions.total"] == filed  # locked
    assert window.session.result(2024).computed["emissions.total"] < before_2024  # unlocked: follows
    dialog = window.factor_update_dialog
    assert [d.year for d in dialog.diffs] == [2023]
    assert "修订" in dialog.diffs[0].new_lock["library"]
    dialog.set_checked(2023)
    dialog.accept()
    assert window.session.result(2023).computed["emissions.total"] < filed
    window.undo_stack.undo()
    assert window.session.result(2023).computed["emissions.total"] == filed
    window.close()
    # the imported table stays in use for this database
    factors.use_grid_table(None)
    again = open_window(db, park_id)
    assert again.session.result(2024).computed["emissions.total"] < before_2024
