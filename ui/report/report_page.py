"""One page of a report section: the text beside its guidance, word count, state and data blocks.

The same page edits a section of the 专项报告 and of an annual chapter (年度报告 · N): what differs (where the
text is kept, the blocks, checks, drafting) is a :mod:`ui.report.sources` object.  The editor shows data-block
markers as chips with their current figures (:class:`ui.report.marker_edit.MarkerTextEdit`); the preview
sits under the editor, across its width, so tables have room.

:attr:`ReportSectionPage.block_list` lists the blocks that fit the section, :attr:`ReportSectionPage.block_tools`
is the row for insert/draft buttons, :attr:`ReportSectionPage.preview` is the rendered preview, and for the
key-project section :attr:`ReportSectionPage.projects_host` is where the projects editor goes; the sections with
editors (the projects list, the scenarios) have :attr:`ReportSectionPage.editors_host` above the text.  An annual
chapter's pages also carry its 定稿 row (:attr:`ReportSectionPage.final_button`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from forms.report.annual import is_chapter_final
from forms.report.check import not_applicable_text
from forms.report.outline import Outline, OutlineSection
from forms.table.calc import compute_park
from ui.common.widgets import CatchUpWhenShown, ElidedLabel
from ui.dialogs.history_dialog import install_section_history
from ui.report.blocks_panel import BLOCK_ROLE, BlockTools
from ui.report.marker_edit import MarkerTextEdit
from ui.report.sources import AnnualChapter, SpecialReport, page_heading
from ui.shell.session import Changes, ParkSession
from ui.shell.states import FillState, Status, chinese_count, section_status

GUIDE_WIDTH = 320  # the guidance and block column: at 1366×768 the rest goes to the text and the preview


def block_label(block_id: str) -> str:
    """A readable name for a block id until the block resolvers provide titles."""
    kind, _, rest = block_id.partition(".")
    names = {"table": "表格", "chart": "图表", "value": "数值"}
    return f"[{names.get(kind, kind)}] {rest}"


class ReportSectionPage(QWidget):
    def __init__(self, session: ParkSession, outline: Outline, section: OutlineSection,
                 parent: QWidget | None = None, *, source: SpecialReport | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.session = session
        self.section = section
        self.source = source or SpecialReport(session, outline)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title_label = title = ElidedLabel(self.source.heading(section.key))
        title.setObjectName("section_title")
        # one line: a long title is cut with "…" and shown whole in its tooltip (wrapping cost most of a switch)
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        layout.addWidget(title)
        status = QHBoxLayout()
        self.state_label = QLabel("")
        self.count_label = QLabel("")
        status.addWidget(self.state_label)
        status.addSpacing(20)
        status.addWidget(self.count_label)
        status.addStretch(1)
        self.final_label: QLabel | None = None
        self.final_button: QPushButton | None = None
        self.remove_button: QPushButton | None = None
        self.na_button: QPushButton | None = None
        if isinstance(self.source, AnnualChapter):
            self.final_label = QLabel("")
            self.final_label.setObjectName("annual_final_state")
            self.final_label.setMinimumWidth(60)
            self.final_button = QPushButton("定稿…")
            self.final_button.setObjectName("annual_final")
            self.final_button.setToolTip("检查本年度报告的必备内容后标记为定稿（导出时不再带“草稿”水印）")
            self.final_button.clicked.connect(self.ask_final)
            self.remove_button = QPushButton("删除…")
            self.remove_button.setToolTip("删除本年度报告（各节正文和定稿标记），可以撤销")
            self.remove_button.setObjectName("annual_remove")
            self.remove_button.clicked.connect(self.ask_remove)
            status.addWidget(self.final_label)
            status.addWidget(self.final_button)
            status.addWidget(self.remove_button)
        else:  # 专项报告: 定稿 needs text in every section, or 本节不适用 with a reason
            self.na_button = QPushButton("本节不适用…")
            self.na_button.setObjectName("not_applicable")
            self.na_button.setToolTip("园区没有本节所述内容时，写明理由；定稿检查不再把本节列为空白")
            self.na_button.clicked.connect(self.ask_not_applicable)
            status.addWidget(self.na_button)
        layout.addLayout(status)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter = splitter
        # top to bottom: the section's editors (projects list, scenarios) when it has them, the text, its
        # preview (full width); each pane resizable, none hidden below the fold at 1366×768
        writing = QSplitter(Qt.Orientation.Vertical)
        writing.setChildrenCollapsible(False)
        self.writing = writing
        self.editors_host: QWidget | None = None  # where BlockTools puts the projects and scenario editors
        self.projects_host: QGroupBox | None = None
        if section.kind == "projects" or section.has_scenarios:
            self.editors_host = QWidget()
            self.editors_host.setObjectName("editors_host")
            editors_layout = QVBoxLayout(self.editors_host)
            editors_layout.setContentsMargins(0, 0, 0, 0)
            if section.kind == "projects":
                self.projects_host = QGroupBox("重点项目清单")
                self.projects_host.setObjectName("projects_host")
                QVBoxLayout(self.projects_host)
                editors_layout.addWidget(self.projects_host)
            writing.addWidget(self.editors_host)
        self.editor = MarkerTextEdit()
        self.editor.setObjectName("section_editor")
        self.editor.setPlaceholderText("在此撰写本节正文……（插入的数据块显示为带底色的当前数值，随数据自动更新）")
        self.editor.setPlainText(self.source.text(section.key))
        self.editor.textChanged.connect(self._edited)
        self.editor.focus_left.connect(session.flush)
        if self.source.has_history:
            install_section_history(self.editor, session, section.key, section.title)
        writing.addWidget(self.editor)
        preview_box = QGroupBox("预览")
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(4, 4, 4, 4)
        self.preview = QTextBrowser()
        self.preview.setObjectName("block_preview")
        self.preview.setOpenExternalLinks(False)
        preview_layout.addWidget(self.preview)
        writing.addWidget(preview_box)
        # the editors' tables need the most room, then the text; the preview the rest (shares of the height,
        # kept when the window is resized)
        shares = (3, 2, 1) if self.editors_host is not None else (1, 1)
        writing.setSizes([100 * share for share in shares])
        for index, share in enumerate(shares):
            writing.setStretchFactor(index, share)
        splitter.addWidget(writing)

        right = QWidget()
        right.setFixedWidth(GUIDE_WIDTH)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        guide_box = QGroupBox("撰写指引")
        guide_layout = QVBoxLayout(guide_box)
        guidance = section.guidance or "本节无专门指引：结合园区实际情况撰写。"
        if section.requirements:
            guidance += "\n\n定稿前须包含：\n" + "\n".join(f"· {r.label}" for r in section.requirements)
        self.guidance = QLabel(guidance)
        self.guidance.setWordWrap(True)
        self.guidance.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.guidance.setFixedWidth(GUIDE_WIDTH - 30)  # a wrapped label knows its height only at a known width
        self.guidance.setMinimumHeight(self.guidance.heightForWidth(GUIDE_WIDTH - 30))
        guide_layout.addWidget(self.guidance)
        right_layout.addWidget(guide_box)
        blocks_box = QGroupBox("可插入的数据块")
        blocks_layout = QVBoxLayout(blocks_box)
        self.block_list = QListWidget()
        self.block_list.setObjectName("block_list")
        for block_id in section.blocks:
            item = QListWidgetItem(block_label(block_id))
            item.setData(BLOCK_ROLE, block_id)
            item.setToolTip(f"标记：{{{{{block_id}}}}}")
            self.block_list.addItem(item)
        if not section.blocks:
            self.block_list.addItem(QListWidgetItem("（本节没有对应的数据块）"))
            self.block_list.setEnabled(False)
        self.block_list.setMaximumHeight(150)
        blocks_layout.addWidget(self.block_list)
        self.block_tools = QHBoxLayout()  # insert / drafting buttons
        blocks_layout.addLayout(self.block_tools)
        right_layout.addWidget(blocks_box)
        self.checks_box = QVBoxLayout()  # the section's checks (BlockTools puts its label here)
        right_layout.addLayout(self.checks_box)
        right_layout.addStretch(1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([700, GUIDE_WIDTH])
        layout.addWidget(splitter, 1)
        # data blocks, drafting, projects and scenario editors
        self.block_tools_controller = BlockTools(self, self)
        self.status_catch_up = CatchUpWhenShown(self, self._update_status)  # off screen: when shown again
        session.changed.connect(self._changed)
        self._update_status()
        self.render_preview()

    def _changed(self, changes: Changes) -> None:
        """An undo / redo (or a restore from the history) of this section's text shows the stored text."""
        if self.source.touches_text(changes, self.section.key):
            text = self.source.text(self.section.key)
            if text != self.editor.toPlainText():
                self.editor.setPlainText(text)
        if changes.report or changes.data or changes.annual:  # projects, outline, data: required elements
            self.status_catch_up.request()

    def retitle(self, outline: Outline) -> None:
        """Show the heading of ``outline`` (after the section was renamed or moved)."""
        if isinstance(self.source, AnnualChapter):
            return
        self.source.outline = outline
        self.section = outline.section(self.section.key)
        self.title_label.setText(page_heading(outline, self.section.key))

    def _edited(self) -> None:
        if self.editor.refreshing:
            return  # the chips show new readings: nothing typed
        text = self.editor.toPlainText()
        if text != self.source.text(self.section.key):
            self.source.set_text(self.section.key, text)
        self._update_status()
        self.render_preview()

    def mark_not_applicable(self, reason: str) -> None:
        """The section's text becomes "本节不适用：<理由>。" (one undoable change of the section text)."""
        self.session.flush()
        self.editor.setPlainText(not_applicable_text(reason))  # textChanged -> session.set_section_text

    def ask_not_applicable(self) -> None:
        reason, ok = QInputDialog.getText(self, "本节不适用", "请写明本节不适用的理由（将印在报告中本节标题下）：")
        if ok and reason.strip():
            self.mark_not_applicable(reason)

    def _update_status(self) -> None:
        self.status_catch_up.stale = False
        status = self.status  # the navigation dot asks the same function
        colour = status.state.colour.name()
        why = f"({status.why})" if status.why else ""
        self.state_label.setText(
            f"状态：<span style='color:{colour}; font-weight:bold'>{status.state.value}</span>{why}"
        )
        self.state_label.setToolTip(status.text)
        self.count_label.setText(f"字数：{chinese_count(self.editor.toPlainText())} 字（汉字）")
        if isinstance(self.source, AnnualChapter) and self.final_label is not None and self.final_button is not None:
            final = is_chapter_final(self.session.park, self.source.year)
            self.final_label.setText("<b style='color:#2e7d32'>已定稿</b>" if final else "草稿")
            self.final_button.setText("撤销定稿" if final else "定稿…")
        if self.na_button is not None:
            self.na_button.setEnabled(not self.editor.toPlainText().strip())  # offered for an empty section

    @property
    def state(self) -> FillState:
        return self.status.state

    @property
    def status(self) -> Status:
        """The section's state and why, from the function the navigation dot uses."""
        result = self.session.park_result()
        if isinstance(self.source, AnnualChapter):
            return Status(self.source.state(self.section, result))
        return section_status(self.session.park, self.section, result)

    def render_preview(self) -> None:
        """The text with its data blocks rendered from current data (ui.report.blocks_panel)."""
        self.block_tools_controller.render()

    # -- the annual chapter's 定稿 and removal ------------------------------------------------------
    def final_gaps(self) -> list[str]:
        """What keeps the annual chapter from 定稿 (forms.report.annual.check_chapter), each named."""

        assert isinstance(self.source, AnnualChapter)
        self.session.flush()
        return [m for _s, m in self.source.gaps(compute_park(self.session.park))]

    def try_final(self) -> list[str]:
        """定稿 when the gate passes (one undo step); returns the reasons it refused (empty when marked)."""
        assert isinstance(self.source, AnnualChapter)
        gaps = self.final_gaps()
        if not gaps:
            self.session.mark_annual_final(self.source.year)
        self._update_status()
        return gaps

    def ask_final(self) -> None:

        assert isinstance(self.source, AnnualChapter)
        year = self.source.year
        if is_chapter_final(self.session.park, year):
            self.session.unmark_annual_final(year)
            self._update_status()
            return
        gaps = self.try_final()
        if gaps:
            QMessageBox.warning(self, f"{year}年度报告不能定稿",
                                "以下内容尚未完成，补齐后再定稿：\n\n" + "\n".join(f"· {g}" for g in gaps))  # fmt: skip
        else:
            QMessageBox.information(
                self, f"{year}年度报告", f"{year}年度报告已定稿。导出的 PDF 和 Word 文件不再带“草稿”水印。"
            )

    def ask_remove(self) -> None:
        assert isinstance(self.source, AnnualChapter)
        year = self.source.year
        answer = QMessageBox.question(self, "删除年度报告",
                                      f"删除 {year} 年度报告（各节正文和定稿标记）？可以用“撤销”恢复。")  # fmt: skip
        if answer == QMessageBox.StandardButton.Yes:
            self.session.remove_annual_chapter(year)


__all__ = ["ReportSectionPage", "block_label", "page_heading"]
