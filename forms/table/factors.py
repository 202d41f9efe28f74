"""The factor library: shipped defaults with their sources and confidence grades, and user overrides.

Defaults come from ``resources/factors/*.csv`` (copied from shared/reference/factors).  A form field
names where its default comes from with ``default_ref``:

- ``energy:<fuel>:tce`` / ``energy:<fuel>:co2`` — energy_factors.csv
- ``process:<key>`` — process_factors.csv
- ``sink:<key>`` — sink_factors.csv (indicative)
- ``grid`` — the regional grid factor of the park's province for the year
- ``const:<key>`` — constant_factors.csv
- ``none`` — no default: the user must enter one

The grid factor follows the data year (shared/spec/annual-cycle.md K): up to 2020 the 2012 regional
average; from 2021 the MEE/NBS regional average of the data year, else of the latest year before it that
the library ships.  Every grid value says which publication year it uses and why (:attr:`FactorValue.basis`).
A year whose factors were locked (定稿 or exported for submission) computes from its lock, never from the
library (:attr:`forms.park.model.YearData.locked_factors`).

The shipped tables carry a version and date (``resources/factors/VERSION``, :func:`library_version`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from forms.park.model import ParkData, Raw
from forms.resources import resources_dir
from forms.table.definition import Field, FormDefinition
from forms.table.numbers import parse_number

CONFIDENCE_ZH = {"A": "A 级（已见官方表格）", "B": "B 级（第三方引用）", "C": "C 级（未核实）", "D": "D 级（推算）"}
VERIFIED, UNVERIFIED, USER_VALUE = "已核实", "未核实", "填报单位提供"


def grade_of(confidence: str, coefficient: bool) -> str:
    """The library grade (A–D) of one factor.  An energy row grades its two numbers apart
    (``tce:A; CC/OF:D(proxy)``, ``A (tce: B)``): ``coefficient`` picks the 折标系数's grade."""
    grades: dict[str, str] = {}
    for part in re.split(r"[;；]", confidence):
        part = part.strip()
        labelled = re.match(r"([A-Za-z0-9/]+)\s*:\s*([A-D])\b", part)
        if labelled:
            grades.setdefault("tce" if labelled[1].lower() == "tce" else "co2", labelled[2])
            continue
        plain = re.match(r"([A-D])\b", part)
        if plain:
            grades.setdefault("co2", plain[1])
            inner = re.search(r"\(tce:\s*([A-D])\)", part)
            grades.setdefault("tce", inner[1] if inner else plain[1])
    first, second = ("tce", "co2") if coefficient else ("co2", "tce")
    return grades.get(first) or grades.get(second) or ""


def printed_grade(fv: FactorValue, coefficient: bool) -> str:
    """The grade as every output prints it: 已核实 (grade A, the official table seen) or 未核实; a value
    the filing unit typed is 填报单位提供.  Grade letters and the library's detail are for maintainers."""
    if fv.origin == "override":
        return USER_VALUE
    if fv.value is None or not fv.confidence:
        return ""
    return VERIFIED if grade_of(fv.confidence, coefficient) == "A" else UNVERIFIED


# grid_factors.csv kinds offered for data years >= 2021, by alternative (CDM baseline OM/BM, the ETS
# national factors, the fossil-only reference and carbon-footprint factors are never offered)
GRID_REGIONAL = "regional_average_electricity_CO2"
GRID_PROVINCIAL = "provincial_average_electricity_CO2"
GRID_NATIONAL = "national_average_electricity_CO2"
GRID_NATIONAL_EXCL = "national_excl_market_nonfossil_CO2"
LOCKABLE_ORIGINS = ("default",)


class LibraryVersion(NamedTuple):
    version: str
    date: str

    @property
    def label(self) -> str:
        """As printed in 关于 and the package manifest: ``2026.12.1(2026-12-01)``."""
        return f"{self.version}({self.date})" if self.date else self.version


@dataclass(frozen=True)
class FactorOption:
    """A value the user may pick instead of the default (e.g. another grid region)."""

    value: float
    label: str
    source: str
    confidence: str
    citation: str = ""
    basis: str = ""  # which publication year is used and why


