"""Opening a database file safely: recognise it, refuse a foreign or newer one untouched, back up an
older one before it is migrated, and check that the migrated schema is the expected one.

The whole-file check (``PRAGMA quick_check``, which reads every page: 0.1 s for 100 MB) runs only when the
file may have changed since this program last closed it cleanly: :func:`file_record` describes the closed
file (size, modification and change times, file identity, the SQLite header), the lock file keeps that
record from a clean close to the next open (storage.lock), and an open whose file no longer matches it
(edited, damaged, copied, restored, left with a write-ahead log, or after a crash: no record) checks it
whole, and so does the first open of a day, which makes the daily backup (storage.database).  Damage that reaches the disk without passing through the file system is still found by SQLite when
the page is read and reported as damaged (:func:`translating_errors`).

Also the translation of environmental SQLite and OS failures into :class:`StorageError` subclasses
(:func:`translating_errors`): a damaged file is reported with the newest backup that opens whole, so the
translation and the backup check live together here.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from storage import backups
from storage.errors import (
    DatabaseDamagedError,
    DiskError,
    InvalidDataError,
    NotOurDatabaseError,
    SchemaTooNewError,
    StorageError,
    disk_error_message,
)
from storage.schema import APPLICATION_ID, MIGRATION_SET, migration_names, schema_drift


def damaged_error(path: Path, detail: str) -> DatabaseDamagedError:
    """The Chinese error for a damaged or drifted database, offering the newest good backup."""
    backup = newest_good_backup(path)
    if backup is None:
        offer = "没有找到可用的完好备份；请联系技术支持，或把该文件改名后重新开始。"
    else:
        offer = (f"最新的完好备份是“{backup}”：可在窗口打开该数据库时选择用它恢复（损坏的文件会被移到备份文件夹中保留）。")  # fmt: skip
    return DatabaseDamagedError(f"数据库文件“{path}”已损坏（{detail}），程序没有改动它。{offer}", backup)


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
        raise InvalidDataError(f"内容中含有无法保存的字符（位置 {exc.start}），请删除后重试。") from exc


def applied_migrations(conn: sqlite3.Connection, db_path: Path) -> list[str]:
    """Names of our applied migrations; refuses files that are not ours or come from a newer program."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return []
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    if "_sqlite_migrations" not in tables or app_id not in (0, APPLICATION_ID):
        raise NotOurDatabaseError(f"文件“{db_path}”不是园区双碳填报的数据库，程序没有改动它。请选择正确的数据库文件。")
    applied = [
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", (MIGRATION_SET,)
        )
    ]
    if not applied:
        raise NotOurDatabaseError(f"文件“{db_path}”不是园区双碳填报的数据库，程序没有改动它。请选择正确的数据库文件。")
    known = migration_names()
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise SchemaTooNewError(
            f"数据库“{db_path}”由更新版本的园区双碳填报写入（数据结构“{unknown[-1]}”），本程序无法安全读写它。"
            "文件未作任何改动；请安装最新版本的程序后再打开。"
        )
    return applied


def check_integrity(conn: sqlite3.Connection, db_path: Path) -> None:
    """``PRAGMA quick_check`` on open: a damaged file is refused (untouched) with the restore offer."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc).lower() or "encrypted" in str(exc).lower():
            raise  # translating_errors: not a database at all (or its first page is destroyed)
        raise damaged_error(db_path, f"完整性检查失败：{exc}") from exc
    if [r[0] for r in rows] != ["ok"]:
        raise damaged_error(db_path, f"完整性检查：{rows[0][0]}")


def file_record(db_path: Path) -> str | None:
    """What the closed database file looks like, as one line for the lock file; None when it cannot be
    trusted as closed (missing, or a write-ahead log beside it)."""
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        if wal.exists() and wal.stat().st_size > 0:
            return None
        st = db_path.stat()
        with open(db_path, "rb") as f:
            header = hashlib.sha256(f.read(100)).hexdigest()
    except OSError:
        return None
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_dev} {st.st_ino} {header}"


def unchanged_since_clean_close(db_path: Path, record: str | None) -> bool:
    """Is the file exactly as a clean close left it (so the whole-file check can be skipped)?"""
    return record is not None and record == file_record(db_path)


def newest_good_backup(db_path: Path) -> Path | None:
    """The newest backup of ``db_path`` that passes its own integrity check (None when there is none)."""
    for path in backups.list_backups(db_path):
        try:
            open_backup(path).close()
        except (StorageError, sqlite3.Error, OSError):
            continue
        return path
    return None


def inspect_and_backup(db_path: Path, *, trusted: bool = False) -> list[str]:
    """Pending migration names.  Refuses (untouched) a foreign or newer file; backs up an older one first.
    The whole file is checked unless ``trusted`` (unchanged since a clean close)."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return migration_names()
    side_files = [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")]
    existed = [p.exists() for p in side_files]
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        if not trusted:
            check_integrity(conn, db_path)
        applied = applied_migrations(conn, db_path)
        pending = [name for name in migration_names() if name not in applied]
        if pending and applied:
            backups.make_backup(conn, db_path, backups.BEFORE_MIGRATION)
    finally:
        conn.close()
        wal = side_files[0]
        if not any(existed) and (not wal.exists() or wal.stat().st_size == 0):
            for path in side_files:
                path.unlink(missing_ok=True)  # leave the folder as we found it
    return pending


def open_backup(path: Path) -> sqlite3.Connection:
    """A read-only connection to a backup file that is whole and not from a newer program."""
    if not path.is_file():
        raise StorageError(f"备份文件“{path}”不存在。")
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        with translating_errors(path):
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise NotOurDatabaseError(f"备份文件“{path}”已损坏（{result}），不能用它恢复。")
            if not applied_migrations(conn, path):
                raise NotOurDatabaseError(f"文件“{path}”是空的数据库，不能用它恢复。")
    except BaseException:
        conn.close()
        raise
    return conn


def check_drift(conn: sqlite3.Connection, db_path: Path) -> None:
    problems = schema_drift(conn)
    if problems:
        raise damaged_error(db_path, f"结构与本程序预期的不一致，为保护数据不再继续；详情：{'；'.join(problems[:3])}")
