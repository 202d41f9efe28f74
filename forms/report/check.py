"""Checks on the special report: required elements, figures in the prose, and the 定稿 (final) gate.

Required elements (``Requirement.check`` in forms/outline.py):

- ``text`` — the section has prose (data-block markers alone do not count);
- ``mentions:<key>`` — the section shows the figure: a value block of ``<key>`` (also its change blocks),
  a table block with a row for it, or a number in the prose that reads as that figure;
- ``blocks:a|b|text`` — one of the listed blocks is inserted, or (``text`` listed) the section has prose;
- ``projection`` — the park has at least two scenarios of its own that project without error, and the
  section shows them (a projection block, or prose naming the peak: 达峰/峰值);
- ``projects`` — at least one key project (invalid project rows are reported as errors by
  :func:`check_report`, so they block 定稿 as well).

Consistency: numbers typed in the prose that read as a data figure — "2020年排放总量为688.8万吨",
"单位工业增加值二氧化碳排放量下降了12.3%", "工业增加值436.5亿元", "年均下降3.9%" — are compared with the
data at the precision the clerk wrote (688.8 matches 688.75…; 689 matches too; 688.7 does not).  Units
万吨/吨, 万吨标准煤/吨标准煤, 亿元/万元, 吨/万元 and % are understood.  A figure that matched the data when it
was recorded (``report.extra["figures"]``, kept by :func:`update_figure_snapshot`) and no longer does is
reported as *stale*, with the written and the current value.  Figures that cannot be tied to a filed year
and a data key are left alone (no guessing).

Empty sections: every section of the outline has prose or a data block before 定稿, or its text reads
"本节不适用：<理由>" (:func:`empty_sections` names the others by number and title; the final PDF never prints
a bare heading).

Final gate: :func:`final_gate` lists everything that blocks 定稿; :func:`final_record` is what the window
stores with ``db.set_report_extra(park_id, "final", record)``; :func:`is_final` tells the exports whether
the current content is the one marked final (any later change makes the park a draft again, watermarked
草稿).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from forms.park.model import ParkData
from forms.park.parkfile import park_to_json
from forms.report.customisation import custom_findings, effective_outline
from forms.report.markers import BlockRef, MissingBlock, TableBlock, split_markers
from forms.report.outline import Outline, OutlineSection, subsection_label
from forms.report.projection import ParkProjection, project_scenarios
from forms.report.projects import filled_projects, validate_projects
from forms.report.resolve import BlockResolver, avg_change_pct, change_pct
from forms.table.calc import ParkResult
from forms.table.definition import ERROR, WARNING, FormDefinition
from forms.table.validate import validate_park

FINAL_KEY, FIGURES_KEY, NOTES_KEY = "final", "figures", "check_notes"
MAIL_KEY = "mail"  # the e-mail draft's recipient and sender (export.package): not content, 定稿 stays
_BOOKKEEPING = (FINAL_KEY, FIGURES_KEY, NOTES_KEY, MAIL_KEY)


# ---------------------------------------------------------------------------------------------------
# Findings


@dataclass(frozen=True)
class ReportFinding:
    level: str  # "error" | "warning"
    section: str  # outline section key ("" for the report as a whole)
    code: str  # missing_element | figure_mismatch | stale_figure | missing_block | project | scenario
    message: str  # Chinese, names the section, year and figure
    year: int | None = None
    key: str = ""
    snippet: str = ""
    typed: float | None = None  # the number as written (in the unit written)
    data: float | None = None  # the current data in the same unit
    explanation: str = ""

    @property
    def id(self) -> str:
        return f"{self.section}|{self.code}|{self.year or ''}|{self.key}|{self.snippet}"

    @property
    def explained(self) -> bool:
        return bool(self.explanation.strip())

    @property
    def blocking(self) -> bool:
        return self.level == ERROR or not self.explained


def section_heading(outline: Outline, key: str) -> str:
    """The heading of a section as printed, e.g. 二（二）取得的成效 for ch2.2."""
    try:
        chapter = outline.chapter_of(key)
    except KeyError:
        return key
    index = [s.key for s in chapter.sections].index(key)
    return f"{chapter.number}{subsection_label(index)}{chapter.sections[index].title}"


# ---------------------------------------------------------------------------------------------------
# Figures in the prose

_UNITS: dict[str, tuple[str, float]] = {  # written unit -> (quantity, factor to the data unit)
    "万吨二氧化碳": ("co2", 1e4), "万吨CO2": ("co2", 1e4), "万tCO2": ("co2", 1e4), "万吨CO₂": ("co2", 1e4),
    "吨二氧化碳/万元": ("co2_int", 1), "吨CO2/万元": ("co2_int", 1), "tCO2/万元": ("co2_int", 1),
    "吨标准煤/万元": ("tce_int", 1), "吨标煤/万元": ("tce_int", 1), "tce/万元": ("tce_int", 1),
    "吨/万元": ("int", 1),
    "万吨标准煤": ("tce", 1e4), "万吨标煤": ("tce", 1e4), "万tce": ("tce", 1e4),
    "吨标准煤": ("tce", 1), "吨标煤": ("tce", 1), "tce": ("tce", 1),
    "吨二氧化碳": ("co2", 1), "吨CO2": ("co2", 1), "tCO2": ("co2", 1),
    "万吨": ("mass", 1e4), "吨": ("mass", 1),
    "亿元": ("money", 1), "万元": ("money", 1e-4),
    "个百分点": ("pp", 1), "%": ("pct", 1), "％": ("pct", 1),
}  # fmt: skip
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_FIGURE = re.compile(r"(?<![\d.,])([-+−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(" + _UNIT_RE + ")")
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*年")
_RANGE = re.compile(r"(?<!\d)(\d{4})\s*(?:年)?\s*(?:-|–|—|～|~|至|到)\s*(\d{4})\s*年")
_SINCE = re.compile(r"(?:较|比|与|同)\s*(\d{4})\s*年")
_DOWN = ("下降", "降低", "减少", "削减", "降幅", "减排", "回落")
_UP = ("增长", "上升", "增加", "提高", "升高", "增幅", "上涨")
_YOY = ("同比", "比上年", "较上年", "比上一年", "较上一年")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．％，", "0123456789.%，")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+")

# quantity of a data unit
_QUANTITY = {"tCO2": "co2", "tce": "tce", "亿元": "money", "tCO2/万元": "co2_int", "tce/万元": "tce_int", "%": "pct"}


def _compatible(written: str, data: str) -> bool:
    if written == data:
        return True
    return (written == "mass" and data in ("co2", "tce")) or (written == "int" and data in ("co2_int", "tce_int"))


@dataclass(frozen=True)
class Figure:
    """A number in the prose tied to a data key: a value of one year, or a change between two years."""

    section: str
    snippet: str  # the sentence it stands in
    text: str  # "688.8万吨"
    key: str
    kind: str  # "value" | "change" | "avg_change" | "share"
    typed: float  # signed for changes (negative = decline)
    decimals: int
    factor: float  # data = typed × factor (values)
    year: int | None = None
    first: int | None = None
    last: int | None = None

    @property
    def id(self) -> str:
        when = self.year if self.year is not None else f"{self.first}-{self.last}"
        return f"{self.section}|{self.kind}|{self.key}|{when}|{self.text}"


class _Where(TypedDict):
    """Where a figure stands (the fields of :class:`Figure` every figure of one match shares)."""

    section: str
    snippet: str
    text: str
    decimals: int


@dataclass
class _Keywords:
    items: list[tuple[str, str]]  # (phrase, key), longest first
    shares: dict[str, str]  # emission part key -> share key


def _keywords(form: FormDefinition) -> _Keywords:
    pairs: dict[str, str] = {}
    for f in form.fields:
        if f.is_numeric and f.unit in _QUANTITY and f.key not in form.share_keys:
            pairs.setdefault(f.label, f.key)
    energy_per_iva = form.energy_intensity_key if form.energy_intensity_key in form else None
    synonyms = {
        "排放总量": form.emissions_key, "碳排放总量": form.emissions_key, "二氧化碳排放量": form.emissions_key,
        "碳排放量": form.emissions_key, "二氧化碳排放": form.emissions_key, "碳排放": form.emissions_key,
        "能源消费总量": form.energy_key, "综合能耗": form.energy_key, "能源消费量": form.energy_key,
        "碳排放强度": form.intensity_key, "单位工业增加值碳排放": form.intensity_key,
        "单位工业增加值二氧化碳排放": form.intensity_key, "工业增加值碳排放强度": form.intensity_key,
        "工业增加值": form.value_added_key,
    }  # fmt: skip
    if energy_per_iva:
        synonyms.update({"能耗强度": energy_per_iva, "单位工业增加值能耗": energy_per_iva})
    for phrase, key in synonyms.items():
        if key in form:
            pairs.setdefault(phrase, key)
    shares = {part: share for share, part in form.structure_shares}
    items = sorted(pairs.items(), key=lambda kv: len(kv[0]), reverse=True)
    return _Keywords(items, shares)


def _subject(text: str, end: int, kw: _Keywords) -> tuple[str, int] | None:
    """The data key named nearest before ``end`` (the longest phrase among those ending nearest)."""
    best: tuple[int, int, str, int] | None = None  # (end, length, key, start)
    for phrase, key in kw.items:
        start = text.rfind(phrase, 0, end)
        while start >= 0:
            stop = start + len(phrase)
            if stop <= end:
                cand = (stop, len(phrase), key, start)
                if best is None or cand[:2] > best[:2]:
                    best = cand
                break
            start = text.rfind(phrase, 0, start)
    return (best[2], best[0]) if best else None


def _plain(text: str) -> str:
    """Prose with data-block markers blanked out (linked figures are never stale)."""
    return "".join("〔〕" if isinstance(p, BlockRef) else p for p in split_markers(text))


def find_figures(section: str, text: str, form: FormDefinition, years: Sequence[int]) -> list[Figure]:
    """The figures in one section's prose that can be tied to a data key and filed years."""
    kw = _keywords(form)
    filed = sorted(years)
    out: list[Figure] = []
    for sm in _SENTENCE.finditer(_plain(text).translate(_FULLWIDTH)):
        sentence = sm.group(0)
        order_in_range = 0
        for m in _FIGURE.finditer(sentence):
            number, unit = m.group(1), m.group(2)
            quantity, factor = _UNITS[unit]
            if quantity == "pp":
                continue
            subject = _subject(sentence, m.start(), kw)
            if subject is None:
                continue
            key, subject_end = subject
            data_unit = form.field(key).unit
            data_q = _QUANTITY.get(data_unit, "")
            typed = float(number.replace(",", "").replace("−", "-"))
            decimals = len(number.split(".")[1]) if "." in number else 0
            before = sentence[: m.start()]
            stretch = sentence[subject_end : m.start()]
            rng = None
            for r in _RANGE.finditer(before):
                rng = (int(r.group(1)), int(r.group(2)))
            since = None
            for s in _SINCE.finditer(before):
                since = int(s.group(1))
            common: _Where = {"section": section, "snippet": sentence.strip(), "text": m.group(0).strip(),
                              "decimals": decimals}  # fmt: skip
            if quantity == "pct" and data_q != "pct":
                part_share = kw.shares.get(key)
                if "占" in stretch and part_share:
                    year = _year_before(before, since, filed)
                    if year is not None:
                        out.append(Figure(key=part_share, kind="share", typed=typed, factor=1, year=year, **common))
                    continue
                down = any(w in stretch for w in _DOWN)
                up = any(w in stretch for w in _UP)
                if down == up:
                    continue
                sign = -1 if down else 1
                kind = "avg_change" if "年均" in stretch or "平均每年" in stretch else "change"
                if any(w in stretch for w in _YOY):
                    year = _year_before(before, None, filed) or (filed[-1] if filed else None)
                    if year is None:
                        continue
                    first, last = year - 1, year
                elif rng:
                    first, last = rng
                elif since is not None:
                    later = [int(y.group(1)) for y in _YEAR.finditer(before) if int(y.group(1)) != since]
                    first, last = since, (later[-1] if later else filed[-1] if filed else since)
                elif filed:
                    first, last = filed[0], filed[-1]
                else:
                    continue
                if first in filed and last in filed and first < last:
                    out.append(Figure(key=key, kind=kind, typed=sign * abs(typed), factor=1, first=first, last=last,
                                      **common))  # fmt: skip
                continue
            if not _compatible(quantity, data_q):
                continue
            if rng and ("由" in before or "从" in before or "分别" in before):
                year = rng[0] if order_in_range == 0 else rng[1]
                order_in_range += 1
                if order_in_range > 2:
                    continue
            else:
                year = _year_before(before, since, filed)
            if year is None or year not in filed:
                continue
            out.append(Figure(key=key, kind="value", typed=typed, factor=factor, year=year, **common))
    return out


