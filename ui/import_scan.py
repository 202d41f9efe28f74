"""Spare PySide6's source scan of every module imported after Qt is loaded.

PySide6 replaces ``builtins.__import__`` to support its optional ``from __feature__ import snake_case`` syntax.
The first time any module name is imported after that (``from typing import ...`` in one of our window modules
counts), the hook reads the module's whole source with ``inspect.getsource`` to see whether it mentions PySide6,
and records the answer in ``__feature__.pyside_feature_dict``: 0 for a module that uses PySide, -1 for one the
feature switching should ignore.  This program never selects a feature, so the answers change nothing, but
reading typing, datetime and our 20-odd window modules costs about 6 ms of start-up.

``record_known_modules`` writes the same answers beforehand, so the scan is skipped.  It relies on a PySide
internal; when a later PySide6 lacks it, nothing is recorded and the scan simply runs as before.
"""

from __future__ import annotations

import os
import sys

WINDOW_PACKAGE = "ui"
USES_PYSIDE = 0
IGNORED = -1


def feature_table() -> dict[str, int] | None:
    """PySide's record of which modules use it, or None when this PySide6 keeps none (or Qt is not loaded)."""
    table = getattr(sys.modules.get("__feature__"), "pyside_feature_dict", None)
    return table if isinstance(table, dict) else None


def expected_answer(name: str) -> int:
    """What the scan would record: the core never mentions PySide6; the window package is counted as using it
    (a Qt-free helper among them, like ui.when, then merely stays open to feature switching: harmless)."""
    in_window = name == WINDOW_PACKAGE or name.startswith(WINDOW_PACKAGE + ".")
    return USES_PYSIDE if in_window else IGNORED


def window_module_names() -> list[str]:
    folder = os.path.dirname(os.path.abspath(__file__))
    names = [WINDOW_PACKAGE]
    for entry in os.scandir(folder):
        stem, ext = os.path.splitext(entry.name)
        if ext == ".py" and stem != "__init__":
            names.append(f"{WINDOW_PACKAGE}.{stem}")
    return names


def record_known_modules() -> int:
    """Record the scan's answer for every loaded module and every window module; returns how many were new."""
    table = feature_table()
    if table is None:
        return 0
    before = len(table)
    for name in [*sys.modules, *window_module_names()]:
        table.setdefault(name, expected_answer(name))
    return len(table) - before
