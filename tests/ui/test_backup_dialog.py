"""备份与恢复: the selection stays on the restored backup; a backup is copied to another folder (a USB
drive) and restored from a file chosen anywhere, checked first (a bad file gets a Chinese message)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from ui.dialogs.backup_dialog import BackupDialog

pytestmark = pytest.mark.gui
YEAR, COAL = 2020, "energy.raw_coal"


def dialog_for(window: Any) -> BackupDialog:
    return BackupDialog(window.db, window.park_actions.restore_backup, window)


def test_selection_stays_on_the_restored_backup(demo_db: Any, open_window: Any, monkeypatch: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog = dialog_for(window)
    first = dialog.backup_now()
    window.tracker.set(YEAR, COAL, "111")
    second = dialog.backup_now()
    window.tracker.set(YEAR, COAL, "222")
    assert first is not None and second is not None
    dialog.select_backup(first)
    assert dialog.restore_selected()
    assert dialog.selected() == first  # not the row that moved into its place
    assert db.load_park(park_id).years[YEAR].values[COAL] != "111"
    dialog.select_backup(second)
    assert dialog.restore_selected()
    assert dialog.selected() == second
    assert db.load_park(park_id).years[YEAR].values[COAL] == "111"  # a second click restores what it says
    dialog.close()
    window.close()


def test_copy_a_backup_elsewhere_and_restore_from_that_file(demo_db: Any, open_window: Any, tmp_path: Path,
                                                            monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    usb = tmp_path / "U盘"
    usb.mkdir()
    dialog = dialog_for(window)
    backup = dialog.backup_now()
    assert backup is not None
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    copy = dialog.copy_selected()
    assert copy is not None and copy.parent == usb and copy.read_bytes() == backup.read_bytes()
    assert not list(usb.glob("*.part"))
    again = dialog.copy_selected()  # never overwrites the first copy
    assert again is not None and again != copy and again.exists() and copy.exists()

    original = str(db.load_park(park_id).years[YEAR].values[COAL])
    window.tracker.set(YEAR, COAL, "999")
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _p, _t, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes)  # fmt: skip
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(copy), ""))
    assert dialog.restore_from_file()
    assert "示例生态工业示范园区" in asked[0] and copy.name in asked[0]
    assert str(db.load_park(park_id).years[YEAR].values[COAL]) == original
    assert window.show_page(("year", YEAR)).table.text_at(COAL) == original
    dialog.close()
    window.close()


def test_a_bad_file_is_refused_with_a_chinese_message(demo_db: Any, open_window: Any, tmp_path: Path,
                                                      monkeypatch: Any) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: warnings.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: pytest.fail("asked to restore a bad file"))
    dialog = dialog_for(window)
    before = db.load_park(park_id)
    not_db = tmp_path / "报表.db"
    not_db.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 100)
    foreign = tmp_path / "别的程序.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    good = dialog.backup_now()
    assert good is not None
    truncated = tmp_path / "损坏的备份.db"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    drifted = tmp_path / "结构不符.db"
    drifted.write_bytes(good.read_bytes())
    with sqlite3.connect(drifted) as conn:
        conn.execute("ALTER TABLE parks ADD COLUMN extra TEXT")
    conn.close()
    for path in (not_db, foreign, truncated, drifted, tmp_path / "不存在.db"):
        assert not dialog.restore_from_file(str(path))
        assert path.name in warnings[-1] and "不能用" in warnings[-1], warnings[-1]
        assert "Traceback" not in warnings[-1] and not any(w in warnings[-1] for w in ("Error", "error"))
    assert "数据结构与本程序不符" in warnings[3]
    assert db.load_park(park_id) == before
    dialog.close()
    window.close()
