"""Proposed paragraphs: numbers are linked markers, the wording follows the data."""

from __future__ import annotations

from forms.park.parkfile import park_from_json
from forms.report.check import check_figures, check_requirements
from forms.report.drafting import DRAFTABLE, can_draft, draft_paragraph
from forms.report.markers import MissingBlock, split_markers
from forms.report.resolve import BlockResolver, inline_text
from forms.table.calc import compute_park
from tests.forms.helpers import demo_doc


def test_every_number_of_a_draft_is_a_resolvable_marker() -> None:
    park = park_from_json(demo_doc())
    result = compute_park(park)
    resolver = BlockResolver(park, result)
    for key in DRAFTABLE:
        draft = draft_paragraph(key, park, result)
        assert draft.problem == "" and draft.text
        refs = [p for p in split_markers(draft.text) if not isinstance(p, str)]
        assert refs, key
        assert not any(isinstance(resolver.resolve(r.id), MissingBlock) for r in refs)
        plain = "".join(p for p in split_markers(draft.text) if isinstance(p, str))
        assert not any(ch.isdigit() for ch in plain.replace("2016", "").replace("2020", "").replace(
            "2017", "").replace("2018", "").replace("2019", "")), plain  # fmt: skip
        assert draft.preview == inline_text(draft.text, resolver)


def test_ch2_2_draft_reads_right_and_meets_the_requirements() -> None:
    park = park_from_json(demo_doc())
    result = compute_park(park)
    draft = draft_paragraph("ch2.2", park, result)
    assert draft.preview.startswith(
        "“十三五”期间（2016—2020年），园区二氧化碳排放总量由2016年的650.45 万吨增加到2020年的688.75 万吨"
    )
    assert (
        "单位工业增加值二氧化碳排放量由2016年的1.8479 tCO2/万元下降到2020年的1.5779 tCO2/万元，累计下降14.61%"
        in draft.preview
    )
    assert "年均下降3.87%" in draft.preview
    park.report.sections["ch2.2"] = draft.text
    assert [m for m in check_requirements(park, result) if m.section == "ch2.2"] == []
    assert check_figures(park, result) == []


def test_ch3_2_orders_sources_by_size_and_names_the_top_fuels() -> None:
    park = park_from_json(demo_doc())
    draft = draft_paragraph("ch3.2", park, compute_park(park))
    assert "2020年净调入电力间接排放335.15 万吨，占48.66%；化石燃料燃烧排放315.04 万吨，占45.74%" in draft.preview
    assert "依次为原煤226.65 万吨、天然气55.53 万吨、焦炭24.39 万吨" in draft.preview


def test_inserted_draft_stays_linked_after_a_data_change() -> None:
    park = park_from_json(demo_doc())
    text = draft_paragraph("ch3.3", park, compute_park(park)).text
    park.years[2020].values["basic.industrial_value_added"] = 500
    result = compute_park(park)
    rendered = inline_text(text, BlockResolver(park, result))
    assert "下降到2020年的1.3775 tCO2/万元" in rendered  # 6 887 516.65 t / 5 000 000 万元


def test_wording_follows_a_falling_total() -> None:
    doc = demo_doc()
    doc["years"]["2020"]["values"]["energy.raw_coal"] = 600000
    park = park_from_json(doc)
    draft = draft_paragraph("ch2.2", park, compute_park(park))
    assert "二氧化碳排放总量由2016年的650.45 万吨下降到2020年的" in draft.preview
    assert "双下降" in draft.preview


def test_no_draft_without_two_years_or_for_other_sections() -> None:
    doc = demo_doc()
    doc["years"] = {"2020": doc["years"]["2020"]}
    park = park_from_json(doc)
    assert draft_paragraph("ch2.2", park, compute_park(park)).problem.startswith("至少需要两个年度")
    assert not can_draft("ch1.1")
    assert draft_paragraph("ch1.1", park, compute_park(park)).text == ""
