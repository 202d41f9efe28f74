"""Parks and poppler helpers shared by the PDF and package tests (export/pdf_*.py, export/package.py)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from forms.park.model import ParkData
from forms.park.parkfile import read_park_file
from forms.table.calc import compute_park

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"
REPORT_TEXT = Path(__file__).resolve().parent / "fixtures" / "report-text.json"
POPPLER = ("pdftotext", "pdffonts")


def demo_park() -> ParkData:
    """The demo park as shipped: data for 2016–2020, no report text."""
    return read_park_file(DEMO)


def demo_with_text() -> ParkData:
    """The demo park with the report prose, key projects and scenarios of tests/export/fixtures."""
    park = demo_park()
    fixture = json.loads(REPORT_TEXT.read_text(encoding="utf-8"))
    park.report.sections.update(fixture["sections"])
    park.report.projects = fixture["projects"]
    park.report.scenarios = fixture["scenarios"]
    return park


NOT_APPLICABLE_SECTION = ("ch6.7", "本节不适用：园区低碳技术创新与示范工作已在本章（三）节一并表述")


def final_park() -> ParkData:
    """demo_with_text completed until the 定稿 gate is open (the projection table in 四（二）; a sentence in
    every section left empty, one of them marked 本节不适用 with its reason), then marked 定稿 (the mark the
    report module stores when its gate is open)."""
    from forms.report.check import empty_sections, final_gate, final_record, is_final

    park = demo_with_text()
    park.report.sections["ch4.2"] = park.report.sections.get("ch4.2", "") + "{{table.projection}}"
    key, text = NOT_APPLICABLE_SECTION
    park.report.sections[key] = text
    for empty in empty_sections(park):
        title = empty.heading.split("）", 1)[-1]
        park.report.sections[empty.section] = f"{title}方面，园区将结合实际制定具体措施，纳入年度工作计划并组织实施。"
    gate = final_gate(park, compute_park(park))
    assert gate.ok, gate.blockers
    park.report.extra["final"] = final_record(park, compute_park(park))
    assert is_final(park)
    return park


def need_poppler() -> None:
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"未安装 poppler-utils({'、'.join(missing)})：跳过 PDF 文本与字体检查")


def pdf_pages(path: Path) -> list[str]:
    """Text of each page (pdftotext -raw: drawing order, so the watermark comes first, not inside a line)."""
    need_poppler()
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    pages = out.decode("utf-8").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squeeze(text: str) -> str:
    """Text without any whitespace (table cells and wrapped lines compare equal)."""
    return re.sub(r"\s+", "", text)


def printed(text: str) -> str:
    """``text`` as the PDFs print it, squeezed: full-width punctuation in Chinese text (forms.report.typography)."""
    from forms.report.typography import chinese_punctuation

    return squeeze(chinese_punctuation(text))


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """pdffonts rows as dicts: name, type, emb."""
    need_poppler()
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    rows = []
    for line in lines[2:]:
        # name type... encoding emb sub uni object ID — the flags are the 5th..3rd fields from the end
        parts = line.split()
        if len(parts) >= 7:
            rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows
