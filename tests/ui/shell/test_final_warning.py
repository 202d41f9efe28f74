"""Ctrl+Y redoes (beside Ctrl+Shift+Z); an edit of a 定稿 park says at once, without a modal box, that it is
no longer final, and undoing the edit makes it final again."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from forms.report.check import final_state

pytestmark = pytest.mark.gui


def test_ctrl_y_and_ctrl_shift_z_both_redo(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    redo = next(a for a in window.menuBar().actions()[1].menu().actions() if a.text().startswith("重做"))
    keys = [k.toString() for k in redo.shortcuts()]
    assert "Ctrl+Y" in keys and "Ctrl+Shift+Z" in keys
    window.tracker.set(2020, "energy.diesel", "77")
    window.undo_stack.undo()
    assert window.session.raw(2020, "energy.diesel") != "77"
    window.show_page(("year", 2020)).table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Y
    assert window.session.raw(2020, "energy.diesel") == "77"
    window.undo_stack.undo()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.session.raw(2020, "energy.diesel") == "77"
    assert QKeySequence("Ctrl+Y") in redo.shortcuts()
    window.close()


def test_an_edit_after_final_warns_at_once_without_a_modal(demo_db: Any, open_window: Any, qtbot: Any,
                                                           monkeypatch: Any) -> None:  # fmt: skip
    for name in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: pytest.fail("a modal box"))
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.session.mark_final()
    assert window.check_final() == "final" and not window.final_banner.isVisible()
    window.tracker.set(2020, "energy.diesel", "12")  # an edit of the final park
    qtbot.waitUntil(window.final_banner.isVisible, timeout=3000)
    assert "定稿失效" in window.final_banner.label.text() and "重新定稿" in window.final_banner.label.text()
    assert "定稿失效" in window.statusBar().currentMessage()
    assert final_state(window.session.park) == "changed"
    assert QApplication.activeModalWidget() is None
    window.final_banner.undo_button.click()  # 撤销修改: final again, the banner goes
    qtbot.waitUntil(lambda: not window.final_banner.isVisible(), timeout=3000)
    assert final_state(window.session.park) == "final"
    window.tracker.set(2020, "energy.diesel", "13")  # and warns again at the next edit
    qtbot.waitUntil(window.final_banner.isVisible, timeout=3000)
    window.close()


def test_a_draft_park_edit_shows_no_banner(demo_db: Any, open_window: Any, qtbot: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    window.tracker.set(2020, "energy.diesel", "12")
    assert window.check_final() == "draft"
    assert not window.final_banner.isVisible()
    window.close()
