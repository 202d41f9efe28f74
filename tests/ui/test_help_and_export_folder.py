"""帮助 → 使用说明 shows the shipped manual with the filing steps; after an export, 打开导出文件夹 opens the local
folder (QDesktopServices.openUrl patched: the test asserts the path, nothing is launched) and 打印预览 shows the
exported PDF's pages inside the program."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

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
    step = text[positions[-1] :]
    assert "程序内" in step and "PDF 阅读器" not in step  # 打印预览 shows the pages here (PdfPrintPreview)
    dialog.close()
    window.close()


def test_open_export_folder_and_print_preview_show_the_exported_files(
    demo_db: Any, open_window: Any, tmp_path: Path, monkeypatch: Any, qtbot: Any, screenshot_dir: Path
) -> None:
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
    report = next(i for i, n in enumerate(names) if "专项报告" in n)
    page.preview_menu.actions()[report].trigger()  # 打印预览 inside the program, not the system viewer
    assert len(opened) == 1
    dialog = page.print_preview
    assert dialog is not None and dialog.isVisible() and dialog.pdf.name == names[report]
    pages = len(PdfReader(str(dialog.pdf)).pages)
    qtbot.waitUntil(lambda: dialog.preview.pageCount() == pages, timeout=20000)
    assert pages > 10  # the report: cover, contents, chapters, appendices
    dialog.resize(1366, 768)
    dialog.preview.setCurrentPage(3)  # the contents
    QApplication.processEvents()
    assert dialog.grab().save(str(screenshot_dir / "print_preview_report.png"))
    dialog.close()
    window.close()
