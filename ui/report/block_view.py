"""Neutral data blocks (forms.report.markers) rendered for the window: HTML for a QTextBrowser, charts as images.

The PDF draws the very same blocks with reportlab; here tables become HTML tables and charts are painted
with QPainter into a QImage that is registered as a resource of the preview document (``chart://<id>``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, QUrl
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import QApplication, QTextBrowser

from forms.park.model import ParkData
from forms.report.markers import (
    QUADRANT_NAMES,
    Block,
    ChartBlock,
    MissingBlock,
    TableBlock,
    ValueBlock,
    quadrant_points,
)
from forms.report.resolve import BlockResolver, resolve_text
from forms.table.calc import ParkResult

PALETTE = ("#1F4E79", "#C0504D", "#9BBB59", "#8064A2", "#F79646", "#4BACC6", "#7F7F7F", "#B8860B")
CHART_W, CHART_H = 620, 320


def esc(text: str) -> str:
    return html.escape(text, quote=False)


# -- HTML ---------------------------------------------------------------------------------------------
def value_html(block: ValueBlock) -> str:
    tip = esc(f"{block.label}（数据块 {block.id}）")
    return f"<span style='color:#1F4E79; background:#e8f0fa;' title='{tip}'>{esc(block.text)}</span>"


def table_html(block: TableBlock) -> str:
    numeric = block.numeric or (False,) * len(block.columns)
    head = "".join(f"<th style='background:#dfe8f4; padding:2px 4px;'>{esc(c)}</th>" for c in block.columns)
    rows = []
    for row in block.rows:
        cells = []
        for i, cell in enumerate(row):
            align = "right" if i < len(numeric) and numeric[i] else "left"
            cells.append(f"<td align='{align}' style='padding:2px 4px;'>{esc(cell)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = f"<p style='color:#555; font-size:small;'>注：{esc(block.note)}</p>" if block.note else ""
    return (f"<p align='center'><b>{esc(block.title)}</b></p>"
            f"<table border='1' cellspacing='0' cellpadding='2' width='100%' style='border-collapse:collapse;'>"
            f"<tr>{head}</tr>{''.join(rows)}</table>{note}")  # fmt: skip


def chart_url(block: ChartBlock) -> QUrl:
    return QUrl(f"chart://{block.id}")


def chart_html(block: ChartBlock, width: int = CHART_W, height: int = CHART_H) -> str:
    note = f"<p style='color:#555; font-size:small;'>注：{esc(block.note)}</p>" if block.note else ""
    return (f"<p align='center'><b>{esc(block.title)}</b><br/>"
            f"<img src='{chart_url(block).toString()}' width='{width}' height='{height}'/></p>{note}")  # fmt: skip


def missing_html(block: MissingBlock) -> str:
    return f"<span style='color:#b00020;'>【{esc(block.reason)}】</span>"


def block_html(block: Block) -> str:
    if isinstance(block, ValueBlock):
        return value_html(block)
    if isinstance(block, TableBlock):
        return table_html(block)
    if isinstance(block, ChartBlock):
        return chart_html(block)
    return missing_html(block)


def _text_html(text: str) -> str:
    return esc(text).replace("\n", "<br/>")


def render_into(browser: QTextBrowser, text: str, park: ParkData, result: ParkResult,
                resolver: BlockResolver | None = None) -> str:  # fmt: skip
    """Render report text with its blocks into ``browser``; returns the HTML (charts are document resources)."""
    resolver = resolver or BlockResolver(park, result)
    doc: QTextDocument = browser.document()
    parts: list[str] = []
    for piece in resolve_text(text, resolver):
        if isinstance(piece, str):
            parts.append(_text_html(piece))
            continue
        if isinstance(piece, ChartBlock):
            width = max(240, min(CHART_W, browser.viewport().width() - 30))
            height = round(width * CHART_H / CHART_W)
            image = chart_image(piece, width, height, browser.devicePixelRatioF())
            doc.addResource(QTextDocument.ResourceType.ImageResource, chart_url(piece), image)
            parts.append(chart_html(piece, width, height))
            continue
        parts.append(block_html(piece))
    body = "".join(parts) if text.strip() else "<p style='color:#777'>（本节尚未撰写）</p>"
    page = f"<div style='line-height:150%;'>{body}</div>"
    scroll = browser.verticalScrollBar().value()
    browser.setHtml(page)
    browser.verticalScrollBar().setValue(scroll)
    return page


# -- charts -------------------------------------------------------------------------------------------
def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(ticks, 1)
    if raw <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _axis_range(values: Sequence[float]) -> tuple[float, float, float]:
    lo = min([0.0, *values])
    hi = max([0.0, *values])
    if hi == lo:
        hi = lo + 1
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _fmt_tick(v: float, step: float) -> str:
    decimals = 0 if step >= 1 else min(4, max(0, -math.floor(math.log10(step))))
    return f"{v:,.{decimals}f}"


def chart_image(block: ChartBlock, width: int = CHART_W, height: int = CHART_H, scale: float = 1.0) -> QImage:
    """A chart painted with QPainter (line, bar, stacked bar or pie), legend below the plot."""
    img = QImage(int(width * scale), int(height * scale), QImage.Format.Format_ARGB32)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(scale, scale)
    font = QFont(QApplication.font())
    font.setPointSizeF(8.5)
    p.setFont(font)
    fm = QFontMetricsF(font)
    legend_h = 18 * math.ceil(len(block.series) / _legend_columns(block, width - 20, fm)) + 4
    if block.kind == "pie":
        _pie(p, block, QRectF(10, 10, width - 20, height - 20 - legend_h), fm)
    elif block.kind == "quadrant":
        _quadrant(p, block, QRectF(0, 0, width, height - legend_h), fm)
    else:
        _xy(p, block, QRectF(0, 0, width, height - legend_h), fm)
    _legend(p, block, QRectF(10, height - legend_h, width - 20, legend_h), fm)
    p.end()
    return img


def _legend_columns(block: ChartBlock, width: float, fm: QFontMetricsF) -> int:
    widest = max((fm.horizontalAdvance(s.name) + 24 for s in block.series), default=0)
    for cols in (3, 2):
        if widest <= width / cols:
            return cols
    return 1


def _legend(p: QPainter, block: ChartBlock, area: QRectF, fm: QFontMetricsF) -> None:
    cols = _legend_columns(block, area.width(), fm)
    col_w = area.width() / cols
    for i, s in enumerate(block.series):
        pos = i
        if block.kind == "quadrant":
            if i == 0:
                continue  # the x values (CO2 change) are the axis, not a plotted series
            pos = i - 1
        x = area.left() + (pos % cols) * col_w
        y = area.top() + (pos // cols) * 18 + 4
        p.fillRect(QRectF(x, y + 3, 12, 8), QColor(PALETTE[i % len(PALETTE)]))
        p.setPen(QColor("#222"))
        text = fm.elidedText(s.name, Qt.TextElideMode.ElideRight, col_w - 20)
        p.drawText(QPointF(x + 16, y + fm.ascent()), text)


def _xy(p: QPainter, block: ChartBlock, area: QRectF, fm: QFontMetricsF) -> None:
    stacked = block.kind == "stacked_bar"
    n = len(block.categories)
    if n == 0:
        return
    if stacked:
        pos = [sum(max(s.values[i] or 0, 0) for s in block.series) for i in range(n)]
        neg = [sum(min(s.values[i] or 0, 0) for s in block.series) for i in range(n)]
        values = pos + neg
    else:
        values = [v for s in block.series for v in s.values if v is not None]
    lo, hi, step = _axis_range(values or [0.0])
    labels = [_fmt_tick(lo + k * step, step) for k in range(round((hi - lo) / step) + 1)]
    left = max(fm.horizontalAdvance(t) for t in labels) + 14
    plot = QRectF(area.left() + left, area.top() + 22, area.width() - left - 14, area.height() - 22 - 26)

    def y_of(v: float) -> float:
        return plot.bottom() - (v - lo) / (hi - lo) * plot.height()

    p.setPen(QColor("#333"))
    if block.unit:
        p.drawText(QPointF(area.left() + 4, area.top() + 14), f"单位：{block.unit}")
    grid = QPen(QColor("#dddddd"))
    for k, text in enumerate(labels):
        y = y_of(lo + k * step)
        p.setPen(grid)
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(QColor("#333"))
        p.drawText(QRectF(area.left(), y - 8, left - 6, 16), int(Qt.AlignmentFlag.AlignRight
                   | Qt.AlignmentFlag.AlignVCenter), text)  # fmt: skip
    p.setPen(QPen(QColor("#333"), 1))
    p.drawLine(QPointF(plot.left(), y_of(0)), QPointF(plot.right(), y_of(0)))
    p.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()))
    slot = plot.width() / n
    # x labels: thin out so they do not overlap
    every = max(1, math.ceil(fm.horizontalAdvance("0000年") / slot))
    for i, cat in enumerate(block.categories):
        if i % every == 0:
            p.drawText(QRectF(plot.left() + i * slot - 20, plot.bottom() + 4, slot + 40, 18),
                       int(Qt.AlignmentFlag.AlignHCenter), cat)  # fmt: skip
    if block.kind in ("bar", "stacked_bar"):
        groups = 1 if stacked else max(1, len(block.series))
        bar_w = slot * 0.7 / groups
        for i in range(n):
            base_pos = base_neg = 0.0
            for j, s in enumerate(block.series):
                v = s.values[i] if i < len(s.values) else None
                if v is None:
                    continue
                colour = QColor(PALETTE[j % len(PALETTE)])
                x = plot.left() + i * slot + slot * 0.15 + (0 if stacked else j * bar_w)
                if stacked:
                    start = base_pos if v >= 0 else base_neg
                    end = start + v
                    if v >= 0:
                        base_pos = end
                    else:
                        base_neg = end
                else:
                    start, end = 0.0, v
                rect = QRectF(x, y_of(max(start, end)), bar_w, abs(y_of(start) - y_of(end)))
                p.fillRect(rect, colour)
    else:
        for j, s in enumerate(block.series):
            pen = QPen(QColor(PALETTE[j % len(PALETTE)]), 2)
            p.setPen(pen)
            prev: QPointF | None = None
            for i, v in enumerate(s.values):
                if v is None:
                    prev = None
                    continue
                pt = QPointF(plot.left() + (i + 0.5) * slot, y_of(v))
                if prev is not None:
                    p.drawLine(prev, pt)
                if n <= 12:
                    p.drawEllipse(pt, 2.5, 2.5)
                prev = pt


def _quadrant(p: QPainter, block: ChartBlock, area: QRectF, fm: QFontMetricsF) -> None:
    """协同控制效应坐标系: CO2 change (first series) on x, each pollutant's change on y, a point per year."""
    points = quadrant_points(block)
    step_x, span_x = _symmetric_axis([x for _, _, x, _ in points])
    step_y, span_y = _symmetric_axis([y for _, _, _, y in points])
    ticks_x = [k * step_x for k in range(-round(span_x / step_x), round(span_x / step_x) + 1)]
    ticks_y = [k * step_y for k in range(-round(span_y / step_y), round(span_y / step_y) + 1)]
    unit = f"({block.unit})" if block.unit else ""
    left = max(fm.horizontalAdvance(_fmt_tick(t, step_y)) for t in ticks_y) + fm.height() + 12
    plot = QRectF(
        area.left() + left, area.top() + 12, area.width() - left - 14, area.height() - 12 - 2 * fm.height() - 12
    )
    centre = plot.center()

    def at(x: float, y: float) -> QPointF:
        return QPointF(centre.x() + x / span_x * plot.width() / 2, centre.y() - y / span_y * plot.height() / 2)

    grid, tick_pen = QPen(QColor("#e4e4e4"), 1), QPen(QColor("#333333"), 1)
    align_right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for t in ticks_x:  # ticks and labels along the bottom edge: the CO2 change
        x = at(t, 0).x()
        p.setPen(grid)
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        p.setPen(tick_pen)
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
        p.drawText(QRectF(x - 30, plot.bottom() + 4, 60, fm.height()), int(Qt.AlignmentFlag.AlignHCenter),
                   _fmt_tick(t, step_x))  # fmt: skip
    for t in ticks_y:  # and along the left edge: the pollutant's change
        y = at(0, t).y()
        p.setPen(grid)
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        p.setPen(tick_pen)
        p.drawLine(QPointF(plot.left() - 4, y), QPointF(plot.left(), y))
        p.drawText(QRectF(area.left(), y - fm.height() / 2, left - 8, fm.height()), align_right, _fmt_tick(t, step_y))
    p.setPen(tick_pen)
    p.drawText(QRectF(plot.left(), plot.bottom() + 4 + fm.height(), plot.width(), fm.height() + 4),
               int(Qt.AlignmentFlag.AlignHCenter), f"二氧化碳排放总量同比变化{unit}")  # fmt: skip
    p.save()  # the y title, turned to read upwards
    p.translate(area.left() + fm.ascent() + 1, plot.center().y())
    p.rotate(-90)
    p.drawText(QRectF(-plot.height() / 2, -fm.ascent(), plot.height(), fm.height()),
               int(Qt.AlignmentFlag.AlignHCenter), f"污染物排放量同比变化{unit}")  # fmt: skip
    p.restore()
    p.setPen(QPen(QColor("#bbbbbb"), 1))
    p.drawRect(plot)
    p.setPen(QPen(QColor("#333333"), 1))
    p.drawLine(QPointF(plot.left(), centre.y()), QPointF(plot.right(), centre.y()))
    p.drawLine(QPointF(centre.x(), plot.top()), QPointF(centre.x(), plot.bottom()))
    p.setPen(QColor("#777777"))
    for name, sx, sy in QUADRANT_NAMES:
        w = fm.horizontalAdvance(name)
        x = plot.left() + 6 if sx < 0 else plot.right() - 6 - w
        y = plot.top() + 16 if sy > 0 else plot.bottom() - 6
        p.drawText(QPointF(x, y), name)
    for j, year, x, y in points:
        colour = QColor(PALETTE[j % len(PALETTE)])
        pt = at(x, y)
        p.setPen(colour)
        p.setBrush(colour)
        p.drawEllipse(pt, 3.5, 3.5)
        p.setPen(QColor("#333333"))
        p.drawText(QPointF(pt.x() + 5, pt.y() - 4), year)
    p.setBrush(Qt.BrushStyle.NoBrush)


