"""Reading and writing the park file (``format: parkcarbon/1``, shared/spec/parkfile.md).

Reading is strict about structure (unknown format, form, key or a wrong type is a :class:`ParkFileError`
naming the place) and lenient about values (text that does not parse is kept; validation reports it).
"""

from __future__ import annotations

import json
import os
import re
from copy import deepcopy
from pathlib import Path
from typing import Any

from forms.park.atomic import atomic_write_bytes
from forms.park.model import FactorOverride, ParkData, ReportData, YearData
from forms.park.text_rules import (
    MAX_DEPTH,
    MAX_DIGITS,
    has_unprintable,
    name_problem,
    normalize_name,
    number_problem,
    printable,
    read_error_text,
    text_problem,
    value_problem,
)
from forms.table.definition import FormDefinition
from forms.table.registry import FORM_VERSIONS, form_for
from forms.table.targets import TargetError, parse_target

FORMAT = "parkcarbon/1"
OUTLINE_VERSIONS = ("eip-2021",)
MAX_FILE_BYTES = 50 * 1024 * 1024
_REPORT_KEYS = {"outline", "sections", "projects", "scenarios"}
# what the program itself stores beside the report (forms.report.check, forms.report.customisation and
# forms.report.annual): the 定稿 mark, the figure snapshot, the explanations of report warnings, the outline
# customisation, the annual report chapters' texts and their 定稿 marks
REPORT_EXTRA_KEYS = ("final", "figures", "check_notes", "outline_custom", "annual", "annual_final", "mail")


