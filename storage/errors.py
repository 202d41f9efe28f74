"""Storage errors.  Every message is Chinese and meant for the clerk; the window shows ``str(error)``.

Environmental failures (disk full, read-only folder, I/O error, a damaged file, another instance) become
a :class:`StorageError`; anything else raised by SQLite is a bug and propagates unchanged.
"""

from __future__ import annotations

import contextlib
import errno
import sqlite3
from collections.abc import Iterator
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


def damaged_error(path: Path, detail: str) -> DatabaseDamagedError:
    """The Chinese error for a damaged or drifted database, offering the newest good backup."""
    from storage.opening import newest_good_backup  # here: opening imports this module

    backup = newest_good_backup(path)
    if backup is None:
        offer = "没有找到可用的完好备份；请联系技术支持，或把该文件改名后重新开始。"
    else:
        offer = (f"最新的完好备份是“{backup}”：可在窗口打开该数据库时选择用它恢复(损坏的文件会被移到备份文件夹中保留)。")  # fmt: skip
    return DatabaseDamagedError(f"数据库文件“{path}”已损坏({detail})，程序没有改动它。{offer}", backup)


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
        return f"读写数据库文件“{path}”时发生磁盘错误(可能是移动硬盘被拔出或磁盘损坏)。"
    if "database is locked" in text or "database is busy" in text:
        return f"数据库文件“{path}”正被其他程序占用，请稍后重试。"
    return None


_CORRUPT = ("file is not a database", "malformed", "file is encrypted", "not a database")
_OS_ENV_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.ENOENT}
_OS_ENV_ERRNOS.add(getattr(errno, "EDQUOT", errno.ENOSPC))


@contextlib.contextmanager
def translating_errors(path: Path) -> Iterator[None]:
    """Turn environmental SQLite and OS errors into :class:`StorageError` subclasses; let bugs through."""
    try:
        yield
    except StorageError:
        raise
    except sqlite3.OperationalError as exc:
        if "could not decode" in str(exc).lower():  # stored text that is not UTF-8: a damaged page
            raise damaged_error(path, "存储的文字已损坏") from exc
        message = disk_error_message(path, str(exc))
        if message is None:
            raise
        raise DiskError(message) from exc
    except sqlite3.DatabaseError as exc:
        if any(marker in str(exc).lower() for marker in _CORRUPT):
            raise damaged_error(path, f"或不是本程序的数据库：{exc}") from exc
        raise
    except OSError as exc:
        if exc.errno not in _OS_ENV_ERRNOS:
            raise
        name = exc.filename or path
        message = disk_error_message(Path(name), exc.strerror or str(exc))
        raise DiskError(message or f"无法读写文件“{name}”：{exc.strerror}") from exc
    except UnicodeEncodeError as exc:
        raise InvalidDataError(f"内容中含有无法保存的字符(位置 {exc.start})，请删除后重试。") from exc
