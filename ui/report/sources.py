"""What a report section page edits: a section of the 专项报告 or of an annual chapter (年度报告 · N).

:class:`ui.report.report_page.ReportSectionPage` and :class:`ui.report.blocks_panel.BlockTools` work for both
outlines through one of these: where the text is kept and how it is written (a session operation), which
blocks fit, how they resolve, what can be drafted, what the section checks say and its fill state.
"""

from __future__ import annotations

from forms.park.model import ParkData
from forms.report.annual import (
    OUTLINE,
    AnnualResolver,
    chapter_blocks,
    chapter_texts,
    check_chapter,
    figure_mismatches,
    proposed_paragraph,
)
from forms.report.check import check_report, check_requirements
from forms.report.drafting import Draft, can_draft, draft_paragraph
from forms.report.markers import BlockRef, split_markers
from forms.report.outline import Outline, OutlineSection, subsection_label
from forms.report.resolve import BlockResolver, available_blocks, inline_text
from forms.table.calc import ParkResult, compute_park
from ui.shell.changes import Changes
from ui.shell.session import ParkSession
from ui.shell.states import COMPLETE_CHARS, FillState, chinese_count, section_state


def page_heading(outline: Outline, key: str) -> str:
    """二、“十三五”碳减排工作回顾 · （二）取得的成效 — as numbered and titled in the (customised) outline."""
    chapter = outline.chapter_of(key)
    index = [s.key for s in chapter.sections].index(key)
    return f"{chapter.heading} · {subsection_label(index)}{chapter.sections[index].title}"


class SpecialReport:
    """The 专项报告 (report.sections, outline of the park's version with its customisation)."""

    annual_year: int | None = None
    has_history = True

    def __init__(self, session: ParkSession, outline: Outline) -> None:
        self.session = session
        self.outline = outline

    @property
    def park(self) -> ParkData:
        return self.session.park

    def heading(self, key: str) -> str:
        return page_heading(self.outline, key)

    def text(self, key: str) -> str:
        return self.park.report.sections.get(key, "")

    def set_text(self, key: str, text: str) -> Changes:
        return self.session.set_section_text(key, text)

    def touches_text(self, changes: Changes, key: str) -> bool:
        """True when ``changes`` may have changed this section's stored text (an undo, a restore)."""
        return key in changes.sections

    def feeds(self, changes: Changes, key: str) -> bool:
        """True when ``changes`` may change what this section's blocks show (its own typing aside)."""
        others = changes.sections - {key}
        return bool(changes.data or changes.projects or changes.scenarios or changes.outline or changes.final
                    or others or changes.targets)  # fmt: skip

    def blocks(self, section: OutlineSection) -> list[tuple[str, str]]:
        return available_blocks(section, self.park.form, self.session.years)

    def resolver(self, park: ParkData, result: ParkResult) -> BlockResolver:
        return BlockResolver(park, result)

    def can_draft(self, key: str) -> bool:
        return can_draft(key)

    def draft(self, key: str, park: ParkData, result: ParkResult) -> Draft:
        return draft_paragraph(key, park, result)

    def checks(self, park: ParkData, result: ParkResult, key: str, resolver: BlockResolver) -> list[tuple[str, str]]:
        return section_checks(park, result, key, resolver)

    def state(self, section: OutlineSection, result: ParkResult | None = None) -> FillState:
        return section_state(self.park, section, result)


class AnnualChapter(SpecialReport):
    """The annual report's carbon chapter of one report year (forms.report.annual, outline eip-annual)."""

    has_history = False

    def __init__(self, session: ParkSession, year: int) -> None:

        super().__init__(session, OUTLINE)
        self.annual_year = self.year = year

    def heading(self, key: str) -> str:
        sections = [s.key for s in self.outline.sections()]
        index = sections.index(key)
        return f"{self.year}年度报告 · {subsection_label(index)}{self.outline.section(key).title}"

    def text(self, key: str) -> str:

        return chapter_texts(self.park, self.year).get(key, "")

    def set_text(self, key: str, text: str) -> Changes:
        return self.session.set_annual_text(self.year, key, text)

    def touches_text(self, changes: Changes, key: str) -> bool:
        return changes.annual

    def feeds(self, changes: Changes, key: str) -> bool:
        return bool(changes.data or changes.projects or changes.targets or changes.annual or changes.final)

    def blocks(self, section: OutlineSection) -> list[tuple[str, str]]:

        return chapter_blocks(section, self.year, self.session.form_of(self.year))

    def resolver(self, park: ParkData, result: ParkResult) -> BlockResolver:

        return AnnualResolver(park, result, self.year)

    def can_draft(self, key: str) -> bool:
        return key in ("a2", "a3")

    def draft(self, key: str, park: ParkData, result: ParkResult) -> Draft:

        if self.year not in result.years:
            return Draft(key, "", "", f"尚未填报 {self.year} 年的年度数据，无法生成段落")
        text = proposed_paragraph(park, result, self.year, key)
        if not text:
            return Draft(key, "", "", "本节没有自动生成的段落")
        return Draft(key, text, inline_text(text, self.resolver(park, result)))

    def gaps(self, result: ParkResult) -> list[tuple[str, str]]:
        """(section key, message) of what keeps the chapter from 定稿."""

        return [(g.section, g.message) for g in check_chapter(self.park, result, self.year)]

    def checks(self, park: ParkData, result: ParkResult, key: str, resolver: BlockResolver) -> list[tuple[str, str]]:

        out = [("warning", m) for m in figure_mismatches(park, result, self.year, key)]
        out += [("missing", m) for s, m in self.gaps(result) if s == key]
        return out

    def state(self, section: OutlineSection, result: ParkResult | None = None) -> FillState:
        return annual_state(self.park, self.year, section, result)


def section_checks(park: ParkData, result: ParkResult, section_key: str,
                   resolver: BlockResolver) -> list[tuple[str, str]]:  # fmt: skip
    """(level, message) for one section: report findings first, then missing required elements."""
    out: list[tuple[str, str]] = []
    for f in check_report(park, result, resolver=resolver):
        if f.section == section_key and f.code in ("figure_mismatch", "stale_figure", "missing_block"):
            note = f"（已说明：{f.explanation}）" if f.explained else ""
            out.append(("warning", f.message + note))
    for m in check_requirements(park, result, resolver=resolver):
        if m.section == section_key:
            out.append(("missing", m.message))
    return out


def annual_state(park: ParkData, year: int, section: OutlineSection, result: ParkResult | None = None) -> FillState:
    """空 without text; 已完成 with enough text (or a data block) and none of the chapter's gaps in this section."""

    text = chapter_texts(park, year).get(section.key, "")
    if not text.strip():
        return FillState.EMPTY
    has_block = any(isinstance(p, BlockRef) for p in split_markers(text))
    if chinese_count(text) < COMPLETE_CHARS and not has_block:
        return FillState.IN_PROGRESS
    result = result or compute_park(park)
    gaps = [g for g in check_chapter(park, result, year) if g.section == section.key]
    return FillState.IN_PROGRESS if gaps else FillState.COMPLETE


__all__ = ["AnnualChapter", "SpecialReport", "annual_state", "page_heading", "section_checks"]
