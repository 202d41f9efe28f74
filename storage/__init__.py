"""Where drafts live: the SQLite database (the only package that speaks SQL).

See :class:`storage.database.Database` for the API the window and the exporters use.
"""

from storage.backups import backup_reason, backup_time
from storage.database import Database
from storage.errors import (
    DatabaseDamagedError,
    DatabaseLockedError,
    DiskError,
    InvalidDataError,
    NotOurDatabaseError,
    ParkNotFoundError,
    ReadOnlyError,
    SchemaTooNewError,
    StorageError,
)
from storage.paths import default_db_path
from storage.records import SUBMISSION_KINDS, HistoryEntry, Operation, ParkSummary, SubmissionEvent

__all__ = [
    "SUBMISSION_KINDS",
    "Database",
    "DatabaseDamagedError",
    "DatabaseLockedError",
    "DiskError",
    "HistoryEntry",
    "InvalidDataError",
    "NotOurDatabaseError",
    "Operation",
    "ParkNotFoundError",
    "ParkSummary",
    "ReadOnlyError",
    "SchemaTooNewError",
    "StorageError",
    "SubmissionEvent",
    "backup_reason",
    "backup_time",
    "default_db_path",
]
