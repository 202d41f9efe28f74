"""The open park: its data in memory, debounced autosave to the database, results and findings.

Every edit goes through :class:`ParkSession`: the in-memory :class:`ParkData` changes at once (so the
numbers on screen follow the keyboard), the database write is queued and flushed within about a second,
and at once when the clerk leaves a field, changes page or closes the window.
"""

from __future__ import annotations

import datetime as _dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from forms.park.model import FactorOverride, ParkData, Raw, YearData
from forms.table.definition import META, PARK, FormDefinition
from forms.table.registry import form_for

if TYPE_CHECKING:  # calculation and validation are imported when first needed (after the window shows)
    from forms.table.calc import YearResult
    from forms.table.validate import Finding

AUTOSAVE_MS = 800
VALIDATE_MS = 300

# pending write kinds
_VALUE = "value"
_EXPLANATION = "explanation"
_SECTION = "section"


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
    """One park opened for editing."""

    value_changed = Signal(object, str)  # year (None for park profile), key
    factors_changed = Signal(int)
    results_changed = Signal(int)  # year
    findings_changed = Signal()
    save_state_changed = Signal(str)  # "已保存 14:03:27" or "正在保存…"
    report_changed = Signal(str)  # section key
    save_failed = Signal(str)  # the storage layer's Chinese message
    park_reloaded = Signal()

    def __init__(self, db: Any, park_id: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.park_id = park_id
        self.park: ParkData = db.load_park(park_id)
        self.form: FormDefinition = form_for(self.park.form)
        self._pending: dict[tuple[str, int | None, str], Any] = {}
        self._results: dict[int, YearResult] = {}
        self.findings: list[Finding] = []
        self.last_saved: str = ""
        self._save_timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._save_timer.timeout.connect(self.flush)
        self._validate_timer = QTimer(self, singleShot=True, interval=VALIDATE_MS)
        self._validate_timer.timeout.connect(self.revalidate)
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

    def result(self, year: int) -> YearResult:
        if year not in self._results:
            from forms.table.calc import compute_year

            self._results[year] = compute_year(self.park, year)
        return self._results[year]

    def findings_for(self, year: int | None, key: str | None = None) -> list[Finding]:
        return [f for f in self.findings if f.year == year and (key is None or f.key == key)]

    @property
    def dirty(self) -> bool:
        return bool(self._pending)

    # -- editing ----------------------------------------------------------------------------------
    def set_raw(self, year: int | None, key: str, raw: Raw, *, save_now: bool = False) -> None:
        """Change one field in memory at once and queue its database write."""
        if self.raw(year, key) == raw and type(self.raw(year, key)) is type(raw):
            if save_now:
                self.flush()
            return
        if year is None:
            self._assign(self.park.park, key, raw)
            self._results.clear()  # the province decides grid factors of every year
        else:
            ydata = self.park.years.setdefault(year, YearData(form=self.park.form))
            target = ydata.meta if self.form_of(year).field(key).group == META else ydata.values
            self._assign(target, key, raw)
            self._results.pop(year, None)
            self._results.pop(year + 1, None)
        self._queue((_VALUE, year, key), raw)
        self.value_changed.emit(year, key)
        if year is not None:
            self.results_changed.emit(year)
        else:
            for y in self.years:
                self.results_changed.emit(y)
        if save_now:
            self.flush()

    @staticmethod
    def _assign(target: dict[str, Raw], key: str, raw: Raw) -> None:
        if raw is None:
            target.pop(key, None)
        else:
            target[key] = raw

    def set_factor(self, year: int, key: str, value: Raw, source: str) -> None:
        """Override a factor (value None = back to the default); written at once."""
        self.flush()
        self.db.set_factor(self.park_id, year, key, value, source)
        ydata = self.park.years[year]
        if value is None or (isinstance(value, str) and not value.strip()):
            ydata.factors.pop(key, None)
        else:
            ydata.factors[key] = FactorOverride(value, source)
        self._results.pop(year, None)
        self._mark_saved()
        self.factors_changed.emit(year)
        self.results_changed.emit(year)
        self.schedule_validation()

    def set_explanation(self, year: int, key: str, text: str) -> None:
        ydata = self.park.years[year]
        if text.strip():
            ydata.explanations[key] = text
        else:
            ydata.explanations.pop(key, None)
        self._queue((_EXPLANATION, year, key), text)

    def set_section_text(self, section_key: str, text: str) -> None:
        if self.park.report.sections.get(section_key, "") == text:
            return
        self.park.report.sections[section_key] = text
        self._queue((_SECTION, None, section_key), text)
        self.report_changed.emit(section_key)

    def add_year(self, year: int) -> None:
        self.flush()
        self.db.add_year(self.park_id, year, self.park.form)
        self.park.years.setdefault(year, YearData(form=self.park.form))
        self.park_reloaded.emit()
        self.schedule_validation()

    def reload(self) -> None:
        """Read the park again from the database (after an import or a restore)."""
        self.flush()
        self.park = self.db.load_park(self.park_id)
        self._results.clear()
        self.park_reloaded.emit()
        self.revalidate()

    def _queue(self, ident: tuple[str, int | None, str], value: Any) -> None:
        self._pending.pop(ident, None)  # keep the order of the latest writes
        self._pending[ident] = value
        self.save_state_changed.emit("有未保存的修改…")
        self._save_timer.start()
        self.schedule_validation()

    # -- saving -----------------------------------------------------------------------------------
    def flush(self) -> bool:
        """Write every queued change to the database now.  Returns True when something was written."""
        self._save_timer.stop()
        if not self._pending:
            return False
        from storage.errors import StorageError

        pending, self._pending = self._pending, {}
        items = list(pending.items())
        for i, ((kind, year, key), value) in enumerate(items):
            try:
                if kind == _VALUE:
                    self.db.set_value(self.park_id, year, key, value)
                elif kind == _EXPLANATION:
                    assert year is not None
                    self.db.set_explanation(self.park_id, year, key, value)
                else:
                    self.db.set_section_text(self.park_id, key, value)
            except StorageError as exc:
                # keep what is not written (newer edits win) and say so; the next flush tries again
                unsaved = dict(items[i:])
                unsaved.update(self._pending)
                self._pending = unsaved
                self.save_state_changed.emit(f"保存失败：{exc}")
                self.save_failed.emit(str(exc))
                return False
        self._mark_saved()
        return True

    def _mark_saved(self) -> None:
        self.last_saved = _dt.datetime.now().strftime("%H:%M:%S")
        self.save_state_changed.emit(f"已保存 {self.last_saved}")

    # -- validation -------------------------------------------------------------------------------
    def schedule_validation(self) -> None:
        self._validate_timer.start()

    def close(self) -> None:
        """The window is closing and everything is saved: no timer of this session may reach the window or the
        database any more (they may be closed before this object is deleted)."""
        self._save_timer.stop()
        self._validate_timer.stop()
        self.blockSignals(True)
        self._closed = True

    def revalidate(self) -> None:
        self._validate_timer.stop()
        if self._closed:
            return
        from forms.table.calc import compute_park
        from forms.table.validate import validate_park

        result = compute_park(self.park)
        self._results = dict(result.years)
        self.findings = validate_park(self.park, result)
        self.findings_changed.emit()


__all__ = ["PARK", "ParkSession", "raw_from_text", "text_from_raw"]
