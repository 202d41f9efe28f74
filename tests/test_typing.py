"""The core type-checks: mypy on forms/, storage/ and export/ (configured in pyproject.toml) reports 0 errors.

ui/ is typed where the Qt stubs allow but is not part of this gate.  The cache lives in .mypy_cache (ignored by
git), so a second run checks only what changed.
"""

from __future__ import annotations

from pathlib import Path

from mypy import api

REPO = Path(__file__).resolve().parents[1]
CORE = ("forms", "storage", "export")


def test_mypy_finds_no_error_in_the_core() -> None:
    out, err, status = api.run(["--config-file", str(REPO / "pyproject.toml"), *(str(REPO / p) for p in CORE)])
    assert status == 0, out + err
    files = sum(1 for package in CORE for _ in (REPO / package).rglob("*.py"))
    assert f"no issues found in {files} source files" in out, out  # every core module was checked
