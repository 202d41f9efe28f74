"""Backup files of the database: consistent, compacted copies made by SQLite itself (``VACUUM INTO``).

Backups live in ``<stem>-backups/`` beside the database, named ``<stem>-<UTC time>-<reason>.db``.  A backup
is written to a ``.part`` file, flushed to disk and renamed into place, so a crash never leaves half a
backup under a real name.

What is kept (checked after every new backup, oldest removed first):

- automatic backups (``daily`` on the first open of a day, ``exit`` on closing after changes when the newest
  automatic one is over an hour old; never one per close): the newest, plus one for each age tier of
  :data:`AUTO_TIERS` (today, yesterday, last week, last month), so at most ``len(AUTO_TIERS) + 1`` files;
- backups made for a reason (``manual`` on demand, ``before-import``, ``before-restore``,
  ``before-migration``, ``before-delete``): the newest :data:`KEEP_PER_REASON` of each reason;
- all together at most :data:`SIZE_FACTOR` times the database (or :data:`MIN_LIMIT` for a small one): beyond
  that the oldest go first, never the newest backup nor the newest automatic one.  Files put aside (``damaged``) are never removed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path

from storage.paths import backups_dir

DAILY = "daily"
EXIT = "exit"
MANUAL = "manual"
BEFORE_MIGRATION = "before-migration"
BEFORE_IMPORT = "before-import"
BEFORE_RESTORE = "before-restore"
BEFORE_DELETE = "before-delete"
DAMAGED = "damaged"
AUTOMATIC = (DAILY, EXIT)
KEEP_PER_REASON = 10
# (from age, to age): the oldest automatic backup in each window is kept, so that one ages into the next
AUTO_TIERS: tuple[tuple[dt.timedelta, dt.timedelta], ...] = (
    (dt.timedelta(0), dt.timedelta(days=1)),  # today (besides the newest)
    (dt.timedelta(days=1), dt.timedelta(days=2)),  # yesterday
    (dt.timedelta(days=2), dt.timedelta(days=8)),  # last week
    (dt.timedelta(days=8), dt.timedelta(days=35)),  # last month
)
EXIT_INTERVAL = dt.timedelta(hours=1)
SIZE_FACTOR = 5
MIN_LIMIT = 32 * 1024 * 1024
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6}\.\d{6}Z)-(?P<reason>[a-z][a-z0-9-]*)\.db$")


def make_backup(source: sqlite3.Connection, db_path: Path, reason: str) -> Path:
    """Write a consistent copy of the database behind ``source`` (committed WAL content included) as a new
    backup, then trim the folder to the bounds above."""
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
    try:
        # one read transaction: a snapshot, compacted (no free pages), written in rollback-journal mode
        source.execute("VACUUM INTO ?", (str(part),))
        fsync_file(part)
        os.replace(part, target)
        fsync_dir(folder)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    trim(db_path)
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


def is_automatic(path: Path) -> bool:
    return backup_reason(path) in AUTOMATIC


def keep_set(paths: list[Path], now: dt.datetime) -> list[Path]:
    """Which of ``paths`` (newest first) the tiers and per-reason limits keep (the size bound aside)."""
    keep: list[Path] = []
    automatic = [p for p in paths if is_automatic(p)]
    if automatic:
        keep.append(automatic[0])
    for low, high in AUTO_TIERS:
        in_tier = [p for p in automatic if low <= now - (backup_time(p) or now) < high]
        if in_tier and in_tier[-1] not in keep:
            keep.append(in_tier[-1])
    counts: dict[str, int] = {}
    for path in paths:
        reason = backup_reason(path) or ""
        if reason in AUTOMATIC:
            continue
        counts[reason] = counts.get(reason, 0) + 1
        if reason == DAMAGED or counts[reason] <= KEEP_PER_REASON:
            keep.append(path)
    return [p for p in paths if p in keep]


def size_limit(db_path: Path, newest: Path | None = None) -> int:
    """The most the backups of this database may take together."""
    sizes = [_size(db_path)] + ([_size(newest)] if newest is not None else [])
    return max(SIZE_FACTOR * max(sizes), MIN_LIMIT)


def trim(db_path: Path) -> list[Path]:
    """Delete the backups that the tiers, per-reason limits and size bound do not keep; returns them."""
    paths = list_backups(db_path)
    if not paths:
        return []
    kept = keep_set(paths, dt.datetime.now(dt.UTC))
    limit = size_limit(db_path, paths[0])
    total = sum(_size(p) for p in kept if backup_reason(p) != DAMAGED)
    protected = {kept[0], *[p for p in kept if is_automatic(p)][:1]}
    for path in reversed(kept):  # oldest first, never the newest nor the newest automatic one
        if total <= limit:
            break
        if backup_reason(path) != DAMAGED and path not in protected:
            kept.remove(path)
            total -= _size(path)
    removed = [p for p in paths if p not in kept]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def has_recent(db_path: Path, reasons: tuple[str, ...], within: dt.timedelta) -> bool:
    """Is there a backup of one of ``reasons`` made within ``within`` of now?"""
    now = dt.datetime.now(dt.UTC)
    for path in list_backups(db_path):
        when = backup_time(path)
        if backup_reason(path) in reasons and when is not None and now - within <= when <= now + within:
            return True
    return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def remove_partial(db_path: Path) -> None:
    """Remove ``.part`` files left by a crash during a backup (call only while holding the lock)."""
    folder = backups_dir(db_path)
    if folder.is_dir():
        for path in folder.glob(f"{db_path.stem}-*.db.part"):
            path.unlink(missing_ok=True)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))  # Windows cannot flush a read-only handle
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
