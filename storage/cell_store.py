"""How each kind of cell is kept in the tables: checking, reading and writing one cell or all of a park.

Together with :mod:`storage.database` this is where the SQL is.  See :mod:`storage.cells` for what a cell is.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from forms.park.model import Raw
from forms.park.text_rules import name_problem, normalize_name, number_problem
from forms.table.definition import FormDefinition
from forms.table.numbers import parse_number
from forms.table.registry import FORM_VERSIONS
from storage import cells
from storage.cells import CellKey
from storage.errors import InvalidDataError

ABSENT: Any = object()  # a cell that does not exist (distinct from a stored JSON null)
YEAR_KINDS = (cells.VALUE, cells.META, cells.FACTOR, cells.EXPLANATION, cells.LOCK)


def is_scalar(raw: object) -> bool:
    return raw is None or (isinstance(raw, (str, int, float)) and not isinstance(raw, bool))


def check_cell(form: FormDefinition, cell: CellKey, value: Any) -> None:
    """Refuse (InvalidDataError, Chinese) a value that does not belong in this cell."""
    kind, year, key = cell
    if value is ABSENT:
        return
    if kind in (cells.YEAR, *YEAR_KINDS) and (not isinstance(year, int) or not 1900 <= year <= 2100):
        raise InvalidDataError(f"“{year}”不是有效的年份")
    where = f"{year} 年“{key}”" if year is not None else f"“{key}”"
    if kind in (cells.PARK, cells.VALUE, cells.META):
        known = {cells.PARK: form.park_keys, cells.VALUE: form.input_keys, cells.META: form.meta_keys}[kind]
        if key not in known:
            raise InvalidDataError(f"表格 {form.version} 中没有可填写的项目“{key}”")
        if not is_scalar(value):
            raise InvalidDataError(f"{where}的值应为文字或数字")
        if isinstance(value, (int, float)) and (problem := number_problem(value)):
            raise InvalidDataError(f"{where}的{problem}")
        if kind == cells.PARK and key == "park.name" and (problem := name_problem(normalize_name(value))):
            raise InvalidDataError(f"园区名称{problem}")
    elif kind == cells.FACTOR:
        if key not in form.factor_keys:
            raise InvalidDataError(f"表格 {form.version} 中没有因子“{key}”")
        if not (isinstance(value, dict) and is_scalar(value.get("value")) and isinstance(value.get("source"), str)):
            raise InvalidDataError(f"{where}的因子应有数值和来源")
    elif kind == cells.EXPLANATION:
        if key not in form.by_key and key != "year":
            raise InvalidDataError(f"表格 {form.version} 中没有项目“{key}”，不能为它写说明")
        if not isinstance(value, str):
            raise InvalidDataError(f"{where}的说明应为文字")
    elif kind == cells.YEAR:
        if value not in FORM_VERSIONS:
            raise InvalidDataError(f"{year} 年的表格版本“{value}”未知（支持：{'、'.join(FORM_VERSIONS)}）")
    elif kind == cells.SECTION:
        if not isinstance(value, str):
            raise InvalidDataError(f"报告章节“{key}”的正文应为文字")
    elif kind == cells.PROJECTS:
        if not isinstance(value, list) or not all(isinstance(p, dict) for p in value):
            raise InvalidDataError("重点项目应为项目列表")
    elif kind == cells.SCENARIOS and not isinstance(value, dict):
        raise InvalidDataError("情景设置应为 JSON 对象")
    elif kind == cells.LOCK:
        if not (isinstance(value, dict) and isinstance(value.get("factors"), dict)):
            raise InvalidDataError(f"{year} 年锁定的因子应为 JSON 对象（含 factors）")
        unknown = set(value["factors"]) - set(form.factor_keys)
        if unknown:
            raise InvalidDataError(f"{year} 年锁定的因子中有表格 {form.version} 没有的因子“{sorted(unknown)[0]}”")
    if kind in (cells.PROJECTS, cells.SCENARIOS, cells.EXTRA, cells.LOCK):
        try:
            json.dumps(value, allow_nan=True)
        except (TypeError, ValueError) as exc:
            raise InvalidDataError(f"报告中的“{key or kind}”无法保存为 JSON：{exc}") from None


def write_cell(conn: sqlite3.Connection, form: FormDefinition, park_id: int, cell: CellKey, new: Any, at: str) -> None:
    """Insert, update or (``new is ABSENT``) delete one cell; the caller holds the transaction."""
    kind, _year, key = cell
    execute = conn.execute
    table, where, params = CELL_TABLES[kind]
    ident = _cell_ident(park_id, cell, params)
    if new is ABSENT:
        execute(f"DELETE FROM {table} WHERE {where}", ident)
        return
    columns: dict[str, object]
    if kind == cells.PARK:
        columns = {"raw_json": cells.encode(new)}
        if key == "park.name":
            execute("UPDATE parks SET name = ? WHERE id = ?", (normalize_name(new), park_id))
    elif kind == cells.YEAR:
        columns = {"form": str(new)}
    elif kind in (cells.VALUE, cells.META):
        value, error = _parse(form, key, new)
        columns = {"grp": "meta" if kind == cells.META else "values", "raw_json": cells.encode(new),
                   "value": value, "parse_error": error}  # fmt: skip
    elif kind == cells.FACTOR:
        parsed = parse_number(new["value"])
        columns = {"value_raw_json": cells.encode(new["value"]), "value": parsed.value, "source": new["source"]}
    elif kind in (cells.EXPLANATION, cells.SECTION):
        columns = {"text": new}
    elif kind == cells.PROJECTS:
        columns = {"projects_json": cells.encode(new)}
    elif kind == cells.SCENARIOS:
        columns = {"scenarios_json": cells.encode(new)}
    elif kind == cells.LOCK:
        columns = {"lock_json": cells.encode(new)}
    else:
        columns = {"value_json": cells.encode(new)}
    stamp_column = "created_at" if kind == cells.YEAR else "updated_at"
    columns[stamp_column] = at
    names = [*params, *columns]
    sets = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "created_at" or kind != cells.YEAR)
    execute(
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT ({', '.join(params)}) DO UPDATE SET {sets}",
        (*ident, *columns.values()),
    )


def _parse(form: FormDefinition, key: str, raw: Raw) -> tuple[float | None, str | None]:
    field = form.by_key.get(key)
    if field is None:
        return None, None
    checked = field.kind_type.parse(raw)
    value = checked.value if isinstance(checked.value, float) and field.is_numeric else None
    return value, checked.error


def read_cell(conn: sqlite3.Connection, park_id: int, cell: CellKey) -> Any:
    kind = cell[0]
    table, where, params = CELL_TABLES[kind]
    column = CELL_COLUMNS[kind]
    row = conn.execute(f"SELECT {column} FROM {table} WHERE {where}", _cell_ident(park_id, cell, params)).fetchone()
    return ABSENT if row is None else _cell_value(kind, row)


def read_cells(conn: sqlite3.Connection, park_id: int) -> dict[CellKey, Any]:
    """Every cell of a park, in a stable order (rows in the order they were first written)."""
    out: dict[CellKey, Any] = {}
    for key, raw in conn.execute("SELECT key, raw_json FROM park_fields WHERE park_id = ? ORDER BY rowid", (park_id,)):
        out[(cells.PARK, None, key)] = cells.decode(raw)
    for year, form in conn.execute("SELECT year, form FROM years WHERE park_id = ? ORDER BY year", (park_id,)):
        out[(cells.YEAR, year, "")] = form
    for year, key, grp, raw in conn.execute(
        "SELECT year, key, grp, raw_json FROM year_values WHERE park_id = ? ORDER BY year, rowid", (park_id,)
    ):
        out[(cells.META if grp == "meta" else cells.VALUE, year, key)] = cells.decode(raw)
    for year, key, raw, source in conn.execute(
        "SELECT year, key, value_raw_json, source FROM factor_overrides WHERE park_id = ? ORDER BY year, rowid",
        (park_id,),
    ):
        out[(cells.FACTOR, year, key)] = {"value": cells.decode(raw), "source": source}
    for year, key, text in conn.execute(
        "SELECT year, key, text FROM explanations WHERE park_id = ? ORDER BY year, rowid", (park_id,)
    ):
        out[(cells.EXPLANATION, year, key)] = text
    for year, raw in conn.execute(
        "SELECT year, lock_json FROM year_factor_locks WHERE park_id = ? ORDER BY year", (park_id,)
    ):
        out[(cells.LOCK, year, "")] = cells.decode(raw)
    for key, text in conn.execute(
        "SELECT section_key, text FROM report_sections WHERE park_id = ? ORDER BY rowid", (park_id,)
    ):
        out[(cells.SECTION, None, key)] = text
    for (raw,) in conn.execute("SELECT projects_json FROM report_projects WHERE park_id = ?", (park_id,)):
        out[(cells.PROJECTS, None, "")] = cells.decode(raw)
    for (raw,) in conn.execute("SELECT scenarios_json FROM report_scenarios WHERE park_id = ?", (park_id,)):
        out[(cells.SCENARIOS, None, "")] = cells.decode(raw)
    for key, raw in conn.execute(
        "SELECT key, value_json FROM report_extra WHERE park_id = ? ORDER BY rowid", (park_id,)
    ):
        out[(cells.EXTRA, None, key)] = cells.decode(raw)
    return out


# kind -> (table, WHERE clause identifying one cell, identifying columns in order)
CELL_TABLES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    cells.PARK: ("park_fields", "park_id = ? AND key = ?", ("park_id", "key")),
    cells.YEAR: ("years", "park_id = ? AND year = ?", ("park_id", "year")),
    cells.VALUE: ("year_values", "park_id = ? AND year = ? AND key = ?", ("park_id", "year", "key")),
    cells.META: ("year_values", "park_id = ? AND year = ? AND key = ?", ("park_id", "year", "key")),
    cells.FACTOR: ("factor_overrides", "park_id = ? AND year = ? AND key = ?", ("park_id", "year", "key")),
    cells.EXPLANATION: ("explanations", "park_id = ? AND year = ? AND key = ?", ("park_id", "year", "key")),
    cells.SECTION: ("report_sections", "park_id = ? AND section_key = ?", ("park_id", "section_key")),
    cells.PROJECTS: ("report_projects", "park_id = ?", ("park_id",)),
    cells.SCENARIOS: ("report_scenarios", "park_id = ?", ("park_id",)),
    cells.EXTRA: ("report_extra", "park_id = ? AND key = ?", ("park_id", "key")),
    cells.LOCK: ("year_factor_locks", "park_id = ? AND year = ?", ("park_id", "year")),
}
CELL_COLUMNS: dict[str, str] = {
    cells.PARK: "raw_json",
    cells.YEAR: "form",
    cells.VALUE: "raw_json, grp",
    cells.META: "raw_json, grp",
    cells.FACTOR: "value_raw_json, source",
    cells.EXPLANATION: "text",
    cells.SECTION: "text",
    cells.PROJECTS: "projects_json",
    cells.SCENARIOS: "scenarios_json",
    cells.EXTRA: "value_json",
    cells.LOCK: "lock_json",
}


def _cell_ident(park_id: int, cell: CellKey, params: tuple[str, ...]) -> tuple[Any, ...]:
    _kind, year, key = cell
    values = {"park_id": park_id, "year": year, "key": key, "section_key": key}
    return tuple(values[p] for p in params)


def _cell_value(kind: str, row: tuple[Any, ...]) -> Any:
    if kind in (cells.VALUE, cells.META):
        if (row[1] == "meta") != (kind == cells.META):
            return ABSENT  # the same key stored under the other group: treat as a different cell
        return cells.decode(row[0])
    if kind == cells.FACTOR:
        return {"value": cells.decode(row[0]), "source": row[1]}
    if kind in (cells.PARK, cells.PROJECTS, cells.SCENARIOS, cells.EXTRA, cells.LOCK):
        return cells.decode(row[0])
    return row[0]
