"""export.cli: one parser for every subcommand, in Chinese; a closed pipe ends the output quietly."""

from __future__ import annotations

import re
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
    for english in ("usage:", "positional arguments", "optional arguments", "options:", "show this help",
                    "SUB_DB", "DB]", "OUT", "FILE", "PARK ", "PARK]", "INPUTS", "{calc"):  # fmt: skip
        assert english not in text
    usage = text.split("\n\n", 1)[0]
    assert not re.search(r"[A-Z]{2,}", usage)  # no upper-case metavar argparse makes from a name
    assert "显示本帮助并退出" in text
    if command in ((), ("import",), ("dump",), ("export",)):
        assert "--db 路径" in text


@pytest.mark.parametrize("columns", [60, 80, 120])
@pytest.mark.parametrize("command", [(), ("import",), ("export",), ("review",)])
def test_help_columns_line_up_by_display_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...], columns: int
) -> None:
    """A Chinese character takes two terminal columns: every help text starts in the same column, wrapped
    lines continue in it, and no line (but the usage line) is wider than the terminal."""
    monkeypatch.setenv("COLUMNS", str(columns))
    text = _help(capsys, *command)
    starts: set[int] = set()
    entries = 0
    for block in text.rstrip("\n").split("\n\n")[1:]:
        lines = block.split("\n")
        assert all(cli.display_width(line) <= columns - 2 for line in lines), block
        if lines[0] not in ("参数：", "选项：", "命令："):
            continue
        for line in lines[1:]:
            m = re.match(r"^( +\S.*?) {2,}(\S.*)$", line)
            if m:
                starts.add(cli.display_width(line[: m.start(2)]))
                entries += 1
            elif line.strip() and not re.match(r"^ +\S+( \S+)*$", line):
                raise AssertionError(line)
    assert entries >= 3 and len(starts) == 1, (starts, text)
    (column,) = starts
    for line in text.splitlines():  # a continuation line begins exactly in the help column
        if line.startswith(" " * (column - 1)):
            assert line[:column].strip() == "" and line[column] != " ", line


def test_help_wraps_between_chinese_characters_never_before_a_closing_mark() -> None:
    text = "审核收到的材料包、邮件或其文件夹，写出汇总；有错误时退出码为 1"
    for width in range(8, 40):
        lines = cli.wrap_display(text, width)
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
        assert all(cli.display_width(line) <= width + 2 for line in lines)  # a mark may hang past the edge
        assert not any(line[0] in "，。、；：）" for line in lines), lines


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


def test_a_year_that_is_not_a_number_is_a_chinese_usage_mistake(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["export", "甲园区", "--out", "出", "--annual", "二〇二〇"])
    assert exc.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "用法错误：参数 --annual：“二〇二〇”不是年份，应填写四位数字，例如 2020"
    )


def test_importing_a_workbook_prints_a_summary_not_a_line_per_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from export.xlsx.workbook import write_workbook
    from forms.park.parkfile import read_park_file

    book = write_workbook(read_park_file(DEMO), tmp_path / "示例.xlsx")
    assert cli.main(["import", str(book), "--db", str(tmp_path / "p.db")]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "已读取工作表“2016年”：49 个单元格",
        "已读取工作表“2017年”：41 个单元格",
        "已读取工作表“2018年”：41 个单元格",
        "已读取工作表“2019年”：41 个单元格",
        "已读取工作表“2020年”：41 个单元格",
        "已导入园区“示例生态工业示范园区”（5 个年度，读取 213 个单元格）。",
    ]
    assert err == ""


def test_a_workbook_cell_changed_to_a_fixed_value_is_still_named(tmp_path: Path) -> None:
    from export.xlsx.reader import IGNORED, READ, CellReport

    report = [CellReport("2016年", "C3", "k", READ), CellReport("2016年", "D9", "k2", IGNORED, "公式被改成了固定值"),
              CellReport("2017年", "C3", "k", READ)]  # fmt: skip
    assert cli.workbook_summary(report) == [
        "已读取工作表“2016年”：1 个单元格",
        "已读取工作表“2017年”：1 个单元格",
        "提示：2016年!D9　k2　已忽略：公式被改成了固定值",
    ]


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


@pytest.mark.parametrize("argv", [
    ["import", "园区.json", "--db", ""],
    ["--db", " ", "import", "园区.json"],
    ["dump", "某园区", "--db", ""],
    ["export", "某园区", "--out", "出", "--db="],
])  # fmt: skip
def test_an_empty_db_path_is_a_usage_mistake_not_the_default_database(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``--db "$DB"`` with DB unset must not import into (or export from) the clerk's own database."""
    default = tmp_path / "默认.db"
    monkeypatch.setenv("PARKCARBON_DB", str(default))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "用法错误：--db 后面的数据库路径是空的" in err and "Traceback" not in err, err
    assert not default.exists()


def test_import_of_an_untouched_blank_template_over_the_park_keeps_its_years_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from export.cli import run_import_workbook
    from export.xlsx.workbook import write_workbook
    from forms.park.parkfile import read_park_file
    from storage import Database

    db = tmp_path / "p.db"
    park = read_park_file(DEMO)
    with Database.open(db) as database:
        park_id = database.replace_park(park)
    template = write_workbook(park, tmp_path / "模板.xlsx", template=True)
    assert run_import_workbook(template, db) == 0
    err = capsys.readouterr().err
    assert (
        "空白模板中 2016 年、2017 年、2018 年、2019 年、2020 年没有填写任何内容，这些年度保留了数据库中原有的数据"
        in err
    )
    with Database.open(db, read_only=True) as database:
        after = database.load_park(park_id)
    assert {y: d.values for y, d in after.years.items()} == {y: d.values for y, d in park.years.items()}
