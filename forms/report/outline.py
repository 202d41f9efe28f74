"""The report outline as versioned data (outlines ``eip-2021`` and ``eip-2026``, shared/spec/report-outline.md).

The review period of chapter 二 is a property of the outline version: ``eip-2021`` (parks applying from
2021) reviews 十三五, 2016—2020; ``eip-2026`` (parks applying from 2026) reviews 十四五, 2021—2025, with the same
structure.  The base year is the last year of the review period.  A park's outline version is chosen when
the park is created and stored with it (``parks.outline``); older parks keep ``eip-2021``.

Each section has a stable key, a title, guidance shown beside the editor, required elements checked
before 定稿, and the data blocks that fit it.  Users may rename, add and reorder subsections; those
customisations are stored with the report (``ReportData.extra["outline_custom"]``), never here.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from forms.park.model import ParkData

CUSTOM_KEY = (
    "outline_custom"  # report.extra member holding the park's outline customisation (forms.report.customisation)
)


class Requirement(NamedTuple):
    """A required element: ``check`` names a rule in forms.report (text, projects, figures …)."""

    id: str
    label: str
    check: str = "text"


class OutlineSection(NamedTuple):
    key: str
    title: str
    guidance: str = ""
    requirements: tuple[Requirement, ...] = ()
    blocks: tuple[str, ...] = ()  # data block ids (forms.report.markers)
    kind: str = "text"  # "text" | "projects"

    @property
    def has_scenarios(self) -> bool:
        """The section asks for the projection's peak (ch4.2): it is written beside the scenario editor."""
        return any(r.check == "projection" for r in self.requirements)


class Chapter(NamedTuple):
    key: str
    number: str  # 一、二 …
    title: str
    sections: tuple[OutlineSection, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}、{self.title}"


class Outline(NamedTuple):
    version: str
    title_template: str
    chapters: tuple[Chapter, ...]
    appendices: tuple[str, ...]
    review: tuple[int, int] = (2016, 2020)  # the period chapter 二 reviews (a five-year plan), first and last year
    plan: str = "十三五"  # that plan's name

    @property
    def base_year(self) -> int:
        """The review period's last year: the base year of the targets and the projection."""
        return self.review[1]

    @property
    def review_years(self) -> tuple[int, ...]:
        return tuple(range(self.review[0], self.review[1] + 1))

    @property
    def review_span(self) -> str:
        """2016—2020 (an em dash between the years)."""
        return f"{self.review[0]}—{self.review[1]}"

    def sections(self) -> Iterator[OutlineSection]:
        for chapter in self.chapters:
            yield from chapter.sections

    def section(self, key: str) -> OutlineSection:
        for s in self.sections():
            if s.key == key:
                return s
        raise KeyError(key)

    def chapter_of(self, key: str) -> Chapter:
        for c in self.chapters:
            if any(s.key == key for s in c.sections):
                return c
        raise KeyError(key)

    def title_for(self, park_name: str) -> str:
        return self.title_template.format(park=park_name or "（园区名称）")


NUMERALS = "一二三四五六七八九十"


def subsection_label(index: int) -> str:
    """（一）（二）… for the n-th subsection (0-based)."""
    return f"（{NUMERALS[index] if index < 10 else index + 1}）"


def _s(key: str, title: str, guidance: str = "", req: tuple[Requirement, ...] = (), blocks: tuple[str, ...] = (),
       kind: str = "text") -> OutlineSection:  # fmt: skip
    return OutlineSection(key, title, guidance, req, blocks, kind)


