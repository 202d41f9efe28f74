"""Form version ``eip-2021``: 《园区年度碳排放基础数据表》 as reconstructed in shared/spec/baseline-table.md.

This module is data.  A corrected official layout becomes a new module beside this one, registered in
:mod:`forms.table.registry`; nothing in ui/, storage/ or export/ changes.
"""

from __future__ import annotations

from types import MappingProxyType

from forms.table.definition import (
    COMPUTED,
    FACTOR,
    META,
    PARK,
    VALUES,
    WARNING,
    Column,
    Field,
    FormDefinition,
    Precision,
    Roles,
    Row,
    Rule,
    Section,
    Subtotal,
    TrendMetric,
)

VERSION = "eip-2021"

PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省", "上海市",
    "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省",
    "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省", "西藏自治区", "陕西省", "甘肃省",
    "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)  # fmt: skip

# (key, label, unit); the order is the paper table's.  Keys are energy_factors.csv keys.
FUELS = (
    ("raw_coal", "原煤", "t"),
    ("cleaned_coal", "洗精煤", "t"),
    ("other_washed_coal", "其他洗煤", "t"),
    ("briquette", "型煤", "t"),
    ("coke", "焦炭", "t"),
    ("coke_oven_gas", "焦炉煤气", "万Nm³"),
    ("blast_furnace_gas", "高炉煤气", "万Nm³"),
    ("converter_gas", "转炉煤气", "万Nm³"),
    ("other_gas", "其他煤气", "万Nm³"),
    ("crude_oil", "原油", "t"),
    ("gasoline", "汽油", "t"),
    ("kerosene", "煤油", "t"),
    ("diesel", "柴油", "t"),
    ("fuel_oil", "燃料油", "t"),
    ("lpg", "液化石油气", "t"),
    ("refinery_dry_gas", "炼厂干气", "t"),
    ("natural_gas", "天然气", "万Nm³"),
    ("lng", "液化天然气", "t"),
    ("other_petroleum", "其他石油制品", "t"),
)
OTHER_ENERGY = ("other_energy", "其他能源", "tce")

# (key, label, activity unit, process_factors.csv key)
PROCESSES = (
    ("cement_clinker", "水泥熟料产量", "t", "cement_clinker"),
    ("lime", "石灰产量", "t", "lime"),
    ("calcium_carbide", "电石产量", "t", "calcium_carbide"),
    ("caco3", "石灰石（碳酸钙）用作原料、熔剂", "t", "caco3"),
    ("camg_co3_2", "白云石用作原料、熔剂", "t", "camg_co3_2"),
    ("na2co3", "纯碱使用量", "t", "na2co3"),
    ("steel_electrode", "炼钢电极消耗量", "t", "steel_electrode"),
    ("ammonia_ng_process", "合成氨（天然气转化）产量", "t", "ammonia_ng_process"),
)

# (type, label, area key, sink_factors.csv key or None)
SINKS = (
    ("green", "绿地", "sink.green_area", "urban_green_tree"),
    ("forest", "林地", "sink.forest_area", "forest_national_indicative"),
    ("wetland", "湿地", "sink.wetland_area", None),
)

# structure shares of the emissions total: (part, label); share.<part> = emissions.<part> / emissions.total
SHARES = (("combustion", "化石燃料燃烧"), ("process", "工业生产过程"), ("power", "净调入电力"), ("heat", "净调入热力"))

# Display decimals per unit, for every output (window, workbook, PDF, .docx); display only.
# Physical quantities, money, areas and shares to 0.01 (the accounting guidelines and statistical tables
# report to two decimals); intensities below 1 to 0.0001 (two decimals would hide a 5 % change of
# 0.7 tCO2/万元); counts and years none.  Factors print their own significant digits (Precision.of).
PRECISION = Precision(
    MappingProxyType({
        "t": 2, "万Nm³": 2, "万kWh": 2, "GJ": 2, "tce": 2, "tCO2": 2, "tCO2e": 2, "万tCO2": 2,
        "亿元": 2, "万元": 2, "km²": 2, "公顷": 2, "万人": 2, "%": 2, "": 2,
        "tCO2/万元": 4, "tce/万元": 4, "kg/万元": 4, "tCO2/tce": 4, "tCO2/人": 2,
        "家": 0, "年": 0,
    }),
    default=2,
)  # fmt: skip

