"""Spreadsheet formulas from the definition's expressions: "—" (unavailable) never reaches an operator."""

from __future__ import annotations

import re

from export.xlsx.workbook import _maybe_unavailable
from forms.table.expr import parse_formula, to_excel_guarded
from forms.table.registry import form_for

FORM = form_for("eip-2021")


def _ref(key: str) -> str:
    return "[" + key + "]"


def test_ratio_times_100_is_guarded_once_around_the_whole_formula() -> None:
    expr = parse_formula("ratio(emissions.power, emissions.total) * 100")
    assert (
        to_excel_guarded(expr, _ref) == 'IF(N([emissions.total])=0,"—",(([emissions.power])/([emissions.total]))*100)'
    )
    # the stand-alone translation (used elsewhere) is unchanged
    assert expr.to_excel(_ref) == 'IF(N([emissions.total])=0,"—",([emissions.power])/([emissions.total]))*100'


def test_plain_formulas_stay_plain() -> None:
    expr = parse_formula("(energy.diesel - energy.diesel.feedstock) * factor.co2.diesel")
    assert to_excel_guarded(expr, _ref) == "([energy.diesel]-[energy.diesel.feedstock])*[factor.co2.diesel]"
    assert to_excel_guarded(parse_formula("emissions.total / 10000"), _ref) == "[emissions.total]/10000"


def test_division_by_a_key_and_unavailable_operands_are_tested() -> None:
    expr = parse_formula("a / b + c")
    text = to_excel_guarded(expr, _ref, lambda k: k == "c")
    assert text == 'IF(OR(NOT(ISNUMBER([c])),N([b])=0),"—",[a]/[b]+[c])'


def test_ratio_as_divisor_keeps_its_parentheses() -> None:
    # the test of the ratio as a divisor sits inside the test of its own denominator: OR() evaluates every
    # argument, so N(a/b)=0 beside N(b)=0 would give #DIV/0! when b is 0
    expr = parse_formula("x / ratio(a, b)")
    assert to_excel_guarded(expr, _ref) == 'IF(N([b])=0,"—",IF(N((([a])/([b])))=0,"—",[x]/(([a])/([b]))))'


def test_year_language_functions_translate_with_their_guards() -> None:
    expr = parse_formula("growth(a@year, a@prev) / growth(v@year, v@prev)")
    text = to_excel_guarded(expr, _ref, lambda k: "@" in k)
    assert text == (
        "IF(OR(NOT(ISNUMBER([a@prev])),NOT(ISNUMBER([a@year])),NOT(ISNUMBER([v@prev])),NOT(ISNUMBER([v@year])),"
        'N([a@prev])=0,N([v@prev])=0),"—",IF(N(((([v@year])/([v@prev])-1)*100))=0,"—",'
        "((([a@year])/([a@prev])-1)*100)/((([v@year])/([v@prev])-1)*100)))"
    )
    assert expr.evaluate({"a@year": 110.0, "a@prev": 100.0, "v@year": 120.0, "v@prev": 100.0}) == (
        (110.0 / 100.0 - 1) * 100 / ((120.0 / 100.0 - 1) * 100)
    )
    assert expr.evaluate({"a@year": 110.0, "a@prev": 100.0, "v@year": 100.0, "v@prev": 100.0}) is None
    p = parse_formula("pow(nonneg(x), 0.5) + positive(y)")
    assert p.evaluate({"x": 4.0, "y": 1.0}) == 3.0
    assert p.evaluate({"x": -4.0, "y": 1.0}) is None
    assert p.evaluate({"x": 4.0, "y": 0.0}) is None


def test_every_form_formula_translates_with_no_text_in_arithmetic() -> None:
    unavailable = _maybe_unavailable(FORM)
    for f in FORM.computed_order:
        assert f.expr is not None
        text = to_excel_guarded(f.expr, _ref, unavailable.__contains__)
        assert text.count("(") == text.count(")"), f.key
        if '"—"' in text:
            assert text.startswith("IF(") and text.endswith(")"), f.key
            assert text.count('"—"') == 1, f.key  # one test, around the whole formula
        assert not re.search(r'"—"\)?[*+/-]', text), f.key
    assert {"intensity.co2_per_iva", "share.power", "intensity.nonfossil_share"} <= unavailable
    assert "emissions.total" not in unavailable
