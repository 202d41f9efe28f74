"""Parks and helpers shared by the workbook tests (export/xlsx.py, export/xlsx_import.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from forms.park.model import FactorOverride, ParkData
from forms.park.parkfile import read_park_file

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"


def demo_park() -> ParkData:
    return read_park_file(DEMO)


def rich_park() -> ParkData:
    """The demo park with everything a clerk may do: typed text, overrides, explanations, risky text."""
    park = demo_park()
    park.park["park.city"] = "-示例市"
    y16, y17, y18, y19, y20 = (park.years[y] for y in range(2016, 2021))
    y17.values["energy.diesel"] = "1,234.5"
    y17.values["energy.lpg"] = "２１００"
    y17.values["energy.fuel_oil"] = "—"
    y17.values["basic.gdp"] = "659.5 "
    y17.values["basic.leading_industries"] = '=HYPERLINK("http://example.com","点我")'
    y17.meta["meta.note"] = "+86 说明：2017 年数据来自统计年报。"
    y17.meta["meta.filler"] = "@王敏"
    y18.values["energy.raw_coal"] = 2100000  # +50 %: a year-on-year warning
    y18.explanations["energy.raw_coal"] = "新建热电联产机组投产，燃煤量大幅增加。"
    y18.explanations["emissions.total"] = "同上：热电联产机组投产。"
    y18.factors["factor.grid"] = FactorOverride(0.6101, "生态环境部 2022 年公布的华东区域电网排放因子")
    y19.factors["factor.tce.natural_gas"] = FactorOverride("13.3", "")
    y19.values.pop("basic.employees", None)  # an intensity becomes unavailable ("—")
    y20.values["basic.gdp"] = 0
    y20.explanations["energy.coke"] = "焦炭用量口径与上年一致。"
    y16.factors["factor.sink.wetland"] = FactorOverride(1.5, "湿地固碳量实测")
    y16.values["sink.wetland_area"] = 12
    return park


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, fmt: str, outdir: Path, profile: Path) -> Path:
    """Convert with LibreOffice headless, in a private profile so parallel runs do not clash."""
    exe = soffice()
    assert exe is not None
    outdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, HOME=str(profile))
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", fmt, "--outdir",
           str(outdir), str(src)]  # fmt: skip
    subprocess.run(cmd, check=True, capture_output=True, timeout=240, env=env)
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.exists(), f"LibreOffice 没有生成 {out}"
    return out


MIXED_TARGETS = [
    {"indicator": "intensity.co2_per_iva", "year": 2020, "kind": "reduction", "base_year": 2016, "value": 12,
     "set_in": 2017, "source": "园区碳达峰实施方案"},
    {"indicator": "emissions.total", "year": 2018, "kind": "peak"},
    {"indicator": "pollutant.so2", "year": 2020, "kind": "max", "value": 950.5, "explanation": "=脱硫改造延期"},
    {"indicator": "zero.co2_per_energy", "year": 2025, "kind": "min", "value": 0.2, "source": ""},
    {"indicator": "energy.total_tce", "year": 2019, "kind": "max", "value": 1.0},
]  # fmt: skip


def mixed_park() -> ParkData:
    """The demo park (eip-2021) with 2019 and 2020 moved to eip-2026: pollutants (typed text, a blank, a 0),
    零碳园区 inputs, green power, and targets of all four kinds (met, missed, pending)."""
    park = demo_park()
    moved = {
        2019: {"pollutant.so2": 1000, "pollutant.nox": "800", "pollutant.pm": 250, "pollutant.nh3n": 0,
               "pollutant.source": "排污许可执行报告", "zero.clean_energy_share": 35.5, "power.green_purchased": 1000,
               "zero.water_reuse": "92.5"},
        2020: {"pollutant.so2": 900, "pollutant.nox": 700, "pollutant.pm": "", "pollutant.vocs": 12.25,
               "pollutant.nh3n": 5, "zero.solid_waste_utilization": 81},
    }  # fmt: skip
    for year, values in moved.items():
        park.years[year].form = "eip-2026"
        park.years[year].values.update(values)
    park.targets = [dict(t) for t in MIXED_TARGETS]
    return park
