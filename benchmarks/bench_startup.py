"""Start-up of the window: median wall time from process start to the main window shown with the demo park
(the real ``python main.py --db …``, in its smoke-test mode: it prints "SHOWN" and quits once the window is up),
against a bare PySide6 QMainWindow in a fresh process; their ratio (target ≤ 1.5) and the peak RSS of the window
process (target < 250 MB).  A third figure builds the same widgets with none of our code, to show how much of
the difference is Qt itself and how much is ours.

    .venv/bin/python benchmarks/bench_startup.py [--runs 15]

Runs offscreen unless a display is available.  Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# The window is the real `python main.py --db …`, with ui.shell.app.SMOKE_TEST_ENV set so that it prints "SHOWN" and
# quits once its window is up.
MAIN = str(REPO / "main.py")

# Both plain-PySide programs end alike: show the window, report it at the first turn of the event loop, quit.
SHOW_AND_REPORT = """
window.show()

def shown():
    print("SHOWN", flush=True)
    app.quit()

QTimer.singleShot(0, shown)
sys.exit(app.exec())
"""

BARE = (
    """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1360, 860)
"""
    + SHOW_AND_REPORT
)


# The same widgets as the window with the demo park (menus, navigation tree of 45 entries, a form of 8 fields,
# the findings panel, status bar, the bundled font) built with none of our code: what Qt and PySide alone cost.
SKELETON = (
    """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence, QUndoStack
from PySide6.QtWidgets import (QApplication, QComboBox, QGridLayout, QGroupBox, QHeaderView, QLabel, QLineEdit,
    QMainWindow, QPlainTextEdit, QSplitter, QStackedWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)
app = QApplication(sys.argv[:1])
QFontDatabase.addApplicationFont(sys.argv[1])
window = QMainWindow()
window.resize(1360, 860)
window.setWindowTitle("园区双碳填报 — 示例生态工业示范园区")
undo = QUndoStack(window)
menu = window.menuBar().addMenu("文件(&F)")
for text in ("立即保存", "添加年份…", "切换园区…", "新建园区…", "导入…", "导出…", "备份与恢复…", "退出"):
    action = QAction(text, window)
    action.setShortcuts(QKeySequence.StandardKey.Save)
    menu.addAction(action)
window.menuBar().addMenu("编辑(&E)").addAction(undo.createUndoAction(window, "撤销"))
window.menuBar().addMenu("视图(&V)").addAction(QAction("问题列表", window))
nav = QTreeWidget()
nav.setColumnCount(2)
nav.setHeaderHidden(True)
nav.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
for i in range(45):
    nav.addTopLevelItem(QTreeWidgetItem([f"条目 {i}", "已完成"]))
page = QWidget()
layout = QVBoxLayout(page)
layout.addWidget(QLabel("园区信息"))
box = QGroupBox("园区概况")
grid = QGridLayout(box)
for i in range(8):
    grid.addWidget(QLabel(f"字段 {i}："), i // 2, (i % 2) * 2)
    editor = QComboBox() if i < 3 else QLineEdit("示例")
    if i < 3:
        editor.setEditable(True)
        editor.addItems(["已命名", "创建中"])
    grid.addWidget(editor, i // 2, (i % 2) * 2 + 1)
layout.addWidget(box)
stack = QStackedWidget()
stack.addWidget(page)
pages = QSplitter()
pages.addWidget(nav)
pages.addWidget(stack)
panel = QWidget()
panel_layout = QVBoxLayout(panel)
panel_layout.addWidget(QLabel("问题列表"))
findings = QSplitter()
tree = QTreeWidget()
tree.setColumnCount(4)
findings.addWidget(tree)
findings.addWidget(QPlainTextEdit())
panel_layout.addWidget(findings)
body = QSplitter()
body.setProperty("orientation", 2)
body.addWidget(pages)
body.addWidget(panel)
window.setCentralWidget(body)
window.statusBar().addWidget(QLabel("已打开"))
window.statusBar().addPermanentWidget(QLabel("数据库：bench.db"))
"""
    + SHOW_AND_REPORT
)


def timed(code: str | None, *args: str) -> tuple[float, int]:
    """Seconds from process start to "SHOWN"; and the child's peak RSS in kB (Linux ru_maxrss).
    ``code`` is a program for ``python -c``; None runs ``python main.py *args``."""
    env = dict(os.environ, PARKCARBON_SMOKE_TEST="1")
    # as installed: byte-code caches are written on the first run and used afterwards (__pycache__ is ignored)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    start = time.perf_counter()
    command = [sys.executable, MAIN, *args] if code is None else [sys.executable, "-c", code, *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    assert proc.stdout is not None
    elapsed = None
    for line in proc.stdout:
        if line.strip() == "SHOWN":
            elapsed = time.perf_counter() - start
    _pid, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS
    proc.returncode = os.waitstatus_to_exitcode(status)
    if elapsed is None or proc.returncode != 0:
        raise SystemExit(f"子进程未能显示窗口(退出码 {proc.returncode})")
    return elapsed, usage.ru_maxrss


def prepare_demo_db(folder: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from forms.park.parkfile import read_park_file
    from storage import Database

    path = folder / "bench.db"
    with Database.open(path) as db:
        db.replace_park(read_park_file(REPO / "resources" / "demo" / "demo-park.json"))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description="窗口启动时间基准")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_demo_db(Path(tmp))
        timed(BARE)  # warm the file cache for both
        timed(None, "--db", str(db))
        font = str(REPO / "resources" / "fonts" / "wqy-microhei.ttc")
        bare: list[float] = []
        skeleton: list[float] = []
        app: list[float] = []
        bare_rss = app_rss = 0
        for _ in range(args.runs):  # interleaved, so that load on the machine hits all alike
            t, rss = timed(BARE)
            bare.append(t)
            bare_rss = max(bare_rss, rss)
            skeleton.append(timed(SKELETON, font)[0])
            t, rss = timed(None, "--db", str(db))
            app.append(t)
            app_rss = max(app_rss, rss)
    bare_median, app_median = statistics.median(bare), statistics.median(app)
    ratio = app_median / bare_median
    print(f"runs: {args.runs} each")
    print(
        f"bare PySide6 QMainWindow  median {bare_median * 1000:7.1f} ms  (min {min(bare) * 1000:.1f}, max {max(bare) * 1000:.1f})"
    )
    print(
        f"parkcarbon window (demo)  median {app_median * 1000:7.1f} ms  (min {min(app) * 1000:.1f}, max {max(app) * 1000:.1f})"
    )
    print(
        f"same widgets, no app code   median {statistics.median(skeleton) * 1000:7.1f} ms  "
        f"(ratio to bare {statistics.median(skeleton) / bare_median:.2f})"
    )
    print(f"ratio                      {ratio:.2f}   (target ≤ 1.5)")
    # the fastest run of each is the least disturbed by other load on the machine: a steadier comparison
    print(f"ratio of the fastest runs  {min(app) / min(bare):.2f}")
    print(f"peak RSS bare window       {bare_rss / 1024:.1f} MB")
    print(f"peak RSS parkcarbon window {app_rss / 1024:.1f} MB  (target < 250 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
