"""First run: open the demo park or create a new one (a short dialog for the park profile)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.park.parkfile import read_park_file
from forms.report.outline import NEWEST_OUTLINE, OUTLINE_VERSIONS, outline_choice_label, outline_for
from forms.resources import resources_dir
from forms.table.definition import PARK
from forms.table.registry import form_for
from ui.common.editors import FieldEditor, editor_text, make_editor
from ui.common.widgets import ok_cancel

DEMO = "demo"
NEW = "new"


def demo_park_path() -> Any:
    return resources_dir() / "demo" / "demo-park.json"


class StartDialog(QDialog):
    """Empty database: choose the demo park or a new park.  :attr:`choice` is DEMO, NEW or None."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("园区双碳填报")
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        text = QLabel("欢迎使用园区双碳填报。\n\n数据库中还没有园区。可以先打开示例园区熟悉填报方式，"
                      "也可以直接新建本园区。")  # fmt: skip
        text.setWordWrap(True)
        layout.addWidget(text)
        demo = QPushButton("打开示例园区")
        new = QPushButton("新建园区…")
        cancel = QPushButton("退出")
        demo.clicked.connect(lambda: self._choose(DEMO))
        new.clicked.connect(lambda: self._choose(NEW))
        cancel.clicked.connect(self.reject)
        for b in (new, demo, cancel):
            layout.addWidget(b)
        new.setDefault(True)
        self.resize(420, self.sizeHint().height())

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


class NewParkDialog(QDialog):
    """The park profile fields (from the definition's park group); :meth:`profile` gives the raw values."""

    def __init__(self, form_version: str = "eip-2021", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建园区")
        self.form = form_for(form_version)
        self.fields = list(self.form.fields_in(PARK))
        self.editors: dict[str, FieldEditor] = {}
        layout = QVBoxLayout(self)
        form = QFormLayout()
        for f in self.fields:
            widget = make_editor(f.kind_type.editor(), "", f.help)
            required = any(r.check == "required" for r in f.rules)
            self.editors[f.key] = widget
            form.addRow(f"{f.label}{'*' if required else ''}：", widget)
        self.outline_combo = QComboBox()
        self.outline_combo.setObjectName("outline_version")
        for version in reversed(OUTLINE_VERSIONS):  # the newest first: parks applying now
            self.outline_combo.addItem(outline_choice_label(version), version)
        self.outline_combo.setCurrentIndex(self.outline_combo.findData(NEWEST_OUTLINE))
        self.outline_combo.setToolTip("专项报告第二章回顾的规划期；建立园区后不再更改")
        form.addRow("专项报告提纲：", self.outline_combo)
        layout.addLayout(form)
        self.note = note = QLabel("")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.outline_combo.currentIndexChanged.connect(self._show_years)
        self._show_years()
        self.message = QLabel("")
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        layout.addWidget(ok_cancel(self, "创建", on_ok=self._accept))
        self.resize(480, self.sizeHint().height())

    def outline_version(self) -> str:
        return str(self.outline_combo.currentData())

    def years(self) -> tuple[int, ...]:
        """The year tables the park starts with: the review period of the chosen outline version."""
        return outline_for(self.outline_version()).review_years

    def _show_years(self) -> None:
        span = outline_for(self.outline_version()).review_span
        self.note.setText(f"现在只须填写园区名称；带 * 的项目报送前必须填写，可以稍后在“园区信息”中补充。"
                          f"将建立 {span} 年的年度数据表。")  # fmt: skip

    def text(self, key: str) -> str:
        return editor_text(self.editors[key])

    def profile(self) -> dict[str, Any]:
        return {k: self.text(k) for k in self.editors if self.text(k).strip()}

    def _accept(self) -> None:
        name_field = self.fields[0]
        if not self.text(name_field.key).strip():
            self.message.setText(f"请填写{name_field.label}。")
            return
        for f in self.fields:
            error = f.kind_type.check(self.text(f.key))
            if error:
                self.message.setText(f"{f.label}：{error}")
                return
        self.accept()


def choose_or_create_park(db: Any, parent: QWidget | None = None) -> int | None:
    """On an empty database ask what to open; returns the park id, or None when the clerk quits."""
    parks = db.list_parks()
    if parks:
        return max(parks, key=lambda p: (p.updated_at or "", p.id)).id
    start = StartDialog(parent)
    if not start.exec() or start.choice is None:
        return None
    if start.choice == DEMO:
        try:
            park = read_park_file(demo_park_path())
        except Exception as exc:
            QMessageBox.critical(parent, "打开示例园区", f"无法读取示例园区文件：{exc}")
            return None
        return int(db.replace_park(park))
    dialog = NewParkDialog(parent=parent)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    if not dialog.exec():
        return None
    return int(db.create_park(dialog.profile(), years=dialog.years(), outline=dialog.outline_version()))
