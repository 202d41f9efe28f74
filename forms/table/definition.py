"""The building blocks of a form definition: fields, rows, sections, rules.

A form version (``eip-2021`` …) is an instance of :class:`FormDefinition` built from plain data in its
own module.  Everything downstream — the window, the database, validation, the Excel workbook, the PDF
tables, the park-file keys — reads this object; none of them knows a row by heart.

The records are named tuples and the definition a plain class rather than frozen dataclasses: a frozen
dataclass costs 0.7–1.4 ms to create at import (it compiles its methods), paid at every start of the window.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cached_property
from types import MappingProxyType
from typing import NamedTuple

from forms.table.expr import Expr, parse_formula
from forms.table.kinds import Kind, kind_of
from forms.table.numbers import SIGNIFICANT

# roles
INPUT = "input"
COMPUTED = "computed"
FACTOR = "factor"

# groups: where the value lives in the park file
PARK = "park"
META = "meta"
VALUES = "values"

ERROR = "error"
WARNING = "warning"


_PARSED: dict[str, Expr] = {}


def _parse(formula: str) -> Expr:
    parsed = _PARSED.get(formula)
    if parsed is None:
        parsed = _PARSED[formula] = parse_formula(formula)
    return parsed


class Rule(NamedTuple):
    """A validation rule: ``check`` names a function in :mod:`forms.rules`; ``params`` configure it."""

    check: str
    level: str = ERROR
    params: Mapping[str, object] = MappingProxyType({})


class Field(NamedTuple):
    """One value of the form: an input, a computed value or a factor."""

    key: str
    label: str
    unit: str = ""
    kind: str = "number"
    role: str = INPUT
    group: str = VALUES
    formula: str | None = None
    options: tuple[str, ...] = ()
    rules: tuple[Rule, ...] = ()
    help: str = ""
    # display decimals: None = the form's precision table by unit (set when the definition is built); an
    # explicit value only where the number is not a measurement (a limit quoted from the notice)
    decimals: int | None = None
    default_ref: str | None = None  # for factors: where the shipped default comes from
    indicative: bool = False  # shown as 示意值 (indicative only)
    blank_is_missing: bool = False  # an input left blank is "not reported" (not 0): formulas using it give None

    @property
    def expr(self) -> Expr | None:
        """The parsed formula (parsed once per formula text, on first use)."""
        if not self.formula:
            return None
        return _parse(self.formula)

    @property
    def is_input(self) -> bool:
        return self.role == INPUT

    @property
    def is_computed(self) -> bool:
        return self.role == COMPUTED

    @property
    def is_factor(self) -> bool:
        return self.role == FACTOR

    @property
    def kind_type(self) -> Kind:
        """The kind object (parse / check / format / describe / editor) for :attr:`kind` and :attr:`options`."""
        return kind_of(self.kind, self.options)

    @property
    def is_numeric(self) -> bool:
        return self.kind_type.numeric


class Precision(NamedTuple):
    """How many decimals every output prints, per unit — declared once per form version.

    Display only: stored and computed values keep their full precision.  Factors (role ``factor``) print
    their own significant digits (:data:`~forms.table.numbers.SIGNIFICANT`, at most six), never padded or cut
    to a unit's decimals; ``integer`` and ``year`` fields print none.
    """

    by_unit: Mapping[str, int] = MappingProxyType({})
    default: int = 2

    def decimals(self, unit: str) -> int:
        return self.by_unit.get(unit, self.default)

    def of(self, field: Field) -> int:
        """The display decimals of a field the definition left to the table."""
        places = field.kind_type.places  # whole-number kinds (integer, year) print no decimals
        if places is not None:
            return places
        if field.role == FACTOR:
            return SIGNIFICANT
        return self.decimals(field.unit)


_NO_TABLE = Precision()


class Column(NamedTuple):
    """A column of the paper table (序号 / 指标 / 单位 are implicit)."""

    id: str
    label: str


class Row(NamedTuple):
    """A line of the paper table; ``cells`` maps column ids to field keys."""

    label: str
    unit: str
    cells: Mapping[str, str]
    indent: int = 0
    note: str = ""

    @property
    def main_key(self) -> str:
        return next(iter(self.cells.values()))


class Subtotal(NamedTuple):
    """A 小计 line at the end of a section: column id -> formula over the section's cells.

    Shown in the window, the workbook (a live formula) and the PDF tables; never a calc key.
    """

    id: str
    label: str
    cells: Mapping[str, str]

    def expr(self, column: str) -> Expr:
        return _parse(self.cells[column])


class Section(NamedTuple):
    id: str
    title: str
    group: str
    rows: tuple[Row, ...]
    note: str = ""
    subtotals: tuple[Subtotal, ...] = ()


class TrendMetric(NamedTuple):
    """A multi-year indicator as a formula of the year language (see :mod:`forms.table.trend`).

    ``formula`` names ``key@year``, ``key@prev``, ``key@first``, ``key@last`` and the numbers ``year``,
    ``first``, ``last``.  ``each_year`` gives one value per filed year (the first year is left out when the
    formula looks back with ``@prev``); ``reduce`` ("peak_year") turns that series into one year.
    """

    key: str
    label: str
    unit: str
    formula: str = ""
    each_year: bool = False
    reduce: str | None = None
    note: str = ""

    @property
    def expr(self) -> Expr:
        return _parse(self.formula)


class Roles(NamedTuple):
    """Keys and sections with a meaning of their own, declared by the form version."""

    name: str
    management_body: str
    contact: tuple[str, str, str]  # contact person, phone, e-mail
    filler_unit: str
    fill_date: str
    sink_section: str  # section id
    shares: tuple[tuple[str, str], ...]  # (share key, emission part key)
    areas: tuple[str, ...]
    reduction_metric: str  # key of a trend metric
    coefficient_column: str = ""  # column id of the conversion coefficients (折标系数, not emission factors)


class FormDefinition:
    """One version of the yearly table (``eip-2021`` …): its fields, the paper layout and the rules.

    Read-only once built; the derived lookups below are computed on first use.
    """

    def __init__(
        self,
        *,
        version: str,
        title: str,
        columns: tuple[Column, ...],
        sections: tuple[Section, ...],
        fields: tuple[Field, ...],
        yoy_keys: tuple[str, ...],
        yoy_metrics: tuple[TrendMetric, ...],
        trend_metrics: tuple[TrendMetric, ...],
        intensity_key: str,  # for the average annual reduction
        value_added_key: str,
        energy_key: str,
        emissions_key: str,
        yoy_warning_keys: tuple[str, ...],
        year_rules: tuple[Rule, ...],
        roles: Roles,
        first_year: int = 2016,
        pollutant_keys: tuple[str, ...] = (),
        province_key: str = "",
        park_type_key: str = "",
        energy_intensity_key: str = "",
        edition: str = "",
        summary_keys: tuple[str, ...] = (),
        carbon_per_energy_key: str = "",
        required_years: tuple[int, ...] = (),
        precision: Precision = _NO_TABLE,
    ) -> None:
        put = self.__dict__.update  # past the read-only guard below
        fields = tuple(f if f.decimals is not None else f._replace(decimals=precision.of(f)) for f in fields)
        put(version=version, title=title, columns=columns, sections=sections, fields=fields)
        put(yoy_keys=yoy_keys, yoy_metrics=yoy_metrics, trend_metrics=trend_metrics, intensity_key=intensity_key)
        put(value_added_key=value_added_key, energy_key=energy_key, emissions_key=emissions_key)
        put(yoy_warning_keys=yoy_warning_keys, year_rules=year_rules, roles=roles, first_year=first_year)
        put(pollutant_keys=pollutant_keys, province_key=province_key, park_type_key=park_type_key)
        put(energy_intensity_key=energy_intensity_key, edition=edition, summary_keys=summary_keys)
        put(carbon_per_energy_key=carbon_per_energy_key, required_years=required_years, precision=precision)

    version: str
    title: str
    columns: tuple[Column, ...]
    sections: tuple[Section, ...]
    fields: tuple[Field, ...]
    yoy_keys: tuple[str, ...]
    yoy_metrics: tuple[TrendMetric, ...]  # trend.<key>.yoy for every key of yoy_keys
    trend_metrics: tuple[TrendMetric, ...]  # the other multi-year indicators
    intensity_key: str
    value_added_key: str
    energy_key: str
    emissions_key: str
    yoy_warning_keys: tuple[str, ...]
    year_rules: tuple[Rule, ...]
    roles: Roles
    first_year: int
    pollutant_keys: tuple[str, ...]  # 减污降碳: pollutants whose year-on-year change and synergy are tracked
    province_key: str  # roles: the park's province, its type, its energy intensity (code asks, never spells)
    park_type_key: str
    energy_intensity_key: str
    edition: str  # how the window names this version to a clerk (never the internal code)
    summary_keys: tuple[str, ...]  # computed keys shown in a year's summary besides the totals and intensities
    carbon_per_energy_key: str  # 单位能耗碳排放 (零碳园区), where the version has it
    required_years: tuple[int, ...]  # the years every park must file (the notice's 2016–2020 baseline)
    precision: Precision  # display decimals per unit (every output; display only)

    _ARGS = ("version", "title", "columns", "sections", "fields", "yoy_keys", "yoy_metrics", "trend_metrics",
             "intensity_key", "value_added_key", "energy_key", "emissions_key", "yoy_warning_keys", "year_rules",
             "roles", "first_year", "pollutant_keys", "province_key", "park_type_key", "energy_intensity_key",
             "edition", "summary_keys", "carbon_per_energy_key", "required_years", "precision")  # fmt: skip

    def extended(self, **changes: object) -> FormDefinition:
        """A new form version built on this one: the same definition with ``changes`` applied."""
        args = {name: getattr(self, name) for name in self._ARGS}
        args.update(changes)
        return FormDefinition(**args)

    # -- roles: what code outside forms/ asks for instead of spelling a key ---------------------------
    @property
    def name_key(self) -> str:
        return self.roles.name

    @property
    def management_body_key(self) -> str:
        return self.roles.management_body

    @property
    def contact_keys(self) -> tuple[str, str, str]:
        """(contact person, phone, e-mail) of the year header."""
        return self.roles.contact

    @property
    def filler_unit_key(self) -> str:
        return self.roles.filler_unit

    @property
    def fill_date_key(self) -> str:
        return self.roles.fill_date

    @property
    def structure_shares(self) -> tuple[tuple[str, str], ...]:
        """(share key, emission part key) of every structure share of the emissions total, in table order."""
        return self.roles.shares

    @cached_property
    def share_keys(self) -> frozenset[str]:
        return frozenset(share for share, _ in self.roles.shares)

    @property
    def sink_section(self) -> Section:
        return next(s for s in self.sections if s.id == self.roles.sink_section)

    @property
    def area_keys(self) -> tuple[str, ...]:
        """Land areas of the basic section: part of the park's profile rather than of the economic series."""
        return self.roles.areas

    @property
    def reduction_metric(self) -> TrendMetric:
        """The average annual reduction of the intensity (the trend metric quoted under the tables)."""
        return next(m for m in self.trend_metrics if m.key == self.roles.reduction_metric)

    def is_coefficient(self, key: str) -> bool:
        """Whether a factor is a conversion coefficient (系数) rather than an emission factor (因子)."""
        entry = self.row_of.get(key)
        return entry is not None and entry[2] == self.roles.coefficient_column

    def decimals(self, key: str) -> int:
        """Display decimals of a field (resolved from the precision table when the definition was built)."""
        d = self.by_key[key].decimals
        return self.precision.default if d is None else d

    def subtotal_decimals(self, sub: Subtotal, column: str) -> int:
        """Display decimals of a 小计 cell: those of the fields it adds up."""
        own = [self.decimals(n) for n in sorted(sub.expr(column).names()) if n in self.by_key]
        return max(own) if own else self.precision.default

    def unit_decimals(self, unit: str) -> int:
        """Display decimals of a figure in ``unit`` that is not a field (trend metrics, report tables)."""
        return self.precision.decimals(unit)

    def yoy_metric(self, key: str) -> TrendMetric | None:
        """The year-on-year change metric of ``key`` (one of ``yoy_keys``)."""
        return next((m for k, m in zip(self.yoy_keys, self.yoy_metrics, strict=True) if k == key), None)

    @property
    def peak_metric(self) -> TrendMetric | None:
        """The observed peak year of the emissions."""
        return next((m for m in self.trend_metrics if m.reduce == "peak_year"), None)

    @cached_property
    def all_trend_metrics(self) -> tuple[TrendMetric, ...]:
        return (*self.yoy_metrics, *self.trend_metrics)

    def subtotals(self) -> Iterator[tuple[Section, Subtotal]]:
        for section in self.sections:
            for sub in section.subtotals:
                yield section, sub

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"FormDefinition is read-only (tried to set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"FormDefinition is read-only (tried to delete {name!r})")

    def __repr__(self) -> str:
        return f"FormDefinition(version={self.version!r}, {len(self.fields)} fields)"

    @cached_property
    def by_key(self) -> Mapping[str, Field]:
        return MappingProxyType({f.key: f for f in self.fields})

    def field(self, key: str) -> Field:
        return self.by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self.by_key

    def fields_in(self, group: str, role: str | None = None) -> Iterator[Field]:
        for f in self.fields:
            if f.group == group and (role is None or f.role == role):
                yield f

    @cached_property
    def input_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.fields if f.role == INPUT and f.group == VALUES)

    @cached_property
    def blank_missing_keys(self) -> frozenset[str]:
        """Inputs whose blank means "not reported" rather than 0."""
        return frozenset(f.key for f in self.fields if f.blank_is_missing)

    @cached_property
    def meta_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.fields if f.group == META)

    @cached_property
    def park_keys(self) -> frozenset[str]:
        return frozenset(f.key for f in self.fields if f.group == PARK)

    @cached_property
    def factor_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.role == FACTOR)

    @cached_property
    def computed_order(self) -> tuple[Field, ...]:
        """Computed fields in an order where every input is computed before it is used."""
        computed = {f.key: f for f in self.fields if f.role == COMPUTED}
        order: list[Field] = []
        state: dict[str, int] = {}

        def visit(key: str, chain: tuple[str, ...]) -> None:
            if state.get(key) == 2:
                return
            if state.get(key) == 1:
                raise ValueError("formula cycle: " + " -> ".join((*chain, key)))
            state[key] = 1
            expr = computed[key].expr
            assert expr is not None, key
            for name in sorted(expr.names()):
                if name in computed:
                    visit(name, (*chain, key))
            state[key] = 2
            order.append(computed[key])

        for key in computed:
            visit(key, ())
        return tuple(order)

    def section_note(self, section_id: str) -> str:
        return next((s.note for s in self.sections if s.id == section_id), "")

    @cached_property
    def row_of(self) -> Mapping[str, tuple[Section, Row, str]]:
        """Field key -> (section, row, column id) for every field placed in the table."""
        out: dict[str, tuple[Section, Row, str]] = {}
        for section in self.sections:
            for row in section.rows:
                for column, key in row.cells.items():
                    out.setdefault(key, (section, row, column))
        return MappingProxyType(out)
