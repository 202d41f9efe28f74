"""公文 typography of the PDFs (GB/T 9704 practice), read back with poppler and pypdf: the 仿宋/黑体/楷体 faces
embedded, one per heading level, 避头尾 line breaking, full-width punctuation in Chinese text, 22 lines × 28
characters, page numbers on the outer side."""

from __future__ import annotations

import datetime as _dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from export.fingerprint import fingerprint
from export.pdf.annual import build_annual_pdf
from export.pdf.fonts import register_fonts
from export.pdf.report import build_report_pdf
from export.pdf.style import (
    BODY,
    BODY_SIZE,
    CHARS_PER_LINE,
    Footer,
    OfficialDoc,
    break_lines,
    make_styles,
    para,
    text_width,
)
from export.pdf.tables import build_tables_pdf
from forms.park.model import ParkData
from forms.report.typography import CANNOT_END, CANNOT_START
from tests.export.pdf_support import demo_with_text, need_poppler, pdf_fonts, squeeze

# sentences whose commas, brackets and quotes fall at every position of a line
LONG = "".join(f"园区{'碳' * k}排放总量比上年下降14.61%，累计下降（2016—2020年）“十三五”期间；" for k in range(40))
HEADINGS = "1.加强组织领导\n2.完善政策体系。园区制定碳达峰实施方案，明确责任分工。"
HALF_WIDTH_IN_CHINESE = re.compile(
    r"[\u4e00-\u9fff\u3000-\u303f\uff01-\uff60][(),;:?!]|[(),;:?!][\u4e00-\u9fff\u3000-\u303f\uff01-\uff60]"
    r"|\([^()]*[\u4e00-\u9fff][^()]*\)"
)


def _park() -> ParkData:
    park = demo_with_text()
    park.report.sections["ch1.1"] = park.report.sections.get("ch1.1", "") + "\n" + HEADINGS + "\n" + LONG
    park.report.sections["ch1.2"] = "规划面积(公顷)与建成区面积(公顷)见下表, 数据来源: 园区管理委员会。"
    return park


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    park = _park()
    path = tmp_path_factory.mktemp("typo") / "report.pdf"
    path.write_bytes(build_report_pdf(park, fingerprint(park), draft=True, today=_dt.date(2021, 9, 28)))
    return path


def _layout_pages(path: Path) -> list[list[str]]:
    need_poppler()
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in out.stdout.decode().split("\f")]


def _page_with(pages: list[list[str]], text: str) -> int:
    return next(i for i, page in enumerate(pages) if text in squeeze("".join(page)))


def test_the_three_faces_are_embedded(report: Path) -> None:
    fonts = register_fonts()
    names = {f["name"].split("+", 1)[-1] for f in pdf_fonts(report) if f["emb"] == "yes"}
    for role in (fonts.body, fonts.heading, fonts.kai):
        face = pdfmetrics.getFont(role).face.name
        assert (face.decode() if isinstance(face, bytes) else face) in names, role
    if fonts.all_bundled:  # no Windows fonts on this machine: the bundled Fandol faces
        assert {"FandolFang-Regular", "FandolHei-Regular", "FandolKai-Regular"} <= names


def test_heading_levels_have_their_own_faces(report: Path) -> None:
    styles = make_styles()
    fonts = styles.fonts
    assert (styles.h1.fontName, styles.h2.fontName, styles.h3.fontName, styles.body.fontName) == (
        fonts.heading,
        fonts.kai,
        fonts.body,
        fonts.body,
    )
    assert styles.h1.fontSize == styles.h2.fontSize == styles.h3.fontSize == styles.body.fontSize == BODY_SIZE
    # the page with 一、 （一） and 1. headings draws with all three faces, and 1. in fake bold (render mode 2)
    page = _page_with(_layout_pages(report), "1.加强组织领导")
    assert "一、园区概况" in squeeze("".join(_layout_pages(report)[page]))
    need_poppler()
    out = subprocess.run(["pdffonts", "-f", str(page + 1), "-l", str(page + 1), str(report)], capture_output=True,
                         text=True, check=True).stdout  # fmt: skip
    for role in (fonts.body, fonts.heading, fonts.kai):
        face = pdfmetrics.getFont(role).face.name
        assert (face.decode() if isinstance(face, bytes) else face) in out
    content = PdfReader(str(report)).pages[page].get_contents().get_data()
    assert b"2 Tr" in content and b"0 Tr" in content


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(report: Path, tmp_path: Path) -> None:
    park = _park()
    paths = [report, tmp_path / "tables.pdf", tmp_path / "annual.pdf"]
    paths[1].write_bytes(build_tables_pdf(park, fingerprint(park), draft=True))
    park.report.extra.setdefault("annual", {})
    paths[2].write_bytes(build_annual_pdf(park, 2020, fingerprint(park), draft=True))
    checked = 0
    for path in paths:
        for page in _layout_pages(path):
            for line in page:
                assert line[0] not in CANNOT_START, (path.name, line)
                assert line[-1] not in CANNOT_END, (path.name, line)
                checked += 1
    assert checked > 1000
    text = squeeze("".join("".join(p) for p in _layout_pages(report)))
    assert "下降14.61%，累计下降（2016—2020年）“十三五”期间；" in text