@dataclass(frozen=True)
class FactorValue:
    key: str
    value: float | None
    unit: str
    source: str
    confidence: str  # A/B/C/D, or "用户" for an override
    origin: str  # "default" | "override" | "none"
    raw: Raw = None
    error: str | None = None  # an override that does not parse
    notes: str = ""
    indicative: bool = False
    citation: str = ""  # the printed citation of the official document
    basis: str = ""  # which publication year is used and why ("2024 年数据沿用 2023 年因子(最新发布)")
    locked: bool = False  # taken from the year's locked factors, not from the library

    @property
    def printed_source(self) -> str:
        """What outputs print: the citation, else the source text (a user override's own source)."""
        return self.citation or self.source

    @property
    def unverified(self) -> bool:
        return self.confidence.strip().upper().startswith("C")

    @property
    def grade(self) -> str:
        return self.confidence.split()[0].split(":")[-1][:1] if self.confidence else ""


_TABLES = {
    "energy": "energy_factors.csv",
    "process": "process_factors.csv",
    "sink": "sink_factors.csv",
    "const": "constant_factors.csv",
}


class MissingFactorError(LookupError):
    """A form field's ``default_ref`` names a row the factor library does not have: a mismatch between a form
    version and the shipped tables, said in Chinese with the form version, the year and the key."""

    def __init__(self, ref: str, *, key: str = "", year: int | None = None, form: str = "") -> None:
        self.ref, self.key, self.year, self.form = ref, key, year, form
        kind, _, rest = ref.partition(":")
        row = rest.partition(":")[0] if kind == "energy" else rest
        where = "，".join(part for part in (
            f"表格版本 {form}" if form else "", f"{year} 年" if year is not None else "", f"键 {key}" if key else ""
        ) if part)  # fmt: skip
        super().__init__(
            f"{where}：默认因子“{ref}”在排放因子库中不存在（{_TABLES.get(kind, '因子表')} 中没有“{row}”）。"
            "请在因子库中补充这一行，或改正表格定义中的因子引用。"
        )

    def __str__(self) -> str:  # LookupError would quote the message like a key
        return str(self.args[0])

    def in_form(self, form: FormDefinition) -> MissingFactorError:
        return MissingFactorError(self.ref, key=self.key, year=self.year, form=f"{form.version}“{form.edition}”")


@dataclass(frozen=True)
class _Entry:
    value: float | None
    unit: str
    source: str
    confidence: str
    notes: str
    citation: str = ""
    basis: str = ""


def _row(table: Mapping[str, dict[str, str]], key: str, ref: str) -> dict[str, str]:
    try:
        return table[key]
    except KeyError:
        raise MissingFactorError(ref) from None


def _citation_part(citation: str, which: str) -> str:
    """An energy row's citation names its two sources by label (``折标系数及低位发热量：…；单位热值含碳量及碳氧化率：…``
    or ``折标系数：…；排放因子：…``): the part(s) for ``which`` (折标系数 or 排放因子)."""
    parts = [part.partition("：") for part in citation.split("；")]
    if len(parts) < 2 or not all(sep for _, sep, _ in parts):
        return citation
    coefficient = which == "折标系数"
    mine = [rest.strip() for head, _, rest in parts if head.strip().startswith("折标系数") == coefficient]
    return "；".join(mine) or citation


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


