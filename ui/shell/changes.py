"""What one session operation changed (:class:`Changes`) and how it is taken back (:class:`OperationCommand`).

Every mutation of the open park is a method of :class:`ui.shell.session.ParkSession` (anki's ``OpChanges``
shape): it writes through storage, records one undo step and returns a small immutable :class:`Changes`.
The session emits that value on ``ParkSession.changed``; the window and the pages refresh only what it names.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, fields
from typing import Any

from PySide6.QtGui import QUndoCommand

Cell = tuple[int | None, str]  # (year, key); year None is the park profile


@dataclass(frozen=True)
class Changes:
    """What an operation changed.  ``a | b`` is both."""

    values: frozenset[Cell] = field(default_factory=frozenset)  # field values typed, pasted, restored
    factors: frozenset[tuple[int, str]] = field(default_factory=frozenset)  # factor overrides (year, key)
    explanations: frozenset[tuple[int, str]] = field(default_factory=frozenset)  # warning explanations
    results: frozenset[int] = field(default_factory=frozenset)  # years whose computed results are stale
    sections: frozenset[str] = field(default_factory=frozenset)  # report section texts
    projects: bool = False  # the key-project list (重点项目清单)
    scenarios: bool = False  # the projection scenarios
    outline: bool = False  # the outline customisation (renamed, moved, added, deleted sections)
    final: bool = False  # the 定稿 record, the figure snapshot or the notes on report warnings
    submissions: bool = False  # the submission log (报送记录)
    years: bool = False  # years added, or the whole park read again (import, restore)
    targets: bool = False  # the park's carbon peak / neutrality targets
    annual: bool = False  # the annual report chapters (texts, chapters added or removed, their 定稿 marks)

    def __or__(self, other: Changes) -> Changes:
        merged: dict[str, Any] = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            merged[f.name] = a | b
        return Changes(**merged)

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    @property
    def report(self) -> bool:
        """Something the report's previews and checks read besides the data: text, projects, scenarios, outline."""
        return bool(self.sections) or self.projects or self.scenarios or self.outline or self.final or self.annual

    @property
    def data(self) -> bool:
        """Something the computed results depend on."""
        return bool(self.values or self.factors or self.results) or self.years

    def touches_year(self, year: int) -> bool:
        return self.years or year in self.results or any(y == year for y, _ in self.factors)


NOTHING = Changes()
EVERYTHING = Changes(results=frozenset(), projects=True, scenarios=True, outline=True, final=True, submissions=True,
                     years=True, targets=True, annual=True)  # fmt: skip


class OperationCommand(QUndoCommand):
    """One undo step: ``apply(old)`` takes it back, ``apply(new)`` does it again.

    The operation has already happened when the command is pushed, so the first ``redo`` (which
    ``QUndoStack.push`` calls) does nothing.  Commands with the same ``merge_key`` pushed one after another
    (keystrokes in one text) become one step."""

    def __init__(self, text: str, apply: Callable[[Any], object], old: Any, new: Any,
                 merge_key: Hashable | None = None) -> None:  # fmt: skip
        super().__init__(text)
        self.apply = apply
        self.old = old
        self.new = new
        self.merge_key = merge_key
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.apply(self.new)

    def undo(self) -> None:
        self.apply(self.old)

    def id(self) -> int:
        return 1 if self.merge_key is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, OperationCommand) or other.merge_key is None or other.merge_key != self.merge_key:
            return False
        self.new = other.new
        return True


__all__ = ["EVERYTHING", "NOTHING", "Changes", "OperationCommand"]
