"""The 文件 menu's park commands (switch, new, import, export, backups) and 编辑 → 园区历史版本….

Every command saves the pending edits first; an import or a restore is all or nothing, and whatever
replaces data in the database makes a backup before it.  The window is rebuilt on the park afterwards.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from forms.park.model import ParkData
from forms.park.parkfile import ParkFileError, read_park_file, write_park_file
from forms.park.text_rules import normalize_name
from storage import StorageError

if TYPE_CHECKING:
    from export.xlsx.reader import WorkbookReadResult
    from ui.shell.main_window import MainWindow

IMPORT_FILTER = "园区文件或工作簿 (*.json *.xlsx);;园区文件 (*.json);;Excel 工作簿 (*.xlsx)"
EXPORT_FILTER = "园区文件 (*.json)"
REPLACE, AS_NEW = 0, 1


def ask_choice(parent: QWidget, title: str, text: str, options: list[str]) -> int | None:
    """A question with Chinese buttons; the last option cancels (None)."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    buttons = [box.addButton(o, QMessageBox.ButtonRole.AcceptRole) for o in options[:-1]]
    cancel = box.addButton(options[-1], QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return buttons.index(clicked) if clicked in buttons else None


def file_error_text(source: Path, exc: ParkFileError) -> str:
    where = "".join(part for part in (f"，年份 {exc.year}" if exc.year else "", f"，键 {exc.key}" if exc.key else ""))
    return f"文件“{source.name}”{where}：{exc}\n\n数据库没有任何改动。"


class ParkActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    # -- helpers ------------------------------------------------------------------------------------
    def _saved(self) -> bool:
        """Save the pending edits; False (after saying so) when the database refuses them."""
        window = self.window
        window.commit_editing()
        window.session.flush()
        if window.session.dirty:
            QMessageBox.critical(window, "无法保存", "有修改未能保存到数据库，请先处理保存问题（见状态栏）。")
            return False
        return True

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    # -- switching and creating ---------------------------------------------------------------------
    def switch_park(self) -> int | None:
        from ui.dialogs.park_list_dialog import ParkListDialog

        window = self.window
        if not self._saved():
            return None
        dialog = ParkListDialog(window.db.list_parks(), window.session.park_id, window, delete=self.delete_other_park)
        if not dialog.exec() or dialog.chosen is None or dialog.chosen == window.session.park_id:
            return None
        return dialog.chosen if window.open_park(dialog.chosen) else None

    def new_park(self) -> int | None:
        from ui.dialogs.start_dialogs import NewParkDialog

        window = self.window
        if not self._saved():
            return None
        dialog = NewParkDialog(window.session.park.form, window)
        if not dialog.exec():
            return None
        try:
            park_id = int(window.db.create_park(dialog.profile(), years=dialog.years(), form=window.session.park.form,
                                                outline=dialog.outline_version()))  # fmt: skip
        except StorageError as exc:
            QMessageBox.critical(window, "新建园区", f"没有建立园区：{exc}")
            return None
        window.open_park(park_id)
        return park_id

    def rename_park(self, name: str | None = None) -> bool:
        """重命名园区: the park name (园区名称) changed as one undo step; a name another park has is refused."""
        from PySide6.QtWidgets import QInputDialog

        window = self.window
        session = window.session
        old = session.park.name
        if name is None:
            name, ok = QInputDialog.getText(window, "重命名园区", "新的园区名称：", text=old)
            if not ok:
                return False
        name = normalize_name(name)
        if not name:
            QMessageBox.warning(window, "重命名园区", "园区名称不能为空。")
            return False
        if name == old:
            return False
        other = window.db.find_park(name)
        if other is not None and other != session.park_id:
            QMessageBox.warning(window, "重命名园区", f"数据库中已有园区“{name}”，请换一个名称。")
            return False
        if not self._saved():
            return False
        window.tracker.set(None, session.form.name_key, name)
        session.flush()
        self._status(f"园区“{old}”已改名为“{name}”（可用 Ctrl+Z 撤销）")
        return True

    def delete_park(self) -> bool:
        """删除当前园区: asks first; the database is backed up before; the window opens another park.
        The only park of the database is not deleted (the window needs one)."""
        window = self.window
        db = window.db
        park_id = window.session.park_id
        name = window.session.park.name or "（未命名园区）"
        others = [p for p in db.list_parks() if p.id != park_id]
        if not others:
            QMessageBox.information(window, "删除园区", f"“{name}”是数据库中唯一的园区，不能删除。\n\n"
                                    "如需重新开始，可先新建或导入另一个园区，再删除这一个。")  # fmt: skip
            return False
        answer = QMessageBox.question(window, "删除园区",
                                      f"确定删除园区“{name}”及其全部年度数据、专项报告和修改历史吗？\n\n"
                                      "删除前会自动备份数据库，需要时可在“文件 → 备份与恢复”中找回。")  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if not self._saved():
            return False
        target = max(others, key=lambda p: (p.updated_at or "", p.id)).id
        if not window.open_park(target):
            return False
        try:
            backup = db.delete_park(park_id)
        except StorageError as exc:
            QMessageBox.critical(window, "删除园区", f"没有删除园区“{name}”：{exc}")
            return False
        self._status(f"已删除园区“{name}”；删除前的数据库已备份为“{backup.name}”")
        return True

    def delete_other_park(self, park_id: int) -> bool:
        """删除所选园区 (from 切换园区, a park that is not open): asks first; the database is backed up before."""
        window = self.window
        if park_id == window.session.park_id:
            return self.delete_park()
        summary = next((p for p in window.db.list_parks() if p.id == park_id), None)
        if summary is None:
            return False
        name = summary.name or "（未命名园区）"
        answer = QMessageBox.question(window, "删除园区",
                                      f"确定删除园区“{name}”及其全部年度数据、专项报告和修改历史吗？\n\n"
                                      "删除前会自动备份数据库，需要时可在“文件 → 备份与恢复”中找回。")  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            backup = window.db.delete_park(park_id)
        except StorageError as exc:
            QMessageBox.critical(window, "删除园区", f"没有删除园区“{name}”：{exc}")
            return False
        self._status(f"已删除园区“{name}”；删除前的数据库已备份为“{backup.name}”")
        return True

    # -- import and export --------------------------------------------------------------------------
    def import_park(self, path: str | Path | None = None) -> int | None:
        """Import a park file (.json) or an exported workbook (.xlsx); returns the park id shown afterwards."""
        window = self.window
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(window, "导入园区文件或工作簿", "", IMPORT_FILTER)
            if not chosen:
                return None
            path = chosen
        source = Path(path)
        if not self._saved():
            return None
        is_workbook = source.suffix.lower() == ".xlsx"
        result: WorkbookReadResult | None = None
        if is_workbook:
            result = self._read_workbook(source)
            park = result.park if result is not None else None
        else:
            park = self._read_park_file(source)
        if park is None:
            return None
        name = park.name.strip()
        if not name:
            QMessageBox.critical(window, "导入失败", f"文件“{source.name}”中没有园区名称。\n\n数据库没有任何改动。")
            return None
        db = window.db
        target = db.find_park(name)
        kept: list[int] = []
        if target is not None:
            choice = ask_choice(window, "导入园区",
                                f"数据库中已有园区“{name}”。\n\n替换：用文件中的数据替换它(替换前自动备份数据库，"
                                "之后也可在“园区历史版本”中找回)。\n作为新园区：保留原有园区，另建一个同名园区。",
                                ["替换该园区", "作为新园区导入", "取消"])  # fmt: skip
            if choice is None:
                return None
            if choice == AS_NEW:
                target = None
            elif result is not None:  # the tables; the report, and what a blank template left empty, kept
                current = db.load_park(target)
                kept = result.kept_years(current)
                park = result.replacing(current)
        try:
            backup = db.backup_now("before-import")
            park_id = int(db.replace_park(park, target, operation=("import", source.name)))
        except StorageError as exc:
            QMessageBox.critical(window, "导入失败", f"{exc}\n\n数据库没有任何改动。")
            return None
        window.open_park(park_id)
        replaced = f"原有数据已被替换；替换前的数据库已备份（“{backup.name}”）。" if target is not None else ""
        if kept:
            from export.xlsx.reader import kept_years_note  # (loaded already: the workbook was read)

            replaced += kept_years_note(kept)
        QMessageBox.information(window, "导入完成", f"已导入园区“{name}”（{len(park.years)} 个年度）。{replaced}")
        return park_id

    def _read_park_file(self, source: Path) -> ParkData | None:
        try:
            return read_park_file(source)
        except ParkFileError as exc:
            QMessageBox.critical(self.window, "导入失败", file_error_text(source, exc))
            return None

    def _read_workbook(self, source: Path) -> WorkbookReadResult | None:
        from export.xlsx.reader import WorkbookError, read_workbook
        from ui.dialogs.import_report_dialog import ImportReportDialog

        try:
            result = read_workbook(source)
        except WorkbookError as exc:
            QMessageBox.critical(self.window, "导入失败", f"工作簿“{source.name}”：{exc}\n\n数据库没有任何改动。")
            return None
        dialog = ImportReportDialog(source.name, result, self.window)
        if not dialog.exec() or not result.ok:
            return None
        return result

    def export_park(self, path: str | Path | None = None) -> Path | None:
        """Write the park as a park file (JSON, atomic: a half-written file never replaces a good one)."""
        window = self.window
        if path is None:
            suggestion = f"{window.session.park.name or '园区'}.json"
            chosen, _filter = QFileDialog.getSaveFileName(window, "导出园区文件", suggestion, EXPORT_FILTER)
            if not chosen:
                return None
            path = chosen
        target = Path(path)
        if target.suffix.lower() != ".json":
            target = target.with_name(target.name + ".json")
        if not self._saved():
            return None
        try:
            write_park_file(window.db.load_park(window.session.park_id), target)
        except (OSError, StorageError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            QMessageBox.critical(window, "导出失败", f"无法写入文件“{target}”：{reason}")
            return None
        self._status(f"已导出园区文件：{target}")
        return target

    # -- backups and earlier versions ---------------------------------------------------------------
    def show_backups(self) -> None:
        from ui.dialogs.backup_dialog import BackupDialog

        BackupDialog(self.window.db, self.restore_backup, self.window).exec()

    def restore_backup(self, backup: Path) -> bool:
        """Replace the whole database by ``backup`` (the current state is backed up first) and reload."""
        window = self.window
        if not self._saved():
            return False
        db = window.db
        try:
            safety = db.restore(backup)
        except StorageError as exc:
            QMessageBox.critical(window, "恢复失败", f"没有恢复：{exc}\n\n数据库没有任何改动。")
            return False
        parks = db.list_parks()
        current = window.session.park_id
        target = current if any(p.id == current for p in parks) else db.last_updated_park()
        if target is None:  # e.g. the daily backup of the day the database was created
            db.restore(safety)
            QMessageBox.warning(
                window, "恢复备份", "所选备份中还没有任何园区（数据库刚建立时的备份），已撤销这次恢复。"
            )
            return False
        window.open_park(target)
        return True

    def show_versions(self) -> None:
        from ui.dialogs.park_versions_dialog import ParkVersionsDialog

        if not self._saved():
            return
        ParkVersionsDialog(self.window.db, self.window.session.park_id, self.restore_as_of, self.window).exec()

    def restore_as_of(self, moment: dt.datetime) -> bool:
        window = self.window
        if not self._saved():
            return False
        park_id = window.session.park_id
        try:
            window.db.backup_now("before-restore")
            window.db.restore_park_as_of(park_id, moment.isoformat())
        except StorageError as exc:
            QMessageBox.critical(window, "恢复失败", f"没有恢复：{exc}")
            return False
        window.open_park(park_id)
        return True
