"""Checking one received package, without modifying it: hashes, fingerprints, numbers, findings.

A package is trusted in nothing it says about itself: the manifest's hashes are recomputed, the
fingerprint is recomputed from the park file and looked for on every PDF page, every computed cell of the
workbook is compared with ``calc`` of the park file, and the park's own checks (data findings, the report's
required elements, the 定稿 gate) are run again here.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from export.fingerprint import fingerprint
from export.review.intake import Members, PackageRefused, Received, read_members
from export.xlsx.layout import plan_year_sheet, year_sheet_name
from forms.park.model import ParkData
from forms.park.parkfile import ParkFileError, loads
from forms.report.check import check_requirements, final_gate, is_final
from forms.report.outline import outline_for, review_of
from forms.table.calc import ParkResult, compute_park
from forms.table.definition import COMPUTED, FormDefinition
from forms.table.factors import library_version
from forms.table.registry import FORM_VERSIONS
from forms.table.validate import validate_park
from forms.version import VERSION

ERROR, WARNING, INFO = "error", "warning", "info"
LEVEL_ZH = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
MANIFEST = "manifest.json"
KNOWN_FORMATS = ("parkcarbon-package/1",)
PARK_FILE_SUFFIX = "_园区文件.json"
MAX_JSON_DEPTH = 64
_HEX = re.compile(rb"[0-9a-f]{12}")
_FOOTER_FP = re.compile(r"校验码\s*([0-9a-f]{12,16})")


@dataclass(frozen=True)
class ReviewFinding:
    level: str  # error / warning / info
    code: str
    message: str  # Chinese, names the file, sheet, cell, year or key concerned

    def to_json(self) -> dict[str, str]:
        return {"level": self.level, "level_zh": LEVEL_ZH[self.level], "code": self.code, "message": self.message}


@dataclass
class PackageReview:
    """What the desk knows of one package after checking it."""

    label: str
    sha256: str = ""  # of the package file itself
    received_from: str = ""
    refused: str = ""  # why the package could not be read at all (then nothing else is filled)
    manifest: dict[str, Any] = field(default_factory=dict)
    park: ParkData | None = None
    result: ParkResult | None = None
    fingerprint: str = ""  # recomputed from the park file
    printed_fingerprints: set[str] = field(default_factory=set)  # what the PDF pages carry
    final_claimed: bool = False
    final_gate_ok: bool | None = None
    findings: list[ReviewFinding] = field(default_factory=list)
    superseded_by: str = ""  # label of a newer package of the same park, or of the same package received before
    duplicate: bool = False  # superseded by the same package received before (e.g. the zip and its e-mail)
    name: str = ""  # the park's name, kept when the park data itself is released
    row: Any = None  # the park's figures for the summary (export.review.summary.ParkRow)

    def release(self) -> None:
        """Keep only what the summary and the desk show, so reviewing 600 packages holds no park data."""
        if self.park is not None:
            self.name = self.park.name
        self.park = None
        self.result = None

    def add(self, level: str, code: str, message: str) -> None:
        self.findings.append(ReviewFinding(level, code, message))

    @property
    def park_name(self) -> str:
        if self.park is not None:
            return self.park.name
        return self.name or str(self.manifest.get("park", "") or "")

    @property
    def created_at(self) -> str:
        return str(self.manifest.get("created_at", "") or "")

    @property
    def hard(self) -> bool:
        return bool(self.refused) or any(f.level == ERROR for f in self.findings)

    def count(self, level: str) -> int:
        return sum(1 for f in self.findings if f.level == level)


# -- JSON that cannot hurt -----------------------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"重复的键“{key}”")
        out[key] = value
    return out


def _depth_ok(text: str) -> bool:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def safe_json(data: bytes, what: str) -> Any:
    """Parse untrusted JSON: UTF-8, bounded nesting, no duplicate keys, no NaN/Infinity."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{what}不是 UTF-8 编码的文本") from None
    if not _depth_ok(text):
        raise ValueError(f"{what}的嵌套层数过深")

    def bad_constant(name: str) -> Any:
        raise ValueError(f"{what}含有非法数值 {name}")

    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=bad_constant)
    except RecursionError:
        raise ValueError(f"{what}的嵌套层数过深") from None
    except json.JSONDecodeError as exc:  # where, not the parser's English
        raise ValueError(f"{what}不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    except ValueError as exc:
        raise ValueError(f"{what}不是有效的 JSON：{exc}") from None


# -- the checks ----------------------------------------------------------------------------------------


def _check_manifest(review: PackageReview, members: Members) -> None:
    raw = members.files.get(MANIFEST)
    if raw is None:
        review.add(ERROR, "manifest_missing", f"包内缺少清单文件 {MANIFEST}，无法核对各文件")
        return
    try:
        manifest = safe_json(raw, MANIFEST)
    except ValueError as exc:
        review.add(ERROR, "manifest_invalid", str(exc))
        return
    if not isinstance(manifest, dict):
        review.add(ERROR, "manifest_invalid", f"{MANIFEST} 的内容不是对象")
        return
    review.manifest = manifest
    fmt = manifest.get("format")
    if fmt not in KNOWN_FORMATS:
        review.add(
            ERROR, "manifest_format", f"未知的材料包格式“{str(fmt)[:40]}”（本程序可核对 {'、'.join(KNOWN_FORMATS)}）"
        )
        return
    listed: dict[str, str] = {}
    entries = manifest.get("files")
    if not isinstance(entries, list):
        review.add(ERROR, "manifest_invalid", f"{MANIFEST} 中没有文件列表")
        return
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            review.add(ERROR, "manifest_invalid", f"{MANIFEST} 的文件列表中有无法识别的条目")
            continue
        listed[entry["name"]] = str(entry.get("sha256", ""))
    present = set(members.files) - {MANIFEST}
    for name in sorted(set(listed) - present):
        review.add(ERROR, "file_missing", f"清单列出的文件“{name}”不在包内")
    for name in sorted(present - set(listed)):
        review.add(ERROR, "file_unlisted", f"包内文件“{name}”未列入清单（可能是后来加入的）")
    for name in sorted(set(listed) & present):
        actual = hashlib.sha256(members.files[name]).hexdigest()
        if actual != listed[name].lower():
            review.add(ERROR, "hash_mismatch", f"文件“{name}”的 SHA-256 与清单不符：文件在导出后被改动或替换")


def _park_file(review: PackageReview, members: Members) -> None:
    names = [n for n in members.order if n.endswith(PARK_FILE_SUFFIX)]
    if not names:
        review.add(ERROR, "parkfile_missing", "包内没有园区文件（*_园区文件.json），无法重算数据")
        return
    name = names[0]
    data = members.files[name]
    try:
        doc = safe_json(data, f"园区文件“{name}”")
        if not isinstance(doc, dict):
            raise ValueError(f"园区文件“{name}”的内容不是对象")
        form = doc.get("form")
        if form is not None and form not in FORM_VERSIONS:
            raise ValueError(f"园区文件“{name}”使用未知的表格版本“{str(form)[:40]}”")
        park = loads(data.decode("utf-8"))
    except (ValueError, ParkFileError, RecursionError) as exc:
        review.add(ERROR, "parkfile_invalid", f"园区文件“{name}”无法读取：{exc}")
        return
    review.park = park
    try:
        review.result = compute_park(park)
    except (ArithmeticError, ValueError):
        review.add(ERROR, "calc_failed", f"园区文件“{name}”无法计算（数值超出范围或无法运算）")


def _check_fingerprint(review: PackageReview, members: Members) -> None:
    if review.park is None:
        return
    fp = fingerprint(review.park)
    review.fingerprint = fp
    stated = str(review.manifest.get("fingerprint", "") or "")
    if review.manifest and stated != fp:
        review.add(ERROR, "fingerprint_manifest",
                   f"清单中的校验码 {stated or '(空)'} 与园区文件重算的校验码 {fp} 不符")  # fmt: skip
    for name in members.order:
        if name.lower().endswith(".pdf"):
            _check_pdf_pages(review, name, members.files[name], fp)


def _check_pdf_pages(review: PackageReview, name: str, data: bytes, fp: str) -> None:
    import pypdf  # the PDF reader is loaded only when a package is reviewed

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = list(reader.pages)
    except Exception:  # pypdf raises many exception types on damaged or hostile files
        review.add(ERROR, "pdf_invalid", f"PDF“{name}”无法读取（已损坏，或不是 PDF 文件）")
        return
    if not pages:
        review.add(ERROR, "pdf_invalid", f"PDF“{name}”没有页面")
        return
    wanted = fp.encode("ascii")
    wrong: dict[int, str] = {}
    for number, page in enumerate(pages, start=1):
        try:
            contents = page.get_contents()
            stream = contents.get_data() if contents is not None else b""
        except Exception:
            stream = b""
        if wanted in stream:  # the footer's digits are written as plain text by the exporter's fonts
            review.printed_fingerprints.add(fp)
            continue
        try:
            text = page.extract_text() or ""
        except Exception:
            text = ""
        found = _FOOTER_FP.search(text)
        wrong[number] = found.group(1)[: len(fp)] if found else ""
    for number, other in sorted(wrong.items())[:5]:
        if other:
            review.printed_fingerprints.add(other)
            review.add(ERROR, "fingerprint_pdf",
                       f"PDF“{name}”第 {number} 页页脚的校验码为 {other}，与园区文件的 {fp} 不符："
                       "该页来自另一版数据")  # fmt: skip
        else:
            review.add(ERROR, "fingerprint_pdf", f"PDF“{name}”第 {number} 页没有找到校验码 {fp}")
    if len(wrong) > 5:
        review.add(ERROR, "fingerprint_pdf", f"PDF“{name}”另有 {len(wrong) - 5} 页的校验码不符")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(1e-6, 1e-9 * max(abs(a), abs(b)))


def _check_workbook(review: PackageReview, members: Members) -> None:
    if review.park is None or review.result is None:
        return
    names = [n for n in members.order if n.lower().endswith(".xlsx")]
    if not names:
        review.add(ERROR, "workbook_missing", "包内没有工作簿（.xlsx）")
        return
    name = names[0]
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(members.files[name]), data_only=True, read_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        review.add(ERROR, "workbook_invalid", f"工作簿“{name}”无法读取（已损坏，或不是 .xlsx 工作簿）")
        return
    try:
        differences: list[str] = []  # cells holding another value than calc of the park file
        empty: list[str] = []  # cells holding no value where calc of the park file has one
        checked = 0
        for year, yres in sorted(review.result.years.items()):
            form = review.result.form_of(year)  # each year sheet follows its year's form version
            plan = plan_year_sheet(form)
            computed = [f.key for f in form.fields if f.role == COMPUTED and f.key in plan.cell_of]
            sheet = year_sheet_name(year)
            if sheet not in wb.sheetnames:
                review.add(ERROR, "workbook_sheet", f"工作簿“{name}”缺少“{sheet}”工作表")
                continue
            cells = _sheet_values(wb[sheet])
            for key in computed:
                ref = plan.cell_of[key]
                expected = yres.computed.get(key)
                got = cells.get(ref)
                checked += expected is not None
                if _same(expected, got):
                    continue
                message = (f"工作簿“{sheet}”工作表 {ref} 单元格（{form.field(key).label}）的值为 {_show(got)}，"
                           f"园区文件计算为 {_show(expected)}：工作簿在导出后被改动过")  # fmt: skip
                (empty if got in (None, "") else differences).append(message)
        if len(empty) * 2 > checked:
            # most formula cells keep no result: re-saved by a program that does not recalculate; the cells that
            # do hold a value are still compared one by one
            review.add(ERROR, "workbook_values_missing",
                       f"工作簿“{name}”有 {len(empty)} 个计算单元格没有保存计算结果（导出后被不重算公式的程序另存过），"
                       "这些单元格无法逐格核对")  # fmt: skip
        else:
            differences += empty
        for message in differences[:20]:
            review.add(ERROR, "workbook_cell", message)
        if len(differences) > 20:
            review.add(ERROR, "workbook_cell", f"工作簿另有 {len(differences) - 20} 个计算单元格与园区文件不符")
    finally:
        wb.close()


def _sheet_values(ws: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in ws.iter_rows():
        for cell in row:
            if getattr(cell, "value", None) is not None:
                out[cell.coordinate] = cell.value
    return out


def _same(expected: float | None, got: Any) -> bool:
    if expected is None:
        return got in (None, "", "—", "-")
    if isinstance(got, bool) or not isinstance(got, int | float):
        return False
    return _close(float(expected), float(got))


def _show(value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, float):  # plain digits, enough to tell apart what _close does not (6.69602e+06 did not)
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text
    return str(value)[:40]


def _check_content(review: PackageReview) -> None:
    park, result = review.park, review.result
    if park is None or result is None:
        return
    form: FormDefinition = result.form
    findings = validate_park(park, result)
    errors = [f for f in findings if f.level == "error"]
    unexplained = [f for f in findings if f.level != "error" and not f.explained]

    def where(f: Any) -> str:
        place = f"{f.year}年" if f.year else "园区信息"
        label = form.field(f.key).label if f.key in form else f.key
        return place if f.message.startswith(label) else f"{place} {label}"

    for f in errors[:20]:
        review.add(ERROR, "data_error", f"{where(f)}：{f.message}")
    for f in unexplained[:20]:
        review.add(WARNING, "data_warning", f"{where(f)}：警告未说明：{f.message}")
    missing_years = [y for y in _required_years(form, park) if y not in park.years]
    if missing_years:
        review.add(ERROR, "years_missing", "缺少必报年度：" + "、".join(f"{y}年" for y in missing_years))
    for m in check_requirements(park, result):
        review.add(WARNING, "report_element", m.message)
    for year, ydata in sorted(park.years.items()):
        for key, ov in ydata.factors.items():
            if not str(ov.source or "").strip():
                label = form.field(key).label if key in form else key
                review.add(WARNING, "override_source", f"{year}年 {label}：改用的因子未注明来源")
    graded_c: set[str] = set()
    for yres in result.years.values():
        for fv in yres.factors.values():
            if fv.origin == "default" and fv.unverified:
                graded_c.add(form.field(fv.key).label if fv.key in form else fv.key)
    if graded_c:
        review.add(INFO, "factor_grade_c", "使用了未核实（C 级）的缺省因子：" + "、".join(sorted(graded_c)))
    current = library_version().label
    for year, ydata in sorted(park.years.items()):
        lock = ydata.locked_factors
        if isinstance(lock, dict) and str(lock.get("library", "")) != current:
            review.add(INFO, "factor_lock_library", f"{year}年的因子已按因子库 {lock.get('library') or '(未记录)'} 锁定，"
                                                    f"当前因子库为 {current}：该年数字按锁定的因子计算")  # fmt: skip
    review.final_claimed = bool(review.manifest.get("final"))
    gate = final_gate(park, result, findings)
    review.final_gate_ok = gate.ok
    if review.final_claimed and not (gate.ok and is_final(park)):
        review.add(ERROR, "final_forged", "材料包标为“定稿”，但园区文件未通过定稿检查（或定稿后有改动）")
    stated_program = str(review.manifest.get("program_version", "") or "")
    if stated_program and stated_program != VERSION:
        review.add(INFO, "program_version", f"材料包由本程序 {stated_program} 版导出（审核使用 {VERSION} 版）")


def _required_years(form: FormDefinition, park: ParkData) -> tuple[int, ...]:
    """The years every park must file: the form's (the notice's 2016–2020 tables) for a report reviewing
    十三五; a report on a later outline version needs the years of its own review period (eip-2026: 2021–2025)."""
    outline = review_of(park)
    return form.required_years if outline.review == outline_for().review else outline.review_years


def review_received(received: Received) -> PackageReview:
    review = PackageReview(received.label, received_from=received.received_from)
    if received.error or received.data is None:
        review.refused = received.error or "无法读取"
        return review
    review.sha256 = hashlib.sha256(received.data).hexdigest()
    try:
        members = read_members(received.data)
    except PackageRefused as exc:
        review.refused = str(exc)
        return review
    _check_manifest(review, members)
    if review.manifest and review.manifest.get("format") not in KNOWN_FORMATS:
        review.refused = "未知的材料包格式"
        return review
    _park_file(review, members)
    _check_fingerprint(review, members)
    _check_workbook(review, members)
    _check_content(review)
    return review


INTEGRITY = frozenset({
    "manifest_missing", "manifest_invalid", "manifest_format", "file_missing", "file_unlisted", "hash_mismatch",
    "parkfile_missing", "parkfile_invalid", "calc_failed", "fingerprint_manifest", "fingerprint_pdf", "pdf_invalid",
    "workbook_missing", "workbook_invalid", "workbook_sheet", "workbook_cell", "workbook_values_missing",
    "final_forged",
})  # fmt: skip


def integrity_findings(review: PackageReview) -> list[ReviewFinding]:
    """Findings about the package itself (was it changed, is it complete), as opposed to its content."""
    return [f for f in review.findings if f.code in INTEGRITY]


def mark_superseded(reviews: Iterable[PackageReview]) -> None:
    """The same package received twice (e.g. the zip and the e-mail carrying it) counts once; a newer package
    of the same park supersedes the older ones (by the manifest's creation time)."""
    reviews = list(reviews)
    first_of: dict[str, PackageReview] = {}
    for r in reviews:
        if r.sha256 and not r.refused:
            if r.sha256 in first_of:
                r.superseded_by = f"{first_of[r.sha256].label}（同一材料包，重复收到）"
                r.duplicate = True
            else:
                first_of[r.sha256] = r
    newest: dict[str, PackageReview] = {}
    for r in reviews:
        if r.refused or not r.park_name or r.superseded_by:
            continue
        best = newest.get(r.park_name)
        if best is None or (r.created_at, r.label) > (best.created_at, best.label):
            newest[r.park_name] = r
    for r in reviews:
        best = newest.get(r.park_name)
        if best is not None and best is not r and not r.refused and not r.superseded_by:
            r.superseded_by = best.label
