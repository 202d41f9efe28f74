"""Cell styles of the exported workbook: fonts, fills, borders, number formats, protection.

Colours follow the clerks' habit: yellow cells are typed in, green cells hold a factor (a default that may be
changed, with its source), grey cells are formulas and locked.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.worksheet import Worksheet

from forms.table.definition import Field

FONT_NAME = "宋体"  # present on every Chinese Windows; LibreOffice/WPS substitute a CJK font elsewhere

TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
SUBTITLE_FONT = Font(name=FONT_NAME, size=9, color="555555")
HEADER_FONT = Font(name=FONT_NAME, size=10, bold=True)
SECTION_FONT = Font(name=FONT_NAME, size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
NOTE_FONT = Font(name=FONT_NAME, size=9, italic=True, color="555555")
ERROR_FONT = Font(name=FONT_NAME, size=10, color="9C0006")

INPUT_FILL = PatternFill("solid", fgColor="FFF8DC")
FACTOR_FILL = PatternFill("solid", fgColor="E6F4EA")
COMPUTED_FILL = PatternFill("solid", fgColor="F2F2F2")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SECTION_FILL = PatternFill("solid", fgColor="EDF1F9")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT_WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")
VCENTER = Alignment(vertical="center")

TEXT_FORMAT = "@"


def number_format(field: Field) -> str:
    """The display format of a field's cell, from its kind and decimals (never from its key)."""
    kind = field.kind_type
    if kind.yes_no:
        return '"是";"是";"否"'  # stored as 1 / 0, shown as 是 / 否
    if not kind.numeric:
        return TEXT_FORMAT
    decimals = field.decimals if kind.places is None else kind.places
    return ("#,##0" if kind.grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")


def indent_alignment(indent: int) -> Alignment:
    return Alignment(horizontal="left", vertical="center", wrap_text=True, indent=indent * 2)


def text_width(text: str) -> int:
    """Display width in spreadsheet character units: CJK and full-width characters count two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def row_height(text: str, width: float, *, line: float = 14.0, minimum: float = 18.0) -> float:
    """A row height that shows ``text`` wrapped in a column ``width`` characters wide."""
    lines = 0
    for part in text.split("\n") or [""]:
        lines += max(1, -(-text_width(part) // max(1, int(width) - 1)))
    return max(minimum, lines * line + 4)


def print_setup(ws: Worksheet, park_name: str, what: str) -> None:
    """A4 landscape, one page wide, footer with the park, the sheet and the page number."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit, footer = ws.sheet_properties.pageSetUpPr, ws.oddFooter
    assert fit is not None and footer is not None  # openpyxl makes both with every worksheet
    fit.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    footer.left.text = f"{park_name}　{what}".replace("&", "&&")
    footer.left.size = 9
    footer.center.text = "第 &P 页，共 &N 页"
    footer.center.size = 9
