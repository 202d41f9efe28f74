"""The drafts database: one SQLite file in WAL mode, one writer process, every change in the history.

Saving one field is one small transaction that also writes its history row; reading a park is one call
returning :class:`forms.park.model.ParkData`.  A :class:`Database` may be used from more than one thread (the
window and its autosave thread): every call holds the database's lock for its whole length, and so does an
:meth:`Database.operation` block, so calls and their transactions never interleave.  Raw values are stored as JSON text so their type survives (a
number stays a number, text stays exactly as typed); the parsed number and any parse error sit beside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import shutil
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from forms.park.atomic import atomic_write_bytes
from forms.park.model import ParkData, Raw, ReportData, YearData
from forms.park.text_rules import normalize_name
from forms.table.definition import FormDefinition
from forms.table.registry import DEFAULT_FORM, UnknownFormError, form_for
from storage import backups, cell_store, cells, opening
from storage.cell_store import ABSENT, YEAR_KINDS
from storage.cells import CellKey
from storage.errors import (
    DatabaseDamagedError,
    DiskError,
    InvalidDataError,
    NotOurDatabaseError,
    ParkNotFoundError,
    ReadOnlyError,
    SchemaTooNewError,
    StorageError,
)
from storage.lock import LockFile, read_record
from storage.opening import translating_errors
from storage.paths import DB_FILE_NAME, lock_path, resolve_db_path
from storage.records import OPERATION_KINDS, SUBMISSION_KINDS, HistoryEntry, Operation, ParkSummary, SubmissionEvent
from storage.schema import apply_pending, migration_names, schema_drift

DEFAULT_OUTLINE = "eip-2021"  # the outline version of a park created without one (forms.report.outline)
P = ParamSpec("P")
T = TypeVar("T")

SYNCHRONOUS_MODES = ("FULL", "NORMAL")
DAILY_INTERVAL = dt.timedelta(hours=24)


def _guarded(method: Callable[Concatenate[Database, P], T]) -> Callable[Concatenate[Database, P], T]:
    """One call at a time (see the module docstring); environmental failures become Chinese
    :class:`StorageError`; bugs pass unchanged."""

    @functools.wraps(method)
    def wrapper(self: Database, *args: P.args, **kwargs: P.kwargs) -> T:
        with self._calls, translating_errors(self.path):
            return method(self, *args, **kwargs)

    return wrapper


def now_stamp() -> str:
    """UTC time with microseconds, the format of every ``at`` / ``updated_at`` column."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def normalize_time(at: str | dt.datetime) -> str:
    """Any ISO time (naive = UTC) as the stored format, so that text comparison is time comparison."""
    if isinstance(at, str):
        try:
            moment = dt.datetime.fromisoformat(at.strip())
        except ValueError:
            raise InvalidDataError(f"“{at}”不是有效的时间（例：2021-09-20T08:30:00）") from None
    else:
        moment = at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


