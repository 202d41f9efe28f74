"""Consistency of prose figures with the data, required elements, and the 定稿 gate."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.park.model import ParkData
from forms.park.parkfile import park_from_json
from forms.report.check import (
    check_figures,
    check_report,
    check_requirements,
    content_fingerprint,
    empty_sections,
    final_gate,
    final_label,
    final_record,
    final_state,
    find_figures,
    is_final,
    mark_final,
    matches,
    not_applicable_reason,
    not_applicable_text,
    update_figure_snapshot,
)
from forms.report.outline import outline_for
from forms.report.projection import default_scenarios
from forms.table.calc import compute_park
from tests.forms.helpers import demo_doc


def _park(sections: dict[str, str] | None = None, **report: Any) -> ParkData:
    doc = demo_doc()
    doc["report"] = {"sections": sections or {}, **report}
    return park_from_json(doc)


def _codes(park: ParkData) -> list[tuple[str, str]]:
    return [(f.code, f.snippet) for f in check_figures(park, compute_park(park))]


COMPLETE_SECTIONS = {
    "ch2.2": "2016—2020年，园区二氧化碳排放总量由650.45万吨增加到688.75万吨；单位工业增加值二氧化碳排放量下降了14.6%。"
    "{{table.trend}}",
    "ch3.2": "{{table.emissions_by_source}}",
    "ch4.2": "{{table.projection}}{{chart.projection}}",
    "ch5.2": "到2025年实现碳达峰，强度目标见下表。{{table.targets}}",
}
PROJECTS = [{"name": "热电联产机组改造", "content": "通流改造", "investment": 1200, "years": "2022-2024",
             "reduction": 5000, "owner": "热电公司"}]  # fmt: skip


def _complete() -> ParkData:
    """Every requirement met and every other section written (定稿 needs text in each section)."""
    sections = {s.key: f"{s.title}：园区已开展相关工作。" for s in outline_for().sections() if s.kind != "projects"}
    return _park(sections | COMPLETE_SECTIONS, projects=PROJECTS, scenarios=default_scenarios())


@pytest.mark.parametrize(
    "text",
    [
        "2020年排放总量为688.8万吨。",
        "2020年，园区二氧化碳排放总量688.75万吨。",
        "2020年碳排放总量约689万吨",
        "2020年二氧化碳排放总量为6,887,517吨。",
        "2020年工业增加值436.5亿元，综合能源消费量208.06万吨标准煤。",
        "2020年单位工业增加值二氧化碳排放量为1.578吨/万元。",
        "与2016年相比，2020年单位工业增加值二氧化碳排放量下降了14.6%，年均下降3.87%。",
        "2016—2020年，二氧化碳排放总量增长5.9%。",
        "2020年，化石燃料燃烧排放占45.7%。",
        "2016年工业增加值3,520,000万元。",
        "２０２０年排放总量为６８８．８万吨，同比增长１．４１％。",
        "2018年二氧化碳排放总量较上年增长1.45%。",
    ],
)
def test_right_figures_are_accepted(text: str) -> None:
    park = _park({"ch2.2": text})
    result = compute_park(park)
    assert find_figures("ch2.2", text, result.form, sorted(result.years)), "the figure should be recognised"
    assert check_figures(park, result) == []


@pytest.mark.parametrize(
    ("text", "written", "shown"),
    [
        ("2020年排放总量为698.8万吨。", "698.8万吨", "688.75万吨"),
        ("2020年二氧化碳排放总量为6,800,000吨。", "6,800,000吨", "6,887,517吨"),
        ("2020年工业增加值446.5亿元。", "446.5亿元", "436.50亿元"),
        ("单位工业增加值二氧化碳排放量下降了12.3%。", "12.3%", "下降 14.61%"),
        ("2016—2020年，二氧化碳排放总量下降5.9%。", "5.9%", "增长 5.89%"),
        ("2020年综合能源消费量为218.06万吨标准煤。", "218.06万吨标准煤", "208.06万吨标准煤"),
        ("2020年排放总量同比增长5.9%。", "5.9%", "增长 1.41%"),
    ],
)
def test_wrong_figures_are_reported_with_both_values(text: str, written: str, shown: str) -> None:
    park = _park({"ch3.2": text})
    findings = check_figures(park, compute_park(park))
    assert len(findings) == 1
    f = findings[0]
    assert (f.level, f.code, f.section, f.snippet) == ("warning", "figure_mismatch", "ch3.2", written)
    assert written in f.message and shown in f.message
    assert f.message.startswith("三（二）碳排放总量、结构及变化趋势")


def test_unrelated_numbers_and_linked_markers_are_not_checked() -> None:
    text = ("园区规划面积86.5平方公里，共有企业296家，2025年力争排放总量控制在900万吨以内。"
            "2020年排放总量为{{value.emissions.total@2020}}。今年投资12亿元建设光伏。")  # fmt: skip
    assert _codes(_park({"ch1.1": text})) == []


def test_matches_uses_the_precision_written() -> None:
    assert matches(688.8, 1, 688.7517)
    assert matches(689, 0, 688.7517)
    assert not matches(688.7, 1, 688.7517)
    assert not matches(1.0, 0, None)


def test_a_figure_made_stale_by_a_data_change_is_reported_with_both_values() -> None:
    park = _park({"ch2.2": "2020年排放总量为688.75万吨。"})
    park.report.extra["figures"] = update_figure_snapshot(park, compute_park(park))
    assert len(park.report.extra["figures"]) == 1
    assert check_figures(park, compute_park(park)) == []
    park.years[2020].values["energy.raw_coal"] = 1318000  # later data change: +18.61 万吨
    findings = check_figures(park, compute_park(park))
    assert [f.code for f in findings] == ["stale_figure"]
    assert "688.75万吨" in findings[0].message and "707.36万吨" in findings[0].message
    assert findings[0].data == pytest.approx(707.36, abs=0.01)
    # the snapshot keeps the old record for the stale figure, so it stays reported until the text changes
    again = update_figure_snapshot(park, compute_park(park))
    assert again == park.report.extra["figures"]


def test_explained_report_warning_no_longer_blocks() -> None:
    park = _complete()
    park.report.sections["ch3.2"] += "2020年排放总量为698.8万吨。"
    result = compute_park(park)
    gate = final_gate(park, result, [])
    assert not gate.ok and any("698.8万吨" in b for b in gate.blockers)
    finding = next(f for f in check_report(park, result) if f.code == "figure_mismatch")
    park.report.extra["check_notes"] = {finding.id: "含园区外企业，口径不同"}
    assert final_gate(park, compute_park(park), []).ok


def test_requirements_of_an_empty_report() -> None:
    park = _park()
    missing = check_requirements(park, compute_park(park))
    by_section = {(m.section, m.requirement) for m in missing}
    assert by_section == {
        ("ch2.2", "change.emissions"), ("ch2.2", "change.intensity"), ("ch3.2", "totals"), ("ch3.2", "structure"),
        ("ch4.2", "projection"), ("ch5.2", "peak_target"), ("ch5.2", "intensity_targets"), ("ch6.9", "projects"),
    }  # fmt: skip
    msg = next(m.message for m in missing if m.section == "ch2.2" and m.requirement == "change.emissions")
    assert msg.startswith("二（二）取得的成效：缺少“首末年份二氧化碳排放总量的变化”")


def test_requirements_met_by_blocks_text_figures_and_projects() -> None:
    park = _complete()
    assert check_requirements(park, compute_park(park)) == []
    # a value block also satisfies "mentions"
    park.report.sections["ch2.2"] = "{{value.change.emissions.total}}{{value.change_abs.intensity.co2_per_iva}}"
    assert check_requirements(park, compute_park(park)) == []
    # the default scenarios are not the park's own: the projection requirement is not met
    park.report.scenarios = {}
    missing = check_requirements(park, compute_park(park))
    assert [(m.section, m.requirement) for m in missing] == [("ch4.2", "projection")]


def test_gate_lists_data_errors_unexplained_warnings_and_bad_projects() -> None:
    park = _complete()
    park.years[2018].values["energy.raw_coal"] = -5
    park.report.projects.append({"name": "", "investment": "一千", "years": "2024-2022"})
    gate = final_gate(park, compute_park(park))
    assert not gate.ok
    text = "\n".join(gate.blockers)
    assert "2018年 原煤(energy.raw_coal)：错误" in text
    assert "重点项目第 2 行：项目名称未填写" in text
    assert "重点项目第 2 行：总投资(万元)" in text and "结束年份早于开始年份" in text
    kinds = {b.kind for b in gate.items}
    assert {"data_error", "report_error"} <= kinds
    assert any(b.year == 2018 and b.key == "energy.raw_coal" for b in gate.items)


def test_unexplained_data_warning_blocks_and_explanation_clears_it() -> None:
    park = _complete()
    park.years[2020].values["energy.natural_gas"] = 310800000  # unit suspect: m³ typed as 万Nm³
    gate = final_gate(park, compute_park(park))
    assert any("警告尚未说明" in b and "天然气" in b for b in gate.blockers)
    for y in park.years.values():
        y.explanations.update({k: "已核实" for k in ("energy.natural_gas", "emissions.total", "intensity.co2_per_iva")})
    gate = final_gate(park, compute_park(park))
    assert not any("警告尚未说明" in b and "天然气" in b for b in gate.blockers)


def test_marking_final_and_losing_it_on_change() -> None:
    park = _complete()
    result = compute_park(park)
    gate, record = mark_final(park, result, [], now=dt.datetime(2021, 9, 28, 10, 0, tzinfo=dt.UTC))
    assert gate.ok and gate.blockers == []
    assert record == {"at": "2021-09-28T10:00:00+00:00", "fingerprint": content_fingerprint(park)}
    assert not is_final(park) and final_state(park) == "draft" and final_label(park) == "草稿"
    park.report.extra["final"] = record
    assert is_final(park) and final_label(park) == "已定稿（2021-09-28 10:00）"
    # bookkeeping does not change the content
    park.report.extra["check_notes"] = {"x": "y"}
    assert is_final(park)
    park.report.sections["ch7.1"] = "成立碳达峰工作领导小组。"
    assert not is_final(park) and final_state(park) == "changed"
    assert "需重新定稿" in final_label(park)


def test_gate_names_empty_sections_by_number_and_title() -> None:
    park = _complete()
    del park.report.sections["ch6.3"]
    park.report.sections["ch7.2"] = "  \n"
    park.report.sections["ch7.4"] = "{{table.trend}}"  # a block the clerk inserted is content
    gate = final_gate(park, compute_park(park), [])
    empty = [b for b in gate.items if b.kind == "empty_section"]
    assert [(b.section, b.message) for b in empty] == [
        ("ch6.3", "六（三）实施节能降碳与能效提升：本节尚无内容（请撰写正文，或写明“本节不适用：理由”）"),
        ("ch7.2", "七（二）完善政策与资金支持：本节尚无内容（请撰写正文，或写明“本节不适用：理由”）"),
    ]
    assert [e.section for e in empty_sections(park)] == ["ch6.3", "ch7.2"]


def test_not_applicable_needs_a_reason() -> None:
    park = _complete()
    park.report.sections["ch6.6"] = "本节不适用"
    gate = final_gate(park, compute_park(park), [])
    assert gate.blockers == ["六（六）提升生态碳汇能力：标为“本节不适用”，但没有写明理由"]
    park.report.sections["ch6.6"] = not_applicable_text("园区为建成区，无林地、湿地")
    assert park.report.sections["ch6.6"] == "本节不适用：园区为建成区，无林地、湿地。"
    assert not_applicable_reason(park.report.sections["ch6.6"]) == "园区为建成区，无林地、湿地"
    assert not_applicable_reason("本节适用于……") is None and not_applicable_reason("") is None
    assert final_gate(park, compute_park(park), []).ok


def test_mail_settings_are_bookkeeping_not_content() -> None:
    park = _complete()
    before = content_fingerprint(park)
    park.report.extra["mail"] = {"recipient": "province", "to": "a@b.cn", "from": "c@d.cn"}
    assert content_fingerprint(park) == before


def test_mark_final_refuses_when_blocked() -> None:
    park = _park()
    gate, record = mark_final(park, compute_park(park), [])
    assert not gate.ok and record is None
    rec = final_record(park, compute_park(park))
    assert rec["fingerprint"] == content_fingerprint(park)


def test_unknown_marker_is_reported() -> None:
    park = _complete()
    park.report.sections["ch3.3"] = "见下表。{{table.nonexistent}}"
    findings = [f for f in check_report(park, compute_park(park)) if f.code == "missing_block"]
    assert len(findings) == 1 and "table.nonexistent" in findings[0].message


_PIECES = ["2020年", "2016—2020年", "较2016年", "排放总量", "单位工业增加值二氧化碳排放量", "工业增加值", "为", "下降",
           "增长", "同比", "年均", "占", "688.8", "12.3", "1,234", "６８８．８", "万吨", "吨", "亿元", "%", "，", "。",
           "化石燃料燃烧排放", "{{value.emissions.total}}", "{{", "@", "年"]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_any_prose_gives_warnings_that_quote_the_text(text: str) -> None:
    park = _PARK_FOR_PROPERTIES
    park.report.sections["ch3.2"] = text
    findings = check_figures(park, _RESULT_FOR_PROPERTIES)
    normalised = text.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    for f in findings:
        assert f.level == "warning" and f.section == "ch3.2"
        assert f.snippet in normalised and f.snippet in f.message


_PARK_FOR_PROPERTIES = park_from_json(demo_doc())
_RESULT_FOR_PROPERTIES = compute_park(_PARK_FOR_PROPERTIES)
