"""The Excel workbook the ministry receives: one sheet per year laid out like the paper table, a 汇总 sheet
with the series, a 排放因子 sheet with every factor and its source, and a hidden ``_meta`` sheet that lets
:mod:`export.xlsx.reader` read a filled or edited copy back.

Everything is driven by the form definition: sections, rows, columns, labels, units, formulas.  Computed
cells are live formulas (``Expr`` → spreadsheet text) with the app's results stored as cached values.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from export.xlsx import styles as st
from export.xlsx.cache import Cached, inject_cached_values
from export.xlsx.layout import (
    FACTOR_SHEET,
    FORMAT,
    META_SHEET,
    SUMMARY_SHEET,
    TAG_EXPLANATION,
    TAG_SOURCE,
    TAG_VALUE,
    TARGET_SHEET,
    PlanLine,
    Tag,
    YearPlan,
    encode_tags,
    plan_year_sheet,
    year_sheet_name,
)
from export.xlsx.summary import write_summary_sheet
from export.xlsx.targets_sheet import write_target_sheet
from export.xlsx.text import set_text as _set_text
from forms.park.atomic import atomic_write_bytes
from forms.park.model import ParkData, Raw, YearData
from forms.park.text_rules import printable
from forms.report.typography import chinese_punctuation
from forms.table.calc import ParkResult, compute_park
from forms.table.definition import PARK, Field, FormDefinition
from forms.table.expr import to_excel_guarded
from forms.table.factors import FactorValue, library, printed_grade
from forms.table.numbers import is_blank
from forms.table.registry import form_for
from forms.table.validate import WARNING, Finding, validate_park

__all__ = ["template_park", "workbook_bytes", "write_workbook"]

APP = "园区双碳填报 parkcarbon"
UNAVAILABLE = "—"


def template_park(park: ParkData) -> ParkData:
    """The blank template of ``park``: its profile (name, province → grid default) and years, no values."""
    form = form_for(park.form)
    years = park.sorted_years() or list(range(form.first_year, form.first_year + 5))
    forms = {y: park.years[y].form if y in park.years else park.form for y in years}  # each year keeps its version
    return ParkData(park=dict(park.park), years={y: YearData(form=forms[y]) for y in years}, form=park.form)


def write_workbook(park: ParkData, path: str | Path, *, template: bool = False) -> Path:
    """Write the workbook of ``park`` (or its blank template) to ``path`` atomically; returns the path."""
    target = Path(path)
    atomic_write_bytes(target, workbook_bytes(park, template=template))
    return target


def workbook_bytes(park: ParkData, *, template: bool = False) -> bytes:
    if template:
        park = template_park(park)
    writer = _Writer(park, template)
    return writer.build()


def json_text(value: Raw) -> str:
    return json.dumps(value, ensure_ascii=True)  # ASCII: a lone surrogate survives the sheet as an escape


@dataclass
class _Writer:
    park: ParkData
    template: bool
    form: FormDefinition = field(init=False)
    result: ParkResult = field(init=False)
    findings: list[Finding] = field(init=False)
    plan: YearPlan = field(init=False)
    wb: Workbook = field(init=False)
    sty: st.CellStyles = field(init=False)
    cached: dict[str, dict[str, Cached]] = field(default_factory=dict)
    raw_records: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    factor_records: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    factor_cells: dict[tuple[int, str], tuple[str, Cached]] = field(default_factory=dict)
    source_cells: dict[tuple[int, str], str] = field(default_factory=dict)
    target_records: list[tuple[str, ...]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.form = form_for(self.park.form)
        if not self.park.years:
            self.park = self.park.copy()
            self.park.years = {y: YearData(form=self.park.form) for y in range(self.form.first_year, 2021)}
        self.result = compute_park(self.park)
        self.findings = [] if self.template else validate_park(self.park, self.result)
        self.plan = plan_year_sheet(self.form)
        self._plans: dict[str, YearPlan] = {self.form.version: self.plan}
        self._unavailable: dict[str, frozenset[str]] = {}

    # -- each year follows its own form version ---------------------------------------------------
    def form_of(self, year: int) -> FormDefinition:
        return self.result.form_of(year)

    def plan_of(self, year: int) -> YearPlan:
        form = self.form_of(year)
        if form.version not in self._plans:
            self._plans[form.version] = plan_year_sheet(form)
        return self._plans[form.version]

    def unavailable(self, year: int) -> frozenset[str]:
        form = self.form_of(year)
        if form.version not in self._unavailable:
            self._unavailable[form.version] = _maybe_unavailable(form)
        return self._unavailable[form.version]

    # -- whole workbook ---------------------------------------------------------------------------
    def build(self) -> bytes:
        self.wb = Workbook()
        self.wb.remove(self.wb.active)  # type: ignore[arg-type]
        self.sty = st.CellStyles(self.wb)  # the cells' styles, given once at the end as named styles
        years = self.park.sorted_years()
        for i, year in enumerate(years):
            self.write_year(year, first=i == 0)
        summary = self.wb.create_sheet(SUMMARY_SHEET)
        self.cached[SUMMARY_SHEET] = write_summary_sheet(
            summary, self.form, {y: self.plan_of(y) for y in years}, self.result, years, self.park
        )
        self.write_factor_sheet(years)
        self.target_records = write_target_sheet(
            self.wb.create_sheet(TARGET_SHEET), self.park, self.result, template=self.template
        )
        self.write_meta(years)
        self.sty.apply()
        self.wb.calculation = CalcProperties(fullCalcOnLoad=True)
        props = self.wb.properties
        props.title = f"{self.park.name} {self.form.title}"
        props.creator = APP
        props.subject = self.form.title
        props.keywords = f"{FORMAT} {self.form.version}"
        buf = io.BytesIO()
        self.wb.save(buf)
        return inject_cached_values(buf.getvalue(), self.wb.sheetnames, self.cached)

    # -- cells ------------------------------------------------------------------------------------
    def formula(self, ws: Worksheet, ref: str, text: str, cached: Cached) -> Cell:
        cell = ws[ref]
        cell.value = "=" + text
        if cached is not None and not (isinstance(cached, float) and not math.isfinite(cached)):
            self.cached.setdefault(ws.title, {})[ref] = cached
        return cell

    def put_raw(self, ws: Worksheet, ref: str, key: str, f: Field, raw: Raw) -> tuple[Cell, bool]:
        """Write what the clerk typed; returns the cell and whether it failed to parse."""
        cell = ws[ref]
        if raw is None:
            return cell, False
        if isinstance(raw, str) and raw == "":  # typed and cleared: kept as the empty text it is
            self.raw_records.append((ws.title, ref, key, json_text(raw), json_text(None)))
            return cell, False
        if f.is_numeric:
            checked = f.kind_type.parse(raw)
            if checked.error is None and isinstance(checked.value, float):
                written: float | int = raw if isinstance(raw, int) and not isinstance(raw, bool) else checked.value
                if isinstance(raw, float):
                    written = raw
                cell.value = written
                if isinstance(raw, str):
                    self.raw_records.append((ws.title, ref, key, json_text(raw), json_text(written)))
                return cell, False
            if checked.error is None and is_blank(raw):
                self.raw_records.append((ws.title, ref, key, json_text(raw), json_text(None)))
                return cell, False
            self.user_text(cell, key, str(raw))
            return cell, True
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            cell.value = raw
        else:
            self.user_text(cell, key, str(raw))
        return cell, False

    def user_text(self, cell: Cell, key: str, text: str) -> None:
        """Typed text; when a character had to be replaced (text.set_text), ``_meta`` keeps the text as typed
        so that reading the unchanged cell back gives it unchanged."""
        _set_text(cell, text)
        if cell.value != text:
            self.raw_records.append((cell.parent.title, cell.coordinate, key, json_text(text), json_text(cell.value)))

    # -- year sheet -------------------------------------------------------------------------------
    def write_year(self, year: int, *, first: bool) -> None:
        form, plan = self.form_of(year), self.plan_of(year)
        cols = plan.columns
        maybe_unavailable = self.unavailable(year)
        ws = self.wb.create_sheet(year_sheet_name(year))
        ydata = self.park.years.get(year) or YearData()
        yres = self.result.years[year]
        first_year = self.park.sorted_years()[0]
        first_sheet, first_plan = year_sheet_name(first_year), self.plan_of(first_year)
        last = cols.last_letter
        ncols = len(cols.ids)
        for i, width in enumerate(_column_widths(ncols), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.column_dimensions[cols.key_letter].hidden = True

        def value_cell(key: str, ref: str) -> list[Tag]:
            f = form.field(key)
            primary = plan.cell_of.get(key) == ref
            cell = ws[ref]
            if f.group == PARK and not first:
                self.formula(
                    ws, ref, f"{_q(first_sheet)}!{first_plan.cell_of[key]}", _cached_raw(self.park.park.get(key))
                )
                _style(self.sty, cell, st.COMPUTED_FILL, st.number_format(f), locked=True)
                return []
            if not primary:
                self.formula(ws, ref, plan.cell_of[key], _cached_value(yres.value(key)))
                _style(self.sty, cell, st.COMPUTED_FILL, st.number_format(f, yres.value(key)), locked=True)
                return []
            if f.is_computed:
                assert f.expr is not None
                text = to_excel_guarded(f.expr, plan.ref, maybe_unavailable.__contains__)
                self.formula(ws, ref, text, _cached_value(yres.computed.get(key)))
                _style(self.sty, cell, st.COMPUTED_FILL, st.number_format(f), locked=True)
                return []
            if f.is_factor:
                fv = yres.factors[key]
                self.write_factor_cell(ws, ref, year, f, fv)
                return [Tag(_col(ref), TAG_VALUE, key)]
            raw = self.park.park.get(key) if f.group == PARK else ydata.raw(key)
            _, bad = self.put_raw(ws, ref, key, f, raw)
            _style(self.sty, cell, st.ERROR_FILL if bad else st.INPUT_FILL, st.number_format(f), locked=False)
            return [Tag(_col(ref), TAG_VALUE, key)]

        for line in plan.lines:
            r = line.row
            if line.kind == "title":
                ws.merge_cells(f"A{r}:{last}{r}")
                name = self.park.name or "（园区名称）"
                _set_text(ws[f"A{r}"], f"{name}　{year} 年　{form.title}" + ("（空白模板）" if self.template else ""))
                self.sty(ws[f"A{r}"], font=st.TITLE_FONT, alignment=st.CENTER)
                ws.row_dimensions[r].height = 30
            elif line.kind == "subtitle":
                ws.merge_cells(f"A{r}:{last}{r}")
                ws[f"A{r}"] = (
                    f"表格：{form.edition}　黄色单元格填写数据；绿色单元格为折标系数、排放因子（可改为实际采用值，"
                    f"并在“{FACTOR_SHEET}”表注明来源）；灰色单元格为公式，自动计算。"
                )
                self.sty(ws[f"A{r}"], font=st.SUBTITLE_FONT, alignment=st.LEFT_WRAP)
                ws.row_dimensions[r].height = 28
            elif line.kind == "header":
                tags: list[Tag] = []
                for slot in line.slots:
                    f = form.field(slot.key)
                    label = ws.cell(r, slot.label_col, f.label)
                    self.sty(label, font=st.BOLD_FONT, alignment=st.CENTER, fill=st.HEADER_FILL, border=st.BORDER)
                    a, b = slot.value_cols
                    ref = f"{get_column_letter(a)}{r}"
                    if b > a:
                        ws.merge_cells(f"{ref}:{get_column_letter(b)}{r}")
                        for c in range(a + 1, b + 1):
                            self.sty(ws.cell(r, c), border=st.BORDER)
                    tags += value_cell(slot.key, ref)
                    self.sty(ws[ref], alignment=st.LEFT_WRAP)
                    if f.options and (first or f.group != PARK):
                        _add_list_validation(ws, ref, f.options)
                ws.row_dimensions[r].height = 30
                if tags:
                    ws[f"{cols.key_letter}{r}"] = encode_tags(tags)
            elif line.kind == "columns":
                for i, label in enumerate(cols.labels, start=1):
                    c = ws.cell(r, i, label)
                    self.sty(c, font=st.HEADER_FONT, alignment=st.CENTER, fill=st.HEADER_FILL, border=st.BORDER)
                ws.row_dimensions[r].height = 32
            elif line.kind == "section":
                ws.merge_cells(f"A{r}:{last}{r}")
                c = ws[f"A{r}"]
                c.value = line.text
                self.sty(c, font=st.SECTION_FONT, fill=st.SECTION_FILL, alignment=st.LEFT_WRAP)
                for i in range(1, ncols + 1):
                    self.sty(ws.cell(r, i), border=st.BORDER)
                ws.row_dimensions[r].height = 20
            elif line.kind == "row":
                self.write_table_row(ws, line, value_cell, year)
            elif line.kind == "subtotal":
                self.write_subtotal_row(ws, line, year)
            elif line.kind == "note":
                ws.merge_cells(f"A{r}:{last}{r}")
                c = ws[f"A{r}"]
                c.value = "注：" + line.text
                self.sty(c, font=st.NOTE_FONT, alignment=st.LEFT_WRAP)
                ws.row_dimensions[r].height = st.row_height(c.value, sum(_column_widths(ncols)), line=12)
            elif line.kind == "heading":
                ws.merge_cells(f"A{r}:{last}{r}")
                c = ws[f"A{r}"]
                c.value = line.text
                self.sty(c, font=st.SECTION_FONT, fill=st.SECTION_FILL)
            elif line.kind == "text":
                f = form.field(line.key)
                label = ws.cell(r, 2, f.label)
                self.sty(label, font=st.BOLD_FONT, alignment=st.LEFT_WRAP, border=st.BORDER)
                ref = f"C{r}"
                ws.merge_cells(f"{ref}:{last}{r}")
                tags = value_cell(line.key, ref)
                self.sty(ws[ref], alignment=st.TOP_WRAP)
                for c2 in range(3, ncols + 1):
                    self.sty(ws.cell(r, c2), border=st.BORDER)
                raw = ydata.raw(line.key) if f.group != PARK else self.park.park.get(line.key)
                width = sum(_column_widths(ncols)[2:])
                ws.row_dimensions[r].height = max(36.0, st.row_height(str(raw or ""), width))
                if tags:
                    ws[f"{cols.key_letter}{r}"] = encode_tags(tags)
        self.write_findings(ws, year, ydata, plan.next_row)
        self.page_setup(ws, year)

    def write_table_row(self, ws: Worksheet, line: PlanLine, value_cell: Callable[[str, str], list[Tag]],
                        year: int) -> None:  # fmt: skip
        form, plan = self.form_of(year), self.plan_of(year)
        cols, r = plan.columns, line.row
        row = line.table_row
        assert row is not None
        self.sty(ws.cell(r, 1, line.number), alignment=st.CENTER)
        label = ws.cell(r, 2, row.label)
        self.sty(label, alignment=st.indent_alignment(row.indent))
        self.sty(ws.cell(r, 3, row.unit), alignment=st.CENTER)
        tags: list[Tag] = []
        texts = [k for k in row.cells.values() if not form.field(k).is_numeric]
        merge_text = len(row.cells) == 1 and texts
        for col_id in cols.ids[3:-1]:
            ref = f"{cols.letter(col_id)}{r}"
            key = row.cells.get(col_id)
            if key is not None:
                tags += value_cell(key, ref)
                if merge_text:
                    ws.merge_cells(f"{ref}:{get_column_letter(cols.last_value)}{r}")
                    self.sty(ws[ref], alignment=st.LEFT_WRAP)
                    break
        sources = self.row_sources(row.cells.values(), year)
        if row.note:
            sources.insert(0, row.note)
        if sources:
            c = ws.cell(r, len(cols.ids), printable("；".join(sources)))
            self.sty(c, font=st.NOTE_FONT, alignment=st.LEFT_WRAP)
        for i in range(1, len(cols.ids) + 1):
            cell = ws.cell(r, i)
            self.sty(cell, border=st.BORDER)
            if i < cols.first_value:
                self.sty(cell, font=st.BODY_FONT)
        height = st.row_height(row.label, _column_widths(len(cols.ids))[1] - row.indent * 2)
        if sources:
            height = max(height, st.row_height("；".join(sources), _column_widths(len(cols.ids))[-1], line=12))
        ws.row_dimensions[r].height = height
        if tags:
            ws[f"{cols.key_letter}{r}"] = encode_tags(tags)

    def write_subtotal_row(self, ws: Worksheet, line: PlanLine, year: int) -> None:
        """A 小计 line of the definition: a live formula per column, the app's value cached."""
        plan, yres = self.plan_of(year), self.result.years[year]
        cols, r, sub = plan.columns, line.row, line.subtotal
        assert sub is not None
        label = ws.cell(r, 2, sub.label)
        for col_id in sub.cells:
            ref = plan.subtotal_cells[(sub.id, col_id)]
            text = to_excel_guarded(sub.expr(col_id), plan.ref, self.unavailable(year).__contains__)
            self.formula(ws, ref, text, _cached_value(yres.subtotal(sub.id, col_id)))
            _style(
                self.sty,
                ws[ref],
                st.COMPUTED_FILL,
                st.decimals_format(self.form.subtotal_decimals(sub, col_id)),
                locked=True,
            )
        for i in range(1, len(cols.ids) + 1):
            c = ws.cell(r, i)
            self.sty(c, border=st.BORDER)
            if i < cols.first_value or c.value is None:
                self.sty(c, fill=st.COMPUTED_FILL)
            self.sty(c, font=st.BOLD_FONT)
        self.sty(label, alignment=st.LEFT_WRAP)

    def row_sources(self, keys: Iterable[str], year: int) -> list[str]:
        out: list[str] = []
        yres, form = self.result.years[year], self.form_of(year)
        for key in keys:
            f = form.field(key)
            if not f.is_factor:
                continue
            fv = yres.factors[key]
            what = "系数" if form.is_coefficient(key) else "因子"
            if fv.origin == "override":
                out.append(f"{what}：用户填写（{short_source(fv.source) or '未注明来源'}）")
            elif fv.printed_source:
                grade = printed_grade(fv, self.form.is_coefficient(key))
                cited = chinese_punctuation(short_source(fv.printed_source))
                out.append(f"{what}：{cited}" + (f"，{grade}" if grade else ""))
        return out

    def write_factor_cell(self, ws: Worksheet, ref: str, year: int, f: Field, fv: FactorValue) -> None:
        cell = ws[ref]
        bad = False
        if fv.origin == "override":
            _, bad = self.put_raw(ws, ref, f.key, f, fv.raw)
        elif fv.value is not None:
            cell.value = fv.value
        _style(self.sty, cell, st.ERROR_FILL if bad else st.FACTOR_FILL, st.number_format(f, fv.value), locked=False)
        self.factor_cells[(year, f.key)] = (f"{_q(ws.title)}!{ref}", cell.value)

    def write_findings(self, ws: Worksheet, year: int, ydata: YearData, start: int) -> None:
        form = self.form_of(year)
        cols = self.plan_of(year).columns
        last = cols.last_letter
        mine = [f for f in self.findings if f.year == year]
        warned = {f.key for f in mine if f.level == WARNING}
        orphans = [k for k in ydata.explanations if k not in warned]
        if not mine and not orphans:
            return
        r = start
        ws.merge_cells(f"A{r}:{last}{r}")
        head = ws[f"A{r}"]
        head.value = "检查提示（警告须在右侧填写说明；错误须改正数据）"
        self.sty(head, font=st.SECTION_FONT, fill=st.SECTION_FILL)
        r += 1
        for i, text in ((1, "类别"), (2, "提示"), (7, "说明（填写）")):
            c = ws.cell(r, i, text)
            self.sty(c, font=st.HEADER_FONT, fill=st.HEADER_FILL, alignment=st.CENTER)
        ws.merge_cells(f"B{r}:F{r}")
        ws.merge_cells(f"G{r}:{last}{r}")
        r += 1
        seen: set[str] = set()
        rows: list[tuple[str, str, str | None]] = []
        for finding in mine:
            if finding.level == WARNING:
                if finding.key in seen:
                    rows.append(("警告", finding.message, None))
                    continue
                seen.add(finding.key)
                rows.append(("警告", finding.message, finding.key))
            else:
                rows.append(("错误", finding.message, None))
        for key in orphans:
            label = form.field(key).label if key in form else key
            rows.append(("说明", f"{label}（当前没有对应的警告）", key))
        widths = _column_widths(len(cols.ids))
        for level, message, about in rows:
            self.sty(ws.cell(r, 1, level), alignment=st.CENTER)
            self.sty(ws.cell(r, 1), font=st.ERROR_FONT if level == "错误" else st.BOLD_FONT)
            ws.merge_cells(f"B{r}:F{r}")
            msg = ws.cell(r, 2, printable(message))
            self.sty(msg, alignment=st.LEFT_WRAP, font=st.BODY_FONT)
            ws.merge_cells(f"G{r}:{last}{r}")
            expl = ws.cell(r, 7)
            assert isinstance(expl, Cell)  # the first cell of the merged range G:last
            height = st.row_height(message, sum(widths[1:6]))
            if about is not None:
                text = ydata.explanations.get(about, "")
                if text:
                    self.user_text(expl, about, text)
                _style(self.sty, expl, st.WARNING_FILL, st.TEXT_FORMAT, locked=False)
                self.sty(expl, alignment=st.TOP_WRAP)
                ws[f"{cols.key_letter}{r}"] = encode_tags([Tag("G", TAG_EXPLANATION, about)])
                height = max(height, st.row_height(text, sum(widths[6:])))
            for i in range(1, len(cols.ids) + 1):
                self.sty(ws.cell(r, i), border=st.BORDER)
            ws.row_dimensions[r].height = height
            r += 1

    def page_setup(self, ws: Worksheet, year: int) -> None:
        plan = self.plan_of(year)
        cols = plan.columns
        ws.freeze_panes = f"D{plan.header_row + 1}"
        ws.print_title_rows = f"{plan.header_row}:{plan.header_row}"
        ws.print_area = f"A1:{cols.last_letter}{max(ws.max_row, 1)}"
        st.print_setup(ws, self.park.name, f"{year} 年" if year else ws.title)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False

    # -- factor sheet -----------------------------------------------------------------------------
    def write_factor_sheet(self, years: list[int]) -> None:
        ws = self.wb.create_sheet(FACTOR_SHEET)
        headers = (
            "年份",
            "序号",
            "名称",
            "单位",
            "采用值",
            "默认值",
            "来源（可修改）",
            "可信度",
            "与默认值不同",
            "说明",
        )
        widths = (8, 6, 30, 16, 14, 14, 44, 18, 12, 50)
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        key_col = get_column_letter(len(headers) + 1)
        ws.column_dimensions[key_col].hidden = True
        last = get_column_letter(len(headers))
        ws.merge_cells(f"A1:{last}1")
        _set_text(ws["A1"], f"{self.park.name or '（园区名称）'}　折标系数与排放因子")
        self.sty(ws["A1"], font=st.TITLE_FONT, alignment=st.CENTER)
        ws.row_dimensions[1].height = 30
        ws.merge_cells(f"A2:{last}2")
        ws["A2"] = (
            "“采用值”取自各年度表（在年度表的绿色单元格中修改）；改用非默认值时，请在“来源”栏注明依据。"
            "“未核实”的因子须在报送前核对；示意值仅供参考。"
        )
        self.sty(ws["A2"], font=st.SUBTITLE_FONT, alignment=st.LEFT_WRAP)
        ws.row_dimensions[2].height = 28
        for i, h in enumerate(headers, start=1):
            c = ws.cell(3, i, h)
            self.sty(c, font=st.HEADER_FONT, fill=st.HEADER_FILL, alignment=st.CENTER, border=st.BORDER)
        r = 4
        lib_defaults = _defaults(self.park, self.form_of, years)
        for year in years:  # a locked year's default is its locked factor
            for key, fv in self.result.years[year].factors.items():
                if fv.locked:
                    lib_defaults[(year, key)] = fv
        for year in years:
            yres, form = self.result.years[year], self.form_of(year)
            for n, key in enumerate(form.factor_keys, start=1):
                f = form.field(key)
                fv = yres.factors[key]
                default = lib_defaults[(year, key)]
                self.sty(ws.cell(r, 1, year), alignment=st.CENTER)
                self.sty(ws.cell(r, 2, n), alignment=st.CENTER)
                self.sty(ws.cell(r, 3, f.label), alignment=st.LEFT_WRAP)
                self.sty(ws.cell(r, 4, f.unit), alignment=st.CENTER)
                ref, written = self.factor_cells[(year, key)]
                self.formula(ws, f"E{r}", f'IF(ISBLANK({ref}),"",{ref})', written if written is not None else "")
                _style(self.sty, ws[f"E{r}"], st.COMPUTED_FILL, st.number_format(f, fv.value), locked=True)
                if default.value is not None:
                    self.sty(ws.cell(r, 6, default.value), number_format=st.number_format(f, default.value))
                # the clerk's own source as typed; the library's citation with full-width marks in Chinese text
                source = fv.source if fv.origin == "override" else chinese_punctuation(default.printed_source)
                src = ws.cell(r, 7)
                if source:
                    self.user_text(src, key, source)
                _style(self.sty, src, st.FACTOR_FILL, st.TEXT_FORMAT, locked=False)
                self.sty(src, alignment=st.LEFT_WRAP)
                ws.cell(r, 8, printed_grade(fv if fv.origin == "override" else default, self.form.is_coefficient(key)))
                same = _same_number(written, default.value)
                self.formula(ws, f"I{r}", f'IF(E{r}=F{r},"否","是")', "否" if same else "是")
                # the library's notes are for its maintainers and never printed; the citation is in 来源
                notes = "示意值，仅供估算。" if f.indicative else ""
                if default.basis:  # which year's publication is used and why
                    notes = f"{default.basis}。" + notes
                if default.locked:
                    notes = "已锁定（定稿/报送时的因子）。" + notes
                if fv.origin == "override" and fv.error:
                    notes = f"填写的数值无法识别：{fv.error}。" + notes
                ws.cell(r, 10, printable(notes))
                for i in range(1, len(headers) + 1):
                    c = ws.cell(r, i)
                    self.sty(c, border=st.BORDER, font=st.BODY_FONT)
                    if i in (3, 7, 8, 10):
                        self.sty(c, alignment=st.LEFT_WRAP)
                    elif i in (5, 6):
                        self.sty(c, alignment=st.RIGHT)
                    else:
                        self.sty(c, alignment=st.CENTER)
                ws[f"{key_col}{r}"] = encode_tags([Tag("G", TAG_SOURCE, key, year)])
                text_len = max(st.text_width(source or "") / 42, st.text_width(notes) / 48, 1)
                ws.row_dimensions[r].height = max(18.0, 14.0 * math.ceil(text_len) + 4)
                self.factor_records.append(
                    (
                        year,
                        key,
                        json_text(default.value),
                        default.printed_source,
                        "1" if fv.origin == "override" else "0",
                    )
                )
                r += 1
        ws.freeze_panes = "A4"
        ws.print_title_rows = "3:3"
        ws.print_area = f"A1:{last}{r - 1}"
        ws.auto_filter.ref = f"A3:{last}{r - 1}"
        st.print_setup(ws, self.park.name, FACTOR_SHEET)
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.autoFilter = False
        ws.protection.sort = False

    # -- hidden meta sheet ------------------------------------------------------------------------
    def write_meta(self, years: list[int]) -> None:
        ws = self.wb.create_sheet(META_SHEET)
        ws.sheet_state = "hidden"
        rows: list[tuple[object, ...]] = [
            ("format", FORMAT),
            ("form", self.form.version),
            ("park", self.park.name),
            ("template", "1" if self.template else "0"),
            ("exported_at", _dt.datetime.now().astimezone().isoformat(timespec="seconds")),
            ("app", APP),
            ("summary_sheet", SUMMARY_SHEET),
            ("factor_sheet", FACTOR_SHEET),
            ("target_sheet", TARGET_SHEET),
            ("profile_sheet", year_sheet_name(years[0])),
        ]
        rows += [("year", str(y), year_sheet_name(y), self.form_of(y).version) for y in years]
        rows += [("raw", *rec) for rec in self.raw_records]
        rows += [("factor", str(y), key, dv, ds, ov) for y, key, dv, ds, ov in self.factor_records]
        rows += self.target_records
        for r, values in enumerate(rows, start=1):
            for c, value in enumerate(values, start=1):
                _set_text(ws.cell(r, c), str(value))
        ws.protection.sheet = True