NONNEG = Rule("min", params=MappingProxyType({"value": 0}))
PERCENT = Rule("range", params=MappingProxyType({"lo": 0, "hi": 100}))


def _p(**kw: object) -> MappingProxyType[str, object]:
    return MappingProxyType(kw)


COLUMNS = (
    Column("value", "数值"),
    Column("feedstock", "其中：用作原料、材料"),
    Column("tce_factor", "折标系数"),
    Column("tce", "折标准煤（tce）"),
    Column("co2_factor", "排放因子"),
    Column("co2", "CO2排放量（tCO2）"),
)


def _subtotal(section_id: str, title: str, rows: tuple[Row, ...] | list[Row], columns: tuple[str, ...]) -> Subtotal:
    """The 小计 of a section: each column's sum over its top-level rows."""
    cells = {c: "sum(" + ", ".join(r.cells[c] for r in rows if c in r.cells and r.indent == 0) + ")" for c in columns}
    return Subtotal(f"subtotal.{section_id}", f"{title} 小计", MappingProxyType(cells))


def _profile() -> tuple[list[Field], Section]:
    fields = [
        Field("park.name", "园区名称", kind="text", group=PARK, rules=(Rule("required"),)),
        Field("park.status", "示范园区状态", kind="enum", group=PARK, options=("已命名", "批准建设"),
              rules=(Rule("required"),)),
        Field("park.type", "园区类型", kind="enum", group=PARK, options=("综合类", "行业类", "静脉产业类")),
        Field("park.province", "所在省（区、市）", kind="enum", group=PARK, options=PROVINCES,
              rules=(Rule("required"),), help="决定电网排放因子的默认值"),
        Field("park.city", "所在地市", kind="text", group=PARK),
        Field("park.management_body", "园区管理机构", kind="text", group=PARK,
              help="纸质材料加盖此机构公章", rules=(Rule("required"),)),
        Field("park.approved_year", "批准建设年份", kind="year", group=PARK),
        Field("park.named_year", "命名年份", kind="year", group=PARK,
              rules=(Rule("named_year"),), help="仅已命名园区填写"),
    ]  # fmt: skip
    rows = tuple(Row(f.label, "", {"value": f.key}) for f in fields)
    return fields, Section("profile", "园区概况", PARK, rows)


def _header() -> tuple[list[Field], Section]:
    fields = [
        Field("meta.filler_unit", "填报单位", kind="text", group=META),
        Field("meta.leader", "单位负责人", kind="text", group=META),
        Field("meta.reviewer", "审核人", kind="text", group=META),
        Field("meta.filler", "填报人", kind="text", group=META),
        Field("meta.phone", "联系电话", kind="phone", group=META),
        Field("meta.email", "电子邮箱", kind="email", group=META),
        Field("meta.fill_date", "填报日期", kind="date", group=META),
        Field("meta.boundary", "核算边界说明", kind="longtext", group=META,
              help="四至范围；采用规划区或建成区；各年之间边界是否调整"),
        Field("meta.data_sources", "数据来源说明", kind="longtext", group=META,
              help="统计部门、205-1 能源报表、重点企业温室气体排放报告、电网公司等"),
        Field("meta.note", "文字说明", kind="longtext", group=META,
              help="随年度数据表报送的必要文字说明"),
    ]  # fmt: skip
    rows = tuple(Row(f.label, "", {"value": f.key}) for f in fields)
    return fields, Section("header", "表头信息", META, rows)


