"""Form version ``eip-2026`` = ``eip-2021`` + section I (减污降碳) + section J (零碳园区指标).

Data, as in :mod:`forms.table.versions.eip2021`; specified in shared/spec/annual-cycle.md.  Pollutant
quantities left blank are *not reported* (their intensities and year-on-year changes are unavailable), unlike
the baseline table's inputs, where a blank counts as 0.
"""

from __future__ import annotations

from types import MappingProxyType

from forms.table.definition import COMPUTED, WARNING, Field, FormDefinition, Row, Rule, Section
from forms.table.versions import eip2021

VERSION = "eip-2026"

# (key suffix, name); the order is the spec's
POLLUTANTS = (
    ("so2", "二氧化硫"),
    ("nox", "氮氧化物"),
    ("pm", "颗粒物"),
    ("vocs", "挥发性有机物"),
    ("cod", "化学需氧量"),
    ("nh3n", "氨氮"),
)
POLLUTANT_YOY_LIMIT = 50.0
ZERO_TIERS = "200000, 0.2, 1000000, 0.3"  # energy.total_tce from which each limit applies (tCO2/tce)

NONNEG = Rule("min", params=MappingProxyType({"value": 0}))
PERCENT = Rule("range", params=MappingProxyType({"lo": 0, "hi": 100}))


def _pollution() -> tuple[list[Field], Section]:
    iva = "basic.industrial_value_added * 10000"
    fields: list[Field] = []
    rows: list[Row] = []
    for key, name in POLLUTANTS:
        fields.append(Field(f"pollutant.{key}", f"{name}排放量", "t", rules=(NONNEG,), blank_is_missing=True,
                            help="来自排污许可执行报告、环境统计或监测；未掌握的留空（不按 0 计）"))  # fmt: skip
        rows.append(Row(f"{name}排放量", "t", {"value": f"pollutant.{key}"}))
    fields.append(Field("pollutant.source", "污染物数据来源", kind="text"))
    rows.append(Row("污染物数据来源", "", {"value": "pollutant.source"}))
    for key, name in POLLUTANTS:
        label = f"单位工业增加值{name}排放量"
        fields.append(Field(f"intensity.{key}_per_iva", label, "kg/万元", role=COMPUTED,
                            formula=f"ratio(pollutant.{key} * 1000, {iva})"))  # fmt: skip
        rows.append(Row(label, "kg/万元", {"value": f"intensity.{key}_per_iva"}))
    return fields, Section("I", "八、减污降碳", "values", tuple(rows))


def _zero_carbon() -> tuple[list[Field], Section]:
    guide = "引导性指标参考水平：{}（二手资料，C 级，仅供参考，不作校验）"
    fields = [
        Field("zero.energy_co2", "能源活动二氧化碳排放量", "tCO2", role=COMPUTED,
              formula="emissions.combustion + emissions.power + emissions.heat - power.green_purchased * 10 * factor.grid"),
        Field("zero.co2_per_energy", "单位能耗碳排放", "tCO2/tce", role=COMPUTED,
              formula="ratio(zero.energy_co2, energy.total_tce)"),
        Field("zero.threshold", "适用核心指标限值", "tCO2/tce", role=COMPUTED, decimals=1,
              formula=f"tier(energy.total_tce, {ZERO_TIERS})"),
        Field("zero.meets", "是否达到核心指标", "", kind="boolean", role=COMPUTED,
              formula="le(zero.co2_per_energy, zero.threshold)"),
        Field("zero.clean_energy_share", "清洁能源消费占比", "%", kind="percent", rules=(PERCENT,),
              help=guide.format("≥ 90%")),
        Field("zero.solid_waste_utilization", "工业固体废物综合利用率", "%", kind="percent", rules=(PERCENT,),
              help=guide.format("≥ 80%")),
        Field("zero.waste_heat_utilization", "余热/余冷/余压综合利用率", "%", kind="percent", rules=(PERCENT,),
              help=guide.format("≥ 50%")),
        Field("zero.water_reuse", "工业用水重复利用率", "%", kind="percent", rules=(PERCENT,),
              help=guide.format("≥ 80%")),
    ]  # fmt: skip
    rows = tuple(Row(f.label, f.unit, {"value": f.key}) for f in fields)
    note = "单位能耗碳排放限值：年综合能耗 20 万～100 万 tce 的园区 0.2 tCO2/tce，100 万 tce 及以上 0.3 tCO2/tce。"
    return fields, Section("J", "九、零碳园区指标", "values", rows, note)


def build() -> FormDefinition:
    base = eip2021.build()
    fields = list(base.fields)
    sections = list(base.sections)
    for part in (_pollution, _zero_carbon):
        f, s = part()
        fields += f
        sections.append(s)
    pollutant_keys = tuple(f"pollutant.{k}" for k, _ in POLLUTANTS)
    return base.extended(
        version=VERSION,
        sections=tuple(sections),
        fields=tuple(fields),
        pollutant_keys=pollutant_keys,
        edition="2026 年版（增加减污降碳、零碳园区指标）",
        summary_keys=("zero.co2_per_energy", "zero.threshold", "zero.meets"),
        carbon_per_energy_key="zero.co2_per_energy",
        year_rules=(*base.year_rules,
                    Rule("yoy_change", WARNING, MappingProxyType({"limit": POLLUTANT_YOY_LIMIT, "keys": pollutant_keys,
                                                                      "from_zero": False}))),
    )  # fmt: skip
