"""Emission projection by scenario (outline sections ch4.2 and ch5.2; shared/spec/report-outline.md).

Transparent and LEAP-style: from the last filed year (the base year), per period the user sets the
annual growth of industrial value added (``iva_growth``, %) and the annual change of the CO2 intensity
per value added (``intensity_change``, %, negative = decline).  Each year::

    iva_y       = iva_{y-1} × (1 + iva_growth / 100)                (亿元)
    intensity_y = intensity_{y-1} × (1 + intensity_change / 100)    (tCO2/万元)
    emissions_y = iva_y × 10 000 × intensity_y                      (tCO2; 亿元 → 万元)

Periods are keyed ``"2021-2025"`` (a hyphen, en dash, em dash or ``～``/``至`` between the years).  A year
covered by no period uses the period that started most recently before it — the last period is carried
forward to 2060 — and a year before the first period uses the first period.  So a scenario needs only
the periods where something changes.

Scenarios live in the park file under ``report.scenarios``::

    {"基准情景": {"2021-2025": {"iva_growth": 8.0, "intensity_change": -3.0}, "2026-2030": {...}}}

Values are raw as typed (numbers or text such as ``"8%"``); they are parsed here and a value that does not
parse is reported, never guessed.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from forms.park.model import ParkData, Raw
from forms.table.calc import ParkResult
from forms.table.numbers import parse_number

TO_YEAR = 2060
BASELINE, POLICY = "基准情景", "政策情景"
PARAMS = (("iva_growth", "工业增加值年均增速", "%"), ("intensity_change", "单位工业增加值二氧化碳排放量年均变化", "%"))
PARAM_LABELS = {key: label for key, label, _ in PARAMS}
_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:-|–|—|－|～|~|至|到)\s*(\d{4})\s*(?:年)?\s*$")


class ScenarioError(ValueError):
    """A scenario that cannot be projected; the message is Chinese and names scenario, period and key."""


@dataclass(frozen=True)
class Period:
    start: int
    end: int
    iva_growth: float
    intensity_change: float

    @property
    def label(self) -> str:
        return f"{self.start}-{self.end}"


@dataclass(frozen=True)
class ProjectionPoint:
    year: int
    iva: float  # 亿元
    intensity: float  # tCO2/万元
    emissions: float  # tCO2


@dataclass(frozen=True)
class ProjectionResult:
    series: tuple[ProjectionPoint, ...]
    peak_year: int
    peak_value: float  # tCO2
    intensity_2025: float | None
    intensity_2030: float | None
    base_year: int = 0
    periods: tuple[Period, ...] = field(default=())

    def point(self, year: int) -> ProjectionPoint | None:
        for p in self.series:
            if p.year == year:
                return p
        return None

    @property
    def peaked_at_base(self) -> bool:
        """True when emissions never rise above the base year (already peaked or falling)."""
        return self.peak_year == self.base_year


def parse_period(label: str) -> tuple[int, int]:
    m = _PERIOD.match(str(label))
    if not m:
        raise ScenarioError(f"时段“{label}”的格式应为“2021-2025”")
    start, end = int(m.group(1)), int(m.group(2))
    if end < start:
        raise ScenarioError(f"时段“{label}”的结束年份早于起始年份")
    return start, end


def _param(raw: Raw, scenario: str, period: str, key: str) -> float:
    parsed = parse_number(raw, allow_percent=True)
    where = f"{scenario}“{period}”时段的{PARAM_LABELS.get(key, key)}"
    if parsed.error:
        raise ScenarioError(f"{where}：{parsed.error}")
    if parsed.value is None:
        raise ScenarioError(f"{where}未填写")
    if parsed.value <= -100:
        raise ScenarioError(f"{where}为 {raw}%，年均变化不能小于或等于 -100%")
    if parsed.value > 100:
        raise ScenarioError(f"{where}为 {raw}%，超过 100%，请核对")
    return parsed.value


def parse_scenario(name: str, scenario: Mapping[str, Any]) -> tuple[Period, ...]:
    """The periods of one scenario, sorted; raises :class:`ScenarioError` with a Chinese message."""
    if not isinstance(scenario, Mapping) or not scenario:
        raise ScenarioError(f"{name}没有设置任何时段")
    periods: list[Period] = []
    for label, params in scenario.items():
        try:
            start, end = parse_period(label)
        except ScenarioError as exc:
            raise ScenarioError(f"{name}：{exc}") from None
        if not isinstance(params, Mapping):
            raise ScenarioError(f"{name}“{label}”时段的参数应为对象")
        unknown = set(params) - set(PARAM_LABELS)
        if unknown:
            raise ScenarioError(f"{name}“{label}”时段有未知参数：{'、'.join(sorted(unknown))}")
        periods.append(Period(start, end, *(_param(params.get(k), name, label, k) for k, _, _ in PARAMS)))
    periods.sort(key=lambda p: p.start)
    for a, b in itertools.pairwise(periods):
        if b.start <= a.end:
            raise ScenarioError(f"{name}的时段“{a.label}”与“{b.label}”重叠")
    return tuple(periods)


def period_for(periods: tuple[Period, ...], year: int) -> Period:
    """The period governing ``year``: the one containing it, else the latest that started before it."""
    chosen = periods[0]
    for p in periods:
        if p.start <= year:
            chosen = p
    return chosen


def project(scenario: Mapping[str, Any], base_year: int, base_iva: float, base_intensity: float,
            to_year: int = TO_YEAR, *, name: str = "情景") -> ProjectionResult:  # fmt: skip
    """Project one scenario from the base year to ``to_year`` (the base year is the first point)."""
    if not (math.isfinite(base_iva) and math.isfinite(base_intensity)) or base_iva <= 0 or base_intensity < 0:
        raise ScenarioError("基准年工业增加值或单位工业增加值二氧化碳排放量不可用，无法预测")
    periods = parse_scenario(name, scenario)
    iva, intensity = float(base_iva), float(base_intensity)
    points = [ProjectionPoint(base_year, iva, intensity, iva * 1e4 * intensity)]
    for year in range(base_year + 1, to_year + 1):
        p = period_for(periods, year)
        iva *= 1 + p.iva_growth / 100
        intensity *= 1 + p.intensity_change / 100
        points.append(ProjectionPoint(year, iva, intensity, iva * 1e4 * intensity))
    peak = points[0]
    for pt in points:
        if pt.emissions > peak.emissions:
            peak = pt
    by_year = {pt.year: pt for pt in points}
    return ProjectionResult(
        series=tuple(points),
        peak_year=peak.year,
        peak_value=peak.emissions,
        intensity_2025=by_year[2025].intensity if 2025 in by_year else None,
        intensity_2030=by_year[2030].intensity if 2030 in by_year else None,
        base_year=base_year,
        periods=periods,
    )


def default_scenarios() -> dict[str, dict[str, dict[str, float]]]:
    """Starting values offered to a park with no scenarios of its own (the clerk adjusts them).

    基准情景 continues the "十三五" pattern (intensity falling about 3 % a year) and peaks around 2035;
    政策情景 adds the planned measures (intensity falling 5–8 % a year) and peaks around 2025.
    """
    growth = {"2021-2025": 7.0, "2026-2030": 5.0, "2031-2035": 4.0, "2036-2040": 3.0, "2041-2050": 2.0,
              "2051-2060": 1.5}  # fmt: skip
    base_change = {"2021-2025": -3.0, "2026-2030": -3.0, "2031-2035": -3.5, "2036-2040": -4.0, "2041-2050": -4.0,
                   "2051-2060": -4.0}  # fmt: skip
    policy_change = {"2021-2025": -5.0, "2026-2030": -6.0, "2031-2035": -7.0, "2036-2040": -8.0, "2041-2050": -8.0,
                     "2051-2060": -8.0}  # fmt: skip
    return {
        BASELINE: {p: {"iva_growth": g, "intensity_change": base_change[p]} for p, g in growth.items()},
        POLICY: {p: {"iva_growth": g, "intensity_change": policy_change[p]} for p, g in growth.items()},
    }


@dataclass(frozen=True)
class Base:
    year: int
    iva: float
    intensity: float


def projection_base(park: ParkData, result: ParkResult) -> Base | None:
    """The last filed year with both industrial value added and CO2 intensity available."""
    form = result.form
    for year in sorted(result.years, reverse=True):
        yr = result.years[year]
        iva, intensity = yr.value(form.value_added_key), yr.value(form.intensity_key)
        if iva and iva > 0 and intensity is not None and math.isfinite(intensity) and intensity >= 0:
            return Base(year, iva, intensity)
    return None


@dataclass
class ParkProjection:
    """All scenarios of one park, projected; ``errors`` name the scenario that could not be projected."""

    base: Base | None
    results: dict[str, ProjectionResult]
    errors: dict[str, str]
    defaults_used: bool


def scenarios_of(park: ParkData) -> tuple[dict[str, Any], bool]:
    """The park's scenarios, or the defaults (second item True) when it has none yet."""
    own = park.report.scenarios
    if own:
        return dict(own), False
    return dict(default_scenarios()), True


