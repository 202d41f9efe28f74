"""The user's customisation of the report outline: renamed, added, reordered (and left out) subsections.

The outline itself is versioned data (forms/outline.py, ``report.outline`` records the version the report
was written against).  What a park changes is stored with its report as ``report.extra["outline_custom"]``
(JSON) and applied by :func:`effective_outline`, which returns an ordinary :class:`~forms.report.outline.Outline`
— so the checks, the PDF and the window work on it unchanged.

Format (every member optional)::

    {"titles": {"ch2.1": "主要工作及举措"},
     "added": [{"key": "ch2.x1", "chapter": "ch2", "title": "典型案例", "after": "ch2.2"}],
     "order": {"ch2": ["ch2.1", "ch2.x1", "ch2.2", "ch2.3"]},
     "removed": ["ch6.7"],
     "next": 2}

- Section keys never change: a rename changes the title only, so text, checks and history stay with the key.
- Added sections get the key ``<chapter>.x<n>`` from the counter ``next``, which only grows (it survives
  :func:`reset`), and never a key that is built in, already used, or that still has text in the report.
  An added section without an ``order`` entry goes after its ``after`` section (else at the chapter's end).
- ``order`` lists a chapter's sections in the user's order; sections it does not name keep their place
  after the section that precedes them by default.
- ``removed`` leaves built-in sections out of the report (their text is kept, :func:`reset` brings them
  back).  Sections with required elements can never be removed, only renamed and moved, so 定稿 always
  checks every required element of the built-in outline; a chapter always keeps at least one section.
- Anything that does not fit (wrong JSON type, unknown key or member, a required section in ``removed`` …)
  is ignored and reported as a :class:`CustomFinding`; a customisation never breaks the outline.

The operations (:func:`rename_section`, :func:`add_section`, :func:`move_section`,
:func:`remove_added_section`, :func:`remove_section`, :func:`reset`) are pure: they take the stored value
and return the new one to store (:func:`stored_value` turns an empty customisation into ``None``).
They raise :class:`OutlineCustomError` with a Chinese message when the change is not allowed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from forms.park.model import ParkData
from forms.report.outline import CUSTOM_KEY, Chapter, Outline, OutlineSection, outline_for

TITLE_MAX = 40  # characters of a subsection title
ADDED_GUIDANCE = "本节为自行添加的小节：结合园区实际情况撰写。"
_MEMBERS = ("titles", "added", "order", "removed", "next")
_ADDED_MEMBERS = ("key", "chapter", "title", "after", "guidance")
_KEY_RE = re.compile(r"^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$")
_ADDED_KEY_RE = re.compile(r"\.x(\d+)$")
_SPACE = re.compile(r"\s+")


class OutlineCustomError(ValueError):
    """A change to the outline that is not allowed (the message is Chinese and names the section)."""


@dataclass(frozen=True)
class CustomFinding:
    """A part of the stored customisation that was ignored, and why."""

    path: str  # where in the JSON: "titles.ch9.9", "added[2]", "order.ch2" …
    message: str  # Chinese


@dataclass(frozen=True)
class AddedSection:
    key: str
    chapter: str
    title: str
    after: str = ""
    guidance: str = ""

    def to_json(self) -> dict[str, str]:
        data = {"key": self.key, "chapter": self.chapter, "title": self.title}
        if self.after:
            data["after"] = self.after
        if self.guidance:
            data["guidance"] = self.guidance
        return data


@dataclass
class OutlineCustom:
    """A validated customisation (only members that fit the base outline)."""

    titles: dict[str, str] = field(default_factory=dict)
    added: list[AddedSection] = field(default_factory=list)
    order: dict[str, list[str]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    next: int = 1

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.titles:
            data["titles"] = dict(self.titles)
        if self.added:
            data["added"] = [a.to_json() for a in self.added]
        if self.order:
            data["order"] = {c: list(keys) for c, keys in self.order.items()}
        if self.removed:
            data["removed"] = list(self.removed)
        if self.next > 1:
            data["next"] = self.next
        return data

    def added_section(self, key: str) -> AddedSection | None:
        return next((a for a in self.added if a.key == key), None)


# ---------------------------------------------------------------------------------------------------
# Reading and validating


def clean_title(title: str) -> str:
    """A title as shown: surrounding space dropped, inner runs of space (and line breaks) as one space."""
    return _SPACE.sub(" ", title).strip()


def _title_problem(title: Any) -> str | None:
    if not isinstance(title, str) or not clean_title(title):
        return "标题应为非空文字"
    if len(clean_title(title)) > TITLE_MAX:
        return f"标题不能超过 {TITLE_MAX} 个字"
    return None


def _chapters(base: Outline) -> dict[str, Chapter]:
    return {c.key: c for c in base.chapters}


def _builtin(base: Outline) -> dict[str, OutlineSection]:
    return {s.key: s for s in base.sections()}


def parse_custom(raw: Any, base: Outline) -> tuple[OutlineCustom, list[CustomFinding]]:
    """The stored value checked against ``base``: what fits, and a finding for everything ignored."""
    custom = OutlineCustom()
    findings: list[CustomFinding] = []

    def ignore(path: str, message: str) -> None:
        findings.append(CustomFinding(path, f"报告提纲自定义“{path}”：{message}，已忽略"))

    if raw is None:
        return custom, findings
    if not isinstance(raw, Mapping):
        ignore(CUSTOM_KEY, "应为 JSON 对象")
        return custom, findings
    for name in raw:
        if name not in _MEMBERS:
            ignore(str(name), "未知的项目")
    chapters = _chapters(base)
    builtin = _builtin(base)

    nxt = raw.get("next", 1)
    if isinstance(nxt, int) and not isinstance(nxt, bool) and nxt >= 1:
        custom.next = nxt
    else:
        ignore("next", "应为正整数")

    added = raw.get("added", [])
    if not isinstance(added, list):
        ignore("added", "应为列表")
        added = []
    for i, entry in enumerate(added):
        path = f"added[{i}]"
        if not isinstance(entry, Mapping):
            ignore(path, "应为对象")
            continue
        for name in entry:
            if name not in _ADDED_MEMBERS:
                ignore(f"{path}.{name}", "未知的项目")
        key, chapter, title = entry.get("key"), entry.get("chapter"), entry.get("title")
        if not isinstance(key, str) or not _KEY_RE.match(key):
            ignore(path, f"小节键“{key}”无效")
            continue
        if key in builtin or custom.added_section(key) is not None or key in chapters:
            ignore(path, f"小节键“{key}”与已有小节重复")
            continue
        if not isinstance(chapter, str) or chapter not in chapters:
            ignore(path, f"章“{chapter}”不在提纲中")
            continue
        problem = _title_problem(title)
        if problem:
            ignore(path, problem)
            continue
        after = entry.get("after", "")
        if not isinstance(after, str):
            ignore(f"{path}.after", "应为小节键")
            after = ""
        guidance = entry.get("guidance", "")
        if not isinstance(guidance, str):
            ignore(f"{path}.guidance", "应为文字")
            guidance = ""
        custom.added.append(AddedSection(key, chapter, clean_title(str(title)), after, guidance))
        m = _ADDED_KEY_RE.search(key)
        if m:
            custom.next = max(custom.next, int(m.group(1)) + 1)
    known = set(builtin) | {a.key for a in custom.added}
    chapter_of = {s.key: c.key for c in base.chapters for s in c.sections} | {a.key: a.chapter for a in custom.added}

    titles = raw.get("titles", {})
    if not isinstance(titles, Mapping):
        ignore("titles", "应为对象")
        titles = {}
    for key, title in titles.items():
        if key not in known:
            ignore(f"titles.{key}", "不是提纲中的小节")
            continue
        problem = _title_problem(title)
        if problem:
            ignore(f"titles.{key}", problem)
            continue
        custom.titles[key] = clean_title(title)

    removed = raw.get("removed", [])
    if not isinstance(removed, list):
        ignore("removed", "应为列表")
        removed = []
    kept = {c.key: [s.key for s in c.sections] for c in base.chapters}
    for a in custom.added:
        kept[a.chapter].append(a.key)
    for key in removed:
        path = f"removed.{key}"
        if not isinstance(key, str) or key not in known:
            ignore(path, "不是提纲中的小节")
        elif key not in builtin:
            ignore(path, "自行添加的小节应直接删除，不能列为“不采用”")
        elif builtin[key].requirements:
            ignore(path, f"“{builtin[key].title}”含定稿必备内容，不能删除")
        elif key in custom.removed:
            ignore(path, "重复")
        elif len(kept[chapter_of[key]]) <= 1:
            ignore(path, "每章至少保留一个小节")
        else:
            custom.removed.append(key)
            kept[chapter_of[key]].remove(key)

    order = raw.get("order", {})
    if not isinstance(order, Mapping):
        ignore("order", "应为对象")
        order = {}
    for chapter, keys in order.items():
        path = f"order.{chapter}"
        if chapter not in chapters:
            ignore(path, "不是提纲中的章")
            continue
        if not isinstance(keys, list):
            ignore(path, "应为小节键的列表")
            continue
        good: list[str] = []
        for key in keys:
            if not isinstance(key, str) or chapter_of.get(key) != chapter:
                ignore(path, f"“{key}”不是本章的小节")
            elif key in good:
                ignore(path, f"“{key}”重复")
            elif key in custom.removed:
                continue  # a left-out section keeps its place for when it comes back
            else:
                good.append(key)
        if good:
            custom.order[chapter] = good
    return custom, findings


def _merge(default: list[str], wanted: list[str]) -> list[str]:
    """``wanted`` first, in its order; every other key of ``default`` after its default predecessor."""
    out = [k for k in wanted if k in default]
    for i, key in enumerate(default):
        if key in out:
            continue
        before = next((default[j] for j in range(i - 1, -1, -1) if default[j] in out), None)
        out.insert(out.index(before) + 1 if before is not None else 0, key)
    return out


def _default_keys(chapter: Chapter, custom: OutlineCustom) -> list[str]:
    keys = [s.key for s in chapter.sections if s.key not in custom.removed]
    for a in custom.added:
        if a.chapter != chapter.key:
            continue
        if a.after in keys:
            keys.insert(keys.index(a.after) + 1, a.key)
        else:
            keys.append(a.key)
    return keys


def chapter_keys(base: Outline, custom: OutlineCustom, chapter_key: str) -> list[str]:
    """The section keys of one chapter, in the customised order."""
    chapter = _chapters(base)[chapter_key]
    return _merge(_default_keys(chapter, custom), custom.order.get(chapter_key, []))


def apply_custom(base: Outline, custom: OutlineCustom) -> Outline:
    builtin = _builtin(base)
    chapters = []
    for chapter in base.chapters:
        sections = []
        for key in chapter_keys(base, custom, chapter.key):
            if key in builtin:
                section = builtin[key]
                title = custom.titles.get(key, section.title)
                sections.append(section if title == section.title else section._replace(title=title))
            else:
                a = custom.added_section(key)
                assert a is not None
                sections.append(OutlineSection(key, custom.titles.get(key, a.title), a.guidance or ADDED_GUIDANCE))
        chapters.append(chapter._replace(sections=tuple(sections)))
    return base._replace(chapters=tuple(chapters))


@lru_cache(maxsize=32)
def _effective(version: str, stored: str) -> tuple[Outline, tuple[CustomFinding, ...]]:
    base = outline_for(version)
    custom, findings = parse_custom(json.loads(stored), base)
    return apply_custom(base, custom), tuple(findings)


def _stored_text(park: ParkData) -> str:
    raw = park.report.extra.get(CUSTOM_KEY)
    try:
        return json.dumps(raw, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):  # keys of mixed types, a cycle …: judged as not an object
        return json.dumps(repr(raw), ensure_ascii=False)


def effective_outline(park: ParkData) -> Outline:
    """The outline of the park's report: its outline version with the park's customisation applied."""
    if park.report.extra.get(CUSTOM_KEY) is None:
        return outline_for(park.report.outline)
    return customised_outline(park)


def customised_outline(park: ParkData) -> Outline:
    """The park's outline with its stored customisation applied (see :func:`effective_outline`)."""
    return _effective(park.report.outline, _stored_text(park))[0]


