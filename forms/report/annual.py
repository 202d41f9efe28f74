"""The annual report's carbon chapter — outline ``eip-annual``, one chapter per report year N.

Specified in shared/spec/annual-cycle.md (last section).  The texts live in the report
(``report.extra["annual"][str(N)][section key]``), the blocks resolve against the park's data for year N
(block ids carry the year: ``table.year_compare@2025``), and the 定稿 gate checks the spec's required
elements: every target due by N and missed is explained; at least one N+1 target and one N+1 project.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from forms.park.model import ParkData
from forms.report.check import figure_data, find_figures, matches
from forms.report.markers import Block, BlockRef, MissingBlock, TableBlock, split_markers
from forms.report.outline import Chapter, Outline, OutlineSection, Requirement, review_of
from forms.report.projects import filled_projects
from forms.report.resolve import BlockResolver, block_label, change_pct
from forms.table.calc import ParkResult
from forms.table.definition import FormDefinition
from forms.table.numbers import format_number
from forms.table.targets import MISSED, describe, evaluate_targets

ANNUAL_KEY = "annual"  # report.extra member: {"<N>": {"a1": text, …}}
FINAL_KEY = "annual_final"  # report.extra member: {"<N>": {"at": …}} once the chapter of N was marked 定稿
VERSION = "eip-annual"
RUNNING = ("未启动", "实施中")

SECTION_BLOCKS = {
    "a2": ("table.year_compare", "table.zero", "table.pollution", "chart.synergy"),
    "a3": ("table.target_eval",),
    "a4": ("table.progress",),
    "a6": ("table.next_targets", "table.next_projects"),
}
YEAR_BLOCKS = ("table.year_compare", "table.next_targets", "table.next_projects")
BLOCK_TITLES = {
    "table.year_compare": "年度碳排放主要指标对比表",
    "table.next_targets": "下一年度目标",
    "table.next_projects": "下一年度重点项目",
}


def _s(key: str, title: str, guidance: str, req: tuple[Requirement, ...] = ()) -> OutlineSection:
    return OutlineSection(key, title, guidance, req, SECTION_BLOCKS.get(key, ()))


OUTLINE = Outline(
    version=VERSION,
    title_template="{park}年度碳达峰碳中和工作情况",
    chapters=(Chapter("annual", "", "碳达峰碳中和工作", (
        _s("a1", "年度碳达峰碳中和工作总结", "总结本年度在产业结构、能源结构、节能降碳、循环经济、减污降碳协同等方面开展的工作。",
           (Requirement("text", "工作总结", "text"),)),
        _s("a2", "年度成效", "用数据说明本年度二氧化碳排放总量和单位工业增加值二氧化碳排放量，以及与上年、基准年相比的变化；"
           "说明零碳园区核心指标和减污降碳协同情况。",
           (Requirement("figures", "本年度排放总量、排放强度及其较上年和基准年的变化", "annual_figures"),)),
        _s("a3", "目标落实情况", "逐项说明已到期目标的完成情况；未达成的目标须说明原因和拟采取的措施。",
           (Requirement("explained", "每个已到期未达成目标的说明", "annual_targets_explained"),)),
        _s("a4", "重点项目与举措进展", "说明重点项目本年度的进展、实际减排量和计划完成情况。"),
        _s("a5", "存在的问题与不足", "客观分析存在的问题。", (Requirement("text", "问题与不足", "text"),)),
        _s("a6", "下一年度目标和落实举措", "提出下一年度的具体目标和重点项目、落实举措。",
           (Requirement("next", "至少一个下一年度目标和一个下一年度实施的项目", "annual_next"),)),
    )),),
    appendices=(),
)  # fmt: skip


def annual_title(park_name: str, year: int) -> str:
    return f"{park_name or '(园区名称)'}{year}年度碳达峰碳中和工作情况"


def chapter_years(park: ParkData) -> list[int]:
    chapters = park.report.extra.get(ANNUAL_KEY)
    return sorted(int(y) for y in chapters if str(y).isdigit()) if isinstance(chapters, dict) else []


def chapter_texts(park: ParkData, year: int) -> dict[str, str]:
    chapters = park.report.extra.get(ANNUAL_KEY)
    texts = chapters.get(str(year)) if isinstance(chapters, dict) else None
    return {str(k): str(v) for k, v in texts.items()} if isinstance(texts, dict) else {}


def with_text(park: ParkData, year: int, section: str, text: str) -> dict[str, Any]:
    """The new value of ``report.extra["annual"]`` with one section's text set (for a session operation)."""
    chapters = park.report.extra.get(ANNUAL_KEY)
    out = {str(k): dict(v) for k, v in chapters.items()} if isinstance(chapters, dict) else {}
    out.setdefault(str(year), {})[section] = text
    return out


