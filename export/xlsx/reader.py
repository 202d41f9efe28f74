"""Reading a workbook exported by the app back — filled in or edited in Excel, WPS or LibreOffice.

All or nothing: :func:`read_workbook` reads every readable cell (found through the hidden key column, see
:mod:`export.xlsx.layout`) and reports each one (sheet, cell, key, status, reason).  A single rejected cell
— text that is not a number in a number cell, a formula typed into an input cell, a missing sheet or row —
makes the import (``python main.py import``, :func:`export.cli.run_import_workbook`) refuse the whole file,
leaving the database unchanged.

Typed text is kept as typed (``1,234.5`` stays that text; the form parses it the same way everywhere).
Formulas are never executed.  Files that are not ours, damaged, or too large once unpacked (zip bombs) are
refused before openpyxl parses them.
"""

from __future__ import annotations

import datetime as _dt
import json
import stat
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from export.xlsx.layout import (
    FACTOR_SHEET,
    FORMAT,
    META_SHEET,
    TAG_EXPLANATION,
    TAG_SOURCE,
    TAG_VALUE,
    TableColumns,
    decode_tags,
    plan_year_sheet,
)
from export.xlsx.targets_sheet import read_target_sheet, target_forms
from forms.park.model import FactorOverride, ParkData, Raw, YearData
from forms.park.text_rules import name_problem, normalize_name, number_problem, read_error_text
from forms.report.typography import chinese_punctuation
from forms.table.definition import FACTOR, INPUT, PARK, FormDefinition
from forms.table.factors import library
from forms.table.numbers import is_blank, parse_number
from forms.table.registry import FORM_VERSIONS, form_for

__all__ = ["CellReport", "WorkbookError", "WorkbookReadResult", "read_workbook"]

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 2000
MAX_RATIO = 150  # uncompressed / compressed, for members larger than 1 MB
MAX_ROWS = 20000

READ = "read"
CONVERTED = "converted"
IGNORED = "ignored"
REJECTED = "rejected"
STATUS_ZH = {READ: "已读取", CONVERTED: "已转换", IGNORED: "已忽略", REJECTED: "拒绝"}


class WorkbookError(ValueError):
    """A workbook that cannot be imported at all; the message is Chinese."""


@dataclass(frozen=True)
class CellReport:
    sheet: str
    cell: str
    key: str
    status: str
    reason: str = ""

    def text(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        key = f"　{self.key}" if self.key else ""
        reason = f"：{self.reason}" if self.reason else ""
        return f"{where}{key}　{STATUS_ZH.get(self.status, self.status)}{reason}"


@dataclass
class WorkbookReadResult:
    park: ParkData
    report: list[CellReport] = field(default_factory=list)
    # the workbook's 目标 sheet was read (park.targets are the workbook's); None: it has none (older workbook)
    # or it is a blank template whose sheet was left empty, so a park's targets stay as they are
    targets_read: bool = False
    # the years of a blank template in which nothing was typed: they say nothing, so a park's data stays
    blank_years: frozenset[int] = frozenset()

    def replacing(self, current: ParkData) -> ParkData:
        """The park to store when this workbook replaces ``current`` (a park of the same name): the workbook
        carries the tables, not the special report nor the years it does not list; a blank template's 目标 sheet
        and years left empty keep what ``current`` has (importing an untouched template changes nothing)."""
        park = self.park
        park.report = current.report
        if not self.targets_read:
            park.targets = current.targets
        for year, ydata in current.years.items():
            if year not in park.years or year in self.blank_years:
                park.years[year] = ydata
        return park

    def kept_years(self, current: ParkData) -> list[int]:
        """The years :meth:`replacing` keeps from ``current`` because the blank template left them empty."""
        return sorted(y for y in self.blank_years if y in current.years)

    @property
    def rejected(self) -> list[CellReport]:
        return [r for r in self.report if r.status == REJECTED]

    @property
    def ok(self) -> bool:
        return not self.rejected


# -- the archive, before openpyxl sees it ----------------------------------------------------------------


def check_archive(path: Path) -> None:
    """Refuse a missing, oversized, corrupt or bomb-like file before parsing it."""
    try:
        st = path.stat()
        size = st.st_size
    except FileNotFoundError:
        raise WorkbookError("找不到文件") from None
    except OSError as exc:
        raise WorkbookError(read_error_text(exc)) from None
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"文件过大（{size // 1024 // 1024} MB，上限 {MAX_FILE_BYTES // 1024 // 1024} MB）")
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):  # (a folder is said below)
        raise WorkbookError("这不是普通文件（而是设备或管道，例如 /dev/zero），不能作为工作簿读取")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise WorkbookError(f"工作簿内部文件数量异常（{len(infos)} 个），可能不是正常的 xlsx 文件")
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > MAX_MEMBER_BYTES or total > MAX_UNPACKED_BYTES:
                    raise WorkbookError("工作簿解压后过大（可能是“压缩炸弹”），已拒绝读取")
                if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                    raise WorkbookError("工作簿的压缩比异常（可能是“压缩炸弹”），已拒绝读取")
            names = {i.filename for i in infos}
            if "xl/workbook.xml" not in names:
                raise WorkbookError("文件不是 Excel 工作簿（xlsx）：缺少 xl/workbook.xml")
            bad = zf.testzip()
            if bad is not None:
                raise WorkbookError(f"工作簿已损坏（内部文件“{bad}”校验失败）")
    except zipfile.BadZipFile:
        raise WorkbookError("文件已损坏或不是 xlsx 工作簿（无法按 zip 格式打开）") from None
    except zipfile.LargeZipFile:
        raise WorkbookError("工作簿过大，已拒绝读取") from None
    except OSError as exc:  # a folder named *.xlsx, a file without read permission, a failing disk
        raise WorkbookError(read_error_text(exc)) from None