def project_scenarios(park: ParkData, result: ParkResult) -> ParkProjection:
    scenarios, defaults_used = scenarios_of(park)
    base = projection_base(park, result)
    results: dict[str, ProjectionResult] = {}
    errors: dict[str, str] = {}
    for name, scenario in scenarios.items():
        if base is None:
            errors[name] = "没有同时填报工业增加值并能计算排放强度的年份，无法预测"
            continue
        try:
            results[name] = project(scenario, base.year, base.iva, base.intensity, name=name)
        except ScenarioError as exc:
            errors[name] = str(exc)
    return ParkProjection(base, results, errors, defaults_used)


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _point_json(p: ProjectionPoint) -> dict[str, Any]:
    return {"year": p.year, "iva": _finite(p.iva), "intensity": _finite(p.intensity), "emissions": _finite(p.emissions)}


def projection_to_json(proj: ParkProjection) -> dict[str, Any]:
    out: dict[str, Any] = {
        "base_year": proj.base.year if proj.base else None,
        "base_iva": proj.base.iva if proj.base else None,
        "base_intensity": proj.base.intensity if proj.base else None,
        "defaults_used": proj.defaults_used,
        "scenarios": {},
        "errors": dict(proj.errors),
    }
    for name, r in proj.results.items():
        out["scenarios"][name] = {
            "series": [_point_json(p) for p in r.series],
            "peak_year": r.peak_year,
            "peak_value": _finite(r.peak_value),
            "intensity_2025": _finite(r.intensity_2025),
            "intensity_2030": _finite(r.intensity_2030),
        }
    return out


def project_park(park: ParkData, result: ParkResult) -> dict[str, Any]:
    """JSON-ready projection of every scenario of the park (used by ``python main.py calc``)."""
    return projection_to_json(project_scenarios(park, result))