def base_year(park: ParkData) -> int | None:
    """The 专项报告's last filed year of its review period (the outline version's: 2020 for 十三五, 2025 for
    十四五, when filed), else the first filed year."""
    years = park.sorted_years()
    first, last = review_of(park).review
    baseline = [y for y in years if first <= y <= last]
    if baseline:
        return baseline[-1]
    return years[0] if years else None


# -- blocks ------------------------------------------------------------------------------------------

_YEAR_ID = re.compile(r"^(table\.[a-z_]+)@(\d{4})$")


class AnnualResolver(BlockResolver):
    """Resolves the chapter's blocks for report year N (ids with ``@N``), and every ordinary block."""

    def __init__(self, park: ParkData, result: ParkResult, year: int) -> None:
        super().__init__(park, result)
        self.report_year = year

    def resolve(self, block_id: str) -> Block:
        m = _YEAR_ID.match(block_id)
        if m and m.group(1) in YEAR_BLOCKS:
            return self._year_block(m.group(1), int(m.group(2)), block_id)
        if block_id in YEAR_BLOCKS:
            return self._year_block(block_id, self.report_year, block_id)
        return super().resolve(block_id)

    def _year_block(self, name: str, year: int, block_id: str) -> Block:
        if name == "table.year_compare":
            return self.year_compare(year, block_id)
        if name == "table.next_targets":
            return self.next_targets(year, block_id)
        return self.next_projects(year, block_id)

    def year_compare(self, year: int, block_id: str) -> Block:
        if year not in self.result.years:
            return MissingBlock(block_id, f"{year}年没有年度数据")
        form = self.result.form_of(year)
        base = base_year(self.park)
        keys = [form.emissions_key, form.intensity_key, form.energy_key]
        if form.energy_intensity_key:
            keys.append(form.energy_intensity_key)
        keys += [k for k in ("zero.co2_per_energy",) if k in form]
        prev = year - 1
        columns = (
            "指标",
            "单位",
            f"{prev}年",
            f"{year}年",
            "较上年变化（%）",
            f"基准年（{base}年）",
            "较基准年变化（%）",
        )
        rows = []
        for key in keys:
            f = form.field(key)
            now, before = self.value(key, year), self.value(key, prev)
            at_base = self.value(key, base) if base is not None else None

            def cell(v: float | None, key: str = key) -> str:
                return "—" if v is None else format_number(v, form.field(key).decimals)

            def pct(v: float | None) -> str:
                return "—" if v is None else format_number(v, form.unit_decimals("%"))

            rows.append((f.label, f.unit, cell(before), cell(now), pct(change_pct(before, now)), cell(at_base),
                         pct(change_pct(at_base, now))))  # fmt: skip
        plan = review_of(self.park).plan
        note = f"基准年为专项报告“{plan}”期间最后一个填报年份（{base}年）。" if base is not None else ""
        return TableBlock(block_id, f"{year}年{BLOCK_TITLES['table.year_compare']}", columns, tuple(rows),
                          (False, False, True, True, True, True, True), note)  # fmt: skip

    def next_targets(self, year: int, block_id: str) -> Block:
        form = self.form
        rows = [(str(n), describe(t, form), str(t.get("source") or ""))
                for n, t in enumerate((t for t in self.park.targets if t.get("year") == year + 1), start=1)]  # fmt: skip
        return TableBlock(block_id, f"{year + 1}年目标", ("序号", "目标", "来源"), tuple(rows), (False, False, False),
                          "" if rows else f"尚未设置 {year + 1} 年的目标。")  # fmt: skip

    def next_projects(self, year: int, block_id: str) -> Block:
        rows = [(str(n), str(p.get("name") or ""), str(p.get("content") or ""), status)
                for n, (p, status) in enumerate(next_year_projects(self.park, year), start=1)]  # fmt: skip
        return TableBlock(block_id, f"{year + 1}年重点项目", ("序号", "项目名称", "建设内容", "状态"), tuple(rows),
                          (False, False, False, False), "" if rows else f"尚无 {year + 1} 年计划或实施的项目。")  # fmt: skip


