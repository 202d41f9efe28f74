"""Start of the window: application, bundled font, database, first-run choice, main window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import storage

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

APP_TITLE = "园区双碳填报"
# Set to 1 to have the program print "SHOWN" and quit as soon as its window is up: a smoke test that the
# program starts on a machine, and what benchmarks/bench_startup.py times (``python main.py`` as a clerk runs it).
SMOKE_TEST_ENV = "PARKCARBON_SMOKE_TEST"


def make_application() -> QApplication:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("parkcarbon")
    app.setApplicationDisplayName(APP_TITLE)
    from ui.shell.fonts import register_cjk_font

    register_cjk_font(app)
    from ui.shell.translations import install_qt_chinese

    install_qt_chinese(app)
    return app


def _close_on_signals(window: Any) -> None:
    """Ctrl+C in the terminal or a polite kill closes the window normally, so pending edits are saved."""
    import signal

    from PySide6.QtCore import QTimer

    def close(_signum: int, _frame: object) -> None:
        window.close()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, close)
    timer = QTimer(window, interval=300)  # lets the interpreter run its signal handlers during the Qt loop
    timer.timeout.connect(lambda: None)
    timer.start()


def smoke_test() -> bool:
    return os.environ.get(SMOKE_TEST_ENV) == "1"


def _fail(message: str) -> int:
    if smoke_test():  # headless: a modal box would wait forever; say it and stop
        print(message, file=sys.stderr, flush=True)
        return 1
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.critical(None, APP_TITLE, message)
    return 1


def _offer_restore(db: str | None, exc: storage.DatabaseDamagedError) -> Any:
    """The damaged database: say so and offer its newest good backup; the opened database after a restore
    the clerk agreed to, else None (the damaged file stays as it is)."""
    if exc.backup is None or smoke_test():
        _fail(f"无法打开数据库。\n\n{exc}")
        return None
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        None, APP_TITLE, f"数据库已损坏。\n\n{exc}\n\n现在用备份“{exc.backup.name}”恢复吗？",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
    )  # fmt: skip
    if answer != QMessageBox.StandardButton.Yes:
        return None
    try:
        aside = storage.Database.restore_backup(exc.backup, db)
        database = storage.Database.open(db)
    except storage.StorageError as again:
        _fail(f"恢复没有成功。\n\n{again}")
        return None
    QMessageBox.information(None, APP_TITLE, f"已用备份恢复数据库。原来的文件保留在：{aside}")
    return database


def _report_shown_and_quit() -> None:
    from PySide6.QtWidgets import QApplication

    print("SHOWN", flush=True)
    QApplication.instance().quit()


def last_park(database: Any) -> int | None:
    """The park updated most recently, or None when the database holds none."""
    return database.last_updated_park()  # type: ignore[no-any-return]


def run_app(db: str | None, *, on_shown: Callable[[], None] | None = None) -> int:
    """Open the window on database ``db`` (None: the default database); returns the exit code."""
    app = make_application()
    try:
        database = storage.Database.open(db)
    except storage.DatabaseLockedError as exc:
        return _fail(f"数据库已被占用。\n\n{exc}")
    except storage.DatabaseDamagedError as exc:
        database = _offer_restore(db, exc)
        if database is None:
            return 1
    except storage.StorageError as exc:
        return _fail(f"无法打开数据库。\n\n{exc}")
    try:
        try:
            park_id = last_park(database)
        except storage.StorageError as exc:
            return _fail(f"无法读取数据库。\n\n{exc}")
        if park_id is None and smoke_test():
            return _fail("数据库中还没有园区(冒烟测试模式不显示首次运行的对话框)。")
        if park_id is None:  # an empty database: offer the demo park or a new park
            from ui.dialogs.start_dialogs import choose_or_create_park

            park_id = choose_or_create_park(database)
        if park_id is None:
            return 0
        from ui.shell.main_window import MainWindow

        window = MainWindow(database, park_id)
        window.show()
        _close_on_signals(window)
        if on_shown is None and smoke_test():
            on_shown = _report_shown_and_quit
        if on_shown is not None:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, on_shown)
        code = int(app.exec())
        window.close()  # when the loop was quit rather than the window closed: save, stop its timers
        window.deleteLater()
        return code
    finally:
        database.close()