def _load(path: Path) -> Any:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. extensions written by WPS/LibreOffice that openpyxl skips
            return load_workbook(path, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on damaged files; all mean "cannot read"
        raise WorkbookError(f"工作簿已损坏，无法读取（{type(exc).__name__}）") from None


# -- the hidden meta sheet -----------------------------------------------------------------------------


@dataclass
class _Meta:
    values: dict[str, str] = field(default_factory=dict)
    years: list[tuple[int, str, str]] = field(default_factory=list)  # (year, sheet, form version)
    raw: dict[tuple[str, str], tuple[Raw, Raw]] = field(default_factory=dict)  # (sheet, cell) → (raw, written)
    factors: dict[tuple[int, str], tuple[float | None, str, bool]] = field(default_factory=dict)
    targets: dict[int, str] = field(default_factory=dict)  # number on the 目标 sheet → the exported target (JSON)


def _meta_json(text: str) -> Any:
    """A value recorded in ``_meta``: a JSON scalar as the program writes it; anything else (nested
    structures, NaN, huge literals) means the sheet was edited (ValueError)."""
    if len(text) > 10_000 or text[:1] in ("[", "{"):
        raise ValueError("not a recorded scalar")
    value = json.loads(text, parse_constant=_refuse_constant)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and number_problem(value):
        raise ValueError("number out of range")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _read_meta(wb: Any) -> _Meta:
    if META_SHEET not in wb.sheetnames:
        raise WorkbookError(
            "这不是本程序导出的工作簿（缺少隐藏的“_meta”工作表）。请先在本程序中导出空白模板，在模板中填写后再导入"
        )
    meta = _Meta()
    ws = wb[META_SHEET]
    if ws.max_row > MAX_ROWS * 4:
        raise WorkbookError("“_meta”工作表的行数异常，工作簿可能被改动过")
    for row in ws.iter_rows(values_only=True):
        cells = ["" if v is None else str(v) for v in row]
        if not cells or not cells[0]:
            continue
        tag = cells[0]
        try:
            if tag == "year":  # a fourth cell names the year's own form version (older workbooks: the park's)
                version = cells[3] if len(cells) > 3 and cells[3] else ""
                if version and version not in FORM_VERSIONS:
                    raise WorkbookError(f"工作簿中 {cells[1]} 年的表格版本“{version}”本程序不认识")
                meta.years.append((int(cells[1]), cells[2], version))
            elif tag == "raw":
                meta.raw[(cells[1], cells[2])] = (_meta_json(cells[4]), _meta_json(cells[5]))
            elif tag == "target":
                meta.targets[int(cells[1])] = cells[2]
            elif tag == "factor":
                default = _meta_json(cells[3])
                meta.factors[(int(cells[1]), cells[2])] = (default, cells[4], cells[5] == "1")
            elif len(cells) > 1:
                meta.values[tag] = cells[1]
        except (ValueError, IndexError, RecursionError):
            raise WorkbookError(f"“_meta”工作表的内容被改动过（“{tag}”行），无法可靠地导入") from None
    if meta.values.get("format") != FORMAT:
        raise WorkbookError(f"工作簿格式“{meta.values.get('format')}”不是本程序的格式（{FORMAT}）")
    if meta.values.get("form") not in FORM_VERSIONS:
        raise WorkbookError(f"工作簿的表格版本“{meta.values.get('form')}”本程序不认识")
    if not meta.years:
        raise WorkbookError("工作簿中没有年度表的记录（“_meta”工作表不完整）")
    park_form = meta.values["form"]
    meta.years = [(y, sheet, version or park_form) for y, sheet, version in meta.years]
    return meta


# -- cells ---------------------------------------------------------------------------------------------


def _is_formula(cell: Any) -> bool:
    return cell.data_type == "f" or type(cell.value).__name__ in ("ArrayFormula", "DataTableFormula")


def _formula_text(cell: Any) -> str:
    value = cell.value
    text = getattr(value, "text", value)
    return str(text)


@dataclass
class _Reader:
    form: FormDefinition
    meta: _Meta
    report: list[CellReport] = field(default_factory=list)

    def add(self, sheet: str, cell: str, key: str, status: str, reason: str = "") -> None:
        self.report.append(CellReport(sheet, cell, key, status, reason))

    def value(self, sheet: str, ref: str, cell: Any, key: str, *, quiet: bool = False) -> tuple[bool, Raw]:
        """(ok, raw) of an input or factor cell; problems are reported here."""
        f = self.form.field(key)
        recorded = self.meta.raw.get((sheet, ref))
        if _is_formula(cell):
            self.add(
                sheet, ref, key, REJECTED, f"输入单元格中是公式“{_formula_text(cell)}”：公式不会被执行，请改填数值"
            )
            return False, None
        if isinstance(cell, MergedCell):  # merging kept only the range's first cell: what this one held is gone
            self.add(sheet, ref, key, REJECTED, f"{f.label}的单元格被合并进了其他单元格，其中的内容已丢失；"
                                                "请取消合并并重新填写")  # fmt: skip
            return False, None
        value = cell.value
        if value is None or (isinstance(value, str) and value.strip() == ""):
            if recorded is not None and recorded[1] is None:
                return True, recorded[0]
            return True, None
        if isinstance(value, bool):
            self.add(sheet, ref, key, REJECTED, f"“{value}”是逻辑值，不是{f.label}的有效内容")
            return False, None
        if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
            if f.kind_type.calendar_date and isinstance(value, (_dt.datetime, _dt.date)):
                text = value.date().isoformat() if isinstance(value, _dt.datetime) else value.isoformat()
                self.add(sheet, ref, key, CONVERTED, f"日期按“{text}”读取")
                return True, text
            self.add(sheet, ref, key, REJECTED, f"单元格是日期/时间“{value}”，{f.label}应填写数字或文字")
            return False, None
        if isinstance(value, (int, float)):
            if problem := number_problem(value):
                self.add(sheet, ref, key, REJECTED, f"{f.label}的{problem}")
                return False, None
            raw: Raw = value
            if recorded is not None and recorded[1] == value:
                raw = recorded[0]  # the text the clerk typed in the app, unchanged in the workbook
            elif f.kind_type.percent and "%" in (cell.number_format or ""):
                raw = value * 100
                self.add(sheet, ref, key, CONVERTED, f"百分比格式的 {value} 按 {raw:g}(%) 读取")
                return self.checked(sheet, ref, key, raw)
            return self.checked(sheet, ref, key, raw, silent=quiet)
        text = str(value)
        if recorded is not None and recorded[1] == text:
            return self.checked(sheet, ref, key, recorded[0], silent=quiet)  # as typed (see workbook.user_text)
        return self.checked(sheet, ref, key, text, silent=quiet)

    def checked(self, sheet: str, ref: str, key: str, raw: Raw, *, silent: bool = True) -> tuple[bool, Raw]:
        f = self.form.field(key)
        checked = f.kind_type.parse(raw)
        if f.is_numeric and checked.error:
            self.add(sheet, ref, key, REJECTED, f"{f.label}：{checked.error}")
            return False, None
        if not silent:
            note = ""
            if f.is_numeric and isinstance(raw, str) and not is_blank(raw):
                note = f"文字“{raw}”按数值 {checked.value:g} 计算" if isinstance(checked.value, float) else ""
            elif checked.error:
                note = f"已读取，检查时将提示：{checked.error}"
            self.add(sheet, ref, key, READ, note)
        return True, raw

    def text(self, sheet: str, ref: str, cell: Any, key: str, what: str, *, quiet: bool = False) -> tuple[bool, str]:
        if _is_formula(cell):
            self.add(
                sheet, ref, key, REJECTED, f"{what}单元格中是公式“{_formula_text(cell)}”：公式不会被执行，请改填文字"
            )
            return False, ""
        if isinstance(cell, MergedCell):
            self.add(
                sheet, ref, key, REJECTED, f"{what}的单元格被合并进了其他单元格，其中的内容已丢失；请取消合并并重新填写"
            )
            return False, ""
        value = cell.value
        if value is None:
            return True, ""
        if isinstance(value, (_dt.datetime, _dt.date)):
            value = value.isoformat()
        text = str(value)
        recorded = self.meta.raw.get((sheet, ref))
        if recorded is not None and recorded[1] == text and isinstance(recorded[0], str):
            text = recorded[0]  # as typed (see workbook.user_text)
        if text.strip() and not quiet:
            self.add(sheet, ref, key, READ, what)
        return True, text


def _same_text(a: object, b: object) -> bool:
    """Equal texts, whichever brackets and marks a Chinese text was written with: a workbook exported before
    the definition's labels took full-width punctuation (“折标准煤(tce)”) still matches (“折标准煤（tce）”)."""
    if a == b:
        return True
    return isinstance(a, str) and isinstance(b, str) and chinese_punctuation(a) == chinese_punctuation(b)


def _check_columns(ws: Any, cols: TableColumns) -> int | None:
    """The header row of a year sheet when the columns are where the export put them."""
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 60), max_col=len(cols.labels)):
        if row[0].value == cols.labels[0]:
            labels = tuple(c.value for c in row)
            same = len(labels) == len(cols.labels) and all(map(_same_text, labels, cols.labels))
            return row[0].row if same else None
    return None


