"""The exported workbook, read back with openpyxl: layout from the definition, live formulas with the
app's numbers cached, protection, print setup, factor and summary sheets, template, formula injection."""

from __future__ import annotations

import math
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from export.xlsx.layout import (
    FACTOR_SHEET,
    META_SHEET,
    SUMMARY_SHEET,
    TARGET_SHEET,
    TableColumns,
    decode_tags,
    plan_year_sheet,
)
from export.xlsx.workbook import template_park, write_workbook
from forms.park.model import ParkData
from forms.report.typography import chinese_punctuation
from forms.table.calc import compute_park
from forms.table.definition import FormDefinition
from forms.table.factors import USER_VALUE, printed_grade
from forms.table.registry import form_for
from forms.table.validate import WARNING, validate_park
from tests.export.xlsx_support import demo_park, rich_park

FORM: FormDefinition = form_for("eip-2021")
PLAN = plan_year_sheet(FORM)


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(demo_park(), tmp_path_factory.mktemp("xlsx") / "demo.xlsx")


@pytest.fixture(scope="module")
def rich_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(rich_park(), tmp_path_factory.mktemp("xlsx") / "rich.xlsx")


def _close(a: object, b: float) -> bool:
    return isinstance(a, (int, float)) and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def test_sheets_and_meta(demo_book: Path) -> None:
    wb = openpyxl.load_workbook(demo_book)
    assert wb.sheetnames == ["2016年", "2017年", "2018年", "2019年", "2020年", SUMMARY_SHEET, FACTOR_SHEET, TARGET_SHEET,
                             META_SHEET]  # fmt: skip
    assert wb[META_SHEET].sheet_state == "hidden"
    meta = {row[0]: row[1] for row in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta["format"] == "parkcarbon-workbook/1"
    assert meta["form"] == "eip-2021"
    assert meta["park"] == "示例生态工业示范园区"
    assert wb.calculation.fullCalcOnLoad is True


def test_every_placed_key_sits_where_the_plan_says_and_is_tagged(demo_book: Path) -> None:
    wb = openpyxl.load_workbook(demo_book)
    ws = wb["2017年"]
    cols = TableColumns.of(FORM)
    tagged: dict[str, str] = {}
    for cell in ws[cols.key_letter]:
        for tag in decode_tags(cell.value):
            tagged[tag.key] = f"{tag.column}{cell.row}"
    for section in FORM.sections:
        for row in section.rows:
            for key in row.cells.values():
                f = FORM.field(key)
                ref = PLAN.cell_of[key]
                if f.is_computed:
                    assert str(ws[ref].value).startswith("="), key
                elif f.group != "park":  # the profile is read from the first year sheet only
                    assert tagged[key] == ref, key
    assert ws.column_dimensions[cols.key_letter].hidden is True
    # the column header row carries the definition's columns between 序号/指标/单位 and 数据来源
    header = [c.value for c in ws[PLAN.header_row]][: len(cols.labels)]
    assert header == ["序号", "指标", "单位", *(c.label for c in FORM.columns), "数据来源"]


def test_row_labels_and_units_come_from_the_definition(demo_book: Path) -> None:
    ws = openpyxl.load_workbook(demo_book)["2016年"]
    for line in PLAN.lines:
        if line.kind == "row" and line.table_row is not None:
            assert ws.cell(line.row, 2).value == line.table_row.label
            assert (ws.cell(line.row, 3).value or "") == line.table_row.unit
        if line.kind == "section":
            assert ws.cell(line.row, 1).value == line.text


def test_computed_cells_are_formulas_with_the_apps_values_cached(demo_book: Path) -> None:
    formulas = openpyxl.load_workbook(demo_book)
    values = openpyxl.load_workbook(demo_book, data_only=True)
    result = compute_park(demo_park())
    for year, yres in result.years.items():
        for key, expected in yres.computed.items():
            ref = PLAN.cell_of[key]
            assert formulas[f"{year}年"][ref].data_type == "f", (year, key)
            got = values[f"{year}年"][ref].value
            if expected is None:
                assert got == "—", (year, key)
            else:
                assert _close(got, expected), (year, key, got, expected)


def test_formula_references_the_input_cells(demo_book: Path) -> None:
    ws = openpyxl.load_workbook(demo_book)["2016年"]
    key = "energy.raw_coal.tce"
    text = ws[PLAN.cell_of[key]].value
    assert text == f"={PLAN.cell_of['energy.raw_coal']}*{PLAN.cell_of['factor.tce.raw_coal']}"
    # a ratio times 100: the "—" test wraps the whole formula, so no text ever meets an operator
    share = ws[PLAN.cell_of["share.power"]].value
    total = PLAN.cell_of["emissions.total"]
    assert share.startswith(f'=IF(N({total})=0,"—",')
    assert share.endswith("*100)")


def test_inputs_keep_their_numbers_and_styles(demo_book: Path) -> None:
    wb = openpyxl.load_workbook(demo_book)
    ws = wb["2016年"]
    park = demo_park()
    for key, raw in park.years[2016].values.items():
        cell = ws[PLAN.cell_of[key]]
        assert cell.value == raw, key
        assert cell.protection.locked is False, key
    gdp = ws[PLAN.cell_of["basic.gdp"]]
    assert gdp.number_format == "#,##0.00"
    assert ws[PLAN.cell_of["basic.enterprises_above_scale"]].number_format == "#,##0"
    assert ws[PLAN.cell_of["factor.tce.heat"]].number_format == "#,##0.00000"
    assert ws[PLAN.cell_of["emissions.total"]].protection.locked is True
    assert ws.protection.sheet is True
    assert ws.protection.password is None


def test_print_setup_and_frozen_panes(demo_book: Path) -> None:
    ws = openpyxl.load_workbook(demo_book)["2018年"]
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == "9"  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${PLAN.header_row}:${PLAN.header_row}"
    assert ws.freeze_panes == f"D{PLAN.header_row + 1}"
    assert "示例生态工业示范园区" in ws.oddFooter.left.text and "2018" in ws.oddFooter.left.text
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    title = ws["A1"].value
    assert "示例生态工业示范园区" in title and "2018" in title and FORM.title in title
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)