def test_no_half_width_punctuation_in_chinese_text(report: Path) -> None:
    for page in _layout_pages(report):
        for line in page:
            assert not HALF_WIDTH_IN_CHINESE.search(line), line
    text = squeeze("".join("".join(p) for p in _layout_pages(report)))
    assert "规划面积（公顷）与建成区面积（公顷）见下表，数据来源：园区管理委员会。" in text


def test_break_lines_keeps_marks_with_their_neighbours() -> None:
    font = register_fonts().body
    width = 10 * BODY_SIZE  # ten characters
    lines = break_lines("一二三四五六七八九十，十一" + "（甲）乙" * 5, font, BODY_SIZE, lambda n: width)
    texts = [line.text for line in lines]
    assert texts[0] == "一二三四五六七八九"  # the comma would start line 2: 十 goes down with it
    assert texts[1].startswith("十，")
    assert all(t[0] not in CANNOT_START and t[-1] not in CANNOT_END for t in texts)
    # a number is never cut, a word wider than the line is
    assert [line.text for line in break_lines("一二三四五六七八 14.61%", font, BODY_SIZE, lambda n: width)] == [
        "一二三四五六七八",
        "14.61%",
    ]
    assert len(break_lines("x" * 200, font, BODY_SIZE, lambda n: width)) > 1


def test_a_body_page_holds_22_lines_of_28_characters() -> None:
    styles = make_styles()
    assert text_width() == pytest.approx(156 * 72 / 25.4)
    buf = io.BytesIO()
    doc = OfficialDoc(buf, Footer("0" * 12, "园区", "测试", False), title="测试", first=BODY)
    doc.build([para("国" * (CHARS_PER_LINE * 22 + 5), styles.body_flush)])
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    assert len(reader.pages) == 2
    first = [line for line in reader.pages[0].extract_text().splitlines() if "国" in line]
    assert [len(line.strip()) for line in first] == [CHARS_PER_LINE] * 22
    assert "国" * 5 in reader.pages[1].extract_text()


def _page_number_x(path: Path) -> list[tuple[int, int, float, float]]:
    """(sheet side 1, 2, …, printed number, x of the number, page width) for every numbered page."""
    need_poppler()
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for side, page in enumerate(
        re.findall(r"<page width=\"([\d.]+)\" height=\"([\d.]+)\">(.*?)</page>", html, re.S), start=1
    ):
        width, height, body = float(page[0]), float(page[1]), page[2]
        words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)<', body)
        low = [(float(x), w) for x, y, w in words if float(y) > height * 0.85]
        for i in range(1, len(low) - 1):
            if low[i - 1][1] == "—" and low[i + 1][1] == "—" and low[i][1].isdigit():
                out.append((side, int(low[i][1]), low[i][0], width))
    return out


def test_page_numbers_on_the_outer_side(report: Path) -> None:
    numbers = _page_number_x(report)
    assert len(numbers) > 10
    assert [n for _, n, _, _ in numbers] == list(range(1, len(numbers) + 1))
    for _, n, x, width in numbers:
        assert (x > width * 0.75) if n % 2 else (x < width * 0.25), (n, x, width)
    # page 1 is a right-hand page (an odd side): cover and contents fill an even number of sides
    assert all(side % 2 == n % 2 for side, n, _, _ in numbers)


def test_a_piece_wider_than_the_line_is_cut_without_a_closing_mark_at_a_line_start() -> None:
    from export.pdf.style import break_lines

    font = register_fonts().body
    one = pdfmetrics.stringWidth("（tCO2", font, 10) + 0.5  # room for "（tCO2" but not for its "）"
    lines = break_lines("（tCO2）", font, 10, lambda n: one)
    texts = [line.text for line in lines]
    assert texts == ["（tCO2）"]  # the closing mark hangs past the margin instead of starting a line
