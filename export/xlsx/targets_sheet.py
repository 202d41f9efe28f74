"""The 目标 sheet: the park's carbon peak / neutrality targets (park file ``targets``) and their evaluation.

One row per target, in the park's order: 指标 (the definition's label) and its unit, the kind in words, the
year, the base year, the value, the year whose annual report set it, the source, the explanation of an unmet
target — the typed-in part, yellow — then the evaluation (评估 达成 / 未达成 / 待评估, 实际值, 差距), grey.
The evaluation is written as **values**, the program's own (forms.table.targets), because a target's year and
indicator are typed-in cells a formula could not follow; the sheet says so.

The typed-in part is read back by :func:`read_target_sheet`: the indicator by its label (a hidden list beside
the table feeds the cell's drop-down), the kind by its words.  Each exported target is also recorded in
``_meta``, numbered in a hidden column of its row, so a row that reads back the same gives back the target exactly as stored
(18 stays 18, an absent key stays absent).
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from export.xlsx import styles as st
from export.xlsx.layout import TARGET_SHEET
from export.xlsx.text import set_text
from forms.park.model import ParkData
from forms.park.text_rules import number_problem, printable
from forms.table.calc import ParkResult
from forms.table.definition import FormDefinition
from forms.table.numbers import parse_number
from forms.table.registry import form_for
from forms.table.targets import KINDS, TargetError, evaluate_targets, indicator_keys, parse_target

# (target key or None, header, width); the typed-in columns first, the evaluation after them
COLUMNS: tuple[tuple[str | None, str, float], ...] = (
    (None, "序号", 6),
    ("indicator", "指标", 34),
    (None, "单位", 12),
    ("kind", "目标类型", 14),
    ("year", "目标年份", 10),
    ("base_year", "基准年", 9),
    ("value", "目标值", 12),
    ("set_in", "提出年份", 10),
    ("source", "来源", 28),
    ("explanation", "未达成的说明", 36),
    (None, "评估", 9),
    (None, "实际值", 14),
    (None, "差距", 12),
)
FIRST_ROW = 4  # header on row 3
SPARE_ROWS = 20  # empty typed-in rows below the targets, for new ones
LETTER = {key: get_column_letter(i) for i, (key, _, _) in enumerate(COLUMNS, start=1) if key}
STATUS_COL, ACTUAL_COL, GAP_COL = (get_column_letter(len(COLUMNS) - i) for i in (2, 1, 0))
KEY_COL = get_column_letter(len(COLUMNS) + 1)  # hidden: "t:<n>", the row's ``_meta`` record (moves with the row)
LIST_COL = get_column_letter(len(COLUMNS) + 2)  # hidden: the indicator labels for the drop-down
KIND_WORDS = {v: k for k, v in KINDS.items()}


def target_forms(park: ParkData) -> list[FormDefinition]:
    """The park's form versions, its own first (indicators may come from any of them)."""
    versions = [park.form, *sorted({y.form for y in park.years.values()} - {park.form})]
    return [form_for(v) for v in versions]


def _indicators(forms: Sequence[FormDefinition]) -> dict[str, tuple[str, str]]:
    """key -> (label, unit) of every key a target may name, in definition order."""
    out: dict[str, tuple[str, str]] = {}
    for form in forms:
        for key in indicator_keys(form):
            f = form.field(key)
            out.setdefault(key, (f.label, f.unit))
    return out


