"""The electronic package: one zip for the ministry, an e-mail draft, and the internal review sheet.

``<out>/<园区名称>_碳达峰碳中和材料_<YYYYMMDD>.zip`` holds the workbook, the report PDF, the tables PDF, the
park file (JSON) and ``manifest.json`` (every other file with its SHA-256, the form and outline versions,
the content fingerprint printed in every page footer, the program version).  Beside it:
``<same name>.eml`` — a ready-to-send draft (``X-Unsent: 1``) with the zip attached, from the park's contact
e-mail and to the recipient kept for the park (``report.extra["mail"]``: the ministry's mailbox named in the
notice, the provincial office that later notices have collect the materials, or another address; see
:func:`mail_settings`) — and ``<园区名称>_内部审核单_<YYYYMMDD>.pdf``, which stays in the
park and is not put into the package.

Everything is built in memory first.  The whole set is then written into a hidden staging folder
(``<out>/.<园区名称>_材料_<YYYYMMDD-HHMMSS>.part``), which is renamed to its visible name in one step once
complete; the pointer file ``<out>/<园区名称>_当前材料.json`` (replaced atomically) then names the current
set, and the superseded sets of the same park are removed.  A kill at any moment therefore leaves the
output folder with complete sets only, each one consistent (one fingerprint), and the pointer naming one of
them; the next export removes the staging folders and superseded sets left behind.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from export.filenames import safe_name
from export.fingerprint import fingerprint, sha256_hex
from forms.park.atomic import atomic_write_bytes
from forms.park.model import ParkData
from forms.park.parkfile import dumps, printable_park
from forms.park.text_rules import write_error_text
from forms.report.annual import chapter_years
from forms.report.check import FINAL_KEY, content_fingerprint, final_gate
from forms.report.check import is_final as report_is_final
from forms.table.calc import compute_park
from forms.table.factors import library_version
from forms.table.registry import form_for
from forms.version import PROGRAM, VERSION

MAIL_TO = "touzichu@mee.gov.cn"  # the mailbox named in 科财函〔2021〕159号
MAIL_KEY = "mail"  # report.extra: {"recipient": "ministry"|"province"|"other", "to": 地址, "from": 发件邮箱}
MINISTRY, PROVINCE, OTHER = "ministry", "province", "other"
RECIPIENTS = {  # the short list the clerk picks from (kept per park)
    MINISTRY: "生态环境部科技与财务司（通知所列邮箱）",
    PROVINCE: "省级生态环境主管部门（后续通知由省级汇总报送）",
    OTHER: "其他（自行填写）",
}
SENDER_PLACEHOLDER = "sender@example.invalid"  # no contact e-mail anywhere: the clerk fills it in (window)
MANIFEST = "manifest.json"
MANIFEST_FORMAT = "parkcarbon-package/1"
Writer = Callable[[Path, bytes], None]
Progress = Callable[[str, int, int], None]  # (stage, stages done, stages in all); may raise ExportCancelled
STAGES = (
    "计算与检查",
    "生成工作簿",
    "生成专项报告 PDF",
    "生成年度数据表 PDF",
    "生成年度报告碳排放章节",
    "打包并生成邮件草稿",
    "生成内部审核单",
    "写入文件",
    "启用新的一套材料",
)


class ExportCancelled(Exception):
    """The clerk cancelled the export: nothing of the new set is left and the current set is untouched."""


def _stage(progress: Progress | None, n: int) -> None:
    """Stage ``n`` of :data:`STAGES` begins (the last chance to cancel before it)."""
    if progress is not None:
        progress(STAGES[n], n, len(STAGES))


def is_final(park: ParkData, result: Any = None) -> bool:
    """定稿 at export time: the park carries a 定稿 record that still matches its content *and* the 定稿
    gate passes now.  Stored data alone (e.g. a forged ``final`` in an imported file) never makes a park
    final."""
    if not report_is_final(park):
        return False
    return bool(final_gate(park, result if result is not None else compute_park(park)).ok)


def _marked_final(park: ParkData) -> bool:
    return bool(report_is_final(park))


def final_date(park: ParkData) -> _dt.date | None:
    """The day the park was marked 定稿 (report.extra["final"]["at"]), printed as the report's 编制日期."""
    record = park.report.extra.get("final")
    if not isinstance(record, dict):
        return None
    try:
        return _dt.date.fromisoformat(str(record.get("at", ""))[:10])
    except ValueError:
        return None


