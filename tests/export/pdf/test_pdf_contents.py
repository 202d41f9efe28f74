"""The report's contents are laid out once (no second build for the page numbers): every chapter, section and
appendix is listed with dots and the page its heading is printed on, also for a title long enough to take two
lines, and the page numbers are read back from the PDF with pdftotext."""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import Any

import pytest

from export.fingerprint import fingerprint
from export.pdf import report as report_pdf
from forms.park.model import ParkData
from forms.report.customisation import CUSTOM_KEY, effective_outline, rename_section
from forms.report.outline import outline_for, subsection_label
from forms.report.typography import chinese_punctuation
from tests.export.pdf_support import demo_with_text, pdf_pages, squeeze

BASE = outline_for("eip-2021")
LONG = "园区重点用能企业能源消费结构优化调整与清洁低碳能源替代工作开展情况"  # 33 characters (at most 40)


def _build(park: ParkData, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], int]:
    builds: list[int] = []
    original = report_pdf.ReportDoc.build

    def counted(self: Any, *args: Any, **kw: Any) -> Any:
        builds.append(1)
        return original(self, *args, **kw)

    monkeypatch.setattr(report_pdf.ReportDoc, "build", counted)
    path = tmp / "report.pdf"
    path.write_bytes(report_pdf.build_report_pdf(park, fingerprint(park), draft=True, today=_dt.date(2021, 9, 28)))
    return pdf_pages(path), len(builds)


def _numbered(pages: list[str]) -> dict[int, str]:
    out = {}
    for page in pages:
        m = re.search(r"—\s*(\d+)\s*—", page)
        if m:
            out[int(m.group(1))] = squeeze(page)
    return out


def _contents_number(pages: list[str], heading: str) -> int:
    """The page number the contents give ``heading`` (its text may wrap over lines; the dots end in the number)."""
    contents = squeeze("\n".join(p for p in pages[1:4] if "目" in p))
    m = re.search(re.escape(squeeze(heading)) + r"\.*(\d+)", contents)
    assert m, (heading, contents)
    return int(m.group(1))


def _headings(park: ParkData) -> list[str]:
    outline = effective_outline(park)
    out: list[str] = []
    for chapter in outline.chapters:
        out.append(chapter.heading)
        out += [f"{subsection_label(i)}{s.title}" for i, s in enumerate(chapter.sections)]
    return [chinese_punctuation(h) for h in [*out, *outline.appendices[:3]]]


def test_every_heading_is_listed_with_its_page_and_the_report_is_laid_out_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    park = demo_with_text()
    pages, builds = _build(park, tmp_path, monkeypatch)
    assert builds == 1
    body = _numbered(pages)
    headings = _headings(park)
    assert len(headings) == 40  # 7 chapters, 30 sections, 3 appendices
    for heading in headings:
        number = _contents_number(pages, heading)
        assert squeeze(heading) in body[number], (heading, number)


def test_a_title_on_two_lines_gets_its_dots_and_page_on_the_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    park = demo_with_text()
    park.report.extra[CUSTOM_KEY] = rename_section(None, BASE, "ch3.4", LONG)
    pages, builds = _build(park, tmp_path, monkeypatch)
    assert builds == 1
    heading = chinese_punctuation(f"（四）{LONG}")
    contents_lines = [line for p in pages[1:4] if "目" in p for line in p.splitlines()]
    first = next(i for i, line in enumerate(contents_lines) if line.strip().startswith("（四）园区重点用能"))
    assert not re.search(r"\d+\s*$", contents_lines[first])  # the first line carries no number
    assert re.search(r"\.\s*\d+\s*$", contents_lines[first + 1]), contents_lines[first : first + 2]
    assert squeeze(heading) in _numbered(pages)[_contents_number(pages, heading)]
