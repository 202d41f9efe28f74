"""Storage errors.  Every message is Chinese and meant for the clerk; the window shows ``str(error)``.

Environmental failures (disk full, read-only folder, I/O error, a damaged file, another instance) become
a :class:`StorageError`; anything else raised by SQLite is a bug and propagates unchanged.  This module
only names the errors and words the disk messages; turning SQLite and OS failures into them
(``translating_errors``, which offers a good backup for a damaged file) lives in :mod:`storage.opening`.
"""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """A failure the clerk can act on; ``str(error)`` is a complete Chinese sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DatabaseLockedError(StorageError):
    """Another program instance holds the single-writer lock of this database."""


class SchemaTooNewError(StorageError):
    """The database was written by a newer version of the program; it is left untouched."""


class NotOurDatabaseError(StorageError):
    """The file is not a database of this program, or it is damaged."""


class DatabaseDamagedError(NotOurDatabaseError):
    """Our database file is damaged (pages, stored text) or its structure drifted; it is left as it is.
    ``backup`` is the newest backup that is whole (None when there is none), offered for restoring."""

    def __init__(self, message: str, backup: Path | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class DiskError(StorageError):
    """Disk full, read-only file or folder, or an I/O error."""


class ParkNotFoundError(StorageError):
    """No park with that id or name."""


class InvalidDataError(StorageError):
    """A value the storage layer cannot accept (unknown key, wrong type, unknown year …)."""


class ReadOnlyError(StorageError):
    """A write on a database opened read-only."""


def disk_error_message(path: Path, detail: str) -> str | None:
    """The Chinese sentence for an environmental SQLite/OS failure, or ``None`` if it looks like a bug."""
    text = detail.lower()
    if "disk is full" in text or "no space" in text:
        return f"磁盘空间已满，无法写入数据库文件“{path}”。请清理磁盘空间后重试。"
    if "readonly" in text or "read-only" in text or "read only" in text:
        return f"数据库文件“{path}”或其所在文件夹是只读的，无法保存。请检查文件权限或换一个位置。"
    if "unable to open database" in text or "permission denied" in text:
        return f"无法打开数据库文件“{path}”：文件夹不存在或没有访问权限。"
    if "disk i/o error" in text or "input/output error" in text:
        return f"读写数据库文件“{path}”时发生磁盘错误（可能是移动硬盘被拔出或磁盘损坏）。"
    if "database is locked" in text or "database is busy" in text:
        return f"数据库文件“{path}”正被其他程序占用，请稍后重试。"
    return None