def read_workbook(path: str | Path) -> WorkbookReadResult:
    """Read an exported (and possibly filled-in) workbook into a park; raise :class:`WorkbookError` when the
    file cannot be read at all.  Cell-level problems are in the report with status ``rejected``."""
    source = Path(path)
    check_archive(source)
    wb = _load(source)
    meta = _read_meta(wb)
    park_form = form_for(meta.values["form"])
    reader = _Reader(park_form, meta)
    profile_sheet = meta.values.get("profile_sheet") or meta.years[0][1]
    park: dict[str, Raw] = {}
    years: dict[int, YearData] = {}
    year_forms: dict[int, FormDefinition] = {}
    factor_raw: dict[tuple[int, str], tuple[Raw, str, str]] = {}

    for year, sheet, version in meta.years:
        form = form_for(version)  # each year sheet is laid out by its own form version
        reader.form = year_forms[year] = form
        cols = TableColumns.of(form)
        placed = plan_year_sheet(form).cell_of
        expected = [k for k in placed if form.field(k).role in (INPUT, FACTOR) and form.field(k).group != PARK]
        profile_keys = [k for k in placed if form.field(k).group == PARK and form.field(k).role == INPUT]
        ydata = YearData(form=form.version)
        years[year] = ydata
        if sheet not in wb.sheetnames:
            reader.add(sheet, "", "", REJECTED, f"缺少工作表“{sheet}”（{year} 年的数据）：工作表被删除或改名")
            continue
        ws = wb[sheet]
        if ws.max_row > MAX_ROWS:
            reader.add(sheet, "", "", REJECTED, f"工作表的行数异常（{ws.max_row} 行）")
            continue
        if _check_columns(ws, cols) is None:
            reader.add(
                sheet, "", "", REJECTED, "表格的列被插入、删除或移动过，无法可靠地对应数据；请使用原样的导出文件"
            )
            continue
        seen: set[str] = set()
        key_col = ws[cols.key_letter]
        for key_cell in key_col:
            for tag in decode_tags(key_cell.value):
                ref = f"{tag.column}{key_cell.row}"
                cell = ws[ref]
                if tag.kind == TAG_EXPLANATION:
                    ok, text = reader.text(sheet, ref, cell, tag.key, "警告说明")
                    if ok and text.strip():
                        ydata.explanations[tag.key] = text
                    continue
                if tag.kind != TAG_VALUE or tag.key not in form:
                    continue
                f = form.field(tag.key)
                if tag.key in seen:
                    reader.add(sheet, ref, tag.key, REJECTED, f"{f.label}在本表中出现了两次（行被复制？）")
                    continue
                seen.add(tag.key)
                if f.is_computed:
                    if not _is_formula(cell):
                        reader.add(
                            sheet, ref, tag.key, IGNORED, f"计算项“{f.label}”的公式被改成了固定值；导入时由程序重新计算"
                        )
                    continue
                if f.group == PARK and sheet != profile_sheet:
                    continue
                ok, raw = reader.value(sheet, ref, cell, tag.key, quiet=f.is_factor)
                if not ok:
                    continue
                if f.is_factor:
                    factor_raw[(year, tag.key)] = (raw, sheet, ref)
                elif f.group == PARK:
                    if raw is not None:
                        park[tag.key] = raw
                elif tag.key in form.meta_keys:
                    if raw is not None:
                        ydata.meta[tag.key] = raw
                elif raw is not None:
                    ydata.values[tag.key] = raw
        wanted = expected + (profile_keys if sheet == profile_sheet else [])
        for key in wanted:
            if key not in seen:
                reader.add(sheet, "", key, REJECTED, f"找不到“{form.field(key).label}”所在的行（行被删除？）")

    reader.form = park_form
    sources = _read_sources(wb, reader, {y for y, _, _ in meta.years})
    for (year, key), (raw, sheet, ref) in factor_raw.items():
        form = year_forms[year]
        override = _override(meta, form, park, year, key, raw, sources.get((year, key)))
        if override is not None:
            years[year].factors[key] = override
            said = f"，来源：{override.source}" if override.source else "，未注明来源"
            reader.add(sheet, ref, key, READ, f"采用填写的{form.field(key).label} {override.value}{said}")
    form = park_form
    name_key = form.name_key
    if isinstance(park.get(name_key), str):
        park[name_key] = normalize_name(park[name_key])
    if not str(park.get(name_key) or "").strip():
        reader.add(profile_sheet, "", name_key, REJECTED, "园区名称未填写")
    elif problem := name_problem(str(park[name_key])):
        reader.add(profile_sheet, "", name_key, REJECTED, f"园区名称{problem}")
    result_park = ParkData(park=park, years=years, form=form.version)
    targets_read = False
    if meta.values.get("target_sheet"):
        targets_read = _read_targets(wb, reader, meta, result_park)
    blank = frozenset(y for y, ydata in years.items() if _nothing_typed(ydata)) if _is_template(meta) else frozenset()
    return WorkbookReadResult(result_park, reader.report, targets_read, blank)