def test_profile_is_typed_once_and_referenced_by_later_years(demo_book: Path) -> None:
    wb = openpyxl.load_workbook(demo_book)
    ref = PLAN.cell_of["park.name"]
    assert wb["2016年"][ref].value == "示例生态工业示范园区"
    assert wb["2016年"][ref].protection.locked is False
    assert wb["2019年"][ref].value == f"='2016年'!{ref}"
    assert openpyxl.load_workbook(demo_book, data_only=True)["2019年"][ref].value == "示例生态工业示范园区"


def test_note_and_warning_explanations_on_the_year_sheet(rich_book: Path) -> None:
    park = rich_park()
    ws = openpyxl.load_workbook(rich_book)["2018年"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert park.years[2018].meta["meta.note"] in texts
    warnings = [f for f in validate_park(park) if f.year == 2018 and f.level == WARNING]
    assert warnings
    for finding in warnings:
        assert finding.message in texts
    assert park.years[2018].explanations["energy.raw_coal"] in texts
    assert park.years[2018].explanations["emissions.total"] in texts  # kept even without a current warning


def test_factor_sheet_lists_every_factor_of_every_year(rich_book: Path) -> None:
    wb = openpyxl.load_workbook(rich_book)
    values = openpyxl.load_workbook(rich_book, data_only=True)[FACTOR_SHEET]
    ws = wb[FACTOR_SHEET]
    result = compute_park(rich_park())
    rows = {}
    for row in ws.iter_rows(min_row=4):
        if isinstance(row[0].value, int):
            rows[(row[0].value, row[2].value)] = row
    assert len(rows) == 5 * len(FORM.factor_keys)
    for year, yres in result.years.items():
        for key in FORM.factor_keys:
            f = FORM.field(key)
            row = rows[(year, f.label)]
            fv = yres.factors[key]
            assert row[3].value == f.unit
            assert row[4].value == f"=IF(ISBLANK('{year}年'!{PLAN.cell_of[key]}),\"\",'{year}年'!{PLAN.cell_of[key]})"
            cached = values.cell(row[4].row, 5).value
            assert (cached in ("", None)) if fv.value is None else _close(cached, fv.value)
            if fv.origin == "override":
                assert row[6].value == fv.source or (not fv.source and row[6].value is None)
                assert row[7].value == USER_VALUE
            elif fv.value is not None and fv.confidence:
                assert row[7].value == printed_grade(fv, FORM.is_coefficient(key))
                assert row[6].value == chinese_punctuation(fv.printed_source)  # the citation, never the research notes
    grid = rows[(2018, FORM.field("factor.grid").label)]
    assert values.cell(grid[8].row, 9).value == "是"
    unverified = [r for r in rows.values() if r[7].value == "未核实"]
    assert unverified, "C-grade factors are marked 未核实"


def test_summary_sheet_is_formulas_on_the_year_sheets(demo_book: Path) -> None:
    wb = openpyxl.load_workbook(demo_book)
    values = openpyxl.load_workbook(demo_book, data_only=True)[SUMMARY_SHEET]
    ws = wb[SUMMARY_SHEET]
    result = compute_park(demo_park())
    header = [c.value for c in ws[3]]
    assert header[2:7] == [2016, 2017, 2018, 2019, 2020]
    label_row = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1)}
    total = FORM.field("emissions.total")
    r = label_row[total.label]
    for i, year in enumerate(range(2016, 2021)):
        assert ws.cell(r, 3 + i).value == f"='{year}年'!{PLAN.cell_of['emissions.total']}"
        assert _close(values.cell(r, 3 + i).value, result.years[year].computed["emissions.total"])
    yoy = result.trend["trend.emissions.total.yoy"]
    r = label_row[total.label + "同比变化"]
    assert values.cell(r, 3).value == "—"
    for i, year in enumerate(range(2017, 2021)):
        assert _close(values.cell(r, 4 + i).value, yoy[str(year)])
    for metric in FORM.trend_metrics:
        assert metric.label in label_row
    r = label_row[FORM.trend_metrics[2].label]
    assert values.cell(r, 7).value == result.trend["trend.peak_year"]


