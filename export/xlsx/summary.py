"""The 汇总 sheet: the multi-year series, every cell a formula on the year sheets.

Which rows: the value-added key, then every section of the form whose rows hold only computed keys (the
totals, structure and intensity sections), then the year-on-year changes and the trend metrics
of the definition, their formulas translated by :mod:`forms.table.trend` — all named by the definition, none
by this module.
"""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from export.xlsx import styles as st
from export.xlsx.cache import Cached
from export.xlsx.layout import YearPlan, quote_sheet, year_sheet_name
from forms.park.model import ParkData
from forms.park.text_rules import printable
from forms.table.calc import ParkResult
from forms.table.definition import VALUES, FormDefinition
from forms.table.trend import (
    REDUCERS,
    NotFiled,
    elasticity_excel,
    growth_excel,
    metric_excel,
    pollutant_form,
    reduced_key,
    synergy_keys,
    synergy_type_excel,
)

NA = "—"
SUMMARY_TITLE = "汇总"


def _na(value: object) -> Cached:
    return NA if value is None else value  # type: ignore[return-value]


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


def _scalar(value: object) -> Cached:
    """A trend value as the cached result of its cell ("—" when it is not available)."""
    return value if isinstance(value, int | float | str) else NA


def write_summary_sheet(
    ws: Worksheet,
    form: FormDefinition,
    plans: Mapping[int, YearPlan],
    result: ParkResult,
    years: list[int],
    park: ParkData,
) -> dict[str, Cached]:
    """The series of ``form`` (the park's version); each year's cells are found on that year's own sheet
    (``plans``: the plan of each year's version), a key its version does not have is "—"."""
    cached: dict[str, Cached] = {}
    ncols = 2 + len(years)
    last = get_column_letter(ncols + 1)
    widths = [40.0, 14.0] + [16.0] * len(years) + [36.0]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = printable(f"{park.name or '（园区名称）'}　{years[0]}—{years[-1]} 年碳排放汇总")
    ws["A1"].data_type = "s"  # the park name is user text: never a formula
    ws["A1"].font, ws["A1"].alignment = st.TITLE_FONT, st.CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = "本表各数值均为公式，取自各年度表；修改年度表中的数据后自动更新。“—”表示无法计算（缺少数据或分母为 0）。"
    ws["A2"].font, ws["A2"].alignment = st.SUBTITLE_FONT, st.LEFT_WRAP
    header: list[str | int] = ["指标", "单位", *years, "说明"]
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
        plan = plans[year]
        if key not in plan.cell_of:
            return f'"{NA}"'
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
                put(r, year_col[y], year_ref(key, y), NA if value is None else value, st.number_format(f, value))
            row_of[key] = r
            r += 1

    # year-on-year changes, then the other trend metrics: the definition's formulas, translated
    def year_cell(key: str, year: int) -> str:
        return year_ref(key, year)

    metric_row: dict[str, int] = {}
    for title, metrics in (("同比变化（%）", form.yoy_metrics), ("趋势指标", form.trend_metrics)):
        group_row(r, title)
        r += 1
        for metric in metrics:
            metric_row[metric.key] = r
            fmt = "0" if metric.reduce else "0.00"
            trend_value = result.trend.get(metric.key)
            if metric.reduce:
                reduced = reduced_key(metric)
                row = row_of.get(reduced) if reduced else None
                label_row(r, metric.label, metric.unit, metric.note)
                if row is None:
                    put(r, year_col[years[-1]], f'"{NA}"', NA, fmt)
                else:
                    rng = f"{year_col[years[0]]}{row}:{year_col[years[-1]]}{row}"
                    hdr = f"{year_col[years[0]]}$3:{year_col[years[-1]]}$3"
                    text = REDUCERS[metric.reduce][1](rng, hdr)
                    put(r, year_col[years[-1]], text, _scalar(trend_value), fmt)
            elif metric.each_year:
                label_row(r, metric.label, metric.unit, metric.note)
                series: dict[str, Cached] = trend_value if isinstance(trend_value, dict) else {}
                for y in years:
                    try:
                        text = metric_excel(metric, y, years, year_cell)
                    except NotFiled:
                        put(r, year_col[y], f'"{NA}"', NA, fmt)
                        continue
                    v = series.get(str(y))
                    put(r, year_col[y], text, NA if v is None else v, fmt)
            else:
                label_row(r, metric.label, metric.unit, metric.note)
                try:
                    text = metric_excel(metric, years[-1], years, year_cell)
                except NotFiled:
                    text = f'"{NA}"'
                put(r, year_col[years[-1]], text, _scalar(trend_value), fmt)
            r += 1
    # 减污降碳: each pollutant's yoy change, its cross elasticity with the CO2 change and the type of each year
    tracked = pollutant_form(form, result.year_forms)
    co2 = form.yoy_metric(form.emissions_key)
    co2_row = metric_row.get(co2.key) if co2 is not None else None
    if tracked is not None and co2_row is not None:
        group_row(r, "减污降碳协同效应")
        r += 1
        na = f'"{NA}"'
        filed = set(years)
        for key in tracked.pollutant_keys:
            label = tracked.field(key).label
            yoy_r, elasticity_r, type_r = r, r + 1, r + 2
            label_row(yoy_r, f"{label}同比变化", "%")
            label_row(elasticity_r, f"{label.removesuffix('排放量')}协同控制交叉弹性", "",
                      "交叉弹性 = 污染物排放量同比变化率 ÷ 二氧化碳排放总量同比变化率")  # fmt: skip
            label_row(type_r, f"{label.removesuffix('排放量')}协同效应类型", "")
            trends = [result.trend.get(k) for k in synergy_keys(key)]
            for y in years:
                col = year_col[y]
                shown = [t.get(str(y)) if isinstance(t, dict) else None for t in trends]
                if y - 1 not in filed:
                    for row in (yoy_r, elasticity_r, type_r):
                        put(row, col, na, NA, "0.00")
                    continue
                p_ref, c_ref = f"{col}{yoy_r}", f"{col}{co2_row}"
                put(yoy_r, col, growth_excel(year_ref(key, y), year_ref(key, y - 1), na), _na(shown[0]), "0.00")
                put(elasticity_r, col, elasticity_excel(p_ref, c_ref, na), _na(shown[1]), "0.00")
                put(type_r, col, synergy_type_excel(c_ref, p_ref, na), _na(shown[2]), "General")
            r += 3
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.print_area = f"A1:{last}{r - 1}"
    st.print_setup(ws, park.name, SUMMARY_TITLE)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    return cached