def kept_years_note(years: list[int]) -> str:
    """What an import says of the years a blank template left empty (the command line and the window alike)."""
    listed = "、".join(f"{y} 年" for y in years)
    return f"空白模板中 {listed}没有填写任何内容，这些年度保留了数据库中原有的数据。"


def _is_template(meta: _Meta) -> bool:
    return meta.values.get("template") == "1"


def _nothing_typed(ydata: YearData) -> bool:
    return (all(is_blank(v) for v in (*ydata.values.values(), *ydata.meta.values()))
            and not ydata.factors and not any(ydata.explanations.values()))  # fmt: skip


def _read_targets(wb: Any, reader: _Reader, meta: _Meta, park: ParkData) -> bool:
    sheet = meta.values["target_sheet"]
    if sheet not in wb.sheetnames:
        reader.add(sheet, "", "", REJECTED, f"缺少工作表“{sheet}”（碳达峰碳中和目标）：工作表被删除或改名")
        return False
    ws = wb[sheet]
    if ws.max_row > MAX_ROWS:
        reader.add(sheet, "", "", REJECTED, f"工作表的行数异常（{ws.max_row} 行）")
        return False
    got = read_target_sheet(ws, target_forms(park), meta.targets, MAX_ROWS)
    for ref, reason in got.problems:
        reader.add(sheet, ref, "targets", REJECTED, reason)
    for ref in got.read:
        reader.add(sheet, ref, "targets", READ, "目标")
    park.targets = got.targets
    return bool(got.targets) or not _is_template(meta)


