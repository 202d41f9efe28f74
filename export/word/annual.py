"""The annual report's carbon chapter as .docx (python-docx), for the park's own Word/WPS report.

Word heading styles 1–3: 一、 黑体, （一） 楷体_GB2312, 1. 仿宋_GB2312 加粗 (a clerk's paragraph opening with "1."),
tables as real Word tables with the header row repeated on every page, charts as PNG images, the body 3号
仿宋_GB2312 on a 22 × 28 document grid, the font table naming 仿宋 / 楷体 / SimHei as the fonts to use where the
GB2312 faces are not installed, page numbers "— N —" on the outer side (odd pages right, even pages left),
full-width punctuation in Chinese text (forms.report.typography).
The figures are the blocks' strings, the same as in the PDF (export.pdf.annual).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from export.word.charts import chart_png
from forms.park.model import ParkData
from forms.report.annual import OUTLINE, AnnualResolver, annual_title, chapter_texts
from forms.report.markers import BlockRef, ChartBlock, MissingBlock, TableBlock, ValueBlock, split_markers
from forms.report.outline import subsection_label
from forms.report.typography import chinese_punctuation, numbered_heading
from forms.table.calc import ParkResult, compute_park

BODY_FONT = "仿宋_GB2312"
# heading level -> (east-asian font, bold): 一、 黑体, （一） 楷体, 1. 仿宋加粗 (GB/T 9704)
HEADING_FONTS = {1: ("黑体", False), 2: ("楷体_GB2312", False), 3: (BODY_FONT, True)}
PAGE_NUMBER_FONT = "宋体"
TITLE_FONT = "方正小标宋简体"  # 2号小标宋体; 宋体 where it is not installed
# fonts a Windows PC without the GB2312 faces has (Word and WPS take w:altName from the font table)
ALT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "SimHei", "宋体": "SimSun", TITLE_FONT: "宋体"}
LATIN_FONT = "Times New Roman"
LINE_PITCH = 579  # twips: 22 lines in the 225 mm text block
CHAR_SPACE = -849  # 1/4096 pt per character from 16 pt: 28 characters in the 156 mm text block
UNWRITTEN = "〔本节尚未撰写〕"


def _set_fonts(rpr: object, east_asia: str, latin: str = LATIN_FONT) -> None:
    """The run properties' fonts: ``east_asia`` for Chinese, ``latin`` for digits and Latin letters; theme
    fonts (which would win over both) removed."""
    fonts = rpr.get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _east_asian(style_or_run: object, name: str, latin: str = LATIN_FONT) -> None:
    _set_fonts(style_or_run.element.get_or_add_rPr(), name, latin)  # type: ignore[attr-defined]


def _styles(doc: object) -> None:
    styles = doc.styles  # type: ignore[attr-defined]
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:  # the template's defaults name theme fonts (Calibri, ＭＳ 明朝) and 11 pt
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            fonts = rpr.find(qn("w:rFonts"))
            if fonts is not None:
                rpr.remove(fonts)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:eastAsia"), "zh-CN")  # Chinese line breaking (避头尾) and punctuation
    normal = styles["Normal"]
    normal.font.size = Pt(16)  # 3号
    _east_asian(normal, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.first_line_indent = Pt(32)
    fmt.line_spacing = Pt(LINE_PITCH / 20)
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level, (font, bold) in HEADING_FONTS.items():
        style = styles[f"Heading {level}"]
        style.font.size = Pt(16)
        style.font.bold = bold
        style.font.color.rgb = None
        _east_asian(style, font)
        hfmt = style.paragraph_format
        hfmt.space_before = hfmt.space_after = Pt(0)
        hfmt.line_spacing = Pt(LINE_PITCH / 20)
        hfmt.first_line_indent = Pt(32)
        hfmt.alignment = WD_ALIGN_PARAGRAPH.LEFT


_AFTER_SNAP = ("spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
               "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")  # fmt: skip


def _properties(element: Any, tag: str, before: tuple[str, ...] = ()) -> Any:
    """The properties child ``w:<tag>`` of ``element`` (added first, after any of ``before``, if missing)."""
    found = element.find(qn(f"w:{tag}"))
    if found is None:
        found = OxmlElement(f"w:{tag}")
        at = sum(1 for child in element if child.tag in {qn(f"w:{b}") for b in before})
        element.insert(at, found)
    return found


def _off_grid(paragraph: Any) -> None:
    """Not on the 22 × 28 grid (tables, captions, notes, the title: other sizes than 3号 would be spread out).
    python-docx has no snap-to-grid setting: the w:pPr of the paragraph's element (ParagraphFormat.element,
    public) gets one."""
    ppr = _properties(paragraph.paragraph_format.element, "pPr")
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    for child in ppr:
        if child.tag in {qn(f"w:{tag}") for tag in _AFTER_SNAP}:
            child.addprevious(snap)
            return
    ppr.append(snap)


def _doc_grid(doc: Any) -> None:
    """22 lines × 28 characters (Word's 文档网格, as the 公文 templates set it) in every section.  python-docx
    has no document grid setting and no public element of a section: the w:sectPr elements are found in the
    document's element (Document.element, public)."""
    for sect_pr in doc.element.iter(qn("w:sectPr")):
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(LINE_PITCH))
        grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def _page_number(paragraph: object, odd: bool) -> None:
    """ "— N —" in 4号 宋体 on the outer side: odd pages right, even pages left, one character in."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format  # type: ignore[attr-defined]
    fmt.first_line_indent = Pt(0)
    if odd:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    runs = [paragraph.add_run("— "), paragraph.add_run(), paragraph.add_run(" —")]  # type: ignore[attr-defined]
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), tag)
            runs[1].element.append(fld)  # a field: python-docx has none; Run.element is public
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            runs[1].element.append(instr)
    _off_grid(paragraph)
    for run in runs:
        run.font.size = Pt(14)
        _east_asian(run, PAGE_NUMBER_FONT, PAGE_NUMBER_FONT)


def _page_number_footer(doc: object) -> None:
    doc.settings.odd_and_even_pages_header_footer = True  # type: ignore[attr-defined]
    section = doc.sections[0]  # type: ignore[attr-defined]
    section.footer_distance = Cm(2.3)  # the number's top about 7 mm below the text block
    _page_number(section.footer.paragraphs[0], odd=True)
    _page_number(section.even_page_footer.paragraphs[0], odd=False)


def _alt_names(docx: bytes) -> bytes:
    """The font table with ALT_NAMES: Word and WPS use 仿宋 when 仿宋_GB2312 is not installed (Windows has 仿宋
    since Vista; 仿宋_GB2312 only where an office installed it)."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/fontTable.xml":
                fonts = "".join(
                    f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                    f'<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
                    for name, alt in ALT_NAMES.items()
                )
                data = data.replace(b"</w:fonts>", fonts.encode("utf-8") + b"</w:fonts>")
            dst.writestr(info, data)
    return out.getvalue()


