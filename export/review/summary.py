"""Consolidating reviewed packages: the summary workbook, the PDF summary with charts, the results file.

One row per park (the newest package of each park; older ones are listed as superseded), values exactly as
``calc`` of the park file gives them, the reviewer's opinion sheet per park pre-filled with the automatic
findings, a ranking within park type with outliers flagged, and a machine-readable results file that the
fingerprint lookup reads.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from export.review.verify import ERROR, INFO, LEVEL_ZH, WARNING, PackageReview
from forms.park.atomic import atomic_write_files
from forms.report.markers import ChartBlock, Series
from forms.table.numbers import format_number
from forms.table.registry import form_for
from forms.table.targets import DONE, MISSED, evaluate_targets

RESULTS_FILE = "审核结果.json"
RESULTS_FORMAT = "parkcarbon-review/1"
OUTLIER_FACTOR = 2.0  # intensity more than twice, or less than half, the median of its park type


def _round(value: float | None) -> float | None:
    return None if value is None else value


@dataclass(frozen=True)
class ParkRow:
    """The figures of one park, as calc of its park file gives them."""

    review: PackageReview
    province: str
    park_type: str
    status: str
    years: tuple[int, ...]
    emissions: dict[int, float | None]
    intensity: dict[int, float | None]
    energy_intensity: dict[int, float | None]
    yoy: float | None  # emissions change of the last filed year, %
    peak_year: int | None
    carbon_per_energy: dict[int, float | None]  # 单位能耗碳排放 (years filled against a version that has it)
    targets_met: int
    targets_missed: int


def _field_value(review: PackageReview, role: str) -> str:
    park, result = review.park, review.result
    if park is None or result is None:
        return ""
    key = role_key(result.form, role)
    return str(park.park.get(key, "") or "") if key else ""


def role_key(form: Any, role: str) -> str | None:
    """The key the form definition declares for a role (``province``, ``park_type``, ``energy_intensity``)."""
    key = getattr(form, f"{role}_key", None)
    return key if isinstance(key, str) and key else None


def park_row(review: PackageReview) -> ParkRow:
    assert review.park is not None and review.result is not None
    form = review.result.form
    years = tuple(sorted(review.result.years))

    def series(key: str | None) -> dict[int, float | None]:
        if not key:
            return {}
        return {y: review.result.years[y].value(key) for y in years}  # type: ignore[union-attr]

    trend = review.result.trend
    yoy_metric = form.yoy_metric(form.emissions_key)
    yoy_map = trend.get(yoy_metric.key) if yoy_metric else None
    yoy = None
    if isinstance(yoy_map, dict) and years:
        last = yoy_map.get(str(years[-1]))
        yoy = float(last) if isinstance(last, int | float) else None
    peak = trend.get(form.peak_metric.key) if form.peak_metric else None
    status = "定稿" if review.final_claimed and review.final_gate_ok else "草稿"
    evaluated = evaluate_targets(review.park.targets, review.result)
    per_energy: dict[int, float | None] = {}
    for y in years:
        key = review.result.form_of(y).carbon_per_energy_key
        per_energy[y] = review.result.years[y].value(key) if key else None
    return ParkRow(
        review,
        _field_value(review, "province"),
        _field_value(review, "park_type"),
        status,
        years,
        series(form.emissions_key),
        series(form.intensity_key),
        series(role_key(form, "energy_intensity")),
        yoy,
        peak if isinstance(peak, int) else None,
        per_energy,
        sum(1 for e in evaluated if e.status == DONE),
        sum(1 for e in evaluated if e.status == MISSED),
    )


def attach_row(review: PackageReview) -> None:
    """Compute the park's summary figures while its data is at hand."""
    if not review.refused and review.park is not None and review.result is not None:
        review.row = park_row(review)


def current_rows(reviews: Sequence[PackageReview]) -> list[ParkRow]:
    rows = [r.row for r in reviews if isinstance(r.row, ParkRow) and not r.superseded_by]
    rows.sort(key=lambda p: (p.province, p.review.park_name))
    return rows


