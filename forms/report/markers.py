"""Neutral data blocks: values, tables and charts resolved from current data.

The window (ui/) and the PDF (export/) both render these plain objects, so they can never disagree.
In report text a block is referenced by a marker ``{{<block id>}}``:

- ``{{table.emissions_by_source}}`` / ``{{chart.trend}}`` — a table or chart over all filed years
- ``{{value.emissions.total@2020}}`` — one value of one year (``@year`` optional: the last filed year)
- ``{{value.trend.co2_per_iva.avg_reduction}}`` — a multi-year indicator

Markers are resolved at preview and export time; the text itself never holds a pasted number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARKER = re.compile(r"\{\{\s*([a-z][a-z0-9_.]*(?:@\d{4})?)\s*\}\}")


@dataclass(frozen=True)
class ValueBlock:
    id: str
    label: str
    value: float | None
    unit: str
    text: str  # formatted with the unit, e.g. "688.83 万吨" or "—"


@dataclass(frozen=True)
class TableBlock:
    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # formatted cells
    numeric: tuple[bool, ...] = ()  # per column: right-align
    note: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class ChartBlock:
    id: str
    title: str
    kind: str  # "line" | "bar" | "stacked_bar" | "pie"
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class MissingBlock:
    id: str
    reason: str


Block = ValueBlock | TableBlock | ChartBlock | MissingBlock


@dataclass(frozen=True)
class BlockRef:
    id: str


@dataclass
class TextPiece:
    text: str
    refs: list[BlockRef] = field(default_factory=list)


def split_markers(text: str) -> list[str | BlockRef]:
    """Split report text into plain strings and block references, in order."""
    out: list[str | BlockRef] = []
    pos = 0
    for m in MARKER.finditer(text):
        if m.start() > pos:
            out.append(text[pos : m.start()])
        out.append(BlockRef(m.group(1)))
        pos = m.end()
    if pos < len(text):
        out.append(text[pos:])
    return out


def marker(block_id: str) -> str:
    return "{{" + block_id + "}}"