def _year_before(before: str, since: int | None, filed: Sequence[int]) -> int | None:
    years = [int(y.group(1)) for y in _YEAR.finditer(before)]
    if since is not None and years and years[-1] == since:
        years = years[:-1]
    return years[-1] if years else None


def figure_data(fig: Figure, result: ParkResult) -> float | None:
    """The current data for a figure, in the unit written (signed % for changes)."""

    def val(y: int | None) -> float | None:
        yr = result.years.get(y) if y is not None else None
        return yr.value(fig.key) if yr else None

    if fig.kind in ("value", "share"):
        v = val(fig.year)
        return None if v is None else v / fig.factor
    a, b = val(fig.first), val(fig.last)
    if fig.kind == "avg_change":
        return avg_change_pct(a, b, (fig.last or 0) - (fig.first or 0))
    return change_pct(a, b)


def matches(typed: float, decimals: int, data: float | None) -> bool:
    """True when the data, rounded to the precision written, is the number written."""
    if data is None:
        return False
    return abs(data - typed) <= 0.5 * 10.0**-decimals * (1 + 1e-9) + 1e-12


def _describe(fig: Figure, form: FormDefinition) -> str:
    label = form.field(fig.key).label
    if fig.kind == "value" or fig.kind == "share":
        return f"{fig.year}年{label}"
    span = f"{fig.first}—{fig.last}年"
    return f"{span}{label}{'年均' if fig.kind == 'avg_change' else ''}变化"


