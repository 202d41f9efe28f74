"""审核台: the reviewer's window — received packages as a sortable table, a detail view per park, the paper
fingerprint lookup, and the summary export.  The checks themselves are export.review's (the same as the
``review`` command's); this window only shows them."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from export.review.intake import receive
from export.review.run import review_one
from export.review.summary import ParkRow, lookup, write_outputs
from export.review.verify import ERROR, LEVEL_ZH, WARNING, PackageReview, mark_superseded
from forms.park.text_rules import write_error_text

TITLE = "审核台 — 园区双碳填报"
COLUMNS = ("园区名称", "省份", "结果", "错误", "警告", "定稿", "校验码", "导出时间", "材料包")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
INDEX_ROLE = Qt.ItemDataRole.UserRole + 2


def outcome(review: PackageReview) -> str:
    if review.refused:
        return "拒收"
    if review.superseded_by:
        return "重复" if review.duplicate else "已被取代"
    return "有错误" if review.hard else "通过"


def detail_html(review: PackageReview) -> str:
    from html import escape

    parts = [f"<h3>{escape(review.park_name or '(无法识别的园区)')}</h3>",
             f"<p>材料包：{escape(review.label)}<br>结果：<b>{outcome(review)}</b>"]  # fmt: skip
    if review.fingerprint:
        parts.append(f"<br>校验码：{escape(review.fingerprint)}")
    if review.received_from:
        parts.append(f"<br>发件人：{escape(review.received_from)}")
    if review.superseded_by:
        parts.append(f"<br>{escape('已被取代：' + review.superseded_by)}")
    parts.append("</p>")
    if review.refused:
        parts.append(f"<p style='color:#9c0006'>拒收原因：{escape(review.refused)}</p>")
    if isinstance(review.row, ParkRow):
        row = review.row
        parts.append("<table border='1' cellspacing='0' cellpadding='3'><tr><th>年度</th><th>排放总量（tCO2）</th>"
                     "<th>单位工业增加值排放（tCO2/万元）</th></tr>")  # fmt: skip
        for year in row.years:
            e, i = row.emissions.get(year), row.intensity.get(year)
            parts.append(f"<tr><td>{year}</td><td align='right'>{'' if e is None else f'{e:,.2f}'}</td>"
                         f"<td align='right'>{'' if i is None else f'{i:.4f}'}</td></tr>")  # fmt: skip
        parts.append("</table>")
    if review.findings:
        parts.append("<h4>自动核对发现</h4><ol>")
        colour = {ERROR: "#9c0006", WARNING: "#7f6000"}
        for f in review.findings:
            parts.append(
                f"<li style='color:{colour.get(f.level, '#333')}'>[{LEVEL_ZH[f.level]}] {escape(f.message)}</li>"
            )
        parts.append("</ol>")
    elif not review.refused:
        parts.append("<p>自动核对未发现问题。</p>")
    return "".join(parts)


class ReviewDesk(QMainWindow):
    """The 审核台 window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.reviews: list[PackageReview] = []
        self.model = QStandardItemModel(0, len(COLUMNS), self)
        self.model.setHorizontalHeaderLabels(list(COLUMNS))
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_current())
        self.detail = QTextBrowser()
        self.status = QLabel("尚未添加材料包。")
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("输入或扫描纸质材料页脚的校验码")
        self.find_edit.returnPressed.connect(self.find_fingerprint)
        self.find_result = QLabel("")
        add_files = QPushButton("添加材料包或邮件…")
        add_files.clicked.connect(self.ask_files)
        add_folder = QPushButton("添加文件夹…")
        add_folder.clicked.connect(self.ask_folder)
        export = QPushButton("导出汇总…")
        export.clicked.connect(self.ask_export)
        find = QPushButton("查找校验码")
        find.clicked.connect(self.find_fingerprint)
        bar = QHBoxLayout()
        for w in (add_files, add_folder, export):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.find_edit, 2)
        bar.addWidget(find)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        box = QVBoxLayout()
        box.addLayout(bar)
        box.addWidget(self.find_result)
        box.addWidget(split, 1)
        box.addWidget(self.status)
        central = QWidget()
        central.setLayout(box)
        self.setCentralWidget(central)
        self.resize(1200, 760)

    # -- adding packages ---------------------------------------------------------------------------
    def add_inputs(self, inputs: Sequence[str | Path]) -> int:
        """Review the packages in ``inputs`` (files or folders) and show them; returns how many were added."""
        known = {r.sha256 for r in self.reviews if r.sha256}
        added = 0
        for received in receive(inputs):
            self.status.setText(f"正在核对：{received.label}")
            QApplication.processEvents()
            review = review_one(received)
            if review.sha256 and review.sha256 in known:
                continue  # the same package added again: shown once
            known.add(review.sha256)
            self.reviews.append(review)
            added += 1
        for r in self.reviews:
            r.superseded_by = ""
        mark_superseded(self.reviews)
        self.refill()
        hard = sum(1 for r in self.reviews if r.hard and not r.superseded_by)
        self.status.setText(f"共 {len(self.reviews)} 个材料包，本次新增 {added} 个；有错误或被拒收 {hard} 个。")
        return added

    def ask_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "添加材料包或邮件", "", "材料包或邮件 (*.zip *.eml)")
        if files:
            self.add_inputs(files)

    def ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "添加文件夹（含其中所有材料包和邮件）")
        if folder:
            self.add_inputs([folder])

    # -- the table -----------------------------------------------------------------------------------
    def refill(self) -> None:
        self.model.setRowCount(0)
        for index, r in enumerate(self.reviews):
            row = r.row if isinstance(r.row, ParkRow) else None
            values: list[tuple[str, object]] = [
                (r.park_name or "—", r.park_name),
                (row.province if row else "", row.province if row else ""),
                (outcome(r), outcome(r)),
                (str(r.count(ERROR) + (1 if r.refused else 0)), r.count(ERROR) + (1 if r.refused else 0)),
                (str(r.count(WARNING)), r.count(WARNING)),
                (row.status if row else "", row.status if row else ""),
                (r.fingerprint, r.fingerprint),
                (r.created_at[:16].replace("T", " "), r.created_at),
                (r.label, r.label),
            ]
            items = []
            for text, key in values:
                item = QStandardItem(text)
                item.setData(key, SORT_ROLE)
                item.setData(index, INDEX_ROLE)
                items.append(item)
            self.model.appendRow(items)

    def current_review(self) -> PackageReview | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        source = self.proxy.mapToSource(index)
        value = self.model.item(source.row(), 0).data(INDEX_ROLE)
        return self.reviews[int(value)] if value is not None else None

    def show_current(self) -> None:
        review = self.current_review()
        self.detail.setHtml(detail_html(review) if review else "")

    def select_review(self, review: PackageReview) -> None:
        wanted = self.reviews.index(review)
        for row in range(self.model.rowCount()):
            if self.model.item(row, 0).data(INDEX_ROLE) == wanted:
                self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
                return

    # -- lookup and export -----------------------------------------------------------------------------
    def find_fingerprint(self) -> None:
        typed = self.find_edit.text().strip()
        entries = [{"fingerprint": r.fingerprint, "printed_fingerprints": sorted(r.printed_fingerprints),
                    "index": i} for i, r in enumerate(self.reviews)]  # fmt: skip
        hits = lookup(entries, typed)
        if not hits:
            self.find_result.setText(f"校验码“{typed}”不属于已添加的任何材料包。")
            return
        review = self.reviews[int(hits[0]["index"])]
        names = "；".join(f"{self.reviews[int(h['index'])].park_name}({self.reviews[int(h['index'])].label})"
                         for h in hits)  # fmt: skip
        self.find_result.setText(f"校验码“{typed}”属于：{names}")
        self.select_review(review)

    def export_summary(self, folder: Path, today: _dt.date | None = None) -> list[Path]:
        return write_outputs(self.reviews, folder, today or _dt.date.today())

    def ask_export(self) -> None:
        if not self.reviews:
            QMessageBox.information(self, TITLE, "请先添加材料包。")
            return
        folder = QFileDialog.getExistingDirectory(self, "导出汇总到文件夹")
        if not folder:
            return
        try:
            written = self.export_summary(Path(folder))
        except OSError as exc:
            QMessageBox.warning(self, TITLE, f"无法写入“{exc.filename or folder}”：{write_error_text(exc)}")
            return
        QMessageBox.information(self, TITLE, "已导出：\n" + "\n".join(str(p) for p in written))


def run_desk(inputs: Sequence[str]) -> int:
    """``python main.py desk [IN...]``: the 审核台 as its own top-level window."""
    import os

    from ui.shell.boot import SMOKE_TEST_ENV, make_application

    app = make_application()
    desk = ReviewDesk()
    desk.show()
    if inputs:
        desk.add_inputs(inputs)
    if os.environ.get(SMOKE_TEST_ENV) == "1":
        print("SHOWN", flush=True)
        return 0
    return int(app.exec())
