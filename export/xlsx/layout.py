"""Where everything goes in the workbook, derived from the form definition alone.

The plan of a year sheet (which row holds which table row, which cell holds which key) does not depend on
the values, so the summary and factor sheets can reference year-sheet cells before anything is written.

Every sheet carries a hidden last column: in each row that holds readable cells it lists them as
``D=v:energy.raw_coal;E=v:energy.raw_coal.feedstock`` (``v`` a field value, ``x`` the explanation of a
warning, ``s:<year>`` the source of a factor).  The importer reads cells through these tags, so rows moved
by a user still land on the right key; a changed column layout is detected from the header row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from forms.table.definition import COMPUTED, FACTOR, INPUT, PARK, VALUES, FormDefinition, Row, Section, Subtotal

FORMAT = "parkcarbon-workbook/1"
META_SHEET = "_meta"
SUMMARY_SHEET = "汇总"
FACTOR_SHEET = "排放因子"
TARGET_SHEET = "目标"

TAG_VALUE = "v"
TAG_EXPLANATION = "x"
TAG_SOURCE = "s"


def year_sheet_name(year: int) -> str:
    return f"{year}年"


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# -- columns ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableColumns:
    """序号 / 指标 / 单位, the form's columns, 数据来源, then the hidden key column."""

    ids: tuple[str, ...]
    labels: tuple[str, ...]

    @classmethod
    def of(cls, form: FormDefinition) -> TableColumns:
        ids = ("no", "label", "unit", *(c.id for c in form.columns), "source")
        labels = ("序号", "指标", "单位", *(c.label for c in form.columns), "数据来源")
        return cls(ids, labels)

    def letter(self, col_id: str) -> str:
        return get_column_letter(self.ids.index(col_id) + 1)

    @property
    def first_value(self) -> int:
        return 4

    @property
    def last_value(self) -> int:
        return len(self.ids) - 1

    @property
    def source_letter(self) -> str:
        return get_column_letter(len(self.ids))

    @property
    def key_letter(self) -> str:
        return get_column_letter(len(self.ids) + 1)

    @property
    def last_letter(self) -> str:
        return self.source_letter


# -- key tags ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tag:
    column: str  # letter
    kind: str  # v / x / s
    key: str
    year: int | None = None

    def text(self) -> str:
        if self.kind == TAG_SOURCE:
            return f"{self.column}={self.kind}:{self.year}:{self.key}"
        return f"{self.column}={self.kind}:{self.key}"


def encode_tags(tags: list[Tag]) -> str:
    return ";".join(t.text() for t in tags)


def decode_tags(text: object) -> list[Tag]:
    """The tags of a hidden key cell; anything malformed is skipped (the caller reports missing keys)."""
    out: list[Tag] = []
    if not isinstance(text, str):
        return out
    for part in text.split(";"):
        column, sep, rest = part.strip().partition("=")
        kind, _, key = rest.partition(":")
        if not sep or not column.isalpha() or not key:
            continue
        year: int | None = None
        if kind == TAG_SOURCE:
            ytext, _, key = key.partition(":")
            if not ytext.isdigit() or not key:
                continue
            year = int(ytext)
        elif kind not in (TAG_VALUE, TAG_EXPLANATION):
            continue
        out.append(Tag(column.upper(), kind, key, year))
    return out


# -- the year sheet plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderSlot:
    key: str
    label_col: int
    value_cols: tuple[int, int]  # first, last (merged)


@dataclass
class PlanLine:
    row: int
    kind: str  # title / subtitle / header / columns / section / row / subtotal / note / heading / text
    section: Section | None = None
    table_row: Row | None = None
    subtotal: Subtotal | None = None
    number: int = 0
    slots: tuple[HeaderSlot, ...] = ()
    text: str = ""
    key: str = ""


