"""Importing a grid factor table (CSV in the shipped ``grid_factors.csv`` format), checked row by row.

Every problem is reported in Chinese with its row and column (row 1 is the header); a table with any
problem is refused as a whole.  A valid table replaces the shipped grid table for this installation
(:func:`forms.table.factors.use_grid_table`); locked years keep their factors until the clerk confirms.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from forms.park.atomic import atomic_write_bytes
from forms.park.text_rules import read_error_text
from forms.table.factors import (
    GRID_NATIONAL,
    GRID_NATIONAL_EXCL,
    GRID_PROVINCIAL,
    GRID_REGIONAL,
    FactorLibrary,
    library,
)

GRID_COLUMNS = ("region_or_scope", "year", "factor_tCO2_per_MWh", "kind", "source", "citation", "confidence", "notes")
COLUMN_ZH = {"region_or_scope": "区域或范围", "year": "年份", "factor_tCO2_per_MWh": "因子值", "kind": "类型",
             "source": "来源说明", "citation": "出处", "confidence": "可信度", "notes": "备注"}  # fmt: skip
# kinds whose year drives the default or an alternative: their year must be a plain year
RULE_KINDS = ("regional_grid_average", GRID_REGIONAL, GRID_PROVINCIAL, GRID_NATIONAL, GRID_NATIONAL_EXCL)
OTHER_KINDS = ("baseline_OM", "baseline_BM", "national_grid_average_ETS", "national_fossil_only_CO2")
MAX_BYTES = 2 * 1024 * 1024


class FactorTableError(ValueError):
    """The table is refused; ``problems`` lists every problem found (each names its row and column)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("因子表有错误，未导入（没有任何改动）：\n" + "\n".join(problems))
        self.problems = problems


def _where(row: int, column: str) -> str:
    return f"第 {row} 行“{column}”列（{COLUMN_ZH.get(column, column)}）"


