"""A year's page: header fields, the summary block, the generated table and the year's written notes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from forms.table.definition import META, Field, FormDefinition
from forms.table.factors import library
from ui.shell.session import Changes, ParkSession
from ui.shell.settings import settings_for
from ui.shell.states import year_status
from ui.shell.undo import EditTracker
from ui.table.explain_bar import ExplainBar
from ui.table.factor_dialog import FactorDialog
from ui.table.fields_form import FieldsForm
from ui.table.year_table import YearTable

if TYPE_CHECKING:
    from PySide6.QtGui import QShowEvent

SUMMARY_COLUMNS = 3
SUMMARY_SETTING = "year_page/summary_shown"


def _settings(session: ParkSession) -> QSettings:
    return settings_for(Path(session.db.path))


def summary_shown(session: ParkSession) -> bool:
    """Whether the year pages show their summary block unfolded (folded by default: the table gets the height)."""
    return str(_settings(session).value(SUMMARY_SETTING, "false")) == "true"


def remember_summary_shown(session: ParkSession, shown: bool) -> None:
    settings = _settings(session)
    settings.setValue(SUMMARY_SETTING, "true" if shown else "false")
    settings.sync()


def summary_fields(form: FormDefinition) -> list[Field]:
    """The summary block: the main column of the section holding the total, then energy and intensity."""
    section = form.row_of[form.emissions_key][0]
    keys = [r.main_key for r in section.rows if r.indent == 0]
    for key in (form.energy_key, form.intensity_key, *form.summary_keys):
        if key not in keys:
            keys.append(key)
    return [form.field(k) for k in keys]


class SummaryBox(QGroupBox):
    def __init__(self, session: ParkSession, year: int, parent: QWidget | None = None) -> None:
        super().__init__(f"{year} 年汇总", parent)
        self.session = session
        self.year = year
        self.fields = summary_fields(session.form_of(year))
        self.values: dict[str, QLabel] = {}
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        for i, f in enumerate(self.fields):
            r, c = divmod(i, SUMMARY_COLUMNS)
            name = QLabel(f"{f.label}：")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value = QLabel("—")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if f.key == session.form_of(year).emissions_key:
                value.setStyleSheet("font-weight: bold; color: #0d47a1;")
            self.values[f.key] = value
            grid.addWidget(name, r, c * 2)
            grid.addWidget(value, r, c * 2 + 1)
        for c in range(SUMMARY_COLUMNS):
            grid.setColumnStretch(c * 2 + 1, 1)

    def refresh(self) -> None:
        result = self.session.result(self.year)
        for f in self.fields:
            text = f.kind_type.format(result.value(f.key), f.decimals)
            self.values[f.key].setText(f"{text} {f.unit}" if text != "—" else text)

    def one_line(self) -> str:
        """The total emissions and the energy use, for the heading while the block is folded."""
        form = self.session.form_of(self.year)
        keys = (form.emissions_key, form.energy_key)
        return "　".join(f"{form.field(k).label}：{self.values[k].text()}" for k in keys if k in self.values)


class YearPage(QWidget):
    def __init__(self, session: ParkSession, tracker: EditTracker, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.year = year
        form = session.form_of(year)
        self.form = form
        meta = list(form.fields_in(META))
        short = [f for f in meta if not f.kind_type.multiline]
        long = [f for f in meta if f.kind_type.multiline]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(4)
        heading = QHBoxLayout()
        title = QLabel(f"{year} 年 · {form.title}")
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        heading.addWidget(title)
        heading.addSpacing(12)
        self.state_label = QLabel("")
        self.state_label.setObjectName("year_state")
        heading.addWidget(self.state_label)
        heading.addSpacing(12)
        self.summary_line = QLabel("")  # the total while the summary block is folded away
        self.summary_line.setObjectName("summary_line")
        self.summary_line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_line.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)  # cut, not wider
        heading.addWidget(self.summary_line, 1)
        self.summary_toggle = QToolButton()
        self.summary_toggle.setObjectName("summary_toggle")
        self.summary_toggle.setCheckable(True)
        self.summary_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.summary_toggle.toggled.connect(self.show_summary)
        heading.addWidget(self.summary_toggle)
        layout.addLayout(heading)
        self.summary = SummaryBox(session, year)
        layout.addWidget(self.summary)
        self.table = YearTable(session, tracker, year)
        self.table.factor_requested.connect(self.edit_factor)
        splitter = QSplitter(Qt.Orientation.Vertical)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.setSpacing(2)
        table_layout.addWidget(self.table, 1)
        self.explain = ExplainBar(session, year)
        table_layout.addWidget(self.explain)
        self.table.currentCellChanged.connect(lambda r, c, _r, _c: self.explain.show_key(self.table.key_at(r, c)))
        splitter.addWidget(table_box)
        self.notes = QTabWidget()
        self.header = FieldsForm(session, tracker, year, short, columns=3)
        header_page = QWidget()
        header_layout = QVBoxLayout(header_page)
        header_layout.addWidget(self.header)
        header_layout.addStretch(1)
        self.notes.addTab(header_page, "表头信息")
        self.long_forms: dict[str, FieldsForm] = {}
        for f in long:
            page = FieldsForm(session, tracker, year, [f], columns=1, labels=False)
            self.long_forms[f.key] = page
            self.notes.addTab(page, f.label)
        splitter.addWidget(self.notes)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setCollapsible(0, False)
        splitter.setSizes([600, 110])
        self.notes.setMinimumHeight(80)
        self.notes.setMaximumHeight(180)
        layout.addWidget(splitter, 1)
        self._refresh_timer = QTimer(self, singleShot=True, interval=0)
        self._refresh_timer.timeout.connect(self._refresh_when_shown)
        self._stale = False  # a change came while the page was not shown: refreshed when shown again
        session.changed.connect(self._changed)
        session.findings_changed.connect(self._refresh_when_shown)
        self.header.show_findings()
        for page in self.long_forms.values():
            page.show_findings()
        self.summary.refresh()
        self.summary_line.setText(self.summary.one_line())
        self.update_state()
        self.show_summary(summary_shown(session))

    def update_state(self) -> None:
        """状态：… from the function that colours this year's navigation dot."""
        status = year_status(self.session.park, self.year, self.session.findings)
        why = f"({status.why})" if status.why else ""
        self.state_label.setText(f"状态：<span style='color:{status.state.colour.name()}; font-weight:bold'>"
                                 f"{status.state.value}</span>{why}")  # fmt: skip
        self.state_label.setToolTip(status.text)
        self.status = status

    def show_summary(self, shown: bool) -> None:
        """Unfold (or fold to one line beside the title) the summary block; every year page follows."""
        self.summary.setVisible(shown)
        self.summary_line.setVisible(not shown)
        self.summary_toggle.blockSignals(True)
        self.summary_toggle.setChecked(shown)
        self.summary_toggle.blockSignals(False)
        self.summary_toggle.setArrowType(Qt.ArrowType.UpArrow if shown else Qt.ArrowType.DownArrow)
        self.summary_toggle.setText("收起汇总" if shown else "展开汇总")
        if shown != summary_shown(self.session):
            remember_summary_shown(self.session, shown)

    def _changed(self, changes: Changes) -> None:
        if changes.touches_year(self.year):
            self._refresh_timer.start()

    def _refresh_when_shown(self) -> None:
        """A page of the stack that is not on screen (another year's) is refreshed only when shown again:
        the check after typing stays as cheap as one page."""
        if self.parent() is not None and not self.isVisible():
            self._refresh_timer.stop()
            self._stale = True
            return
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        shown = summary_shown(self.session)
        if shown != self.summary.isVisibleTo(self):
            self.show_summary(shown)  # folded or unfolded on another year's page
        super().showEvent(event)

    def refresh(self) -> None:
        self._refresh_timer.stop()
        self._stale = False
        if self.year not in self.session.park.years:
            return
        self.table.refresh()
        self.summary.refresh()
        self.summary_line.setText(self.summary.one_line())
        self.update_state()
        self.explain.show_key(self.table.key_at(self.table.currentRow(), self.table.currentColumn()))

    def focus_field(self, key: str) -> bool:
        if self.header.focus_field(key):
            self.notes.setCurrentIndex(0)
            return True
        for i, (k, page) in enumerate(self.long_forms.items()):
            if k == key:
                self.notes.setCurrentIndex(i + 1)
                return page.focus_field(key)
        return self.table.select_key(key)

    def edit_factor(self, key: str) -> None:
        form = self.session.form_of(self.year)
        f = form.field(key)
        result = self.session.result(self.year)

        province = self.session.park.park.get(form.province_key)
        province = province if isinstance(province, str) else None
        default = library().default(f, province, self.year)
        dialog = FactorDialog(f, result.factors[key], default, province, self.year, self)
        if dialog.exec() and dialog.result_value is not None:
            value, source = dialog.result_value
            self.session.set_factor(self.year, key, value, source)


__all__ = ["SummaryBox", "YearPage", "summary_fields"]
