"""The whole-file check on open runs when the file may have changed since a clean close, and only then."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from forms.park.model import ParkData
from storage import Database, DatabaseDamagedError, backups, opening
from storage.paths import lock_path

REPO = Path(__file__).resolve().parents[2]
PAGE = 4096


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the whole-file check ran on (it still runs, this only records it)."""
    seen: list[Path] = []
    real = opening.check_integrity

    def spy(conn: object, db_path: Path) -> None:
        seen.append(db_path)
        real(conn, db_path)  # type: ignore[arg-type]

    monkeypatch.setattr(opening, "check_integrity", spy)
    return seen


def closed_database(path: Path, park: ParkData) -> int:
    with Database.open(path) as db:
        park_id = db.replace_park(park)
        db.set_value(park_id, 2016, "energy.coke", 5)
        db.backup_now()  # a good backup to offer
    return park_id


def damage(path: Path, *, keep_times: bool) -> None:
    """Overwrite one whole page in the middle of the file (size unchanged), times put back if asked."""
    st = path.stat()
    page = st.st_size // PAGE // 2
    with open(path, "r+b") as f:
        f.seek(page * PAGE)
        f.write(b"\xab" * PAGE)
    if keep_times:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def test_a_file_unchanged_since_a_clean_close_is_not_checked_again(
    db_path: Path, demo_park: ParkData, checks: list[Path]
) -> None:
    park_id = closed_database(db_path, demo_park)
    assert checks == []  # a new file: nothing to check
    with Database.open(db_path) as db:
        assert db.load_park(park_id).years[2016].values["energy.coke"] == 5
        db.set_value(park_id, 2016, "energy.coke", 6)
    assert checks == []
    with Database.open(db_path, read_only=True) as db:
        assert db.load_park(park_id).years[2016].values["energy.coke"] == 6
    assert checks == []


def test_the_first_open_of_a_day_checks_the_whole_file_and_makes_the_daily_backup(
    db_path: Path, demo_park: ParkData, checks: list[Path]
) -> None:
    closed_database(db_path, demo_park)
    for path in backups.list_backups(db_path):  # the automatic backups are two days old
        if backups.is_automatic(path):
            when = backups.backup_time(path)
            assert when is not None
            old = (when - dt.timedelta(days=2)).strftime("%Y%m%dT%H%M%S.%fZ")
            path.rename(path.with_name(path.name.replace(when.strftime("%Y%m%dT%H%M%S.%fZ"), old)))
    with Database.open(db_path):
        pass
    assert checks == [db_path]
    assert backups.has_recent(db_path, (backups.DAILY,), dt.timedelta(hours=1))
    with Database.open(db_path):
        pass
    assert checks == [db_path]  # the daily backup is there now


def test_a_file_damaged_after_a_clean_close_is_refused_untouched(
    db_path: Path, demo_park: ParkData, checks: list[Path]
) -> None:
    closed_database(db_path, demo_park)
    damage(db_path, keep_times=False)
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    with pytest.raises(DatabaseDamagedError) as refused:
        Database.open(db_path)
    assert "已损坏" in str(refused.value) and "最新的完好备份是" in str(refused.value)
    assert refused.value.backup is not None and refused.value.backup.is_file()
    assert checks == [db_path]
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest


@pytest.mark.skipif(os.name != "posix", reason="the change time is set by the system on POSIX only")
def test_damage_with_its_modification_time_put_back_is_still_found(
    db_path: Path, demo_park: ParkData, checks: list[Path]
) -> None:
    closed_database(db_path, demo_park)
    damage(db_path, keep_times=True)
    with pytest.raises(DatabaseDamagedError):
        Database.open(db_path)
    with pytest.raises(DatabaseDamagedError):
        Database.open(db_path, read_only=True)
    assert checks == [db_path, db_path]


def test_after_a_crash_the_next_open_checks_the_whole_file(
    db_path: Path, demo_park: ParkData, checks: list[Path]
) -> None:
    park_id = closed_database(db_path, demo_park)
    code = (
        "import os, sys\n"
        "from storage import Database\n"
        "db = Database.open(sys.argv[1], daily_backup=False)\n"
        f"db.set_value({park_id}, 2016, 'energy.coke', 7)\n"
        "os._exit(0)  # no close: as if the process had been killed\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True, env=env, cwd=REPO, timeout=120)
    with Database.open(db_path) as db:
        assert db.load_park(park_id).years[2016].values["energy.coke"] == 7
    assert checks == [db_path]
    with Database.open(db_path):
        pass
    assert checks == [db_path]  # that open closed cleanly


def test_a_copied_or_replaced_file_is_checked(
    tmp_path: Path, db_path: Path, demo_park: ParkData, checks: list[Path]
) -> None:
    closed_database(db_path, demo_park)
    copy = tmp_path / "copy"
    shutil.copytree(db_path.parent, copy, ignore=shutil.ignore_patterns("copy"))  # times kept, lock file too
    with Database.open(copy / db_path.name):
        pass
    assert checks == [copy / db_path.name]
    moved = db_path.with_name("other.db")
    shutil.copy2(db_path, moved)
    os.replace(moved, db_path)  # same contents and times, another file
    with Database.open(db_path):
        pass
    assert checks == [copy / db_path.name, db_path]


def test_while_a_writer_has_it_open_a_reader_checks_the_whole_file(
    db_path: Path, demo_park: ParkData, checks: list[Path]
) -> None:
    closed_database(db_path, demo_park)
    with Database.open(db_path, daily_backup=False), Database.open(db_path, read_only=True):
        pass
    assert checks == [db_path]


@pytest.mark.parametrize("junk", [b"", b"clean 1 2 3", b"\xff\xfe", b"clean " + b"9" * 600 + b"\n"])
def test_a_missing_or_torn_record_means_a_whole_check(
    db_path: Path, demo_park: ParkData, checks: list[Path], junk: bytes
) -> None:
    closed_database(db_path, demo_park)
    with open(lock_path(db_path), "r+b") as f:
        f.truncate(64)
        f.seek(64)
        f.write(junk)
    with Database.open(db_path):
        pass
    assert checks == [db_path]
