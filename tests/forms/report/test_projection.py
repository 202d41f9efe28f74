"""Scenario projection: a hand-computed case, period rules, errors and the calc output."""

from __future__ import annotations

import io
import json

import pytest

from export.cli import run_calc
from forms.park.parkfile import park_from_json
from forms.report.projection import (
    BASELINE,
    POLICY,
    ScenarioError,
    default_scenarios,
    parse_period,
    project,
    project_park,
)
from forms.table.calc import compute_park
from tests.forms.helpers import DEMO, demo_doc

# Base 2020: value added 100 亿元 = 1 000 000 万元, intensity 1.0 tCO2/万元 → 1 000 000 tCO2.
# 2021: 110 × 0.95        → 1 045 000
# 2022: 121 × 0.9025      → 1 092 025   ← peak
# 2023: 121 × 0.81225     →   982 822.5
# 2024: 121 × 0.731025    →   884 540.25
HAND = {
    "2021-2022": {"iva_growth": 10, "intensity_change": -5},
    "2023-2030": {"iva_growth": "0", "intensity_change": "-10%"},
}


def test_hand_computed_peak_year_and_value() -> None:
    r = project(HAND, 2020, 100.0, 1.0, to_year=2030)
    assert r.peak_year == 2022
    assert r.peak_value == pytest.approx(1_092_025, rel=1e-12)
    emissions = {p.year: p.emissions for p in r.series}
    assert emissions[2020] == pytest.approx(1_000_000)
    assert emissions[2021] == pytest.approx(1_045_000, rel=1e-12)
    assert emissions[2023] == pytest.approx(982_822.5, rel=1e-12)
    assert emissions[2024] == pytest.approx(884_540.25, rel=1e-12)
    assert [p.year for p in r.series] == list(range(2020, 2031))
    assert r.intensity_2025 == pytest.approx(0.9025 * 0.9**3, rel=1e-12)
    assert r.intensity_2030 == pytest.approx(0.9025 * 0.9**8, rel=1e-12)
    assert r.point(2022) is not None and r.point(2022).iva == pytest.approx(121)  # type: ignore[union-attr]


def test_last_period_is_carried_forward_and_first_period_covers_earlier_years() -> None:
    r = project({"2021-2025": {"iva_growth": 5, "intensity_change": 0}}, 2019, 100.0, 1.0, to_year=2060)
    assert r.series[-1].year == 2060
    assert r.series[-1].iva == pytest.approx(100 * 1.05**41)
    assert r.peak_year == 2060
    assert r.intensity_2025 == pytest.approx(1.0)


def test_falling_emissions_peak_in_the_base_year() -> None:
    r = project({"2021-2060": {"iva_growth": 2, "intensity_change": -5}}, 2020, 50.0, 2.0)
    assert r.peak_year == 2020 and r.peaked_at_base
    assert r.peak_value == pytest.approx(1_000_000)


def test_period_labels_accept_common_dashes() -> None:
    assert parse_period("2021-2025") == (2021, 2025)
    assert parse_period("2026–2030") == (2026, 2030)
    assert parse_period("2031—2035年") == (2031, 2035)
    with pytest.raises(ScenarioError, match="格式"):
        parse_period("2021")


@pytest.mark.parametrize(
    ("scenario", "fragment"),
    [
        ({"2021-2025": {"iva_growth": "八", "intensity_change": -3}}, "工业增加值年均增速"),
        ({"2021-2025": {"iva_growth": 5}}, "未填写"),
        ({"2021-2025": {"iva_growth": 5, "intensity_change": -100}}, "-100%"),
        ({"2021-2025": {"iva_growth": 5, "intensity_change": -3},
          "2025-2030": {"iva_growth": 5, "intensity_change": -3}}, "重叠"),
        ({"2021-2025": {"iva_growth": 5, "intensity_change": -3, "gdp": 1}}, "未知参数"),
        ({}, "没有设置任何时段"),
    ],
)  # fmt: skip
def test_bad_scenarios_are_reported_in_chinese(scenario: dict[str, object], fragment: str) -> None:
    with pytest.raises(ScenarioError, match=fragment) as info:
        project(scenario, 2020, 100.0, 1.0, name="测试情景")
    assert "测试情景" in str(info.value)


def test_default_scenarios_peak_later_in_baseline_than_in_policy() -> None:
    scenarios = default_scenarios()
    assert list(scenarios) == [BASELINE, POLICY]
    base = project(scenarios[BASELINE], 2020, 436.5, 1.5779)
    policy = project(scenarios[POLICY], 2020, 436.5, 1.5779)
    assert base.peak_year == 2035 and policy.peak_year == 2025
    assert policy.peak_value < base.peak_value


def test_project_park_uses_the_parks_scenarios_and_is_valid_json() -> None:
    doc = demo_doc()
    doc["report"] = {"scenarios": {"基准情景": HAND, "政策情景": {"2021-2060": {"iva_growth": 0, "intensity_change": -1}},
                                   "坏情景": {"2021-2025": {"iva_growth": "x", "intensity_change": 0}}}}  # fmt: skip
    park = park_from_json(doc)
    out = project_park(park, compute_park(park))
    text = json.dumps(out, allow_nan=False, ensure_ascii=False)
    assert json.loads(text) == out
    assert out["base_year"] == 2020 and out["defaults_used"] is False
    assert set(out["scenarios"]) == {"基准情景", "政策情景"}
    assert "坏情景" in out["errors"] and "x" in out["errors"]["坏情景"]
    base_emissions = 436.5 * 1e4 * out["base_intensity"]
    assert out["scenarios"]["基准情景"]["peak_year"] == 2022
    assert out["scenarios"]["基准情景"]["peak_value"] == pytest.approx(base_emissions * 1.1**2 * 0.95**2)
    assert out["scenarios"]["政策情景"]["peak_year"] == 2020
    assert out["scenarios"]["基准情景"]["series"][0] == {"year": 2020, "iva": 436.5,
                                                        "intensity": out["base_intensity"],
                                                        "emissions": pytest.approx(base_emissions)}  # fmt: skip


def test_calc_prints_the_projection() -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_calc(str(DEMO), out, err) == 0
    doc = json.loads(out.getvalue())
    proj = doc["projection"]
    assert proj["defaults_used"] is True
    assert proj["scenarios"][BASELINE]["peak_year"] == 2035
    assert proj["scenarios"][POLICY]["peak_year"] == 2025
    assert len(proj["scenarios"][BASELINE]["series"]) == 41


def test_park_without_value_added_reports_why() -> None:
    doc = demo_doc()
    for y in doc["years"].values():
        del y["values"]["basic.industrial_value_added"]
    park = park_from_json(doc)
    out = project_park(park, compute_park(park))
    assert out["scenarios"] == {} and out["base_year"] is None
    assert all("工业增加值" in e for e in out["errors"].values())
