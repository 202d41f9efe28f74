"""Font choice: the official Windows fonts when present, else the bundled WenQuanYi Micro Hei (a .ttc)."""

from __future__ import annotations

import shutil
from pathlib import Path

from export.pdf.fonts import BUNDLED_NAME, bundled_font_path, choose_fonts


def test_bundled_font_for_every_role_without_system_fonts(tmp_path: Path) -> None:
    fonts = choose_fonts([tmp_path])
    assert (fonts.body, fonts.heading, fonts.kai, fonts.song) == (BUNDLED_NAME,) * 4
    assert fonts.all_bundled
    assert bundled_font_path().name == "wqy-microhei.ttc"


def test_official_fonts_are_preferred_when_found(tmp_path: Path) -> None:
    # a stand-in for C:\\Windows\\Fonts\\simhei.ttf (the bundled collection under that name, in a sub-folder)
    sub = tmp_path / "Windows" / "Fonts"
    sub.mkdir(parents=True)
    shutil.copy(bundled_font_path(), sub / "SimHei.ttf")
    fonts = choose_fonts([tmp_path])
    assert fonts.heading == "PC-Hei"
    assert (fonts.body, fonts.kai, fonts.song) == (BUNDLED_NAME,) * 3
    assert ("PC-Hei", str(sub / "SimHei.ttf")) in fonts.files


def test_a_damaged_font_file_falls_back_to_the_bundled_font(tmp_path: Path) -> None:
    (tmp_path / "simkai.ttf").write_bytes(b"not a font")
    fonts = choose_fonts([tmp_path])
    assert fonts.kai == BUNDLED_NAME


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
