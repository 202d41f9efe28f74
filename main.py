"""园区双碳填报 (parkcarbon): the window by default (ui.shell.boot), and the command line (export.cli)."""

from __future__ import annotations

import sys


def window_database(argv: list[str]) -> tuple[bool, str | None]:
    """``(True, db)`` when the arguments only open the window: none, ``--db PATH`` or ``--db=PATH``.

    The window, by far the most frequent use, starts without building the command-line parser; anything
    else, ``--help`` and mistakes included, goes to export.cli (tests/test_main_args.py checks both read
    these forms alike)."""
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > len("--db="):
        return True, argv[0][len("--db=") :]
    return False, None


def open_window(db: str | None) -> int:
    from ui.shell.boot import run_window

    return run_window(db)


def open_desk(inputs: list[str]) -> int:
    from ui.review.desk import run_desk

    return run_desk(inputs)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    window, db = window_database(args)
    if window:
        return open_window(db)
    from export.cli import main as run_command_line

    return run_command_line(args, open_window=open_window, open_desk=open_desk)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # the reviewer's desk checks packages in worker processes (frozen builds too)
    sys.exit(main())
