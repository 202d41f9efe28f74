"""园区历史版本: pick a moment, see what differs from now, bring the whole park back to that moment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.park.model import ParkData
from forms.report.customisation import effective_outline
from forms.table.definition import FormDefinition
from forms.table.registry import form_for
from storage import StorageError
from storage.cells import (
    EXPLANATION,
    EXTRA,
    FACTOR,
    LOCK,
    PARK,
    PROJECTS,
    SCENARIOS,
    SECTION,
    TARGETS_KEY,
    VALUE,
    YEAR,
    CellKey,
    encode,
    park_to_cells,
)
from ui.common.when import local_time
from ui.common.widgets import read_only_table
from ui.dialogs.history_dialog import EMPTY, one_line, operation_text, raw_text

EXTRA_LABELS = {"final": "定稿信息", "outline_custom": "自定义提纲", "figures": "报告中数字的核对记录",
                "check_notes": "报告警告的说明", "annual": "年度报告", "annual_final": "年度报告定稿信息",
                TARGETS_KEY: "碳达峰碳中和目标"}  # fmt: skip
RECENT_CHANGES = 300
ABSENT = object()


def _form_of(park: ParkData, year: int | None) -> FormDefinition:
    ydata = park.years.get(year) if year is not None else None
    return form_for(ydata.form if ydata is not None else park.form)


def cell_label(park: ParkData, cell: CellKey) -> tuple[str, str]:
    """(位置, 项目) of a stored cell, from the form definition and the report outline."""
    kind, year, key = cell
    where = f"{year} 年" if year is not None else ("园区信息" if kind == PARK else "专项报告")
    form = _form_of(park, year)
    field_label = form.field(key).label if key in form else key
    if kind == YEAR:
        return where, "年度数据表"
    if kind == FACTOR:
        return where, f"{field_label}（数值及来源）"
    if kind == EXPLANATION:
        return where, f"{field_label} 的说明"
    if kind == SECTION:
        try:
            return where, effective_outline(park).section(key).title
        except (KeyError, ValueError):
            return where, key
    if kind == PROJECTS:
        return where, "重点项目清单"
    if kind == SCENARIOS:
        return where, "情景设置"
    if kind == EXTRA:
        return ("园区信息" if key == TARGETS_KEY else where), EXTRA_LABELS.get(key, "报告设置")
    if kind == LOCK:
        return where, "锁定的排放因子"
    return where, field_label


def value_text(park: ParkData, cell: CellKey, value: Any) -> str:
    """A stored value as the clerk reads it, a number with the field's unit (never JSON or internal codes)."""
    text = _shown(value)
    kind, year, key = cell
    if kind == VALUE and value is not ABSENT and text != EMPTY:
        form = _form_of(park, year)
        unit = form.field(key).unit if key in form else ""
        return f"{text} {unit}".rstrip()
    if kind == YEAR and value is not ABSENT:
        try:
            return f"已建立（{form_for(str(value)).edition or '年度数据表'}）"
        except KeyError:
            return "已建立"
    return text


def differences(now: ParkData, then: ParkData) -> list[tuple[CellKey, Any, Any]]:
    """Cells whose value differs between ``now`` and ``then``: (cell, value now, value then); absent = ABSENT."""
    a, b = park_to_cells(now), park_to_cells(then)
    out = []
    for cell in [*a, *(c for c in b if c not in a)]:
        old, new = a.get(cell, ABSENT), b.get(cell, ABSENT)
        if old is ABSENT or new is ABSENT or encode(old) != encode(new):  # the stored form: 1 and 1.0 differ
            out.append((cell, old, new))
    return out


def _shown(value: Any) -> str:
    return raw_text(None if value is ABSENT else value, value is not ABSENT)


