"""The window on a damaged database (issue 19, item 3): it opens, or says so with the restore offer; in
smoke-test mode it never waits in a modal box; a restore the clerk agrees to opens the restored file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.db_damage import SEEDS, assert_reported, checksum, damaged_copy, drifted_copy, make_base
from ui.shell import boot

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_base(tmp_path_factory.mktemp("base") / "db")


def _no_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    from PySide6.QtWidgets import QMessageBox

    boxes: list[str] = []
    for name in ("critical", "question", "information", "warning"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, _n=name, **k: boxes.append(_n))
    return boxes


def _quit(_window: object) -> None:
    """Leave the window's event loop the way a clerk does, by closing the window (QApplication.quit() would
    leave the shared test application quitting, and later tests' windows would never validate)."""
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_smoke_mode_window_opens_or_reports(seed: int, base: Path, tmp_path: Path, qapp: Any,
                                            monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv(boot.SMOKE_TEST_ENV, "1")
    boxes = _no_boxes(monkeypatch)
    db = damaged_copy(base, tmp_path / "w", seed)
    before = checksum(db)
    code = boot.run_window(str(db), on_shown=_quit)
    err = capfd.readouterr().err
    assert boxes == []  # headless: never a modal box
    assert code in (0, 1)
    if code == 1:
        assert_reported(err, db)
        assert checksum(db) == before


def test_smoke_mode_prints_and_exits_on_a_drifted_database(base: Path, tmp_path: Path, qapp: Any,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv(boot.SMOKE_TEST_ENV, "1")
    boxes = _no_boxes(monkeypatch)
    db = drifted_copy(base, tmp_path / "w")
    assert boot.run_window(str(db), on_shown=_quit) == 1
    assert boxes == []
    assert_reported(capfd.readouterr().err, db)


def test_the_window_offers_the_backup_and_restores_when_asked(
    base: Path, tmp_path: Path, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.delenv(boot.SMOKE_TEST_ENV, raising=False)
    asked: list[str] = []
    told: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text) or QMessageBox.StandardButton.Yes
    )
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: pytest.fail(text))
    db = drifted_copy(base, tmp_path / "w")
    assert boot.run_window(str(db), on_shown=_quit) == 0
    assert asked and "已损坏" in asked[0] and "恢复吗" in asked[0]
    assert told and "原来的文件保留在" in told[0]
    kept = Path(told[0].split("原来的文件保留在：", 1)[1])
    assert kept.exists()


def test_declining_the_restore_leaves_the_file_as_it_is(
    base: Path, tmp_path: Path, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.delenv(boot.SMOKE_TEST_ENV, raising=False)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    db = drifted_copy(base, tmp_path / "w")
    before = checksum(db)
    assert boot.run_window(str(db), on_shown=_quit) == 1
    assert checksum(db) == before