def _fmt(v: float, decimals: int) -> str:
    return f"{v:,.{max(decimals, 2)}f}"


def _shown_data(fig: Figure, data: float, form: FormDefinition) -> str:
    unit = fig.text.lstrip("+-−0123456789.,").strip()
    if fig.kind in ("change", "avg_change"):
        word = "下降" if data < 0 else "增长"
        return f"{word} {abs(data):.2f}%"
    if fig.kind == "value" and fig.factor == 1 and unit in ("tCO2", "吨", "吨二氧化碳", "吨CO2", "tce", "吨标准煤"):
        return f"{data:,.0f}{unit}"
    return f"{_fmt(data, fig.decimals)}{unit}"


def check_figures(park: ParkData, result: ParkResult, outline: Outline | None = None) -> list[ReportFinding]:
    outline = outline or effective_outline(park)
    form = result.form
    years = sorted(result.years)
    baseline = park.report.extra.get(FIGURES_KEY)
    baseline = baseline if isinstance(baseline, dict) else {}
    notes = _notes(park)
    out: list[ReportFinding] = []
    for section in outline.sections():
        text = park.report.sections.get(section.key, "")
        if not text:
            continue
        heading = section_heading(outline, section.key)
        for fig in find_figures(section.key, text, form, years):
            data = figure_data(fig, result)
            if data is None or matches(fig.typed, fig.decimals, data):
                continue
            what = _describe(fig, form)
            then = baseline.get(fig.id)
            then_data = then.get("data") if isinstance(then, dict) else None
            if isinstance(then_data, (int, float)) and matches(fig.typed, fig.decimals, float(then_data)):
                code = "stale_figure"
                msg = (f"{heading}：正文“{fig.text}”（{what}）写于数据变更之前：正文为 {fig.text}，"
                       f"现数据为 {_shown_data(fig, data, form)}，请更新正文或改用数据块")  # fmt: skip
            else:
                code = "figure_mismatch"
                msg = (f"{heading}：正文“{fig.text}”（{what}）与数据不符：正文为 {fig.text}，"
                       f"数据为 {_shown_data(fig, data, form)}")  # fmt: skip
            f = ReportFinding(WARNING, section.key, code, msg, fig.year if fig.year else fig.last, fig.key, fig.text,
                              fig.typed, data)  # fmt: skip
            out.append(_with_note(f, notes))
    return out


