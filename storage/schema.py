"""The database schema as named, ordered, append-only migrations (sqlite-utils ``Migrations``).

Rules: never edit or reorder a migration once released; add a new one at the end.  Each migration runs in
a transaction together with its record in ``_sqlite_migrations``.  The DDL is literal SQL so that what a
migration does never changes with the library version.  :data:`EXPECTED_SCHEMA` declares the schema the
code expects after all migrations; a test and :func:`schema_drift` compare it with the real database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "parkcarbon"
APPLICATION_ID = 0x50434442  # "PCDB": marks the file as a parkcarbon database

# (name, statements), in order.  sqlite-utils is imported only when a migration is pending (first start
# or an upgrade): it costs ~100 ms of start-up that a clerk would wait for on every launch otherwise.
STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "0001_initial",
        (
            f"PRAGMA application_id = {APPLICATION_ID}",
            """CREATE TABLE parks (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                form TEXT NOT NULL,
                outline TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX parks_name ON parks(name)",
            """CREATE TABLE park_fields (
                park_id INTEGER NOT NULL REFERENCES parks(id),
                key TEXT NOT NULL,
                raw_json TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (park_id, key)
            ) STRICT""",
            """CREATE TABLE years (
                park_id INTEGER NOT NULL REFERENCES parks(id),
                year INTEGER NOT NULL,
                form TEXT NOT NULL,
                created_at TEXT NOT NULL,
                PRIMARY KEY (park_id, year)
            ) STRICT""",
            """CREATE TABLE year_values (
                park_id INTEGER NOT NULL,
                year INTEGER NOT NULL,
                key TEXT NOT NULL,
                grp TEXT NOT NULL CHECK (grp IN ('values', 'meta')),
                raw_json TEXT NOT NULL,
                value REAL,
                parse_error TEXT,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (park_id, year, key),
                FOREIGN KEY (park_id, year) REFERENCES years(park_id, year)
            ) STRICT""",
            """CREATE TABLE factor_overrides (
                park_id INTEGER NOT NULL,
                year INTEGER NOT NULL,
                key TEXT NOT NULL,
                value_raw_json TEXT NOT NULL,
                value REAL,
                source TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (park_id, year, key),
                FOREIGN KEY (park_id, year) REFERENCES years(park_id, year)
            ) STRICT""",
            """CREATE TABLE explanations (
                park_id INTEGER NOT NULL,
                year INTEGER NOT NULL,
                key TEXT NOT NULL,
                text TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (park_id, year, key),
                FOREIGN KEY (park_id, year) REFERENCES years(park_id, year)
            ) STRICT""",
            """CREATE TABLE report_sections (
                park_id INTEGER NOT NULL REFERENCES parks(id),
                section_key TEXT NOT NULL,
                text TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (park_id, section_key)
            ) STRICT""",
            """CREATE TABLE report_projects (
                park_id INTEGER PRIMARY KEY REFERENCES parks(id),
                projects_json TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT""",
            """CREATE TABLE report_scenarios (
                park_id INTEGER PRIMARY KEY REFERENCES parks(id),
                scenarios_json TEXT NOT NULL,
                updated_at TEXT NOT NULL
            ) STRICT""",
            """CREATE TABLE report_extra (
                park_id INTEGER NOT NULL REFERENCES parks(id),
                key TEXT NOT NULL,
                value_json TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (park_id, key)
            ) STRICT""",
            """CREATE TABLE history (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                park_id INTEGER NOT NULL REFERENCES parks(id),
                year INTEGER,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                old_raw_json TEXT,
                new_raw_json TEXT
            ) STRICT""",
            "CREATE INDEX history_park_at ON history(park_id, at)",
            "CREATE INDEX history_park_field ON history(park_id, kind, key, year)",
            "PRAGMA user_version = 1",
        ),
    ),
    (
        "0002_submission_events",
        (
            """CREATE TABLE submission_events (
                id INTEGER PRIMARY KEY,
                park_id INTEGER NOT NULL REFERENCES parks(id),
                kind TEXT NOT NULL,
                date TEXT NOT NULL,
                details_json TEXT NOT NULL,
                created_at TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX submission_events_park ON submission_events(park_id, date)",
            "PRAGMA user_version = 2",
        ),
    ),
    (
        # open reads the newest change time (max(at)) and "the park as of a moment" takes the newest row
        # of each field up to that moment: both straight from an index instead of scanning the history.
        # history_field_at starts like history_park_field, so that one goes (no third copy of the keys)
        "0003_history_time_indexes",
        (
            "CREATE INDEX history_at ON history(at)",
            "CREATE INDEX history_field_at ON history(park_id, kind, key, year, at)",
            "DROP INDEX history_park_field",
            "PRAGMA user_version = 3",
        ),
    ),
    (
        "0004_factor_locks",
        (
            """CREATE TABLE year_factor_locks (
                park_id INTEGER NOT NULL,
                year INTEGER NOT NULL,
                lock_json TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                PRIMARY KEY (park_id, year),
                FOREIGN KEY (park_id, year) REFERENCES years(park_id, year)
            ) STRICT""",
            "PRAGMA user_version = 4",
        ),
    ),
    (
        # what a whole-park change was (an import, a restore, a year removed): the history lists it as one
        # line named after it, not under the first field it changed.  Rows share the history rows' time.
        "0005_operations",
        (
            """CREATE TABLE operations (
                id INTEGER PRIMARY KEY,
                park_id INTEGER NOT NULL REFERENCES parks(id),
                at TEXT NOT NULL,
                kind TEXT NOT NULL,
                detail TEXT NOT NULL
            ) STRICT""",
            "CREATE INDEX operations_park_at ON operations(park_id, at)",
            "PRAGMA user_version = 5",
        ),
    ),
)


def migration_names() -> list[str]:
    return [name for name, _ in STEPS]


def _runner(statements: tuple[str, ...]) -> Callable[[Any], None]:
    def run(db: Any) -> None:
        for statement in statements:
            db.conn.execute(statement)

    return run


@cache
def migrations() -> Migrations:
    """The sqlite-utils migration set (each step in a transaction with its record)."""
    from sqlite_utils.migrations import Migrations

    out = Migrations(MIGRATION_SET)
    for name, statements in STEPS:
        out(name=name)(_runner(statements))
    return out


def apply_pending(conn: sqlite3.Connection, *, stop_before: str | None = None) -> list[str]:
    """Apply the pending migrations on ``conn``; returns their names."""
    from sqlite_utils import Database as SUDatabase

    db = SUDatabase(conn, execute_plugins=False)
    pending = [m.name for m in migrations().pending(db)]
    if pending:
        migrations().apply(db, stop_before=stop_before)
    return pending


# table -> [(column, declared type, not null, primary-key position)] as PRAGMA table_info reports them
Column = tuple[str, str, bool, int]
_AT = ("updated_at", "TEXT", True, 0)
EXPECTED_SCHEMA: dict[str, list[Column]] = {
    "_sqlite_migrations": [
        ("id", "INTEGER", False, 1),
        ("migration_set", "TEXT", False, 0),
        ("name", "TEXT", False, 0),
        ("applied_at", "TEXT", False, 0),
    ],
    "parks": [
        ("id", "INTEGER", False, 1),
        ("name", "TEXT", True, 0),
        ("form", "TEXT", True, 0),
        ("outline", "TEXT", True, 0),
        ("created_at", "TEXT", True, 0),
        _AT,
    ],
    "park_fields": [("park_id", "INTEGER", True, 1), ("key", "TEXT", True, 2), ("raw_json", "TEXT", True, 0), _AT],
    "years": [
        ("park_id", "INTEGER", True, 1),
        ("year", "INTEGER", True, 2),
        ("form", "TEXT", True, 0),
        ("created_at", "TEXT", True, 0),
    ],
    "year_values": [
        ("park_id", "INTEGER", True, 1),
        ("year", "INTEGER", True, 2),
        ("key", "TEXT", True, 3),
        ("grp", "TEXT", True, 0),
        ("raw_json", "TEXT", True, 0),
        ("value", "REAL", False, 0),
        ("parse_error", "TEXT", False, 0),
        _AT,
    ],
    "factor_overrides": [
        ("park_id", "INTEGER", True, 1),
        ("year", "INTEGER", True, 2),
        ("key", "TEXT", True, 3),
        ("value_raw_json", "TEXT", True, 0),
        ("value", "REAL", False, 0),
        ("source", "TEXT", True, 0),
        _AT,
    ],
    "explanations": [
        ("park_id", "INTEGER", True, 1),
        ("year", "INTEGER", True, 2),
        ("key", "TEXT", True, 3),
        ("text", "TEXT", True, 0),
        _AT,
    ],
    "report_sections": [
        ("park_id", "INTEGER", True, 1),
        ("section_key", "TEXT", True, 2),
        ("text", "TEXT", True, 0),
        _AT,
    ],
    "report_projects": [("park_id", "INTEGER", False, 1), ("projects_json", "TEXT", True, 0), _AT],
    "report_scenarios": [("park_id", "INTEGER", False, 1), ("scenarios_json", "TEXT", True, 0), _AT],
    "report_extra": [("park_id", "INTEGER", True, 1), ("key", "TEXT", True, 2), ("value_json", "TEXT", True, 0), _AT],
    "history": [
        ("id", "INTEGER", False, 1),
        ("at", "TEXT", True, 0),
        ("park_id", "INTEGER", True, 0),
        ("year", "INTEGER", False, 0),
        ("key", "TEXT", True, 0),
        ("kind", "TEXT", True, 0),
        ("old_raw_json", "TEXT", False, 0),
        ("new_raw_json", "TEXT", False, 0),
    ],
    "submission_events": [
        ("id", "INTEGER", False, 1),
        ("park_id", "INTEGER", True, 0),
        ("kind", "TEXT", True, 0),
        ("date", "TEXT", True, 0),
        ("details_json", "TEXT", True, 0),
        ("created_at", "TEXT", True, 0),
    ],
    "year_factor_locks": [
        ("park_id", "INTEGER", True, 1),
        ("year", "INTEGER", True, 2),
        ("lock_json", "TEXT", True, 0),
        _AT,
    ],
    "operations": [
        ("id", "INTEGER", False, 1),
        ("park_id", "INTEGER", True, 0),
        ("at", "TEXT", True, 0),
        ("kind", "TEXT", True, 0),
        ("detail", "TEXT", True, 0),
    ],
}


def actual_schema(conn: sqlite3.Connection) -> dict[str, list[Column]]:
    """PRAGMA table_info of every table (SQLite's own tables excluded)."""
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    out: dict[str, list[Column]] = {}
    for name in names:
        rows = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
        out[name] = [(r[1], r[2].upper(), bool(r[3]), int(r[5])) for r in rows]
    return out


def schema_drift(conn: sqlite3.Connection) -> list[str]:
    """Differences between the database and :data:`EXPECTED_SCHEMA` (empty when they match)."""
    actual = actual_schema(conn)
    problems: list[str] = []
    for table in sorted(set(EXPECTED_SCHEMA) | set(actual)):
        want, got = EXPECTED_SCHEMA.get(table), actual.get(table)
        if want is None:
            problems.append(f"unexpected table {table}")
        elif got is None:
            problems.append(f"missing table {table}")
        elif want != got:
            problems.append(f"table {table}: expected {want}, found {got}")
    return problems
