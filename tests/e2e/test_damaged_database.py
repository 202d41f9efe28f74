"""A damaged or drifted database (issue 19, item 3): every command either works or reports the damage in
Chinese with the newest good backup offered; never a traceback; the damaged file is left as it is."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from export.cli import run_dump, run_export, run_import_json, run_import_workbook
from export.xlsx.workbook import workbook_bytes
from forms.park.parkfile import read_park_file
from tests.e2e.db_damage import (
    DEMO,
    PARK,
    REPO,
    SEEDS,
    assert_reported,
    checksum,
    damaged_copy,
    drifted_copy,
    make_base,
)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_base(tmp_path_factory.mktemp("base") / "db")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wb") / "demo.xlsx"
    path.write_bytes(workbook_bytes(read_park_file(DEMO)))
    return path


def _loaded(db: Path) -> dict[str, object] | None:
    """The park as the export reads it (None when refused), without writing anything."""
    from export.cli import load_park
    from forms.park.parkfile import park_to_json

    park = load_park(PARK, str(db), io.StringIO())
    return None if park is None else park_to_json(park)


def _commands(db: Path, out: Path, workbook: Path, capfd: pytest.CaptureFixture[str]) -> list[tuple[str, int, str]]:
    """Run dump, export, import (xlsx) and import (JSON) in-process on ``db``; (name, code, stderr).  The
    full export (seconds of PDF building) runs only when the damage reached the park's data: otherwise it is
    the export of the intact park, tested elsewhere."""
    loaded = _loaded(db)
    results = []
    for name, call in (
        ("dump", lambda: run_dump(PARK, db)),
        ("export", lambda: run_export(PARK, str(out), str(db), out=io.StringIO(), err=sys.stderr)
         if loaded is None or loaded != PRISTINE[0] else 0),
        ("import-xlsx", lambda: run_import_workbook(workbook, db)),
        ("import-json", lambda: run_import_json(DEMO, db)),
    ):  # fmt: skip
        before = checksum(db)
        code = call()
        err = capfd.readouterr().err
        assert code in (0, 2), (name, code, err)
        if code == 2:
            assert_reported(err, db)
            assert checksum(db) == before, f"{name} changed the damaged file"
        results.append((name, code, err))
    return results


PRISTINE: list[dict[str, object] | None] = [None]
REFUSED: set[int] = set()
SEEN: set[int] = set()


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_random_page_damage(seed: int, base: Path, workbook: Path, tmp_path: Path,
                            capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    PRISTINE[0] = PRISTINE[0] or _loaded(base)
    db = damaged_copy(base, tmp_path / "w", seed)
    results = _commands(db, tmp_path / "out", workbook, capfd)
    SEEN.add(seed)
    if any(code == 2 for _n, code, _e in results):
        REFUSED.add(seed)
    if set(SEEDS) == SEEN:
        assert len(REFUSED) >= 5, REFUSED  # the damage model is not a no-op: many seeds are detected


def test_a_dropped_table_is_reported_by_every_command(base: Path, workbook: Path, tmp_path: Path,
                                                      capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    db = drifted_copy(base, tmp_path / "w")
    results = _commands(db, tmp_path / "out", workbook, capfd)
    assert [code for _n, code, _e in results] == [2, 2, 2, 2]
    assert all("结构与本程序预期的不一致" in err for _n, _c, err in results)


def test_the_real_commands_and_the_window_in_smoke_mode(base: Path, tmp_path: Path) -> None:
    """Subprocesses, as a clerk runs them: exit 2 (window: 1) with the message, and no hang (timeout)."""
    db = drifted_copy(base, tmp_path / "w")
    before = checksum(db)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PARKCARBON_SMOKE_TEST="1")
    for args, want in ((["dump", PARK], 2), (["export", PARK, "--out", str(tmp_path / "o")], 2),
                       (["import", str(DEMO)], 2), ([], 1)):  # fmt: skip
        proc = subprocess.run([sys.executable, str(REPO / "main.py"), *args, "--db", str(db)], capture_output=True,
                              text=True, env=env, timeout=120, check=False)  # fmt: skip
        assert proc.returncode == want, (args, proc.stderr)
        assert_reported(proc.stderr, db)
        assert "Traceback" not in proc.stdout
    assert checksum(db) == before


def test_the_restore_offer_names_a_backup_that_restores(base: Path, tmp_path: Path,
                                                        capfd: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    from storage import Database

    db = drifted_copy(base, tmp_path / "w")
    assert run_dump(PARK, db) == 2
    err = capfd.readouterr().err
    backup = Path(err.split("最新的完好备份是“", 1)[1].split("”", 1)[0])
    aside = Database.restore_backup(backup, db)
    assert aside.exists() and "damaged" in aside.name  # the damaged file is kept aside, as it was
    assert run_dump(PARK, db) == 0
    assert json.loads(capfd.readouterr().out)["park"]["park.name"] == PARK
