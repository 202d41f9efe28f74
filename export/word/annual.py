"""The annual report's carbon chapter as .docx (python-docx), for the park's own Word/WPS report.

Word heading styles 1–2 for the chapter and its sections (level 3 is styled for the park's own sub-headings),
tables as real Word tables with the header row repeated on every page, charts as PNG images, the body in
仿宋_GB2312 (with 仿宋 and FangSong as fallbacks in WPS and LibreOffice), page numbers "— N —" in the footer.
The figures are the blocks' strings, the same as in the PDF (export.pdf.annual).
"""

from __future__ import annotations

import io

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
from forms.table.calc import ParkResult, compute_park

BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: ("黑体", False), 2: ("楷体_GB2312", False), 3: ("仿宋_GB2312", True)}
UNWRITTEN = "〔本节尚未撰写〕"


def _east_asian(style_or_run: object, name: str) -> None:
    element = style_or_run.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")


def _styles(doc: object) -> None:
    styles = doc.styles  # type: ignore[attr-defined]
    normal = styles["Normal"]
    normal.font.size = Pt(16)  # 3号
    _east_asian(normal, BODY_FONT)
    normal.paragraph_format.first_line_indent = Pt(32)
    normal.paragraph_format.line_spacing = Pt(28.9)
    for level, (font, bold) in HEADING_FONTS.items():
        style = styles[f"Heading {level}"]
        style.font.size = Pt(16)
        style.font.bold = bold
        style.font.color.rgb = None
        _east_asian(style, font)


def _page_number_footer(doc: object) -> None:
    section = doc.sections[0]  # type: ignore[attr-defined]
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.add_run("— ")
    run = para.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), tag)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    para.add_run(" —")


def _repeat_header(row: object) -> None:
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    trpr.append(header)


def _table(doc: object, block: TableBlock) -> None:
    caption = doc.add_paragraph(block.title)  # type: ignore[attr-defined]
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.first_line_indent = Pt(0)
    caption.runs[0].bold = True
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.columns))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for c, text in enumerate(block.columns):
        cell = table.rows[0].cells[c]
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(table.rows[0])
    for r, cells in enumerate(block.rows, start=1):
        for c, text in enumerate(cells):
            cell = table.rows[r].cells[c]
            cell.text = text
            if c < len(block.numeric) and block.numeric[c]:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                for run in p.runs:
                    run.font.size = Pt(10.5)
    if block.note:
        note = doc.add_paragraph(block.note)  # type: ignore[attr-defined]
        note.paragraph_format.first_line_indent = Pt(0)
        note.runs[0].font.size = Pt(10.5)


def _block(doc: object, block: object) -> None:
    if isinstance(block, TableBlock):
        _table(doc, block)
    elif isinstance(block, ChartBlock):
        caption = doc.add_paragraph(block.title)  # type: ignore[attr-defined]
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.first_line_indent = Pt(0)
        doc.add_picture(io.BytesIO(chart_png(block)), width=Cm(15.6))  # type: ignore[attr-defined]
        if block.note:
            note = doc.add_paragraph(block.note)  # type: ignore[attr-defined]
            note.paragraph_format.first_line_indent = Pt(0)
            note.runs[0].font.size = Pt(10.5)
    elif isinstance(block, MissingBlock):
        doc.add_paragraph(f"〔{block.reason}〕")  # type: ignore[attr-defined]


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
                doc.add_paragraph("".join(buf).strip())  # type: ignore[attr-defined]
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
    title = doc.add_paragraph(annual_title(park.name, year) + ("(草稿)" if draft else ""))
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.runs[0].font.size = Pt(22)
    for chapter in OUTLINE.chapters:
        doc.add_heading(chapter.title, level=1)
        for i, sec in enumerate(chapter.sections):
            doc.add_heading(f"{subsection_label(i)}{sec.title}", level=2)
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
    return buf.getvalue()
