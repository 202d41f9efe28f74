"""The house's dependency rules: ui -> export -> storage -> forms, Qt only in ui/, SQL only in storage/."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6")
SQL = ("sqlite3", "sqlite_utils", "apsw")
FORBIDDEN = {
    "forms": (*QT, *SQL, "storage", "export", "ui", "main"),
    "storage": (*QT, "export", "ui", "main"),
    "export": (*QT, *SQL, "ui", "main"),
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_packages_import_only_downwards() -> None:
    violations = []
    for package, banned in FORBIDDEN.items():
        files = sorted((REPO / package).rglob("*.py"))
        assert files, package
        for path in files:
            for name in imports_of(path):
                if name.split(".")[0] in banned:
                    violations.append(f"{path.relative_to(REPO)} imports {name}")
    assert violations == []


def test_sql_is_spoken_only_in_storage() -> None:
    offenders = []
    for path in REPO.rglob("*.py"):
        rel = path.relative_to(REPO)
        if rel.parts[0] in ("storage", "tests", "benchmarks", ".venv") or ".venv" in rel.parts:
            continue
        if any(name.split(".")[0] in SQL for name in imports_of(path)):
            offenders.append(str(rel))
    assert offenders == []


BLOCK_QT = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    class _NoQt:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"PySide6", "PyQt5", "PyQt6", "shiboken6"}:
                raise ImportError("Qt is not allowed here: " + name)
            return None
    sys.meta_path.insert(0, _NoQt())
    sys.path.insert(0, ".")
    for package in ("forms", "storage", "export"):
        pkg = importlib.import_module(package)
        for info in pkgutil.walk_packages(pkg.__path__, package + "."):
            importlib.import_module(info.name)
    import pytest
    sys.exit(pytest.main(["-q", "-p", "no:pytest-qt", "-p", "no:cacheprovider", "-o", "addopts=--strict-markers",
                         "-W", "ignore::pytest.PytestConfigWarning", "tests/forms"]))
    """
)


def test_core_imports_and_forms_tests_pass_without_qt() -> None:
    proc = subprocess.run([sys.executable, "-c", BLOCK_QT], cwd=REPO, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout
