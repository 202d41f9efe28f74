"""The yearly tables PDF: one landscape table per year, rows and labels from the form definition, values as
typed or computed, every font embedded."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from export.fingerprint import fingerprint
from export.pdf.tables import build_tables_pdf, cell_text, shown_value, year_table_rows
from forms.park.model import ParkData
from forms.table.calc import compute_park
from forms.table.definition import VALUES
from forms.table.kinds import kind_of
from forms.table.numbers import format_number
from forms.table.registry import form_for
from tests.export.pdf_support import demo_park, pdf_fonts, pdf_pages, printed, squeeze

FORM = form_for("eip-2021")


@pytest.fixture(scope="module")
def park() -> ParkData:
    park = demo_park()
    park.years[2017].values["energy.diesel"] = "1,234.5"  # typed text, parses
    park.years[2018].values["energy.lpg"] = "2l00"  # does not parse: printed as typed
    return park


@pytest.fixture(scope="module")
def tables(park: ParkData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tables") / "tables.pdf"
    path.write_bytes(build_tables_pdf(park, fingerprint(park), draft=True))
    return path


@pytest.fixture(scope="module")
def year_texts(tables: Path, park: ParkData) -> dict[int, str]:
    """Squeezed text of each year's pages (a year starts on the page with its heading)."""
    pages = [squeeze(p) for p in pdf_pages(tables)]
    starts = {y: next(i for i, p in enumerate(pages) if squeeze(f"{park.name} {y} 年{FORM.title}") in p)
              for y in park.sorted_years()}  # fmt: skip
    bounds = [*sorted(starts.values()), len(pages)]
    return {y: "".join(pages[s : bounds[bounds.index(s) + 1]]) for y, s in starts.items()}


def test_all_fonts_embedded(tables: Path) -> None:
    fonts = pdf_fonts(tables)
    assert fonts and all(f["emb"] == "yes" for f in fonts)


def test_every_page_is_landscape(tables: Path) -> None:
    for page in PdfReader(tables).pages:
        assert float(page.mediabox.width) > float(page.mediabox.height)


def test_each_year_has_every_section_and_row_label(year_texts: dict[int, str]) -> None:
    assert sorted(year_texts) == [2016, 2017, 2018, 2019, 2020]
    for year, text in year_texts.items():
        for section in FORM.sections:
            assert printed(section.title) in text, (year, section.id)
            for row in section.rows:
                assert printed(row.label) in text, (year, row.label)
        for column in FORM.columns:
            assert printed(column.label) in text


def test_computed_values_as_shown(year_texts: dict[int, str], park: ParkData) -> None:
    result = compute_park(park)
    for year, yr in result.years.items():
        for key in (FORM.emissions_key, FORM.energy_key, FORM.intensity_key):
            assert shown_value(FORM.field(key), yr.computed[key]) in year_texts[year], (year, key)


def test_subtotal_lines_are_printed(year_texts: dict[int, str], park: ParkData) -> None:
    result = compute_park(park)
    for year, yr in result.years.items():
        for _, sub in FORM.subtotals():
            values = "".join(kind_of("number").format(yr.subtotal(sub.id, c), 2) for c in sub.cells)
            assert squeeze(sub.label + values) in year_texts[year], (year, sub.id)


def test_typed_inputs_are_printed_as_typed_or_exactly(year_texts: dict[int, str], park: ParkData) -> None:
    assert "1,234.5" in year_texts[2017]
    assert "2l00" in year_texts[2018]  # the error is listed on the review sheet, the text is never dropped


def test_rows_are_driven_by_the_form_definition(park: ParkData) -> None:
    result = compute_park(park)
    rows = year_table_rows(FORM, park, 2016, result.years[2016])
    expected = sum(len(s.rows) + 1 + len(s.subtotals) + (1 if s.note else 0) for s in FORM.sections)
    assert len(rows.rows) == expected
    width = 3 + len(FORM.columns)
    assert all(len(r) == width for r in rows.rows)
    values = next(s for s in FORM.sections if s.group == VALUES)
    first = rows.rows[rows.titles[[s.id for s in FORM.sections].index(values.id)] + 1]
    assert first[1] == values.rows[0].label and first[2] == values.rows[0].unit