def outliers(rows: Sequence[ParkRow]) -> dict[str, str]:
    """Park name -> "偏高" / "偏低" where the latest intensity is far from its park type's median."""
    groups: dict[str, list[tuple[str, float]]] = {}
    for row in rows:
        latest = _latest(row.intensity)
        if latest is not None and latest > 0:
            groups.setdefault(row.park_type or "（未填类型）", []).append((row.review.park_name, latest))
    out: dict[str, str] = {}
    for members in groups.values():
        if len(members) < 3:
            continue
        median = statistics.median(v for _, v in members)
        for name, value in members:
            if value > OUTLIER_FACTOR * median:
                out[name] = "偏高"
            elif value < median / OUTLIER_FACTOR:
                out[name] = "偏低"
    return out


def _latest(series: dict[int, float | None]) -> float | None:
    for year in sorted(series, reverse=True):
        if series[year] is not None:
            return series[year]
    return None


# -- the workbook ------------------------------------------------------------------------------------

_SHEET_UNSAFE = re.compile(r"[\\/*?:\[\]]")


def _text(value: Any) -> Any:
    """User text written as text: never a formula (a park name may start with "=")."""
    if isinstance(value, str):
        value = "".join(c for c in value if c in "\t\n" or ord(c) >= 32)
        if value[:1] in ("=", "+", "-", "@"):
            return "'" + value
    return value


def _sheet_title(base: str, used: set[str]) -> str:
    text = _SHEET_UNSAFE.sub("_", base).strip("'") or "园区"
    title = text[:31]
    n = 2
    while title in used:
        suffix = f"({n})"
        title = text[: 31 - len(suffix)] + suffix
        n += 1
    used.add(title)
    return title


