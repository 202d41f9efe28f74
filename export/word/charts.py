"""Charts as PNG images for Word documents, drawn with Pillow (which reportlab already brings) from the same
neutral ChartBlock the PDF and the window draw, with the bundled CJK font."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from export.pdf.fonts import bundled_font_path
from forms.report.markers import QUADRANT_NAMES, ChartBlock, quadrant_points

PALETTE = ("#1F4E79", "#C0504D", "#9BBB59", "#8064A2", "#F79646", "#4BACC6", "#7F7F7F", "#B8860B")
W, H, SCALE = 640, 340, 2


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(bundled_font_path()), size * SCALE, index=0)


def _nice(lo: float, hi: float) -> tuple[float, float, float]:
    if hi == lo:
        hi = lo + 1
    raw = (hi - lo) / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = min((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), default=mag * 10)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def chart_png(block: ChartBlock) -> bytes:
    img = Image.new("RGB", (W * SCALE, H * SCALE), "white")
    d = ImageDraw.Draw(img)
    small, tiny = _font(11), _font(9)
    s = SCALE
    legend_names = [x.name for x in (block.series[1:] if block.kind == "quadrant" else block.series)]
    if block.kind == "pie":
        legend_names = list(block.categories)
    legend_rows = math.ceil(len(legend_names) / 3)
    left, top, right, bottom = 70 * s, 24 * s, (W - 16) * s, (H - 30 - 18 * legend_rows) * s
    if block.unit:
        d.text((6 * s, 4 * s), f"单位：{block.unit}", fill="#333333", font=small)
    if block.kind == "quadrant":
        points = quadrant_points(block)
        sx = max([abs(p[2]) for p in points] + [1.0]) * 1.15
        sy = max([abs(p[3]) for p in points] + [1.0]) * 1.15
        cx, cy = (left + right) / 2, (top + bottom) / 2
        d.rectangle((left, top, right, bottom), outline="#BBBBBB", width=s)
        d.line((left, cy, right, cy), fill="#333333", width=s)
        d.line((cx, top, cx, bottom), fill="#333333", width=s)
        for name, qx, qy in QUADRANT_NAMES:
            x = left + 6 * s if qx < 0 else right - 6 * s - d.textlength(name, font=tiny)
            d.text((x, top + 4 * s if qy > 0 else bottom - 16 * s), name, fill="#777777", font=tiny)
        for j, year, x, y in points:
            px, py = cx + x / sx * (right - left) / 2, cy - y / sy * (bottom - top) / 2
            d.ellipse((px - 4 * s, py - 4 * s, px + 4 * s, py + 4 * s), fill=PALETTE[j % len(PALETTE)])
            d.text((px + 5 * s, py - 14 * s), year, fill="#333333", font=tiny)
    elif block.kind == "pie":
        series = block.series[0].values if block.series else ()
        total = sum(v or 0 for v in series) or 1.0
        r = min(right - left, bottom - top) / 2
        cx, cy = (left + right) / 2, (top + bottom) / 2
        angle = -90.0
        for i, v in enumerate(series):
            sweep = (v or 0) / total * 360
            d.pieslice((cx - r, cy - r, cx + r, cy + r), angle, angle + sweep, fill=PALETTE[i % len(PALETTE)])
            angle += sweep
    else:
        n = max(len(block.categories), 1)
        stacked = block.kind == "stacked_bar"
        if stacked:
            vals = [sum(max(x.values[i] or 0, 0) for x in block.series) for i in range(n)] + [0.0]
        else:
            vals = [v for x in block.series for v in x.values if v is not None] + [0.0]
        lo, hi, step = _nice(min(vals), max(vals))

        def y_of(v: float) -> float:
            return bottom - (v - lo) / (hi - lo) * (bottom - top)

        k = 0
        while lo + k * step <= hi + 1e-9:
            v = lo + k * step
            d.line((left, y_of(v), right, y_of(v)), fill="#DDDDDD", width=s)
            label = f"{v:,.0f}" if step >= 1 else f"{v:.2f}"
            d.text((left - 6 * s - d.textlength(label, font=tiny), y_of(v) - 7 * s), label, fill="#333333", font=tiny)
            k += 1
        slot = (right - left) / n
        every = max(1, math.ceil(40 * s / slot))
        for i, cat in enumerate(block.categories):
            if i % every == 0:
                d.text((left + i * slot + slot / 2 - d.textlength(cat, font=tiny) / 2, bottom + 4 * s), cat,
                       fill="#333333", font=tiny)  # fmt: skip
        d.line((left, y_of(0), right, y_of(0)), fill="#333333", width=s)
        if block.kind in ("bar", "stacked_bar"):
            groups = 1 if stacked else max(1, len(block.series))
            bw = slot * 0.7 / groups
            for i in range(n):
                base = 0.0
                for j, ser in enumerate(block.series):
                    v = ser.values[i] if i < len(ser.values) else None
                    if v is None:
                        continue
                    x0 = left + i * slot + slot * 0.15 + (0 if stacked else j * bw)
                    a, b = (base, base + v) if stacked else (0.0, v)
                    base = b if stacked else base
                    d.rectangle((x0, y_of(max(a, b)), x0 + bw, y_of(min(a, b))), fill=PALETTE[j % len(PALETTE)])
        else:
            for j, ser in enumerate(block.series):
                prev = None
                for i, v in enumerate(ser.values):
                    if v is None:
                        prev = None
                        continue
                    pt = (left + (i + 0.5) * slot, y_of(v))
                    if prev is not None:
                        d.line((*prev, *pt), fill=PALETTE[j % len(PALETTE)], width=2 * s)
                    d.ellipse(
                        (pt[0] - 3 * s, pt[1] - 3 * s, pt[0] + 3 * s, pt[1] + 3 * s), fill=PALETTE[j % len(PALETTE)]
                    )
                    prev = pt
    offset = 1 if block.kind == "quadrant" else 0
    for i, name in enumerate(legend_names):
        x = 16 * s + (i % 3) * (W - 32) * s / 3
        y = (H - 24 - 18 * (legend_rows - i // 3 - 1)) * s
        d.rectangle((x, y + 3 * s, x + 12 * s, y + 11 * s), fill=PALETTE[(i + offset) % len(PALETTE)])
        d.text((x + 16 * s, y), name, fill="#222222", font=small)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()