def custom_findings(park: ParkData) -> list[CustomFinding]:
    """What of the park's stored customisation is ignored (empty when it all fits)."""
    if park.report.extra.get(CUSTOM_KEY) is None:
        return []
    return list(_effective(park.report.outline, _stored_text(park))[1])


def is_added(base: Outline, key: str) -> bool:
    """True for a section the user added (not in the versioned outline)."""
    return key not in _builtin(base)


def can_remove(base: Outline, key: str) -> bool:
    """Built-in sections with required elements stay; everything else may go."""
    section = _builtin(base).get(key)
    return section is None or not section.requirements


def stored_value(custom: Mapping[str, Any]) -> dict[str, Any] | None:
    """What to store under ``report.extra["outline_custom"]``: ``None`` (remove it) when nothing is customised."""
    return dict(custom) if custom else None


# ---------------------------------------------------------------------------------------------------
# Operations (pure: stored value in, new stored value out)


def _load(raw: Any, base: Outline) -> OutlineCustom:
    return parse_custom(raw, base)[0]


def _current_title(base: Outline, custom: OutlineCustom, key: str) -> str:
    return apply_custom(base, custom).section(key).title


def _require_section(base: Outline, custom: OutlineCustom, key: str) -> Outline:
    outline = apply_custom(base, custom)
    try:
        outline.section(key)
    except KeyError:
        raise OutlineCustomError(f"提纲中没有小节“{key}”") from None
    return outline


