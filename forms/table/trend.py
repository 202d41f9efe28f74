"""Multi-year indicators over all filed years (section H of the table)."""

from __future__ import annotations

from collections.abc import Mapping

from forms.table.definition import FormDefinition

Series = Mapping[int, Mapping[str, float | None]]


def growth_pct(current: float | None, previous: float | None) -> float | None:
    """(x_t / x_{t-1} - 1) × 100, unavailable when either side is missing or the base is 0."""
    if current is None or previous is None or previous == 0:
        return None
    return (current / previous - 1) * 100


def _value(key: str, year: int, computed: Series, inputs: Series) -> float | None:
    if key in computed.get(year, {}):
        return computed[year][key]
    return inputs.get(year, {}).get(key)


def compute_trend(form: FormDefinition, computed: Series, inputs: Series) -> dict[str, object]:
    years = sorted(computed)
    out: dict[str, object] = {}
    for key in form.yoy_keys:
        out[f"trend.{key}.yoy"] = {
            str(y): growth_pct(_value(key, y, computed, inputs), _value(key, y - 1, computed, inputs))
            if y - 1 in computed
            else None
            for y in years[1:]
        }
    avg: float | None = None
    if len(years) >= 2:
        first, last = years[0], years[-1]
        i_first = _value(form.intensity_key, first, computed, inputs)
        i_last = _value(form.intensity_key, last, computed, inputs)
        if i_first and i_last is not None and i_first > 0 and i_last >= 0:
            avg = (1 - (i_last / i_first) ** (1 / (last - first))) * 100
    out["trend.co2_per_iva.avg_reduction"] = avg
    elasticity: dict[str, float | None] = {}
    for y in years[1:]:
        if y - 1 not in computed:
            elasticity[str(y)] = None
            continue
        e = growth_pct(_value(form.energy_key, y, computed, inputs), _value(form.energy_key, y - 1, computed, inputs))
        v = growth_pct(
            _value(form.value_added_key, y, computed, inputs), _value(form.value_added_key, y - 1, computed, inputs)
        )
        elasticity[str(y)] = None if e is None or not v else e / v
    out["trend.energy_elasticity"] = elasticity
    peak: int | None = None
    best: float | None = None
    for y in years:
        total = _value(form.emissions_key, y, computed, inputs)
        if total is not None and (best is None or total > best):
            best, peak = total, y
    out["trend.peak_year"] = peak
    return out


QUADRANTS = {(-1, -1): "协同减排", (-1, 1): "减碳增污", (1, -1): "减污增碳", (1, 1): "协同增排"}


def synergy_type(co2_change: float | None, pollutant_change: float | None) -> str | None:
    """协同控制效应坐标系: the quadrant of (ΔC, ΔP); unavailable when either is; 无变化 when either is 0."""
    if co2_change is None or pollutant_change is None:
        return None
    if co2_change == 0 or pollutant_change == 0:
        return "无变化"
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
        name = key.split(".", 1)[1]
        yoy = {
            y: growth_pct(inputs.get(y, {}).get(key), inputs.get(y - 1, {}).get(key)) if y - 1 in computed else None
            for y in years[1:]
        }
        out[f"trend.{key}.yoy"] = {str(y): v for y, v in yoy.items()}
        elasticity: dict[str, float | None] = {}
        kinds: dict[str, str | None] = {}
        for y in years[1:]:
            c, p = co2[y], yoy[y]
            elasticity[str(y)] = None if c is None or p is None or c == 0 else p / c
            kinds[str(y)] = synergy_type(c, p)
        out[f"synergy.{name}.elasticity"] = elasticity
        out[f"synergy.{name}.quadrant"] = kinds
    return out
