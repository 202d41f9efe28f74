"""导出与报送: export buttons and the submission log (printed, sealed, posted, e-mailed, acknowledged)."""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
from PySide6.QtCore import QDate, QEventLoop, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.table.locks import REASON_EXPORT
from ui.dialogs.print_preview import PdfPrintPreview
from ui.shell.session import Changes, ParkSession
from ui.shell.states import FillState, submission_state
from ui.submit.final_gate_panel import FinalGatePanel

EVENT_KINDS = {
    "printed": "打印",
    "sealed": "盖章",
    "posted": "寄送",
    "emailed": "邮件发送",
    "acknowledged": "收到回执",
}
DETAIL_LABELS = {"copies": "份数", "courier": "快递公司", "waybill": "运单号", "to": "收件邮箱", "note": "备注"}
KIND_DETAILS = {
    "printed": ("copies", "note"),
    "sealed": ("note",),
    "posted": ("courier", "waybill", "note"),
    "emailed": ("to", "note"),
    "acknowledged": ("note",),
}
DEFAULT_MAILBOX = "touzichu@mee.gov.cn"


def _attr(obj: Any, name: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def details_text(details: dict[str, Any]) -> str:
    parts = []
    for key, value in details.items():
        if value in (None, ""):
            continue
        label = DETAIL_LABELS.get(key, key)
        parts.append(f"{label}：{value}{' 份' if key == 'copies' else ''}")
    return "；".join(parts)


class ExportPage(QWidget):
    export_stage = Signal(str, int, int)  # a stage of the package export began (text, done, in all)

    def __init__(self, session: ParkSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        title = QLabel("导出与报送")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(title)

        self.final_panel = FinalGatePanel(session)
        self.final_panel.navigate.connect(
            lambda year, key: getattr(self.window(), "go_to_field", lambda *_: None)(year, key)
        )
        self.final_panel.open_section.connect(self._open_section)
        layout.addWidget(self.final_panel, 1)

        export_box = QGroupBox("导出")
        export_layout = QVBoxLayout(export_box)  # beside the mail box: the page fits a 1366×768 screen
        self.package_button = QPushButton("导出电子报送包（工作簿、PDF、园区文件）…")
        self.package_button.clicked.connect(lambda: self.export("package"))
        self.xlsx_button = QPushButton("导出 Excel 工作簿…")
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.template_button = QPushButton("导出空白模板…")
        self.template_button.clicked.connect(lambda: self.export("template"))
        for b in (self.package_button, self.xlsx_button, self.template_button):
            export_layout.addWidget(b)
        export_layout.addStretch(1)
        boxes = QHBoxLayout()
        boxes.addWidget(export_box)
        boxes.addWidget(self._mail_box(), 1)
        layout.addLayout(boxes)
        self.export_message = QLabel("")
        self.export_message.setWordWrap(True)
        self.export_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.export_message)
        after = QHBoxLayout()  # what was just exported: its folder, and its PDFs to look at before printing
        self.open_folder_button = QPushButton("打开导出文件夹")
        self.open_folder_button.clicked.connect(self.open_export_folder)
        self.preview_button = QPushButton("打印预览 PDF")
        self.preview_button.setToolTip("在程序内逐页预览导出的 PDF，并从预览中打印")
        self.preview_menu = QMenu(self.preview_button)
        self.preview_button.setMenu(self.preview_menu)
        for b in (self.open_folder_button, self.preview_button):
            b.setEnabled(False)
            after.addWidget(b)
        after.addStretch(1)
        layout.addLayout(after)
        self.export_folder: Path | None = None
        self.exported_pdfs: list[Path] = []
        self.print_preview: PdfPrintPreview | None = None

        log_box = QGroupBox("报送记录")
        log_layout = QVBoxLayout(log_box)
        self.log = QTableWidget(0, 3)
        self.log.setHorizontalHeaderLabels(["日期", "事项", "详情"])
        self.log.verticalHeader().hide()
        self.log.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.log.setColumnWidth(0, 110)
        self.log.setColumnWidth(1, 100)
        self.log.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        log_layout.addWidget(self.log)

        add_box = QGroupBox("登记一项报送事项")
        form = QFormLayout(add_box)
        self.kind = QComboBox()
        for kind, label in EVENT_KINDS.items():
            self.kind.addItem(label, kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow("事项：", self.kind)
        form.addRow("日期：", self.date)
        self.inputs: dict[str, QWidget] = {}
        self.copies = QSpinBox()
        self.copies.setRange(1, 99)
        self.copies.setValue(3)
        self.copies.setSuffix(" 份")
        self.inputs["copies"] = self.copies
        for key in ("courier", "waybill", "to", "note"):
            self.inputs[key] = QLineEdit()
        self.inputs["courier"].setPlaceholderText("例如：中国邮政 EMS")  # type: ignore[attr-defined]
        self.inputs["to"].setText(DEFAULT_MAILBOX)  # type: ignore[attr-defined]
        self.form_rows: dict[str, tuple[QLabel, QWidget]] = {}
        for key, widget in self.inputs.items():
            row_label = QLabel(f"{DETAIL_LABELS[key]}：")
            form.addRow(row_label, widget)
            self.form_rows[key] = (row_label, widget)
        self.add_button = QPushButton("登记")
        self.add_button.clicked.connect(self.add_event)
        form.addRow("", self.add_button)
        lower = QHBoxLayout()
        lower.addWidget(log_box, 3)
        lower.addWidget(add_box, 2)
        layout.addLayout(lower, 1)
        self._kind_changed()
        self.refresh()
        session.changed.connect(self._changed)

    def _open_section(self, key: str) -> None:
        """A blocker double-clicked: its section of the report, when the navigation has it."""
        window = self.window()
        if ("section", key) in getattr(window, "nav_items", {}):
            window.show_page(("section", key))  # type: ignore[attr-defined]

    # -- the e-mail draft: recipient from a short list and sender, kept for the park ---------------------
    def _mail_box(self) -> QGroupBox:
        from export.package import RECIPIENTS

        box = QGroupBox("邮件草稿")
        form = QFormLayout(box)
        self.recipient = QComboBox()
        self.recipient.setObjectName("mail_recipient")
        for key, label in RECIPIENTS.items():
            self.recipient.addItem(label, key)
        self.mail_to = QLineEdit()
        self.mail_to.setObjectName("mail_to")
        self.mail_from = QLineEdit()
        self.mail_from.setObjectName("mail_from")
        self.mail_from.setPlaceholderText("发件邮箱（例如园区联系人的工作邮箱）")
        form.addRow("收件人：", self.recipient)
        form.addRow("收件邮箱：", self.mail_to)
        form.addRow("发件邮箱：", self.mail_from)
        self._load_mail()
        self.recipient.currentIndexChanged.connect(self._recipient_changed)
        self.mail_to.editingFinished.connect(self._save_mail)
        self.mail_from.editingFinished.connect(self._save_mail)
        return box

    def _load_mail(self) -> None:
        from export.package import MINISTRY, mail_settings

        mail = mail_settings(self.session.park)
        self.recipient.blockSignals(True)
        self.recipient.setCurrentIndex(max(0, self.recipient.findData(mail.recipient)))
        self.recipient.blockSignals(False)
        self.mail_to.setText(mail.to)
        self.mail_to.setReadOnly(mail.recipient == MINISTRY)
        self.mail_to.setPlaceholderText("请填写收件邮箱" if mail.recipient != MINISTRY else "")
        self.mail_from.setText(mail.sender)

    def _recipient_changed(self) -> None:
        from export.package import MAIL_TO, MINISTRY

        if self.recipient.currentData() == MINISTRY or self.mail_to.text().strip() == MAIL_TO:
            self.mail_to.setText("")  # the ministry's mailbox is fixed; another recipient's is typed
        self._save_mail()

    def _save_mail(self) -> None:
        from export.package import MAIL_KEY, MINISTRY

        recipient = str(self.recipient.currentData())
        value = {"recipient": recipient, "to": "" if recipient == MINISTRY else self.mail_to.text().strip(),
                 "from": self.mail_from.text().strip()}  # fmt: skip
        self.session.set_report_extra(MAIL_KEY, value, text="修改邮件收件人、发件人")
        self._load_mail()

    def _kind_changed(self) -> None:
        wanted = KIND_DETAILS[self.kind.currentData()]
        for key, (label, widget) in self.form_rows.items():
            label.setVisible(key in wanted)
            widget.setVisible(key in wanted)

    def events(self) -> list[Any]:
        return list(self.session.db.submission_events(self.session.park_id))

    def refresh(self) -> None:
        events = self.events()
        self.log.setRowCount(len(events))
        for r, e in enumerate(events):
            kind = _attr(e, "kind", "")
            details = _attr(e, "details", {}) or {}
            cells = (str(_attr(e, "date", "")), EVENT_KINDS.get(kind, kind), details_text(details))
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.log.setItem(r, c, item)

    @property
    def state(self) -> FillState:
        return submission_state(self.events())

    def add_event(self) -> None:
        kind = self.kind.currentData()
        details: dict[str, Any] = {}
        for key in KIND_DETAILS[kind]:
            widget = self.inputs[key]
            if isinstance(widget, QSpinBox):
                details[key] = widget.value()
            elif isinstance(widget, QLineEdit) and widget.text().strip():
                details[key] = widget.text().strip()
        if kind == "posted" and not details.get("waybill"):
            QMessageBox.warning(self, "登记报送事项", "寄送须填写运单号。")
            return
        date = self.date.date().toString("yyyy-MM-dd")
        self.session.add_submission_event(kind, date, details)
        self.inputs["note"].clear()  # type: ignore[attr-defined]

    def _changed(self, changes: Changes) -> None:
        if changes.submissions:
            self.refresh()
        if changes.final:  # report bookkeeping (an undo of the recipient, too)
            self._load_mail()

    def export(self, what: str) -> None:
        self.session.flush()
        folder = QFileDialog.getExistingDirectory(self, "选择导出文件夹")
        if not folder:
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            paths: list[Path] = []
            park = export_park(self.session, what)
            if what == "package":  # the longest: in a thread, with its stages shown and a cancel button
                written = self.with_progress(lambda progress: write_export(park, what, folder, progress, paths))
            else:
                written = write_export(park, what, folder, written=paths)
        except ImportError:
            self.export_message.setText("导出功能尚未安装（本版本缺少导出模块）。")
            return
        except Exception as exc:  # shown to the clerk: the export layer raises Chinese messages
            from export.package import ExportCancelled

            if isinstance(exc, ExportCancelled):
                self.export_message.setText("已取消导出：没有生成新的材料，原有的一套材料保持不变。")
                return
            QMessageBox.critical(self, "导出失败", str(exc))
            return
        finally:
            QApplication.restoreOverrideCursor()
        stamp = _dt.datetime.now().strftime("%H:%M:%S")
        self.export_message.setText(f"{stamp} 已导出。\n{written}")
        self.exported(Path(folder), paths)

    def exported(self, folder: Path, paths: list[Path]) -> None:
        """Remember what an export wrote: the folder of the set (or the chosen one) and its PDFs."""
        folders = [p for p in paths if p.is_dir()]
        self.export_folder = folders[0] if folders else folder
        self.exported_pdfs = list(dict.fromkeys(p for p in paths if p.suffix.lower() == ".pdf" and p.is_file()))
        self.open_folder_button.setEnabled(True)
        self.preview_menu.clear()
        for pdf in self.exported_pdfs:
            self.preview_menu.addAction(pdf.name).triggered.connect(lambda _c=False, p=pdf: self.preview_pdf(p))
        self.preview_button.setEnabled(bool(self.exported_pdfs))

    def open_export_folder(self) -> bool:
        """The folder of the last export in the system's file manager (a local file URL: no network)."""
        if self.export_folder is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.export_folder)))

    def preview_pdf(self, pdf: Path) -> bool:
        """打印预览 inside the program: the PDF's pages (rendered by PDFium) in Qt's print preview, printed from
        there; a file PDFium cannot read is reported with its path."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            dialog = PdfPrintPreview(pdf, self)
        except (OSError, pdfium.PdfiumError) as exc:
            QMessageBox.warning(self, "打印预览", f"无法读取这个 PDF：{exc}\n文件在：\n{pdf}")
            return False
        finally:
            QApplication.restoreOverrideCursor()
        if self.print_preview is not None:
            self.print_preview.close()
        self.print_preview = dialog
        dialog.open()  # window-modal; the pages are drawn as it shows them
        return True

    def with_progress(self, work: Callable[[Any], str]) -> str:
        """Run ``work(progress)`` in a thread while a progress dialog shows each stage it reports; the
        dialog's 取消 makes the next stage raise ExportCancelled (export.package: nothing new is kept).
        Returns (or raises) what ``work`` did, once it has finished."""
        from export.package import ExportCancelled

        dialog = QProgressDialog("正在准备导出…", "取消", 0, 1, self)
        dialog.setWindowTitle("导出电子报送包")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        self.progress_dialog = dialog
        cancel = threading.Event()
        relay = _Relay()
        loop = QEventLoop()
        outcome: dict[str, Any] = {}

        queue: list[tuple[str, int, int]] = []
        showing = [False]

        def show(text: str, done: int, total: int) -> None:
            # in order, once each: a modal dialog's setValue runs the event loop, which may bring the next stage
            queue.append((text, done, total))
            if showing[0]:
                return
            showing[0] = True
            try:
                while queue:
                    text, done, total = queue.pop(0)
                    if cancel.is_set():
                        continue
                    dialog.setMaximum(total)
                    dialog.setLabelText(f"{text}…（第 {done + 1} 步，共 {total} 步）")
                    self.export_stage.emit(text, done, total)
                    dialog.setValue(done)
            finally:
                showing[0] = False

        def cancelled() -> None:
            cancel.set()
            dialog.setLabelText("正在取消…（当前步骤结束后停止，不会留下不完整的文件）")

        def progress(text: str, done: int, total: int) -> None:  # in the thread
            if cancel.is_set():
                raise ExportCancelled
            relay.stage.emit(text, done, total)

        def run() -> None:
            try:
                outcome["value"] = work(progress)
            except BaseException as exc:  # handed to the window's thread
                outcome["error"] = exc
            finally:
                relay.done.emit()

        relay.stage.connect(show)
        relay.done.connect(loop.quit)
        dialog.canceled.connect(cancelled)
        thread = threading.Thread(target=run, name="export", daemon=True)
        dialog.show()
        thread.start()
        loop.exec()
        thread.join()
        dialog.close()
        dialog.deleteLater()
        if "error" in outcome:
            raise outcome["error"]
        return str(outcome["value"])


class _Relay(QObject):
    """Signals from the export thread to the window's thread (queued)."""

    stage = Signal(str, int, int)
    done = Signal()


