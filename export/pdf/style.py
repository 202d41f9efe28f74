"""Page layout and typography after GB/T 9704 (党政机关公文格式), shared by every PDF the program writes.

- A4 portrait, 版心 156 × 225 mm: top margin 37 mm, left (binding side) 28 mm, so right 26 mm and bottom
  35 mm; body 仿宋 3号 (16 pt) with 22 lines to the page (leading ≈ 29 pt), first line indented two characters.
- Headings: level 1 黑体 3号, level 2 楷体 3号; the title 宋体/黑体 2号 (22 pt).
- Page number "— N —" in 4号 (14 pt), centred 7 mm below the text block; a short fingerprint line below it on
  every page (the same value as the package manifest), so a stamped paper copy can be matched to the files.
- Landscape A4 pages for wide tables; a diagonal 草稿 watermark on every page of a non-final park.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph

from export.pdf.fonts import BUNDLED_NAME, FontSet, register_fonts

PORTRAIT = A4
LANDSCAPE = landscape(A4)
TOP, BOTTOM, LEFT, RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm  # 版心 156 × 225 mm
L_TOP, L_BOTTOM, L_SIDE = 18 * mm, 24 * mm, 20 * mm  # landscape tables: 257 × 168 mm
BODY_SIZE = 16.0  # 3号
BODY_LEADING = 225 * mm / 22  # 22 lines per page
TITLE_SIZE = 22.0  # 2号
PAGE_NUMBER_SIZE = 14.0  # 4号
TABLE_SIZE = 10.5  # 5号
FOOTER_SIZE = 7.5
GRID = HexColor("#444444")
HEADER_FILL = HexColor("#E8E8E8")
SECTION_FILL = HexColor("#F3F3F3")
WATERMARK = Color(0.55, 0.55, 0.55, alpha=0.22)
PROGRAM = "园区双碳填报 parkcarbon"

# page template ids
COVER, FRONT, BODY, WIDE = "cover", "front", "body", "wide"


def text_width(pagesize: tuple[float, float] = PORTRAIT) -> float:
    return pagesize[0] - (LEFT + RIGHT if pagesize == PORTRAIT else 2 * L_SIDE)


def text_height(pagesize: tuple[float, float] = PORTRAIT) -> float:
    return pagesize[1] - (TOP + BOTTOM if pagesize == PORTRAIT else L_TOP + L_BOTTOM)


@dataclass(frozen=True)
class Styles:
    fonts: FontSet
    body: ParagraphStyle
    body_flush: ParagraphStyle  # no first-line indent (lists, notes)
    h1: ParagraphStyle
    h1_center: ParagraphStyle
    h2: ParagraphStyle
    title: ParagraphStyle
    cover_title: ParagraphStyle
    cover_line: ParagraphStyle
    caption: ParagraphStyle
    note: ParagraphStyle
    note_center: ParagraphStyle
    cell: ParagraphStyle
    cell_num: ParagraphStyle
    cell_head: ParagraphStyle
    toc0: ParagraphStyle
    toc1: ParagraphStyle


def make_styles(fonts: FontSet | None = None) -> Styles:
    f = fonts or register_fonts()
    body = ParagraphStyle(
        "body",
        fontName=f.body,
        fontSize=BODY_SIZE,
        leading=BODY_LEADING,
        alignment=TA_JUSTIFY,
        firstLineIndent=2 * BODY_SIZE,
        wordWrap="CJK",
    )
    return Styles(
        fonts=f,
        body=body,
        body_flush=ParagraphStyle("body_flush", parent=body, firstLineIndent=0),
        h1=ParagraphStyle(
            "h1", parent=body, fontName=f.heading, alignment=TA_LEFT, spaceBefore=0, spaceAfter=6, keepWithNext=1
        ),
        h1_center=ParagraphStyle(
            "h1_center",
            parent=body,
            fontName=f.heading,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=6,
            keepWithNext=1,
        ),
        h2=ParagraphStyle("h2", parent=body, fontName=f.kai, alignment=TA_LEFT, keepWithNext=1),
        title=ParagraphStyle(
            "title",
            parent=body,
            fontName=f.song,
            fontSize=TITLE_SIZE,
            leading=TITLE_SIZE * 1.5,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceAfter=BODY_LEADING / 2,
        ),
        cover_title=ParagraphStyle(
            "cover_title", parent=body, fontName=f.song, fontSize=26, leading=40, alignment=TA_CENTER, firstLineIndent=0
        ),
        cover_line=ParagraphStyle("cover_line", parent=body, fontName=f.body, alignment=TA_CENTER, firstLineIndent=0),
        caption=ParagraphStyle(
            "caption",
            parent=body,
            fontName=f.heading,
            fontSize=12,
            leading=18,
            alignment=TA_CENTER,
            firstLineIndent=0,
            spaceBefore=6,
            spaceAfter=4,
            keepWithNext=1,
        ),
        note=ParagraphStyle(
            "note", parent=body, fontSize=9, leading=13, firstLineIndent=0, spaceBefore=3, spaceAfter=6
        ),
        note_center=ParagraphStyle(
            "note_center", parent=body, fontSize=9, leading=13, firstLineIndent=0, alignment=TA_CENTER
        ),
        cell=ParagraphStyle("cell", fontName=f.body, fontSize=TABLE_SIZE, leading=TABLE_SIZE * 1.25, wordWrap="CJK"),
        cell_num=ParagraphStyle(
            "cell_num",
            fontName=f.body,
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.25,
            alignment=TA_RIGHT,
            wordWrap="CJK",
        ),
        cell_head=ParagraphStyle(
            "cell_head",
            fontName=f.heading,
            fontSize=TABLE_SIZE,
            leading=TABLE_SIZE * 1.25,
            alignment=TA_CENTER,
            wordWrap="CJK",
        ),
        toc0=ParagraphStyle(
            "toc0", parent=body, fontName=f.heading, firstLineIndent=0, leftIndent=0, leading=BODY_LEADING * 0.9
        ),
        toc1=ParagraphStyle(
            "toc1",
            parent=body,
            fontName=f.body,
            fontSize=14,
            leading=BODY_LEADING * 0.8,
            firstLineIndent=0,
            leftIndent=2 * BODY_SIZE,
        ),
    )


def escape(text: str) -> str:
    """Plain text to reportlab Paragraph markup (clerk text is never interpreted as markup)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@lru_cache(maxsize=16)
