"""Generated drafting help: a proposed paragraph from the data for 二（二）, 三（二） and 三（三）.

Every number in a proposal is a value-block marker (``{{value.emissions.total@2020}}``), so it stays
linked to the data after the clerk inserts and edits the paragraph.  Only the wording around the numbers
(增长/下降, the order of the sources) is chosen from the data at the time of drafting; the consistency
check does not need to look at the numbers, the preview and the PDF render them from current data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from forms.park.model import ParkData
from forms.report.markers import marker
from forms.report.outline import review_of
from forms.report.resolve import BlockResolver, inline_text
from forms.table.calc import ParkResult

DRAFTABLE = ("ch2.2", "ch3.2", "ch3.3")


@dataclass(frozen=True)
class Draft:
    section: str
    text: str  # with {{value…}} markers
    preview: str  # the same text with the markers rendered from current data
    problem: str = ""  # why no paragraph could be proposed ("" when text is given)


def can_draft(section_key: str) -> bool:
    return section_key in DRAFTABLE


def _v(key: str, year: int | None = None) -> str:
    return marker(f"value.{key}" + (f"@{year}" if year is not None else ""))


class _Drafter:
    def __init__(self, park: ParkData, result: ParkResult) -> None:
        self.r = BlockResolver(park, result)
        self.form = result.form
        self.years = sorted(result.years)
        self.first, self.last = (self.years[0], self.years[-1]) if self.years else (0, 0)
        self.outline = review_of(park)

    def val(self, key: str, year: int) -> float | None:
        return self.r.value(key, year)

    def label(self, key: str) -> str:
        return self.form.field(key).label

    def has(self, key: str) -> bool:
        return self.val(key, self.first) is not None and self.val(key, self.last) is not None

    def rose(self, key: str) -> bool:
        a, b = self.val(key, self.first) or 0.0, self.val(key, self.last) or 0.0
        return b > a

    def change_sentence(self, key: str, *, average: bool = True) -> str:
        """The sentence "X由{first}年的A增加到{last}年的B，累计增长C，年均增长D" with linked numbers."""
        f, la = self.first, self.last
        up = self.rose(key)
        to, word = ("增加到", "增长") if up else ("下降到", "下降")
        text = (f"{self.label(key)}由{f}年的{_v(key, f)}{to}{la}年的{_v(key, la)}，"
                f"累计{word}{_v('change_abs.' + key)}")  # fmt: skip
        if average:
            text += f"，年均{word}{_v('avg_change_abs.' + key)}"
        return text

    # -- sections -------------------------------------------------------------------------------------
    def ch2_2(self) -> str:
        form = self.form
        parts = []
        if self.has(form.emissions_key):
            span = f"{self.first}—{self.last}年"
            plan = self.outline.plan
            period = f"“{plan}”期间（{span}）" if (self.first, self.last) == self.outline.review else span
            parts.append(f"{period}，园区" + self.change_sentence(form.emissions_key))
        if self.has(form.intensity_key):
            parts.append(self.change_sentence(form.intensity_key))
        if self.has(form.energy_key):
            parts.append(self.change_sentence(form.energy_key))
        if self.has(form.value_added_key):
            parts.append("同期" + self.change_sentence(form.value_added_key, average=True))
        if not parts:
            return ""
        text = "；".join(parts) + "。"
        if self.has(form.emissions_key) and self.has(form.intensity_key):
            if self.rose(form.emissions_key) and not self.rose(form.intensity_key):
                text += "排放总量随经济规模扩大有所增长，但单位工业增加值排放持续下降，碳排放强度控制取得成效。"
            elif not self.rose(form.emissions_key):
                text += "在经济持续发展的同时实现了排放总量和强度的双下降。"
        return text

    def ch3_2(self) -> str:
        form, last = self.form, self.last
        total = self.val(form.emissions_key, last)
        if total is None:
            return ""
        per_year = "、".join(f"{y}年{_v(form.emissions_key, y)}" for y in self.years)
        text = f"{self.first}—{last}年，园区{self.label(form.emissions_key)}分别为{per_year}"
        if len(self.years) >= 2:
            text += f"，年均{'增长' if self.rose(form.emissions_key) else '下降'}"
            text += _v("avg_change_abs." + form.emissions_key)
        text += "。"
        parts = sorted(self.r.structure_parts, key=lambda sp: -(self.val(sp[1], last) or 0.0))
        shares = [f"{self.label(part)}{_v(part, last)}，占{_v(share, last)}" for share, part in parts
                  if (self.val(part, last) or 0) != 0]  # fmt: skip
        if shares:
            text += f"从排放结构看，{last}年" + "；".join(shares) + "。"
        fuels = [(k, self.val(k, last) or 0.0) for k in self.r.fuel_keys]
        fuels = sorted((kv for kv in fuels if kv[1] > 0), key=lambda kv: -kv[1])[:3]
        if fuels:
            names = []
            for key, _ in fuels:
                entry = form.row_of.get(key)
                names.append(f"{entry[1].label if entry else self.label(key)}{_v(key, last)}")
            text += "化石燃料燃烧排放中，排放量居前的品种依次为" + "、".join(names) + "。"
        return text

    def ch3_3(self) -> str:
        keys = [f.key for f in self.r.intensity_fields() if f.unit.endswith("/万元") and self.has(f.key)]
        if not keys:
            return ""
        sentences = []
        for key in keys:
            sentences.append(self.change_sentence(key))
        return f"{self.first}—{self.last}年，园区" + "；".join(sentences) + "。"


_BUILDERS: dict[str, Callable[[_Drafter], str]] = {
    "ch2.2": _Drafter.ch2_2,
    "ch3.2": _Drafter.ch3_2,
    "ch3.3": _Drafter.ch3_3,
}


def draft_paragraph(section_key: str, park: ParkData, result: ParkResult) -> Draft:
    """A proposed paragraph for a section (``problem`` says why there is none)."""
    if section_key not in _BUILDERS:
        return Draft(section_key, "", "", "本节没有自动生成的段落")
    d = _Drafter(park, result)
    if len(d.years) < 2:
        return Draft(section_key, "", "", "至少需要两个年度的数据才能生成段落")
    text = _BUILDERS[section_key](d)
    if not text:
        return Draft(section_key, "", "", "数据不足（排放总量或工业增加值未填写），无法生成段落")
    return Draft(section_key, text, inline_text(text, d.r))