def test_template_has_no_values_but_keeps_profile_and_default_factors(tmp_path: Path) -> None:
    path = write_workbook(demo_park(), tmp_path / "template.xlsx", template=True)
    wb = openpyxl.load_workbook(path)
    ws = wb["2017年"]
    for key in FORM.input_keys | FORM.meta_keys:
        if key in PLAN.cell_of:
            assert ws[PLAN.cell_of[key]].value is None, key
    assert ws[PLAN.cell_of["factor.tce.raw_coal"]].value == pytest.approx(0.7143)
    assert "空白模板" in ws["A1"].value
    assert wb["2016年"][PLAN.cell_of["park.name"]].value == "示例生态工业示范园区"
    meta = {row[0]: row[1] for row in wb[META_SHEET].iter_rows(values_only=True)}
    assert meta["template"] == "1"
    assert template_park(demo_park()).years[2016].values == {}


def test_user_text_that_looks_like_a_formula_stays_text(rich_book: Path) -> None:
    wb = openpyxl.load_workbook(rich_book)
    ws = wb["2017年"]
    cell = ws[PLAN.cell_of["basic.leading_industries"]]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.com","点我")'
    assert cell.quotePrefix if hasattr(cell, "quotePrefix") else cell._style.quotePrefix
    assert ws[PLAN.cell_of["meta.filler"]].data_type == "s"
    assert wb["2016年"][PLAN.cell_of["park.city"]].value == "-示例市"
    # no <f> element holds user text in the file itself
    with zipfile.ZipFile(rich_book) as zf:
        xml = zf.read("xl/worksheets/sheet2.xml").decode("utf-8")
    assert "HYPERLINK" not in "".join(re.findall(r"<f>(.*?)</f>", xml))


