"""The window's settings (geometry, docks, folded panels): an INI file beside the database."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings


def settings_for(db_path: Path) -> QSettings:
    """Window settings in an INI file beside the database (never in the program folder)."""
    return QSettings(str(db_path.with_name(db_path.stem + "-window.ini")), QSettings.Format.IniFormat)
