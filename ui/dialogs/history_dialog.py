"""修改历史 of one field: every change (时间, 原值, 新值) from the database; 恢复此值 writes a value back.

A value is written back through the session (the tracker for fields, so undo, autosave and validation see
it like a typed value); the restore is itself a new line in the history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from forms.park.model import Raw
from storage import HistoryEntry, Operation
from storage.cells import FACTOR, META, PARK, SECTION, VALUE
from ui.common.when import local_time
from ui.common.widgets import read_only_table
from ui.shell.session import ParkSession, text_from_raw
from ui.shell.undo import EditTracker
from ui.table.context_menus import install_context_menu

HISTORY_ACTION = "查看修改历史…"
EMPTY = "（空）"
CELL_CHARS = 60
NAMES_SHOWN = 3

Restorer = Callable[[HistoryEntry], None]


def raw_text(raw: Raw | Any, present: bool = True) -> str:
    """A stored value as the clerk reads it: text as typed, a factor with its source, nothing as (空)."""
    if not present or raw is None or raw == "":
        return EMPTY
    if isinstance(raw, dict) and "value" in raw:  # a factor override
        source = raw.get("source") or "未注明来源"
        return f"{text_from_raw(raw['value'])}（来源：{source}）"
    if isinstance(raw, dict) and isinstance(raw.get("factors"), dict) and "reason" in raw:  # locked factors
        return f"锁定 {len(raw['factors'])} 个排放因子（{raw.get('reason') or '锁定'}，{local_time(raw.get('at'))}）"
    if isinstance(raw, dict) and "fingerprint" in raw:  # the 定稿 record
        return f"已定稿（{local_time(raw.get('at'))}）"
    if isinstance(raw, list):  # the key projects, the targets: how many, and the names when they have one
        names = [str(p["name"]) for p in raw if isinstance(p, dict) and p.get("name")]
        shown = "、".join(names[:NAMES_SHOWN]) + ("等" if len(names) > NAMES_SHOWN else "")
        return f"共 {len(raw)} 项" + (f"：{shown}" if shown else "")
    if isinstance(raw, dict):  # a report setting: never its internal codes
        return f"{len(raw)} 项设置" if raw else EMPTY
    return text_from_raw(raw)


def operation_text(op: Operation | None) -> str:
    """How a whole-park change reads in the history: 导入文件“…” / 恢复到 … 的版本 / 删除 2021 年 / 标记为定稿."""
    if op is None:
        return "修改"
    if op.kind == "import":
        return f"导入文件“{op.detail}”"
    if op.kind == "restore":
        return f"恢复到 {local_time(op.detail)} 的版本"
    if op.kind == "remove_year":
        return f"删除 {op.detail} 年"
    if op.kind == "final":
        return "标记为定稿"
    if op.kind == "unfinal":
        return "撤销定稿"
    if op.kind == "lock":
        return f"锁定各年度因子（{op.detail}）" if op.detail else "锁定各年度因子"
    return "修改"


def one_line(text: str, limit: int = CELL_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


@dataclass(frozen=True)
class FieldRef:
    """Which stored thing the history is about (kind as in storage: park/value/meta/factor/section)."""

    year: int | None
    key: str
    kind: str
    label: str


def field_ref(session: ParkSession, year: int | None, key: str) -> FieldRef:
    """A field of the park profile (``year`` None) or of a year's table, labelled from the form definition."""
    form = session.form if year is None else session.form_of(year)
    f = form.field(key)
    if year is None:
        return FieldRef(None, key, PARK, f.label)
    kind = FACTOR if f.is_factor else (META if key in form.meta_keys else VALUE)
    return FieldRef(year, key, kind, f"{year} 年 · {f.label}")


def field_restorer(session: ParkSession, tracker: EditTracker, ref: FieldRef) -> Restorer:
    """Write an entry's value back: a field through the tracker (one undo step), a factor with its source."""

    def restore(entry: HistoryEntry) -> None:
        value = entry.new_raw if entry.new_present else None
        if ref.kind == FACTOR:
            assert ref.year is not None
            override = value if isinstance(value, dict) else {}
            session.set_factor(ref.year, ref.key, override.get("value"), str(override.get("source") or ""))
            return
        tracker.set(ref.year, ref.key, value)
        session.flush()

    return restore


