"""小计 lines in the year sheets: live formulas over the rows above, the app's values cached."""

from __future__ import annotations

import math
import re
from pathlib import Path

import openpyxl

from export.xlsx.layout import plan_year_sheet
from export.xlsx.reader import read_workbook
from export.xlsx.workbook import write_workbook
from forms.park.parkfile import park_to_json
from forms.table.calc import compute_park
from forms.table.registry import form_for
from tests.export.xlsx_support import demo_park

FORM = form_for("eip-2021")
PLAN = plan_year_sheet(FORM)


def test_subtotal_rows_are_formulas_with_cached_values(tmp_path: Path) -> None:
    park = demo_park()
    result = compute_park(park)
    path = write_workbook(park, tmp_path / "demo.xlsx")
    formulas = openpyxl.load_workbook(path)
    values = openpyxl.load_workbook(path, data_only=True)
    subs = list(FORM.subtotals())
    assert len(subs) == 3
    for year, yr in result.years.items():
        ws, wv = formulas[f"{year}年"], values[f"{year}年"]
        for section, sub in subs:
            for column in sub.cells:
                ref = PLAN.subtotal_cells[(sub.id, column)]
                row = int(re.sub(r"[A-Z]", "", ref))
                assert ws.cell(row, 2).value == sub.label
                text = ws[ref].value
                rows = [PLAN.cell_of[r.cells[column]] for r in section.rows if column in r.cells and r.indent == 0]
                assert text == "=SUM(" + ",".join(rows) + ")", (year, sub.id, column)
                cached = wv[ref].value
                expected = yr.subtotal(sub.id, column)
                assert isinstance(cached, float) and expected is not None
                assert math.isclose(cached, expected, rel_tol=1e-12), (year, sub.id, column)
    # the line comes right after its section's rows
    energy = next(s for s, sub in subs if sub.id == "subtotal.energy")
    last_row = max(int(re.sub(r"[A-Z]", "", PLAN.cell_of[k])) for k in energy.rows[-1].cells.values())
    assert PLAN.subtotal_cells[("subtotal.energy", "co2")].endswith(str(last_row + 1))


def test_a_workbook_with_subtotals_reads_back_unchanged(tmp_path: Path) -> None:
    park = demo_park()
    back = read_workbook(write_workbook(park, tmp_path / "demo.xlsx"))
    assert back.ok, [r.text() for r in back.rejected]
    got, want = park_to_json(back.park), park_to_json(park)
    got.pop("report")
    want.pop("report")
    assert got == want
