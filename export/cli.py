"""The command line: every subcommand of ``python main.py`` (calc / check / import / dump / export / review /
desk), its parser and its printing.  No Qt: export/ is the highest layer without it, so the two commands that
open a window (none: the filing window; ``desk``: the reviewer's desk) are handed to callables main.py passes.

The work itself stays with its owner (forms/ computes and checks, storage/ reads and writes the database,
export/ writes workbooks, PDFs and the package); this module reads the arguments, calls it and tells the clerk
what happened.  Exit codes: 0 done; 1 ``check`` found errors; 2 a usage mistake, unreadable input or an
unusable database (a Chinese message on stderr naming file, year and key; never a traceback).
Each command imports what it needs when it runs, so ``calc`` does not load openpyxl or reportlab.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from forms.table.factors import MissingFactorError
from forms.version import VERSION

if TYPE_CHECKING:
    from export.xlsx.reader import CellReport
    from forms.park.model import ParkData
    from forms.park.parkfile import ParkFileError

PROG = "python main.py"
EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_BROKEN_PIPE = 1  # the reader of stdout went away; as the Python documentation's recipe for SIGPIPE

# argparse's own messages are English; the few a clerk can meet, in Chinese
_ARGPARSE_ZH = (
    ("the following arguments are required: ", "缺少必需的参数："),
    ("unrecognized arguments: ", "无法识别的参数："),
    ("expected one argument", "需要一个值"),
    ("invalid choice: ", "无效的选择："),
    (" (choose from ", "(可选："),
    ("ambiguous option: ", "有歧义的选项："),
    (" could match ", " 可能是 "),
    ("invalid int value: ", "不是整数："),
)
_ARGUMENT = re.compile(r"^argument (\S+(?:/\S+)?): ")  # argparse: "argument --annual: …"


class _ChineseHelpFormatter(argparse.HelpFormatter):
    """Chinese usage prefix; nothing wrapped or aligned here (argparse counts characters, not the columns a
    Chinese character takes): :func:`align_help` lays the finished text out by display width."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=_UNWRAPPED, width=_UNWRAPPED)

    def add_usage(self, usage: str | None, actions: object, groups: object, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)  # type: ignore[arg-type]