class Database:
    """An open drafts database.  Use :meth:`open`; close with :meth:`close` or a ``with`` block."""

    def __init__(self, path: Path, conn: sqlite3.Connection, lock: LockFile | None, *, read_only: bool) -> None:
        self.path = path
        self._conn = conn
        self._lock = lock
        self.read_only = read_only
        self._forms: dict[int, str] = {}
        self._last_at = ""
        self._operation_at: str | None = None  # inside :meth:`operation`: the moment all its writes share
        self._changes_at_open = conn.total_changes
        self._closed = False
        self._calls = threading.RLock()  # held by every call (and operation block): one thread at a time
        self.close_error: StorageError | None = None

    # ------------------------------------------------------------------ opening and closing

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        synchronous: str = "FULL",
        daily_backup: bool = True,
    ) -> Database:
        """Open (creating if needed) the database at ``path`` (None: ``$PARKCARBON_DB`` or the user data
        folder).  Takes the single-writer lock, refuses a newer schema without touching the file, backs the
        file up before applying pending migrations, switches to WAL and makes the daily backup (none if an
        automatic backup is under 24 hours old).  The whole file is checked first (``PRAGMA quick_check``)
        unless it is unchanged since this program closed it cleanly and no daily backup is due.

        ``read_only=True`` takes no lock and never writes (for ``dump`` while the window is open).
        """
        db_path = resolve_db_path(path)
        if synchronous not in SYNCHRONOUS_MODES:
            raise ValueError(synchronous)
        if db_path.is_dir():  # (``--db`` naming a folder): said before a lock file is made beside it
            raise StorageError(f"“{db_path}”是一个文件夹，不是数据库文件：请给出数据库文件的路径，"
                               f"例如“{db_path / DB_FILE_NAME}”。")  # fmt: skip
        with translating_errors(db_path):
            if read_only:
                return cls._open_read_only(db_path)
            db_path.parent.mkdir(parents=True, exist_ok=True)
            lock = LockFile(lock_path(db_path), db_path)
            lock.acquire()
            conn: sqlite3.Connection | None = None
            try:
                backups.remove_partial(db_path)
                daily_due = daily_backup and not backups.has_recent(db_path, backups.AUTOMATIC, DAILY_INTERVAL)
                # the whole-file check runs with the daily backup at least, whatever the clean-close record says
                trusted = not daily_due and opening.unchanged_since_clean_close(db_path, lock.previous_record)
                pending = opening.inspect_and_backup(db_path, trusted=trusted)
                conn = sqlite3.connect(db_path, check_same_thread=False)  # calls serialised by _calls
                conn.execute("PRAGMA busy_timeout = 5000")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(f"PRAGMA synchronous = {synchronous}")
                conn.execute("PRAGMA foreign_keys = ON")
                if pending:
                    apply_pending(conn)
                opening.check_drift(conn, db_path)
                self = cls(db_path, conn, lock, read_only=False)
                self._last_at = conn.execute("SELECT coalesce(max(at), '') FROM history").fetchone()[0]
                if daily_due:
                    backups.make_backup(conn, db_path, backups.DAILY)
                return self
            except BaseException:
                if conn is not None:
                    conn.close()
                lock.release()
                raise

    @classmethod
    def _open_read_only(cls, db_path: Path) -> Database:
        if not db_path.is_file():
            raise StorageError(f"数据库文件“{db_path}”不存在。")
        trusted = opening.unchanged_since_clean_close(db_path, read_record(lock_path(db_path)))
        conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
        try:
            if not trusted:
                opening.check_integrity(conn, db_path)
            applied = opening.applied_migrations(conn, db_path)
            if not applied:
                raise StorageError(f"数据库“{db_path}”是空的，还没有任何园区。")
            if [n for n in migration_names() if n not in applied]:
                raise StorageError(f"数据库“{db_path}”是旧版本的格式，需要先升级：请用本程序正常打开一次（不要只读）。")
            opening.check_drift(conn, db_path)
            conn.execute("PRAGMA query_only = ON")
            return cls(db_path, conn, None, read_only=True)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        """Close the file and release the lock, making an exit backup first if anything changed and the newest
        automatic backup is over ``backups.EXIT_INTERVAL`` old (not a full copy on every close).

        Never raises for a failed backup: the error is printed to stderr and kept in ``close_error``.
        A call running on another thread finishes first.
        """
        with self._calls:
            self._close()

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._conn.in_transaction:  # never acknowledged, so nothing is lost
                self._conn.rollback()
            if not self.read_only and self._conn.total_changes != self._changes_at_open:
                with translating_errors(self.path):
                    if not backups.has_recent(self.path, backups.AUTOMATIC, backups.EXIT_INTERVAL):
                        backups.make_backup(self._conn, self.path, backups.EXIT)
        except StorageError as exc:
            # the drafts are safely in the database; only the extra copy failed, and close() is called
            # from finally blocks, so say it instead of raising
            self.close_error = exc
            print(f"警告：退出时的自动备份没有完成：{exc}", file=sys.stderr)
        finally:
            record: str | None = None
            try:
                self._conn.close()
                record = opening.file_record(self.path)  # closed cleanly: the next open may skip the check
            finally:
                if self._lock is not None:
                    self._lock.release(record)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        """The underlying connection, for tests and diagnostics only (other packages must not speak SQL)."""
        return self._conn

    # ------------------------------------------------------------------ parks

    @_guarded
    def list_parks(self) -> list[ParkSummary]:
        rows = self._conn.execute(
            "SELECT p.id, p.name, p.updated_at, (SELECT group_concat(year) FROM (SELECT year FROM years y "
            "WHERE y.park_id = p.id ORDER BY year)) FROM parks p ORDER BY p.id"
        ).fetchall()
        return [ParkSummary(r[0], r[1], r[2], [int(y) for y in r[3].split(",")] if r[3] else []) for r in rows]

    def last_updated_park(self) -> int | None:
        """The park updated most recently, or None when the database holds none (the one the window opens)."""
        parks = self.list_parks()
        if not parks:
            return None
        return int(max(parks, key=lambda p: (p.updated_at or "", p.id)).id)

    @_guarded
    def find_park(self, name: str) -> int | None:
        """The park of that name (compared normalised: NFC, no spaces around it), newest first."""
        row = self._conn.execute(
            "SELECT id FROM parks WHERE name = ? ORDER BY updated_at DESC, id DESC LIMIT 1", (normalize_name(name),)
        ).fetchone()
        return int(row[0]) if row else None

    def create_park(
        self,
        profile: dict[str, Raw],
        years: Iterable[int] = range(2016, 2021),
        form: str = DEFAULT_FORM,
        outline: str = DEFAULT_OUTLINE,
    ) -> int:
        """A new park with empty year tables; ``outline`` is its report's outline version (stored with it)."""
        park = ParkData(park=dict(profile), years={int(y): YearData(form=form) for y in years}, form=form,
                        report=ReportData(outline=outline))  # fmt: skip
        return self.replace_park(park)

    @_guarded
    def load_park(self, park_id: int) -> ParkData:
        form, outline = self._park_row(park_id)
        return cells.cells_to_park(cell_store.read_cells(self._conn, park_id), form, outline)

    @_guarded
    def replace_park(self, park: ParkData, park_id: int | None = None,
                     operation: tuple[str, str] | None = None) -> int:  # fmt: skip
        """Make the stored park equal to ``park`` in ONE transaction (new park when ``park_id`` is None).
        Only the differences are written, each with its history row.  ``operation`` (kind, detail), e.g.
        ``("import", "园区.json")``, names the change as a whole in the history (see :meth:`operations`)."""
        target = cells.park_to_cells(park)
        form = self._form_definition(park.form)
        year_forms = {c[1]: self._form_definition(str(v)) for c, v in target.items() if c[0] == cells.YEAR}
        for cell, value in target.items():
            in_year = cell[0] in YEAR_KINDS and cell[1] in year_forms
            cell_store.check_cell(year_forms[cell[1]] if in_year else form, cell, value)
        name = normalize_name(park.park.get("park.name"))
        with self._transaction():
            at = self._stamp()
            if park_id is None:
                cur = self._conn.execute(
                    "INSERT INTO parks (name, form, outline, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    (name, park.form, park.report.outline, at, at),
                )
                park_id = int(cur.lastrowid or 0)
                current: dict[CellKey, Any] = {}
            else:
                self._park_row(park_id)
                current = cell_store.read_cells(self._conn, park_id)
                self._conn.execute(
                    "UPDATE parks SET name = ?, form = ?, outline = ?, updated_at = ? WHERE id = ?",
                    (name, park.form, park.report.outline, at, park_id),
                )
            self._forms[park_id] = park.form
            removed = [c for c in current if c not in target]
            removed.sort(key=lambda c: c[0] == cells.YEAR)  # a year's contents go before the year
            for cell in removed:
                self._apply(park_id, cell, current[cell], ABSENT, at)
            ordered = sorted(target, key=lambda c: c[0] != cells.YEAR)  # years before their contents
            for cell in ordered:
                old = current.get(cell, ABSENT)
                if old is ABSENT or cells.encode(old) != cells.encode(target[cell]):
                    self._apply(park_id, cell, old, target[cell], at)
            if operation is not None:
                self._note_operation(park_id, at, *operation)
        return park_id

    def _note_operation(self, park_id: int, at: str, kind: str, detail: str) -> None:
        if kind not in OPERATION_KINDS:
            raise InvalidDataError(f"未知的操作类型“{kind}”")
        self._conn.execute(
            "INSERT INTO operations (park_id, at, kind, detail) VALUES (?, ?, ?, ?)", (park_id, at, kind, detail)
        )

    @contextlib.contextmanager
    def operation(self, park_id: int, kind: str, detail: str = "") -> Iterator[None]:
        """Several saves as ONE named change (定稿 locks the years' factors and records the final mark): one
        transaction, one moment shared by all their history rows, and the operation noted at that moment so
        the history lists them as one line.  Nothing is kept if the block fails.  An operation inside another
        joins the outer one; another thread's calls wait until the block ends."""
        with self._calls:
            if self._operation_at is not None:
                yield
                return
            if kind not in OPERATION_KINDS:
                raise InvalidDataError(f"未知的操作类型“{kind}”")
            with translating_errors(self.path), self._transaction():
                self._park_row(park_id)
                at = self._operation_at = self._stamp()
                try:
                    yield
                finally:
                    self._operation_at = None
                self._note_operation(park_id, at, kind, detail)

    @_guarded
    def operations(self, park_id: int) -> dict[str, Operation]:
        """The park's whole-park changes (imports, restores, years removed) by the time of their history rows."""
        rows = self._conn.execute(
            "SELECT at, kind, detail FROM operations WHERE park_id = ? ORDER BY id", (park_id,)
        ).fetchall()
        return {row[0]: Operation(row[0], row[1], row[2]) for row in rows}

    @_guarded
    def delete_park(self, park_id: int) -> Path:
        """Delete a park with its history (a backup is made first; returns it)."""
        self._park_row(park_id)
        backup = self.backup_now(backups.BEFORE_DELETE)
        with self._transaction():
            for table in ("year_values", "factor_overrides", "explanations", "year_factor_locks", "years",
                          "park_fields", "report_sections", "report_projects", "report_scenarios", "report_extra",
                          "history", "submission_events", "operations"):  # fmt: skip
                self._conn.execute(f"DELETE FROM {table} WHERE park_id = ?", (park_id,))
            self._conn.execute("DELETE FROM parks WHERE id = ?", (park_id,))
        self._forms.pop(park_id, None)
        return backup

    # ------------------------------------------------------------------ saving one thing

    @_guarded
    def set_value(self, park_id: int, year: int | None, key: str, raw: Raw) -> None:
        """Save one field as typed.  ``year=None`` for ``park.*`` profile keys; a year's ``meta.*`` and
        values keys go by the form definition.  ``raw=None`` clears the field (it is no longer stored)."""
        form = self._form_definition(self._form_of(park_id) if year is None else self._year_form(park_id, int(year)))
        if year is None:
            if key not in form.park_keys:
                raise InvalidDataError(f"“{key}”不是园区概况中的项目（填写年度数据时请给出年份）")
            cell: CellKey = (cells.PARK, None, key)
            if key == "park.name" and isinstance(raw, str):
                raw = normalize_name(raw)  # one name everywhere: found again by find_park, same file names
        elif key in form.meta_keys:
            cell = (cells.META, int(year), key)
        elif key in form.input_keys:
            cell = (cells.VALUE, int(year), key)
        else:
            raise InvalidDataError(f"表格 {form.version} 中没有可填写的项目“{key}”")
        self._change(park_id, cell, ABSENT if raw is None else raw)

    @_guarded
    def set_factor(self, park_id: int, year: int, key: str, value_raw: Raw | None, source: str) -> None:
        """Override a factor with the source stated for it; ``value_raw=None`` goes back to the default."""
        new = ABSENT if value_raw is None else {"value": value_raw, "source": source or ""}
        self._change(park_id, (cells.FACTOR, int(year), key), new)

    @_guarded
    def set_factor_lock(self, park_id: int, year: int, lock: dict[str, Any] | None) -> None:
        """Record the factors a year was filed with (``None`` removes the lock); one history row."""
        self._change(park_id, (cells.LOCK, int(year), ""), ABSENT if lock is None else lock)

    @_guarded
    def lock_years(self, park_id: int, locks: dict[int, dict[str, Any]]) -> None:
        """Lock several years at once (定稿 / export), all or none."""
        with self._transaction():
            for year, lock in sorted(locks.items()):
                self._change(park_id, (cells.LOCK, int(year), ""), lock)

    @_guarded
    def set_explanation(self, park_id: int, year: int, key: str, text: str) -> None:
        self._change(park_id, (cells.EXPLANATION, int(year), key), text)

    @_guarded
    def add_year(self, park_id: int, year: int, form_version: str = DEFAULT_FORM) -> None:
        """Add a year's table (no-op if it is already there with the same form version)."""
        existing = self._conn.execute(
            "SELECT form FROM years WHERE park_id = ? AND year = ?", (park_id, int(year))
        ).fetchone()
        if existing is not None and existing[0] != form_version:
            raise InvalidDataError(f"{year} 年已按表格版本“{existing[0]}”填写，不能改为“{form_version}”")
        self._change(park_id, (cells.YEAR, int(year), ""), form_version)

    @_guarded
    def remove_year(self, park_id: int, year: int) -> None:
        """Remove a year and everything filled in it (each removal is in the history, so it can be undone)."""
        with self._transaction():
            current = cell_store.read_cells(self._conn, park_id)
            at = self._stamp()
            doomed = [c for c in current if c[1] == year and c[0] in (*YEAR_KINDS, cells.YEAR)]
            doomed.sort(key=lambda c: c[0] == cells.YEAR)
            for cell in doomed:
                self._apply(park_id, cell, current[cell], ABSENT, at)
            self._note_operation(park_id, at, "remove_year", str(int(year)))
            self._touch(park_id, at)

    @_guarded
    def set_section_text(self, park_id: int, section_key: str, text: str) -> None:
        self._change(park_id, (cells.SECTION, None, section_key), text)

    @_guarded
    def set_projects(self, park_id: int, projects: list[dict[str, Any]]) -> None:
        self._change(park_id, (cells.PROJECTS, None, ""), [dict(p) for p in projects] if projects else ABSENT)

    @_guarded
    def set_scenarios(self, park_id: int, scenarios: dict[str, Any]) -> None:
        self._change(park_id, (cells.SCENARIOS, None, ""), dict(scenarios) if scenarios else ABSENT)

    @_guarded
    def set_report_extra(self, park_id: int, key: str, value: Any) -> None:
        """Store a JSON value under ``report.<key>`` (e.g. "final", "outline_custom"); ``None`` removes it."""
        self._change(park_id, (cells.EXTRA, None, key), ABSENT if value is None else value)

    @_guarded
    def set_targets(self, park_id: int, targets: list[dict[str, Any]]) -> None:
        """Store the park's targets (park file ``targets``) as one change; an empty list removes them."""
        if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
            raise InvalidDataError("目标应为目标对象的列表")
        self._change(park_id, (cells.EXTRA, None, cells.TARGETS_KEY), [dict(t) for t in targets] or ABSENT)

    # ------------------------------------------------------------------ history

    @_guarded
    def history(
        self, park_id: int, year: int | None = None, key: str | None = None, limit: int = 200, kind: str | None = None
    ) -> list[HistoryEntry]:
        """Changes of a park, newest first, optionally of one year and/or key (and kind).

        Newest first by time, then by id (the same order: times never go back, see ``_stamp``), so that the
        (park, time) and (park, field, time) indexes give the rows in order without sorting the history."""
        sql = "SELECT id, at, year, key, old_raw_json, new_raw_json, kind, park_id FROM history WHERE park_id = ?"
        params: list[Any] = [park_id]
        for column, value in (("year", year), ("key", key), ("kind", kind)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        sql += " ORDER BY at DESC, id DESC LIMIT ?"
        params.append(int(limit))
        return [_history_entry(row) for row in self._conn.execute(sql, params)]

    @_guarded
    def history_entry(self, entry_id: int) -> HistoryEntry:
        row = self._conn.execute(
            "SELECT id, at, year, key, old_raw_json, new_raw_json, kind, park_id FROM history WHERE id = ?",
            (entry_id,),
        ).fetchone()
        if row is None:
            raise StorageError(f"历史记录 {entry_id} 不存在")
        return _history_entry(row)

    @_guarded
    def restore_history(self, entry_id: int) -> None:
        """Set the field back to the value that entry wrote (itself recorded as a new change).
        A value of a year removed since brings the year back first."""
        entry = self.history_entry(entry_id)
        cell: CellKey = (entry.kind, entry.year, entry.key)
        new = entry.new_raw if entry.new_present else ABSENT
        with self._transaction():
            if entry.kind in YEAR_KINDS and new is not ABSENT and entry.year is not None:
                self._change(entry.park_id, (cells.YEAR, entry.year, ""), self._form_of(entry.park_id))
            self._change(entry.park_id, cell, new)

    @_guarded
    def park_as_of(self, park_id: int, at: str | dt.datetime) -> ParkData:
        """The park as it was at ``at`` (ISO time; naive means UTC), rebuilt from the history."""
        form, outline = self._park_row(park_id)
        moment = normalize_time(at)
        # the newest row of each field up to the moment, found in the (park, field, time) index without
        # reading the older rows; fields in the order they were first written, as a replay would give
        latest = self._conn.execute(
            "SELECT min(id), max(id) FROM history WHERE park_id = ? AND at <= ? GROUP BY kind, key, year",
            (park_id, moment),
        ).fetchall()
        latest.sort()
        state: dict[CellKey, Any] = {}
        ids = [row[1] for row in latest]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self._conn.execute(
                f"SELECT id, kind, year, key, new_raw_json FROM history WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            by_id = {row[0]: row[1:] for row in rows}
            for entry_id in chunk:
                kind, year, key, new_json = by_id[entry_id]
                if new_json is not None:
                    state[(kind, year, key)] = cells.decode(new_json)
        return cells.cells_to_park(state, form, outline)

    @_guarded
    def restore_park_as_of(self, park_id: int, at: str | dt.datetime) -> None:
        """Bring the whole park back to how it was at ``at``; the changes go into the history."""
        self.replace_park(self.park_as_of(park_id, at), park_id, operation=("restore", normalize_time(at)))

    # ------------------------------------------------------------------ submission events

    @_guarded
    def add_submission_event(self, park_id: int, kind: str, date: str, details: dict[str, Any]) -> int:
        if kind not in SUBMISSION_KINDS:
            raise InvalidDataError(f"未知的报送记录类型“{kind}”（可选：{'、'.join(SUBMISSION_KINDS)}）")
        self._park_row(park_id)
        with self._transaction():
            cur = self._conn.execute(
                "INSERT INTO submission_events (park_id, kind, date, details_json, created_at) VALUES (?, ?, ?, ?, ?)",
                (park_id, kind, str(date), cells.encode(dict(details)), now_stamp()),
            )
        return int(cur.lastrowid or 0)

    @_guarded
    def remove_submission_event(self, park_id: int, event_id: int) -> None:
        """Take one line out of the park's submission log (undoing its entry)."""
        with self._transaction():
            cur = self._conn.execute("DELETE FROM submission_events WHERE id = ? AND park_id = ?", (event_id, park_id))
        if cur.rowcount != 1:
            raise StorageError(f"报送记录 {event_id} 不存在")

    @_guarded
    def put_submission_event(self, event: SubmissionEvent) -> None:
        """Put a line taken out by :meth:`remove_submission_event` back, as it was (same id, same times)."""
        if event.kind not in SUBMISSION_KINDS:
            raise InvalidDataError(f"未知的报送记录类型“{event.kind}”（可选：{'、'.join(SUBMISSION_KINDS)}）")
        self._park_row(event.park_id)
        with self._transaction():
            self._conn.execute(
                "INSERT INTO submission_events (id, park_id, kind, date, details_json, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    event.id,
                    event.park_id,
                    event.kind,
                    str(event.date),
                    cells.encode(dict(event.details)),
                    event.created_at,
                ),
            )

    @_guarded
    def submission_events(self, park_id: int) -> list[SubmissionEvent]:
        rows = self._conn.execute(
            "SELECT id, park_id, kind, date, details_json, created_at FROM submission_events WHERE park_id = ? "
            "ORDER BY date, id",
            (park_id,),
        )
        return [SubmissionEvent(r[0], r[1], r[2], r[3], cells.decode(r[4]), r[5]) for r in rows]

    # ------------------------------------------------------------------ backups

    @_guarded
    def backup_now(self, reason: str = backups.MANUAL) -> Path:
        """A consistent copy of the database (SQLite backup API) in the backups folder."""
        return backups.make_backup(self._conn, self.path, reason)

    def list_backups(self) -> list[Path]:
        """Backups of this database, newest first."""
        return backups.list_backups(self.path)

    @_guarded
    def restore(self, backup: str | Path) -> Path:
        """Replace the whole database by ``backup`` (after backing the current state up; returns that copy).
        An older backup is migrated; one from a newer program version is refused."""
        if self.read_only:
            raise ReadOnlyError(f"数据库“{self.path}”以只读方式打开，不能恢复备份。")
        source_path = Path(backup)
        source = opening.open_backup(source_path)
        try:
            safety = self.backup_now(backups.BEFORE_RESTORE)
            source.backup(self._conn)
        finally:
            source.close()
        self._conn.execute("PRAGMA journal_mode = WAL")
        apply_pending(self._conn)
        opening.check_drift(self._conn, self.path)
        self._forms.clear()
        self._last_at = self._conn.execute("SELECT coalesce(max(at), '') FROM history").fetchone()[0]
        return safety

    @staticmethod
    def check_backup_file(path: str | Path) -> list[str]:
        """Check a backup file chosen anywhere before anything is replaced by it: whole (quick_check), a
        parkcarbon database not from a newer program, and, migrated in a scratch copy, of the schema this
        program expects.  Returns the names of its parks; a bad file raises a Chinese StorageError."""
        source = Path(path)
        refused = f"文件“{source.name}”不是完好的园区双碳填报数据库备份，不能用它恢复；数据库没有任何改动。"
        with tempfile.TemporaryDirectory(prefix="parkcarbon-check-") as scratch_dir:
            scratch = Path(scratch_dir) / "check.db"
            try:
                conn = opening.open_backup(source)
                try:
                    conn.execute("VACUUM INTO ?", (str(scratch),))
                finally:
                    conn.close()
                work = sqlite3.connect(scratch)
                try:
                    apply_pending(work)
                    problems = schema_drift(work)
                    names = [str(r[0]) for r in work.execute("SELECT name FROM parks ORDER BY id")]
                finally:
                    work.close()
            except SchemaTooNewError:
                raise
            except (DatabaseDamagedError, sqlite3.DatabaseError) as exc:
                raise NotOurDatabaseError(f"{refused}（文件已损坏，或不是数据库文件）") from exc
            except StorageError as exc:
                raise NotOurDatabaseError(f"{refused}（原因：{exc}）") from exc
            if problems:
                raise NotOurDatabaseError(f"{refused}（数据结构与本程序不符：{'；'.join(problems[:2])}）")
        return names

    @staticmethod
    def copy_backup(backup: str | Path, folder: str | Path) -> Path:
        """Copy a backup to another folder (a USB drive): written as ``.part``, flushed, renamed into place and
        checked; an existing file of that name is never overwritten.  Returns the copy."""
        source, target_dir = Path(backup), Path(folder)
        with opening.translating_errors(target_dir):
            if not target_dir.is_dir():
                raise DiskError(f"文件夹“{target_dir}”不存在或无法访问。")
            target = target_dir / source.name
            n = 1
            while target.exists():
                n += 1
                target = target_dir / f"{source.stem}({n}){source.suffix}"
            part = target.with_name(target.name + ".part")
            try:
                shutil.copyfile(source, part)
                backups.fsync_file(part)
                os.replace(part, target)
                backups.fsync_dir(target_dir)
            except BaseException:
                part.unlink(missing_ok=True)
                raise
        try:
            opening.open_backup(target).close()
        except StorageError as exc:
            target.unlink(missing_ok=True)
            raise DiskError(f"复制到“{target_dir}”的备份校验失败，已删除这份副本：{exc}") from exc
        return target

    @staticmethod
    def restore_backup(backup: str | Path, target: str | Path | None = None) -> Path:
        """Restore ``backup`` over the database ``target`` (which must not be open elsewhere).
        Returns the backup made of ``target`` first; a damaged ``target`` is moved aside instead."""
        try:
            with Database.open(target, daily_backup=False) as db:
                return db.restore(backup)
        except NotOurDatabaseError:
            return _replace_damaged(Path(backup), resolve_db_path(target))

    # ------------------------------------------------------------------ internals

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.read_only:
            raise ReadOnlyError(f"数据库“{self.path}”以只读方式打开，不能保存。")
        conn = self._conn
        if conn.in_transaction:  # nested: a savepoint inside the caller's transaction
            conn.execute("SAVEPOINT nested")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK TO SAVEPOINT nested")
                    conn.execute("RELEASE SAVEPOINT nested")
                raise
            conn.execute("RELEASE SAVEPOINT nested")
            return
        conn.execute("BEGIN")
        try:
            yield
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise

    def _stamp(self) -> str:
        """Now, never earlier than the newest history row (history stays ordered if the clock steps back);
        inside :meth:`operation`, the operation's moment."""
        if self._operation_at is not None:
            return self._operation_at
        self._last_at = max(now_stamp(), self._last_at)
        return self._last_at

    def _park_row(self, park_id: int) -> tuple[str, str]:
        row = self._conn.execute("SELECT form, outline FROM parks WHERE id = ?", (park_id,)).fetchone()
        if row is None:
            raise ParkNotFoundError(f"数据库中没有编号为 {park_id} 的园区")
        self._forms[park_id] = row[0]
        return row[0], row[1]

    def _form_of(self, park_id: int) -> str:
        form = self._forms.get(park_id)
        return form if form is not None else self._park_row(park_id)[0]

    @staticmethod
    def _form_definition(version: str) -> FormDefinition:
        try:
            return form_for(version)
        except UnknownFormError as exc:
            raise InvalidDataError(str(exc)) from None

    def _year_form(self, park_id: int, year: int) -> str:
        """The form version a year was filled against (the park's when the year is not there)."""
        row = self._conn.execute("SELECT form FROM years WHERE park_id = ? AND year = ?", (park_id, year)).fetchone()
        return str(row[0]) if row is not None else self._form_of(park_id)

    def _cell_form(self, park_id: int, cell: CellKey) -> FormDefinition:
        kind, year, _key = cell
        if kind in YEAR_KINDS and year is not None:
            return self._form_definition(self._year_form(park_id, int(year)))
        return self._form_definition(self._form_of(park_id))

    @_guarded
    def move_year_form(self, park_id: int, year: int, version: str) -> None:
        """Fill a year against another form version (e.g. eip-2021 → eip-2026): one history entry, and only
        when every value already typed has its place in the new version, so nothing is lost."""
        new_form = self._form_definition(version)
        if not self._has_year(park_id, int(year)):
            raise InvalidDataError(f"园区还没有 {year} 年的表格")
        stored = cell_store.read_cells(self._conn, park_id)
        for cell, value in stored.items():
            if cell[1] == int(year) and cell[0] in YEAR_KINDS:
                try:
                    cell_store.check_cell(new_form, cell, value)
                except InvalidDataError as exc:
                    raise InvalidDataError(f"{year} 年不能改按表格版本“{version}”填写：{exc}") from None
        self._change(park_id, (cells.YEAR, int(year), ""), version)

    def _change(self, park_id: int, cell: CellKey, new: Any) -> bool:
        """Set one cell in its own small transaction (or the open one) with its history row."""
        form = self._cell_form(park_id, cell)
        cell_store.check_cell(form, cell, new)
        with self._transaction():
            kind, year, _key = cell
            if kind in YEAR_KINDS and new is not ABSENT and not self._has_year(park_id, year):
                raise InvalidDataError(f"园区还没有 {year} 年的表格，请先添加该年度")
            old = cell_store.read_cell(self._conn, park_id, cell)
            if old is ABSENT and new is ABSENT:
                return False
            if old is not ABSENT and new is not ABSENT and cells.encode(old) == cells.encode(new):
                return False
            at = self._stamp()
            if kind == cells.YEAR and new is ABSENT:  # a year's contents go first, each with its history row
                contents = cell_store.read_cells(self._conn, park_id)
                for other in [c for c in contents if c[1] == year and c[0] in YEAR_KINDS]:
                    self._apply(park_id, other, contents[other], ABSENT, at)
            self._apply(park_id, cell, old, new, at)
            self._touch(park_id, at)
        return True

    def _has_year(self, park_id: int, year: int | None) -> bool:
        row = self._conn.execute("SELECT 1 FROM years WHERE park_id = ? AND year = ?", (park_id, year)).fetchone()
        return row is not None

    def _touch(self, park_id: int, at: str) -> None:
        self._conn.execute("UPDATE parks SET updated_at = ? WHERE id = ?", (at, park_id))

    def _apply(self, park_id: int, cell: CellKey, old: Any, new: Any, at: str) -> None:
        """Write one cell and its history row (inside the caller's transaction)."""
        form = self._cell_form(park_id, cell)
        cell_store.write_cell(self._conn, form, park_id, cell, new, at)
        kind, year, key = cell
        self._conn.execute(
            "INSERT INTO history (at, park_id, year, key, kind, old_raw_json, new_raw_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                at,
                park_id,
                year,
                key,
                kind,
                None if old is ABSENT else cells.encode(old),
                None if new is ABSENT else cells.encode(new),
            ),
        )


