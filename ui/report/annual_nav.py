"""The annual report in the navigation: 年度报告 → 年度报告 · N → its six sections, with their states.

The main window calls these: :func:`add_items` when it builds the tree, :func:`refresh_states`,
:func:`resolve_key` (a chapter entry shows its first section), :func:`build_page`, :func:`ask_add` (the
clerk picks the year N) and :func:`show_menu` (add / remove a chapter; removal is one undo step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox, QTreeWidgetItem, QWidget

from forms.report.annual import OUTLINE, chapter_years
from forms.report.outline import subsection_label
from ui.report.sources import AnnualChapter, annual_state
from ui.shell.states import FillState, combined

if TYPE_CHECKING:
    from ui.shell.main_window import MainWindow

PageKey = tuple[Any, ...]
ROOT: PageKey = ("annual_root",)
ADD: PageKey = ("add_annual",)
CHAPTER = "annual"  # ("annual", N)
SECTION = "annual_section"  # ("annual_section", N, "a1")
FIRST_YEAR, LAST_YEAR = 2016, 2100


def chapter_label(year: int) -> str:
    return f"年度报告 · {year}"


def add_items(window: MainWindow) -> QTreeWidgetItem:
    """The 年度报告 branch: one entry per chapter year, each with its sections, and ＋ 添加年度报告…."""
    root = window.nav_item(window.nav, "年度报告", ROOT)
    for year in chapter_years(window.session.park):
        chapter = window.nav_item(root, chapter_label(year), (CHAPTER, year))
        for i, section in enumerate(OUTLINE.sections()):
            window.nav_item(chapter, f"{subsection_label(i)}{section.title}", (SECTION, year, section.key))
    add = window.nav_item(root, "＋ 添加年度报告…", ADD)
    add.setData(0, Qt.ItemDataRole.ForegroundRole, FillState.IN_PROGRESS.colour)
    window.nav.expandItem(root)
    return root


def shown_years(window: MainWindow) -> list[int]:
    return sorted(k[1] for k in window.nav_items if k[0] == CHAPTER)


def refresh_states(window: MainWindow) -> None:
    park = window.session.park
    years = chapter_years(park)
    if not years:
        window.set_nav_state(ROOT, FillState.EMPTY)
        return
    result = window.session.park_result()  # the one result of this change (no second computation)
    chapters = []
    for year in years:
        states = [annual_state(park, year, s, result) for s in OUTLINE.sections()]
        for s, st in zip(OUTLINE.sections(), states, strict=True):
            window.set_nav_state((SECTION, year, s.key), st)
        chapters.append(combined(states))
        window.set_nav_state((CHAPTER, year), chapters[-1])
    window.set_nav_state(ROOT, combined(chapters))


def resolve_key(window: MainWindow, key: PageKey) -> PageKey | None:
    """The page a navigation entry shows (None: nothing to show, a question was asked instead)."""
    if key == ROOT:
        years = chapter_years(window.session.park)
        if not years:
            return None
        key = (CHAPTER, years[-1])
    if key[0] == CHAPTER:
        return (SECTION, key[1], next(OUTLINE.sections()).key)
    return key


def build_page(window: MainWindow, key: PageKey) -> QWidget:
    from ui.report.report_page import ReportSectionPage

    _kind, year, section = key
    return ReportSectionPage(window.session, OUTLINE, OUTLINE.section(section),
                             source=AnnualChapter(window.session, int(year)))  # fmt: skip


def drop_pages(window: MainWindow) -> None:
    """Pages of chapters the park no longer holds are dropped (after a removal or its undo)."""
    years = set(chapter_years(window.session.park))
    for key in [k for k in window.pages if k[0] == SECTION and k[1] not in years]:
        page = window.pages.pop(key)
        window.stack.removeWidget(page)
        page.deleteLater()


def suggested_year(window: MainWindow) -> int:
    held = chapter_years(window.session.park)
    filed = window.session.years
    if held:
        return held[-1] + 1
    return filed[-1] if filed else FIRST_YEAR


def ask_add(window: MainWindow) -> None:
    """The clerk picks the report year N; the chapter is added (one undo step) and its first section shown."""
    year, ok = QInputDialog.getInt(window, "添加年度报告", "报告年度（N）：", suggested_year(window), FIRST_YEAR,
                                   LAST_YEAR)  # fmt: skip
    if not ok:
        window.rebuild_nav()
        return
    add_chapter(window, year)


def add_chapter(window: MainWindow, year: int) -> None:
    if year in chapter_years(window.session.park):
        QMessageBox.information(window, "添加年度报告", f"{year} 年度报告已经存在。")
    else:
        window.session.add_annual_chapter(year)
        if year not in window.session.years:
            QMessageBox.information(window, "添加年度报告",
                                    f"已添加 {year} 年度报告。尚未填报 {year} 年的年度数据，数据块将在填报后显示。")  # fmt: skip
    window.show_page((SECTION, year, next(OUTLINE.sections()).key))


def remove_chapter(window: MainWindow, year: int, *, ask: bool = True) -> None:
    if ask:
        answer = QMessageBox.question(window, "删除年度报告",
                                      f"删除 {year} 年度报告（各节正文和定稿标记）？可以用“撤销”恢复。")  # fmt: skip
        if answer != QMessageBox.StandardButton.Yes:
            return
    window.session.remove_annual_chapter(year)


def show_menu(window: MainWindow, key: PageKey, pos: QPoint) -> bool:
    """The context menu of an annual entry; False when ``key`` is not one."""
    if key not in (ROOT, ADD) and key[0] not in (CHAPTER, SECTION):
        return False
    menu = QMenu(window)
    menu.addAction("添加年度报告…").triggered.connect(lambda _c=False: ask_add(window))
    if key[0] in (CHAPTER, SECTION):
        year = int(key[1])
        menu.addAction(f"删除 {year} 年度报告…").triggered.connect(lambda _c=False: remove_chapter(window, year))
    menu.exec(window.nav.viewport().mapToGlobal(pos))
    menu.deleteLater()
    return True


__all__ = ["ADD", "CHAPTER", "ROOT", "SECTION", "add_items", "ask_add", "build_page", "refresh_states", "show_menu"]