def test_factor_override_is_marked(park: ParkData) -> None:
    from forms.park.model import FactorOverride

    changed = park.copy()
    changed.years[2016].factors["factor.grid"] = FactorOverride(0.61, "区域电网 2022 年公布值")
    result = compute_park(changed)
    assert cell_text(FORM, changed, 2016, result.years[2016], "factor.grid") == "0.61*"  # a factor: its own digits
    assert cell_text(FORM, changed, 2017, result.years[2017], "factor.grid").endswith("*") is False


def test_issue_examples_are_consistent_now() -> None:
    """1,450,000 vs 394,000.00, 650.4514, 0.03412 (issue 20): one rule per unit."""
    park = demo_park()
    result = compute_park(park)
    yr = result.years[2016]
    form = result.form
    texts = {k: cell_text(form, park, 2016, yr, k) for k in
             ("energy.raw_coal", "power.net", "emissions.total_10k", "factor.tce.heat", "emissions.total")}  # fmt: skip
    assert texts == {"energy.raw_coal": "1,450,000.00", "power.net": "394,000.00", "emissions.total_10k": "650.45",
                     "factor.tce.heat": "0.03412", "emissions.total": format_number(yr.computed["emissions.total"], 2)}  # fmt: skip


def test_each_year_table_ends_with_the_seal_place(tmp_path: Path) -> None:
    park = demo_park()
    path = tmp_path / "t.pdf"
    path.write_bytes(build_tables_pdf(park, fingerprint(park), draft=False))
    text = squeeze("\n".join(pdf_pages(path)))
    assert text.count("填报单位（盖章）：示例生态工业示范园区管理委员会") == len(park.years)
    assert text.count("日期：年月日") == len(park.years)
    assert "表格版本" not in text and "eip-2021" not in text and "表格：2021年版" in text


def test_a_long_category_axis_labels_every_year() -> None:
    """The projection to 2060: every year on the axis (2028 was skipped), turned upright."""
    from reportlab.graphics.charts.linecharts import HorizontalLineChart

    from export.pdf.blocks import chart_drawing
    from export.pdf.style import make_styles
    from forms.report.markers import ChartBlock, Series

    years = tuple(str(y) for y in range(2016, 2061))
    block = ChartBlock("chart.projection", "碳排放趋势预测图", "line", years,
                       (Series("基准情景", tuple(float(i) for i in range(len(years)))),), "万吨")  # fmt: skip
    drawing = chart_drawing(block, make_styles(), 400)
    (chart,) = [c for c in drawing.contents if isinstance(c, HorizontalLineChart)]
    assert list(chart.categoryAxis.categoryNames) == list(years) and "2028" in chart.categoryAxis.categoryNames
    assert chart.categoryAxis.labels.angle == 90


def test_a_chart_legend_stays_below_the_year_labels() -> None:
    """碳排放强度变化趋势图: the room left under the plot was measured with the legend's ASCII brackets, the legend
    printed full-width ones, went from two columns to three rows and covered the years 2016 and 2017."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart

    from export.pdf.blocks import chart_drawing, resolver
    from export.pdf.style import LANDSCAPE, PORTRAIT, make_styles, text_width
    from forms.report.markers import ChartBlock
    from forms.report.resolve import BLOCK_LABELS
    from forms.table.calc import compute_park

    park = demo_park()
    resolve = resolver(park, compute_park(park))
    checked = []
    for block_id in (b for b in BLOCK_LABELS if b.startswith("chart.")):
        block = resolve(block_id)
        if not isinstance(block, ChartBlock) or block.kind not in ("line", "bar", "stacked_bar"):
            continue
        for width in (text_width(PORTRAIT), text_width(LANDSCAPE)):
            drawing = chart_drawing(block, make_styles(), width)
            legends = [c for c in drawing.contents if isinstance(c, Legend)]
            (chart,) = [c for c in drawing.contents if isinstance(c, (HorizontalLineChart, VerticalBarChart))]
            for legend in legends:
                assert legend.getBounds()[3] < chart.getBounds()[1], (block_id, width)
            checked.append((block_id, bool(legends)))
    assert ("chart.intensity", True) in checked
