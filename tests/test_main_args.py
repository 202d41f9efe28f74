"""main.py: the window's argument forms are recognised without argparse, exactly as export.cli's parser reads them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import main
from export import cli

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    "argv",
    [[], ["--db", "甲.db"], ["--db=/tmp/乙 园区.db"], ["--db", "C:\\数据\\park.db"]],
)
def test_window_forms_agree_with_the_parser(argv: list[str]) -> None:
    window, db = main.window_database(argv)
    args = cli.build_parser().parse_args(argv)
    assert window is True
    assert args.command is None and db == args.db


@pytest.mark.parametrize(
    "argv",
    [
        ["calc", "p.json"],
        ["--db", "x.db", "calc", "p.json"],
        ["--help"],
        ["--version"],
        ["--db"],
        ["--db", "-x"],
        ["--db="],
        ["--db", ""],
        ["x.db"],
        ["--database", "x.db"],
    ],
)
def test_everything_else_goes_through_the_parser(argv: list[str]) -> None:
    assert main.window_database(argv) == (False, None)


def test_main_opens_the_window_on_the_given_database(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.shell.boot

    opened: list[str | None] = []
    monkeypatch.setattr(ui.shell.boot, "run_window", lambda db: opened.append(db) or 0)
    assert main.main(["--db", "甲.db"]) == 0
    assert main.main([]) == 0
    assert main.main(["--db", ""]) == 0  # read by the parser, still no subcommand: the window
    assert opened == ["甲.db", None, ""]


def test_a_mistake_still_gets_the_chinese_usage_message(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main.main(["--db"])
    assert exc.value.code == 2
    assert "用法错误" in capsys.readouterr().err


# -- a Python without the program's packages ------------------------------------------------------------------


def _bare_python(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -S main.py …``: this interpreter without its site-packages, i.e. none of the dependencies (what a
    clerk gets running main.py with the system Python instead of the set-up environment)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, "-S", str(REPO / "main.py"), *argv], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=60, check=False)  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "package"),
    [((), "PySide6-Essentials"), (("import", "园区.json"), "sqlite-utils"), (("desk",), "PySide6-Essentials")],
)
def test_without_the_dependencies_it_says_how_to_install_them(
    tmp_path: Path, argv: tuple[str, ...], package: str
) -> None:
    (tmp_path / "园区.json").write_text((REPO / "resources" / "demo" / "demo-park.json").read_text("utf-8"), "utf-8")
    proc = _bare_python(*argv, "--db", str(tmp_path / "p.db"), cwd=tmp_path) if argv[:1] != ("desk",) else (
        _bare_python(*argv, cwd=tmp_path))  # fmt: skip
    assert proc.returncode == main.EXIT_NO_ENVIRONMENT == 2
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert f"运行本程序所需的 Python 包“{package}”没有安装" in proc.stderr
    assert ".venv/bin/pip install ." in proc.stderr or ".venv\\Scripts\\pip install ." in proc.stderr
    assert str(REPO) in proc.stderr  # where to run it


def test_the_pure_python_commands_still_run_without_the_dependencies(tmp_path: Path) -> None:
    proc = _bare_python("calc", str(REPO / "resources" / "demo" / "demo-park.json"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["years"]["2016"]


def test_the_dependency_list_is_pyproject_s() -> None:
    with (REPO / "pyproject.toml").open("rb") as f:
        declared = tomllib.load(f)["project"]["dependencies"]
    names = {re.split(r"[<>=!~ ;\[]", entry, maxsplit=1)[0] for entry in declared}
    assert names == set(main.DEPENDENCIES.values())
