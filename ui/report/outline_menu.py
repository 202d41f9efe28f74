"""The navigation tree's context menu on the report: rename, move, add and delete subsections, reset.
Loaded at the first right-click on the navigation (``MainWindow.outline_menu``).

Every change is a pure operation of forms.report.customisation on ``report.extra["outline_custom"]``, stored at
once by the session operation ``ParkSession.edit_outline`` (one undo step); the window then rebuilds its
navigation from the new effective outline and re-titles the open section pages (MainWindow.apply_changes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QMessageBox

from forms.report.customisation import (
    CUSTOM_KEY,
    OutlineCustomError,
    add_section,
    clean_title,
    is_added,
    move_section,
    remove_added_section,
    rename_section,
    reset,
    stored_value,
)
from forms.report.outline import Outline, outline_for
from storage.errors import StorageError

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

Change = Callable[[Any, Outline], dict[str, Any]]
DELETE_NOTE = "正文不会丢失：它保留在数据库的修改历史中，需要时可从修改历史中找回。"


class OutlineMenu(QObject):
    """Context menu of the report entries in ``window.nav``."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    # -- what the outline looks like now ----------------------------------------------------------
    @property
    def base(self) -> Outline:
        return outline_for(self.window.session.park.report.outline)

    @property
    def stored(self) -> Any:
        return self.window.session.park.report.extra.get(CUSTOM_KEY)

    def _siblings(self, key: str) -> list[str]:
        return [s.key for s in self.window.outline.chapter_of(key).sections]

    # -- the menu ---------------------------------------------------------------------------------
    def menu_for(self, page_key: tuple[Any, ...]) -> QMenu | None:
        """The context menu of a navigation entry (None for entries outside the report)."""
        kind = page_key[0] if page_key else None
        if kind not in ("section", "chapter", "report"):
            return None
        menu = QMenu(self.window.nav)
        if kind == "section":
            key = page_key[1]
            siblings = self._siblings(key)
            chapter = self.window.outline.chapter_of(key).key
            self._action(menu, "重命名…", lambda: self.ask_rename(key))
            self._action(menu, "上移", lambda: self.move(key, -1), enabled=siblings[0] != key)
            self._action(menu, "下移", lambda: self.move(key, 1), enabled=siblings[-1] != key)
            menu.addSeparator()
            self._action(menu, "添加小节…", lambda: self.ask_add(chapter, key))
            added = is_added(self.base, key)
            delete = self._action(menu, "删除…", lambda: self.ask_delete(key), enabled=added)
            if not added:
                delete.setToolTip("只能删除自行添加的小节；提纲规定的小节可以重命名或调整顺序")
            menu.setToolTipsVisible(True)
        elif kind == "chapter":
            chapter = page_key[1]
            self._action(menu, "添加小节…", lambda: self.ask_add(chapter, None))
        menu.addSeparator()
        self._action(menu, "恢复默认提纲…", self.ask_reset, enabled=bool(stored_value(self.stored or {})))
        return menu

    @staticmethod
    def _action(menu: QMenu, text: str, slot: Callable[[], object], *, enabled: bool = True) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        action.setEnabled(enabled)
        return action

    def show_at(self, pos: QPoint) -> None:
        """The menu of the navigation entry at ``pos`` (in nav coordinates), if it has one."""
        item = self.window.nav.itemAt(pos)
        if item is None:
            return
        menu = self.menu_for(item.data(0, Qt.ItemDataRole.UserRole))
        if menu is not None:
            menu.exec(self.window.nav.viewport().mapToGlobal(pos))
            menu.deleteLater()

    # -- the actions ------------------------------------------------------------------------------
    def ask_rename(self, key: str) -> bool:
        current = self.window.outline.section(key).title
        title, ok = QInputDialog.getText(self.window, "重命名小节", "小节标题：", QLineEdit.EchoMode.Normal, current)
        if not ok or clean_title(title) == current:
            return False
        return self.apply(lambda raw, base: rename_section(raw, base, key, title), key)

    def move(self, key: str, step: int) -> bool:
        return self.apply(lambda raw, base: move_section(raw, base, key, step), key)

    def ask_add(self, chapter: str, after: str | None) -> str | None:
        """Ask for a title and add a section after ``after`` (None: at the chapter's end); returns its key."""
        title, ok = QInputDialog.getText(self.window, "添加小节", "新小节的标题：")
        if not ok or not clean_title(title):
            return None
        taken = set(self.window.session.park.report.sections)
        new_key: list[str] = []

        def change(raw: Any, base: Outline) -> dict[str, Any]:
            value, key = add_section(raw, base, chapter, title, after, taken)
            new_key.append(key)
            return value

        if not self.apply(change, None, focus_new=new_key):
            return None
        return new_key[0]

    def ask_delete(self, key: str) -> bool:
        title = self.window.outline.section(key).title
        answer = QMessageBox.question(
            self.window,
            "删除小节",
            f"删除自行添加的小节“{title}”吗？\n\n删除后本节及其正文不再出现在报告中。{DELETE_NOTE}",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        siblings = self._siblings(key)
        i = siblings.index(key)
        neighbour = siblings[i - 1] if i > 0 else siblings[1] if len(siblings) > 1 else None
        return self.apply(lambda raw, base: remove_added_section(raw, base, key), neighbour, clear=[key])

    def ask_reset(self) -> bool:
        added = [s for s in self.window.outline.sections() if is_added(self.base, s.key)]
        text = "恢复默认提纲：撤销所有小节的重命名和顺序调整，恢复提纲规定的全部小节。"
        if added:
            names = "、".join(f"“{s.title}”" for s in added)
            text += f"\n\n自行添加的 {len(added)} 个小节（{names}）将被删除。{DELETE_NOTE}"
        answer = QMessageBox.question(self.window, "恢复默认提纲", text + "\n\n确定恢复吗？")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        current = self.window.current_page_key()
        focus = current[1] if current and current[0] == "section" and not is_added(self.base, current[1]) else None
        return self.apply(lambda raw, _base: reset(raw, _base), focus, clear=[s.key for s in added])

    # -- storing ----------------------------------------------------------------------------------
    def apply(self, change: Change, focus: str | None, *, clear: Sequence[str] = (),
              focus_new: list[str] | None = None) -> bool:  # fmt: skip
        """Store ``change`` of the customisation, clear the text of deleted sections, rebuild the navigation."""
        window = self.window
        session = window.session
        try:
            value = stored_value(change(self.stored, self.base))
        except OutlineCustomError as exc:
            QMessageBox.warning(window, "报告提纲", str(exc))
            return False
        window.commit_editing()
        try:  # one undo step; the window rebuilds its navigation from the Changes (ParkSession.changed)
            session.edit_outline(value, [key for key in clear if session.park.report.sections.get(key)])
        except StorageError as exc:
            QMessageBox.critical(window, "无法保存", f"报告提纲的修改未能保存：{exc}")
            return False
        if focus_new:
            focus = focus_new[0]
        if focus is None or ("section", focus) not in window.nav_items:
            focus = next(window.outline.sections()).key
        window.show_page(("section", focus))
        return True


__all__ = ["OutlineMenu"]
