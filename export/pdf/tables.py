"""The yearly tables (《园区年度碳排放基础数据表》) as landscape PDF pages, one table per filed year.

Everything is driven by the form definition: sections in order, each row's label, unit and cells under
the form's columns.  The same builder makes the report's 附表1 and the stand-alone tables PDF.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table

from export.pdf.blocks import fit_widths, make_table
from export.pdf.style import LANDSCAPE, SECTION_FILL, WIDE, Footer, OfficialDoc, Styles, make_styles, para, text_width
from forms.park.model import ParkData
from forms.table.calc import ParkResult, YearResult, compute_park
from forms.table.definition import META, PARK, VALUES, Field, FormDefinition, Row, Section
from forms.table.kinds import kind_of
from forms.table.numbers import is_blank
from forms.table.registry import FORM_VERSIONS, form_for

TABLE_FONT = 8.5
FIXED_HEAD = ("序号", "指标", "单位")


def shown_value(field: Field, value: float | None) -> str:
    """A computed or factor value as every PDF shows it (the field's own decimals, thousands grouped)."""
    return field.kind_type.format(value, field.decimals)


def input_text(field: Field, raw: object, parsed: float | None, error: bool) -> str:
    """A typed input as printed: to the form's display precision of its unit, like every computed value
    (the stored value keeps every digit); text that does not parse is shown as typed."""
    if is_blank(raw) and not (isinstance(raw, str) and raw.strip() and not field.is_numeric):
        return ""
    if error or not field.is_numeric:
        return str(raw).strip()
    if parsed is None:
        return ""
    return field.kind_type.format(parsed, field.decimals)  # integer and year kinds print no decimals


def cell_text(form: FormDefinition, park: ParkData, year: int, yr: YearResult, key: str) -> str:
    f = form.field(key)
    if f.group == PARK:
        raw = park.park.get(key)
        return "" if is_blank(raw) else str(raw).strip()
    ydata = park.years[year]
    if f.group == META:
        raw = ydata.meta.get(key)
        return "" if raw is None else str(raw).strip()
    if f.is_computed:
        return shown_value(f, yr.computed.get(key))
    if f.is_factor:
        fv = yr.factors.get(key)
        if fv is None:
            return ""
        if fv.error:
            return str(fv.raw)
        text = shown_value(f, fv.value) if fv.value is not None else ""
        return f"{text}*" if fv.origin == "override" and text else text
    return input_text(f, ydata.values.get(key), yr.inputs.get(key), key in yr.input_errors)


def _row_filled(form: FormDefinition, park: ParkData, year: int, row: Row) -> bool:
    """A row with no typed input shows no computed zeros (the paper table leaves it blank)."""
    ydata = park.years[year]
    inputs = [k for k in row.cells.values() if k in form and form.field(k).is_input]
    if not inputs:
        return True
    return any(not is_blank(ydata.values.get(k)) for k in inputs)


@dataclass
class YearRows:
    """Rows under 序号 / 指标 / 单位 / form columns; spanning rows; section titles; notes; text cells."""

    rows: list[list[str]]
    spans: dict[int, int]
    titles: list[int]
    notes: list[int]
    text_cells: list[tuple[int, int]]
    subtotals: list[int] = field(default_factory=list)


def year_table_rows(form: FormDefinition, park: ParkData, year: int, yr: YearResult) -> YearRows:
    rows: list[list[str]] = []
    spans: dict[int, int] = {}
    titles: list[int] = []
    notes: list[int] = []
    text_cells: list[tuple[int, int]] = []
    subtotals: list[int] = []
    ncols = len(FIXED_HEAD) + len(form.columns)
    for section in form.sections:
        spans[len(rows)] = 0
        titles.append(len(rows))
        rows.append([section.title] + [""] * (ncols - 1))
        for n, row in enumerate(section.rows, start=1):
            rows.append(_row_cells(form, park, year, yr, section, row, n, spans, len(rows), text_cells))
        filled = any(_row_filled(form, park, year, row) for row in section.rows)
        for sub in section.subtotals:
            subtotals.append(len(rows))
            cells = ["", sub.label, ""]
            for column in form.columns:
                shown = column.id in sub.cells and filled
                decimals = form.subtotal_decimals(sub, column.id) if shown else 0
                cells.append(kind_of("number").format(yr.subtotal(sub.id, column.id), decimals) if shown else "")
            rows.append(cells)
        if section.note:
            spans[len(rows)] = 0
            notes.append(len(rows))
            rows.append(["注：" + section.note] + [""] * (ncols - 1))
    return YearRows(rows, spans, titles, notes, text_cells, subtotals)


def _row_cells(
    form: FormDefinition,
    park: ParkData,
    year: int,
    yr: YearResult,
    section: Section,
    row: Row,
    n: int,
    spans: dict[int, int],
    index: int,
    text_cells: list[tuple[int, int]],
) -> list[str]:
    label = "\u3000" * row.indent + row.label
    ncols = len(FIXED_HEAD) + len(form.columns)
    if section.group != VALUES:  # profile and header block: label and one value over the rest of the row
        spans[index] = 2
        key = row.main_key
        return [str(n), label, cell_text(form, park, year, yr, key)] + [""] * (ncols - 3)
    filled = _row_filled(form, park, year, row)
    cells = [str(n), label, row.unit]
    for c, slot in enumerate(row.cells.get(column.id) for column in form.columns):
        if slot is not None and not form.field(slot).is_numeric:
            text_cells.append((index, len(FIXED_HEAD) + c))
    for column in form.columns:
        slot = row.cells.get(column.id)
        if slot is None:
            cells.append("")
            continue
        f = form.field(slot)
        cells.append(cell_text(form, park, year, yr, slot) if filled or f.is_factor or f.is_input else "")
    return cells


def year_table(form: FormDefinition, park: ParkData, year: int, yr: YearResult, styles: Styles, width: float) -> Table:
    columns = (*FIXED_HEAD, *(c.label for c in form.columns))
    yrows = year_table_rows(form, park, year, yr)
    rows, spans, titles, notes = yrows.rows, yrows.spans, yrows.titles, yrows.notes
    numeric = (False, False, False, *(True for _ in form.columns))
    extra: list[tuple[Any, ...]] = [("ALIGN", (0, 1), (0, -1), "CENTER")]
    for r in titles:
        extra += [
            ("BACKGROUND", (0, r + 1), (-1, r + 1), SECTION_FILL),
            ("FONTNAME", (0, r + 1), (-1, r + 1), styles.fonts.heading),
        ]
    for r in notes:
        extra += [("FONTSIZE", (0, r + 1), (-1, r + 1), TABLE_FONT - 1)]
    for r in yrows.subtotals:
        extra += [("FONTNAME", (0, r + 1), (-1, r + 1), styles.fonts.heading)]
    # column widths: measured on the value rows only (titles and notes span the whole row and wrap)
    measure = []
    for i, line in enumerate(rows):
        if spans.get(i) == 0:
            continue
        shown = line[:2] + [""] * (len(line) - 2) if spans.get(i) == 2 else list(line)
        for tr, tc in yrows.text_cells:
            if tr == i:
                shown[tc] = ""
        measure.append(shown)
    for r in (*titles, *notes):
        extra.append(("ALIGN", (0, r + 1), (-1, r + 1), "LEFT"))
    widths, size = fit_widths(columns, measure, numeric, width, styles, TABLE_FONT)
    cell = ParagraphStyle("yc", parent=styles.cell, fontSize=size, leading=size * 1.25)
    table_rows: list[list[Any]] = [list(r) for r in rows]
    for r, c in yrows.text_cells:
        if table_rows[r][c]:
            table_rows[r][c] = para(rows[r][c], cell)
    return make_table(
        columns, table_rows, numeric, width, styles, size=size, extra_style=extra, widths=widths, spans=spans
    )


def year_heading(form: FormDefinition, park: ParkData, year: int) -> str:
    return f"{park.name or '(园区名称)'} {year} 年{form.title}"


def year_story(
    park: ParkData,
    result: ParkResult,
    styles: Styles,
    *,
    heading_style: Any = None,
    numbered_title: str = "",
    seal: bool = False,
) -> list[Flowable]:
    """One landscape section per filed year (the caller switches to the WIDE page template first); ``seal``
    ends each year's table with the filing unit's 单位（盖章）and 日期 (the stand-alone tables PDF)."""
    story: list[Flowable] = []
    width = text_width(LANDSCAPE)
    for i, year in enumerate(sorted(result.years)):
        form = result.form_of(year)  # a year filed on another form version prints its own rows
        if i:
            story.append(PageBreak())
        title = year_heading(form, park, year)
        story.append(para(title, heading_style or styles.caption))
        story.append(para(_header_line(form, park, year), styles.note))
        story.append(year_table(form, park, year, result.years[year], styles, width))
        story.append(para("注：带 * 的系数为填报单位修改后的数值，来源见排放因子及数据来源说明。", styles.note))
        if seal:
            story.append(seal_lines(form, park, year, styles))
    return story


def seal_lines(form: FormDefinition, park: ParkData, year: int, styles: Styles) -> Flowable:
    """单位（盖章）and 日期 under a year's table, with room for the seal (kept on one page)."""
    ydata = park.years[year]
    unit = str(ydata.meta.get(form.filler_unit_key) or park.park.get(form.management_body_key) or "").strip()
    blank = "\u3000" * 12
    line = ParagraphStyle("seal", parent=styles.body_flush, alignment=2, spaceBefore=0, spaceAfter=0)
    return KeepTogether([
        Spacer(1, 10 * mm),
        para(f"填报单位（盖章）：{unit or blank}", line),
        Spacer(1, 12 * mm),
        para("日期：\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日", line),
    ])  # fmt: skip


def _header_line(form: FormDefinition, park: ParkData, year: int) -> str:
    ydata = park.years[year]
    unit = ydata.meta.get(form.filler_unit_key) or park.park.get(form.management_body_key) or ""
    date = ydata.meta.get(form.fill_date_key) or ""
    edition = form_for(ydata.form).edition if ydata.form in FORM_VERSIONS else ""
    parts = [f"填报单位：{unit}" if unit else "", f"填报日期：{date}" if date else "",
             f"表格：{edition}" if edition else ""]  # fmt: skip
    return "　　".join(p for p in parts if p)


def build_tables_pdf(park: ParkData, fp: str, *, draft: bool, result: ParkResult | None = None) -> bytes:
    """The stand-alone tables PDF: the yearly tables only, one per year, landscape."""
    result = result or compute_park(park)
    styles = make_styles()
    buf = io.BytesIO()
    title = f"{park.name}{result.form.title}"
    doc = OfficialDoc(
        buf,
        Footer(fp, park.name, result.form.title, draft),
        title=title,
        author=str(park.park.get(result.form.management_body_key) or ""),
        first=WIDE,
    )
    story: list[Flowable] = []
    if not result.years:
        story.append(Paragraph("尚未填报任何年度数据。", styles.body))
    story += year_story(park, result, styles, seal=True)
    doc.build(story)
    return buf.getvalue()


def year_rows_text(rows: Sequence[Sequence[str]]) -> list[str]:
    """Plain text of each row (tests and debugging)."""
    return [" ".join(c for c in r if c) for r in rows]
