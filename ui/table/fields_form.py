"""A form generated from a list of definition fields (park profile, year header): label, input, help."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QWidget

from forms.table.definition import Field
from ui.common.widgets import CommitLineEdit, CommitPlainTextEdit, finding_colour, finding_tooltip, style_for
from ui.dialogs.history_dialog import install_field_history
from ui.shell.session import Changes, ParkSession, raw_from_text, text_from_raw
from ui.shell.undo import EditTracker

LONG_KINDS = ("longtext",)


class FieldsForm(QWidget):
    """Inputs for ``fields`` of one year (or of the park profile when ``year`` is None), in ``columns`` pairs."""

    def __init__(self, session: ParkSession, tracker: EditTracker, year: int | None, fields: Iterable[Field],
                 columns: int = 2, labels: bool = True, parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.session = session
        self.tracker = tracker
        self.year = year
        self.fields = [f for f in fields]
        self.editors: dict[str, QWidget] = {}
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
            if f.kind in LONG_KINDS:
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
        session.changed.connect(self._changed)
        session.findings_changed.connect(self.show_findings)

    def _make_editor(self, f: Field) -> QWidget:
        raw = self.session.raw(self.year, f.key)
        key = f.key
        if f.kind in LONG_KINDS:
            edit = CommitPlainTextEdit()
            edit.setPlainText(text_from_raw(raw))
            edit.setMinimumHeight(48)
            edit.setPlaceholderText(f.help)
            edit.textChanged.connect(lambda: self.tracker.live(self.year, key, raw_from_text(edit.toPlainText())))
            edit.focus_left.connect(lambda: self.tracker.commit(self.year, key))
            return edit
        if f.kind == "enum":
            combo = QComboBox()
            combo.setEditable(True)  # what was typed stays, even when it is not one of the options
            combo.addItems(list(f.options))
            combo.setCurrentIndex(-1)
            combo.setEditText(text_from_raw(raw))
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            line = CommitLineEdit()
            combo.setLineEdit(line)
            combo.setEditText(text_from_raw(raw))
            line.textEdited.connect(lambda t: self.tracker.live(self.year, key, raw_from_text(t)))
            combo.activated.connect(lambda _i: self.tracker.set(self.year, key, raw_from_text(combo.currentText())))
            line.focus_left.connect(lambda: self.tracker.commit(self.year, key))
            line.returnPressed.connect(lambda: self.tracker.commit(self.year, key))
            return combo
        line = CommitLineEdit(text_from_raw(raw))
        if f.help:
            line.setPlaceholderText(f.help)
        line.textEdited.connect(lambda t: self.tracker.live(self.year, key, raw_from_text(t)))
        line.focus_left.connect(lambda: self.tracker.commit(self.year, key))
        line.returnPressed.connect(lambda: self.tracker.commit(self.year, key))
        return line

    def text_of(self, key: str) -> str:
        editor = self.editors[key]
        if isinstance(editor, CommitPlainTextEdit):
            return editor.toPlainText()
        if isinstance(editor, QComboBox):
            return editor.currentText()
        assert isinstance(editor, CommitLineEdit)
        return editor.text()

    def _changed(self, changes: Changes) -> None:
        for year, key in changes.values:
            self._on_value_changed(year, key)

    def _on_value_changed(self, year: int | None, key: str) -> None:
        if year != self.year or key not in self.editors:
            return
        text = text_from_raw(self.session.raw(year, key))
        if raw_from_text(self.text_of(key)) == raw_from_text(text):
            return  # the clerk is typing this very text
        editor = self.editors[key]
        if isinstance(editor, CommitPlainTextEdit):
            editor.blockSignals(True)
            editor.setPlainText(text)
            editor.blockSignals(False)
        elif isinstance(editor, QComboBox):
            editor.setEditText(text)
        elif isinstance(editor, CommitLineEdit):
            editor.setText(text)

    def show_findings(self) -> None:
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
        from PySide6.QtCore import Qt

        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
