"""The in-memory shape of one park's draft, mirroring the park file (``format: parkcarbon/1``).

Raw values are kept exactly as typed: a JSON number stays a number, text stays text.  Parsing happens
in calculation and validation, never by rewriting what the clerk entered.
"""

from __future__ import annotations

from typing import Any, ClassVar

Raw = Any  # str | int | float | None: what was typed, unchanged


class _Record:
    """Equality and repr over the attributes named in ``_fields``, as ``@dataclass`` would give.

    Written out by hand because the model is loaded at every start of the window and a dataclass costs
    ~0.4 ms to create (it compiles its methods at import).  Mutable, so not hashable — like a dataclass.
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._fields)

    def __repr__(self) -> str:
        parts = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({parts})"


class FactorOverride(_Record):
    """A factor value chosen by the user, with the source they state for it."""

    _fields = ("value", "source")

    def __init__(self, value: Raw, source: str = "") -> None:
        self.value = value
        self.source = source

    def to_json(self) -> dict[str, Raw]:
        return {"value": self.value, "source": self.source}


class YearData(_Record):
    """One year's table: typed values, factor overrides, warning explanations and header texts."""

    _fields = ("values", "factors", "explanations", "meta", "form")

    def __init__(
        self,
        values: dict[str, Raw] | None = None,
        factors: dict[str, FactorOverride] | None = None,
        explanations: dict[str, str] | None = None,
        meta: dict[str, Raw] | None = None,
        form: str = "eip-2021",
    ) -> None:
        self.values: dict[str, Raw] = {} if values is None else values
        self.factors: dict[str, FactorOverride] = {} if factors is None else factors
        self.explanations: dict[str, str] = {} if explanations is None else explanations
        self.meta: dict[str, Raw] = {} if meta is None else meta
        self.form = form

    def raw(self, key: str) -> Raw:
        if key in self.values:
            return self.values[key]
        return self.meta.get(key)


class ReportData(_Record):
    """The special report: section texts, the key-project list and projection scenarios."""

    _fields = ("outline", "sections", "projects", "scenarios", "extra")

    def __init__(
        self,
        outline: str = "eip-2021",
        sections: dict[str, str] | None = None,
        projects: list[dict[str, Raw]] | None = None,
        scenarios: dict[str, dict[str, dict[str, Raw]]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.outline = outline
        self.sections: dict[str, str] = {} if sections is None else sections
        self.projects: list[dict[str, Raw]] = [] if projects is None else projects
        self.scenarios: dict[str, dict[str, dict[str, Raw]]] = {} if scenarios is None else scenarios
        self.extra: dict[str, Any] = {} if extra is None else extra  # outline customisations, final flag …

    def to_json(self) -> dict[str, Any]:
        from copy import deepcopy

        data: dict[str, Any] = {"outline": self.outline, "sections": dict(self.sections)}
        data["projects"] = deepcopy(self.projects)
        data["scenarios"] = deepcopy(self.scenarios)
        data.update(deepcopy(self.extra))
        return data


class ParkData(_Record):
    """One park's whole draft."""

    _fields = ("park", "years", "report", "form")

    def __init__(
        self,
        park: dict[str, Raw] | None = None,
        years: dict[int, YearData] | None = None,
        report: ReportData | None = None,
        form: str = "eip-2021",
    ) -> None:
        self.park: dict[str, Raw] = {} if park is None else park
        self.years: dict[int, YearData] = {} if years is None else years
        self.report = ReportData() if report is None else report
        self.form = form

    @property
    def name(self) -> str:
        return str(self.park.get("park.name") or "")

    def sorted_years(self) -> list[int]:
        return sorted(self.years)

    def copy(self) -> ParkData:
        from copy import deepcopy

        return deepcopy(self)
