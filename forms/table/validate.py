"""Validation: the form definition's rules applied to a park, giving findings.

A finding is a hard error (blocks 定稿) or a soft warning (needs a written explanation, stored with the
year under the finding's key).  Rule names used in definitions map to the checks in ``FIELD_CHECKS`` and
``YEAR_CHECKS``; the schema lint test makes sure every name a definition uses exists here.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from forms.park.model import ParkData, YearData
from forms.table.calc import ParkResult, YearResult, compute_park
from forms.table.definition import ERROR, PARK, VALUES, WARNING, Field, FormDefinition, Rule
from forms.table.numbers import format_number
from forms.table.targets import MISSED, describe, evaluate_targets

LEVEL_ZH = {ERROR: "错误", WARNING: "警告"}


@dataclass(frozen=True)
class Finding:
    level: str
    year: int | None
    key: str
    message: str
    code: str
    explanation: str = ""

    @property
    def explained(self) -> bool:
        return bool(self.explanation.strip())

    @property
    def blocking(self) -> bool:
        """Blocks 定稿: a hard error, or a soft warning without an explanation."""
        return self.level == ERROR or not self.explained

    def to_json(self) -> dict[str, object]:
        return {"level": self.level, "level_zh": LEVEL_ZH[self.level], "year": self.year, "key": self.key,
                "message": self.message, "code": self.code, "explained": self.explained,
                "explanation": self.explanation}  # fmt: skip


@dataclass
class Context:
    form: FormDefinition
    park: ParkData
    year: int | None
    ydata: YearData | None
    result: YearResult | None
    previous: YearResult | None

    def value(self, key: str) -> float | None:
        return self.result.value(key) if self.result else None

    def label(self, key: str) -> str:
        return self.form.field(key).label if key in self.form else key


def _fmt(v: float | None, unit: str = "") -> str:
    if v is None:
        return "—"
    text = format_number(v, 4 if abs(v) < 1 else 2).rstrip("0").rstrip(".") if v != int(v) else format_number(v, 0)
    return f"{text} {unit}".strip()


FieldCheck = Callable[[Field, Rule, Context, "float | str | None"], "str | None"]


def _min(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    lo = float(r.params.get("value", 0))  # type: ignore[arg-type]
    if isinstance(v, float) and v < lo:
        return f"{f.label}不能为负数（填写为 {_fmt(v)}）" if lo == 0 else f"{f.label}不应小于 {_fmt(lo)}"
    return None


def _range(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    lo, hi = float(r.params["lo"]), float(r.params["hi"])  # type: ignore[arg-type]
    if isinstance(v, float) and not lo <= v <= hi:
        hint = r.params.get("hint", "")
        return (
            f"{f.label}为 {_fmt(v, f.unit)}，超出 {_fmt(lo)}～{_fmt(hi)} 的合理范围{('：' + str(hint)) if hint else ''}"
        )
    return None


def _le_field(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    other = str(r.params["other"])
    ov = ctx.value(other) or 0.0
    if isinstance(v, float) and v > ov:
        return f"{f.label}（{_fmt(v, f.unit)}）不能大于{ctx.label(other)}（{_fmt(ov, f.unit)}）"
    return None


def _not_above(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    """A plausibility check between two fields (a part not larger than its whole); silent while either is blank."""
    other = str(r.params["other"])
    ov = ctx.value(other)
    if isinstance(v, float) and ov is not None and v > ov:
        return (f"{f.label}（{_fmt(v, f.unit)}）大于{ctx.label(other)}（{_fmt(ov, ctx.form.field(other).unit)}），"
                "不合常理：请核对，或说明原因")  # fmt: skip
    return None


def _required(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    if v is None or v == "":
        extra = "，强度指标无法计算" if f.group == VALUES else ""
        return f"{f.label}未填写{extra}"
    return None


def _required_when_positive(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    other = str(r.params["other"])
    ov = ctx.value(other)
    if v is None and ov is not None and ov > 0:
        return f"{ctx.label(other)}大于 0，但没有{f.label}：请填写数值并注明来源"
    return None


def _required_when_nonzero(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    other = str(r.params["other"])
    ov = ctx.value(other)
    if v is None and ov:
        return f"{ctx.label(other)}不为 0，但没有{f.label}的默认值：请选择或填写数值并注明来源"
    return None


def _unit_suspect(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    above = float(r.params["above"])  # type: ignore[arg-type]
    if isinstance(v, float) and v > above:
        return f"{f.label}为 {_fmt(v, f.unit)}，数值异常偏大：{r.params.get('hint', '请核对单位')}"
    return None


def _negative(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    if isinstance(v, float) and v < 0:
        return f"{f.label}为负数（{_fmt(v, f.unit)}）：外供量大于外购量，请确认"
    return None


def _named_year(f: Field, r: Rule, ctx: Context, v: float | str | None) -> str | None:
    status = ctx.park.park.get("park.status")
    if status == "已命名" and v is None:
        return "园区状态为“已命名”，请填写命名年份"
    if status == "批准建设" and v is not None:
        return "园区状态为“批准建设”，不应填写命名年份"
    return None


FIELD_CHECKS: dict[str, FieldCheck] = {
    "min": _min,
    "range": _range,
    "le_field": _le_field,
    "not_above": _not_above,
    "required": _required,
    "required_when_positive": _required_when_positive,
    "required_when_nonzero": _required_when_nonzero,
    "unit_suspect": _unit_suspect,
    "negative": _negative,
    "named_year": _named_year,
}

YearCheck = Callable[[Rule, Context], Iterator[tuple[str, str]]]


def _year_range(r: Rule, ctx: Context) -> Iterator[tuple[str, str]]:
    assert ctx.year is not None
    this_year = _dt.date.today().year
    if not ctx.form.first_year <= ctx.year <= this_year:
        yield "year", f"年份 {ctx.year} 超出可填报范围（{ctx.form.first_year}—{this_year} 年）"


def _yoy_change(r: Rule, ctx: Context) -> Iterator[tuple[str, str]]:
    if ctx.previous is None or ctx.result is None:
        return
    limit = float(r.params.get("limit", 30))  # type: ignore[arg-type]
    keys: tuple[str, ...] = r.params.get("keys", ctx.form.yoy_warning_keys)  # type: ignore[assignment]
    for key in keys:
        cur, prev = ctx.value(key), ctx.previous.value(key)
        if cur is None or prev is None or (cur == 0 and prev == 0) or cur < 0 or prev < 0:
            continue  # a negative quantity is already a hard error; a percentage of it means nothing
        label = ctx.label(key)
        if prev == 0 and not r.params.get("from_zero", True):
            continue  # the change from 0 is not a percentage (the pollutants' rule follows the yoy literally)
        if prev == 0:
            yield key, f"{label}由上年的 0 变为 {_fmt(cur)}，变化超过 ±{_fmt(limit)}%：请说明原因"
            continue
        change = (cur / prev - 1) * 100
        if abs(change) > limit:
            yield key, (f"{label}比上年变化 {change:+.1f}%（上年 {_fmt(prev)}，本年 {_fmt(cur)}），"
                        f"超过 ±{_fmt(limit)}%：请说明原因")  # fmt: skip


def _override_source(r: Rule, ctx: Context) -> Iterator[tuple[str, str]]:
    if ctx.ydata is None:
        return
    for key, ov in ctx.ydata.factors.items():
        if not ov.source.strip() and key in ctx.form:
            yield key, f"{ctx.label(key)}已改为 {ov.value}，但未注明来源"


YEAR_CHECKS: dict[str, YearCheck] = {
    "year_range": _year_range,
    "yoy_change": _yoy_change,
    "override_source": _override_source,
}


def _field_value(f: Field, ctx: Context) -> tuple[float | str | None, str | None]:
    """The value a rule sees, and a parse error if the typed text is not valid for the field."""
    if f.group == PARK:
        checked = f.kind_type.parse(ctx.park.park.get(f.key))
        return checked.value, checked.error
    assert ctx.ydata is not None and ctx.result is not None
    if f.is_computed:
        return ctx.result.computed.get(f.key), None
    if f.is_factor:
        fv = ctx.result.factors[f.key]
        return fv.value, (f"{f.label}：{fv.error}" if fv.error else None)
    raw = ctx.ydata.raw(f.key)
    checked = f.kind_type.parse(raw)
    return checked.value, checked.error


def _check_fields(fields: Iterator[Field], ctx: Context) -> Iterator[Finding]:
    expl = ctx.ydata.explanations if ctx.ydata else {}
    for f in fields:
        value, error = _field_value(f, ctx)
        if error:
            yield Finding(
                ERROR, ctx.year, f.key, error if error.startswith(f.label) else f"{f.label}：{error}", "parse"
            )
            continue
        for rule in f.rules:
            message = FIELD_CHECKS[rule.check](f, rule, ctx, value)
            if message:
                yield Finding(rule.level, ctx.year, f.key, message, rule.check,
                              expl.get(f.key, "") if rule.level == WARNING else "")  # fmt: skip


YearCache = dict[int, tuple[object, ...]]


def validate_park(park: ParkData, result: ParkResult | None = None, cache: YearCache | None = None) -> list[Finding]:
    """Every finding of the park.  ``cache`` (kept by the caller between calls, e.g. the window's session):
    a year whose result, previous year's result, form, the park's fields and its explanations are the very same objects /
    values as last time gets last time's findings instead of being checked again."""
    result = result or compute_park(park)
    form = result.form
    findings: list[Finding] = []
    ctx = Context(form, park, None, None, None, None)
    findings += _check_fields(form.fields_in(PARK), ctx)
    fields_now = dict(park.park)  # a year's rules may read the park's fields (e.g. its status)
    for year in park.sorted_years():
        ydata = park.years[year]
        yform = result.form_of(year)
        current, previous = result.years[year], result.years.get(year - 1)
        ident = (current, previous, yform, fields_now, dict(ydata.explanations))
        known = cache.get(year) if cache is not None else None
        if (
            known is not None
            and all(a is b for a, b in zip(known[:3], ident[:3], strict=True))
            and (known[3:5] == ident[3:5])
        ):
            findings += known[5]  # type: ignore[arg-type]
            continue
        year_findings: list[Finding] = []
        ctx = Context(yform, park, year, ydata, current, previous)
        fields = (f for f in yform.fields if f.group != PARK)
        year_findings += _check_fields(fields, ctx)
        for rule in yform.year_rules:
            for key, message in YEAR_CHECKS[rule.check](rule, ctx):
                explanation = ydata.explanations.get(key, "") if rule.level == WARNING else ""
                year_findings.append(Finding(rule.level, year, key, message, rule.check, explanation))
        if cache is not None:
            cache[year] = (*ident, year_findings)
        findings += year_findings
    findings += _target_findings(park, result)
    return _dedupe(findings)


def _target_findings(park: ParkData, result: ParkResult) -> list[Finding]:
    """A target due in a filed year and not achieved is a soft warning; its explanation is kept with it."""
    out = []
    for target, evaluated in zip(park.targets, evaluate_targets(park.targets, result), strict=True):
        if evaluated.status == MISSED and evaluated.year in result.years:
            words = describe(target, result.form_of(evaluated.year))
            message = f"目标“{words}”未达成：请说明原因及拟采取的措施"
            explanation = str(target.get("explanation") or "")
            out.append(Finding(WARNING, evaluated.year, evaluated.indicator, message, "target_missed", explanation))
    return out


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for f in findings:
        ident = (f.level, f.year, f.key, f.message)
        if ident not in seen:
            seen.add(ident)
            out.append(f)
    return out


def has_errors(findings: list[Finding]) -> bool:
    return any(f.level == ERROR for f in findings)
