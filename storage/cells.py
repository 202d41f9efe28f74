"""A park as a flat set of *cells*: (kind, year, key) -> JSON-able value.

Every stored thing a clerk can change is one cell: a profile field, a year's value or header field, a
factor override, an explanation, a year (its form version), a report section, the project list, the
scenarios, a report extra.  History rows, whole-park replacement and "the park as of a time" all work on
cells, so they treat every kind the same way.  Pure Python; no SQL here.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from forms.park.model import FactorOverride, ParkData, ReportData, YearData
from forms.park.text_rules import normalize_name

PARK = "park"
VALUE = "value"
META = "meta"
FACTOR = "factor"
EXPLANATION = "explanation"
YEAR = "year"
SECTION = "section"
PROJECTS = "projects"
SCENARIOS = "scenarios"
EXTRA = "report_extra"
TARGETS_KEY = "~targets"  # the park's targets (ParkData.targets) live among the extra cells, under a key no
# report setting can have (report keys are identifiers), so no table of their own is needed
LOCK = "factor_lock"  # a year's locked factors (定稿 / export for submission), see forms.table.factors.make_lock
KINDS = (PARK, YEAR, VALUE, META, FACTOR, EXPLANATION, SECTION, PROJECTS, SCENARIOS, EXTRA, LOCK)

CellKey = tuple[str, int | None, str]


def encode(value: Any) -> str:
    """JSON text that gives back the same value and type (ASCII, so any string survives SQLite)."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


def decode(text: str) -> Any:
    """A stored JSON value; text that is not JSON is a damaged database (reported as such by the caller's
    translating_errors, never a traceback)."""
    try:
        return json.loads(text)
    except (TypeError, ValueError, RecursionError):
        raise sqlite3.DatabaseError("database disk image is malformed (stored JSON value)") from None


def park_to_cells(park: ParkData) -> dict[CellKey, Any]:
    cells: dict[CellKey, Any] = {}
    for key, raw in park.park.items():
        cells[(PARK, None, key)] = normalize_name(raw) if key == "park.name" and isinstance(raw, str) else raw
    for year in park.sorted_years():
        data = park.years[year]
        cells[(YEAR, year, "")] = data.form
        for key, raw in data.values.items():
            cells[(VALUE, year, key)] = raw
        for key, raw in data.meta.items():
            cells[(META, year, key)] = raw
        for key, override in data.factors.items():
            cells[(FACTOR, year, key)] = override.to_json()
        for key, text in data.explanations.items():
            cells[(EXPLANATION, year, key)] = text
        if data.locked_factors is not None:
            cells[(LOCK, year, "")] = data.locked_factors
    report = park.report
    for key, text in report.sections.items():
        cells[(SECTION, None, key)] = text
    if report.projects:
        cells[(PROJECTS, None, "")] = [dict(p) for p in report.projects]
    if report.scenarios:
        cells[(SCENARIOS, None, "")] = dict(report.scenarios)
    for key, value in report.extra.items():
        cells[(EXTRA, None, key)] = value
    if park.targets:
        cells[(EXTRA, None, TARGETS_KEY)] = [dict(t) for t in park.targets]
    return cells


def cells_to_park(cells: dict[CellKey, Any], form: str, outline: str) -> ParkData:
    """The park made of ``cells`` (in their order); cells of a year that is not there are ignored."""
    park = ParkData(form=form, report=ReportData(outline=outline))
    for (kind, year, _key), value in cells.items():
        if kind == YEAR and year is not None:
            park.years[year] = YearData(form=str(value))
    park.years = dict(sorted(park.years.items()))
    for (kind, year, key), value in cells.items():
        if kind == PARK:
            park.park[key] = value
        elif kind == LOCK:
            if year in park.years:
                park.years[year].locked_factors = dict(value)
        elif kind in (VALUE, META, FACTOR, EXPLANATION):
            data = park.years.get(year) if year is not None else None
            if data is None:
                continue
            if kind == VALUE:
                data.values[key] = value
            elif kind == META:
                data.meta[key] = value
            elif kind == FACTOR:
                data.factors[key] = FactorOverride(value.get("value"), value.get("source") or "")
            else:
                data.explanations[key] = value
        elif kind == SECTION:
            park.report.sections[key] = value
        elif kind == PROJECTS:
            park.report.projects = [dict(p) for p in value]
        elif kind == SCENARIOS:
            park.report.scenarios = dict(value)
        elif kind == EXTRA and key == TARGETS_KEY:
            park.targets = [dict(t) for t in value]
        elif kind == EXTRA:
            park.report.extra[key] = value
    return park