def _coverage(font_name: str) -> frozenset[int] | None:
    cmap = getattr(getattr(pdfmetrics.getFont(font_name), "face", None), "charToGlyph", None)
    return None if cmap is None else frozenset(cmap)


def covers(font_name: str, text: str) -> bool:
    """True when ``font_name`` has a glyph for every character of ``text``."""
    cov = _coverage(font_name)
    return cov is None or all(ord(ch) in cov or ch.isspace() for ch in text)


def markup(text: str, font_name: str) -> str:
    """``escape(text)``, with runs of characters the font lacks (the official fonts cover GB2312/GBK only:
    ², ³, rare names …) set in the bundled font, which covers them — never an empty box on paper."""
    if font_name == BUNDLED_NAME or covers(font_name, text):
        return escape(text)
    cov = _coverage(font_name) or frozenset()
    out: list[str] = []
    for missing, run in groupby(text, key=lambda ch: not ch.isspace() and ord(ch) not in cov):
        piece = escape("".join(run))
        out.append(f'<font name="{BUNDLED_NAME}">{piece}</font>' if missing else piece)
    return "".join(out)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (never markup) in ``style``, with the glyph fallback of :func:`markup`."""
    return Paragraph(markup(text, style.fontName).replace("\n", "<br/>"), style)


class Heading(Paragraph):
    """A paragraph that also makes a contents entry and a PDF bookmark."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str) -> None:
        super().__init__(markup(text, style.fontName), style)
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


