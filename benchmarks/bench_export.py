"""Wall time of the full electronic package for the demo park (target < 3 s), its parts, and — where
LibreOffice is installed — the time ``soffice`` takes to convert the same workbook to PDF, as a ratio.

Run from the repository root: ``.venv/bin/python benchmarks/bench_export.py [--text]``
(``--text`` adds the report prose fixture of tests/export/fixtures, so the report has every chapter written).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from export.fingerprint import fingerprint  # noqa: E402
from export.package import export_package  # noqa: E402
from export.pdf.report import build_report_pdf  # noqa: E402
from export.pdf.review import build_review_pdf  # noqa: E402
from export.pdf.tables import build_tables_pdf  # noqa: E402
from export.xlsx.workbook import write_workbook  # noqa: E402
from forms.park.model import ParkData  # noqa: E402
from forms.park.parkfile import read_park_file  # noqa: E402
from forms.table.calc import compute_park  # noqa: E402

DEMO = REPO / "resources" / "demo" / "demo-park.json"
TEXT = REPO / "tests" / "export" / "fixtures" / "report-text.json"
RUNS = 3


def demo(with_text: bool) -> ParkData:
    park = read_park_file(DEMO)
    if with_text:
        fixture = json.loads(TEXT.read_text(encoding="utf-8"))
        park.report.sections.update(fixture["sections"])
        park.report.projects = fixture["projects"]
        park.report.scenarios = fixture["scenarios"]
    return park


def timed(fn: object, *args: object, **kw: object) -> float:
    t0 = time.perf_counter()
    fn(*args, **kw)  # type: ignore[operator]
    return time.perf_counter() - t0


def soffice_pdf(workbook: Path, out: Path, profile: Path) -> float | None:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        return None
    cmd = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", "--outdir",
           str(out), str(workbook)]  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    return time.perf_counter() - t0


def main() -> None:
    park = demo("--text" in sys.argv)
    with tempfile.TemporaryDirectory() as tmp_text:
        tmp = Path(tmp_text)
        cold = timed(export_package, park, tmp / "cold")  # imports done; fonts, factor library loaded here
        runs = [timed(export_package, park, tmp / f"run{i}") for i in range(RUNS)]
        result = compute_park(park)
        fp = fingerprint(park)
        parts = {
            "计算(compute_park)": timed(compute_park, park),
            "工作簿(xlsx)": timed(write_workbook, park, tmp / "book.xlsx"),
            "专项报告 PDF": timed(build_report_pdf, park, fp, draft=True, result=result),
            "年度数据表 PDF": timed(build_tables_pdf, park, fp, draft=True, result=result),
            "内部审核单 PDF": timed(build_review_pdf, park, fp, draft=True, result=result),
        }
        zip_path = next((tmp / "run0").glob("*.zip"))
        print(f"演示园区完整导出(工作簿 + 3 个 PDF + 园区文件 + manifest + zip + eml)，{len(park.years)} 个年度")
        print(f"  首次(含字体与因子库加载)：{cold:.2f} s")
        print(f"  再次 {RUNS} 次：中位数 {statistics.median(runs):.2f} s，最快 {min(runs):.2f} s  (目标 < 3 s)")
        for name, seconds in parts.items():
            print(f"    {name}：{seconds:.2f} s")
        print(f"  报送包大小：{zip_path.stat().st_size / 1024:.0f} KB")
        profile = tmp / "lo-profile"
        first = soffice_pdf(tmp / "book.xlsx", tmp / "lo", profile)
        if first is None:
            print("未安装 LibreOffice(soffice)：跳过对比。")
            return
        second = soffice_pdf(tmp / "book.xlsx", tmp / "lo2", profile)
        assert second is not None
        ours = statistics.median(runs)
        print(f"LibreOffice 把同一工作簿转为 PDF：首次 {first:.2f} s(含建立配置目录)，再次 {second:.2f} s")
        print(f"  比值 LibreOffice(再次) / 本程序完整导出：{second / ours:.1f}")


if __name__ == "__main__":
    main()