_PERIOD = re.compile(r"(\d{4})\D+(\d{4})|(\d{4})")


def _period_covers(text: str, year: int) -> bool:
    m = _PERIOD.search(text or "")
    if not m:
        return False
    if m.group(3):
        return int(m.group(3)) == year
    return int(m.group(1)) <= year <= int(m.group(2))


def next_year_projects(park: ParkData, year: int) -> list[tuple[dict[str, Any], str]]:
    """Projects planned or running in N+1: a progress entry of N+1 that is 未启动 or 实施中, or (without one)
    a construction period that covers N+1."""
    out = []
    for p in filled_projects(park.report.projects):
        progress = p.get("progress") if isinstance(p.get("progress"), dict) else {}
        entry = progress.get(str(year + 1)) if isinstance(progress, dict) else None
        if isinstance(entry, dict):
            if entry.get("status") in RUNNING:
                out.append((p, str(entry.get("status"))))
        elif _period_covers(str(p.get("years") or ""), year + 1):
            out.append((p, "计划实施"))
    return out


# -- the 定稿 gate ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnnualGap:
    section: str
    message: str  # Chinese, names the section and what is missing


def _ids(text: str) -> set[str]:
    return {p.id for p in split_markers(text) if isinstance(p, BlockRef)}


def _prose(text: str) -> str:
    return "".join(p for p in split_markers(text) if isinstance(p, str)).strip()


def check_chapter(park: ParkData, result: ParkResult, year: int) -> list[AnnualGap]:
    """What keeps the chapter for ``year`` from 定稿 (the spec's required elements), each named."""
    texts = chapter_texts(park, year)
    gaps: list[AnnualGap] = []
    heading = {s.key: f"{s.title}" for s in OUTLINE.sections()}
    form = result.form_of(year) if year in result.years else result.form
    if year not in result.years:
        gaps.append(AnnualGap("a2", f"尚未填报 {year} 年的年度数据"))
    for section in OUTLINE.sections():
        text = texts.get(section.key, "")
        for req in section.requirements:
            if req.check == "text" and not _prose(text):
                gaps.append(AnnualGap(section.key, f"“{heading[section.key]}”：正文为空"))
            elif req.check == "annual_figures":
                ids = _ids(text)
                has_table = any(i in ids for i in (f"table.year_compare@{year}", "table.year_compare"))
                values = all(f"value.{k}@{year}" in ids for k in (form.emissions_key, form.intensity_key))
                if not (has_table or values):
                    gaps.append(AnnualGap(section.key, f"“{heading[section.key]}”：缺少{year}年排放总量和排放强度及其"
                                          "较上年、较基准年的变化（请插入“年度碳排放主要指标对比表”）"))  # fmt: skip
            elif req.check == "annual_targets_explained":
                for target, ev in zip(park.targets, evaluate_targets(park.targets, result), strict=True):
                    if ev.status == MISSED and ev.year <= year and not str(target.get("explanation") or "").strip():
                        gaps.append(AnnualGap(section.key, f"“{heading[section.key]}”：目标“{describe(target, form)}”"
                                              "未达成，尚未说明原因"))  # fmt: skip
            elif req.check == "annual_next":
                if not any(t.get("year") == year + 1 for t in park.targets):
                    gaps.append(AnnualGap(section.key, f"“{heading[section.key]}”：尚未设置 {year + 1} 年的目标"))
                if not next_year_projects(park, year):
                    gaps.append(AnnualGap(section.key, f"“{heading[section.key]}”：尚无 {year + 1} 年计划或实施的项目"))
    return gaps


# -- drafting help -------------------------------------------------------------------------------------