def _repeat_header(row: Any) -> None:
    """The row repeats at the top of every page the table runs over.  python-docx has no such setting and no
    public element of a row: its w:tr is the parent of its first cell (w:tc), the parent of that cell's first
    paragraph (ParagraphFormat.element, public)."""
    tr = row.cells[0].paragraphs[0].paragraph_format.element.getparent().getparent()
    trpr = _properties(tr, "trPr", before=("tblPrEx",))
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


TABLE_PT = 10.5  # table text size
TEXT_WIDTH_CM = 15.6  # the 版心 (GB/T 9704: 156 mm)
CELL_PAD_CM = 0.4  # Word's default left + right cell margins and a little air


def _ems(text: str) -> float:
    """Width of ``text`` in ems: a Chinese character or full-width mark one em, anything else about half."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.62 for ch in text)


def column_widths(block: TableBlock) -> list[Cm]:
    """Column widths filling the text width: a number column as wide as its longest figure (figures never
    wrap), a text column as wide as its longest cell up to 8 ems, a header over at most two lines; when the
    columns do not fit, the text columns give way down to 3 ems (they wrap)."""
    em_cm = TABLE_PT / 72 * 2.54
    n = len(block.columns)
    numeric = [c < len(block.numeric) and block.numeric[c] for c in range(n)]
    need: list[float] = []
    for c in range(n):
        body = max((_ems(chinese_punctuation(r[c])) for r in block.rows if c < len(r)), default=0.0)
        head = _ems(chinese_punctuation(block.columns[c])) / 2
        need.append(max(body if numeric[c] else min(body, 8.0), head, 2.0) * em_cm + CELL_PAD_CM)
    total = sum(need)
    if total > TEXT_WIDTH_CM:
        fixed = sum(w for w, num in zip(need, numeric, strict=True) if num)
        soft = [w if not num else 0.0 for w, num in zip(need, numeric, strict=True)]
        room = max(TEXT_WIDTH_CM - fixed, 0.0)
        floor = 3.0 * em_cm + CELL_PAD_CM
        scale = room / sum(soft) if sum(soft) else 1.0
        need = [w if num else max(floor, w * scale) for w, num in zip(need, numeric, strict=True)]
        total = sum(need)
    spare = max(TEXT_WIDTH_CM - total, 0.0)
    return [Cm(w + spare * w / total) for w in need]


def _table(doc: object, block: TableBlock) -> None:
    caption = doc.add_paragraph(chinese_punctuation(block.title))  # type: ignore[attr-defined]
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.runs[0].bold = True
    caption.paragraph_format.keep_with_next = True  # never alone at a page bottom, its table on the next page
    _off_grid(caption)
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for c, text in enumerate(block.columns):
        cell = table.rows[0].cells[c]
        cell.text = chinese_punctuation(text)
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(table.rows[0])
    table.autofit = False
    for c, width in enumerate(column_widths(block)):
        table.columns[c].width = width  # the table grid (LibreOffice, WPS) and each cell (Word)
        for row in table.rows:
            row.cells[c].width = width
    for r, cells in enumerate(block.rows, start=1):
        for c, text in enumerate(cells):
            cell = table.rows[r].cells[c]
            cell.text = chinese_punctuation(text)
            if c < len(block.numeric) and block.numeric[c]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                _off_grid(p)
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                for run in p.runs:
                    run.font.size = Pt(10.5)
    if block.note:
        _note(doc, block.note)


def _note(doc: object, text: str) -> None:
    """A block's note under it, "注：" first as in the PDF."""
    note = doc.add_paragraph(chinese_punctuation("注：" + text))  # type: ignore[attr-defined]
    note.paragraph_format.first_line_indent = Pt(0)
    note.runs[0].font.size = Pt(10.5)
    _off_grid(note)


