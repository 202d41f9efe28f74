"""小计 lines: declared in the form definition, computed by the core, never calc keys."""

from __future__ import annotations

import json
import math

from forms.park.parkfile import read_park_file as load_park
from forms.table.calc import compute_park
from forms.table.registry import form_for
from tests.forms.helpers import DEMO

FORM = form_for("eip-2021")


def test_subtotals_are_declared_per_section_over_its_top_level_rows() -> None:
    declared = {section.id: [sub.label for sub in section.subtotals] for section in FORM.sections}
    assert declared["B"] == ["能源消费 小计"]
    assert declared["C"] == ["电力与热力 小计"]
    assert declared["D"] == ["工业生产过程排放 小计"]
    assert all(not labels for sid, labels in declared.items() if sid not in ("B", "C", "D"))
    for section, sub in FORM.subtotals():
        for column in sub.cells:
            rows = [r.cells[column] for r in section.rows if column in r.cells and r.indent == 0]
            assert sub.expr(column).names() == set(rows), (sub.id, column)


def test_subtotal_values_are_the_sums_of_their_rows() -> None:
    park = load_park(DEMO)
    result = compute_park(park)
    for yr in result.years.values():
        for section, sub in FORM.subtotals():
            for column in sub.cells:
                keys = [r.cells[column] for r in section.rows if column in r.cells and r.indent == 0]
                want = sum(yr.value(k) or 0.0 for k in keys)
                got = yr.subtotal(sub.id, column)
                assert got is not None and math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-9), (sub.id, column)
        # the energy subtotal of CO2 is the combustion total, the process one the process total
        assert yr.subtotal("subtotal.energy", "co2") == yr.computed["emissions.combustion"]
        assert math.isclose(yr.subtotal("subtotal.process", "co2") or 0, yr.computed["emissions.process"] or 0)
    assert result.years[2020].subtotal("subtotal.energy", "tce") not in (None, 0.0)


def test_subtotals_are_not_calc_keys() -> None:
    text = json.dumps(compute_park(load_park(DEMO)).to_json(), ensure_ascii=False)
    assert "subtotal" not in text and "小计" not in text
