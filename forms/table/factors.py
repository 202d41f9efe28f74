"""The factor library: shipped defaults with their sources and confidence grades, and user overrides.

Defaults come from ``resources/factors/*.csv`` (copied from shared/reference/factors).  A form field
names where its default comes from with ``default_ref``:

- ``energy:<fuel>:tce`` / ``energy:<fuel>:co2`` — energy_factors.csv
- ``process:<key>`` — process_factors.csv
- ``sink:<key>`` — sink_factors.csv (indicative)
- ``grid`` — the regional grid factor of the park's province for the year
- ``const:<key>`` — constant_factors.csv
- ``none`` — no default: the user must enter one
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from forms.park.model import ParkData, Raw
from forms.resources import resources_dir
from forms.table.definition import Field, FormDefinition
from forms.table.numbers import parse_number

CONFIDENCE_ZH = {"A": "A 级(已见官方表格)", "B": "B 级(第三方引用)", "C": "C 级(未核实)", "D": "D 级(推算)"}


@dataclass(frozen=True)
class FactorOption:
    """A value the user may pick instead of the default (e.g. another grid region)."""

    value: float
    label: str
    source: str
    confidence: str


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

    @property
    def unverified(self) -> bool:
        return self.confidence.strip().upper().startswith("C")

    @property
    def grade(self) -> str:
        return self.confidence.split()[0].split(":")[-1][:1] if self.confidence else ""


@dataclass(frozen=True)
class _Entry:
    value: float | None
    unit: str
    source: str
    confidence: str
    notes: str


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(text: str) -> float | None:
    text = (text or "").strip()
    return float(text) if text else None


class FactorLibrary:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.energy = {r["key"]: r for r in _read(directory / "energy_factors.csv")}
        self.process = {r["key"]: r for r in _read(directory / "process_factors.csv")}
        self.sink = {r["key"]: r for r in _read(directory / "sink_factors.csv")}
        self.grid = _read(directory / "grid_factors.csv")
        self.constants = {r["key"]: r for r in _read(directory / "constant_factors.csv")}
        self.provinces = {r["province"]: r for r in _read(directory / "province_regions.csv")}

    # -- defaults ---------------------------------------------------------------------------------
    def _entry(self, ref: str, province: str | None, year: int) -> _Entry:
        kind, _, rest = ref.partition(":")
        if kind == "energy":
            fuel, _, which = rest.partition(":")
            r = self.energy[fuel]
            if which == "tce":
                unit = "tce/t" if r["tce_unit"] == "kgce/kg" else "tce/万Nm³"
                scale = 10.0 if r["tce_unit"] == "kgce/m3" else 1.0
                value = _num(r["tce_per_unit"])
                src = r["source"].split("|")[-1].strip() if "|" in r["source"] else r["source"]
                return _Entry(None if value is None else value * scale, unit, src, r["confidence"], r["notes"])
            src = r["source"].split("|")[0].strip()
            return _Entry(_num(r["co2_per_unit"]), r["co2_unit"].replace("10^4Nm3", "万Nm³"), src,
                          r["confidence"], r["notes"])  # fmt: skip
        if kind == "process":
            r = self.process[rest]
            return _Entry(_num(r["factor_value"]), r["factor_unit"], r["source"], r["confidence"], r["notes"])
        if kind == "sink":
            r = self.sink[rest]
            return _Entry(_num(r["factor_tCO2_per_ha_per_yr"]), "tCO2/(公顷·年)", r["source"],
                          r["confidence"], "示意值：" + r["notes"])  # fmt: skip
        if kind == "const":
            r = self.constants[rest]
            return _Entry(_num(r["value"]), r["unit"], r["source"], r["confidence"], r["notes"])
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

    def _grid_default(self, province: str | None, year: int) -> _Entry:
        region = self.grid_region(province, year)
        if not region:
            why = (
                "未选择所在省份" if not province or province not in self.provinces else f"{province}无区域电网默认因子"
            )
            return _Entry(None, "tCO2/MWh", f"无默认值({why})：须选择电网排放因子并注明来源", "", "")
        if year <= 2020:
            rows = [r for r in self._grid_rows("regional_grid_average") if r["region_or_scope"] == region
                    and r["year"] == "2012"]  # fmt: skip
        else:
            rows = [r for r in self._grid_rows("regional_average_electricity_CO2") if r["region_or_scope"] == region]
            rows = sorted(rows, key=lambda r: int(r["year"]))
            rows = [r for r in rows if int(r["year"]) <= year] or rows[:1]
        r = rows[-1]
        note = f"{region} {r['year']} 年平均排放因子。" + self.provinces[province or ""]["notes"]
        return _Entry(float(r["factor_tCO2_per_MWh"]), "tCO2/MWh", r["source"], r["confidence"], note)

    def default(self, field: Field, province: str | None, year: int) -> FactorValue:
        entry = self._entry(field.default_ref or "none", province, year)
        return FactorValue(field.key, entry.value, field.unit or entry.unit, entry.source, entry.confidence,
                           "default" if entry.value is not None else "none", notes=entry.notes,
                           indicative=field.indicative)  # fmt: skip

    def options(self, field: Field, province: str | None, year: int) -> list[FactorOption]:
        """Alternatives the window offers beside the default (never the CDM baseline factors)."""
        ref = field.default_ref or ""
        out: list[FactorOption] = []
        if ref == "grid":
            kinds = ("regional_grid_average",) if year <= 2020 else ("regional_average_electricity_CO2",
                                                                     "provincial_average_electricity_CO2",
                                                                     "national_average_electricity_CO2")  # fmt: skip
            for r in self.grid:
                if r["kind"] in kinds:
                    out.append(FactorOption(float(r["factor_tCO2_per_MWh"]), f"{r['region_or_scope']} {r['year']}",
                                            r["source"], r["confidence"]))  # fmt: skip
            if year >= 2016:
                c = self.constants["grid_national"]
                out.append(FactorOption(float(c["value"]), c["name_zh"], c["source"], c["confidence"]))
        elif ref == "energy:natural_gas:tce":
            out += [
                FactorOption(13.300, "油田天然气 1.3300 kgce/m³", "GB/T 2589-2020 附录A", "A"),
                FactorOption(12.143, "气田天然气 1.2143 kgce/m³", "GB/T 2589-2020 附录A", "A"),
            ]
        return out

    # -- resolution -------------------------------------------------------------------------------
    def resolve(self, form: FormDefinition, park: ParkData, year: int) -> dict[str, FactorValue]:
        """Every factor of the form for one year: the override when there is one, else the default."""
        province = park.park.get("park.province")
        province = province if isinstance(province, str) else None
        ydata = park.years.get(year)
        overrides = ydata.factors if ydata else {}
        out: dict[str, FactorValue] = {}
        for key in form.factor_keys:
            field = form.field(key)
            default = self.default(field, province, year)
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
def _load(directory: str) -> FactorLibrary:
    return FactorLibrary(Path(directory))


def library(directory: Path | None = None) -> FactorLibrary:
    return _load(str(directory or resources_dir() / "factors"))


def factor_values(resolved: Mapping[str, FactorValue]) -> dict[str, float | None]:
    return {k: v.value for k, v in resolved.items()}
