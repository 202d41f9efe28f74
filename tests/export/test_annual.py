"""The annual report's carbon chapter: PDF and .docx with the same figures, Word structure, the 定稿 gate."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from export.annual_files import annual_bytes, write_annual
from forms.park.model import ParkData
from forms.park.parkfile import park_from_json
from forms.report.annual import OUTLINE, AnnualResolver, check_chapter, proposed_paragraph, with_text
from forms.report.markers import TableBlock
from forms.table.calc import compute_park
from tests.forms.table.test_eip2026 import _doc

YEAR = 2020


def _park(*, complete: bool = False) -> ParkData:
    doc = _doc()
    doc["targets"] = [{"indicator": "emissions.total", "year": 2018, "kind": "peak"},
                      {"indicator": "intensity.co2_per_iva", "year": 2020, "kind": "reduction", "base_year": 2016,
                       "value": 10}]  # fmt: skip
    if complete:
        doc["targets"][0]["explanation"] = "新建热电项目投产，排放尚未达峰"
        doc["targets"].append({"indicator": "intensity.co2_per_iva", "year": 2021, "kind": "max", "value": 1.5})
        doc.setdefault("report", {})["projects"] = [{"name": "分布式光伏", "content": "屋顶光伏 20 MW", "reduction": 9000,
                                                    "progress": {"2021": {"status": "实施中"}}}]  # fmt: skip
    park = park_from_json(doc)
    result = compute_park(park)
    for key, text in (("a1", "本年度完成燃煤锅炉改造。"), ("a2", proposed_paragraph(park, result, YEAR, "a2")),
                      ("a3", proposed_paragraph(park, result, YEAR, "a3")), ("a5", "统计监测能力不足。"),
                      ("a6", "2021 年继续推进光伏建设。")):  # fmt: skip
        park.report.extra["annual"] = with_text(park, YEAR, key, text)
    return park


def test_gate_names_unexplained_missed_targets_and_missing_next_year() -> None:
    park = _park()
    gaps = [g.message for g in check_chapter(park, compute_park(park), YEAR)]
    assert any("2018 年前实现碳达峰" in g and "未达成" in g for g in gaps)
    assert any("2021 年的目标" in g for g in gaps)
    assert any("2021 年计划或实施的项目" in g for g in gaps)
    complete = _park(complete=True)
    assert check_chapter(complete, compute_park(complete), YEAR) == []


def test_docx_structure_and_figures_equal_the_pdf(tmp_path: Path) -> None:
    park = _park(complete=True)
    result = compute_park(park)
    pdf, docx_data, final, gaps = annual_bytes(park, YEAR)
    assert gaps == [] and final is False  # complete, but not marked 定稿: still a draft
    doc = Document(io.BytesIO(docx_data))
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == ("Heading 1", "碳达峰碳中和工作")
    assert [t for s, t in headings if s == "Heading 2"] == [f"（{n}）{s.title}" for n, s in
                                                            zip("一二三四五六", OUTLINE.sections(), strict=True)]  # fmt: skip
    assert len(doc.tables) >= 6
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    first_row = doc.tables[0].rows[0].cells[0].paragraphs[0].paragraph_format.element.getparent().getparent()
    assert first_row.tag == f"{w}tr" and first_row.find(f"{w}trPr/{w}tblHeader") is not None
    assert all(r.find(f"{w}trPr/{w}tblHeader") is None for r in list(first_row.getparent().iterchildren(f"{w}tr"))[1:])
    footer_xml = doc.sections[0].footer.paragraphs[0].paragraph_format.element.xml
    assert "PAGE" in footer_xml and "— " in doc.sections[0].footer.paragraphs[0].text
    assert doc.inline_shapes, "the synergy chart is embedded as an image"
    resolver = AnnualResolver(park, result, YEAR)
    figures = [resolver.resolve(f"value.{k}@{YEAR}").text for k in ("emissions.total", "intensity.co2_per_iva")]  # type: ignore[union-attr]
    docx_text = "\n".join(p.text for p in doc.paragraphs)
    pdf_text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for figure in figures:
        assert figure in docx_text
        assert re.sub(r"\s+", "", figure) in pdf_text
    table_cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    compare = resolver.resolve(f"table.year_compare@{YEAR}")
    assert set(compare.rows[0][2:]) <= table_cells  # type: ignore[union-attr]


def test_marked_final_chapter_exports_without_draft(tmp_path: Path) -> None:
    park = _park(complete=True)
    park.report.extra["annual_final"] = {str(YEAR): {"at": "2026-12-01T10:00:00+08:00"}}
    files = write_annual(park, YEAR, tmp_path)
    assert files.final and files.pdf.exists() and files.docx.exists()
    assert "草稿" not in Document(str(files.docx)).paragraphs[0].text
    draft = _park()
    draft.report.extra["annual_final"] = {str(YEAR): {"at": "2026-12-01T10:00:00+08:00"}}
    assert write_annual(draft, YEAR, tmp_path / "d").final is False  # a forged mark does not pass the gate


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None or not Path("/usr/lib/libreoffice/program/libswlo.so").exists(),
                    reason="LibreOffice Writer 未安装(libreoffice-writer-nogui)：跳过 Word 文件转换检验")  # fmt: skip
def test_libreoffice_converts_the_docx(tmp_path: Path) -> None:
    files = write_annual(_park(complete=True), YEAR, tmp_path)
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                           "pdf", "--outdir", str(tmp_path / "pdf"), str(files.docx)], capture_output=True,
                          text=True, timeout=180, check=False)  # fmt: skip
    out = tmp_path / "pdf" / (files.docx.stem + ".pdf")
    assert proc.returncode == 0 and out.exists(), proc.stderr
    reader = PdfReader(str(out))
    text = "".join(page.extract_text() for page in reader.pages)
    # CJK glyphs come from whatever font LibreOffice substitutes here, so compare the figures and page numbers
    assert len(reader.pages) >= 2 and "— 1 —" in text and "— 2 —" in text
    park = _park(complete=True)
    shown = AnnualResolver(park, compute_park(park), YEAR).resolve(f"value.emissions.total@{YEAR}")
    assert shown.text.split()[0] in text  # type: ignore[union-attr]
    # the year-comparison table's figures are never broken over two lines (its columns fit its figures)
    layout = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    table = resolve_table(park, f"table.year_compare@{YEAR}")
    for row in table.rows:
        for cell, numeric in zip(row, table.numeric, strict=False):
            if numeric and cell not in ("", "—"):
                assert cell in layout, cell


def resolve_table(park: ParkData, ref: str) -> TableBlock:
    block = AnnualResolver(park, compute_park(park), YEAR).resolve(ref)
    assert isinstance(block, TableBlock), block
    return block


def test_the_package_carries_the_chapter_and_the_park_file_keeps_it(tmp_path: Path) -> None:
    import json
    import zipfile

    from export.package import build_package
    from forms.park.parkfile import dumps, loads

    park = _park(complete=True)
    again = loads(dumps(park))  # the chapter's texts are a known part of the report
    assert again.report.extra["annual"][str(YEAR)]["a1"] == "本年度完成燃煤锅炉改造。"
    package = build_package(park)
    names = zipfile.ZipFile(io.BytesIO(package.zip_data)).namelist()
    listed = [
        f["name"] for f in json.loads(zipfile.ZipFile(io.BytesIO(package.zip_data)).read("manifest.json"))["files"]
    ]
    for suffix in (f"{YEAR}年度碳达峰碳中和工作情况.pdf", f"{YEAR}年度碳达峰碳中和工作情况.docx"):
        assert any(n.endswith(suffix) for n in names) and any(n.endswith(suffix) for n in listed)


def test_docx_notes_begin_with_zhu_as_in_the_pdf() -> None:
    """The .docx printed a block's note bare ("基准年为专项报告…"), the PDF as "注：基准年为专项报告…"."""
    from forms.report.typography import chinese_punctuation

    park = _park(complete=True)
    pdf, docx_data, _, _ = annual_bytes(park, YEAR)
    note = resolve_table(park, f"table.year_compare@{YEAR}").note
    assert note.startswith("基准年")
    expected = chinese_punctuation("注：" + note)
    paragraphs = [p.text for p in Document(io.BytesIO(docx_data)).paragraphs]
    pdf_text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    assert re.sub(r"\s+", "", expected) in pdf_text
    assert expected in paragraphs
    assert not [p for p in paragraphs if p.startswith("基准年")]


