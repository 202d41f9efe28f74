"""The form definition owns the meaning: ui/ and export/ never spell a form key.

Code outside forms/ asks the definition for "the province field", "the contact fields", "the subtotal
rows" … .  This test reads every string literal of ui/ and export/ (docstrings aside) and fails when one
holds a key of any registered form version — a field key, a subtotal or trend-metric key — or a key prefix
such as ``share.`` or ``factor.tce.`` (the start of an f-string that builds a key).
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from forms.table.registry import FORM_VERSIONS, form_for

REPO = Path(__file__).resolve().parents[1]
CHECKED = ("ui", "export")
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


@cache
def form_words() -> tuple[frozenset[str], frozenset[str]]:
    """(every key, every proper dotted prefix of a key ending with '.') over all registered form versions."""
    keys: set[str] = set()
    for version in FORM_VERSIONS:
        form = form_for(version)
        keys.update(f.key for f in form.fields)
        keys.update(m.key for m in form.all_trend_metrics)
        keys.update(sub.id for _, sub in form.subtotals())
    prefixes = {key[: i + 1] for key in keys for i, ch in enumerate(key) if ch == "."}
    return frozenset(keys), frozenset(prefixes)


def _docstrings(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def key_literals(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, word) of every form key or key prefix inside a string literal of ``source``."""
    keys, prefixes = form_words()
    tree = ast.parse(source, filename=filename)
    docs = _docstrings(tree)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docs:
            continue
        for word in _TOKEN.findall(node.value):
            if word in keys or word in prefixes:
                found.append((node.lineno, word))
    return found


def test_detector_finds_keys_prefixes_and_f_string_parts() -> None:
    source = '''
"""Docstrings may name park.province."""
a = park.get("park.province")
b = f"share.{part}"
c = ("meta.filler", "meta.phone")
d = "园区名称 park.name 未填写"
e = "parkcarbon-workbook/1"
f = "park.json"
g = "table.projects"
'''
    expected = [(3, "park.province"), (4, "share."), (5, "meta.filler"), (5, "meta.phone"), (6, "park.name")]
    assert sorted(key_literals(source)) == expected


def test_the_word_lists_come_from_the_definitions() -> None:
    keys, prefixes = form_words()
    form = form_for()
    assert form.province_key in keys and form.emissions_key in keys
    assert {"share.", "factor.", "factor.tce.", "trend."} <= prefixes
    assert all(sub.id in keys for _, sub in form.subtotals())


def test_ui_and_export_spell_no_form_key() -> None:
    violations: list[str] = []
    for package in CHECKED:
        for path in sorted((REPO / package).rglob("*.py")):
            rel = path.relative_to(REPO)
            for line, word in key_literals(path.read_text(encoding="utf-8"), str(rel)):
                violations.append(f"{rel}:{line}: {word!r}")
    assert violations == [], "form keys spelled outside the definition (ask the FormDefinition):\n" + "\n".join(
        violations
    )
