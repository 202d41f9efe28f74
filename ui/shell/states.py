"""Fill states of navigation entries (空 / 填写中 / 有错误 / 已完成) and their colours and icons."""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtGui import QColor, QImage, QPixmap

from forms.park.model import ParkData
from forms.report.check import check_requirements, not_applicable_reason
from forms.report.outline import Chapter, Outline, OutlineSection
from forms.table.calc import compute_park
from forms.table.definition import ERROR, INPUT, VALUES
from forms.table.numbers import is_blank
from forms.table.registry import form_for

if TYPE_CHECKING:
    from forms.table.calc import ParkResult
    from forms.table.validate import Finding

COMPLETE_CHARS = 100  # a report section with at least this many Chinese characters counts as written


class FillState(Enum):
    EMPTY = "空"
    IN_PROGRESS = "填写中"
    ERRORS = "有错误"
    COMPLETE = "已完成"

    @property
    def colour(self) -> QColor:
        return QColor(_COLOURS[self])


_COLOURS = {
    FillState.EMPTY: "#9e9e9e",
    FillState.IN_PROGRESS: "#1e6fd9",
    FillState.ERRORS: "#d32f2f",
    FillState.COMPLETE: "#2e7d32",
}
_ICONS: dict[FillState, QPixmap] = {}


ICON_SIZE = 14
_RADIUS = 5.5  # of the dot, in pixels
_RING = 1.5  # width of the ring drawn for 空


def _coverage(distance: float, hollow: bool) -> float:
    """How much of the pixel at ``distance`` from the centre the dot (or ring) covers, for a smooth edge."""
    cover = min(1.0, max(0.0, _RADIUS + 0.5 - distance))
    if hollow:
        cover = min(cover, max(0.0, distance - (_RADIUS - _RING) + 0.5))
    return cover


def state_icon(state: FillState) -> QPixmap:
    """A coloured dot (a ring for 空), built from its pixels with a smooth edge."""
    if state not in _ICONS:
        red, green, blue = state.colour.red(), state.colour.green(), state.colour.blue()
        centre = (ICON_SIZE - 1) / 2
        hollow = state is FillState.EMPTY
        pixels = b"".join(  # native-endian 0xAARRGGBB words, as Format_ARGB32 stores them
            (round(255 * _coverage(math.hypot(x - centre, y - centre), hollow)) << 24 | red << 16 | green << 8 | blue)
            .to_bytes(4, sys.byteorder)
            for y in range(ICON_SIZE) for x in range(ICON_SIZE))  # fmt: skip
        image = QImage(pixels, ICON_SIZE, ICON_SIZE, QImage.Format.Format_ARGB32)
        _ICONS[state] = QPixmap.fromImage(image)  # a copy (the bytes may go); the item's decoration, no QIcon
    return _ICONS[state]


def chinese_count(text: str) -> int:
    """Word count of a Chinese text: its Chinese characters."""
    # a loop, not a regular expression: compiling that character class costs ~3 ms at start-up
    # unified ideographs, extension A, compatibility ideographs
    return sum(
        1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"
    )


def _from_findings(filled: bool, findings: Iterable[Finding]) -> FillState:
    findings = list(findings)
    if any(f.level == ERROR for f in findings):
        return FillState.ERRORS
    if not filled:
        return FillState.EMPTY
    if any(f.blocking for f in findings):
        return FillState.IN_PROGRESS
    return FillState.COMPLETE


def empty_sections(park: ParkData, year: int) -> list[str]:
    """Titles of the year's data sections (the definition's sections of inputs) with nothing typed in them.

    A year is 已完成 only when every one of them has a figure (0 where the park has none of it)."""

    ydata = park.years.get(year)
    if ydata is None:
        return []
    form = form_for(ydata.form)
    out = []
    for section in form.sections:
        if section.group != VALUES:
            continue
        keys = [k for row in section.rows for k in row.cells.values() if form.field(k).role == INPUT]
        if keys and all(is_blank(ydata.values.get(k)) for k in keys):
            out.append(section.title)
    return out


