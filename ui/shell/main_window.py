"""The main window: navigation tree, page stack, findings panel, status bar with the save state."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QPoint, Qt, QTimer
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.report.check import FINAL_KEY, final_state
from forms.report.customisation import effective_outline
from forms.report.outline import Outline, subsection_label
from forms.table import factors
from forms.table.factor_import import FactorTableError, install_grid_table, installed_grid_table, read_grid_table
from forms.table.locks import lock_differences
from forms.table.registry import FORM_VERSIONS, form_for
from storage import StorageError
from storage.database import now_stamp
from ui.report import annual_nav
from ui.report.outline_menu import OutlineMenu
from ui.shell.changes import Changes
from ui.shell.findings_panel import FindingsPanel
from ui.shell.park_actions import ParkActions
from ui.shell.session import ParkSession
from ui.shell.settings import settings_for
from ui.shell.states import FillState, combined, park_state, section_state, state_icon, submission_state, year_state
from ui.shell.undo import EditTracker
from ui.table.park_page import ParkPage

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

PageKey = tuple[Any, ...]
PAGE_ROLE = Qt.ItemDataRole.UserRole
PARK_PAGE: PageKey = ("park",)
EXPORT_PAGE: PageKey = ("export",)
CYCLE_NODE: PageKey = ("cycle",)
TARGETS_PAGE: PageKey = ("targets",)
SYNERGY_PAGE: PageKey = ("synergy",)
ADD_YEAR: PageKey = ("add_year",)
YEARS_NODE: PageKey = ("years",)
REPORT_NODE: PageKey = ("report",)
LAST_YEAR = 2100
STARTUP_VALIDATION_MS = 50
FINDINGS_TITLE = "问题列表"
FINAL_CHECK_MS = 150  # the 定稿 check after an edit (a hash of the whole park), once per burst of typing
FINDINGS_HEIGHT = 120  # px: at 1366×768 the year table keeps most of the height


def redo_keys() -> list[QKeySequence]:
    """The platform's redo keys, with both Ctrl+Y and Ctrl+Shift+Z whatever the platform."""
    keys = list(QKeySequence.keyBindings(QKeySequence.StandardKey.Redo))
    for text in ("Ctrl+Y", "Ctrl+Shift+Z"):
        key = QKeySequence(text)
        if key not in keys:
            keys.append(key)
    return keys