class HistoryDialog(QDialog):
    """The changes of one field, newest first; the selected line's new value can be restored."""

    def __init__(self, session: ParkSession, ref: FieldRef, restore: Restorer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.ref = ref
        self.restore = restore
        self.entries: list[HistoryEntry] = []
        self.setWindowTitle(f"修改历史 — {ref.label}")
        layout = QVBoxLayout(self)
        intro = QLabel(f"“{ref.label}”的全部修改记录，最新的在最上面。选中一行后点“恢复此值”，该行的新值会重新填入"
                       "（恢复本身也记入历史，可以撤销）。")  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = read_only_table(["时间", "操作", "原值", "新值"], stretch=(2, 3))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.restore_selected())
        layout.addWidget(self.table, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("恢复此值")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self.refresh()

    def refresh(self) -> None:
        """Read the history again (pending edits are saved first, so the list is complete)."""
        self.session.flush()
        ref = self.ref
        self.entries = self.session.db.history(self.session.park_id, ref.year, ref.key, kind=ref.kind)
        operations = self.session.db.operations(self.session.park_id)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            old = raw_text(entry.old_raw, entry.old_present)
            new = raw_text(entry.new_raw, entry.new_present)
            texts = (local_time(entry.at), operation_text(operations.get(entry.at)), old, new)
            for column, text in enumerate(texts):
                item = QTableWidgetItem(one_line(text))
                item.setToolTip(texts[column])
                if text == EMPTY:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
        if not self.entries:
            self.message.setText("这一项还没有任何修改记录。")
        self._selection_changed()

    def selected_entry(self) -> HistoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _selection_changed(self) -> None:
        entry = self.selected_entry()
        self.restore_button.setEnabled(entry is not None and not self._is_current(entry))
        if entry is not None and self._is_current(entry):
            self.message.setText("所选的值就是当前的值。")
        elif entry is not None:
            self.message.setText(
                f"恢复后，“{self.ref.label}”将变为：{one_line(raw_text(entry.new_raw, entry.new_present))}"
            )

    def _is_current(self, entry: HistoryEntry) -> bool:
        return bool(self.entries) and entry.id == self.entries[0].id

    def restore_selected(self) -> None:
        entry = self.selected_entry()
        if entry is None or self._is_current(entry):
            return
        self.restore(entry)
        self.refresh()
        self.select_row(0)
        self.message.setText(
            f"已恢复为：{one_line(raw_text(entry.new_raw, entry.new_present))}（可用“编辑 → 撤销”撤回）"
        )


def show_history(parent: QWidget, session: ParkSession, ref: FieldRef, restore: Restorer) -> HistoryDialog:
    dialog = HistoryDialog(session, ref, restore, parent)
    dialog.exec()
    return dialog


def add_history_action(menu: QMenu, parent: QWidget, session: ParkSession, tracker: EditTracker, year: int | None,
                       key: str) -> None:  # fmt: skip
    """Add 查看修改历史… for a field of the year table or a field form to ``menu``."""
    ref = field_ref(session, year, key)
    menu.addAction(HISTORY_ACTION, lambda: show_history(parent, session, ref, field_restorer(session, tracker, ref)))


def install_field_history(widget: QWidget, session: ParkSession, tracker: EditTracker, year: int | None,
                          key: str) -> None:  # fmt: skip
    """Right-click on a field editor offers 查看修改历史… beside the usual edit actions."""
    install_context_menu(widget, lambda menu: add_history_action(menu, widget, session, tracker, year, key))


def install_section_history(editor: QPlainTextEdit | QTextEdit, session: ParkSession, section_key: str,
                            title: str) -> None:  # fmt: skip
    """Right-click in a report section's text offers its history; a restored text goes into the editor."""
    ref = FieldRef(None, section_key, SECTION, f"专项报告 · {title}")

    def restore(entry: HistoryEntry) -> None:
        text = entry.new_raw if entry.new_present and isinstance(entry.new_raw, str) else ""
        editor.setPlainText(text)  # the page saves it through the session as if typed
        session.flush()

    install_context_menu(editor, lambda menu: menu.addAction(
        HISTORY_ACTION, lambda: show_history(editor, session, ref, restore)))  # fmt: skip
