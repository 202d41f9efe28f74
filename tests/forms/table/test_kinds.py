"""Field kinds as objects: parse / check / format / describe / editor, per kind, and the registry."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.table.kinds import CHOICE, KINDS, LINE, MULTILINE, Checked, Editor, Kind, kind_of
from forms.table.registry import FORM_VERSIONS, form_for

NAMES = {
    "number",
    "integer",
    "percent",
    "year",
    "text",
    "longtext",
    "enum",
    "phone",
    "email",
    "date",
    "boolean",
    "period",
}
COLOURS = ("红", "绿", "蓝", "黄", "白", "黑", "紫")


def test_every_definition_kind_string_maps_to_a_kind_object() -> None:
    assert set(KINDS) == NAMES
    for version in FORM_VERSIONS:
        for f in form_for(version).fields:
            kind = f.kind_type
            assert isinstance(kind, KINDS[f.kind]), f.key
            assert kind.name == f.kind and kind.options == f.options
            assert f.is_numeric == kind.numeric


def test_kind_objects_are_shared_per_kind_and_options() -> None:
    assert kind_of("enum", ("甲", "乙")) is kind_of("enum", ("甲", "乙"))
    assert kind_of("enum", ("甲",)) is not kind_of("enum", ("甲", "乙"))
    assert repr(kind_of("enum", ("甲",))) == "Enum(('甲',))"
    assert repr(kind_of("number")) == "Number()"


def test_kinds_answer_what_readers_used_to_ask_of_the_kind_string() -> None:
    """Targets, the workbook reader and the window ask the kind object, not its name."""
    assert {n for n, k in KINDS.items() if k.quantity} == {"number", "integer", "percent"}  # a year is no amount
    assert {n for n, k in KINDS.items() if k.percent} == {"percent"}
    assert {n for n, k in KINDS.items() if k.calendar_date} == {"date"}


def test_target_indicators_are_the_quantities_of_the_form() -> None:
    from forms.table.definition import COMPUTED, INPUT, VALUES
    from forms.table.targets import indicator_keys

    for version in FORM_VERSIONS:
        form = form_for(version)
        keys = indicator_keys(form)
        assert keys and all(form.field(k).kind in ("number", "integer", "percent") for k in keys)
        assert {f.key for f in form.fields if f.group == VALUES and f.role in (INPUT, COMPUTED)
                and f.kind in ("number", "integer", "percent")} == set(keys)  # fmt: skip


def test_an_unknown_kind_string_is_named_in_chinese() -> None:
    with pytest.raises(ValueError, match="未知的字段类型“money”"):
        kind_of("money")


# ---- parse: value and message, kind by kind -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("number", "1,234.5", Checked(1234.5)),
        ("number", "1.2万", Checked(12000.0)),
        ("number", 7, Checked(7.0)),
        ("number", "—", Checked(None)),
        ("number", "38.5%", Checked(None, "“38.5%”不是有效的数字")),
        ("number", "12,34", Checked(None, "“12,34”的千位分隔符位置不对，请检查是否把小数点写成了逗号")),
        ("percent", "38.5%", Checked(38.5)),
        ("percent", "４２", Checked(42.0)),
        ("integer", "1,200", Checked(1200.0)),
        ("integer", "3.5", Checked(None, "“3.5”应为整数")),
        ("integer", "", Checked(None)),
        ("integer", "abc", Checked(None, "“abc”不是有效的数字")),
        ("year", "2019", Checked(2019.0)),
        ("year", "２０１９", Checked(2019.0)),
        ("year", "1900", Checked(None, "“1900”不是有效年份")),
        ("year", "2019.5", Checked(None, "“2019.5”应为整数")),
        ("text", "  园区管委会 ", Checked("园区管委会")),
        ("text", "-", Checked("-")),  # a dash is text in a text field, not "not filled"
        ("text", "无", Checked("无")),
        ("text", "   ", Checked(None)),
        ("text", None, Checked(None)),
        ("text", "ＡＢＣ", Checked("ABC")),
        ("longtext", "第一段\n第二段", Checked("第一段\n第二段")),
        ("longtext", "无", Checked("无")),
        ("phone", "0571-88886666", Checked("0571-88886666")),
        ("phone", "(0571)8888-6666转12", Checked("(0571)8888-6666转12")),
        ("phone", "12345", Checked("12345", "“12345”不像电话号码")),
        ("phone", "无", Checked(None)),
        ("email", "a.b@park.gov.cn", Checked("a.b@park.gov.cn")),
        ("email", "a.b@park", Checked("a.b@park", "“a.b@park”不是有效的电子邮箱")),
        ("email", "—", Checked(None)),
        ("date", "2021-09-20", Checked("2021-09-20")),
        ("date", "2021年9月20日", Checked("2021年9月20日")),
        ("date", "2021/2/30", Checked("2021/2/30", "“2021/2/30”不是有效日期（例：2021-09-20）")),
        ("date", "九月", Checked("九月", "“九月”不是有效日期（例：2021-09-20）")),
        ("date", "/", Checked(None)),
        ("boolean", "—", Checked(None)),
    ],
)
def test_parse(name: str, raw: object, expected: Checked) -> None:
    kind = kind_of(name)
    assert kind.parse(raw) == expected
    assert kind.check(raw) == expected.error


def test_a_choice_accepts_its_options_and_lists_them_when_not() -> None:
    short = kind_of("enum", ("已命名", "批准建设"))
    assert short.parse(" 已命名 ") == Checked("已命名")
    assert short.parse("—") == Checked(None)
    assert short.check("命名") == "“命名”不在可选项中（可选：已命名、批准建设）"
    long = kind_of("enum", COLOURS)
    assert long.check("橙") == "“橙”不在可选项中（可选：红、绿、蓝、黄、白、黑…）"


def test_kind_messages_are_chinese_and_quote_what_was_typed() -> None:
    for name, raw in [("number", "abc"), ("integer", "1.5"), ("year", "3000"), ("phone", "12"), ("email", "x"),
                      ("date", "x"), ("enum", "丙")]:  # fmt: skip
        error = kind_of(name, ("甲", "乙")).check(raw)
        assert error is not None and f"“{raw}”" in error, name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in error.replace(f"“{raw}”", "")), name


# ---- format, and round trips through parse ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "decimals", "text"),
    [
        ("number", 1234.5, 2, "1,234.50"),
        ("number", 1234.5, 0, "1,234"),
        ("number", -0.001, 2, "0.00"),
        ("percent", 38.5, 1, "38.5"),
        ("integer", 1200.0, 2, "1,200"),  # whole numbers ignore the field's decimals
        ("year", 2019.0, 2, "2019"),  # and a year has no thousands separator
        ("number", None, 2, "—"),
        ("year", None, 0, "—"),
        ("text", "园区", 2, "园区"),
        ("date", "2021-09-20", 2, "2021-09-20"),
        ("boolean", 1.0, 2, "是"),
        ("boolean", 0.0, 2, "否"),
        ("boolean", None, 2, "—"),
    ],
)
def test_format(name: str, value: float | str | None, decimals: int, text: str) -> None:
    assert kind_of(name).format(value, decimals) == text


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_whole_numbers_round_trip_through_their_own_text(n: int) -> None:
    kind = kind_of("integer")
    assert kind.parse(kind.format(float(n))) == Checked(float(n))


@given(st.integers(min_value=1949, max_value=2100))
def test_years_round_trip(n: int) -> None:
    kind = kind_of("year")
    assert kind.format(float(n)) == str(n)
    assert kind.parse(kind.format(float(n))) == Checked(float(n))


@given(st.integers(min_value=-(10**9), max_value=10**9), st.integers(min_value=0, max_value=4))
def test_numbers_round_trip_at_their_decimals(cents: int, decimals: int) -> None:
    value = cents / 10**decimals
    for name in ("number", "percent"):
        kind = kind_of(name)
        text = kind.format(value, decimals)
        parsed = kind.parse(text)
        assert parsed.error is None and parsed.value is not None
        assert kind.format(parsed.value, decimals) == text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")), min_size=1))
def test_text_round_trips_as_typed(text: str) -> None:
    kind = kind_of("text")
    parsed = kind.parse(text)
    assert parsed.error is None
    assert isinstance(parsed.value, str)
    assert kind.parse(kind.format(parsed.value)) == parsed


def test_choice_options_round_trip() -> None:
    kind = kind_of("enum", COLOURS)
    for option in COLOURS:
        assert kind.parse(kind.format(kind.parse(option).value)) == Checked(option)


# ---- describe and editor -------------------------------------------------------------------------------------


def test_every_kind_describes_itself_in_chinese() -> None:
    descriptions = {name: kind_of(name, ("甲", "乙")).describe() for name in KINDS}
    assert descriptions["enum"] == "以下之一：甲、乙"
    assert descriptions["year"] == "年份（1949—2100）"
    assert descriptions["date"] == "日期（例：2021-09-20）"
    assert descriptions["integer"] == "整数"
    assert descriptions["boolean"] == "是/否（计算得出）"
    assert len(set(descriptions.values())) == len(descriptions)
    for name, text in descriptions.items():
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), name


def test_the_kind_says_which_editor_it_wants() -> None:
    assert kind_of("enum", ("甲", "乙")).editor() == Editor(CHOICE, ("甲", "乙"))
    assert kind_of("longtext").editor() == Editor(MULTILINE)
    assert kind_of("longtext").editor().multiline
    assert kind_of("number").editor() == Editor(LINE, numeric=True)
    for name in ("integer", "percent", "year"):
        assert kind_of(name).editor() == Editor(LINE, numeric=True), name
    for name in ("text", "phone", "email", "date", "boolean"):
        assert kind_of(name).editor() == Editor(LINE), name


def test_a_new_kind_registers_itself_by_name() -> None:
    class Code(Kind):
        name = "test-code"

        def parse(self, raw: object) -> Checked:
            text = str(raw or "").strip()
            return Checked(text or None, None if not text or text.isalnum() else f"“{text}”不是代码")

        def describe(self) -> str:
            return "代码"

    try:
        kind = kind_of("test-code")
        assert isinstance(kind, Code)
        assert kind.check("A-1") == "“A-1”不是代码"
        assert kind.format("A1") == "A1"
        assert kind.editor() == Editor(LINE)
    finally:
        del KINDS["test-code"]
        kind_of.cache_clear()


def test_a_period_is_a_year_or_a_span_of_years_kept_as_typed() -> None:
    period = kind_of("period")
    assert period.parse("2022-2024") == ("2022-2024", None)
    assert period.parse(" 2022年至2024年 ") == ("2022年至2024年", None)
    assert period.parse(2023) == ("2023", None)
    assert period.parse("—") == (None, None)  # a placeholder is blank
    assert period.check("明年") == "“明年”应写作“2022-2024”或“2023”"
    assert period.check("2024-2022") == "“2024-2022”的结束年份早于开始年份"
    assert not period.numeric and not period.quantity


def test_project_columns_ask_their_kind() -> None:
    """The key-project list's columns are kind objects: the check and the printed cell come from the kind."""
    from forms.report.projects import COLUMN_BY_KEY, format_cell, validate_projects

    assert type(COLUMN_BY_KEY["investment"].kind) is KINDS["number"]
    assert type(COLUMN_BY_KEY["years"].kind) is KINDS["period"]
    assert type(COLUMN_BY_KEY["name"].kind) is KINDS["text"]
    rows = [{"name": "光伏", "investment": "1,200.5", "years": "2024-2022", "reduction": "-3"}]
    assert [i.message for i in validate_projects(rows)] == [
        "重点项目第 1 行：建设年限“2024-2022”的结束年份早于开始年份",
        "重点项目第 1 行：预计年减排量(tCO2)不能为负数",
    ]
    assert format_cell(rows[0], COLUMN_BY_KEY["investment"]) == "1,200.50"
    assert format_cell({"investment": "很多"}, COLUMN_BY_KEY["investment"]) == "很多"
