"""One page of the special report: a section's text beside its guidance, word count, state and data blocks.

Places left for the data-block work (issue 7): :attr:`ReportSectionPage.block_list` lists the blocks that
fit the section, :attr:`ReportSectionPage.block_tools` is an empty row for insert/draft buttons,
:attr:`ReportSectionPage.preview` is the rendered preview, and for the key-project section
:attr:`ReportSectionPage.projects_host` is where the projects editor goes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from forms.report.outline import Outline, OutlineSection, subsection_label
from ui.common.widgets import CommitPlainTextEdit
from ui.dialogs.history_dialog import install_section_history
from ui.report.blocks_panel import BLOCK_ROLE, BlockTools
from ui.shell.session import Changes, ParkSession
from ui.shell.states import FillState, chinese_count, section_state


def block_label(block_id: str) -> str:
    """A readable name for a block id until the block resolvers provide titles."""
    kind, _, rest = block_id.partition(".")
    names = {"table": "表格", "chart": "图表", "value": "数值"}
    return f"[{names.get(kind, kind)}] {rest}"


def page_heading(outline: Outline, key: str) -> str:
    """二、“十三五”碳减排工作回顾 · （二）取得的成效 — as numbered and titled in the (customised) outline."""
    chapter = outline.chapter_of(key)
    index = [s.key for s in chapter.sections].index(key)
    return f"{chapter.heading} · {subsection_label(index)}{chapter.sections[index].title}"


class ReportSectionPage(QWidget):
    def __init__(self, session: ParkSession, outline: Outline, section: OutlineSection,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.session = session
        self.section = section
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.title_label = title = QLabel(page_heading(outline, section.key))
        title.setObjectName("section_title")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        title.setWordWrap(True)
        layout.addWidget(title)
        status = QHBoxLayout()
        self.state_label = QLabel("")
        self.count_label = QLabel("")
        status.addWidget(self.state_label)
        status.addSpacing(20)
        status.addWidget(self.count_label)
        status.addStretch(1)
        layout.addLayout(status)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.projects_host: QGroupBox | None = None
        if section.kind == "projects":
            self.projects_host = QGroupBox("重点项目清单")
            self.projects_host.setObjectName("projects_host")
            host_layout = QVBoxLayout(self.projects_host)
            placeholder = QLabel("重点项目表格编辑器将显示在这里(项目名称、建设内容、总投资、建设年限、"
                                 "预计年减排量、责任单位)。")  # fmt: skip
            placeholder.setObjectName("projects_placeholder")
            placeholder.setWordWrap(True)
            host_layout.addWidget(placeholder)
            left_layout.addWidget(self.projects_host, 1)
        self.editor = CommitPlainTextEdit()
        self.editor.setTabChangesFocus(False)
        self.editor.setPlaceholderText("在此撰写本节正文……")
        self.editor.setPlainText(session.park.report.sections.get(section.key, ""))
        self.editor.textChanged.connect(self._edited)
        self.editor.focus_left.connect(session.flush)
        install_section_history(self.editor, session, section.key, section.title)
        left_layout.addWidget(self.editor, 2)
        splitter.addWidget(left)

        right = QWidget()
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
            self.block_list.addItem(QListWidgetItem("(本节没有对应的数据块)"))
            self.block_list.setEnabled(False)
        self.block_list.setMaximumHeight(110)
        blocks_layout.addWidget(self.block_list)
        self.block_tools = QHBoxLayout()  # insert / drafting buttons (issue 7)
        blocks_layout.addLayout(self.block_tools)
        right_layout.addWidget(blocks_box)
        preview_box = QGroupBox("预览")
        preview_layout = QVBoxLayout(preview_box)
        self.preview = QTextBrowser()
        self.preview.setObjectName("block_preview")
        self.preview.setOpenExternalLinks(False)
        preview_layout.addWidget(self.preview)
        right_layout.addWidget(preview_box, 1)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)
        # data blocks, drafting, projects and scenario editors (issue 7)
        self.block_tools_controller = BlockTools(self, self)
        session.changed.connect(self._changed)
        self._update_status()
        self.render_preview()

    def _changed(self, changes: Changes) -> None:
        """An undo / redo (or a restore from the history) of this section's text shows the stored text."""
        if self.section.key in changes.sections:
            text = self.session.park.report.sections.get(self.section.key, "")
            if text != self.editor.toPlainText():
                self.editor.setPlainText(text)

    def retitle(self, outline: Outline) -> None:
        """Show the heading of ``outline`` (after the section was renamed or moved)."""
        self.section = outline.section(self.section.key)
        self.title_label.setText(page_heading(outline, self.section.key))

    def _edited(self) -> None:
        self.session.set_section_text(self.section.key, self.editor.toPlainText())
        self._update_status()
        self.render_preview()

    def _update_status(self) -> None:
        state = section_state(self.session.park, self.section)
        colour = state.colour.name()
        self.state_label.setText(f"状态：<span style='color:{colour}; font-weight:bold'>{state.value}</span>")
        self.count_label.setText(f"字数：{chinese_count(self.editor.toPlainText())} 字(汉字)")

    @property
    def state(self) -> FillState:
        return section_state(self.session.park, self.section)

    def render_preview(self) -> None:
        """The text with its data blocks rendered from current data (ui.report.blocks_panel)."""
        self.block_tools_controller.render()
