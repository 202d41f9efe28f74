"""Stored UTC times shown as local wall-clock time."""

from __future__ import annotations

import datetime as dt

SHOWN = "%Y-%m-%d %H:%M:%S"


def local_time(at: str | dt.datetime | None) -> str:
    """``2021-09-20T00:30:00.123456+00:00`` → ``2021-09-20 08:30:00`` (in the computer's time zone)."""
    if at is None or at == "":
        return "—"
    try:
        moment = dt.datetime.fromisoformat(at) if isinstance(at, str) else at
    except ValueError:
        return str(at)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone().strftime(SHOWN)
