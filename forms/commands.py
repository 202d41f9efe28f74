"""The ``calc`` and ``check`` commands: park file in, JSON out.  No Qt, no database."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from forms.park.parkfile import ParkFileError, read_park_file
from forms.report.measures import measures
from forms.report.projection import project_park
from forms.table.calc import compute_park
from forms.table.targets import evaluate_targets
from forms.table.validate import has_errors, validate_park

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


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


def run_calc(path: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        park = read_park_file(path)
    except ParkFileError as exc:
        return user_error(path, exc, err)
    result = compute_park(park)
    doc = result.to_json()
    doc["projection"] = project_park(park, result)
    if park.targets:
        doc["targets"] = [t.to_json() for t in evaluate_targets(park.targets, result)]
    figures = measures(park.report.projects)
    if figures:
        doc["measures"] = figures
    _dump(doc, out)
    return EXIT_OK


def run_check(path: str, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    try:
        park = read_park_file(path)
    except ParkFileError as exc:
        return user_error(path, exc, err)
    findings = validate_park(park)
    _dump([f.to_json() for f in findings], out)
    errors = sum(f.level == "error" for f in findings)
    warnings = len(findings) - errors
    unexplained = sum(f.level == "warning" and not f.explained for f in findings)
    print(f"检查完成：{errors} 个错误，{warnings} 个警告(其中 {unexplained} 个尚未说明)。", file=err)
    return EXIT_FINDINGS if has_errors(findings) else EXIT_OK
