"""Projection scenarios: per scenario and period the growth of value added and the change of intensity.

A park with no scenarios of its own sees the default parameters (forms.report.projection.default_scenarios);
they are stored as the park's own as soon as the clerk edits one or presses 采用默认参数.  Results (peak
year, peak value, 2025/2030 intensities) update as you type.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.report.projection import PARAMS, ScenarioError, default_scenarios, parse_period, project_scenarios
from forms.report.resolve import shown, shown_field
from forms.table.calc import compute_park
from ui.report.projects_editor import item_raw, raw_item
from ui.shell.session import Changes, ParkSession


class ScenarioEditor(QWidget):
    scenarios_changed = Signal()

    def __init__(self, session: ParkSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("scenario_tabs")
        layout.addWidget(self.tabs, 1)
        buttons = QHBoxLayout()
        self.add_period_button = QPushButton("添加时段")
        self.add_period_button.clicked.connect(self.add_period)
        self.remove_period_button = QPushButton("删除所选时段")
        self.remove_period_button.clicked.connect(self.remove_period)
        self.add_scenario_button = QPushButton("添加情景…")
        self.add_scenario_button.clicked.connect(self.ask_add_scenario)
        self.rename_button = QPushButton("重命名情景…")
        self.rename_button.clicked.connect(self.ask_rename)
        self.remove_scenario_button = QPushButton("删除情景")
        self.remove_scenario_button.clicked.connect(self.remove_scenario)
        self.defaults_button = QPushButton("采用默认参数")
        self.defaults_button.clicked.connect(self.use_defaults)
        for b in (self.add_period_button, self.remove_period_button, self.add_scenario_button, self.rename_button,
                  self.remove_scenario_button, self.defaults_button):  # fmt: skip
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.results = QLabel("")
        self.results.setObjectName("scenario_results")
        self.results.setWordWrap(True)
        layout.addWidget(self.results)
        self._loading = False
        self.load()
        session.changed.connect(self._changed)

    # -- model --------------------------------------------------------------------------------------
    def _table(self) -> QTableWidget:
        table = QTableWidget(0, 1 + len(PARAMS))
        table.setHorizontalHeaderLabels(["时段（如 2021-2025）", *(f"{label}({unit})" for _, label, unit in PARAMS)])
        header = table.horizontalHeader()  # each title whole (equal stretched columns cut the long one at 1366)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.itemChanged.connect(self._edited)
        return table

    def load(self) -> None:
        self._loading = True
        own = self.session.park.report.scenarios
        scenarios = own or default_scenarios()
        self.tabs.clear()
        for name, periods in scenarios.items():
            table = self._table()
            for period, params in (periods or {}).items():
                row = table.rowCount()
                table.insertRow(row)
                table.setItem(row, 0, QTableWidgetItem(str(period)))
                for c, (key, _, _) in enumerate(PARAMS, start=1):
                    value = params.get(key) if isinstance(params, dict) else None
                    table.setItem(row, c, raw_item(value))
            self.tabs.addTab(table, name)
        self._loading = False
        self.note.setText(
            ""
            if own
            else "本园区尚未设置情景，下表为程序默认参数；修改任一数值或点击“采用默认参数”后保存为本园区情景。"
        )
        self.refresh_results()

    def scenario_names(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def collect(self) -> tuple[dict[str, Any], list[str]]:
        """The scenarios as raw values, and problems that keep them from being saved."""
        out: dict[str, Any] = {}
        problems: list[str] = []
        for i, name in enumerate(self.scenario_names()):
            table = self.tabs.widget(i)
            assert isinstance(table, QTableWidget)
            periods: dict[str, Any] = {}
            for r in range(table.rowCount()):
                items = [table.item(r, c) for c in range(table.columnCount())]
                cells = [item.text() if item else "" for item in items]
                if not any(t.strip() for t in cells):
                    continue
                label = cells[0].strip()
                if not label:
                    problems.append(f"{name}第 {r + 1} 行：时段未填写")
                    continue
                try:
                    parse_period(label)
                except ScenarioError as exc:
                    problems.append(f"{name}第 {r + 1} 行：{exc}")
                if label in periods:
                    problems.append(f"{name}：时段“{label}”重复")
                    continue
                periods[label] = {key: item_raw(items[c]) for c, (key, _, _) in enumerate(PARAMS, start=1)}
            out[name] = periods
        return out, problems

    def _edited(self, _item: QTableWidgetItem | None = None) -> None:
        if self._loading:
            return
        self.save()

    def save(self) -> bool:
        scenarios, problems = self.collect()
        if problems:
            self.results.setText("<span style='color:#b00020'>未保存：" + "；".join(problems) + "</span>")
            return False
        self.session.set_scenarios(scenarios)
        self.note.setText("")
        self.refresh_results()
        self.scenarios_changed.emit()
        return True

    def _changed(self, changes: Changes) -> None:
        if not changes.scenarios:
            return
        shown, problems = self.collect()
        if problems or shown != (self.session.park.report.scenarios or default_scenarios()):
            self.load()  # an undo / redo

    # -- actions ------------------------------------------------------------------------------------
    def current_table(self) -> QTableWidget | None:
        w = self.tabs.currentWidget()
        return w if isinstance(w, QTableWidget) else None

    def add_period(self) -> None:
        table = self.current_table()
        if table is None:
            return
        self._loading = True
        row = table.rowCount()
        table.insertRow(row)
        for c in range(table.columnCount()):
            table.setItem(row, c, QTableWidgetItem(""))
        self._loading = False
        table.setCurrentCell(row, 0)

    def remove_period(self) -> None:
        table = self.current_table()
        if table is None:
            return
        for r in sorted({i.row() for i in table.selectedIndexes()}, reverse=True):
            table.removeRow(r)
        self.save()

    def add_scenario(self, name: str) -> bool:
        name = name.strip()
        if not name or name in self.scenario_names():
            return False
        table = self._table()
        self.tabs.addTab(table, name)
        self.tabs.setCurrentWidget(table)
        self.add_period()
        return True

    def ask_add_scenario(self) -> None:
        name, ok = QInputDialog.getText(self, "添加情景", "情景名称：", text="强化情景")
        if ok and self.add_scenario(name):
            self.save()

    def ask_rename(self) -> None:
        i = self.tabs.currentIndex()
        if i < 0:
            return
        name, ok = QInputDialog.getText(self, "重命名情景", "情景名称：", text=self.tabs.tabText(i))
        name = name.strip()
        if ok and name and name not in self.scenario_names():
            self.tabs.setTabText(i, name)
            self.save()

    def remove_scenario(self) -> None:
        i = self.tabs.currentIndex()
        if i >= 0:
            self.tabs.removeTab(i)
            self.save()

    def use_defaults(self) -> None:
        self.session.set_scenarios(default_scenarios())
        self.load()
        self.scenarios_changed.emit()

    # -- results ------------------------------------------------------------------------------------
    def refresh_results(self) -> None:
        park = self.session.park
        result = compute_park(park)
        proj = project_scenarios(park, result)
        form = result.form
        lines = []
        if proj.base is not None:
            lines.append(f"基准年：{proj.base.year} 年(工业增加值 {shown_field(form, form.value_added_key, proj.base.iva).text}，"
                         f"单位工业增加值二氧化碳排放量 {shown_field(form, form.intensity_key, proj.base.intensity).text})")  # fmt: skip
        for name, r in proj.results.items():
            lines.append(f"<b>{name}</b>：达峰年份 {r.peak_year} 年，峰值 {shown(r.peak_value, 'tCO2').text}；"
                         f"2025 年强度 {shown_field(form, form.intensity_key, r.intensity_2025).text}，"
                         f"2030 年强度 {shown_field(form, form.intensity_key, r.intensity_2030).text}")  # fmt: skip
        for name, err in proj.errors.items():
            lines.append(f"<span style='color:#b00020'>{name}：{err}</span>")
        self.results.setText("<br/>".join(lines))