# -- helpers ------------------------------------------------------------------------------------------


def short_source(text: str, limit: int = 26) -> str:
    """The first phrase of a factor's source, for the narrow 数据来源 column (the full text is on 排放因子)."""
    text = " ".join(text.split())
    head, sep, rest = text.partition(": ")
    if sep and head.isascii() and len(head) <= 12:
        text = rest  # "tce: GB/T 2589 …" → "GB/T 2589 …"
    cut = len(text)
    for mark in "(（;；,，|":
        i = text.find(mark, 4)
        if i != -1:
            cut = min(cut, i)
    text = text[:cut].strip()
    short = text if st.text_width(text) <= limit * 2 else text[:limit] + "…"
    return short + "》" * (short.count("《") - short.count("》"))  # a title cut at its "（试行）" is still closed


def _column_widths(ncols: int) -> list[float]:
    widths = [6.0, 36.0, 11.0] + [14.0] * (ncols - 4) + [40.0]
    return widths[:ncols]


def _col(ref: str) -> str:
    return "".join(ch for ch in ref if ch.isalpha())


def _q(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _style(styles: st.CellStyles, cell: Cell, fill: object, fmt: str, *, locked: bool) -> None:
    styles(cell, fill=fill, number_format=fmt, protection=st.UNLOCKED if not locked else st.LOCKED,
           border=st.BORDER, font=st.BODY_FONT, alignment=st.VCENTER)  # fmt: skip


def _cached_value(value: float | None) -> Cached:
    return UNAVAILABLE if value is None else value


def _cached_raw(raw: Raw) -> Cached:
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return raw
    return printable(str(raw))


def _same_number(written: object, default: float | None) -> bool:
    if written is None or written == "":
        return default is None
    if isinstance(written, (int, float)) and default is not None:
        return float(written) == float(default)
    return False


def _maybe_unavailable(form: FormDefinition) -> frozenset[str]:
    """Keys that can hold "—": inputs whose blank means "not reported", and computed keys whose formula can
    give it (a ratio, a division, a tier …, directly or through another such key)."""
    out: set[str] = {f.key for f in form.fields if f.blank_is_missing}
    for f in form.computed_order:
        assert f.expr is not None
        if f.expr.partial() or f.expr.names() & out:
            out.add(f.key)
    return frozenset(out)


def _defaults(
    park: ParkData, form_of: Callable[[int], FormDefinition], years: list[int]
) -> dict[tuple[int, str], FactorValue]:
    lib = library()
    out: dict[tuple[int, str], FactorValue] = {}
    for y in years:
        form = form_of(y)
        province = park.park.get(form.province_key)
        province = province if isinstance(province, str) else None
        out.update({(y, k): lib.default(form.field(k), province, y) for k in form.factor_keys})
    return out


def _add_list_validation(ws: Worksheet, ref: str, options: tuple[str, ...]) -> None:
    text = ",".join(options)
    if len(text) > 250 or any("," in o or '"' in o for o in options):
        return
    dv = DataValidation(type="list", formula1=f'"{text}"', allow_blank=True, showErrorMessage=False)
    dv.promptTitle = "可选项"
    dv.add(ref)
    ws.add_data_validation(dv)