def _history_entry(row: tuple[Any, ...]) -> HistoryEntry:
    old_json, new_json = row[4], row[5]
    return HistoryEntry(
        id=row[0],
        at=row[1],
        year=row[2],
        key=row[3],
        old_raw=None if old_json is None else cells.decode(old_json),
        new_raw=None if new_json is None else cells.decode(new_json),
        kind=row[6],
        park_id=row[7],
        old_present=old_json is not None,
        new_present=new_json is not None,
    )


def _replace_damaged(backup: Path, db_path: Path) -> Path:
    """Put ``backup`` in place of a database that cannot be opened; the old files are kept aside."""
    with translating_errors(db_path):
        opening.open_backup(backup).close()  # refuse a damaged or newer backup before touching anything
        lock = LockFile(lock_path(db_path), db_path)
        lock.acquire()
        try:
            folder = backups.backups_dir(db_path)
            folder.mkdir(parents=True, exist_ok=True)
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
            aside = folder / f"{db_path.stem}-{stamp}-damaged.db"
            for suffix in ("-wal", "-shm", ""):
                side = db_path.with_name(db_path.name + suffix)
                if side.exists():
                    os.replace(side, aside.with_name(aside.name + suffix))
            data = backup.read_bytes()
            atomic_write_bytes(db_path, data)
            return aside
        finally:
            lock.release()
