"""Chinese typography rules shared by every output (PDF, .docx): full-width punctuation in Chinese text and
the 避头尾 character classes (GB/T 15834).

The clerk's text is stored as typed; outputs pass it through :func:`chinese_punctuation` on the way out, so
"(2016—2020年)" prints as "（2016—2020年）" and "下降14.61%,累计" as "下降14.61%，累计", while numbers
("1,450,000", "10:30") and Latin text ("f(x), g(x)") keep their half-width marks.
"""

from __future__ import annotations

import re

# 点号 and the closing half of paired marks never start a line; the opening half never ends one
CANNOT_START = frozenset("，。、；：？！）》」』”’〕】〗〉｝］·・％‰℃°′″…‥々〃ー～,.;:?!)]}%")
CANNOT_END = frozenset("（《「『“‘〔【〖〈｛［([{￥$£")
UNBREAKABLE_RUNS = frozenset("—…")  # 破折号 —— and 省略号 …… are never split across lines

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def is_chinese(ch: str) -> bool:
    """A Han character, or CJK punctuation / a full-width form (the context that wants full-width marks)."""
    if len(ch) != 1:
        return False
    o = ord(ch)
    return (
        0x3400 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x3FFFF
        or 0x3000 <= o <= 0x303F
        or 0xFF01 <= o <= 0xFF60
        or ch in "“”‘’…—"
    )


def _neighbour(text: str, i: int, step: int) -> str:
    """The nearest character before (step -1) or after (step 1) position ``i`` that is not a space."""
    j = i + step
    while 0 <= j < len(text) and text[j] in " \t":
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _bracket_pairs(text: str) -> list[tuple[int, int]]:
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs.append((stack.pop(), i))
    return pairs


_SPACE_AFTER_FULL = re.compile(r"([，；：？！（）])[ \t]+")
_SPACE_BEFORE_FULL = re.compile(r"[ \t]+([，；：？！（）])")


def chinese_punctuation(text: str) -> str:
    """Half-width ( ) , ; : ? ! in Chinese context as full-width marks; spaces around them dropped.

    A bracket pair is Chinese when its content or the character just outside it is Chinese; a , ; : ? ! is
    Chinese when the nearest character before or after it is (so "1,450,000", "10:30" and "a, b" stay).
    """
    if not text or not any(ch in text for ch in "(),;:?!"):
        return text
    chars = list(text)
    for start, end in _bracket_pairs(text):
        inside = text[start + 1 : end]
        if (
            any(is_chinese(c) for c in inside)
            or is_chinese(_neighbour(text, start, -1))
            or is_chinese(_neighbour(text, end, 1))
        ):
            chars[start], chars[end] = "（", "）"
    for i, ch in enumerate(text):
        full = _HALF_TO_FULL.get(ch)
        if full is None:
            continue
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        if ch == ":" and after == "/":  # a URL or a path
            continue
        if is_chinese(before) or is_chinese(after):
            chars[i] = full
    out = "".join(chars)
    if out == text:
        return text
    out = _SPACE_AFTER_FULL.sub(r"\1", out)
    return _SPACE_BEFORE_FULL.sub(r"\1", out)


NUMBERED_HEADING = re.compile(r"^\d{1,2}[.．](?!\d)\s*(?=\S)")
SHORT_HEADING = 56  # a "1." paragraph up to two lines long without a sentence inside is a title


def numbered_heading(text: str) -> int:
    """How many leading characters of a paragraph are a third-level heading (1. 2. …, 仿宋加粗 in 公文): the
    whole paragraph when it is a short title, its first sentence when a text follows it ("1.加强组织领导。
    正文……"), else 0."""
    if not NUMBERED_HEADING.match(text):
        return 0
    stop = text.find("。")
    if 0 <= stop < len(text) - 1:
        return stop + 1
    return len(text) if len(text) <= SHORT_HEADING else 0
