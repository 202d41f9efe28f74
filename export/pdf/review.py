"""内部审核单: the internal review sheet signed before the materials leave the park.

Hard errors (must be none to 定稿), soft warnings with the explanations written for them, the report's
own findings (missing required elements, figures that disagree with the data), and signature lines for
填表人 / 审核人 / 分管领导.  It is an internal document: written beside the package, not put into it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from export.pdf.blocks import make_table
from export.pdf.style import BODY, PORTRAIT, Footer, OfficialDoc, Styles, make_styles, para, text_width
from forms.park.model import ParkData
from forms.report import check as report_check
from forms.report.customisation import effective_outline
from forms.table.calc import ParkResult, compute_park
from forms.table.definition import ERROR, FormDefinition
from forms.table.validate import Finding, validate_park

SIGNERS = ("填表人", "审核人", "分管领导")
REVIEW_TITLE = "内部审核单"


@dataclass(frozen=True)
class ReviewItem:
    where: str  # 年度 or report section
    subject: str  # field label or section heading
    message: str
    explanation: str = ""


@dataclass
class Review:
    errors: list[ReviewItem]
    warnings: list[ReviewItem]
    status: str  # 已定稿 / 草稿 …

    @property
    def unexplained(self) -> int:
        return sum(not w.explanation.strip() for w in self.warnings)


def _label(form: FormDefinition, key: str) -> str:
    return form.field(key).label if key in form else key


def collect_review(park: ParkData, result: ParkResult, findings: Sequence[Finding] | None = None) -> Review:
    """Data findings (forms.table.validate) and report findings (forms.report.check when present)."""
    form = result.form
    findings = validate_park(park, result) if findings is None else findings
    errors: list[ReviewItem] = []
    warnings: list[ReviewItem] = []
    for f in findings:
        entry = ReviewItem(f"{f.year}年" if f.year else "园区信息", _label(form, f.key), f.message, f.explanation)
        (errors if f.level == ERROR else warnings).append(entry)
    status = report_check.final_label(park)
    outline = effective_outline(park)

    def item(section: str, message: str, explanation: str = "") -> ReviewItem:
        heading = report_check.section_heading(outline, section) if section else "专项报告"
        return ReviewItem("报告", heading, message.removeprefix(f"{heading}："), explanation)

    for m in report_check.check_requirements(park, result):
        errors.append(item(m.section, m.message))
    for rf in report_check.check_report(park, result):
        (errors if rf.level == ERROR else warnings).append(item(rf.section, rf.message, rf.explanation))
    return Review(errors, warnings, status)


def _signatures(styles: Styles, width: float) -> Table:
    line = "＿" * 10
    rows = [[f"{who}（签字）：", line, "日期：", "＿＿＿＿年＿＿月＿＿日"] for who in SIGNERS]
    table = Table(rows, colWidths=[width * 0.24, width * 0.34, width * 0.1, width * 0.32], rowHeights=14 * mm)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), styles.fonts.body),
                ("FONTSIZE", (0, 0), (-1, -1), 12),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def review_story(park: ParkData, result: ParkResult, fp: str, review: Review, styles: Styles) -> list[Flowable]:
    width = text_width(PORTRAIT)
    small = ParagraphStyle("review", parent=styles.body_flush, fontSize=12, leading=20)
    head = ParagraphStyle("review_h", parent=styles.h1, fontSize=13, leading=22, spaceBefore=6, firstLineIndent=0)
    years = "、".join(str(y) for y in sorted(result.years)) or "无"
    story: list[Flowable] = [
        Paragraph(REVIEW_TITLE, styles.title),
        para(f"园区：{park.name}　　填报年度：{years}", small),
        para(f"表格：{result.form.edition}　　内容校验码：{fp}", small),
        para(f"状态：{review.status}", small),  # a line of its own: "已定稿(日期 时刻)" never wraps
        para(
            (
                f"硬性错误 {len(review.errors)} 项（须全部改正方可定稿）；提示性警告 {len(review.warnings)} 项，"
                f"其中尚未说明 {review.unexplained} 项。"
            ),
            small,
        ),
        Paragraph("一、硬性错误", head),
    ]
    if review.errors:
        rows: list[tuple[str, ...]] = [(str(i), e.where, e.subject, e.message) for i, e in enumerate(review.errors, 1)]
        story.append(make_table(("序号", "位置", "项目", "问题"), rows, (False,) * 4, width, styles, size=9))
    else:
        story.append(Paragraph("无。", small))
    story.append(Paragraph("二、提示性警告及说明", head))
    if review.warnings:
        rows = [
            (str(i), w.where, w.subject, w.message, w.explanation.strip() or "（尚未说明）")
            for i, w in enumerate(review.warnings, start=1)
        ]
        story.append(make_table(("序号", "位置", "项目", "问题", "说明"), rows, (False,) * 5, width, styles, size=9))
    else:
        story.append(Paragraph("无。", small))
    story.append(Spacer(1, 8 * mm))
    story.append(
        KeepTogether(
            [
                Paragraph("三、审核意见与签字", head),
                Paragraph("经审核，以上数据和报告内容真实、准确，同意报送。", small),
                _signatures(styles, width),
            ]
        )
    )
    return story


def build_review_pdf(park: ParkData, fp: str, *, draft: bool, result: ParkResult | None = None) -> bytes:
    result = result or compute_park(park)
    styles = make_styles()
    review = collect_review(park, result)
    buf = io.BytesIO()
    doc = OfficialDoc(buf, Footer(fp, park.name, REVIEW_TITLE, draft), title=f"{park.name}{REVIEW_TITLE}", first=BODY)
    doc.build(review_story(park, result, fp, review, styles))
    return buf.getvalue()