def _symmetric_axis(values: Sequence[float]) -> tuple[float, float]:
    """(tick step, half span) of an axis centred on 0 that holds every value with a little room."""
    reach = max([abs(v) for v in values] + [1.0]) * 1.1
    raw = reach / 3  # about three ticks each side of 0
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if raw <= m * mag)  # whole ticks: 1, 2, 5 × 10ⁿ
    return step, math.ceil(reach / step) * step


def quadrant_ticks(block: ChartBlock) -> tuple[list[float], list[float]]:
    """The tick values of a quadrant chart's x and y axes (both symmetric about 0)."""
    points = quadrant_points(block)
    out = []
    for values in ([x for _, _, x, _ in points], [y for _, _, _, y in points]):
        step, span = _symmetric_axis(values)
        out.append([k * step for k in range(-round(span / step), round(span / step) + 1)])
    return out[0], out[1]


def _pie(p: QPainter, block: ChartBlock, area: QRectF, fm: QFontMetricsF) -> None:
    values = [max(s.values[-1] or 0, 0) if s.values else 0 for s in block.series]
    total = sum(values)
    if total <= 0:
        return
    d = min(area.width(), area.height())
    rect = QRectF(area.center().x() - d / 2, area.center().y() - d / 2, d, d)
    angle = 90 * 16
    for j, v in enumerate(values):
        span = round(-v / total * 360 * 16)
        p.setBrush(QColor(PALETTE[j % len(PALETTE)]))
        p.setPen(QColor("white"))
        p.drawPie(rect, angle, span)
        angle += span