def _basic() -> tuple[list[Field], Section]:
    nonneg = (NONNEG,)
    fields = [
        Field("basic.area_planned", "规划面积", "km²", rules=nonneg),
        Field("basic.area_built", "建成区面积", "km²",
              rules=(NONNEG, Rule("not_above", level=WARNING, params=_p(other="basic.area_planned")))),
        Field("basic.industrial_land", "工业用地面积", "km²",
              rules=(NONNEG, Rule("not_above", level=WARNING, params=_p(other="basic.area_built")))),
        Field("basic.gdp", "地区生产总值", "亿元", rules=nonneg, help="当年价"),
        Field("basic.industrial_value_added", "工业增加值", "亿元",
              rules=(NONNEG, Rule("required", level=WARNING)), help="当年价；计算强度指标必需"),
        Field("basic.industrial_output", "工业总产值", "亿元", rules=nonneg, help="当年价"),
        Field("basic.enterprises_above_scale", "规模以上工业企业数", "家", kind="integer", rules=nonneg),
        Field("basic.employees", "从业人员", "万人", rules=nonneg),
        Field("basic.leading_industries", "主导产业", kind="text"),
    ]  # fmt: skip
    rows = tuple(Row(f.label, f.unit, {"value": f.key}) for f in fields)
    return fields, Section("A", "一、园区基本情况", VALUES, rows)


def _energy() -> tuple[list[Field], Section]:
    fields: list[Field] = []
    rows: list[Row] = []
    for key, label, unit in FUELS:
        q, fs = f"energy.{key}", f"energy.{key}.feedstock"
        ftce, fco2 = f"factor.tce.{key}", f"factor.co2.{key}"
        tce, co2 = f"energy.{key}.tce", f"emissions.{key}"
        co2_rules: tuple[Rule, ...] = (NONNEG,)
        if key == "other_petroleum":
            co2_rules = (NONNEG, Rule("required_when_positive", params=_p(other=q)))
        warn_q: tuple[Rule, ...] = (NONNEG,)
        if key == "natural_gas":
            warn_q = (NONNEG, Rule("unit_suspect", WARNING, _p(above=1e5, hint="是否误按 m³ 填报？本行单位为万Nm³")))
        fields += [
            Field(q, label, unit, rules=warn_q),
            Field(fs, f"{label}（其中：用作原料、材料）", unit, rules=(NONNEG, Rule("le_field", params=_p(other=q)))),
            Field(ftce, f"{label}折标系数", f"tce/{unit}", role=FACTOR,
                  default_ref=f"energy:{key}:tce", rules=(NONNEG,)),
            Field(tce, f"{label}折标准煤", "tce", role=COMPUTED, formula=f"{q} * {ftce}"),
            Field(fco2, f"{label}排放因子", f"tCO2/{unit}", role=FACTOR,
                  default_ref="none" if key == "other_petroleum" else f"energy:{key}:co2", rules=co2_rules),
            Field(co2, f"{label}CO2排放量", "tCO2", role=COMPUTED, formula=f"({q} - {fs}) * {fco2}"),
        ]  # fmt: skip
        rows.append(Row(label, unit, {"value": q, "feedstock": fs, "tce_factor": ftce, "tce": tce,
                                      "co2_factor": fco2, "co2": co2}))  # fmt: skip
    key, label, unit = OTHER_ENERGY
    fields += [
        Field("energy.other_energy", label, unit, rules=(NONNEG,), help="直接以吨标准煤填报"),
        Field("energy.other_energy.feedstock", f"{label}（其中：用作原料、材料）", unit,
              rules=(NONNEG, Rule("le_field", params=_p(other="energy.other_energy")))),
        Field("energy.other_energy.tce", f"{label}折标准煤", "tce", role=COMPUTED, formula="energy.other_energy"),
        Field("emissions.other_energy", f"{label}CO2排放量", "tCO2", rules=(NONNEG,),
              help="其他能源的 CO2 排放量直接填报（tCO2）"),
    ]  # fmt: skip
    rows.append(Row(label, unit, {"value": "energy.other_energy", "feedstock": "energy.other_energy.feedstock",
                                  "tce": "energy.other_energy.tce", "co2": "emissions.other_energy"}))  # fmt: skip
    note = "园区自备电厂、锅炉消耗的燃料在本部分填报，其发电量、供热量不再重复计算。"
    subtotal = _subtotal("energy", "能源消费", rows, ("tce", "co2"))
    return fields, Section("B", "二、能源消费", VALUES, tuple(rows), note, (subtotal,))