class FactorLibrary:
    """The shipped tables of ``directory``; ``grid_text`` (an imported grid table, already checked by
    :mod:`forms.table.factor_import`) replaces the shipped grid table, ``grid_label`` names it."""

    def __init__(self, directory: Path, grid_text: str | None = None, grid_label: str = "") -> None:
        self.directory = directory
        self.energy = {r["key"]: r for r in _read(directory / "energy_factors.csv")}
        self.process = {r["key"]: r for r in _read(directory / "process_factors.csv")}
        self.sink = {r["key"]: r for r in _read(directory / "sink_factors.csv")}
        if grid_text is None:
            self.grid = _read(directory / "grid_factors.csv")
        else:
            self.grid = list(csv.DictReader(io.StringIO(grid_text.removeprefix("\ufeff"), newline="")))
        self.grid_label = grid_label if grid_text is not None else ""
        self.constants = {r["key"]: r for r in _read(directory / "constant_factors.csv")}
        self.provinces = {r["province"]: r for r in _read(directory / "province_regions.csv")}

    @property
    def version(self) -> LibraryVersion:
        """The shipped version, plus the imported grid table when there is one."""
        shipped = library_version(self.directory)
        if not self.grid_label:
            return shipped
        return LibraryVersion(f"{shipped.version}+{self.grid_label}", shipped.date)

    # -- defaults ---------------------------------------------------------------------------------
    def _entry(self, ref: str, province: str | None, year: int) -> _Entry:
        """The default for ``ref``.  Its ``notes`` are shown to the clerk, so the tables' ``notes`` columns (for
        the library's maintainers, in English) are not among them."""
        kind, _, rest = ref.partition(":")
        if kind == "energy":
            fuel, _, which = rest.partition(":")
            r = _row(self.energy, fuel, ref)
            if which == "tce":
                unit = "tce/t" if r["tce_unit"] == "kgce/kg" else "tce/万Nm³"
                scale = 10.0 if r["tce_unit"] == "kgce/m3" else 1.0
                value = _num(r["tce_per_unit"])
                src = r["source"].split("|")[-1].strip() if "|" in r["source"] else r["source"]
                return _Entry(None if value is None else value * scale, unit, src, r["confidence"], "",
                              _citation_part(r.get("citation", ""), "折标系数"))  # fmt: skip
            src = r["source"].split("|")[0].strip()
            return _Entry(_num(r["co2_per_unit"]), r["co2_unit"].replace("10^4Nm3", "万Nm³"), src,
                          r["confidence"], "", _citation_part(r.get("citation", ""), "排放因子"))  # fmt: skip
        if kind == "process":
            r = _row(self.process, rest, ref)
            return _Entry(_num(r["factor_value"]), r["factor_unit"], r["source"], r["confidence"], "",
                          r.get("citation", ""))  # fmt: skip
        if kind == "sink":
            r = _row(self.sink, rest, ref)
            return _Entry(_num(r["factor_tCO2_per_ha_per_yr"]), "tCO2/(公顷·年)", r["source"],
                          r["confidence"], "", r.get("citation", ""))  # fmt: skip
        if kind == "const":
            r = _row(self.constants, rest, ref)
            return _Entry(_num(r["value"]), r["unit"], r["source"], r["confidence"], "",
                          r.get("citation", ""))  # fmt: skip
        if kind == "grid":
            return self._grid_default(province, year)
        return _Entry(None, "", "无默认值：须由用户填写数值并注明来源", "", "")

    def grid_region(self, province: str | None, year: int) -> str:
        row = self.provinces.get(province or "")
        if row is None:
            return ""
        return row["region_2012"] if year <= 2020 else row["region_2021"]

    def _grid_rows(self, kind: str) -> list[dict[str, str]]:
        return [r for r in self.grid if r["kind"] == kind]

    def province_short(self, province: str | None) -> str:
        row = self.provinces.get(province or "")
        return row["short"] if row else (province or "")

    def grid_pick(self, kind: str, scope: str, year: int) -> tuple[dict[str, str] | None, str]:
        """The row of ``kind`` for ``scope`` (region, province short name or "" for national) by the data-year
        rule: the data year's value, else the latest year before it the library has.  Returns the row (or
        ``None``) and the reason in Chinese ("2024 年数据沿用 2023 年因子(最新发布)")."""
        rows = [r for r in self._grid_rows(kind) if not scope or r["region_or_scope"] == scope]
        rows = sorted((r for r in rows if r["year"].isdigit()), key=lambda r: int(r["year"]))
        before = [r for r in rows if int(r["year"]) <= year]
        if not before:
            return None, ""
        r = before[-1]
        used = int(r["year"])
        if used == year:
            return r, f"{year} 年数据采用 {used} 年因子（当年发布）"
        return r, f"{year} 年数据沿用 {used} 年因子（最新发布）"

    def _grid_default(self, province: str | None, year: int) -> _Entry:
        region = self.grid_region(province, year)
        if not region:
            why = (
                "未选择所在省份" if not province or province not in self.provinces else f"{province}无区域电网默认因子"
            )
            return _Entry(None, "tCO2/MWh", f"无默认值（{why}）：须选择电网排放因子并注明来源", "", "")
        if year <= 2020:
            rows = [r for r in self._grid_rows("regional_grid_average") if r["region_or_scope"] == region
                    and r["year"] == "2012"]  # fmt: skip
            r = rows[-1]
            basis = f"{year} 年数据采用 2012 年区域电网平均因子（2020 年及以前的数据年份统一采用）"
        else:
            picked, basis = self.grid_pick(GRID_REGIONAL, region, year)
            if picked is None:  # a year before the first shipped one cannot reach here (>= 2021)
                rows = sorted(self._grid_rows(GRID_REGIONAL), key=lambda r: int(r["year"]))
                picked = next(r for r in rows if r["region_or_scope"] == region)
                basis = f"{year} 年数据采用 {picked['year']} 年因子（本因子库最早的年份）"
            r = picked
        note = f"{region} {r['year']} 年平均排放因子。" + self.provinces[province or ""]["notes"]
        return _Entry(float(r["factor_tCO2_per_MWh"]), "tCO2/MWh", r["source"], r["confidence"], note,
                      r.get("citation", ""), basis)  # fmt: skip

    def grid_alternatives(self, province: str | None, year: int) -> tuple[list[FactorOption], list[str]]:
        """Data years >= 2021: the regional factors, the park's provincial factor, the national average and
        the national factor excluding market-traded non-fossil power, each by the data-year rule; and the
        notes on what the library lacks ("本因子库无湖北省级因子")."""
        options: list[FactorOption] = []
        notes: list[str] = []

        def add(kind: str, scope: str, label: str) -> str:
            row, basis = self.grid_pick(kind, scope, year)
            if row is None:
                return ""
            options.append(FactorOption(float(row["factor_tCO2_per_MWh"]), f"{label}({basis})",
                                        row["source"], row["confidence"], row.get("citation", ""), basis))  # fmt: skip
            return row["year"]

        own = self.grid_region(province, year)
        regions = list(dict.fromkeys(r["region_or_scope"] for r in self._grid_rows(GRID_REGIONAL)))
        regions.sort(key=lambda x: x != own)
        latest = ""
        for region in regions:
            used = add(GRID_REGIONAL, region, region)
            if region == own:
                latest = used
        short = self.province_short(province)
        if not province:
            notes.append("未选择所在省份：无法提供省级因子")
        else:
            used = add(GRID_PROVINCIAL, short, f"{short}省级")
            if not used:
                notes.append(f"本因子库无{short} {year} 年及以前的省级电力平均排放因子")
            elif latest and used < latest:
                notes.append(f"本因子库无{short} {latest} 年省级因子：省级因子沿用 {used} 年")
        if not add(GRID_NATIONAL, "", "全国平均"):
            notes.append(f"本因子库无 {year} 年及以前的全国电力平均排放因子")
        if not add(GRID_NATIONAL_EXCL, "", "全国（不含市场化交易的非化石能源电量）"):
            notes.append(f"本因子库无 {year} 年及以前的全国（不含市场化交易非化石能源）因子")
        return options, notes

    def default(self, field: Field, province: str | None, year: int) -> FactorValue:
        ref = field.default_ref or "none"
        try:
            entry = self._entry(ref, province, year)
        except MissingFactorError:
            raise MissingFactorError(ref, key=field.key, year=year) from None
        return FactorValue(field.key, entry.value, field.unit or entry.unit, entry.source, entry.confidence,
                           "default" if entry.value is not None else "none", notes=entry.notes,
                           indicative=field.indicative, citation=entry.citation, basis=entry.basis)  # fmt: skip

    def options(self, field: Field, province: str | None, year: int) -> list[FactorOption]:
        """Alternatives the window offers beside the default (never the CDM baseline factors)."""
        ref = field.default_ref or ""
        out: list[FactorOption] = []
        if ref == "grid" and year >= 2021:
            out += self.grid_alternatives(province, year)[0]
        elif ref == "grid":
            for r in self._grid_rows("regional_grid_average"):
                out.append(FactorOption(float(r["factor_tCO2_per_MWh"]), f"{r['region_or_scope']} {r['year']}",
                                        r["source"], r["confidence"], r.get("citation", "")))  # fmt: skip
            if year >= 2016:
                c = self.constants["grid_national"]
                out.append(FactorOption(float(c["value"]), c["name_zh"], c["source"], c["confidence"],
                                        c.get("citation", "")))  # fmt: skip
        elif ref == "energy:natural_gas:tce":
            out += [
                FactorOption(13.300, "油田天然气 1.3300 kgce/m³", "GB/T 2589-2020 附录A", "A"),
                FactorOption(12.143, "气田天然气 1.2143 kgce/m³", "GB/T 2589-2020 附录A", "A"),
            ]
        return out

    def option_notes(self, field: Field, province: str | None, year: int) -> list[str]:
        """What the options lack, said to the clerk (e.g. no provincial factor for the park's province)."""
        if field.default_ref == "grid" and year >= 2021:
            return self.grid_alternatives(province, year)[1]
        return []

    # -- resolution -------------------------------------------------------------------------------
    def resolve(self, form: FormDefinition, park: ParkData, year: int) -> dict[str, FactorValue]:
        """Every factor of the form for one year: the override when there is one, else the default."""
        province = park.park.get(form.province_key)
        province = province if isinstance(province, str) else None
        ydata = park.years.get(year)
        overrides = ydata.factors if ydata else {}
        locked = locked_entries(ydata.locked_factors if ydata else None)
        out: dict[str, FactorValue] = {}
        for key in form.factor_keys:
            field = form.field(key)
            try:
                default = self.default(field, province, year)
            except MissingFactorError as exc:
                raise exc.in_form(form) from None
            if key in locked:
                default = from_lock(field, locked[key], default)
            ov = overrides.get(key)
            if ov is None:
                out[key] = default
                continue
            parsed = parse_number(ov.value)
            if parsed.blank:
                out[key] = default
                continue
            out[key] = FactorValue(key, parsed.value, default.unit, ov.source.strip(), "用户", "override",
                                   raw=ov.value, error=parsed.error, notes=f"默认值：{default.value}",
                                   indicative=field.indicative)  # fmt: skip
        return out