def summary_workbook(reviews: Sequence[PackageReview], today: _dt.date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(name="宋体", bold=True)
    head_fill = PatternFill("solid", fgColor="D9E1F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    rows = current_rows(reviews)
    flagged = outliers(rows)
    years = sorted({y for r in rows for y in r.years})
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    header = ["序号", "园区名称", "省份", "园区类型", "状态", "已填报年度"]
    header += [f"{y}年排放总量（tCO2）" for y in years]
    header += [f"{y}年单位工业增加值排放（tCO2/万元）" for y in years]
    header += [f"{y}年单位能耗碳排放（tCO2/tce）" for y in years]
    header += ["末年排放同比（%）", "已观测峰值年份", "目标达成数", "目标未达成数", "强度离群", "错误数", "警告数", "校验码",
               "材料包"]  # fmt: skip
    ws.append(header)
    for i, row in enumerate(rows, start=1):
        r = row.review
        line: list[Any] = [i, _text(r.park_name), _text(row.province), _text(row.park_type), row.status,
                           "、".join(str(y) for y in row.years)]  # fmt: skip
        line += [row.emissions.get(y) for y in years]
        line += [row.intensity.get(y) for y in years]
        line += [row.carbon_per_energy.get(y) for y in years]
        line += [row.yoy, row.peak_year, row.targets_met, row.targets_missed, flagged.get(r.park_name, ""), r.count(ERROR) + (1 if r.refused else 0),
                 r.count(WARNING), r.fingerprint, _text(r.label)]  # fmt: skip
        ws.append(line)
    for cell in ws[1]:
        cell.font, cell.fill, cell.alignment = bold, head_fill, wrap
    for col in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(col)].width = 14 if col > 2 else 8 if col == 1 else 28
    ws.freeze_panes = "C2"

    rank = wb.create_sheet("排名")
    rank.append(["园区类型", "名次", "园区名称", "省份", "最新年度", "单位工业增加值排放（tCO2/万元）", "离群"])
    by_type: dict[str, list[ParkRow]] = {}
    for row in rows:
        by_type.setdefault(row.park_type or "（未填类型）", []).append(row)
    for ptype in sorted(by_type):
        ranked = sorted(by_type[ptype], key=lambda p: (_latest(p.intensity) is None, _latest(p.intensity) or 0))
        for n, row in enumerate(ranked, start=1):
            latest_year = max((y for y, v in row.intensity.items() if v is not None), default=None)
            rank.append([_text(ptype), n, _text(row.review.park_name), _text(row.province), latest_year,
                         _latest(row.intensity), flagged.get(row.review.park_name, "")])  # fmt: skip
    for cell in rank[1]:
        cell.font, cell.fill, cell.alignment = bold, head_fill, wrap

    checked = wb.create_sheet("材料包核对")
    checked.append(["材料包", "园区名称", "导出时间", "校验码", "结果", "错误数", "警告数", "说明"])
    for r in reviews:
        if r.refused:
            outcome, note = "拒收", r.refused
        elif r.superseded_by:
            outcome = "重复" if r.duplicate else "已被取代"
            note = f"与 {r.superseded_by}" if r.duplicate else f"已被更新的材料包取代：{r.superseded_by}"
        else:
            outcome, note = ("有错误" if r.hard else "通过"), ""
        checked.append([_text(r.label), _text(r.park_name), r.created_at, r.fingerprint, outcome, r.count(ERROR),
                        r.count(WARNING), _text(note)])  # fmt: skip
    for cell in checked[1]:
        cell.font, cell.fill, cell.alignment = bold, head_fill, wrap
    checked.column_dimensions["A"].width = 50
    checked.column_dimensions["H"].width = 50

    used = {"汇总", "排名", "材料包核对"}
    for row in rows:
        r = row.review
        sheet = wb.create_sheet(_sheet_title(f"审核意见-{r.park_name}", used))
        sheet.append(["园区名称", _text(r.park_name)])
        sheet.append(["材料包", _text(r.label)])
        sheet.append(["校验码", r.fingerprint])
        sheet.append(["状态", row.status])
        sheet.append([])
        sheet.append(["序号", "级别", "自动核对发现", "审核意见"])
        for cell in sheet[6]:
            cell.font, cell.fill = bold, head_fill
        for n, f in enumerate(r.findings, start=1):
            sheet.append([n, LEVEL_ZH[f.level], _text(f.message), ""])
            sheet.cell(sheet.max_row, 3).alignment = wrap
        if not r.findings:
            sheet.append(["", "", "（自动核对未发现问题）", ""])
        sheet.append([])
        sheet.append(["总体审核意见", ""])
        sheet.append(["审核人", ""])
        sheet.append(["审核日期", ""])
        sheet.column_dimensions["A"].width = 12
        sheet.column_dimensions["C"].width = 80
        sheet.column_dimensions["D"].width = 40
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- the PDF -----------------------------------------------------------------------------------------


# the park table's headers, line by line (a long one breaks before its unit)
_PDF_HEADERS = (
    ("园区名称",),
    ("省份",),
    ("状态",),
    ("最新排放", "（tCO2）"),
    ("强度", "（tCO2/万元）"),
    ("错误",),
    ("警告",),
)


def summary_pdf(reviews: Sequence[PackageReview], today: _dt.date) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from export.pdf.blocks import chart_drawing
    from export.pdf.style import escape, make_styles

    st = make_styles()
    font = st.fonts.body
    rows = current_rows(reviews)
    story: list[Any] = [Paragraph("园区碳达峰碳中和材料审核汇总", st.title),
                        Paragraph(escape(f"汇总日期：{today.year}年{today.month}月{today.day}日"), st.note_center),
                        Spacer(1, 4 * mm)]  # fmt: skip
    refused = sum(1 for r in reviews if r.refused)
    superseded = sum(1 for r in reviews if r.superseded_by)
    with_errors = sum(1 for row in rows if row.review.hard)
    story.append(Paragraph(escape(
        f"共收到材料包 {len(reviews)} 个：有效园区 {len(rows)} 个（其中有错误 {with_errors} 个），"
        f"拒收 {refused} 个，重复或被更新材料包取代 {superseded} 个。"), st.body))  # fmt: skip

    by_province: dict[str, float] = {}
    for row in rows:
        latest = _latest(row.emissions)
        if latest is not None:
            by_province[row.province or "（未填）"] = by_province.get(row.province or "（未填）", 0.0) + latest
    width = 160 * mm
    charts: list[ChartBlock] = []
    if by_province:
        names = sorted(by_province, key=lambda k: -by_province[k])[:16]
        charts.append(ChartBlock("chart.review.province", "各省（区、市）园区最新年度二氧化碳排放量合计", "bar",
                                 tuple(names), (Series("排放量", tuple(by_province[n] / 10000 for n in names)),),
                                 "万tCO2"))  # fmt: skip
    values = sorted(v for row in rows if (v := _latest(row.intensity)) is not None and v >= 0)
    if values:
        bins = 8
        step = (values[-1] or 1.0) / bins
        counts = [0] * bins
        for v in values:
            counts[min(int(v / step), bins - 1)] += 1
        charts.append(ChartBlock("chart.review.intensity", "单位工业增加值二氧化碳排放量分布（tCO2/万元）", "bar",
                                 tuple(f"{i * step:.2f}–{(i + 1) * step:.2f}" for i in range(bins)),
                                 (Series("园区个数", tuple(float(c) for c in counts)),), "个"))  # fmt: skip
    for block in charts:
        story += [Spacer(1, 4 * mm), Paragraph(escape(block.title), st.caption), chart_drawing(block, st, width)]
    form = form_for()  # the display precision of the definition (every output alike)
    # header cells wrap inside their columns (a plain string runs over into the next one)
    head = ParagraphStyle("review_head", parent=st.cell_head, fontSize=8, leading=10)
    table: list[list[str | Paragraph]] = [[Paragraph("<br/>".join(map(escape, h)), head) for h in _PDF_HEADERS]]
    for row in rows:
        r = row.review
        e, i = _latest(row.emissions), _latest(row.intensity)
        table.append([Paragraph(escape(r.park_name), st.cell), Paragraph(escape(row.province), st.cell), row.status,
                      "" if e is None else format_number(e, form.unit_decimals("tCO2")),
                      "" if i is None else format_number(i, form.unit_decimals("tCO2/万元")), str(r.count(ERROR)),
                      str(r.count(WARNING))])  # fmt: skip
    # widths for 8 pt text: 状态 holds "已定稿" / "草稿" on one line, the counts up to three digits
    t = Table(table, colWidths=[44 * mm, 22 * mm, 16 * mm, 28 * mm, 24 * mm, 13 * mm, 13 * mm], repeatRows=1)
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8),
                           ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#D9E1F2")),
                           ("ALIGN", (3, 1), (-1, -1), "RIGHT")]))  # fmt: skip
    story += [Spacer(1, 6 * mm), t]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title="园区碳达峰碳中和材料审核汇总", author="园区双碳填报 parkcarbon",
                            leftMargin=25 * mm, rightMargin=25 * mm, topMargin=25 * mm, bottomMargin=25 * mm)  # fmt: skip
    doc.build(story)
    return buf.getvalue()


