"""Resolution of data-block ids (``table.trend``, ``value.emissions.total@2020`` …) into neutral blocks.

The window's preview and the PDF both call :func:`resolve_block` (or :class:`BlockResolver` for many
blocks at once) with the current park and its :class:`~forms.table.calc.ParkResult`, so a figure in the report
can never disagree with the data.  Labels and units come from the form definition; which rows a table
shows is derived from it too (the structure shares, the fuel rows of the combustion total, the sink
section …), so a new row in the form appears here without an edit.

Numbers are shown through ONE helper, :func:`shown`: tonnes of CO2 as 万吨, tce as 万吨标准煤, other units as
defined, always with the form's display precision of the defined unit (declared once in the definition).  The PDF, the preview and
the consistency check (forms.report.check) all use it, so "as shown" means the same everywhere.

Block ids (``value.`` ids may end with ``@<year>``; without it the last filed year):

- ``value.<form key>`` — any field of the form (``value.emissions.total@2016``)
- ``value.trend.<metric>`` — multi-year indicators (``value.trend.co2_per_iva.avg_reduction``);
  ``value.trend.<key>.yoy@<year>`` — year-on-year change
- ``value.change.<key>`` / ``value.avg_change.<key>`` — change first → last filed year and its average
  annual rate, in % (negative = decline); ``value.change_abs.<key>`` / ``value.avg_change_abs.<key>`` the
  same without sign (for prose such as "下降了 {{…}}")
- ``value.first_year`` / ``value.last_year``
- ``value.projection.<n>.<peak_year|peak_value|intensity_2025|intensity_2030>`` — n-th scenario (1-based)
- the tables and charts in :data:`BLOCK_LABELS`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from forms.park.model import ParkData
from forms.report.markers import (
    Block,
    BlockRef,
    ChartBlock,
    MissingBlock,
    Series,
    TableBlock,
    ValueBlock,
    split_markers,
)
from forms.report.measures import STATUSES, measures
from forms.report.outline import OutlineSection, outline_for
from forms.report.projection import ParkProjection, project_scenarios
from forms.report.projects import PROJECT_COLUMNS, TOTAL_KEYS, filled_projects, format_cell, project_totals
from forms.table.calc import ParkResult
from forms.table.definition import FACTOR, PARK, Field, FormDefinition, Section
from forms.table.factors import printed_grade
from forms.table.numbers import format_number, is_blank
from forms.table.registry import form_for
from forms.table.targets import describe, evaluate_targets

# ---------------------------------------------------------------------------------------------------
# "As shown": the one formatting rule for numbers in the report, the PDF and the consistency check


@dataclass(frozen=True)
class Display:
    unit: str  # unit as shown
    scale: float  # shown = value / scale
    decimals: int


# unit as defined -> (unit as shown, scale); other units are shown as defined.  The decimals are always the
# form's display precision of the defined unit (forms.table.versions: PRECISION), whatever the shown unit.
_DISPLAY: dict[str, tuple[str, float]] = {
    "tCO2": ("万吨", 1e4),
    "tCO2e": ("万吨CO2e", 1e4),
    "万tCO2": ("万吨", 1.0),
    "tce": ("万吨标准煤", 1e4),
}
# the same quantities in plain tonnes (small figures such as carbon sinks)
_DISPLAY_TONNES: dict[str, tuple[str, float]] = {
    "tCO2": ("吨", 1.0),
    "tCO2e": ("吨CO2e", 1.0),
    "tce": ("吨标准煤", 1.0),
}


def display_for(unit: str, decimals: int | None = 2, *, tonnes: bool = False) -> Display:
    """How a figure in ``unit`` is shown; ``decimals`` is the form's display precision of that unit."""
    table = _DISPLAY_TONNES if tonnes and unit in _DISPLAY_TONNES else _DISPLAY
    d = 2 if decimals is None else decimals
    if unit in table:
        u, scale = table[unit]
        return Display(u, scale, d)
    if unit in ("年", "家"):
        return Display(unit, 1.0, 0)
    return Display(unit, 1.0, d)


@dataclass(frozen=True)
class Shown:
    value: float | None  # rounded, in the shown unit
    number: str  # formatted number or "—"
    unit: str
    decimals: int

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if not self.unit:
            return self.number
        sep = "" if self.unit in ("%", "年", "家") else " "
        return f"{self.number}{sep}{self.unit}"


def shown(value: float | None, unit: str, decimals: int | None = 2, *, tonnes: bool = False) -> Shown:
    """A number as the report shows it (unit converted, rounded half away from zero as printed)."""
    d = display_for(unit, decimals, tonnes=tonnes)
    if value is None or not math.isfinite(value):
        return Shown(None, "—", d.unit, d.decimals)
    scaled = value / d.scale
    number = format_number(scaled, d.decimals)
    return Shown(float(number.replace(",", "")), number, d.unit, d.decimals)


def shown_field(form: FormDefinition, key: str, value: float | None, *, tonnes: bool = False) -> Shown:
    f = form.field(key)
    return shown(value, f.unit, f.decimals, tonnes=tonnes)


def shown_unit(form: FormDefinition, key: str, *, tonnes: bool = False) -> str:
    f = form.field(key)
    return display_for(f.unit, f.decimals, tonnes=tonnes).unit


