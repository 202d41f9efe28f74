"""One writer per database, and environmental failures told apart from bugs in Chinese."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage import Database, DatabaseLockedError, DiskError, StorageError
from storage.opening import translating_errors

REPO = Path(__file__).resolve().parents[2]


def test_second_open_in_the_same_process_is_refused(db_path: Path) -> None:
    first = Database.open(db_path)
    try:
        with pytest.raises(DatabaseLockedError, match="另一个正在运行") as info:
            Database.open(db_path)
        assert str(db_path) in str(info.value)
    finally:
        first.close()
    Database.open(db_path).close()  # released on close


def test_second_open_from_another_process_is_refused(db_path: Path) -> None:
    script = (
        "import sys\nfrom storage import Database, DatabaseLockedError\n"
        "try:\n    Database.open(sys.argv[1])\nexcept DatabaseLockedError as e:\n    print(e)\n    sys.exit(3)\n"
    )
    with Database.open(db_path):
        done = subprocess.run(
            [sys.executable, "-c", script, str(db_path)], cwd=REPO, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 3, done.stderr
    assert "另一个正在运行" in done.stdout


def test_disk_full_becomes_a_chinese_storage_error(db: Database) -> None:
    park_id = db.create_park({"park.name": "甲园区"})
    pages = db.conn.execute("PRAGMA page_count").fetchone()[0]
    db.conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(DiskError, match="磁盘空间已满"):
        db.set_section_text(park_id, "ch1", "很长的正文。" * 20000)
    db.conn.execute("PRAGMA max_page_count = 1073741823")
    assert db.load_park(park_id).report.sections == {}  # the failed save left nothing half-written
    db.set_value(park_id, 2016, "energy.coke", 1)  # and the database still works
    assert db.load_park(park_id).years[2016].values == {"energy.coke": 1}


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (sqlite3.OperationalError("database or disk is full"), "磁盘空间已满"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "只读"),
        (sqlite3.OperationalError("disk I/O error"), "磁盘错误"),
        (sqlite3.DatabaseError("file is not a database"), "已损坏"),
        (OSError(28, "No space left on device", "/x/backup.db"), "磁盘空间已满"),
        (OSError(30, "Read-only file system", "/x/backup.db"), "只读"),
    ],
)
def test_environmental_failures_are_translated(error: Exception, expected: str) -> None:
    with pytest.raises(StorageError, match=expected) as info, translating_errors(Path("/x/drafts.db")):
        raise error
    assert info.value.__cause__ is error


@pytest.mark.parametrize(
    "error",
    [
        sqlite3.OperationalError("no such table: parkz"),
        sqlite3.IntegrityError("NOT NULL constraint failed"),
        KeyError("x"),
    ],
)
def test_bugs_are_not_disguised(error: Exception) -> None:
    with pytest.raises(type(error)) as info, translating_errors(Path("/x/drafts.db")):
        raise error
    assert info.value is error


def test_failed_exit_backup_does_not_lose_the_lock_or_raise(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from storage import backups

    db = Database.open(db_path, daily_backup=False)  # no automatic backup yet: closing makes one
    park_id = db.create_park({"park.name": "甲园区"})

    def disk_full(*_args: object) -> Path:
        raise OSError(28, "No space left on device", str(db_path))

    monkeypatch.setattr(backups, "make_backup", disk_full)
    db.close()
    assert isinstance(db.close_error, DiskError)
    assert "自动备份没有完成" in capsys.readouterr().err
    monkeypatch.undo()
    with Database.open(db_path) as again:  # the lock was released and the data is there
        assert again.find_park("甲园区") == park_id


@pytest.mark.parametrize("read_only", [False, True])
def test_a_folder_given_as_the_database_is_refused_saying_so(tmp_path: Path, read_only: bool) -> None:
    """``--db 文件夹``: a Chinese message that it is a folder (not "disk error" or "does not exist"), and no lock
    file or backup folder left beside it."""
    folder = tmp_path / "数据"
    folder.mkdir()
    with pytest.raises(StorageError) as info:
        Database.open(folder, read_only=read_only)
    assert (
        str(info.value)
        == f"“{folder}”是一个文件夹，不是数据库文件：请给出数据库文件的路径，例如“{folder / 'parkcarbon.db'}”。"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["数据"] and not any(folder.iterdir())
