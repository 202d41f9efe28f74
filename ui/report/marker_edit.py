"""The report text editor: data-block markers shown as chips with their current figure, markup kept underneath.

The stored text of a section is markup (``2020年排放总量为{{value.emissions.total@2020}}``).  Here every
marker is shown as a chip: its current reading (the figure of a value block, 〔表：title〕 for a table) as a
run of highlighted characters whose format carries the block id.  :meth:`MarkerTextEdit.toPlainText` gives the
markup back (every chip written as its marker), so what is saved never changes, and
:meth:`MarkerTextEdit.setPlainText` takes markup.  A chip behaves as one character: Backspace / Delete take
the whole chip, typing never goes inside one, and a marker typed or pasted by hand becomes a chip.  Copying a
chip copies its marker.  (Qt's object-replacement handlers cannot be implemented from Python, hence runs.)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFocusEvent, QInputMethodEvent, QKeyEvent, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextEdit, QWidget

from forms.report.markers import MARKER, BlockRef, marker, split_markers

CHIP_ID = int(QTextFormat.Property.UserProperty) + 1  # the block id of a chip's characters
CHIP_SERIAL = int(QTextFormat.Property.UserProperty) + 2  # one number per chip (two chips side by side)
KIND_COLOURS = {"value": ("#e3edfa", "#1F4E79"), "missing": ("#fde7e9", "#b00020")}
OTHER_COLOURS = ("#eaf3e1", "#3d6b1f")  # tables and charts
_serials = itertools.count(1)


class Chip(NamedTuple):
    start: int  # document position of the first character
    end: int  # one past the last
    block_id: str
    serial: int
    text: str


def _default_label(block_id: str) -> tuple[str, str]:
    return marker(block_id), "value" if block_id.startswith("value.") else "table"


def _markup_of_run(text: str, label: str, block_id: str) -> str:
    """A chip's characters as markup: the marker, with anything typed before / after it kept as prose; a chip
    whose reading was edited is prose now (what the clerk typed is never dropped)."""
    if text == label:
        return marker(block_id)
    if label and text.startswith(label):
        return marker(block_id) + text[len(label) :]
    if label and text.endswith(label):
        return text[: -len(label)] + marker(block_id)
    return text


class MarkerTextEdit(QTextEdit):
    """Plain-text editor of report markup with markers shown as chips (see the module docstring)."""

    focus_left = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptRichText(False)
        self.setTabChangesFocus(False)
        self._labels: dict[str, tuple[str, str]] = {}
        self._labeller: Callable[[str], tuple[str, str]] = _default_label
        self._busy = False  # the editor itself changes the document (chips in, labels refreshed)
        self.refreshing = False  # the editor rewrites its document itself (text shown, chips read again)
        self._tidy = QTimer(self, singleShot=True, interval=0)  # after an edit: never inside Qt's own change
        self._tidy.timeout.connect(self.tidy)
        self.document().contentsChanged.connect(self._contents_changed)

    # -- chips --------------------------------------------------------------------------------------
    def chip_label(self, block_id: str) -> tuple[str, str]:
        """(text shown, kind) of a block: kind "value", "table", "chart" or "missing"."""
        if block_id not in self._labels:
            self._labels[block_id] = self._labeller(block_id)
        return self._labels[block_id]

    def set_labeller(self, labeller: Callable[[str], tuple[str, str]]) -> None:
        """How a chip reads a block (``block id -> (text, kind)``); the chips are read again at once."""
        self._labeller = labeller
        self.refresh_chips()

    def chip_format(self, block_id: str) -> QTextCharFormat:
        fill, ink = KIND_COLOURS.get(self.chip_label(block_id)[1], OTHER_COLOURS)
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(fill))
        fmt.setForeground(QColor(ink))
        fmt.setProperty(CHIP_ID, block_id)
        fmt.setProperty(CHIP_SERIAL, next(_serials))
        fmt.setToolTip(f"数据块 {marker(block_id)}：数据变化时自动更新")
        return fmt

    def chips(self) -> list[Chip]:
        """Every chip run in the document, in order."""
        out: list[Chip] = []
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                it += 1
                if not frag.isValid():
                    continue
                fmt = frag.charFormat()
                serial = fmt.property(CHIP_SERIAL)
                if not isinstance(serial, int) or not serial:
                    continue
                start, text = frag.position(), frag.text()
                if out and out[-1].serial == serial and out[-1].end == start:
                    last = out.pop()
                    out.append(last._replace(end=start + len(text), text=last.text + text))
                else:
                    out.append(Chip(start, start + len(text), str(fmt.property(CHIP_ID)), serial, text))
            block = block.next()
        return out

    def _insert_chip(self, cursor: QTextCursor, block_id: str) -> None:
        cursor.insertText(self.chip_label(block_id)[0], self.chip_format(block_id))
        cursor.setCharFormat(QTextCharFormat())

    def insert_markup(self, text: str, cursor: QTextCursor | None = None) -> None:
        """Insert markup at the cursor: prose as typed, every marker as a chip."""
        own = cursor is None
        cursor = cursor if cursor is not None else self.textCursor()
        cursor.beginEditBlock()
        busy, self._busy = self._busy, True
        try:
            for piece in split_markers(text):
                if isinstance(piece, BlockRef):
                    self._insert_chip(cursor, piece.id)
                elif piece:
                    cursor.insertText(piece, QTextCharFormat())
        finally:
            self._busy = busy
            cursor.endEditBlock()
        if own:
            self.setTextCursor(cursor)
            self.setCurrentCharFormat(QTextCharFormat())

    def refresh_chips(self) -> None:
        """Read every chip's block again (the data changed) and show the new readings."""
        self._labels.clear()
        chips = self.chips()
        if not chips:
            return
        keep = self.textCursor()
        anchor, position = keep.anchor(), keep.position()
        self._busy = self.refreshing = True
        try:
            for chip in reversed(chips):
                label = self.chip_label(chip.block_id)[0]
                if chip.text == label:
                    continue
                cursor = QTextCursor(self.document())
                cursor.setPosition(chip.start)
                cursor.setPosition(chip.end, QTextCursor.MoveMode.KeepAnchor)
                self._insert_chip(cursor, chip.block_id)
                shift = len(label) - len(chip.text)
                anchor = anchor + shift if anchor >= chip.end else min(anchor, chip.start)
                position = position + shift if position >= chip.end else min(position, chip.start)
            end = max(0, self.document().characterCount() - 1)
            keep.setPosition(min(anchor, end))
            keep.setPosition(min(position, end), QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(keep)
        finally:
            self._busy = self.refreshing = False

    def _contents_changed(self) -> None:
        if not self._busy:
            self._tidy.start()

    def tidy(self) -> None:
        """After an edit: typed markers become chips; text typed onto a chip's edge, or a chip edited inside,
        becomes prose (the markup already reads it so: :func:`_markup_of_run`)."""
        markup = self.toPlainText()
        visible = self.document().toPlainText()
        chips = self.chips()
        clean = all(c.text == self.chip_label(c.block_id)[0] for c in chips)
        if clean and len({c.serial for c in chips}) == len(chips) and not MARKER.search(visible):
            return
        cursor = self.textCursor()
        tail = len(markup) - len(self._markup_before(cursor.position()))
        self._busy = self.refreshing = True
        try:
            self.document().clear()
            self.insert_markup(markup, QTextCursor(self.document()))
            # the cursor keeps its distance from the end of the text (in markup characters)
            self._set_cursor_from_end(tail)
        finally:
            self._busy = self.refreshing = False

    def _markup_before(self, position: int) -> str:
        return self._markup_between(0, position)

    def _set_cursor_from_end(self, tail: int) -> None:
        total = self.toPlainText()
        goal = len(total) - tail
        pos = 0
        end = max(0, self.document().characterCount() - 1)
        while pos < end and len(self._markup_between(0, pos + 1)) <= goal:
            pos += 1
        cursor = self.textCursor()
        cursor.setPosition(pos)
        self.setTextCursor(cursor)
        self.setCurrentCharFormat(QTextCharFormat())

    # -- the markup ---------------------------------------------------------------------------------
    def toPlainText(self) -> str:  # Qt's name: the markup
        """The markup: the text with every chip written back as its marker."""
        return self._markup_between(0, max(0, self.document().characterCount() - 1))

    def _markup_between(self, start: int, end: int) -> str:
        text = self.document().toPlainText()
        chips = [c for c in self.chips() if c.end > start and c.start < end]
        counts: dict[int, int] = {}
        for c in self.chips():
            counts[c.serial] = counts.get(c.serial, 0) + 1
        out: list[str] = []
        pos = start
        for c in chips:
            out.append(text[pos : max(pos, c.start)])
            whole = c.start >= start and c.end <= end and counts[c.serial] == 1
            piece = text[max(c.start, start) : min(c.end, end)]
            out.append(_markup_of_run(piece, self.chip_label(c.block_id)[0], c.block_id) if whole else piece)
            pos = min(c.end, end)
        out.append(text[pos:end])
        return "".join(out)

    def setPlainText(self, text: str) -> None:  # Qt's name: takes markup
        """Show ``text`` (markup): markers become chips.  Emits ``textChanged`` once, with the text in place."""
        self._busy = self.refreshing = True
        try:
            self.document().clear()
            self.insert_markup(text, QTextCursor(self.document()))
            self.moveCursor(QTextCursor.MoveOperation.Start)
            self.setCurrentCharFormat(QTextCharFormat())
        finally:
            self._busy = self.refreshing = False
        self.textChanged.emit()

    def visible_text(self) -> str:
        """What the clerk reads (the document's characters: chips as their readings)."""
        return self.document().toPlainText()

    # -- a chip is one character --------------------------------------------------------------------
    def _chip_around(self, position: int) -> Chip | None:
        """The chip a cursor at ``position`` is strictly inside of."""
        return next((c for c in self.chips() if c.start < position < c.end), None)

    def _snap(self) -> None:
        """Before typing: a selection covers whole chips, a cursor is never inside one, and what is typed
        takes the plain format (not the chip's beside it)."""
        cursor = self.textCursor()
        a, p = cursor.anchor(), cursor.position()
        lo, hi = min(a, p), max(a, p)
        for c in self.chips():
            if c.start < lo < c.end:
                lo = c.start
            if c.start < hi < c.end:
                hi = c.end
        if (lo, hi) != (min(a, p), max(a, p)):
            if lo == hi or a == p:
                cursor.setPosition(hi)
            else:
                cursor.setPosition(lo)
                cursor.setPosition(hi, QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)
        self.setCurrentCharFormat(QTextCharFormat())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        cursor = self.textCursor()
        if not cursor.hasSelection() and event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            pos = cursor.position()
            hit = next((c for c in self.chips() if (c.start < pos <= c.end if event.key() == Qt.Key.Key_Backspace
                                                    else c.start <= pos < c.end)), None)  # fmt: skip
            if hit is not None:
                cursor.setPosition(hit.start)
                cursor.setPosition(hit.end, QTextCursor.MoveMode.KeepAnchor)
                cursor.removeSelectedText()
                self.setTextCursor(cursor)
                return
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right) and not event.modifiers():
            super().keyPressEvent(event)
            chip = self._chip_around(self.textCursor().position())
            if chip is not None:
                c = self.textCursor()
                c.setPosition(chip.start if event.key() == Qt.Key.Key_Left else chip.end)
                self.setTextCursor(c)
            return
        if event.text() or event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self._snap()
        super().keyPressEvent(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        if event.commitString() or event.preeditString():
            self._snap()
        super().inputMethodEvent(event)

    # -- clipboard ----------------------------------------------------------------------------------
    def createMimeDataFromSelection(self) -> QMimeData:
        cursor = self.textCursor()
        data = QMimeData()
        data.setText(self._markup_between(cursor.selectionStart(), cursor.selectionEnd()))
        return data

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            self._snap()
            self.insert_markup(source.text())

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.focus_left.emit()


__all__ = ["CHIP_ID", "Chip", "MarkerTextEdit"]