def scaled(form: FormDefinition, key: str, value: float | None) -> float | None:
    """A value in its shown unit, unrounded (for charts)."""
    if value is None or not math.isfinite(value):
        return None
    f = form.field(key)
    return value / display_for(f.unit, f.decimals).scale


# ---------------------------------------------------------------------------------------------------
# Catalogue

BLOCK_LABELS: dict[str, str] = {
    "table.profile": "园区基本情况表",
    "table.economy": "经济发展指标表（各年度）",
    "table.trend": "排放与强度变化趋势表",
    "chart.trend": "二氧化碳排放总量变化趋势图",
    "table.factors": "排放因子及数据来源表",
    "table.emissions_by_source": "二氧化碳排放量（按排放源）表",
    "chart.structure": "二氧化碳排放结构图",
    "table.by_fuel": "化石燃料燃烧排放（按品种）表",
    "table.intensity": "碳排放强度指标表",
    "chart.intensity": "碳排放强度变化趋势图",
    "table.sink": "碳汇现状表（估算值）",
    "table.projection": "碳排放趋势预测表",
    "chart.projection": "碳排放趋势预测图",
    "table.targets": "碳达峰目标指标表",
    "table.projects": "重点项目清单",
    "table.pollution": "减污降碳协同情况表",
    "chart.synergy": "减污降碳协同控制效应坐标图",
    "table.zero": "零碳园区指标表",
    "table.target_eval": "目标落实情况表",
    "table.progress": "重点项目进展表",
}
NO_POLLUTION = "本园区所用的年度表格不含减污降碳数据（需按 2026 年版表格填写）"


def block_catalog(outline_version: str = "eip-2021", form_version: str = "eip-2021") -> dict[str, str]:
    """Every block id used by the outline (and every table/chart), with its Chinese label."""
    form = form_for(form_version)
    out = dict(BLOCK_LABELS)
    for section in outline_for(outline_version).sections():
        for block_id in section.blocks:
            out.setdefault(block_id, block_label(block_id, form))
    return out


def block_label(block_id: str, form: FormDefinition | None = None) -> str:
    if block_id in BLOCK_LABELS:
        return BLOCK_LABELS[block_id]
    if form is None:
        form = form_for()
    key, year = _split_year(block_id.removeprefix("value."))
    label = _value_label(form, key)
    if label is None:
        return block_id
    return f"{year}年{label}" if year else f"{label}（最近年份）" if key in form else label


def available_blocks(section: OutlineSection, form_version: str = "eip-2021",
                     years: Sequence[int] = ()) -> list[tuple[str, str]]:  # fmt: skip
    """The blocks that fit a section: (id, Chinese label) — the outline's blocks, then value blocks for the
    figures its requirements ask for (first/last filed year when ``years`` is given, and their change)."""
    form = form_for(form_version)
    ids = list(section.blocks)
    filed = sorted(years)
    for req in section.requirements:
        if req.check.startswith("mentions:"):
            key = req.check.split(":", 1)[1]
            if key not in form:
                continue
            if len(filed) >= 2:
                ids += [f"value.{key}@{filed[0]}", f"value.{key}@{filed[-1]}"]
            else:
                ids.append(f"value.{key}")
            ids += [f"value.change_abs.{key}", f"value.avg_change_abs.{key}"]
        elif req.check == "projection":
            ids += [f"value.projection.{n}.{what}" for n in (1, 2) for what in ("peak_year", "peak_value")]
    return [(b, block_label(b, form)) for b in dict.fromkeys(ids)]


# ---------------------------------------------------------------------------------------------------
# Resolution


def _split_year(key: str) -> tuple[str, int | None]:
    if "@" in key:
        k, _, y = key.partition("@")
        return k, int(y)
    return key, None


_CHANGE_KINDS = {
    "change": "{first}—{last}年{label}变化率",
    "change_abs": "{first}—{last}年{label}变化幅度",
    "avg_change": "{first}—{last}年{label}年均变化率",
    "avg_change_abs": "{first}—{last}年{label}年均变化幅度",
}
_PROJECTION_VALUES = {
    "peak_year": ("预测达峰年份", "年"),
    "peak_value": ("预测峰值排放量", "tCO2"),
    "intensity_2025": ("2025年单位工业增加值二氧化碳排放量", ""),
    "intensity_2030": ("2030年单位工业增加值二氧化碳排放量", ""),
}


def _value_label(form: FormDefinition, key: str) -> str | None:
    if key in form:
        return form.field(key).label
    for m in form.all_trend_metrics:
        if key == m.key:
            return m.label
    kind, _, rest = key.partition(".")
    if kind in _CHANGE_KINDS and rest in form:
        return (
            _CHANGE_KINDS[kind]
            .format(first="首", last="末", label=form.field(rest).label)
            .replace("首—末年", "首末年份间")
        )
    if key in ("first_year", "last_year"):
        return "首个填报年份" if key == "first_year" else "最近填报年份"
    if key.startswith("projection."):
        parts = key.split(".")
        if len(parts) == 3 and parts[2] in _PROJECTION_VALUES:
            return f"第{parts[1]}个情景{_PROJECTION_VALUES[parts[2]][0]}"
    return None


def change_pct(first: float | None, last: float | None) -> float | None:
    if first is None or last is None or first == 0:
        return None
    return (last / first - 1) * 100


