"""User customisation of the report outline (forms.report.customisation): rename, add, move, delete, reset,
tolerance of bad stored JSON, required sections kept, and the park file round trip."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.park.model import ParkData
from forms.park.parkfile import dumps, loads, read_park_file
from forms.report.check import check_report, check_requirements, section_heading
from forms.report.customisation import (
    CUSTOM_KEY,
    OutlineCustomError,
    add_section,
    custom_findings,
    effective_outline,
    move_section,
    parse_custom,
    remove_added_section,
    remove_section,
    rename_section,
    reset,
    stored_value,
)
from forms.report.outline import outline_for
from forms.table.calc import compute_park
from tests.forms.helpers import DEMO

BASE = outline_for("eip-2021")


def keys(outline: Any, chapter: str) -> list[str]:
    return [s.key for s in next(c for c in outline.chapters if c.key == chapter).sections]


def park_with(custom: Any) -> ParkData:
    park = read_park_file(DEMO)
    if custom is not None:
        park.report.extra[CUSTOM_KEY] = custom
    return park


def test_no_customisation_is_the_versioned_outline() -> None:
    assert effective_outline(park_with(None)) == BASE
    assert effective_outline(park_with({})) == BASE
    assert custom_findings(park_with({})) == []


def test_rename_changes_the_title_only() -> None:
    custom = rename_section(None, BASE, "ch2.1", "  主要工作\n及举措 ")
    assert custom == {"titles": {"ch2.1": "主要工作 及举措"}}
    outline = effective_outline(park_with(custom))
    section = outline.section("ch2.1")
    assert section.title == "主要工作 及举措"
    assert section.guidance == BASE.section("ch2.1").guidance
    assert keys(outline, "ch2") == ["ch2.1", "ch2.2", "ch2.3"]
    assert section_heading(outline, "ch2.1") == "二（一）主要工作 及举措"
    # back to the outline's own title: nothing left to store
    assert stored_value(rename_section(custom, BASE, "ch2.1", "主要工作及措施")) is None


def test_rename_keeps_requirements_of_a_required_section() -> None:
    custom = rename_section(None, BASE, "ch6.9", "重点工程项目表")
    section = effective_outline(park_with(custom)).section("ch6.9")
    assert section.title == "重点工程项目表"
    assert section.requirements == BASE.section("ch6.9").requirements and section.kind == "projects"


@pytest.mark.parametrize("title", ["", "   ", "长" * 41])
def test_rename_refuses_an_empty_or_too_long_title(title: str) -> None:
    with pytest.raises(OutlineCustomError, match="小节标题"):
        rename_section(None, BASE, "ch2.1", title)


def test_rename_of_an_unknown_section_is_refused() -> None:
    with pytest.raises(OutlineCustomError, match=r"ch9\.9"):
        rename_section(None, BASE, "ch9.9", "标题")


def test_add_section_after_a_section_with_a_stable_key() -> None:
    custom, key = add_section(None, BASE, "ch2", "典型案例", after="ch2.2")
    assert key == "ch2.x1"
    outline = effective_outline(park_with(custom))
    assert keys(outline, "ch2") == ["ch2.1", "ch2.2", "ch2.x1", "ch2.3"]
    added = outline.section("ch2.x1")
    assert added.title == "典型案例" and added.requirements == () and added.guidance
    assert section_heading(outline, "ch2.x1") == "二（三）典型案例"
    assert section_heading(outline, "ch2.3") == "二（四）存在的问题与不足"
    # at the chapter's end, with the next key; a rename keeps the key
    custom, key2 = add_section(custom, BASE, "ch7", "加强国际交流")
    assert key2 == "ch7.x2"
    custom = rename_section(custom, BASE, "ch2.x1", "典型案例与经验")
    outline = effective_outline(park_with(custom))
    assert keys(outline, "ch7")[-1] == "ch7.x2"
    assert outline.section("ch2.x1").title == "典型案例与经验"


def test_added_keys_never_collide_or_come_back() -> None:
    custom, first = add_section(None, BASE, "ch3", "甲")
    custom = remove_added_section(custom, BASE, first)
    custom, second = add_section(custom, BASE, "ch3", "乙")
    assert second != first
    custom = reset(custom, BASE)
    custom, third = add_section(custom, BASE, "ch3", "丙")
    assert third not in (first, second)
    # keys that still hold text in the report are not given out either
    custom, fourth = add_section(None, BASE, "ch3", "丁", taken={"ch3.x1", "ch3.x2"})
    assert fourth == "ch3.x3"


def test_move_up_and_down_within_the_chapter() -> None:
    custom = move_section(None, BASE, "ch2.3", -1)
    assert keys(effective_outline(park_with(custom)), "ch2") == ["ch2.1", "ch2.3", "ch2.2"]
    custom = move_section(custom, BASE, "ch2.3", -1)
    assert keys(effective_outline(park_with(custom)), "ch2") == ["ch2.3", "ch2.1", "ch2.2"]
    assert move_section(custom, BASE, "ch2.3", -1) == custom  # already first
    custom = move_section(custom, BASE, "ch2.3", 1)
    outline = effective_outline(park_with(custom))
    assert keys(outline, "ch2") == ["ch2.1", "ch2.3", "ch2.2"]
    assert section_heading(outline, "ch2.2") == "二（三）取得的成效"
    # an added section moves like any other
    custom, key = add_section(custom, BASE, "ch2", "案例")
    custom = move_section(custom, BASE, key, -1)
    assert keys(effective_outline(park_with(custom)), "ch2") == ["ch2.1", "ch2.3", key, "ch2.2"]


def test_remove_added_section_and_refusals() -> None:
    custom, key = add_section(None, BASE, "ch5", "资金保障")
    custom = rename_section(custom, BASE, "ch5.1", "指导思想")
    custom = remove_added_section(custom, BASE, key)
    outline = effective_outline(park_with(custom))
    assert keys(outline, "ch5") == ["ch5.1", "ch5.2", "ch5.3"]
    assert outline.section("ch5.1").title == "指导思想"
    with pytest.raises(OutlineCustomError, match="不能删除"):
        remove_added_section(custom, BASE, "ch5.1")


@pytest.mark.parametrize("key", [s.key for s in BASE.sections() if s.requirements])
def test_required_sections_cannot_be_removed(key: str) -> None:
    with pytest.raises(OutlineCustomError, match="必备"):
        remove_section(None, BASE, key)
    # nor by writing them into the stored value: they stay, with a finding
    park = park_with({"removed": [key]})
    assert key in {s.key for s in effective_outline(park).sections()}
    assert any(key in f.path for f in custom_findings(park))


def test_a_section_without_requirements_can_be_left_out_and_reset_brings_it_back() -> None:
    custom = remove_section(None, BASE, "ch6.7")
    park = park_with(custom)
    park.report.sections["ch6.7"] = "技术创新……"
    assert "ch6.7" not in keys(effective_outline(park), "ch6")
    assert park.report.sections["ch6.7"] == "技术创新……"  # the text is kept
    restored = reset(custom, BASE)
    assert stored_value(restored) is None
    assert effective_outline(park_with(restored)) == BASE


def test_a_chapter_keeps_one_section() -> None:
    custom = remove_section(None, BASE, "ch1.1")
    custom = remove_section(custom, BASE, "ch1.2")
    with pytest.raises(OutlineCustomError, match="至少保留"):
        remove_section(custom, BASE, "ch1.3")
    park = park_with({"removed": ["ch1.1", "ch1.2", "ch1.3"]})
    assert keys(effective_outline(park), "ch1") == ["ch1.3"]
    assert any("至少保留" in f.message for f in custom_findings(park))


def test_reset_forgets_everything_but_the_key_counter() -> None:
    custom = rename_section(None, BASE, "ch2.1", "新标题")
    custom, _key = add_section(custom, BASE, "ch2", "新增")
    custom = move_section(custom, BASE, "ch2.3", -1)
    assert reset(custom, BASE) == {"next": 2}
    assert effective_outline(park_with(reset(custom, BASE))) == BASE


@pytest.mark.parametrize(
    "raw",
    [
        "not an object",
        ["ch2.1"],
        42,
        {"titles": "x", "added": {"a": 1}, "order": [], "removed": "ch2.1", "next": "3"},
        {"titles": {"ch9.9": "不存在", "ch2.1": "", "ch2.2": 7}},
        {"added": [7, {"key": "ch2.1", "chapter": "ch2", "title": "重复"}, {"key": "bad key", "chapter": "ch2",
                   "title": "t"}, {"key": "ch2.x1", "chapter": "ch99", "title": "t"}, {"key": "ch2.x2", "chapter": "ch2"}]},
        {"order": {"ch2": ["ch3.1", "ch2.2", "ch2.2", 5], "ch99": ["ch2.1"], "ch3": "ch3.1"}},
        {"removed": ["ch2.2", "ch9.9", 3], "colour": "red"},
        {1: "mixed key types", "titles": {}},
    ],
)  # fmt: skip
def test_invalid_stored_json_is_ignored_with_findings(raw: Any) -> None:
    park = park_with(raw)
    outline = effective_outline(park)
    findings = custom_findings(park)
    assert findings and all("已忽略" in f.message and "报告提纲自定义" in f.message for f in findings)
    assert {s.key for s in outline.sections()} >= {s.key for s in BASE.sections()}
    # the report check reports them (as warnings, so 定稿 waits for a fix or an explanation)
    report = [f for f in check_report(park, compute_park(park)) if f.code == "outline_custom"]
    assert [f.message for f in report] == [f.message for f in findings]
    assert all(f.level == "warning" for f in report)


def test_valid_parts_survive_beside_invalid_ones() -> None:
    raw = {"titles": {"ch2.1": "好标题", "ch9.9": "坏"}, "order": {"ch2": ["ch2.3", "ch2.1", "nope"]}, "extra": 1}
    park = park_with(raw)
    outline = effective_outline(park)
    assert outline.section("ch2.1").title == "好标题"
    assert keys(outline, "ch2") == ["ch2.3", "ch2.1", "ch2.2"]
    assert sorted(f.path for f in custom_findings(park)) == ["extra", "order.ch2", "titles.ch9.9"]
    # an operation on it stores only what fits
    cleaned = rename_section(raw, BASE, "ch2.2", "成效")
    assert cleaned == {"titles": {"ch2.1": "好标题", "ch2.2": "成效"}, "order": {"ch2": ["ch2.3", "ch2.1"]}}


def test_order_that_misses_sections_keeps_them_after_their_predecessor() -> None:
    custom, key = add_section(None, BASE, "ch2", "新增", after="ch2.1")
    custom["order"] = {"ch2": ["ch2.3", "ch2.1"]}  # written by an older copy: no ch2.2, no added key
    assert keys(effective_outline(park_with(custom)), "ch2") == ["ch2.3", "ch2.1", key, "ch2.2"]
    assert parse_custom(custom, BASE)[1] == []


def test_required_elements_still_checked_after_rename_and_move() -> None:
    park = park_with(None)
    before = {m.requirement for m in check_requirements(park, compute_park(park))}
    custom = rename_section(None, BASE, "ch3.2", "排放总量与结构")
    custom = move_section(custom, BASE, "ch3.2", -1)
    custom, _key = add_section(custom, BASE, "ch3", "补充说明")
    park.report.extra[CUSTOM_KEY] = custom
    missing = check_requirements(park, compute_park(park))
    assert {m.requirement for m in missing} == before
    ch32 = [m.message for m in missing if m.section == "ch3.2"]
    assert ch32 and all(msg.startswith("三（一）排放总量与结构：缺少") for msg in ch32)


def test_park_file_round_trip_keeps_the_customisation() -> None:
    custom = rename_section(None, BASE, "ch2.1", "主要举措")
    custom, key = add_section(custom, BASE, "ch2", "典型案例", after="ch2.1")
    custom = move_section(custom, BASE, "ch2.3", -1)
    park = park_with(custom)
    park.report.sections[key] = "园区循环化改造的典型案例。"
    text = dumps(park)
    assert json.loads(text)["report"][CUSTOM_KEY] == custom
    again = loads(text)
    assert again.report.extra[CUSTOM_KEY] == custom
    assert again.report.sections[key] == "园区循环化改造的典型案例。"
    assert effective_outline(again) == effective_outline(park)
    assert keys(effective_outline(again), "ch2") == ["ch2.1", key, "ch2.3", "ch2.2"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6) | st.sampled_from(["ch2", "ch2.1", "ch6.9"]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["titles", "added", "order", "removed", "next", "key", "chapter", "title",
                                       "after", "ch2", "ch2.1", "ch6.9", "x"]), inner, max_size=4),
    max_leaves=20,
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(raw=_JSON)
def test_any_stored_json_gives_a_whole_outline(raw: Any) -> None:
    park = park_with(raw)
    outline = effective_outline(park)
    custom_findings(park)  # never raises
    keys_now = [s.key for s in outline.sections()]
    assert len(keys_now) == len(set(keys_now))
    assert {s.key for s in BASE.sections() if s.requirements} <= set(keys_now)
    assert [c.key for c in outline.chapters] == [c.key for c in BASE.chapters]
    assert all(c.sections for c in outline.chapters)