@lru_cache(maxsize=4)
def _load(directory: str, grid_text: str | None, grid_label: str) -> FactorLibrary:
    return FactorLibrary(Path(directory), grid_text, grid_label)


_imported_grid: tuple[str, str] | None = None  # (checked CSV text, label) of an imported grid table


def use_grid_table(text: str | None, label: str = "") -> None:
    """Use an imported grid table (checked by forms.table.factor_import) instead of the shipped one;
    ``None`` goes back to the shipped table."""
    global _imported_grid
    _imported_grid = None if text is None else (text, label or "导入的电网因子表")


def library(directory: Path | None = None) -> FactorLibrary:
    grid_text, label = _imported_grid if _imported_grid and directory is None else (None, "")
    return _load(str(directory or resources_dir() / "factors"), grid_text, label)


def library_version(directory: Path | None = None) -> LibraryVersion:
    """The version and date of the factor tables (``VERSION``: ``version = …`` and ``date = …`` lines)."""
    path = (directory or resources_dir() / "factors") / "VERSION"
    fields: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return LibraryVersion("未知", "")
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep:
            fields[name.strip()] = value.strip()
    return LibraryVersion(fields.get("version", "未知"), fields.get("date", ""))


# -- locked factors --------------------------------------------------------------------------------
# A year's lock (park file ``years.<Y>.locked_factors``, database cell ``factor_lock``):
#   {"library": "<version label>", "at": "<ISO time>", "reason": "定稿" | "报送导出",
#    "factors": {"<key>": {"value": 0.55, "source": "…", "citation": "…", "confidence": "B", "basis": "…"}}}
# Only factors that came from the library are locked; a user override is the clerk's own value already.


