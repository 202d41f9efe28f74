"""Guard against a PySide6 build that leaks references to None (6.12.0 on CPython 3.11 aborts the window)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel, QTableWidgetItem


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_qt_calls_do_not_leak_none_references(qtbot) -> None:  # type: ignore[no-untyped-def]
    label = QLabel("标签")
    qtbot.addWidget(label)
    item = QTableWidgetItem("单元格")
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setToolTip("提示")
        item.setToolTip("提示")
    assert sys.getrefcount(None) - before > -100
