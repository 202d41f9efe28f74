"""Data blocks in the PDF: resolution (forms.report.resolve) and drawing.

Tables become reportlab Tables sized to the text block; charts are drawn with reportlab.graphics
(line, bar, stacked bar, pie).  The window renders the same neutral blocks (forms.report.markers), so paper and
screen cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from export.pdf.fonts import BUNDLED_NAME
from export.pdf.style import GRID, HEADER_FILL, TABLE_SIZE, Styles, covers, para
from forms.park.model import ParkData
from forms.report.markers import (
    QUADRANT_NAMES,
    Block,
    ChartBlock,
    MissingBlock,
    Series,
    TableBlock,
    ValueBlock,
    quadrant_points,
)
from forms.report.resolve import BLOCK_LABELS, BlockResolver
from forms.report.typography import chinese_punctuation
from forms.table.calc import ParkResult

PALETTE = tuple(
    HexColor(c) for c in ("#1F4E79", "#C0504D", "#9BBB59", "#8064A2", "#F79646", "#4BACC6", "#7F7F7F", "#B8860B")
)

MIN_FONT = 6.5
PAD = 3.0

Resolver = Callable[[str], Block]


# -- resolution ------------------------------------------------------------------------------------
def resolver(park: ParkData, result: ParkResult) -> Resolver:
    """Block resolution for one park and calculation (forms.report.resolve; the projection computed once)."""
    blocks = BlockResolver(park, result)

    def resolve(block_id: str) -> Block:
        try:
            return blocks.resolve(block_id)
        except Exception as exc:  # a resolver bug must not lose the whole report: show it in place
            return MissingBlock(block_id, f"数据块无法生成：{exc}")

    return resolve


# -- tables ----------------------------------------------------------------------------------------
def _natural(text: object, font: str, size: float) -> float:
    if not isinstance(text, str):  # a ready-made Paragraph wraps to whatever it gets
        return 0.0
    return max((stringWidth(line, font, size) for line in text.split("\n")), default=0.0) + 2 * PAD + 1


_TOKEN = re.compile(r"[0-9A-Za-z.,\-—–/()%·²³]+")


def _longest_token(rows: Sequence[Sequence[Any]], i: int, font: str, size: float) -> float:
    """The widest run of digits/Latin in a column (kept on one line when possible), at most 12 characters."""
    best = 0.0
    for r in rows:
        if i < len(r) and isinstance(r[i], str):
            for tok in _TOKEN.findall(r[i]):
                best = max(best, stringWidth(tok, font, size))
    return min(best + 1, 12 * size)


def fit_widths(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: Sequence[bool],
    width: float,
    styles: Styles,
    size: float = TABLE_SIZE,
) -> tuple[list[float], float]:
    """Column widths filling ``width`` and the font size: numbers never wrap, text columns wrap if needed."""
    fonts = styles.fonts
    n = len(columns)
    while True:
        head = [_natural(c, fonts.heading, size) for c in columns]
        body = [max((_natural(r[i], fonts.body, size) for r in rows if i < len(r)), default=0.0) for i in range(n)]
        # a header may wrap onto two or three lines; a data cell decides
        need = [max(body[i], min(head[i], max(head[i] / 3, 3 * size + 2 * PAD))) for i in range(n)]
        fixed = sum(need[i] for i in range(n) if numeric[i])
        if sum(need) <= width or (fixed + sum(min(need[i], 8 * size) for i in range(n) if not numeric[i]) <= width):
            break
        if size <= MIN_FONT:
            break
        size = max(MIN_FONT, size - 0.5)
    total = sum(need)
    if total <= width:
        # room to spare: first unwrap squeezed headers, then share the rest in proportion
        out = list(need)
        for target in ([h / 2 + 2 * PAD for h in head], head):  # headers on two lines, then on one
            for i in sorted(range(n), key=lambda i: target[i] - out[i]):
                out[i] += min(max(target[i] - out[i], 0.0), width - sum(out))
        extra = width - sum(out)
        total = sum(out)
        return [w + extra * w / total for w in out], size
    # shrink the text columns (they wrap) down to about five characters, numbers keep their natural width
    mins = [
        need[i] if numeric[i] else min(need[i], max(5 * size, _longest_token(rows, i, fonts.body, size)) + 2 * PAD)
        for i in range(n)
    ]
    if sum(mins) > width:  # the last resort: scale everything
        return [w * width / sum(mins) for w in mins], size
    room = width - sum(mins)
    slack = sum(need[i] - mins[i] for i in range(n)) or 1.0
    out = [mins[i] + room * (need[i] - mins[i]) / slack for i in range(n)]
    return out, size


def make_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    numeric: Sequence[bool],
    width: float,
    styles: Styles,
    *,
    size: float = TABLE_SIZE,
    extra_style: Sequence[tuple[Any, ...]] = (),
    widths: Sequence[float] | None = None,
    spans: dict[int, int] | None = None,
) -> Table:
    """A grid table with a repeated header row; ``spans`` maps a row index (0 = first data row) to the first
    column of a cell spanning to the end of the row (section titles, long texts)."""
    if widths is None:
        col_widths, size = fit_widths(columns, rows, numeric, width, styles, size)
    else:
        col_widths = list(widths)
    fonts = styles.fonts
    cell = ParagraphStyle("c", parent=styles.cell, fontSize=size, leading=size * 1.25)
    head = ParagraphStyle("h", parent=styles.cell_head, fontSize=size, leading=size * 1.25)
    num = ParagraphStyle("n", parent=styles.cell_num, fontSize=size, leading=size * 1.25)
    spans = spans or {}
    data: list[list[Any]] = [[para(c, head) for c in columns]]
    for r, row in enumerate(rows):
        out: list[Any] = []
        span_from = spans.get(r)
        for i, text in enumerate(row):
            if isinstance(text, str):
                text = chinese_punctuation(text)
            avail = col_widths[i] if span_from is None or i < span_from else sum(col_widths[span_from:])
            if not isinstance(text, str):
                out.append(text)
            elif numeric[i] and (span_from is None or i < span_from):
                out.append(text if covers(fonts.body, text) else para(text, num))
            elif _natural(text, fonts.body, size) > avail or "\n" in text or not covers(fonts.body, text):
                out.append(para(text, cell))
            else:
                out.append(text)
        data.append(out)
    style: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.body),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.25),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("BOX", (0, 0), (-1, -1), 1.0, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.0),
    ]
    for i, is_num in enumerate(numeric):
        if is_num:
            style.append(("ALIGN", (i, 1), (i, -1), "RIGHT"))
    for r, first in spans.items():
        style.append(("SPAN", (first, r + 1), (-1, r + 1)))
        style.append(("ALIGN", (first, r + 1), (-1, r + 1), "LEFT"))
    style += list(extra_style)
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="CENTER")
    table.setStyle(TableStyle(style))
    return table


# -- charts ----------------------------------------------------------------------------------------
def _axis_label(v: float) -> str:
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 1:
        return f"{v:,.1f}".rstrip("0").rstrip(".")
    return f"{v:.3f}".rstrip("0").rstrip(".")


def _clean(values: Sequence[float | None]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def chart_drawing(block: ChartBlock, styles: Styles, width: float) -> Drawing:
    font = BUNDLED_NAME  # sans-serif labels, and every character of a legend is covered
    height = min(width * 0.58, 260.0)
    d = Drawing(width, height, initialFontName=font)
    has_legend = len(block.series) > 1 or block.kind == "pie"
    legend_names = list(block.categories) if block.kind == "pie" else [s.name for s in block.series]
    legend_h = LEGEND_ROW * _legend_layout(legend_names, font, width)[0] + 10 if has_legend else 0.0
    left, bottom, top = 62.0, 22.0 + legend_h, 22.0
    upright = len(block.categories) > 12  # a long axis (a projection to 2060): every year, turned upright
    if upright and block.kind in ("line", "bar", "stacked_bar"):
        bottom += 14.0
    if block.unit and block.kind != "pie":
        d.add(String(4, height - 12, chinese_punctuation(f"单位：{block.unit}"), fontName=font, fontSize=8.5))
    colors = [PALETTE[i % len(PALETTE)] for i in range(max(len(block.series), len(block.categories)))]
    if block.kind == "pie":
        series = block.series[0] if block.series else Series("", ())
        pairs = [(c, v) for c, v in zip(block.categories, series.values, strict=False) if v]
        pie = Pie()
        pie.x, pie.y = width / 2 - (height - bottom - top) / 2, bottom  # type: ignore[assignment]  # the stubs type chart coordinates as int
        pie.width = pie.height = height - bottom - top  # type: ignore[assignment]  # the stubs type chart coordinates as int
        pie.data = [v for _, v in pairs] or [1]
        total = sum(v for _, v in pairs) or 1.0
        pie.labels = [f"{v / total * 100:.1f}%" for _, v in pairs] or ["—"]
        pie.slices.fontName = font
        pie.slices.fontSize = 8
        pie.slices.strokeWidth = 0.5
        for i in range(len(pie.data)):
            pie.slices[i].fillColor = colors[i % len(colors)]
        d.add(pie)
        names = [c for c, _ in pairs]
        _legend(d, names, colors, font, width)
        return d
    if block.kind == "quadrant":
        _quadrant(d, block, font, width, height, bottom, colors)
        return d
    data = [_clean(s.values) for s in block.series]
    chart: HorizontalLineChart | VerticalBarChart
    if block.kind == "line":
        chart = HorizontalLineChart()
        chart.joinedLines = 1
        for i in range(len(data)):
            chart.lines[i].strokeColor = colors[i]
            chart.lines[i].strokeWidth = 1.6
            chart.lines[i].symbol = None
        from reportlab.graphics.widgets.markers import makeMarker

        for i in range(len(data)):
            chart.lines[i].symbol = makeMarker("FilledCircle", size=3.5, fillColor=colors[i], strokeColor=colors[i])
    else:
        chart = VerticalBarChart()
        if block.kind == "stacked_bar":
            chart.categoryAxis.style = "stacked"
        chart.barSpacing = 1
        chart.groupSpacing = 8
        for i in range(len(data)):
            chart.bars[i].fillColor = colors[i]
            chart.bars[i].strokeWidth = 0.3
        data = [[0.0 if v is None else v for v in s] for s in data]
    chart.x, chart.y = left, bottom  # type: ignore[assignment]  # the stubs type chart coordinates as int
    chart.width, chart.height = width - left - 12, height - bottom - top  # type: ignore[assignment]  # the stubs type chart coordinates as int
    chart.data = data or [[0.0]]
    chart.categoryAxis.categoryNames = list(block.categories)  # every year labelled, none skipped
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 8
    if upright:
        chart.categoryAxis.labels.angle = 90
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.dy = -3
        chart.categoryAxis.labels.fontSize = 6.5
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = _axis_label
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = Color(0.85, 0.85, 0.85)
    chart.valueAxis.gridStrokeWidth = 0.4
    values = [v for s in data for v in s if v is not None]
    if values and min(values) >= 0:
        chart.valueAxis.valueMin = 0
    d.add(chart)
    if len(block.series) > 1:
        _legend(d, [s.name for s in block.series], colors, font, width)
    return d


def _quadrant(d: Drawing, block: ChartBlock, font: str, width: float, height: float, bottom: float,
              colors: Sequence[Color]) -> None:  # fmt: skip
    """协同控制效应坐标系: CO2 change on x, pollutant change on y, axes through 0, a point per year."""
    from reportlab.graphics.shapes import Circle, Line, Rect

    points = quadrant_points(block)
    span_x = max([abs(x) for _, _, x, _ in points] + [1.0]) * 1.15
    span_y = max([abs(y) for _, _, _, y in points] + [1.0]) * 1.15
    left, right, top = 40.0, width - 12.0, height - 18.0
    cx, cy = (left + right) / 2, (bottom + top) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        return cx + x / span_x * (right - left) / 2, cy + y / span_y * (top - bottom) / 2

    frame = Rect(left, bottom, right - left, top - bottom)
    frame.strokeColor, frame.fillColor, frame.strokeWidth = Color(0.7, 0.7, 0.7), None, 0.4
    d.add(frame)
    d.add(Line(left, cy, right, cy, strokeColor=Color(0.2, 0.2, 0.2), strokeWidth=0.6))
    d.add(Line(cx, bottom, cx, top, strokeColor=Color(0.2, 0.2, 0.2), strokeWidth=0.6))
    for name, sx, sy in QUADRANT_NAMES:
        x = left + 6 if sx < 0 else right - 6
        d.add(String(x, top - 12 if sy > 0 else bottom + 5, name, fontName=font, fontSize=8,
                     fillColor=Color(0.45, 0.45, 0.45), textAnchor="start" if sx < 0 else "end"))  # fmt: skip
    d.add(String(right, cy + 3, "ΔCO2 →", fontName=font, fontSize=7.5, textAnchor="end"))
    d.add(String(cx + 3, top - 10, "Δ污染物 ↑", fontName=font, fontSize=7.5))  # under the frame line, not on it
    for j, year, x, y in points:
        px, py = at(x, y)
        d.add(Circle(px, py, 2.6, fillColor=colors[j % len(colors)], strokeColor=colors[j % len(colors)]))
        d.add(String(px + 3.5, py + 2.5, year, fontName=font, fontSize=6.5))
    names = [s.name for s in block.series[1:]]
    _legend(d, names, colors[1:], font, width)


LEGEND_SIZE = 8.5
LEGEND_ROW = 13.0


def _legend_layout(names: Sequence[str], font: str, width: float) -> tuple[int, float]:
    """(rows, column width): as many entries side by side as fit (at most three); measured as printed."""
    if not names:
        return 0, 0.0
    names = [chinese_punctuation(n) for n in names]  # full-width brackets are wider: the plot leaves their room
    entry = max(stringWidth(n, font, LEGEND_SIZE) for n in names) + 7 + 4 + 14
    cols = max(1, min(3, len(names), int((width - 30) // entry)))
    rows = -(-len(names) // cols)
    return rows, max(entry, (width - 30) / cols)


def _legend(d: Drawing, names: Sequence[str], colors: Sequence[Color], font: str, width: float) -> None:
    """A legend under the plot."""
    names = [chinese_punctuation(n) for n in names]
    rows, col_width = _legend_layout(names, font, width)
    if not rows:
        return
    legend = Legend()
    legend.fontName = font
    legend.fontSize = LEGEND_SIZE
    legend.alignment = "right"
    legend.columnMaximum = rows
    legend.dx = legend.dy = 7
    legend.deltax = col_width  # type: ignore[assignment]  # the stubs type chart coordinates as int
    legend.deltay = LEGEND_ROW  # type: ignore[assignment]  # the stubs type chart coordinates as int
    legend.dxTextSpace = 4
    legend.autoXPadding = 14
    legend.boxAnchor = "nw"
    legend.x = 30
    legend.y = 6 + LEGEND_ROW * rows  # type: ignore[assignment]  # the stubs type chart coordinates as int
    legend.colorNamePairs = list(zip(colors, names, strict=False))
    legend.subCols.minWidth = 0  # type: ignore[attr-defined]  # a Legend attribute the stubs leave out
    d.add(legend)


# -- any block -------------------------------------------------------------------------------------
class Together(KeepTogether):
    """A block kept on one page, its parts still at hand (a heading before it joins them: keep_with_next)."""

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__(parts)
        self.parts = list(parts)


def block_flowables(block: Block, styles: Styles, width: float) -> list[Flowable]:
    """Caption, table or chart, and note of a block (a value block becomes a short paragraph)."""
    if isinstance(block, MissingBlock):
        label = BLOCK_LABELS.get(block.id)  # the block's Chinese name, never its internal id
        return [para(f"〔{label}：{block.reason}〕" if label else f"〔{block.reason}〕", styles.note)]
    if isinstance(block, ValueBlock):
        return [para(f"{block.label}：{block.text}", styles.body)]
    parts: list[Flowable] = [para(block.title, styles.caption)] if block.title else []
    if isinstance(block, TableBlock):
        numeric = tuple(block.numeric) + (False,) * (len(block.columns) - len(block.numeric))
        parts.append(make_table(block.columns, block.rows, numeric, width, styles))
    elif isinstance(block, ChartBlock):
        parts.append(chart_drawing(block, styles, width))
    if getattr(block, "note", ""):
        parts.append(para("注：" + block.note, styles.note))
    parts.append(Spacer(1, 6))
    if isinstance(block, ChartBlock) or (isinstance(block, TableBlock) and len(block.rows) <= 12):
        return [Together(parts)]
    return parts
