"""Page layout and typography after GB/T 9704 (党政机关公文格式), shared by every PDF the program writes.

- A4 portrait, 版心 156 × 225 mm: top margin 37 mm, left (binding side) 28 mm, so right 26 mm and bottom
  35 mm; body 仿宋 3号 (16 pt), 22 lines × 28 characters to the page (leading ≈ 29 pt, pitch 156/28 mm), first
  line indented two characters; lines broken with 避头尾 (TextBlock), full-width punctuation in Chinese text.
- Headings: 一、 黑体 3号, （一） 楷体 3号, 1. 仿宋 3号 加粗 (a stroked fake bold, as Word does for 仿宋);
  the title 宋体 (bundled: 黑体) 2号 (22 pt).
- Page number "— N —" in 4号 (14 pt) 7 mm below the text block on the outer side (odd pages right, even pages
  left, one character in) for double-sided printing; a short fingerprint line below it on every page (the same value as the package manifest), so a stamped paper copy can be matched to the files.
- Landscape A4 pages for wide tables; a diagonal 草稿 watermark on every page of a non-final park.
"""

from __future__ import annotations

import copy
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
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from export.pdf.fonts import BUNDLED_NAME, FontSet, register_fonts
from forms.park.text_rules import printable
from forms.report.typography import CANNOT_END, CANNOT_START, UNBREAKABLE_RUNS, chinese_punctuation, is_chinese

PORTRAIT = A4
LANDSCAPE = landscape(A4)
TOP, BOTTOM, LEFT, RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm  # 版心 156 × 225 mm
L_TOP, L_BOTTOM, L_SIDE = 18 * mm, 24 * mm, 20 * mm  # landscape tables: 257 × 168 mm
BODY_SIZE = 16.0  # 3号
BODY_LEADING = 225 * mm / 22  # 22 lines per page
CHARS_PER_LINE = 28
# 28 characters of 3号 are 158 mm, the 版心 156 mm: as Word's document grid does, 3号 text is set on a pitch of
# 156 mm / 28 (each character's advance 0.2 pt short of 16 pt), so a full line holds exactly 28 characters
BODY_PITCH = 156 * mm / CHARS_PER_LINE
BODY_TRACK = BODY_PITCH - BODY_SIZE
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


def grid_tracking(style: ParagraphStyle) -> float:
    """Extra advance per character: 3号 text (body and headings) sits on the 28-character grid."""
    return BODY_TRACK if style.fontSize == BODY_SIZE else 0.0


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
    h3: ParagraphStyle  # 1. headings: 仿宋加粗 (TextBlock(bold=True), see para(..., bold=True))
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
        firstLineIndent=2 * BODY_PITCH,
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
        h3=ParagraphStyle("h3", parent=body, alignment=TA_LEFT, keepWithNext=1),  # drawn in fake bold
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
    """Plain text to reportlab Paragraph markup (clerk text is never interpreted as markup; characters no
    output can carry are shown as �, see forms.park.text_rules.printable)."""
    return printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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


# -- paragraphs ------------------------------------------------------------------------------------
FAKE_BOLD = 0.035  # stroke width of the fake bold, in ems (Word draws 仿宋加粗 the same way: no bold file exists)
MAX_SPREAD = 0.5  # a justified line never spreads its characters further apart than half an em


@dataclass(frozen=True)
class Line:
    runs: tuple[tuple[str, bool, str], ...]  # (font name, bold, text)
    width: float  # natural width (the characters' advances)
    chars: int
    last: bool  # the last line of the paragraph or before a forced break: never justified
    first: bool  # the paragraph's first line (first-line indent)

    @property
    def text(self) -> str:
        return "".join(t for _, _, t in self.runs)


def _char_font(ch: str, font: str) -> str:
    cov = _coverage(font)
    return font if cov is None or ch.isspace() or ord(ch) in cov else BUNDLED_NAME


def _joins(prev: str, ch: str) -> bool:
    """True when ``ch`` continues the token ending in ``prev`` (a Latin word or number, a —— or …… run)."""
    if ch in UNBREAKABLE_RUNS:
        return prev == ch
    latin = not ch.isspace() and not is_chinese(ch)
    return latin and not (prev.isspace() or is_chinese(prev) or prev in UNBREAKABLE_RUNS)


