"""The key-project list (重点项目清单) as an editable table with totals; columns from forms.report.projects."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.park.model import Raw
from forms.report.projects import (
    PLAN_COLUMNS,
    PROJECT_COLUMNS,
    TOTAL_KEYS,
    is_empty_project,
    project_totals,
    validate_projects,
)
from forms.table.numbers import format_number
from ui.common.widgets import ERROR_BG
from ui.shell.session import Changes, ParkSession, raw_from_text, text_from_raw

EDITOR_COLUMNS = (*PROJECT_COLUMNS, *PLAN_COLUMNS)

RAW_ROLE = Qt.ItemDataRole.UserRole + 1


def raw_item(raw: Raw) -> QTableWidgetItem:
    """A cell showing a stored raw value; the raw value rides along so an untouched cell keeps its type."""
    item = QTableWidgetItem(text_from_raw(raw))
    item.setData(RAW_ROLE, raw)
    return item


def item_raw(item: QTableWidgetItem | None) -> Raw:
    """The raw value of a cell: the stored one when the text is unchanged, else the text as typed."""
    if item is None:
        return None
    text = item.text()
    stored = item.data(RAW_ROLE)
    if stored is not None and text_from_raw(stored) == text:
        return stored
    return raw_from_text(text)


class ProjectsEditor(QWidget):
    """Rows of projects; every edit is saved at once (ParkSession.set_projects, one undo step); invalid cells
    stay as typed and are marked.  An undo or redo shows the list again."""

    projects_changed = Signal()

    def __init__(self, session: ParkSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, len(EDITOR_COLUMNS))
        self.table.setObjectName("projects_table")
        self.table.setHorizontalHeaderLabels([c.heading for c in EDITOR_COLUMNS])
        header = self.table.horizontalHeader()
        stretch, fit = QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents
        for i, col in enumerate(EDITOR_COLUMNS):
            header.setSectionResizeMode(i, stretch if col.key in ("name", "content") else fit)
        self.table.itemChanged.connect(self._item_changed)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加项目")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton("删除所选项目")
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.totals_label = QLabel("")
        self.totals_label.setObjectName("projects_totals")
        buttons.addWidget(self.totals_label)
        layout.addLayout(buttons)
        self.issues_label = QLabel("")
        self.issues_label.setWordWrap(True)
        self.issues_label.setStyleSheet("color: #b00020;")
        layout.addWidget(self.issues_label)
        self._loading = False
        self.load()
        session.changed.connect(self._changed)

    # -- data ---------------------------------------------------------------------------------------
    def load(self) -> None:
        self._loading = True
        projects = self.session.park.report.projects
        self.table.setRowCount(len(projects))
        for r, p in enumerate(projects):
            for c, col in enumerate(EDITOR_COLUMNS):
                self.table.setItem(r, c, raw_item(p.get(col.key)))
        self._rows = [dict(p) for p in projects]  # what each row holds besides its cells (progress …)
        self._loading = False
        self._refresh()

    def projects(self) -> list[dict[str, Raw]]:
        """The rows as raw values (text as typed; blank cells left out)."""
        out: list[dict[str, Raw]] = []
        keys = {c.key for c in EDITOR_COLUMNS}
        for r in range(self.table.rowCount()):
            stored = self._rows[r] if r < len(self._rows) else {}
            p: dict[str, Any] = {k: v for k, v in stored.items() if k not in keys}  # progress and the like stay
            for c, col in enumerate(EDITOR_COLUMNS):
                raw = item_raw(self.table.item(r, c))
                if raw is not None:
                    p[col.key] = raw
            out.append(p)
        return out

    def filled(self) -> list[dict[str, Raw]]:
        return [p for p in self.projects() if not is_empty_project(p)]

    def _save(self) -> None:
        self.session.set_projects(self.filled())
        self.projects_changed.emit()

    def _changed(self, changes: Changes) -> None:
        if changes.projects and self.filled() != self.session.park.report.projects:
            self.load()  # an undo / redo

    def _item_changed(self, _item: QTableWidgetItem) -> None:
        if self._loading:
            return
        self._save()
        self._refresh()

    def add_row(self) -> None:
        self._loading = True
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._rows.insert(row, {})
        for c in range(len(EDITOR_COLUMNS)):
            self.table.setItem(row, c, QTableWidgetItem(""))
        self._loading = False
        self.table.setCurrentCell(row, 0)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.editItem(item)

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows:
            return
        for r in rows:
            self.table.removeRow(r)
            if r < len(self._rows):
                del self._rows[r]
        self._save()
        self._refresh()

    # -- display ------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        projects = self.projects()
        issues = validate_projects(projects)
        bad = {(i.index, i.key): i.message for i in issues}
        self._loading = True
        for r in range(self.table.rowCount()):
            for c, col in enumerate(EDITOR_COLUMNS):
                item = self.table.item(r, c)
                if item is None:
                    continue
                message = bad.get((r, col.key))
                item.setBackground(ERROR_BG if message else QColor(0, 0, 0, 0))
                item.setToolTip(message or "")
        self._loading = False
        totals = project_totals(projects)
        cols = {c.key: c for c in EDITOR_COLUMNS}
        parts = [f"{cols[k].label} {format_number(totals[k], cols[k].decimals)} {cols[k].unit}" for k in TOTAL_KEYS]
        self.totals_label.setText("合计：" + "，".join(parts))
        self.issues_label.setText("\n".join(i.message for i in issues))
