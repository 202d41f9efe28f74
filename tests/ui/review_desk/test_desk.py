"""The 审核台 window: the same results as the review command, sortable, with details and the paper lookup."""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from export.package import build_package
from tests.export.pdf_support import demo_with_text
from ui.review.desk import COLUMNS, ReviewDesk

NOW = _dt.datetime(2026, 11, 20, 10, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))


def _package(name: str) -> Any:
    park = demo_with_text()
    park.park["park.name"] = name
    return build_package(park, now=NOW, today=NOW.date())


def _tampered(data: bytes) -> bytes:
    """The same package with its park file replaced by a different one (hash mismatch)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            if name.endswith("_园区文件.json"):
                body = body.replace("示例市".encode(), "别的市".encode())
            dst.writestr(name, body)
    return buf.getvalue()


def _column(desk: ReviewDesk, title: str) -> list[str]:
    col = COLUMNS.index(title)
    return [desk.proxy.index(r, col).data() for r in range(desk.proxy.rowCount())]


def test_desk_shows_sorts_details_and_finds(qtbot: Any, tmp_path: Path) -> None:
    good, bad = _package("甲园区"), _package("乙园区")
    (tmp_path / "good.zip").write_bytes(good.zip_data)
    (tmp_path / "bad.zip").write_bytes(_tampered(bad.zip_data))
    desk = ReviewDesk()
    qtbot.addWidget(desk)
    desk.show()
    assert desk.add_inputs([tmp_path]) == 2
    assert desk.add_inputs([tmp_path / "good.zip"]) == 0  # the same package again is shown once
    assert sorted(_column(desk, "园区名称")) == ["乙园区", "甲园区"]
    results = dict(zip(_column(desk, "园区名称"), _column(desk, "结果"), strict=True))
    assert results == {"甲园区": "通过", "乙园区": "有错误"}

    desk.table.sortByColumn(COLUMNS.index("错误"), Qt.SortOrder.DescendingOrder)
    assert _column(desk, "园区名称")[0] == "乙园区"
    desk.table.selectRow(0)
    assert "SHA-256 与清单不符" in desk.detail.toPlainText()

    desk.find_edit.setText(" ".join(good.fingerprint[i : i + 4] for i in range(0, 12, 4)))
    desk.find_fingerprint()
    assert "甲园区" in desk.find_result.text()
    assert desk.current_review() is not None and desk.current_review().park_name == "甲园区"  # type: ignore[union-attr]
    desk.find_edit.setText("0000 0000 0000")
    desk.find_fingerprint()
    assert "不属于" in desk.find_result.text()

    written = desk.export_summary(tmp_path / "out", _dt.date(2026, 12, 1))
    assert sorted(p.name for p in written) == [
        "审核结果.json",
        "材料包审核汇总_20261201.pdf",
        "材料包审核汇总_20261201.xlsx",
    ]
    desk.resize(1200, 700)
    shot = tmp_path / "desk.png"
    desk.grab().save(str(shot))
    assert shot.stat().st_size > 10_000


def test_an_export_that_cannot_be_written_says_why_in_chinese(qtbot: Any, tmp_path: Path, monkeypatch: Any) -> None:
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    (tmp_path / "a.zip").write_bytes(_package("甲园区").zip_data)
    desk = ReviewDesk()
    qtbot.addWidget(desk)
    desk.add_inputs([tmp_path / "a.zip"])
    occupied = tmp_path / "汇总"
    occupied.write_text("a file where the folder would be", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(occupied))
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    desk.ask_export()
    assert shown == [f"无法写入“{occupied}”：已有同名的文件"]  # it said "File exists"
    assert occupied.read_text(encoding="utf-8") == "a file where the folder would be"