class ParkFileError(ValueError):
    """A park file that cannot be read; the message is Chinese and names the place."""

    def __init__(self, message: str, *, year: str | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.year = year
        self.key = key


def _scalar_ok(value: Any) -> bool:
    return value is None or (isinstance(value, (str, int, float)) and not isinstance(value, bool))


def _dict(obj: Any, where: str) -> dict[str, Any]:
    if obj is None:
        return {}
    if not isinstance(obj, dict):
        raise ParkFileError(f"{where} 应为 JSON 对象")
    return obj


class _Object(dict[str, Any]):
    """A JSON object as read: keys that occurred more than once are remembered (and refused later, with
    the place named), never silently resolved to the last value."""

    duplicates: tuple[str, ...] = ()


class _BadNumber(str):
    """A number literal refused while parsing (NaN, Infinity, too many digits): reported with its place."""


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        obj.duplicates = tuple(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
    return obj


def _parse_int(text: str) -> int | _BadNumber:
    return _BadNumber(text) if len(text.lstrip("-")) > MAX_DIGITS else int(text)


def _parse_float(text: str) -> float | _BadNumber:
    return _BadNumber(text) if len(text) > MAX_DIGITS * 2 else float(text)


def _where(path: tuple[str, ...]) -> tuple[str, str | None, str | None]:
    """(place in Chinese, year, key) of a path in the park file."""
    year = path[1] if len(path) > 1 and path[0] == "years" else None
    key = path[-1] if path else None
    if year is not None and len(path) > 3:
        key = path[3]
    return "“" + ".".join(path) + "”" if path else "顶层", year, key


def _walk(obj: Any, path: tuple[str, ...] = ()) -> None:
    """Refuse, naming the place: duplicate keys, NaN/Infinity, numbers too big or too long, text with
    control characters or lone surrogates, keys likewise, nesting deeper than any park file needs."""
    place, year, key = _where(path)
    if len(path) > MAX_DEPTH:
        raise ParkFileError(f"{place} 处嵌套层数过多", year=year, key=key)
    if isinstance(obj, _BadNumber):
        raise ParkFileError(f"{place} 的数值“{obj[:24]}{'…' if len(obj) > 24 else ''}”不能接受：位数过多或不是有限的数值",
                            year=year, key=key)  # fmt: skip
    if isinstance(obj, bool) or obj is None:
        return
    if isinstance(obj, (int, float)):
        problem = number_problem(obj)
        if problem:
            raise ParkFileError(f"{place} 的{problem}", year=year, key=key)
    elif isinstance(obj, str):
        problem = value_problem(obj)
        if problem:
            raise ParkFileError(f"{place} 的文字{problem}", year=year, key=key)
    elif isinstance(obj, dict):
        for dup in getattr(obj, "duplicates", ()):
            _p, y, k = _where((*path, dup))
            raise ParkFileError(f"{_where(path)[0]} 中的键“{dup}”出现了不止一次（重复的键会让一个值被悄悄丢掉）",
                                year=y, key=dup if k is None else k)  # fmt: skip
        for k, v in obj.items():
            problem = text_problem(k)
            if problem:
                raise ParkFileError(f"{place} 中有一个键{problem}", year=year, key=key)
            _walk(v, (*path, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _walk(v, (*path, str(i + 1)))


def park_from_json(doc: Any) -> ParkData:
    if not isinstance(doc, dict):
        raise ParkFileError("园区文件的顶层应为 JSON 对象")
    _walk(doc)
    fmt = doc.get("format")
    if fmt != FORMAT:
        raise ParkFileError(f"未知的文件格式“{fmt}”：本程序读取 format = {FORMAT}", key="format")
    version = doc.get("form")
    if version not in FORM_VERSIONS:
        raise ParkFileError(f"未知的表格版本“{version}”（支持：{'、'.join(FORM_VERSIONS)}）", key="form")
    form = form_for(version)
    unknown_top = set(doc) - {"format", "form", "park", "years", "report", "targets"}
    if unknown_top:
        raise ParkFileError(f"未知的顶层键：{'、'.join(sorted(unknown_top))}", key=sorted(unknown_top)[0])

    park: dict[str, Any] = {}
    for key, value in _dict(doc.get("park"), "park").items():
        if key not in form.park_keys:
            raise ParkFileError(f"park 中有未知的键“{key}”", key=key)
        if not _scalar_ok(value):
            raise ParkFileError(f"park 中“{key}”的值应为文字或数字", key=key)
        if key == "park.name":
            value = normalize_name(value)
            problem = name_problem(value)
            if problem:
                raise ParkFileError(f"园区名称{problem}", key=key)
        park[key] = value

    years: dict[int, YearData] = {}
    for ytext, ydoc in _dict(doc.get("years"), "years").items():
        if not (isinstance(ytext, str) and ytext.isascii() and ytext.isdigit() and len(ytext) == 4):
            raise ParkFileError(f"年份“{ytext}”不是四位数字年份（应写作半角数字，如 2016）", year=str(ytext))
        yform = _year_form(ytext, ydoc, version)
        years[int(ytext)] = _year_from_json(yform.input_keys, yform.meta_keys, yform.factor_keys, ytext, ydoc,
                                            yform.version)  # fmt: skip

    report = _report_from_json(doc.get("report"))
    targets = read_targets(doc.get("targets"), form, years)
    return ParkData(park=park, years=years, report=report, form=version, targets=targets)


def _year_form(year: str, ydoc: Any, version: str) -> FormDefinition:
    """The form version a year was filled against: the file's, unless the year states another."""
    stated = ydoc.get("form", version) if isinstance(ydoc, dict) else version
    if stated not in FORM_VERSIONS:
        raise ParkFileError(f"{year} 年的表格版本“{stated}”未知（支持：{'、'.join(FORM_VERSIONS)}）", year=year,
                            key="form")  # fmt: skip
    return form_for(stated)


def read_targets(doc: Any, form: FormDefinition, years: dict[int, YearData]) -> list[dict[str, Any]]:
    """The park's targets as given (validated for structure; the evaluation is forms.park.targets')."""
    if doc is None:
        return []
    if not isinstance(doc, list):
        raise ParkFileError("targets 应为目标对象的列表", key="targets")
    forms = [form, *(form_for(y.form) for y in years.values() if y.form != form.version)]
    out = []
    for n, item in enumerate(doc, start=1):
        try:
            out.append(parse_target(item, forms))
        except TargetError as exc:
            raise ParkFileError(f"第 {n} 个目标：{exc}", key=f"targets[{n}]") from None
    return out


def _year_from_json(
    inputs: frozenset[str], metas: frozenset[str], factors: tuple[str, ...], year: str, ydoc: Any, form: str
) -> YearData:
    ydoc = _dict(ydoc, f"{year} 年")
    unknown = set(ydoc) - {"values", "factors", "explanations", "meta", "form", "locked_factors"}
    if unknown:
        raise ParkFileError(f"{year} 年有未知的键：{'、'.join(sorted(unknown))}", year=year, key=sorted(unknown)[0])
    out = YearData(form=form)
    for key, value in _dict(ydoc.get("values"), f"{year} 年 values").items():
        if key in metas:
            out.meta[key] = value
            continue
        if key not in inputs:
            raise ParkFileError(f"{year} 年 values 中有表格 {form} 不认识的键“{key}”", year=year, key=key)
        if not _scalar_ok(value):
            raise ParkFileError(f"{year} 年“{key}”的值应为数字或文字", year=year, key=key)
        out.values[key] = value
    for key, value in _dict(ydoc.get("meta"), f"{year} 年 meta").items():
        if key not in metas:
            raise ParkFileError(f"{year} 年 meta 中有未知的键“{key}”", year=year, key=key)
        if not _scalar_ok(value):
            raise ParkFileError(f"{year} 年“{key}”的值应为文字", year=year, key=key)
        out.meta[key] = value
    for key, value in _dict(ydoc.get("factors"), f"{year} 年 factors").items():
        if key not in factors:
            raise ParkFileError(f"{year} 年 factors 中有未知的因子“{key}”", year=year, key=key)
        if isinstance(value, dict):
            extra = set(value) - {"value", "source"}
            if extra or "value" not in value or not _scalar_ok(value["value"]):
                raise ParkFileError(f"{year} 年因子“{key}”应写作 {{\"value\": 数值, \"source\": \"来源\"}}",
                                    year=year, key=key)  # fmt: skip
            source = value.get("source") or ""
            if not isinstance(source, str):
                raise ParkFileError(f"{year} 年因子“{key}”的 source 应为文字", year=year, key=key)
            out.factors[key] = FactorOverride(value["value"], source)
        elif _scalar_ok(value) and value is not None:
            out.factors[key] = FactorOverride(value, "")
        else:
            raise ParkFileError(f"{year} 年因子“{key}”的格式不对", year=year, key=key)
    if ydoc.get("locked_factors") is not None:
        out.locked_factors = lock_from_json(ydoc["locked_factors"], factors, year)
    known = inputs | metas | frozenset(factors) | _computed_keys(form)
    for key, value in _dict(ydoc.get("explanations"), f"{year} 年 explanations").items():
        if key not in known:
            raise ParkFileError(f"{year} 年 explanations 中有未知的键“{key}”", year=year, key=key)
        if not isinstance(value, str):
            raise ParkFileError(f"{year} 年对“{key}”的说明应为文字", year=year, key=key)
        out.explanations[key] = value
    return out


def lock_from_json(doc: Any, factors: tuple[str, ...], year: str) -> dict[str, Any]:
    """``years.<Y>.locked_factors``: {"library", "at", "reason", "factors": {key: {"value": number, "source",
    "citation", "confidence", "basis"}}} (shared/spec/parkfile.md)."""
    doc = _dict(doc, f"{year} 年 locked_factors")
    unknown = set(doc) - {"library", "at", "reason", "factors"}
    if unknown:
        raise ParkFileError(f"{year} 年 locked_factors 有未知的键：{'、'.join(sorted(unknown))}", year=year,
                            key=sorted(unknown)[0])  # fmt: skip
    for name in ("library", "at", "reason"):
        if not isinstance(doc.get(name, ""), str):
            raise ParkFileError(f"{year} 年 locked_factors 的 {name} 应为文字", year=year, key="locked_factors")
    out: dict[str, Any] = {"library": doc.get("library", ""), "at": doc.get("at", ""),
                           "reason": doc.get("reason", ""), "factors": {}}  # fmt: skip
    for key, entry in _dict(doc.get("factors"), f"{year} 年 locked_factors.factors").items():
        if key not in factors:
            raise ParkFileError(f"{year} 年 locked_factors 中有未知的因子“{key}”", year=year, key=key)
        value = entry.get("value") if isinstance(entry, dict) else None
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise ParkFileError(f"{year} 年锁定的因子“{key}”应写作 {{\"value\": 数值, \"source\": \"来源\"}}",
                                year=year, key=key)  # fmt: skip
        extra = set(entry) - {"value", "source", "citation", "confidence", "basis"}
        if extra or not all(isinstance(entry.get(n, ""), str) for n in ("source", "citation", "confidence", "basis")):
            raise ParkFileError(f"{year} 年锁定的因子“{key}”的格式不对", year=year, key=key)
        out["factors"][key] = {"value": value, **{n: entry.get(n, "") for n in ("source", "citation", "confidence",
                                                                                 "basis")}}  # fmt: skip
    return out


def _computed_keys(version: str) -> frozenset[str]:
    form = form_for(version)
    return frozenset(f.key for f in form.fields) | {"year"}


def _report_from_json(doc: Any) -> ReportData:
    doc = _dict(doc, "report")
    outline = doc.get("outline", "eip-2021")
    if outline not in OUTLINE_VERSIONS:
        raise ParkFileError(f"未知的报告提纲版本“{outline}”", key="report.outline")
    sections = _dict(doc.get("sections"), "report.sections")
    for key, text in sections.items():
        if not isinstance(text, str):
            raise ParkFileError(f"报告章节“{key}”的正文应为文字", key=f"report.sections.{key}")
    projects = doc.get("projects") or []
    if not isinstance(projects, list) or not all(isinstance(p, dict) for p in projects):
        raise ParkFileError("report.projects 应为项目对象的列表", key="report.projects")
    scenarios = _dict(doc.get("scenarios"), "report.scenarios")
    extra = {k: v for k, v in doc.items() if k not in _REPORT_KEYS}
    unknown = sorted(set(extra) - set(REPORT_EXTRA_KEYS))
    if unknown:
        raise ParkFileError(f"report 中有未知的键“{unknown[0]}”(本程序只认识 "
                            f"{'、'.join(sorted(_REPORT_KEYS | set(REPORT_EXTRA_KEYS)))})", key=f"report.{unknown[0]}")  # fmt: skip
    final = extra.get("final")
    if final is not None and not (
        isinstance(final, dict) and all(isinstance(final.get(k, ""), str) for k in ("at", "fingerprint"))
    ):
        raise ParkFileError("report.final（定稿记录）的格式不对：应为 {\"at\": 时间, \"fingerprint\": 校验码}",
                            key="report.final")  # fmt: skip
    return ReportData(outline, dict(sections), [dict(p) for p in projects], dict(scenarios), extra)


def park_to_json(park: ParkData) -> dict[str, Any]:
    years: dict[str, Any] = {}
    for year in park.sorted_years():
        y = park.years[year]
        years[str(year)] = {
            "values": dict(y.values),
            "factors": {k: v.to_json() for k, v in y.factors.items()},
            "explanations": dict(y.explanations),
            "meta": dict(y.meta),
        }
        if y.form != park.form:
            years[str(year)]["form"] = y.form
        if y.locked_factors is not None:
            years[str(year)]["locked_factors"] = deepcopy(y.locked_factors)
    doc: dict[str, Any] = {"format": FORMAT, "form": park.form, "park": dict(park.park), "years": years,
           "report": park.report.to_json()}  # fmt: skip
    if park.targets:
        doc["targets"] = [dict(t) for t in park.targets]
    return doc


# -- the park as the outputs show it ----------------------------------------------------------------------


def _printable_json(obj: Any) -> Any:
    if isinstance(obj, str):
        return printable(obj)
    if isinstance(obj, dict):
        return {printable(k) if isinstance(k, str) else k: _printable_json(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_printable_json(v) for v in obj]
    return obj


def _any_unprintable(obj: Any) -> bool:
    if isinstance(obj, str):
        return has_unprintable(obj)
    if isinstance(obj, dict):
        return any(_any_unprintable(k) or _any_unprintable(v) for k, v in obj.items())
    if isinstance(obj, list):
        return any(_any_unprintable(v) for v in obj)
    return False


def printable_park(park: ParkData) -> ParkData:
    """The park as the outputs show it: every text through :func:`printable`.  The same object when nothing
    needs replacing (the common case), otherwise a copy; the park itself is never changed."""
    parts: list[Any] = [park.park, park.targets, park.report.sections, park.report.projects, park.report.scenarios,
                        park.report.extra]  # fmt: skip
    for y in park.years.values():
        parts += [y.values, y.meta, y.explanations, y.locked_factors, [[f.value, f.source] for f in y.factors.values()]]
    if not _any_unprintable(parts):
        return park
    clean = _printable_json
    years = {
        year: YearData(values=clean(y.values), factors={k: FactorOverride(clean(f.value), printable(f.source))
                                                        for k, f in y.factors.items()},
                       explanations=clean(y.explanations), meta=clean(y.meta), form=y.form,
                       locked_factors=clean(y.locked_factors))
        for year, y in park.years.items()
    }  # fmt: skip
    report = ReportData(outline=park.report.outline, sections=clean(park.report.sections),
                        projects=clean(park.report.projects), scenarios=clean(park.report.scenarios),
                        extra=clean(park.report.extra))  # fmt: skip
    return ParkData(park=clean(park.park), years=years, report=report, form=park.form, targets=clean(park.targets))


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(park: ParkData) -> str:
    """The park file's text.  It can always be written as UTF-8: a lone surrogate (which UTF-8 cannot hold) is
    written as its JSON escape ``\\udXXX``; control characters are escaped by JSON itself."""
    text = json.dumps(park_to_json(park), ensure_ascii=False, indent=1)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


# the json module's messages (English), as a clerk reads them
_JSON_ZH = {
    "Expecting value": "此处应有一个值",
    "Expecting property name enclosed in double quotes": "此处应有用英文双引号括起的键名",
    "Expecting ':' delimiter": "缺少冒号“:”",
    "Expecting ',' delimiter": "缺少逗号“,”或括号没有配对",
    "Extra data": "JSON 已经结束，后面还有多余的内容",
    "Unterminated string starting at": "字符串缺少结尾的双引号",
    "Invalid control character at": "字符串中有未转义的控制字符",
    "Invalid \\escape": "无效的反斜杠转义",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
    "Unexpected UTF-8 BOM (decode using utf-8-sig)": "文件开头有多余的 BOM 标记",
    "Illegal trailing comma before end of object": "对象末尾有多余的逗号",
    "Illegal trailing comma before end of array": "数组末尾有多余的逗号",
}


def loads(text: str) -> ParkData:
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_int=_parse_int, parse_float=_parse_float,
                         parse_constant=_BadNumber)  # fmt: skip
    except json.JSONDecodeError as exc:
        why = _JSON_ZH.get(exc.msg, exc.msg)
        raise ParkFileError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列（{why}）") from None
    except RecursionError:
        raise ParkFileError("JSON 嵌套层数过多，不是园区文件") from None
    except ValueError as exc:  # a number literal Python cannot convert
        raise ParkFileError(f"JSON 中有无法读取的数值（{str(exc)[:60]}）") from None
    return park_from_json(doc)


def read_park_file(path: str | os.PathLike[str]) -> ParkData:
    p = Path(path)
    try:
        too_big = ParkFileError(f"文件过大（超过 {MAX_FILE_BYTES // 1024 // 1024} MB）")
        if p.stat().st_size > MAX_FILE_BYTES:
            raise too_big
        with p.open("rb") as fh:  # at most the limit: a device or a pipe (/dev/zero) says nothing of its size
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise too_big
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise ParkFileError("找不到文件") from None
    except UnicodeDecodeError:
        raise ParkFileError("文件不是 UTF-8 编码的文本") from None
    except OSError as exc:
        raise ParkFileError(read_error_text(exc)) from None
    return loads(text)


def write_park_file(park: ParkData, path: str | os.PathLike[str]) -> None:
    atomic_write_bytes(path, dumps(park).encode("utf-8"))
