"""The bundled CJK font renders Chinese on a machine without Chinese fonts (fresh processes, own font setups)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[3]
LATIN_FONTS = Path("/usr/share/fonts/truetype/dejavu")

pytestmark = pytest.mark.gui

# Renders each character alone and prints how many distinct images came out: a missing glyph is drawn as the
# same empty box whatever the character, so "4 of 4" means four real, different glyphs.
_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
from ui.shell.fonts import register_cjk_font
family = register_cjk_font(app, name_fallback=sys.argv[2] == "named")
images = set()
text = "园区碳汇"
for ch in text:
    label = QLabel(ch)
    label.resize(40, 40)
    image = label.grab().toImage()
    images.add(bytes(image.constBits()))
print("FAMILY", family)
print("DISTINCT", len(images), "OF", len(text))
"""


def _render(tmp_path: Path, font_dirs: list[Path], mode: str) -> str:
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig>{dirs}<cachedir>{tmp_path / "cache"}</cachedir></fontconfig>',
                    encoding="utf-8")  # fmt: skip
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FONTCONFIG_FILE=str(conf))
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(REPO), mode], capture_output=True, text=True, env=env,
                          timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("mode", ["default", "named"])
def test_chinese_renders_with_no_system_fonts_at_all(tmp_path: Path, mode: str) -> None:
    out = _render(tmp_path, [], mode)
    assert "FAMILY WenQuanYi Micro Hei" in out
    assert "DISTINCT 4 OF 4" in out, out


@pytest.mark.skipif(not LATIN_FONTS.is_dir(), reason="DejaVu 字体未安装(fonts-dejavu-core)")
@pytest.mark.parametrize("mode", ["default", "named"])
def test_chinese_renders_beside_latin_only_system_fonts(tmp_path: Path, mode: str) -> None:
    assert "DISTINCT 4 OF 4" in _render(tmp_path, [LATIN_FONTS], mode)


def test_the_probe_sees_missing_glyphs(tmp_path: Path) -> None:
    # without the bundled font (and without any font), the four characters come out as one and the same box
    probe_without_font = _PROBE.replace("family = register_cjk_font(app, name_fallback=sys.argv[2] == \"named\")",
                                        "family = None")  # fmt: skip
    assert probe_without_font != _PROBE
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><cachedir>{tmp_path / "c"}</cachedir></fontconfig>',
                    encoding="utf-8")  # fmt: skip
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FONTCONFIG_FILE=str(conf))
    proc = subprocess.run([sys.executable, "-c", probe_without_font, str(REPO), "default"], capture_output=True,
                          text=True, env=env, timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "DISTINCT 1 OF 4" in proc.stdout, proc.stdout


def test_named_fallback_puts_the_family_after_the_ui_font(qapp: QApplication) -> None:
    from ui.shell.fonts import register_cjk_font

    family = register_cjk_font(qapp, name_fallback=True)
    assert family is not None and "WenQuanYi" in family
    assert family in QFontDatabase.families()
    assert qapp.font().families()[-1] == family
