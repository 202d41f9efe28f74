"""The one editor factory: a Qt input for a field, built from what its kind asks for (:meth:`Kind.editor`).

Used by the year and park forms (``ui/table/fields_form.py``) and the new-park dialog
(``ui/dialogs/start_dialogs.py``).  A choice is an editable combo box: what was typed stays, even when it is
not one of the options (the kind reports it); a paragraph is a plain-text box; everything else one line.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox

from forms.table.kinds import CHOICE, MULTILINE, Editor
from ui.common.widgets import CommitLineEdit, CommitPlainTextEdit

FieldEditor = CommitLineEdit | QComboBox | CommitPlainTextEdit


def make_editor(spec: Editor, text: str = "", placeholder: str = "") -> FieldEditor:
    """A widget for ``spec`` showing ``text``; ``placeholder`` is shown while it is empty."""
    if spec.style == MULTILINE:
        box = CommitPlainTextEdit()
        box.setPlainText(text)
        box.setMinimumHeight(48)
        box.setPlaceholderText(placeholder)
        return box
    if spec.style == CHOICE:
        combo = QComboBox()
        combo.setEditable(True)  # what was typed stays, even when it is not one of the options
        combo.addItems(list(spec.options))
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setLineEdit(CommitLineEdit())
        combo.setCurrentIndex(-1)
        combo.setEditText(text)
        return combo
    line = CommitLineEdit(text)
    if placeholder:
        line.setPlaceholderText(placeholder)
    return line


def editor_text(editor: FieldEditor) -> str:
    """What the editor shows now."""
    if isinstance(editor, CommitPlainTextEdit):
        return editor.toPlainText()
    if isinstance(editor, QComboBox):
        return editor.currentText()
    return editor.text()


def set_editor_text(editor: FieldEditor, text: str) -> None:
    """Show ``text`` without reporting it as typed (no ``typed`` call from :func:`watch_editor`)."""
    if isinstance(editor, CommitPlainTextEdit):
        editor.blockSignals(True)
        editor.setPlainText(text)
        editor.blockSignals(False)
    elif isinstance(editor, QComboBox):
        editor.setEditText(text)
    else:
        editor.setText(text)


def line_of(editor: FieldEditor) -> CommitLineEdit | None:
    """The one-line text box of the editor (a combo box's own), None for a paragraph."""
    if isinstance(editor, CommitPlainTextEdit):
        return None
    if isinstance(editor, QComboBox):
        line = editor.lineEdit()
        assert isinstance(line, CommitLineEdit)
        return line
    return editor


def watch_editor(editor: FieldEditor, *, typed: Callable[[str], None], chosen: Callable[[str], None],
                 done: Callable[[], None]) -> None:  # fmt: skip
    """Report the clerk's typing (``typed`` with the text), a pick from the options (``chosen``) and the end of
    an edit (``done``: focus left, or Enter in a one-line box)."""
    if isinstance(editor, CommitPlainTextEdit):
        editor.textChanged.connect(lambda: typed(editor.toPlainText()))
        editor.focus_left.connect(done)
        return
    if isinstance(editor, QComboBox):
        combo = editor
        combo.activated.connect(lambda _i: chosen(combo.currentText()))
    line = line_of(editor)
    assert line is not None
    line.textEdited.connect(typed)
    line.focus_left.connect(done)
    line.returnPressed.connect(done)
