"""The eip-2026 workbook: LibreOffice recalculates the 减污降碳 and 零碳园区 cells to calc's values, and the
workbook imports back unchanged (blank pollutants stay "not reported")."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

import export.xlsx.workbook as xlsx_module
from export.xlsx.layout import SUMMARY_SHEET, plan_year_sheet
from export.xlsx.reader import read_workbook
from export.xlsx.workbook import write_workbook
from forms.park.model import ParkData
from forms.park.parkfile import park_from_json, park_to_json
from forms.table.calc import compute_park
from forms.table.registry import form_for
from forms.table.trend import synergy_keys
from tests.export.xlsx.test_xlsx_recalc import _profile
from tests.export.xlsx_support import convert, mixed_park, soffice
from tests.forms.table.test_eip2026 import _doc


def _park() -> ParkData:
    doc = _doc()
    doc["years"]["2018"]["values"]["power.green_purchased"] = 1000
    doc["years"]["2019"]["values"]["zero.clean_energy_share"] = 35.5
    return park_from_json(doc)


def test_eip2026_workbook_imports_back_unchanged(tmp_path: Path) -> None:
    park = _park()
    src = write_workbook(park, tmp_path / "p.xlsx")
    result = read_workbook(src)
    assert result.ok, [r.text() for r in result.rejected]
    got, want = park_to_json(result.park), park_to_json(park)
    got.pop("report")
    want.pop("report")
    assert got == want  # a blank typed as "" is a blank cell, read back as the "" it was
    ws = openpyxl.load_workbook(src)["2019年"]
    plan = plan_year_sheet(compute_park(park).form)
    assert str(ws[plan.cell_of["zero.meets"]].value).startswith("=")
    assert ws[plan.cell_of["zero.meets"]].number_format == '"是";"是";"否"'


@pytest.mark.slow
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) 未安装：跳过由电子表格程序重新计算的检验")
@pytest.mark.parametrize("make", [_park, mixed_park], ids=["eip-2026", "mixed"])
def test_libreoffice_recalculates_the_new_sections(make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Every computed cell of the new sections (all computed cells, for the park whose years 2019–2020 were
    moved to eip-2026: each year sheet laid out by its own version) and the 汇总 sheet's 减污降碳 rows equal
    calc after LibreOffice recalculates."""
    park = make()
    mixed = len({y.form for y in park.years.values()}) > 1
    result = compute_park(park)
    monkeypatch.setattr(xlsx_module, "inject_cached_values", lambda data, sheets, cached: data)
    src = write_workbook(park, tmp_path / "uncached.xlsx")
    out = convert(src, "xlsx", tmp_path / "out", _profile(tmp_path))
    wb = openpyxl.load_workbook(out, data_only=True)
    wrong = []
    checked = 0
    for year, yres in result.years.items():
        ws = wb[f"{year}年"]
        plan = plan_year_sheet(result.form_of(year))
        for key, expected in yres.computed.items():
            if not mixed and not key.startswith(("zero.", "intensity.")):
                continue
            got = ws[plan.cell_of[key]].value
            checked += 1
            if expected is None:
                ok = got == "—"
            else:
                ok = isinstance(got, int | float) and math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)
            if not ok:
                wrong.append(f"{year} {key}: LibreOffice {got!r}, calc {expected!r}")
    if mixed:
        per_year = {y: sum(1 for f in result.form_of(y).fields if f.is_computed) for y in result.years}
        assert checked == sum(per_year.values()) and per_year[2020] > per_year[2018]
        new_keys = [k for k in result.years[2020].computed if k.startswith(("zero.", "pollutant", "intensity.so2"))]
        assert len(new_keys) >= 4 and not any(k in result.years[2018].computed for k in new_keys)
    else:
        assert checked >= 5 * 14
    # the 汇总 sheet's 减污降碳 rows: each pollutant's yoy change, cross elasticity and type, as calc prints them
    ws = wb[SUMMARY_SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    years = sorted(result.years)
    tracked = form_for("eip-2026")
    for key in tracked.pollutant_keys:
        label = tracked.field(key).label
        name = label.removesuffix("排放量")
        for row_label, trend_key in zip((f"{label}同比变化", f"{name}协同控制交叉弹性", f"{name}协同效应类型"),
                                        synergy_keys(key), strict=True):  # fmt: skip
            series = result.trend[trend_key]
            for i, y in enumerate(years):
                got = ws.cell(rows[row_label], 3 + i).value
                expected = series.get(str(y)) if i else None  # type: ignore[union-attr]
                checked += 1
                if expected is None or isinstance(expected, str):
                    ok = got == (expected or "—")
                else:
                    ok = isinstance(got, int | float) and math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)
                if not ok:
                    wrong.append(f"汇总 {row_label} {y}: LibreOffice {got!r}, calc {expected!r}")
    for sheet in wb.worksheets:  # no spreadsheet error anywhere
        for line in sheet.iter_rows(values_only=True):
            wrong += [
                f"{sheet.title}: {v}" for v in line if isinstance(v, str) and v.startswith("#") and v[-1] in "!?A"
            ]
    assert not wrong, "\n".join(wrong)
