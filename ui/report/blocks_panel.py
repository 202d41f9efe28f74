"""Data-block tools on a report section page (ui.report.report_page.ReportSectionPage).

:class:`BlockTools` (built by the page) adds to it: real labels in the block list, 插入到光标处 (also a double click),
生成段落 for the sections that can be drafted, the projects editor (ch6.9) and the scenario editor (the
projection section), a preview that re-renders from current data whenever a value, factor, project or
scenario changes, and the editor's chips (their readings follow the same data).  What is special to the
专项报告 or to an annual chapter comes from the page's source (ui.report.sources).
"""

from __future__ import annotations

from html import escape as html_escape
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from forms.report.drafting import Draft
from forms.report.markers import Block, ChartBlock, MissingBlock, TableBlock, ValueBlock, marker
from forms.report.outline import OutlineSection
from ui.report.block_view import render_into
from ui.report.marker_edit import MarkerTextEdit
from ui.report.progress_editor import ProgressEditor
from ui.report.projects_editor import ProjectsEditor
from ui.report.scenario_editor import ScenarioEditor
from ui.shell.changes import Changes
from ui.shell.session import ParkSession

if TYPE_CHECKING:
    from ui.report.sources import SpecialReport

PREVIEW_DELAY_MS = 150
BLOCK_ROLE = Qt.ItemDataRole.UserRole


class SectionPage(Protocol):
    """What the tools use of a report section page (ui.report.report_page.ReportSectionPage, which builds them)."""

    session: ParkSession
    section: OutlineSection
    source: SpecialReport
    block_list: QListWidget
    block_tools: QHBoxLayout
    checks_box: QVBoxLayout
    projects_host: QGroupBox | None
    editors_host: QWidget | None  # above the text: the projects and scenario editors
    editor: MarkerTextEdit
    preview: QTextBrowser

    def isVisible(self) -> bool: ...