def update_figure_snapshot(park: ParkData, result: ParkResult, outline: Outline | None = None) -> dict[str, Any]:
    """The figure record to store in ``report.extra["figures"]`` after the clerk edits the prose.

    Figures that match the data now are recorded with the current data; a recorded figure that no
    longer matches keeps its old record (so it is reported as stale); figures gone from the text are
    dropped.
    """
    outline = outline or effective_outline(park)
    old = park.report.extra.get(FIGURES_KEY)
    old = old if isinstance(old, dict) else {}
    new: dict[str, Any] = {}
    for section in outline.sections():
        text = park.report.sections.get(section.key, "")
        for fig in find_figures(section.key, text, result.form, sorted(result.years)):
            data = figure_data(fig, result)
            if data is not None and matches(fig.typed, fig.decimals, data):
                new[fig.id] = {"data": data}
            elif fig.id in old:
                new[fig.id] = old[fig.id]
    return new


# ---------------------------------------------------------------------------------------------------
# Required elements


@dataclass(frozen=True)
class MissingElement:
    section: str
    requirement: str  # Requirement.id
    message: str


def _prose(text: str) -> str:
    return "".join(p for p in split_markers(text) if isinstance(p, str)).strip()


def _mentions(key: str, text: str, resolver: BlockResolver, figures: Iterable[Figure]) -> bool:
    form = resolver.form
    for p in split_markers(text):
        if not isinstance(p, BlockRef):
            continue
        bid = p.id.split("@")[0]
        if bid.startswith("value."):
            rest = bid.removeprefix("value.")
            if rest == key or rest.partition(".")[2] == key or (key == form.intensity_key and rest.startswith("trend.")
                                                                and "co2_per_iva" in rest):  # fmt: skip
                return True
        elif bid.startswith("table."):
            block = resolver.resolve(p.id)
            if (
                isinstance(block, TableBlock)
                and key in form
                and any(r and r[0] == form.field(key).label for r in block.rows)
            ):
                return True
    return any(f.key == key for f in figures)


