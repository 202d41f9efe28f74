"""The program version, importable from every layer (main.py's --version and the package manifest)."""

from __future__ import annotations

VERSION = "0.1.0"
PROGRAM = "园区双碳填报 parkcarbon"
