"""The 汇总 sheet: the multi-year series, every cell a formula on the year sheets.

Which rows: the value-added key, then every section of the form whose rows hold only computed keys (the
totals, structure and intensity sections), then year-on-year changes of ``form.yoy_keys`` and the trend
metrics of :mod:`forms.table.trend` — all named by the definition, none by this module.
"""

from __future__ import annotations

from collections.abc import Callable

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from export.xlsx import styles as st
from export.xlsx.cache import Cached
from export.xlsx.layout import YearPlan, quote_sheet, year_sheet_name
from forms.park.model import ParkData
from forms.table.calc import ParkResult
from forms.table.definition import VALUES, FormDefinition

NA = "—"
SUMMARY_TITLE = "汇总"


def summary_keys(form: FormDefinition) -> list[tuple[str, list[str]]]:
    """(group title, keys) of the series rows, from the definition."""
    groups: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    base = [k for k in (form.value_added_key, form.energy_key, form.emissions_key) if k in form]
    for section in form.sections:
        if section.group != VALUES:
            continue
        keys = [k for row in section.rows for k in row.cells.values()]
        if keys and all(form.field(k).is_computed for k in keys):
            keys = [k for k in keys if k not in seen]
            seen.update(keys)
            groups.append((section.title, keys))
    missing = [k for k in (*base, form.intensity_key) if k not in seen]
    if missing:
        groups.insert(0, ("基础数据", missing))
    return groups


