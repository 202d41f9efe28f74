"""A real spreadsheet program recalculates the workbook and gets the app's numbers.

LibreOffice (headless) converts the exported workbook to xlsx with "recalculate on load: always" set in a
private profile; the workbook is written WITHOUT cached values, so every number read back was computed by
LibreOffice from the formulas.  Every computed cell must match ``compute_park`` (relative difference ≤ 1e-9).
"""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

import export.xlsx.workbook as xlsx_module
from export.xlsx.layout import FACTOR_SHEET, SUMMARY_SHEET, plan_year_sheet
from export.xlsx.reader import read_workbook
from export.xlsx.workbook import write_workbook
from forms.park.model import ParkData
from forms.park.parkfile import park_to_json
from forms.table.calc import compute_park
from forms.table.registry import form_for
from tests.export.xlsx_support import convert, demo_park, rich_park, soffice

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) 未安装：跳过由电子表格程序重新计算的检验"),
]

FORM = form_for("eip-2021")
PLAN = plan_year_sheet(FORM)

_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def _profile(tmp_path: Path) -> Path:
    profile = tmp_path / "lo-profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS, encoding="utf-8")
    return profile


def _recalculated(park: ParkData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(xlsx_module, "inject_cached_values", lambda data, sheets, cached: data)
    src = write_workbook(park, tmp_path / "uncached.xlsx")
    return convert(src, "xlsx", tmp_path / "out", _profile(tmp_path))


def _same(got: object, expected: float | None) -> bool:
    if expected is None:
        return got == "—"
    if not isinstance(got, (int, float)):
        return False
    return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9)


@pytest.mark.parametrize("make", [demo_park, rich_park], ids=["demo", "rich"])
def test_libreoffice_recalculation_matches_calc(make, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    park = make()
    result = compute_park(park)
    out = _recalculated(park, tmp_path, monkeypatch)
    wb = openpyxl.load_workbook(out, data_only=True)
    wrong: list[str] = []
    checked = 0
    for year, yres in result.years.items():
        ws = wb[f"{year}年"]
        for key, expected in yres.computed.items():
            got = ws[PLAN.cell_of[key]].value
            checked += 1
            if not _same(got, expected):
                wrong.append(f"{year} {key}: LibreOffice {got!r}, calc {expected!r}")
    assert checked == len(result.years) * sum(1 for f in FORM.fields if f.is_computed)
    # the 小计 lines of the definition
    for year, yres in result.years.items():
        ws = wb[f"{year}年"]
        for _, sub in FORM.subtotals():
            for column in sub.cells:
                got = ws[PLAN.subtotal_cells[(sub.id, column)]].value
                checked += 1
                if not _same(got, yres.subtotal(sub.id, column)):
                    wrong.append(
                        f"{year} {sub.label} {column}: LibreOffice {got!r}, calc {yres.subtotal(sub.id, column)!r}"
                    )
    # the summary sheet: series, year-on-year, trend metrics
    ws = wb[SUMMARY_SHEET]
    rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    years = sorted(result.years)
    for key in ("emissions.total", "energy.total_tce", "intensity.co2_per_iva", "share.power"):
        r = rows[FORM.field(key).label]
        for i, y in enumerate(years):
            if not _same(ws.cell(r, 3 + i).value, result.years[y].computed[key]):
                wrong.append(f"汇总 {key} {y}: {ws.cell(r, 3 + i).value!r}")
    for key in FORM.yoy_keys:
        r = rows[FORM.field(key).label + "同比变化"]
        series = result.trend[f"trend.{key}.yoy"]
        for i, y in enumerate(years[1:], start=1):
            if not _same(ws.cell(r, 3 + i).value, series[str(y)]):  # type: ignore[index]
                wrong.append(f"汇总 {key} 同比 {y}: {ws.cell(r, 3 + i).value!r} vs {series[str(y)]!r}")  # type: ignore[index]
    metrics = {m.key: rows[m.label] for m in FORM.trend_metrics}
    last = 3 + len(years) - 1
    avg = result.trend["trend.co2_per_iva.avg_reduction"]
    if not _same(ws.cell(metrics["trend.co2_per_iva.avg_reduction"], last).value, avg):  # type: ignore[arg-type]
        wrong.append("年均削减率")
    elasticity = result.trend["trend.energy_elasticity"]
    for i, y in enumerate(years[1:], start=1):
        if not _same(ws.cell(metrics["trend.energy_elasticity"], 3 + i).value, elasticity[str(y)]):  # type: ignore[index]
            wrong.append(f"弹性系数 {y}")
    assert ws.cell(metrics["trend.peak_year"], last).value == result.trend["trend.peak_year"]
    # the factor sheet mirrors the year sheets
    fs = wb[FACTOR_SHEET]
    for row in fs.iter_rows(min_row=4):
        if isinstance(row[0].value, int):
            key = next(k for k in FORM.factor_keys if FORM.field(k).label == row[2].value)
            expected = result.years[row[0].value].factors[key].value
            got = row[4].value
            if not ((expected is None and got in ("", None)) or _same(got, expected)):
                wrong.append(f"排放因子 {row[0].value} {key}: {got!r}")
    # no spreadsheet error anywhere
    for sheet in wb.worksheets:
        for line in sheet.iter_rows(values_only=True):
            for value in line:
                if isinstance(value, str) and value.startswith("#") and value.endswith(("!", "?", "A")):
                    wrong.append(f"{sheet.title}: {value}")
    assert not wrong, "\n".join(wrong[:40])


def test_a_workbook_saved_by_libreoffice_imports_unchanged(tmp_path: Path) -> None:
    park = rich_park()
    src = write_workbook(park, tmp_path / "rich.xlsx")
    out = convert(src, "xlsx", tmp_path / "out", _profile(tmp_path))
    result = read_workbook(out)
    assert result.ok, [r.text() for r in result.rejected]
    got, want = park_to_json(result.park), park_to_json(park)
    got.pop("report")
    want.pop("report")
    assert got == want
    # user text that looks like a formula is still text after LibreOffice saved it
    ws = openpyxl.load_workbook(out)["2017年"]
    assert ws[PLAN.cell_of["basic.leading_industries"]].data_type == "s"
