"""A year filed on another form version prints its own rows in the tables PDF (not the park's form's)."""

from __future__ import annotations

from pathlib import Path

from export.fingerprint import fingerprint
from export.pdf.tables import build_tables_pdf
from forms.table.registry import form_for
from tests.export.pdf_support import demo_park, pdf_pages, squeeze


def test_a_year_on_the_2026_form_prints_the_2026_sections(tmp_path: Path) -> None:
    park = demo_park()
    last = max(park.years)
    park.years[last].form = "eip-2026"
    path = tmp_path / "tables.pdf"
    path.write_bytes(build_tables_pdf(park, fingerprint(park), draft=True))
    pages = [squeeze(p) for p in pdf_pages(path)]
    extra = [s.title for s in form_for("eip-2026").sections if s.title not in {t.title for t in form_for().sections}]
    assert extra  # 八、减污降碳, 九、零碳园区指标
    start = next(i for i, p in enumerate(pages) if squeeze(f"{last} 年") in p and squeeze("2026 年版") in p)
    last_year = "".join(pages[start:])
    earlier = "".join(pages[:start])
    for title in extra:
        assert squeeze(title) in last_year, title
        assert squeeze(title) not in earlier, title  # the 2021 years keep their own layout
