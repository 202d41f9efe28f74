"""Fixtures for storage tests: every database lives in tmp_path, never in the user's data folder."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from forms.park.model import ParkData
from forms.park.parkfile import read_park_file
from storage import Database

FIXTURE = Path("/work/shared/fixtures/demo-park.json")
REPO = Path(__file__).resolve().parents[2]
if str(Path(__file__).parent) not in sys.path:  # helpers importable under any --import-mode
    sys.path.insert(0, str(Path(__file__).parent))
DEMO = FIXTURE if FIXTURE.is_file() else REPO / "resources" / "demo" / "demo-park.json"


@pytest.fixture(autouse=True)
def _no_user_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A forgotten explicit path must not reach the real user data folder."""
    monkeypatch.setenv("PARKCARBON_DB", str(tmp_path / "env-default.db"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "drafts.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path)
    yield database
    database.close()


@pytest.fixture
def demo_file() -> Path:
    return DEMO


@pytest.fixture
def demo_park() -> ParkData:
    return read_park_file(DEMO)
