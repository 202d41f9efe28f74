"""The window's package export shows its stages in a progress dialog and can be cancelled (issue 17):
cancelled, it leaves the set exported before exactly as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

pytestmark = pytest.mark.gui


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_export_shows_its_stages_and_a_cancel_keeps_the_old_set(demo_db: Any, open_window: Any, tmp_path: Path,
                                                                monkeypatch: Any) -> None:  # fmt: skip
    from export.package import STAGES
    from ui.submit import export_page

    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("export",))
    out = tmp_path / "out"
    monkeypatch.setattr(export_page.QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    heard: list[tuple[str, int, int]] = []
    labels: list[str] = []

    def seen(text: str, done: int, total: int) -> None:
        heard.append((text, done, total))
        labels.append(page.progress_dialog.labelText())

    page.export_stage.connect(seen)
    page.export("package")
    assert "已导出" in page.export_message.text()
    assert [h[0] for h in heard] == list(STAGES) and all(h[2] == len(STAGES) for h in heard)
    assert labels[2] == f"生成专项报告 PDF…（第 3 步，共 {len(STAGES)} 步）"
    before = _files(out)
    assert any(name.endswith(".zip") for name in before)

    page.export_stage.disconnect(seen)

    def cancel_at_report(text: str, done: int, total: int) -> None:
        if text == "生成专项报告 PDF":
            page.progress_dialog.findChild(QPushButton).click()  # the clerk presses 取消

    page.export_stage.connect(cancel_at_report)
    page.export("package")
    assert page.export_message.text().startswith("已取消导出")
    assert _files(out) == before  # nothing new, nothing half-written, the old set untouched
    window.close()