@dataclass
class YearPlan:
    form: FormDefinition
    columns: TableColumns
    lines: list[PlanLine] = field(default_factory=list)
    cell_of: dict[str, str] = field(default_factory=dict)  # primary cell of every placed key
    subtotal_cells: dict[tuple[str, str], str] = field(default_factory=dict)  # (小计 id, column id) -> cell
    header_row: int = 0
    next_row: int = 0

    def ref(self, key: str) -> str:
        return self.cell_of[key]


def _is_long(form: FormDefinition, key: str) -> bool:
    return form.field(key).kind_type.multiline


def plan_year_sheet(form: FormDefinition) -> YearPlan:
    cols = TableColumns.of(form)
    plan = YearPlan(form, cols)
    r = 1
    plan.lines.append(PlanLine(r, "title"))
    r += 1
    plan.lines.append(PlanLine(r, "subtitle"))
    r += 1
    # header block: short profile / header fields, as many label+value pairs per line as fit
    slot_width = 3
    per_line = max(1, (len(cols.ids) - 1) // slot_width)
    header_sections = [s for s in form.sections if s.group != VALUES]
    long_keys: list[str] = []
    for section in header_sections:
        keys = [k for row in section.rows for k in row.cells.values()]
        short = [k for k in keys if not _is_long(form, k)]
        long_keys += [k for k in keys if _is_long(form, k)]
        for i in range(0, len(short), per_line):
            slots = []
            for j, key in enumerate(short[i : i + per_line]):
                label_col = 2 + j * slot_width
                slots.append(HeaderSlot(key, label_col, (label_col + 1, label_col + slot_width - 1)))
                plan.cell_of.setdefault(key, f"{get_column_letter(label_col + 1)}{r}")
            plan.lines.append(PlanLine(r, "header", section=section, slots=tuple(slots)))
            r += 1
    plan.header_row = r
    plan.lines.append(PlanLine(r, "columns"))
    r += 1
    number = 0
    placed: set[str] = set(plan.cell_of)
    for section in form.sections:
        if section in header_sections:
            continue
        plan.lines.append(PlanLine(r, "section", section=section, text=section.title))
        r += 1
        for row in section.rows:
            number += 1
            plan.lines.append(PlanLine(r, "row", section=section, table_row=row, number=number))
            for col_id, key in row.cells.items():
                if key not in plan.cell_of:
                    plan.cell_of[key] = f"{cols.letter(col_id)}{r}"
            placed.update(row.cells.values())
            r += 1
        for sub in section.subtotals:
            plan.lines.append(PlanLine(r, "subtotal", section=section, subtotal=sub))
            for col_id in sub.cells:
                plan.subtotal_cells[(sub.id, col_id)] = f"{cols.letter(col_id)}{r}"
            r += 1
        if section.note:
            plan.lines.append(PlanLine(r, "note", section=section, text=section.note))
            r += 1
    # fields a formula needs that the paper layout does not place: an extra area, so every reference resolves
    needed: set[str] = set()
    for f in form.fields:
        if f.expr is not None:
            needed |= f.expr.names()
    extra = [f for f in form.fields if f.group != PARK and f.key not in plan.cell_of and f.key not in long_keys]
    extra = [f for f in extra if f.key in needed or f.role in (INPUT, FACTOR, COMPUTED)]
    if extra:
        plan.lines.append(PlanLine(r, "section", text="其他项目（表中未列示的系数与数据）"))
        r += 1
        for f in extra:
            number += 1
            col_id = "co2_factor" if f.is_factor and "co2_factor" in cols.ids else cols.ids[3]
            row = Row(f.label, f.unit, {col_id: f.key})
            plan.lines.append(PlanLine(r, "row", table_row=row, number=number))
            plan.cell_of[f.key] = f"{cols.letter(col_id)}{r}"
            r += 1
    if long_keys:
        r += 1
        plan.lines.append(PlanLine(r, "heading", text="文字说明"))
        r += 1
        for key in long_keys:
            plan.lines.append(PlanLine(r, "text", key=key, text=form.field(key).label))
            plan.cell_of.setdefault(key, f"{get_column_letter(3)}{r}")
            r += 1
    plan.next_row = r + 1
    return plan
