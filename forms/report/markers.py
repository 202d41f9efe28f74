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


# the quadrants of the 协同控制效应坐标系: (type, sign of the CO2 change, sign of the pollutant change)
QUADRANT_NAMES = (("减碳增污", -1, 1), ("协同增排", 1, 1), ("协同减排", -1, -1), ("减污增碳", 1, -1))


def quadrant_points(block: ChartBlock) -> list[tuple[int, str, float, float]]:
    """(series index, category, x, y) of every point of a ``quadrant`` chart: the first series is the x value
    (the CO2 change), each further series a y value (a pollutant's change) per category (year)."""
    if not block.series:
        return []
    xs = block.series[0].values
    out = []
    for j, s in enumerate(block.series[1:], start=1):
        for i, y in enumerate(s.values):
            x = xs[i] if i < len(xs) else None
            if x is not None and y is not None and i < len(block.categories):
                out.append((j, block.categories[i], float(x), float(y)))
    return out


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
