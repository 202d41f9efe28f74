"""The house's dependency rules: ui -> export -> storage -> forms, Qt only in ui/, SQL only in storage/.

The import contract reads every ``import`` statement of the program with :mod:`ast` — at module level, inside
``if TYPE_CHECKING:`` and inside functions alike — so a dependency cannot hide behind a function-level import:

* the packages import only downwards (ui -> export -> storage -> forms);
* inside forms/ and export/ the sub-packages are layered too (:data:`SUB_LAYERS`);
* no two modules import each other, directly or round a ring (strongly connected components of the import
  graph, function-level imports included; ``TYPE_CHECKING`` imports, which never run, are left out of this one);
* a function-level import of our own modules is allowed only where it defers a heavy library on purpose,
  and every such place is declared once, in :data:`LAZY_ALLOWED`.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parents[1]
QT = ("PySide6", "PyQt5", "PyQt6", "shiboken6")
SQL = ("sqlite3", "sqlite_utils", "apsw")
FORBIDDEN = {
    "forms": (*QT, *SQL, "storage", "export", "ui", "main"),
    "storage": (*QT, "export", "ui", "main"),
    "export": (*QT, *SQL, "ui", "main"),
}


# Function-level imports of our own modules that defer a heavy library on purpose: (importer, imported) -> why.
# Nothing else may import our modules inside a function; an entry that is no longer used fails the test too.
# ("importer", "*") allows every lazy import of a router that loads only what the chosen command needs.
LAZY_ALLOWED: dict[tuple[str, str], str] = {
    ("main", "*"): "the entry point: Qt only for the window, openpyxl/reportlab/sqlite only for their commands",
    ("export.cli", "*"): "the command line: each subcommand loads its own heavy libraries",
    ("export.package", "export.xlsx.workbook"): "openpyxl: the PDF-only paths (print preview) do not load it",
    ("export.package", "export.pdf.report"): "reportlab: the template export and the writing of a set need no PDF",
    ("export.package", "export.pdf.review"): "reportlab: as export.pdf.report",
    ("export.package", "export.pdf.tables"): "reportlab: as export.pdf.report",
    ("export.package", "export.annual_files"): "python-docx (and lxml, PIL): only for a park with an annual chapter",
    ("export.review.summary", "export.pdf.style"): "reportlab: only for the summary PDF",
    ("export.review.summary", "export.pdf.blocks"): "reportlab: as export.pdf.style",
    # ui/: what the window does not need to show its first page and findings (issue #12 item 6: pages and dialogs
    # built on first use).  Figures: the import's own cost on top of what start-up has already loaded,
    # median of 5 fresh processes on the 2-core dev machine (2026-12-02, load 1–2); the bare window shows in ~85 ms.
    ("ui.shell.park_actions", "export.xlsx.reader"): "openpyxl (lxml, PIL): 135–195 ms, only to import a workbook",
    ("ui.submit.export_page", "export.xlsx.workbook"): "openpyxl: 140–265 ms, only to write a blank template",
    ("ui.submit.export_page", "export.package"): "email, socket, zipfile writers: 20–45 ms, only when exporting",
    ("ui.review.desk", "ui.shell.boot"): "the review desk does not load the filing window: 55–60 ms",
    ("ui.shell.main_window", "ui.table.year_page"): "year page, built on its first visit: 14–27 ms",
    ("ui.shell.main_window", "ui.report.report_page"): "report editor and its chart views, first visit: 25 ms",
    ("ui.report.annual_nav", "ui.report.report_page"): "as ui.shell.main_window -> ui.report.report_page",
    ("ui.shell.main_window", "ui.table.targets_page"): "targets page and its chart, first visit: 11 ms",
    ("ui.shell.main_window", "ui.table.synergy_page"): "减污降碳 page and its chart, first visit: 9 ms",
    ("ui.shell.main_window", "ui.submit.export_page"): "export page and the 定稿 gate, first visit: 6–7 ms",
    ("ui.shell.main_window", "ui.table.factor_update_dialog"): "dialog built on first use: 1–3 ms",
    ("ui.shell.main_window", "ui.dialogs.help_dialog"): "dialog built on first use: 0.5 ms",
    ("ui.shell.main_window", "ui.dialogs.about_dialog"): "dialog built on first use: 1 ms",
    ("ui.shell.park_actions", "ui.dialogs.park_list_dialog"): "dialog built on first use: 1 ms",
    ("ui.shell.park_actions", "ui.dialogs.start_dialogs"): "dialog built on first use: 1.6 ms",
    ("ui.shell.boot", "ui.dialogs.start_dialogs"): "first-run dialog, only on an empty database: 1.6 ms",
    ("ui.shell.park_actions", "ui.dialogs.import_report_dialog"): "after a workbook import (openpyxl is then loaded)",
    ("ui.shell.park_actions", "ui.dialogs.backup_dialog"): "dialog built on first use: 1.6 ms",
    ("ui.shell.park_actions", "ui.dialogs.park_versions_dialog"): "dialog built on first use: 3 ms",
}

# Sub-package layers, top to bottom: a module may import its own layer's modules (for a group in one layer:
# only its own group, the members are independent) and the layers below.
SUB_LAYERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "forms": (
        ("forms.report",),
        ("forms.park.parkfile",),
        ("forms.table",),
        ("forms.park.model", "forms.park.atomic", "forms.park.text_rules", "forms.resources", "forms.version"),
    ),
    "export": (
        ("export.cli",),
        ("export.review", "export.package"),
        ("export.annual_files",),
        ("export.word",),
        ("export.pdf", "export.xlsx"),
        ("export.fingerprint", "export.filenames"),
    ),
    "ui": (
        ("ui",),
        ("ui.common",),
    ),
}
PACKAGES = ("forms", "storage", "export", "ui")


class Import(NamedTuple):
    importer: str  # module name
    imported: str  # module name (of ours) or the dotted name as written (of a library)
    line: int
    lazy: bool  # inside a function
    typing_only: bool  # inside ``if TYPE_CHECKING:``


def module_name(path: Path, root: Path = REPO) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules(root: Path = REPO) -> dict[str, Path]:
    mods = {module_name(p, root): p for package in PACKAGES for p in sorted((root / package).rglob("*.py"))}
    if (root / "main.py").exists():
        mods["main"] = root / "main.py"
    return mods


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _walk(node: ast.AST, lazy: bool, typing_only: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, lazy, typing_only
        inner_lazy = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        inner_typing = typing_only or (isinstance(child, ast.If) and _is_type_checking(child))
        yield from _walk(child, inner_lazy, inner_typing)


def import_graph(root: Path = REPO) -> tuple[dict[str, Path], list[Import]]:
    """Every import statement of our modules, with what it names resolved to our module where it is one."""
    mods = our_modules(root)

    def ours(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    found: list[Import] = []
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node, lazy, typing_only in _walk(tree, False, False):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                # ``from pkg import sub`` imports the module pkg.sub; ``from pkg import name`` the module pkg
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            for target in dict.fromkeys(targets):
                found.append(Import(name, ours(target) or target, node.lineno, lazy, typing_only))
    return mods, found


def cycles(mods: dict[str, Path], imports: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), over the imports that run."""
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for imp in imports:
        if imp.imported in mods and imp.imported != imp.importer and not imp.typing_only:
            edges[imp.importer].add(imp.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(mods):
        if v not in index:
            visit(v)
    return sorted(found)


def layer_of(module: str, layers: tuple[tuple[str, ...], ...]) -> tuple[int, str] | None:
    """(layer index, group) of ``module``: the longest group prefix wins."""
    best: tuple[int, str] | None = None
    for i, layer in enumerate(layers):
        for group in layer:
            if (module == group or module.startswith(group + ".")) and (best is None or len(group) > len(best[1])):
                best = (i, group)
    return best


def contract_violations(root: Path = REPO) -> list[str]:
    """Everything the import contract refuses, one line each (empty when the house is in order)."""
    mods, imports = import_graph(root)
    out: list[str] = []
    for imp in imports:
        top, other = imp.importer.split(".")[0], imp.imported.split(".")[0]
        where = f"{imp.importer}:{imp.line} imports {imp.imported}"
        if top in FORBIDDEN and other in FORBIDDEN[top]:
            out.append(f"{where} (against ui -> export -> storage -> forms)")
        layers = SUB_LAYERS.get(top)
        if layers and imp.imported in mods and other == top:
            a, b = layer_of(imp.importer, layers), layer_of(imp.imported, layers)
            if a is not None and b is not None and (b[0] < a[0] or (b[0] == a[0] and b[1] != a[1])):
                out.append(f"{where} ({a[1]} is not above {b[1]})")
        allowed = (imp.importer, imp.imported) in LAZY_ALLOWED or (imp.importer, "*") in LAZY_ALLOWED
        if imp.lazy and imp.imported in mods and not allowed:
            out.append(f"{where} inside a function (not declared in LAZY_ALLOWED)")
    for package, layers in SUB_LAYERS.items():
        out.extend(f"{m} is in no layer of {package}" for m in mods if m.startswith(package + ".")
                   and m.count(".") > 0 and layer_of(m, layers) is None and mods[m].name != "__init__.py")  # fmt: skip
    used = {(i.importer, i.imported) for i in imports if i.lazy} | {(i.importer, "*") for i in imports if i.lazy}
    out.extend(f"LAZY_ALLOWED names {pair}, which is no longer imported lazily" for pair in LAZY_ALLOWED
               if pair not in used and (pair[1] != "*" or pair[0] in mods))  # fmt: skip
    out.extend("import cycle: " + " <-> ".join(c) for c in cycles(mods, imports))
    return out


def test_the_import_contract_holds() -> None:
    assert contract_violations() == []


def test_the_contract_fails_on_planted_violations(tmp_path: Path) -> None:
    """A copy of the program with one violation of each kind planted: each is reported."""
    import shutil

    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "main.py", tmp_path / "main.py")
    before = contract_violations(tmp_path)
    assert before == []

    def plant(rel: str, code: str) -> None:
        path = tmp_path / rel
        path.write_text(path.read_text(encoding="utf-8") + "\n\n" + textwrap.dedent(code), encoding="utf-8")

    plant("forms/table/numbers.py", "def _planted():\n    from export.cli import run_export\n")
    plant("forms/table/calc.py", "from forms.report import outline\n")
    plant("forms/park/model.py", "def _cycle():\n    import forms.table.kinds\n")
    plant("storage/cells.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ui.shell import session\n")
    plant("export/pdf/style.py", "from export.xlsx import styles\n")
    plant("ui/dialogs/help_dialog.py", "def _planted():\n    from ui.shell import session\n")
    found = [line for line in contract_violations(tmp_path) if line not in before]
    expected = [
        "forms.table.numbers:",  # export from forms, lazily: two violations
        "forms.table.calc:",  # table below report
        "forms.park.model:",  # lazy, and a ring with kinds
        "storage.cells:",  # ui from storage even in TYPE_CHECKING
        "export.pdf.style:",  # pdf and xlsx are independent
        "ui.dialogs.help_dialog:",  # a function-level import in ui/ not declared in LAZY_ALLOWED
    ]
    for start in expected:
        assert any(line.startswith(start) for line in found), (start, found)
    assert sum("inside a function" in line for line in found) == 3
    assert sum("against ui -> export -> storage -> forms" in line for line in found) == 2
    assert any(line.startswith("import cycle: ") and "forms.park.model" in line for line in found), found
    assert len(found) == 9, found


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
