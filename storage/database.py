"""The drafts database: one SQLite file in WAL mode, one writer process, every change in the history.

Saving one field is one small transaction that also writes its history row; reading a park is one call
returning :class:`forms.model.ParkData`.  Raw values are stored as JSON text so their type survives (a
number stays a number, text stays exactly as typed); the parsed number and any parse error sit beside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlite_utils import Database as SUDatabase

from forms.definition import FormDefinition
from forms.kinds import parse as parse_kind
from forms.model import ParkData, Raw, YearData
from forms.numbers import parse_number
from forms.registry import DEFAULT_FORM, FORM_VERSIONS, UnknownFormError, form_for
from storage import backups, cells
from storage.cells import CellKey
from storage.errors import (
    InvalidDataError,
    NotOurDatabaseError,
    ParkNotFoundError,
    ReadOnlyError,
    SchemaTooNewError,
    StorageError,
    translating_errors,
)
from storage.lock import LockFile
from storage.paths import lock_path, resolve_db_path
from storage.records import SUBMISSION_KINDS, HistoryEntry, ParkSummary, SubmissionEvent
from storage.schema import APPLICATION_ID, MIGRATION_SET, MIGRATIONS, migration_names, schema_drift

P = ParamSpec("P")
T = TypeVar("T")

SYNCHRONOUS_MODES = ("FULL", "NORMAL")
DAILY_INTERVAL = dt.timedelta(hours=24)
_ABSENT: Any = object()  # a cell that does not exist (distinct from a stored JSON null)
_YEAR_KINDS = (cells.VALUE, cells.META, cells.FACTOR, cells.EXPLANATION)


def _guarded(method: Callable[Concatenate[Database, P], T]) -> Callable[Concatenate[Database, P], T]:
    """Environmental failures become Chinese :class:`StorageError`; bugs pass unchanged."""

    @functools.wraps(method)
    def wrapper(self: Database, *args: P.args, **kwargs: P.kwargs) -> T:
        with translating_errors(self.path):
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
            raise InvalidDataError(f"“{at}”不是有效的时间(例：2021-09-20T08:30:00)") from None
    else:
        moment = at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _is_scalar(raw: object) -> bool:
    return raw is None or (isinstance(raw, (str, int, float)) and not isinstance(raw, bool))


class Database:
    """An open drafts database.  Use :meth:`open`; close with :meth:`close` or a ``with`` block."""

    def __init__(self, path: Path, sudb: SUDatabase, lock: LockFile | None, *, read_only: bool) -> None:
        self.path = path
        self._db = sudb
        self._lock = lock
        self.read_only = read_only
        self._forms: dict[int, str] = {}
        self._last_at = ""
        self._changes_at_open = sudb.conn.total_changes
        self._closed = False

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
        file up before applying pending migrations, switches to WAL and makes the daily backup.

        ``read_only=True`` takes no lock and never writes (for ``dump`` while the window is open).
        """
        db_path = resolve_db_path(path)
        if synchronous not in SYNCHRONOUS_MODES:
            raise ValueError(synchronous)
        with translating_errors(db_path):
            if read_only:
                return cls._open_read_only(db_path)
            db_path.parent.mkdir(parents=True, exist_ok=True)
            lock = LockFile(lock_path(db_path), db_path)
            lock.acquire()
            sudb: SUDatabase | None = None
            try:
                backups.remove_partial(db_path)
                pending = _inspect_and_backup(db_path)
                sudb = SUDatabase(db_path, execute_plugins=False)
                sudb.conn.execute("PRAGMA busy_timeout = 5000")
                sudb.enable_wal()
                sudb.conn.execute(f"PRAGMA synchronous = {synchronous}")
                sudb.conn.execute("PRAGMA foreign_keys = ON")
                if pending:
                    MIGRATIONS.apply(sudb)
                _check_drift(sudb.conn, db_path)
                self = cls(db_path, sudb, lock, read_only=False)
                self._last_at = sudb.conn.execute("SELECT coalesce(max(at), '') FROM history").fetchone()[0]
                if daily_backup and not backups.has_recent(db_path, backups.DAILY, DAILY_INTERVAL):
                    backups.make_backup(sudb.conn, db_path, backups.DAILY)
                return self
            except BaseException:
                if sudb is not None:
                    sudb.close()
                lock.release()
                raise

    @classmethod
    def _open_read_only(cls, db_path: Path) -> Database:
        if not db_path.is_file():
            raise StorageError(f"数据库文件“{db_path}”不存在。")
        conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            applied = _applied_migrations(conn, db_path)
            if [n for n in migration_names() if n not in applied]:
                raise StorageError(f"数据库“{db_path}”是旧版本的格式，需要先升级：请用本程序正常打开一次(不要只读)。")
            conn.execute("PRAGMA query_only = ON")
            return cls(db_path, SUDatabase(conn, execute_plugins=False), None, read_only=True)
        except BaseException:
            conn.close()
            raise

    def close(self) -> None:
        """Make the exit backup (if anything changed), close the file and release the lock.

        Everything is released even if the backup fails; the backup's :class:`StorageError` is raised after.
        """
        if self._closed:
            return
        self._closed = True
        failure: BaseException | None = None
        try:
            if not self.read_only and self._db.conn.total_changes != self._changes_at_open:
                with translating_errors(self.path):
                    backups.make_backup(self._db.conn, self.path, backups.EXIT)
        except StorageError as exc:
            failure = exc
        finally:
            try:
                self._db.close()
            finally:
                if self._lock is not None:
                    self._lock.release()
        if failure is not None:
            raise failure

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        """The underlying connection, for tests and diagnostics only (other packages must not speak SQL)."""
        return self._db.conn

    # ------------------------------------------------------------------ parks

    @_guarded
    def list_parks(self) -> list[ParkSummary]:
        rows = self._db.conn.execute(
            "SELECT p.id, p.name, p.updated_at, (SELECT group_concat(year) FROM (SELECT year FROM years y "
            "WHERE y.park_id = p.id ORDER BY year)) FROM parks p ORDER BY p.id"
        ).fetchall()
        return [ParkSummary(r[0], r[1], r[2], [int(y) for y in r[3].split(",")] if r[3] else []) for r in rows]

    @_guarded
    def find_park(self, name: str) -> int | None:
        row = self._db.conn.execute(
            "SELECT id FROM parks WHERE name = ? ORDER BY updated_at DESC, id DESC LIMIT 1", (name,)
        ).fetchone()
        return int(row[0]) if row else None

    def create_park(
        self, profile: dict[str, Raw], years: Iterable[int] = range(2016, 2021), form: str = DEFAULT_FORM
    ) -> int:
        park = ParkData(park=dict(profile), years={int(y): YearData(form=form) for y in years}, form=form)
        return self.replace_park(park)

    @_guarded
    def load_park(self, park_id: int) -> ParkData:
        form, outline = self._park_row(park_id)
        return cells.cells_to_park(self._read_cells(park_id), form, outline)

    @_guarded
    def replace_park(self, park: ParkData, park_id: int | None = None) -> int:
        """Make the stored park equal to ``park`` in ONE transaction (new park when ``park_id`` is None).
        Only the differences are written, each with its history row."""
        target = cells.park_to_cells(park)
        form = self._form_definition(park.form)
        for cell, value in target.items():
            self._check_cell(form, cell, value)
        name = str(park.park.get("park.name") or "")
        with self._transaction():
            at = self._stamp()
            if park_id is None:
                cur = self._db.conn.execute(
                    "INSERT INTO parks (name, form, outline, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    (name, park.form, park.report.outline, at, at),
                )
                park_id = int(cur.lastrowid or 0)
                current: dict[CellKey, Any] = {}
            else:
                self._park_row(park_id)
                current = self._read_cells(park_id)
                self._db.conn.execute(
                    "UPDATE parks SET name = ?, form = ?, outline = ?, updated_at = ? WHERE id = ?",
                    (name, park.form, park.report.outline, at, park_id),
                )
            self._forms[park_id] = park.form
            removed = [c for c in current if c not in target]
            removed.sort(key=lambda c: c[0] == cells.YEAR)  # a year's contents go before the year
            for cell in removed:
                self._apply(park_id, cell, current[cell], _ABSENT, at)
            ordered = sorted(target, key=lambda c: c[0] != cells.YEAR)  # years before their contents
            for cell in ordered:
                old = current.get(cell, _ABSENT)
                if old is _ABSENT or cells.encode(old) != cells.encode(target[cell]):
                    self._apply(park_id, cell, old, target[cell], at)
        return park_id

    @_guarded
    def delete_park(self, park_id: int) -> Path:
        """Delete a park with its history (a backup is made first; returns it)."""
        self._park_row(park_id)
        backup = self.backup_now(backups.BEFORE_DELETE)
        with self._transaction():
            for table in ("year_values", "factor_overrides", "explanations", "years", "park_fields",
                          "report_sections", "report_projects", "report_scenarios", "report_extra",
                          "history", "submission_events"):  # fmt: skip
                self._db.conn.execute(f"DELETE FROM {table} WHERE park_id = ?", (park_id,))
            self._db.conn.execute("DELETE FROM parks WHERE id = ?", (park_id,))
        self._forms.pop(park_id, None)
        return backup

    # ------------------------------------------------------------------ saving one thing

    @_guarded
    def set_value(self, park_id: int, year: int | None, key: str, raw: Raw) -> None:
        """Save one field as typed.  ``year=None`` for ``park.*`` profile keys; a year's ``meta.*`` and
        values keys go by the form definition."""
        form = self._form_definition(self._form_of(park_id))
        if year is None:
            if key not in form.park_keys:
                raise InvalidDataError(f"“{key}”不是园区概况中的项目(填写年度数据时请给出年份)")
            cell: CellKey = (cells.PARK, None, key)
        elif key in form.meta_keys:
            cell = (cells.META, int(year), key)
        elif key in form.input_keys:
            cell = (cells.VALUE, int(year), key)
        else:
            raise InvalidDataError(f"表格 {form.version} 中没有可填写的项目“{key}”")
        self._change(park_id, cell, raw)

    @_guarded
    def set_factor(self, park_id: int, year: int, key: str, value_raw: Raw | None, source: str) -> None:
        """Override a factor with the source stated for it; ``value_raw=None`` goes back to the default."""
        new = _ABSENT if value_raw is None else {"value": value_raw, "source": source or ""}
        self._change(park_id, (cells.FACTOR, int(year), key), new)

    @_guarded
    def set_explanation(self, park_id: int, year: int, key: str, text: str) -> None:
        self._change(park_id, (cells.EXPLANATION, int(year), key), text)

    @_guarded
    def add_year(self, park_id: int, year: int, form_version: str = DEFAULT_FORM) -> None:
        """Add a year's table (no-op if it is already there with the same form version)."""
        existing = self._db.conn.execute(
            "SELECT form FROM years WHERE park_id = ? AND year = ?", (park_id, int(year))
        ).fetchone()
        if existing is not None and existing[0] != form_version:
            raise InvalidDataError(f"{year} 年已按表格版本“{existing[0]}”填写，不能改为“{form_version}”")
        self._change(park_id, (cells.YEAR, int(year), ""), form_version)

    @_guarded
    def remove_year(self, park_id: int, year: int) -> None:
        """Remove a year and everything filled in it (each removal is in the history, so it can be undone)."""
        with self._transaction():
            current = self._read_cells(park_id)
            at = self._stamp()
            doomed = [c for c in current if c[1] == year and c[0] in (*_YEAR_KINDS, cells.YEAR)]
            doomed.sort(key=lambda c: c[0] == cells.YEAR)
            for cell in doomed:
                self._apply(park_id, cell, current[cell], _ABSENT, at)
            self._touch(park_id, at)

    @_guarded
    def set_section_text(self, park_id: int, section_key: str, text: str) -> None:
        self._change(park_id, (cells.SECTION, None, section_key), text)

    @_guarded
    def set_projects(self, park_id: int, projects: list[dict[str, Any]]) -> None:
        self._change(park_id, (cells.PROJECTS, None, ""), [dict(p) for p in projects] if projects else _ABSENT)

    @_guarded
    def set_scenarios(self, park_id: int, scenarios: dict[str, Any]) -> None:
        self._change(park_id, (cells.SCENARIOS, None, ""), dict(scenarios) if scenarios else _ABSENT)

    @_guarded
    def set_report_extra(self, park_id: int, key: str, value: Any) -> None:
        """Store a JSON value under ``report.<key>`` (e.g. "final", "outline_custom"); ``None`` removes it."""
        self._change(park_id, (cells.EXTRA, None, key), _ABSENT if value is None else value)

    # ------------------------------------------------------------------ history

    @_guarded
    def history(
        self, park_id: int, year: int | None = None, key: str | None = None, limit: int = 200, kind: str | None = None
    ) -> list[HistoryEntry]:
        """Changes of a park, newest first, optionally of one year and/or key (and kind)."""
        sql = "SELECT id, at, year, key, old_raw_json, new_raw_json, kind, park_id FROM history WHERE park_id = ?"
        params: list[Any] = [park_id]
        for column, value in (("year", year), ("key", key), ("kind", kind)):
            if value is not None:
                sql += f" AND {column} = ?"
                params.append(value)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(int(limit))
        return [_history_entry(row) for row in self._db.conn.execute(sql, params)]

    @_guarded
    def history_entry(self, entry_id: int) -> HistoryEntry:
        row = self._db.conn.execute(
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
        new = entry.new_raw if entry.new_present else _ABSENT
        with self._transaction():
            if entry.kind in _YEAR_KINDS and new is not _ABSENT and entry.year is not None:
                self._change(entry.park_id, (cells.YEAR, entry.year, ""), self._form_of(entry.park_id))
            self._change(entry.park_id, cell, new)

    @_guarded
    def park_as_of(self, park_id: int, at: str | dt.datetime) -> ParkData:
        """The park as it was at ``at`` (ISO time; naive means UTC), rebuilt from the history."""
        form, outline = self._park_row(park_id)
        moment = normalize_time(at)
        state: dict[CellKey, Any] = {}
        for kind, year, key, new_json in self._db.conn.execute(
            "SELECT kind, year, key, new_raw_json FROM history WHERE park_id = ? AND at <= ? ORDER BY id",
            (park_id, moment),
        ):
            cell = (kind, year, key)
            state[cell] = _ABSENT if new_json is None else cells.decode(new_json)
        return cells.cells_to_park({c: v for c, v in state.items() if v is not _ABSENT}, form, outline)

    @_guarded
    def restore_park_as_of(self, park_id: int, at: str | dt.datetime) -> None:
        """Bring the whole park back to how it was at ``at``; the changes go into the history."""
        self.replace_park(self.park_as_of(park_id, at), park_id)

    # ------------------------------------------------------------------ submission events

    @_guarded
    def add_submission_event(self, park_id: int, kind: str, date: str, details: dict[str, Any]) -> int:
        if kind not in SUBMISSION_KINDS:
            raise InvalidDataError(f"未知的报送记录类型“{kind}”(可选：{'、'.join(SUBMISSION_KINDS)})")
        self._park_row(park_id)
        with self._transaction():
            cur = self._db.conn.execute(
                "INSERT INTO submission_events (park_id, kind, date, details_json, created_at) VALUES (?, ?, ?, ?, ?)",
                (park_id, kind, str(date), cells.encode(dict(details)), now_stamp()),
            )
        return int(cur.lastrowid or 0)

    @_guarded
    def submission_events(self, park_id: int) -> list[SubmissionEvent]:
        rows = self._db.conn.execute(
            "SELECT id, park_id, kind, date, details_json, created_at FROM submission_events WHERE park_id = ? "
            "ORDER BY date, id",
            (park_id,),
        )
        return [SubmissionEvent(r[0], r[1], r[2], r[3], cells.decode(r[4]), r[5]) for r in rows]

    # ------------------------------------------------------------------ backups

    @_guarded
    def backup_now(self, reason: str = backups.MANUAL) -> Path:
        """A consistent copy of the database (SQLite backup API) in the backups folder."""
        return backups.make_backup(self._db.conn, self.path, reason)

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
        source = _open_backup(source_path)
        try:
            safety = self.backup_now(backups.BEFORE_RESTORE)
            source.backup(self._db.conn)
        finally:
            source.close()
        self._db.conn.execute("PRAGMA journal_mode = WAL")
        if MIGRATIONS.pending(self._db):
            MIGRATIONS.apply(self._db)
        _check_drift(self._db.conn, self.path)
        self._forms.clear()
        self._last_at = self._db.conn.execute("SELECT coalesce(max(at), '') FROM history").fetchone()[0]
        return safety

    @staticmethod
    def restore_backup(backup: str | Path, target: str | Path | None = None) -> Path:
        """Restore ``backup`` over the database ``target`` (which must not be open elsewhere).
        Returns the backup made of ``target`` first."""
        with Database.open(target, daily_backup=False) as db:
            return db.restore(backup)

    # ------------------------------------------------------------------ internals

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        if self.read_only:
            raise ReadOnlyError(f"数据库“{self.path}”以只读方式打开，不能保存。")
        with self._db.atomic():
            yield

    def _stamp(self) -> str:
        """Now, never earlier than the newest history row (history stays ordered if the clock steps back)."""
        self._last_at = max(now_stamp(), self._last_at)
        return self._last_at

    def _park_row(self, park_id: int) -> tuple[str, str]:
        row = self._db.conn.execute("SELECT form, outline FROM parks WHERE id = ?", (park_id,)).fetchone()
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

    def _check_cell(self, form: FormDefinition, cell: CellKey, value: Any) -> None:
        kind, year, key = cell
        if value is _ABSENT:
            return
        if kind in (cells.YEAR, *_YEAR_KINDS) and (not isinstance(year, int) or not 1900 <= year <= 2100):
            raise InvalidDataError(f"“{year}”不是有效的年份")
        where = f"{year} 年“{key}”" if year is not None else f"“{key}”"
        if kind in (cells.PARK, cells.VALUE, cells.META):
            known = {cells.PARK: form.park_keys, cells.VALUE: form.input_keys, cells.META: form.meta_keys}[kind]
            if key not in known:
                raise InvalidDataError(f"表格 {form.version} 中没有可填写的项目“{key}”")
            if not _is_scalar(value):
                raise InvalidDataError(f"{where}的值应为文字或数字")
        elif kind == cells.FACTOR:
            if key not in form.factor_keys:
                raise InvalidDataError(f"表格 {form.version} 中没有因子“{key}”")
            if not (
                isinstance(value, dict) and _is_scalar(value.get("value")) and isinstance(value.get("source"), str)
            ):
                raise InvalidDataError(f"{where}的因子应有数值和来源")
        elif kind == cells.EXPLANATION:
            if key not in form.by_key and key != "year":
                raise InvalidDataError(f"表格 {form.version} 中没有项目“{key}”，不能为它写说明")
            if not isinstance(value, str):
                raise InvalidDataError(f"{where}的说明应为文字")
        elif kind == cells.YEAR:
            if value not in FORM_VERSIONS:
                raise InvalidDataError(f"{year} 年的表格版本“{value}”未知(支持：{'、'.join(FORM_VERSIONS)})")
        elif kind == cells.SECTION:
            if not isinstance(value, str):
                raise InvalidDataError(f"报告章节“{key}”的正文应为文字")
        elif kind == cells.PROJECTS:
            if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
                raise InvalidDataError("重点项目应为项目列表")
        elif kind == cells.SCENARIOS and not isinstance(value, dict):
            raise InvalidDataError("情景设置应为 JSON 对象")
        if kind in (cells.PROJECTS, cells.SCENARIOS, cells.EXTRA):
            try:
                json.dumps(value, allow_nan=True)
            except (TypeError, ValueError) as exc:
                raise InvalidDataError(f"报告中的“{key or kind}”无法保存为 JSON：{exc}") from None

    def _change(self, park_id: int, cell: CellKey, new: Any) -> bool:
        """Set one cell in its own small transaction (or the open one) with its history row."""
        form = self._form_definition(self._form_of(park_id))
        self._check_cell(form, cell, new)
        with self._transaction():
            kind, year, _key = cell
            if kind in _YEAR_KINDS and new is not _ABSENT and not self._has_year(park_id, year):
                raise InvalidDataError(f"园区还没有 {year} 年的表格，请先添加该年度")
            old = self._read_cell(park_id, cell)
            if old is _ABSENT and new is _ABSENT:
                return False
            if old is not _ABSENT and new is not _ABSENT and cells.encode(old) == cells.encode(new):
                return False
            if kind == cells.YEAR and new is _ABSENT:
                for other in [c for c in self._read_cells(park_id) if c[1] == year and c[0] in _YEAR_KINDS]:
                    self._apply(park_id, other, self._read_cell(park_id, other), _ABSENT, self._stamp())
            at = self._stamp()
            self._apply(park_id, cell, old, new, at)
            self._touch(park_id, at)
        return True

    def _has_year(self, park_id: int, year: int | None) -> bool:
        row = self._db.conn.execute("SELECT 1 FROM years WHERE park_id = ? AND year = ?", (park_id, year)).fetchone()
        return row is not None

    def _touch(self, park_id: int, at: str) -> None:
        self._db.conn.execute("UPDATE parks SET updated_at = ? WHERE id = ?", (at, park_id))

    def _apply(self, park_id: int, cell: CellKey, old: Any, new: Any, at: str) -> None:
        """Write one cell and its history row (inside the caller's transaction)."""
        self._write_cell(park_id, cell, new, at)
        kind, year, key = cell
        self._db.conn.execute(
            "INSERT INTO history (at, park_id, year, key, kind, old_raw_json, new_raw_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                at,
                park_id,
                year,
                key,
                kind,
                None if old is _ABSENT else cells.encode(old),
                None if new is _ABSENT else cells.encode(new),
            ),
        )

    def _write_cell(self, park_id: int, cell: CellKey, new: Any, at: str) -> None:
        kind, _year, key = cell
        execute = self._db.conn.execute
        table, where, params = _CELL_TABLES[kind]
        ident = _cell_ident(park_id, cell, params)
        if new is _ABSENT:
            execute(f"DELETE FROM {table} WHERE {where}", ident)
            return
        if kind == cells.PARK:
            columns = {"raw_json": cells.encode(new)}
            if key == "park.name":
                execute("UPDATE parks SET name = ? WHERE id = ?", (str(new or ""), park_id))
        elif kind == cells.YEAR:
            columns = {"form": str(new)}
        elif kind in (cells.VALUE, cells.META):
            value, error = self._parse(park_id, key, new)
            columns = {"grp": "meta" if kind == cells.META else "values", "raw_json": cells.encode(new),
                       "value": value, "parse_error": error}  # fmt: skip
        elif kind == cells.FACTOR:
            parsed = parse_number(new["value"])
            columns = {"value_raw_json": cells.encode(new["value"]), "value": parsed.value, "source": new["source"]}
        elif kind in (cells.EXPLANATION, cells.SECTION):
            columns = {"text": new}
        elif kind == cells.PROJECTS:
            columns = {"projects_json": cells.encode(new)}
        elif kind == cells.SCENARIOS:
            columns = {"scenarios_json": cells.encode(new)}
        else:
            columns = {"value_json": cells.encode(new)}
        stamp_column = "created_at" if kind == cells.YEAR else "updated_at"
        columns[stamp_column] = at
        names = [*params, *columns]
        sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "created_at" or kind != cells.YEAR)
        execute(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
            f"ON CONFLICT ({', '.join(params)}) DO UPDATE SET {sets}",
            (*ident, *columns.values()),
        )

    def _parse(self, park_id: int, key: str, raw: Raw) -> tuple[float | None, str | None]:
        form = self._form_definition(self._form_of(park_id))
        field = form.by_key.get(key)
        if field is None:
            return None, None
        checked = parse_kind(field.kind, raw, field.options)
        value = checked.value if isinstance(checked.value, float) and field.is_numeric else None
        return value, checked.error

    def _read_cell(self, park_id: int, cell: CellKey) -> Any:
        kind = cell[0]
        table, where, params = _CELL_TABLES[kind]
        column = _CELL_COLUMNS[kind]
        row = self._db.conn.execute(
            f"SELECT {column} FROM {table} WHERE {where}", _cell_ident(park_id, cell, params)
        ).fetchone()
        return _ABSENT if row is None else _cell_value(kind, row)

    def _read_cells(self, park_id: int) -> dict[CellKey, Any]:
        out: dict[CellKey, Any] = {}
        conn = self._db.conn
        for key, raw in conn.execute(
            "SELECT key, raw_json FROM park_fields WHERE park_id = ? ORDER BY rowid", (park_id,)
        ):
            out[(cells.PARK, None, key)] = cells.decode(raw)
        for year, form in conn.execute("SELECT year, form FROM years WHERE park_id = ? ORDER BY year", (park_id,)):
            out[(cells.YEAR, year, "")] = form
        for year, key, grp, raw in conn.execute(
            "SELECT year, key, grp, raw_json FROM year_values WHERE park_id = ? ORDER BY year, rowid", (park_id,)
        ):
            out[(cells.META if grp == "meta" else cells.VALUE, year, key)] = cells.decode(raw)
        for year, key, raw, source in conn.execute(
            "SELECT year, key, value_raw_json, source FROM factor_overrides WHERE park_id = ? ORDER BY year, rowid",
            (park_id,),
        ):
            out[(cells.FACTOR, year, key)] = {"value": cells.decode(raw), "source": source}
        for year, key, text in conn.execute(
            "SELECT year, key, text FROM explanations WHERE park_id = ? ORDER BY year, rowid", (park_id,)
        ):
            out[(cells.EXPLANATION, year, key)] = text
        for key, text in conn.execute(
            "SELECT section_key, text FROM report_sections WHERE park_id = ? ORDER BY rowid", (park_id,)
        ):
            out[(cells.SECTION, None, key)] = text
        for (raw,) in conn.execute("SELECT projects_json FROM report_projects WHERE park_id = ?", (park_id,)):
            out[(cells.PROJECTS, None, "")] = cells.decode(raw)
        for (raw,) in conn.execute("SELECT scenarios_json FROM report_scenarios WHERE park_id = ?", (park_id,)):
            out[(cells.SCENARIOS, None, "")] = cells.decode(raw)
        for key, raw in conn.execute(
            "SELECT key, value_json FROM report_extra WHERE park_id = ? ORDER BY rowid", (park_id,)
        ):
            out[(cells.EXTRA, None, key)] = cells.decode(raw)
        return out


