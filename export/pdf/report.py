"""《<园区名称>碳达峰碳中和实施路径专项报告》 as a print-ready PDF.

Cover (title, management body with a reserved seal area, 编制日期, QR code of the fingerprint), contents
with page numbers, the outline's chapters and sections with the clerk's text, and the appendices.

Data blocks: a ``{{block}}`` marker in the text is drawn in place (a value inline, a table or chart as its
own figure).  Every table or chart block the outline lists for a section and that the clerk has not
referenced anywhere in the report is drawn after that section's text — so the emissions-by-source and
intensity tables and the trend and structure charts are always in the report (ch2.2 / ch3.2 / ch3.3
list them), once, where the outline puts them or where the clerk moved them.  The factor table (listed
for ch3.1) is 附表3 and is not repeated in the body unless the clerk inserts it; the key-project table is
both ch6.9's content and 附表2.  Sections without text show 〔本节尚未撰写〕 in a draft.

Appendices, in the outline's order: 附表1 every filed year's table (landscape, rows from the form
definition), 附表2 the key-project table, 附表3 the factors and their sources.
"""

from __future__ import annotations

import datetime as _dt
import io
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import DocIf, Flowable, KeepTogether, NextPageTemplate, PageBreak, Paragraph, Spacer

from export.pdf.blocks import Resolver, Together, block_flowables, resolver
from export.pdf.style import (
    BODY,
    FRONT,
    LANDSCAPE,
    PORTRAIT,
    WIDE,
    Footer,
    Heading,
    OfficialDoc,
    Styles,
    TextBlock,
    make_styles,
    para,
    text_width,
)
from export.pdf.tables import year_story
from forms.park.model import ParkData
from forms.report.check import not_applicable_reason
from forms.report.customisation import effective_outline
from forms.report.markers import BlockRef, ChartBlock, MissingBlock, TableBlock, ValueBlock, split_markers
from forms.report.outline import Outline, OutlineSection, subsection_label
from forms.report.typography import chinese_punctuation, numbered_heading
from forms.table.calc import ParkResult, compute_park
from forms.table.registry import form_for

SEAL_DIAMETER = 42 * mm  # an official round seal
QR_SIZE = 26 * mm
UNWRITTEN = "〔本节尚未撰写〕"


