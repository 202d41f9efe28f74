"""Override a factor: a value (typed or picked from the library's options) and the source it comes from."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.park.model import Raw
from forms.table.definition import Field
from forms.table.factors import CONFIDENCE_ZH, FactorValue, library
from forms.table.numbers import format_number, parse_number
from ui.common.widgets import ok_cancel
from ui.shell.session import text_from_raw


def describe_factor(fv: FactorValue) -> str:
    """Tooltip text: source, confidence and notes of the factor in use."""
    lines = []
    if fv.origin == "override":
        lines.append(f"用户填写的数值：{text_from_raw(fv.raw)}")
        lines.append(f"来源：{fv.source or '(未注明来源)'}")
        if fv.notes:
            lines.append(fv.notes)
    elif fv.origin == "none":
        lines.append(fv.source or "无默认值：须填写数值并注明来源")
    else:
        if fv.locked:
            lines.append("已锁定：本年度已定稿或已导出报送，按锁定时的因子计算")
        if fv.basis:
            lines.append(f"采用：{fv.basis}")
        lines.append(f"默认值出处：{fv.printed_source}")
        lines.append(f"可信度：{CONFIDENCE_ZH.get(fv.grade, fv.confidence)}")
        if fv.notes:
            lines.append(fv.notes)
    if fv.indicative:
        lines.append("示意值，仅供参考")
    if fv.error:
        lines.append(f"错误：{fv.error}")
    lines.append("双击或右键可修改数值及来源")
    return "\n".join(lines)


class FactorDialog(QDialog):
    """Returns (value raw, source) via :attr:`result_value`; ``None`` value means back to the default."""

    def __init__(self, field: Field, current: FactorValue, default: FactorValue, province: str | None, year: int,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.setWindowTitle(f"修改 {year} 年的{field.label}")
        self.result_value: tuple[Raw, str] | None = None
        layout = QVBoxLayout(self)
        default_text = "无" if default.value is None else format_number(default.value, field.decimals)
        basis = f"\n采用：{default.basis}" if default.basis else ""
        info = QLabel(f"默认值：{default_text} {field.unit}{basis}\n默认值出处：{default.printed_source or '—'}"
                      f"\n可信度：{CONFIDENCE_ZH.get(default.grade, default.confidence or '—')}")  # fmt: skip
        info.setWordWrap(True)
        layout.addWidget(info)
        form = QFormLayout()
        self.options = library().options(field, province, year)
        self.option_notes = QLabel("\n".join(library().option_notes(field, province, year)))
        self.option_notes.setWordWrap(True)
        if self.option_notes.text():
            layout.addWidget(self.option_notes)
        self.choice = QComboBox()
        self.choice.addItem("（自行填写）")
        for opt in self.options:
            self.choice.addItem(f"{format_number(opt.value, field.decimals)} — {opt.label}")
        self.choice.currentIndexChanged.connect(self._picked)
        if self.options:
            form.addRow("可选数值：", self.choice)
        else:
            self.choice.hide()
        self.value = QLineEdit(text_from_raw(current.raw) if current.origin == "override" else "")
        self.value.setPlaceholderText(f"数值（{field.unit}）")
        self.source = QLineEdit(current.source if current.origin == "override" else "")
        self.source.setPlaceholderText("例如：省统计局《能源统计年鉴》2020 年实测值")
        form.addRow(f"数值（{field.unit}）：", self.value)
        form.addRow("数据来源：", self.source)
        layout.addLayout(form)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #c62828;")
        layout.addWidget(self.message)
        buttons = ok_cancel(self, "确定", on_ok=self._accept)
        reset = QPushButton("恢复默认值")
        buttons.addButton(reset, QDialogButtonBox.ButtonRole.ResetRole)
        reset.clicked.connect(self._reset)
        layout.addWidget(buttons)
        self.resize(520, self.sizeHint().height())

    def _picked(self, index: int) -> None:
        if index <= 0:
            return
        opt = self.options[index - 1]
        self.value.setText(format_number(opt.value, None, grouping=False))
        self.source.setText(f"{opt.citation or opt.source}（{opt.label}，可信度 {opt.confidence}）")

    def _reset(self) -> None:
        self.result_value = (None, "")
        self.accept()

    def _accept(self) -> None:
        text = self.value.text()
        if not text.strip():
            self._reset()
            return
        parsed = parse_number(text)
        if parsed.error:
            self.message.setText(parsed.error)
            return
        if not self.source.text().strip():
            self.message.setText("请注明数据来源（改用非默认值时必须说明来源）")
            return
        self.result_value = (text, self.source.text().strip())
        self.accept()