def write_target_sheet(ws: Worksheet, park: ParkData, result: ParkResult, *, template: bool) -> list[tuple[str, ...]]:
    """Fill ``ws``; returns the ``_meta`` records of the written targets."""
    forms = target_forms(park)
    indicators = _indicators(forms)
    targets = [] if template else park.targets
    last = get_column_letter(len(COLUMNS))
    for i, (_, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.column_dimensions[KEY_COL].hidden = True
    ws.column_dimensions[LIST_COL].hidden = True
    ws.merge_cells(f"A1:{last}1")
    set_text(ws["A1"], f"{park.name or '（园区名称）'}　碳达峰碳中和目标")
    ws["A1"].font, ws["A1"].alignment = st.TITLE_FONT, st.CENTER
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last}2")
    kinds = "；".join(f"{word}（{_kind_rule(code)}）" for code, word in KINDS.items())
    ws["A2"] = (
        f"黄色单元格填写目标（指标从下拉列表选择；目标类型：{kinds}）。"
        "“评估”“实际值”“差距”是导出时本程序按各年度数据计算的结果（不是公式），修改数据或目标后请导入本程序查看新的评估；"
        "目标年份已填报而未达成的目标，须在“未达成的说明”栏说明原因。"
    )
    ws["A2"].font, ws["A2"].alignment = st.SUBTITLE_FONT, st.LEFT_WRAP
    ws.row_dimensions[2].height = 42
    for i, (_, header, _) in enumerate(COLUMNS, start=1):
        c = ws.cell(3, i, header)
        c.font, c.fill, c.alignment, c.border = st.HEADER_FONT, st.HEADER_FILL, st.CENTER, st.BORDER
    ws.row_dimensions[3].height = 28
    evaluated = evaluate_targets(targets, result)
    records: list[tuple[str, ...]] = []
    r = FIRST_ROW
    for n, (target, ev) in enumerate(zip(targets, evaluated, strict=True), start=1):
        key = str(target.get("indicator"))
        label, unit = indicators.get(key, (key, ""))
        ws.cell(r, 1, n)
        set_text(ws[f"{LETTER['indicator']}{r}"], label)
        ws.cell(r, 3, "%" if target.get("kind") == "reduction" else unit)
        set_text(ws[f"{LETTER['kind']}{r}"], KINDS.get(str(target.get("kind")), str(target.get("kind"))))
        for name in ("year", "base_year", "value", "set_in"):
            value = target.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws[f"{LETTER[name]}{r}"] = value
        for name in ("source", "explanation"):
            text = target.get(name)
            if isinstance(text, str) and text:
                set_text(ws[f"{LETTER[name]}{r}"], text)
        ws[f"{STATUS_COL}{r}"] = ev.status
        ws[f"{ACTUAL_COL}{r}"] = "—" if ev.actual is None else ev.actual
        ws[f"{GAP_COL}{r}"] = "—" if ev.gap is None else ev.gap
        ws[f"{KEY_COL}{r}"] = f"t:{n}"
        records.append(("target", str(n), json.dumps(target, ensure_ascii=True, allow_nan=False)))
        r += 1
    for row in range(FIRST_ROW, r + SPARE_ROWS):
        _style_row(ws, row, filled=row < r)
    for row, target in enumerate(targets, start=FIRST_ROW):
        if target.get("kind") == "peak":  # the actual value is the peak year
            ws[f"{ACTUAL_COL}{row}"].number_format = "0"
    # the drop-downs: indicator labels (a hidden list) and kinds
    for i, (label, _) in enumerate(indicators.values(), start=FIRST_ROW):
        set_text(ws[f"{LIST_COL}{i}"], label)
    end = r + SPARE_ROWS - 1
    names = DataValidation(type="list", allow_blank=True, showErrorMessage=False,
                           formula1=f"${LIST_COL}${FIRST_ROW}:${LIST_COL}${FIRST_ROW + len(indicators) - 1}")  # fmt: skip
    names.add(f"{LETTER['indicator']}{FIRST_ROW}:{LETTER['indicator']}{end}")
    kind_list = DataValidation(type="list", allow_blank=True, showErrorMessage=False,
                               formula1='"' + ",".join(KINDS.values()) + '"')  # fmt: skip
    kind_list.add(f"{LETTER['kind']}{FIRST_ROW}:{LETTER['kind']}{end}")
    ws.add_data_validation(names)
    ws.add_data_validation(kind_list)
    ws.freeze_panes = f"C{FIRST_ROW}"
    ws.print_title_rows = "3:3"
    ws.print_area = f"A1:{last}{max(r - 1, 3)}"
    st.print_setup(ws, park.name, TARGET_SHEET)
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    return records


def _kind_rule(code: str) -> str:
    return {"max": "实际值不高于目标值", "min": "实际值不低于目标值", "reduction": "较基准年下降的百分比不低于目标值",
            "peak": "指标为碳排放总量，目标年份为达峰年份，不填目标值"}[code]  # fmt: skip


def _style_row(ws: Worksheet, r: int, *, filled: bool) -> None:
    formats = {"year": "0", "base_year": "0", "set_in": "0", "value": "General"}
    for i, (key, _, _) in enumerate(COLUMNS, start=1):
        c = ws.cell(r, i)
        c.border, c.font = st.BORDER, st.BODY_FONT
        if key is not None:
            c.fill, c.protection = st.INPUT_FILL, st.UNLOCKED
            c.number_format = formats.get(key, st.TEXT_FORMAT)
            c.alignment = st.LEFT_WRAP if key in ("indicator", "source", "explanation") else st.CENTER
        elif i > 3:
            c.fill, c.protection, c.alignment = st.COMPUTED_FILL, st.LOCKED, st.CENTER
            if i > len(COLUMNS) - 2:
                c.number_format, c.alignment = "#,##0.00", st.RIGHT
        else:
            c.alignment = st.CENTER if i != 2 else st.LEFT_WRAP
    if filled:
        text = str(ws[f"{LETTER['explanation']}{r}"].value or "") + str(ws[f"{LETTER['source']}{r}"].value or "")
        ws.row_dimensions[r].height = st.row_height(text, 30)


# -- reading it back ---------------------------------------------------------------------------------------


