"""``import FILE.json`` / ``dump PARK``: all or nothing, raw text preserved, Chinese errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from storage_helpers import table_checksum

from export.cli import run_dump, run_import_json
from storage import Database

REPO = Path(__file__).resolve().parents[2]
PARK = "示例生态工业示范园区"


def _assert_same_json(original: Any, dumped: Any, where: str = "") -> None:
    """Value by value, with types: 610.0 stays a float, 268 an int, "1,234" a string."""
    assert type(dumped) is type(original), f"{where}: {original!r} became {dumped!r}"
    if isinstance(original, dict):
        assert list(dumped) == list(original), where
        for key in original:
            _assert_same_json(original[key], dumped[key], f"{where}/{key}")
    elif isinstance(original, list):
        assert len(dumped) == len(original), where
        for i, (a, b) in enumerate(zip(original, dumped, strict=True)):
            _assert_same_json(a, b, f"{where}[{i}]")
    else:
        assert dumped == original, where


def _dump(db_path: Path, capsysbinary: pytest.CaptureFixture[bytes], name: str = PARK) -> Any:
    assert run_dump(name, db_path) == 0
    return json.loads(capsysbinary.readouterr().out.decode("utf-8"))


def test_import_then_dump_gives_back_the_same_values(
    demo_file: Path, db_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert run_import_json(demo_file, db_path) == 0
    assert PARK in capsysbinary.readouterr().out.decode()
    original = json.loads(demo_file.read_text(encoding="utf-8"))
    dumped = _dump(db_path, capsysbinary)
    assert dumped["format"] == original["format"] and dumped["form"] == original["form"]
    _assert_same_json(original["park"], dumped["park"], "park")
    assert list(dumped["years"]) == list(original["years"])
    for year, ydoc in original["years"].items():
        for part in ("values", "factors", "explanations", "meta"):
            _assert_same_json(ydoc.get(part, {}), dumped["years"][year][part], f"{year}/{part}")
    assert dumped["report"] == {"outline": "eip-2021", "sections": {}, "projects": [], "scenarios": {}}


def test_raw_text_survives_exactly(tmp_path: Path, db_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    doc = {
        "format": "parkcarbon/1",
        "form": "eip-2021",
        "park": {"park.name": "原样园区", "park.approved_year": "２０１２年"},
        "years": {
            "2016": {
                "values": {"energy.raw_coal": "120,000", "energy.natural_gas": 3500, "basic.gdp": "  1.2万\t",
                           "energy.coke": "１２３４．５", "energy.diesel": 1e-7, "basic.employees": None},
                "factors": {"factor.grid": {"value": "0.6101", "source": "全国电网平均排放因子"}},
                "explanations": {"emissions.total": "新建热电联产项目投产，用煤量上升\n第二行"},
                "meta": {"meta.filler": "张三", "meta.phone": "025-8888 1234 转 5"},
            }
        },
        "report": {
            "outline": "eip-2021",
            "sections": {"ch2.2": "……正文……\n\n  缩进"},
            "projects": [{"name": "光伏", "investment": 1200, "years": "2022–2024", "reduction": 5000.5}],
            "scenarios": {"基准情景": {"2021-2025": {"iva_growth": 8.0, "intensity_change": -3}}},
            "final": {"locked": True, "at": "2021-09-30"},
        },
    }  # fmt: skip
    source = tmp_path / "raw.json"
    source.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert run_import_json(source, db_path) == 0
    capsysbinary.readouterr()
    _assert_same_json(doc, _dump(db_path, capsysbinary, "原样园区"))


BAD_FILES = {
    "truncated": ('{"format": "parkcarbon/1", "form": "eip-2021", "park": {"park.name": "坏园区"', "JSON 格式错误"),
    "unknown_key": (
        '{"format": "parkcarbon/1", "form": "eip-2021", "park": {"park.name": "坏园区"},'
        ' "years": {"2016": {"values": {"energy.raw_coal": 1, "energy.unobtainium": 5}}}}',
        "energy.unobtainium",
    ),
    "wrong_type": (
        '{"format": "parkcarbon/1", "form": "eip-2021", "park": {"park.name": "坏园区"},'
        ' "years": {"2017": {"values": {"energy.raw_coal": [1, 2]}}}}',
        "energy.raw_coal",
    ),
    "no_name": ('{"format": "parkcarbon/1", "form": "eip-2021", "park": {}}', "park.name"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_input_changes_nothing(
    case: str, demo_file: Path, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import_json(demo_file, db_path) == 0
    before = table_checksum(db_path)
    text, expected = BAD_FILES[case]
    bad = tmp_path / f"{case}.json"
    bad.write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert run_import_json(bad, db_path) == 2
    err = capsys.readouterr().err
    assert expected in err and str(bad) in err and "没有任何改动" in err
    assert "Traceback" not in err
    if case == "wrong_type":
        assert "2017" in err
    assert table_checksum(db_path) == before


def test_import_of_an_existing_park_replaces_it_after_a_backup(
    demo_file: Path, tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import_json(demo_file, db_path) == 0
    doc = json.loads(demo_file.read_text(encoding="utf-8"))
    doc["years"]["2016"]["values"]["energy.coke"] = "9,999"
    del doc["years"]["2020"]
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert run_import_json(changed, db_path) == 0
    err = capsys.readouterr().err
    assert "已有园区" in err and "备份" in err
    with Database.open(db_path) as db:
        assert len(db.list_parks()) == 1
        park = db.load_park(db.find_park(PARK) or 0)
        assert park.years[2016].values["energy.coke"] == "9,999" and 2020 not in park.years
        backup = next(p for p in db.list_backups() if "before-import" in p.name)
        assert str(backup) in err
        # the replaced state is still in the history
        assert db.history(db.find_park(PARK) or 0, year=2016, key="energy.coke")[0].old_raw == 82000


def test_dump_of_an_unknown_park_or_missing_database(
    demo_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_dump(PARK, db_path) == 2
    assert "不存在" in capsys.readouterr().err
    assert not db_path.exists()
    assert run_import_json(demo_file, db_path) == 0
    assert run_dump("没有的园区", db_path) == 2
    err = capsys.readouterr().err
    assert "没有的园区" in err and PARK in err


def test_dump_works_while_the_window_holds_the_database(
    demo_file: Path, db_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert run_import_json(demo_file, db_path) == 0
    capsysbinary.readouterr()
    with Database.open(db_path):
        assert _dump(db_path, capsysbinary)["park"]["park.name"] == PARK
    assert run_import_json(demo_file, db_path) == 0  # the lock was released


def test_import_while_locked_is_refused(demo_file: Path, db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Database.open(db_path):
        assert run_import_json(demo_file, db_path) == 2
    assert "另一个正在运行" in capsys.readouterr().err


def test_main_routes_import_and_dump(demo_file: Path, db_path: Path) -> None:
    run = [sys.executable, "main.py"]
    done = subprocess.run(
        [*run, "import", str(demo_file), "--db", str(db_path)], cwd=REPO, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    done = subprocess.run([*run, "dump", PARK, "--db", str(db_path)], cwd=REPO, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode("utf-8"))["years"]["2016"]["values"]["basic.gdp"] == 610.0