def _own_projection_ok(park: ParkData, projection: ParkProjection) -> str | None:
    if projection.defaults_used:
        return "尚未设置情景参数（至少设置基准情景和政策情景）"
    if len(projection.results) < 2:
        return "至少需要两个可计算的情景（基准情景、政策情景）"
    if projection.errors:
        return "情景参数有误：" + "；".join(projection.errors.values())
    return None


def check_requirements(park: ParkData, result: ParkResult, outline: Outline | None = None, *,
                       resolver: BlockResolver | None = None) -> list[MissingElement]:  # fmt: skip
    outline = outline or effective_outline(park)
    resolver = resolver or BlockResolver(park, result)
    years = sorted(result.years)
    out: list[MissingElement] = []
    for section in outline.sections():
        text = park.report.sections.get(section.key, "")
        heading = section_heading(outline, section.key)
        figures = find_figures(section.key, text, result.form, years) if text else []
        for req in section.requirements:
            why = _requirement_gap(req.check, section, text, park, resolver, figures)
            if why is not None:
                out.append(MissingElement(section.key, req.id, f"{heading}：缺少“{req.label}”{why}"))
    return out


def _requirement_gap(check: str, section: OutlineSection, text: str, park: ParkData, resolver: BlockResolver,
                     figures: list[Figure]) -> str | None:  # fmt: skip
    """None when the requirement is met, else a short Chinese explanation (may be empty)."""
    ids = {p.id.split("@")[0] for p in split_markers(text) if isinstance(p, BlockRef)}
    if check == "text":
        return None if _prose(text) else "（正文为空）"
    if check.startswith("mentions:"):
        key = check.split(":", 1)[1]
        return None if _mentions(key, text, resolver, figures) else "（请插入相应数据块或在正文中写明数值）"
    if check.startswith("blocks:"):
        options = check.split(":", 1)[1].split("|")
        if any(o in ids for o in options if o != "text"):
            return None
        if "text" in options and _prose(text):
            return None
        titles = [(o, getattr(resolver.resolve(o), "title", None)) for o in options if o != "text"]
        names = "、".join(o if title is None else f"“{title}”" for o, title in titles)
        return f"（请插入{names}或在正文中说明）"
    if check == "projection":
        gap = _own_projection_ok(park, resolver.projection)
        if gap:
            return f"({gap})"
        shown = any(i in ids for i in ("table.projection", "chart.projection", "table.targets")) or any(
            i.startswith("value.projection.") for i in ids
        )
        if shown or any(w in _prose(text) for w in ("达峰", "峰值")):
            return None
        return "（请插入预测表或预测图，或在正文中写明各情景的达峰年份和峰值）"
    if check == "projects":
        projects = filled_projects(park.report.projects)
        if not projects:
            return "（尚未填写重点项目）"
        return None
    return f"（未知的检查规则“{check}”）"


# ---------------------------------------------------------------------------------------------------
# Empty sections: every section has content before 定稿, or says why it does not apply

