"""ui.qtconst: the Qt enum values the start-up path uses as integers, and that start-up leaves ``Qt`` unbuilt."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt

from ui import qtconst

REPO = Path(__file__).resolve().parents[2]


def test_integer_values_are_the_qt_enum_values() -> None:
    assert Qt.ItemDataRole.UserRole.value == qtconst.USER_ROLE
    assert Qt.ItemDataRole.DecorationRole.value == qtconst.DECORATION_ROLE
    assert Qt.ItemDataRole.ForegroundRole.value == qtconst.FOREGROUND_ROLE
    assert Qt.ItemDataRole.BackgroundRole.value == qtconst.BACKGROUND_ROLE
    assert Qt.Orientation.Vertical.value == qtconst.VERTICAL
    right, vcenter, top = Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignVCenter, Qt.AlignmentFlag.AlignTop
    assert (right | vcenter).value == qtconst.ALIGN_RIGHT_VCENTER
    assert (right | top).value == qtconst.ALIGN_RIGHT_TOP
    assert Qt.TextInteractionFlag.TextSelectableByMouse.value == qtconst.TEXT_SELECTABLE_BY_MOUSE
    assert Qt.ContextMenuPolicy.CustomContextMenu.value == qtconst.CUSTOM_CONTEXT_MENU


def test_set_enum_sets_the_property_and_refuses_an_unknown_one(qapp: object) -> None:
    from PySide6.QtWidgets import QLabel, QSplitter

    splitter = QSplitter()
    qtconst.set_enum(splitter, "orientation", qtconst.VERTICAL)
    assert splitter.orientation() == Qt.Orientation.Vertical
    label = QLabel("x")
    qtconst.set_enum(label, "alignment", qtconst.ALIGN_RIGHT_TOP)
    assert label.alignment() == Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop
    try:
        qtconst.set_enum(label, "no_such_property", 1)
    except ValueError as exc:
        assert "no_such_property" in str(exc)
    else:
        raise AssertionError("an unknown property must be refused")


# Runs the real start-up (ui.app.run_app on the demo park) in a fresh process and records, with a hook on
# enum creation, whether PySide built the Qt namespace's enums before the window was shown.
_PROBE = """
import enum, sys
built = []
_create = enum.EnumType._create_
def _record(cls, name, names, **kw):
    built.append(name)
    return _create(cls, name, names, **kw)
enum.EnumType._create_ = _record
sys.path.insert(0, sys.argv[2])
from forms.parkfile import read_park_file
from storage import Database
with Database.open(sys.argv[1]) as db:
    db.replace_park(read_park_file(sys.argv[3]))
from ui.app import run_app
def shown():
    from PySide6.QtWidgets import QApplication
    print("QT_NAMESPACE_BUILT" if "AlignmentFlag" in built else "QT_NAMESPACE_UNBUILT", flush=True)
    QApplication.instance().quit()
sys.exit(run_app(sys.argv[1], on_shown=shown))
"""


def test_start_up_does_not_build_the_qt_namespace(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    demo = REPO / "resources" / "demo" / "demo-park.json"
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(tmp_path / "p.db"), str(REPO), str(demo)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # about 15 ms of start-up: see ui/qtconst.py; a page or call that needs Qt must be built after the window shows
    assert "QT_NAMESPACE_UNBUILT" in proc.stdout, proc.stdout + proc.stderr
