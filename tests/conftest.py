"""Shared test setup: Qt runs offscreen (set before Qt loads); a temporary database per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database path in the test's temporary folder, also exported as $PARKCARBON_DB."""
    path = tmp_path / "parkcarbon.db"
    monkeypatch.setenv("PARKCARBON_DB", str(path))
    yield path
