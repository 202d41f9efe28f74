"""The open park: its data in memory, debounced autosave to the database, results and findings.

Every edit goes through :class:`ParkSession`: the in-memory :class:`ParkData` changes at once (so the
numbers on screen follow the keyboard) and the database write is queued.  About a second after the last
key it is written on the autosave thread (:meth:`ParkSession.save_in_background`): a commit waits for the
disk (0.3 ms typically, tens of ms when it flushes the write-ahead log) and typing must not.  Leaving a
field, changing page, every other operation, backing up and closing the window write at once
(:meth:`ParkSession.flush`), after the autosave thread's write if one is under way, so the writes happen in
order and a field left is in the database.
"""

from __future__ import annotations

import copy
import datetime as _dt
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from forms.park.model import FactorOverride, ParkData, Raw, YearData
from forms.report.annual import ANNUAL_KEY, chapter_texts, final_marks, is_chapter_final, with_chapter, with_text
from forms.report.annual import FINAL_KEY as ANNUAL_FINAL_KEY
from forms.report.check import FIGURES_KEY, FINAL_KEY, NOTES_KEY, final_record, update_figure_snapshot
from forms.report.outline import CUSTOM_KEY
from forms.table.calc import ParkResult, YearResult, compute_park, compute_year
from forms.table.definition import META, PARK, FormDefinition
from forms.table.locks import REASON_FINAL, locks_to_add
from forms.table.registry import form_for
from forms.table.validate import Finding, YearCache, validate_park
from storage.database import now_stamp
from storage.errors import StorageError
from ui.shell.changes import EVERYTHING, NOTHING, Changes, OperationCommand

_ANNUAL_KEYS = (ANNUAL_KEY, ANNUAL_FINAL_KEY)

AUTOSAVE_MS = 800
VALIDATE_MS = 300

# pending write kinds; a queued write is identified by (kind, year, key)
_Ident = tuple[str, int | None, str]
_Written = tuple[int, Exception | None]  # how many of a batch were written, and the error that stopped it
_VALUE = "value"
_EXPLANATION = "explanation"
_SECTION = "section"
_EXTRA = "extra"  # a report.extra member written after the debounce (the annual chapters' texts)


def raw_from_text(text: str) -> Raw:
    """What the clerk typed, as stored: blank text clears the field (None); anything else is kept verbatim."""
    return None if text.strip() == "" else text


