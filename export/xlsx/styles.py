"""Cell styles of the exported workbook: fonts, fills, borders, number formats, protection.

Colours follow the clerks' habit: yellow cells are typed in, green cells hold a factor (a default that may be
changed, with its source), grey cells are formulas and locked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.styles.borders import DEFAULT_BORDER
from openpyxl.styles.fills import DEFAULT_EMPTY_FILL
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.worksheet.worksheet import Worksheet

from forms.table.definition import Field
from forms.table.numbers import SIGNIFICANT, significant_decimals

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell, MergedCell

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


def number_format(field: Field, value: object = None) -> str:
    """The display format of a field's cell, from its kind and the form's display precision (never from its
    key).  A factor shows its own significant digits: pass the cell's ``value`` (without one, General)."""
    kind = field.kind_type
    if kind.yes_no:
        return '"是";"是";"否"'  # stored as 1 / 0, shown as 是 / 否
    if not kind.numeric:
        return TEXT_FORMAT
    decimals = field.decimals if kind.places is None else kind.places
    if decimals is None or decimals == SIGNIFICANT:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return "General"
        decimals = significant_decimals(float(value))
    return decimals_format(decimals, grouping=kind.grouping)


def decimals_format(decimals: int, *, grouping: bool = True) -> str:
    """A number format with ``decimals`` decimals (the form's display precision), thousands grouped."""
    return ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")


_INDENTS: dict[int, Alignment] = {}


def indent_alignment(indent: int) -> Alignment:
    """One object per indent (the same object each time: :class:`CellStyles` knows it again)."""
    if indent not in _INDENTS:
        _INDENTS[indent] = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=indent * 2)
    return _INDENTS[indent]


_PARTS = ("font", "fill", "border", "alignment", "protection", "number_format")
_DEFAULTS: dict[str, Any] = {
    "font": DEFAULT_FONT,  # what a cell has when its font is never set (the workbook's first font), etc.
    "fill": DEFAULT_EMPTY_FILL,
    "border": DEFAULT_BORDER,
    "alignment": Alignment(),
    "protection": Protection(),
    "number_format": "General",
}


class CellStyles:
    """The cells' styles of one workbook, given as named styles: each combination of font, fill, border,
    alignment, protection and number format is registered once (an openpyxl ``NamedStyle``) and every cell
    with it gets it by name.  Setting the six parts one by one per cell makes openpyxl hash each style object
    again (about half the export time for ~27,000 assignments).

    ``styles(cell, font=..., border=...)`` records parts for a cell (later calls add to / replace earlier
    ones, as assignments would); :meth:`apply` gives every cell its combination.  A cell that already has a
    style of its own by then (set directly, e.g. a quote prefix) gets the recorded parts one by one instead,
    so nothing set elsewhere is lost.  With ``deferred = False`` every part is assigned at once, one by one
    (the plain openpyxl way: the tests compare both)."""

    deferred = True

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._pending: dict[int, tuple[Cell | MergedCell, dict[str, Any]]] = {}
        self._names: dict[tuple[object, ...], str] = {}
        self._kept: list[tuple[object, ...]] = []  # the style objects named (their ids stay theirs)

    def __call__(self, cell: Cell | MergedCell, **parts: Any) -> None:
        if not self.deferred:
            for name, value in parts.items():
                setattr(cell, name, value)
            return
        entry = self._pending.get(id(cell))
        if entry is None:
            self._pending[id(cell)] = (cell, parts)
        else:
            entry[1].update(parts)

    def apply(self) -> None:
        for cell, parts in self._pending.values():
            if cell.has_style:
                for name, value in parts.items():
                    setattr(cell, name, value)
            else:
                cell.style = self._name(parts)
        self._pending.clear()

    def _name(self, parts: dict[str, Any]) -> str:
        values = tuple(parts.get(p, _DEFAULTS[p]) for p in _PARTS)
        key = tuple(v if isinstance(v, str) else id(v) for v in values)
        name = self._names.get(key)
        if name is None:
            name = f"填报样式{len(self._names) + 1:02d}"
            self.wb.add_named_style(NamedStyle(name, **dict(zip(_PARTS, values, strict=True))))
            self._names[key] = name
            self._kept.append(values)
        return name


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
