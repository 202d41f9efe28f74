"""Parsing what clerks type: examples and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.table.numbers import format_number, parse_number


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,234.5", 1234.5),
        ("１２３４．５", 1234.5),
        ("１，２３４．５", 1234.5),
        ("1.2万", 12000.0),
        ("3亿", 3e8),
        ("  42  ", 42.0),
        ("\u3000 7.5\u3000", 7.5),
        ("-3", -3.0),
        ("−3", -3.0),
        ("+0.5", 0.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        (12, 12.0),
        (1.25, 1.25),
        ("1,234,567", 1234567.0),
    ],
)
def test_accepts_what_clerks_type(raw: object, value: float) -> None:
    parsed = parse_number(raw)
    assert parsed.error is None
    assert parsed.value == value


@pytest.mark.parametrize("raw", ["", "   ", None, "-", "—", "/", "无"])
def test_blank_is_not_filled_never_zero(raw: object) -> None:
    parsed = parse_number(raw)
    assert parsed.value is None and parsed.error is None and parsed.blank


@pytest.mark.parametrize(
    "raw", ["abc", "1,2", "12,34.5", "1.2.3", "1万万", "--5", "5-", "nan", "inf", "1e999", True, "²", "①"]
)
def test_rejects_with_a_chinese_message(raw: object) -> None:
    parsed = parse_number(raw)
    assert parsed.value is None
    assert parsed.error is not None
    assert any("\u4e00" <= ch <= "\u9fff" for ch in parsed.error)


def test_percent_sign_only_where_allowed() -> None:
    assert parse_number("38.5%", allow_percent=True).value == 38.5
    assert parse_number("38.5%").error is not None


def test_format_for_display() -> None:
    assert format_number(1234.5) == "1,234.5"
    assert format_number(1234.5, 2) == "1,234.50"
    assert format_number(None) == "—"
    assert format_number(-0.0001, 2) == "0.00"


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(st.one_of(st.text(), st.integers(), finite, st.none()))
def test_never_crashes(raw: object) -> None:
    parsed = parse_number(raw)
    assert (parsed.value is None) or (parsed.error is None and math.isfinite(parsed.value))


@given(finite)
def test_formatted_numbers_round_trip(value: float) -> None:
    if abs(value) >= 1e15:  # beyond the sane magnitude (issue 19): refused, with the reason
        assert parse_number(format_number(value)).value is None
        assert "1e15" in (parse_number(format_number(value)).error or "")
        return
    assert parse_number(format_number(value)).value == value
    assert parse_number(format_number(value, grouping=False)).value == value


def test_magnitude_limit() -> None:
    assert parse_number("999999999999999").value == 999999999999999
    assert parse_number("1e15").value is None and parse_number("-1e308").value is None


@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), min_size=1))
def test_text_without_digits_never_becomes_a_number(raw: str) -> None:
    assert parse_number(raw).value is None


@given(st.text(alphabet="0123456789,.万亿%-+ eE", min_size=1, max_size=12))
def test_digit_soup_is_a_number_only_when_it_reads_as_one(raw: str) -> None:
    parsed = parse_number(raw)
    if parsed.value is not None:
        body = raw.replace(" ", "")
        assert body.count(".") <= 1 or "e" in body.lower()
        assert "%" not in body
