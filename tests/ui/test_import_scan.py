"""ui.import_scan: PySide's per-import source scan is answered beforehand, with the answers the scan would give."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from tests.ui.start_up_probe import probe_start_up
from ui import import_scan

REPO = Path(__file__).resolve().parents[2]


def _our_modules() -> list[str]:
    names = list(import_scan.window_module_names())
    for package in ("forms", "storage", "export"):
        names += [f"{package}.{p.stem}" for p in (REPO / package).glob("*.py") if p.stem != "__init__"]
    return names


def test_recorded_answers_are_what_the_scan_would_find() -> None:
    names = _our_modules()
    assert "ui.main_window" in names and "forms.calc" in names
    for name in names:
        module = importlib.import_module(name)
        mentions_pyside = "PySide6" in Path(str(module.__file__)).read_text(encoding="utf-8")
        if mentions_pyside or not name.startswith("ui."):
            assert import_scan.expected_answer(name) == (0 if mentions_pyside else -1), name
        # a window module without Qt (ui.when) is recorded as using PySide: harmless, it merely stays switchable


def test_answers_are_written_only_where_pyside_keeps_its_record(monkeypatch: pytest.MonkeyPatch) -> None:
    table = import_scan.feature_table()
    assert table is not None, "this PySide6 keeps __feature__.pyside_feature_dict"
    monkeypatch.delitem(table, "ui.year_page", raising=False)
    monkeypatch.delitem(table, "forms.calc", raising=False)
    assert import_scan.record_known_modules() >= 1
    assert table["ui.year_page"] == 0
    assert table.get("forms.calc", -1) == -1
    monkeypatch.delitem(sys.modules, "__feature__")
    assert import_scan.feature_table() is None
    assert import_scan.record_known_modules() == 0


def test_start_up_reads_none_of_our_sources(tmp_path: Path) -> None:
    # every module whose source PySide's import hook reads during the real start-up
    record_reads = """
        import inspect
        read = []
        _getsource = inspect.getsource
        def _record(obj):
            read.append(getattr(obj, "__name__", "?"))
            return _getsource(obj)
        inspect.getsource = _record
    """
    read = probe_start_up(tmp_path, record_reads, '" ".join(read)').split()
    ours = [n for n in read if n.split(".")[0] in ("ui", "forms", "storage", "export")]
    assert ours == [], read
    assert "typing" not in read and "datetime" not in read, read
