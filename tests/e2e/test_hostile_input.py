"""The hostile-input corpus (issue 19, item 7) through calc, check, import (JSON and xlsx) and export:
exit 2 with a Chinese message naming the problem (0/1 where the input is valid), never a traceback, the
database unchanged on refusal.  Every case runs in-process; one case of each group also as the real
``python main.py`` subprocess.

After the import, every park then in the database is exported (``export PARK --out DIR``): the case's park
where it was accepted, the demo park it may have replaced or left alone.  The export must succeed (or exit 2
with a Chinese message), write the whole set, never a traceback, and leave the database as it was.  An
export depends only on the park's content, so a park whose park file is byte-identical to one already
exported in this run (the untouched demo park of every refused case) is not exported again."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from export.cli import run_calc, run_check, run_export, run_import_json, run_import_workbook
from forms.park.parkfile import dumps
from storage import Database
from tests.e2e.hostile_corpus import CASES, DEMO, REPO, Case, by_group

CHINESE = "错误", "失败", "不", "无法"


def test_the_corpus_is_big_enough_and_grouped() -> None:
    groups = by_group()
    assert len(CASES) >= 100 and len(groups) >= 8, groups
    assert len({c.id for c in CASES}) + len(groups) >= len(CASES)  # ids unique within groups


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("db") / "p.db"
    assert run_import_json(DEMO, db) == 0
    return db


def _sha(db: Path) -> str:
    return hashlib.sha256(db.read_bytes()).hexdigest()


def _write(case: Case, folder: Path) -> Path:
    data = case.make()
    path = folder / ("case.xlsx" if case.kind == "xlsx" else "case.json")
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return path


def _refusal(err: str, case: Case) -> None:
    assert "Traceback" not in err
    assert case.expect is not None and case.expect in err, f"{case.group}/{case.id}: {err!r}"
    assert any(word in err for word in CHINESE), err


@pytest.mark.parametrize("case", CASES, ids=[f"{c.group}/{c.id}" for c in CASES])
def test_case(case: Case, tmp_path: Path, seeded_db: Path, capfd: pytest.CaptureFixture[str]) -> None:
    import shutil

    path = _write(case, tmp_path)
    db = tmp_path / "p.db"
    shutil.copy(seeded_db, db)
    before = _sha(db)
    if case.kind == "json":
        out, err = io.StringIO(), io.StringIO()
        code = run_calc(str(path), out, err)
        if case.expect is None:
            assert code == 0, err.getvalue()
            json.loads(out.getvalue())  # valid JSON out (no NaN)
        else:
            assert code == 2 and out.getvalue() == ""
            _refusal(err.getvalue(), case)
            assert str(path) in err.getvalue()  # names the file
        err = io.StringIO()
        code = run_check(str(path), io.StringIO(), err)
        assert code in ((0, 1) if case.expect is None else (2,)), err.getvalue()
        if case.expect is not None:
            _refusal(err.getvalue(), case)
        code = run_import_json(path, db)
    else:
        code = run_import_workbook(path, db)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if case.expect is None:
        assert code == 0, captured.err
        assert "失败" not in captured.err
    else:
        assert code == 2, captured.err
        _refusal(captured.err, case)
        assert "已用" not in captured.err  # never claims a replacement that did not happen
        assert _sha(db) == before, "the database changed on a refusal"
    _export_all(case, db, tmp_path / "out")


_EXPORTED: set[str] = set()  # sha-256 of the park files already exported in this run


def _export_all(case: Case, db: Path, out_dir: Path) -> None:
    with Database.open(db, read_only=True) as database:
        parks = [(p.name, database.load_park(p.id)) for p in database.list_parks()]
    assert parks, f"{case.group}/{case.id}: no park left in the database"
    for name, park in parks:
        content = hashlib.sha256(dumps(park).encode("utf-8")).hexdigest()
        if content in _EXPORTED:
            continue
        before = _sha(db)
        out, err = io.StringIO(), io.StringIO()
        code = run_export(name, str(out_dir), str(db), out=out, err=err)
        text = out.getvalue() + err.getvalue()
        assert "Traceback" not in text, f"{case.group}/{case.id}: {text}"
        assert _sha(db) == before, f"{case.group}/{case.id}: the export changed the database"
        if code == 2:
            assert any(word in err.getvalue() for word in CHINESE), err.getvalue()
            continue
        assert code == 0, f"{case.group}/{case.id}: export exited {code}: {err.getvalue()}"
        written = [line.split("：", 1)[1] for line in out.getvalue().splitlines() if line.startswith("已导出")]
        assert any(p.endswith(".zip") for p in written) and all(Path(p).is_file() for p in written), text
        assert any(p.endswith(".xlsx") for p in written) and sum(p.endswith(".pdf") for p in written) >= 2, text
        _EXPORTED.add(content)


SUBPROCESS = [
    next(c for c in CASES if c.group == g and c.expect is not None) for g in by_group() if g != "park-name-valid"
]


@pytest.mark.slow
def test_real_command_line_on_one_case_of_each_group(tmp_path: Path, seeded_db: Path) -> None:
    import shutil

    db = tmp_path / "p.db"
    shutil.copy(seeded_db, db)
    before = _sha(db)
    for case in SUBPROCESS:
        path = _write(case, tmp_path)
        commands = [["import", str(path), "--db", str(db)]]
        if case.kind == "json":
            commands += [["calc", str(path)], ["check", str(path)]]
        for args in commands:
            proc = subprocess.run([sys.executable, str(REPO / "main.py"), *args], capture_output=True, text=True,
                                  timeout=120, check=False, env={**os.environ, "PYTHONIOENCODING": "utf-8"})  # fmt: skip
            assert proc.returncode == 2, (case.id, args, proc.stderr)
            _refusal(proc.stderr, case)
            assert "Traceback" not in proc.stdout
    assert _sha(db) == before


@pytest.mark.slow
def test_accepted_hostile_names_export(tmp_path: Path) -> None:
    """Names the door accepts (a leading '=', slashes, CON, 50 characters …) export: the workbook keeps them
    as text, the e-mail header is valid, every file name fits."""
    from email import message_from_bytes, policy

    from openpyxl import load_workbook

    from export.package import export_package
    from forms.park.parkfile import loads

    for case in [c for c in CASES if c.group == "park-name-valid" and c.id in ("formula", "len-50", "con", "nfd")]:
        park = loads(case.make())  # type: ignore[arg-type]
        result = export_package(park, tmp_path / case.id)
        (workbook,) = [p for p in result.files if p.suffix == ".xlsx"]
        wb = load_workbook(workbook)
        for ws in wb.worksheets:
            if ws.sheet_state == "visible":
                a1 = ws["A1"]
                assert (a1.data_type == "s" and not str(a1.value).startswith("=")) or a1.data_type == "s", ws.title
        msg = message_from_bytes(result.eml_path.read_bytes(), policy=policy.default)
        assert park.name in str(msg["Subject"])
        assert all(len(p.name.encode("utf-8")) <= 255 for p in result.folder.iterdir())  # type: ignore[union-attr]


def test_names_are_normalised_once_so_a_spaced_name_is_the_same_park(tmp_path: Path,
                                                                      capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    db = tmp_path / "p.db"
    doc = json.loads(DEMO.read_text(encoding="utf-8"))
    name = doc["park"]["park.name"]
    assert run_import_json(DEMO, db) == 0
    doc["park"]["park.name"] = f"  {name}\u3000 "[:-2] + " "  # spaces around it
    spaced = tmp_path / "spaced.json"
    spaced.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run_import_json(spaced, db) == 0
    assert run_import_json(DEMO, db) == 0
    capfd.readouterr()
    with Database.open(db, read_only=True) as database:
        assert [p.name for p in database.list_parks()] == [name]  # one park, never a duplicate
        assert database.find_park(f" {name} ") is not None


def test_a_refused_import_says_nothing_about_replacing(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "p.db"
    assert run_import_json(DEMO, db) == 0
    doc = json.loads(DEMO.read_text(encoding="utf-8"))
    doc["years"]["2016"]["values"]["energy.raw_coal"] = 1e300  # refused by storage after the name is found
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    capfd.readouterr()
    before = _sha(db)
    assert run_import_json(bad, db) == 2
    err = capfd.readouterr().err
    assert "已用文件" not in err and "数值过大" in err
    assert _sha(db) == before


def test_calc_into_a_closed_pipe_is_quiet(tmp_path: Path) -> None:
    proc = subprocess.run(f"{sys.executable} {REPO / 'main.py'} calc {DEMO} | head -c 10", shell=True,
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert proc.stdout.startswith("{") and "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr


def test_what_the_window_keeps_dumps_and_imports_again(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Control characters pasted into a field, a section and an explanation are kept by the window (storage);
    the park file ``dump`` writes then imports again into another database with every character intact."""
    from export.cli import run_dump
    from forms.park.parkfile import read_park_file

    source, target = tmp_path / "a.db", tmp_path / "b.db"
    with Database.open(source) as database:
        park_id = database.replace_park(read_park_file(DEMO))
        database.set_value(park_id, None, "park.city", "新\x07城\x1b市")
        database.set_value(park_id, 2016, "energy.raw_coal", "12\x0b00")
        database.set_explanation(park_id, 2016, "emissions.total", "说明\x0c有\x00控制符")
        database.set_section_text(park_id, "ch2.2", "正文\x08有\x85控制符")
        kept = database.load_park(park_id)
        name = kept.name
    capfd.readouterr()
    assert run_dump(name, source) == 0
    dumped = capfd.readouterr().out
    park_file = tmp_path / "dumped.json"
    park_file.write_text(dumped, encoding="utf-8")
    assert run_import_json(park_file, target) == 0, capfd.readouterr().err
    with Database.open(target, read_only=True) as database:
        again = database.load_park(database.find_park(name) or 0)
    assert again.park["park.city"] == "新\x07城\x1b市" and again.years[2016].values["energy.raw_coal"] == "12\x0b00"
    assert again.years[2016].explanations["emissions.total"] == "说明\x0c有\x00控制符"
    assert again.report.sections["ch2.2"] == "正文\x08有\x85控制符"
    assert dumps(again) == dumps(kept)


