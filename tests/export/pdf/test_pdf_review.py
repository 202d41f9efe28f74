"""内部审核单: hard errors, warnings with their explanations, signature lines, fonts embedded."""

from __future__ import annotations

from pathlib import Path

import pytest

from export.fingerprint import fingerprint
from export.pdf.review import SIGNERS, build_review_pdf, collect_review
from forms.park.model import ParkData
from forms.table.calc import compute_park
from forms.table.validate import validate_park
from tests.export.pdf_support import demo_with_text, pdf_fonts, pdf_pages, printed, squeeze


@pytest.fixture(scope="module")
def park() -> ParkData:
    park = demo_with_text()
    park.years[2018].values["energy.coke"] = "8,2x00"  # a hard error (does not parse)
    park.years[2019].values["energy.raw_coal"] = 2_600_000  # year-on-year jump: warnings
    park.years[2019].explanations["energy.raw_coal"] = "新建热电联产机组投产，燃煤量大幅增加。"
    return park


@pytest.fixture(scope="module")
def sheet(park: ParkData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("review") / "review.pdf"
    path.write_bytes(build_review_pdf(park, fingerprint(park), draft=True))
    return path


def test_lists_every_data_error_and_warning_with_explanations(sheet: Path, park: ParkData) -> None:
    text = squeeze("".join(pdf_pages(sheet)))
    findings = validate_park(park)
    errors = [f for f in findings if f.level == "error"]
    warnings = [f for f in findings if f.level == "warning"]
    assert errors and warnings
    for f in findings:
        assert printed(f.message) in text, f.message
    explained = [f for f in warnings if f.explained]
    assert explained
    for f in explained:
        assert printed(f.explanation) in text
    if any(not f.explained for f in warnings):
        assert "（尚未说明）" in text
    review = collect_review(park, compute_park(park))
    assert f"硬性错误{len(review.errors)}项" in text


def test_signature_lines_and_fingerprint(sheet: Path, park: ParkData) -> None:
    text = squeeze("".join(pdf_pages(sheet)))
    for who in SIGNERS:
        assert f"{who}（签字）" in text
    assert fingerprint(park) in text


def test_fonts_embedded(sheet: Path) -> None:
    assert all(f["emb"] == "yes" for f in pdf_fonts(sheet))


def test_report_gaps_are_listed_as_errors(park: ParkData) -> None:
    bare = park.copy()
    bare.report.projects = []
    review = collect_review(bare, compute_park(bare))
    assert any("重点项目" in e.message for e in review.errors)