def test_docx_captions_stay_with_their_table_or_chart() -> None:
    """减污降碳协同控制效应坐标图: its caption ended page 3 alone, the chart began page 4 (captions did not keep
    with the next paragraph); every caption before a table or a chart keeps with it now."""
    from itertools import pairwise

    park = _park(complete=True)
    doc = Document(io.BytesIO(annual_bytes(park, YEAR)[1]))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    body = list(doc.element.body.iterchildren())
    captions = []
    for before, element in pairwise(body):
        is_chart = element.tag == f"{w}p" and element.findall(f".//{w}drawing")
        if element.tag == f"{w}tbl" or is_chart:
            assert before.tag == f"{w}p"
            text = "".join(t.text or "" for t in before.iter(f"{w}t"))
            captions.append((text, before.find(f"{w}pPr/{w}keepNext") is not None))
    assert ("减污降碳协同控制效应坐标图", True) in captions and ("2021年目标", True) in captions
    assert all(keep for _, keep in captions), captions


def test_the_synergy_chart_axis_label_is_under_the_frame_line() -> None:
    """协同控制效应坐标图: the line of the frame's top edge went through the label "Δ污染物 ↑" printed on it."""
    from reportlab.graphics.shapes import Rect, String

    from export.pdf.blocks import chart_drawing
    from export.pdf.style import PORTRAIT, make_styles, text_width
    from forms.report.markers import ChartBlock

    park = _park(complete=True)
    block = AnnualResolver(park, compute_park(park), YEAR).resolve("chart.synergy")
    assert isinstance(block, ChartBlock) and block.kind == "quadrant"
    drawing = chart_drawing(block, make_styles(), text_width(PORTRAIT))
    (frame,) = [s for s in drawing.contents if isinstance(s, Rect)]
    top = frame.y + frame.height
    (label,) = [s for s in drawing.contents if isinstance(s, String) and s.text.startswith("Δ污染物")]
    assert label.y + label.fontSize < top
