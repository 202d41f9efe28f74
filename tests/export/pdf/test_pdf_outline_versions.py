"""The 专项报告's review period is a property of the outline version: eip-2021 reviews 十三五 (2016—2020),
eip-2026 reviews 十四五 (2021—2025, base year 2025) with the same structure."""

from __future__ import annotations

from pathlib import Path

from export.fingerprint import fingerprint
from export.pdf.report import build_report_pdf
from forms.park.model import ParkData
from forms.report.annual import AnnualResolver, base_year
from forms.report.drafting import draft_paragraph
from forms.report.markers import TableBlock
from forms.report.outline import OUTLINE_VERSIONS, outline_for
from forms.table.calc import compute_park
from tests.export.pdf_support import demo_park, pdf_pages, squeeze


def fourteenth_plan_park() -> ParkData:
    """The demo park's data filed for 2021–2025 by a park on outline eip-2026."""
    park = demo_park()
    park.years = {year + 5: ydata for year, ydata in park.years.items()}
    park.report.outline = "eip-2026"
    return park


def test_outline_versions_differ_only_in_the_review_period() -> None:
    old, new = outline_for("eip-2021"), outline_for("eip-2026")
    assert OUTLINE_VERSIONS == ("eip-2021", "eip-2026")
    assert (old.review, old.plan, old.base_year) == ((2016, 2020), "十三五", 2020)
    assert (new.review, new.plan, new.base_year) == ((2021, 2025), "十四五", 2025)
    assert [s.key for s in old.sections()] == [s.key for s in new.sections()]
    assert [len(c.sections) for c in old.chapters] == [len(c.sections) for c in new.chapters]
    assert new.chapters[1].heading == "二、“十四五”碳减排工作回顾"
    assert "2021—2025 年" in new.section("ch1.2").guidance and "十四五" in new.section("ch2.1").guidance
    assert old.chapters[1].heading == "二、“十三五”碳减排工作回顾"


def test_report_pdf_of_a_park_on_the_new_outline_says_fourteenth_plan(tmp_path: Path) -> None:
    park = fourteenth_plan_park()
    result = compute_park(park)
    draft = draft_paragraph("ch2.2", park, result)
    assert draft.text.startswith("“十四五”期间（2021—2025年）")
    park.report.sections["ch2.2"] = draft.text
    path = tmp_path / "report.pdf"
    path.write_bytes(build_report_pdf(park, fingerprint(park), draft=True, result=result))
    text = squeeze("".join(pdf_pages(path)))
    assert "十四五" in text and "2021—2025年" in text
    assert "十三五" not in text
    assert "2016—2020" not in text  # (the demo's own notes mention 2016 in the clerk's words: not checked)
    # the annual chapter's base year is the new review period's last year
    assert base_year(park) == 2025
    block = AnnualResolver(park, result, 2025).resolve("table.year_compare@2025")
    assert isinstance(block, TableBlock) and "基准年（2025年）" in block.columns
    assert "“十四五”" in block.note


def test_old_parks_keep_the_thirteenth_plan(tmp_path: Path) -> None:
    park = demo_park()
    assert park.report.outline == "eip-2021" and base_year(park) == 2020
    draft = draft_paragraph("ch2.2", park, compute_park(park))
    assert draft.text.startswith("“十三五”期间（2016—2020年）")


def test_outline_version_is_stored_with_a_new_park(tmp_path: Path) -> None:
    from storage import Database

    with Database.open(tmp_path / "p.db") as db:
        new_id = db.create_park({"park.name": "新园区"}, years=outline_for("eip-2026").review_years, outline="eip-2026")
        old_id = db.create_park({"park.name": "老园区"})
        assert db.load_park(new_id).report.outline == "eip-2026"
        assert db.load_park(new_id).sorted_years() == [2021, 2022, 2023, 2024, 2025]
        assert db.load_park(old_id).report.outline == "eip-2021"
