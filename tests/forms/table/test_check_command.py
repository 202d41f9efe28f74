"""`python main.py check` and `calc` on good and bad park files: findings, exit codes, messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.forms.helpers import DEMO, REPO, minimal_doc, write

BASE = {
    "basic.industrial_value_added": 100,
    "basic.gdp": 200,
    "energy.raw_coal": 100000,
    "power.purchased": 5000,
}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "main.py", *args], cwd=REPO, capture_output=True, text=True, check=False)


def findings_of(proc: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    return json.loads(proc.stdout)


def has(findings: list[dict[str, Any]], level: str, year: int, key: str) -> dict[str, Any] | None:
    return next((f for f in findings if (f["level"], f["year"], f["key"]) == (level, year, key)), None)


def test_bad_file_reports_each_problem_and_exits_1(tmp_path: Path) -> None:
    y2019 = dict(BASE)
    y2020 = dict(BASE, **{
        "energy.raw_coal": 160000,  # +60 % without explanation
        "energy.diesel": -5,  # negative quantity
        "energy.natural_gas": 100, "energy.natural_gas.feedstock": 150,  # feedstock above consumption
        "energy.coke": "十二吨",  # text in a numeric field
    })  # fmt: skip
    doc = minimal_doc({"2019": y2019, "2020": y2020})
    proc = run("check", str(write(tmp_path, doc)))
    assert proc.returncode == 1, proc.stderr
    found = findings_of(proc)
    neg = has(found, "error", 2020, "energy.diesel")
    assert neg and "负数" in neg["message"] and "柴油" in neg["message"]
    feed = has(found, "error", 2020, "energy.natural_gas.feedstock")
    assert feed and "不能大于" in feed["message"]
    text = has(found, "error", 2020, "energy.coke")
    assert text and "十二吨" in text["message"] and "焦炭" in text["message"]
    jump = has(found, "warning", 2020, "energy.raw_coal")
    assert jump and "+60.0%" in jump["message"] and not jump["explained"]
    total = has(found, "warning", 2020, "emissions.total")
    assert total and not total["explained"]
    assert not any(f["year"] == 2019 and f["level"] == "error" for f in found)
    assert "错误" in proc.stderr


def test_explanation_satisfies_the_warning(tmp_path: Path) -> None:
    doc = minimal_doc({"2019": dict(BASE), "2020": dict(BASE, **{"energy.raw_coal": 160000})})
    doc["years"]["2020"]["explanations"] = {"energy.raw_coal": "新建热电联产机组投产", "emissions.total": "同上"}
    proc = run("check", str(write(tmp_path, doc)))
    assert proc.returncode == 0
    found = findings_of(proc)
    jump = has(found, "warning", 2020, "energy.raw_coal")
    assert jump and jump["explained"] and jump["explanation"] == "新建热电联产机组投产"


def test_clean_file_exits_0(tmp_path: Path) -> None:
    proc = run("check", str(write(tmp_path, minimal_doc({"2019": dict(BASE), "2020": dict(BASE)}))))
    assert proc.returncode == 0
    assert [f for f in findings_of(proc) if f["level"] == "error"] == []


def test_malformed_json_exits_2_naming_the_place(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": "parkcarbon/1", "years": {', encoding="utf-8")
    for command in ("check", "calc"):
        proc = run(command, str(path))
        assert proc.returncode == 2
        assert "JSON" in proc.stderr and "broken.json" in proc.stderr and "第 1 行" in proc.stderr
        assert "Traceback" not in proc.stderr
        assert proc.stdout == ""


def test_unknown_key_exits_2_naming_the_key(tmp_path: Path) -> None:
    doc = minimal_doc({"2020": dict(BASE, **{"energy.moonshine": 5})})
    proc = run("check", str(write(tmp_path, doc)))
    assert proc.returncode == 2
    assert "energy.moonshine" in proc.stderr and "2020" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_format_and_form_exit_2(tmp_path: Path) -> None:
    doc = minimal_doc()
    doc["format"] = "parkcarbon/9"
    proc = run("calc", str(write(tmp_path, doc)))
    assert proc.returncode == 2 and "parkcarbon/9" in proc.stderr
    doc = minimal_doc()
    doc["form"] = "eip-2099"
    proc = run("calc", str(write(tmp_path, doc)))
    assert proc.returncode == 2 and "eip-2099" in proc.stderr


def test_missing_file_and_bad_usage_exit_2(tmp_path: Path) -> None:
    proc = run("calc", str(tmp_path / "nope.json"))
    assert proc.returncode == 2 and "找不到文件" in proc.stderr
    proc = run("calc")
    assert proc.returncode == 2 and "用法错误" in proc.stderr


def test_help_and_version() -> None:
    proc = run("--help")
    assert proc.returncode == 0 and "园区双碳填报" in proc.stdout and "calc" in proc.stdout
    proc = run("--version")
    assert proc.returncode == 0 and "parkcarbon" in proc.stdout


def test_year_outside_range_is_an_error(tmp_path: Path) -> None:
    proc = run("check", str(write(tmp_path, minimal_doc({"2015": dict(BASE)}))))
    assert proc.returncode == 1
    assert has(findings_of(proc), "error", 2015, "year")


def test_calc_prints_null_for_unavailable_ratios(tmp_path: Path) -> None:
    values = {"energy.raw_coal": "1.2万", "basic.gdp": ""}
    proc = run("calc", str(write(tmp_path, minimal_doc({"2020": values}))))
    assert proc.returncode == 0
    year = json.loads(proc.stdout)["years"]["2020"]
    assert year["energy.raw_coal.tce"] == 12000 * 0.7143
    assert year["intensity.co2_per_iva"] is None
    assert year["intensity.co2_per_gdp"] is None
    assert "null" in proc.stdout and "NaN" not in proc.stdout and "Infinity" not in proc.stdout


def test_no_year_on_year_warning_computed_from_a_negative_value(tmp_path: Path) -> None:
    doc = minimal_doc({"2019": dict(BASE, **{"energy.diesel": -12}), "2020": dict(BASE, **{"energy.diesel": 500})})
    found = findings_of(run("check", str(write(tmp_path, doc))))
    assert has(found, "error", 2019, "energy.diesel")
    assert not has(found, "warning", 2020, "energy.diesel")


def test_area_plausibility_warnings_come_from_the_definition(tmp_path: Path) -> None:
    """工业用地面积 ≤ 建成区面积 ≤ 规划面积: soft warnings (explainable), silent while a side is blank."""
    from forms.table.registry import form_for

    areas = {"basic.area_planned": 50, "basic.area_built": 60, "basic.industrial_land": 70}
    doc = minimal_doc({"2019": dict(BASE, **areas), "2020": dict(BASE, **{"basic.industrial_land": 70})})
    proc = run("check", str(write(tmp_path, doc)))
    found = findings_of(proc)
    built = has(found, "warning", 2019, "basic.area_built")
    assert built and "建成区面积（60 km²）大于规划面积（50 km²）" in built["message"]
    land = has(found, "warning", 2019, "basic.industrial_land")
    assert land and "工业用地面积（70 km²）大于建成区面积（60 km²）" in land["message"]
    assert not any(f["year"] == 2020 and f["key"].startswith("basic.area") for f in found)
    assert not has(found, "warning", 2020, "basic.industrial_land")  # the whole is blank: nothing to compare
    # declared in the definition, not keyed in the validator
    rules = {
        f.key: [r.params.get("other") for r in f.rules if r.check == "not_above"] for f in form_for("eip-2021").fields
    }
    assert rules["basic.industrial_land"] == ["basic.area_built"]
    assert rules["basic.area_built"] == ["basic.area_planned"]


def test_demo_park_passes_the_area_plausibility_rules() -> None:
    proc = run("check", str(DEMO))
    assert proc.returncode == 0, proc.stderr
    assert not [f for f in findings_of(proc) if f["code"] == "not_above"]
