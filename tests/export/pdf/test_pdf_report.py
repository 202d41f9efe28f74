"""The report PDF read back with poppler: fonts embedded, outline titles, numbers as shown, contents page
numbers, data blocks, footer fingerprint, draft watermark, landscape appendix pages."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from export.fingerprint import fingerprint
from export.pdf.report import build_report_pdf, qr_payload
from export.pdf.tables import shown_value
from forms.park.model import ParkData
from forms.report.markers import marker
from forms.report.outline import outline_for, subsection_label
from forms.report.resolve import BLOCK_LABELS, shown_field
from forms.table.calc import ParkResult, compute_park
from tests.export.pdf_support import demo_park, demo_with_text, final_park, pdf_fonts, pdf_pages, printed, squeeze

OUTLINE = outline_for("eip-2021")
DAY = _dt.date(2021, 9, 28)


def _write(tmp: Path, park: ParkData, *, draft: bool) -> Path:
    path = tmp / "report.pdf"
    path.write_bytes(build_report_pdf(park, fingerprint(park), draft=draft, today=DAY))
    return path


@pytest.fixture(scope="module")
def park() -> ParkData:
    return demo_with_text()


@pytest.fixture(scope="module")
def result(park: ParkData) -> ParkResult:
    return compute_park(park)


@pytest.fixture(scope="module")
def report(park: ParkData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("report"), park, draft=True)


@pytest.fixture(scope="module")
def pages(report: Path) -> list[str]:
    return pdf_pages(report)


def test_every_font_is_embedded(report: Path) -> None:
    fonts = pdf_fonts(report)
    assert fonts, "no fonts listed"
    assert [f["name"] for f in fonts if f["emb"] != "yes"] == []


def test_cover_has_title_seal_area_date_and_qr(pages: list[str], park: ParkData) -> None:
    cover = squeeze(pages[0])
    assert squeeze(OUTLINE.title_for(park.name)) in cover and "《" not in cover  # GB/T 9704: no 书名号
    assert "园区管理机构（盖章）" in cover and str(park.park["park.management_body"]) in cover
    assert "编制日期：2021年9月28日" in cover
    assert f"内容校验码{fingerprint(park)}" in cover
    assert "盖章处" in cover


def test_cover_qr_code_encodes_the_fingerprint(park: ParkData) -> None:
    from reportlab.graphics.barcode.qr import QrCodeWidget

    assert fingerprint(park) in qr_payload(park, fingerprint(park))
    widget = QrCodeWidget(qr_payload(park, fingerprint(park)))
    assert widget.value == qr_payload(park, fingerprint(park))


def test_every_chapter_section_and_appendix_title_is_in_the_text(pages: list[str]) -> None:
    text = squeeze("".join(pages))
    for chapter in OUTLINE.chapters:
        assert text.count(squeeze(chapter.heading)) >= 2, chapter.heading  # contents and body
        for i, section in enumerate(chapter.sections):
            assert squeeze(subsection_label(i) + section.title) in text, section.key
    for title in OUTLINE.appendices:
        assert text.count(squeeze(title)) >= 2, title


def test_each_year_total_is_shown_as_the_document_rounds_it(pages: list[str], result: ParkResult) -> None:
    text = squeeze("".join(pages))
    form = result.form
    field = form.field(form.emissions_key)
    for year, yr in result.years.items():
        value = yr.computed[form.emissions_key]
        assert shown_field(form, form.emissions_key, value).number in text, year  # report tables (万吨)
        assert shown_value(field, value) in text, year  # appendix year table (tCO2, field decimals)


def test_contents_page_numbers_point_at_the_headings(pages: list[str]) -> None:
    numbered = {}
    for page in pages:
        m = re.search(r"—\s*(\d+)\s*—", page)
        if m:
            numbered[int(m.group(1))] = squeeze(page)
    assert sorted(numbered) == list(range(1, len(numbered) + 1))  # "— 1 —" … without gaps
    contents = "\n".join(p for p in pages[1:4] if "目" in p)
    checked = 0
    for chapter in OUTLINE.chapters:
        m = re.search(re.escape(chapter.heading) + r"[\s.]*?(\d+)\s*$", contents, re.MULTILINE)
        assert m, chapter.heading
        assert squeeze(chapter.heading) in numbered[int(m.group(1))], chapter.heading
        checked += 1
    assert checked == len(OUTLINE.chapters)


def test_cover_and_contents_carry_no_page_number(pages: list[str]) -> None:
    assert not re.search(r"—\s*\d+\s*—", pages[0])
    assert "目" in pages[1] and not re.search(r"—\s*\d+\s*—", pages[1])


def test_value_markers_render_current_data_and_no_marker_survives(pages: list[str], result: ParkResult) -> None:
    text = squeeze("".join(pages))
    form = result.form
    first = min(result.years)
    value = result.years[first].computed[form.emissions_key]
    assert squeeze(shown_field(form, form.emissions_key, value).text) in text
    assert "{{" not in text and "}}" not in text


def test_required_blocks_appear_even_without_markers(tmp_path: Path) -> None:
    bare = demo_park()  # no report text at all
    assert not bare.report.sections
    text = squeeze("".join(pdf_pages(_write(tmp_path, bare, draft=True))))
    for block_id in ("table.emissions_by_source", "table.intensity", "chart.trend", "chart.structure"):
        assert printed(BLOCK_LABELS[block_id]) in text, block_id


def test_a_block_the_clerk_placed_is_drawn_there_once(tmp_path: Path) -> None:
    park = demo_with_text()
    park.report.sections["ch1.3"] = f"能源结构见下表。\n{marker('table.emissions_by_source')}"
    pages = pdf_pages(_write(tmp_path, park, draft=True))
    title = printed(BLOCK_LABELS["table.emissions_by_source"])
    hits = [i for i, p in enumerate(pages) if title in squeeze(p)]
    assert len(hits) == 1
    assert squeeze(OUTLINE.section("ch1.3").title) in squeeze("".join(pages[hits[0] - 1 : hits[0] + 1]))


def test_every_page_footer_has_the_fingerprint(pages: list[str], park: ParkData) -> None:
    fp = fingerprint(park)
    assert all(f"校验码{fp}" in squeeze(p) for p in pages)


def test_draft_watermark_on_every_page_and_none_when_final(pages: list[str], tmp_path: Path) -> None:
    assert all(squeeze(p).startswith("草稿") for p in pages)  # the watermark is drawn first, under the content
    final = final_park()
    final_pages = pdf_pages(_write(tmp_path, final, draft=False))
    assert not any("草稿" in p for p in final_pages)
    assert all(f"校验码{fingerprint(final)}" in squeeze(p) for p in final_pages)


def test_appendix_year_tables_are_landscape_one_per_year(report: Path, pages: list[str], park: ParkData) -> None:
    reader = PdfReader(report)
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    assert sizes[0][0] < sizes[0][1]  # the cover is portrait
    for year in park.sorted_years():
        heading = squeeze(f"{park.name} {year} 年")
        idx = next(i for i, p in enumerate(pages) if heading in squeeze(p))
        width, height = sizes[idx]
        assert width > height, year


def test_text_with_markup_characters_is_printed_as_typed(tmp_path: Path) -> None:
    park = demo_with_text()
    park.report.sections["ch2.3"] = "统计口径 <不一致> & 需核对 <b>不是标记</b>"
    text = "".join(pdf_pages(_write(tmp_path, park, draft=True)))
    assert "<不一致>" in text and "<b>不是标记</b>" in text
