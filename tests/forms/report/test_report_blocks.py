"""Data blocks resolved from the demo park agree with the independently computed expected results."""

from __future__ import annotations

import math

import pytest

from forms.park.model import ParkData
from forms.park.parkfile import park_from_json
from forms.report.markers import ChartBlock, MissingBlock, TableBlock, ValueBlock
from forms.report.outline import outline_for
from forms.report.resolve import (
    BlockResolver,
    available_blocks,
    block_catalog,
    inline_text,
    resolve_block,
    shown,
    shown_field,
)
from forms.table.calc import compute_park
from forms.table.registry import form_for
from tests.forms.helpers import demo_doc, expected_doc

YEARS = ["2016", "2017", "2018", "2019", "2020"]


@pytest.fixture(scope="module")
def demo() -> tuple[ParkData, BlockResolver]:
    park = park_from_json(demo_doc())
    return park, BlockResolver(park, compute_park(park))


def _row(table: TableBlock, label: str) -> tuple[str, ...]:
    matches = [r for r in table.rows if r[0] == label]
    assert len(matches) == 1, (label, [r[0] for r in table.rows])
    return matches[0]


def test_shown_converts_tonnes_to_wan_tonnes_with_two_decimals() -> None:
    s = shown(6887516.6544, "tCO2")
    assert (s.value, s.number, s.unit, s.text) == (688.75, "688.75", "万吨", "688.75 万吨")
    assert shown(None, "tCO2").text == "—"
    assert shown(float("nan"), "%").text == "—"
    assert shown(3.8716, "%").text == "3.87%"
    assert shown(1983050.68, "tce").text == "198.31 万吨标准煤"
    assert shown(4015.46, "tCO2", tonnes=True).text == "4,015.46 吨"  # the tCO2 precision in 吨 too
    form = form_for()
    assert shown_field(form, "intensity.co2_per_iva", 1.577896).text == "1.5779 tCO2/万元"


def test_catalog_covers_every_block_of_the_outline() -> None:
    catalog = block_catalog()
    used = {b for s in outline_for("eip-2021").sections() for b in s.blocks}
    assert used <= set(catalog)
    assert all(catalog[b] and not catalog[b].startswith(("table.", "chart.", "value.")) for b in used)
    section = outline_for("eip-2021").section("ch3.2")
    ids = [i for i, _ in available_blocks(section)]
    assert ids == list(section.blocks)
    assert dict(available_blocks(section))["value.emissions.total"] == "二氧化碳排放总量（最近年份）"


def test_every_outline_block_resolves_for_the_demo(demo: tuple[ParkData, BlockResolver]) -> None:
    _, resolver = demo
    needs_2026 = {"table.pollution", "chart.synergy", "table.zero"}
    for block_id in block_catalog():
        block = resolver.resolve(block_id)
        if block_id in needs_2026:  # the demo park's years are eip-2021: no pollutant rows to show
            assert isinstance(block, MissingBlock) and "2026 年版" in block.reason and "eip-" not in block.reason, (
                block_id
            )
            continue
        assert not isinstance(block, MissingBlock), (block_id, block)
        assert block.id == block_id


def test_yearly_cycle_blocks_resolve_for_an_eip_2026_park() -> None:
    from forms.park.parkfile import park_from_json
    from forms.report.markers import ChartBlock, TableBlock, quadrant_points
    from forms.table.calc import compute_park
    from tests.forms.table.test_eip2026 import _doc

    doc = _doc()
    doc["targets"] = [{"indicator": "emissions.total", "year": 2018, "kind": "peak"}]
    park = park_from_json(doc)
    resolver = BlockResolver(park, compute_park(park))
    pollution = resolver.resolve("table.pollution")
    assert isinstance(pollution, TableBlock)
    assert pollution.rows[0][0] == "二氧化碳排放总量同比变化"
    types = next(r for r in pollution.rows if r[0] == "　协同效应类型")
    assert types[2:] == ("—", "减污增碳", "减污增碳", "无变化", "减污增碳")  # so2, the first pollutant
    chart = resolver.resolve("chart.synergy")
    assert isinstance(chart, ChartBlock) and chart.kind == "quadrant"
    assert [s.name for s in chart.series[1:]] == ["二氧化硫", "氮氧化物", "颗粒物", "氨氮"]  # vocs, cod not reported
    assert (1, "2017", chart.series[0].values[0], chart.series[1].values[0]) in quadrant_points(chart)
    zero = resolver.resolve("table.zero")
    assert isinstance(zero, TableBlock) and next(r for r in zero.rows if r[0] == "是否达到核心指标")[2] == "否"
    evaluation = resolver.resolve("table.target_eval")
    assert isinstance(evaluation, TableBlock)
    assert evaluation.rows[0][1:] == ("2018 年前实现碳达峰", "—", "2020年", "—", "未达成")