def _eip(version: str, plan: str, review: tuple[int, int]) -> Outline:
    """The 专项报告's outline reviewing ``plan`` (``review``: its first and last year)."""
    span = f"{review[0]}—{review[1]}"
    ch1 = Chapter("ch1", "一", "园区概况", (
        _s("ch1.1", "基本情况", "说明园区地理位置、规划面积与建成区面积、四至范围与核算边界、管理机构，"
           "以及国家生态工业示范园区批准建设和命名的年份。", blocks=("table.profile",)),
        _s("ch1.2", "经济与产业发展", f"概述 {span} 年地区生产总值、工业增加值的规模与增速，主导产业构成和重点企业。",
           blocks=("table.economy",)),
        _s("ch1.3", "能源供应与基础设施", "说明园区电力、热力、燃气供应方式，集中供热、污水处理等公共基础设施。"),
    ))  # fmt: skip
    ch2 = Chapter("ch2", "二", f"“{plan}”碳减排工作回顾", (
        _s("ch2.1", "主要工作及措施", "从产业结构调整、能源结构优化、节能改造、循环经济与产业共生、"
           f"绿色基础设施、管理制度建设等方面回顾“{plan}”期间的主要工作。"),
        _s("ch2.2", "取得的成效", "用数据说明成效：首末年份二氧化碳排放总量和单位工业增加值二氧化碳排放量的变化。",
           (Requirement("change.emissions", "首末年份二氧化碳排放总量的变化", "mentions:emissions.total"),
            Requirement("change.intensity", "首末年份单位工业增加值二氧化碳排放量的变化",
                        "mentions:intensity.co2_per_iva")),
           ("table.trend", "chart.trend")),
        _s("ch2.3", "存在的问题与不足", "客观分析在能源结构、产业结构、统计监测能力等方面存在的问题。"),
    ))  # fmt: skip
    ch3 = Chapter("ch3", "三", "碳排放与碳汇现状分析", (
        _s("ch3.1", "核算边界、范围与方法", "说明核算边界、覆盖的排放源、数据来源和采用的排放因子。",
           blocks=("table.factors",)),
        _s("ch3.2", "碳排放总量、结构及变化趋势", "分年度说明二氧化碳排放总量及按排放源的构成，并分析变化原因。",
           (Requirement("totals", "各年度二氧化碳排放总量", "blocks:table.emissions_by_source|text"),
            Requirement("structure", "按排放源的排放结构", "blocks:table.emissions_by_source|chart.structure|text")),
           ("table.emissions_by_source", "chart.structure", "table.by_fuel", "value.emissions.total")),
        _s("ch3.3", "碳排放强度分析", "分析单位工业增加值二氧化碳排放量、单位工业增加值综合能耗等强度指标的变化。",
           blocks=("table.intensity", "chart.intensity")),
        _s("ch3.4", "碳汇现状", "说明绿地、林地、湿地面积及固碳能力（估算值，不从排放总量中扣减）。",
           blocks=("table.sink",)),
    ))  # fmt: skip
    ch4 = Chapter("ch4", "四", "碳达峰碳中和差距分析", (
        _s("ch4.1", "形势研判", "结合国家、省、市碳达峰要求和园区发展前景进行研判。"),
        _s("ch4.2", "碳排放趋势预测与情景分析", "设置基准情景和政策情景，说明各情景的峰值年份和峰值排放量。",
           (Requirement("projection", "各情景的预测达峰年份和峰值", "projection"),),
           ("table.projection", "chart.projection")),
        _s("ch4.3", "差距与减排潜力", "分析与达峰、中和目标之间的差距，以及各领域减排潜力。"),
    ))  # fmt: skip
    ch5 = Chapter("ch5", "五", "碳达峰碳中和目标与实施路径", (
        _s("ch5.1", "指导思想与基本原则"),
        _s("ch5.2", "主要目标", "明确碳达峰年份目标，以及 2025 年、2030 年单位工业增加值二氧化碳排放量目标。",
           (Requirement("peak_target", "碳达峰年份目标", "text"),
            Requirement("intensity_targets", "2025 年和 2030 年强度目标", "text")),
           ("table.targets",)),
        _s("ch5.3", "实施路径与路线图", "分阶段（至 2025 年、至 2030 年、面向 2060 年）说明实施路径。"),
    ))  # fmt: skip
    ch6 = Chapter("ch6", "六", "重点任务与重点工程", (
        _s("ch6.1", "推动产业结构优化升级"),
        _s("ch6.2", "推进能源结构清洁低碳转型"),
        _s("ch6.3", "实施节能降碳与能效提升"),
        _s("ch6.4", "深化循环经济与产业共生"),
        _s("ch6.5", "推进基础设施绿色低碳化"),
        _s("ch6.6", "提升生态碳汇能力"),
        _s("ch6.7", "加强低碳技术创新与示范"),
        _s("ch6.8", "提升碳排放管理能力"),
        _s("ch6.9", "重点项目清单", "以表格列出重点项目：项目名称、建设内容、总投资（万元）、建设年限、"
           "预计年减排量（tCO2）、责任单位。", (Requirement("projects", "至少一个重点项目", "projects"),),
           ("table.projects",), kind="projects"),
    ))  # fmt: skip
    ch7 = Chapter("ch7", "七", "保障措施", (
        _s("ch7.1", "加强组织领导"),
        _s("ch7.2", "完善政策与资金支持"),
        _s("ch7.3", "强化科技与人才支撑"),
        _s("ch7.4", "健全监测、统计与考核评估"),
        _s("ch7.5", "加强宣传引导与公众参与"),
    ))  # fmt: skip
    return Outline(
        version=version,
        title_template="{park}碳达峰碳中和实施路径专项报告",
        chapters=(ch1, ch2, ch3, ch4, ch5, ch6, ch7),
        appendices=("附表1 园区年度碳排放基础数据表", "附表2 重点项目表", "附表3 排放因子及数据来源说明"),
        review=review,
        plan=plan,
    )


# version -> (plan reviewed, its years); the newest last (offered first for a new park)
_REVIEWS = {"eip-2021": ("十三五", (2016, 2020)), "eip-2026": ("十四五", (2021, 2025))}
OUTLINE_VERSIONS = tuple(_REVIEWS)
NEWEST_OUTLINE = OUTLINE_VERSIONS[-1]


def outline_choice_label(version: str) -> str:
    """How a new-park dialog offers an outline version: 2026 年起申报(回顾“十四五”，2021—2025 年)."""
    plan, (first, last) = _REVIEWS[version]
    return f"{version.removeprefix('eip-')} 年起申报（回顾“{plan}”，{first}—{last} 年）"


@cache
def outline_for(version: str = "eip-2021") -> Outline:
    if version in _REVIEWS:
        plan, review = _REVIEWS[version]
        return _eip(version, plan, review)
    raise KeyError(f"未知的报告提纲版本“{version}”")


def review_of(park: ParkData) -> Outline:
    """The outline version of the park's report (its review period, plan and base year); eip-2021 when the
    stored version is unknown."""
    try:
        return outline_for(park.report.outline)
    except KeyError:
        return outline_for()
