"""Model Info: what the open model is and how it runs (architecture, parameters, precision,
device, context, measured memory, chat template, generation defaults, path)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.inference import ENGINE_SERVER, ModelInfo
from desktop_chat.ui.language import translated
from desktop_chat.ui.widgets.plain_text import plain_label, plain_tooltip


def gigabytes(size: int) -> str:
    """A size for people: GB from one gigabyte, MB below (with a decimal under 10 MB)."""
    if size >= 2**30:
        return f"{size / 2**30:.2f} GB"
    return f"{size / 2**20:.1f} MB" if size < 10 * 2**20 else f"{size / 2**20:.0f} MB"


def parameters_text(count: int) -> str:
    if count >= 10**9:
        return f"{count / 10**9:.2f} B"
    if count >= 10**6:
        return f"{count / 10**6:.1f} M"
    return f"{count:,}"


class ModelInfoDialog(QDialog):
    def __init__(self, info: ModelInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelInfoDialog")
        self.setWindowTitle(self.tr("Model Info"))
        self.setMinimumWidth(560)
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        unknown = self.tr("unknown")
        self._row("modelInfoName", self.tr("Model"), info.name)
        self._row("modelInfoArchitecture", self.tr("Architecture"),
                  info.architecture or unknown)
        self._row("modelInfoParameters", self.tr("Parameters"),
                  parameters_text(info.parameter_count) if info.parameter_count else unknown)
        self._row("modelInfoEngine", self.tr("Engine"), info.engine)
        self._row("modelInfoPrecision", self.tr("Precision"),
                  translated(info.precision) or unknown)
        self._row("modelInfoDevice", self.tr("Device"), translated(info.device_name),
                  translated(info.reason))
        self._row("modelInfoContext", self.tr("Context length"),
                  self.tr("{tokens} tokens").format(tokens=f"{info.context_size:,}")
                  if info.context_size else unknown, translated(info.context_reason))
        self._row("modelInfoMemory", self.tr("Memory used"), self._memory(info))
        self._row("modelInfoDefaults", self.tr("Generation defaults"),
                  self._defaults(info))
        self._row("modelInfoPath", self.tr("Path"), info.path)

        self.template_view = QPlainTextEdit(info.chat_template)
        self.template_view.setObjectName("chatTemplateView")
        self.template_view.setAccessibleName(self.tr("Chat template"))
        self.template_view.setReadOnly(True)
        self.template_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.template_view.setMinimumHeight(180)
        self.template_view.hide()
        self.template_button = QPushButton(self.tr("Show Chat Template"))
        self.template_button.setObjectName("showChatTemplateButton")
        self.template_button.setAccessibleName(self.tr("Show chat template"))
        self.template_button.setCheckable(True)
        self.template_button.setEnabled(bool(info.chat_template))
        self.template_button.toggled.connect(self._show_template)
        if not info.chat_template:
            self.template_button.setToolTip(
                self.tr("The server applies its own template") if info.engine == ENGINE_SERVER
                else self.tr("This model has no chat template"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("modelInfoCloseButton")
        close.setAccessibleName(self.tr("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.template_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.template_view, 1)
        layout.addWidget(buttons)

    def _row(self, name: str, label: str, text: str, tooltip: str = "") -> QLabel:
        value = plain_label(text)  # names from the model's own config
        value.setObjectName(name)
        value.setAccessibleName(label)
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if tooltip:
            value.setToolTip(plain_tooltip(tooltip))
        self.form.addRow(label, value)
        return value

    def _memory(self, info: ModelInfo) -> str:
        if info.engine == ENGINE_SERVER:
            return self.tr("on the server")
        measured = info.memory_measured_bytes
        held = info.memory_bytes
        if measured and held:
            return self.tr("{measured} measured at load ({held} for weights and cache)").format(
                measured=gigabytes(measured), held=gigabytes(held))
        return gigabytes(measured or held) if measured or held else self.tr("unknown")

    def _defaults(self, info: ModelInfo) -> str:
        if not info.model_defaults:
            return self.tr("none (the app's settings apply)")
        return ", ".join(f"{key} {value}" for key, value in sorted(info.model_defaults.items()))

    def _show_template(self, shown: bool) -> None:
        self.template_view.setVisible(shown)
        self.template_button.setText(self.tr("Hide Chat Template") if shown
                                     else self.tr("Show Chat Template"))
        self.adjustSize()
