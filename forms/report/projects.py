"""The key-project list (重点项目清单, outline section ch6.9 and 附表2) as structured rows.

A project is a dict of raw values as typed (park file ``report.projects``), keyed as in
shared/spec/parkfile.md: ``name``, ``content``, ``investment``, ``years``, ``reduction``, ``owner``.
The columns below are the single definition the window's editor, the table block and the PDF use.
Numbers parse like the year form (``1,200``, ``1.2万``, full-width digits); text is kept as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from forms.park.model import Raw
from forms.table.kinds import Kind, kind_of
from forms.table.numbers import is_blank, parse_number
from forms.table.registry import form_for

TEXT, NUMBER, PERIOD = kind_of("text"), kind_of("number"), kind_of("period")


@dataclass(frozen=True)
class ProjectColumn:
    key: str
    label: str
    kind: Kind = TEXT  # TEXT, NUMBER (an amount, never negative) or PERIOD (a year or a span of years)
    unit: str = ""
    required: bool = False

    @property
    def decimals(self) -> int:
        """The display precision of the column's unit, from the form definition (every output alike)."""
        return form_for().unit_decimals(self.unit)

    @property
    def heading(self) -> str:
        return f"{self.label}({self.unit})" if self.unit else self.label


PROJECT_COLUMNS: tuple[ProjectColumn, ...] = (
    ProjectColumn("name", "项目名称", required=True),
    ProjectColumn("content", "建设内容"),
    ProjectColumn("investment", "总投资", NUMBER, "万元"),
    ProjectColumn("years", "建设年限", PERIOD),
    ProjectColumn("reduction", "预计年减排量", NUMBER, "tCO2"),
    ProjectColumn("owner", "责任单位"),
)
# what the yearly cycle adds to a project (annual-cycle.md): the 重点任务 it serves and planned pollutant cuts;
# edited beside the list's columns, not printed in 附表2 (the progress has its own table)
PLAN_COLUMNS: tuple[ProjectColumn, ...] = (
    ProjectColumn("task", "重点任务"),
    ProjectColumn("reduction_so2", "计划削减二氧化硫", NUMBER, "t/a"),
    ProjectColumn("reduction_nox", "计划削减氮氧化物", NUMBER, "t/a"),
    ProjectColumn("reduction_pm", "计划削减颗粒物", NUMBER, "t/a"),
    ProjectColumn("reduction_vocs", "计划削减挥发性有机物", NUMBER, "t/a"),
)
COLUMN_BY_KEY = {c.key: c for c in (*PROJECT_COLUMNS, *PLAN_COLUMNS)}
TOTAL_KEYS = ("investment", "reduction")


@dataclass(frozen=True)
class ProjectIssue:
    index: int  # 0-based row
    key: str
    message: str  # Chinese, names the row and the column


def project_number(project: dict[str, Raw], key: str) -> float | None:
    """The parsed number of a numeric column; None when blank or invalid."""
    parsed = parse_number(project.get(key))
    return None if parsed.error else parsed.value


def is_empty_project(project: dict[str, Raw]) -> bool:
    return all(is_blank(project.get(c.key)) for c in PROJECT_COLUMNS)


def validate_projects(projects: Sequence[dict[str, Raw]]) -> list[ProjectIssue]:
    issues: list[ProjectIssue] = []
    for i, p in enumerate(projects):
        if is_empty_project(p):
            continue
        where = f"重点项目第 {i + 1} 行"
        for col in (*PROJECT_COLUMNS, *PLAN_COLUMNS):
            raw = p.get(col.key)
            if col.required and is_blank(raw):
                issues.append(ProjectIssue(i, col.key, f"{where}：{col.label}未填写"))
            checked = col.kind.parse(raw)
            if checked.error:  # a number's message follows its heading with the unit, a period's its label
                name = col.heading if col.kind.numeric else col.label
                issues.append(ProjectIssue(i, col.key, f"{where}：{name}{checked.error}"))
            elif col.kind.quantity and isinstance(checked.value, float) and checked.value < 0:
                issues.append(ProjectIssue(i, col.key, f"{where}：{col.heading}不能为负数"))
        unknown = set(p) - set(COLUMN_BY_KEY) - {"progress"}
        if unknown:
            issues.append(ProjectIssue(i, "", f"{where}：有未知字段 {'、'.join(sorted(unknown))}"))
        issues += [ProjectIssue(i, "progress", message) for message in progress_issues([p], first=i + 1)]
    return issues


def project_totals(projects: Sequence[dict[str, Raw]]) -> dict[str, float]:
    """Sums of the numeric columns over rows whose value parses (invalid cells are left out)."""
    totals = dict.fromkeys(TOTAL_KEYS, 0.0)
    for p in projects:
        for key in TOTAL_KEYS:
            v = project_number(p, key)
            if v is not None:
                totals[key] += v
    return totals


def format_cell(project: dict[str, Raw], col: ProjectColumn) -> str:
    """A cell as shown in tables: numbers formatted, text as typed, invalid numbers shown as typed."""
    raw = project.get(col.key)
    if is_blank(raw):
        return ""
    if col.kind.numeric:
        v = project_number(project, col.key)
        return col.kind.format(v, col.decimals) if v is not None else str(raw)
    return str(raw).strip()


def filled_projects(projects: Sequence[dict[str, Raw]]) -> list[dict[str, Raw]]:
    return [p for p in projects if not is_empty_project(p)]


STATUSES = ("未启动", "实施中", "已完成", "已取消")  # a project's status in a year (annual-cycle.md)
TASKS = tuple(f"ch6.{i}" for i in range(1, 9))  # the 重点任务 sections a project may serve


def progress_issues(projects: Sequence[dict[str, Any]], first: int = 1) -> list[str]:
    """Chinese messages for progress entries that cannot be read (row, year and field named)."""
    issues: list[str] = []
    for n, p in enumerate(projects, start=first):
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
                    f"重点项目“{name}” {year} 年的状态“{entry.get('status')}”未知（可选：{'、'.join(STATUSES)}）"
                )
            if parse_number(entry.get("reduction")).error:
                issues.append(f"重点项目“{name}” {year} 年的实际减排量“{entry.get('reduction')}”不是数字")
        if p.get("task") not in (None, "") and p.get("task") not in TASKS:
            issues.append(f"重点项目“{name}”的重点任务“{p.get('task')}”未知（可选：{'、'.join(TASKS)}）")
    return issues