def test_value_blocks_match_expected(demo: tuple[ParkData, BlockResolver]) -> None:
    park, resolver = demo
    expected = expected_doc()
    for year in YEARS:
        want = expected["years"][year]["emissions.total"]
        block = resolver.resolve(f"value.emissions.total@{year}")
        assert isinstance(block, ValueBlock)
        assert block.value == round(want / 1e4, 2)
        assert block.text == f"{want / 1e4:,.2f} 万吨"
        assert block.label == f"{year}年二氧化碳排放总量"
    last = resolve_block("value.intensity.co2_per_iva", park, compute_park(park))
    assert isinstance(last, ValueBlock)
    assert last.text == f"{expected['years']['2020']['intensity.co2_per_iva']:.4f} tCO2/万元"
    avg = resolver.resolve("value.trend.co2_per_iva.avg_reduction")
    assert isinstance(avg, ValueBlock)
    assert avg.value == round(expected["trend"]["trend.co2_per_iva.avg_reduction"], 2)
    first_i = expected["years"]["2016"]["intensity.co2_per_iva"]
    last_i = expected["years"]["2020"]["intensity.co2_per_iva"]
    change = resolver.resolve("value.change_abs.intensity.co2_per_iva")
    assert isinstance(change, ValueBlock)
    assert change.value == round((1 - last_i / first_i) * 100, 2)
    assert isinstance(resolver.resolve("value.no.such.key"), MissingBlock)
    assert isinstance(resolver.resolve("value.emissions.total@2031"), MissingBlock)


def test_emissions_by_source_table_matches_expected(demo: tuple[ParkData, BlockResolver]) -> None:
    _, resolver = demo
    expected = expected_doc()["years"]
    table = resolver.resolve("table.emissions_by_source")
    assert isinstance(table, TableBlock)
    assert table.columns == ("排放源", "单位", *(f"{y}年" for y in YEARS))
    form = form_for()
    for key in ("emissions.combustion", "emissions.process", "emissions.power", "emissions.heat", "emissions.total"):
        row = _row(table, form.field(key).label)
        assert row[1] == "万吨"
        assert list(row[2:]) == [f"{expected[y][key] / 1e4:,.2f}" for y in YEARS]
    share = _row(table, form.field("share.power").label)
    assert list(share[2:]) == [f"{expected[y]['share.power']:.2f}" for y in YEARS]
    assert table.numeric == (False, False, True, True, True, True, True)


def test_intensity_and_trend_tables_match_expected(demo: tuple[ParkData, BlockResolver]) -> None:
    _, resolver = demo
    expected = expected_doc()
    table = resolver.resolve("table.intensity")
    assert isinstance(table, TableBlock)
    row = _row(table, "单位工业增加值二氧化碳排放量")
    assert row[1] == "tCO2/万元"
    assert list(row[2:]) == [f"{expected['years'][y]['intensity.co2_per_iva']:.4f}" for y in YEARS]
    assert "3.87%" in table.note
    trend = resolver.resolve("table.trend")
    assert isinstance(trend, TableBlock)
    i = [r[0] for r in trend.rows].index("二氧化碳排放总量")
    yoy = trend.rows[i + 1]
    assert yoy[2] == "—"
    want = expected["trend"]["trend.emissions.total.yoy"]
    assert list(yoy[3:]) == [f"{want[y]:.2f}" for y in YEARS[1:]]


