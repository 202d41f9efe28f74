"""园区双碳填报 (parkcarbon): the window by default (ui.shell.boot), and the command line (export.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

# What the program needs beyond the standard library: the module imported -> the package pip installs
# (pyproject.toml's dependencies; tests/test_main_args.py checks the two lists agree).
DEPENDENCIES = {
    "PySide6": "PySide6-Essentials",
    "openpyxl": "openpyxl",
    "sqlite_utils": "sqlite-utils",
    "reportlab": "reportlab",
    "platformdirs": "platformdirs",
    "docx": "python-docx",
    "pypdf": "pypdf",
    "pypdfium2": "pypdfium2",
}
EXIT_NO_ENVIRONMENT = 2  # as for input the program cannot use: nothing was done
HERE = Path(__file__).resolve().parent


def missing_dependency(module: str) -> str:
    """The Chinese message for a Python without the package that provides ``module``: how to set up the
    environment (the README's set-up command)."""
    if sys.platform == "win32":
        setup = "py -3.11 -m venv .venv && .venv\\Scripts\\pip install . && .venv\\Scripts\\python.exe main.py"
    else:
        setup = "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/python main.py"
    return (
        f"错误：运行本程序所需的 Python 包“{DEPENDENCIES.get(module, module)}”没有安装"
        f"(当前使用的 Python：{sys.executable})。\n"
        f"请在程序文件夹“{HERE}”中按 README 的说明建立运行环境并安装依赖(需要 Python 3.11 或更新版本)：\n"
        f"    {setup}\n"
        "以后用 .venv 中的 Python 启动程序；没有网络的机器请用 README 中“离线安装包”一节的方法。"
    )


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
    try:
        return _main(argv)
    except ModuleNotFoundError as exc:  # run with a Python that lacks our packages: say how to install them
        module = (exc.name or "").partition(".")[0]
        if module not in DEPENDENCIES:
            raise
        print(missing_dependency(module), file=sys.stderr, flush=True)
        return EXIT_NO_ENVIRONMENT


def _main(argv: list[str] | None) -> int:
    args = sys.argv[1:] if argv is None else argv
    window, db = window_database(args)
    if window:
        return open_window(db)
    from export.cli import main as run_command_line

    return run_command_line(args, open_window=open_window, open_desk=open_desk)


if __name__ == "__main__":
    if getattr(sys, "frozen", False):  # the installed bundle (PyInstaller sets sys.frozen)
        import multiprocessing

        # the reviewer's desk checks packages in worker processes: a frozen worker must run the worker, not
        # the program (a no-op when run from source, where importing multiprocessing would only cost start-up)
        multiprocessing.freeze_support()
    sys.exit(main())
