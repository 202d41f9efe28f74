"""The debounced autosave writes on its own thread: typing goes on while the disk is busy, and every safety
promise of the synchronous save still holds (order, nothing lost, a failure said in Chinese, close saves)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from storage import Database, DiskError
from tests.ui.helpers import open_editor
from ui.shell.session import ParkSession

pytestmark = pytest.mark.gui
YEAR = 2020
COAL = "energy.raw_coal"
COKE = "energy.coke"


class HeldWrites:
    """Wraps ``db.set_value``: records the thread of each write; while ``gate`` is clear, writes wait."""

    def __init__(self, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
        self.real = db.set_value
        self.gate = threading.Event()
        self.gate.set()
        self.started = threading.Event()
        self.threads: list[threading.Thread] = []
        self.fail: Exception | None = None
        monkeypatch.setattr(db, "set_value", self)

    def __call__(self, *args: Any) -> None:
        self.threads.append(threading.current_thread())
        self.started.set()
        assert self.gate.wait(30)
        if self.fail is not None:
            raise self.fail
        self.real(*args)


def stored(db: Database, park_id: int, key: str) -> Any:
    return db.load_park(park_id).years[YEAR].values.get(key)


def test_the_debounced_save_runs_off_the_window_thread(
    demo_db: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, park_id = demo_db
    session = ParkSession(db, park_id)
    writes = HeldWrites(db, monkeypatch)
    states: list[str] = []
    session.save_state_changed.connect(states.append)
    session.set_raw(YEAR, COAL, "123")
    with qtbot.waitSignal(session.save_state_changed, timeout=10000, check_params_cb=lambda s: s.startswith("已保存")):
        session._save_timer.timeout.emit()  # the debounce elapsed
    assert writes.threads and all(t is not threading.main_thread() for t in writes.threads)
    assert stored(db, park_id, COAL) == "123" and not session.dirty
    assert "正在保存…" in states and states[-1].startswith("已保存")
    session.close()


def test_typing_goes_on_while_a_write_waits_for_the_disk_and_the_newest_value_wins(
    demo_db: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, park_id = demo_db
    session = ParkSession(db, park_id)
    writes = HeldWrites(db, monkeypatch)
    writes.gate.clear()  # the disk is slow
    session.set_raw(YEAR, COAL, "1")
    session.save_in_background()
    assert writes.started.wait(10)
    for text in ("12", "123"):  # typed while the write of "1" is under way: the window is not held up
        session.set_raw(YEAR, COAL, text)
    session.set_raw(YEAR, COKE, "9")
    assert session.raw(YEAR, COAL) == "123" and session.dirty
    writes.gate.set()
    qtbot.waitUntil(lambda: not session.dirty, timeout=10000)  # the rest follows the first write
    assert stored(db, park_id, COAL) == "123" and stored(db, park_id, COKE) == "9"
    history = db.history(park_id, YEAR, COAL, kind="value")
    assert [h.new_raw for h in history[:2]] == ["123", "1"]  # written in the order typed
    session.close()


def test_flush_waits_for_the_write_under_way_then_writes_what_came_after(
    demo_db: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, park_id = demo_db
    session = ParkSession(db, park_id)
    writes = HeldWrites(db, monkeypatch)
    writes.gate.clear()
    session.set_raw(YEAR, COAL, "1")
    session.save_in_background()
    assert writes.started.wait(10)
    session.set_raw(YEAR, COAL, "2")
    threading.Timer(0.05, writes.gate.set).start()  # the disk answers while flush waits
    assert session.flush() is True
    assert not session.dirty and stored(db, park_id, COAL) == "2"
    session.close()


def test_a_failed_background_write_keeps_the_edits_says_so_and_is_tried_again(
    demo_db: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, park_id = demo_db
    session = ParkSession(db, park_id)
    writes = HeldWrites(db, monkeypatch)
    writes.fail = DiskError("磁盘空间已满，无法写入数据库文件。")
    writes.gate.clear()
    failures: list[str] = []
    session.save_failed.connect(failures.append)
    session.set_raw(YEAR, COAL, "5")
    session.save_in_background()
    assert writes.started.wait(10)
    session.set_raw(YEAR, COKE, "6")  # typed meanwhile
    writes.gate.set()
    qtbot.waitUntil(lambda: failures != [], timeout=10000)
    assert "磁盘空间已满" in failures[0]
    assert session.dirty and session.raw(YEAR, COAL) == "5" and session.raw(YEAR, COKE) == "6"
    assert stored(db, park_id, COAL) != "5"
    writes.fail = None
    assert session.flush() is True
    assert stored(db, park_id, COAL) == "5" and stored(db, park_id, COKE) == "6" and not session.dirty
    session.close()


def test_closing_the_window_during_a_background_write_saves_everything(
    demo_db: Any, open_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("nothing may be left unsaved"))
    table = window.show_page(("year", YEAR)).table
    writes = HeldWrites(db, monkeypatch)
    writes.gate.clear()
    editor = open_editor(table, COAL)
    editor.selectAll()
    qtbot.keyClicks(editor, "42")
    window.session.save_in_background()  # the debounce elapsed while the field is still being edited
    assert writes.started.wait(10)
    qtbot.keyClicks(editor, "7")
    threading.Timer(0.05, writes.gate.set).start()
    window.close()
    assert stored(db, park_id, COAL) == "427"  # the field still open when the window closed
