"""The history reads as a clerk understands it: field labels and values with units, whole-park changes as
"导入文件 …", "恢复到 … 的版本", "删除 2021 年" — never raw JSON or internal codes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from forms.park.parkfile import write_park_file
from ui.dialogs.park_versions_dialog import ParkVersionsDialog

pytestmark = pytest.mark.gui
CODE = re.compile(r"[{}\[\]]|energy\.|park\.|~targets|figures|outline_custom|factor_lock")


def combo_items(dialog: ParkVersionsDialog) -> list[str]:
    return [dialog.recent.itemText(i) for i in range(1, dialog.recent.count())]


def test_history_names_operations_and_shows_labels_and_values(demo_db: Any, open_window: Any, tmp_path: Path,
                                                              monkeypatch: Any, qtbot: Any,
                                                              screenshot_dir: Path) -> None:  # fmt: skip
    db, park_id = demo_db
    window = open_window(db, park_id)
    start = dt.datetime.now(dt.UTC)
    window.tracker.set(2020, "energy.raw_coal", "5")
    window.session.set_projects([{"name": "园区光伏一期", "content": "屋顶光伏"}])
    window.session.mark_final()  # locks the factors and writes the 定稿 record
    window.session.add_year(2021)
    window.show_page(("year", 2021))
    window.ask_remove_year()
    park_file = tmp_path / "园区数据2021.json"
    changed = db.load_park(park_id)
    changed.park["park.city"] = "新城市"
    write_park_file(changed, park_file)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    monkeypatch.setattr("ui.shell.park_actions.ask_choice", lambda *a, **k: 0)  # 替换该园区
    window.park_actions.import_park(park_file)
    db.restore_park_as_of(park_id, start)

    dialog = ParkVersionsDialog(db, park_id, lambda _m: True, window)
    items = combo_items(dialog)
    assert any(t.endswith(f"恢复到 {start.astimezone().strftime('%Y-%m-%d %H:%M:%S')} 的版本之前") for t in items)
    assert any("导入文件“园区数据2021.json”之前" in t for t in items)
    assert any("删除 2021 年之前" in t for t in items)
    assert any("修改2020 年“原煤”（1218000 t → 5 t）之前" in t for t in items), [t for t in items if "原煤" in t]
    assert not [t for t in items if CODE.search(t)], [t for t in items if CODE.search(t)]

    dialog.set_moment(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=0))  # now: no difference
    dialog.recent.setCurrentIndex(1 + next(i for i, t in enumerate(items) if "恢复到" in t))  # before the restore
    cells = [[dialog.table.item(r, c).text() for c in range(4)] for r in range(dialog.table.rowCount())]
    flat = [c for row in cells for c in row]
    assert ["2020 年", "原煤", "1218000 t", "5 t"] in cells
    assert any(c.startswith("共 1 项：园区光伏一期") for c in flat)
    assert any(c.startswith("已定稿（") for c in flat) and any(c.startswith("锁定 ") for c in flat)
    assert not [c for c in flat if CODE.search(c)], [c for c in flat if CODE.search(c)]
    dialog.resize(1366, 768)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grab().save(str(screenshot_dir / "history-dialog.png"))
    dialog.close()
    window.close()


def test_final_mark_is_one_named_line_in_the_history(demo_db: Any, open_window: Any) -> None:
    """定稿 locks every year's factors and writes its record: the history lists it as ONE change, and so its undo."""
    db, park_id = demo_db
    window = open_window(db, park_id)
    years = len(window.session.park.years)
    window.session.mark_final()
    items = combo_items(ParkVersionsDialog(db, park_id, lambda _m: True, window))
    assert items[0].endswith("标记为定稿之前"), items[:3]
    assert not [t for t in items[1:] if "锁定" in t or "定稿" in t], items[:5]
    [op_time] = [at for at, op in db.operations(park_id).items() if op.kind == "final"]
    assert len([e for e in db.history(park_id) if e.at == op_time]) >= years + 1  # every lock and the record
    window.undo_stack.undo()
    items = combo_items(ParkVersionsDialog(db, park_id, lambda _m: True, window))
    assert items[0].endswith("撤销定稿之前") and items[1].endswith("标记为定稿之前"), items[:3]
    assert all(d.locked_factors is None for d in db.load_park(park_id).years.values())
    window.close()
