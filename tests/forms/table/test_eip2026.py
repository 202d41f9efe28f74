"""Form version eip-2026 (减污降碳, 零碳园区), targets and measures: calc follows annual-cycle.md literally.

Expected values are computed here by hand from the spec's formulas, not by the program's own code paths."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from forms.park.parkfile import ParkFileError, dumps, loads, park_from_json, park_to_json
from forms.table.calc import compute_park
from forms.table.registry import form_for
from forms.table.validate import validate_park
from tests.forms.helpers import DEMO

POLLUTANTS = {  # so2, nox (2018 blank), pm (2017 missing), nh3n (0 in 2019)
    2016: {"pollutant.so2": 1200, "pollutant.nox": 900, "pollutant.pm": 300, "pollutant.nh3n": 10},
    2017: {"pollutant.so2": 1100, "pollutant.nox": 950, "pollutant.nh3n": 9},
    2018: {"pollutant.so2": 1000, "pollutant.nox": "", "pollutant.pm": 280, "pollutant.nh3n": 8},
    2019: {"pollutant.so2": 1000, "pollutant.nox": 800, "pollutant.pm": 250, "pollutant.nh3n": 0},
    2020: {"pollutant.so2": 900, "pollutant.nox": 700, "pollutant.pm": 240, "pollutant.nh3n": 5},
}


def _doc() -> dict[str, Any]:
    doc = json.loads(Path(DEMO).read_text(encoding="utf-8"))
    doc["form"] = "eip-2026"
    for year, values in POLLUTANTS.items():
        doc["years"][str(year)]["values"].update(values)
    return doc


def _num(raw: Any) -> float | None:
    return None if raw in (None, "") else float(raw)


def test_pollutant_intensities_and_synergy_follow_the_spec() -> None:
    doc = _doc()
    park = park_from_json(doc)
    result = compute_park(park)
    calc = result.to_json()
    for year, values in POLLUTANTS.items():
        iva = float(doc["years"][str(year)]["values"]["basic.industrial_value_added"])
        for key in ("so2", "nox", "pm", "nh3n"):
            p = _num(values.get(f"pollutant.{key}"))
            expected = None if p is None else p * 1000 / (iva * 10**4)
            got = calc["years"][str(year)][f"intensity.{key}_per_iva"]  # type: ignore[index]
            assert got == pytest.approx(expected) if expected is not None else got is None, (year, key)
    trend = calc["trend"]
    co2 = trend["trend.emissions.total.yoy"]  # type: ignore[index]
    for key in ("so2", "nox", "pm", "nh3n", "vocs"):
        yoy, elast, kind = (trend[f"trend.pollutant.{key}.yoy"], trend[f"synergy.{key}.elasticity"],  # type: ignore[index]
                            trend[f"synergy.{key}.quadrant"])  # type: ignore[index]  # fmt: skip
        for year in range(2017, 2021):
            cur = _num(POLLUTANTS[year].get(f"pollutant.{key}"))
            prev = _num(POLLUTANTS[year - 1].get(f"pollutant.{key}"))
            exp = None if cur is None or prev is None or prev == 0 else (cur / prev - 1) * 100
            c = co2[str(year)]
            assert yoy[str(year)] == (pytest.approx(exp) if exp is not None else None), (key, year)
            exp_e = None if exp is None or c is None or c == 0 else exp / c
            assert elast[str(year)] == (pytest.approx(exp_e) if exp_e is not None else None), (key, year)
            if exp is None or c is None:
                exp_k = None
            elif c < 0 and exp < 0:
                exp_k = "协同减排"
            elif c < 0 < exp:
                exp_k = "减碳增污"
            elif c > 0 > exp:
                exp_k = "减污增碳"
            elif c > 0 and exp > 0:
                exp_k = "协同增排"
            else:
                exp_k = "无变化"
            assert kind[str(year)] == exp_k, (key, year)
    assert trend["synergy.so2.quadrant"]["2019"] == "无变化"  # type: ignore[index]
    assert trend["trend.pollutant.nh3n.yoy"]["2020"] is None  # from 0: not a percentage  # type: ignore[index]


def test_zero_carbon_indicators() -> None:
    park = park_from_json(_doc())
    doc = park_to_json(park)
    doc["years"]["2018"]["values"]["power.green_purchased"] = 1000
    park = park_from_json(doc)
    result = compute_park(park)
    for year, yres in result.years.items():
        c = yres.computed
        green = _num(park.years[year].values.get("power.green_purchased")) or 0.0
        energy_co2 = (c["emissions.combustion"] + c["emissions.power"] + c["emissions.heat"]
                      - green * 10 * yres.factors["factor.grid"].value)  # type: ignore[operator]  # fmt: skip
        assert c["zero.energy_co2"] == pytest.approx(energy_co2)
        tce = c["energy.total_tce"]
        assert c["zero.co2_per_energy"] == pytest.approx(energy_co2 / tce)  # type: ignore[operator]
        threshold = 0.3 if tce >= 1_000_000 else 0.2 if tce >= 200_000 else None  # type: ignore[operator]
        assert c["zero.threshold"] == threshold
        assert result.to_json()["years"][str(year)]["zero.meets"] is (energy_co2 / tce <= threshold)  # type: ignore[index,operator]


@pytest.mark.parametrize(("tce", "threshold"), [(None, None), (0, None), (199_999.99, None), (200_000, 0.2),
                                                (999_999.9, 0.2), (1_000_000, 0.3), (5e6, 0.3)])  # fmt: skip
def test_threshold_tiers_at_their_edges(tce: float | None, threshold: float | None) -> None:
    form = form_for("eip-2026")
    expr = form.field("zero.threshold").expr
    assert expr is not None
    assert expr.evaluate({"energy.total_tce": tce}) == threshold
    meets = form.field("zero.meets").expr
    assert meets is not None
    assert meets.evaluate({"zero.co2_per_energy": 0.25, "zero.threshold": threshold}) == (
        None if threshold is None else float(threshold >= 0.25)
    )


TARGETS = [
    {"indicator": "intensity.co2_per_iva", "year": 2020, "kind": "reduction", "base_year": 2016, "value": 10},
    {"indicator": "intensity.co2_per_iva", "year": 2020, "kind": "reduction", "base_year": 2016, "value": 20},
    {"indicator": "emissions.total", "year": 2018, "kind": "peak"},
    {"indicator": "emissions.total", "year": 2020, "kind": "peak"},
    {"indicator": "energy.total_tce", "year": 2019, "kind": "max", "value": 3_000_000},
    {"indicator": "pollutant.so2", "year": 2019, "kind": "min", "value": 1500},
    {"indicator": "intensity.nonfossil_share", "year": 2025, "kind": "min", "value": 20},
    {"indicator": "pollutant.nox", "year": 2018, "kind": "max", "value": 100},
    {"indicator": "zero.co2_per_energy", "year": 2020, "kind": "max"},
]


def test_targets_evaluate_all_four_kinds() -> None:
    doc = _doc()
    doc["targets"] = copy.deepcopy(TARGETS)
    park = park_from_json(doc)
    result = compute_park(park)
    from forms.table.targets import evaluate_targets

    out = [t.to_json() for t in evaluate_targets(park.targets, result)]
    i16 = result.years[2016].computed["intensity.co2_per_iva"]
    i20 = result.years[2020].computed["intensity.co2_per_iva"]
    cut = (1 - i20 / i16) * 100  # type: ignore[operator]
    assert out[0]["actual"] == pytest.approx(cut) and out[0]["status"] == "达成" and out[0]["target"] == 10
    assert out[0]["gap"] == pytest.approx(cut - 10)
    assert out[1]["status"] == "未达成" and out[1]["achieved"] is False
    # emissions rise every year in the demo park: the peak is 2020, so a 2018 peak target is missed
    assert out[2]["actual"] == 2020 and out[2]["status"] == "未达成" and out[2]["gap"] is None
    assert out[3]["status"] == "待评估"  # no filed year after 2020
    assert out[4]["status"] == "达成" and out[4]["gap"] == pytest.approx(
        result.years[2019].computed["energy.total_tce"] - 3_000_000
    )  # type: ignore[operator]
    assert out[5] | {"gap": None} == {
        "indicator": "pollutant.so2",
        "year": 2019,
        "kind": "min",
        "target": 1500,
        "actual": 1000.0,
        "achieved": False,
        "gap": None,
        "status": "未达成",
    }
    assert out[6]["status"] == "待评估" and out[6]["actual"] is None  # 2025 not filed
    assert out[7]["status"] == "待评估" and out[7]["actual"] is None  # nox blank in 2018: not reported
    assert out[8]["status"] == "待评估" and out[8]["target"] is None  # no value given
    missed = [f for f in validate_park(park, result) if f.code == "target_missed"]
    assert sorted((f.year, f.key) for f in missed) == [(2018, "emissions.total"), (2019, "pollutant.so2"),
                                                       (2020, "intensity.co2_per_iva")]  # fmt: skip
    assert all(f.level == "warning" and not f.explained for f in missed)
    doc["targets"][2]["explanation"] = "新建项目投产"
    explained = [f for f in validate_park(park_from_json(doc)) if f.code == "target_missed" and f.year == 2018]
    assert explained[0].explained


@pytest.mark.parametrize(("change", "message"), [
    ({"indicator": "emissions.bogus"}, "emissions.bogus"),
    ({"kind": "less"}, "less"),
    ({"base_year": None}, "基准年"),
    ({"base_year": 2020}, "应早于"),
    ({"year": 2061}, "2061"),
    ({"indicator": "energy.total_tce", "kind": "peak"}, "碳达峰"),
    ({"value": "十"}, "数字"),
    ({"colour": 1}, "colour"),
])  # fmt: skip
def test_bad_targets_are_refused_naming_the_field(change: dict[str, Any], message: str) -> None:
    doc = _doc()
    target = dict(TARGETS[0]) | change
    doc["targets"] = [target]
    with pytest.raises(ParkFileError) as info:
        park_from_json(doc)
    assert message in str(info.value) and "第 1 个目标" in str(info.value)


def test_measures_count_every_status() -> None:
    from forms.report.measures import measures

    projects = [
        {"name": "光伏", "reduction": 5000, "progress": {"2024": {"status": "实施中", "reduction": 1000},
                                                         "2025": {"status": "已完成", "reduction": 4800}}},
        {"name": "余热", "reduction": "1.2万", "progress": {"2025": {"status": "实施中"}}},
        {"name": "煤改气", "reduction": 300, "progress": {"2025": {"status": "未启动", "reduction": ""}}},
        {"name": "停建", "reduction": 900, "progress": {"2025": {"status": "已取消", "reduction": 50}}},
        {"name": "无进展", "reduction": 700},
    ]  # fmt: skip
    out = measures(projects)
    assert sorted(out) == ["2024", "2025"]
    assert out["2025"] == {"count.未启动": 1, "count.实施中": 1, "count.已完成": 1, "count.已取消": 1,
                           "reduction_actual": 4850.0, "reduction_planned": 17000.0,
                           "achievement": pytest.approx(4850 / 17000 * 100)}  # fmt: skip
    assert out["2024"]["achievement"] == pytest.approx(20.0)
    assert measures([{"name": "x", "progress": {"2025": {"status": "未启动"}}}])["2025"]["achievement"] is None


def test_a_year_moved_to_eip_2026_in_an_eip_2021_file() -> None:
    doc = json.loads(Path(DEMO).read_text(encoding="utf-8"))
    original = dumps(park_from_json(doc))
    doc["years"]["2020"]["form"] = "eip-2026"
    doc["years"]["2020"]["values"]["pollutant.so2"] = 900
    park = park_from_json(doc)
    assert park.form == "eip-2021" and park.years[2020].form == "eip-2026" and park.years[2019].form == "eip-2021"
    written = park_to_json(park)
    assert written["years"]["2020"]["form"] == "eip-2026" and "form" not in written["years"]["2019"]
    assert loads(dumps(park)).years[2020].values["pollutant.so2"] == 900
    calc = compute_park(park).to_json()["years"]
    assert "zero.meets" in calc["2020"] and "zero.meets" not in calc["2019"]  # type: ignore[operator]
    assert dumps(park_from_json(json.loads(original))) == original  # an eip-2021 file reads and writes unchanged
    doc["years"]["2019"]["values"]["pollutant.so2"] = 1
    with pytest.raises(ParkFileError, match="2019"):
        park_from_json(doc)  # a 2021-version year has no pollutant rows


def test_pollutant_checks() -> None:
    doc = _doc()
    doc["years"]["2017"]["values"]["pollutant.so2"] = -1
    findings = validate_park(park_from_json(doc))
    assert any(f.level == "error" and f.year == 2017 and f.key == "pollutant.so2" for f in findings)
    yoy = [f for f in findings if f.code == "yoy_change" and f.key.startswith("pollutant.")]
    # nh3n 8 -> 0 is -100 %; 0 -> 5 has no percentage and is not flagged
    assert [(f.year, f.key) for f in yoy if f.key == "pollutant.nh3n"] == [(2019, "pollutant.nh3n")]