def _power() -> tuple[list[Field], Section]:
    nonneg = (NONNEG,)
    fields = [
        Field("power.purchased", "外购（调入）电力", "万kWh", rules=nonneg),
        Field("power.exported", "外供（调出）电力", "万kWh", rules=nonneg),
        Field("power.net", "净调入电力", "万kWh", role=COMPUTED, formula="power.purchased - power.exported",
              rules=(Rule("negative", WARNING),)),
        Field("factor.grid", "电网排放因子", "tCO2/MWh", role=FACTOR, default_ref="grid",
              rules=(NONNEG, Rule("required_when_nonzero", params=_p(other="power.net")))),
        Field("factor.tce.power", "电力折标系数", "tce/万kWh", role=FACTOR,
              default_ref="const:tce_power_equal", help="默认当量值；改用等价值时须填写当年数值及来源"),
        Field("energy.power.tce", "净调入电力折标准煤", "tce", role=COMPUTED,
              formula="power.net * factor.tce.power"),
        Field("emissions.power", "净调入电力间接排放", "tCO2", role=COMPUTED,
              formula="power.net * 10 * factor.grid"),
        Field("power.self_thermal", "自备火电发电量", "万kWh", rules=nonneg,
              help="备忘：其燃料已在能源消费部分计入"),
        Field("power.self_pv", "光伏发电量", "万kWh", rules=nonneg),
        Field("power.self_wind", "风电发电量", "万kWh", rules=nonneg),
        Field("power.self_other_renewable", "其他可再生能源发电量", "万kWh", rules=nonneg),
        Field("power.self_renewable", "自发可再生电力合计", "万kWh", role=COMPUTED,
              formula="power.self_pv + power.self_wind + power.self_other_renewable"),
        Field("energy.renewable.tce", "自发可再生电力折标准煤", "tce", role=COMPUTED,
              formula="power.self_renewable * factor.tce.power"),
        Field("power.green_purchased", "其中：外购绿电", "万kWh",
              rules=(NONNEG, Rule("le_field", params=_p(other="power.purchased"))),
              help="备忘项，不从排放中扣减"),
        Field("heat.purchased", "外购热力", "GJ", rules=nonneg),
        Field("heat.exported", "外供热力", "GJ", rules=nonneg),
        Field("heat.net", "净调入热力", "GJ", role=COMPUTED, formula="heat.purchased - heat.exported",
              rules=(Rule("negative", WARNING),)),
        Field("factor.heat", "热力排放因子", "tCO2/GJ", role=FACTOR, default_ref="const:heat"),
        Field("factor.tce.heat", "热力折标系数", "tce/GJ", role=FACTOR, default_ref="const:tce_heat"),
        Field("energy.heat.tce", "净调入热力折标准煤", "tce", role=COMPUTED, formula="heat.net * factor.tce.heat"),
        Field("emissions.heat", "净调入热力间接排放", "tCO2", role=COMPUTED, formula="heat.net * factor.heat"),
    ]  # fmt: skip
    rows = (
        Row("外购（调入）电力", "万kWh", {"value": "power.purchased"}),
        Row("其中：外购绿电", "万kWh", {"value": "power.green_purchased"}, indent=1),
        Row("外供（调出）电力", "万kWh", {"value": "power.exported"}),
        Row("净调入电力", "万kWh", {"value": "power.net", "tce_factor": "factor.tce.power",
            "tce": "energy.power.tce", "co2_factor": "factor.grid", "co2": "emissions.power"}),
        Row("自备火电发电量（备忘）", "万kWh", {"value": "power.self_thermal"}),
        Row("光伏发电量", "万kWh", {"value": "power.self_pv"}),
        Row("风电发电量", "万kWh", {"value": "power.self_wind"}),
        Row("其他可再生能源发电量", "万kWh", {"value": "power.self_other_renewable"}),
        Row("自发可再生电力合计", "万kWh", {"value": "power.self_renewable", "tce_factor": "factor.tce.power",
            "tce": "energy.renewable.tce"}),
        Row("外购热力", "GJ", {"value": "heat.purchased"}),
        Row("外供热力", "GJ", {"value": "heat.exported"}),
        Row("净调入热力", "GJ", {"value": "heat.net", "tce_factor": "factor.tce.heat", "tce": "energy.heat.tce",
            "co2_factor": "factor.heat", "co2": "emissions.heat"}),
    )  # fmt: skip
    subtotal = _subtotal("power", "电力与热力", rows, ("tce", "co2"))
    return fields, Section("C", "三、电力与热力", VALUES, rows, subtotals=(subtotal,))


