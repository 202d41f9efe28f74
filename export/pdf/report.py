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
from collections.abc import Callable
from dataclasses import replace

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.platypus import DocIf, Flowable, KeepTogether, NextPageTemplate, PageBreak, Paragraph, Spacer, TableStyle
from reportlab.platypus.tableofcontents import TableOfContents

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


def contents_story(styles: Styles) -> tuple[list[Flowable], TableOfContents]:
    table_style = TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("FONTNAME", (0, 0), (-1, -1), styles.fonts.body),
        ]
    )
    toc = TableOfContents(levelStyles=[styles.toc0, styles.toc1], dotsMinLevel=0, tableStyle=table_style)
    return [Paragraph("目　　录", styles.title), toc], toc


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

    story: list[Flowable] = cover_story(park, outline, fp, day, styles)
    contents, _toc = contents_story(styles)
    story += [NextPageTemplate(FRONT), PageBreak(), *contents]
    # double-sided printing: page 1 is a right-hand page, so cover and contents fill an even number of sides
    story += [DocIf("doc.page % 2 == 1", [PageBreak()]), NextPageTemplate(BODY), PageBreak()]
    story += body_story(park, outline, resolve, styles, draft=draft)
    story += appendix_story(park, outline, result, resolve, styles)
    buf = io.BytesIO()
    footer = Footer(fp, park.name, "碳达峰碳中和实施路径专项报告", draft)
    doc = OfficialDoc(buf, footer, title=title, author=body)
    # ReportLab's contents: passes until the page numbers are stable (a second layout of the whole report).
    # Laying it out once needs the position where each contents line's text ends, which ReportLab exposes
    # only through a private canvas attribute; two passes cost about 1-2 s and rely on nothing private.
    doc.multiBuild(story, maxPasses=6)
    return buf.getvalue()