# -- results file and fingerprint lookup ---------------------------------------------------------------


def results_json(reviews: Sequence[PackageReview], today: _dt.date) -> bytes:
    doc = {
        "format": RESULTS_FORMAT,
        "date": today.isoformat(),
        "packages": [
            {
                "label": r.label,
                "sha256": r.sha256,
                "park": r.park_name,
                "created_at": r.created_at,
                "fingerprint": r.fingerprint,
                "printed_fingerprints": sorted(r.printed_fingerprints),
                "refused": r.refused,
                "superseded_by": r.superseded_by,
                "findings": [f.to_json() for f in r.findings],
            }
            for r in reviews
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def normalise_fingerprint(text: str) -> str:
    """What a reviewer types or a scanner reads: spaces, dashes and full-width digits tolerated."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).lower()
    return re.sub(r"[^0-9a-f]", "", text.replace("校验码", ""))


def lookup(entries: Sequence[dict[str, Any]], typed: str) -> list[dict[str, Any]]:
    """The packages whose content fingerprint (or a fingerprint printed in them) is the typed one."""
    fp = normalise_fingerprint(typed)
    if len(fp) < 8:
        return []
    return [e for e in entries if str(e.get("fingerprint", "")).startswith(fp)
            or any(str(p).startswith(fp) for p in e.get("printed_fingerprints", ()))]  # fmt: skip


def write_outputs(reviews: Sequence[PackageReview], out_dir: Path, today: _dt.date) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"{today:%Y%m%d}"
    files = [
        (out_dir / f"材料包审核汇总_{stamp}.xlsx", summary_workbook(reviews, today)),
        (out_dir / f"材料包审核汇总_{stamp}.pdf", summary_pdf(reviews, today)),
        (out_dir / RESULTS_FILE, results_json(reviews, today)),
    ]
    atomic_write_files(files)  # all three or none: the results --find reads always match the summary beside them
    return [path for path, _data in files]


__all__ = ["ERROR", "INFO", "WARNING", "current_rows", "lookup", "outliers", "summary_pdf", "summary_workbook",
           "write_outputs"]  # fmt: skip
