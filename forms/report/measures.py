"""Key projects' yearly progress (``report.projects[].progress``) and the ``measures`` figures per year.

Specified in shared/spec/annual-cycle.md ("Projects and their progress").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from forms.park.model import Raw
from forms.report.projects import project_number
from forms.table.numbers import parse_number

STATUSES = ("未启动", "实施中", "已完成", "已取消")
RUNNING = ("实施中", "已完成")
TASKS = tuple(f"ch6.{i}" for i in range(1, 9))
POLLUTANT_CUTS = ("reduction_so2", "reduction_nox", "reduction_pm", "reduction_vocs")


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
            if status in counts:
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


def progress_issues(projects: Sequence[dict[str, Any]]) -> list[str]:
    """Chinese messages for progress entries that cannot be read (row, year and field named)."""
    issues: list[str] = []
    for n, p in enumerate(projects, start=1):
        progress = p.get("progress")
        if progress is None:
            continue
        name = str(p.get("name") or f"第 {n} 个项目")
        if not isinstance(progress, dict):
            issues.append(f"重点项目“{name}”的 progress 应为按年份的对象")
            continue
        for year, entry in progress.items():
            if not (isinstance(year, str) and year.isdigit() and len(year) == 4):
                issues.append(f"重点项目“{name}”的进展年份“{year}”不是四位数字年份")
                continue
            if not isinstance(entry, dict):
                issues.append(f"重点项目“{name}” {year} 年的进展应为对象")
                continue
            if entry.get("status") not in STATUSES:
                issues.append(
                    f"重点项目“{name}” {year} 年的状态“{entry.get('status')}”未知(可选：{'、'.join(STATUSES)})"
                )
            if parse_number(entry.get("reduction")).error:
                issues.append(f"重点项目“{name}” {year} 年的实际减排量“{entry.get('reduction')}”不是数字")
        if p.get("task") not in (None, "") and p.get("task") not in TASKS:
            issues.append(f"重点项目“{name}”的重点任务“{p.get('task')}”未知(可选：{'、'.join(TASKS)})")
    return issues
