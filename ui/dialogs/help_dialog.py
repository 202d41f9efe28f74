"""帮助 → 使用说明: the short manual shipped in ``resources/help/manual.md``, shown in the program (no network)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from forms.resources import resources_dir

TITLE = "使用说明"


def manual_path() -> Path:
    return resources_dir() / "help" / "manual.md"


def manual_text() -> str:
    """The manual (Markdown); a short Chinese note if the file is missing from the installation."""
    try:
        return manual_path().read_text(encoding="utf-8")
    except OSError:
        return f"# {TITLE}\n\n找不到使用说明文件“{manual_path()}”，程序安装可能不完整。"


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"帮助 — {TITLE}")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # nothing is fetched: the manual has no links to follow
        self.browser.setMarkdown(manual_text())
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 620)
