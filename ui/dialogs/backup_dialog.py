"""备份与恢复: the database's backups (time, reason), 立即备份, 恢复所选备份 (the current state is backed up first)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from storage import StorageError, backup_reason, backup_time
from ui.common.when import local_time
from ui.common.widgets import read_only_table

REASONS_ZH = {
    "daily": "每日自动备份",
    "exit": "退出程序时自动备份",
    "manual": "手动备份",
    "before-migration": "升级数据库格式前",
    "before-import": "导入园区前",
    "before-restore": "恢复备份前",
    "before-delete": "删除园区前",
}
PATH_ROLE = Qt.ItemDataRole.UserRole


def reason_text(reason: str | None) -> str:
    if not reason:
        return "（未知）"
    return REASONS_ZH.get(reason, reason)


def size_text(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "—"
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


def backup_label(path: Path) -> str:
    return f"{local_time(backup_time(path))}({reason_text(backup_reason(path))})"


class BackupDialog(QDialog):
    """``restore(path)`` replaces the database by a backup and reloads the window; it returns True when done."""

    def __init__(self, db: Any, restore: Callable[[Path], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.restore = restore
        self.backups: list[Path] = []
        self.setWindowTitle("备份与恢复")
        layout = QVBoxLayout(self)
        intro = QLabel("程序每天第一次打开、每次退出（有修改时）、导入和恢复之前都会自动备份整个数据库（全部园区）。"
                       "恢复备份会用所选备份替换当前的全部数据；恢复之前，当前的状态会先备份一份，随时可以再恢复回来。")  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.folder_label = QLabel(f"备份文件夹：{Path(db.path).with_name(Path(db.path).stem + '-backups')}")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.folder_label.setStyleSheet("color: #555555;")
        layout.addWidget(self.folder_label)
        self.table = read_only_table(["备份时间", "原因", "大小"], stretch=(1,))
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table, 1)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox()
        self.backup_button = QPushButton("立即备份")
        self.backup_button.clicked.connect(self.backup_now)
        buttons.addButton(self.backup_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button = QPushButton("恢复所选备份…")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button = QPushButton("复制到其他位置…")
        self.copy_button.setToolTip("把所选备份复制到另一个文件夹或 U 盘，另行保管")
        self.copy_button.clicked.connect(lambda: self.copy_selected())
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.file_button = QPushButton("从备份文件恢复…")
        self.file_button.setToolTip("选择保存在其他位置（如 U 盘）的备份文件，用它恢复")
        self.file_button.clicked.connect(lambda: self.restore_from_file())
        buttons.addButton(self.file_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 420)
        self.refresh()

    def refresh(self, select: Path | None = None) -> None:
        self.backups = list(self.db.list_backups())
        self.table.setRowCount(len(self.backups))
        for row, path in enumerate(self.backups):
            cells = (local_time(backup_time(path)), reason_text(backup_reason(path)), size_text(path))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PATH_ROLE, str(path))
                item.setToolTip(str(path))
                self.table.setItem(row, column, item)
            if select is not None and path == select:
                self.table.selectRow(row)
        if not self.backups:
            self.message.setText("还没有任何备份。")
        self._selection_changed()

    def selected(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def select_backup(self, path: Path) -> None:
        for row, candidate in enumerate(self.backups):
            if candidate == path:
                self.table.selectRow(row)

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)
        self.copy_button.setEnabled(self.selected() is not None)

    def copy_selected(self, folder: str | None = None) -> Path | None:
        """Copy the selected backup to a folder the clerk chooses (another disk, a USB drive)."""
        path = self.selected()
        if path is None:
            return None
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self, "把备份复制到", str(Path.home()))
            if not folder:
                return None
        try:
            copy = self.db.copy_backup(path, folder)
        except StorageError as exc:
            QMessageBox.critical(self, "复制备份", f"没有复制备份：{exc}")
            return None
        self.message.setText(f"已把 {backup_label(path)} 的备份复制为“{copy}”。")
        return copy

    def restore_from_file(self, chosen: str | None = None) -> bool:
        """Restore from a backup file kept anywhere: checked first (whole, ours, schema), then confirmed."""
        if chosen is None:
            chosen, _filter = QFileDialog.getOpenFileName(self, "选择备份文件", str(Path.home()),
                                                          "数据库备份 (*.db);;所有文件 (*)")  # fmt: skip
            if not chosen:
                return False
        path = Path(chosen)
        try:
            parks = self.db.check_backup_file(path)
        except StorageError as exc:
            QMessageBox.warning(self, "不能用这个文件恢复", str(exc))
            self.message.setText(f"没有恢复：{exc}")
            return False
        if not parks:
            QMessageBox.warning(self, "不能用这个文件恢复", f"备份文件“{path.name}”中没有任何园区，没有恢复。")
            return False
        listed = "、".join(parks[:5]) + ("等" if len(parks) > 5 else "")
        answer = QMessageBox.question(self, "从备份文件恢复",
                                      f"用文件“{path.name}”（含 {len(parks)} 个园区：{listed}）替换当前数据库中的"
                                      "全部园区数据吗？\n\n恢复之前会先把当前的状态备份一份（原因“恢复备份前”）。")  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if not self.restore(path):
            return False
        self.refresh()
        self.message.setText(f"已用文件“{path.name}”恢复；恢复前的状态已另行备份（列表中“恢复备份前”一项）。")
        return True

    def backup_now(self) -> Path | None:
        parent = self.parent()
        flush = getattr(parent, "save_now", None)
        if flush is not None:
            flush()  # the edits on screen belong in the backup
        try:
            path = self.db.backup_now("manual")
        except StorageError as exc:
            QMessageBox.critical(self, "备份失败", f"没有完成备份：{exc}")
            return None
        self.refresh(select=path)
        self.message.setText(f"已备份：{backup_label(path)}。")
        return path

    def restore_selected(self) -> bool:
        path = self.selected()
        if path is None:
            return False
        answer = QMessageBox.question(
            self,
            "恢复备份",
            f"用 {backup_label(path)} 的备份替换当前数据库中的全部园区数据吗？\n\n"
            "恢复之前会先把当前的状态备份一份（原因“恢复备份前”），需要时可以在本窗口再恢复回来。",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if not self.restore(path):
            return False
        self.refresh(select=path)  # stays on the restored backup (a new 恢复备份前 row came in above it)
        self.message.setText(f"已恢复 {backup_label(path)} 的备份；恢复前的状态已另行备份（列表中“恢复备份前”一项）。")
        return True
