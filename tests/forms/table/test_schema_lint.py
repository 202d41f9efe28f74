"""Lint of the whole form definition, in the spirit of qutebrowser's test_configdata."""

from __future__ import annotations

import math

import pytest

from forms.table.calc import evaluate
from forms.table.definition import COMPUTED, FACTOR, INPUT, META, PARK, VALUES
from forms.table.factors import library
from forms.table.kinds import KINDS
from forms.table.registry import FORM_VERSIONS, form_for
from forms.table.validate import FIELD_CHECKS, YEAR_CHECKS


@pytest.fixture(params=FORM_VERSIONS)
def form(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return form_for(request.param)


def test_keys_are_unique(form) -> None:  # type: ignore[no-untyped-def]
    keys = [f.key for f in form.fields]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_fields_are_well_formed(form) -> None:  # type: ignore[no-untyped-def]
    for f in form.fields:
        assert f.kind in KINDS, f.key
        assert f.role in (INPUT, COMPUTED, FACTOR), f.key
        assert f.group in (PARK, META, VALUES), f.key
        assert f.label.strip(), f.key
        assert (f.formula is not None) == (f.role == COMPUTED), f.key
        if f.kind == "boolean":
            assert f.role == COMPUTED, f"{f.key}: a yes/no value is computed, never typed"
        if f.kind == "enum":
            assert f.options, f.key
        if f.group == VALUES and f.kind in ("number", "percent"):
            assert f.unit, f"{f.key} has no unit"


def test_every_formula_input_exists(form) -> None:  # type: ignore[no-untyped-def]
    for f in form.fields:
        if f.expr is None:
            continue
        missing = {name for name in f.expr.names() if name not in form}
        assert not missing, (f.key, missing)
        for name in f.expr.names():
            assert form.field(name).is_numeric, (f.key, name)


def test_formulas_have_no_cycles(form) -> None:  # type: ignore[no-untyped-def]
    order = [f.key for f in form.computed_order]
    assert len(order) == len({f.key for f in form.fields if f.is_computed})
    seen: set[str] = set()
    for f in form.computed_order:
        assert f.expr is not None
        for name in f.expr.names():
            if form.field(name).is_computed:
                assert name in seen, (f.key, name)
        seen.add(f.key)


def test_every_factor_has_a_source_or_explicitly_none(form) -> None:  # type: ignore[no-untyped-def]
    lib = library()
    for key in form.factor_keys:
        f = form.field(key)
        assert f.default_ref, key
        for province in ("江苏省", "内蒙古自治区", "四川省"):
            for year in (2016, 2020, 2021, 2025):
                fv = lib.default(f, province, year)
                if f.default_ref == "none":
                    assert fv.value is None and "用户" in fv.source
                else:
                    assert fv.value is not None and fv.value >= 0, (key, province, year)
                    assert fv.source.strip(), key
                    assert fv.confidence.strip(), key


def test_every_computed_key_evaluates_on_an_empty_year(form) -> None:  # type: ignore[no-untyped-def]
    values = evaluate(form, {})
    assert set(values) == {f.key for f in form.fields if f.is_computed}
    for key, value in values.items():
        assert value is None or (isinstance(value, float) and math.isfinite(value)), key
    # ratios with a zero denominator are unavailable, never 0 or inf
    assert values["intensity.co2_per_iva"] is None
    assert values["share.combustion"] is None
    assert values["emissions.total"] == 0.0


def test_every_rule_name_is_implemented(form) -> None:  # type: ignore[no-untyped-def]
    for f in form.fields:
        for rule in f.rules:
            assert rule.check in FIELD_CHECKS, (f.key, rule.check)
            assert rule.level in ("error", "warning")
    for rule in form.year_rules:
        assert rule.check in YEAR_CHECKS


def test_rows_reference_existing_fields_and_inputs_are_placed(form) -> None:  # type: ignore[no-untyped-def]
    column_ids = {c.id for c in form.columns}
    for section in form.sections:
        for row in section.rows:
            assert row.cells, row.label
            for column, key in row.cells.items():
                assert column in column_ids, (row.label, column)
                assert key in form, key
    placed = set(form.row_of)
    unplaced = [f.key for f in form.fields if f.role == INPUT and f.key not in placed]
    assert unplaced == []


def test_le_field_rules_point_at_inputs(form) -> None:  # type: ignore[no-untyped-def]
    for f in form.fields:
        for rule in f.rules:
            other = rule.params.get("other")
            if other is not None:
                assert other in form, (f.key, other)


def test_enum_options_parse_as_themselves(form) -> None:  # type: ignore[no-untyped-def]
    for f in form.fields:
        for option in f.options:
            assert f.kind_type.parse(option).value == option


def test_province_list_matches_factor_library(form) -> None:  # type: ignore[no-untyped-def]
    provinces = form.field("park.province").options
    assert len(provinces) == 31
    assert set(provinces) == set(library().provinces)
