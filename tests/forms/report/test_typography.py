"""Full-width punctuation in Chinese text and the third-level heading rule, shared by every output."""

from __future__ import annotations

import pytest

from forms.report.typography import CANNOT_END, CANNOT_START, chinese_punctuation, numbered_heading


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("(2016—2020年)", "（2016—2020年）"),
        ("下降14.61%,累计下降", "下降14.61%，累计下降"),
        ("GDP(万元)", "GDP（万元）"),
        ("排放量(tCO2)", "排放量（tCO2）"),
        ("说明: 见附表; 另见正文", "说明：见附表；另见正文"),
        ("是否完成? 已完成!", "是否完成？已完成！"),
        ("(1)按规划执行", "（1）按规划执行"),
        # numbers, times, Latin text and addresses keep their half-width marks
        ("1,450,000 吨", "1,450,000 吨"),
        ("10:30 开会", "10:30 开会"),
        ("f(x), g(x)", "f(x), g(x)"),
        ("见 http://example.org/a 网页", "见 http://example.org/a 网页"),
        ("", ""),
    ],
)
def test_half_width_marks_in_chinese_text_become_full_width(typed: str, printed: str) -> None:
    assert chinese_punctuation(typed) == printed
    assert chinese_punctuation(printed) == printed  # idempotent


def test_the_break_rule_classes() -> None:
    assert set("，。、；：？！）》”’") <= CANNOT_START
    assert set("（《“‘") <= CANNOT_END
    assert not CANNOT_START & CANNOT_END


def test_numbered_heading_is_a_short_title_or_the_first_sentence() -> None:
    assert numbered_heading("1.加强组织领导") == len("1.加强组织领导")
    assert numbered_heading("2．完善政策体系。") == len("2．完善政策体系。")
    assert numbered_heading("3.强化监测。园区建立能源计量体系，每月汇总。") == len("3.强化监测。")
    assert numbered_heading("园区 1. 号楼") == 0
    assert numbered_heading("2016.5 万吨") == 0
    assert numbered_heading("12.5%的企业完成改造。") == 0
    assert numbered_heading("1." + "很长的一段话" * 12) == 0