def _block(doc: object, block: object) -> None:
    if isinstance(block, TableBlock):
        _table(doc, block)
    elif isinstance(block, ChartBlock):
        caption = doc.add_paragraph(chinese_punctuation(block.title))  # type: ignore[attr-defined]
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.first_line_indent = Pt(0)
        caption.paragraph_format.keep_with_next = True
        _off_grid(caption)
        doc.add_picture(io.BytesIO(chart_png(block)), width=Cm(15.6))  # type: ignore[attr-defined]
        if block.note:
            _note(doc, block.note)
    elif isinstance(block, MissingBlock):
        doc.add_paragraph(chinese_punctuation(f"〔{block.reason}〕"))  # type: ignore[attr-defined]


def _paragraph(doc: object, text: str) -> None:
    """A paragraph of text; one opening with "1." is (or starts with) a Heading 3, 仿宋加粗."""
    text = chinese_punctuation(text)
    bold = numbered_heading(text)
    if bold and bold == len(text):
        doc.add_paragraph(text, style="Heading 3")  # type: ignore[attr-defined]
        return
    paragraph = doc.add_paragraph()  # type: ignore[attr-defined]
    if bold:
        paragraph.add_run(text[:bold]).bold = True
    paragraph.add_run(text[bold:])


def _text(doc: object, text: str, resolver: AnnualResolver) -> bool:
    """The clerk's text: a paragraph per line, value markers inline, tables and charts as figures."""
    wrote = False
    for line in text.splitlines():
        if not line.strip():
            continue
        buf: list[str] = []
        for piece in [*split_markers(line.strip()), None]:
            if isinstance(piece, str):
                buf.append(piece)
                continue
            block = resolver.resolve(piece.id) if piece is not None else None
            if isinstance(block, ValueBlock):
                buf.append(block.text)
                continue
            if isinstance(block, MissingBlock) and piece is not None and piece.id.startswith("value."):
                buf.append(f"〔{block.reason}〕")
                continue
            if "".join(buf).strip():
                _paragraph(doc, "".join(buf).strip())
                wrote = True
            buf.clear()
            if block is not None:
                _block(doc, block)
                wrote = True
    return wrote


def build_annual_docx(park: ParkData, year: int, *, draft: bool, result: ParkResult | None = None) -> bytes:
    result = result or compute_park(park)
    resolver = AnnualResolver(park, result, year)
    texts = chapter_texts(park, year)
    doc = Document()
    _styles(doc)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _page_number_footer(doc)
    _doc_grid(doc)
    title = doc.add_paragraph(chinese_punctuation(annual_title(park.name, year) + ("（草稿）" if draft else "")))
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing = Pt(LINE_PITCH / 20 * 1.5)
    title.runs[0].font.size = Pt(22)  # 2号
    _east_asian(title.runs[0], TITLE_FONT)
    _off_grid(title)
    for chapter in OUTLINE.chapters:
        doc.add_heading(chinese_punctuation(chapter.title), level=1)
        for i, sec in enumerate(chapter.sections):
            doc.add_heading(chinese_punctuation(f"{subsection_label(i)}{sec.title}"), level=2)
            text = texts.get(sec.key, "")
            wrote = _text(doc, text, resolver)
            if not wrote and draft:
                doc.add_paragraph(UNWRITTEN)
            used = {p.id.split("@")[0] for p in split_markers(text) if isinstance(p, BlockRef)}
            for block_id in sec.blocks:
                if block_id not in used:
                    _block(doc, resolver.resolve(block_id))
    doc.core_properties.title = annual_title(park.name, year)
    doc.core_properties.author = "园区双碳填报 parkcarbon"
    buf = io.BytesIO()
    doc.save(buf)
    return _alt_names(buf.getvalue())