@dataclass(frozen=True)
class PackageFile:
    name: str
    data: bytes

    @property
    def sha256(self) -> str:
        return sha256_hex(self.data)


@dataclass
class Package:
    stem: str  # <园区名称>_碳达峰碳中和材料_<YYYYMMDD>
    fingerprint: str
    final: bool
    files: list[PackageFile]  # in the zip, manifest last
    review: PackageFile  # beside the zip
    zip_data: bytes
    eml_data: bytes
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    name: str = ""  # the park name as used in file names (safe_name)

    @property
    def zip_name(self) -> str:
        return f"{self.stem}.zip"

    @property
    def eml_name(self) -> str:
        return f"{self.stem}.eml"


@dataclass(frozen=True)
class ExportResult:
    zip_path: Path
    eml_path: Path
    review_path: Path
    fingerprint: str
    final: bool
    notes: tuple[str, ...]
    files: tuple[Path, ...] = ()  # the package members also written loose, for printing
    folder: Path | None = None  # the folder holding this (now current) set
    pointer: Path | None = None  # the pointer file naming the current set


# -- building --------------------------------------------------------------------------------------
def _workbook(park: ParkData, name: str) -> tuple[PackageFile, str | None]:
    """The workbook from export.xlsx.workbook, or a placeholder note when that module is not available."""
    try:
        from export.xlsx.workbook import workbook_bytes
    except ImportError:
        note = "工作簿导出模块尚未安装，本包暂以说明文件代替工作簿。"
        text = f"{note}\n园区：{park.name}\n请使用本程序的“导出”功能重新生成包含工作簿的材料包。\n"
        return PackageFile(f"{name}_工作簿说明.txt", text.encode("utf-8")), note
    return PackageFile(f"{name}_园区年度碳排放基础数据表.xlsx", workbook_bytes(park)), None


def build_manifest(park: ParkData, fp: str, final: bool, files: list[PackageFile], now: _dt.datetime) -> dict[str, Any]:
    lib = library_version()
    locks = {y: park.years[y].locked_factors for y in park.sorted_years()}
    locked = {str(y): lock.get("library", "") for y, lock in locks.items() if lock}
    return {
        "format": MANIFEST_FORMAT,
        "park": park.name,
        "created_at": now.isoformat(timespec="seconds"),
        "program": PROGRAM,
        "program_version": VERSION,
        "form_version": park.form,
        "form_title": form_for(park.form).title,
        "outline_version": park.report.outline,
        "years": park.sorted_years(),
        "fingerprint": fp,
        "factor_library": {"version": lib.version, "date": lib.date},
        "locked_factor_years": locked,
        "final": final,
        "status": "定稿" if final else "草稿",
        "files": [{"name": f.name, "sha256": f.sha256, "bytes": len(f.data)} for f in files],
    }


def build_zip(files: list[PackageFile], now: _dt.datetime) -> bytes:
    buf = io.BytesIO()
    stamp = (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second - now.second % 2)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            info = zipfile.ZipInfo(f.name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, f.data)
    return buf.getvalue()


def _contact(park: ParkData) -> tuple[str, str, str]:
    """The latest filled contact person, phone and e-mail of the year headers."""
    out = ["", "", ""]
    for year in reversed(park.sorted_years()):
        for i, key in enumerate(form_for(park.years[year].form).contact_keys):
            value = park.years[year].meta.get(key)
            if not out[i] and value not in (None, ""):
                out[i] = str(value).strip()
    return out[0], out[1], out[2]


@dataclass(frozen=True)
class MailSettings:
    """Who the e-mail draft goes to and comes from, as kept for the park (``report.extra["mail"]``)."""

    recipient: str  # MINISTRY | PROVINCE | OTHER
    to: str  # the address used ("" when PROVINCE / OTHER was chosen but no address typed yet)
    sender: str  # the From address ("" when neither typed nor in the year headers)
    salutation: str  # 生态环境部科技与财务司： …

    @property
    def missing(self) -> list[str]:
        """What the clerk still has to fill in the window before the draft can be sent (Chinese)."""
        out = []
        if not self.sender:
            out.append("发件人邮箱")
        if not self.to:
            out.append("收件人邮箱")
        return out


def _province_office(province: str) -> str:
    if not province:
        return "省级生态环境主管部门"
    return f"{province}生态环境局" if province.endswith("市") else f"{province}生态环境厅"


