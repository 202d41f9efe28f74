"""帮助 → 关于 shows the program version, the factor library version and the data folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import ui  # noqa: F401
from forms.version import VERSION
from ui.dialogs.about_dialog import AboutDialog, factor_library_version

pytestmark = pytest.mark.gui


def test_the_dialog_shows_version_factor_library_and_data_folder(qtbot: Any, tmp_path: Path) -> None:
    db_path = tmp_path / "数据" / "parkcarbon.db"
    dialog = AboutDialog(db_path)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "关于"
    assert dialog.version_label.text() == VERSION
    assert dialog.factors_label.text() == factor_library_version()
    assert dialog.data_label.text() == str(tmp_path / "数据")
    assert dialog.db_label.text() == str(db_path)


def test_the_factor_library_version_is_the_shipped_tables(qtbot: Any, tmp_path: Path) -> None:
    from forms.resources import resources_dir

    version = (resources_dir() / "factors" / "VERSION").read_text(encoding="utf-8")
    shown = factor_library_version()
    for line in version.splitlines():
        name, _, value = line.partition("=")
        if name.strip() in ("version", "date"):
            assert value.strip() in shown


def test_the_help_menu_opens_the_about_dialog(
    qtbot: Any, demo_db: Any, open_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, park_id = demo_db
    window = open_window(db, park_id)
    shown: list[AboutDialog] = []
    monkeypatch.setattr(AboutDialog, "exec", lambda self: shown.append(self) or 0)
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "帮助(&H)")
    about = next(a for a in help_menu.actions() if a.text() == "关于(&A)…")
    about.trigger()
    assert len(shown) == 1
    assert shown[0].db_label.text() == str(Path(db.path))
    assert shown[0].version_label.text() == VERSION
