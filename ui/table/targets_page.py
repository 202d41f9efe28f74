"""目标 page: the park's carbon peak / neutrality targets, edited in a table, evaluated against the data.

Every indicator, label and unit comes from the form definition (forms.table.targets.indicator_keys); the
evaluation and the words are the core's (forms.table.targets), so the window, the report and ``calc`` agree.
Each edit is one session operation (``set_targets``): saved at once, in the history, undoable.  A row the core
would refuse (forms.table.targets.parse_target, the park file's own rule: a base year not before the target
year, a year or value that is not one) is not saved: its cells keep what was typed, a red line says what is
wrong, and the row is saved as soon as it is right; so every park the window holds writes a park file that
reads back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from forms.park.model import ParkData
from forms.report.markers import ChartBlock, Series, TableBlock
from forms.report.resolve import BlockResolver
from forms.table.calc import ParkResult
from forms.table.definition import FormDefinition
from forms.table.numbers import parse_number
from forms.table.registry import form_for
from forms.table.targets import FIRST_YEAR, KINDS, LAST_YEAR, TargetError, indicator_keys, parse_target
from ui.report.block_view import chart_image

COLUMNS = ("指标", "类型", "目标年份", "基准年", "目标值", "提出年份", "来源", "未达成说明")
STATUS_COLOURS = {"达成": "#E2EFDA", "未达成": "#F8CBAD", "待评估": "#EDEDED"}
CHART_SIZE = (340, 200)  # fits the lower half of the page at 1366×768 without scrolling


def _year_text(value: Any) -> str:
    return "" if value is None else str(value)


def _value_text(value: Any) -> str:
    """A target value as typed: 2500000, not 2.5e+06."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{float(value):f}".rstrip("0").rstrip(".")
    return str(value)


