"""Backup files of the database: consistent copies made with SQLite's online backup API.

Backups live in ``<stem>-backups/`` beside the database, named ``<stem>-<UTC time>-<reason>.db``; each
reason keeps its newest :data:`KEEP_PER_REASON` files.  A backup is written to a ``.part`` file and renamed
into place, so a crash never leaves half a backup under a real name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

from storage.paths import backups_dir

KEEP_PER_REASON = 10
DAILY = "daily"
EXIT = "exit"
MANUAL = "manual"
BEFORE_MIGRATION = "before-migration"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"
BEFORE_DELETE = "before-delete"
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\.\d{6}Z)-(?P<reason>[a-z][a-z0-9-]*)\.db$")


def make_backup(source: sqlite3.Connection, db_path: Path, reason: str) -> Path:
    """Copy the database behind ``source`` (including uncommitted-to-file WAL content) to a new backup."""
    if not re.fullmatch(r"[a-z][a-z0-9-]*", reason):
        raise ValueError(f"bad backup reason {reason!r}")
    if source.in_transaction:
        raise RuntimeError("a backup must not be taken inside a transaction (it would wait for itself)")
    folder = backups_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    while True:
        target = folder / f"{db_path.stem}-{now.strftime(_STAMP)}-{reason}.db"
        if not target.exists():
            break
        now += dt.timedelta(microseconds=1)
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    dest = sqlite3.connect(part)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=DELETE")  # a backup is one self-contained file
        dest.commit()
    finally:
        dest.close()
    try:
        _fsync_file(part)
        os.replace(part, target)
        _fsync_dir(folder)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    rotate(db_path, reason)
    return target


def backup_time(path: Path) -> dt.datetime | None:
    m = _NAME.match(path.name)
    if not m:
        return None
    return dt.datetime.fromisoformat(m["stamp"])  # the basic ISO form of _STAMP, "Z" included (no strptime)


def backup_reason(path: Path) -> str | None:
    m = _NAME.match(path.name)
    return m["reason"] if m else None


def list_backups(db_path: Path) -> list[Path]:
    """Backups of this database, newest first."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and (m := _NAME.match(p.name)) and m["stem"] == db_path.stem]
    return sorted(found, key=lambda p: (backup_time(p), p.name), reverse=True)


def rotate(db_path: Path, reason: str, keep: int = KEEP_PER_REASON) -> list[Path]:
    """Delete the oldest backups of ``reason`` beyond ``keep``; returns what was deleted."""
    same = [p for p in list_backups(db_path) if backup_reason(p) == reason]
    removed = same[keep:]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def has_recent(db_path: Path, reason: str, within: dt.timedelta) -> bool:
    now = dt.datetime.now(dt.UTC)
    for path in list_backups(db_path):
        when = backup_time(path)
        if backup_reason(path) == reason and when is not None and now - within <= when <= now + within:
            return True
    return False


def remove_partial(db_path: Path) -> None:
    """Remove ``.part`` files left by a crash during a backup (call only while holding the lock)."""
    folder = backups_dir(db_path)
    if folder.is_dir():
        for path in folder.glob(f"{db_path.stem}-*.db.part"):
            path.unlink(missing_ok=True)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows cannot flush a read-only handle
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