def date_text(day: _dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def qr_payload(park: ParkData, fp: str) -> str:
    return f"parkcarbon|{park.name}|{fp}"


class SealBlock(Flowable):
    """Management body and date, centred, over a dashed circle: the seal is pressed over both lines."""

    def __init__(self, body: str, date: str, styles: Styles) -> None:
        super().__init__()
        self.styles = styles
        self.lines = [
            para(f"园区管理机构（盖章）：{body or '　' * 12}", styles.cover_line),
            para(f"编制日期：{date}", styles.cover_line),
        ]
        self.sizes: list[tuple[float, float]] = []

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.sizes = [p.wrap(avail_width, avail_height) for p in self.lines]
        self.text_height = sum(h for _, h in self.sizes) + 8
        self.height = max(self.text_height, SEAL_DIAMETER) + 12
        return avail_width, self.height

    def draw(self) -> None:
        c = self.canv
        cx, cy = self.width / 2, self.height / 2
        c.saveState()
        c.setStrokeColor(HexColor("#B0B0B0"))
        c.setDash(3, 3)
        c.setLineWidth(0.6)
        c.circle(cx, cy, SEAL_DIAMETER / 2)
        c.setFillColor(HexColor("#A0A0A0"))
        c.setFont(self.styles.fonts.body, 9)
        c.drawCentredString(cx, cy - SEAL_DIAMETER / 2 + 6, "盖章处")
        c.restoreState()
        y = cy + self.text_height / 2
        for p, (_, h) in zip(self.lines, self.sizes, strict=True):
            y -= h
            p.drawOn(c, 0, y)
            y -= 8


def qr_drawing(payload: str, font: str, size: float = QR_SIZE) -> Drawing:
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    d = Drawing(size, size, initialFontName=font, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(widget)
    d.hAlign = "CENTER"
    return d


def cover_story(park: ParkData, outline: Outline, fp: str, day: _dt.date, styles: Styles) -> list[Flowable]:
    body = str(park.park.get(form_for(park.form).management_body_key) or "")
    # GB/T 9704: a document's own 标题 stands without 书名号; when it takes two lines, it breaks between
    # words (the park's name, then the document's name), never inside one
    title = outline.title_for(park.name)
    rest = title.removeprefix(park.name) if park.name else title
    if rest != title and rest:
        title = f"{park.name}\n{rest}"
    return [
        Spacer(1, 30 * mm),
        para(title, styles.cover_title),
        Spacer(1, 60 * mm),
        SealBlock(body, date_text(day), styles),
        Spacer(1, 14 * mm),
        qr_drawing(qr_payload(park, fp), styles.fonts.body),
        para(f"内容校验码 {fp}", styles.note_center),
    ]


Entry = tuple[int, str, str]  # a contents entry: level (0 chapter or appendix, 1 section), heading text, key


def planned_entries(outline: Outline) -> list[Entry]:
    """The contents entries the report's headings will announce (:func:`body_story`, :func:`appendix_story`)."""
    out: list[Entry] = []
    for chapter in outline.chapters:
        out.append((0, chinese_punctuation(chapter.heading), chapter.key))
        out += [
            (1, chinese_punctuation(f"{subsection_label(i)}{s.title}"), s.key) for i, s in enumerate(chapter.sections)
        ]
    out += [
        (0, chinese_punctuation(t), f"appendix{n}")
        for n, t in enumerate(outline.appendices[: len(APPENDIX_BUILDERS)], start=1)
    ]
    return out


class ContentsNumbers:
    """The dot leaders and page numbers of the contents lines: each line draws a PDF form (an XObject) in
    place while the report is laid out, and the forms are defined by :class:`ContentsFill` at the end of the
    story, when every heading's page is known — so the report is laid out once."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}  # heading key -> printed page number (OfficialDoc's TOCEntry notices)
        self.marks: list[tuple[str, str, ParagraphStyle, float, float, float]] = []  # form, key, style, x, y, right

    def place(self, key: str, style: ParagraphStyle, x: float, baseline: float, right: float) -> str:
        name = f"contents{len(self.marks)}"
        self.marks.append((name, key, style, x, baseline, right))
        return name

    def define(self, canvas: Canvas) -> None:
        """Every line's form: dots from its text's end up to a column shared by all lines, then its number
        right-aligned; the dots sit on a grid counted from that column, so they line up from line to line."""
        for name, key, style, x, baseline, right in self.marks:
            font, size = style.fontName, style.fontSize
            number = str(self.pages.get(key, ""))
            column = right - stringWidth(NUMBER_RESERVE, font, size)
            dot = stringWidth(".", font, size)
            pitch = DOT_PITCH
            dots = max(0, int((column - x - pitch) // pitch))
            canvas.beginForm(
                name, 0, math.floor(baseline - size), math.ceil(right + size), math.ceil(baseline + 2 * size)
            )
            canvas.setFillColor(style.textColor)
            canvas.setFont(font, size)
            leader = canvas.beginText(column - dots * pitch + (pitch - dot) / 2, baseline)
            leader.setFont(font, size)
            leader.setCharSpace(pitch - dot)  # one dot every ``pitch`` points
            leader.textOut("." * dots)
            leader.setCharSpace(0)  # the spacing is graphics state: not for the number
            canvas.drawText(leader)
            canvas.drawRightString(right, baseline, number)
            canvas.endForm()


NUMBER_RESERVE = " 999"  # the room kept for a page number on every contents line
DOT_PITCH = 7.0  # points between the leader's dots


class ContentsLine(Flowable):
    """One contents line: the heading's text (set by :class:`TextBlock`, so its width is known as it is laid
    out), then a form with the dot leader and the page number (:class:`ContentsNumbers`); a link to the
    heading over the whole line."""

    def __init__(self, entry: Entry, style: ParagraphStyle, numbers: ContentsNumbers) -> None:
        super().__init__()
        self.level, self.text, self.key = entry
        self.style = style
        room = stringWidth(NUMBER_RESERVE, style.fontName, style.fontSize) + 2 * DOT_PITCH
        self.block = TextBlock(self.text, ParagraphStyle(f"{style.name}_line", parent=style, rightIndent=room))
        self.numbers = numbers

    def __repr__(self) -> str:
        return f"ContentsLine({self.text!r})"

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width, self.height = self.block.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self) -> None:
        self.block.drawOn(self.canv, 0, 0)
        s = self.style
        lines = self.block.lines
        last = lines[-1] if lines else None
        indent = s.leftIndent + (s.firstLineIndent if last is not None and last.first else 0.0)
        end = indent + (last.width if last is not None else 0.0)
        baseline = 0.5 * s.leading - 0.36 * s.fontSize  # the last line's, as TextBlock draws it
        self.canv.doForm(self.numbers.place(self.key, s, end, baseline, self.width))
        self.canv.linkRect("", self.key, (0, 0, self.width, self.height), relative=1)


class ContentsFill(Flowable):
    """Placed after the last heading: defines the contents' forms (their page numbers are known by now)."""

    def __init__(self, numbers: ContentsNumbers) -> None:
        super().__init__()
        self.numbers = numbers

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0.0, 0.0

    def draw(self) -> None:
        self.numbers.define(self.canv)


def contents_story(styles: Styles, entries: list[Entry], numbers: ContentsNumbers) -> list[Flowable]:
    """The contents page(s): a line for each planned heading, page numbers filled in at the end."""
    level_styles = (styles.toc0, styles.toc1)
    return [Paragraph("目　　录", styles.title), *(ContentsLine(e, level_styles[e[0]], numbers) for e in entries)]


class ReportDoc(OfficialDoc):
    """Records each heading's printed page (for the contents' numbers) and the headings in layout order."""

    def __init__(self, *args: Any, numbers: ContentsNumbers, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.numbers = numbers
        self.seen: list[Entry] = []

    def afterFlowable(self, flowable: Flowable) -> None:
        super().afterFlowable(flowable)
        if isinstance(flowable, Heading):
            self.seen.append((flowable.toc_level, flowable.toc_text, flowable.toc_key))
            number = self.page_label()
            if number is not None:
                self.numbers.pages[flowable.toc_key] = number


def _is_figure(block_id: str) -> bool:
    return block_id.split(".", 1)[0] in ("table", "chart")


def body_paragraph(text: str, styles: Styles, *, flush: bool = False) -> Flowable:
    """A paragraph of the clerk's text; one opening with "1." is (or starts with) a third-level heading,
    仿宋加粗 (forms.report.typography.numbered_heading)."""
    text = chinese_punctuation(text)
    bold = 0 if flush else numbered_heading(text)
    if bold and bold == len(text):
        return TextBlock(text, styles.h3, bold=True)
    return TextBlock(text, styles.body_flush if flush else styles.body, bold=bold)


def _line_flowables(line: str, resolve: Resolver, styles: Styles, width: float) -> list[Flowable]:
    out: list[Flowable] = []
    buf: list[str] = []
    after_figure = False  # text continuing after a figure is not indented again
    for piece in [*split_markers(line.strip()), None]:
        if isinstance(piece, str):
            buf.append(piece)
            continue
        block = resolve(piece.id) if piece is not None else None
        if isinstance(block, ValueBlock):
            buf.append(block.text)
            continue
        if isinstance(block, MissingBlock):
            buf.append(f"〔{block.reason}〕")
            continue
        joined = "".join(buf).strip()
        if joined:
            out.append(body_paragraph(joined, styles, flush=after_figure))
        buf.clear()
        if block is not None:
            out += block_flowables(block, styles, width)
            after_figure = True
    return out


def text_flowables(text: str, resolve: Resolver, styles: Styles, width: float) -> list[Flowable]:
    """The clerk's text: one paragraph per line; value markers inline, table/chart markers as figures."""
    out: list[Flowable] = []
    for line in text.splitlines():
        if line.strip():
            out += _line_flowables(line, resolve, styles, width)
    return out


def referenced_ids(park: ParkData) -> set[str]:
    return {p.id for text in park.report.sections.values() for p in split_markers(text) if isinstance(p, BlockRef)}


def keep_with_next(lead: list[Flowable], rest: list[Flowable]) -> list[Flowable]:
    """Headings (``lead``) kept on one page with the first piece of what follows them."""
    if not rest:
        return [KeepTogether(lead)]
    first = rest[0]
    inner = list(first.parts) if isinstance(first, Together) else [first]
    return [KeepTogether([*lead, *inner]), *rest[1:]]


def section_story(
    section: OutlineSection, index: int, park: ParkData, resolve: Resolver, referenced: set[str], styles: Styles,
    *, draft: bool, lead: tuple[Flowable, ...] = (),
) -> list[Flowable]:  # fmt: skip
    """A section: its heading (after ``lead``, the chapter heading), the clerk's text, the unreferenced blocks."""
    width = text_width(PORTRAIT)
    heading = Heading(f"{subsection_label(index)}{section.title}", styles.h2, 1, section.key)
    text = park.report.sections.get(section.key, "")
    body = text_flowables(text, resolve, styles, width)
    if not body and draft:
        body = [para(UNWRITTEN, styles.body)]
    # a section marked "本节不适用：<理由>" prints that sentence under its heading, and no figures
    blocks = () if not_applicable_reason(text) is not None else section.blocks
    for block_id in blocks:
        in_appendix = block_id in APPENDIX_BLOCKS and section.kind != "projects"
        if _is_figure(block_id) and block_id not in referenced and not in_appendix:
            body += block_flowables(resolve(block_id), styles, width)
    return keep_with_next([*lead, heading], body)


def body_story(park: ParkData, outline: Outline, resolve: Resolver, styles: Styles, *, draft: bool) -> list[Flowable]:
    story: list[Flowable] = [para(outline.title_for(park.name), styles.title)]
    referenced = referenced_ids(park)
    for chapter in outline.chapters:
        chapter_heading = Heading(chapter.heading, styles.h1, 0, chapter.key)
        if not chapter.sections:
            story.append(chapter_heading)
        for i, section in enumerate(chapter.sections):
            lead = (chapter_heading,) if i == 0 else ()
            story += section_story(section, i, park, resolve, referenced, styles, draft=draft, lead=lead)
    return story


def _appendix_years(park: ParkData, result: ParkResult, resolve: Resolver, styles: Styles) -> list[Flowable]:
    if not result.years:
        return [Paragraph("尚未填报任何年度数据。", styles.body_flush)]
    return year_story(park, result, styles)


def _appendix_block(block_id: str) -> Callable[[ParkData, ParkResult, Resolver, Styles], list[Flowable]]:
    def build(park: ParkData, result: ParkResult, resolve: Resolver, styles: Styles) -> list[Flowable]:
        block = resolve(block_id)
        if isinstance(block, (TableBlock, ChartBlock)):  # the heading already names it
            block = replace(block, title="")
        return block_flowables(block, styles, text_width(LANDSCAPE))

    return build


# 附表1, 附表2, 附表3 of the outline, in order; blocks shown as an appendix are not repeated in the body
# unless the clerk inserts them (the projects table stays in ch6.9, whose content it is)
APPENDIX_BLOCKS = ("table.projects", "table.factors")
APPENDIX_BUILDERS = (_appendix_years, *(_appendix_block(b) for b in APPENDIX_BLOCKS))


def appendix_story(
    park: ParkData, outline: Outline, result: ParkResult, resolve: Resolver, styles: Styles
) -> list[Flowable]:
    story: list[Flowable] = []
    for n, (title, build) in enumerate(zip(outline.appendices, APPENDIX_BUILDERS, strict=False), start=1):
        story += [NextPageTemplate(WIDE), PageBreak(), Heading(title, styles.h1_center, 0, f"appendix{n}")]
        story += build(park, result, resolve, styles)
    return story


def build_report_pdf(
    park: ParkData,
    fp: str,
    *,
    draft: bool,
    result: ParkResult | None = None,
    today: _dt.date | None = None,
) -> bytes:
    result = result or compute_park(park)
    outline = effective_outline(park)  # the outline version with the park's renamed/added/reordered sections
    styles = make_styles()
    resolve = resolver(park, result)
    day = today or _dt.date.today()
    title = outline.title_for(park.name)
    body = str(park.park.get(result.form.management_body_key) or "")

    footer = Footer(fp, park.name, "碳达峰碳中和实施路径专项报告", draft)

    def build(entries: list[Entry]) -> tuple[bytes, list[Entry]]:
        numbers = ContentsNumbers()
        story: list[Flowable] = cover_story(park, outline, fp, day, styles)
        story += [NextPageTemplate(FRONT), PageBreak(), *contents_story(styles, entries, numbers)]
        # double-sided printing: page 1 is a right-hand page, so cover and contents fill an even number of sides
        story += [DocIf("doc.page % 2 == 1", [PageBreak()]), NextPageTemplate(BODY), PageBreak()]
        story += body_story(park, outline, resolve, styles, draft=draft)
        story += appendix_story(park, outline, result, resolve, styles)
        story.append(ContentsFill(numbers))  # after the last heading: the contents' page numbers
        buf = io.BytesIO()
        doc = ReportDoc(buf, footer, title=title, author=body, numbers=numbers)
        doc.build(story)
        return buf.getvalue(), doc.seen

    # laid out once: the contents lines are the headings known from the outline (their text does not depend
    # on the pages), their dots and page numbers are forms defined at the end
    planned = planned_entries(outline)
    pdf, seen = build(planned)
    if seen != planned:  # a heading the plan did not foresee: lay out again with the headings as they came
        pdf, seen = build(seen)
    return pdf
