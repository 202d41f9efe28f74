"""CJK fonts for the PDFs: the official Windows fonts when present, else the bundled WenQuanYi Micro Hei.

GB/T 9704 asks for 仿宋 (body), 黑体 (headings), 楷体 (second-level headings) and 宋体 (titles).  A
government office PC has simfang/simhei/simkai/simsun; any other machine gets the open-licensed
``resources/fonts/wqy-microhei.ttc`` for every role, so Chinese renders with no system font installed.
reportlab embeds (a subset of) every TrueType font it draws with, so the PDFs never depend on the reader.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from forms.resources import resources_dir

# role -> (registered font name, candidate file names in order of preference; a .ttc uses its first face)
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "fangsong": ("PC-FangSong", ("simfang.ttf",)),
    "hei": ("PC-Hei", ("simhei.ttf",)),
    "kai": ("PC-Kai", ("simkai.ttf",)),
    "song": ("PC-Song", ("simsun.ttc", "simsun.ttf")),
}
BUNDLED = "wqy-microhei.ttc"
BUNDLED_NAME = "PC-WQYMicroHei"
NO_SYSTEM_FONTS_ENV = "PARKCARBON_BUNDLED_FONTS_ONLY"  # "1": ignore system fonts (tests, reproducible output)


@dataclass(frozen=True)
class FontSet:
    """The reportlab font names to use for each typographic role, and where each came from."""

    body: str  # 仿宋
    heading: str  # 黑体
    kai: str  # 楷体
    song: str  # 宋体
    files: tuple[tuple[str, str], ...]  # (font name, file path)

    @property
    def all_bundled(self) -> bool:
        return all(name == BUNDLED_NAME for name, _ in self.files)


def bundled_font_path() -> Path:
    return resources_dir() / "fonts" / BUNDLED


def font_dirs() -> list[Path]:
    """Standard font folders on Windows, Linux and macOS (existing ones only)."""
    dirs: list[Path] = []
    windir = os.environ.get("WINDIR") or os.environ.get("SYSTEMROOT")
    if windir:
        dirs.append(Path(windir) / "Fonts")
    if sys.platform.startswith("win"):
        dirs.append(Path("C:/Windows/Fonts"))
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    home = Path.home()
    dirs += [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".fonts",
        home / ".local" / "share" / "fonts",
        Path("/Library/Fonts"),
        home / "Library" / "Fonts",
    ]
    seen: set[Path] = set()
    out = []
    for d in dirs:
        if d not in seen and d.is_dir():
            seen.add(d)
            out.append(d)
    return out


def _index_fonts(dirs: Iterable[Path], wanted: set[str]) -> dict[str, Path]:
    """Lower-case file name -> first path found, for the wanted names only."""
    found: dict[str, Path] = {}
    for d in dirs:
        for root, _dirs, files in os.walk(d):
            for name in files:
                low = name.lower()
                if low in wanted and low not in found:
                    found[low] = Path(root) / name
    return found


def _register(name: str, path: Path, subfont: int = 0) -> bool:
    if name in pdfmetrics.getRegisteredFontNames():
        return True
    try:
        font = TTFont(name, str(path), subfontIndex=subfont)
    except Exception:  # a damaged or unsupported (e.g. PostScript-outline) font file: use another
        return False
    pdfmetrics.registerFont(font)
    # Paragraph markup (<b>, <i>) looks up a family; map every style to the same face.
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    return True


@lru_cache(maxsize=2)
def register_fonts(use_system: bool | None = None) -> FontSet:
    """Register the fonts once per process and return the names for each role."""
    if use_system is None:
        use_system = os.environ.get(NO_SYSTEM_FONTS_ENV, "") != "1"
    return choose_fonts(font_dirs() if use_system else [])


def choose_fonts(dirs: Iterable[Path]) -> FontSet:
    """The official font for each role when found in ``dirs``, else the bundled font (always registered)."""
    bundled = bundled_font_path()
    if not _register(BUNDLED_NAME, bundled, 0):
        raise RuntimeError(f"无法加载程序自带字体：{bundled}")
    wanted = {f for _, candidates in ROLES.values() for f in candidates}
    found = _index_fonts(dirs, wanted)
    chosen: dict[str, str] = {}
    files: list[tuple[str, str]] = []
    for role, (name, candidates) in ROLES.items():
        chosen[role] = BUNDLED_NAME
        for candidate in candidates:
            path = found.get(candidate)
            if path is not None and _register(name, path, 0):
                chosen[role] = name
                files.append((name, str(path)))
                break
        else:
            files.append((BUNDLED_NAME, str(bundled)))
    return FontSet(chosen["fangsong"], chosen["hei"], chosen["kai"], chosen["song"], tuple(files))
