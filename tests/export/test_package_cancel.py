"""The export reports its stages and can be cancelled (issue 17): a cancel leaves no part of the new set and
the current set exactly as it was; past the switch the new set is complete."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import pytest

from export.package import (
    STAGES,
    ExportCancelled,
    build_package,
    current_set,
    export_package,
    pointer_path,
    safe_name,
    write_package,
)
from tests.export.pdf_support import demo_with_text

NOW = _dt.datetime(2021, 9, 28, 10, 30, 0, tzinfo=_dt.timezone(_dt.timedelta(hours=8)))


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _cancel_at(stage: int) -> object:
    def progress(text: str, done: int, total: int) -> None:
        if done == stage:
            raise ExportCancelled

    return progress


def test_stages_in_order_and_cancels_leave_the_current_set(tmp_path: Path) -> None:
    park = demo_with_text()
    out = tmp_path / "out"
    heard: list[tuple[str, int, int]] = []
    first = export_package(park, out, now=NOW, progress=lambda *a: heard.append(a))
    assert heard == [(text, n, len(STAGES)) for n, text in enumerate(STAGES)]
    assert "生成专项报告 PDF" in STAGES and "写入文件" in STAGES
    name = safe_name(park.name)
    assert current_set(out, name) == first.folder
    before = _snapshot(out)
    pointer = json.loads(pointer_path(out, name).read_text(encoding="utf-8"))

    # while building (nothing written yet)
    with pytest.raises(ExportCancelled):
        build_package(park, now=NOW, progress=_cancel_at(2))  # type: ignore[arg-type]
    package = build_package(park, now=NOW)
    # before writing, and after every file is written but before the switch to the new set
    for stage in (7, 8):
        with pytest.raises(ExportCancelled):
            write_package(package, out, progress=_cancel_at(stage))  # type: ignore[arg-type]
        assert _snapshot(out) == before  # no staging folder, no new file, the old set byte for byte
        assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
        assert current_set(out, name) == first.folder
        assert json.loads(pointer_path(out, name).read_text(encoding="utf-8")) == pointer

    # not cancelled: the new set replaces the old one
    second = write_package(package, out)
    assert second.folder != first.folder and current_set(out, name) == second.folder
    assert first.folder is not None and not first.folder.exists()
    assert second.zip_path.is_file()
