"""Where the files that ship with the program live: fonts, factor tables, the demo park.

The one place that knows the program's folder layout, so a frozen build (which keeps ``resources/`` beside the
executable) and a source checkout find them the same way.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The ``resources/`` folder: beside ``main.py`` in a checkout, inside the bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's boot loader in a frozen build
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[1] / "resources"