class Status(NamedTuple):
    """A page's state and why: the navigation dot shows ``state``, the page says ``text``."""

    state: FillState
    why: str = ""

    @property
    def text(self) -> str:
        return f"状态：{self.state.value}" + (f"({self.why})" if self.why else "")


def _findings_why(state: FillState, findings: list[Finding]) -> str:
    if state is FillState.ERRORS:
        return f"{sum(1 for f in findings if f.level == ERROR)} 个错误"
    unexplained = sum(1 for f in findings if f.blocking)
    return f"{unexplained} 个警告尚未说明" if unexplained else ""


def year_status(park: ParkData, year: int, findings: Iterable[Finding]) -> Status:
    """The one state of a year: its navigation dot and its page's status line both come from here."""
    ydata = park.years.get(year)
    mine = [f for f in findings if f.year == year]
    filled = ydata is not None and any(not is_blank(v) for v in ydata.values.values())
    state = _from_findings(filled, mine)
    if state is FillState.EMPTY:
        return Status(state, "尚未填写任何数值")
    if state is FillState.ERRORS:
        return Status(state, _findings_why(state, mine))
    missing = empty_sections(park, year)
    why = "；".join(w for w in (_findings_why(state, mine), "未填写：" + "、".join(missing) if missing else "") if w)
    if missing:
        return Status(FillState.IN_PROGRESS, why + "（没有的项目请填 0）")
    return Status(state, why)


def year_state(park: ParkData, year: int, findings: Iterable[Finding]) -> FillState:
    return year_status(park, year, findings).state


def park_state(park: ParkData, findings: Iterable[Finding]) -> FillState:
    filled = any(not is_blank(v) for v in park.park.values())
    return _from_findings(filled, (f for f in findings if f.year is None))


def missing_elements(park: ParkData, section: OutlineSection, result: ParkResult | None = None) -> list[str]:
    """The section's required elements that are not there yet (forms.report.check), as Chinese messages."""
    if not section.requirements:
        return []

    # an outline of just this section: only its requirements are checked
    alone = Outline(park.report.outline, "", (Chapter("", "", "", (section,)),), ())
    return [m.message for m in check_requirements(park, result or compute_park(park), alone)]


def section_status(park: ParkData, section: OutlineSection, result: ParkResult | None = None) -> Status:
    """The one state of a report section (its navigation dot and its page's status line):
    空 without text (or projects); 已完成 only with enough text AND every required element present."""
    if section.kind == "projects":
        if not park.report.projects:
            return Status(FillState.EMPTY, "尚未列入项目")
    else:
        text = park.report.sections.get(section.key, "")
        if not text.strip():
            return Status(FillState.EMPTY)
        if chinese_count(text) < COMPLETE_CHARS and not not_applicable_reason(text):  # 本节不适用：理由 is complete
            return Status(FillState.IN_PROGRESS, f"正文不足 {COMPLETE_CHARS} 字")
    missing = missing_elements(park, section, result)
    if missing:
        return Status(FillState.IN_PROGRESS, f"缺少 {len(missing)} 项必备内容")
    return Status(FillState.COMPLETE)


def section_state(park: ParkData, section: OutlineSection, result: ParkResult | None = None) -> FillState:
    return section_status(park, section, result).state


def combined(states: Iterable[FillState]) -> FillState:
    states = list(states)
    if not states:
        return FillState.EMPTY
    if FillState.ERRORS in states:
        return FillState.ERRORS
    if all(s is FillState.COMPLETE for s in states):
        return FillState.COMPLETE
    if all(s is FillState.EMPTY for s in states):
        return FillState.EMPTY
    return FillState.IN_PROGRESS


def submission_state(events: Iterable[object]) -> FillState:
    """导出与报送: empty before anything is logged, complete once the acknowledgement is in."""
    kinds = {getattr(e, "kind", None) for e in events}
    if not kinds:
        return FillState.EMPTY
    return FillState.COMPLETE if "acknowledged" in kinds else FillState.IN_PROGRESS
