"""The checks' messages (shown in the window's findings and the workbook's 检查提示) write Chinese text with
full-width brackets: “原煤不能为负数（填写为 -5）”, “…比上年变化 +80.0%（上年 …，本年 …）”."""

from __future__ import annotations

from forms.park.parkfile import read_park_file
from forms.report.typography import chinese_punctuation
from forms.resources import resources_dir
from forms.table.validate import validate_park


def test_finding_messages_have_full_width_brackets_in_chinese_text() -> None:
    park = read_park_file(resources_dir() / "demo" / "demo-park.json")
    years = sorted(park.years)
    park.years[years[-1]].values["energy.raw_coal"] = "-5"  # 不能为负数（…）
    park.years[years[1]].values["energy.diesel"] = "900000"  # a jump on the year before: 比上年变化（…）
    park.years[years[1]].values["power.exported"] = "999999"  # 外供大于外购: 为负数（…）
    findings = validate_park(park)
    messages = [f.message for f in findings]
    assert any("不能为负数（" in m for m in messages), messages
    assert any("比上年变化" in m and "%（上年" in m for m in messages), messages
    assert [m for m in messages if chinese_punctuation(m) != m] == []
