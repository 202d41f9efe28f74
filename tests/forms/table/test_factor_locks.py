"""Locked factors: a filed year keeps its numbers under a new factor library until the clerk confirms."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

from forms.park.model import ParkData, YearData
from forms.park.parkfile import dumps, loads, read_park_file, write_park_file
from forms.resources import resources_dir
from forms.table.calc import compute_year
from forms.table.factors import FactorLibrary, library
from forms.table.locks import REASON_FINAL, lock_differences, locks_to_add

REPO = Path(__file__).resolve().parents[3]
FIXTURE = Path("/work/shared/fixtures/demo-park.json")
DEMO = FIXTURE if FIXTURE.is_file() else REPO / "resources" / "demo" / "demo-park.json"


def park_2023() -> ParkData:
    profile = {"park.name": "锁定测试园区", "park.status": "批准建设", "park.province": "江苏省",
               "park.management_body": "管委会"}  # fmt: skip
    values = {"power.purchased": 1000, "energy.natural_gas": 50, "basic.industrial_value_added": 20}
    return ParkData(park=profile, years={2023: YearData(values=dict(values)), 2024: YearData(values=dict(values))})


def changed_library(tmp_path: Path, value_2023: str = "0.5000") -> Path:
    """A copy of the shipped tables in which 华东区域 2023 differs (as a program update would ship)."""
    target = tmp_path / "factors"
    shutil.copytree(resources_dir() / "factors", target)
    path = target / "grid_factors.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    for row in rows:
        if row["region_or_scope"] == "华东区域" and row["year"] == "2023":
            row["factor_tCO2_per_MWh"] = value_2023
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fields)
        writer.writeheader()
        writer.writerows(rows)
    (target / "VERSION").write_text("version = 2027.1.1\ndate = 2027-01-15\n", encoding="utf-8")
    return target


def total(park: ParkData, year: int, lib: FactorLibrary | None = None) -> float | None:
    return compute_year(park, year, lib).computed["emissions.total"]


def test_lock_records_values_sources_and_library_version() -> None:
    park = park_2023()
    locks = locks_to_add(park, REASON_FINAL, "2026-12-01T10:00:00")
    assert sorted(locks) == [2023, 2024]
    lock = locks[2023]
    assert lock["library"] == "2026.12.1(2026-12-01)" and lock["reason"] == "定稿"
    grid = lock["factors"]["factor.grid"]
    assert grid["value"] == 0.55 and "2023" in grid["citation"] and grid["confidence"] == "B"
    assert locks[2024]["factors"]["factor.grid"]["basis"] == "2024 年数据沿用 2023 年因子（最新发布）"
    park.years[2023].locked_factors = lock
    assert locks_to_add(park, REASON_FINAL, "later").keys() == {2024}  # a locked year keeps its lock


def test_new_library_never_moves_a_locked_year(tmp_path: Path) -> None:
    park = park_2023()
    park.years[2023].locked_factors = locks_to_add(park, REASON_FINAL, "2026-12-01T10:00:00")[2023]
    before = total(park, 2023)
    new_lib = FactorLibrary(changed_library(tmp_path))
    assert total(park, 2023, new_lib) == before  # locked: unchanged
    assert total(park, 2024, new_lib) != total(park, 2024)  # unlocked 2024 (沿用 2023) follows the library
    unlocked = park.copy()
    unlocked.years[2023].locked_factors = None
    assert total(unlocked, 2023, new_lib) != before  # as an unlocked 2023 would
    fv = compute_year(park, 2023, new_lib).factors["factor.grid"]
    assert fv.locked and fv.value == 0.55 and "0.5" in fv.notes

    diffs = lock_differences(park, "2027-01-20T09:00:00", new_lib)
    assert [d.year for d in diffs] == [2023]
    d = diffs[0]
    assert d.old_total == before and d.new_total == total(unlocked, 2023, new_lib)
    assert [(c.key, c.label, c.old, c.new) for c in d.changes] == [("factor.grid", "电网排放因子", 0.55, 0.5)]
    assert d.new_lock["library"] == "2027.1.1(2027-01-15)" and d.new_lock["factors"]["factor.grid"]["value"] == 0.5
    park.years[2023].locked_factors = d.new_lock  # confirmed
    assert total(park, 2023, new_lib) == d.new_total
    assert lock_differences(park, "x", new_lib) == []


def test_park_file_carries_locks_and_calc_reproduces_the_filed_numbers(tmp_path: Path) -> None:
    park = park_2023()
    for year, lock in locks_to_add(park, REASON_FINAL, "2026-12-01T10:00:00").items():
        park.years[year].locked_factors = lock
    assert loads(dumps(park)) == park
    path = tmp_path / "park.json"
    write_park_file(park, path)
    assert (
        json.loads(path.read_text(encoding="utf-8"))["years"]["2023"]["locked_factors"]["factors"]["factor.grid"][
            "value"
        ]
        == 0.55
    )
    new_lib = FactorLibrary(changed_library(tmp_path))
    reread = read_park_file(path)
    for year in (2023, 2024):
        assert total(reread, year, new_lib) == total(park, year, library())


def test_malformed_lock_in_a_park_file_names_year_and_key() -> None:
    import pytest

    from forms.park.parkfile import ParkFileError

    park = park_2023()
    doc = json.loads(dumps(park))
    doc["years"]["2023"]["locked_factors"] = {"factors": {"factor.grid": {"value": "0.5"}}}
    with pytest.raises(ParkFileError) as exc:
        loads(json.dumps(doc))
    assert "2023" in str(exc.value) and "factor.grid" in str(exc.value)


def test_cli_calc_of_an_exported_locked_park_file_ignores_a_changed_library(tmp_path: Path) -> None:
    """``calc`` of the package's park file with the factor table changed gives the same numbers."""
    from copy import deepcopy

    park = read_park_file(DEMO)
    for year in (2021, 2022, 2023):
        park.years[year] = deepcopy(park.years[2020])
    for year, lock in locks_to_add(park, REASON_FINAL, "2026-12-01T10:00:00").items():
        park.years[year].locked_factors = lock
    from export.package import build_package

    package = build_package(park)
    park_file = next(f for f in package.files if f.name.endswith("_园区文件.json"))
    path = tmp_path / park_file.name
    path.write_bytes(park_file.data)
    manifest = json.loads(next(f for f in package.files if f.name == "manifest.json").data)
    assert manifest["locked_factor_years"]["2023"] == "2026.12.1(2026-12-01)"
    assert sorted(manifest["locked_factor_years"]) == [str(y) for y in range(2016, 2024)]

    def calc(resources: Path | None) -> str:
        code = (
            "import sys, runpy\n"
            "import forms.resources as r\n"
            + (f"r.resources_dir = lambda: __import__('pathlib').Path({str(resources)!r})\n" if resources else "")
            + f"sys.argv = ['main.py', 'calc', {str(path)!r}]\n"
            "runpy.run_path('main.py', run_name='__main__')\n"
        )
        done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
        return done.stdout

    changed = tmp_path / "res"
    shutil.copytree(resources_dir(), changed, ignore=shutil.ignore_patterns("factors"))
    changed_library(changed.parent / "lib")
    shutil.copytree(changed.parent / "lib" / "factors", changed / "factors")
    assert calc(changed) == calc(None)
    unlocked = park.copy()
    for y in unlocked.years.values():
        y.locked_factors = None
    write_park_file(unlocked, path)
    assert calc(changed) != calc(None)  # the same file without locks follows the library
