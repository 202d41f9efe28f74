"""The one editor factory: what each kind asks for, and the same editors in the park form and new-park dialog."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QComboBox

from forms.table.definition import PARK
from forms.table.kinds import CHOICE, LINE, MULTILINE, Editor, kind_of
from forms.table.registry import form_for
from ui.common.editors import editor_text, make_editor, set_editor_text, watch_editor
from ui.common.widgets import CommitLineEdit, CommitPlainTextEdit

pytestmark = pytest.mark.gui


def _watched(editor: Any) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    watch_editor(editor, typed=lambda t: seen.append(("typed", t)), chosen=lambda t: seen.append(("chosen", t)),
                 done=lambda: seen.append(("done", "")))  # fmt: skip
    return seen


def test_a_line(qapp: QApplication) -> None:
    editor = make_editor(Editor(LINE), "12.5", "单位：吨")
    assert isinstance(editor, CommitLineEdit)
    assert editor.text() == "12.5" and editor.placeholderText() == "单位：吨"
    seen = _watched(editor)
    editor.textEdited.emit("13")
    editor.returnPressed.emit()
    editor.focus_left.emit()
    assert seen == [("typed", "13"), ("done", ""), ("done", "")]
    set_editor_text(editor, "99")
    assert editor_text(editor) == "99" and len(seen) == 3  # shown, not reported as typed


def test_a_paragraph(qapp: QApplication) -> None:
    editor = make_editor(Editor(MULTILINE), "第一段", "核算边界")
    assert isinstance(editor, CommitPlainTextEdit)
    assert editor.toPlainText() == "第一段" and editor.placeholderText() == "核算边界"
    assert editor.minimumHeight() == 48 and editor.tabChangesFocus()
    seen = _watched(editor)
    editor.setPlainText("第一段\n第二段")
    editor.focus_left.emit()
    assert seen == [("typed", "第一段\n第二段"), ("done", "")]
    set_editor_text(editor, "换了")
    assert editor_text(editor) == "换了" and len(seen) == 2


def test_a_choice_keeps_what_was_typed(qapp: QApplication) -> None:
    editor = make_editor(Editor(CHOICE, ("已命名", "批准建设")), "命名中", "不显示")
    assert isinstance(editor, QComboBox)
    assert editor.isEditable() and editor.insertPolicy() == QComboBox.InsertPolicy.NoInsert
    assert [editor.itemText(i) for i in range(editor.count())] == ["已命名", "批准建设"]
    assert editor.currentIndex() == -1 and editor_text(editor) == "命名中"  # not one of the options, kept
    line = editor.lineEdit()
    assert isinstance(line, CommitLineEdit)
    seen = _watched(editor)
    line.textEdited.emit("已")
    editor.setCurrentIndex(1)
    editor.activated.emit(1)
    line.focus_left.emit()
    assert seen == [("typed", "已"), ("chosen", "批准建设"), ("done", "")]
    set_editor_text(editor, "已命名")
    assert editor_text(editor) == "已命名" and len(seen) == 3


def _describe(editor: Any) -> tuple[Any, ...]:
    if isinstance(editor, QComboBox):
        items = tuple(editor.itemText(i) for i in range(editor.count()))
        return (QComboBox, type(editor.lineEdit()), editor.insertPolicy(), items)
    return (type(editor), editor.placeholderText())


def test_the_park_form_and_the_new_park_dialog_build_the_same_editors(demo_db: Any, open_window: Any) -> None:
    from ui.dialogs.start_dialogs import NewParkDialog

    db, park_id = demo_db
    page = open_window(db, park_id).show_page(("park",))
    dialog = NewParkDialog()
    fields = list(form_for("eip-2021").fields_in(PARK))
    assert list(dialog.editors) == list(page.form.editors) == [f.key for f in fields]
    for f in fields:
        assert _describe(dialog.editors[f.key]) == _describe(page.form.editors[f.key]), f.key
    assert isinstance(dialog.editors["park.province"], QComboBox)
    assert isinstance(dialog.editors["park.name"], CommitLineEdit)
    assert {f.kind_type.editor().style for f in fields} == {LINE, CHOICE}


def test_the_new_park_dialog_checks_with_the_kind(qapp: QApplication) -> None:
    from ui.dialogs.start_dialogs import NewParkDialog

    dialog = NewParkDialog()
    dialog.editors["park.name"].setText("测试园区")  # type: ignore[union-attr]
    dialog.editors["park.approved_year"].setText("1800")  # type: ignore[union-attr]
    dialog._accept()
    assert dialog.message.text() == f"批准建设年份：{kind_of('year').check('1800')}"
    assert dialog.message.text() == "批准建设年份：“1800”不是有效年份"
    assert dialog.result() == 0


def test_the_new_park_dialog_says_only_the_name_is_needed_now(qapp: QApplication) -> None:
    """The * marks what is required before submission (a finding until filled), not to create the park."""
    from ui.dialogs.start_dialogs import NewParkDialog

    dialog = NewParkDialog()
    starred = [f.label for f in dialog.fields if any(r.check == "required" for r in f.rules)]
    assert len(starred) > 1  # more than the name carries the *
    assert dialog.note.text().startswith("现在只须填写园区名称；带 * 的项目报送前必须填写")
    dialog.editors["park.name"].setText("只填名称园区")  # type: ignore[union-attr]
    dialog._accept()
    assert dialog.result() == 1 and dialog.profile() == {"park.name": "只填名称园区"}
