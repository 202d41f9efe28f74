"""The annual chapter's .docx in 公文 style: 仿宋_GB2312 body with 仿宋 as the stand-in, 黑体 / 楷体 / 仿宋加粗
headings, no theme fonts left to override them, a 22 × 28 grid, page numbers on the outer side, full-width
punctuation in Chinese text."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from export.word.annual import build_annual_docx
from forms.report.annual import ANNUAL_KEY, OUTLINE, with_text
from tests.export.pdf_support import demo_with_text

YEAR = 2020


def _docx(text: str = "") -> bytes:
    park = demo_with_text()
    if text:
        park.report.extra[ANNUAL_KEY] = with_text(park, YEAR, OUTLINE.chapters[0].sections[0].key, text)
    return build_annual_docx(park, YEAR, draft=True)


def _fonts(style: object) -> dict[str, str]:
    rpr = style.element.rPr  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    return {k.split("}")[1]: v for k, v in fonts.attrib.items()}


def test_styles_fonts_grid_and_font_table() -> None:
    data = _docx()
    doc = Document(io.BytesIO(data))
    styles = doc.styles
    assert _fonts(styles["Normal"]) == {
        "ascii": "Times New Roman",
        "hAnsi": "Times New Roman",
        "eastAsia": "仿宋_GB2312",
    }
    for name, face, bold in (("Heading 1", "黑体", False), ("Heading 2", "楷体_GB2312", False),
                             ("Heading 3", "仿宋_GB2312", True)):  # fmt: skip
        fonts = _fonts(styles[name])
        assert fonts["eastAsia"] == face and not any(k.endswith("Theme") or k == "cstheme" for k in fonts), name
        assert styles[name].font.size.pt == 16 and bool(styles[name].font.bold) == bold
    assert styles["Normal"].font.size.pt == 16
    [sect_pr] = doc.element.iter(qn("w:sectPr"))
    grid = sect_pr.find(qn("w:docGrid"))
    assert {k: grid.get(qn(f"w:{k}")) for k in ("type", "linePitch", "charSpace")} == {
        "type": "linesAndChars",
        "linePitch": "579",
        "charSpace": "-849",
    }
    table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert re.search(r'<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', table)
    assert re.search(r'<w:font w:name="楷体_GB2312"><w:altName w:val="楷体"/>', table)
    default_lang = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert 'w:eastAsia="zh-CN"' in default_lang


def test_page_numbers_on_the_outer_side() -> None:
    doc = Document(io.BytesIO(_docx()))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for p in (odd, even):
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert "PAGE" in p.paragraph_format.element.xml


def test_numbered_paragraphs_are_bold_headings_and_punctuation_is_full_width() -> None:
    doc = Document(io.BytesIO(_docx("1.加强组织领导\n2.完善政策。园区制定方案(2021—2025年), 明确分工。")))
    paragraphs = {p.text: p for p in doc.paragraphs}
    assert paragraphs["1.加强组织领导"].style.name == "Heading 3"
    second = paragraphs["2.完善政策。园区制定方案（2021—2025年），明确分工。"]
    assert second.runs[0].text == "2.完善政策。" and second.runs[0].bold
    assert not second.runs[1].bold
    assert not any(re.search(r"[\u4e00-\u9fff][(),;:]|[(),;:][\u4e00-\u9fff]", p.text) for p in doc.paragraphs)
