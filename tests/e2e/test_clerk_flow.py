"""End to end through the command line, as a clerk's files travel: park file -> database -> package ->
unzipped on another machine -> re-imported (park file and workbook) -> same data, same numbers."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from forms.park.parkfile import park_to_json, read_park_file
from forms.report.resolve import shown_field
from forms.table.calc import compute_park
from forms.table.registry import form_for

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"
PARK = "示例生态工业示范园区"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "main.py", *args], cwd=REPO, capture_output=True, text=True, check=False)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def values_of(doc: dict) -> dict:  # type: ignore[type-arg]
    return {y: (v["values"], v["meta"], v["factors"], v["explanations"]) for y, v in doc["years"].items()}


def test_park_file_to_package_and_back(tmp_path: Path) -> None:
    db = tmp_path / "office.db"
    assert cli("import", str(DEMO), "--db", str(db)).returncode == 0

    dumped = cli("dump", PARK, "--db", str(db))
    assert dumped.returncode == 0
    original = park_to_json(read_park_file(DEMO))
    assert values_of(json.loads(dumped.stdout)) == values_of(original)
    assert json.loads(dumped.stdout)["park"] == original["park"]

    out = tmp_path / "out"
    exported = cli("export", PARK, "--out", str(out), "--db", str(db))
    assert exported.returncode == 0, exported.stderr
    (zip_path,) = out.glob("*/*.zip")
    assert zip_path.name.startswith(f"{PARK}_碳达峰碳中和材料_")
    assert len(list(out.glob("*/*.eml"))) == 1

    # another machine: unzip, check the manifest, re-import the park file and the workbook
    other = tmp_path / "other"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(other)
    manifest = json.loads((other / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        assert hashlib.sha256((other / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
    (park_file,) = [p for p in other.glob("*.json") if p.name != "manifest.json"]
    (workbook,) = other.glob("*.xlsx")

    calc_a = json.loads(cli("calc", str(DEMO)).stdout)
    calc_b = json.loads(cli("calc", str(park_file)).stdout)
    assert calc_a["years"] == calc_b["years"]

    db2 = tmp_path / "ministry.db"
    imported = cli("import", str(workbook), "--db", str(db2))
    assert imported.returncode == 0, imported.stderr
    again = json.loads(cli("dump", PARK, "--db", str(db2)).stdout)
    assert values_of(again) == values_of(original)

    # the printed report carries each year's total exactly as the document rounds it
    if not shutil.which("pdftotext"):
        pytest.skip("未安装 poppler-utils(pdftotext)：跳过 PDF 文本检查")
    (report,) = other.glob("*专项报告.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(report), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    result = compute_park(read_park_file(DEMO))
    form = form_for()
    for year, yr in result.years.items():
        total = yr.computed["emissions.total"]
        assert total is not None and math.isfinite(total)
        assert shown_field(form, "emissions.total", total).number in text, year
    assert manifest["fingerprint"] in text
