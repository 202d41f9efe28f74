"""The frozen program (PyInstaller one-folder bundle of packaging/parkcarbon.spec) behaves like the source.

Built once per session into a temporary folder (about 2 minutes on 2 cores), made read-only, then run as a
clerk and IT would: ``calc`` byte-identical to ``python main.py calc``, ``check``, ``import``, ``export`` with
the same content fingerprint, and the window in smoke-test mode.  Skipped with a reason when PyInstaller is not
installed (it is in the ``test`` extra).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"
DEMO_PARK = "示例生态工业示范园区"

pytestmark = pytest.mark.slow


def _make_read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


def _make_writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    pytest.importorskip("PyInstaller", reason="PyInstaller is not installed (pip install '.[test]')")
    root = tmp_path_factory.mktemp("frozen")
    proc = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(root / "dist"), "--workpath", str(root / "work"), str(REPO / "packaging" / "parkcarbon.spec")],
        cwd=REPO, capture_output=True, text=True, timeout=1500, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    folder = root / "dist" / "parkcarbon"
    _make_read_only(folder)
    yield folder
    _make_writable(folder)


def _env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, PARKCARBON_DB=str(tmp_path / "data" / "parkcarbon.db"), QT_QPA_PLATFORM="offscreen")
    env.pop("PARKCARBON_SMOKE_TEST", None)
    return env


def _run(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, timeout=300, check=False)


def _listing(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.lstat().st_mtime_ns) for p in folder.rglob("*"))


def _fingerprint(out_dir: Path) -> str:
    for path in sorted(out_dir.rglob("*")):
        if path.name == "manifest.json":
            return str(json.loads(path.read_text(encoding="utf-8"))["fingerprint"])
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.endswith("manifest.json")]
                if names:
                    return str(json.loads(archive.read(names[0]).decode("utf-8"))["fingerprint"])
    raise AssertionError(f"no manifest.json in {sorted(p.name for p in out_dir.rglob('*'))}")


def test_the_bundle_has_both_executables_and_the_resources(bundle: Path) -> None:
    assert (bundle / "parkcarbon").is_file()
    assert (bundle / "parkcarbon-cli").is_file()
    assert (bundle / "_internal" / "resources" / "fonts" / "wqy-microhei.ttc").is_file()
    assert (bundle / "_internal" / "PySide6" / "Qt" / "translations" / "qtbase_zh_CN.qm").is_file()
    assert not (bundle / "_internal" / "PySide6" / "Qt" / "translations" / "qtbase_de.qm").exists()
    assert not list(bundle.rglob("QtNetwork*")), "QtNetwork is on the trim list"
    # 打印预览: Qt's print support, PDFium (pypdfium2) with its licences
    assert list(bundle.rglob("QtPrintSupport*")), "QtPrintSupport: the print preview"
    assert [p for p in bundle.rglob("*pdfium*") if p.suffix in (".so", ".dll", ".dylib")], "PDFium's library"
    licences = {p.name for p in bundle.rglob("pypdfium2-*.dist-info/licenses/**/*") if p.is_file()}
    assert {"Apache-2.0.txt", "BSD-3-Clause.txt", "pdfium.txt"} <= licences, sorted(licences)
    assert not list(bundle.rglob("_ssl*")), "ssl is on the trim list"


def test_calc_is_byte_identical_to_the_source_run(bundle: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    source = _run([sys.executable, str(REPO / "main.py"), "calc", str(DEMO)], env, REPO)
    frozen = _run([str(bundle / "parkcarbon-cli"), "calc", str(DEMO)], env, tmp_path)
    assert source.returncode == 0 and frozen.returncode == 0, frozen.stderr.decode()
    assert frozen.stdout == source.stdout
    assert json.loads(frozen.stdout)  # a real calc output, not an empty one


def test_check_reports_the_same_findings_as_the_source_run(bundle: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    source = _run([sys.executable, str(REPO / "main.py"), "check", str(DEMO)], env, REPO)
    frozen = _run([str(bundle / "parkcarbon-cli"), "check", str(DEMO)], env, tmp_path)
    assert frozen.returncode == source.returncode, frozen.stderr.decode()
    assert frozen.stdout == source.stdout


def test_import_and_export_write_only_to_the_data_folder_with_the_source_fingerprint(
    bundle: Path, tmp_path: Path
) -> None:
    env = _env(tmp_path)
    before = _listing(bundle)
    imported = _run([str(bundle / "parkcarbon-cli"), "import", str(DEMO)], env, tmp_path)
    assert imported.returncode == 0, imported.stderr.decode()
    assert DEMO_PARK in imported.stdout.decode()
    assert (tmp_path / "data" / "parkcarbon.db").is_file()
    frozen_out, source_out = tmp_path / "frozen-out", tmp_path / "source-out"
    exported = _run([str(bundle / "parkcarbon-cli"), "export", DEMO_PARK, "--out", str(frozen_out)], env, tmp_path)
    assert exported.returncode == 0, exported.stderr.decode()
    source = _run([sys.executable, str(REPO / "main.py"), "export", DEMO_PARK, "--out", str(source_out)], env, REPO)
    assert source.returncode == 0, source.stderr.decode()
    assert _fingerprint(frozen_out) == _fingerprint(source_out)
    # the reviewer's command reads the received package's PDFs (pypdf) in the bundle as from source
    [package] = list(frozen_out.glob("*/*.zip"))
    review = _run([str(bundle / "parkcarbon-cli"), "review", str(package), "--out", str(tmp_path / "review")], env,
                  tmp_path)  # fmt: skip
    assert review.returncode == 0, review.stdout.decode() + review.stderr.decode()  # as from source: no error
    assert list((tmp_path / "review").glob("*.xlsx")), review.stdout.decode()
    assert _listing(bundle) == before  # nothing written into the program folder


def test_the_window_starts_from_the_read_only_bundle(bundle: Path, tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert _run([str(bundle / "parkcarbon-cli"), "import", str(DEMO)], env, tmp_path).returncode == 0
    env["PARKCARBON_SMOKE_TEST"] = "1"
    shown = _run([str(bundle / "parkcarbon")], env, tmp_path)
    assert shown.returncode == 0, shown.stderr.decode()
    lines = shown.stdout.decode().split()
    assert "SHOWN" in lines or "READY" in lines, lines
