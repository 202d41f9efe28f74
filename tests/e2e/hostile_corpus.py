"""The hostile-input corpus (issue 19): park files and workbooks generated from the demo park, each case
changed in one way an attacker or an unlucky clerk would, grouped by what it attacks.

A case is (group, id, kind, make, expect): ``kind`` "json" (make returns the file's text) or "xlsx" (make
returns the workbook's bytes); ``expect`` is a fragment the Chinese refusal must contain (None: the
input is valid and must be accepted).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "demo-park.json"
DEMO_TEXT = DEMO.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Case:
    group: str
    id: str
    kind: str  # "json" or "xlsx"
    make: Callable[[], str | bytes]
    expect: str | None  # fragment of the refusal; None = valid


def _doc() -> dict:
    return json.loads(DEMO_TEXT)


def _with(edit: Callable[[dict], object]) -> Callable[[], str]:
    def make() -> str:
        doc = _doc()
        edit(doc)
        text = json.dumps(doc, ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: written escaped (\ud800), as JSON allows
            text = json.dumps(doc)
        return text

    return make


def _text(fn: Callable[[str], str]) -> Callable[[], str]:
    return lambda: fn(json.dumps(_doc(), ensure_ascii=False))


def _raw_coal(text: str, literal: str) -> str:
    return re.sub(r'"energy\.raw_coal": [^,}]+', f'"energy.raw_coal": {literal}', text, count=1)


def _set(path: tuple, value: object) -> Callable[[dict], None]:
    def edit(doc: dict) -> None:
        node = doc
        for p in path[:-1]:
            node = node.setdefault(p, {})
        node[path[-1]] = value

    return edit


def _cases() -> list[Case]:
    out: list[Case] = []

    def add(group: str, cid: str, make: Callable[[], str | bytes], expect: str | None, kind: str = "json") -> None:
        out.append(Case(group, cid, kind, make, expect))

    # -- duplicate keys (silent data change) -----------------------------------------------------
    for key in ("energy.raw_coal", "energy.natural_gas", "power.purchased"):
        add("duplicate-keys", f"value-{key}", _text(lambda t, k=key: t.replace(f'"{k}":', f'"{k}": 1, "{k}":', 1)),
            "出现了不止一次")  # fmt: skip
    for key in ("format", "form", "park", "years"):
        add("duplicate-keys", f"top-{key}", _text(lambda t, k=key: '{"' + k + '": null, ' + t[1:]), "出现了不止一次")
    add("duplicate-keys", "year", _text(lambda t: t.replace('"2016": {', '"2016": {}, "2016": {', 1)), "出现了不止一次")
    add("duplicate-keys", "park-name", _text(lambda t: t.replace('"park.name":', '"park.name": "甲", "park.name":', 1)),
        "出现了不止一次")  # fmt: skip
    # -- numbers out of range / not numbers ------------------------------------------------------
    for lit in ("NaN", "Infinity", "-Infinity", "1e308", "-1e308", "1e16", "9" * 5000, "-" + "9" * 400,
                "1" + "0" * 25, "0." + "0" * 60 + "1", "1e999", "123456789012345678901234567890.5"):  # fmt: skip
        add("numbers", f"raw_coal-{lit[:12]}-{len(lit)}", _text(lambda t, v=lit: _raw_coal(t, v)), "数值")
    for lit in ("NaN", "1e300"):
        add("numbers", f"factor-{lit}", _with(_set(("years", "2016", "factors"), {"factor.grid": {"value": 0}})), None)
        add(
            "numbers",
            f"project-{lit}",
            _with(_set(("report", "projects"), [{"name": "x", "investment": float(lit)}])),
            "数值",
        )
    add("numbers", "scenario-nan", _with(_set(("report", "scenarios"), {"基准情景": {"2021-2025": {"iva_growth": float("nan")}}})), "数值")  # fmt: skip
    add("numbers", "typed-text-1e308", _with(_set(("years", "2016", "values", "energy.raw_coal"), "1e308")), None)
    add("numbers", "valid-large", _with(_set(("years", "2016", "values", "energy.raw_coal"), 123456789012.5)), None)
    # -- year keys -------------------------------------------------------------------------------
    for bad in ("２０１６", "٢٠١٦", "²⁰¹⁶", "16", "20160", "2016 ", "-201", "二〇一六", "", "2O16"):
        add("year-keys", f"year-{bad!r}", _text(lambda t, b=bad: t.replace('"2016": {', json.dumps(b, ensure_ascii=False) + ": {", 1)),
            "年份")  # fmt: skip
    # -- park names ------------------------------------------------------------------------------
    names_bad = {"newline": "示例\n园区", "tab": "示例\t园区", "nul": "示例\x00园区",
                 "bell": "示例\x07园区", "esc": "示例\x1b[31m园区", "del": "示例\x7f园区", "c1": "示例\x85园区",
                 "line-sep": "示例\u2028园区", "rtl-override": "示例\u202e园区", "zero-width": "示例\u200b园区",
                 "bom": "\ufeff示例园区", "long-60": "园" * 60, "long-500": "很长的名字" * 100,
                 "surrogate": "示例\ud800园区"}  # fmt: skip
    for cid, name in names_bad.items():
        add(
            "park-name",
            cid,
            _with(_set(("park", "park.name"), name)),
            "Unicode"
            if cid == "surrogate"
            else "控制字符"
            if cid in ("nul", "bell", "esc", "del", "c1")
            else "园区名称",
        )
    names_ok = {"spaces-around": " 示例生态工业示范园区 ", "formula": "=HYPERLINK(\"http://x\")园区", "plus": "+1园区",
                "minus": "-园区", "at": "@SUM(A1)", "slashes": "示例/园区:二期", "dots": "..园区..", "con": "CON",
                "quote": '"园区"', "nfd": "e\u0301园区", "ampersand": "A&B 园区", "emoji": "🌱园区",
                "len-50": "园" * 50}  # fmt: skip
    for cid, name in names_ok.items():
        add("park-name-valid", cid, _with(_set(("park", "park.name"), name)), None)
    # -- text values -----------------------------------------------------------------------------
    # a value may hold control characters (the window keeps what was pasted, and its dump must import again;
    # outputs print them as U+FFFD); a lone surrogate cannot be stored; a key never holds either
    for cid, value in {"surrogate": "\udfff", "nul": "a\x00b", "vt": "a\x0bb", "ff": "a\x0cb", "esc": "\x1b"}.items():
        expect = "文字" if cid == "surrogate" else None
        add("text", f"value-{cid}", _with(_set(("years", "2016", "values", "energy.raw_coal"), value)), expect)
        add("text", f"section-{cid}", _with(_set(("report", "sections"), {"ch2.2": f"正文{value}"})), expect)
        add(
            "text",
            f"explanation-{cid}",
            _with(_set(("years", "2016", "explanations"), {"emissions.total": value})),
            expect,
        )
        add("text", f"key-{cid}", _with(_set(("years", "2016", "values"), {f"k{value}": 1})), "键")
    add("text", "newline-in-section-ok", _with(_set(("report", "sections"), {"ch2.2": "第一段\n\n第二段\t缩进"})), None)
    # -- structure -------------------------------------------------------------------------------
    add("structure", "deep-array", lambda: "[" * 100_000 + "]" * 100_000, "嵌套")
    add("structure", "deep-object", lambda: '{"a":' * 50_000 + "1" + "}" * 50_000, "嵌套")
    add(
        "structure",
        "deep-in-scenarios",
        _with(_set(("report", "scenarios"), json.loads('{"a":' * 40 + "1" + "}" * 40))),
        "嵌套",
    )
    add("structure", "top-array", lambda: "[]", "顶层")
    add("structure", "top-string", lambda: '"parkcarbon/1"', "顶层")
    add("structure", "not-json", lambda: "format: parkcarbon/1", "JSON")
    add("structure", "truncated", lambda: DEMO_TEXT[: len(DEMO_TEXT) // 2], "JSON")
    add("structure", "empty", lambda: "", "JSON")
    add("structure", "unknown-top", _with(_set(("extra",), 1)), "未知")
    add("structure", "unknown-format", _with(_set(("format",), "parkcarbon/9")), "格式")
    add("structure", "unknown-form", _with(_set(("form",), "eip-1999")), "版本")
    add("structure", "years-list", _with(_set(("years",), [])), "years")
    add("structure", "values-list", _with(_set(("years", "2016", "values"), [1])), "values")
    add("structure", "value-object", _with(_set(("years", "2016", "values", "energy.raw_coal"), {"v": 1})), "值")
    add("structure", "value-list", _with(_set(("years", "2016", "values", "energy.raw_coal"), [1])), "值")
    add(
        "structure",
        "unknown-value-key",
        _with(_set(("years", "2016", "values", "energy.plutonium"), 1)),
        "energy.plutonium",
    )
    # -- report / 定稿 forgery ---------------------------------------------------------------------
    for key in ("approved", "locked", "final_override", "__proto__"):
        add("report", f"unknown-{key}", _with(_set(("report", key), True)), key)
    for cid, value in {"string": "yes", "list": [1], "number": 1, "at-number": {"at": 5}}.items():
        add("report", f"final-{cid}", _with(_set(("report", "final"), value)), "定稿")
    add(
        "report",
        "final-forged-ok-shape",
        _with(_set(("report", "final"), {"at": "2021-09-30", "fingerprint": "0" * 16})),
        None,
    )
    add("report", "projects-not-list", _with(_set(("report", "projects"), {"a": 1})), "projects")
    add("report", "section-number", _with(_set(("report", "sections"), {"ch2.2": 5})), "正文")
    add("report", "unknown-outline", _with(_set(("report", "outline"), "x")), "提纲")
    # a progress status that is not text: read as typed (check reports it), calc still prints the measures
    for cid, status in {"list": ["实施中"], "object": {"实施中": 1}}.items():
        progress = {"2024": {"status": status, "reduction": 5}}
        add("report", f"progress-status-{cid}",
            _with(_set(("report", "projects"), [{"name": "光伏", "reduction": 100, "progress": progress}])), None)  # fmt: skip
        target = {"indicator": "emissions.total", "year": 2030, "kind": status}
        add("report", f"target-kind-{cid}", _with(_set(("targets",), [target])), "目标类型")
    # -- encodings (the file itself) -------------------------------------------------------------
    add("encoding", "utf16", lambda: DEMO_TEXT.encode("utf-16"), "UTF-8")  # type: ignore[return-value,arg-type]
    add("encoding", "latin1-bytes", lambda: DEMO_TEXT.encode("utf-8").replace(b"\xe7", b"\xff", 1), "UTF-8")  # type: ignore[arg-type]
    add("encoding", "bom-ok", lambda: "\ufeff" + DEMO_TEXT, None)
    add(
        "encoding",
        "escaped-surrogate-pair-ok",
        _text(lambda t: t.replace('"park.name": "', '"park.name": "\\ud83c\\udf31', 1)),
        None,
    )
    # -- workbooks -------------------------------------------------------------------------------
    for cid, edit, expect in _workbook_edits():
        add("xlsx", cid, lambda e=edit: _workbook(e), expect, kind="xlsx")
    return out


def _workbook(edit: Callable[[object], None]) -> bytes:
    from openpyxl import load_workbook

    from export.xlsx.workbook import workbook_bytes
    from forms.park.parkfile import loads

    wb = load_workbook(io.BytesIO(_base_workbook(workbook_bytes, loads)))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_BASE: list[bytes] = []


def _base_workbook(workbook_bytes: Callable, loads: Callable) -> bytes:
    if not _BASE:
        _BASE.append(workbook_bytes(loads(DEMO_TEXT)))
    return _BASE[0]


def _meta_cell(wb: object, tag: str, column: int, value: str) -> None:
    ws = wb["_meta"]  # type: ignore[index]
    for row in ws.iter_rows():
        if row[0].value == tag:
            row[column - 1].value = value
            return
    raise AssertionError(tag)


def _meta_raw(wb: object, value: str) -> None:
    ws = wb["_meta"]  # type: ignore[index]
    for row in ws.iter_rows():
        if row[0].value == "raw":
            row[4].value = value
            return
    ws.append(["raw", wb.sheetnames[0], "C9", '"1"', value, value])  # type: ignore[attr-defined]


def _profile_name(wb: object, name: str) -> None:
    ws = wb[wb.sheetnames[0]]  # type: ignore[index,attr-defined]
    from forms.park.parkfile import loads

    target = loads(DEMO_TEXT).name
    for row in ws.iter_rows():
        for c in row:
            if c.value == target:
                c.value = name
                return
    raise AssertionError("park name cell not found")


def _first_number_cell(wb: object) -> object:
    """The first input cell holding a number on the second year sheet (row 6 on: below the headings)."""
    ws = wb[wb.sheetnames[1]]  # type: ignore[index,attr-defined]
    for row in ws.iter_rows(min_row=6, min_col=3):
        for c in row:
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                return c
    raise AssertionError("no number cell")


def _number_cell(wb: object, value: float) -> None:
    _first_number_cell(wb).value = value  # type: ignore[attr-defined]


def _merge_inputs(wb: object) -> None:
    """Merge a number cell with the two below it, as Excel's 合并单元格 does (only the first keeps its value)."""
    cell = _first_number_cell(wb)
    ws = wb[wb.sheetnames[1]]  # type: ignore[index,attr-defined]
    ws.merge_cells(start_row=cell.row, start_column=cell.column, end_row=cell.row + 2, end_column=cell.column)  # type: ignore[attr-defined]