NOT_APPLICABLE = "本节不适用"  # a section's text "本节不适用：<理由>" (printed as written)
_NA = re.compile(r"^\s*本节不适用\s*[：:，,。．.]?\s*(.*)$", re.S)


def not_applicable_reason(text: str) -> str | None:
    """The reason of a section marked "本节不适用：<理由>" ("" when the reason is missing); None otherwise."""
    m = _NA.match(text or "")
    return None if m is None else m[1].strip().rstrip("。").strip()


def not_applicable_text(reason: str) -> str:
    """The section text that marks a section 不适用 (what the window's button writes)."""
    reason = reason.strip().rstrip("。")
    return f"{NOT_APPLICABLE}：{reason}。" if reason else f"{NOT_APPLICABLE}："


@dataclass(frozen=True)
class EmptySection:
    section: str
    heading: str  # 六（三）实施节能降碳与能效提升
    message: str


def empty_sections(park: ParkData, outline: Outline | None = None) -> list[EmptySection]:
    """Sections with neither prose nor a data block, and sections marked 本节不适用 without a reason.

    A section whose kind supplies its own content (the key-project list, printed from the projects) is
    empty only when that content is missing too.
    """
    outline = outline or effective_outline(park)
    out: list[EmptySection] = []
    for section in outline.sections():
        text = park.report.sections.get(section.key, "")
        heading = section_heading(outline, section.key)
        reason = not_applicable_reason(text)
        if reason is not None:
            if not reason:
                out.append(EmptySection(section.key, heading, f"{heading}：标为“本节不适用”，但没有写明理由"))
            continue
        has_block = any(isinstance(p, BlockRef) for p in split_markers(text))
        own = section.kind == "projects" and bool(filled_projects(park.report.projects))
        if not _prose(text) and not has_block and not own:
            out.append(EmptySection(section.key, heading,
                                    f"{heading}：本节尚无内容（请撰写正文，或写明“本节不适用：理由”）"))  # fmt: skip
    return out


# ---------------------------------------------------------------------------------------------------
# Everything about the report


def _notes(park: ParkData) -> dict[str, str]:
    notes = park.report.extra.get(NOTES_KEY)
    return {str(k): str(v) for k, v in notes.items()} if isinstance(notes, dict) else {}


def _with_note(f: ReportFinding, notes: dict[str, str]) -> ReportFinding:
    note = notes.get(f.id, "")
    if not note:
        return f
    return ReportFinding(f.level, f.section, f.code, f.message, f.year, f.key, f.snippet, f.typed, f.data, note)


def check_report(park: ParkData, result: ParkResult, outline: Outline | None = None, *,
                 resolver: BlockResolver | None = None) -> list[ReportFinding]:  # fmt: skip
    """Figures that disagree with the data, unknown blocks, project and scenario errors, and the parts of the
    outline customisation (forms.report.customisation) that had to be ignored."""
    outline = outline or effective_outline(park)
    resolver = resolver or BlockResolver(park, result)
    notes = _notes(park)
    out = check_figures(park, result, outline)
    for section in outline.sections():
        text = park.report.sections.get(section.key, "")
        heading = section_heading(outline, section.key)
        for p in split_markers(text):
            if isinstance(p, BlockRef):
                block = resolver.resolve(p.id)
                if isinstance(block, MissingBlock):
                    out.append(_with_note(ReportFinding(WARNING, section.key, "missing_block",
                                                        f"{heading}：数据块“{p.id}”无法显示：{block.reason}",
                                                        snippet=p.id), notes))  # fmt: skip
    for issue in validate_projects(park.report.projects):
        out.append(ReportFinding(ERROR, "ch6.9", "project", issue.message, key=issue.key, snippet=str(issue.index)))
    for cf in custom_findings(park):  # parts of the outline customisation that were ignored
        out.append(_with_note(ReportFinding(WARNING, "", "outline_custom", cf.message, snippet=cf.path), notes))
    proj = resolver.projection
    if not proj.defaults_used:
        for name, err in proj.errors.items():
            out.append(ReportFinding(ERROR, "ch4.2", "scenario", f"情景“{name}”：{err}", key=name))
    return out


# ---------------------------------------------------------------------------------------------------
# 定稿 gate


