"""The program version, importable from every layer (main.py keeps its own copy for ``--version``;
tests/export/test_package.py checks the two agree)."""

from __future__ import annotations

VERSION = "0.1.0"
PROGRAM = "园区双碳填报 parkcarbon"
