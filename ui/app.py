"""Start of the window: application, bundled font, database, first-run choice, main window."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication, QMessageBox

APP_TITLE = "园区双碳填报"


def make_application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("parkcarbon")
    app.setApplicationDisplayName(APP_TITLE)
    from ui.fonts import register_cjk_font

    register_cjk_font(app)
    return app


def run_app(db: str | None, *, on_shown: Callable[[], None] | None = None) -> int:
    """Open the window on database ``db`` (None: the default database); returns the exit code."""
    app = make_application()
    from storage import Database
    from storage.errors import DatabaseLockedError, StorageError

    try:
        database = Database.open(db)
    except DatabaseLockedError as exc:
        QMessageBox.critical(None, APP_TITLE, f"数据库已被占用。\n\n{exc}")
        return 1
    except StorageError as exc:
        QMessageBox.critical(None, APP_TITLE, f"无法打开数据库。\n\n{exc}")
        return 1
    try:
        from ui.start_dialogs import choose_or_create_park

        park_id = choose_or_create_park(database)
        if park_id is None:
            return 0
        from ui.main_window import MainWindow

        window = MainWindow(database, park_id)
        window.show()
        if on_shown is not None:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, on_shown)
        return int(app.exec())
    finally:
        database.close()
