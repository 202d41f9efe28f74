"""帮助 → 关于: the program version, the factor library version and where the user's data lives."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from forms.table.factors import library_version
from forms.version import PROGRAM, VERSION

NO_FACTOR_VERSION = "出厂默认因子表（未标注版本）"


def factor_library_version() -> str:
    """The factor library's version and date (resources/factors/VERSION, or an imported table's)."""

    return library_version().label or NO_FACTOR_VERSION


class AboutDialog(QDialog):
    def __init__(self, db_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("关于")
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{PROGRAM}</b>")
        layout.addWidget(title)
        form = QFormLayout()
        self.version_label = QLabel(VERSION)
        self.factors_label = QLabel(factor_library_version())
        self.data_label = QLabel(str(db_path.parent))
        self.db_label = QLabel(str(db_path))
        for label in (self.version_label, self.factors_label, self.data_label, self.db_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("程序版本：", self.version_label)
        form.addRow("因子库版本：", self.factors_label)
        form.addRow("数据文件夹：", self.data_label)
        form.addRow("数据库文件：", self.db_label)
        layout.addLayout(form)
        hint = QLabel("备份或换电脑时，复制整个数据文件夹即可（请先关闭本程序）。")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
