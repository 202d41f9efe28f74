"""Font choice: the official Windows fonts when present, else the bundled Fandol 仿宋/黑体/楷体 faces (with
WenQuanYi Micro Hei for characters they lack)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from export.pdf.fonts import BUNDLED_NAME, ROLES, bundled_font_path, choose_fonts, fonts_folder

LICENCES = {"FandolFang-Regular.ttf": "LICENSE-fandol.txt", "FandolHei-Regular.ttf": "LICENSE-fandol.txt",
            "FandolKai-Regular.ttf": "LICENSE-fandol.txt", "wqy-microhei.ttc": "LICENSE-wqy-microhei.txt"}  # fmt: skip


def test_bundled_faces_for_every_role_without_system_fonts(tmp_path: Path) -> None:
    fonts = choose_fonts([tmp_path])
    assert (fonts.body, fonts.heading, fonts.kai, fonts.song) == (
        "Fandol-Fang",
        "Fandol-Hei",
        "Fandol-Kai",
        "Fandol-Hei",
    )
    assert fonts.all_bundled
    assert bundled_font_path().name == "wqy-microhei.ttc"


def test_every_bundled_font_ships_with_its_licence_and_covers_gb2312() -> None:
    from reportlab.pdfbase import pdfmetrics

    from export.pdf.style import covers

    choose_fonts([])
    assert {role.bundled for role in ROLES.values()} | {bundled_font_path().name} == set(LICENCES)
    for font, licence in LICENCES.items():
        assert (fonts_folder() / font).is_file()
        text = (fonts_folder() / licence).read_text(encoding="utf-8")
        assert "GNU GENERAL PUBLIC LICENSE" in text or "Apache" in text
    assert "font exception" in (fonts_folder() / "LICENSE-fandol.txt").read_text(encoding="utf-8").lower()
    # every hanzi of GB 2312 (rows 16–87) is in each face, so only rare characters fall back to WenQuanYi
    hanzi = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                hanzi.append(bytes((row, cell)).decode("gb2312"))
    assert len(hanzi) == 6763
    for name in ("Fandol-Fang", "Fandol-Hei", "Fandol-Kai"):
        assert name in pdfmetrics.getRegisteredFontNames()
        assert covers(name, "".join(hanzi) + "，。、；：？！（）《》“”"), name


def test_official_fonts_are_preferred_when_found(tmp_path: Path) -> None:
    # a stand-in for C:\\Windows\\Fonts\\simhei.ttf (the bundled collection under that name, in a sub-folder)
    sub = tmp_path / "Windows" / "Fonts"
    sub.mkdir(parents=True)
    shutil.copy(bundled_font_path(), sub / "SimHei.ttf")
    fonts = choose_fonts([tmp_path])
    assert fonts.heading == "PC-Hei"
    assert (fonts.body, fonts.kai, fonts.song) == ("Fandol-Fang", "Fandol-Kai", "Fandol-Hei")
    assert not fonts.all_bundled
    assert ("PC-Hei", str(sub / "SimHei.ttf")) in fonts.files


def test_a_damaged_font_file_falls_back_to_the_bundled_font(tmp_path: Path) -> None:
    (tmp_path / "simkai.ttf").write_bytes(b"not a font")
    fonts = choose_fonts([tmp_path])
    assert fonts.kai == "Fandol-Kai"


def test_the_gb2312_fonts_of_an_office_pc_come_before_the_windows_ones(tmp_path: Path) -> None:
    # 仿宋_GB2312 (FS_GB2312.ttf) and simfang.ttf both present: the GB2312 face, as 公文 asks
    shutil.copy(fonts_folder() / "FandolFang-Regular.ttf", tmp_path / "simfang.ttf")
    shutil.copy(fonts_folder() / "FandolFang-Regular.ttf", tmp_path / "FS_GB2312.ttf")
    fonts = choose_fonts([tmp_path])
    assert fonts.body == "PC-FangSong"
    assert ("PC-FangSong", str(tmp_path / "FS_GB2312.ttf")) in fonts.files


def test_characters_a_font_lacks_are_set_in_the_bundled_font() -> None:
    import pytest
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from export.pdf.fonts import register_fonts
    from export.pdf.style import covers, markup

    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # a font without Chinese glyphs
    if not latin.exists():
        pytest.skip("没有 DejaVuSans.ttf，无法模拟缺字的字体")
    register_fonts()
    if "Test-DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Test-DejaVu", str(latin)))
    assert covers("Test-DejaVu", "km² <a&b>") and not covers("Test-DejaVu", "面积 km²")
    assert markup("面积 km² <b>", "Test-DejaVu") == f'<font name="{BUNDLED_NAME}">面积</font> km² &lt;b&gt;'
    assert markup("面积 <b>", BUNDLED_NAME) == "面积 &lt;b&gt;"