def proposed_paragraph(park: ParkData, result: ParkResult, year: int, section: str) -> str:
    """A paragraph for a2 or a3 whose numbers are live markers (they follow the data until 定稿)."""
    form = result.form_of(year) if year in result.years else result.form
    e, i = form.emissions_key, form.intensity_key
    if section == "a2":
        base = base_year(park)
        parts = [f"{year}年，园区二氧化碳排放总量为{{{{value.{e}@{year}}}}}，单位工业增加值二氧化碳排放量为"
                 f"{{{{value.{i}@{year}}}}}。"]  # fmt: skip
        if year - 1 in result.years:
            parts.append(f"{year - 1}年分别为{{{{value.{e}@{year - 1}}}}}和{{{{value.{i}@{year - 1}}}}}。")
        if base is not None and base != year:
            parts.append(f"基准年（{base}年）分别为{{{{value.{e}@{base}}}}}和{{{{value.{i}@{base}}}}}。")
        parts.append(f"\n{{{{table.year_compare@{year}}}}}")
        if "zero.co2_per_energy" in form:
            parts.append(f"\n{year}年单位能耗碳排放为{{{{value.zero.co2_per_energy@{year}}}}}。\n{{{{table.zero}}}}")
        return "".join(parts)
    if section == "a3":
        due = [t for t in park.targets if int(t.get("year", 0)) <= year]
        if not due:
            return f"截至{year}年，园区尚无到期的碳达峰碳中和目标。\n{{{{table.target_eval}}}}"
        return (f"截至{year}年，园区共有 {len(due)} 项目标到期，完成情况见下表。未达成的目标逐项说明如下：\n"
                "{{table.target_eval}}")  # fmt: skip
    return ""


def sections(outline: Outline = OUTLINE) -> Sequence[OutlineSection]:
    return list(outline.sections())


# -- the window's editor (ui.report) ----------------------------------------------------------------


def chapter_blocks(section: OutlineSection, year: int, form: FormDefinition) -> list[tuple[str, str]]:
    """The blocks that fit a section of the chapter for ``year``: (id, Chinese label).  Year-bound tables carry
    ``@year``; a2 also offers N's and N−1's emissions and intensity as value blocks."""
    out: list[tuple[str, str]] = []
    for block_id in section.blocks:
        if block_id in YEAR_BLOCKS:
            title = (
                f"{year + 1}年目标"
                if block_id == "table.next_targets"
                else (
                    f"{year + 1}年重点项目"
                    if block_id == "table.next_projects"
                    else f"{year}年{BLOCK_TITLES[block_id]}"
                )
            )
            out.append((f"{block_id}@{year}", title))
        else:
            out.append((block_id, block_label(block_id, form)))
    if any(r.check == "annual_figures" for r in section.requirements):
        for key in (form.emissions_key, form.intensity_key):
            for y in (year, year - 1):
                out.append((f"value.{key}@{y}", f"{y}年{form.field(key).label}"))
    return out


def with_chapter(park: ParkData, year: int, present: bool) -> dict[str, Any] | None:
    """The new ``report.extra["annual"]`` with the chapter of ``year`` added (empty) or removed."""
    chapters = park.report.extra.get(ANNUAL_KEY)
    out = {str(k): dict(v) for k, v in chapters.items()} if isinstance(chapters, dict) else {}
    if present:
        out.setdefault(str(year), {})
    else:
        out.pop(str(year), None)
    return out or None


def final_marks(park: ParkData) -> dict[str, Any]:
    marks = park.report.extra.get(FINAL_KEY)
    return {str(k): v for k, v in marks.items()} if isinstance(marks, dict) else {}


def is_chapter_final(park: ParkData, year: int) -> bool:
    return str(year) in final_marks(park)


def figure_mismatches(park: ParkData, result: ParkResult, year: int, section: str) -> list[str]:
    """Figures typed in a section's prose that disagree with the data (Chinese messages naming the figure)."""
    text = chapter_texts(park, year).get(section, "")
    if not text.strip():
        return []
    form = result.form_of(year) if year in result.years else result.form
    out = []
    for fig in find_figures(section, text, form, sorted(result.years)):
        data = figure_data(fig, result)
        if data is None or matches(fig.typed, fig.decimals, data):
            continue
        label = form.field(fig.key).label
        what = f"{fig.year}年{label}" if fig.year else f"{fig.first}—{fig.last}年{label}变化"
        shown = f"{data:,.2f}" if fig.kind in ("value", "share") else f"{data:+.2f}%"
        out.append(f"正文“{fig.text}”（{what}）与数据不符：数据为 {shown}")
    return out