def _process() -> tuple[list[Field], Section]:
    fields: list[Field] = []
    rows: list[Row] = []
    for key, label, unit, ref in PROCESSES:
        a, f, e = f"process.{key}", f"factor.process.{key}", f"emissions.process.{key}"
        fields += [
            Field(a, label, unit, rules=(NONNEG,)),
            Field(f, f"{label}排放因子", f"tCO2/{unit}", role=FACTOR, default_ref=f"process:{ref}",
                  rules=(NONNEG,)),
            Field(e, f"{label}过程排放", "tCO2", role=COMPUTED, formula=f"{a} * {f}"),
        ]  # fmt: skip
        rows.append(Row(label, unit, {"value": a, "co2_factor": f, "co2": e}))
    fields += [
        Field("process.direct", "其他工业过程排放（直接填报）", "tCO2", rules=(NONNEG,),
              help="如重点企业温室气体排放核查报告中的过程排放"),
        Field("memo.waste", "废弃物处理排放（备忘项）", "tCO2e", rules=(NONNEG,), help="不计入二氧化碳排放总量"),
        Field("memo.other_ghg", "其他温室气体排放（备忘项）", "tCO2e", rules=(NONNEG,),
              help="不计入二氧化碳排放总量；请在文字说明中注明 GWP 取值依据"),
    ]  # fmt: skip
    rows += [
        Row("其他工业过程排放（直接填报，如重点企业核查报告）", "tCO2", {"co2": "process.direct"}),
        Row("备忘项：废弃物处理排放", "tCO2e", {"value": "memo.waste"}),
        Row("备忘项：其他温室气体排放", "tCO2e", {"value": "memo.other_ghg"}),
    ]
    subtotal = _subtotal("process", "工业生产过程排放", rows, ("co2",))
    note = "备忘项单独列示，不计入二氧化碳排放总量。"
    return fields, Section("D", "四、工业生产过程排放", VALUES, tuple(rows), note, (subtotal,))


def _summary() -> tuple[list[Field], Section]:
    fuel_co2 = [f"emissions.{k}" for k, _, _ in FUELS] + ["emissions.other_energy"]
    fuel_tce = [f"energy.{k}.tce" for k, _, _ in FUELS] + ["energy.other_energy.tce"]
    feed_tce = [f"energy.{k}.feedstock * factor.tce.{k}" for k, _, _ in FUELS] + ["energy.other_energy.feedstock"]
    proc = " + ".join(f"emissions.process.{k}" for k, *_ in PROCESSES)
    fields = [
        Field("emissions.combustion", "化石燃料燃烧排放", "tCO2", role=COMPUTED,
              formula="sum(" + ", ".join(fuel_co2) + ")"),
        Field("emissions.process", "工业生产过程排放", "tCO2", role=COMPUTED, formula=f"{proc} + process.direct"),
        Field("emissions.direct", "直接排放", "tCO2", role=COMPUTED,
              formula="emissions.combustion + emissions.process"),
        Field("emissions.indirect", "间接排放", "tCO2", role=COMPUTED, formula="emissions.power + emissions.heat"),
        Field("emissions.total", "二氧化碳排放总量", "tCO2", role=COMPUTED,
              formula="emissions.direct + emissions.indirect"),
        Field("emissions.total_10k", "二氧化碳排放总量（万吨）", "万tCO2", role=COMPUTED,
              formula="emissions.total / 10000"),
        Field("energy.total_tce", "综合能源消费量", "tce", role=COMPUTED,
              formula="sum(" + ", ".join(fuel_tce) + ") + energy.power.tce + energy.heat.tce + energy.renewable.tce"),
        Field("energy.feedstock_tce", "其中：原料用能", "tce", role=COMPUTED,
              formula="sum(" + ", ".join(feed_tce) + ")"),
    ]  # fmt: skip
    rows = (
        Row("化石燃料燃烧排放", "tCO2", {"co2": "emissions.combustion"}),
        Row("工业生产过程排放", "tCO2", {"co2": "emissions.process"}),
        Row("净调入电力间接排放", "tCO2", {"co2": "emissions.power"}),
        Row("净调入热力间接排放", "tCO2", {"co2": "emissions.heat"}),
        Row("直接排放", "tCO2", {"co2": "emissions.direct"}),
        Row("间接排放", "tCO2", {"co2": "emissions.indirect"}),
        Row("二氧化碳排放总量", "tCO2", {"co2": "emissions.total"}),
        Row("二氧化碳排放总量（万吨）", "万tCO2", {"value": "emissions.total_10k"}),
        Row("综合能源消费量", "tce", {"tce": "energy.total_tce"}),
        Row("其中：原料用能", "tce", {"tce": "energy.feedstock_tce"}, indent=1),
    )
    return fields, Section("E", "五、二氧化碳排放汇总", VALUES, rows)