def _groups(text: str) -> list[tuple[int, str]]:
    """(offset, text) of the pieces a line may break between: a Chinese character each, a Latin word or
    number, a space, a —— or …… run; glued by 避头尾: a closing mark joins the piece before it, an opening
    mark the piece after it, a single — (连接号) the piece before it."""
    tokens: list[tuple[int, str]] = []
    for i, ch in enumerate(text):
        if tokens and _joins(tokens[-1][1][-1], ch):
            tokens[-1] = (tokens[-1][0], tokens[-1][1] + ch)
        else:
            tokens.append((i, ch))
    groups: list[tuple[int, str]] = []
    glue_next = False
    for start, tok in tokens:
        closing = tok in CANNOT_START or tok in UNBREAKABLE_RUNS
        if groups and (glue_next or closing) and not tok.isspace() and not groups[-1][1].isspace():
            groups[-1] = (groups[-1][0], groups[-1][1] + tok)
        else:
            groups.append((start, tok))
        glue_next = tok[-1] in CANNOT_END
    return groups


def break_lines(
    text: str, font: str, size: float, widths: Callable[[int], float], tracking: float = 0.0, bold_upto: int = 0
) -> list[Line]:
    """Lines of ``text`` (``\\n`` forces a break) no wider than ``widths(n)`` for the n-th line, greedy, with
    避头尾: no line starts with a closing mark (，。、；：？！）》”…) or ends with an opening one (（《“…), and
    Latin words, numbers, —— and …… are never split unless one alone is wider than the line.  Each
    character advances by its width plus ``tracking``; the first ``bold_upto`` characters are bold."""
    cache: dict[str, float] = {}

    def width(s: str) -> float:
        w = cache.get(s)
        if w is None:
            w = cache[s] = sum(stringWidth(ch, _char_font(ch, font), size) + tracking for ch in s)
        return w

    lines: list[Line] = []

    def emit(parts: list[tuple[int, str]], last: bool) -> None:
        while parts and parts[-1][1].isspace():
            parts.pop()
        chars = [(start + k, ch) for start, piece in parts for k, ch in enumerate(piece)]
        runs = tuple(
            (f, b, "".join(ch for _, ch in run))
            for (f, b), run in groupby(chars, key=lambda c: (_char_font(c[1], font), c[0] < bold_upto))
        )
        s = "".join(ch for _, ch in chars)
        lines.append(Line(runs, width(s), len(s), last, not lines))

    offset = 0
    for segment in text.split("\n"):
        parts: list[tuple[int, str]] = []
        used = 0.0
        pending = [(offset + start, piece) for start, piece in _groups(segment)]
        offset += len(segment) + 1
        while pending:
            start, group = pending.pop(0)
            if not parts and group.isspace():
                continue
            w = width(group)
            avail = widths(len(lines))
            if used + w <= avail + 0.01:
                parts.append((start, group))
                used += w
            elif parts:
                emit(parts, False)
                parts, used = [], 0.0
                pending.insert(0, (start, group))
            else:  # one piece wider than the line: cut it where it overflows
                cut = 1
                while cut < len(group) and width(group[: cut + 1]) <= avail + 0.01:
                    cut += 1
                while cut < len(group) and group[cut] in CANNOT_START:  # a closing mark hangs past the margin
                    cut += 1
                while cut > 1 and group[cut - 1] in CANNOT_END:  # an opening mark goes to the next line
                    cut -= 1
                if cut == len(group):  # only a hanging closing mark was over: the piece stays whole
                    parts.append((start, group))
                    used += w
                    continue
                emit([(start, group[:cut])], False)
                pending.insert(0, (start + cut, group[cut:]))
        emit(parts, True)
    return lines


