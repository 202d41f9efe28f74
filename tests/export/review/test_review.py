"""The reviewer's desk: each tampered or hostile package gets exactly the expected findings; good ones none."""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from export.package import build_package
from export.review.run import run_review
from export.review.summary import RESULTS_FILE, lookup
from forms.park.model import ParkData
from forms.table.calc import compute_park
from tests.export.pdf_support import demo_with_text

NOW = _dt.datetime(2026, 11, 20, 10, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))
TODAY = _dt.date(2026, 12, 1)


def _park(name: str, province: str, scale: float = 1.0) -> ParkData:
    park = demo_with_text()
    park.park["park.name"] = name
    park.park["park.province"] = province
    if scale != 1.0:
        for ydata in park.years.values():
            for key, raw in list(ydata.values.items()):
                if key.startswith("energy.") and isinstance(raw, int | float):
                    ydata.values[key] = raw * scale
    return park


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


def _rehash(members: dict[str, bytes], name: str) -> None:
    """Update the manifest's hash of ``name``, as a careful forger would."""
    import hashlib

    manifest = json.loads(members["manifest.json"])
    for entry in manifest["files"]:
        if entry["name"] == name:
            entry["sha256"] = hashlib.sha256(members[name]).hexdigest()
    members["manifest.json"] = json.dumps(manifest, ensure_ascii=False).encode("utf-8")


def _edit_cached_value(xlsx: bytes, sheet_index: int, ref: str, value: float) -> bytes:
    """Change one cell's stored value in the sheet XML, as Excel would after a hand edit (formula kept)."""
    parts = _members(xlsx)
    name = f"xl/worksheets/sheet{sheet_index}.xml"
    xml = parts[name].decode("utf-8")
    pattern = re.compile(rf'(<c r="{ref}"[^>]*>(?:<f>[^<]*</f>)?<v>)([^<]*)(</v>)')
    assert pattern.search(xml), ref
    parts[name] = pattern.sub(lambda m: f"{m.group(1)}{value}{m.group(3)}", xml, count=1).encode("utf-8")
    return _zip(parts)