def test_a_folder_given_as_the_file_is_refused_in_chinese(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A folder where a park file or a workbook is expected (``import 数据.xlsx`` naming a folder): exit 2 and a
    Chinese message naming it, never a traceback or the operating system's English."""
    from export.cli import main

    db = tmp_path / "p.db"
    for name in ("园区.json", "数据.xlsx"):
        folder = tmp_path / name
        folder.mkdir()
        commands = [["import", str(folder), "--db", str(db)]]
        if name.endswith(".json"):
            commands += [["calc", str(folder)], ["check", str(folder)]]
        for args in commands:
            assert main(args) == 2, args
            captured = capfd.readouterr()
            assert "Traceback" not in captured.err and "Is a directory" not in captured.err, captured.err
            assert f"{folder}" in captured.err and "这是一个文件夹，不是文件" in captured.err, captured.err
    assert not db.exists()


@pytest.mark.parametrize(("text", "where", "why"), [
    ("", "第 1 行第 1 列", "此处应有一个值"),
    (DEMO.read_text(encoding="utf-8") + "x", "第 ", "JSON 已经结束，后面还有多余的内容"),
    ('{"format": "parkcarbon/1" "form": "eip-2021"}', "第 1 行第 27 列", "缺少逗号"),
    ('{"format": "parkcarbon/1", }', "第 1 行第 28 列", "键名"),
    ('{"format": "parkcarbon/1', "第 1 行第 12 列", "字符串缺少结尾的双引号"),
    ("\ufeff\ufeff{}", "第 1 行第 1 列", "BOM"),
])  # fmt: skip
def test_json_syntax_errors_are_explained_in_chinese(tmp_path: Path, text: str, where: str, why: str) -> None:
    path = tmp_path / "园区.json"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_calc(str(path), out, err) == 2 and out.getvalue() == ""
    message = err.getvalue()
    assert f"文件 {path}" in message and "JSON 格式错误" in message and where in message and why in message, message
    assert not any(word in message for word in ("Expecting", "Extra data", "Unterminated", "BOM (decode")), message


def test_a_year_storage_cannot_hold_is_refused_naming_the_file(tmp_path: Path,
                                                               capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """calc and check read a year like 0000 (check reports it as out of range); import refuses it, naming the
    file and saying the database is unchanged."""
    db = tmp_path / "p.db"
    assert run_import_json(DEMO, db) == 0
    doc = json.loads(DEMO.read_text(encoding="utf-8"))
    doc["years"]["0000"] = doc["years"].pop("2016")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run_check(str(bad), io.StringIO(), io.StringIO()) == 1
    capfd.readouterr()
    before = _sha(db)
    assert run_import_json(bad, db) == 2
    err = capfd.readouterr().err
    assert err.strip() == f"导入失败：文件“{bad}”：“0”不是有效的年份。数据库没有任何改动。", err
    assert _sha(db) == before


def test_review_into_a_path_that_is_a_file_says_why_in_chinese(tmp_path: Path) -> None:
    from export.review.run import run_review

    target = tmp_path / "汇总"
    target.write_text("", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run_review([str(tmp_path / "没有这个包.zip")], str(target), out=out, err=err, workers=1) == 2
    assert err.getvalue().strip() == f"错误：无法写入“{target}”：已有同名的文件", err.getvalue()


def _disk_full_on_second_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up while the second file of a set is written (its fsync fails with ENOSPC)."""
    import errno

    from forms.park import atomic

    calls = []
    real = atomic.os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_full_disk_leaves_the_review_summary_of_the_last_run_whole(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """The summary workbook, PDF and results are one set: a disk that fills up half-way leaves the previous set
    as it was (not a new workbook beside the old results ``--find`` reads), and no temporary file."""
    from export.review.run import run_review

    target = tmp_path / "汇总"
    missing = str(tmp_path / "没有这个包.zip")
    assert run_review([missing], str(target), out=io.StringIO(), err=io.StringIO(), workers=1) == 1
    before = _files(target)
    assert len(before) == 3
    _disk_full_on_second_file(monkeypatch)
    err = io.StringIO()
    assert run_review([missing, missing], str(target), out=io.StringIO(), err=err, workers=1) == 2
    assert "磁盘空间已满" in err.getvalue() and "Traceback" not in err.getvalue(), err.getvalue()
    assert _files(target) == before


def test_a_full_disk_leaves_no_half_of_an_annual_chapter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """``export PARK --annual N``: the PDF and the Word file are written both or neither."""
    from export.cli import main

    db = tmp_path / "p.db"
    assert run_import_json(DEMO, db) == 0
    name = json.loads(DEMO.read_text(encoding="utf-8"))["park"]["park.name"]
    out = tmp_path / "年度"
    _disk_full_on_second_file(monkeypatch)
    capfd.readouterr()
    assert main(["export", name, "--annual", "2020", "--out", str(out), "--db", str(db)]) == 2
    err = capfd.readouterr().err
    assert f"错误：无法写入“{out}" in err and "磁盘空间已满" in err, err
    assert list(out.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero (a device that never ends)")
def test_an_endless_device_is_refused_without_reading_it_all(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """/dev/zero says its size is 0 and never ends: the readers stop at their limit (a park file, a factor
    table) or refuse a file that is not a regular file (a workbook), instead of filling the memory."""
    from export.cli import main
    from forms.table.factor_import import FactorTableError, read_grid_table

    db = tmp_path / "p.db"
    workbook = tmp_path / "数据.xlsx"
    workbook.symlink_to("/dev/zero")
    for args, said in ((["calc", "/dev/zero"], "文件过大"), (["import", "/dev/zero", "--db", str(db)], "文件过大"),
                       (["import", str(workbook), "--db", str(db)], "不是普通文件")):  # fmt: skip
        assert main(args) == 2, args
        err = capfd.readouterr().err
        assert said in err and "Traceback" not in err and "MemoryError" not in err, err
    assert not db.exists()
    with pytest.raises(FactorTableError, match="过大"):
        read_grid_table("/dev/zero")
