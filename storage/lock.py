"""The single-writer lock: a lock file beside the database, locked for the life of the open database.

POSIX uses ``fcntl.flock`` (per open file, so a second open in the same process also conflicts); Windows
uses ``msvcrt.locking``.  The operating system drops the lock when the process dies, even on SIGKILL.

The file also carries the *clean-close record*: written by :meth:`LockFile.release` after the database was
closed cleanly, read and erased by the next :meth:`LockFile.acquire` (``previous_record``) before anything
touches the database.  A process that dies while holding the lock leaves no record (see storage.opening).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from storage.errors import DatabaseLockedError, DiskError, disk_error_message

_PID_OFFSET = 16  # Windows locks byte 0; the PID is written further on so that it stays readable
_RECORD_OFFSET = 64  # the clean-close record, after the PID
_RECORD_MARK = "clean "


class LockFile:
    def __init__(self, path: Path, db_path: Path) -> None:
        self.path = path
        self.db_path = db_path
        self._fd: int | None = None
        self.previous_record: str | None = None  # the clean-close record found by acquire (None: none)

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            message = disk_error_message(self.path, exc.strerror or str(exc))
            raise DiskError(message or f"无法创建锁文件“{self.path}”：{exc.strerror}") from exc
        try:
            _lock(fd)
        except OSError:
            holder = _read_pid(fd)
            os.close(fd)
            who = f"（进程号 {holder}）" if holder else ""
            raise DatabaseLockedError(
                f"数据库“{self.db_path}”已被另一个正在运行的园区双碳填报程序打开{who}。"
                "同一个数据库同时只能由一个程序写入：请切换到已打开的窗口，或先关闭它再试。"
            ) from None
        self.previous_record = _read_record(fd)
        try:
            os.ftruncate(fd, 0)  # erases the clean-close record too: only a clean close writes one again
            os.lseek(fd, _PID_OFFSET, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the PID is only a courtesy for the message
        self._fd = fd

    def release(self, record: str | None = None) -> None:
        """Unlock; ``record`` (one line) is left in the file for the next :meth:`acquire` to find."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            if record is not None:
                _write_record(fd, record)
        finally:
            try:
                _unlock(fd)
            finally:
                os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None


def read_record(path: Path) -> str | None:
    """The clean-close record in the lock file at ``path`` without locking it (for a read-only open)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        return _read_record(fd)
    finally:
        os.close(fd)


def _read_record(fd: int) -> str | None:
    try:
        os.lseek(fd, _RECORD_OFFSET, os.SEEK_SET)
        text = os.read(fd, 512).decode("ascii")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith(_RECORD_MARK) or not text.endswith("\n") or text.count("\n") != 1:
        return None  # none, or torn: the next open checks the whole file
    return text[len(_RECORD_MARK) : -1]


def _write_record(fd: int, record: str) -> None:
    if "\n" in record or not record.isascii():
        raise ValueError(f"bad clean-close record {record!r}")
    try:
        os.lseek(fd, _RECORD_OFFSET, os.SEEK_SET)
        os.write(fd, f"{_RECORD_MARK}{record}\n".encode("ascii"))
    except OSError:
        pass  # no record: the next open checks the whole file, nothing is lost


def _read_pid(fd: int) -> str:
    try:
        os.lseek(fd, _PID_OFFSET, os.SEEK_SET)
        text = os.read(fd, 32).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