def write_summary_sheet(
    ws: Worksheet, form: FormDefinition, plan: YearPlan, result: ParkResult, years: list[int], park: ParkData
) -> dict[str, Cached]:
    cached: dict[str, Cached] = {}
    ncols = 2 + len(years)
    last = get_column_letter(ncols + 1)
    widths = [40.0, 14.0] + [16.0] * len(years) + [36.0]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = f"{park.name or '(园区名称)'}　{years[0]}—{years[-1]} 年碳排放汇总"
    ws["A1"].data_type = "s"  # the park name is user text: never a formula
    ws["A1"].font, ws["A1"].alignment = st.TITLE_FONT, st.CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = "本表各数值均为公式，取自各年度表；修改年度表中的数据后自动更新。“—”表示无法计算(缺少数据或分母为 0)。"
    ws["A2"].font, ws["A2"].alignment = st.SUBTITLE_FONT, st.LEFT_WRAP
    header = ["指标", "单位", *years, "说明"]
    for i, text in enumerate(header, start=1):
        c = ws.cell(3, i, text)
        c.font, c.fill, c.alignment, c.border = st.HEADER_FONT, st.HEADER_FILL, st.CENTER, st.BORDER
        if isinstance(text, int):
            c.number_format = "0"
    year_col = {y: get_column_letter(3 + i) for i, y in enumerate(years)}
    row_of: dict[str, int] = {}

    def put(r: int, col: str, formula: str, value: Cached, fmt: str) -> None:
        c = ws[f"{col}{r}"]
        c.value = "=" + formula
        c.number_format, c.fill, c.border, c.font = fmt, st.COMPUTED_FILL, st.BORDER, st.BODY_FONT
        c.alignment = st.RIGHT
        if value is not None:
            cached[f"{col}{r}"] = value

    def label_row(r: int, label: str, unit: str, note: str = "") -> None:
        for i, text in ((1, label), (2, unit), (ncols + 1, note)):
            c = ws.cell(r, i, text)
            c.border, c.font = st.BORDER, st.BODY_FONT if i != ncols + 1 else st.NOTE_FONT
            c.alignment = st.LEFT_WRAP if i != 2 else st.CENTER

    def group_row(r: int, title: str) -> None:
        ws.merge_cells(f"A{r}:{last}{r}")
        c = ws[f"A{r}"]
        c.value, c.font, c.fill = title, st.SECTION_FONT, st.SECTION_FILL

    def year_ref(key: str, year: int) -> str:
        return f"{quote_sheet(year_sheet_name(year))}!{plan.ref(key)}"

    r = 4
    for title, keys in summary_keys(form):
        group_row(r, title)
        r += 1
        for key in keys:
            f = form.field(key)
            label_row(r, f.label, f.unit)
            for y in years:
                value = result.years[y].value(key)
                put(r, year_col[y], year_ref(key, y), NA if value is None else value, st.number_format(f))
            row_of[key] = r
            r += 1
    # year-on-year changes
    group_row(r, "同比变化(%)")
    r += 1
    trend = result.trend
    for key in form.yoy_keys:
        f = form.field(key)
        label_row(r, f"{f.label}同比变化", "%", "(本年 / 上年 − 1) × 100")
        series = trend.get(f"trend.{key}.yoy", {})
        for i, y in enumerate(years):
            if i == 0 or years[i - 1] != y - 1:
                put(r, year_col[y], f'"{NA}"', NA, "0.00")
                continue
            cur, prev = year_ref(key, y), year_ref(key, y - 1)
            value = series.get(str(y)) if isinstance(series, dict) else None
            put(r, year_col[y], _growth(cur, prev), NA if value is None else value, "0.00")
        r += 1
    # trend metrics (forms.table.trend): the same arithmetic as formulas
    builders: dict[str, Callable[[int], None]] = {}

    def avg_reduction(r: int) -> None:
        first, last_y = years[0], years[-1]
        value = trend.get("trend.co2_per_iva.avg_reduction")
        if len(years) < 2:
            put(r, year_col[last_y], f'"{NA}"', NA, "0.00")
            return
        i0, i1 = year_ref(form.intensity_key, first), year_ref(form.intensity_key, last_y)
        text = (
            f"IF(AND(ISNUMBER({i0}),ISNUMBER({i1})),IF(AND(N({i0})>0,N({i1})>=0),"
            f'(1-({i1}/{i0})^(1/{last_y - first}))*100,"{NA}"),"{NA}")'
        )
        put(r, year_col[last_y], text, NA if value is None else value, "0.00")  # type: ignore[arg-type]

    def elasticity(r: int) -> None:
        series = trend.get("trend.energy_elasticity", {})
        for i, y in enumerate(years):
            if i == 0 or years[i - 1] != y - 1:
                put(r, year_col[y], f'"{NA}"', NA, "0.00")
                continue
            e1, e0 = year_ref(form.energy_key, y), year_ref(form.energy_key, y - 1)
            v1, v0 = year_ref(form.value_added_key, y), year_ref(form.value_added_key, y - 1)
            tests = ",".join(f"NOT(ISNUMBER({c}))" for c in (e1, e0, v1, v0)) + f",N({e0})=0,N({v0})=0"
            text = f'IF(OR({tests}),"{NA}",IF({v1}/{v0}-1=0,"{NA}",({e1}/{e0}-1)/({v1}/{v0}-1)))'
            value = series.get(str(y)) if isinstance(series, dict) else None
            put(r, year_col[y], text, NA if value is None else value, "0.00")

    def peak(r: int) -> None:
        row = row_of.get(form.emissions_key)
        y_last = years[-1]
        value = trend.get("trend.peak_year")
        if row is None:
            put(r, year_col[y_last], f'"{NA}"', NA, "0")
            return
        rng = f"{year_col[years[0]]}{row}:{year_col[y_last]}{row}"
        hdr = f"{year_col[years[0]]}$3:{year_col[y_last]}$3"
        text = f'IF(COUNT({rng})=0,"{NA}",INDEX({hdr},MATCH(MAX({rng}),{rng},0)))'
        put(r, year_col[y_last], text, NA if value is None else value, "0")  # type: ignore[arg-type]

    builders = {"avg_reduction": avg_reduction, "energy_elasticity": elasticity, "peak_year": peak}
    group_row(r, "趋势指标")
    r += 1
    for metric in form.trend_metrics:
        suffix = metric.key.rsplit(".", 1)[-1]
        build = builders.get(suffix)
        note = "" if build else "本程序计算的数值(非公式)"
        label_row(r, metric.label, metric.unit, note)
        if build is not None:
            build(r)
        else:
            ws[f"{year_col[years[-1]]}{r}"] = str(trend.get(metric.key))
        r += 1
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.print_area = f"A1:{last}{r - 1}"
    st.print_setup(ws, park.name, SUMMARY_TITLE)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    return cached


def _growth(cur: str, prev: str) -> str:
    return f'IF(OR(NOT(ISNUMBER({cur})),NOT(ISNUMBER({prev})),N({prev})=0),"{NA}",({cur}/{prev}-1)*100)'
