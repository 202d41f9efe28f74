"""The year's paper table, generated from the form definition: one grid, sections as banded rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from forms.table.calc import YearResult
from forms.table.definition import COMPUTED, VALUES, Field
from forms.table.kinds import kind_of
from ui.common.widgets import COMPUTED_BG, FACTOR_BG, SECTION_BG, finding_colour, finding_tooltip
from ui.dialogs.history_dialog import add_history_action
from ui.shell.session import ParkSession, raw_from_text, text_from_raw
from ui.shell.undo import EditTracker
from ui.table.factor_dialog import describe_factor

if TYPE_CHECKING:
    from forms.table.validate import Finding

KEY_ROLE = Qt.ItemDataRole.UserRole
UNVERIFIED = "未核实"


@dataclass(frozen=True)
class SubtotalCell:
    """Where a 小计 value of the definition is shown."""

    row: int
    column: int
    subtotal_id: str
    column_id: str
    decimals: int  # those of the fields it adds up (the form's precision table)


def wrap_header(text: str) -> str:
    """Break a long column title after its colon or in the middle, so narrow columns show it whole."""
    if len(text) <= 7:
        return text
    if "：" in text:
        head, _, tail = text.partition("：")
        return f"{head}：\n{tail}"
    if "(" in text:
        head, _, tail = text.partition("(")
        return f"{head}\n({tail}"
    mid = len(text) // 2
    return f"{text[:mid]}\n{text[mid:]}"


class CellDelegate(QStyledItemDelegate):
    """Line editor for input cells: live recalculation while typing; Enter/Tab go down the column."""

    def __init__(self, table: YearTable) -> None:
        super().__init__(table)
        self.table = table

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:  # fmt: skip
        key = index.data(KEY_ROLE)
        editor = QLineEdit(parent)
        editor.setText(text_from_raw(self.table.session.raw(self.table.year, key)))
        editor.setProperty("field_key", key)
        editor.textEdited.connect(lambda text: self.table.live_edit(key, text))
        self.table.editing_key = key
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        pass  # set once in createEditor: later refreshes must not move the clerk's cursor

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:  # fmt: skip
        assert isinstance(editor, QLineEdit)
        key = index.data(KEY_ROLE)
        self.table.live_edit(key, editor.text())
        self.table.tracker.commit(self.table.year, key)

    def destroyEditor(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        self.table.editing_key = None
        self.table.tracker.commit(self.table.year, index.data(KEY_ROLE))  # also after Esc: one undo step
        super().destroyEditor(editor, index)
        self.table.refresh_cell(index.data(KEY_ROLE))

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(editor, QLineEdit):
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.commitData.emit(editor)
                self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
                return True
            if event.matches(QKeySequence.StandardKey.Paste):
                text = QGuiApplication.clipboard().text()
                if "\n" in text.strip("\r\n") or "\t" in text:
                    self.commitData.emit(editor)
                    self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
                    self.table.paste_text(text)
                    return True
        return super().eventFilter(editor, event)


class YearTable(QTableWidget):
    factor_requested = Signal(str)  # factor key

    def __init__(self, session: ParkSession, tracker: EditTracker, year: int, parent: QWidget | None = None) -> None:
        self.form = session.form_of(year)
        self.columns = ["指标", "单位", *(c.label for c in self.form.columns)]
        super().__init__(0, len(self.columns), parent)
        self.session = session
        self.tracker = tracker
        self.year = year
        self.editing_key: str | None = None
        self.col_of = {c.id: i + 2 for i, c in enumerate(self.form.columns)}
        self.cell_of: dict[str, tuple[int, int]] = {}  # key -> its first cell (row, column), where the clerk edits it
        self.places: dict[str, list[tuple[int, int]]] = {}  # every cell showing a key (totals repeat)
        self.subtotals: list[SubtotalCell] = []
        self.section_rows: dict[str, int] = {}
        self._widen: set[int] = set(range(2, len(self.columns)))  # columns to fit at the next refresh
        self._shown: dict[int, tuple[str, int, str]] = {}  # id(item) -> colours and tooltip last given to it
        self._sources: dict[str, tuple[object, ...]] = {}  # key -> what its cells were last shown from
        self._build()
        self.setItemDelegate(CellDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)
        self.setWordWrap(False)
        self.setAlternatingRowColors(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumHeight(44)
        header.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.setStretchLastSection(True)
        self.setHorizontalHeaderLabels([wrap_header(c) for c in self.columns])
        self.setColumnWidth(1, 76)
        for c in range(2, len(self.columns)):
            self.setColumnWidth(c, 102)
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(item.text()) for r in range(self.rowCount())
                      if self.columnSpan(r, 0) == 1 and (item := self.item(r, 0)) is not None), default=160)  # fmt: skip
        self.setColumnWidth(0, min(max(widest + 16, 200), 290))
        self.itemDoubleClicked.connect(self._double_clicked)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.refresh()

    # -- building ---------------------------------------------------------------------------------
    def _static(
        self, text: str, *, bg: QColor | None = None, align: Qt.AlignmentFlag | None = None
    ) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        if bg is not None:
            item.setBackground(QBrush(bg))
        if align is not None:
            item.setTextAlignment(align)
        return item

    def _build(self) -> None:
        sections = [s for s in self.form.sections if s.group == VALUES]
        n = len(self.columns)
        bold = QFont(self.font())
        bold.setBold(True)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        center = Qt.AlignmentFlag.AlignCenter
        for section in sections:
            r = self.rowCount()
            self.insertRow(r)
            self.section_rows[section.id] = r
            head = self._static(section.title, bg=SECTION_BG)
            head.setFont(bold)
            self.setItem(r, 0, head)
            self.setSpan(r, 0, 1, n)
            if section.note:
                r = self.rowCount()
                self.insertRow(r)
                note = self._static(f"注：{section.note}")
                note.setForeground(QBrush(QColor("#555555")))
                note.setToolTip(section.note)
                self.setItem(r, 0, note)
                self.setSpan(r, 0, 1, n)
            for row in section.rows:
                r = self.rowCount()
                self.insertRow(r)
                label = self._static("　" * row.indent + row.label)
                label.setToolTip(row.label + (f"\n{row.note}" if row.note else ""))
                self.setItem(r, 0, label)
                self.setItem(r, 1, self._static(row.unit, align=center))
                for column in range(2, n):
                    self.setItem(r, column, self._static("", bg=COMPUTED_BG))
                for column_id, key in row.cells.items():
                    c = self.col_of[column_id]
                    f = self.form.field(key)
                    item = QTableWidgetItem("")
                    item.setData(KEY_ROLE, key)
                    item.setTextAlignment(right)
                    if f.is_input:
                        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                                      | Qt.ItemFlag.ItemIsEditable)  # fmt: skip
                    else:
                        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                        item.setBackground(QBrush(FACTOR_BG if f.is_factor else COMPUTED_BG))
                    self.setItem(r, c, item)
                    self.cell_of.setdefault(key, (r, c))
                    self.places.setdefault(key, []).append((r, c))
                    if not f.is_numeric and len(row.cells) == 1:
                        # a text answer (主导产业 …) gets the width of the remaining columns
                        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                        self.setSpan(r, c, 1, n - c)
            for sub in section.subtotals:
                r = self.rowCount()
                self.insertRow(r)
                head = self._static(sub.label, bg=COMPUTED_BG)
                head.setFont(bold)
                self.setItem(r, 0, head)
                for column in range(1, n):
                    self.setItem(r, column, self._static("", bg=COMPUTED_BG, align=right))
                for column_id in sub.cells:
                    decimals = self.form.subtotal_decimals(sub, column_id)
                    self.subtotals.append(SubtotalCell(r, self.col_of[column_id], sub.id, column_id, decimals))
                    self.cell(r, self.col_of[column_id]).setFont(bold)

    def cell(self, row: int, column: int) -> QTableWidgetItem:
        """The item of a cell the layout filled (every cell of a laid-out row has one)."""
        item = self.item(row, column)
        assert item is not None, (row, column)
        return item

    # -- showing ----------------------------------------------------------------------------------
    def field(self, key: str) -> Field:
        return self.form.field(key)

    def refresh(self) -> None:
        """Show the year's current values, factors and findings.  A cell is given to Qt again only when
        what it shows comes from something different (its raw value, result, factor or findings): a key
        typed changes a handful of cells, not the whole table."""
        result = self.session.result(self.year)
        findings: dict[str, list[Finding]] = {}
        for f in self.session.findings:
            if f.year == self.year:
                findings.setdefault(f.key, []).append(f)
        for key in self.cell_of:
            shown_from = self._source(key, result, findings.get(key, []))
            if self._sources.get(key) != shown_from:
                self._sources[key] = shown_from
                self._show(key, result)
        for sub in self.subtotals:  # the decimals of the fields a 小计 adds up (the form's precision table)
            text = kind_of("number").format(result.subtotal(sub.subtotal_id, sub.column_id), sub.decimals)
            item = self.cell(sub.row, sub.column)
            if item.text() != text:
                item.setText(text)
                self._widen.add(sub.column)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Widen a number column when a value would not fit (numbers are never elided): the columns whose
        texts changed since the last fit (every column the first time)."""
        columns, self._widen = sorted(c for c in self._widen if c >= 2), set()
        if not columns:
            return
        bold = QFont(self.font())
        bold.setBold(True)
        plain, strong = self.fontMetrics(), QFontMetrics(bold)
        for c in columns:
            widest = 0
            for r in range(self.rowCount()):
                item = self.item(r, c)
                if item is None or self.columnSpan(r, c) != 1 or not item.text():
                    continue
                metrics = strong if item.font().bold() else plain
                widest = max(widest, metrics.horizontalAdvance(item.text()))
            if widest + 14 > self.columnWidth(c):
                self.setColumnWidth(c, widest + 14)

    def refresh_cell(self, key: str | None) -> None:
        if key in self.cell_of:
            self._sources.pop(key, None)  # shown again whatever the next refresh finds
            self._show(key, self.session.result(self.year))

    def _source(self, key: str, result: YearResult, findings: list[Finding]) -> tuple[object, ...]:
        """Everything :meth:`_show_item` reads for ``key``'s cells (equal sources show equal cells)."""
        f = self.field(key)
        if f.is_input:
            raw = self.session.raw(self.year, key)
            shown: object = (type(raw), raw, key == self.editing_key, result.input_errors.get(key))
        elif f.is_factor:
            shown = result.factors[key]
        else:
            shown = result.computed.get(key) if f.role == COMPUTED else result.value(key)
        return (shown, tuple(findings))

    def _show(self, key: str, result: YearResult) -> None:
        for r, c in self.places[key]:
            self._show_item(self.cell(r, c), key, result, c)

    def _show_item(self, item: QTableWidgetItem, key: str, result: YearResult, column: int = -1) -> None:
        f = self.field(key)
        findings = self.session.findings_for(self.year, key)
        tip = [f"{f.label}({f.unit})" if f.unit else f.label]
        if f.help:
            tip.append(f.help)
        fg = "#000000"
        text: str | None = None  # None: the cell being edited keeps the clerk's text
        if f.is_input:
            if key != self.editing_key:
                text = text_from_raw(self.session.raw(self.year, key))
            error = result.input_errors.get(key)
            if error:
                tip.append(error)
        elif f.is_factor:
            fv = result.factors[key]
            text = f.kind_type.format(fv.value, f.decimals)
            if fv.origin == "override":
                fg = "#1e4fb4"
                text += " （用户）"
            elif fv.origin == "none":
                text = "须填写"
                fg = "#8a5a00"
            elif fv.unverified:
                fg = "#b35c00"
                text += f" {UNVERIFIED}"
            tip.append(describe_factor(fv))
        else:
            value = result.computed.get(key) if f.role == COMPUTED else result.value(key)
            text = f.kind_type.format(value, f.decimals)
        colour = finding_colour(findings)
        if colour is not None:
            tip.append(finding_tooltip(findings))
        elif f.is_input:
            colour = QColor("#ffffff")
        else:
            colour = FACTOR_BG if f.is_factor else COMPUTED_BG
        # only what changed is given to Qt (each change repaints the cell and costs a model signal)
        if text is not None and item.text() != text:
            item.setText(text)
            self._widen.add(column)
        shown = (fg, colour.rgba(), "\n".join(tip))
        if self._shown.get(id(item)) != shown:
            self._shown[id(item)] = shown
            item.setForeground(QBrush(QColor(fg)))
            item.setBackground(QBrush(colour))
            item.setToolTip(shown[2])

    def key_at(self, row: int, column: int) -> str | None:
        item = self.item(row, column) if row >= 0 and column >= 0 else None
        return item.data(KEY_ROLE) if item is not None else None

    def text_at(self, key: str) -> str:
        r, c = self.cell_of[key]
        return self.cell(r, c).text()

    # -- editing ----------------------------------------------------------------------------------
    def live_edit(self, key: str, text: str) -> None:
        self.tracker.live(self.year, key, raw_from_text(text))

    def is_editable(self, row: int, column: int) -> bool:
        item = self.item(row, column)
        return item is not None and bool(item.flags() & Qt.ItemFlag.ItemIsEditable)

    def next_editable(self, row: int, column: int, step: int) -> int | None:
        r = row + step
        while 0 <= r < self.rowCount():
            if self.is_editable(r, column):
                return r
            r += step
        return None

    def moveCursor(self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier) -> QModelIndex:
        current = self.currentIndex()
        if current.isValid() and action in (QAbstractItemView.CursorAction.MoveNext,
                                            QAbstractItemView.CursorAction.MovePrevious):  # fmt: skip
            step = 1 if action == QAbstractItemView.CursorAction.MoveNext else -1
            r = self.next_editable(current.row(), current.column(), step)
            return self.model().index(current.row() if r is None else r, current.column())
        return super().moveCursor(action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_text(QGuiApplication.clipboard().text())
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            current = self.currentIndex()
            if current.isValid():
                r = self.next_editable(current.row(), current.column(), 1)
                if r is not None:
                    self.setCurrentCell(r, current.column())
            return
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.state() != QAbstractItemView.State.EditingState
        ):
            current = self.currentIndex()
            if current.isValid() and self.is_editable(current.row(), current.column()):
                self.tracker.set(self.year, current.data(KEY_ROLE), None)
                return
        super().keyPressEvent(event)

    def paste_text(self, text: str) -> int:
        """Fill consecutive input rows of the current column (and columns to the right) from copied cells."""
        current = self.currentIndex()
        if not current.isValid():
            return 0
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        while lines and lines[-1] == "":
            lines.pop()
        column = current.column()
        row: int | None = current.row() if self.is_editable(current.row(), column) else self.next_editable(
            current.row(), column, 1)  # fmt: skip
        changes: list[tuple[str, str]] = []
        for line in lines:
            if row is None:
                break
            for offset, cell in enumerate(line.split("\t")):
                c = column + offset
                if c < self.columnCount() and self.is_editable(row, c):
                    changes.append((self.cell(row, c).data(KEY_ROLE), cell))
            row = self.next_editable(row, column, 1)
        if not changes:
            return 0
        stack = self.tracker.stack
        stack.beginMacro(f"粘贴 {len(changes)} 个数值")
        for key, cell in changes:
            self.tracker.set(self.year, key, raw_from_text(cell))
        stack.endMacro()
        self.refresh()
        return len(changes)

    def select_key(self, key: str) -> bool:
        if key not in self.cell_of:
            return False
        r, c = self.cell_of[key]
        self.setCurrentCell(r, c)
        self.scrollToItem(self.cell(r, c), QAbstractItemView.ScrollHint.PositionAtCenter)
        self.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def _double_clicked(self, item: QTableWidgetItem) -> None:
        key = item.data(KEY_ROLE)
        if key and self.field(key).is_factor:
            self.factor_requested.emit(key)

    def context_menu_for(self, key: str | None) -> QMenu | None:
        """The right-click menu of a cell: a factor's value and source, the history of what was filled in."""
        if not key or not (self.field(key).is_factor or self.field(key).is_input):
            return None
        menu = QMenu(self)
        if self.field(key).is_factor:
            menu.addAction("修改数值及来源…", lambda: self.factor_requested.emit(key))
        add_history_action(menu, self, self.session, self.tracker, self.year, key)
        return menu

    def _context_menu(self, point: QPoint) -> None:
        item = self.itemAt(point)
        menu = self.context_menu_for(item.data(KEY_ROLE) if item else None)
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(point))
            menu.deleteLater()
