"""Undo/redo: each committed field change is one command; undo writes the old raw back to the database."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand, QUndoStack

from forms.park.model import Raw
from ui.shell.session import ParkSession


def _same(a: Raw, b: Raw) -> bool:
    return a == b and type(a) is type(b)


class SetValueCommand(QUndoCommand):
    def __init__(self, session: ParkSession, year: int | None, key: str, old: Raw, new: Raw, label: str) -> None:
        super().__init__(f"修改“{label}”")
        self.session = session
        self.year = year
        self.key = key
        self.old = old
        self.new = new

    def redo(self) -> None:
        self.session.set_raw(self.year, self.key, self.new, save_now=True)

    def undo(self) -> None:
        self.session.set_raw(self.year, self.key, self.old, save_now=True)


class EditTracker:
    """Live edits change the session at once; a commit (leaving the field, Enter, paste) makes one undo step."""

    def __init__(self, session: ParkSession, stack: QUndoStack) -> None:
        self.session = session
        self.stack = stack
        self._start: dict[tuple[int | None, str], Raw] = {}

    def live(self, year: int | None, key: str, raw: Raw) -> None:
        self._start.setdefault((year, key), self.session.raw(year, key))
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
        form = self.session.form if year is None else self.session.form_of(year)
        label = form.field(key).label if key in form else key
        self.stack.push(SetValueCommand(self.session, year, key, old, new, label))

    def set(self, year: int | None, key: str, raw: Raw) -> None:
        """A whole new value in one step (paste)."""
        self.live(year, key, raw)
        self.commit(year, key)
