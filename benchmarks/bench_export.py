"""Wall time of the full electronic package for the demo park, its parts, and the time LibreOffice takes to
convert the same workbook alone to PDF, measured side by side in one run (issue 17: package <= 0.6 x that).

Run from the repository root::

    .venv/bin/python benchmarks/bench_export.py [--text] [--ref /work/wt/perf-ref] [--runs 3]

``--text`` adds the report prose fixture of tests/export/fixtures (every chapter written).  ``--ref`` is an
older checkout (for example ``git worktree add /work/wt/perf-ref main`` made before a change): its figures are
printed beside this checkout's, each measured in its own process with only its own tree on ``sys.path``.
LibreOffice converts the workbook the first tree wrote (twice: the first run makes its profile; the second is
the figure), between the two trees' runs (the workbooks' content is the same).  Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PARTS = (
    ("compute", "计算(compute_park)"),
    ("workbook", "工作簿(xlsx)"),
    ("report", "专项报告 PDF"),
    ("tables", "年度数据表 PDF"),
    ("review", "内部审核单 PDF"),
    ("package_cold", "完整报送包，首次(含字体、因子库加载)"),
    ("package", "完整报送包(中位数)"),
    ("package_min", "完整报送包(最快)"),
)


def worker(tree: Path, with_text: bool, runs: int, out_dir: Path) -> dict[str, Any]:
    """This process has only ``tree`` on its path: the same calls in both layouts."""
    from export.fingerprint import fingerprint
    from export.package import export_package
    from export.pdf.report import build_report_pdf
    from export.pdf.review import build_review_pdf
    from export.pdf.tables import build_tables_pdf
    from export.xlsx.workbook import write_workbook
    from forms.park.parkfile import read_park_file
    from forms.table.calc import compute_park

    park = read_park_file(tree / "resources" / "demo" / "demo-park.json")
    if with_text:
        fixture = json.loads((tree / "tests" / "export" / "fixtures" / "report-text.json").read_text("utf-8"))
        park.report.sections.update(fixture["sections"])
        park.report.projects = fixture["projects"]
        park.report.scenarios = fixture["scenarios"]

    def timed(fn: Any, *args: Any, **kw: Any) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            fn(*args, **kw)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    start = time.perf_counter()
    export_package(park, out_dir / "cold")
    out: dict[str, Any] = {"package_cold": time.perf_counter() - start}
    package_runs = []
    for i in range(runs):
        start = time.perf_counter()
        export_package(park, out_dir / f"run{i}")
        package_runs.append(time.perf_counter() - start)
    out["package"], out["package_min"] = statistics.median(package_runs), min(package_runs)
    result = compute_park(park)
    fp = fingerprint(park)
    out["compute"] = timed(compute_park, park)
    out["workbook"] = timed(write_workbook, park, out_dir / "book.xlsx")
    out["report"] = timed(build_report_pdf, park, fp, draft=True, result=result)
    out["tables"] = timed(build_tables_pdf, park, fp, draft=True, result=result)
    out["review"] = timed(build_review_pdf, park, fp, draft=True, result=result)
    out["zip_kb"] = next((out_dir / "run0").glob("*/*.zip")).stat().st_size / 1024
    out["workbook_path"] = str(out_dir / "book.xlsx")
    return out


def run_tree(tree: Path, args: argparse.Namespace, out_dir: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(tree), "--runs", str(args.runs),
           "--out", str(out_dir)] + (["--text"] if args.text else [])  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"worker in {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def soffice_pdf(workbook: Path, out: Path, profile: Path) -> float | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir",
           str(out), str(workbook)]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text", action="store_true", help="with the report prose fixture")
    parser.add_argument("--ref", default="", help="an older checkout to measure beside this one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, args.worker)
        print(json.dumps(worker(Path(args.worker), args.text, args.runs, Path(args.out))))
        return
    trees = [("本检出", ROOT)]
    if args.ref and Path(args.ref, "export").is_dir():
        trees.insert(0, (f"对照({args.ref})", Path(args.ref)))
    with tempfile.TemporaryDirectory() as tmp_text:
        tmp = Path(tmp_text)
        results: list[tuple[str, dict[str, Any]]] = []
        lo: float | None = None
        for i, (label, tree) in enumerate(trees):
            results.append((label, run_tree(tree, args, tmp / f"tree{i}")))
            if i == 0:  # LibreOffice between the trees (a shared machine's load falls on all alike)
                book = Path(results[-1][1]["workbook_path"])
                first = soffice_pdf(book, tmp / "lo1", tmp / "lo-profile")
                lo = soffice_pdf(book, tmp / "lo2", tmp / "lo-profile") if first is not None else None
        text = "(含报告正文)" if args.text else ""
        print(
            f"演示园区{text}完整导出：工作簿 + 3 个 PDF + 年报章节 + 园区文件 + manifest + zip + eml；每项 {args.runs} 次中位数"
        )
        width = 34
        header = "".join(f"{label:>30}" for label, _ in results) + (
            "        比值(本检出/对照)" if len(results) > 1 else ""
        )
        print(f"{'':<{width}}{header}")
        for key, name in PARTS:
            row = "".join(f"{r[key]:>28.2f} s" for _, r in results)
            if len(results) > 1 and results[0][1][key]:
                row += f"{results[-1][1][key] / results[0][1][key]:>22.2f}"
            print(f"{name:<{width}}{row}")
        print(f"{'报送包大小':<{width}}" + "".join(f"{r['zip_kb']:>27.0f} KB" for _, r in results))
        if lo is None:
            print("未安装 LibreOffice(soffice)：跳过对比。")
            return
        print(f"LibreOffice 把同一工作簿转为 PDF(第二次，配置目录已建立)：{lo:.2f} s")
        for label, r in results:
            print(f"  {label}：完整报送包 / LibreOffice = {r['package'] / lo:.2f}(目标 <= 0.6)")


if __name__ == "__main__":
    main()
