"""Start-up of the window, in one place.  :func:`run_window` does, in this order:

1. the application (``QApplication``, its name and title);
2. the bundled Chinese font (ui.shell.fonts);
3. Qt's own Chinese translations (ui.shell.translations);
4. the database, opened: a locked or unreadable one gets a Chinese message (exit code 1); a damaged one is
   reported with its newest good backup offered for restoring;
5. on an empty database, the first-run choice (demo park or a new park);
6. the main window with the most recently updated park;
7. show;
8. at the first turn of the event loop, the window is up (``SHOWN``); then the park is computed and checked
   and the findings panel and the navigation states are filled (``READY``): validation comes after show so the
   window appears without waiting for it.  (The window then offers, in a window-modal dialog that blocks
   nothing, a factor library update for years whose factors were locked: MainWindow.check_locked_factors.)

``PARKCARBON_SMOKE_TEST=1 python main.py --db PATH`` prints ``SHOWN`` at step 8's first half and ``READY`` at
its second, then closes the window and exits with code 0: a smoke test that the program starts on a machine,
and what benchmarks/bench_startup.py times.  In smoke-test mode nothing waits in a modal box (there is nobody
to answer it): a message goes to stderr instead and the program exits with code 1.  Dialogs and pages not on
screen at start-up are built on first use.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

import storage
from forms.table.factors import MissingFactorError
from ui.shell.fonts import register_cjk_font
from ui.shell.main_window import MainWindow
from ui.shell.translations import install_qt_chinese

APP_TITLE = "园区双碳填报"
SMOKE_TEST_ENV = "PARKCARBON_SMOKE_TEST"

WindowCallback = Callable[[MainWindow], None]


def smoke_test() -> bool:
    return os.environ.get(SMOKE_TEST_ENV) == "1"


def make_application() -> QApplication:
    """Steps 1–3: the application with its name, the bundled font and Qt's Chinese translations."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("parkcarbon")
    app.setApplicationDisplayName(APP_TITLE)
    register_cjk_font(app)
    install_qt_chinese(app)
    return app


def _close_on_signals(window: MainWindow) -> None:
    """Ctrl+C in the terminal or a polite kill closes the window normally, so pending edits are saved."""

    def close(_signum: int, _frame: object) -> None:
        window.close()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, close)
    timer = QTimer(window, interval=300)  # lets the interpreter run its signal handlers during the Qt loop
    timer.timeout.connect(lambda: None)
    timer.start()


def _fail(message: str) -> int:
    if smoke_test():  # headless: a modal box would wait forever; say it and stop
        print(message, file=sys.stderr, flush=True)
        return 1
    QMessageBox.critical(None, APP_TITLE, message)
    return 1


def _offer_restore(db: str | None, exc: storage.DatabaseDamagedError) -> storage.Database | None:
    """Step 4 on a damaged database: say so and offer its newest good backup; the opened database after a
    restore the clerk agreed to, else None (the damaged file stays as it is)."""
    if exc.backup is None or smoke_test():
        _fail(f"无法打开数据库。\n\n{exc}")
        return None
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


def _open_database(db: str | None) -> storage.Database | None:
    """Step 4; None when the window cannot open (the clerk has been told)."""
    try:
        return storage.Database.open(db)
    except storage.DatabaseLockedError as exc:
        _fail(f"数据库已被占用。\n\n{exc}")
    except storage.DatabaseDamagedError as exc:
        return _offer_restore(db, exc)
    except storage.StorageError as exc:
        _fail(f"无法打开数据库。\n\n{exc}")
    return None


def _smoke_test_callbacks() -> tuple[WindowCallback, WindowCallback]:
    def shown(_window: MainWindow) -> None:
        print("SHOWN", flush=True)

    def ready(window: MainWindow) -> None:
        print("READY", flush=True)
        window.close()  # the last window closed ends the event loop, as when the clerk closes it

    return shown, ready


def _first_findings(window: MainWindow, on_shown: WindowCallback | None, on_ready: WindowCallback | None) -> None:
    """Step 8, run at the first turn of the event loop: the window is up; validate; the findings are drawn."""
    if on_shown is not None:
        on_shown(window)
    if not window.isVisible():  # on_shown closed it
        return
    try:
        window.session.revalidate()  # fills the findings panel and the navigation states (findings_changed)
    except MissingFactorError as exc:  # a form version and the factor library disagree: said, then stop
        QApplication.exit(_fail(f"无法计算园区数据。\n\n{exc}"))
        return
    if on_ready is not None:
        QTimer.singleShot(0, lambda: on_ready(window))  # after the panel's repaint


def run_window(
    db: str | None, *, on_shown: WindowCallback | None = None, on_ready: WindowCallback | None = None
) -> int:
    """Open the window on database ``db`` (None: the default database); returns the exit code.

    ``on_shown`` is called with the window once it is up, ``on_ready`` once the first findings are on screen
    (both None: the smoke-test printers when ``PARKCARBON_SMOKE_TEST=1``)."""
    app = make_application()
    database = _open_database(db)
    if database is None:
        return 1
    try:
        try:
            park_id = database.last_updated_park()
        except storage.StorageError as exc:
            return _fail(f"无法读取数据库。\n\n{exc}")
        if park_id is None and smoke_test():
            return _fail("数据库中还没有园区（冒烟测试模式不显示首次运行的对话框）。")
        if park_id is None:  # an empty database: offer the demo park or a new park
            from ui.dialogs.start_dialogs import choose_or_create_park

            park_id = choose_or_create_park(database)
        if park_id is None:
            return 0
        window = MainWindow(database, park_id)
        window.show()
        _close_on_signals(window)
        if on_shown is None and on_ready is None and smoke_test():
            on_shown, on_ready = _smoke_test_callbacks()
        QTimer.singleShot(0, lambda: _first_findings(window, on_shown, on_ready))
        code = int(app.exec())
        window.close()  # when the loop was quit rather than the window closed: save, stop its timers
        window.deleteLater()
        return code
    finally:
        database.close()
