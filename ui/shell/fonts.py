"""The bundled CJK font: registered at start so Chinese renders on a machine without Chinese fonts."""

from __future__ import annotations

import sys

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from forms.resources import resources_dir

FONT_FILE = resources_dir() / "fonts" / "wqy-microhei.ttc"

# With fontconfig (Linux and the other free desktops) a registered application font takes part in glyph
# fallback by itself: Chinese renders in it wherever the UI font lacks the glyph, whether the system has
# Latin fonts only or none at all (checked by tests/ui/test_fonts.py with such font configurations).  On Windows
# and macOS, which we cannot test here, the family is named as a fallback of the UI font, as before.
NAME_FALLBACK = sys.platform in ("win32", "darwin")


def register_cjk_font(app: QApplication, *, name_fallback: bool = NAME_FALLBACK) -> str | None:
    """Register the bundled font (and, where needed, add it as a fallback of the application font);
    returns its family, or None when the file cannot be loaded."""
    font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    family = families[0]
    if name_fallback:
        name_as_fallback(app, family)
    return family


def name_as_fallback(app: QApplication, family: str) -> None:
    """The system UI font first (it looks native where it exists), ``family`` for every missing glyph."""
    from PySide6.QtGui import QFont  # its Python type costs 1.4 ms to create: not on the Linux start path

    font = QFont(app.font())
    current = [f for f in font.families() if f and f != family]
    font.setFamilies([*current, family] if current else [family])
    app.setFont(font)
    QFont.insertSubstitution(font.family(), family)
