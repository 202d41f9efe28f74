"""Plain records returned by :class:`storage.Database`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from forms.model import Raw

SUBMISSION_KINDS = ("printed", "sealed", "posted", "emailed", "acknowledged")


@dataclass(frozen=True)
class ParkSummary:
    id: int
    name: str
    updated_at: str
    years: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryEntry:
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


@dataclass(frozen=True)
class SubmissionEvent:
    id: int
    park_id: int
    kind: str
    date: str
    details: dict[str, Any]
    created_at: str
