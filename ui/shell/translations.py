"""Qt's own texts (standard buttons, file dialogs) in Chinese, from the translations shipped with Qt."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication

_installed: list[QTranslator] = []


def install_qt_chinese(app: QApplication) -> bool:
    """Load ``qtbase_zh_CN`` so that 确定/取消/是/否 and the file dialogs are Chinese; False if it is missing."""
    if _installed:
        return True
    translator = QTranslator(app)
    if not translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
