"""Reading workbooks back: round trip, a filled template, bad fills reported cell by cell, refusals, the CLI."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

import export.xlsx.reader as xi
from export.cli import run_import_workbook
from export.xlsx.layout import FACTOR_SHEET, META_SHEET, plan_year_sheet
from export.xlsx.reader import REJECTED, WorkbookError, read_workbook
from export.xlsx.workbook import write_workbook
from forms.park.model import ParkData
from forms.park.parkfile import park_to_json
from forms.table.calc import compute_park
from forms.table.registry import form_for
from storage import Database
from tests.export.xlsx_support import demo_park, rich_park

FORM = form_for("eip-2021")
PLAN = plan_year_sheet(FORM)


def _tables(park: ParkData) -> dict[str, object]:
    doc = park_to_json(park)
    doc.pop("report")
    return doc


def _factor_row(ws: openpyxl.worksheet.worksheet.Worksheet, year: int, key: str) -> int:
    label = FORM.field(key).label
    for row in ws.iter_rows(min_row=4):
        if row[0].value == year and row[2].value == label:
            return row[0].row
    raise AssertionError(key)


@pytest.mark.parametrize("make", [demo_park, rich_park], ids=["demo", "rich"])
def test_round_trip_keeps_every_value_as_typed(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    park = make()
    result = read_workbook(write_workbook(park, tmp_path / "book.xlsx"))
    assert result.ok, [r.text() for r in result.rejected]
    assert _tables(result.park) == _tables(park)
    if make is rich_park:
        assert result.park.years[2017].values["energy.diesel"] == "1,234.5"  # raw text, not 1234.5
        assert result.park.years[2017].values["energy.fuel_oil"] == "—"
        assert result.park.years[2017].values["basic.leading_industries"].startswith("=HYPERLINK")


def _filled_template(tmp_path: Path) -> Path:
    """A blank template typed into by hand (openpyxl plays the clerk)."""
    path = write_workbook(demo_park(), tmp_path / "template.xlsx", template=True)
    wb = openpyxl.load_workbook(path)
    ws = wb["2018年"]
    ws[PLAN.cell_of["energy.raw_coal"]] = 1300000
    ws[PLAN.cell_of["energy.diesel"]] = "1,234.5"
    ws[PLAN.cell_of["energy.gasoline"]] = "１２３４．５"
    ws[PLAN.cell_of["basic.industrial_value_added"]] = 400.5
    ws[PLAN.cell_of["basic.leading_industries"]] = "装备制造"
    ws[PLAN.cell_of["meta.filler"]] = "张三"
    ws[PLAN.cell_of["sink.green_coverage"]] = 0.4
    ws[PLAN.cell_of["sink.green_coverage"]].number_format = "0.0%"  # the clerk typed 40%
    ws[PLAN.cell_of["factor.grid"]] = 0.5810
    fs = wb[FACTOR_SHEET]
    fs.cell(_factor_row(fs, 2018, "factor.grid"), 7).value = "省级电网排放因子(2018)"
    wb["2016年"][PLAN.cell_of["park.city"]] = "新城市"
    wb.save(path)
    return path


def test_filled_template_imports_with_typed_text_kept(tmp_path: Path) -> None:
    result = read_workbook(_filled_template(tmp_path))
    assert result.ok, [r.text() for r in result.rejected]
    y = result.park.years[2018]
    assert y.values["energy.raw_coal"] == 1300000
    assert y.values["energy.diesel"] == "1,234.5"
    assert y.values["energy.gasoline"] == "１２３４．５"
    assert y.values["basic.leading_industries"] == "装备制造"
    assert y.values["sink.green_coverage"] == pytest.approx(40.0)
    assert y.meta["meta.filler"] == "张三"
    assert y.factors["factor.grid"].value == 0.5810
    assert y.factors["factor.grid"].source == "省级电网排放因子(2018)"
    assert result.park.park["park.city"] == "新城市"
    assert result.park.years[2017].values == {} and result.park.years[2017].factors == {}
    computed = compute_park(result.park).years[2018]
    assert computed.inputs["energy.diesel"] == 1234.5 and computed.inputs["energy.gasoline"] == 1234.5
    reasons = {r.key: r.reason for r in result.report}
    assert "1,234.5" in reasons["energy.diesel"]
    statuses = {r.key: r.status for r in result.report}
    assert statuses["sink.green_coverage"] == "converted"


def _bad_fill(tmp_path: Path) -> Path:
    path = _filled_template(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["2018年"]
    ws[PLAN.cell_of["energy.coke"]] = "八万二千"
    ws[PLAN.cell_of["energy.lpg"]] = "=1+2"
    del wb["2019年"]
    wb.save(path)
    return path


def test_bad_fill_is_reported_cell_by_cell(tmp_path: Path) -> None:
    result = read_workbook(_bad_fill(tmp_path))
    assert not result.ok
    rejected = {(r.sheet, r.cell, r.key): r.reason for r in result.rejected}
    assert ("2018年", PLAN.cell_of["energy.coke"], "energy.coke") in rejected
    assert "八万二千" in rejected[("2018年", PLAN.cell_of["energy.coke"], "energy.coke")]
    formula = rejected[("2018年", PLAN.cell_of["energy.lpg"], "energy.lpg")]
    assert "=1+2" in formula and "不会被执行" in formula
    assert any(sheet == "2019年" and "缺少工作表" in reason for (sheet, _, _), reason in rejected.items())
    # the formula was not executed: nothing was stored for that key
    assert "energy.lpg" not in result.park.years[2018].values


def _db_with_demo(tmp_path: Path) -> Path:
    db_path = tmp_path / "drafts.db"
    park = demo_park()
    park.report.sections["1.1"] = "园区概况正文。"
    with Database.open(db_path) as db:
        db.replace_park(park)
    return db_path


def _stored(db_path: Path) -> dict[str, object]:
    with Database.open(db_path) as db:
        park_id = db.find_park("示例生态工业示范园区")
        assert park_id is not None
        return park_to_json(db.load_park(park_id))


def test_cli_import_of_a_bad_workbook_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = _db_with_demo(tmp_path)
    before = _stored(db_path)
    assert run_import_workbook(_bad_fill(tmp_path), db_path) == 2
    err = capsys.readouterr().err
    assert f"2018年!{PLAN.cell_of['energy.coke']}" in err and "energy.lpg" in err and "2019年" in err
    assert "数据库没有任何改动" in err
    assert _stored(db_path) == before


def test_cli_import_replaces_tables_and_keeps_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db_path = _db_with_demo(tmp_path)
    park = rich_park()
    book = write_workbook(park, tmp_path / "rich.xlsx")
    assert run_import_workbook(book, db_path) == 0
    out = capsys.readouterr()
    assert "已导入园区“示例生态工业示范园区”" in out.out
    assert "已读取工作表“2018年”：44 个单元格" in out.out  # a summary per sheet, not a line per cell
    stored = _stored(db_path)
    assert stored["report"]["sections"] == {"1.1": "园区概况正文。"}  # type: ignore[index]
    stored.pop("report")
    assert stored == _tables(park)


def test_cli_import_into_an_empty_database(tmp_path: Path) -> None:
    db_path = tmp_path / "empty.db"
    park = demo_park()
    assert run_import_workbook(write_workbook(park, tmp_path / "demo.xlsx"), db_path) == 0
    stored = _stored(db_path)
    stored.pop("report")
    assert stored == _tables(park)


def test_main_routes_xlsx_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from main import main

    db_path = tmp_path / "main.db"
    book = write_workbook(demo_park(), tmp_path / "demo.xlsx")
    assert main(["import", str(book), "--db", str(db_path)]) == 0
    assert "已导入" in capsys.readouterr().out


# -- refusals ------------------------------------------------------------------------------------------


def test_not_our_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.save(path)
    with pytest.raises(WorkbookError, match="不是本程序导出的工作簿"):
        read_workbook(path)


def test_tampered_meta_is_refused(tmp_path: Path) -> None:
    path = write_workbook(demo_park(), tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(path)
    wb[META_SHEET]["B1"] = "something/9"
    wb.save(path)
    with pytest.raises(WorkbookError, match="不是本程序的格式"):
        read_workbook(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"this is not a zip", "无法按 zip 格式打开"), (b"PK\x03\x04" + b"\x00" * 40, "无法按 zip 格式打开")],
)
def test_corrupt_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(WorkbookError, match=message):
        read_workbook(path)


def test_truncated_workbook_is_refused(tmp_path: Path) -> None:
    data = write_workbook(demo_park(), tmp_path / "book.xlsx").read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(WorkbookError):
        read_workbook(path)


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = write_workbook(demo_park(), tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\x00" * (20 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(WorkbookError, match="压缩炸弹"):
        read_workbook(path)


def test_oversized_unpacked_total_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xi, "MAX_UNPACKED_BYTES", 100 * 1024)
    path = write_workbook(demo_park(), tmp_path / "big.xlsx")
    with pytest.raises(WorkbookError, match="解压后过大"):
        read_workbook(path)


def test_oversized_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xi, "MAX_FILE_BYTES", 1000)
    path = write_workbook(demo_park(), tmp_path / "big.xlsx")
    with pytest.raises(WorkbookError, match="文件过大"):
        read_workbook(path)


def test_cli_refusal_message_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"garbage")
    assert run_import_workbook(path, tmp_path / "x.db") == 2
    err = capsys.readouterr().err
    assert "broken.xlsx" in err and "数据库没有任何改动" in err
    assert not (tmp_path / "x.db").exists()


def test_moved_columns_are_refused_for_that_sheet(tmp_path: Path) -> None:
    path = write_workbook(demo_park(), tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["2017年"].insert_cols(4)
    wb.save(path)
    result = read_workbook(path)
    assert [(r.sheet, r.status) for r in result.rejected] == [("2017年", REJECTED)]


def test_deleted_row_is_reported(tmp_path: Path) -> None:
    path = write_workbook(demo_park(), tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(path)
    row = int("".join(ch for ch in PLAN.cell_of["energy.coke"] if ch.isdigit()))
    wb["2016年"].delete_rows(row)
    wb.save(path)
    result = read_workbook(path)
    keys = {(r.sheet, r.key) for r in result.rejected}
    assert ("2016年", "energy.coke") in keys
    assert ("2016年", "factor.co2.coke") in keys


def test_moved_rows_still_land_on_their_keys(tmp_path: Path) -> None:
    park = demo_park()
    path = write_workbook(park, tmp_path / "book.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["2016年"]
    r1, r2 = (int("".join(ch for ch in PLAN.cell_of[k] if ch.isdigit())) for k in ("energy.raw_coal", "energy.coke"))
    spare = ws.max_row + 5
    ws.move_range(f"A{r1}:K{r1}", rows=spare - r1)  # swap two table rows, hidden key cells included
    ws.move_range(f"A{r2}:K{r2}", rows=r1 - r2)
    ws.move_range(f"A{spare}:K{spare}", rows=r2 - spare)
    wb.save(path)
    assert openpyxl.load_workbook(path)["2016年"][PLAN.cell_of["energy.raw_coal"]].value == 82000
    result = read_workbook(path)
    assert result.ok
    assert result.park.years[2016].values == park.years[2016].values


def test_meta_is_readable_after_buffer_round_trip() -> None:
    buf = io.BytesIO()
    from export.xlsx.workbook import workbook_bytes

    buf.write(workbook_bytes(demo_park(), template=True))
    with zipfile.ZipFile(buf) as zf:
        assert "xl/workbook.xml" in zf.namelist()
