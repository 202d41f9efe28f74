"""A form generated from a list of definition fields (park profile, year header): label, input, help."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from forms.table.definition import Field
from ui.common.editors import FieldEditor, editor_text, make_editor, set_editor_text, watch_editor
from ui.common.widgets import CatchUpWhenShown, finding_colour, finding_tooltip, style_for
from ui.dialogs.history_dialog import install_field_history
from ui.shell.session import Changes, ParkSession, raw_from_text, text_from_raw
from ui.shell.undo import EditTracker


class FieldsForm(QWidget):
    """Inputs for ``fields`` of one year (or of the park profile when ``year`` is None), in ``columns`` pairs."""

    def __init__(self, session: ParkSession, tracker: EditTracker, year: int | None, fields: Iterable[Field],
                 columns: int = 2, labels: bool = True, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.session = session
        self.tracker = tracker
        self.year = year
        self.fields = [f for f in fields]
        self.editors: dict[str, FieldEditor] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        row = col = 0
        for f in self.fields:
            label = QLabel(f"{f.label}{'(' + f.unit + ')' if f.unit else ''}：")
            label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            editor = self._make_editor(f)
            if f.help:
                label.setToolTip(f.help)
                editor.setToolTip(f.help)
            self.editors[f.key] = editor
            install_field_history(editor, session, tracker, year, f.key)
            label.setBuddy(editor)
            if not labels:
                label.hide()
                grid.addWidget(editor, row, 0, 1, columns * 2)
                row += 1
                continue
            if f.kind_type.multiline:
                if col:
                    row, col = row + 1, 0
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                grid.addWidget(label, row, 0)
                grid.addWidget(editor, row, 1, 1, columns * 2 - 1)
                row += 1
                continue
            grid.addWidget(label, row, col * 2)
            grid.addWidget(editor, row, col * 2 + 1)
            col += 1
            if col == columns:
                row, col = row + 1, 0
        for c in range(columns):
            grid.setColumnStretch(c * 2 + 1, 1)
        self.catch_up = CatchUpWhenShown(self, self.show_findings)  # another year's form: when shown again
        session.changed.connect(self._changed)
        session.findings_changed.connect(self.catch_up.request)

    def _make_editor(self, f: Field) -> FieldEditor:
        editor = make_editor(f.kind_type.editor(), text_from_raw(self.session.raw(self.year, f.key)), f.help)
        key = f.key
        watch_editor(
            editor,
            typed=lambda text: self.tracker.live(self.year, key, raw_from_text(text)),
            chosen=lambda text: self.tracker.set(self.year, key, raw_from_text(text)),
            done=lambda: self.tracker.commit(self.year, key),
        )
        return editor

    def text_of(self, key: str) -> str:
        return editor_text(self.editors[key])

    def _changed(self, changes: Changes) -> None:
        for year, key in changes.values:
            self._on_value_changed(year, key)

    def _on_value_changed(self, year: int | None, key: str) -> None:
        if year != self.year or key not in self.editors:
            return
        text = text_from_raw(self.session.raw(year, key))
        if raw_from_text(self.text_of(key)) == raw_from_text(text):
            return  # the clerk is typing this very text
        set_editor_text(self.editors[key], text)

    def show_findings(self) -> None:
        self.catch_up.stale = False
        for key, editor in self.editors.items():
            findings = self.session.findings_for(self.year, key)
            style = style_for(finding_colour(findings))
            if editor.styleSheet() != style:  # an unchanged (empty) style sheet is not set: each costs a re-polish
                editor.setStyleSheet(style)
            f = self.session.form.field(key) if key in self.session.form else None
            tip = finding_tooltip(findings) or (f.help if f else "")
            editor.setToolTip(tip)

    def focus_field(self, key: str) -> bool:
        editor = self.editors.get(key)
        if editor is None:
            return False
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