def decline_pct(first: float | None, last: float | None) -> float | None:
    """The fall from ``first`` to ``last`` in percent (negative for a rise); None when not computable."""
    change = change_pct(first, last)
    return None if change is None else -change


def avg_change_pct(first: float | None, last: float | None, years: int) -> float | None:
    if first is None or last is None or years <= 0 or first <= 0 or last < 0:
        return None
    return ((last / first) ** (1 / years) - 1) * 100


class BlockResolver:
    """Resolves many blocks for one park and one calculation (the projection is computed once)."""

    def __init__(self, park: ParkData, result: ParkResult, *, projection: ParkProjection | None = None) -> None:
        self.park = park
        self.result = result
        self.form = result.form
        self.years = sorted(result.years)
        self._projection = projection

    # -- helpers ------------------------------------------------------------------------------------
    @property
    def projection(self) -> ParkProjection:
        if self._projection is None:
            self._projection = project_scenarios(self.park, self.result)
        return self._projection

    def value(self, key: str, year: int) -> float | None:
        yr = self.result.years.get(year)
        return yr.value(key) if yr else None

    def _cell(self, key: str, year: int, *, tonnes: bool = False) -> str:
        return shown_field(self.form, key, self.value(key, year), tonnes=tonnes).number

    def _section_of(self, key: str) -> Section | None:
        entry = self.form.row_of.get(key)
        return entry[0] if entry else None

    @cached_property
    def structure_parts(self) -> list[tuple[str, str]]:
        """(share key, emission part key) for every structure share of the emissions total."""
        return list(self.form.structure_shares)

    @cached_property
    def fuel_keys(self) -> list[str]:
        """Emission keys of the combustion part (the first structure part), in table order."""
        if not self.structure_parts:
            return []
        expr = self.form.field(self.structure_parts[0][1]).expr
        names = expr.names() if expr else set()
        return [f.key for f in self.form.fields if f.key in names]

    def _year_columns(self, first: str = "指标") -> tuple[str, ...]:
        return (first, "单位", *(f"{y}年" for y in self.years))

    def _year_row(self, key: str, label: str | None = None, *, tonnes: bool = False) -> tuple[str, ...]:
        f = self.form.field(key)
        return (label or f.label, shown_unit(self.form, key, tonnes=tonnes),
                *(self._cell(key, y, tonnes=tonnes) for y in self.years))  # fmt: skip

    def _numeric(self, n_label_cols: int = 2) -> tuple[bool, ...]:
        return (False,) * n_label_cols + (True,) * len(self.years)

    def _nonzero_any(self, key: str) -> bool:
        return any((self.value(key, y) or 0) != 0 for y in self.years)

    # -- dispatch -----------------------------------------------------------------------------------
    def resolve(self, block_id: str) -> Block:
        if block_id.startswith("value."):
            return self._value_block(block_id)
        builder: Callable[[], Block] | None = getattr(self, "_" + block_id.replace(".", "_"), None)
        if builder is None or block_id not in BLOCK_LABELS:
            return MissingBlock(block_id, f"未知的数据块“{block_id}”")
        if not self.years and block_id not in (
            "table.profile",
            "table.projects",
            "table.target_eval",
            "table.progress",
        ):
            return MissingBlock(block_id, "尚无年度数据")
        return builder()

    # -- values -------------------------------------------------------------------------------------
    def _value_block(self, block_id: str) -> Block:
        key, year = _split_year(block_id.removeprefix("value."))
        form = self.form
        if not self.years and not key.startswith("projection."):
            return MissingBlock(block_id, "尚无年度数据")
        first, last = (self.years[0], self.years[-1]) if self.years else (0, 0)
        if key in form:
            y = year if year is not None else last
            if y not in self.result.years:
                return MissingBlock(block_id, f"{y}年没有年度数据")
            f = form.field(key)
            if not f.is_numeric:
                raw = self.park.park.get(key) if f.group == PARK else self.park.years[y].raw(key)
                text = "" if is_blank(raw) else str(raw)
                label = f.label if f.group == PARK else f"{y}年{f.label}"
                return ValueBlock(block_id, label, None, "", text or "—")
            s = shown_field(form, key, self.value(key, y))
            return ValueBlock(block_id, f"{y}年{f.label}", s.value, s.unit, s.text)
        for m in form.trend_metrics:
            if key == m.key:
                raw = self.result.trend.get(key)
                v = float(raw) if isinstance(raw, (int, float)) else None
                s = shown(v, m.unit, self.form.unit_decimals(m.unit))
                label = f"{first}—{last}年{m.label}" if not m.reduce else m.label
                return ValueBlock(block_id, label, s.value, s.unit, s.text)
        for m in form.yoy_metrics:
            if key == m.key:
                y = year if year is not None else last
                series = self.result.trend.get(key)
                v = series.get(str(y)) if isinstance(series, dict) else None
                s = shown(v, m.unit, self.form.unit_decimals(m.unit))
                return ValueBlock(block_id, f"{y}年{m.label}", s.value, s.unit, s.text)
        kind, _, rest = key.partition(".")
        if kind in _CHANGE_KINDS and rest in form:
            a, b = self.value(rest, first), self.value(rest, last)
            v = avg_change_pct(a, b, last - first) if kind.startswith("avg") else change_pct(a, b)
            if v is not None and kind.endswith("_abs"):
                v = abs(v)
            s = shown(v, "%", self.form.unit_decimals("%"))
            label = _CHANGE_KINDS[kind].format(first=first, last=last, label=form.field(rest).label)
            return ValueBlock(block_id, label, s.value, s.unit, s.text)
        if key in ("first_year", "last_year"):
            y = first if key == "first_year" else last
            return ValueBlock(block_id, _value_label(form, key) or key, float(y), "年", f"{y}")
        if key.startswith("projection."):
            return self._projection_value(block_id, key)
        return MissingBlock(block_id, f"未知的数据块“{block_id}”")

    def _projection_value(self, block_id: str, key: str) -> Block:
        parts = key.split(".")
        if len(parts) != 3 or not parts[1].isdigit() or parts[2] not in _PROJECTION_VALUES:
            return MissingBlock(block_id, f"未知的数据块“{block_id}”")
        names = list(self.projection.results)
        n = int(parts[1])
        if not 1 <= n <= len(names):
            return MissingBlock(block_id, f"没有第 {n} 个情景的预测结果")
        name = names[n - 1]
        r = self.projection.results[name]
        what, unit = _PROJECTION_VALUES[parts[2]]
        label = f"{name}{what}"
        if parts[2] == "peak_year":
            return ValueBlock(block_id, label, float(r.peak_year), "年", f"{r.peak_year}年")
        if parts[2] == "peak_value":
            s = shown(r.peak_value, unit, self.form.unit_decimals(unit))
        else:
            v = r.intensity_2025 if parts[2] == "intensity_2025" else r.intensity_2030
            s = shown_field(self.form, self.form.intensity_key, v)
        return ValueBlock(block_id, label, s.value, s.unit, s.text)

    # -- tables ---------------------------------------------------------------------------------------
    def _table_profile(self) -> Block:
        rows: list[tuple[str, str]] = []
        for f in self.form.fields_in(PARK):
            raw = self.park.park.get(f.key)
            rows.append((f.label, "" if is_blank(raw) else str(raw).strip()))
        if self.years:
            last = self.years[-1]
            section = self._section_of(self.form.value_added_key)
            for f in self._section_fields(section):
                if f.key in self.form.area_keys or not f.is_numeric:
                    if f.is_numeric:
                        text = shown_field(self.form, f.key, self.value(f.key, last)).text
                    else:
                        raw = self.park.years[last].raw(f.key)
                        text = "" if is_blank(raw) else str(raw).strip()
                    rows.append((f"{f.label}（{last}年）", text))
        return TableBlock("table.profile", BLOCK_LABELS["table.profile"], ("项目", "内容"), tuple(rows),
                          (False, False))  # fmt: skip

    def _section_fields(self, section: Section | None) -> list[Field]:
        if section is None:
            return []
        keys: list[str] = []
        for row in section.rows:
            for key in row.cells.values():
                if key not in keys:
                    keys.append(key)
        return [self.form.field(k) for k in keys]

    def _table_economy(self) -> Block:
        section = self._section_of(self.form.value_added_key)
        areas = self.form.area_keys
        rows = [self._year_row(f.key) for f in self._section_fields(section) if f.is_numeric and f.key not in areas]
        return TableBlock("table.economy", BLOCK_LABELS["table.economy"], self._year_columns(), tuple(rows),
                          self._numeric(), "地区生产总值、工业增加值、工业总产值为当年价。")  # fmt: skip

    def _table_trend(self) -> Block:
        rows: list[tuple[str, ...]] = []
        for key, metric in zip(self.form.yoy_keys, self.form.yoy_metrics, strict=True):
            rows.append(self._year_row(key))
            series = self.result.trend.get(metric.key)
            yoy = series if isinstance(series, dict) else {}
            rows.append(("　其中：同比变化", "%", *(shown(yoy.get(str(y)), "%", self.form.unit_decimals("%")).number if str(y) in yoy else "—"
                                                   for y in self.years)))  # fmt: skip
        return TableBlock("table.trend", BLOCK_LABELS["table.trend"], self._year_columns(), tuple(rows),
                          self._numeric(), self._avg_reduction_note())  # fmt: skip

    def _avg_reduction_note(self) -> str:
        m = self.form.reduction_metric
        raw = self.result.trend.get(m.key)
        v = float(raw) if isinstance(raw, (int, float)) else None
        if v is not None and len(self.years) >= 2:
            return f"{self.years[0]}—{self.years[-1]}年{m.label}：{shown(v, m.unit, self.form.unit_decimals(m.unit)).text}。"
        return ""

    def _table_factors(self) -> Block:
        rows: list[tuple[str, ...]] = []
        indicative = False
        for key in self.form.factor_keys:
            f = self.form.field(key)
            entry = self.form.row_of.get(key)
            activity = entry[1].cells.get("value") if entry else None
            overridden = any(key in self.park.years[y].factors for y in self.years if y in self.park.years)
            if not overridden and activity is not None and not self._nonzero_any(activity):
                continue
            groups: list[tuple[list[int], tuple[str, str, str, str]]] = []
            for y in self.years:
                fv = self.result.years[y].factors.get(key)
                if fv is None:
                    continue
                # the basis without its leading data year, so that 2024 and 2025 "沿用 2023 年因子" group
                basis = fv.basis.removeprefix(f"{y} 年数据") if fv.basis.startswith(f"{y} 年数据") else fv.basis
                sig = (format_number(fv.value, f.decimals) if fv.value is not None else "未设定", fv.printed_source,
                       printed_grade(fv, self.form.is_coefficient(key)), basis)  # fmt: skip
                if groups and groups[-1][1] == sig and groups[-1][0][-1] == y - 1:
                    groups[-1][0].append(y)
                else:
                    groups.append(([y], sig))
            for ys, (value, source, confidence, basis) in groups:
                span = f"{ys[0]}" if len(ys) == 1 else f"{ys[0]}—{ys[-1]}"
                label = f.label + ("（示意值）" if f.indicative else "")
                indicative = indicative or f.indicative
                if basis and basis != self.result.years[ys[0]].factors[key].basis:
                    source = f"{source}（{span} 年数据{basis}）"
                elif basis:
                    source = f"{source}({basis})"
                rows.append((label, span, value, f.unit, source, confidence))
        note = "仅列出各年度实际使用的因子；用户改用的数值注明其来源。"
        if indicative:
            note += "碳汇单位面积固碳量为示意值，仅供估算。"
        return TableBlock("table.factors", BLOCK_LABELS["table.factors"],
                          ("因子", "适用年份", "数值", "单位", "来源", "核实情况"), tuple(rows),
                          (False, False, True, False, False, False), note)  # fmt: skip

    def _table_emissions_by_source(self) -> Block:
        rows = [self._year_row(part) for _, part in self.structure_parts]
        rows.append(self._year_row(self.form.emissions_key))
        for share, _ in self.structure_parts:
            rows.append(self._year_row(share))
        return TableBlock("table.emissions_by_source", BLOCK_LABELS["table.emissions_by_source"],
                          self._year_columns("排放源"), tuple(rows), self._numeric(),
                          "间接排放为净调入电力、热力对应的排放；碳汇不从排放总量中扣减。")  # fmt: skip

    def _table_by_fuel(self) -> Block:
        rows = []
        for key in self.fuel_keys:
            if not self._nonzero_any(key):
                continue
            entry = self.form.row_of.get(key)
            rows.append(self._year_row(key, entry[1].label if entry else None))
        if self.structure_parts:
            rows.append(self._year_row(self.structure_parts[0][1], "合计"))
        return TableBlock("table.by_fuel", BLOCK_LABELS["table.by_fuel"], self._year_columns("品种"), tuple(rows),
                          self._numeric(), "仅列出有消费量的品种；用作原料、材料的部分不计排放。")  # fmt: skip

    def intensity_fields(self) -> list[Field]:
        section = self._section_of(self.form.intensity_key)
        shares = {s for s, _ in self.structure_parts}
        return [f for f in self._section_fields(section) if f.key not in shares and f.is_numeric]

    def _table_intensity(self) -> Block:
        rows = [self._year_row(f.key) for f in self.intensity_fields()]
        return TableBlock("table.intensity", BLOCK_LABELS["table.intensity"], self._year_columns(), tuple(rows),
                          self._numeric(), self._avg_reduction_note())  # fmt: skip

    def _table_sink(self) -> Block:
        section = self.form.sink_section
        rows = [self._year_row(f.key, tonnes=True) for f in self._section_fields(section)
                if f.role != FACTOR and f.is_numeric]  # fmt: skip
        note = "估算值：碳汇单独列示，不从二氧化碳排放总量中扣减；单位面积年固碳量为示意值。"
        if section is not None and section.note:
            note = "估算值。" + section.note
        return TableBlock("table.sink", BLOCK_LABELS["table.sink"], self._year_columns(), tuple(rows),
                          self._numeric(), note)  # fmt: skip

    # -- projection -----------------------------------------------------------------------------------
    def _projection_missing(self, block_id: str) -> MissingBlock | None:
        proj = self.projection
        if proj.results:
            return None
        why = "；".join(f"{n}：{e}" for n, e in proj.errors.items()) or "没有情景"
        return MissingBlock(block_id, f"无法预测：{why}")

    def _projection_note(self) -> str:
        proj = self.projection
        iva, intensity = (
            self.form.field(self.form.value_added_key).label,
            self.form.field(self.form.intensity_key).label,
        )
        parts = []
        for name, r in proj.results.items():
            pct = self.form.unit_decimals("%")
            periods = "；".join(f"{p.start}—{p.end}年{iva}年均增长 {format_number(p.iva_growth, pct)}%、"
                               f"强度年均变化 {format_number(p.intensity_change, pct)}%" for p in r.periods)  # fmt: skip
            parts.append(f"{name}：{periods}")
        base = proj.base
        head = f"以 {base.year} 年为基准年；排放量 = {iva} × {intensity}。" if base else ""
        tail = "（尚未设置情景，以上为程序默认参数）" if proj.defaults_used else ""
        text = head + "。".join(parts) + ("。" if parts else "") + tail
        if proj.errors:
            text += "未能预测：" + "；".join(f"{n}({e})" for n, e in proj.errors.items())
        return text

    def _table_projection(self) -> Block:
        missing = self._projection_missing("table.projection")
        if missing:
            return missing
        proj = self.projection
        assert proj.base is not None
        base = proj.base.year
        years = {base, *range(2025, 2061, 5)} | {r.peak_year for r in proj.results.values()}
        years = {y for y in years if base <= y <= 2060}
        columns = ["年份"]
        ikey, ekey, vkey = self.form.intensity_key, self.form.emissions_key, self.form.value_added_key
        for name in proj.results:
            columns += [f"{name}·工业增加值（{shown_unit(self.form, vkey)}）",
                        f"{name}·排放强度（{shown_unit(self.form, ikey)}）",
                        f"{name}·排放量（{shown_unit(self.form, ekey)}）"]  # fmt: skip
        rows = []
        for y in sorted(years):
            row = [f"{y}年" + ("（基准年）" if y == base else "")]
            for r in proj.results.values():
                p = r.point(y)
                row += [shown_field(self.form, vkey, p.iva if p else None).number,
                        shown_field(self.form, ikey, p.intensity if p else None).number,
                        shown_field(self.form, ekey, p.emissions if p else None).number]  # fmt: skip
            rows.append(tuple(row))
        numeric = (False, *([True] * (len(columns) - 1)))
        return TableBlock("table.projection", BLOCK_LABELS["table.projection"], tuple(columns), tuple(rows),
                          numeric, self._projection_note())  # fmt: skip

    def _chart_projection(self) -> Block:
        missing = self._projection_missing("chart.projection")
        if missing:
            return missing
        proj = self.projection
        ekey = self.form.emissions_key
        start = self.years[0] if self.years else proj.base.year if proj.base else 2020
        years = list(range(start, 2061))
        series = [Series("历史排放", tuple(scaled(self.form, ekey, self.value(ekey, y)) if y in self.result.years
                                          else None for y in years))]  # fmt: skip
        for name, r in proj.results.items():
            by_year = {p.year: p.emissions for p in r.series}
            series.append(Series(name, tuple(scaled(self.form, ekey, by_year.get(y)) for y in years)))
        peaks = "；".join(f"{n}峰值年份 {r.peak_year} 年，峰值 {shown(r.peak_value, 'tCO2', self.form.unit_decimals('tCO2')).text}"
                         for n, r in proj.results.items())  # fmt: skip
        return ChartBlock("chart.projection", BLOCK_LABELS["chart.projection"], "line",
                          tuple(str(y) for y in years), tuple(series), shown_unit(self.form, ekey), peaks)  # fmt: skip

    def _table_targets(self) -> Block:
        missing = self._projection_missing("table.targets")
        if missing:
            return missing
        proj = self.projection
        assert proj.base is not None
        ikey, ekey = self.form.intensity_key, self.form.emissions_key
        ilabel = self.form.field(ikey).label
        names = list(proj.results)
        base_i = proj.base.intensity
        rows: list[tuple[str, ...]] = [
            ("达峰年份", "年", *(f"{proj.results[n].peak_year}" for n in names)),
            ("峰值排放量", shown_unit(self.form, ekey),
             *(shown_field(self.form, ekey, proj.results[n].peak_value).number for n in names)),
        ]  # fmt: skip
        for target_year, attr in ((2025, "intensity_2025"), (2030, "intensity_2030")):
            vals = [getattr(proj.results[n], attr) for n in names]
            rows.append((f"{target_year}年{ilabel}", shown_unit(self.form, ikey),
                         *(shown_field(self.form, ikey, v).number for v in vals)))  # fmt: skip
            rows.append((f"　{target_year}年较{proj.base.year}年下降", "%",
                         *(shown(decline_pct(base_i, v), "%", self.form.unit_decimals("%")).number for v in vals)))  # fmt: skip
        note = f"以 {proj.base.year} 年为基准年，按各情景参数预测（参数见碳排放趋势预测表）。"
        if proj.defaults_used:
            note += "尚未设置情景，以上为程序默认参数。"
        return TableBlock("table.targets", BLOCK_LABELS["table.targets"], ("指标", "单位", *names), tuple(rows),
                          (False, False, *([True] * len(names))), note)  # fmt: skip

    # -- charts ---------------------------------------------------------------------------------------
    def _year_categories(self) -> tuple[str, ...]:
        return tuple(str(y) for y in self.years)

    def _series(self, key: str, name: str | None = None) -> Series:
        return Series(name or self.form.field(key).label,
                      tuple(scaled(self.form, key, self.value(key, y)) for y in self.years))  # fmt: skip

    def _chart_trend(self) -> Block:
        key = self.form.emissions_key
        return ChartBlock("chart.trend", BLOCK_LABELS["chart.trend"], "bar", self._year_categories(),
                          (self._series(key),), shown_unit(self.form, key), self._avg_reduction_note())  # fmt: skip

    def _chart_structure(self) -> Block:
        parts = [part for _, part in self.structure_parts]
        last = self.years[-1]
        shares = "；".join(f"{self.form.field(p).label} {shown_field(self.form, s, self.value(s, last)).text}"
                          for s, p in self.structure_parts)  # fmt: skip
        return ChartBlock("chart.structure", BLOCK_LABELS["chart.structure"], "stacked_bar",
                          self._year_categories(), tuple(self._series(p) for p in parts),
                          shown_unit(self.form, self.form.emissions_key), f"{last}年排放结构：{shares}")  # fmt: skip

    def _chart_intensity(self) -> Block:
        keys = [f.key for f in self.intensity_fields() if f.unit.endswith("/万元")]
        series = tuple(self._series(k, f"{self.form.field(k).label}({shown_unit(self.form, k)})") for k in keys)
        return ChartBlock("chart.intensity", BLOCK_LABELS["chart.intensity"], "line", self._year_categories(),
                          series, "", self._avg_reduction_note())  # fmt: skip

    # -- 减污降碳, 零碳园区, targets, progress (eip-2026, annual-cycle.md) ------------------------------
    @cached_property
    def pollution_form(self) -> FormDefinition | None:
        """The form that declares the pollutants: the park's, or that of a year moved to a newer version."""
        if self.form.pollutant_keys:
            return self.form
        for year in self.years:
            other = self.result.form_of(year)
            if other.pollutant_keys:
                return other
        return None

    def _trend_row(self, label: str, series: object, unit: str, decimals: int, text: bool = False) -> tuple[str, ...]:
        values = series if isinstance(series, dict) else {}
        decimals = self.form.unit_decimals(unit) if decimals else 0
        cells = []
        for y in self.years:
            v = values.get(str(y))
            cells.append("—" if v is None else str(v) if text else format_number(v, decimals))
        return (label, unit, *cells)

    def _table_pollution(self) -> Block:
        form = self.pollution_form
        if form is None:
            return MissingBlock("table.pollution", NO_POLLUTION)
        rows: list[tuple[str, ...]] = []
        co2 = self.result.trend.get(f"trend.{form.emissions_key}.yoy")
        rows.append(self._trend_row("二氧化碳排放总量同比变化", co2, "%", 2))
        for key in form.pollutant_keys:
            f = form.field(key)
            name = key.split(".", 1)[1]
            rows.append((f.label, f.unit, *(shown_field(form, key, self.value(key, y)).number for y in self.years)))
            rows.append(self._trend_row("　同比变化", self.result.trend.get(f"trend.{key}.yoy"), "%", 2))
            rows.append(
                self._trend_row("　协同控制交叉弹性", self.result.trend.get(f"synergy.{name}.elasticity"), "", 2)
            )
            rows.append(self._trend_row("　协同效应类型", self.result.trend.get(f"synergy.{name}.quadrant"), "", 0,
                                        text=True))  # fmt: skip
        note = "交叉弹性 = 污染物排放量同比变化率 ÷ 二氧化碳排放总量同比变化率；“—”表示数据不全或无法计算。"
        return TableBlock("table.pollution", BLOCK_LABELS["table.pollution"], self._year_columns(), tuple(rows),
                          self._numeric(), note)  # fmt: skip

    def _chart_synergy(self) -> Block:
        form = self.pollution_form
        if form is None:
            return MissingBlock("chart.synergy", NO_POLLUTION)
        years = self.years[1:]
        co2 = self.result.trend.get(f"trend.{form.emissions_key}.yoy")
        co2_map = co2 if isinstance(co2, dict) else {}
        series = [Series("二氧化碳排放总量同比变化（%）", tuple(co2_map.get(str(y)) for y in years))]
        for key in form.pollutant_keys:
            yoy = self.result.trend.get(f"trend.{key}.yoy")
            yoy_map = yoy if isinstance(yoy, dict) else {}
            values = tuple(yoy_map.get(str(y)) for y in years)
            if any(v is not None for v in values):
                series.append(Series(form.field(key).label.removesuffix("排放量"), values))
        note = "横轴：二氧化碳排放总量同比变化（%）；纵轴：污染物排放量同比变化（%）。第三象限为协同减排。"
        return ChartBlock("chart.synergy", BLOCK_LABELS["chart.synergy"], "quadrant",
                          tuple(str(y) for y in years), tuple(series), "%", note)  # fmt: skip

    def _table_zero(self) -> Block:
        form = self.pollution_form
        keys = [form.field(r.main_key).key for s in form.sections if s.id == "J" for r in s.rows] if form else []
        if form is None or not keys:
            return MissingBlock("table.zero", NO_POLLUTION)
        rows = []
        for key in keys:
            f = form.field(key)
            cells = []
            for y in self.years:
                v = self.value(key, y)
                cells.append(f.kind_type.format(v, f.decimals) if f.kind_type.yes_no or v is None
                             else shown_field(form, key, v).number)  # fmt: skip
            rows.append((f.label, shown_unit(form, key) if not f.kind_type.yes_no else "", *cells))
        return TableBlock("table.zero", BLOCK_LABELS["table.zero"], self._year_columns(), tuple(rows), self._numeric(),
                          form.section_note("J"))  # fmt: skip

    def _table_target_eval(self) -> Block:
        targets = self.park.targets
        if not targets:
            return TableBlock("table.target_eval", BLOCK_LABELS["table.target_eval"],
                              ("序号", "目标", "目标值", "实际值", "差距", "状态"), (), (False,) * 6, "尚未设置目标。")  # fmt: skip
        rows = []
        for n, (target, ev) in enumerate(zip(targets, evaluate_targets(targets, self.result), strict=True), start=1):
            form = self.result.form_of(ev.year) if ev.year in self.result.years else self.form
            key = ev.indicator
            unit = "%" if ev.kind == "reduction" else (form.field(key).unit if key in form else "")
            decimals = form.decimals(key) if ev.kind != "reduction" and key in form else form.unit_decimals(unit)

            def num(v: float | int | None, dec: int = decimals) -> str:
                return "—" if v is None else format_number(float(v), dec)

            if ev.kind == "peak":
                actual, target_text = ("—" if ev.actual is None else f"{int(ev.actual)}年"), "—"
            else:
                actual = num(ev.actual) + (unit if ev.actual is not None and unit == "%" else "")
                target_text = num(ev.target) + (unit if ev.target is not None and unit == "%" else "")
            rows.append((str(n), describe(target, form), target_text, actual,
                         "—" if ev.gap is None else num(ev.gap), ev.status))  # fmt: skip
        return TableBlock("table.target_eval", BLOCK_LABELS["table.target_eval"],
                          ("序号", "目标", "目标值", "实际值", "差距", "状态"), tuple(rows),
                          (False, False, True, True, True, False),
                          "碳达峰目标的实际值为已观测排放峰值年份；待评估：目标年份（或基准年）尚未填报或数据不全。")  # fmt: skip

    def _table_progress(self) -> Block:
        projects = filled_projects(self.park.report.projects)
        figures = measures(projects)
        years = sorted(figures)
        columns = ("项目名称", "预计年减排量（tCO2）", *(f"{y}年进展" for y in years))
        rows = []
        for p in projects:
            progress = p.get("progress") if isinstance(p.get("progress"), dict) else {}
            cells = []
            for y in years:
                entry = progress.get(y) if isinstance(progress, dict) else None
                if isinstance(entry, dict):
                    red = entry.get("reduction")
                    cells.append(f"{entry.get('status', '')}" + (f"，减排 {red} tCO2" if red not in (None, "") else ""))
                else:
                    cells.append("")
            rows.append((str(p.get("name", "")), format_cell(p, PROJECT_COLUMNS[4]), *cells))
        for label, key in (("实际减排量合计（tCO2）", "reduction_actual"), ("计划减排量合计（tCO2）", "reduction_planned"),
                           ("减排目标完成率（%）", "achievement")):  # fmt: skip
            dec = self.form.unit_decimals("%" if key == "achievement" else "tCO2")
            rows.append((label, "", *("—" if figures[y][key] is None else format_number(figures[y][key], dec)
                                      for y in years)))  # fmt: skip
        counts = "；".join(f"{y}年：" + "、".join(f"{s} {int(figures[y][f'count.{s}'] or 0)} 个" for s in STATUSES)
                          for y in years)  # fmt: skip
        return TableBlock("table.progress", BLOCK_LABELS["table.progress"], columns, tuple(rows),
                          (False, True, *([False] * len(years))), counts or "尚未填写项目进展。")  # fmt: skip

    # -- projects -------------------------------------------------------------------------------------
    def _table_projects(self) -> Block:
        projects = filled_projects(self.park.report.projects)
        columns = ("序号", *(c.heading for c in PROJECT_COLUMNS))
        rows: list[tuple[str, ...]] = [(str(i + 1), *(format_cell(p, c) for c in PROJECT_COLUMNS))
                                       for i, p in enumerate(projects)]  # fmt: skip
        totals = project_totals(projects)
        rows.append(("合计", *(format_number(totals[c.key], c.decimals) if c.key in TOTAL_KEYS else ""
                               for c in PROJECT_COLUMNS)))  # fmt: skip
        numeric = (False, *(c.kind.numeric for c in PROJECT_COLUMNS))
        note = "" if projects else "尚未填写重点项目。"
        return TableBlock("table.projects", BLOCK_LABELS["table.projects"], columns, tuple(rows), numeric, note)


