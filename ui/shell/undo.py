"""Undo/redo of typed field values: live edits change the session at once, a commit makes one undo step.

Every other operation records its own undo step in the session (ui.shell.session, ui.shell.changes).
"""

from __future__ import annotations

from PySide6.QtGui import QUndoStack

from forms.park.model import Raw
from ui.shell.changes import OperationCommand
from ui.shell.session import ParkSession, text_from_raw


def _same(a: Raw, b: Raw) -> bool:
    return a == b and type(a) is type(b)


class EditTracker:
    """Live edits change the session at once; a commit (leaving the field, Enter, paste) makes one undo step."""

    def __init__(self, session: ParkSession, stack: QUndoStack | None = None) -> None:
        self.session = session
        self.stack = stack if stack is not None else session.undo_stack
        self._start: dict[tuple[int | None, str], Raw] = {}

    def live(self, year: int | None, key: str, raw: Raw) -> None:
        start = self._start.setdefault((year, key), self.session.raw(year, key))
        if start is not None and raw == text_from_raw(start):
            raw = start  # the text the value was shown as (a number from an import): the value as it was
        self.session.set_raw(year, key, raw)

    def commit(self, year: int | None, key: str) -> None:
        if (year, key) not in self._start:
            self.session.flush()
            return
        old = self._start.pop((year, key))
        new = self.session.raw(year, key)
        if _same(old, new):
            self.session.flush()
            return
        session = self.session

        def write(raw: Raw) -> None:
            session.set_raw(year, key, raw, save_now=True)

        self.stack.push(OperationCommand(f"修改“{session.label(year, key)}”", write, old, new))
        session.flush()

    def set(self, year: int | None, key: str, raw: Raw) -> None:
        """A whole new value in one step (paste)."""
        self.live(year, key, raw)
        self.commit(year, key)
