"""园区双碳填报 (parkcarbon): the window by default, and the command line (calc / check / import / export)."""

from __future__ import annotations

import argparse
import sys
from typing import NoReturn

from forms.version import VERSION

PROG = "python main.py"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"用法错误：{message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="园区双碳填报：国家生态工业示范园区《园区年度碳排放基础数据表》与《碳达峰碳中和实施路径专项报告》的"
        "离线填报、核算、检查与导出工具。不带子命令时打开窗口。",
    )
    parser.add_argument("--version", action="version", version=f"园区双碳填报 parkcarbon {VERSION}")
    parser.add_argument("--db", help="数据库文件路径(默认：用户数据目录；也可用环境变量 PARKCARBON_DB)")
    sub = parser.add_subparsers(dest="command", metavar="命令")
    p = sub.add_parser("calc", help="计算园区文件中各年度的全部计算项，输出 JSON")
    p.add_argument("file", help="园区文件(JSON)")
    p = sub.add_parser("check", help="检查园区文件，输出发现的问题(JSON)；有错误时退出码为 1")
    p.add_argument("file", help="园区文件(JSON)")
    p = sub.add_parser("import", help="把园区文件(JSON)或本程序导出的工作簿(xlsx)导入数据库(全部成功或全部不变)")
    p.add_argument("file", help="园区文件(.json)或工作簿(.xlsx)")
    p.add_argument("--db", dest="sub_db", help="数据库文件路径")
    p = sub.add_parser("dump", help="把数据库中的园区输出为园区文件(JSON)")
    p.add_argument("park", help="园区名称")
    p.add_argument("--db", dest="sub_db", help="数据库文件路径")
    p = sub.add_parser("export", help="导出工作簿、PDF 和电子报送包")
    p.add_argument("park", help="园区名称")
    p.add_argument("--out", required=True, help="输出目录")
    p.add_argument("--template", action="store_true", help="只导出空白模板工作簿")
    p.add_argument("--annual", type=int, metavar="年份", help="导出该年度报告的碳达峰碳中和章节(PDF 和 Word)")
    p.add_argument("--db", dest="sub_db", help="数据库文件路径")
    p = sub.add_parser("review", help="审核收到的材料包(.zip)、邮件(.eml)或其文件夹，写出汇总；有错误时退出码为 1")
    p.add_argument("inputs", nargs="*", metavar="材料包", help="材料包、邮件或文件夹(可多个)")
    p.add_argument("--out", required=True, metavar="目录", help="汇总工作簿、PDF 和审核结果的输出目录")
    p.add_argument("--find", metavar="校验码", help="查找纸质材料页脚所印校验码属于哪个材料包")
    p = sub.add_parser("desk", help="打开审核台窗口(可同时给出要审核的材料包或文件夹)")
    p.add_argument("inputs", nargs="*", metavar="材料包", help="材料包、邮件或文件夹")
    return parser


def window_database(argv: list[str]) -> tuple[bool, str | None]:
    """``(True, db)`` when the arguments only open the window: none, ``--db PATH`` or ``--db=PATH``.

    The window is by far the most frequent use and building the full parser costs ~5 ms of its start-up
    (argparse looks up a translation for every help text), so these forms are recognised without it;
    anything else, ``--help`` and mistakes included, goes through the parser.
    """
    if not argv:
        return True, None
    if len(argv) == 2 and argv[0] == "--db" and argv[1] and not argv[1].startswith("-"):
        return True, argv[1]
    if len(argv) == 1 and argv[0].startswith("--db=") and len(argv[0]) > len("--db="):
        return True, argv[0][len("--db=") :]
    return False, None


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `python main.py calc … | head`: the reader has gone; nothing to say to anyone
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's final flush must not fail again
        return 1


def _main(argv: list[str] | None = None) -> int:
    window, window_db = window_database(sys.argv[1:] if argv is None else argv)
    if window:
        from ui.shell.app import run_app

        return run_app(window_db)
    args = build_parser().parse_args(argv)
    db = getattr(args, "sub_db", None) or args.db
    if args.command == "calc":
        from forms.commands import run_calc

        return run_calc(args.file)
    if args.command == "check":
        from forms.commands import run_check

        return run_check(args.file)
    if args.command in ("import", "dump", "export"):
        from export.commands import run_command

        return run_command(args.command, args, db)
    if args.command == "review":
        from export.review.run import run_review

        return run_review(args.inputs, args.out, args.find)
    if args.command == "desk":
        from ui.review.desk import run_desk

        return run_desk(args.inputs)
    from ui.shell.app import run_app

    return run_app(db)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # the reviewer's desk checks packages in worker processes (frozen builds too)
    sys.exit(main())