def _read_sources(wb: Any, reader: _Reader, years: set[int]) -> dict[tuple[int, str], str | None]:
    out: dict[tuple[int, str], str | None] = {}
    if FACTOR_SHEET not in wb.sheetnames:
        reader.add(FACTOR_SHEET, "", "", REJECTED, f"缺少工作表“{FACTOR_SHEET}”（因子来源）：工作表被删除或改名")
        return out
    ws = wb[FACTOR_SHEET]
    if ws.max_row > MAX_ROWS:
        reader.add(FACTOR_SHEET, "", "", REJECTED, f"工作表的行数异常（{ws.max_row} 行）")
        return out
    key_letter = None
    for c in range(1, min(ws.max_column, 40) + 1):
        letter = get_column_letter(c)
        if any(decode_tags(ws.cell(r, c).value) for r in range(1, min(ws.max_row, 12) + 1)):
            key_letter = letter
            break
    if key_letter is None:
        reader.add(FACTOR_SHEET, "", "", REJECTED, "因子表的隐藏键列不见了，无法读取因子来源")
        return out
    for key_cell in ws[key_letter]:
        for tag in decode_tags(key_cell.value):
            if tag.kind != TAG_SOURCE or tag.year not in years:
                continue
            ref = f"{tag.column}{key_cell.row}"
            ok, text = reader.text(FACTOR_SHEET, ref, ws[ref], tag.key, f"{tag.year} 年因子来源", quiet=True)
            if ok:
                out[(tag.year, tag.key)] = text.strip()
    return out


def _override(
    meta: _Meta, form: FormDefinition, park: dict[str, Raw], year: int, key: str, raw: Raw, source: str | None
) -> FactorOverride | None:
    """A factor override when the workbook's value or source differs from the default exported with it."""
    recorded = meta.factors.get((year, key))
    printed = {""}
    if recorded is None:
        province = park.get(form.province_key)
        fv = library().default(form.field(key), province if isinstance(province, str) else None, year)
        recorded = (fv.value, fv.source, False)
        printed.add(fv.printed_source)  # the workbook prints the citation as the default's source
    default_value, default_source, was_override = recorded
    source = source or ""
    if any(_same_text(source, p) for p in (default_source, *printed)):
        source = ""
    if raw is None or is_blank(raw):
        return None
    value = parse_number(raw).value
    same = value is not None and default_value is not None and value == float(default_value)
    if same and not source and not was_override:
        return None
    return FactorOverride(raw, source)