def mail_settings(park: ParkData) -> MailSettings:
    """The recipient chosen for the park (the ministry's mailbox unless another was kept) and the sender:
    the address typed for the park, else the latest contact e-mail of the year headers."""
    kept = park.report.extra.get(MAIL_KEY)
    kept = kept if isinstance(kept, dict) else {}
    recipient = str(kept.get("recipient") or MINISTRY)
    recipient = recipient if recipient in RECIPIENTS else MINISTRY
    typed_to = str(kept.get("to") or "").strip()
    sender = str(kept.get("from") or "").strip() or _contact(park)[2]
    province = str(park.park.get(form_for(park.form).province_key) or "").strip()
    if recipient == MINISTRY:
        return MailSettings(MINISTRY, MAIL_TO, sender, "生态环境部科技与财务司：")
    if recipient == PROVINCE:
        return MailSettings(PROVINCE, typed_to, sender, f"{_province_office(province)}：")
    return MailSettings(OTHER, typed_to, sender, "您好：")


def build_eml(park: ParkData, package_files: list[PackageFile], zip_name: str, zip_data: bytes, fp: str,
              final: bool, today: _dt.date) -> bytes:  # fmt: skip
    """The e-mail draft: formal Chinese body, nothing in it addressed to the clerk (that goes to the window:
    :attr:`MailSettings.missing`, :func:`build_package`'s notes)."""
    form = form_for(park.form)
    body_org = str(park.park.get(form.management_body_key) or park.name)
    person, phone, email = _contact(park)
    mail = mail_settings(park)
    listing = "\n".join(f"　　{i}. {f.name}" for i, f in enumerate(package_files, start=1))
    contact = "，".join(p for p in (f"联系人：{person}" if person else "", f"电话：{phone}" if phone else "",
                                    f"电子邮箱：{email}" if email else "") if p)  # fmt: skip
    lines = [
        mail.salutation,
        f"　　根据《关于开展国家生态工业示范园区碳达峰碳中和相关工作的通知》（科财函〔2021〕159号）要求，现将"
        f"{park.name}碳达峰碳中和相关材料电子版报送，请审阅。附件“{zip_name}”包括：",
        listing,
        f"　　材料内容校验码为 {fp}，与纸质材料每页页脚所印校验码一致；各文件的校验值列于附件中的清单文件。"
        + ("加盖公章的纸质材料另行寄送。" if final else "本材料尚未定稿（各页带有“草稿”水印），仅供预审。"),
        f"　　{contact}。" if contact else "",
        "",
        f"　　　　　　　　　　　　　　　　{body_org}",
        f"　　　　　　　　　　　　　　　　{today.year}年{today.month}月{today.day}日",
    ]
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = Address(display_name=body_org if mail.sender else "发件人待填写",
                          addr_spec=mail.sender or SENDER_PLACEHOLDER)  # fmt: skip
    if mail.to:
        msg["To"] = mail.to
    msg["Subject"] = f"{park.name}碳达峰碳中和材料报送" + ("" if final else "（草稿）")
    msg["X-Unsent"] = "1"
    msg["X-Parkcarbon-Fingerprint"] = fp
    msg.set_content("\n".join(line for line in lines if line is not None), charset="utf-8")
    msg.add_attachment(zip_data, maintype="application", subtype="zip", filename=zip_name)
    return msg.as_bytes()


