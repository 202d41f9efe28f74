"""The display precision declared once in the definition (Precision, per unit) and what it gives."""

from __future__ import annotations

import pytest

from forms.table.definition import FACTOR, FormDefinition
from forms.table.kinds import kind_of
from forms.table.numbers import SIGNIFICANT, format_number
from forms.table.registry import FORM_VERSIONS, form_for
from forms.table.versions.eip2021 import PRECISION


@pytest.mark.parametrize("version", FORM_VERSIONS)
def test_every_number_takes_its_decimals_from_the_unit_table(version: str) -> None:
    form: FormDefinition = form_for(version)
    explicit = {"zero.threshold"}  # a limit quoted from the notice (0.2, 0.3), printed as quoted
    for f in form.fields:
        if not f.is_numeric or f.key in explicit:
            continue
        if f.role == FACTOR:
            assert f.decimals == SIGNIFICANT, f.key
        elif f.kind in ("integer", "year"):
            assert f.decimals == 0, f.key
        else:
            assert f.unit in PRECISION.by_unit, f"{f.key}: unit {f.unit!r} has no declared precision"
            assert f.decimals == PRECISION.by_unit[f.unit] == form.decimals(f.key), f.key


def test_the_table() -> None:
    form = form_for()
    assert {u: form.unit_decimals(u) for u in ("tCO2", "万tCO2", "tce", "万元", "亿元", "%", "km²", "t")} == {
        "tCO2": 2, "万tCO2": 2, "tce": 2, "万元": 2, "亿元": 2, "%": 2, "km²": 2, "t": 2}  # fmt: skip
    assert form.decimals("intensity.co2_per_iva") == 4 and form.decimals("basic.enterprises_above_scale") == 0


def test_factors_show_their_own_significant_digits() -> None:
    assert [format_number(v, SIGNIFICANT) for v in (0.03412, 1.229, 0.7143, 13.299999999999999, 2.0, 29.3076)] == [
        "0.03412", "1.229", "0.7143", "13.3", "2", "29.3076"]  # fmt: skip
    assert kind_of("number").format(0.000123456789, SIGNIFICANT) == "0.000123457"
