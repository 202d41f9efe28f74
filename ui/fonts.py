"""The bundled CJK font: registered at start so Chinese renders on a machine without Chinese fonts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

FONT_FILE = Path(__file__).resolve().parent.parent / "resources" / "fonts" / "wqy-microhei.ttc"


def register_cjk_font(app: QApplication) -> str | None:
    """Register the bundled font and add it as a fallback of the application font; returns its family."""
    font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
    if font_id < 0:
        return None
    families = QFontDatabase.applicationFontFamilies(font_id)
    if not families:
        return None
    family = families[0]
    font = QFont(app.font())
    current = [f for f in font.families() if f and f != family]
    # the system UI font first (it looks native where it exists), the bundled font for every missing glyph
    font.setFamilies([*current, family] if current else [family])
    app.setFont(font)
    QFont.insertSubstitution(font.family(), family)
    return family