class FinalBanner(QFrame):
    """A non-modal yellow bar above the pages: the park was 定稿 and an edit made it a draft again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("final_banner")
        self.setStyleSheet("#final_banner { background: #fff3cd; border-bottom: 1px solid #e0c060; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 3, 8, 3)
        self.label = QLabel("")
        self.label.setWordWrap(True)
        row.addWidget(self.label, 1)
        self.undo_button = QPushButton("撤销修改")
        row.addWidget(self.undo_button)
        close = QPushButton("知道了")
        close.clicked.connect(self.hide)
        row.addWidget(close)
        self.hide()

    def say(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class MainWindow(QMainWindow):
    def __init__(self, db: Any, park_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._use_installed_factor_table()
        self.undo_stack = QUndoStack(self)
        self.session = ParkSession(db, park_id, self, self.undo_stack)
        self.tracker = EditTracker(self.session)
        self.outline: Outline = effective_outline(self.session.park)
        self.pages: dict[PageKey, QWidget] = {}
        self._stale_pages: set[PageKey] = set()  # pages that missed a change while off screen
        self.nav_items: dict[PageKey, QTreeWidgetItem] = {}
        self.setWindowTitle(self._title())
        self.resize(1360, 860)

        self.nav = QTreeWidget()
        self.nav.setColumnCount(2)
        self.nav.setHeaderHidden(True)
        self.nav.setMinimumWidth(280)
        self.nav.header().setStretchLastSection(False)
        self.nav.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.nav.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.nav.currentItemChanged.connect(self._nav_changed)
        self.nav.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.nav.customContextMenuRequested.connect(self._nav_menu_requested)
        self._outline_menu: OutlineMenu | None = None  # made at the first right-click
        self._park_actions: ParkActions | None = None  # made at the first use
        self.stack = QStackedWidget()
        pages = QSplitter()  # side by side (the default orientation)
        pages.addWidget(self.nav)
        pages.addWidget(self.stack)
        pages.setStretchFactor(1, 1)
        pages.setSizes([290, 1070])

        self.findings = FindingsPanel(self.session)
        self.findings.navigate.connect(self.go_to_field)
        self.body = pages
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        self.final_banner = FinalBanner()
        self.final_banner.undo_button.clicked.connect(self.undo_stack.undo)
        central_layout.addWidget(self.final_banner)
        central_layout.addWidget(pages, 1)
        self.setCentralWidget(central)
        self._final_timer = QTimer(self, singleShot=True, interval=FINAL_CHECK_MS)
        self._final_timer.timeout.connect(self.check_final)
        self._was_final = False
        # the findings are a dock below the pages: the clerk hides it (its ✕ or 视图 → 问题列表) to give the
        # table the whole height; shown or hidden, and its height, are remembered beside the database
        self.findings_dock = QDockWidget(FINDINGS_TITLE, self)
        self.findings_dock.setObjectName("findings_dock")
        self.findings_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable
                                       | QDockWidget.DockWidgetFeature.DockWidgetMovable
                                       | QDockWidget.DockWidgetFeature.DockWidgetFloatable)  # fmt: skip
        self.findings_dock.setWidget(self.findings)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.findings_dock)
        self.findings.summary.hide()  # the dock's title carries it: one line less

        self.save_label = QLabel("已打开")
        self.path_label = QLabel(f"数据库：{db.path}")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addWidget(self.save_label, 1)
        self.statusBar().addPermanentWidget(self.path_label)
        self._connect_session()
        self._save_failure_shown = False

        self._build_menus()
        self.rebuild_nav()
        self.settings = settings_for(Path(db.path))
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        docks = self.settings.value("window/docks")
        if not (isinstance(docks, QByteArray) and self.restoreState(docks)):
            QTimer.singleShot(0, self._default_dock_height)
        self.findings_dock.setVisible(self.settings.value("window/findings_shown", "true") != "false")
        self._final_timer.start()  # whether the park opens 定稿 (then an edit warns at once)
        # the first findings are computed once the window is on screen (ui.shell.boot, step 8)
        self.factor_update_dialog: Any = None
        QTimer.singleShot(STARTUP_VALIDATION_MS, self.check_locked_factors)

    def _default_dock_height(self) -> None:
        self.resizeDocks([self.findings_dock], [FINDINGS_HEIGHT], Qt.Orientation.Vertical)

    def check_locked_factors(self, why: str = "程序自带的因子库已更新") -> list[Any]:
        """A locked year whose factors the current library would change: offer the change, never apply it."""
        if not any(y.locked_factors for y in self.session.park.years.values()):
            return []
        from ui.table.factor_update_dialog import FactorUpdateDialog

        diffs = lock_differences(self.session.park, now_stamp())
        if not diffs:
            return []
        dialog = FactorUpdateDialog(diffs, why, self)
        dialog.accepted.connect(lambda: self.apply_new_factors(dialog.chosen()))
        self.factor_update_dialog = dialog
        dialog.open()  # window-modal, not blocking
        return diffs

    def factor_table_folder(self) -> Path:
        """Where an imported factor table is kept: beside the database."""
        path = Path(self.db.path)
        return path.with_name(path.stem + "-factors")

    def _use_installed_factor_table(self) -> None:
        import sys

        folder = self.factor_table_folder()
        if not (folder / "grid_factors.csv").is_file():
            loaded = sys.modules.get("forms.table.factors")  # not imported at start-up just for this
            if loaded is not None:
                loaded.use_grid_table(None)
            return

        installed = installed_grid_table(folder, factors.library(factors.resources_dir() / "factors"))
        if installed is None:
            factors.use_grid_table(None)
        else:
            factors.use_grid_table(*installed)

    def import_factor_table(self, path: str | None = None) -> str:
        """文件 → 导入电网排放因子表: check every row; on any error nothing changes and the message names row
        and column; else the table is used from now on and the locked years are offered the difference."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "导入电网排放因子表", "", "CSV 文件 (*.csv)")
            if not path:
                return ""
        import datetime as _dt

        try:
            text, rows = read_grid_table(path)
            label = f"导入《{Path(path).name}》{_dt.date.today().isoformat()}"
            install_grid_table(text, self.factor_table_folder(), label)
        except (FactorTableError, OSError) as exc:
            message = str(exc) if isinstance(exc, FactorTableError) else f"无法保存因子表：{exc}"
            box = QMessageBox(QMessageBox.Icon.Warning, "因子表未导入", message, parent=self)
            self.factor_message = box
            box.open()
            return message
        factors.use_grid_table(text, label)
        self.session.reload()  # unlocked years follow the new table at once
        self._save_state(f"已导入电网排放因子表（{len(rows)} 行）：{label}")
        self.check_locked_factors(f"已{label}")
        return ""

    def apply_new_factors(self, chosen: list[Any]) -> None:
        """Each confirmed year is one undo step (and one history entry in the database)."""
        for d in chosen:
            self.session.set_lock(d.year, d.new_lock, text=f"{d.year} 年采用新因子库的因子")

    def _connect_session(self) -> None:
        self.session.save_state_changed.connect(self._save_state)
        self.session.findings_changed.connect(self.refresh_states)
        self.session.changed.connect(self.apply_changes)
        self.session.save_failed.connect(self._save_failed)

    def open_park(self, park_id: int) -> bool:
        """Show park ``park_id`` (or the same park read again after an import or a restore): pending edits
        are saved first, then the session, the undo history and the pages are built anew.
        Returns False (and changes nothing) when the pending edits cannot be saved."""
        self.commit_editing()
        self.session.flush()
        if self.session.dirty:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self, "无法切换", "有修改未能保存到数据库，请先处理保存问题再切换园区。")
            return False

        try:
            new_session = ParkSession(self.db, park_id, self, self.undo_stack)
        except StorageError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self, "无法打开园区", str(exc))
            return False
        # leaves the explanation box of the old park (Qt takes a null item; the stubs do not say so)
        self.findings.tree.setCurrentItem(None)  # type: ignore[call-overload]
        old_session = self.session
        self.undo_stack.clear()
        for page in self.pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._stale_pages.clear()
        self.session = new_session
        self.tracker = EditTracker(self.session)
        self.outline = effective_outline(self.session.park)
        old_session.close()  # its timers must not reach the pages being deleted
        old_session.deleteLater()
        self.findings.session = self.session  # the panel first, as when the window is built: the dock's
        self.session.findings_changed.connect(self.findings.refresh)  # title copies the panel's counts
        self.session.changed.connect(self.findings.apply_changes)
        self._connect_session()
        self.findings.refresh()
        self.setWindowTitle(self._title())
        self._was_final = False
        self.final_banner.hide()
        self._final_timer.start()
        self.rebuild_nav()  # on the page shown before, when the park has it
        self.session.revalidate()
        self._save_state(f"已打开园区“{self.session.park.name or '(未命名园区)'}”")
        self.check_locked_factors()
        return True

    def _save_state(self, text: str) -> None:
        self.save_label.setText(text)
        if text.startswith("已保存"):
            if self.save_label.styleSheet():  # (setting a style sheet, even an empty one, re-polishes the label)
                self.save_label.setStyleSheet("")
            self._save_failure_shown = False

    def _title(self) -> str:
        return f"园区双碳填报 — {self.session.park.name or '(未命名园区)'}"

    # -- menus ------------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        save = file_menu.addAction("立即保存(&S)")
        save.setShortcuts(QKeySequence.StandardKey.Save)
        save.triggered.connect(self.save_now)
        file_menu.addAction("添加年份(&Y)…").triggered.connect(self.ask_add_year)
        file_menu.addAction("本年度改按新版表格填写(&U)…").triggered.connect(self.ask_upgrade_year)
        file_menu.addAction("删除本年度(&D)…").triggered.connect(self.ask_remove_year)
        file_menu.addSeparator()
        self._park_action(file_menu, "切换园区(&P)…", ParkActions.switch_park)
        self._park_action(file_menu, "新建园区(&N)…", ParkActions.new_park)
        self._park_action(file_menu, "重命名园区(&R)…", ParkActions.rename_park)
        self._park_action(file_menu, "删除当前园区…", ParkActions.delete_park)
        file_menu.addSeparator()
        self._park_action(file_menu, "导入园区文件或工作簿(&I)…", ParkActions.import_park)
        self._park_action(file_menu, "导出园区文件(&E)…", ParkActions.export_park)
        file_menu.addAction("导入电网排放因子表（CSV）(&F)…").triggered.connect(lambda: self.import_factor_table())
        file_menu.addSeparator()
        self._park_action(file_menu, "备份与恢复(&B)…", ParkActions.show_backups)
        file_menu.addSeparator()
        quit_action = file_menu.addAction("退出(&Q)")
        quit_action.setShortcuts(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        edit_menu = self.menuBar().addMenu("编辑(&E)")
        undo = self.undo_stack.createUndoAction(self, "撤销")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "重做")
        redo.setShortcuts(redo_keys())  # Ctrl+Y as Windows users expect, beside Ctrl+Shift+Z
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        edit_menu.addSeparator()
        self._park_action(edit_menu, "园区历史版本(&H)…", ParkActions.show_versions)
        view_menu = self.menuBar().addMenu("视图(&V)")
        self.findings_action = self.findings_dock.toggleViewAction()
        self.findings_action.setText("问题列表(&L)")
        self.findings_action.setShortcut(QKeySequence("F9"))
        view_menu.addAction(self.findings_action)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        manual = help_menu.addAction("使用说明(&M)…")
        manual.setShortcuts(QKeySequence.StandardKey.HelpContents)
        manual.triggered.connect(self.show_help)
        help_menu.addAction("关于(&A)…").triggered.connect(self.show_about)

    def show_help(self) -> None:
        """帮助 → 使用说明: the manual inside the program, non-modal (the clerk reads it while filling in)."""
        from ui.dialogs.help_dialog import HelpDialog

        if getattr(self, "help_dialog", None) is None:
            self.help_dialog = HelpDialog(self)
        self.help_dialog.show()
        self.help_dialog.raise_()

    def show_about(self) -> None:
        from ui.dialogs.about_dialog import AboutDialog

        AboutDialog(Path(self.db.path), self).exec()

    def _park_action(self, menu: QMenu, text: str, command: Callable[[ParkActions], object]) -> None:
        """A menu entry calling ``command`` (a ParkActions method) on :attr:`park_actions`, made at the first use.
        Entries are made with ``menu.addAction(text)``: ``QAction(text, parent)`` would build QIcon's enums."""
        menu.addAction(text).triggered.connect(lambda _checked=False: command(self.park_actions))

    @property
    def park_actions(self) -> ParkActions:
        """Switching, creating, importing, exporting and restoring parks."""
        if self._park_actions is None:
            self._park_actions = ParkActions(self)
        return self._park_actions

    @property
    def outline_menu(self) -> OutlineMenu:
        """The report entries' context menu: rename, move, add, delete sections."""
        if self._outline_menu is None:
            self._outline_menu = OutlineMenu(self)
        return self._outline_menu

    def _nav_menu_requested(self, pos: QPoint) -> None:
        item = self.nav.itemAt(pos)
        key = item.data(0, PAGE_ROLE) if item is not None else None
        if key and annual_nav.show_menu(self, key, pos):
            return
        self.outline_menu.show_at(pos)

    # -- navigation -------------------------------------------------------------------------------
    def _sync_section_pages(self) -> None:
        """Pages of sections no longer in the outline are dropped; the others show their current heading."""
        keys = {s.key for s in self.outline.sections()}
        for page_key in [k for k in self.pages if k[0] == "section"]:
            page = self.pages[page_key]
            if page_key[1] in keys:
                retitle = getattr(page, "retitle", None)
                if retitle is not None:
                    retitle(self.outline)
            else:
                del self.pages[page_key]
                self.stack.removeWidget(page)
                page.deleteLater()

    def nav_item(self, parent: QTreeWidget | QTreeWidgetItem, text: str, key: PageKey) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text, ""])
        item.setData(0, PAGE_ROLE, key)
        if isinstance(parent, QTreeWidget):
            parent.addTopLevelItem(item)
        else:
            parent.addChild(item)
        self.nav_items[key] = item
        return item

    def rebuild_nav(self) -> None:
        current = self.current_page_key()
        if current in (ADD_YEAR, YEARS_NODE, annual_nav.ADD, annual_nav.ROOT):  # an entry that asks, no page
            current = self.shown_page_key()
        self.outline = effective_outline(self.session.park)  # with the park's renamed / added / moved sections
        self._sync_section_pages()
        self.nav.blockSignals(True)
        self.nav.clear()
        self.nav_items.clear()
        self.nav_item(self.nav, "园区信息", PARK_PAGE)
        years = self.nav_item(self.nav, "年度数据表", YEARS_NODE)
        for y in self.session.years:
            self.nav_item(years, f"{y} 年", ("year", y))
        add = self.nav_item(years, "＋ 添加年份…", ADD_YEAR)
        add.setData(0, Qt.ItemDataRole.ForegroundRole, FillState.IN_PROGRESS.colour)  # a link's blue
        report = self.nav_item(self.nav, "专项报告", REPORT_NODE)
        for chapter in self.outline.chapters:
            ch = self.nav_item(report, chapter.heading, ("chapter", chapter.key))
            for i, section in enumerate(chapter.sections):
                self.nav_item(ch, f"{subsection_label(i)}{section.title}", ("section", section.key))
        annual_nav.add_items(self)
        cycle = self.nav_item(self.nav, "目标与减污降碳", CYCLE_NODE)
        self.nav_item(cycle, "碳达峰碳中和目标", TARGETS_PAGE)
        self.nav_item(cycle, "减污降碳协同", SYNERGY_PAGE)
        self.nav_item(self.nav, "导出与报送", EXPORT_PAGE)
        self.nav.expandItem(cycle)
        self.nav.expandItem(years)
        self.nav.expandItem(report)
        self.nav.blockSignals(False)
        self.refresh_states()
        target = current if current in self.nav_items else PARK_PAGE
        self.show_page(target)  # also selects its nav item (with signals blocked: the page is shown once)

    def ask_upgrade_year(self) -> None:
        """Move the shown year to the newest form version (more sections; nothing typed is lost)."""
        from PySide6.QtWidgets import QMessageBox

        key = self.current_page_key()
        if not key or key[0] != "year":
            QMessageBox.information(self, "改按新版表格填写", "请先在左侧选择要改按新版表格填写的年度。")
            return
        year = int(key[1])
        newest = FORM_VERSIONS[-1]
        current = self.session.park.years[year].form
        if current == newest:
            QMessageBox.information(self, "改按新版表格填写", f"{year} 年已按最新版表格填写。")
            return
        edition = form_for(newest).edition or "新版"
        answer = QMessageBox.question(self, "改按新版表格填写",
                                      f"将 {year} 年改按{edition}表格填写？已填写的内容全部保留，可以撤销。")  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.upgrade_year(year, newest)

    def ask_remove_year(self) -> bool:
        """删除本年度: a year added by mistake.  A year with data asks first (saying how much is in it); either
        way 编辑 → 撤销 brings it back with everything in it."""
        from PySide6.QtWidgets import QMessageBox

        key = self.current_page_key()
        if not key or key[0] != "year":
            QMessageBox.information(self, "删除年度", "请先在左侧选择要删除的年度。")
            return False
        year = int(key[1])
        filled = self.session.year_filled_count(year)
        if filled:
            answer = QMessageBox.question(self, "删除年度",
                                          f"{year} 年的数据表中已填写 {filled} 项内容。确定删除 {year} 年吗？\n\n"
                                          "删除后可用“编辑 → 撤销”（Ctrl+Z）恢复，所填内容全部保留在修改历史中。")  # fmt: skip
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.commit_editing()
        self.session.remove_year(year)
        self.statusBar().showMessage(f"已删除 {year} 年（可用 Ctrl+Z 撤销）", 10000)
        return True

    def upgrade_year(self, year: int, version: str) -> None:
        page = self.pages.pop(("year", year), None)
        if page is not None:
            self.stack.removeWidget(page)
            page.deleteLater()
        self.session.move_year_form(year, version)
        self.show_page(("year", year))

    def current_page_key(self) -> PageKey | None:
        item = self.nav.currentItem()
        return item.data(0, PAGE_ROLE) if item else None

    def shown_page_key(self) -> PageKey | None:
        """The key of the page on screen."""
        shown = self.stack.currentWidget()
        return next((key for key, page in self.pages.items() if page is shown), None)

    def set_nav_state(self, key: PageKey, state: FillState) -> None:
        item = self.nav_items.get(key)
        if item is None or item.text(1) == state.value:  # unchanged: nothing to repaint
            return
        item.setData(0, Qt.ItemDataRole.DecorationRole, state_icon(state))
        item.setText(1, state.value)
        item.setData(1, Qt.ItemDataRole.ForegroundRole, state.colour)
        item.setToolTip(0, f"状态：{state.value}")

    def refresh_states(self) -> None:
        self.findings_dock.setWindowTitle(f"{FINDINGS_TITLE}　{self.findings.summary.text()}")
        park = self.session.park
        findings = self.session.findings
        self.set_nav_state(PARK_PAGE, park_state(park, findings))
        year_states = [year_state(park, y, findings) for y in self.session.years]
        for y, s in zip(self.session.years, year_states, strict=True):
            self.set_nav_state(("year", y), s)
        self.set_nav_state(YEARS_NODE, combined(year_states))
        chapter_states = []
        # one result for every section (the session's, computed once per change), and only when some text
        # is there to check
        written = park.report.projects or any(t.strip() for t in park.report.sections.values())
        result = self.session.park_result() if written else None
        for chapter in self.outline.chapters:
            states = [section_state(park, s, result) for s in chapter.sections]
            for section, state in zip(chapter.sections, states, strict=True):
                self.set_nav_state(("section", section.key), state)
            chapter_states.append(combined(states))
            self.set_nav_state(("chapter", chapter.key), chapter_states[-1])
        self.set_nav_state(REPORT_NODE, combined(chapter_states))
        annual_nav.refresh_states(self)
        try:
            events = list(self.db.submission_events(self.session.park_id))
        except AttributeError:
            events = []
        self.set_nav_state(EXPORT_PAGE, submission_state(events))

    def apply_changes(self, changes: Changes) -> None:
        """Refresh what an operation (or its undo / redo) changed: the navigation when years or the outline
        changed, the states of the report and export entries, the title."""
        for year in changes.results if changes.years else ():
            page = self.pages.get(("year", year))
            gone = year not in self.session.park.years
            if page is not None and (gone or getattr(page, "form", None) is not self.session.form_of(year)):
                del self.pages[("year", year)]  # filled against another version now: built anew
                self.stack.removeWidget(page)
                page.deleteLater()
        for key in (TARGETS_PAGE, SYNERGY_PAGE):
            page = self.pages.get(key)
            if page is not None and (changes.targets or changes.data or changes.projects):
                if page.isVisible() or not self.isVisible():
                    page.refresh()  # type: ignore[attr-defined]
                else:  # not on screen (a key typed in a year's table): refreshed when shown
                    self._stale_pages.add(key)
        if changes.annual:
            annual_nav.drop_pages(self)
        if (
            changes.years
            or changes.outline
            or annual_nav.shown_years(self) != annual_nav.chapter_years(self.session.park)
        ):
            self.rebuild_nav()
        elif changes.report or changes.submissions:
            self.refresh_states()
        if (None, self.session.form.name_key) in changes.values:
            self.setWindowTitle(self._title())
        if self._was_final or changes.final or self.final_banner.isVisible():
            self._final_timer.start()  # an edit of a 定稿 park: say at once that it is no longer final

    def check_final(self) -> str:
        """After an edit: if the park was 定稿 and no longer is, the banner and the status bar say so (no
        modal box); when an undo makes it final again, the banner goes.  Returns the final state."""

        self._final_timer.stop()
        park = self.session.park
        state = final_state(park) if isinstance(park.report.extra.get(FINAL_KEY), dict) else "draft"
        if state == "changed" and (self._was_final or self.final_banner.isVisible()):
            at = str(park.report.extra[FINAL_KEY].get("at", ""))[:16].replace("T", " ")
            text = f"本园区已于 {at} 定稿；刚才的修改使定稿失效，报送前须重新定稿（或撤销这次修改）。"
            self.final_banner.say(text)
            self.statusBar().showMessage("注意：" + text, 15000)
        elif state != "changed":
            self.final_banner.hide()
        self._was_final = state == "final"
        return state

    def _nav_changed(self, item: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        key: PageKey = item.data(0, PAGE_ROLE)
        if key == ADD_YEAR or (key == YEARS_NODE and not self.session.years):
            QTimer.singleShot(0, self.ask_add_year)
            return
        if key == annual_nav.ADD:
            QTimer.singleShot(0, lambda: annual_nav.ask_add(self))
            return
        if key == annual_nav.ROOT or key[0] == annual_nav.CHAPTER:
            shown = annual_nav.resolve_key(self, key)
            if shown is None:
                QTimer.singleShot(0, lambda: annual_nav.ask_add(self))
                return
            key = shown
        if key == YEARS_NODE and self.session.years:
            key = ("year", self.session.years[-1])
        elif key == REPORT_NODE:
            key = ("section", next(self.outline.sections()).key)
        elif key == CYCLE_NODE:
            key = TARGETS_PAGE
        elif key[0] == "chapter":
            chapter = next(c for c in self.outline.chapters if c.key == key[1])
            key = ("section", chapter.sections[0].key)
        self.show_page(key)

    def page(self, key: PageKey) -> QWidget:
        """The page for ``key``, built the first time it is shown."""
        if key not in self.pages:
            self.pages[key] = self._build_page(key)
            self.stack.addWidget(self.pages[key])
        return self.pages[key]

    def _build_page(self, key: PageKey) -> QWidget:
        if key == PARK_PAGE:
            return ParkPage(self.session, self.tracker)
        if key == EXPORT_PAGE:
            from ui.submit.export_page import ExportPage

            return ExportPage(self.session)
        if key == TARGETS_PAGE:
            from ui.table.targets_page import TargetsPage

            return TargetsPage(self.session)
        if key == SYNERGY_PAGE:
            from ui.table.synergy_page import SynergyPage

            return SynergyPage(self.session)
        if key[0] == "year":
            from ui.table.year_page import YearPage

            return YearPage(self.session, self.tracker, key[1])
        if key[0] == annual_nav.SECTION:
            return annual_nav.build_page(self, key)
        if key[0] == "section":
            from ui.report.report_page import ReportSectionPage

            return ReportSectionPage(self.session, self.outline, self.outline.section(key[1]))
        raise KeyError(key)

    def show_page(self, key: PageKey) -> QWidget:
        self.commit_editing()
        self.session.flush()
        page = self.page(key)
        if key in self._stale_pages:
            self._stale_pages.discard(key)
            page.refresh()  # type: ignore[attr-defined]
        self.stack.setCurrentWidget(page)
        item = self.nav_items.get(key)
        if item is not None and self.nav.currentItem() is not item:
            self.nav.blockSignals(True)
            self.nav.setCurrentItem(item)
            self.nav.blockSignals(False)
        return page

    def go_to_field(self, year: int | None, key: str) -> None:
        page = self.show_page(PARK_PAGE if year is None else ("year", year))
        focus = getattr(page, "focus_field", None)
        if focus is not None:
            focus(key)

    def ask_add_year(self) -> None:
        from PySide6.QtWidgets import QInputDialog, QMessageBox

        years = self.session.years
        suggestion = (max(years) + 1) if years else 2016
        year, ok = QInputDialog.getInt(self, "添加年份", "年份：", suggestion, 2016, LAST_YEAR)
        if not ok:
            self.rebuild_nav()
            return
        if year in years:
            QMessageBox.information(self, "添加年份", f"{year} 年的数据表已经存在。")
        else:
            self.session.add_year(year)
        self.show_page(("year", year))

    # -- saving -----------------------------------------------------------------------------------
    def commit_editing(self) -> None:
        """Finish the edit under way (a cell editor, a focused field) so that it is saved now."""
        widget = QApplication.focusWidget()
        if widget is not None and self.isAncestorOf(widget):
            widget.clearFocus()
        self.findings.save_explanation()

    def _save_failed(self, message: str) -> None:
        self.save_label.setStyleSheet("color: #c62828; font-weight: bold;")
        if self._save_failure_shown:
            return
        self._save_failure_shown = True  # one box; the status bar keeps saying it until a save succeeds
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(self, "无法保存", f"{message}\n\n已填写的内容仍在窗口中，程序会继续尝试保存。")

    def save_now(self) -> None:
        self.commit_editing()
        if self.session.flush() or not self.session.dirty:
            self._save_state(f"已保存 {self._now()}")

    @staticmethod
    def _now() -> str:
        import datetime as _dt

        return _dt.datetime.now().strftime("%H:%M:%S")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.commit_editing()
        self.session.flush()
        if self.session.dirty:  # the database refused the last edits: keep the window (and the text) open
            from PySide6.QtWidgets import QMessageBox

            answer = QMessageBox.question(self, "无法保存", "有修改未能保存到数据库。仍要关闭窗口并放弃这些修改吗？")
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/docks", self.saveState())
        self.settings.setValue("window/findings_shown", "true" if self.findings_dock.isVisibleTo(self) else "false")
        self.settings.sync()
        self.session.close()
        super().closeEvent(event)
