"""本节不适用 from the report editor and the e-mail recipient kept for the park, both through session operations."""

from __future__ import annotations

from typing import Any

import pytest

from export.package import MAIL_KEY, MAIL_TO, MINISTRY, PROVINCE, build_package, mail_settings
from forms.report.check import empty_sections
from ui.shell.states import FillState

pytestmark = pytest.mark.gui


def test_not_applicable_button_writes_the_reason_and_undoes(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("section", "ch6.6"))
    assert page.na_button.isEnabled()  # offered for an empty section
    assert "ch6.6" in [e.section for e in empty_sections(window.session.park)]
    page.mark_not_applicable("园区为建成区，无林地、湿地")
    window.session.flush()
    assert page.editor.toPlainText() == "本节不适用：园区为建成区，无林地、湿地。"
    assert db.load_park(park_id).report.sections["ch6.6"] == "本节不适用：园区为建成区，无林地、湿地。"
    assert "ch6.6" not in [e.section for e in empty_sections(window.session.park)]
    assert page.state is FillState.COMPLETE and not page.na_button.isEnabled()
    window.undo_stack.undo()
    assert window.session.park.report.sections.get("ch6.6", "") == ""


def test_mail_recipient_is_chosen_kept_and_used_by_the_next_export(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("export",))
    assert page.recipient.currentData() == MINISTRY and page.mail_to.text() == MAIL_TO and page.mail_to.isReadOnly()
    assert page.mail_from.text() == "eip-demo@example.cn"  # the contact e-mail of the year headers
    page.recipient.setCurrentIndex(page.recipient.findData(PROVINCE))
    assert page.mail_to.text() == "" and not page.mail_to.isReadOnly()
    page.mail_to.setText("sthjt@js.example.cn")
    page.mail_to.editingFinished.emit()
    kept = db.load_park(park_id).report.extra[MAIL_KEY]
    assert kept == {"recipient": PROVINCE, "to": "sthjt@js.example.cn", "from": "eip-demo@example.cn"}
    assert window.undo_stack.undoText() == "修改邮件收件人、发件人"
    package = build_package(db.load_park(park_id))
    assert b"To: sthjt@js.example.cn" in package.eml_data
    window.undo_stack.undo()
    assert mail_settings(db.load_park(park_id)).to == ""  # back to the province with no address typed yet
    assert page.recipient.currentData() == PROVINCE