def export_park(session: ParkSession, what: str) -> Any:
    """The park as exported (a copy): a package for submission first locks the years' factors."""
    if what == "package":
        from export.package import is_final

        if not is_final(session.park):  # a 定稿 park was locked when it was marked
            session.lock_years(REASON_EXPORT, record=False)  # exported for submission: the years keep their factors
    return session.park.copy()


def run_export(session: ParkSession, what: str, folder: str) -> str:
    """Call the export layer (imported lazily: it is heavy and may not be installed yet)."""
    return write_export(export_park(session, what), what, folder)


def write_export(park: Any, what: str, folder: str, progress: Any = None, written: list[Path] | None = None) -> str:
    """Write the export ``what`` of ``park`` (touches neither the session nor Qt: may run in a thread).  The
    folder of the set and the files written are appended to ``written`` when given."""
    written = [] if written is None else written
    if what == "package":
        from export.package import export_package

        result = export_package(park, folder, progress=progress)
        written += [p for p in (result.folder, result.zip_path, result.review_path, *result.files) if p is not None]
        lines = [f"当前有效的一套材料：{result.folder}（同一园区以前导出的材料已移除）",
                 f"电子报送包：{result.zip_path}", f"邮件草稿：{result.eml_path}", f"内部审核单：{result.review_path}",
                 f"内容指纹：{result.fingerprint}{'' if result.final else '(草稿，未定稿)'}", *result.notes]  # fmt: skip
        return "\n".join(lines)
    if what == "template":
        from export.package import export_template

        template = export_template(park, folder)
        written.append(template)
        return f"空白模板：{template}"
    from export.package import safe_name
    from export.xlsx.workbook import write_workbook

    path = Path(folder) / f"{safe_name(park.name)}_园区年度碳排放基础数据表.xlsx"
    written.append(path)
    return f"工作簿：{write_workbook(park, path)}"
