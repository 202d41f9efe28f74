"""An export killed at random points leaves the complete old set or the complete new set, never a mix
(issue 19, item 1); a forged 定稿 never reaches the export (item 2)."""

from __future__ import annotations

import json
import signal
import zipfile
from pathlib import Path

import pytest

from export.package import Package, build_package, current_set, export_package
from forms.park.parkfile import ParkFileError, loads, park_to_json
from tests.export.export_fault_harness import check_output, fault_rounds
from tests.export.pdf_support import demo_with_text, final_park

ROUNDS = 30


@pytest.fixture(scope="module")
def two_packages() -> list[Package]:
    old = demo_with_text()
    new = demo_with_text()
    new.years[2020].values["energy.raw_coal"] = 1234567
    return [build_package(old), build_package(new)]


@pytest.mark.slow
def test_sigkill_at_random_points_of_an_export(two_packages: list[Package], tmp_path: Path) -> None:
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("此平台没有 SIGKILL")
    assert two_packages[0].fingerprint != two_packages[1].fingerprint
    stats = fault_rounds(two_packages, tmp_path, ROUNDS, seed=19)
    assert stats["rounds"] == ROUNDS
    assert stats["killed"] >= ROUNDS // 2  # most rounds really are interrupted …
    assert stats["old_kept"] and stats["new_set"]  # … before the switch and after it


def test_a_second_export_replaces_the_whole_set(two_packages: list[Package], tmp_path: Path) -> None:
    from export.package import write_package

    first = write_package(two_packages[0], tmp_path)
    second = write_package(two_packages[1], tmp_path)
    assert first.folder != second.folder and not first.folder.exists()  # the old set is gone as a whole
    assert current_set(tmp_path, two_packages[1].name) == second.folder
    assert check_output(tmp_path, two_packages[1].name) == two_packages[1].fingerprint
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([second.folder.name, second.pointer.name])
    pointer = json.loads(second.pointer.read_text(encoding="utf-8"))
    assert pointer["folder"] == second.folder.name and pointer["fingerprint"] == second.fingerprint
    assert pointer["status"] == "草稿"


def test_a_staging_folder_left_by_a_kill_is_removed_by_the_next_export(tmp_path: Path) -> None:
    park = demo_with_text()
    staging = tmp_path / f".{park.name}_材料_20210101-000000.part"
    staging.mkdir()
    (staging / "半个.zip").write_bytes(b"PK")
    other = tmp_path / "别的文件.txt"  # not ours: left alone
    other.write_text("x", encoding="utf-8")
    result = export_package(park, tmp_path)
    assert not staging.exists() and other.exists() and result.folder is not None and result.folder.is_dir()


def _forged() -> dict[str, object]:
    """A park file whose report carries a 定稿 record matching its content, although its data has a hard
    error (a negative amount of coal): the gate at export time must make it a draft."""
    park = final_park()
    park.years[2018].values["energy.raw_coal"] = -5
    from forms.report.check import content_fingerprint

    park.report.extra["final"] = {"at": "2021-09-26T16:00:00+08:00", "fingerprint": content_fingerprint(park)}
    return park_to_json(park)


def test_a_forged_final_mark_is_exported_as_a_draft(tmp_path: Path) -> None:
    park = loads(json.dumps(_forged(), ensure_ascii=False))
    from forms.report.check import is_final as marked

    assert marked(park)  # the stored mark matches the content …
    result = export_package(park, tmp_path)
    assert not result.final  # … but the gate at export time fails: 草稿
    assert any("定稿检查没有通过" in n for n in result.notes)
    with zipfile.ZipFile(result.zip_path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert manifest["final"] is False and manifest["status"] == "草稿"


def test_a_real_final_park_is_still_exported_final(tmp_path: Path) -> None:
    result = export_package(final_park(), tmp_path)
    assert result.final and not result.notes


def test_unknown_report_keys_are_refused_with_the_key() -> None:
    doc = park_to_json(demo_with_text())
    doc["report"]["approved_by_ministry"] = True  # type: ignore[index]
    with pytest.raises(ParkFileError) as info:
        loads(json.dumps(doc, ensure_ascii=False))
    assert "approved_by_ministry" in str(info.value) and info.value.key == "report.approved_by_ministry"


@pytest.mark.parametrize("value", ["yes", {"at": 1}, {"at": "2021-09-26", "fingerprint": 5}, [1], True])
def test_a_malformed_final_record_is_refused(value: object) -> None:
    doc = park_to_json(demo_with_text())
    doc["report"]["final"] = value  # type: ignore[index]
    with pytest.raises(ParkFileError) as info:
        loads(json.dumps(doc, ensure_ascii=False))
    assert "定稿" in str(info.value)