_UNWRAPPED = 100_000  # argparse's width and help position: one line per entry, help after two spaces
HELP_COLUMN_MAX = 30  # an entry wider than this puts its help on the next line, as argparse does at 24
_ENTRY = re.compile(r"^( +)(\S.*?)(?: {2,}(\S.*))?$")
_CLOSING = set("，。、；：？！）》」』”’)]}.,;:?!")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for a wide (Chinese) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_display(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns: breaks between Chinese characters or at spaces, never
    inside a Latin word or number, never before a closing mark (避头尾)."""
    pieces = re.findall(r"[A-Za-z0-9_\-./@%+=~:'\"<>|]+|\s+|.", text)
    glued: list[str] = []
    for piece in pieces:
        if glued and (piece[0] in _CLOSING) and not glued[-1].isspace():
            glued[-1] += piece
        else:
            glued.append(piece)
    lines: list[str] = []
    line = ""
    for piece in glued:
        if line and display_width(line + piece) > width and not piece.isspace():
            lines.append(line.rstrip())
            line = ""
        if line or not piece.isspace():
            line += piece
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def align_help(text: str, width: int) -> str:
    """argparse's help text (one line per entry) with every section's help column lined up by display width
    and the help, the description and long lines wrapped to ``width`` columns; headings end in "："."""
    blocks = text.split("\n\n")
    sections: dict[int, list[re.Match[str]]] = {}
    for i, block in enumerate(blocks):
        lines = block.split("\n")
        if len(lines) > 1 and lines[0].endswith(":") and not lines[0].startswith(" "):
            entries = [_ENTRY.match(line) for line in lines[1:]]
            if all(entries):
                sections[i] = [m for m in entries if m]
    # one help column for the whole text, as argparse has one help position for all its sections
    heads = [display_width(m[1] + m[2]) for found in sections.values() for m in found]
    column = min(max(heads, default=0) + 2, HELP_COLUMN_MAX)
    out: list[str] = []
    for i, block in enumerate(blocks):
        if i in sections:
            out.append(block.split("\n", 1)[0][:-1] + "：\n" + _aligned(sections[i], column, width))
        elif block.startswith("用法："):
            out.append(block)
        else:
            out.append("\n".join(w for line in block.split("\n") for w in wrap_display(line, width)))
    return "\n\n".join(out)


def _aligned(entries: list[re.Match[str]], column: int, width: int) -> str:
    rows: list[str] = []
    for m in entries:
        head = m[1] + m[2]
        if not m[3]:
            rows.append(head)
            continue
        help_lines = wrap_display(m[3], max(width - column, 20))
        if display_width(head) + 2 > column:
            rows += [head, *(" " * column + h for h in help_lines)]
        else:
            pad = column - display_width(head)
            rows += [head + " " * pad + help_lines[0], *(" " * column + h for h in help_lines[1:])]
    return "\n".join(rows)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose help and usage mistakes are in Chinese.  Built with ``add_help=False``: its
    options and arguments go in groups titled 选项 and 参数, with its own -h/--help."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.arguments = self.add_argument_group("参数")
        self.options = self.add_argument_group("选项")
        self.options.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_help(self) -> str:
        width = max(shutil.get_terminal_size().columns - 2, 40)  # as argparse takes it
        return align_help(super().format_help().rstrip("\n"), width) + "\n"

    def error(self, message: str) -> NoReturn:
        for english, chinese in _ARGPARSE_ZH:
            message = message.replace(english, chinese)
        message = _ARGUMENT.sub(r"参数 \1：", message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"用法错误：{message}\n")


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是年份，应填写四位数字，例如 2020") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="园区双碳填报：国家生态工业示范园区《园区年度碳排放基础数据表》与《碳达峰碳中和实施路径专项报告》的"
        "离线填报、核算、检查与导出工具。不带子命令时打开窗口。",
    )
    parser.options.add_argument(
        "--version", action="version", version=f"园区双碳填报 parkcarbon {VERSION}", help="显示版本号并退出"
    )
    parser.options.add_argument(
        "--db", metavar="路径", help="数据库文件路径（默认：用户数据目录；也可用环境变量 PARKCARBON_DB）"
    )
    sub = parser.add_subparsers(
        dest="command", title="命令", metavar="命令", help="下列之一；各命令的说明：python main.py 命令 --help"
    )

    def command(name: str, text: str) -> _Parser:
        p = sub.add_parser(name, help=text, description=text)
        assert isinstance(p, _Parser)
        return p

    p = command("calc", "计算园区文件中各年度的全部计算项，输出 JSON")
    p.arguments.add_argument("file", metavar="文件", help="园区文件（JSON）")
    p = command("check", "检查园区文件，输出发现的问题（JSON）；有错误时退出码为 1")
    p.arguments.add_argument("file", metavar="文件", help="园区文件（JSON）")
    p = command("import", "把园区文件（JSON）或本程序导出的工作簿（xlsx）导入数据库（全部成功或全部不变）")
    p.arguments.add_argument("file", metavar="文件", help="园区文件（.json）或工作簿（.xlsx）")
    p.options.add_argument("--db", dest="sub_db", metavar="路径", help="数据库文件路径")
    p = command("dump", "把数据库中的园区输出为园区文件（JSON）")
    p.arguments.add_argument("park", metavar="园区", help="园区名称")
    p.options.add_argument("--db", dest="sub_db", metavar="路径", help="数据库文件路径")
    p = command("export", "导出工作簿、PDF 和电子报送包")
    p.arguments.add_argument("park", metavar="园区", help="园区名称")
    p.options.add_argument("--out", required=True, metavar="目录", help="输出目录")
    p.options.add_argument("--template", action="store_true", help="只导出空白模板工作簿")
    p.options.add_argument(
        "--annual", type=_year, metavar="年份", help="导出该年度报告的碳达峰碳中和章节（PDF 和 Word）"
    )
    p.options.add_argument("--db", dest="sub_db", metavar="路径", help="数据库文件路径")
    p = command("review", "审核收到的材料包（.zip）、邮件（.eml）或其文件夹，写出汇总；有错误时退出码为 1")
    p.arguments.add_argument("inputs", nargs="*", metavar="材料包", help="材料包、邮件或文件夹（可多个）")
    p.options.add_argument("--out", required=True, metavar="目录", help="汇总工作簿、PDF 和审核结果的输出目录")
    p.options.add_argument("--find", metavar="校验码", help="查找纸质材料页脚所印校验码属于哪个材料包")
    p = command("desk", "打开审核台窗口（可同时给出要审核的材料包或文件夹）")
    p.arguments.add_argument("inputs", nargs="*", metavar="材料包", help="材料包、邮件或文件夹")
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    open_window: Callable[[str | None], int] | None = None,
    open_desk: Callable[[list[str]], int] | None = None,
) -> int:
    """Run the subcommand in ``argv`` (default: ``sys.argv[1:]``); returns the exit code.  Without a
    subcommand, ``open_window(db)``; ``desk``, ``open_desk(inputs)`` (main.py passes both; None: a usage
    mistake, there is no window to open)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    db: str | None = getattr(args, "sub_db", None) or args.db
    if args.command is None:
        if open_window is None:
            parser.error("缺少命令")
        return open_window(db)
    if args.command == "desk":
        if open_desk is None:
            parser.error("审核台窗口不能从这里打开")
        return open_desk(list(args.inputs))
    if any(given is not None and not given.strip() for given in (getattr(args, "sub_db", None), args.db)):
        # (``--db "$DB"`` with DB unset): never the default database in its place
        parser.error("--db 后面的数据库路径是空的：请写出数据库文件的路径，或去掉 --db 使用默认数据库")
    try:
        code = _run(args, db)
        sys.stdout.flush()
    except MissingFactorError as exc:  # a form version and the factor library disagree: said, no traceback
        _err(f"错误：{exc}")
        return EXIT_USAGE
    except BrokenPipeError:
        # the reader went away (``calc … | head``): nothing more to say to it, and no traceback
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # the interpreter's last flush at exit goes nowhere
        return EXIT_BROKEN_PIPE
    return code


def _run(args: argparse.Namespace, db: str | None) -> int:
    if args.command == "calc":
        return run_calc(args.file)
    if args.command == "check":
        return run_check(args.file)
    if args.command == "import":
        if str(args.file).lower().endswith((".xlsx", ".xlsm")):
            return run_import_workbook(args.file, db)
        return run_import_json(args.file, db)
    if args.command == "dump":
        return run_dump(args.park, db)
    if args.command == "export" and args.annual is not None:
        return run_export_annual(args.park, args.annual, args.out, db)
    if args.command == "export":
        return run_export(args.park, args.out, db, template=args.template)
    if args.command == "review":
        from export.review.run import run_review  # the review's run loop (workers, progress) lives with it

        return run_review(args.inputs, args.out, args.find)
    raise ValueError(args.command)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- calc, check: park file in, JSON out; no database ------------------------------------------------------


def user_error(path: str, exc: ParkFileError, err: TextIO) -> int:
    where = [f"文件 {path}"]
    if exc.year:
        where.append(f"年份 {exc.year}")
    if exc.key:
        where.append(f"键 {exc.key}")
    print(f"错误：{'，'.join(where)}：{exc}", file=err)
    return EXIT_USAGE


def _dump(obj: object, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False, indent=1, allow_nan=False))
    out.write("\n")


