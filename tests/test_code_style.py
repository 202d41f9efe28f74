"""ruff is part of the test suite: lint and formatting of the whole repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ruff")
    if not found:
        pytest.skip("ruff 未安装(pip install '.[test]')")
    return [found]


def test_ruff_check_is_clean() -> None:
    proc = subprocess.run([*_ruff(), "check", "--no-cache", "."], cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:]


def test_ruff_format_is_clean() -> None:
    proc = subprocess.run([*_ruff(), "format", "--check", "--no-cache", "."], cwd=REPO, capture_output=True,
                          text=True)  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:]


def _named_tuple_modules_with_lazy_annotations() -> list[str]:
    import ast

    found = []
    for path in sorted(REPO.glob("*/*.py")):
        if path.parts[-2] not in ("forms", "storage", "ui", "export"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lazy = any(isinstance(n, ast.ImportFrom) and n.module == "__future__" for n in tree.body)
        named = any(
            isinstance(n, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id == "NamedTuple" for b in n.bases)
            for n in tree.body
        )
        if lazy and named:
            found.append(str(path.relative_to(REPO)))
    return found


def test_named_tuple_modules_evaluate_annotations() -> None:
    # typing.NamedTuple compiles each string annotation as a forward reference (~0.4 ms a class at start-up)
    assert _named_tuple_modules_with_lazy_annotations() == []
