"""The program type-checks: mypy on forms/, storage/, export/ and ui/ (configured in pyproject.toml) reports 0
errors.

ui/ is typed where the Qt stubs allow; where they do not (a null item Qt accepts, a page or an input held by its
base type) the line says so with a coded ``type: ignore``.  The cache lives in .mypy_cache (ignored by git), so a
second run checks only what changed.
"""

from __future__ import annotations

from pathlib import Path

from mypy import api

REPO = Path(__file__).resolve().parents[1]
CORE = ("forms", "storage", "export")
CHECKED = (*CORE, "ui")


def test_mypy_finds_no_error_in_the_core_and_the_window() -> None:
    out, err, status = api.run(["--config-file", str(REPO / "pyproject.toml"), *(str(REPO / p) for p in CHECKED)])
    assert status == 0, out + err
    files = sum(1 for package in CHECKED for _ in (REPO / package).rglob("*.py"))
    assert f"no issues found in {files} source files" in out, out  # every module was checked
