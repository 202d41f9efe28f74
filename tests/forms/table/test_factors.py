"""Factor defaults by province and year, alternatives, and user overrides with their sources."""

from __future__ import annotations

import pytest

from forms.park.model import FactorOverride, ParkData, YearData
from forms.table.calc import compute_year
from forms.table.definition import FACTOR, Field, FormDefinition
from forms.table.factors import MissingFactorError, library
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
    assert lib.default(grid, "江苏省", 2030).value == 0.55  # latest published year (2023)
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


# data year -> region -> the spec's rule (annual-cycle.md K): the data year's regional value, else the latest
# shipped year before it (2021, 2022, 2023 shipped)
REGIONAL = {
    2021: {"华北": 0.712, "东北": 0.6012, "华东": 0.5992, "华中": 0.5354, "西北": 0.5951, "南方": 0.4326,
           "西南": 0.2113},
    2023: {"华北": 0.6361, "东北": 0.5122, "华东": 0.55, "华中": 0.5271, "西北": 0.5543, "南方": 0.4042,
           "西南": 0.2472},
}  # fmt: skip
REGIONAL[2024] = REGIONAL[2025] = REGIONAL[2023]
PROVINCE_OF = {"华北": "山东省", "东北": "吉林省", "华东": "江苏省", "华中": "湖北省", "西北": "甘肃省",
               "南方": "广东省", "西南": "四川省"}  # fmt: skip


def test_grid_default_by_data_year_and_region() -> None:
    grid = form_for().field("factor.grid")
    lib = library()
    for year, by_region in REGIONAL.items():
        for region, value in by_region.items():
            fv = lib.default(grid, PROVINCE_OF[region], year)
            assert (year, region, fv.value) == (year, region, value)
            assert "2023" in fv.citation if year >= 2023 else "2021" in fv.citation
    for province in ("重庆市", "西藏自治区"):  # 西南 = 川渝藏; 西藏 defaults to 西南 from 2021
        assert lib.default(grid, province, 2023).value == 0.2472
    assert lib.default(grid, "西藏自治区", 2020).value is None
    assert lib.default(grid, "四川省", 2020).value == 0.5257  # <= 2020: the 2012 华中 average


def test_grid_default_says_which_publication_and_why() -> None:
    grid = form_for().field("factor.grid")
    lib = library()
    assert lib.default(grid, "江苏省", 2024).basis == "2024 年数据沿用 2023 年因子（最新发布）"
    assert lib.default(grid, "江苏省", 2023).basis == "2023 年数据采用 2023 年因子（当年发布）"
    assert "2012" in lib.default(grid, "江苏省", 2019).basis


def test_alternatives_from_2021_provincial_national_and_never_cdm_or_footprint() -> None:
    grid = form_for().field("factor.grid")
    lib = library()
    values = {o.value for o in lib.options(grid, "江苏省", 2024)}
    assert {0.55, 0.5827, 0.5306, 0.6096} <= values  # regional, 江苏 2023, national, national excl. market
    assert not values & {0.8273, 0.6205, 0.5777, 0.6101, 0.5703, 1.0416}  # fossil-only, footprint, ETS, CDM
    assert lib.option_notes(grid, "江苏省", 2024) == []
    # 湖北: the library has 2021/2022 provincial values only; 西藏: none at all
    hubei = {o.value for o in lib.options(grid, "湖北省", 2023)}
    assert 0.4364 in hubei and lib.option_notes(grid, "湖北省", 2023) == [
        "本因子库无湖北 2023 年省级因子：省级因子沿用 2022 年"
    ]
    assert lib.option_notes(grid, "西藏自治区", 2023) == ["本因子库无西藏 2023 年及以前的省级电力平均排放因子"]
    beijing_2022 = {o.value for o in lib.options(grid, "北京市", 2022)}
    assert 0.5554 not in beijing_2022  # no value from a later year
    assert {o.value for o in lib.options(grid, "江苏省", 2021)} >= {0.5568, 0.5942}


def test_library_version_is_shipped_with_a_date() -> None:
    from forms.table.factors import library_version

    v = library_version()
    assert v.version == "2026.12.1" and v.date == "2026-12-01"
    assert v.label == "2026.12.1(2026-12-01)"


def _form_with_a_fuel_the_library_lacks() -> FormDefinition:
    """A scratch form version: one more fuel row whose factors the library does not ship."""
    base = form_for("eip-2021")
    extra = Field("energy.biogas.tce_factor", "沼气折标系数", "tce/万Nm³", role=FACTOR, default_ref="energy:biogas:tce")
    return base.extended(version="eip-scratch", edition="试验版", fields=(*base.fields, extra))


def test_a_fuel_missing_from_the_library_is_named_in_chinese_with_version_year_and_key() -> None:
    form = _form_with_a_fuel_the_library_lacks()
    with pytest.raises(MissingFactorError) as caught:
        library().resolve(form, park("江苏省", 2021), 2021)
    message = str(caught.value)
    for part in ("表格版本 eip-scratch“试验版”", "2021 年", "键 energy.biogas.tce_factor", "energy:biogas:tce",
                 "energy_factors.csv 中没有“biogas”"):  # fmt: skip
        assert part in message, message
    assert (caught.value.form, caught.value.year, caught.value.key) == (
        "eip-scratch“试验版”",
        2021,
        form.fields[-1].key,
    )
    assert not isinstance(caught.value, KeyError)  # no bare KeyError traceback
