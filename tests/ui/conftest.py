"""Fixtures for window tests: a database holding the demo park, windows on it, a screenshot folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import ui  # noqa: F401  (applies the None reference-count guard before any Qt call)
from forms.park.parkfile import read_park_file
from storage import Database
from ui.dialogs.start_dialogs import demo_park_path

_SHOTS: list[Path] = []


@pytest.fixture
def demo_db(db_path: Path) -> Iterator[tuple[Database, int]]:
    db = Database.open(db_path)
    park_id = db.replace_park(read_park_file(demo_park_path()))
    yield db, park_id
    db.close()


@pytest.fixture
def open_window(qtbot: Any) -> Callable[[Database, int], Any]:
    from PySide6.QtCore import QTimer

    from ui.shell.main_window import MainWindow

    def make(db: Database, park_id: int) -> MainWindow:
        window = MainWindow(db, park_id)
        qtbot.addWidget(window)
        window.show()
        QTimer.singleShot(0, window.session.revalidate)  # the first findings, after show, as ui.shell.boot does
        qtbot.waitUntil(lambda: window.findings.summary.text() != "", timeout=5000)
        return window

    return make


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = os.environ.get("PARKCARBON_SCREENSHOTS", "").strip()
    folder = Path(env) if env else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    _SHOTS.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for folder in _SHOTS:
        terminalreporter.write_line(f"窗口截图已保存到：{folder}")
