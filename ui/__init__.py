"""The desktop window (PySide6): the only package that imports Qt."""

from ui.none_guard import make_none_immortal

make_none_immortal()
