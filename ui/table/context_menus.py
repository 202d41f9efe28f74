"""Right-click menus of field editors: the editor's usual edit menu with extra actions below it.

The menus are built anew at each right-click (ui.dialogs.history_dialog adds 查看修改历史… to them).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QMenu, QPlainTextEdit, QTextEdit, QWidget

EXTRA_ATTRIBUTE = "history_menu_extra"


def _text_widget(widget: QWidget) -> QLineEdit | QPlainTextEdit | QTextEdit | None:
    if isinstance(widget, QComboBox):
        return widget.lineEdit()
    return widget if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit) else None


def history_menu(widget: QWidget, extra: Callable[[QMenu], object]) -> QMenu:
    """The widget's usual edit menu (撤销/复制/粘贴 …) with ``extra`` actions below it."""
    target = _text_widget(widget)
    menu = target.createStandardContextMenu() if target is not None else QMenu(widget)
    menu.setParent(widget, menu.windowFlags())
    menu.addSeparator()
    extra(menu)
    return menu


def context_menu_of(widget: QWidget) -> QMenu:
    """The right-click menu of a widget set up by :func:`install_context_menu` (built anew each time)."""
    return history_menu(widget, getattr(widget, EXTRA_ATTRIBUTE))


def install_context_menu(widget: QWidget, extra: Callable[[QMenu], object]) -> None:
    target = _text_widget(widget) or widget
    target.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    setattr(widget, EXTRA_ATTRIBUTE, extra)

    def show(point: QPoint) -> None:
        menu = context_menu_of(widget)
        anchor = target.viewport() if isinstance(target, QPlainTextEdit | QTextEdit) else target
        menu.exec(anchor.mapToGlobal(point))
        menu.deleteLater()

    target.customContextMenuRequested.connect(show)
