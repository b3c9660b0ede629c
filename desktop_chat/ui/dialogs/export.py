"""Export Conversation's first question: which format, and whether answers keep their
thinking (then a file dialog asks where)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

MARKDOWN, JSON, PDF = "markdown", "json", "pdf"
SUFFIXES = {MARKDOWN: ".md", JSON: ".json", PDF: ".pdf"}


class ExportDialog(QDialog):
    """The format of an export, and whether answers keep their thinking."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export Conversation"))
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormatCombo")
        self.format_combo.setAccessibleName(self.tr("Export format"))
        self.format_combo.addItem(self.tr("Markdown (the conversation shown)"), MARKDOWN)
        self.format_combo.addItem(self.tr("JSON (everything, every version)"), JSON)
        self.format_combo.addItem(self.tr("PDF (the conversation shown)"), PDF)
        self.thinking_check = QCheckBox(self.tr("Include the thinking"))
        self.thinking_check.setObjectName("exportThinkingCheck")
        self.thinking_check.setAccessibleName(self.tr("Include the thinking"))
        self.thinking_check.setChecked(True)
        self.format_combo.currentIndexChanged.connect(self._update)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("exportButtons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Format:"), self.format_combo)
        form.addRow("", self.thinking_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def format(self) -> str:
        return self.format_combo.currentData()

    def set_format(self, name: str) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(name))

    @property
    def include_thinking(self) -> bool:
        return self.thinking_check.isChecked()

    def _update(self) -> None:
        # The JSON file is the conversation itself: thinking and all, nothing to choose.
        self.thinking_check.setEnabled(self.format != JSON)
