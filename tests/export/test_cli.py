"""export.cli: one parser for every subcommand, in Chinese; a closed pipe ends the output quietly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from export import cli

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exc:
        cli.main([*argv, "--help"])
    assert exc.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "command", [(), ("calc",), ("check",), ("import",), ("dump",), ("export",), ("review",), ("desk",)]
)
def test_help_is_chinese_throughout(capsys: pytest.CaptureFixture[str], command: tuple[str, ...]) -> None:
    text = _help(capsys, *command)
    assert text.startswith(f"用法：python main.py {' '.join(command)}".rstrip())
    for english in ("usage:", "positional arguments", "options:", "show this help", "SUB_DB", "DB]", "OUT"):
        assert english not in text
    assert "显示本帮助并退出" in text
    if command in ((), ("import",), ("dump",), ("export",)):
        assert "--db 路径" in text


def test_every_subcommand_is_listed_in_the_main_help(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    for name in ("calc", "check", "import", "dump", "export", "review", "desk"):
        assert f"\n    {name} " in text
    assert "显示版本号并退出" in text


def test_usage_mistakes_are_chinese_with_exit_code_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["calc"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == "用法错误：缺少必需的参数：文件"
    with pytest.raises(SystemExit):
        cli.main(["export", "甲园区"])
    assert "缺少必需的参数：--out" in capsys.readouterr().err


def test_without_a_subcommand_the_window_is_asked_for(capsys: pytest.CaptureFixture[str]) -> None:
    opened: list[str | None] = []
    assert cli.main(["--db", "甲.db"], open_window=lambda db: opened.append(db) or 0) == 0
    assert opened == ["甲.db"]
    with pytest.raises(SystemExit) as exc:
        cli.main([])  # no window to open (a caller without one)
    assert exc.value.code == 2 and "缺少命令" in capsys.readouterr().err


def test_sub_db_wins_over_the_global_db(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    monkeypatch.setattr(cli, "run_dump", lambda park, db: seen.append((park, db)) or 0)
    assert cli.main(["--db", "全局.db", "dump", "甲园区", "--db", "子命令.db"]) == 0
    assert cli.main(["--db", "全局.db", "dump", "乙园区"]) == 0
    assert seen == [("甲园区", "子命令.db"), ("乙园区", "全局.db")]


def test_a_closed_pipe_ends_calc_quietly() -> None:
    # the reader closes its end at once (as `| head -1` does once it has its line): no traceback on stderr
    proc = subprocess.Popen([sys.executable, str(REPO / "main.py"), "calc", str(DEMO)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    proc.stderr.close()
    assert proc.wait(timeout=60) == cli.EXIT_BROKEN_PIPE
    assert err == ""


def test_desk_is_handed_to_the_window_side_with_its_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    opened: list[list[str]] = []
    assert cli.main(["desk", "甲.zip", "收件箱"], open_desk=lambda inputs: opened.append(inputs) or 0) == 0
    assert opened == [["甲.zip", "收件箱"]]
    with pytest.raises(SystemExit) as exc:
        cli.main(["desk"])
    assert exc.value.code == 2 and "审核台" in capsys.readouterr().err