# kind -> (table, WHERE clause identifying one cell, identifying columns in order)
_CELL_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    cells.PARK: ("park_fields", "park_id = ? AND key = ?", ("park_id", "key")),
    cells.YEAR: ("years", "park_id = ? AND year = ?", ("park_id", "year")),
    cells.VALUE: ("year_values", "park_id = ? AND year = ? AND key = ?", ("park_id", "year", "key")),
    cells.META: ("year_values", "park_id = ? AND year = ? AND key = ?", ("park_id", "year", "key")),
    cells.FACTOR: ("factor_overrides", "park_id = ? AND year = ? AND key = ?", ("park_id", "year", "key")),
    cells.EXPLANATION: ("explanations", "park_id = ? AND year = ? AND key = ?", ("park_id", "year", "key")),
    cells.SECTION: ("report_sections", "park_id = ? AND section_key = ?", ("park_id", "section_key")),
    cells.PROJECTS: ("report_projects", "park_id = ?", ("park_id",)),
    cells.SCENARIOS: ("report_scenarios", "park_id = ?", ("park_id",)),
    cells.EXTRA: ("report_extra", "park_id = ? AND key = ?", ("park_id", "key")),
}
_CELL_COLUMNS: dict[str, str] = {
    cells.PARK: "raw_json",
    cells.YEAR: "form",
    cells.VALUE: "raw_json, grp",
    cells.META: "raw_json, grp",
    cells.FACTOR: "value_raw_json, source",
    cells.EXPLANATION: "text",
    cells.SECTION: "text",
    cells.PROJECTS: "projects_json",
    cells.SCENARIOS: "scenarios_json",
    cells.EXTRA: "value_json",
}


