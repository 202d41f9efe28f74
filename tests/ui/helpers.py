"""Helpers for driving the year table like a clerk."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from forms.park.model import ParkData
from forms.table.calc import compute_year


def open_editor(table: Any, key: str) -> QLineEdit:
    r, c = table.cell_of[key]
    table.setCurrentCell(r, c)
    table.editItem(table.item(r, c))
    editor = table.indexWidget(table.model().index(r, c))
    assert isinstance(editor, QLineEdit)
    return editor


def expected_text(park: ParkData, year: int, key: str, raw: Any, shown: str) -> str:
    """What the window must show for ``shown`` after ``key`` is set to ``raw`` (computed by forms/)."""
    changed = park.copy()
    changed.years[year].values[key] = raw
    result = compute_year(changed, year)
    from forms.table.registry import form_for

    f = form_for(changed.form).field(shown)
    return f.kind_type.format(result.value(shown), f.decimals)


def type_chinese(widget: QWidget, text: str) -> None:
    """Commit ``text`` through the input method, as a Chinese IME does (QTest cannot type CJK keys)."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def write_every_section(session: Any) -> None:
    """A sentence in every section of the outline (定稿 needs text in each, or 本节不适用 with a reason)."""
    from forms.report.outline import outline_for

    for section in outline_for().sections():
        if section.kind != "projects":
            session.set_section_text(section.key, f"{section.title}：园区已开展相关工作。")
