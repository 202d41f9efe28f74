"""The park's carbon peak / neutrality targets (park file ``targets``) and their evaluation.

Specified in shared/spec/annual-cycle.md ("Targets").  A target names a per-year numeric key of the form
(input or computed), a kind — ``max`` (actual ≤ value), ``min`` (actual ≥ value), ``reduction`` (percentage cut
from ``base_year``) or ``peak`` (emissions peak no later than ``year``) — and the year it is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from forms.table.definition import COMPUTED, INPUT, VALUES, FormDefinition
from forms.table.numbers import format_number

KINDS = {"max": "不高于", "min": "不低于", "reduction": "较基准年下降", "peak": "碳达峰"}
FIRST_YEAR, LAST_YEAR = 2016, 2060
DONE, MISSED, PENDING = "达成", "未达成", "待评估"
_KEYS = {"indicator", "year", "kind", "base_year", "value", "set_in", "source", "explanation"}


class TargetError(ValueError):
    """A target that cannot be read; the message is Chinese and names the field."""


def indicator_keys(form: FormDefinition) -> list[str]:
    """The keys a target may name: every numeric per-year input or computed value of the form."""
    return [f.key for f in form.fields
            if f.group == VALUES and f.role in (INPUT, COMPUTED) and f.kind_type.quantity]  # fmt: skip


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise TargetError(f"{what}应为整数年份，而不是“{value}”")
    return int(value)


def parse_target(item: Any, forms: Sequence[FormDefinition]) -> dict[str, Any]:
    """Check one target's structure against the park's form versions; returns it with its fields as given."""
    if not isinstance(item, dict):
        raise TargetError("应为 JSON 对象")
    unknown = set(item) - _KEYS
    if unknown:
        raise TargetError(f"有未知的键“{sorted(unknown)[0]}”")
    indicator = item.get("indicator")
    known = {k for form in forms for k in indicator_keys(form)}
    if not isinstance(indicator, str) or indicator not in known:
        raise TargetError(f"指标“{indicator}”不是本园区表格中可设目标的年度数值项目")
    kind = item.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise TargetError(f"目标类型“{kind}”未知（可选：{'、'.join(KINDS)}）")
    year = _int(item.get("year"), "目标年份")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise TargetError(f"目标年份 {year} 超出 {FIRST_YEAR}—{LAST_YEAR} 年")
    if kind == "reduction":
        if item.get("base_year") is None:
            raise TargetError("下降目标须给出基准年（base_year）")
        base = _int(item.get("base_year"), "基准年")
        if base >= year:
            raise TargetError(f"基准年 {base} 应早于目标年份 {year}")
    elif item.get("base_year") is not None:
        _int(item.get("base_year"), "基准年")
    if kind == "peak" and indicator != forms[0].emissions_key:
        raise TargetError(f"碳达峰目标的指标应为“{forms[0].field(forms[0].emissions_key).label}”")
    value = item.get("value")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise TargetError(f"目标值应为数字，而不是“{value}”")
    if item.get("set_in") is not None:
        _int(item.get("set_in"), "提出年份（set_in）")
    for key in ("source", "explanation"):
        if item.get(key) is not None and not isinstance(item.get(key), str):
            raise TargetError(f"{key} 应为文字")
    return dict(item)


@dataclass(frozen=True)
class TargetResult:
    indicator: str
    year: int
    kind: str
    target: float | int | None
    actual: float | int | None
    achieved: bool | None
    gap: float | None
    status: str

    def to_json(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "year": self.year, "kind": self.kind, "target": self.target,
                "actual": self.actual, "achieved": self.achieved, "gap": self.gap, "status": self.status}  # fmt: skip


def _value(result: Any, key: str, year: int) -> float | None:
    yres = result.years.get(year)
    return None if yres is None else yres.value(key)


def evaluate_target(target: dict[str, Any], result: Any) -> TargetResult:
    """One target against the computed park (``forms.table.calc.ParkResult``), literally as the spec says."""
    indicator, year, kind = str(target["indicator"]), int(target["year"]), str(target["kind"])
    goal = target.get("value")  # printed as given
    filed = sorted(result.years)
    actual: float | None = None
    achieved: bool | None = None
    gap: float | None = None
    if kind == "peak":
        peak = result.trend.get("trend.peak_year")
        actual = peak if isinstance(peak, int | float) else None
        totals = {y: _value(result, result.form.emissions_key, y) for y in filed}
        before = [e for y, e in totals.items() if y <= year and e is not None]
        after = [e for y, e in totals.items() if y > year and e is not None]
        if year in result.years and before and after:
            achieved = max(after) <= max(before)
    else:
        if kind == "reduction":
            base = int(target["base_year"])
            x_year, x_base = _value(result, indicator, year), _value(result, indicator, base)
            if x_year is not None and x_base is not None and x_base != 0:
                actual = (1 - x_year / x_base) * 100
        else:
            actual = _value(result, indicator, year)
        if actual is not None and goal is not None:
            achieved = actual <= goal if kind == "max" else actual >= goal
            gap = actual - goal
    status = PENDING if achieved is None else DONE if achieved else MISSED
    return TargetResult(indicator, year, kind, goal, actual, achieved, gap, status)


def evaluate_targets(targets: Sequence[dict[str, Any]], result: Any) -> list[TargetResult]:
    return [evaluate_target(t, result) for t in targets]


def describe(target: dict[str, Any], form: FormDefinition) -> str:
    """A target in words, e.g. "2025 年单位工业增加值二氧化碳排放量较 2020 年下降 18%"."""
    indicator = str(target.get("indicator", ""))
    label = form.field(indicator).label if indicator in form else indicator
    unit = form.field(indicator).unit if indicator in form else ""
    year, kind, value = target.get("year"), target.get("kind"), target.get("value")
    decimals = 0 if isinstance(value, int) or (isinstance(value, float) and value.is_integer()) else 2
    shown = "—" if value is None else format_number(float(value), decimals)
    if kind == "peak":
        return f"{year} 年前实现碳达峰"
    if kind == "reduction":
        return f"{year} 年{label}较 {target.get('base_year')} 年下降 {shown}%"
    return f"{year} 年{label}{KINDS.get(str(kind), '')} {shown} {unit}".rstrip()
