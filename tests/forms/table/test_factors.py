"""Factor defaults by province and year, alternatives, and user overrides with their sources."""

from __future__ import annotations

from forms.park.model import FactorOverride, ParkData, YearData
from forms.table.calc import compute_year
from forms.table.factors import library
from forms.table.registry import form_for
from forms.table.validate import validate_park


def park(province: str | None, year: int = 2020, **values: object) -> ParkData:
    profile = {"park.name": "测试", "park.status": "批准建设", "park.management_body": "管委会"}
    if province:
        profile["park.province"] = province
    return ParkData(park=profile, years={year: YearData(values=dict(values))})


def test_grid_default_follows_province_region() -> None:
    form = form_for()
    lib = library()
    grid = form.field("factor.grid")
    assert lib.default(grid, "江苏省", 2018).value == 0.7035
    assert lib.default(grid, "山东省", 2018).value == 0.8843
    assert lib.default(grid, "四川省", 2018).value == 0.5257
    assert lib.default(grid, "四川省", 2021).value == 0.2113  # 2021+: 西南 split from 华中
    assert lib.default(grid, "江苏省", 2030).value == 0.5617  # latest published year
    assert "2012" in lib.default(grid, "江苏省", 2018).notes


def test_tibet_has_no_grid_default_and_needs_a_choice() -> None:
    p = park("西藏自治区", **{"power.purchased": 100})
    result = compute_year(p, 2020)
    assert result.factors["factor.grid"].value is None
    errors = [f for f in validate_park(p) if f.key == "factor.grid" and f.level == "error"]
    assert errors and "电网排放因子" in errors[0].message


def test_override_carries_its_source_and_is_used() -> None:
    p = park("江苏省", **{"power.purchased": 100})
    p.years[2020].factors["factor.grid"] = FactorOverride("0.6101", "全国电网平均排放因子")
    result = compute_year(p, 2020)
    fv = result.factors["factor.grid"]
    assert (fv.value, fv.origin, fv.source) == (0.6101, "override", "全国电网平均排放因子")
    assert result.computed["emissions.power"] == 100 * 10 * 0.6101


def test_override_without_source_is_a_warning_and_bad_value_an_error() -> None:
    p = park("江苏省", **{"energy.natural_gas": 10})
    p.years[2020].factors["factor.tce.natural_gas"] = FactorOverride(12.143, "")
    p.years[2020].factors["factor.heat"] = FactorOverride("零点一", "自测")
    found = {(f.level, f.key) for f in validate_park(p)}
    assert ("warning", "factor.tce.natural_gas") in found
    assert ("error", "factor.heat") in found


def test_other_petroleum_requires_a_co2_factor() -> None:
    p = park("江苏省", **{"energy.other_petroleum": 50})
    assert any(f.key == "factor.co2.other_petroleum" and f.level == "error" for f in validate_park(p))
    p.years[2020].factors["factor.co2.other_petroleum"] = FactorOverride(3.0, "企业实测")
    assert not any(f.key == "factor.co2.other_petroleum" for f in validate_park(p))
    assert compute_year(p, 2020).computed["emissions.other_petroleum"] == 150.0


def test_options_offer_alternatives_but_never_baseline_factors() -> None:
    form = form_for()
    lib = library()
    options = lib.options(form.field("factor.grid"), "江苏省", 2019)
    values = {o.value for o in options}
    assert 0.6101 in values and 0.7035 in values
    assert 1.0416 not in values and 0.478 not in values  # CDM OM/BM
    gas = {o.value for o in lib.options(form.field("factor.tce.natural_gas"), "江苏省", 2019)}
    assert gas == {13.3, 12.143}


def test_unverified_factors_are_flagged() -> None:
    form = form_for()
    lib = library()
    lime = lib.default(form.field("factor.process.lime"), "江苏省", 2020)
    assert lime.unverified
    coal = lib.default(form.field("factor.tce.raw_coal"), "江苏省", 2020)
    assert not coal.unverified and coal.value == 0.7143
    gas = lib.default(form.field("factor.tce.natural_gas"), "江苏省", 2020)
    assert gas.value == 13.3 and gas.unit == "tce/万Nm³"
