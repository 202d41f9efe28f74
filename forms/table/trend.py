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