class TextBlock(Flowable):
    """A paragraph of plain text set line by line with 避头尾 (reportlab's CJK wrapping lets "，" start a line
    and knows no opening marks), justified, in the style's font with the bundled fallback for characters the
    font lacks; its first ``bold`` characters (all with ``bold=True``) in fake bold (glyphs filled and stroked).
    """

    def __init__(
        self, text: str, style: ParagraphStyle, *, bold: bool | int = False, lines: list[Line] | None = None
    ) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.bold_upto = len(text) if bold is True else int(bold)
        self._lines = lines
        self._fixed = lines is not None  # a part of a split paragraph keeps its lines
        self._for_width = -1.0
        self.tracking = grid_tracking(style)

    def __repr__(self) -> str:
        return f"TextBlock({self.text[:30]!r}, {self.style.name})"

    @property
    def lines(self) -> list[Line]:
        """The lines of the last layout (tests, debugging)."""
        return list(self._lines or [])

    def _avail(self, width: float) -> Callable[[int], float]:
        s = self.style
        inner = width - s.leftIndent - s.rightIndent
        return lambda n: inner - (s.firstLineIndent if n == 0 else 0)

    def _layout(self, width: float) -> list[Line]:
        if self._lines is None or (not self._fixed and self._for_width != width):
            s = self.style
            avail = self._avail(width)
            self._lines = break_lines(self.text, s.fontName, s.fontSize, avail, self.tracking, self.bold_upto)
            self._for_width = width
        return self._lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = len(self._layout(avail_width)) * self.style.leading
        return avail_width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        lines = self._layout(avail_width)
        fit = int((avail_height + 0.01) // self.style.leading)
        if fit >= len(lines):
            return [self]
        if fit < 1 or (fit == 1 and not self.style.allowOrphans):
            return []
        head = copy.copy(self)  # a split heading keeps its contents entry on its first part
        head._lines, head._fixed = lines[:fit], True
        return [head, TextBlock(self.text, self.style, bold=self.bold_upto, lines=lines[fit:])]

    def draw(self) -> None:
        c, s = self.canv, self.style
        size = s.fontSize
        c.saveState()
        c.setFillColor(s.textColor)
        c.setStrokeColor(s.textColor)
        c.setLineWidth(size * FAKE_BOLD)
        for n, line in enumerate(self._lines or []):
            indent = s.firstLineIndent if line.first else 0.0
            avail = self.width - s.leftIndent - s.rightIndent - indent
            x = s.leftIndent + indent
            spread = 0.0
            if s.alignment == TA_CENTER:
                x += (avail - line.width) / 2
            elif s.alignment == TA_RIGHT:
                x += avail - line.width
            elif s.alignment == TA_JUSTIFY and not line.last and line.chars > 1:
                spread = min(max(avail - line.width, 0.0) / (line.chars - 1), MAX_SPREAD * size)
            baseline = self.height - (n + 0.5) * s.leading - 0.36 * size  # glyphs centred on the line
            text = c.beginText(x, baseline)
            text.setCharSpace(self.tracking + spread)
            for font, bold, run in line.runs:
                text.setTextRenderMode(2 if bold else 0)
                text.setFont(font, size)
                text.textOut(run)
            c.drawText(text)
        c.restoreState()


def para(text: str, style: ParagraphStyle, *, bold: bool | int = False) -> TextBlock:
    """A paragraph of plain text (never markup) in ``style``: full-width punctuation in Chinese text
    (forms.report.typography), 避头尾 line breaking, the glyph fallback of :func:`markup`."""
    return TextBlock(chinese_punctuation(text), style, bold=bold)


class Heading(TextBlock):
    """A paragraph that also makes a contents entry and a PDF bookmark."""

    def __init__(self, text: str, style: ParagraphStyle, level: int, key: str, *, bold: bool | int = False) -> None:
        text = chinese_punctuation(text)
        super().__init__(text, style, bold=bold)
        self.toc_text = text
        self.toc_level = level
        self.toc_key = key


def page_number_position(number: int, pagesize: tuple[float, float]) -> tuple[str, float, float]:
    """("right" | "left", x, baseline) of "— N —": on the outer side for double-sided printing — an odd page
    right-aligned one character in from the text block's right edge, an even page one character in from its
    left edge (GB/T 9704 7.5) — its top 7 mm below the text block."""
    width, height = pagesize
    portrait = height > width
    bottom = BOTTOM if portrait else L_BOTTOM
    left = LEFT if portrait else L_SIDE
    right = width - (RIGHT if portrait else L_SIDE)
    y = bottom - 7 * mm - PAGE_NUMBER_SIZE * 0.8
    if number % 2:
        return "right", right - PAGE_NUMBER_SIZE, y
    return "left", left + PAGE_NUMBER_SIZE, y


def draw_page_number(canvas: Canvas, number: int, font: str, pagesize: tuple[float, float]) -> None:
    side, x, y = page_number_position(number, pagesize)
    canvas.setFont(font, PAGE_NUMBER_SIZE)
    text = f"— {number} —"
    if side == "right":
        canvas.drawRightString(x, y, text)
    else:
        canvas.drawString(x, y, text)


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
        if number is not None:
            draw_page_number(canvas, number, self.fonts.song, (width, height))
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