class DraftDialog(QDialog):
    """Shows a proposed paragraph (numbers rendered from current data) before it is inserted."""

    def __init__(self, draft: Draft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("生成段落")
        self.resize(640, 360)
        layout = QVBoxLayout(self)
        hint = QLabel("根据当前数据生成的段落如下。插入后可自由修改；其中的数字为数据块，数据变化时自动更新。")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        view = QTextBrowser()
        view.setPlainText(draft.preview)
        layout.addWidget(view, 1)
        buttons = QDialogButtonBox()
        buttons.addButton("插入到光标处", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class BlockTools(QObject):
    """Controller living on one report section page."""

    def __init__(self, page: SectionPage, owner: QWidget) -> None:
        super().__init__(owner)
        self.page = page
        self.owner = owner  # the page as a widget: parent of the dialogs
        self.session = page.session
        self.section = page.section
        self.source = page.source
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.render)
        self._stale = False
        owner.installEventFilter(self)
        self._relabel()
        page.block_list.itemDoubleClicked.connect(self._insert_item)
        self.insert_button = QPushButton("插入到光标处")
        self.insert_button.setObjectName("insert_block")
        self.insert_button.setEnabled(bool(self.section.blocks))
        self.insert_button.clicked.connect(self.insert_selected)
        page.block_tools.addWidget(self.insert_button)
        self.draft_button: QPushButton | None = None
        if self.source.can_draft(self.section.key):
            self.draft_button = QPushButton("生成段落…")
            self.draft_button.setObjectName("draft_paragraph")
            self.draft_button.setToolTip("根据数据生成一段文字（数字保持与数据联动），确认后插入到光标处")
            self.draft_button.clicked.connect(self.propose_draft)
            page.block_tools.addWidget(self.draft_button)
        page.block_tools.addStretch(1)
        self.projects_editor = None
        if page.projects_host is not None:
            host_layout = page.projects_host.layout()
            assert host_layout is not None  # the report page gives the host its layout
            # the list and each year's progress on two tabs: at 1366×768 one table at a time has the room
            tabs = QTabWidget()
            tabs.setObjectName("projects_tabs")
            self.projects_editor = ProjectsEditor(self.session)
            tabs.addTab(self.projects_editor, "项目清单")
            self.progress_editor = ProgressEditor(self.session)
            tabs.addTab(self.progress_editor, "项目年度进展")
            host_layout.addWidget(tabs)
        self.scenario_editor = None
        if self.section.has_scenarios:
            box = QGroupBox("情景设置（基准年起各时段年均变化）")
            box.setObjectName("scenario_host")
            box_layout = QVBoxLayout(box)
            self.scenario_editor = ScenarioEditor(self.session)
            box_layout.addWidget(self.scenario_editor)
            editors_layout = page.editors_host.layout() if page.editors_host is not None else None
            assert editors_layout is not None  # the report page gives a section with scenarios its editors host
            editors_layout.addWidget(box)
        self.check_label = QLabel("")
        self.check_label.setObjectName("section_check")
        self.check_label.setWordWrap(True)
        page.checks_box.addWidget(self.check_label)
        self.session.changed.connect(self._changed)
        page.editor.focus_left.connect(self._text_left)

    def _relabel(self) -> None:
        """Fill the section's block list with real labels, plus the value blocks its requirements ask for."""
        blocks = self.source.blocks(self.section)
        lst = self.page.block_list
        if not blocks:
            return
        lst.clear()
        lst.setEnabled(True)
        for block_id, label in blocks:
            item = QListWidgetItem(label)
            item.setData(self._role(), block_id)
            item.setToolTip(f"双击插入；标记：{marker(block_id)}")
            lst.addItem(item)

    @staticmethod
    def _role() -> int:
        return int(BLOCK_ROLE)

    # -- inserting ----------------------------------------------------------------------------------
    def insert_block(self, block_id: str) -> None:
        """Insert ``{{block_id}}`` at the cursor; tables and charts go on a line of their own."""
        editor = self.page.editor
        cursor = editor.textCursor()
        text = marker(block_id)
        if not block_id.startswith("value."):
            before = cursor.block().text()[: cursor.positionInBlock()]
            text = ("\n" if before.strip() else "") + text + "\n"
        editor.insert_markup(text)
        editor.setFocus()

    def _insert_item(self, item: QListWidgetItem) -> None:
        block_id = item.data(self._role())
        if isinstance(block_id, str):
            self.insert_block(block_id)

    def insert_selected(self) -> None:
        item = self.page.block_list.currentItem() or (
            self.page.block_list.item(0) if self.page.block_list.count() else None
        )
        if item is not None:
            self._insert_item(item)

    def current_draft(self) -> Draft:
        return self.source.draft(self.section.key, self.session.park, self.session.park_result())

    def insert_draft(self, draft: Draft) -> None:
        if draft.text:
            self.page.editor.insert_markup(draft.text)

    def propose_draft(self) -> None:
        draft = self.current_draft()
        if not draft.text:
            QMessageBox.information(self.owner, "生成段落", draft.problem)
            return
        dialog = DraftDialog(draft, self.owner)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.insert_draft(draft)

    # -- preview ------------------------------------------------------------------------------------
    def schedule(self, *_args: object) -> None:
        """Re-render soon; a page that is not shown re-renders when it is shown again."""
        if self.page.isVisible():
            self._timer.start()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parent() and event.type() == QEvent.Type.Show and self._stale:
            self._timer.start()
        return False

    def _changed(self, changes: Changes) -> None:
        """Data, projects, scenarios, the outline or another section's text feed this page's blocks (its own
        text re-renders as it is typed)."""
        if self.source.feeds(changes, self.section.key):
            self.schedule()

    def _text_left(self) -> None:
        self.session.refresh_figure_snapshot()

    def render(self) -> str:
        self._timer.stop()
        self._stale = False
        park = self.session.park
        result = self.session.park_result()  # computed once per change
        resolver = self.source.resolver(park, result)
        html = render_into(self.page.preview, self.page.editor.toPlainText(), park, result, resolver)
        self.page.editor.set_labeller(lambda block_id: chip_reading(resolver.resolve(block_id)))
        self.show_checks(self.source.checks(park, result, self.section.key, resolver))
        return html

    def show_checks(self, messages: list[tuple[str, str]]) -> None:
        """Figures that disagree with the data and missing required elements of this section."""
        if not messages:
            self.check_label.setText("")
            return
        lines = [f"<span style='color:{'#b00020' if level == 'warning' else '#8a5a00'}'>· {html_escape(m)}</span>"
                 for level, m in messages]  # fmt: skip
        self.check_label.setText("<b>本节检查：</b><br/>" + "<br/>".join(lines))


def chip_reading(block: Block) -> tuple[str, str]:
    """What a chip in the editor shows for a block: (text, kind) — the figure of a value, 〔表：title〕 …"""
    if isinstance(block, ValueBlock):
        return block.text, "value"
    if isinstance(block, TableBlock):
        return f"〔表：{block.title}〕", "table"
    if isinstance(block, ChartBlock):
        return f"〔图：{block.title}〕", "chart"
    if isinstance(block, MissingBlock):
        return f"【{block.reason}】", "missing"
    return str(block), "table"


__all__ = ["BLOCK_ROLE", "BlockTools", "DraftDialog", "SectionPage", "chip_reading"]
