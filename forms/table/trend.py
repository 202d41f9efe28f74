"""Multi-year indicators over all filed years (section H of the table).

Each indicator is a :class:`~forms.table.definition.TrendMetric` of the form definition: a formula of the
year language — ``key@year`` (the filed year being computed), ``key@prev`` (the year before), ``key@first``,
``key@last`` and the numbers ``year``, ``first``, ``last`` — evaluated here and translated into spreadsheet
formulas by :func:`metric_excel` for the 汇总 sheet, so the app and Excel cannot disagree.

A value of a year that was not filed, or a key left blank, is unavailable (never 0).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from forms.table.definition import FormDefinition, TrendMetric
from forms.table.expr import Name, to_excel_guarded

Series = Mapping[int, Mapping[str, float | None]]

YEAR, PREV, FIRST, LAST = "year", "prev", "first", "last"


class NotFiled(LookupError):
    """A formula refers to a year that was not filed."""


def growth_pct(current: float | None, previous: float | None) -> float | None:
    """(x_t / x_{t-1} - 1) × 100, unavailable when either side is missing or the base is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current / previous - 1) * 100


def _value(key: str, year: int, computed: Series, inputs: Series) -> float | None:
    if key in computed.get(year, {}):
        return computed[year][key]
    return inputs.get(year, {}).get(key)


def year_of(at: str, year: int, years: Sequence[int]) -> int:
    """The year an ``@`` suffix points at, seen from ``year``."""
    return {YEAR: year, PREV: year - 1, FIRST: years[0], LAST: years[-1]}[at]


def looks_back(metric: TrendMetric) -> bool:
    return any(name.endswith("@" + PREV) for name in metric.expr.names())


def metric_years(metric: TrendMetric, years: Sequence[int]) -> list[int]:
    """The years a per-year metric has a value for (all but the first when it looks back)."""
    return list(years[1:] if looks_back(metric) else years)


def _peak_year(series: Mapping[int, float | None]) -> int | None:
    """The year of the largest value (the first such year); None when no value is available."""
    peak: int | None = None
    best: float | None = None
    for y, v in series.items():
        if v is not None and (best is None or v > best):
            best, peak = v, y
    return peak


def _peak_year_excel(values: str, years: str) -> str:
    """The same as a spreadsheet formula over a row of values and the row of their years."""
    return f'IF(COUNT({values})=0,"—",INDEX({years},MATCH(MAX({values}),{values},0)))'


# reduce name -> (python, spreadsheet builder over (values range, years range))
REDUCERS: dict[str, tuple[Callable[[Mapping[int, float | None]], int | None], Callable[[str, str], str]]] = {
    "peak_year": (_peak_year, _peak_year_excel),
}


def metric_value(
    metric: TrendMetric, year: int, years: Sequence[int], lookup: Callable[[str, int], float | None]
) -> float | None:
    """The metric's formula at ``year``; ``lookup(key, year)`` gives a filed year's value."""
    env: dict[str, float | None] = {}
    filed = set(years)
    for name in metric.expr.names():
        key, _, at = name.partition("@")
        if not at:
            env[name] = float(year_of(name, year, years))
            continue
        y = year_of(at, year, years)
        env[name] = lookup(key, y) if y in filed else None
    return metric.expr.evaluate(env)


def compute_trend(form: FormDefinition, computed: Series, inputs: Series) -> dict[str, object]:
    years = sorted(computed)
    out: dict[str, object] = {}

    def lookup(key: str, y: int) -> float | None:
        return _value(key, y, computed, inputs)

    for metric in form.all_trend_metrics:
        if not years:
            out[metric.key] = {} if metric.each_year and not metric.reduce else None
            continue
        if not metric.each_year:
            out[metric.key] = metric_value(metric, years[-1], years, lookup)
            continue
        series = {y: metric_value(metric, y, years, lookup) for y in metric_years(metric, years)}
        if metric.reduce:
            out[metric.key] = REDUCERS[metric.reduce][0](series)
        else:
            out[metric.key] = {str(y): v for y, v in series.items()}
    return out


QUADRANTS = {(-1, -1): "协同减排", (-1, 1): "减碳增污", (1, -1): "减污增碳", (1, 1): "协同增排"}
NO_CHANGE = "无变化"


def pollutant_form(form: FormDefinition, year_forms: Mapping[int, FormDefinition]) -> FormDefinition | None:
    """The version whose pollutants the 减污降碳 trend follows: the park's own when it tracks pollutants, else
    that of the first year moved to a version that does (a baseline park with years moved to eip-2026)."""
    if form.pollutant_keys:
        return form
    return next((other for other in year_forms.values() if other.pollutant_keys), None)


