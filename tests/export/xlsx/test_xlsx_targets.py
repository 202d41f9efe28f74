"""Issue 14 item 5: the workbook round-trips the 目标 sheet and each year's own form version.

A park whose years 2019–2020 were moved from eip-2021 to eip-2026: those sheets carry sections I (减污降碳)
and J (零碳园区) with live formulas, the others do not; the 目标 sheet shows every target with the core's
evaluation; exporting, then importing into a fresh database gives back the identical park."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from export.cli import run_import_workbook
from export.xlsx.layout import META_SHEET, SUMMARY_SHEET, TARGET_SHEET, plan_year_sheet
from export.xlsx.reader import read_workbook
from export.xlsx.targets_sheet import LETTER
from export.xlsx.workbook import write_workbook
from forms.park.model import ParkData
from forms.park.parkfile import park_to_json
from forms.table.calc import compute_park
from forms.table.registry import form_for
from forms.table.targets import KINDS, evaluate_targets
from storage import Database
from tests.export.xlsx_support import MIXED_TARGETS, mixed_park

OLD, NEW = form_for("eip-2021"), form_for("eip-2026")
NEW_SECTIONS = ("八、减污降碳", "九、零碳园区指标")


def _stored(park: ParkData) -> dict:
    doc = park_to_json(park)
    doc.pop("report")
    return doc


def _first_column(ws) -> list[object]:  # type: ignore[no-untyped-def]
    return [c.value for c in ws["A"]]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(mixed_park(), tmp_path_factory.mktemp("wb") / "mixed.xlsx")


def test_each_year_sheet_follows_its_own_form_version(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    park = mixed_park()
    for year in (2016, 2017, 2018):
        assert not set(NEW_SECTIONS) & set(_first_column(wb[f"{year}年"])), year
    plan = plan_year_sheet(NEW)
    for year in (2019, 2020):
        ws = wb[f"{year}年"]
        assert set(NEW_SECTIONS) <= set(_first_column(ws)), year
        for key in ("intensity.so2_per_iva", "zero.energy_co2", "zero.co2_per_energy", "zero.threshold", "zero.meets"):
            assert str(ws[plan.cell_of[key]].value).startswith("="), (year, key)
        for key, raw in park.years[year].values.items():
            if key.startswith(("pollutant.", "zero.")) and raw not in ("", None):
                got = ws[plan.cell_of[key]].value
                assert got == (float(raw) if isinstance(raw, str) and key != "pollutant.source" else raw), key
    meta = {(r[0], r[1]): r for r in wb[META_SHEET].iter_rows(values_only=True) if r[0] == "year"}
    assert [meta[("year", str(y))][3] for y in range(2016, 2021)] == ["eip-2021"] * 3 + ["eip-2026"] * 2
    # the summary refers to each year's own cells
    summary = openpyxl.load_workbook(book)[SUMMARY_SHEET]
    refs = [str(c.value) for row in summary.iter_rows() for c in row if str(c.value).startswith("='2020年'!")]
    emissions = plan_year_sheet(NEW).cell_of["emissions.total"]
    assert f"='2020年'!{emissions}" in refs


def test_the_target_sheet_shows_every_target_with_the_evaluation(book: Path) -> None:
    park = mixed_park()
    evaluated = evaluate_targets(park.targets, compute_park(park))
    assert [e.status for e in evaluated] == ["达成", "未达成", "达成", "待评估", "未达成"]  # the fixture's spread
    ws = openpyxl.load_workbook(book)[TARGET_SHEET]
    header = [c.value for c in ws[3]][:13]
    assert header == ["序号", "指标", "单位", "目标类型", "目标年份", "基准年", "目标值", "提出年份", "来源",
                      "未达成的说明", "评估", "实际值", "差距"]  # fmt: skip
    for r, (target, ev) in enumerate(zip(park.targets, evaluated, strict=True), start=4):
        row = [c.value for c in ws[r]][: len(header)]
        form = NEW if target["indicator"] in NEW and target["indicator"] not in OLD else OLD
        field = form.field(target["indicator"])
        assert row[0] == r - 3
        assert row[1] == field.label
        assert row[2] == ("%" if target["kind"] == "reduction" else field.unit)
        assert row[3] == KINDS[target["kind"]]
        assert row[4:8] == [target.get(k) for k in ("year", "base_year", "value", "set_in")]
        assert row[8] == (target.get("source") or None)
        assert row[9] == (target.get("explanation") or None)
        assert row[10] == ev.status
        assert row[11] == ("—" if ev.actual is None else pytest.approx(ev.actual))
        assert row[12] == ("—" if ev.gap is None else pytest.approx(ev.gap))
    assert ws[f"{LETTER['explanation']}6"].data_type == "s"  # "=脱硫…" stays text, never a formula
    assert ws[f"{LETTER['value']}4"].protection.locked is False and ws["K4"].protection.locked is True


def test_export_then_import_into_a_fresh_database_gives_the_identical_park(book: Path, tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    assert run_import_workbook(book, db) == 0
    with Database.open(db, read_only=True) as database:
        (summary,) = database.list_parks()
        got = database.load_park(summary.id)
    want = mixed_park()
    assert got.targets == MIXED_TARGETS  # exactly as stored: 18 stays an int, "" stays, absent keys stay absent
    assert {y: d.form for y, d in got.years.items()} == {y: d.form for y, d in want.years.items()}
    assert got.years[2019].values["pollutant.nox"] == "800" and got.years[2020].values["pollutant.pm"] == ""
    assert _stored(got) == _stored(want)
    # and the calculation of the imported park is the same, I/J included
    assert compute_park(got).to_json() == compute_park(want).to_json()


def test_targets_edited_in_the_workbook_are_read_and_checked(book: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb[TARGET_SHEET]
    ws[f"{LETTER['value']}4"] = 25  # a changed value
    ws[f"{LETTER['source']}5"] = "园区“十四五”规划"
    r = 4 + len(MIXED_TARGETS)  # a new target typed in a spare row, by its label and kind in words
    ws[f"{LETTER['indicator']}{r}"] = NEW.field("zero.clean_energy_share").label
    ws[f"{LETTER['kind']}{r}"] = KINDS["min"]
    ws[f"{LETTER['year']}{r}"] = "2025"
    ws[f"{LETTER['value']}{r}"] = "90"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    result = read_workbook(edited)
    assert result.ok, [x.text() for x in result.rejected]
    targets = result.park.targets
    assert targets[0]["value"] == 25 and targets[1]["source"] == "园区“十四五”规划"
    assert targets[2:5] == MIXED_TARGETS[2:5]
    assert targets[5] == {"indicator": "zero.clean_energy_share", "kind": "min", "year": 2025, "value": 90}
    # an unknown indicator or a base year after the target year is refused, naming the sheet and row
    ws[f"{LETTER['indicator']}{r}"] = "不存在的指标"
    ws[f"{LETTER['base_year']}4"] = 2021
    wb.save(edited)
    result = read_workbook(edited)
    texts = [x.text() for x in result.rejected]
    assert any(t.startswith(f"{TARGET_SHEET}!A{r}") and "不存在的指标" in t for t in texts), texts
    assert any(t.startswith(f"{TARGET_SHEET}!A4") and "基准年 2021 应早于目标年份 2020" in t for t in texts), texts
    db = tmp_path / "p.db"
    assert run_import_workbook(edited, db) == 2
    assert not db.exists() or not Database.open(db, read_only=True).list_parks()


def test_a_template_keeps_the_parks_targets_and_a_deleted_target_is_deleted(book: Path, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    assert run_import_workbook(book, db) == 0
    template = write_workbook(mixed_park(), tmp_path / "template.xlsx", template=True)
    assert openpyxl.load_workbook(template)[TARGET_SHEET]["B4"].value is None
    assert run_import_workbook(template, db) == 0
    with Database.open(db, read_only=True) as database:
        park = database.load_park(database.list_parks()[0].id)
    assert park.targets == MIXED_TARGETS  # the blank template's empty 目标 sheet does not wipe them
    assert {y: d.form for y, d in park.years.items()}[2019] == "eip-2026"  # the template keeps each year's form
    assert _stored(park) == _stored(mixed_park())  # nor do the years it left empty: the park as it was
    wb = openpyxl.load_workbook(book)
    ws = wb[TARGET_SHEET]
    ws.delete_rows(5)
    edited = tmp_path / "deleted.xlsx"
    wb.save(edited)
    assert run_import_workbook(edited, db) == 0
    with Database.open(db, read_only=True) as database:
        park = database.load_park(database.list_parks()[0].id)
    assert park.targets == [MIXED_TARGETS[0], *MIXED_TARGETS[2:]]
