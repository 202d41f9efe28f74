"""The electronic package: zip name and content, manifest hashes and versions, the park file round trip,
the e-mail draft, the fingerprint on the pages, atomic writes under failure and SIGKILL, the command."""

from __future__ import annotations

import datetime as _dt
import email
import json
import os
import signal
import subprocess
import sys
import textwrap
import zipfile
from email import policy
from pathlib import Path

import pytest

from export.cli import run_export
from export.fingerprint import fingerprint
from export.package import (
    MAIL_KEY,
    MAIL_TO,
    MANIFEST,
    OTHER,
    PROVINCE,
    SENDER_PLACEHOLDER,
    ExportResult,
    build_package,
    export_package,
    mail_settings,
    safe_name,
)
from forms.park.model import ParkData
from forms.park.parkfile import dumps, loads, park_to_json
from forms.version import PROGRAM, VERSION
from tests.export.pdf_support import REPO, demo_with_text, final_park, pdf_pages, squeeze

NOW = _dt.datetime(2021, 9, 28, 10, 30, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> ExportResult:
    return export_package(demo_with_text(), tmp_path_factory.mktemp("pkg"), now=NOW)


@pytest.fixture(scope="module")
def unpacked(exported: ExportResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(exported.zip_path) as zf:
        zf.extractall(target)
    return target


@pytest.fixture(scope="module")
def manifest(unpacked: Path) -> dict[str, object]:
    return json.loads((unpacked / MANIFEST).read_text(encoding="utf-8"))


def test_names_and_folder_content(exported: ExportResult) -> None:
    park = demo_with_text()
    assert exported.zip_path.name == f"{park.name}_碳达峰碳中和材料_20210928.zip"
    assert exported.eml_path.name == f"{park.name}_碳达峰碳中和材料_20210928.eml"
    assert exported.review_path.name == f"{park.name}_内部审核单_20210928.pdf"
    loose = sorted(p.name for p in exported.files)
    assert sorted(n.rsplit(".", 1)[1] for n in loose) == ["json", "pdf", "pdf", "xlsx"]  # to print and to keep
    assert sorted(p.name for p in exported.zip_path.parent.iterdir()) == sorted(
        [*loose, *(p.name for p in (exported.zip_path, exported.eml_path, exported.review_path))]
    )  # no temporary files left over


def test_manifest_hashes_match_the_files(unpacked: Path, manifest: dict[str, object]) -> None:
    import hashlib

    files = manifest["files"]
    assert isinstance(files, list)
    names = {f["name"] for f in files}
    assert names | {MANIFEST} == {p.name for p in unpacked.iterdir()}
    for entry in files:
        data = (unpacked / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]
        assert len(data) == entry["bytes"]
    suffixes = sorted(Path(n).suffix for n in names)
    assert suffixes == [".json", ".pdf", ".pdf", ".xlsx"]


def test_manifest_versions_and_fingerprint(manifest: dict[str, object]) -> None:
    from export import cli

    park = demo_with_text()
    assert manifest["fingerprint"] == fingerprint(park)
    assert manifest["form_version"] == "eip-2021" and manifest["outline_version"] == "eip-2021"
    assert manifest["program_version"] == VERSION == cli.VERSION
    assert manifest["years"] == [2016, 2017, 2018, 2019, 2020]
    assert manifest["final"] is False and manifest["status"] == "草稿"
    assert manifest["created_at"] == "2021-09-28T10:30:00+08:00"
    assert manifest["factor_library"] == {"version": "2026.12.1", "date": "2026-12-01"}
    assert manifest["locked_factor_years"] == {}


def test_footer_fingerprint_equals_the_manifest(unpacked: Path, manifest: dict[str, object]) -> None:
    pdfs = sorted(unpacked.glob("*.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        pages = pdf_pages(pdf)
        assert pages and all(f"校验码{manifest['fingerprint']}" in squeeze(p) for p in pages), pdf.name


def test_park_file_round_trip(unpacked: Path) -> None:
    original = demo_with_text()
    (park_file,) = [p for p in unpacked.glob("*.json") if p.name != MANIFEST]
    again = loads(park_file.read_text(encoding="utf-8"))
    assert park_to_json(again) == park_to_json(original)
    assert fingerprint(again) == fingerprint(original)


def test_park_file_reimports_into_a_database(unpacked: Path, tmp_path: Path) -> None:
    storage = pytest.importorskip("storage")
    (park_file,) = [p for p in unpacked.glob("*.json") if p.name != MANIFEST]
    db = storage.Database.open(tmp_path / "again.db")
    try:
        park_id = db.replace_park(loads(park_file.read_text(encoding="utf-8")))
        again = db.load_park(park_id)
    finally:
        db.close()
    assert park_to_json(again) == park_to_json(demo_with_text())


def test_eml_draft(exported: ExportResult) -> None:
    msg = email.message_from_bytes(exported.eml_path.read_bytes(), policy=policy.default)
    park = demo_with_text()
    assert msg["To"] == MAIL_TO
    assert msg["X-Unsent"] == "1"
    assert park.name in str(msg["Subject"])
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None and fingerprint(park) in body.get_content()
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == exported.zip_path.name
    assert attachment.get_content_type() == "application/zip"
    assert attachment.get_payload(decode=True) == exported.zip_path.read_bytes()
    # from the park's contact e-mail (demo year headers), in the name of its management body
    assert msg["From"].addresses[0].addr_spec == "eip-demo@example.cn"
    assert msg["From"].addresses[0].display_name == park.park["park.management_body"]
    text = body.get_content()
    assert text.startswith("生态环境部科技与财务司：\r\n") and "科财函〔2021〕159号" in text
    assert "仅供预审" in text  # a draft says so to the recipient, formally
    for note in ("本邮件草稿由", "请修改收件人", "请定稿后", PROGRAM):  # notes for the clerk stay in the window
        assert note not in text


def _eml(park: ParkData) -> tuple[email.message.EmailMessage, str, list[str]]:
    package = build_package(park, now=NOW)
    msg = email.message_from_bytes(package.eml_data, policy=policy.default)
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    return msg, body.get_content(), package.notes  # type: ignore[return-value]


def test_eml_goes_to_the_recipient_kept_for_the_park() -> None:
    park = demo_with_text()
    park.report.extra[MAIL_KEY] = {"recipient": PROVINCE, "to": "sthjt@js.example.cn", "from": "tan@park.example.cn"}
    msg, text, notes = _eml(park)
    assert msg["To"] == "sthjt@js.example.cn" and msg["From"].addresses[0].addr_spec == "tan@park.example.cn"
    assert text.startswith("江苏省生态环境厅：") and not any("邮件草稿尚缺" in n for n in notes)
    # kept through the park file (a report extra key) and used by the next export
    again = loads(dumps(park))
    assert again.report.extra[MAIL_KEY] == park.report.extra[MAIL_KEY]
    assert mail_settings(again).to == "sthjt@js.example.cn"
    park.report.extra[MAIL_KEY] = {"recipient": OTHER, "to": "", "from": ""}
    msg, text, notes = _eml(park)
    assert msg["To"] is None and text.startswith("您好：")
    assert any("邮件草稿尚缺收件人邮箱" in n and "导出与报送" in n for n in notes)


def test_eml_without_any_sender_has_a_placeholder_the_window_asks_for() -> None:
    park = demo_with_text()
    for year in park.years.values():
        year.meta.pop("meta.email", None)
    msg, text, notes = _eml(park)
    sender = msg["From"].addresses[0]
    assert sender.addr_spec == SENDER_PLACEHOLDER and sender.display_name == "发件人待填写"
    assert any("邮件草稿尚缺发件人邮箱" in n for n in notes)
    assert SENDER_PLACEHOLDER not in text and "发件人待填写" not in text


def test_final_park_package_has_no_draft_marks(tmp_path: Path) -> None:
    park = final_park()
    park.report.extra["final"]["at"] = "2021-09-26T16:00:00+08:00"
    result = export_package(park, tmp_path, now=NOW)
    assert result.final
    with zipfile.ZipFile(result.zip_path) as zf:
        manifest = json.loads(zf.read(MANIFEST))
        (report_name,) = [n for n in zf.namelist() if n.endswith("专项报告.pdf")]
        (tmp_path / "r.pdf").write_bytes(zf.read(report_name))
    assert manifest["final"] is True and manifest["status"] == "定稿"
    pages = pdf_pages(tmp_path / "r.pdf")
    assert not any("草稿" in p for p in pages)
    assert "编制日期：2021年9月26日" in squeeze(pages[0])  # the day of 定稿, not the export day
    msg = email.message_from_bytes(result.eml_path.read_bytes(), policy=policy.default)
    assert "草稿" not in str(msg["Subject"])


def test_safe_name() -> None:
    assert safe_name('A/B\\C:D*E?F"G<H>I|J') == "A_B_C_D_E_F_G_H_I_J"
    assert safe_name("  ..示例园区.. ") == "示例园区"
    assert safe_name("///") == "___"
    assert safe_name("") == "园区"
    assert safe_name("CON") == "_CON"


def test_park_name_with_slashes_gives_a_flat_file_name(tmp_path: Path) -> None:
    park = demo_with_text()
    park.park["park.name"] = "示例/园区:二期"
    result = export_package(park, tmp_path, now=NOW)
    assert result.zip_path.parent == result.folder and result.folder is not None
    assert result.folder.parent == tmp_path and result.folder.name.startswith("示例_园区_二期_材料_")
    assert result.zip_path.name == "示例_园区_二期_碳达峰碳中和材料_20210928.zip"


def test_workbook_placeholder_when_the_workbook_module_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "export.xlsx.workbook", None)  # import export.xlsx.workbook now raises ImportError
    package = build_package(demo_with_text(), now=NOW)
    names = [f.name for f in package.files]
    assert not any(n.endswith(".xlsx") for n in names)
    assert any(n.endswith("_工作簿说明.txt") for n in names)
    assert package.notes


def test_a_failing_writer_leaves_no_file_at_the_target(tmp_path: Path) -> None:
    from export import package as pkg

    def failing(path: Path, data: bytes) -> None:
        if path.suffix == ".zip":
            pkg.atomic_write(path, data[: len(data) // 2])  # a partial zip must never be visible …
            path.unlink()
            raise OSError(28, "No space left on device", str(path))
        pkg.atomic_write(path, data)

    with pytest.raises(OSError):
        export_package(demo_with_text(), tmp_path, now=NOW, writer=failing)
    assert list(tmp_path.iterdir()) == []  # no set, no staging folder, no pointer


def test_atomic_write_cleans_up_when_interrupted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from export import package as pkg

    target = tmp_path / "x.zip"

    def boom(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pkg.os, "replace", boom)
    with pytest.raises(KeyboardInterrupt):
        pkg.atomic_write(target, b"data")
    assert list(tmp_path.iterdir()) == []


KILL_SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    from export import package as pkg
    from forms.park import atomic
    from tests.export.pdf_support import demo_with_text

    real_fsync = os.fsync

    def slow_fsync(fd):  # the real atomic writer, stopped between writing and renaming the zip
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".part") and ".zip." in os.readlink(f"/proc/self/fd/{fd}"):
            print("WRITING", flush=True)
            time.sleep(60)  # killed here
        real_fsync(fd)

    atomic.os.fsync = slow_fsync
    pkg.export_package(demo_with_text(), sys.argv[1])
    """
)


@pytest.mark.slow
def test_sigkill_while_writing_leaves_no_file_at_the_target(tmp_path: Path) -> None:
    if not hasattr(signal, "SIGKILL") or not Path("/proc/self/fd").is_dir():
        pytest.skip("此平台没有 SIGKILL 或 /proc")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(out)], cwd=REPO, stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(REPO)})  # fmt: skip
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == b"WRITING"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert list(out.rglob("*.zip")) == [] and list(out.rglob("*.eml")) == []
    (staging,) = out.glob(".*.part")  # the killed set, only in its hidden staging folder
    assert staging.is_dir() and not list(out.glob("*_当前材料.json"))
    # the next export removes what the killed one left and writes everything
    result = export_package(demo_with_text(), out)
    assert result.zip_path.exists() and result.eml_path.exists()
    assert sorted(p.name for p in out.iterdir()) == sorted([result.folder.name, result.pointer.name])


def test_run_export_from_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    storage = pytest.importorskip("storage")
    db_path = tmp_path / "t.db"
    db = storage.Database.open(db_path)
    try:
        db.replace_park(demo_with_text())
    finally:
        db.close()
    park = demo_with_text()
    code = run_export(park.name, str(tmp_path / "out"), str(db_path))
    out = capsys.readouterr()
    assert code == 0, out.err
    (zip_path,) = (tmp_path / "out").glob("*/*.zip")
    with zipfile.ZipFile(zip_path) as zf:
        manifest = json.loads(zf.read(MANIFEST))
    assert manifest["fingerprint"] in out.out
    assert "草稿" in out.err

    assert run_export("不存在的园区", str(tmp_path / "out2"), str(db_path)) == 2
    err = capsys.readouterr().err
    assert "不存在的园区" in err and park.name in err and "Traceback" not in err

    assert run_export(park.name, str(tmp_path / "tpl"), str(db_path), template=True) == 0
    (template,) = (tmp_path / "tpl").glob("*.xlsx")
    assert "空白模板" in template.name

    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    assert run_export(park.name, str(blocker), str(db_path)) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：无法写入") and "Traceback" not in err
