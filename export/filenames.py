"""File names built from what the clerk typed (a park name): safe on Windows, macOS and Linux."""

from __future__ import annotations

import re

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def safe_name(name: str, fallback: str = "园区") -> str:
    """A park name usable as (part of) a file name on Windows, macOS and Linux."""
    text = _UNSAFE.sub("_", name).strip().strip(".").strip()
    if text.upper().split(".")[0] in {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                                      *(f"LPT{i}" for i in range(10))}:  # fmt: skip
        text = f"_{text}"
    text = text[:80]
    while len(text.encode("utf-8")) > 150:  # the longest file name built on it stays under 255 bytes
        text = text[:-1]
    return text.rstrip(". ") or fallback
