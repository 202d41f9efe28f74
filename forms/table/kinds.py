"""Field kinds: each knows how to parse, check and format what a clerk types.

``parse`` returns the value used for calculation (a float for numeric kinds, the stripped text
otherwise) or an error message; it never rewrites the raw text, which is stored as typed.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from typing import NamedTuple

from forms.park.model import Raw
from forms.table.numbers import Parsed, format_number, is_blank, parse_number

# Patterns are compiled on first use (the re module caches them), not at import: the window loads this
# module at every start.
_PHONE = r"^\+?[\d\s\-()（）转]{7,20}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_DATE = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"


class Checked(NamedTuple):
    value: float | str | None
    error: str | None = None


def _text(raw: Raw) -> str:
    if raw is None:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip()


def parse(kind: str, raw: Raw, options: tuple[str, ...] = ()) -> Checked:
    """Parse ``raw`` for a field of ``kind``; blank gives ``Checked(None)``."""
    if kind in ("number", "percent"):
        p: Parsed = parse_number(raw, allow_percent=kind == "percent")
        return Checked(p.value, p.error)
    if kind in ("integer", "year"):
        p = parse_number(raw)
        if p.error or p.value is None:
            return Checked(p.value, p.error)
        if p.value != int(p.value):
            return Checked(None, f"“{_text(raw)}”应为整数")
        if kind == "year" and not 1949 <= p.value <= 2100:
            return Checked(None, f"“{_text(raw)}”不是有效年份")
        return Checked(p.value)
    if is_blank(raw) and kind != "text" and kind != "longtext":
        return Checked(None)
    text = _text(raw)
    if not text:
        return Checked(None)
    if kind == "enum":
        if text not in options:
            return Checked(
                None, f"“{text}”不在可选项中(可选：{'、'.join(options[:6])}{'…' if len(options) > 6 else ''})"
            )
        return Checked(text)
    if kind == "phone":
        digits = sum(ch.isdigit() for ch in text)
        if not re.match(_PHONE, text) or digits < 7:
            return Checked(text, f"“{text}”不像电话号码")
        return Checked(text)
    if kind == "email":
        if not re.match(_EMAIL, text):
            return Checked(text, f"“{text}”不是有效的电子邮箱")
        return Checked(text)
    if kind == "date":
        m = re.match(_DATE, text)
        try:
            if not m:
                raise ValueError
            _dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return Checked(text, f"“{text}”不是有效日期(例：2021-09-20)")
        return Checked(text)
    return Checked(text)


def display(kind: str, value: float | str | None, decimals: int = 2) -> str:
    """Text for showing a parsed or computed value."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if kind in ("integer", "year"):
        return format_number(value, 0, grouping=kind == "integer")
    if kind == "boolean":  # computed yes/no values (stored as 1 / 0)
        return "是" if value else "否"
    return format_number(value, decimals)