def test_charts_carry_unrounded_values_in_shown_units(demo: tuple[ParkData, BlockResolver]) -> None:
    _, resolver = demo
    expected = expected_doc()["years"]
    chart = resolver.resolve("chart.trend")
    assert isinstance(chart, ChartBlock)
    assert chart.categories == tuple(YEARS)
    assert chart.unit == "万吨"
    for got, y in zip(chart.series[0].values, YEARS, strict=True):
        assert got is not None and math.isclose(got, expected[y]["emissions.total"] / 1e4)
    structure = resolver.resolve("chart.structure")
    assert isinstance(structure, ChartBlock)
    assert structure.kind == "stacked_bar"
    assert len(structure.series) == 4
    total = sum(s.values[-1] or 0 for s in structure.series)
    assert math.isclose(total, expected["2020"]["emissions.total"] / 1e4)


def test_by_fuel_lists_only_fuels_in_use_and_sums_to_combustion(demo: tuple[ParkData, BlockResolver]) -> None:
    _, resolver = demo
    expected = expected_doc()["years"]
    table = resolver.resolve("table.by_fuel")
    assert isinstance(table, TableBlock)
    labels = [r[0] for r in table.rows]
    assert labels[0] == "原煤" and "洗精煤" not in labels and labels[-1] == "合计"
    assert _row(table, "原煤")[-1] == f"{expected['2020']['emissions.raw_coal'] / 1e4:,.2f}"
    assert _row(table, "合计")[-1] == f"{expected['2020']['emissions.combustion'] / 1e4:,.2f}"


def test_sink_table_is_labelled_as_estimate(demo: tuple[ParkData, BlockResolver]) -> None:
    _, resolver = demo
    expected = expected_doc()["years"]
    table = resolver.resolve("table.sink")
    assert isinstance(table, TableBlock)
    assert "估算" in table.title and "估算值" in table.note and "示意值" in table.note
    row = _row(table, "碳汇量")
    assert row[1] == "吨"
    assert row[-1] == f"{expected['2020']['sink.total']:,.2f}"
    factors = resolver.resolve("table.factors")
    assert isinstance(factors, TableBlock)
    assert any("示意值" in r[0] for r in factors.rows)
    grid = _row(factors, "电网排放因子")
    assert grid[1] == "2016—2020" and grid[3] == "tCO2/MWh"


def test_economy_and_profile_tables(demo: tuple[ParkData, BlockResolver]) -> None:
    park, resolver = demo
    economy = resolver.resolve("table.economy")
    assert isinstance(economy, TableBlock)
    iva = _row(economy, "工业增加值")
    assert iva[1] == "亿元" and iva[-1] == "436.50"
    profile = resolver.resolve("table.profile")
    assert isinstance(profile, TableBlock)
    assert _row(profile, "园区名称")[1] == park.name


def test_blocks_follow_a_data_change() -> None:
    park = park_from_json(demo_doc())
    before = resolve_block("value.emissions.total@2020", park, compute_park(park))
    park.years[2020].values["energy.raw_coal"] = 1318000  # +100 000 t raw coal
    after = resolve_block("value.emissions.total@2020", park, compute_park(park))
    assert isinstance(before, ValueBlock) and isinstance(after, ValueBlock)
    assert before.text == "688.75 万吨"
    assert after.value is not None and before.value is not None
    assert math.isclose(after.value - before.value, 18.61, abs_tol=0.011)  # 100 000 t × 1.8608 tCO2/t


def test_projects_table_has_totals() -> None:
    doc = demo_doc()
    doc["report"] = {"projects": [
        {"name": "热电联产机组节能改造", "content": "汽轮机通流改造", "investment": "1,200", "years": "2022-2024",
         "reduction": 5000, "owner": "园区热电公司"},
        {"name": "屋顶光伏", "content": "10 MW 分布式光伏", "investment": "3800.5", "years": "2023",
         "reduction": "8,500", "owner": "园区管委会"},
    ]}  # fmt: skip
    park = park_from_json(doc)
    table = resolve_block("table.projects", park, compute_park(park))
    assert isinstance(table, TableBlock)
    assert table.columns == (
        "序号",
        "项目名称",
        "建设内容",
        "总投资(万元)",
        "建设年限",
        "预计年减排量(tCO2)",
        "责任单位",
    )
    assert table.rows[0][:4] == ("1", "热电联产机组节能改造", "汽轮机通流改造", "1,200.00")
    assert table.rows[-1] == ("合计", "", "", "5,000.50", "", "13,500.00", "")