@dataclass(frozen=True)
class Blocker:
    kind: str  # "data_error" | "data_warning" | "empty_section" | "missing_element" | "report_error" | …
    message: str
    section: str = ""
    year: int | None = None
    key: str = ""
    ref: str = ""  # ReportFinding.id of a report warning (its explanation goes to report.extra["check_notes"])


@dataclass(frozen=True)
class GateResult:
    ok: bool
    blockers: list[str]  # Chinese reasons, each naming section / year / field
    items: list[Blocker] = field(default_factory=list)


def _field_name(form: FormDefinition, key: str) -> str:
    return f"{form.field(key).label}({key})" if key in form else key


def final_gate(park: ParkData, result: ParkResult, findings: Sequence[Any] | None = None, *,
               outline: Outline | None = None) -> GateResult:  # fmt: skip
    """What keeps the park from 定稿: hard errors, unexplained warnings, missing required elements.

    ``findings`` are the data findings of :func:`forms.table.validate.validate_park` (computed when None).
    """
    if findings is None:
        findings = validate_park(park, result)
    outline = outline or effective_outline(park)
    resolver = BlockResolver(park, result, projection=project_scenarios(park, result))
    form = result.form
    items: list[Blocker] = []
    for f in findings:
        where = (f"{f.year}年 " if f.year else "园区信息 ") + _field_name(form, f.key)
        if f.level == ERROR:
            items.append(Blocker("data_error", f"{where}：错误：{f.message}", "", f.year, f.key))
        elif not f.explained:
            items.append(Blocker("data_warning", f"{where}：警告尚未说明：{f.message}", "", f.year, f.key))
    for e in empty_sections(park, outline):
        items.append(Blocker("empty_section", e.message, e.section))
    for m in check_requirements(park, result, outline, resolver=resolver):
        items.append(Blocker("missing_element", m.message, m.section))
    for rf in check_report(park, result, outline, resolver=resolver):
        if rf.level == ERROR:
            items.append(Blocker("report_error", rf.message, rf.section, rf.year, rf.key))
        elif not rf.explained:
            items.append(
                Blocker("report_warning", rf.message + "（请修改或填写说明）", rf.section, rf.year, rf.key, rf.id)
            )
    return GateResult(not items, [b.message for b in items], items)


def content_fingerprint(park: ParkData) -> str:
    """A short hash of the park's content (data and text), leaving out the gate's own bookkeeping."""
    doc = park_to_json(park)
    report = doc.get("report", {})
    for key in _BOOKKEEPING:
        report.pop(key, None)
    for ydoc in doc.get("years", {}).values():
        lock = ydoc.get("locked_factors")
        if isinstance(lock, dict):  # when and why a year's factors were locked is bookkeeping; the values are content
            ydoc["locked_factors"] = {k: v for k, v in lock.items() if k not in ("at", "reason")}
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]  # (a lone surrogate too)


def final_record(park: ParkData, result: ParkResult, now: _dt.datetime | None = None) -> dict[str, Any]:
    """What to store under ``report.extra["final"]`` when the gate is open."""
    at = (now or _dt.datetime.now().astimezone()).isoformat(timespec="seconds")
    return {"at": at, "fingerprint": content_fingerprint(park)}


def mark_final(park: ParkData, result: ParkResult, findings: Sequence[Any] | None = None,
               now: _dt.datetime | None = None) -> tuple[GateResult, dict[str, Any] | None]:  # fmt: skip
    gate = final_gate(park, result, findings)
    return gate, (final_record(park, result, now) if gate.ok else None)


def final_state(park: ParkData) -> str:
    """State of the final mark: "final" (unchanged since), "changed" (edited after) or "draft"."""
    rec = park.report.extra.get(FINAL_KEY)
    if not isinstance(rec, dict) or not rec.get("fingerprint"):
        return "draft"
    return "final" if rec["fingerprint"] == content_fingerprint(park) else "changed"


def is_final(park: ParkData) -> bool:
    """True when the park was marked 定稿 and nothing changed since; exports of other parks say 草稿."""
    return final_state(park) == "final"


def final_label(park: ParkData) -> str:
    state = final_state(park)
    rec = park.report.extra.get(FINAL_KEY)
    at = rec.get("at", "") if isinstance(rec, dict) else ""
    if state == "final":
        return f"已定稿（{at[:16].replace('T', ' ')}）"
    if state == "changed":
        return "草稿（定稿后内容有改动，需重新定稿）"
    return "草稿"
