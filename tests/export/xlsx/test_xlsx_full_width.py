"""Chinese text that reaches the window and the workbook takes full-width brackets and marks (“折标准煤（tce）”,
“外购（调入）电力”): the form definitions' displayed strings, and the factor library's citations as the workbook
prints them (read back with openpyxl).  Units stay as written (“tCO2/(公顷·年)”), and a workbook exported before,
with half-width brackets in its headers and citations, still imports with the same values and no override."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from export.xlsx.layout import FACTOR_SHEET
from export.xlsx.reader import read_workbook
from export.xlsx.workbook import write_workbook
from forms.park.parkfile import park_to_json
from forms.report.typography import chinese_punctuation
from forms.table.definition import FormDefinition
from forms.table.registry import FORM_VERSIONS, form_for
from tests.export.xlsx_support import demo_park

HALF_IN_CHINESE = re.compile(r"[\u4e00-\u9fff：，；、][()]|[()][\u4e00-\u9fff：，；、]")


def displayed_strings(form: FormDefinition) -> list[tuple[str, str]]:
    """(where, text) of every string of ``form`` the window or the workbook shows, units excepted."""
    out = [("title", form.title), ("edition", form.edition)]
    for f in form.fields:
        out += [(f"{f.key}.label", f.label), (f"{f.key}.help", f.help)]
        out += [(f"{f.key}.option", o) for o in f.options]
        out += [(f"{f.key}.{r.check}.hint", str(r.params.get("hint", ""))) for r in f.rules]
    for s in form.sections:
        out += [(f"{s.id}.title", s.title), (f"{s.id}.note", s.note)]
        out += [(f"{s.id}.row", r.label) for r in s.rows] + [(f"{s.id}.row_note", r.note) for r in s.rows]
        out += [(f"{s.id}.subtotal", t.label) for t in s.subtotals]
    out += [(f"column.{c.id}", c.label) for c in form.columns]
    for m in (*form.trend_metrics, *form.yoy_metrics):
        out += [(f"{m.key}.label", m.label), (f"{m.key}.note", m.note)]
    return [(where, text) for where, text in out if text]


@pytest.mark.parametrize("version", sorted(FORM_VERSIONS))
def test_the_definition_s_displayed_strings_have_full_width_marks_in_chinese_text(version: str) -> None:
    strings = displayed_strings(form_for(version))
    assert len(strings) > 100
    wrong = [(where, text) for where, text in strings if chinese_punctuation(text) != text]
    assert wrong == []


def test_units_keep_their_own_notation() -> None:
    units = {f.unit for f in form_for("eip-2021").fields}
    assert "tCO2/(公顷·年)" in units and "tCO2" in units


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workbook(demo_park(), tmp_path_factory.mktemp("book") / "book.xlsx")


def _typed(doc: object) -> set[str]:
    """Every text of a park file: what the clerk typed, printed as typed (never rewritten)."""
    if isinstance(doc, str):
        return {doc} if len(doc) > 2 else set()
    if isinstance(doc, dict):
        return {t for k, v in doc.items() for t in _typed(k) | _typed(v)}
    if isinstance(doc, list):
        return {t for v in doc for t in _typed(v)}
    return set()


def test_the_workbook_prints_labels_and_citations_with_full_width_marks(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    typed = _typed(park_to_json(demo_park()))
    checked = 0
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and not value.startswith("=") and not any(t in value for t in typed):
                    checked += 1
                    text = cell.value
                    for unit in ("tCO2/(公顷·年)",):  # a unit as written
                        text = text.replace(unit, "")
                    assert not HALF_IN_CHINESE.search(text), (ws.title, cell.coordinate, cell.value)
    assert checked > 1000
    sources = [c.value for c in wb[FACTOR_SHEET]["G"] if isinstance(c.value, str) and "《" in c.value]
    assert sources and any("（GB/T 2589-2020）" in s for s in sources)


def test_a_workbook_with_the_former_half_width_marks_still_imports_unchanged(book: Path, tmp_path: Path) -> None:
    """As exported before this change: headers, labels and library citations with "(" and ")"."""
    wb = openpyxl.load_workbook(book)
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "（" in cell.value and not cell.value.startswith("="):
                    cell.value = cell.value.replace("（", "(").replace("）", ")")
                    changed += 1
    assert changed > 100
    old = tmp_path / "former.xlsx"
    wb.save(old)
    result = read_workbook(old)
    assert result.ok, [r.text() for r in result.rejected][:5]
    park = demo_park()
    assert park_to_json(result.park)["years"] == park_to_json(park)["years"]
    assert all(not y.factors for y in result.park.years.values())  # no citation read as the clerk's own source