@dataclass
class Footer:
    fingerprint: str
    left: str  # park name
    doc_title: str
    draft: bool


class OfficialDoc(BaseDocTemplate):
    """A4 document with the page templates cover / front (unnumbered), body and wide (numbered).

    Numbering starts at 1 on the first numbered page; contents entries carry the printed number.
    """

    def __init__(
        self, target: Any, footer: Footer, *, title: str, author: str = "", first: str = COVER, **kw: Any
    ) -> None:
        super().__init__(
            target,
            pagesize=PORTRAIT,
            leftMargin=LEFT,
            rightMargin=RIGHT,
            topMargin=TOP,
            bottomMargin=BOTTOM,
            title=title,
            author=author,
            creator=PROGRAM,
            subject=f"校验码 {footer.fingerprint}",
            keywords=[footer.fingerprint],
            initialFontName=register_fonts().body,
            **kw,
        )
        self.footer = footer
        self.fonts = register_fonts()
        self.number_base: int | None = None
        portrait = Frame(
            LEFT,
            BOTTOM,
            text_width(PORTRAIT),
            text_height(PORTRAIT),
            id="text",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        wide = Frame(
            L_SIDE,
            L_BOTTOM,
            text_width(LANDSCAPE),
            text_height(LANDSCAPE),
            id="wide",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate(COVER, [portrait], onPage=self._page(False), pagesize=PORTRAIT),
                PageTemplate(FRONT, [portrait], onPage=self._page(False), pagesize=PORTRAIT),
                PageTemplate(BODY, [portrait], onPage=self._page(True), pagesize=PORTRAIT),
                PageTemplate(WIDE, [wide], onPage=self._page(True), pagesize=LANDSCAPE),
            ]
        )
        # the first template is the one page 1 uses
        self.pageTemplates.sort(key=lambda t: t.id != first)

    # -- numbering --------------------------------------------------------------------------------
    def handle_documentBegin(self) -> None:
        self.number_base = None
        super().handle_documentBegin()

    def page_label(self) -> int | None:
        return None if self.number_base is None else self.page - self.number_base

    def _page(self, numbered: bool) -> Callable[[Canvas, BaseDocTemplate], None]:
        def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
            if numbered and self.number_base is None:
                self.number_base = self.page - 1
            self.decorate(canvas, self.page_label() if numbered else None)

        return draw

    def decorate(self, canvas: Canvas, number: int | None) -> None:
        width, height = self.pageTemplate.pagesize  # the page being decorated (portrait or landscape)
        canvas.saveState()
        if self.footer.draft:
            canvas.setFillColor(WATERMARK)
            canvas.setFont(self.fonts.heading, 120)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(45 if height > width else 30)
            canvas.drawCentredString(0, -40, "草稿")
            canvas.restoreState()
            canvas.saveState()
        bottom = BOTTOM if height > width else L_BOTTOM
        if number is not None:
            canvas.setFont(self.fonts.song, PAGE_NUMBER_SIZE)
            canvas.drawCentredString(width / 2, bottom - 7 * mm - PAGE_NUMBER_SIZE * 0.8, f"— {number} —")
        canvas.setFont(BUNDLED_NAME, FOOTER_SIZE)  # covers any character of a park name
        canvas.setFillColor(HexColor("#555555"))
        left = self.footer.left if len(self.footer.left) <= 40 else self.footer.left[:39] + "…"
        text = f"校验码 {self.footer.fingerprint}　{left}　{self.footer.doc_title}"
        if self.footer.draft:
            text += "　草稿"
        canvas.drawCentredString(width / 2, 10 * mm, text)
        canvas.restoreState()

    # -- contents and bookmarks -------------------------------------------------------------------
    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            key = flowable.toc_key
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_text, key, level=flowable.toc_level, closed=True)
            number = self.page_label()
            if number is not None:
                font = self.fonts.heading if flowable.toc_level == 0 else self.fonts.body
                self.notify("TOCEntry", (flowable.toc_level, markup(flowable.toc_text, font), number, key))
