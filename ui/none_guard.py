"""Work around a reference-count bug of the installed PySide6 build on CPython < 3.12.

Every call of a Qt method that returns nothing (``setText``, ``setToolTip`` …) drops one reference to
``None`` without taking it (measured: 1 000 calls of ``QTableWidgetItem.setToolTip`` lower
``sys.getrefcount(None)`` by 1 000).  A window that refreshes a few hundred cells per keystroke reaches
zero within minutes and the interpreter aborts with "none_dealloc: deallocating None" (the same happens
to ``True``/``False`` returned from Python overrides such as ``eventFilter``).  From Python 3.12
on, these singletons are immortal and this does nothing.  Here they get a reference count so large that it
cannot reach zero in the life of a process (as 3.12's immortal objects do).
"""

from __future__ import annotations

import sys

_RESERVE = 1 << 60


def make_none_immortal() -> None:
    if sys.version_info >= (3, 12):
        return
    import ctypes

    for singleton in (None, True, False):
        count = ctypes.c_ssize_t.from_address(id(singleton))
        if count.value < _RESERVE // 2:
            count.value += _RESERVE
