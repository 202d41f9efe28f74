"""Shared test setup: Qt runs offscreen (set before Qt loads); a temporary database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# The installed PySide6 build drops references to None/True/False on CPython 3.11 (see ui/none_guard.py);
# guard them before any test touches Qt.  ui/__init__ itself imports no Qt.
from ui.none_guard import make_none_immortal  # noqa: E402

make_none_immortal()


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database path in the test's temporary folder, also exported as $PARKCARBON_DB."""
    path = tmp_path / "parkcarbon.db"
    monkeypatch.setenv("PARKCARBON_DB", str(path))
    yield path
