"""``python main.py import FILE.json`` and ``python main.py dump PARK``.

Exit codes: 0 done, 2 bad input or an unusable database (Chinese message on stderr, no traceback).
Import is all or nothing: the whole file is read and checked first, then written in one transaction; a
park of the same name is replaced after a backup of the database is made (and the clerk is told so).
"""

from __future__ import annotations

import sys
from pathlib import Path

from forms.park.parkfile import ParkFileError, dumps, read_park_file
from forms.park.text_rules import normalize_name
from storage import backups
from storage.database import Database
from storage.errors import StorageError


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_import_json(path: str | Path, db: str | Path | None) -> int:
    source = Path(path)
    try:
        park = read_park_file(source)
    except ParkFileError as exc:
        where = "".join(
            part for part in (f"，年份 {exc.year}" if exc.year else "", f"，键 {exc.key}" if exc.key else "")
        )
        _err(f"导入失败：文件“{source}”{where}：{exc}。数据库没有任何改动。")
        return 2
    name = normalize_name(park.name)
    if not name:
        _err(f"导入失败：文件“{source}”中缺少园区名称(park 中的 park.name)。数据库没有任何改动。")
        return 2
    try:
        with Database.open(db) as database:
            existing = database.find_park(name)
            backup = database.backup_now(backups.BEFORE_IMPORT) if existing is not None else None
            database.replace_park(park, existing)
        if backup is not None:  # said only once it is true
            _err(f"数据库中已有园区“{name}”，已用文件“{source}”的内容替换它。替换前的数据库已备份到：{backup}")
    except StorageError as exc:
        _err(f"导入失败：{exc}")
        return 2
    print(f"已导入园区“{name}”({len(park.years)} 个年度)。")
    return 0


def run_dump(park_name: str, db: str | Path | None) -> int:
    try:
        with Database.open(db, read_only=True) as database:
            park_id = database.find_park(park_name)
            if park_id is None:
                names = [p.name for p in database.list_parks()]
                listing = f"数据库中的园区：{'、'.join(names)}" if names else "数据库中还没有园区"
                _err(f"找不到园区“{park_name}”。{listing}。")
                return 2
            park = database.load_park(park_id)
    except StorageError as exc:
        _err(f"输出失败：{exc}")
        return 2
    sys.stdout.buffer.write((dumps(park) + "\n").encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0