class ParkVersionsDialog(QDialog):
    """``restore(moment)`` brings the park back to ``moment`` and reloads the window; True when done."""

    def __init__(self, db: Any, park_id: int, restore: Callable[[dt.datetime], bool],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.db = db
        self.park_id = park_id
        self.restore = restore
        self.moment = dt.datetime.now().astimezone()
        self.diffs: list[tuple[CellKey, Any, Any]] = []
        self.then: ParkData | None = None
        self.setWindowTitle("园区历史版本")
        layout = QVBoxLayout(self)
        intro = QLabel("选择一个时刻，查看园区当时的数据与现在有哪些不同；需要时可以把整个园区恢复到那个时刻。"
                       "恢复本身也记入修改历史，之后仍可再恢复回来。")  # fmt: skip
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.recent = QComboBox()
        self.recent.addItem("（选择一次修改，查看它之前的状态）", None)
        current = db.load_park(park_id)
        operations = db.operations(park_id)
        for entry, count in self._recent_changes():
            self.recent.addItem(f"{local_time(entry.at)} {self.change_text(current, entry, count, operations)}之前",
                                entry.at)  # fmt: skip
        self.recent.currentIndexChanged.connect(self._recent_chosen)
        form.addRow("最近的修改：", self.recent)
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.when.setCalendarPopup(True)
        self.when.dateTimeChanged.connect(self._time_edited)
        form.addRow("时刻：", self.when)
        layout.addLayout(form)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.table = read_only_table(["位置", "项目", "现在的值", "当时的值"], stretch=(2, 3))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 220)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton("恢复到此时刻…")
        self.restore_button.clicked.connect(self.restore_now)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(860, 480)
        self.set_moment(self.moment)

    @staticmethod
    def change_text(park: ParkData, entry: Any, count: int, operations: dict[str, Any]) -> str:
        """One saved change as a clerk reads it: 导入文件“…”, 恢复到 … 的版本, 删除 2021 年, or the field
        (its label and place) with its old and new value."""
        op = operations.get(entry.at)
        if op is not None:
            return operation_text(op)
        cell = (entry.kind, entry.year, entry.key)
        if entry.kind == YEAR and not entry.old_present:
            return f"添加 {entry.year} 年"
        where, label = cell_label(park, cell)
        if count > 1:
            return f"修改{where}“{label}”等 {count} 项"
        old = value_text(park, cell, entry.old_raw if entry.old_present else ABSENT)
        new = value_text(park, cell, entry.new_raw if entry.new_present else ABSENT)
        return f"修改{where}“{label}”（{one_line(old, 24)} → {one_line(new, 24)}）"

    def _recent_changes(self) -> list[tuple[Any, int]]:
        """One line per saved change (an import or a restore writes many cells at once), with its cell count."""
        order: list[str] = []
        first: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for entry in self.db.history(self.park_id, limit=RECENT_CHANGES):
            if entry.at not in first:
                order.append(entry.at)
                first[entry.at] = entry
            counts[entry.at] = counts.get(entry.at, 0) + 1
        return [(first[at], counts[at]) for at in order[:60]]

    def _recent_chosen(self, index: int) -> None:
        at = self.recent.itemData(index)
        if at:
            self.set_moment(dt.datetime.fromisoformat(at) - dt.timedelta(microseconds=1))

    def _time_edited(self, value: QDateTime) -> None:
        moment = value.toPython()
        assert isinstance(moment, dt.datetime)
        self.set_moment(moment.replace(microsecond=999999).astimezone(), from_editor=True)

    def set_moment(self, moment: dt.datetime, *, from_editor: bool = False) -> None:
        """Show what differs between now and ``moment`` (aware, or naive local time)."""
        self.moment = moment if moment.tzinfo is not None else moment.astimezone()
        if not from_editor:
            self.when.blockSignals(True)
            local = self.moment.astimezone()
            self.when.setDateTime(QDateTime(QDate(local.year, local.month, local.day),
                                            QTime(local.hour, local.minute, local.second)))  # fmt: skip
            self.when.blockSignals(False)
        self.preview()

    def preview(self) -> None:
        try:
            now = self.db.load_park(self.park_id)
            self.then = self.db.park_as_of(self.park_id, self.moment.isoformat())
        except StorageError as exc:
            self.summary.setText(f"无法读取历史：{exc}")
            self.restore_button.setEnabled(False)
            return
        self.diffs = differences(now, self.then) if self.existed else []
        self.table.setRowCount(len(self.diffs))
        for row, (cell, current, then) in enumerate(self.diffs):
            park = now if current is not ABSENT else self.then
            where, label = cell_label(park, cell)
            for column, text in enumerate(
                (where, label, value_text(now, cell, current), value_text(self.then, cell, then))
            ):
                item = QTableWidgetItem(" ".join(text.split()))
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        when = self.moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        if not self.existed:
            self.summary.setText(f"{when} 时这个园区还没有建立，不能恢复到这个时刻。")
        elif not self.diffs:
            self.summary.setText(f"{when} 时园区的数据与现在完全相同。")
        else:
            self.summary.setText(f"{when} 时园区的数据与现在有 {len(self.diffs)} 处不同：")
        self.restore_button.setEnabled(self.existed and bool(self.diffs))

    @property
    def existed(self) -> bool:
        return self.then is not None and bool(self.then.park or self.then.years)

    def changed_keys(self) -> list[str]:
        return [cell[2] for cell, _now, _then in self.diffs]

    def restore_now(self) -> bool:
        if not self.existed or not self.diffs:
            return False
        when = self.moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        answer = QMessageBox.question(
            self,
            "恢复到此时刻",
            f"把整个园区恢复到 {when} 时的状态吗？共有 {len(self.diffs)} 处数据会改变。\n\n"
            "恢复前会先备份数据库；恢复本身也记入修改历史，之后可以在这里再恢复回来。",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        if not self.restore(self.moment):
            return False
        self.preview()
        self.summary.setText(f"已把园区恢复到 {when} 时的状态。")
        return True