def _name(members: dict[str, bytes], suffix: str) -> str:
    return next(n for n in members if n.endswith(suffix))


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("inbox")
    folder = root / "收件"
    folder.mkdir()
    good_a = build_package(_park("甲园区", "江苏省"), now=NOW, today=TODAY)
    good_b = build_package(_park("乙园区", "浙江省", 1.3), now=NOW, today=TODAY)
    (folder / "a.zip").write_bytes(good_a.zip_data)
    (folder / "b.eml").write_bytes(good_b.eml_data)  # arrives by e-mail: the attachment is taken

    # a workbook cell edited after export (emissions total of 2018), nothing else touched
    edited = _members(build_package(_park("丙园区", "山东省"), now=NOW, today=TODAY).zip_data)
    xname = _name(edited, ".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(edited[xname]))
    sheet_index = wb.sheetnames.index("2018年") + 1
    from export.xlsx.layout import plan_year_sheet

    park_c = _park("丙园区", "山东省")
    ref = plan_year_sheet(compute_park(park_c).form).cell_of["emissions.total"]
    edited[xname] = _edit_cached_value(edited[xname], sheet_index, ref, 123.0)
    (folder / "c.zip").write_bytes(_zip(edited))

    # a file replaced: the workbook of another export of the same content (different bytes)
    replaced = _members(build_package(_park("丁园区", "河北省"), now=NOW, today=TODAY).zip_data)
    other = _members(build_package(_park("丁园区", "河北省"), now=NOW + _dt.timedelta(days=1), today=TODAY).zip_data)
    xname_d = _name(replaced, ".xlsx")
    replaced[xname_d] = other[xname_d]
    (folder / "d.zip").write_bytes(_zip(replaced))

    # a PDF from another version of the data, with the manifest hash updated to match it
    mixed = _members(build_package(_park("戊园区", "安徽省"), now=NOW, today=TODAY).zip_data)
    newer = _members(build_package(_park("戊园区", "安徽省", 1.1), now=NOW, today=TODAY).zip_data)
    report = _name(mixed, "专项报告.pdf")
    mixed[report] = newer[report]
    _rehash(mixed, report)
    (folder / "e.zip").write_bytes(_zip(mixed))

    # a zip bomb and a path-traversal zip
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", b"{}")
        zf.writestr("big.bin", b"\0" * (20 * 1024 * 1024))
    (folder / "bomb.zip").write_bytes(bomb.getvalue())
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../evil.txt", b"owned")
        zf.writestr("manifest.json", b"{}")
    (folder / "traversal.zip").write_bytes(evil.getvalue())
    out = root / "审核"
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run_review([str(folder)], str(out), out=stdout, err=stderr, today=TODAY)
    results = json.loads((out / RESULTS_FILE).read_text(encoding="utf-8"))
    by_label = {Path(p["label"].split(" → ")[0]).name: p for p in results["packages"]}
    return {"root": root, "out": out, "code": code, "stdout": stdout.getvalue(), "by": by_label,
            "ref": ref, "fp_a": good_a.fingerprint, "results": results}  # fmt: skip


INTEGRITY_CODES = {"manifest_missing", "manifest_invalid", "manifest_format", "file_missing", "file_unlisted",
                   "hash_mismatch", "parkfile_missing", "parkfile_invalid", "fingerprint_manifest", "fingerprint_pdf",
                   "pdf_invalid", "workbook_missing", "workbook_invalid", "workbook_sheet", "workbook_cell",
                   "final_forged", "data_error", "years_missing"}  # fmt: skip


def _codes(entry: dict[str, object]) -> list[str]:
    return sorted(f["code"] for f in entry["findings"] if f["code"] in INTEGRITY_CODES)  # type: ignore[index,union-attr]


def test_good_packages_have_no_findings(inbox: dict[str, object]) -> None:
    by = inbox["by"]
    assert _codes(by["a.zip"]) == [] and by["a.zip"]["refused"] == ""
    assert _codes(by["b.eml"]) == [] and by["b.eml"]["park"] == "乙园区"


def test_workbook_edited_after_export_names_sheet_and_cell(inbox: dict[str, object]) -> None:
    entry = inbox["by"]["c.zip"]
    assert _codes(entry) == ["hash_mismatch", "workbook_cell"]
    message = next(f["message"] for f in entry["findings"] if f["code"] == "workbook_cell")
    assert "“2018年”工作表" in message and f"{inbox['ref']} 单元格" in message and "123" in message


def test_replaced_file_is_a_hash_mismatch_only(inbox: dict[str, object]) -> None:
    entry = inbox["by"]["d.zip"]
    assert _codes(entry) == ["hash_mismatch"]
    assert "工作簿" not in entry["findings"][0]["message"] or ".xlsx" in entry["findings"][0]["message"]


def test_pdf_of_another_data_version_is_a_fingerprint_mismatch(inbox: dict[str, object]) -> None:
    entry = inbox["by"]["e.zip"]
    codes = _codes(entry)
    assert set(codes) == {"fingerprint_pdf"}
    assert "另一版数据" in next(f["message"] for f in entry["findings"] if f["code"] == "fingerprint_pdf")


def test_hostile_zips_are_refused_and_nothing_escapes(inbox: dict[str, object]) -> None:
    by = inbox["by"]
    assert "压缩" in by["bomb.zip"]["refused"]
    assert "不安全" in by["traversal.zip"]["refused"]
    root: Path = inbox["root"]  # type: ignore[assignment]
    assert not (root / "evil.txt").exists() and not (root.parent / "evil.txt").exists()
    written = sorted(p.name for p in inbox["out"].iterdir())  # type: ignore[attr-defined]
    assert written == sorted([RESULTS_FILE, "材料包审核汇总_20261201.pdf", "材料包审核汇总_20261201.xlsx"])


def test_exit_code_one_when_any_package_has_hard_findings(inbox: dict[str, object]) -> None:
    assert inbox["code"] == 1
    assert "共审核 7 个材料包" in inbox["stdout"]  # type: ignore[operator]


def test_summary_workbook_has_calc_values_per_valid_package(inbox: dict[str, object]) -> None:
    out: Path = inbox["out"]  # type: ignore[assignment]
    wb = openpyxl.load_workbook(out / "材料包审核汇总_20261201.xlsx")
    ws = wb["汇总"]
    header = [c.value for c in ws[1]]
    rows = {r[1]: dict(zip(header, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert sorted(rows) == sorted(["甲园区", "乙园区", "丙园区", "丁园区", "戊园区"])
    for name, scale in (("甲园区", 1.0), ("乙园区", 1.3)):
        result = compute_park(_park(name, "江苏省", scale))
        for year, yres in result.years.items():
            assert rows[name][f"{year}年排放总量（tCO2）"] == pytest.approx(yres.computed["emissions.total"], rel=1e-12)
    assert rows["乙园区"]["省份"] == "浙江省"
    assert any(title.startswith("审核意见-甲园区") for title in wb.sheetnames)
    opinions = wb[next(t for t in wb.sheetnames if t.startswith("审核意见-丙园区"))]
    texts = [c.value for c in opinions["C"] if isinstance(c.value, str)]
    assert any("2018年" in t for t in texts)


def test_paper_fingerprint_lookup(inbox: dict[str, object]) -> None:
    entries = inbox["results"]["packages"]  # type: ignore[index]
    fp = str(inbox["fp_a"])
    spaced = " ".join(fp[i : i + 4] for i in range(0, len(fp), 4)).upper()
    hits = lookup(entries, f"校验码 {spaced}")
    assert [h["park"] for h in hits] == ["甲园区"]
    assert lookup(entries, "0123456789ab") == []
    stdout = io.StringIO()
    assert run_review([], str(inbox["out"]), find="0123 4567 89ab", out=stdout) == 1
    assert "不属于" in stdout.getvalue()


def test_newer_package_of_same_park_supersedes(tmp_path: Path) -> None:
    old = build_package(_park("甲园区", "江苏省"), now=NOW, today=TODAY)
    new = build_package(_park("甲园区", "江苏省", 1.2), now=NOW + _dt.timedelta(days=3), today=TODAY)
    (tmp_path / "old.zip").write_bytes(old.zip_data)
    (tmp_path / "new.zip").write_bytes(new.zip_data)
    (tmp_path / "same-as-new.eml").write_bytes(new.eml_data)
    out = tmp_path / "out"
    assert run_review([str(tmp_path)], str(out), out=io.StringIO(), today=TODAY) == 0
    ws = openpyxl.load_workbook(out / "材料包审核汇总_20261201.xlsx")["材料包核对"]
    outcome = {Path(str(r[0]).split(" → ")[0]).name: (r[4], r[7]) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert outcome["old.zip"][0] == "已被取代" and "new.zip" in outcome["old.zip"][1]
    assert outcome["new.zip"][0] == "通过"
    assert outcome["same-as-new.eml"][0] == "重复"
    summary = openpyxl.load_workbook(out / "材料包审核汇总_20261201.xlsx")["汇总"]
    assert [r[1] for r in summary.iter_rows(min_row=2, values_only=True)] == ["甲园区"]


def test_review_command_line(inbox: dict[str, object], tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.export.pdf_support import REPO

    folder = Path(str(inbox["root"])) / "收件"
    proc = subprocess.run([sys.executable, "main.py", "review", str(folder / "a.zip"), str(folder / "bomb.zip"),
                           "--out", str(tmp_path)], cwd=REPO, capture_output=True, text=True, check=False)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "拒收" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
    found = subprocess.run([sys.executable, "main.py", "review", "--out", str(tmp_path), "--find", str(inbox["fp_a"])],
                           cwd=REPO, capture_output=True, text=True, check=False)  # fmt: skip
    assert found.returncode == 0 and "甲园区" in found.stdout


def test_summary_has_carbon_per_energy_and_target_counts(tmp_path: Path) -> None:
    from forms.park.parkfile import park_from_json
    from forms.table.targets import evaluate_targets
    from tests.forms.table.test_eip2026 import _doc

    doc = _doc()
    doc["park"]["park.name"] = "己园区"
    doc["targets"] = [{"indicator": "emissions.total", "year": 2018, "kind": "peak"},
                      {"indicator": "intensity.co2_per_iva", "year": 2020, "kind": "reduction", "base_year": 2016,
                       "value": 10}]  # fmt: skip
    park = park_from_json(doc)
    park.years[2019].locked_factors = {"library": "2025.1(2025-01-01)", "at": "2026-01-01", "factors": {}}
    (tmp_path / "f.zip").write_bytes(build_package(park, now=NOW, today=TODAY).zip_data)
    out = tmp_path / "out"
    run_review([str(tmp_path)], str(out), out=io.StringIO(), today=TODAY)
    ws = openpyxl.load_workbook(out / "材料包审核汇总_20261201.xlsx")["汇总"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, next(ws.iter_rows(min_row=2, values_only=True)), strict=False))
    result = compute_park(park)
    assert row["2020年单位能耗碳排放（tCO2/tce）"] == pytest.approx(result.years[2020].computed["zero.co2_per_energy"])
    statuses = [e.status for e in evaluate_targets(park.targets, result)]
    assert (row["目标达成数"], row["目标未达成数"]) == (statuses.count("达成"), statuses.count("未达成")) == (1, 1)
    results = json.loads((out / RESULTS_FILE).read_text(encoding="utf-8"))["packages"][0]
    lock = [f for f in results["findings"] if f["code"] == "factor_lock_library"]
    assert len(lock) == 1 and "2019年" in lock[0]["message"] and "2025.1" in lock[0]["message"]


def test_the_fingerprint_leaves_out_when_a_lock_was_made_but_not_its_values() -> None:
    from forms.report.check import content_fingerprint

    a, b = _park("甲园区", "江苏省"), _park("甲园区", "江苏省")
    lock = {"library": "2026.12.1(2026-12-01)", "reason": "导出报送", "factors": {}}
    a.years[2020].locked_factors = {**lock, "at": "2026-12-01T10:00:00+08:00"}
    b.years[2020].locked_factors = {**lock, "at": "2026-12-02T09:30:00+08:00", "reason": "定稿"}
    assert content_fingerprint(a) == content_fingerprint(b)
    b.years[2020].locked_factors = {**lock, "library": "2027.1(2027-01-01)", "at": "x"}
    assert content_fingerprint(a) != content_fingerprint(b)


def test_a_package_without_all_baseline_years_is_a_hard_finding(tmp_path: Path) -> None:
    park = _park("庚园区", "江苏省")
    del park.years[2017]
    (tmp_path / "g.zip").write_bytes(build_package(park, now=NOW, today=TODAY).zip_data)
    out = tmp_path / "out"
    assert run_review([str(tmp_path)], str(out), out=io.StringIO(), today=TODAY) == 1
    findings = json.loads((out / RESULTS_FILE).read_text(encoding="utf-8"))["packages"][0]["findings"]
    assert [f["message"] for f in findings if f["code"] == "years_missing"] == ["缺少必报年度：2017年"]


def test_summary_pdf_table_headers_stay_in_their_columns(inbox: dict[str, object]) -> None:
    """Each header of the PDF's park table is its own word on the page, ending before the next one begins
    (强度（tCO2/万元） ran into 错误 and pdftotext read them as one word)."""
    import subprocess

    from tests.export.pdf_support import need_poppler

    need_poppler()
    pdf = Path(str(inbox["out"])) / "材料包审核汇总_20261201.pdf"
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
    words = [
        (float(x0), float(x1), text)
        for x0, x1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', xml
        )
    ]
    heads = {text: (x0, x1) for x0, x1, text in words}
    assert "错误" in heads and "警告" in heads, sorted(heads)[:40]
    strength = [(x0, x1) for x0, x1, text in words if text.startswith("强度")]
    assert strength and all("错误" not in text for _, _, text in words if text.startswith("强度"))
    assert max(x1 for _, x1 in strength) < heads["错误"][0]


def test_a_workbook_saved_without_its_computed_values_still_names_the_edited_cell(tmp_path: Path) -> None:
    """A workbook re-saved by a program that keeps no computed values (every formula cell empty) with one
    computed cell typed over: the typed-over cell is named, and the empty cells are one finding that says so
    (the first 20 empty cells were listed and the edit hid in "另有 N 个")."""
    park = _park("辛园区", "江苏省")
    members = _members(build_package(park, now=NOW, today=TODAY).zip_data)
    xname = _name(members, ".xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(members[xname]))  # openpyxl keeps formulas but no computed values
    from export.xlsx.layout import plan_year_sheet

    ref = plan_year_sheet(compute_park(park).form).cell_of["emissions.total"]
    wb["2018年"][ref] = 999.0
    buf = io.BytesIO()
    wb.save(buf)
    members[xname] = buf.getvalue()
    (tmp_path / "h.zip").write_bytes(_zip(members))
    out = tmp_path / "out"
    assert run_review([str(tmp_path)], str(out), out=io.StringIO(), today=TODAY) == 1
    findings = json.loads((out / RESULTS_FILE).read_text(encoding="utf-8"))["packages"][0]["findings"]
    cells = [f["message"] for f in findings if f["code"] == "workbook_cell"]
    assert any("“2018年”工作表" in m and f"{ref} 单元格" in m and "999" in m for m in cells), cells
    empty = [f["message"] for f in findings if f["code"] == "workbook_values_missing"]
    assert len(empty) == 1 and xname in empty[0] and "没有保存计算结果" in empty[0]
    assert not any("（空）" in m for m in cells)


def test_a_changed_cell_shows_both_numbers_in_full(tmp_path: Path) -> None:
    """A computed cell typed over with a value close to calc's shows both numbers in plain digits that differ
    (6696016.4872 against 6696015.4872 were both shown as 6.69602e+06)."""
    park = _park("壬园区", "江苏省")
    members = _members(build_package(park, now=NOW, today=TODAY).zip_data)
    xname = _name(members, ".xlsx")
    from export.xlsx.layout import plan_year_sheet

    result = compute_park(park)
    ref = plan_year_sheet(result.form).cell_of["emissions.total"]
    expected = result.years[2018].computed["emissions.total"]
    sheet_index = openpyxl.load_workbook(io.BytesIO(members[xname])).sheetnames.index("2018年") + 1
    members[xname] = _edit_cached_value(members[xname], sheet_index, ref, expected + 1)
    (tmp_path / "k.zip").write_bytes(_zip(members))
    out = tmp_path / "out"
    run_review([str(tmp_path)], str(out), out=io.StringIO(), today=TODAY)
    findings = json.loads((out / RESULTS_FILE).read_text(encoding="utf-8"))["packages"][0]["findings"]
    (message,) = [f["message"] for f in findings if f["code"] == "workbook_cell"]
    assert f"{ref} 单元格（二氧化碳排放总量）的值为 6696016.4872，园区文件计算为 6696015.4872" in message


def test_damaged_packages_are_described_in_chinese(tmp_path: Path) -> None:
    """What the reviewer reads about a damaged file is Chinese, not the reading library's English text or
    exception class (“File is not a zip file”, “Expecting value: line 1 column 1”, “PdfReadError”)."""
    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "fake.zip").write_bytes(b"not a zip")
    for label, broken in (("json.zip", "_园区文件.json"), ("pdf.zip", "专项报告.pdf")):
        members = _members(build_package(_park("癸园区", "江苏省"), now=NOW, today=TODAY).zip_data)
        name = _name(members, broken)
        members[name] = b"{oops" if broken.endswith(".json") else b"%PDF-1.4 damaged"
        _rehash(members, name)
        (folder / label).write_bytes(_zip(members))
    parkfile, report = _name(members, "_园区文件.json"), _name(members, "专项报告.pdf")
    out = tmp_path / "out"
    assert run_review([str(folder)], str(out), out=io.StringIO(), today=TODAY) == 1
    by = {Path(p["label"]).name: p for p in json.loads((out / RESULTS_FILE).read_text(encoding="utf-8"))["packages"]}
    assert by["fake.zip"]["refused"] == "不是有效的 zip 文件（已损坏，或不是 zip 格式）"
    messages = {f["code"]: f["message"] for f in by["json.zip"]["findings"] + by["pdf.zip"]["findings"]}
    assert messages["parkfile_invalid"] == (
        f"园区文件“{parkfile}”无法读取：园区文件“{parkfile}”不是有效的 JSON（第 1 行第 2 列）"
    )
    assert messages["pdf_invalid"] == f"PDF“{report}”无法读取（已损坏，或不是 PDF 文件）"


def test_each_printed_error_names_its_package(inbox: dict[str, object]) -> None:
    """Two packages of one park can both have errors: each printed line names the package, not the park alone."""
    lines = [line for line in str(inbox["stdout"]).splitlines() if "[错误]" in line]
    assert lines and all(".zip" in line.split("：[错误]")[0] for line in lines), lines[:3]
    assert any(line.startswith("  丙园区（") and "c.zip）：[错误]" in line for line in lines)
