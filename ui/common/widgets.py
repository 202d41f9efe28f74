"""Small widgets shared by the pages: text editors that report leaving, finding colours, read-only lists."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QPlainTextEdit, QSizePolicy, QWidget

from forms.table.definition import ERROR

if TYPE_CHECKING:
    from PySide6.QtGui import QFocusEvent, QResizeEvent
    from PySide6.QtWidgets import QTableWidget

    from forms.table.validate import Finding

ERROR_BG = QColor("#ffd6d6")
WARNING_BG = QColor("#ffe9b3")
EXPLAINED_BG = QColor("#fff6dc")
COMPUTED_BG = QColor("#f1f3f6")
FACTOR_BG = QColor("#f7f7fb")
SECTION_BG = QColor("#dfe8f4")


def finding_colour(findings: list[Finding]) -> QColor | None:
    if any(f.level == ERROR for f in findings):
        return ERROR_BG
    if any(not f.explained for f in findings):
        return WARNING_BG
    if findings:
        return EXPLAINED_BG
    return None


def finding_tooltip(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        tag = "错误" if f.level == ERROR else ("警告（已说明）" if f.explained else "警告")
        lines.append(f"【{tag}】{f.message}")
    return "\n".join(lines)


def style_for(colour: QColor | None) -> str:
    return f"background-color: {colour.name()};" if colour else ""


class CommitLineEdit(QLineEdit):
    focus_left = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_left.emit()


class CommitPlainTextEdit(QPlainTextEdit):
    focus_left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_left.emit()


class ElidedLabel(QLabel):
    """One line of text, cut with "…" when the width is short; the whole text is its tooltip.

    For page titles: a word-wrapped QLabel makes Qt lay out the text again (height-for-width) on every show,
    which cost most of a page switch; one elided line costs almost nothing."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)  # never widens the window
        self.setText(text)

    def text(self) -> str:
        """The whole text (not the part shown)."""
        return self._full

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = self.contentsRect().width()
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width) if width > 0 else ""
        super().setText(shown or self._full)


def read_only_table(headers: list[str], stretch: tuple[int, ...], *, rows: int = 0,
                    select_rows: bool = True) -> QTableWidget:  # fmt: skip
    """A list shown as a table that cannot be edited: ``stretch`` columns share the width, the others fit
    their contents; with ``select_rows`` a click selects one whole row."""
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget  # dialogs only, not start-up

    table = QTableWidget(rows, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    if select_rows:
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    for column in range(len(headers)):
        mode = QHeaderView.ResizeMode.Stretch if column in stretch else QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(column, mode)
    return table


def ok_cancel(dialog: QDialog, ok_text: str, cancel_text: str = "取消",
              on_ok: Callable[[], object] | None = None) -> QDialogButtonBox:  # fmt: skip
    """The dialog's OK / Cancel buttons with Chinese texts, wired to ``on_ok`` (default: accept) and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel_text)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class CatchUpWhenShown(QObject):
    """A refresh that follows the session, done at once while ``widget`` is on screen and put off while
    another page is (the widget hidden in a shown window) until the widget is shown again: a key typed in
    one year's table costs only the page on screen.  ``refresh`` clears :attr:`stale` when it runs."""

    def __init__(self, widget: QWidget, refresh: Callable[[], object]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._refresh = refresh
        self.stale = False
        widget.installEventFilter(self)

    def request(self) -> None:
        if not self._widget.isVisible() and self._widget.window().isVisible():
            self.stale = True
        else:
            self._refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show and self.stale:
            self._refresh()
        return False
