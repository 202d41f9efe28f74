"""The annual report's carbon chapter as PDF, in the 专项报告's official style (fingerprint on every page,
草稿 watermark until the chapter is final).  Figures come from forms.report.annual's blocks, so the PDF and
the .docx (export.word.annual) print the same strings."""

from __future__ import annotations

import datetime as _dt
import io

from reportlab.platypus import Flowable

from export.pdf.blocks import block_flowables
from export.pdf.report import UNWRITTEN, keep_with_next, text_flowables
from export.pdf.style import BODY, PORTRAIT, Footer, Heading, OfficialDoc, make_styles, para, text_width
from forms.park.model import ParkData
from forms.report.annual import OUTLINE, AnnualResolver, annual_title, chapter_texts
from forms.report.markers import BlockRef, split_markers
from forms.report.outline import subsection_label
from forms.table.calc import ParkResult, compute_park

DOC_TITLE = "年度碳达峰碳中和工作情况"


def chapter_story(park: ParkData, result: ParkResult, year: int, *, draft: bool) -> list[Flowable]:
    styles = make_styles()
    resolver = AnnualResolver(park, result, year)
    width = text_width(PORTRAIT)
    texts = chapter_texts(park, year)
    story: list[Flowable] = [para(annual_title(park.name, year), styles.title)]
    for chapter in OUTLINE.chapters:
        lead: tuple[Flowable, ...] = (Heading(f"{chapter.title}", styles.h1, 0, chapter.key),)
        for i, section in enumerate(chapter.sections):
            text = texts.get(section.key, "")
            body = text_flowables(text, resolver.resolve, styles, width)
            if not body and draft:
                body = [para(UNWRITTEN, styles.body)]
            used = {p.id.split("@")[0] for p in split_markers(text) if isinstance(p, BlockRef)}
            for block_id in section.blocks:
                if block_id not in used:
                    body += block_flowables(resolver.resolve(block_id), styles, width)
            heading = Heading(f"{subsection_label(i)}{section.title}", styles.h2, 1, f"{chapter.key}.{section.key}")
            story += keep_with_next([*lead, heading], body)
            lead = ()
    return story


def build_annual_pdf(park: ParkData, year: int, fp: str, *, draft: bool, result: ParkResult | None = None,
                     today: _dt.date | None = None) -> bytes:  # fmt: skip
    result = result or compute_park(park)
    buf = io.BytesIO()
    doc = OfficialDoc(buf, Footer(fp, park.name, f"{year}{DOC_TITLE}", draft), title=annual_title(park.name, year),
                      first=BODY)  # fmt: skip
    doc.build(chapter_story(park, result, year, draft=draft))
    return buf.getvalue()