def locked_entries(lock: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    if not lock:
        return {}
    factors = lock.get("factors") or {}
    return {k: v for k, v in factors.items() if isinstance(v, Mapping) and isinstance(v.get("value"), (int, float))}


def from_lock(field: Field, entry: Mapping[str, Any], default: FactorValue) -> FactorValue:
    return FactorValue(field.key, float(entry["value"]), default.unit, str(entry.get("source") or ""),
                       str(entry.get("confidence") or ""), "default", notes=default.notes if default.value ==
                       entry["value"] else f"已锁定（本因子库现为 {default.value}）", indicative=field.indicative,
                       citation=str(entry.get("citation") or ""), basis=str(entry.get("basis") or ""),
                       locked=True)  # fmt: skip


def make_lock(
    resolved: Mapping[str, FactorValue], *, at: str, reason: str, version: str | None = None
) -> dict[str, Any]:
    """The lock record of one year from its resolved factors (library defaults only)."""
    factors: dict[str, Any] = {}
    for key, fv in resolved.items():
        if fv.origin not in LOCKABLE_ORIGINS or fv.value is None:
            continue
        factors[key] = {"value": fv.value, "source": fv.source, "citation": fv.citation,
                        "confidence": fv.confidence, "basis": fv.basis}  # fmt: skip
    return {"library": version or library_version().label, "at": at, "reason": reason, "factors": factors}


def factor_values(resolved: Mapping[str, FactorValue]) -> dict[str, float | None]:
    return {k: v.value for k, v in resolved.items()}
