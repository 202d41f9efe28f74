"""Parsing and formatting of numbers as park clerks type them.

Accepted: ``1,234.5``, full-width ``１２３４．５``, ``1.2万`` (= 12 000), ``3亿`` (= 3e8), leading and
trailing spaces (also the ideographic space), a leading ``+``/``-``/``−``, scientific ``1.5e3`` and,
where the field allows it, a trailing ``%``.  Blank text (and the placeholders ``-``, ``—``, ``/``,
``无``) means "not filled", which is ``None`` and never 0.  Anything else is an error with a Chinese
message; unparseable text never becomes a number.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

__all__ = ["SIGNIFICANT", "Parsed", "format_number", "is_blank", "parse_number"]

SIGNIFICANT = -1  # decimals of a factor: the value's own significant digits (at most SIGNIFICANT_DIGITS)
SIGNIFICANT_DIGITS = 6

_BLANK_TOKENS = {"", "-", "--", "—", "——", "–", "/", "无", "空", "n/a", "N/A"}
_MULTIPLIERS = {"万": 1e4, "亿": 1e8}
# Patterns are compiled on first use (the re module caches them), not at import: the window loads this
# module at every start.
_PLAIN = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_GROUPED = r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$"


class Parsed(NamedTuple):
    """Result of parsing one typed value: ``value`` is None when blank or invalid."""

    value: float | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def blank(self) -> bool:
        return self.error is None and self.value is None


_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULL_WIDTH.update({0x3000: 0x20, 0x2212: 0x2D, 0x3002: 0x2E})  # ideographic space, minus sign, 。


def _normalise(text: str) -> str:
    """Fold full-width forms to ASCII (only those: ² or ① must not turn into digits)."""
    return text.translate(_FULL_WIDTH).strip()


def is_blank(raw: object) -> bool:
    """True when ``raw`` means "not filled" (None, empty or a placeholder dash)."""
    if raw is None:
        return True
    if isinstance(raw, str):
        return _normalise(raw) in _BLANK_TOKENS
    return False


def parse_number(raw: object, *, allow_percent: bool = False) -> Parsed:
    """Parse what a clerk typed (a JSON number or text) into a float."""
    if raw is None:
        return Parsed(None)
    if isinstance(raw, bool):
        return Parsed(None, f"“{raw}”不是数字")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            return Parsed(None, "数值不是有限数")
        return Parsed(float(raw))
    if not isinstance(raw, str):
        return Parsed(None, f"无法识别的数据类型：{type(raw).__name__}")
    text = _normalise(raw)
    if text in _BLANK_TOKENS:
        return Parsed(None)
    shown = raw.strip()
    body = text.replace(" ", "")
    if allow_percent and body.endswith("%"):
        body = body[:-1]
    multiplier = 1.0
    if body and body[-1] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[body[-1]]
        body = body[:-1]
    if re.match(_GROUPED, body):
        body = body.replace(",", "")
    elif "," in body:
        return Parsed(None, f"“{shown}”的千位分隔符位置不对，请检查是否把小数点写成了逗号")
    if not re.match(_PLAIN, body):
        return Parsed(None, f"“{shown}”不是有效的数字")
    value = float(body) * multiplier
    if not math.isfinite(value) or abs(value) >= 1e15:  # forms.park.text_rules.MAX_MAGNITUDE
        return Parsed(None, f"“{shown}”超出了可表示的范围（绝对值应小于 1e15）")
    if multiplier != 1.0:
        # 1.2万 must give exactly 12000, not 12000.000000000002
        from decimal import Decimal  # here: decimal is not needed to start the window

        value = float(Decimal(body) * Decimal(int(multiplier)))
    return Parsed(value)


def significant_decimals(value: float) -> int:
    """The decimals :data:`SIGNIFICANT` shows for ``value`` (its own digits, at most six significant)."""
    text = f"{value:.{SIGNIFICANT_DIGITS}g}"
    if "e" in text:  # very small or very large: plain notation
        text = format(float(text), "f")
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def format_number(value: float | None, decimals: int | None = None, *, grouping: bool = True) -> str:
    """Format for display.  ``decimals=None`` keeps every significant digit (round-trips exactly);
    :data:`SIGNIFICANT` shows the value's own significant digits (at most six), never padded."""
    if value is None:
        return "—"
    if decimals == SIGNIFICANT:
        decimals = significant_decimals(value)
    if decimals is None:
        from decimal import Decimal

        text = format(Decimal(repr(float(value))), ",f" if grouping else "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    text = f"{value:,.{decimals}f}" if grouping else f"{value:.{decimals}f}"
    if text.lstrip("-").replace(",", "").replace(".", "").strip("0") == "":
        text = text.lstrip("-")
    return text