def check_grid_table(text: str, lib: FactorLibrary | None = None) -> list[dict[str, str]]:
    """The rows of a valid table, or :class:`FactorTableError` naming every bad row and column."""
    lib = lib or library()
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = list(reader)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FactorTableError(["文件是空的：第 1 行应为表头(" + ",".join(GRID_COLUMNS) + ")"])
    header = [h.strip() for h in rows[0]]
    problems: list[str] = []
    for column in GRID_COLUMNS:
        if column not in header:
            problems.append(f"第 1 行（表头）缺少“{column}”列（{COLUMN_ZH[column]}）")
    for column in header:
        if column and column not in GRID_COLUMNS:
            problems.append(f"第 1 行（表头）有未知的列“{column}”")
    if len(set(header)) != len(header):
        problems.append("第 1 行（表头）有重复的列名")
    if problems:
        raise FactorTableError(problems)
    regions_2012 = {r["region_2012"] for r in lib.provinces.values() if r["region_2012"]}
    regions_2021 = {r["region_2021"] for r in lib.provinces.values() if r["region_2021"]}
    provinces = {r["short"] for r in lib.provinces.values()}
    seen: dict[tuple[str, str, str], int] = {}
    out: list[dict[str, str]] = []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(header):
            problems.append(f"第 {n} 行有 {len(cells)} 个字段，表头有 {len(header)} 列（含逗号的文字须加英文双引号）")
            continue
        row = {h: c.strip() for h, c in zip(header, cells, strict=True)}
        kind, region, year = row["kind"], row["region_or_scope"], row["year"]
        if kind not in RULE_KINDS + OTHER_KINDS:
            problems.append(f"{_where(n, 'kind')}：未知的类型“{kind}”（可用：{'、'.join(RULE_KINDS + OTHER_KINDS)}）")
            continue
        value = row["factor_tCO2_per_MWh"]
        try:
            number = float(value)
        except ValueError:
            number = None
        if number is None or not re.fullmatch(r"\d+(\.\d+)?", value):
            problems.append(f"{_where(n, 'factor_tCO2_per_MWh')}：“{value}”不是数字（单位 tCO2/MWh，如 0.5306）")
        elif not 0 < number < 3:
            problems.append(f"{_where(n, 'factor_tCO2_per_MWh')}：{value} 超出合理范围（0～3 tCO2/MWh）")
        if kind in RULE_KINDS and not (re.fullmatch(r"\d{4}", year) and 2005 <= int(year) <= 2100):
            problems.append(f"{_where(n, 'year')}：“{year}”不是四位数字年份")
        known = {"regional_grid_average": regions_2012, GRID_REGIONAL: regions_2021, GRID_PROVINCIAL: provinces}
        if kind in known and region not in known[kind]:
            problems.append(f"{_where(n, 'region_or_scope')}：未知的区域或省份“{region}”"
                            f"（类型 {kind} 可用：{'、'.join(sorted(known[kind]))}）")  # fmt: skip
        if kind in (GRID_NATIONAL, GRID_NATIONAL_EXCL) and not region.startswith("全国"):
            problems.append(f"{_where(n, 'region_or_scope')}：全国因子的范围应以“全国”开头，现为“{region}”")
        if row["confidence"][:1] not in ("A", "B", "C", "D"):
            problems.append(f"{_where(n, 'confidence')}：可信度应为 A、B、C 或 D，现为“{row['confidence']}”")
        if kind in RULE_KINDS and not row["citation"]:
            problems.append(f"{_where(n, 'citation')}：须写明出处（印在报表和附表中）")
        ident = (region, year, kind)
        if ident in seen:
            problems.append(
                f"第 {n} 行与第 {seen[ident]} 行重复（“region_or_scope”“year”“kind”列相同：{region}、{year}、{kind}）"
            )
        else:
            seen[ident] = n
        out.append(row)
    if not out and not problems:
        problems.append("第 2 行起没有因子数据")
    for kind, regions in ((GRID_REGIONAL, regions_2021), ("regional_grid_average", regions_2012)):
        have = {r["region_or_scope"] for r in out if r["kind"] == kind}
        if have and have != regions:
            problems.append(f"类型 {kind} 缺少区域：{'、'.join(sorted(regions - have))}（每个区域都须有数值）")
    if not any(r["kind"] == GRID_REGIONAL for r in out) or not any(r["kind"] == "regional_grid_average" for r in out):
        problems.append("因子表须含 2012 年区域电网平均因子（regional_grid_average）和 2021 年起的区域因子"
                        f"({GRID_REGIONAL})")  # fmt: skip
    if problems:
        raise FactorTableError(problems)
    return out


def read_grid_table(path: str | Path, lib: FactorLibrary | None = None) -> tuple[str, list[dict[str, str]]]:
    """The file's text and its rows (checked); the text is what gets installed."""
    p = Path(path)
    try:
        with p.open("rb") as fh:  # at most the limit, whatever the file says of its size (/dev/zero)
            data = fh.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise FactorTableError([f"文件“{p.name}”过大（超过 2 MB），不像因子表"])
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise FactorTableError([f"找不到文件“{p}”"]) from None
    except UnicodeDecodeError:
        raise FactorTableError([f"文件“{p.name}”不是 UTF-8 编码的 CSV（请在 Excel/WPS 中另存为“CSV UTF-8”）"]) from None
    except OSError as exc:
        raise FactorTableError([f"无法读取文件“{p.name}”：{read_error_text(exc)}"]) from None
    return text, check_grid_table(text, lib)


GRID_FILE = "grid_factors.csv"
LABEL_FILE = "grid_factors.label"


def install_grid_table(text: str, folder: Path, label: str) -> None:
    """Keep a checked table for this installation (atomic writes; the label names file and date)."""
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(folder / GRID_FILE, text.encode("utf-8"))
    atomic_write_bytes(folder / LABEL_FILE, label.encode("utf-8"))


def installed_grid_table(folder: Path, lib: FactorLibrary | None = None) -> tuple[str, str] | None:
    """The installed table and its label, when there is one and it still passes the checks."""
    try:
        text = (folder / GRID_FILE).read_text(encoding="utf-8")
        label = (folder / LABEL_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    try:
        check_grid_table(text, lib)
    except FactorTableError:
        return None
    return text, label
