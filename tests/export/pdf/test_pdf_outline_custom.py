"""The report PDF follows the park's outline customisation (forms.report.customisation): a renamed section, an
added section with its text and a moved section appear in the body and in the contents, with page numbers."""

from __future__ import annotations

import datetime as _dt
import re

import pytest

from export.fingerprint import fingerprint
from export.pdf.report import build_report_pdf
from forms.park.parkfile import dumps, loads
from forms.report.customisation import CUSTOM_KEY, add_section, move_section, rename_section
from forms.report.outline import outline_for
from tests.export.pdf_support import demo_with_text, pdf_pages, squeeze

BASE = outline_for("eip-2021")
RENAMED = "“十三五”主要工作与举措"
ADDED = "重点企业碳排放情况"
ADDED_TEXT = "园区前十家重点用能企业的排放约占园区排放总量的七成。"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    park = demo_with_text()
    custom = rename_section(None, BASE, "ch2.1", RENAMED)
    custom, key = add_section(custom, BASE, "ch3", ADDED, after="ch3.1")
    custom = move_section(custom, BASE, "ch2.3", -1)
    park.report.extra[CUSTOM_KEY] = custom
    park.report.sections[key] = ADDED_TEXT
    park = loads(dumps(park))  # as read back from a park file
    path = tmp_path_factory.mktemp("custom") / "report.pdf"
    path.write_bytes(build_report_pdf(park, fingerprint(park), draft=True, today=_dt.date(2021, 9, 28)))
    return pdf_pages(path)


def body_pages(pages: list[str]) -> dict[int, str]:
    numbered = {}
    for page in pages:
        m = re.search(r"—\s*(\d+)\s*—", page)
        if m:
            numbered[int(m.group(1))] = squeeze(page)
    return numbered


def contents(pages: list[str]) -> str:
    return "\n".join(p for p in pages[1:4] if "目" in p)


def test_renamed_and_added_sections_are_in_the_body_with_their_numbers(pages: list[str]) -> None:
    body = "".join(body_pages(pages).values())
    assert squeeze(f"（一）{RENAMED}") in body
    assert squeeze("主要工作及措施") not in squeeze("".join(pages))  # the old title is gone everywhere
    assert squeeze(f"（二）{ADDED}") + squeeze(ADDED_TEXT) in body
    # numbering follows: ch3.2 is now the third section of chapter three; ch2.3 moved before ch2.2
    assert squeeze("（三）碳排放总量、结构及变化趋势") in body
    assert squeeze("（二）存在的问题与不足") in body and squeeze("（三）取得的成效") in body
    assert body.index(squeeze("存在的问题与不足")) < body.index(squeeze("（三）取得的成效"))


@pytest.mark.parametrize("heading", [f"（一）{RENAMED}", f"（二）{ADDED}", "（二）存在的问题与不足"])
def test_contents_list_the_customised_sections_with_the_right_page(pages: list[str], heading: str) -> None:
    toc = contents(pages)
    m = re.search(re.escape(heading) + r"[\s.]*?(\d+)\s*$", toc, re.MULTILINE)
    assert m, (heading, toc)
    assert squeeze(heading) in body_pages(pages)[int(m.group(1))]