def text_from_raw(raw: Raw) -> str:
    """The text shown for a stored raw value: exactly as typed; numbers from imports without float noise."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, float):
        return repr(raw)[:-2] if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    return str(raw)


class ParkSession(QObject):
    """One park opened for editing.

    Every mutation is an operation below: it changes :attr:`park`, writes through storage (field values,
    explanations and section text after a short debounce, everything else at once), records one undo step on
    :attr:`undo_stack` and returns a :class:`~ui.shell.changes.Changes` that is also emitted on
    :attr:`changed`, so the window and the pages refresh only what it names."""

    changed = Signal(object)  # Changes: what an operation (or its undo / redo) changed
    findings_changed = Signal()
    save_state_changed = Signal(str)  # "已保存 14:03:27" or "正在保存…"
    save_failed = Signal(str)  # the storage layer's Chinese message
    _saved_in_background = Signal(object)  # the Future of a background write, delivered on the window's thread

    def __init__(self, db: Any, park_id: int, parent: QObject | None = None,
                 undo_stack: QUndoStack | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.db = db
        self.park_id = park_id
        self.park: ParkData = db.load_park(park_id)
        self.form: FormDefinition = form_for(self.park.form)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._pending: dict[_Ident, Any] = {}  # queued writes, in the order of their latest edit
        self._saver: ThreadPoolExecutor | None = None  # the autosave thread (started by the first autosave)
        self._in_flight: tuple[Future[_Written], list[tuple[_Ident, Any]]] | None = None  # being written there
        self._results: dict[int, YearResult] = {}  # per year, dropped when the year (or the park) changes
        self._park_result: ParkResult | None = None  # of the last check; valid while its years are in _results
        self._year_findings: YearCache = {}  # the last check's findings per year (forms.table.validate)
        self.findings: list[Finding] = []
        self.last_saved: str = ""
        self._save_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._save_timer.timeout.connect(self.save_in_background)
        self._saved_in_background.connect(self._background_done)
        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_MS)
        self._validate_timer.timeout.connect(self._start_check)
        # the check after typing runs in short steps between the window's events (a key pressed meanwhile is
        # handled after one step, not after the whole check); an edit abandons a check under way
        self._check_steps: Iterator[None] | None = None
        self._step_timer = QTimer(self, singleShot=True, interval=0)
        self._step_timer.timeout.connect(self._next_check_step)
        self._closed = False

    # -- reading ----------------------------------------------------------------------------------
    @property
    def years(self) -> list[int]:
        return self.park.sorted_years()

    def form_of(self, year: int) -> FormDefinition:
        ydata = self.park.years.get(year)
        return form_for(ydata.form) if ydata else self.form

    def raw(self, year: int | None, key: str) -> Raw:
        if year is None:
            return self.park.park.get(key)
        ydata = self.park.years.get(year)
        return ydata.raw(key) if ydata else None

    def label(self, year: int | None, key: str) -> str:
        form = self.form if year is None else self.form_of(year)
        return form.field(key).label if key in form else key

    def park_result(self) -> ParkResult:
        """The whole park's result for the park as it is now: the one the last check computed while no year
        changed since, else computed again reusing the years that did not change."""
        last = self._park_result
        if last is not None and self._is_current(last):
            return last

        result = compute_park(self.park, known={y: r for y, r in self._results.items() if y in self.park.years})
        self._results.update(result.years)
        self._park_result = result
        return result

    def _is_current(self, result: ParkResult) -> bool:
        """Whether ``result`` is of the park as it is now (no year changed since it was computed)."""
        return result.years.keys() == self.park.years.keys() and all(
            self._results.get(y) is r for y, r in result.years.items()
        )

    def result(self, year: int) -> YearResult:
        if year not in self._results:
            self._results[year] = compute_year(self.park, year)
        return self._results[year]

    def findings_for(self, year: int | None, key: str | None = None) -> list[Finding]:
        return [f for f in self.findings if f.year == year and (key is None or f.key == key)]

    @property
    def dirty(self) -> bool:
        """Edits not yet in the database (queued, or being written on the autosave thread)."""
        return bool(self._pending) or self._in_flight is not None

    # -- recording --------------------------------------------------------------------------------
    def _done(self, changes: Changes) -> Changes:
        """Tell the window what changed; the return value of every operation."""
        self.changed.emit(changes)
        return changes

    def _record(self, text: str, apply: Callable[[Any], object], old: Any, new: Any,
                merge_key: Hashable | None = None) -> None:  # fmt: skip
        """One undo step for an operation that has just happened; undo and redo are written at once."""

        def again(value: Any) -> None:
            apply(value)
            self.flush()

        self.undo_stack.push(OperationCommand(text, again, old, new, merge_key))

    @contextmanager
    def _step(self, text: str) -> Iterator[None]:
        """Several operations as one undo step."""
        self.undo_stack.beginMacro(text)
        try:
            yield
        finally:
            self.undo_stack.endMacro()

    # -- field values -----------------------------------------------------------------------------
    def set_raw(self, year: int | None, key: str, raw: Raw, *, save_now: bool = False) -> Changes:
        """Change one field in memory at once and queue its database write.  Live typing: the undo step is
        recorded by :class:`ui.shell.undo.EditTracker` when the edit is committed."""
        if self.raw(year, key) == raw and type(self.raw(year, key)) is type(raw):
            if save_now:
                self.flush()
            return NOTHING
        if year is None:
            self._assign(self.park.park, key, raw)
            self._results.clear()  # the province decides grid factors of every year
            stale = frozenset(self.years)
        else:
            ydata = self.park.years.setdefault(year, YearData(form=self.park.form))
            target = ydata.meta if self.form_of(year).field(key).group == META else ydata.values
            self._assign(target, key, raw)
            self._results.pop(year, None)
            self._results.pop(year + 1, None)
            stale = frozenset({year})  # (the next year's comparisons follow with the findings)
        self._queue((_VALUE, year, key), raw)
        changes = self._done(Changes(values=frozenset({(year, key)}), results=stale))
        if save_now:
            self.flush()
        return changes

    @staticmethod
    def _assign(target: dict[str, Raw], key: str, raw: Raw) -> None:
        if raw is None:
            target.pop(key, None)
        else:
            target[key] = raw

    def set_factor(self, year: int, key: str, value: Raw, source: str, *, record: bool = True) -> Changes:
        """Override a factor (value None = back to the default); written at once."""
        self.flush()
        ydata = self.park.years[year]
        before = ydata.factors.get(key)
        old = (before.value, before.source) if before is not None else (None, "")
        self.db.set_factor(self.park_id, year, key, value, source)
        if value is None or (isinstance(value, str) and not value.strip()):
            ydata.factors.pop(key, None)
        else:
            ydata.factors[key] = FactorOverride(value, source)
        self._results.pop(year, None)
        self._mark_saved()
        if record:
            self._record(f"修改“{self.label(year, key)}”", lambda v: self.set_factor(year, key, *v, record=False),
                         old, (value, source))  # fmt: skip
        self.schedule_validation()
        return self._done(Changes(factors=frozenset({(year, key)}), results=frozenset({year})))

    def set_explanation(self, year: int, key: str, text: str, *, record: bool = True) -> Changes:
        """The clerk's explanation of a warning (as typed: consecutive edits of one make one undo step)."""
        ydata = self.park.years[year]
        old = ydata.explanations.get(key, "")
        if old == text:
            return NOTHING
        if text.strip():
            ydata.explanations[key] = text
        else:
            ydata.explanations.pop(key, None)
        self._queue((_EXPLANATION, year, key), text)
        if record:
            self._record(f"修改“{self.label(year, key)}”的说明",
                         lambda v: self.set_explanation(year, key, v, record=False), old, text,
                         ("explanation", year, key))  # fmt: skip
        return self._done(Changes(explanations=frozenset({(year, key)})))

    def add_year(self, year: int) -> Changes:
        self.flush()
        self.db.add_year(self.park_id, year, self.park.form)
        self.park.years.setdefault(year, YearData(form=self.park.form))
        self.schedule_validation()
        return self._done(Changes(years=True, results=frozenset({year})))

    def year_filled_count(self, year: int) -> int:
        """How many things are typed in ``year`` (values, header fields, factor overrides, explanations)."""
        ydata = self.park.years.get(year)
        if ydata is None:
            return 0
        typed = [v for v in (*ydata.values.values(), *ydata.meta.values()) if v is not None and v != ""]
        return len(typed) + len(ydata.factors) + sum(1 for t in ydata.explanations.values() if t.strip())

    def remove_year(self, year: int) -> Changes:
        """Remove a year's table with everything in it (a year added by mistake): one undo step, and the
        undo puts every value, factor, explanation and lock back as it was."""
        if year not in self.park.years:
            return NOTHING
        self.flush()
        before = self.park.copy()
        changes = self._drop_year(year)
        self._record(f"删除 {year} 年", lambda v: self._drop_year(year) if v is None else self._put_back(v, year),
                     before, None)  # fmt: skip
        return changes

    def _drop_year(self, year: int) -> Changes:
        self.db.remove_year(self.park_id, year)
        self.park.years.pop(year, None)
        self._results.clear()  # the next year's comparisons change too
        self._mark_saved()
        self.schedule_validation()
        return self._done(Changes(years=True, results=frozenset({year})))

    def _put_back(self, before: ParkData, year: int) -> Changes:
        now = self.park.copy()  # only that year comes back: whatever else is as it is now
        now.years[year] = copy.deepcopy(before.years[year])
        self.db.replace_park(now, self.park_id)
        self.park.years[year] = copy.deepcopy(before.years[year])
        self._results.clear()
        self._mark_saved()
        self.schedule_validation()
        return self._done(Changes(years=True, results=frozenset({year})))

    def move_year_form(self, year: int, version: str, *, record: bool = True) -> Changes:
        """Fill ``year`` against another form version (e.g. the 2026 edition with 减污降碳 and 零碳园区): one
        history entry and one undo step; refused by storage when a typed value would lose its place."""
        old = self.park.years[year].form
        if old == version:
            return NOTHING
        self.flush()
        self.db.move_year_form(self.park_id, year, version)
        self.park.years[year].form = version
        self._results.pop(year, None)  # computed against the other version's formulas
        self._mark_saved()
        if record:
            self._record("更改年度表格版本", lambda v: self.move_year_form(year, v, record=False), old, version)
        self.schedule_validation()
        return self._done(Changes(years=True, results=frozenset({year})))

    def explain_finding(self, code: str, year: int, key: str, text: str) -> Changes:
        """The explanation of a warning, kept where the warning reads it: a missed target's with the target
        (every target on that indicator due that year), any other with the year's explanations."""
        if code != "target_missed":
            return self.set_explanation(year, key, text)
        targets = [dict(t) for t in self.park.targets]
        for t in targets:
            if t.get("indicator") == key and t.get("year") == year:
                if text.strip():
                    t["explanation"] = text
                else:
                    t.pop("explanation", None)
        return self.set_targets(targets)

    def set_targets(self, targets: list[dict[str, Any]], *, record: bool = True) -> Changes:
        """The park's targets, written at once (one database change, one undo step)."""
        old = [dict(t) for t in self.park.targets]
        new = [dict(t) for t in targets]
        if old == new:
            return NOTHING
        self.flush()
        self.db.set_targets(self.park_id, new)
        self.park.targets = new
        self._mark_saved()
        if record:
            self._record("修改目标", lambda v: self.set_targets(v, record=False), old, new)
        self.schedule_validation()
        return self._done(Changes(targets=True))

    def reload(self) -> Changes:
        """Read the park again from the database (after an import or a restore)."""
        self.flush()
        self.park = self.db.load_park(self.park_id)
        self._results.clear()
        self.undo_stack.clear()  # the steps recorded refer to the park as it was
        changes = self._done(EVERYTHING)
        self.revalidate()
        return changes

    # -- the report -------------------------------------------------------------------------------
    def set_section_text(self, section_key: str, text: str, *, record: bool = True) -> Changes:
        """A section's text (as typed: consecutive edits of one section make one undo step)."""
        old = self.park.report.sections.get(section_key, "")
        if old == text:
            return NOTHING
        self.park.report.sections[section_key] = text
        self._queue((_SECTION, None, section_key), text)
        if record:
            self._record("修改报告正文", lambda v: self.set_section_text(section_key, v, record=False), old, text,
                         ("section", section_key))  # fmt: skip
        return self._done(Changes(sections=frozenset({section_key})))

    def set_projects(self, projects: list[dict[str, Raw]], *, record: bool = True) -> Changes:
        """The key-project list, written at once (one database change)."""
        old = [dict(p) for p in self.park.report.projects]
        new = [dict(p) for p in projects]
        if old == new:
            return NOTHING
        self.flush()
        self.db.set_projects(self.park_id, new)
        self.park.report.projects = new
        self._mark_saved()
        if record:
            self._record("修改重点项目清单", lambda v: self.set_projects(v, record=False), old, new)
        self.schedule_validation()
        return self._done(Changes(projects=True))

    def set_scenarios(self, scenarios: dict[str, Any], *, record: bool = True) -> Changes:
        """The projection scenarios ({} = none of the park's own: the defaults are shown), written at once."""
        old = {k: dict(v) for k, v in self.park.report.scenarios.items()}
        new = {k: dict(v) for k, v in scenarios.items()}
        if old == new:
            return NOTHING
        self.flush()
        self.db.set_scenarios(self.park_id, new)
        self.park.report.scenarios = new
        self._mark_saved()
        if record:
            self._record("修改预测情景", lambda v: self.set_scenarios(v, record=False), old, new)
        self.schedule_validation()
        return self._done(Changes(scenarios=True))

    def set_report_extra(self, key: str, value: Any, *, record: bool = True, text: str = "修改报告设置") -> Changes:
        """A bookkeeping value of the report (``report.extra[key]``; None removes it), written at once."""
        extra = self.park.report.extra
        old = copy.deepcopy(extra.get(key))
        if old == value:
            return NOTHING
        self.flush()
        self.db.set_report_extra(self.park_id, key, value)
        if value is None:
            extra.pop(key, None)
        else:
            extra[key] = copy.deepcopy(value)
        self._mark_saved()
        if record:
            self._record(text, lambda v: self.set_report_extra(key, v, record=False), old, copy.deepcopy(value))
        if key == CUSTOM_KEY:
            return self._done(Changes(outline=True))
        return self._done(Changes(annual=True) if key in _ANNUAL_KEYS else Changes(final=True))

    def edit_outline(self, value: Any, clear: Sequence[str] = ()) -> Changes:
        """Store a new outline customisation; the texts of the sections it deletes are cleared (they stay in
        the database's history).  One undo step."""
        self.flush()
        changes = NOTHING
        with self._step("修改报告提纲"):
            for key in clear:
                changes |= self.set_section_text(key, "")
            self.flush()
            changes |= self.set_report_extra(CUSTOM_KEY, value, text="修改报告提纲")
        return changes

    def refresh_figure_snapshot(self) -> Changes:
        """Record which prose figures match the data now (so a later data change shows them as stale).
        Bookkeeping done on the clerk's behalf: not an undo step of its own."""

        snapshot = update_figure_snapshot(self.park, compute_park(self.park))
        if snapshot == (self.park.report.extra.get(FIGURES_KEY) or {}):
            return NOTHING
        return self.set_report_extra(FIGURES_KEY, snapshot or None, record=False)

    def mark_final(self) -> Changes:
        """定稿: the years' factors locked, the figure snapshot and the final record (its fingerprint), saved as
        one named change (one line “标记为定稿” in the history) and one undo step."""

        self.flush()
        before = self._final_state()
        with self._operation("final"):
            changes = self.lock_years(REASON_FINAL, record=False)  # a filed year keeps its factors
            result = compute_park(self.park)
            changes |= self.set_report_extra(FIGURES_KEY, update_figure_snapshot(self.park, result) or None,
                                            record=False)  # fmt: skip
            changes |= self.set_report_extra(FINAL_KEY, final_record(self.park, result), record=False)
        self._record("标记为定稿", self._put_final_state, before, self._final_state())
        return changes | Changes(final=True)

    def _final_state(self) -> dict[str, Any]:
        """What 定稿 sets, as it is now: the years' locked factors, the figure snapshot, the final record."""

        extra = self.park.report.extra
        return copy.deepcopy({"locks": {y: d.locked_factors for y, d in self.park.years.items()},
                              "figures": extra.get(FIGURES_KEY), "final": extra.get(FINAL_KEY)})  # fmt: skip

    def _put_final_state(self, state: dict[str, Any]) -> None:
        """Undo/redo of 定稿: bring back a :meth:`_final_state`, again as one named change."""

        with self._operation("final" if state["final"] else "unfinal"):
            for year, lock in state["locks"].items():
                if year in self.park.years and self.park.years[year].locked_factors != lock:
                    self.set_lock(year, lock, record=False)
            self.set_report_extra(FIGURES_KEY, state["figures"], record=False)
            self.set_report_extra(FINAL_KEY, state["final"], record=False)

    @contextmanager
    def _operation(self, kind: str, detail: str = "") -> Iterator[None]:
        """The database writes inside as one named change; if saving fails, the park is read back from the
        database so that the window never shows what was not saved.  Queued edits and the autosave thread's
        write are finished first: the block holds the database, so it must never wait for that thread."""

        self.flush()
        try:
            with self.db.operation(self.park_id, kind, detail):
                yield
        except StorageError:
            self.park = self.db.load_park(self.park_id)
            self._results.clear()
            self._done(EVERYTHING)
            raise

    # -- locked factors (issue 13) -----------------------------------------------------------------
    def set_lock(self, year: int, lock: dict[str, Any] | None, *, record: bool = True,
                 text: str = "") -> Changes:  # fmt: skip
        """Replace a year's locked factors (locking, or confirming a new factor library): one history row
        in the database and one undo step."""
        self.flush()
        ydata = self.park.years[year]
        old = ydata.locked_factors
        self.db.set_factor_lock(self.park_id, year, lock)
        ydata.locked_factors = lock
        self._results.pop(year, None)
        self._mark_saved()
        if record:
            self._record(text or f"{year} 年采用新因子库的因子",
                         lambda v: self.set_lock(year, v, record=False), old, lock)  # fmt: skip
        self.schedule_validation()
        factors = frozenset((year, k) for k in self.form_of(year).factor_keys)
        return self._done(Changes(factors=factors, results=frozenset({year})))

    def lock_years(self, reason: str, *, record: bool = True, text: str = "锁定因子") -> Changes:
        """Lock the library factors of every year not locked yet (定稿, export for submission), as one named
        change in the history."""

        self.flush()
        changes = NOTHING
        locks = locks_to_add(self.park, reason, now_stamp())
        if not locks:
            return changes
        with self._operation("lock", reason):
            for year, lock in locks.items():
                changes |= self.set_lock(year, lock, record=record, text=text)
        return changes

    def unmark_final(self) -> Changes:

        if self.park.report.extra.get(FINAL_KEY) is None:
            return NOTHING
        with self._operation("unfinal"):
            return self.set_report_extra(FINAL_KEY, None, text="撤销定稿")

    def explain_report_warning(self, ref: str, text: str) -> Changes:
        """The clerk's note on a report warning of the final gate (blank text removes it)."""

        notes = dict(self.park.report.extra.get(NOTES_KEY) or {})
        if text.strip():
            notes[ref] = text.strip()
        else:
            notes.pop(ref, None)
        return self.set_report_extra(NOTES_KEY, notes or None, text="填写报告警告的说明")

    # -- the annual report chapters (forms.report.annual) ---------------------------------------------
    def set_annual_text(self, year: int, section: str, text: str, *, record: bool = True) -> Changes:
        """A section's text in the annual chapter of ``year`` (as typed: consecutive edits make one undo step).
        Editing a chapter marked 定稿 takes the mark away (in the same undo step)."""

        old = chapter_texts(self.park, year).get(section, "")
        if old == text:
            return NOTHING
        if record and is_chapter_final(self.park, year):
            with self._step("修改年度报告正文"):
                changes = self.unmark_annual_final(year)
                return changes | self.set_annual_text(year, section, text)
        value = with_text(self.park, year, section, text)
        self.park.report.extra[ANNUAL_KEY] = value
        self._queue((_EXTRA, None, ANNUAL_KEY), copy.deepcopy(value))
        if record:
            self._record("修改年度报告正文", lambda v: self.set_annual_text(year, section, v, record=False), old, text,
                         None if is_chapter_final(self.park, year) else ("annual", year, section))  # fmt: skip
        return self._done(Changes(annual=True))

    def add_annual_chapter(self, year: int) -> Changes:
        """A chapter for report year ``year`` (empty sections); one undo step."""

        return self.set_annual_extra(ANNUAL_KEY, with_chapter(self.park, year, True), f"添加{year}年度报告")

    def remove_annual_chapter(self, year: int) -> Changes:
        """The chapter of ``year`` with its texts and 定稿 mark; one undo step brings everything back."""

        text = f"删除{year}年度报告"
        with self._step(text):
            marks = final_marks(self.park)
            marks.pop(str(year), None)
            changes = self.set_annual_extra(ANNUAL_FINAL_KEY, marks or None, text)
            changes |= self.set_annual_extra(ANNUAL_KEY, with_chapter(self.park, year, False), text)
        return changes

    def mark_annual_final(self, year: int) -> Changes:
        """定稿 of the chapter of ``year`` (the caller has run forms.report.annual.check_chapter)."""

        marks = final_marks(self.park)
        marks[str(year)] = {"at": now_stamp()}
        return self.set_annual_extra(ANNUAL_FINAL_KEY, marks, f"{year}年度报告定稿")

    def unmark_annual_final(self, year: int) -> Changes:

        marks = final_marks(self.park)
        if marks.pop(str(year), None) is None:
            return NOTHING
        return self.set_annual_extra(ANNUAL_FINAL_KEY, marks or None, f"撤销{year}年度报告定稿")

    def set_annual_extra(self, key: str, value: Any, text: str) -> Changes:
        """``report.extra[key]`` of the annual chapters, written at once (pending texts first)."""
        self.flush()
        return self.set_report_extra(key, value, text=text)

    # -- the submission log -----------------------------------------------------------------------
    def add_submission_event(self, kind: str, date: str, details: dict[str, Any]) -> Changes:
        """One line of the submission log (报送记录); undo takes the line out again."""
        event_id = self.db.add_submission_event(self.park_id, kind, date, details)
        [event] = [e for e in self.db.submission_events(self.park_id) if e.id == event_id]

        def put(present: bool) -> None:
            if present:
                self.db.put_submission_event(event)
            else:
                self.db.remove_submission_event(self.park_id, event.id)
            self._done(Changes(submissions=True))

        self._record("登记报送事项", put, False, True)
        return self._done(Changes(submissions=True))

    def _queue(self, ident: _Ident, value: Any) -> None:
        self._pending.pop(ident, None)  # keep the order of the latest writes
        self._pending[ident] = value
        self.save_state_changed.emit("有未保存的修改…")
        self._save_timer.start()
        self.schedule_validation()

    # -- saving -----------------------------------------------------------------------------------
    def flush(self) -> bool:
        """Write every queued change to the database now, after the autosave thread's write in progress (if
        any) is done.  Returns True when everything was written and something was (there or here)."""
        self._save_timer.stop()
        wrote = False
        if self._in_flight is not None:
            if not self._finish_in_flight():
                return False
            wrote = True
        if not self._pending:
            return wrote
        items = list(self._pending.items())
        self._pending = {}
        return self._settle(items, *self._write(items))

    def save_in_background(self) -> None:
        """Start writing every queued change on the autosave thread (the debounce timer); the window's thread
        goes on at once.  "已保存" is said, or a failure shown, when the write is done."""
        self._save_timer.stop()
        if self._closed or not self._pending:
            return
        if self._in_flight is not None:  # one write at a time: the rest follows when it is done
            return
        items = list(self._pending.items())
        self._pending = {}
        if self._saver is None:
            self._saver = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parkcarbon-autosave")
        self.save_state_changed.emit("正在保存…")
        future = self._saver.submit(self._write, items)
        self._in_flight = (future, items)
        future.add_done_callback(self._saved_in_background.emit)  # queued to this object's thread

    def _background_done(self, future: Future[_Written]) -> None:
        if self._in_flight is None or self._in_flight[0] is not future:
            return  # already settled by flush()
        if self._finish_in_flight() and self._pending:
            self.save_in_background()  # what was typed meanwhile

    def _finish_in_flight(self) -> bool:
        """Wait for the autosave thread's write and take its outcome (on the window's thread)."""
        assert self._in_flight is not None
        future, items = self._in_flight
        written, error = future.result()
        self._in_flight = None
        return self._settle(items, written, error)

    def _write(self, items: list[tuple[_Ident, Any]]) -> _Written:
        """Write ``items`` in order; how many were written and the error that stopped the rest.  Runs on either
        thread, so it calls storage only (the database serialises its calls) and touches nothing else."""
        for i, ((kind, year, key), value) in enumerate(items):
            try:
                if kind == _VALUE:
                    self.db.set_value(self.park_id, year, key, value)
                elif kind == _EXPLANATION:
                    assert year is not None
                    self.db.set_explanation(self.park_id, year, key, value)
                elif kind == _EXTRA:
                    self.db.set_report_extra(self.park_id, key, value)
                else:
                    self.db.set_section_text(self.park_id, key, value)
            except Exception as exc:  # handed to the window's thread (_settle)
                return i, exc
        return len(items), None

    def _settle(self, items: list[tuple[_Ident, Any]], written: int, error: Exception | None) -> bool:
        """After a write: what was not written goes back in the queue (newer edits win) and the failure is
        said; the next flush or autosave tries again.  A bug is raised after its edits are put back."""
        if error is None:
            if not self._pending and self._in_flight is None:
                self._mark_saved()
            return True
        unsaved = dict(items[written:])
        unsaved.update(self._pending)
        self._pending = unsaved
        if not isinstance(error, StorageError):
            raise error
        self.save_state_changed.emit(f"保存失败：{error}")
        self.save_failed.emit(str(error))
        return False

    def _mark_saved(self) -> None:
        self.last_saved = _dt.datetime.now().strftime("%H:%M:%S")
        self.save_state_changed.emit(f"已保存 {self.last_saved}")

    # -- validation -------------------------------------------------------------------------------
    def schedule_validation(self) -> None:
        """The check after typing, once the clerk pauses (:data:`VALIDATE_MS`); a check under way is of the
        park as it was and is abandoned."""
        self._stop_check()
        self._validate_timer.start()

    def close(self) -> None:
        """The window is closing and everything is saved: no timer of this session may reach the window or the
        database any more (they may be closed before this object is deleted)."""
        self._save_timer.stop()
        self._validate_timer.stop()
        self._stop_check()
        self.blockSignals(True)
        self._closed = True
        if self._saver is not None:
            self._saver.shutdown(wait=True)  # a write still running finishes before the database closes

    def revalidate(self) -> None:
        """Check the park now (all steps at once); the findings are there when this returns."""
        self._validate_timer.stop()
        self._stop_check()
        if self._closed:
            return
        for _ in self._check():
            pass

    @property
    def checking(self) -> bool:
        """A check after typing is due or under way (its findings are not shown yet)."""
        return self._validate_timer.isActive() or self._check_steps is not None

    def _check(self) -> Iterator[None]:
        """The check in steps: the results of the years changed since the last check, then the findings of
        those years (the others' are reused), then the findings shown (the panel, the states, the page)."""
        result = self.park_result()
        yield
        if not self._is_current(result):  # changed without a new check being asked for: start again
            result = self.park_result()
        findings = validate_park(self.park, result, self._year_findings)
        yield
        if not self._is_current(result):
            result = self.park_result()
            findings = validate_park(self.park, result, self._year_findings)
        self.findings = findings
        self.findings_changed.emit()

    def _start_check(self) -> None:
        if self._closed:
            return
        self._check_steps = self._check()
        self._next_check_step()

    def _next_check_step(self) -> None:
        steps = self._check_steps
        if steps is None or self._closed:
            return
        try:
            next(steps)
        except StopIteration:
            self._check_steps = None
            return
        self._step_timer.start()  # the next step after the events waiting (a key pressed meanwhile)

    def _stop_check(self) -> None:
        self._step_timer.stop()
        self._check_steps = None


__all__ = ["PARK", "Changes", "ParkSession", "raw_from_text", "text_from_raw"]
