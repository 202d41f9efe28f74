"""Every output of the demo park, rendered to text, holds no research note, grade code or internal code.

The park: the demo with report text (every section written or marked 本节不适用, 定稿), an annual chapter
for 2020, a recipient chosen for the e-mail.  The outputs: the report PDF, the year-table PDF, the internal
review sheet, the reviewer's summary PDF, the annual chapter's PDF and .docx, the workbook (LibreOffice
headless to PDF, one conversion) and the .eml.  Allowed Latin script is a short whitelist (units, chemical
names, standard numbers, file names, e-mail addresses, the content fingerprint); anything else fails,
named with its output and the text around it.
"""

from __future__ import annotations

import datetime as dt
import email
import io
import re
import subprocess
from email import policy
from pathlib import Path

import pytest
from docx import Document

from export.package import MAIL_KEY, build_package, write_package
from export.review.run import review_all
from export.review.summary import summary_pdf
from forms.report.annual import proposed_paragraph, with_text
from forms.table.calc import compute_park
from tests.export.pdf_support import final_park, need_poppler
from tests.export.xlsx_support import convert, soffice

YEAR = 2020
FORBIDDEN = ("unverified", "third-party", "third party", "eip-", "verify", "proxy", "indicative", "cross-check")

# Latin script an official document may carry: units, chemical names, standard and table numbers, file names
# (bounded by non-Latin characters: "万kWh" and "CO2排放量" are words to \b, the CJK being word characters)
_L, _R = r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])"
ALLOWED = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|[^\s/\\：:“”()（）]+\.(?:pdf|xlsx|docx|json|zip|eml)"
    + _R  # file names
    + "|"
    + _L
    + r"(?:GB/T|GB|HJ|IPCC)"
    + _R  # standards
    + "|"
    + _L
    + r"表?[A-D]\.\d+|附录[A-D]"
    + _R
    + "|[A-D]辑"  # tables and annexes of a standard, a journal series
    + "|"
    + _L
    + r"(?:k?gce|tce|tCO2e?|tCO₂|t|kg|kWh|MWh|GJ|TJ|MW|Nm³|Nm3|m³|m²|km²|km|hm²|h|a)"
    + _R  # units
    + "|"
    + _L
    + r"tCO(?=\s)"  # tCO2 wrapped inside a narrow table heading (the 2 on the next line)
    + "|"
    + _L
    + r"(?:CO2|CO₂|SO2|NOx|NOX|VOCs|PM2\.5|PM10|COD|CCUS|CH4|N2O)"
    + _R  # substances
)


def _scan(name: str, text: str, fp: str) -> list[str]:
    """Problems in one output's text: forbidden words first, then any Latin left after the whitelist."""
    problems = []
    text = text.replace(fp, " ") if fp else text
    lowered = ALLOWED.sub(" ", text).lower()
    for word in FORBIDDEN:
        i = lowered.find(word)
        if i != -1:
            problems.append(f"{name}：含有“{word}”：…{lowered[max(0, i - 30) : i + 40]}…")
    rest = ALLOWED.sub(" ", text)
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9_\-]*", rest):
        # units combined with / and ( ): tCO2/万元, tCO2/(公顷·年) leave only whitelisted pieces
        problems.append(f"{name}：拉丁字母“{m[0]}”：…{rest[max(0, m.start() - 30) : m.end() + 30]}…")
    return problems


def _pdf_text(data: bytes, tmp: Path, stem: str) -> str:
    path = tmp / f"{stem}.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")  # fmt: skip


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def _eml_text(data: bytes) -> str:
    msg = email.message_from_bytes(data, policy=policy.default)
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    return "\n".join([str(msg["Subject"]), str(msg["From"]), str(msg["To"]), body.get_content()])


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], str]:
    need_poppler()
    if soffice() is None:
        pytest.skip("未安装 LibreOffice：跳过工作簿转 PDF 的文本检查")
    tmp = tmp_path_factory.mktemp("scan")
    park = final_park()
    result = compute_park(park)
    for key, text in (("a1", "本年度完成燃煤锅炉改造。"), ("a2", proposed_paragraph(park, result, YEAR, "a2")),
                      ("a3", proposed_paragraph(park, result, YEAR, "a3")), ("a5", "统计监测能力不足。"),
                      ("a6", "2021 年继续推进光伏建设。")):  # fmt: skip
        park.report.extra["annual"] = with_text(park, YEAR, key, text)
    park.report.extra[MAIL_KEY] = {"recipient": "province", "to": "sthjt@example.gov.cn"}
    package = build_package(park, today=dt.date(2026, 12, 2))
    fp = package.fingerprint
    texts: dict[str, str] = {}
    for f in [*package.files, package.review]:
        if f.name.endswith(".pdf"):
            texts[f.name] = _pdf_text(f.data, tmp, f"p{len(texts)}")
        elif f.name.endswith(".docx"):
            texts[f.name] = _docx_text(f.data)
        elif f.name.endswith(".xlsx"):
            book = tmp / "book.xlsx"
            book.write_bytes(f.data)
            pdf = convert(book, "pdf", tmp / "lo", tmp / "profile")
            texts[f.name] = _pdf_text(pdf.read_bytes(), tmp, "book")
    texts[package.eml_name] = _eml_text(package.eml_data)
    (tmp / "out").mkdir()
    written = write_package(package, tmp / "out")
    texts["审核汇总.pdf"] = _pdf_text(summary_pdf(review_all([written.zip_path]), dt.date(2026, 12, 2)), tmp, "sum")
    return texts, fp


def test_every_output_is_rendered(outputs: tuple[dict[str, str], str]) -> None:
    texts, _ = outputs
    names = "\n".join(texts)
    for part in ("专项报告.pdf", "基础数据表.pdf", "基础数据表.xlsx", "内部审核单", "审核汇总.pdf",
                 "工作情况.pdf", "工作情况.docx", ".eml"):  # fmt: skip
        assert part in names, part
    assert all(len(t) > 200 for t in texts.values()), {n: len(t) for n, t in texts.items()}


def test_no_note_grade_code_or_other_latin_in_any_output(outputs: tuple[dict[str, str], str]) -> None:
    texts, fp = outputs
    problems = [p for name, text in texts.items() for p in _scan(name, text, fp)]
    assert not problems, "\n".join(problems[:40])


def test_scan_catches_what_it_is_for() -> None:
    """The whitelist keeps units and citations and still catches notes and codes."""
    assert _scan("x", "排放量 2,698,160.00 tCO2，单位 tCO2/万元；《综合能耗计算通则》(GB/T 2589-2020) 附录A", "") == []
    assert _scan("x", "电子邮箱 eip-demo@example.cn，附件 园区_材料.zip", "") == []
    for bad in ("表格版本：eip-2021", "tce:A; CC/OF:D(proxy)", "Chinese urban-forest studies; unverified",
                "Verify before shipping", "third-party copy"):  # fmt: skip
        assert _scan("x", bad, ""), bad
