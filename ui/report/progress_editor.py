"""Key projects' yearly progress (status, achieved CO2 cut, note), edited in a table per year, with the year's
``measures`` figures (forms.report.measures).  Each edit is one session operation (``set_projects``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.report.measures import measures
from forms.report.projects import STATUSES, is_empty_project
from forms.table.numbers import format_number
from ui.shell.session import Changes, raw_from_text, text_from_raw

COLUMNS = ("项目名称", "状态", "实际减排量（tCO2）", "备注")


class ProgressEditor(QWidget):
    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._loading = False
        self.year_box = QComboBox()
        self.year_box.currentIndexChanged.connect(lambda _i: self.load())
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.itemChanged.connect(lambda _item: self.save())
        self.figures = QLabel("")
        self.figures.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel("项目进展年度："))
        top.addWidget(self.year_box)
        top.addStretch(1)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(top)
        box.addWidget(self.table, 1)
        box.addWidget(self.figures)
        self.fill_years()
        session.changed.connect(self._changed)

    def fill_years(self) -> None:
        years = sorted(self.session.park.years)
        last = years[-1] if years else 2020
        choices = sorted({*years, last + 1, *(int(y) for y in self._progress_years())})
        self.year_box.blockSignals(True)
        self.year_box.clear()
        for y in choices:
            self.year_box.addItem(f"{y} 年", y)
        self.year_box.setCurrentIndex(self.year_box.findData(last))
        self.year_box.blockSignals(False)
        self.load()

    def _progress_years(self) -> list[str]:
        out: set[str] = set()
        for p in self.session.park.report.projects:
            if isinstance(p.get("progress"), dict):
                out.update(str(y) for y in p["progress"] if str(y).isdigit())
        return sorted(out)

    @property
    def year(self) -> int:
        return int(self.year_box.currentData())

    def projects(self) -> list[dict[str, Any]]:
        return [p for p in self.session.park.report.projects if not is_empty_project(p)]

    def load(self) -> None:
        if self.year_box.currentData() is None:
            return
        self._loading = True
        projects = self.projects()
        self.table.setRowCount(len(projects))
        for r, p in enumerate(projects):
            entry = p.get("progress", {}).get(str(self.year)) if isinstance(p.get("progress"), dict) else None
            entry = entry if isinstance(entry, dict) else {}
            name = QTableWidgetItem(str(p.get("name") or ""))
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, name)
            combo = QComboBox()
            combo.addItem("（未填写）", "")
            for s in STATUSES:
                combo.addItem(s, s)
            combo.setCurrentIndex(max(combo.findData(entry.get("status", "")), 0))
            combo.currentIndexChanged.connect(lambda _i: self.save())
            self.table.setCellWidget(r, 1, combo)
            self.table.setItem(r, 2, QTableWidgetItem(text_from_raw(entry.get("reduction"))))
            self.table.setItem(r, 3, QTableWidgetItem(str(entry.get("note") or "")))
        self._loading = False
        self.show_figures()

    def show_figures(self) -> None:
        figures = measures(self.projects()).get(str(self.year))
        if not figures:
            self.figures.setText(f"{self.year} 年尚未填写项目进展。")
            return
        counts = "、".join(f"{s} {int(figures[f'count.{s}'] or 0)} 个" for s in STATUSES)
        achievement = figures["achievement"]
        self.figures.setText(
            f"{self.year} 年：{counts}；实际减排 {format_number(figures['reduction_actual'] or 0, 1)} tCO2，"
            f"计划减排（实施中和已完成项目） {format_number(figures['reduction_planned'] or 0, 1)} tCO2，完成率 "
            + ("—" if achievement is None else f"{format_number(achievement, 1)}%"))  # fmt: skip

    def save(self) -> None:
        if self._loading:
            return
        year = str(self.year)
        updated: list[dict[str, Any]] = []
        row = 0
        for p in self.session.park.report.projects:
            p = dict(p)
            if not is_empty_project(p) and row < self.table.rowCount():
                combo = self.table.cellWidget(row, 1)
                status = combo.currentData() if isinstance(combo, QComboBox) else ""
                red_item, note_item = self.table.item(row, 2), self.table.item(row, 3)
                reduction = raw_from_text(red_item.text()) if red_item is not None else None
                note = note_item.text().strip() if note_item is not None else ""
                progress = dict(p.get("progress") or {}) if isinstance(p.get("progress"), dict) else {}
                entry = {
                    k: v
                    for k, v in (("status", status), ("reduction", reduction), ("note", note))
                    if v not in (None, "")
                }
                if entry:
                    progress[year] = entry
                else:
                    progress.pop(year, None)
                if progress:
                    p["progress"] = progress
                else:
                    p.pop("progress", None)
                row += 1
            updated.append(p)
        self.session.set_projects(updated)
        self.show_figures()

    def _changed(self, changes: Changes) -> None:
        if changes.projects and not self._loading:
            self.load()
