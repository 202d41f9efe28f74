"""Cell styles given as named styles, registered once per workbook (issue 17): the workbook read back is the
same, cell by cell, as one styled part by part, and cells share a handful of named styles."""

from __future__ import annotations

import io
from copy import copy
from typing import Any

import openpyxl
import pytest

from export.xlsx import styles
from export.xlsx.workbook import template_park, workbook_bytes
from forms.park.model import ParkData
from tests.export.xlsx_support import demo_park, rich_park


def _cells(data: bytes) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Every cell as read back: value, type, number format, font, fill, border, alignment, protection, quote
    prefix; and every sheet's merged ranges."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    out: dict[tuple[str, str], tuple[Any, ...]] = {}
    for ws in wb.worksheets:
        out[(ws.title, "merged")] = tuple(sorted(str(r) for r in ws.merged_cells.ranges))
        for row in ws.iter_rows():
            for c in row:
                value = c.value
                if ws.title.startswith("_") and isinstance(value, str) and "T" in value and value[:2] == "20":
                    value = "<time>"  # the export time of the hidden meta sheet
                parts = (copy(c.font), copy(c.fill), copy(c.border), copy(c.alignment), copy(c.protection))
                out[(ws.title, c.coordinate)] = (value, c.data_type, c.number_format, *parts, c.quotePrefix)
    return out


def _both(park: ParkData, monkeypatch: pytest.MonkeyPatch, *, template: bool = False) -> tuple[bytes, bytes]:
    named = workbook_bytes(park, template=template)
    with monkeypatch.context() as m:
        m.setattr(styles.CellStyles, "deferred", False)  # every part assigned to every cell, one by one
        plain = workbook_bytes(park, template=template)
    return named, plain


@pytest.mark.parametrize("which", ["rich", "template"])
def test_named_styles_read_back_as_the_cell_by_cell_styles(which: str, monkeypatch: pytest.MonkeyPatch) -> None:
    park = rich_park() if which == "rich" else template_park(demo_park()) if which == "template" else demo_park()
    named, plain = _both(park, monkeypatch, template=which == "template")
    got, want = _cells(named), _cells(plain)
    assert got.keys() == want.keys()
    differing = [k for k in want if got[k] != want[k]]
    assert differing == []
    # the things the clerk sees are really there (not two equally empty workbooks)
    cells = [v for k, v in got.items() if k[1] != "merged"]
    fills = {v[4].fgColor.rgb for v in cells if v[4].fill_type == "solid"}
    assert {"00FFF8DC", "00E6F4EA", "00F2F2F2", "00D9E1F2"} <= fills
    assert any(v[3].b and v[3].sz == 16 for v in cells)  # the titles


def test_cells_share_named_styles_registered_once() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(rich_park())))
    names = [s for s in wb.named_styles if s.startswith("填报样式")]
    assert 5 <= len(names) <= 80 and len(set(names)) == len(names)
    year = wb.worksheets[0]
    used = {c.style for row in year.iter_rows() for c in row if c.has_style}
    assert used & set(names)
    styled = sum(1 for row in year.iter_rows() for c in row if c.style in names)
    assert styled > 10 * len(used & set(names))  # many cells per style