def _checked_title(title: str) -> str:
    problem = _title_problem(title)
    if problem:
        raise OutlineCustomError(f"小节{problem}")
    return clean_title(title)


def rename_section(raw: Any, base: Outline, key: str, title: str) -> dict[str, Any]:
    """Give a section (built in or added) a new title; its key, text and checks stay."""
    custom = _load(raw, base)
    _require_section(base, custom, key)
    title = _checked_title(title)
    builtin = _builtin(base)
    added = custom.added_section(key)
    custom.titles.pop(key, None)
    if added is not None:
        custom.added[custom.added.index(added)] = replace(added, title=title)
    elif title != builtin[key].title:
        custom.titles[key] = title
    return custom.to_json()


def _new_key(base: Outline, custom: OutlineCustom, chapter: str, taken: Iterable[str]) -> str:
    used = set(_builtin(base)) | {a.key for a in custom.added} | set(taken) | set(_chapters(base))
    n = custom.next
    while f"{chapter}.x{n}" in used:
        n += 1
    custom.next = n + 1
    return f"{chapter}.x{n}"


def add_section(raw: Any, base: Outline, chapter: str, title: str, after: str | None = None,
                taken: Iterable[str] = ()) -> tuple[dict[str, Any], str]:  # fmt: skip
    """Add a section to ``chapter`` after the section ``after`` (None: at the chapter's end).

    ``taken`` are keys that must not be given out (pass the keys that have text in the report).
    Returns the new stored value and the new section's key.
    """
    custom = _load(raw, base)
    if chapter not in _chapters(base):
        raise OutlineCustomError(f"提纲中没有章“{chapter}”")
    title = _checked_title(title)
    keys = chapter_keys(base, custom, chapter)
    if after is not None and after not in keys:
        raise OutlineCustomError(f"小节“{after}”不在本章中")
    key = _new_key(base, custom, chapter, taken)
    custom.added.append(AddedSection(key, chapter, title, after or (keys[-1] if keys else "")))
    keys.insert(keys.index(after) + 1 if after is not None else len(keys), key)
    custom.order[chapter] = keys
    return custom.to_json(), key