def test_typed_text_is_written_as_a_number_and_unparsable_text_as_text(tmp_path: Path) -> None:
    park = rich_park()
    park.years[2016].values["energy.coke"] = "八万二千"
    path = write_workbook(park, tmp_path / "typed.xlsx")
    ws = openpyxl.load_workbook(path)["2017年"]
    assert ws[PLAN.cell_of["energy.diesel"]].value == 1234.5
    assert ws[PLAN.cell_of["energy.lpg"]].value == 2100
    assert ws[PLAN.cell_of["energy.fuel_oil"]].value is None  # "—" means not filled
    bad = openpyxl.load_workbook(path)["2016年"][PLAN.cell_of["energy.coke"]]
    assert bad.value == "八万二千" and bad.data_type == "s"
    assert bad.fill.fgColor.rgb.endswith("FFC7CE")  # marked red


def test_write_is_atomic_and_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")
    write_workbook(demo_park(), target)
    assert zipfile.is_zipfile(target)
    assert [p.name for p in tmp_path.iterdir()] == ["book.xlsx"]


def test_park_without_years_gets_the_default_series(tmp_path: Path) -> None:
    park = ParkData(park={"park.name": "新园区", "park.province": "浙江省"})
    wb = openpyxl.load_workbook(write_workbook(park, tmp_path / "new.xlsx", template=True))
    assert wb.sheetnames[:5] == [f"{y}年" for y in range(2016, 2021)]


def test_number_formats_follow_the_definition_and_values_keep_full_precision(demo_book: Path) -> None:
    """Display only: the cells' number formats come from the precision table; cached values are unrounded."""
    wb = openpyxl.load_workbook(demo_book)
    values = openpyxl.load_workbook(demo_book, data_only=True)
    year = demo_park().sorted_years()[0]
    ws, cached = wb[f"{year}年"], values[f"{year}年"]
    yres = compute_park(demo_park()).years[year]
    formats = {k: ws[PLAN.cell_of[k]].number_format for k in
               ("energy.raw_coal", "emissions.total", "emissions.total_10k", "intensity.co2_per_iva",
                "factor.tce.heat", "factor.tce.raw_coal", "basic.enterprises_above_scale")}  # fmt: skip
    assert formats == {"energy.raw_coal": "#,##0.00", "emissions.total": "#,##0.00", "emissions.total_10k": "#,##0.00",
                       "intensity.co2_per_iva": "#,##0.0000", "factor.tce.heat": "#,##0.00000",
                       "factor.tce.raw_coal": "#,##0.0000", "basic.enterprises_above_scale": "#,##0"}  # fmt: skip
    for key in ("emissions.total_10k", "intensity.co2_per_iva"):
        assert _close(cached[PLAN.cell_of[key]].value, yres.computed[key]), key  # not rounded to the display


def test_the_short_source_in_the_data_source_column_closes_its_title(demo_book: Path) -> None:
    """数据来源 cut a title at its "（试行）" and left it open: "因子：《工业其他行业企业温室气体排放核算方法与报告
    指南，未核实" (the closing 》 was lost); every cited title is closed now."""
    ws = openpyxl.load_workbook(demo_book)["2016年"]
    (col,) = [c.column for c in ws[9] if c.value == "数据来源"]
    cells = [str(ws.cell(r, col).value) for r in range(10, ws.max_row + 1) if ws.cell(r, col).value]
    cited = [c for c in cells if "《工业其他行业企业温室气体排放核算方法与报告指南" in c]
    assert cited and all(c.count("《") == c.count("》") for c in cells), cells
    assert "因子：《工业其他行业企业温室气体排放核算方法与报告指南》，未核实" in cited[0]