def build_package(park: ParkData, *, today: _dt.date | None = None, now: _dt.datetime | None = None,
                  progress: Progress | None = None) -> Package:  # fmt: skip
    from export.pdf.report import build_report_pdf  # here: writing a built package needs no PDF code
    from export.pdf.review import build_review_pdf
    from export.pdf.tables import build_tables_pdf

    now = now or _dt.datetime.now().astimezone()
    today = today or now.date()
    _stage(progress, 0)
    result = compute_park(park)
    final = is_final(park, result)  # the gate runs on the park as stored
    notes: list[str] = []
    if not final and _marked_final(park):
        notes.append("园区带有定稿记录，但导出时的定稿检查没有通过（仍有错误或未说明的警告），本次按草稿导出。")
    shown = shown_park(park, final)
    if shown is not park:  # every file of the set (and its fingerprint) shows the same printable text
        notes.append(REPLACED_NOTE)
        park, result = shown, compute_park(shown)
    fp = fingerprint(park)
    draft = not final
    name = safe_name(park.name)
    stem = f"{name}_碳达峰碳中和材料_{today:%Y%m%d}"
    _stage(progress, 1)
    workbook, note = _workbook(park, name)
    _stage(progress, 2)
    report = build_report_pdf(park, fp, draft=draft, result=result, today=(final and final_date(park)) or today)
    _stage(progress, 3)
    files = [
        workbook,
        PackageFile(f"{name}_碳达峰碳中和实施路径专项报告.pdf", report),
        PackageFile(f"{name}_{result.form.title}.pdf", build_tables_pdf(park, fp, draft=draft, result=result)),
        PackageFile(f"{name}_园区文件.json", dumps(park).encode("utf-8")),
    ]
    _stage(progress, 4)
    files += _annual_files(park)
    _stage(progress, 5)
    manifest = build_manifest(park, fp, final, files, now)
    files.append(PackageFile(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8")))
    zip_data = build_zip(files, now)
    eml = build_eml(park, files, f"{stem}.zip", zip_data, fp, final, today)
    _stage(progress, 6)
    review = PackageFile(
        f"{name}_内部审核单_{today:%Y%m%d}.pdf", build_review_pdf(park, fp, draft=draft, result=result)
    )
    if note:
        notes.insert(0, note)
    mail = mail_settings(park)
    if mail.missing:  # said to the clerk here (window, command line), never in the e-mail body
        notes.append(f"邮件草稿尚缺{'、'.join(mail.missing)}：请在“导出与报送”页的“邮件”处填写后重新导出，"
                     "或在邮件程序中补填后再发送。")  # fmt: skip
    return Package(stem, fp, final, files, review, zip_data, eml, manifest, notes, name)


REPLACED_NOTE = (
    "有些文字中含有无法写入文件的字符（控制字符或无效的 Unicode 字符），导出的材料中以“�”代替；数据库中保存的内容不变。"
)


def shown_park(park: ParkData, final: bool) -> ParkData:
    """The park as the files show it (forms.park.text_rules.printable_park).  A park that passed the 定稿 gate
    keeps its 定稿 record, re-stamped with the content of the shown text, so the set's park file is final too."""
    shown = printable_park(park)
    if shown is not park and final:
        record = shown.report.extra.get(FINAL_KEY)
        if isinstance(record, dict):
            shown.report.extra[FINAL_KEY] = {**record, "fingerprint": content_fingerprint(shown)}
    return shown


def _annual_files(park: ParkData) -> list[PackageFile]:
    """The annual report's carbon chapter of each year the park has one for (PDF and .docx)."""
    from export.annual_files import annual_bytes, annual_names  # here: python-docx only with a chapter

    out = []
    for year in chapter_years(park):
        pdf, docx, _final, _gaps = annual_bytes(park, year)
        pdf_name, docx_name = annual_names(park.name, year)
        out += [PackageFile(pdf_name, pdf), PackageFile(docx_name, docx)]
    return out


# -- writing ---------------------------------------------------------------------------------------
def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    atomic_write_bytes(path, data)


def remove_stale_parts(out_dir: Path, names: list[str]) -> None:
    """Temporary files left by an export that was killed (only ours: ``.<target>.*.part``)."""
    for name in names:
        for stale in out_dir.glob(f".{glob_escape(name)}.*.part"):
            stale.unlink(missing_ok=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


POINTER_SUFFIX = "_当前材料.json"
POINTER_FORMAT = "parkcarbon-current-set/1"
SET_INFIX = "_材料_"


def pointer_path(out_dir: Path, name: str) -> Path:
    """The file naming the current set of park ``name`` (a :func:`safe_name`) in ``out_dir``."""
    return out_dir / f"{name}{POINTER_SUFFIX}"


def _set_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(name)}{SET_INFIX}\d{{8}}-\d{{6}}(-\d+)?$")


def _staging_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"^\.{re.escape(name)}{SET_INFIX}\d{{8}}-\d{{6}}(-\d+)?\.(part|old)$")


def current_set(out_dir: str | os.PathLike[str], name: str) -> Path | None:
    """The folder of the current set of park ``name`` in ``out_dir`` (from the pointer), or None."""
    out = Path(out_dir)
    try:
        doc = json.loads(pointer_path(out, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    folder = doc.get("folder") if isinstance(doc, dict) else None
    if not isinstance(folder, str) or not _set_pattern(name).match(folder) or not (out / folder).is_dir():
        return None
    return out / folder


def remove_leftovers(out_dir: Path, name: str, keep: Path | None = None) -> None:
    """Staging folders of interrupted exports of park ``name``, and (when ``keep`` is given) every other
    set of that park than ``keep`` (first hidden by a rename, so a kill never leaves half a set in sight).
    Only names this program makes are touched."""
    staging, sets = _staging_pattern(name), _set_pattern(name)
    remove_stale_parts(out_dir, [pointer_path(out_dir, name).name])
    for entry in out_dir.iterdir() if out_dir.is_dir() else ():
        if not entry.is_dir() or entry.is_symlink():
            continue
        if staging.match(entry.name):
            shutil.rmtree(entry, ignore_errors=True)
        elif keep is not None and sets.match(entry.name) and entry != keep:
            hidden = entry.with_name(f".{entry.name}.old")  # out of sight in one step, then removed
            try:
                os.rename(entry, hidden)
            except OSError:
                continue
            shutil.rmtree(hidden, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open a folder; its renames are durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _set_folder_name(out_dir: Path, name: str, now: _dt.datetime) -> str:
    base = f"{name}{SET_INFIX}{now:%Y%m%d-%H%M%S}"
    folder, n = base, 1
    while (out_dir / folder).exists() or (out_dir / f".{folder}.part").exists():
        n += 1
        folder = f"{base}-{n}"
    return folder


def write_package(package: Package, out_dir: Path, writer: Writer = atomic_write,
                  progress: Progress | None = None) -> ExportResult:  # fmt: skip
    """Write the whole set (package members loose, to print; the review sheet; the zip; the e-mail draft)
    into a staging folder, switch to it as one step, then point the pointer file at it.  Cancelled (by
    ``progress`` raising :class:`ExportCancelled`) before the switch, the staging folder is removed and the
    current set stays as it was; after the switch the new set is complete and current."""
    name = package.name or safe_name(package.manifest.get("park", ""))
    remove_leftovers(out_dir, name)
    folder_name = _set_folder_name(out_dir, name, _dt.datetime.now())
    staging, folder = out_dir / f".{folder_name}.part", out_dir / folder_name
    loose = [f for f in package.files if f.name != MANIFEST]
    members = [*loose, package.review, PackageFile(package.zip_name, package.zip_data),
               PackageFile(package.eml_name, package.eml_data)]  # fmt: skip
    _stage(progress, 7)
    staging.mkdir()
    try:
        for f in members:
            writer(staging / f.name, f.data)
        _fsync_dir(staging)
        _stage(progress, 8)  # the last moment a cancel is taken
        os.rename(staging, folder)  # the set appears under its visible name complete, in one step
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _fsync_dir(out_dir)
    pointer = {
        "format": POINTER_FORMAT,
        "park": package.manifest.get("park", ""),
        "folder": folder_name,
        "fingerprint": package.fingerprint,
        "final": package.final,
        "status": "定稿" if package.final else "草稿",
        "created_at": package.manifest.get("created_at", ""),
        "files": [{"name": f.name, "sha256": f.sha256} for f in members],
    }
    atomic_write_bytes(pointer_path(out_dir, name), json.dumps(pointer, ensure_ascii=False, indent=1).encode("utf-8"))
    _fsync_dir(out_dir)
    remove_leftovers(out_dir, name, keep=folder)
    return ExportResult(folder / package.zip_name, folder / package.eml_name, folder / package.review.name,
                        package.fingerprint, package.final, tuple(package.notes),
                        tuple(folder / f.name for f in loose), folder, pointer_path(out_dir, name))  # fmt: skip


def export_package(park: ParkData, out_dir: str | os.PathLike[str], *, today: _dt.date | None = None,
                   now: _dt.datetime | None = None, writer: Writer = atomic_write,
                   progress: Progress | None = None) -> ExportResult:  # fmt: skip
    """Build and write the set; ``progress`` hears each of :data:`STAGES` begin and may cancel (raising
    :class:`ExportCancelled`) up to the switch to the new set."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return write_package(build_package(park, today=today, now=now, progress=progress), out, writer, progress)


def export_template(park: ParkData, out_dir: str | os.PathLike[str], writer: Writer = atomic_write) -> Path:
    """The blank template workbook for distribution (``export --template``)."""
    from export.xlsx.workbook import workbook_bytes

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{safe_name(park.name)}_园区年度碳排放基础数据表_空白模板.xlsx"
    remove_stale_parts(out, [path.name])
    writer(path, workbook_bytes(park, template=True))
    return path


# -- write errors in Chinese (the command line and the window say the same) ------------------------
def os_error_text(exc: OSError) -> str:
    return write_error_text(exc)  # (forms.park.text_rules: the review's summary says the same)