def resolve_block(block_id: str, park: ParkData, result: ParkResult, *,
                  projection: ParkProjection | None = None) -> Block:  # fmt: skip
    """One block from current data; an unknown id or missing data gives a :class:`MissingBlock`."""
    return BlockResolver(park, result, projection=projection).resolve(block_id)


def resolve_text(text: str, resolver: BlockResolver) -> list[str | Block]:
    """Report text with every ``{{marker}}`` replaced by its block, in order."""
    return [resolver.resolve(p.id) if isinstance(p, BlockRef) else p for p in split_markers(text)]


def inline_text(text: str, resolver: BlockResolver) -> str:
    """Text with value markers replaced by their shown text (tables/charts become their title in 【】)."""
    out: list[str] = []
    for piece in resolve_text(text, resolver):
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, ValueBlock):
            out.append(piece.text)
        elif isinstance(piece, MissingBlock):
            out.append(f"【{piece.reason}】")
        else:
            out.append(f"【{piece.title}】")
    return "".join(out)


def block_ids_in(text: str) -> list[str]:
    return [p.id for p in split_markers(text) if isinstance(p, BlockRef)]


__all__ = [
    "BLOCK_LABELS",
    "BlockResolver",
    "Display",
    "Shown",
    "available_blocks",
    "block_catalog",
    "block_ids_in",
    "block_label",
    "display_for",
    "inline_text",
    "resolve_block",
    "resolve_text",
    "shown",
    "shown_field",
    "shown_unit",
]
