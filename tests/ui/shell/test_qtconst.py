"""ui.common.qtconst: the Qt enum values the start-up path uses as integers, and that start-up leaves ``Qt`` unbuilt."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.start_up_probe import probe_start_up
from ui.common import qtconst

REPO = Path(__file__).resolve().parents[3]


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


def test_start_up_does_not_build_the_qt_namespace(tmp_path: Path) -> None:
    # a hook on enum creation records whether PySide built the Qt namespace's enums before the window was shown
    record_enums = """
        import enum
        built = []
        _create = enum.EnumType._create_
        def _record(cls, name, names, **kw):
            built.append(name)
            return _create(cls, name, names, **kw)
        enum.EnumType._create_ = _record
    """
    built = probe_start_up(tmp_path, record_enums, '"BUILT" if "AlignmentFlag" in built else "UNBUILT"')
    # about 15 ms of start-up: see ui/qtconst.py; a page or call that needs Qt must be built after the window shows
    assert built == "UNBUILT"
