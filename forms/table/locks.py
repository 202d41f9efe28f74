"""Locked factors: a filed year keeps its numbers (shared/spec/annual-cycle.md K).

Marking the park 定稿 or exporting it for submission locks, for every year not locked yet, the library
factors the year uses (:func:`locks_to_add`).  A locked year computes from its lock whatever library is
installed.  When a new library (program update, imported factor table) would give a locked year other
factors, :func:`lock_differences` lists them with the year's totals under the locked and the new factors;
the window applies a year's new lock only when the clerk confirms.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.park.model import ParkData
from forms.table.calc import compute_year
from forms.table.factors import FactorLibrary, library, make_lock
from forms.table.registry import form_for

REASON_FINAL = "定稿"
REASON_EXPORT = "报送导出"
REASON_NEW_LIBRARY = "确认采用新因子库"


@dataclass(frozen=True)
class FactorChange:
    key: str
    label: str
    old: float | None
    new: float | None


@dataclass(frozen=True)
class LockDifference:
    """One locked year whose factors differ under the current library."""

    year: int
    old_total: float | None
    new_total: float | None
    changes: tuple[FactorChange, ...]
    new_lock: dict[str, Any]
    old_lock: dict[str, Any]


def locks_to_add(park: ParkData, reason: str, at: str, lib: FactorLibrary | None = None) -> dict[int, dict[str, Any]]:
    """The locks for the years that have none yet (locked years keep theirs)."""
    lib = lib or library()
    version = lib.version.label
    out: dict[int, dict[str, Any]] = {}
    for year in park.sorted_years():
        if park.years[year].locked_factors:
            continue
        out[year] = make_lock(compute_year(park, year, lib).factors, at=at, reason=reason, version=version)
    return out


def _emissions(park: ParkData, year: int, result: Any) -> float | None:
    form = form_for(park.years[year].form)
    value = result.computed.get(form.emissions_key)
    return value if isinstance(value, (int, float)) else None


def lock_differences(park: ParkData, at: str, lib: FactorLibrary | None = None) -> list[LockDifference]:
    """Per locked year whose locked factors differ from what ``lib`` gives now: old and new totals."""
    lib = lib or library()
    version = lib.version.label
    out: list[LockDifference] = []
    for year in park.sorted_years():
        lock = park.years[year].locked_factors
        if not lock:
            continue
        locked_result = compute_year(park, year, lib)
        free = park.copy()
        free.years[year].locked_factors = None
        new_result = compute_year(free, year, lib)
        changes: list[FactorChange] = []
        for key, entry in (lock.get("factors") or {}).items():
            new = new_result.factors.get(key)
            if new is None or new.origin != "default":
                continue  # an override now, or a key the form no longer has: the lock does not matter
            if new.value != entry.get("value"):
                form = form_for(park.years[year].form)
                label = form.field(key).label if key in form else key
                changes.append(FactorChange(key, label, entry.get("value"), new.value))
        if not changes:
            continue
        new_lock = make_lock(new_result.factors, at=at, reason=REASON_NEW_LIBRARY, version=version)
        out.append(LockDifference(year, _emissions(park, year, locked_result), _emissions(park, year, new_result),
                                  tuple(changes), new_lock, dict(lock)))  # fmt: skip
    return out
