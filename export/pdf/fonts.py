"""CJK fonts for the PDFs: the official Windows fonts when present, else the bundled open-licensed faces.

GB/T 9704 asks for 仿宋 (body), 黑体 (一、 headings), 楷体 (（一） headings) and 宋体 (titles, page numbers).
One table, :data:`ROLES`, lists for each role the font files looked for in the system font folders, in
order of preference (a government office PC has 仿宋_GB2312 / 楷体_GB2312 and, since Windows Vista, every
PC has simfang / simhei / simkai / simsun), then the face bundled in ``resources/fonts`` that is used when
none is found:

- 仿宋: FandolFang-Regular.ttf, 黑体 and 宋体: FandolHei-Regular.ttf, 楷体: FandolKai-Regular.ttf — the Fandol
  fonts (GPL-3 with the font exception, see LICENSE-fandol.txt), converted once from their CFF outlines to
  TrueType outlines (packaging/fonts/otf2ttf.py), which reportlab can embed;
- WenQuanYi Micro Hei (wqy-microhei.ttc): the fallback for single characters a face lacks (², ³, rare
  names …, see export.pdf.style.markup) and the charts' labels.

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


@dataclass(frozen=True)
class Role:
    name: str  # the reportlab font name when a system file is used
    system: tuple[str, ...]  # lower-case file names looked for in the font folders, best first
    bundled: str  # file in resources/fonts used when none is found
    bundled_name: str  # its reportlab font name


# role -> where its face comes from; a .ttc uses its first face
ROLES: dict[str, Role] = {
    "fangsong": Role(
        "PC-FangSong", ("fs_gb2312.ttf", "仿宋_gb2312.ttf", "simfang.ttf"), "FandolFang-Regular.ttf", "Fandol-Fang"
    ),
    "hei": Role("PC-Hei", ("simhei.ttf",), "FandolHei-Regular.ttf", "Fandol-Hei"),
    "kai": Role("PC-Kai", ("kaiti_gb2312.ttf", "楷体_gb2312.ttf", "simkai.ttf"), "FandolKai-Regular.ttf", "Fandol-Kai"),
    "song": Role("PC-Song", ("simsun.ttc", "simsun.ttf"), "FandolHei-Regular.ttf", "Fandol-Hei"),
}
BUNDLED = "wqy-microhei.ttc"  # covers what the faces above lack
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
        """True when no system font is used (every role has its bundled face)."""
        bundled = {role.bundled_name for role in ROLES.values()}
        return all(name in bundled for name, _ in self.files)


def fonts_folder() -> Path:
    return resources_dir() / "fonts"


def bundled_font_path() -> Path:
    return fonts_folder() / BUNDLED


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
    """The official font for each role when found in ``dirs``, else the role's bundled face."""
    bundled = bundled_font_path()
    if not _register(BUNDLED_NAME, bundled, 0):
        raise RuntimeError(f"无法加载程序自带字体：{bundled}")
    wanted = {f for role in ROLES.values() for f in role.system}
    found = _index_fonts(dirs, wanted)
    chosen: dict[str, str] = {}
    files: list[tuple[str, str]] = []
    for key, role in ROLES.items():
        for candidate in role.system:
            path = found.get(candidate)
            if path is not None and _register(role.name, path, 0):
                chosen[key] = role.name
                files.append((role.name, str(path)))
                break
        else:
            path = fonts_folder() / role.bundled
            if not _register(role.bundled_name, path, 0):
                raise RuntimeError(f"无法加载程序自带字体：{path}")
            chosen[key] = role.bundled_name
            files.append((role.bundled_name, str(path)))
    return FontSet(chosen["fangsong"], chosen["hei"], chosen["kai"], chosen["song"], tuple(files))
