"""User text in a cell: never a formula, never a character the file format cannot hold.

openpyxl refuses control characters (IllegalCharacterError) and lone surrogates cannot be encoded; whatever
the window accepted is written with those characters replaced (forms.park.text_rules.printable), the
database keeps it as typed.
"""

from __future__ import annotations

from openpyxl.cell.cell import Cell

from export.xlsx import styles as st
from forms.park.text_rules import printable

DANGEROUS_START = ("=", "+", "-", "@")


def set_text(cell: Cell, text: str) -> None:
    """Text that is never a formula: stored as a string, shown with a quote prefix when it looks like one."""
    text = printable(text)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(DANGEROUS_START):
        if not cell.has_style:
            cell.number_format = st.TEXT_FORMAT  # creates the cell's style array
        cell.quotePrefix = 1
