"""Calculation of every computed key of a form for one year, and for a whole park."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from forms.park.model import ParkData, YearData
from forms.table.definition import FormDefinition
from forms.table.factors import FactorLibrary, FactorValue, library
from forms.table.registry import form_for
from forms.table.trend import compute_synergy, compute_trend, pollutant_form


@dataclass
class YearResult:
    """Parsed inputs, resolved factors and computed values of one year."""

    year: int
    inputs: dict[str, float | None] = field(default_factory=dict)
    input_errors: dict[str, str] = field(default_factory=dict)
    factors: dict[str, FactorValue] = field(default_factory=dict)
    computed: dict[str, float | None] = field(default_factory=dict)
    subtotals: dict[str, dict[str, float | None]] = field(default_factory=dict)  # 小计 id -> column id -> value

    def subtotal(self, subtotal_id: str, column: str) -> float | None:
        return self.subtotals.get(subtotal_id, {}).get(column)

    def value(self, key: str) -> float | None:
        if key in self.computed:
            return self.computed[key]
        if key in self.factors:
            return self.factors[key].value
        return self.inputs.get(key)


@dataclass
class ParkResult:
    form: FormDefinition
    years: dict[int, YearResult]
    trend: dict[str, object]
    year_forms: dict[int, FormDefinition] = field(default_factory=dict)  # where a year's version differs

    def to_json(self) -> dict[str, object]:
        return {
            "years": {str(y): _year_json(self.form_of(y), r.computed) for y, r in sorted(self.years.items())},
            "trend": self.trend,
        }

    def form_of(self, year: int) -> FormDefinition:
        """The form version the year was filled against (a park may move years to a newer version)."""
        return self.year_forms.get(year, self.form)


def _year_json(form: FormDefinition, computed: Mapping[str, float | None]) -> dict[str, object]:
    """Computed values as calc prints them: yes/no values as JSON true/false, the rest as numbers."""
    out: dict[str, object] = {}
    for key, value in computed.items():
        if value is not None and key in form and form.field(key).kind_type.yes_no:
            out[key] = bool(value)
        else:
            out[key] = value
    return out


def parse_inputs(form: FormDefinition, ydata: YearData) -> tuple[dict[str, float | None], dict[str, str]]:
    values: dict[str, float | None] = {}
    errors: dict[str, str] = {}
    for key, raw in ydata.values.items():
        if key not in form:
            continue
        f = form.field(key)
        if not f.is_numeric:
            continue
        checked = f.kind_type.parse(raw)
        if checked.error:
            errors[key] = checked.error
            values[key] = None
        else:
            values[key] = checked.value  # type: ignore[assignment]
    return values, errors


def evaluate(form: FormDefinition, env: Mapping[str, float | None]) -> dict[str, float | None]:
    """Evaluate every computed field over ``env`` (inputs and factor values; missing counts as 0)."""
    missing = form.blank_missing_keys
    scope: dict[str, float | None] = {k: (0.0 if v is None and k not in missing else v) for k, v in env.items()}
    for key in missing:
        scope.setdefault(key, None)  # not reported: formulas using it are unavailable, not computed from 0
    out: dict[str, float | None] = {}
    for f in form.computed_order:
        assert f.expr is not None
        value = f.expr.evaluate(scope)
        out[f.key] = value
        scope[f.key] = value
    return out


def evaluate_subtotals(
    form: FormDefinition, env: Mapping[str, float | None], computed: Mapping[str, float | None]
) -> dict[str, dict[str, float | None]]:
    """The 小计 lines of the form over the year's values (inputs and factors as in :func:`evaluate`)."""
    missing = form.blank_missing_keys
    scope: dict[str, float | None] = {k: (0.0 if v is None and k not in missing else v) for k, v in env.items()}
    scope.update(computed)
    return {sub.id: {c: sub.expr(c).evaluate(scope) for c in sub.cells} for _, sub in form.subtotals()}


def compute_year(park: ParkData, year: int, lib: FactorLibrary | None = None) -> YearResult:
    form = form_for(park.years[year].form if year in park.years else park.form)
    lib = lib or library()
    ydata = park.years.get(year) or YearData()
    inputs, errors = parse_inputs(form, ydata)
    factors = lib.resolve(form, park, year)
    env: dict[str, float | None] = dict(inputs)
    for key, fv in factors.items():
        env[key] = fv.value
    computed = evaluate(form, env)
    return YearResult(year, inputs, errors, factors, computed, evaluate_subtotals(form, env, computed))


def compute_park(
    park: ParkData, lib: FactorLibrary | None = None, known: Mapping[int, YearResult] | None = None
) -> ParkResult:
    """Every year, the trend and synergy figures.  ``known``: years already computed from the park as it is
    now (a year depends only on its own values, the park's fields and the factor library), reused as they are."""
    form = form_for(park.form)
    lib = lib or library()
    known = known or {}
    years = {y: known[y] if y in known else compute_year(park, y, lib) for y in park.sorted_years()}
    trend = compute_trend(form, {y: r.computed for y, r in years.items()}, {y: r.inputs for y, r in years.items()})
    year_forms = {y: form_for(park.years[y].form) for y in years if park.years[y].form != park.form}
    form = pollutant_form(form, year_forms) or form
    trend.update(
        compute_synergy(form, {y: r.computed for y, r in years.items()}, {y: r.inputs for y, r in years.items()})
    )
    return ParkResult(form_for(park.form), years, trend, year_forms)
