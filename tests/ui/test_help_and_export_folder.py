"""帮助 → 使用说明 shows the shipped manual with the filing steps; after an export, 打开导出文件夹 and 打印预览
open local files (QDesktopServices.openUrl patched: the test asserts the path, nothing is launched)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from ui.dialogs.help_dialog import manual_path

pytestmark = pytest.mark.gui
STEPS = ("新建园区", "填写年度表", "排放因子", "专项报告", "检查", "定稿", "导出/报送")


def test_help_menu_shows_the_manual_with_the_filing_steps(demo_db: Any, open_window: Any) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("帮助"))
    [manual] = [a for a in help_menu.actions() if a.text().startswith("使用说明")]
    manual.trigger()
    dialog = window.help_dialog
    assert dialog.isVisible() and not dialog.isModal()
    text = dialog.browser.toPlainText()
    positions = [text.find(f"{step}：") for step in STEPS]  # each step as its own list item
    assert all(p >= 0 for p in positions) and positions == sorted(positions), positions  # in filing order
    assert manual_path().is_file() and manual_path().parent.parent.name == "resources"
    assert "http" not in manual_path().read_text(encoding="utf-8")  # nothing to fetch
    dialog.close()
    window.close()


def test_open_export_folder_and_print_preview_open_local_files(demo_db: Any, open_window: Any, tmp_path: Path,
                                                               monkeypatch: Any) -> None:  # fmt: skip
    pytest.importorskip("export.package")
    from ui.submit import export_page

    db, park_id = demo_db
    window = open_window(db, park_id)
    page = window.show_page(("export",))
    assert not page.open_folder_button.isEnabled() and not page.preview_button.isEnabled()
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    out = tmp_path / "导出"
    monkeypatch.setattr(export_page.QFileDialog, "getExistingDirectory", lambda *a, **k: str(out))
    page.export("package")
    assert page.open_folder_button.isEnabled()
    page.open_folder_button.click()
    [folder_url] = opened
    zips = list(out.glob("*/*.zip"))
    assert folder_url.isLocalFile() and Path(folder_url.toLocalFile()) == zips[0].parent
    names = [a.text() for a in page.preview_menu.actions()]
    assert names and all(n.endswith(".pdf") for n in names)
    page.preview_menu.actions()[0].trigger()
    pdf = Path(opened[-1].toLocalFile())
    assert opened[-1].isLocalFile() and pdf.name == names[0] and pdf.is_file()
    assert pdf.read_bytes()[:5] == b"%PDF-"
    window.close()