@dataclass
class TargetRead:
    targets: list[dict[str, Any]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (cell, Chinese reason)
    read: list[str] = field(default_factory=list)  # cells read


def _is_formula(cell: Any) -> bool:
    return cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def _year(value: Any, what: str) -> int:
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    raise TargetError(f"{what}应为整数年份，而不是“{printable(str(value))}”")


def _number(value: Any) -> int | float:
    if isinstance(value, bool | _dt.date | _dt.time):
        raise TargetError(f"目标值应为数字，而不是“{value}”")
    if isinstance(value, int | float):
        number: int | float = value
    else:
        parsed = parse_number(str(value))
        if parsed.value is None:
            raise TargetError(f"目标值应为数字，而不是“{printable(str(value))}”（{parsed.error or '无法识别'}）")
        number = int(parsed.value) if parsed.value.is_integer() else parsed.value
    if problem := number_problem(number):
        raise TargetError(f"目标值{problem}")
    return number


def _comparable(target: dict[str, Any]) -> dict[str, Any]:
    """A target as the sheet shows it: blanks left out, text as written (see text.set_text)."""
    return {k: printable(v) if isinstance(v, str) else v for k, v in target.items() if not _blank(v)}


def read_target_sheet(ws: Any, forms: Sequence[FormDefinition], recorded: dict[int, str], max_rows: int) -> TargetRead:
    """The targets typed in ``ws``: each non-empty row of the typed-in columns, checked like the park file's
    ``targets``; ``recorded`` are the ``_meta`` records (number → the exported target as JSON)."""
    out = TargetRead()
    indicators = _indicators(forms)
    by_label = {label: key for key, (label, _) in indicators.items()}
    header = tuple(ws.cell(3, i).value for i in range(1, len(COLUMNS) + 1))
    if header != tuple(h for _, h, _ in COLUMNS):
        out.problems.append(("", "表格的列被插入、删除或移动过，无法可靠地读取目标；请使用原样的导出文件"))
        return out
    for r in range(FIRST_ROW, min(ws.max_row, max_rows) + 1):
        cells = {key: ws[f"{letter}{r}"] for key, letter in LETTER.items()}
        if all(_blank(c.value) for c in cells.values()):
            continue
        where = f"第 {r} 行"
        formula = next((k for k, c in cells.items() if _is_formula(c)), None)
        if formula is not None:
            out.problems.append((f"{LETTER[formula]}{r}", f"{where}是公式：公式不会被执行，请改填内容"))
            continue
        try:
            item = _item(cells, by_label)
            target = parse_target(item, forms)
        except TargetError as exc:
            out.problems.append((f"A{r}", f"{where}的目标{exc}"))
            continue
        tag = ws[f"{KEY_COL}{r}"].value
        number = tag[2:] if isinstance(tag, str) and tag.startswith("t:") else ""
        stored = _recorded(recorded.get(int(number)) if number.isdigit() and len(number) < 6 else None, forms)
        if stored is not None and _comparable(stored) == _comparable(target):
            target = stored  # unchanged in the workbook: exactly as it was stored
        out.targets.append(target)
        out.read.append(f"A{r}")
    return out


def _item(cells: dict[str, Any], by_label: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    label = cells["indicator"].value
    text = str(label).strip() if not _blank(label) else ""
    if not text:
        raise TargetError("没有填写指标")
    item["indicator"] = by_label.get(text, text)  # the label as shown, or the key itself
    kind = cells["kind"].value
    kind_text = str(kind).strip() if not _blank(kind) else ""
    if not kind_text:
        raise TargetError("没有填写目标类型")
    item["kind"] = KIND_WORDS.get(kind_text, kind_text)
    if _blank(cells["year"].value):
        raise TargetError("没有填写目标年份")
    item["year"] = _year(cells["year"].value, "目标年份")
    if not _blank(cells["base_year"].value):
        item["base_year"] = _year(cells["base_year"].value, "基准年")
    if not _blank(cells["value"].value):
        item["value"] = _number(cells["value"].value)
    if not _blank(cells["set_in"].value):
        item["set_in"] = _year(cells["set_in"].value, "提出年份")
    for name in ("source", "explanation"):
        value = cells[name].value
        if not _blank(value):
            item[name] = value.isoformat() if isinstance(value, _dt.date | _dt.time) else str(value)
    return item


def _refuse(name: str) -> Any:
    raise ValueError(name)


def _recorded(text: str | None, forms: Sequence[FormDefinition]) -> dict[str, Any] | None:
    """The exported target recorded in ``_meta``, or None when the record is missing or not one."""
    if text is None or len(text) > 10_000:
        return None
    try:
        value = json.loads(text, parse_constant=_refuse)
        return parse_target(value, forms) if isinstance(value, dict) else None
    except (ValueError, TargetError, RecursionError):
        return None
