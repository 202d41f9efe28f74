"""Key projects' yearly progress (``report.projects[].progress``) and the ``measures`` figures per year.

Specified in shared/spec/annual-cycle.md ("Projects and their progress").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forms.park.model import Raw
from forms.report.projects import STATUSES, project_number
from forms.table.numbers import parse_number

RUNNING = ("实施中", "已完成")


def _number(raw: Raw) -> float:
    """A progress figure; blank (or not a number) counts as 0."""
    parsed = parse_number(raw)
    return 0.0 if parsed.error or parsed.value is None else float(parsed.value)


def progress_years(projects: Sequence[dict[str, Any]]) -> list[str]:
    years: set[str] = set()
    for p in projects:
        progress = p.get("progress")
        if isinstance(progress, dict):
            years.update(str(y) for y in progress)
    return sorted(years)


def measures(projects: Sequence[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """``{"<year>": {"count.<status>": n, …, "reduction_actual", "reduction_planned", "achievement"}}``."""
    out: dict[str, dict[str, float | None]] = {}
    for year in progress_years(projects):
        counts = dict.fromkeys(STATUSES, 0)
        actual = planned = 0.0
        for p in projects:
            progress = p.get("progress")
            entry = progress.get(year) if isinstance(progress, dict) else None
            if not isinstance(entry, dict):
                continue
            status = entry.get("status")
            if isinstance(status, str) and status in counts:  # (any other value is check's to report)
                counts[status] += 1
            actual += _number(entry.get("reduction"))
            if status in RUNNING:
                planned += project_number(p, "reduction") or 0.0
        figures: dict[str, float | None] = {f"count.{s}": n for s, n in counts.items()}
        figures["reduction_actual"] = actual
        figures["reduction_planned"] = planned
        figures["achievement"] = actual / planned * 100 if planned else None
        out[year] = figures
    return out
