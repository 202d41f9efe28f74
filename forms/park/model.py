"""The in-memory shape of one park's draft, mirroring the park file (``format: parkcarbon/1``).

Raw values are kept exactly as typed: a JSON number stays a number, text stays text.  Parsing happens
in calculation and validation, never by rewriting what the clerk entered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Raw = Any  # str | int | float | None: what was typed, unchanged


@dataclass
class FactorOverride:
    """A factor value chosen by the user, with the source they state for it."""

    value: Raw
    source: str = ""

    def to_json(self) -> dict[str, Raw]:
        return {"value": self.value, "source": self.source}


@dataclass
class YearData:
    """One year's table: typed values, factor overrides, warning explanations and header texts."""

    values: dict[str, Raw] = field(default_factory=dict)
    factors: dict[str, FactorOverride] = field(default_factory=dict)
    explanations: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Raw] = field(default_factory=dict)
    form: str = "eip-2021"
    # the factors the year was filed with (定稿 / export for submission), see forms.table.factors.make_lock
    locked_factors: dict[str, Any] | None = None

    def raw(self, key: str) -> Raw:
        if key in self.values:
            return self.values[key]
        return self.meta.get(key)


@dataclass
class ReportData:
    """The special report: section texts, the key-project list and projection scenarios."""

    outline: str = "eip-2021"
    sections: dict[str, str] = field(default_factory=dict)
    projects: list[dict[str, Raw]] = field(default_factory=list)
    scenarios: dict[str, dict[str, dict[str, Raw]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # outline customisations, final flag …

    def to_json(self) -> dict[str, Any]:
        from copy import deepcopy

        data: dict[str, Any] = {"outline": self.outline, "sections": dict(self.sections)}
        data["projects"] = deepcopy(self.projects)
        data["scenarios"] = deepcopy(self.scenarios)
        data.update(deepcopy(self.extra))
        return data


@dataclass
class ParkData:
    """One park's whole draft."""

    park: dict[str, Raw] = field(default_factory=dict)
    years: dict[int, YearData] = field(default_factory=dict)
    report: ReportData = field(default_factory=ReportData)
    form: str = "eip-2021"
    targets: list[dict[str, Any]] = field(default_factory=list)  # 碳达峰碳中和目标 (park file)

    @property
    def name(self) -> str:
        return str(self.park.get("park.name") or "")

    def sorted_years(self) -> list[int]:
        return sorted(self.years)

    def copy(self) -> ParkData:
        from copy import deepcopy

        return deepcopy(self)
