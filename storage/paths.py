"""Where the database, its lock file and its backups live.  Computed on demand: no import-time globals."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "parkcarbon"
DB_FILE_NAME = "parkcarbon.db"
ENV_VAR = "PARKCARBON_DB"


def default_db_path() -> Path:
    """``$PARKCARBON_DB`` if set, otherwise ``parkcarbon.db`` in the user data folder (platform convention)."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / DB_FILE_NAME


def resolve_db_path(path: str | os.PathLike[str] | None) -> Path:
    """An explicit path wins, then ``$PARKCARBON_DB``, then the user data folder."""
    if path is not None and str(path).strip():
        return Path(path).expanduser().absolute()
    return default_db_path().absolute()


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def backups_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.stem + "-backups")