def run_calc(path: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``python main.py calc FILE.json``: every computed item of every year, the projection, the targets and the
    project measures, as JSON."""
    from forms.park.parkfile import ParkFileError, read_park_file
    from forms.report.projection import project_park
    from forms.table.calc import compute_park

    out, err = out or sys.stdout, err or sys.stderr
    try:
        park = read_park_file(path)
    except ParkFileError as exc:
        return user_error(path, exc, err)
    result = compute_park(park)
    doc = result.to_json()
    doc["projection"] = project_park(park, result)
    if park.targets:
        from forms.table.targets import evaluate_targets

        doc["targets"] = [t.to_json() for t in evaluate_targets(park.targets, result)]
    from forms.report.measures import measures

    figures = measures(park.report.projects)
    if figures:
        doc["measures"] = figures
    _dump(doc, out)
    return EXIT_OK


def run_check(path: str, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``python main.py check FILE.json``: the findings as JSON; exit code 1 when there are errors."""
    from forms.park.parkfile import ParkFileError, read_park_file
    from forms.table.validate import has_errors, validate_park

    out, err = out or sys.stdout, err or sys.stderr
    try:
        park = read_park_file(path)
    except ParkFileError as exc:
        return user_error(path, exc, err)
    findings = validate_park(park)
    _dump([f.to_json() for f in findings], out)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    unexplained = sum(f.level == "warning" and not f.explained for f in findings)
    print(f"检查完成：{errors} 个错误，{warnings} 个警告（其中 {unexplained} 个尚未说明）。", file=err)
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK


# -- import, dump: the database ------------------------------------------------------------------------------
# Import is all or nothing: the whole file is read and checked first, then written in one transaction; a park
# of the same name is replaced after a backup of the database is made (and the clerk is told so).


def run_import_json(path: str | Path, db: str | Path | None) -> int:
    """``python main.py import FILE.json``: 0 imported, 2 refused (nothing changed)."""
    from forms.park.parkfile import ParkFileError, read_park_file
    from forms.park.text_rules import normalize_name
    from storage import backups
    from storage.database import Database
    from storage.errors import InvalidDataError, StorageError

    source = Path(path)
    try:
        park = read_park_file(source)
    except ParkFileError as exc:
        where = "".join(
            part for part in (f"，年份 {exc.year}" if exc.year else "", f"，键 {exc.key}" if exc.key else "")
        )
        _err(f"导入失败：文件“{source}”{where}：{exc}。数据库没有任何改动。")
        return EXIT_USAGE
    name = normalize_name(park.name)
    if not name:
        from forms.table.registry import form_for

        key = form_for(park.form).name_key
        _err(f"导入失败：文件“{source}”中缺少园区名称（park 中的 {key}）。数据库没有任何改动。")
        return EXIT_USAGE
    try:
        with Database.open(db) as database:
            existing = database.find_park(name)
            backup = database.backup_now(backups.BEFORE_IMPORT) if existing is not None else None
            database.replace_park(park, existing)
        if backup is not None:  # said only once it is true
            _err(f"数据库中已有园区“{name}”，已用文件“{source}”的内容替换它。替换前的数据库已备份到：{backup}")
    except InvalidDataError as exc:  # a value storage refuses (a year it cannot hold …): nothing was written
        _err(f"导入失败：文件“{source}”：{exc}。数据库没有任何改动。")
        return EXIT_USAGE
    except StorageError as exc:
        _err(f"导入失败：{exc}")
        return EXIT_USAGE
    print(f"已导入园区“{name}”（{len(park.years)} 个年度）。")
    return EXIT_OK


def run_import_workbook(path: str | Path, db: str | Path | None) -> int:
    """``python main.py import FILE.xlsx``: 0 imported, 2 refused (nothing changed)."""
    from export.xlsx.reader import CONVERTED, READ, WorkbookError, kept_years_note, read_workbook
    from forms.park.text_rules import normalize_name
    from storage import backups
    from storage.database import Database
    from storage.errors import InvalidDataError, StorageError

    source = Path(path)
    try:
        result = read_workbook(source)
    except WorkbookError as exc:
        _err(f"导入失败：工作簿“{source}”：{exc}。数据库没有任何改动。")
        return EXIT_USAGE
    if not result.ok:  # every refused cell, each naming its sheet, cell and key
        for entry in result.rejected:
            _err(entry.text())
        _err(f"导入失败：工作簿“{source}”中有 {len(result.rejected)} 处问题（见上）。数据库没有任何改动。")
        return EXIT_USAGE
    for line in workbook_summary(result.report):
        print(line)
    park = result.park
    name = normalize_name(park.name)
    try:
        with Database.open(db) as database:
            existing = database.find_park(name)
            backup = None
            kept: list[int] = []
            if existing is not None:
                current = database.load_park(existing)
                kept = result.kept_years(current)
                park = result.replacing(current)  # the tables; the report, and what a blank template left empty, kept
                backup = database.backup_now(backups.BEFORE_IMPORT)
            database.replace_park(park, existing)
        if backup is not None:  # said only once it is true
            _err(f"数据库中已有园区“{name}”，已用工作簿中的数据替换它的年度数据。替换前的数据库已备份到：{backup}")
        if kept:
            _err(kept_years_note(kept))
    except InvalidDataError as exc:  # a value storage refuses: nothing was written
        _err(f"导入失败：工作簿“{source}”：{exc}。数据库没有任何改动。")
        return EXIT_USAGE
    except StorageError as exc:
        _err(f"导入失败：{exc}")
        return EXIT_USAGE
    read = sum(1 for r in result.report if r.status in (READ, CONVERTED))
    print(f"已导入园区“{name}”（{len(park.years)} 个年度，读取 {read} 个单元格）。")
    return EXIT_OK


def workbook_summary(report: Sequence[CellReport]) -> list[str]:
    """What the import read, in a few lines: one per sheet (cells read, in sheet order), then each cell that
    was converted or ignored (the clerk should look at those), not a line per cell read as typed."""
    from export.xlsx.reader import CONVERTED, READ, REJECTED

    read: dict[str, int] = {}
    for entry in report:
        if entry.status in (READ, CONVERTED):
            read[entry.sheet] = read.get(entry.sheet, 0) + 1
    lines = [f"已读取工作表“{sheet}”：{count} 个单元格" for sheet, count in read.items()]
    lines += [f"提示：{entry.text()}" for entry in report if entry.status not in (READ, REJECTED)]
    return lines


def run_dump(park_name: str, db: str | Path | None) -> int:
    """``python main.py dump PARK``: the park file (JSON, UTF-8) on stdout."""
    from forms.park.parkfile import dumps
    from storage.database import Database
    from storage.errors import StorageError

    try:
        with Database.open(db, read_only=True) as database:
            park_id = database.find_park(park_name)
            if park_id is None:
                names = [p.name for p in database.list_parks()]
                listing = f"数据库中的园区：{'、'.join(names)}" if names else "数据库中还没有园区"
                _err(f"找不到园区“{park_name}”。{listing}。")
                return EXIT_USAGE
            park = database.load_park(park_id)
    except StorageError as exc:
        _err(f"输出失败：{exc}")
        return EXIT_USAGE
    sys.stdout.buffer.write((dumps(park) + "\n").encode("utf-8"))
    sys.stdout.buffer.flush()
    return EXIT_OK


# -- export: workbook, PDFs and the package --------------------------------------------------------------------


def load_park(park_name: str, db: str | None, err: TextIO) -> ParkData | None:
    from storage import Database, StorageError

    try:
        database = Database.open(db, read_only=True)
    except StorageError as exc:
        print(f"错误：{exc}", file=err)
        return None
    try:
        park_id = database.find_park(park_name)
        if park_id is None:
            names = "、".join(p.name for p in database.list_parks()) or "（无）"
            print(f"错误：数据库中没有名为“{park_name}”的园区。现有园区：{names}", file=err)
            return None
        return database.load_park(park_id)
    except StorageError as exc:
        print(f"错误：{exc}", file=err)
        return None
    finally:
        database.close()


def run_export(park_name: str, out_dir: str, db: str | None, template: bool = False, *,
               out: TextIO | None = None, err: TextIO | None = None) -> int:  # fmt: skip
    """``python main.py export PARK --out DIR [--db PATH] [--template]``."""
    import datetime as _dt

    from export.package import export_package, export_template, is_final, os_error_text

    out, err = out or sys.stdout, err or sys.stderr
    park = load_park(park_name, db, err)
    if park is None:
        return EXIT_USAGE
    try:
        if template:
            path = export_template(park, out_dir)
            print(f"已导出空白模板：{path}", file=out)
            return EXIT_OK
        from forms.table.locks import REASON_EXPORT, locks_to_add

        # the package's park file carries the factors of every year (the database is opened read-only here;
        # the window's export also records the locks in the database)
        # (a park marked 定稿 was locked then; one marked by an older version stays as it was, to stay 定稿)
        stamp = _dt.datetime.now().isoformat(timespec="seconds")
        for year, lock in ({} if is_final(park) else locks_to_add(park, REASON_EXPORT, stamp)).items():
            park.years[year].locked_factors = lock
        result = export_package(park, out_dir)
    except OSError as exc:
        print(f"错误：无法写入“{exc.filename or out_dir}”：{os_error_text(exc)}", file=err)
        return EXIT_USAGE
    print(f"当前有效的一套材料：{result.folder}（由“{result.pointer}”指明；同一园区以前导出的材料已移除）", file=out)
    for path in result.files:
        print(f"已导出：{path}", file=out)
    print(f"已导出电子报送包：{result.zip_path}", file=out)
    print(f"邮件草稿：{result.eml_path}", file=out)
    print(f"内部审核单：{result.review_path}", file=out)
    print(f"内容校验码：{result.fingerprint}", file=out)
    for note in result.notes:
        print(f"提示：{note}", file=err)
    if not result.final:
        print("提示：该园区尚未定稿，导出的 PDF 均带“草稿”水印。", file=err)
    return EXIT_OK


def run_export_annual(park_name: str, year: int, out_dir: str, db: str | None) -> int:
    """``python main.py export PARK --annual N --out DIR``: the annual report's chapter as PDF and Word."""
    from export.annual_files import write_annual
    from export.package import os_error_text

    park = load_park(park_name, db, sys.stderr)
    if park is None:
        return EXIT_USAGE
    if not 2016 <= year <= 2100:
        print(f"错误：年度报告年份“{year}”无效", file=sys.stderr)
        return EXIT_USAGE
    try:
        files = write_annual(park, year, out_dir)
    except OSError as exc:
        print(f"错误：无法写入“{exc.filename or out_dir}”：{os_error_text(exc)}", file=sys.stderr)
        return EXIT_USAGE
    print(f"已导出：{files.pdf}")
    print(f"已导出：{files.docx}")
    if not files.final:
        print("提示：该年度报告章节尚未定稿，导出的文件带“草稿”标记。", file=sys.stderr)
        for gap in files.gaps:
            print(f"　　{gap}", file=sys.stderr)
    return EXIT_OK