def _cell_ident(park_id: int, cell: CellKey, params: tuple[str, ...]) -> tuple[Any, ...]:
    _kind, year, key = cell
    values = {"park_id": park_id, "year": year, "key": key, "section_key": key}
    return tuple(values[p] for p in params)


def _cell_value(kind: str, row: tuple[Any, ...]) -> Any:
    if kind in (cells.VALUE, cells.META):
        if (row[1] == "meta") != (kind == cells.META):
            return _ABSENT  # the same key stored under the other group: treat as a different cell
        return cells.decode(row[0])
    if kind == cells.FACTOR:
        return {"value": cells.decode(row[0]), "source": row[1]}
    if kind in (cells.PARK, cells.PROJECTS, cells.SCENARIOS, cells.EXTRA):
        return cells.decode(row[0])
    return row[0]


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


def _applied_migrations(conn: sqlite3.Connection, db_path: Path) -> list[str]:
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
            f"数据库“{db_path}”由更新版本的园区双碳填报写入(数据结构“{unknown[-1]}”)，本程序无法安全读写它。"
            "文件未作任何改动；请安装最新版本的程序后再打开。"
        )
    return applied


def _inspect_and_backup(db_path: Path) -> list[str]:
    """Pending migration names.  Refuses (untouched) a foreign or newer file; backs up an older one first."""
    if not db_path.exists() or db_path.stat().st_size == 0:
        return migration_names()
    side_files = [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm")]
    existed = [p.exists() for p in side_files]
    conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        applied = _applied_migrations(conn, db_path)
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


def _open_backup(path: Path) -> sqlite3.Connection:
    """A read-only connection to a backup file that is whole and not from a newer program."""
    if not path.is_file():
        raise StorageError(f"备份文件“{path}”不存在。")
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        with translating_errors(path):
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise NotOurDatabaseError(f"备份文件“{path}”已损坏({result})，不能用它恢复。")
            if not _applied_migrations(conn, path):
                raise NotOurDatabaseError(f"文件“{path}”是空的数据库，不能用它恢复。")
    except BaseException:
        conn.close()
        raise
    return conn


def _check_drift(conn: sqlite3.Connection, db_path: Path) -> None:
    problems = schema_drift(conn)
    if problems:
        raise NotOurDatabaseError(
            f"数据库“{db_path}”的结构与本程序预期的不一致，为保护数据不再继续。请从备份恢复或联系技术支持。"
            f"(详情：{'；'.join(problems[:3])})"
        )
