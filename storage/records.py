"""Plain records returned by :class:`storage.Database`.

Named tuples rather than dataclasses: they are read-only all the same, and a dataclass costs ~0.7 ms to
create at import, which the window's start-up pays for each one.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from forms.park.model import Raw

SUBMISSION_KINDS = ("printed", "sealed", "posted", "emailed", "acknowledged")


class ParkSummary(NamedTuple):
    id: int
    name: str
    updated_at: str
    years: list[int]


class HistoryEntry(NamedTuple):
    """One change.  ``old_raw``/``new_raw`` are ``None`` when the field was absent (see ``old_present``)."""

    id: int
    at: str
    year: int | None
    key: str
    old_raw: Raw
    new_raw: Raw
    kind: str
    park_id: int = 0
    old_present: bool = True
    new_present: bool = True


OPERATION_KINDS = ("import", "restore", "remove_year", "final", "unfinal", "lock")


class Operation(NamedTuple):
    """A change of many fields at once, as the clerk named it: ``kind`` one of :data:`OPERATION_KINDS`;
    ``detail`` the file name (import), the moment brought back (restore, ISO time) or the year removed;
    for 定稿 (final), its withdrawal (unfinal) and the locking of the years' factors (lock) the reason or ""."""

    at: str
    kind: str
    detail: str


class SubmissionEvent(NamedTuple):
    id: int
    park_id: int
    kind: str
    date: str
    details: dict[str, Any]
    created_at: str
