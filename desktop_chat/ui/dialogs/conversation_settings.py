"""One conversation's own system prompt and sampling, over the global defaults.

Each row has a check box: ticked, the conversation uses the value beside it; not ticked,
the global default (shown, greyed). The ranges are GenerationSettings' own; a value in the
file that is out of range (hand-edited) is named in the dialog and kept until replaced.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.conversation_settings import override_problems
from desktop_chat.core.settings import GenerationSettings
from desktop_chat.ui.widgets.number_inputs import decimal_input, whole_number_input
from desktop_chat.ui.widgets.plain_text import plain_label


class ConversationSettingsDialog(QDialog):
    def __init__(self, title: str, overrides: dict[str, Any], defaults: GenerationSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conversationSettingsDialog")
        self.setWindowTitle(self.tr("Conversation Settings"))
        self.defaults = defaults
        intro = plain_label(self.tr("Settings for “{title}” only. Unticked values follow the "
                               "global settings.").format(title=title))
        intro.setWordWrap(True)
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setObjectName("conversationSystemPrompt")
        self.system_prompt.setAccessibleName(self.tr("System prompt"))
        self.system_prompt.setFixedHeight(90)
        self.editors: dict[str, QWidget] = {
            "system_prompt": self.system_prompt,
            "temperature": decimal_input("conversationTemperature", 0.0, 2.0, 0.05, 2),
            "top_p": decimal_input("conversationTopP", 0.01, 1.0, 0.01, 2),
            "top_k": whole_number_input("conversationTopK", 0, 1000),
            "max_new_tokens": whole_number_input("conversationMaxTokens", 1, 131072),
            "repetition_penalty": decimal_input("conversationRepetitionPenalty", 1.0, 2.0, 0.05,
                                              2),
        }
        labels = {
            "system_prompt": self.tr("System prompt"),
            "temperature": self.tr("Temperature"),
            "top_p": self.tr("Top-p"),
            "top_k": self.tr("Top-k (0: off)"),
            "max_new_tokens": self.tr("Maximum reply length (tokens)"),
            "repetition_penalty": self.tr("Repetition penalty"),
        }
        self.checks: dict[str, QCheckBox] = {}
        form = QFormLayout()
        for key, editor in self.editors.items():
            check = QCheckBox(labels[key])
            check.setObjectName(f"{editor.objectName()}Override")
            check.setAccessibleName(self.tr("Use this conversation's {name}").format(
                name=labels[key]))
            check.toggled.connect(lambda on, k=key: self._on_toggled(k, on))
            self.checks[key] = check
            form.addRow(check, editor)
        self.problems = plain_label()
        self.problems.setObjectName("conversationSettingsProblems")
        self.problems.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self._show(overrides)

    def _show(self, overrides: dict[str, Any]) -> None:
        bad = override_problems(overrides)
        for key, check in self.checks.items():
            usable = key in overrides and key not in bad
            self._set_value(key, overrides[key] if usable else getattr(self.defaults, key))
            check.setChecked(usable)
            self._on_toggled(key, usable)
        if bad:
            self.problems.setText(self.tr("Not used, out of range in the file: {reasons}. "
                                          "OK replaces them.").format(
                reasons="; ".join(bad.values())))
        self.problems.setVisible(bool(bad))

    def _set_value(self, key: str, value: Any) -> None:
        editor = self.editors[key]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        else:
            editor.setValue(value)

    def _value(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QPlainTextEdit):
            return editor.toPlainText()
        return editor.value()

    def _on_toggled(self, key: str, on: bool) -> None:
        self.editors[key].setEnabled(on)
        if not on:  # shows what the conversation gets instead
            self._set_value(key, getattr(self.defaults, key))

    def overrides(self) -> dict[str, Any]:
        """The values ticked: the conversation's own settings."""
        return {key: self._value(key) for key, check in self.checks.items()
                if check.isChecked()}
