"""切换园区: the parks of the database with their years and last change; open one, or delete one that is not open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.common.when import local_time
from ui.common.widgets import read_only_table

ID_ROLE = Qt.ItemDataRole.UserRole


def years_text(years: list[int]) -> str:
    """2016、2017、2018 → 2016—2018(3 个年度); gaps are listed."""
    if not years:
        return "（无）"
    ordered = sorted(years)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"{ordered[0]}—{ordered[-1]}（共 {len(ordered)} 年）"
    return "、".join(str(y) for y in ordered)


class ParkListDialog(QDialog):
    """:attr:`chosen` is the id of the park to open after ``exec()`` returns true.  With ``delete`` (asks, backs
    the database up and deletes the park of the given id; True when done) a park other than the open one can be
    deleted from the list."""

    def __init__(self, parks: list[Any], current_id: int, parent: QWidget | None = None,
                 delete: Callable[[int], bool] | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.current_id = current_id
        self.delete = delete
        self.setWindowTitle("切换园区")
        self.parks = sorted(parks, key=lambda p: (p.updated_at or "", p.id), reverse=True)
        self.chosen: int | None = None
        layout = QVBoxLayout(self)
        intro = QLabel("选择要打开的园区（按最后修改时间排列）。当前园区未保存的修改会先保存。")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = read_only_table(["园区名称", "填报年度", "最后修改"], stretch=(0,), rows=len(self.parks))
        for row, park in enumerate(self.parks):
            name = park.name or "（未命名园区）"
            if park.id == current_id:
                name += "（当前）"
            cells = (name, years_text(list(park.years)), local_time(park.updated_at))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, park.id)
                self.table.setItem(row, column, item)
            if park.id == current_id:
                self.table.selectRow(row)
        self.table.itemDoubleClicked.connect(lambda _item: self._open())
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        open_button = buttons.addButton("打开", QDialogButtonBox.ButtonRole.AcceptRole)
        open_button.clicked.connect(self._open)
        self.delete_button = QPushButton("删除所选园区…")
        self.delete_button.setToolTip("删除前自动备份数据库。当前打开的园区请用“文件 → 删除当前园区”。")
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_button.setVisible(delete is not None)
        buttons.addButton(self.delete_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._selection_changed()
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 320)

    def select_park(self, park_id: int) -> None:
        for row, park in enumerate(self.parks):
            if park.id == park_id:
                self.table.selectRow(row)

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        item = self.table.item(rows[0].row(), 0) if rows else None
        return int(item.data(ID_ROLE)) if item is not None else None

    def _selection_changed(self) -> None:
        chosen = self.selected_id()
        self.delete_button.setEnabled(chosen is not None and chosen != self.current_id)

    def delete_selected(self) -> bool:
        """Delete the selected park (not the open one) through ``delete``; its row goes from the list."""
        chosen = self.selected_id()
        if self.delete is None or chosen is None or chosen == self.current_id or not self.delete(chosen):
            return False
        row = next(i for i, p in enumerate(self.parks) if p.id == chosen)
        self.table.removeRow(row)
        del self.parks[row]
        self.select_park(self.current_id)
        return True

    def _open(self) -> None:
        chosen = self.selected_id()
        if chosen is None:
            return
        self.chosen = chosen
        self.accept()