def _sink() -> tuple[list[Field], Section]:
    fields: list[Field] = []
    rows: list[Row] = []
    uptakes = []
    for kind, label, area, ref in SINKS:
        f, u = f"factor.sink.{kind}", f"sink.{kind}_uptake"
        fields += [
            Field(area, f"{label}面积", "公顷", rules=(NONNEG,)),
            Field(f, f"{label}单位面积年固碳量", "tCO2/(公顷·年)", role=FACTOR, indicative=True,
                  default_ref=f"sink:{ref}" if ref else "none",
                  rules=(NONNEG, Rule("required_when_positive", WARNING, _p(other=area)))),
            Field(u, f"{label}固碳量", "tCO2", role=COMPUTED, formula=f"{area} * {f}"),
        ]  # fmt: skip
        uptakes.append(u)
        rows.append(Row(f"{label}面积", "公顷", {"value": area, "co2_factor": f, "co2": u}))
    fields += [
        Field("sink.green_coverage", "绿化覆盖率", "%", kind="percent", rules=(PERCENT,)),
        Field("sink.ccus", "CO2 捕集利用与封存量", "tCO2", rules=(NONNEG,)),
        Field("sink.total", "碳汇量", "tCO2", role=COMPUTED, formula=" + ".join(uptakes) + " + sink.ccus"),
        Field("emissions.net", "净排放量（分析值）", "tCO2", role=COMPUTED, formula="emissions.total - sink.total"),
    ]  # fmt: skip
    rows += [
        Row("绿化覆盖率", "%", {"value": "sink.green_coverage"}),
        Row("CO2 捕集利用与封存量", "tCO2", {"co2": "sink.ccus"}),
        Row("碳汇量", "tCO2", {"co2": "sink.total"}),
        Row("净排放量（分析值）", "tCO2", {"co2": "emissions.net"}),
    ]
    note = "碳汇单独列示，不从二氧化碳排放总量中扣减；单位面积固碳量为示意值。"
    return fields, Section("F", "六、碳汇", VALUES, tuple(rows), note)


