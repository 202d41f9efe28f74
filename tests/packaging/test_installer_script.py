"""makensis compiles packaging/parkcarbon.nsi into a Windows installer (with a small stand-in payload).

The real payload is the Windows bundle, built on Windows (packaging/build-windows.ps1); compressing the Linux
bundle takes minutes on 2 cores, so the script is compiled here over a stand-in folder of the same layout.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "packaging" / "parkcarbon.nsi"


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (NSIS) is not installed (.ci/run installs nsis)")
def test_makensis_compiles_the_installer_script(tmp_path: Path) -> None:
    payload = tmp_path / "payload"
    (payload / "_internal" / "resources").mkdir(parents=True)
    (payload / "parkcarbon.exe").write_bytes(b"MZ stand-in window")
    (payload / "parkcarbon-cli.exe").write_bytes(b"MZ stand-in console")
    (payload / "_internal" / "resources" / "README.txt").write_text("stand-in", encoding="utf-8")
    out = tmp_path / "parkcarbon-setup.exe"
    proc = subprocess.run(
        ["makensis", "-V2", "-DVERSION=0.1.0", f"-DPAYLOAD={payload}", f"-DOUTFILE={out}", str(SCRIPT)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = out.read_bytes()
    assert data[:2] == b"MZ"  # a Windows executable
    assert b"Nullsoft" in data or b"NSIS" in data


def test_the_installer_is_per_user_and_keeps_the_data() -> None:
    text = SCRIPT.read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in text
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\parkcarbon"' in text
    assert "HKLM" not in text
    uninstall = text[text.index('Section "Uninstall"') :]
    commands = [line for line in uninstall.splitlines() if not line.strip().startswith(";")]
    assert not [line for line in commands if "$LOCALAPPDATA" in line or "$APPDATA" in line]  # the data folder stays
