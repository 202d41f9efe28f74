"""main.py: the window's argument forms are recognised without argparse, exactly as export.cli's parser reads them."""

from __future__ import annotations

import pytest

import main
from export import cli


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
