"""The few Qt enum values the window needs while it is being built, as plain integers.

PySide6 builds every enum of the ``Qt`` namespace (about a hundred Python enums, 15–17 ms here) the first
time anything touches ``PySide6.QtCore.Qt``.  The start-up path (main window, park page, findings panel)
therefore sets these values through Qt properties (:func:`set_enum`) or passes them where Qt takes an int,
so the window is on screen before that cost is paid; pages built later use ``Qt`` as usual.
``tests/ui/test_qtconst.py`` checks each value against ``Qt`` itself and that start-up leaves ``Qt`` unbuilt.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

USER_ROLE = 0x0100  # Qt.ItemDataRole.UserRole (item data roles are plain ints in the Qt API)
DECORATION_ROLE = 1  # Qt.ItemDataRole.DecorationRole: a QPixmap, QIcon or QColor beside the text
FOREGROUND_ROLE = 9  # Qt.ItemDataRole.ForegroundRole: item.setData(column, FOREGROUND_ROLE, QColor | QBrush)
BACKGROUND_ROLE = 8  # Qt.ItemDataRole.BackgroundRole
VERTICAL = 0x2  # Qt.Orientation.Vertical
ALIGN_RIGHT_VCENTER = 0x0002 | 0x0080  # Qt.AlignmentFlag.AlignRight | AlignVCenter
ALIGN_RIGHT_TOP = 0x0002 | 0x0020  # Qt.AlignmentFlag.AlignRight | AlignTop
TEXT_SELECTABLE_BY_MOUSE = 0x1  # Qt.TextInteractionFlag.TextSelectableByMouse
CUSTOM_CONTEXT_MENU = 3  # Qt.ContextMenuPolicy.CustomContextMenu


def set_enum(obj: QObject, prop: str, value: int) -> None:
    """Set the enum-typed Qt property ``prop`` of ``obj`` from its integer value."""
    if not obj.setProperty(prop, value):
        raise ValueError(f"{type(obj).__name__} has no writable property {prop!r}")