def move_section(raw: Any, base: Outline, key: str, step: int) -> dict[str, Any]:
    """Move a section up (step -1) or down (+1) within its chapter; at either end nothing changes."""
    custom = _load(raw, base)
    outline = _require_section(base, custom, key)
    chapter = outline.chapter_of(key).key
    keys = chapter_keys(base, custom, chapter)
    i = keys.index(key)
    j = i + step
    if step not in (-1, 1):
        raise OutlineCustomError("只能上移或下移一位")
    if 0 <= j < len(keys):
        keys[i], keys[j] = keys[j], keys[i]
        custom.order[chapter] = keys
    return custom.to_json()


def remove_added_section(raw: Any, base: Outline, key: str) -> dict[str, Any]:
    """Delete a section the user added (built-in sections cannot be deleted this way)."""
    custom = _load(raw, base)
    added = custom.added_section(key)
    if added is None:
        if key in _builtin(base):
            raise OutlineCustomError(f"“{_current_title(base, custom, key)}”是提纲规定的小节，不能删除")
        raise OutlineCustomError(f"提纲中没有小节“{key}”")
    custom.added.remove(added)
    custom.titles.pop(key, None)
    for chapter, keys in list(custom.order.items()):
        if key in keys:
            keys.remove(key)
        if not keys:
            del custom.order[chapter]
    return custom.to_json()


def remove_section(raw: Any, base: Outline, key: str) -> dict[str, Any]:
    """Delete an added section, or leave out a built-in one without required elements (text is kept)."""
    custom = _load(raw, base)
    if custom.added_section(key) is not None:
        return remove_added_section(raw, base, key)
    outline = _require_section(base, custom, key)
    if not can_remove(base, key):
        raise OutlineCustomError(f"“{outline.section(key).title}”含定稿必备内容，不能删除（可以重命名或调整顺序）")
    if len(outline.chapter_of(key).sections) <= 1:
        raise OutlineCustomError("每章至少保留一个小节")
    custom.removed.append(key)
    return custom.to_json()


def reset(raw: Any, base: Outline) -> dict[str, Any]:
    """Back to the versioned outline; only the key counter stays, so keys of deleted sections are not reused."""
    custom = _load(raw, base)
    return OutlineCustom(next=custom.next).to_json()


__all__ = [
    "CUSTOM_KEY",
    "AddedSection",
    "CustomFinding",
    "OutlineCustom",
    "OutlineCustomError",
    "add_section",
    "apply_custom",
    "can_remove",
    "chapter_keys",
    "clean_title",
    "custom_findings",
    "effective_outline",
    "is_added",
    "move_section",
    "parse_custom",
    "remove_added_section",
    "remove_section",
    "rename_section",
    "reset",
    "stored_value",
]
