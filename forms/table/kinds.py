"""Field kinds: each kind is a class that parses, checks, formats and describes what a clerk types.

The shape is qutebrowser's ``configtypes``: the form definition names a kind by string (``Field.kind``, with
``Field.options`` for a choice), :func:`kind_of` maps that string to a kind object, and every reader asks the
object, never the string.  ``parse`` returns the value used for calculation (a float for numeric kinds, the
stripped text otherwise) or an error message; it never rewrites the raw text, which is stored as typed.
:meth:`Kind.editor` says which input the kind wants (a description, no widget toolkit here): the window builds
the widget from it (``ui/common/editors.py``).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from functools import cache
from typing import ClassVar, NamedTuple

from forms.park.model import Raw
from forms.table.numbers import format_number, is_blank, parse_number

__all__ = ["CHOICE", "KINDS", "LINE", "MULTILINE", "Checked", "Editor", "Kind", "kind_of"]

# Patterns are compiled on first use (the re module caches them), not at import.
_PHONE = r"^\+?[\d\s\-()（）转]{7,20}$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_DATE = r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"
_PERIOD = r"^\s*(\d{4})\s*(?:年)?\s*(?:(?:-|–|—|－|～|~|至|到)\s*(\d{4})\s*(?:年)?)?\s*$"

# editor styles
LINE = "line"  # one line of text
MULTILINE = "multiline"  # a paragraph
CHOICE = "choice"  # one of the options, or what was typed


class Checked(NamedTuple):
    value: float | str | None
    error: str | None = None


class Editor(NamedTuple):
    """The input a kind wants, described without widgets: ``style`` is LINE, MULTILINE or CHOICE."""

    style: str = LINE
    options: tuple[str, ...] = ()
    numeric: bool = False

    @property
    def multiline(self) -> bool:
        return self.style == MULTILINE


KINDS: dict[str, type[Kind]] = {}


class Kind:
    """A field kind.  Subclasses set :attr:`name` and are registered under it."""

    name: ClassVar[str] = ""
    numeric: ClassVar[bool] = False
    places: ClassVar[int | None] = None  # fixed decimals when shown (0: whole numbers); None: the field's own
    grouping: ClassVar[bool] = True  # thousands separators when shown
    multiline: ClassVar[bool] = False
    yes_no: ClassVar[bool] = False  # a computed yes/no, stored as 1 / 0
    quantity: ClassVar[bool] = False  # an amount that can be compared with a goal (a target's indicator)
    percent: ClassVar[bool] = False  # typed as a percentage (a spreadsheet's 0.12 shown as 12% is 12)
    calendar_date: ClassVar[bool] = False  # a day of the calendar (a spreadsheet's date cell is one)

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        if cls.name:
            KINDS[cls.name] = cls

    def __init__(self, options: tuple[str, ...] = ()) -> None:
        self.options = options

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.options!r})" if self.options else f"{type(self).__name__}()"

    def parse(self, raw: Raw) -> Checked:
        """The value of ``raw`` for calculation, or an error message; blank gives ``Checked(None)``."""
        raise NotImplementedError

    def check(self, raw: Raw) -> str | None:
        """The message for ``raw`` when it is not acceptable, else None (blank is acceptable)."""
        return self.parse(raw).error

    def format(self, value: float | str | None, decimals: int | None = 2) -> str:
        """Text for showing a parsed or computed value."""
        if value is None:
            return "—"
        if isinstance(value, str):
            return value
        return format_number(value, decimals if self.places is None else self.places, grouping=self.grouping)

    def describe(self) -> str:
        """What the kind accepts, in one short Chinese phrase (for help texts and the documentation)."""
        raise NotImplementedError

    def editor(self) -> Editor:
        """The input this kind wants."""
        return Editor(MULTILINE if self.multiline else LINE, numeric=self.numeric)


class Number(Kind):
    name = "number"
    numeric = True
    quantity = True

    def parse(self, raw: Raw) -> Checked:
        p = parse_number(raw, allow_percent=self.percent)
        return Checked(p.value, p.error)

    def describe(self) -> str:
        return "数值（可用千位分隔符、“万”“亿”）"


class Percent(Number):
    name = "percent"
    percent = True

    def describe(self) -> str:
        return "百分数（可带 %）"


class Integer(Kind):
    name = "integer"
    numeric = True
    quantity = True
    places = 0

    def parse(self, raw: Raw) -> Checked:
        p = parse_number(raw)
        if p.error or p.value is None:
            return Checked(p.value, p.error)
        if p.value != int(p.value):
            return Checked(None, f"“{_text(raw)}”应为整数")
        return self._whole(raw, p.value)

    def _whole(self, raw: Raw, value: float) -> Checked:
        return Checked(value)

    def describe(self) -> str:
        return "整数"


class Year(Integer):
    name = "year"
    quantity = False  # a point in time, not an amount
    grouping = False
    first, last = 1949, 2100

    def _whole(self, raw: Raw, value: float) -> Checked:
        if not self.first <= value <= self.last:
            return Checked(None, f"“{_text(raw)}”不是有效年份")
        return Checked(value)

    def describe(self) -> str:
        return f"年份（{self.first}—{self.last}）"


class Text(Kind):
    """Free text: kept as typed (stripped); a dash or 无 is text here, not blank."""

    name = "text"
    placeholders_are_blank = False

    def parse(self, raw: Raw) -> Checked:
        if self.placeholders_are_blank and is_blank(raw):
            return Checked(None)
        text = _text(raw)
        if not text:
            return Checked(None)
        return self.check_text(text)

    def check_text(self, text: str) -> Checked:
        return Checked(text)

    def describe(self) -> str:
        return "文字"


class LongText(Text):
    name = "longtext"
    multiline = True

    def describe(self) -> str:
        return "文字（可分段）"


class Enum(Text):
    name = "enum"
    placeholders_are_blank = True

    def check_text(self, text: str) -> Checked:
        if text not in self.options:
            more = "…" if len(self.options) > 6 else ""
            return Checked(None, f"“{text}”不在可选项中（可选：{'、'.join(self.options[:6])}{more}）")
        return Checked(text)

    def describe(self) -> str:
        return f"以下之一：{'、'.join(self.options)}"

    def editor(self) -> Editor:
        return Editor(CHOICE, self.options)


class Phone(Text):
    name = "phone"
    placeholders_are_blank = True

    def check_text(self, text: str) -> Checked:
        digits = sum(ch.isdigit() for ch in text)
        if not re.match(_PHONE, text) or digits < 7:
            return Checked(text, f"“{text}”不像电话号码")
        return Checked(text)

    def describe(self) -> str:
        return "电话号码（至少 7 位数字）"


class Email(Text):
    name = "email"
    placeholders_are_blank = True

    def check_text(self, text: str) -> Checked:
        if not re.match(_EMAIL, text):
            return Checked(text, f"“{text}”不是有效的电子邮箱")
        return Checked(text)

    def describe(self) -> str:
        return "电子邮箱"


class Date(Text):
    name = "date"
    calendar_date = True
    placeholders_are_blank = True

    def check_text(self, text: str) -> Checked:
        m = re.match(_DATE, text)
        try:
            if not m:
                raise ValueError
            _dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return Checked(text, f"“{text}”不是有效日期（例：2021-09-20）")
        return Checked(text)

    def describe(self) -> str:
        return "日期（例：2021-09-20）"


class Period(Text):
    """A year or a span of years, kept as typed: 2023, 2022-2024, 2022年至2024年 (a project's 建设年限)."""

    name = "period"
    placeholders_are_blank = True

    def check_text(self, text: str) -> Checked:
        m = re.match(_PERIOD, text)
        if not m:
            return Checked(text, f"“{text}”应写作“2022-2024”或“2023”")
        if m[2] and int(m[2]) < int(m[1]):
            return Checked(text, f"“{text}”的结束年份早于开始年份")
        return Checked(text)

    def describe(self) -> str:
        return "年份或年份区间（例：2022-2024）"


class Boolean(Text):
    """A computed yes/no (stored as 1 / 0, shown as 是 / 否); never typed."""

    name = "boolean"
    placeholders_are_blank = True
    yes_no = True

    def format(self, value: float | str | None, decimals: int | None = 2) -> str:
        if value is None or isinstance(value, str):
            return super().format(value, decimals)
        return "是" if value else "否"

    def describe(self) -> str:
        return "是/否（计算得出）"


@cache
def kind_of(name: str, options: tuple[str, ...] = ()) -> Kind:
    """The kind object for a definition's kind string (and its options, for a choice)."""
    try:
        cls = KINDS[name]
    except KeyError:
        raise ValueError(f"表单定义中有未知的字段类型“{name}”（可用：{'、'.join(KINDS)}）") from None
    return cls(options)


def _text(raw: Raw) -> str:
    if raw is None:
        return ""
    return unicodedata.normalize("NFKC", str(raw)).strip()