def _intensity() -> tuple[list[Field], Section]:
    iva = "basic.industrial_value_added * 10000"
    fields = [
        Field("intensity.co2_per_iva", "单位工业增加值二氧化碳排放量", "tCO2/万元", role=COMPUTED,
              formula=f"ratio(emissions.total, {iva})",
              rules=(Rule("range", WARNING, _p(lo=0.05, hi=20, hint="请核对单位（亿元、吨）")),)),
        Field("intensity.co2_per_gdp", "单位地区生产总值二氧化碳排放量", "tCO2/万元", role=COMPUTED,
              formula="ratio(emissions.total, basic.gdp * 10000)"),
        Field("intensity.energy_per_iva", "单位工业增加值综合能耗", "tce/万元", role=COMPUTED,
              formula=f"ratio(energy.total_tce, {iva})"),
        Field("intensity.nonfossil_share", "非化石能源消费占比", "%", role=COMPUTED,
              formula="ratio((power.self_renewable + power.green_purchased) * factor.tce.power, energy.total_tce)"
                      " * 100"),
        Field("intensity.co2_per_employee", "人均二氧化碳排放量", "tCO2/人", role=COMPUTED,
              formula="ratio(emissions.total, basic.employees * 10000)"),
    ]  # fmt: skip
    for part, label in SHARES:
        fields.append(Field(f"share.{part}", f"排放结构：{label}", "%", role=COMPUTED,
                            formula=f"ratio(emissions.{part}, emissions.total) * 100"))  # fmt: skip
    rows = tuple(Row(f.label, f.unit, {"value": f.key}) for f in fields)
    return fields, Section("G", "七、强度与结构指标", VALUES, rows)


def build() -> FormDefinition:
    fields: list[Field] = []
    sections: list[Section] = []
    for part in (_profile, _header, _basic, _energy, _power, _process, _summary, _sink, _intensity):
        f, s = part()
        fields += f
        sections.append(s)
    fuel_keys = (*(f"energy.{k}" for k, _, _ in FUELS), "energy.other_energy")
    by_key = {f.key: f for f in fields}
    yoy_keys = ("emissions.total", "energy.total_tce", "intensity.co2_per_iva", "intensity.energy_per_iva")
    return FormDefinition(
        version=VERSION,
        title="园区年度碳排放基础数据表",
        columns=COLUMNS,
        sections=tuple(sections),
        fields=tuple(fields),
        yoy_keys=yoy_keys,
        yoy_metrics=tuple(
            TrendMetric(
                f"trend.{k}.yoy",
                f"{by_key[k].label}同比变化",
                "%",
                f"growth({k}@year, {k}@prev)",
                each_year=True,
                note="（本年 / 上年 − 1）× 100",
            )
            for k in yoy_keys
        ),
        trend_metrics=(
            TrendMetric(
                "trend.co2_per_iva.avg_reduction",
                "单位工业增加值二氧化碳排放量年均削减率",
                "%",
                "(1 - pow(ratio(nonneg(intensity.co2_per_iva@last), positive(intensity.co2_per_iva@first)),"
                " 1 / (last - first))) * 100",
            ),
            TrendMetric(
                "trend.energy_elasticity",
                "综合能耗弹性系数",
                "",
                "growth(energy.total_tce@year, energy.total_tce@prev)"
                " / growth(basic.industrial_value_added@year, basic.industrial_value_added@prev)",
                each_year=True,
            ),
            TrendMetric(
                "trend.peak_year",
                "已观测排放峰值年份",
                "年",
                "emissions.total@year",
                each_year=True,
                reduce="peak_year",
            ),
        ),
        intensity_key="intensity.co2_per_iva",
        value_added_key="basic.industrial_value_added",
        energy_key="energy.total_tce",
        emissions_key="emissions.total",
        province_key="park.province",
        park_type_key="park.type",
        energy_intensity_key="intensity.energy_per_iva",
        edition="2021 年版",
        required_years=(2016, 2017, 2018, 2019, 2020),
        precision=PRECISION,  # 科财函〔2021〕159号: the 2016–2020 tables
        yoy_warning_keys=("emissions.total", *fuel_keys),
        year_rules=(
            Rule("year_range"),
            Rule("yoy_change", WARNING, _p(limit=30.0)),
            Rule("override_source", WARNING),
        ),
        roles=Roles(
            name="park.name",
            management_body="park.management_body",
            contact=("meta.filler", "meta.phone", "meta.email"),
            filler_unit="meta.filler_unit",
            fill_date="meta.fill_date",
            sink_section="F",
            shares=tuple((f"share.{part}", f"emissions.{part}") for part, _ in SHARES),
            areas=("basic.area_planned", "basic.area_built", "basic.industrial_land"),
            reduction_metric="trend.co2_per_iva.avg_reduction",
            coefficient_column="tce_factor",
        ),
    )