def test_inline_text_replaces_value_markers(demo: tuple[ParkData, BlockResolver]) -> None:
    _, resolver = demo
    text = "2020年排放总量为{{value.emissions.total@2020}}。{{table.trend}}{{value.bogus}}"
    assert (
        inline_text(text, resolver)
        == "2020年排放总量为688.75 万吨。【排放与强度变化趋势表】【未知的数据块“value.bogus”】"
    )


def test_park_without_years_gives_missing_blocks_not_errors() -> None:
    park = ParkData(park={"park.name": "空园区"})
    result = compute_park(park)
    assert isinstance(resolve_block("table.trend", park, result), MissingBlock)
    assert isinstance(resolve_block("value.emissions.total", park, result), MissingBlock)
    assert isinstance(resolve_block("chart.projection", park, result), MissingBlock)
    profile = resolve_block("table.profile", park, result)
    assert isinstance(profile, TableBlock) and profile.rows[0] == ("园区名称", "空园区")


def test_available_blocks_add_the_values_the_requirements_ask_for() -> None:
    outline = outline_for("eip-2021")
    ids = [i for i, _ in available_blocks(outline.section("ch2.2"), years=[2016, 2018, 2020])]
    assert ids[:2] == ["table.trend", "chart.trend"]
    assert {"value.emissions.total@2016", "value.emissions.total@2020", "value.change_abs.intensity.co2_per_iva",
            "value.avg_change_abs.intensity.co2_per_iva"} <= set(ids)  # fmt: skip
    labels = dict(available_blocks(outline.section("ch4.2")))
    assert labels["value.projection.1.peak_year"] == "第1个情景预测达峰年份"
    assert [i for i, _ in available_blocks(outline.section("ch1.3"))] == []


def test_projection_and_target_tables_follow_the_parks_scenarios() -> None:
    doc = demo_doc()
    doc["report"] = {"scenarios": {
        "基准情景": {"2021-2030": {"iva_growth": 10, "intensity_change": -5}, "2031-2060": {"iva_growth": 0,
                                                                                     "intensity_change": -10}},
        "政策情景": {"2021-2060": {"iva_growth": 2, "intensity_change": -5}},
    }}  # fmt: skip
    park = park_from_json(doc)
    resolver = BlockResolver(park, compute_park(park))
    base = 6887516.6544  # 2020 emissions (expected.json)
    targets = resolver.resolve("table.targets")
    assert isinstance(targets, TableBlock)
    assert targets.columns == ("指标", "单位", "基准情景", "政策情景")
    assert _row(targets, "达峰年份")[2:] == ("2030", "2020")
    assert _row(targets, "峰值排放量")[2:] == (f"{base * (1.1 * 0.95) ** 10 / 1e4:,.2f}", f"{base / 1e4:,.2f}")
    assert _row(targets, "　2025年较2020年下降")[2:] == (f"{(1 - 0.95**5) * 100:.2f}", f"{(1 - 0.95**5) * 100:.2f}")
    table = resolver.resolve("table.projection")
    assert isinstance(table, TableBlock)
    years = [r[0] for r in table.rows]
    assert years[0] == "2020年（基准年）" and years[-1] == "2060年" and "2030年" in years
    assert "以 2020 年为基准年" in table.note and "程序默认参数" not in table.note
    peak = resolver.resolve("value.projection.1.peak_year")
    assert isinstance(peak, ValueBlock) and peak.text == "2030年" and peak.label == "基准情景预测达峰年份"
    chart = resolver.resolve("chart.projection")
    assert isinstance(chart, ChartBlock)
    assert [s.name for s in chart.series] == ["历史排放", "基准情景", "政策情景"]
    assert chart.categories[0] == "2016" and chart.categories[-1] == "2060"


def test_broken_scenario_gives_a_missing_block_with_the_reason() -> None:
    doc = demo_doc()
    doc["report"] = {"scenarios": {"基准情景": {"2021-2025": {"iva_growth": "abc", "intensity_change": -1}}}}
    park = park_from_json(doc)
    block = resolve_block("table.projection", park, compute_park(park))
    assert isinstance(block, MissingBlock)
    assert "基准情景" in block.reason and "abc" in block.reason