def _year_of(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR else None


class TargetsPage(QWidget):
    """The targets editor and their evaluation (达成 / 未达成 / 待评估, gap, a chart per indicator)."""

    def __init__(self, session: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._filling = False
        self.title = QLabel("碳达峰碳中和目标")
        self.title.setStyleSheet("font-size: 15px; font-weight: bold;")
        hint = QLabel("每行一个目标：指标来自年度表格；“较基准年下降”须填写基准年；碳达峰目标的指标为二氧化碳排放总量。"
                      "目标年份已填报但未达成时，请在“未达成说明”中写明原因及措施。")  # fmt: skip
        hint.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 260)
        self.table.setColumnWidth(1, 120)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(lambda _item: self.save())
        add = QPushButton("添加目标")
        add.clicked.connect(self.add_target)
        remove = QPushButton("删除所选目标")
        remove.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        self.problems = QLabel("")  # the rows not saved, and why
        self.problems.setObjectName("target_problems")
        self.problems.setStyleSheet("color: #c00000;")
        self.problems.setWordWrap(True)
        self.problems.hide()
        self.evaluation = QTableWidget(0, 6)
        self.evaluation.setHorizontalHeaderLabels(["序号", "目标", "目标值", "实际值", "差距", "状态"])
        self.evaluation.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evaluation.verticalHeader().setVisible(False)
        self.evaluation.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.charts = QWidget()
        self.charts_box = QHBoxLayout(self.charts)
        self.charts_box.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.charts)
        # at 1366×768 three stacked panes left each a few rows: the targets above, and below them, in tabs,
        # their evaluation and the charts (both the size of the lower half, the clerk moves the divider)
        self.below = QTabWidget()
        self.below.addTab(self.evaluation, "目标落实情况")
        self.below.addTab(scroll, "目标与实际对比图")
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.below)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        box = QVBoxLayout(self)
        box.setContentsMargins(8, 6, 8, 6)
        box.setSpacing(4)
        box.addWidget(self.title)
        box.addWidget(hint)
        box.addLayout(buttons)
        box.addWidget(self.problems)
        box.addWidget(self.splitter, 1)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------------
    @property
    def park(self) -> ParkData:
        park: ParkData = self.session.park
        return park

    def indicator_choices(self) -> list[tuple[str, str]]:
        """(key, "label(unit)") of every indicator of the park's form versions, in table order."""
        seen: dict[str, str] = {}
        for form in self.forms():
            for key in indicator_keys(form):
                f = form.field(key)
                seen.setdefault(key, f"{f.label}({f.unit})" if f.unit else f.label)
        return list(seen.items())

    def _combo(self, choices: list[tuple[str, str]], current: str) -> QComboBox:
        combo = QComboBox()
        for key, label in choices:
            combo.addItem(label, key)
        index = combo.findData(current)
        combo.setCurrentIndex(max(index, 0))
        combo.currentIndexChanged.connect(lambda _i: self.save())
        return combo

    # -- filling -----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._say_problems({})
        self._filling = True
        try:
            indicators = self.indicator_choices()
            kinds = list(KINDS.items())
            targets = self.park.targets
            self.table.setRowCount(len(targets))
            for row, t in enumerate(targets):
                self.table.setCellWidget(row, 0, self._combo(indicators, str(t.get("indicator", ""))))
                self.table.setCellWidget(row, 1, self._combo(kinds, str(t.get("kind", ""))))
                texts = (_year_text(t.get("year")), _year_text(t.get("base_year")),
                         _value_text(t.get("value")), _year_text(t.get("set_in")),
                         str(t.get("source") or ""), str(t.get("explanation") or ""))  # fmt: skip
                for col, text in enumerate(texts, start=2):
                    self.table.setItem(row, col, QTableWidgetItem(text))
            for col in (0, 1):  # the chosen indicator and kind shown whole (the longest is wider than 260 px)
                combos = [w for r in range(len(targets)) if (w := self.table.cellWidget(r, col)) is not None]
                widest = max((w.sizeHint().width() for w in combos), default=0)
                if widest > self.table.columnWidth(col):
                    self.table.setColumnWidth(col, widest)
        finally:
            self._filling = False
        self.refresh_evaluation()

    def result(self) -> ParkResult:
        return self.session.park_result()

    def refresh_evaluation(self) -> None:
        result = self.result()
        resolver = BlockResolver(self.park, result)
        block = resolver.resolve("table.target_eval")
        rows = block.rows if isinstance(block, TableBlock) else ()
        self.evaluation.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (2, 3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c == 5:
                    item.setBackground(QColor(STATUS_COLOURS.get(text, "#FFFFFF")))
                self.evaluation.setItem(r, c, item)
        self._refresh_charts(result)

    def chart_blocks(self, result: ParkResult) -> list[ChartBlock]:
        """A small chart per indicator: the actual values of the filed years against each target's line."""
        years = sorted(result.years)
        by_indicator: dict[str, list[dict[str, Any]]] = {}
        for t in self.park.targets:
            if t.get("kind") != "peak":
                by_indicator.setdefault(str(t.get("indicator")), []).append(t)
        out = []
        for key, targets in by_indicator.items():
            form = result.form_of(years[-1]) if years else result.form
            label = form.field(key).label if key in form else key
            actual = tuple(result.years[y].value(key) for y in years)
            series = [Series("实际值", actual)]
            for t in targets:
                value = t.get("value")
                if value is None:
                    continue
                if t.get("kind") == "reduction":
                    base = result.years.get(int(t.get("base_year") or 0))
                    x_base = base.value(key) if base else None
                    line = None if x_base is None else x_base * (1 - float(value) / 100)
                else:
                    line = float(value)
                series.append(Series(f"{t.get('year')}年目标", tuple(line for _ in years)))
            unit = form.field(key).unit if key in form else ""
            out.append(ChartBlock(f"chart.target.{key}", label, "line", tuple(str(y) for y in years), tuple(series),
                                  unit))  # fmt: skip
        return out

    def _refresh_charts(self, result: ParkResult) -> None:

        while self.charts_box.count():
            item = self.charts_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for block in self.chart_blocks(result):
            holder = QVBoxLayout()
            holder.setContentsMargins(4, 2, 4, 2)
            holder.setSpacing(0)
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(chart_image(block, CHART_SIZE[0], CHART_SIZE[1])))
            caption = QLabel(block.title)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            frame = QWidget()
            holder.addWidget(caption)
            holder.addWidget(label)
            frame.setLayout(holder)
            self.charts_box.addWidget(frame)
        self.charts_box.addStretch(1)

    # -- writing ---------------------------------------------------------------------------------------
    def _row_target(self, row: int, old: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
        """The target row ``row`` shows, and why it cannot be saved (None: it can)."""

        def text(col: int) -> str:
            item = self.table.item(row, col)
            return item.text().strip() if item is not None else ""

        indicator = self.table.cellWidget(row, 0)
        kind = self.table.cellWidget(row, 1)
        target: dict[str, Any] = {
            "indicator": indicator.currentData() if isinstance(indicator, QComboBox) else old.get("indicator"),
            "kind": kind.currentData() if isinstance(kind, QComboBox) else old.get("kind"),
        }
        problem: str | None = None
        for col, key in ((2, "year"), (3, "base_year"), (5, "set_in")):
            typed = text(col)
            year = _year_of(typed)
            if year is not None:
                target[key] = year
            elif typed:
                problem = problem or f"{COLUMNS[col]}“{typed}”应为 {FIRST_YEAR}—{LAST_YEAR} 年之间的年份"
            elif key == "year":
                problem = problem or "请填写目标年份"
        raw_value = text(4)
        parsed = parse_number(raw_value)
        if raw_value and raw_value == _value_text(old.get("value")):
            target["value"] = old["value"]  # the value as it was shown: kept as filed (18 stays 18, not 18.0)
        elif raw_value and not parsed.error and parsed.value is not None:
            target["value"] = parsed.value
        elif raw_value:
            problem = problem or f"目标值“{raw_value}”{parsed.error or '不是数字'}"
        for col, key in ((6, "source"), (7, "explanation")):
            if text(col):
                target[key] = text(col)
        target = {k: v for k, v in target.items() if v is not None}
        if problem is None:
            try:
                parse_target(target, self.forms())
            except TargetError as exc:
                problem = str(exc)
        return target, problem

    def forms(self) -> list[FormDefinition]:
        """The park's form versions, as the park file reads its targets against them."""
        forms = [form_for(self.park.form)]
        return forms + [form_for(v) for v in sorted({y.form for y in self.park.years.values()}) if v != self.park.form]

    def save(self) -> None:
        if self._filling:
            return
        old = self.park.targets
        new: list[dict[str, Any]] = []
        pending: dict[int, str] = {}  # row -> why it is not saved
        for row in range(self.table.rowCount()):
            before = old[row] if row < len(old) else {}
            target, problem = self._row_target(row, before)
            if problem is None:
                new.append(target)
            else:
                pending[row] = problem
                if before:
                    new.append(before)  # as it was, until the row is right
        typed = {row: self._row_texts(row) for row in pending}
        if new != old:
            self.session.set_targets(new)  # the window refreshes this page from what was saved ...
            self._restore_texts(typed)  # ... and the rows not saved show again what was typed in them
            self.refresh_evaluation()
        self._say_problems(pending)

    def _row_texts(self, row: int) -> tuple[list[Any], list[str]]:
        combos = [
            w.currentData() if isinstance(w := self.table.cellWidget(row, c), QComboBox) else None for c in (0, 1)
        ]
        texts = [item.text() if (item := self.table.item(row, c)) is not None else "" for c in range(2, len(COLUMNS))]
        return combos, texts

    def _restore_texts(self, typed: dict[int, tuple[list[Any], list[str]]]) -> None:
        self._filling = True
        try:
            for row, (combos, texts) in typed.items():
                if row >= self.table.rowCount():
                    continue
                for col, data in enumerate(combos):
                    combo = self.table.cellWidget(row, col)
                    if isinstance(combo, QComboBox) and data is not None:
                        combo.setCurrentIndex(max(combo.findData(data), 0))
                for col, text in enumerate(texts, start=2):
                    self.table.setItem(row, col, QTableWidgetItem(text))
        finally:
            self._filling = False

    def _say_problems(self, pending: dict[int, str]) -> None:
        lines = [f"第 {row + 1} 行：{why}" for row, why in sorted(pending.items())]
        self.problems.setText("以下目标的修改尚未保存，改正后自动保存。" + "；".join(lines) + "。" if lines else "")
        self.problems.setVisible(bool(lines))

    def add_target(self) -> None:
        years = sorted(self.park.years)
        last = years[-1] if years else 2020
        form = form_for(self.park.form)
        new = {"indicator": form.intensity_key, "kind": "reduction", "year": max(last + 1, 2025),
               "base_year": last, "value": 18}  # fmt: skip
        self.session.set_targets([*self.park.targets, new])
        self.refresh()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows:
            return
        targets = list(self.park.targets)
        for row in rows:
            if row < len(targets):
                del targets[row]
        self.session.set_targets(targets)
        self.refresh()