def _workbook_edits() -> list[tuple[str, Callable[[object], None], str | None]]:
    deep = "[" * 5000 + "]" * 5000
    return [
        ("meta-deep-json", lambda wb: _meta_raw(wb, deep), "_meta"),
        ("meta-deep-object", lambda wb: _meta_raw(wb, '{"a":' * 3000 + "1" + "}" * 3000), "_meta"),
        ("meta-nan", lambda wb: _meta_raw(wb, "NaN"), "_meta"),
        ("meta-huge", lambda wb: _meta_raw(wb, "9" * 5000), "_meta"),
        ("meta-format", lambda wb: _meta_cell(wb, "format", 2, "parkcarbon/9"), "格式"),
        ("meta-form", lambda wb: _meta_cell(wb, "form", 2, "eip-1999"), "版本"),
        ("meta-year-fullwidth", lambda wb: _meta_cell(wb, "year", 2, "２０１６x"), "_meta"),
        ("no-meta", lambda wb: wb.remove(wb["_meta"]), "_meta"),  # type: ignore[attr-defined,index]
        ("name-newline", lambda wb: _profile_name(wb, "示例\n园区"), "园区名称"),
        ("name-long", lambda wb: _profile_name(wb, "园" * 80), "园区名称"),
        ("name-formula", lambda wb: _profile_name(wb, "=示例园区"), "公式"),
        ("name-spaces-ok", lambda wb: _profile_name(wb, "  示例生态工业示范园区  "), None),
        ("merged-input-cells", lambda wb: _merge_inputs(wb), "单元格被合并进了其他单元格"),
        ("number-cell-1e300", lambda wb: _number_cell(wb, 1e300), "规划面积的数值过大"),  # the cell named
        ("number-cell-1e15", lambda wb: _number_cell(wb, -1e15), "规划面积的数值过大"),
        ("untouched-ok", lambda wb: None, None),
    ]


CASES = _cases()


def by_group() -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in CASES:
        counts[c.group] = counts.get(c.group, 0) + 1
    return counts