def synergy_keys(pollutant_key: str) -> tuple[str, str, str]:
    """The multi-year keys of one pollutant (annual-cycle.md): its yoy change, cross elasticity and type."""
    name = pollutant_key.split(".", 1)[1]
    return f"trend.{pollutant_key}.yoy", f"synergy.{name}.elasticity", f"synergy.{name}.quadrant"


def growth_excel(current: str, previous: str, na: str) -> str:
    """:func:`growth_pct` as spreadsheet text over two cells (a blank or text cell is missing)."""
    return f"IF(AND(ISNUMBER({current}),ISNUMBER({previous})),IF({previous}=0,{na},({current}/{previous}-1)*100),{na})"


def elasticity_excel(pollutant_change: str, co2_change: str, na: str) -> str:
    """The cross elasticity ΔP / ΔC as spreadsheet text; unavailable when either is, or ΔC is 0."""
    p, c = pollutant_change, co2_change
    return f"IF(AND(ISNUMBER({p}),ISNUMBER({c})),IF({c}=0,{na},{p}/{c}),{na})"


def synergy_type_excel(co2_change: str, pollutant_change: str, na: str) -> str:
    """:func:`synergy_type` as spreadsheet text (the same words, the same order of the tests)."""
    c, p, q = co2_change, pollutant_change, QUADRANTS
    return (f'IF(OR(NOT(ISNUMBER({c})),NOT(ISNUMBER({p}))),{na},IF(OR({c}=0,{p}=0),"{NO_CHANGE}",'
            f'IF({c}<0,IF({p}<0,"{q[(-1, -1)]}","{q[(-1, 1)]}"),IF({p}<0,"{q[(1, -1)]}","{q[(1, 1)]}"))))')  # fmt: skip


def synergy_type(co2_change: float | None, pollutant_change: float | None) -> str | None:
    """协同控制效应坐标系: the quadrant of (ΔC, ΔP); unavailable when either is; 无变化 when either is 0."""
    if co2_change is None or pollutant_change is None:
        return None
    if co2_change == 0 or pollutant_change == 0:
        return NO_CHANGE
    return QUADRANTS[(1 if co2_change > 0 else -1, 1 if pollutant_change > 0 else -1)]


def compute_synergy(form: FormDefinition, computed: Series, inputs: Series) -> dict[str, object]:
    """减污降碳 over the filed years: each pollutant's yoy change, its cross elasticity with CO2 and the type.

    A pollutant not reported in a year (blank, or a year filed against a version without pollutants) makes
    that year's and the next year's change unavailable, as does a previous year not filed.
    """
    if not form.pollutant_keys:
        return {}
    years = sorted(computed)
    co2 = {
        y: growth_pct(
            _value(form.emissions_key, y, computed, inputs), _value(form.emissions_key, y - 1, computed, inputs)
        )
        if y - 1 in computed
        else None
        for y in years[1:]
    }
    out: dict[str, object] = {}
    for key in form.pollutant_keys:
        yoy_key, elasticity_key, quadrant_key = synergy_keys(key)
        yoy = {
            y: growth_pct(inputs.get(y, {}).get(key), inputs.get(y - 1, {}).get(key)) if y - 1 in computed else None
            for y in years[1:]
        }
        out[yoy_key] = {str(y): v for y, v in yoy.items()}
        elasticity: dict[str, float | None] = {}
        kinds: dict[str, str | None] = {}
        for y in years[1:]:
            c, p = co2[y], yoy[y]
            elasticity[str(y)] = None if c is None or p is None or c == 0 else p / c
            kinds[str(y)] = synergy_type(c, p)
        out[elasticity_key] = elasticity
        out[quadrant_key] = kinds
    return out


def metric_excel(metric: TrendMetric, year: int, years: Sequence[int], cell: Callable[[str, int], str]) -> str:
    """Spreadsheet text of the metric at ``year`` (no leading ``=``); ``cell(key, year)`` is a filed year's cell.

    Raises :class:`NotFiled` when the formula needs a year that was not filed (the caller writes "—").
    """
    filed = set(years)

    def ref(name: str) -> str:
        key, _, at = name.partition("@")
        if not at:
            return str(year_of(name, year, years))
        y = year_of(at, year, years)
        if y not in filed:
            raise NotFiled(name)
        return cell(key, y)

    return to_excel_guarded(metric.expr, ref, lambda name: "@" in name)


def reduced_key(metric: TrendMetric) -> str | None:
    """For a reduced metric whose formula is one ``key@year``: that key (its series row is reduced)."""
    expr = metric.expr
    if isinstance(expr, Name) and expr.key.endswith("@" + YEAR):
        return expr.key.partition("@")[0]
    return None
