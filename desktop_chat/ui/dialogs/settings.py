"""Settings: sampling, system prompt, device and precision, reasoning display, theme."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.settings import AppSettings, GenerationSettings
from desktop_chat.ui.language import LANGUAGES, translated
from desktop_chat.ui.language import SYSTEM as SYSTEM_LANGUAGE
from desktop_chat.ui.widgets.number_inputs import decimal_input, whole_number_input
from desktop_chat.ui.widgets.plain_text import plain_label


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, model_defaults: dict[str, Any] | None,
                 parent: QWidget | None = None, context_note: str = "",
                 models_dir_default: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)
        self._settings = settings
        self._model_defaults = model_defaults or {}

        generation = QGroupBox(self.tr("Generation"))
        form = QFormLayout(generation)
        self.temperature = decimal_input("temperatureInput", 0.0, 2.0, 0.05, 2)
        self.top_p = decimal_input("topPInput", 0.01, 1.0, 0.01, 2)
        self.top_k = whole_number_input("topKInput", 0, 1000)
        self.top_k.setSpecialValueText(self.tr("Off"))
        self.max_new_tokens = whole_number_input("maxNewTokensInput", 1, 131072)
        self.repetition_penalty = decimal_input("repetitionPenaltyInput", 1.0, 2.0, 0.05, 2)
        self.do_sample = self._check("doSampleInput", self.tr("Sample (off: always the most "
                                                             "likely token)"))
        self.fixed_seed = self._check("fixedSeedInput", self.tr("Fixed seed"))
        self.seed = whole_number_input("seedInput", 0, 2**31 - 1)
        self.fixed_seed.toggled.connect(self.seed.setEnabled)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.fixed_seed)
        seed_row.addWidget(self.seed, 1)
        self.context_limit = whole_number_input("contextLimitInput", 0, 1_048_576)
        self.context_limit.setSpecialValueText(self.tr("Automatic"))
        self.context_note = plain_label(self.tr("Automatic: {why}").format(why=context_note)
                                   if context_note else self.tr(
            "Automatic: what fits in half of the free memory, up to the model's maximum "
            "(shown here once a model is open)."))
        self.context_note.setObjectName("contextLimitNote")
        self.thinking_budget = whole_number_input("thinkingBudgetInput", 0, 131072)
        self.thinking_budget.setSpecialValueText(self.tr("No limit"))
        self.thinking_budget.setToolTip(self.tr(
            "After this many thinking tokens the model is made to close its thinking and "
            "answer, as Answer now does. Models on a server are not limited."))
        self.context_note.setWordWrap(True)
        self.system_prompt = QPlainTextEdit()
        self.system_prompt.setObjectName("systemPromptInput")
        self.system_prompt.setAccessibleName(self.tr("System prompt"))
        self.system_prompt.setPlaceholderText(self.tr("None"))
        self.system_prompt.setFixedHeight(80)
        self.defaults_button = QPushButton(self.tr("Model defaults"))
        self.defaults_button.setObjectName("modelDefaultsButton")
        self.defaults_button.setAccessibleName(self.tr("Reset to the model's defaults"))
        self.defaults_button.setToolTip(self.tr(
            "The sampling values in the model's generation_config.json. DeepSeek recommends "
            "temperature 0.6, top-p 0.95 and no system prompt for its R1 distilled models."))
        self.defaults_button.clicked.connect(self.reset_to_model_defaults)
        form.addRow(self.tr("Temperature"), self.temperature)
        form.addRow(self.tr("Top-p"), self.top_p)
        form.addRow(self.tr("Top-k"), self.top_k)
        form.addRow(self.tr("Repetition penalty"), self.repetition_penalty)
        form.addRow(self.tr("Maximum reply length (tokens)"), self.max_new_tokens)
        form.addRow(self.tr("Context limit (tokens)"), self.context_limit)
        form.addRow("", self.context_note)
        form.addRow(self.tr("Thinking budget (tokens)"), self.thinking_budget)
        form.addRow("", self.do_sample)
        form.addRow(self.tr("Seed"), seed_row)
        form.addRow(self.tr("System prompt"), self.system_prompt)
        form.addRow("", self.defaults_button)

        model = QGroupBox(self.tr("Model"))
        model_form = QFormLayout(model)
        self.device = self._combo("deviceInput", [
            ("auto", self.tr("Automatic")), ("cuda", self.tr("NVIDIA GPU (CUDA)")),
            ("mps", self.tr("Apple GPU (Metal)")), ("xpu", self.tr("Intel GPU (XPU)")),
            ("cpu", self.tr("CPU"))])
        self.dtype = self._combo("dtypeInput", [
            ("auto", self.tr("Automatic")), ("bfloat16", "bfloat16"), ("float16", "float16"),
            ("float32", "float32"),
            ("int4", self.tr("int4 (CPU only, about 3x faster than bfloat16)"))])
        model_form.addRow(self.tr("Device"), self.device)
        model_form.addRow(self.tr("Precision"), self.dtype)
        note = QLabel(self.tr("Changing these reloads the model. They apply to model "
                              "folders (transformers); GGUF files run as they are."))
        note.setWordWrap(True)
        note.setObjectName("reloadNote")
        model_form.addRow("", note)
        model_form.addRow(self.tr("Models folder"), self._models_folder_row(models_dir_default))

        display = QGroupBox(self.tr("Display"))
        display_form = QFormLayout(display)
        self.show_reasoning = self._check("showReasoningInput", self.tr("Show the model's "
                                                                        "thinking"))
        self.keep_reasoning_open = self._check("keepReasoningOpenInput", self.tr(
            "Keep thinking open when the answer starts"))
        self.theme = self._combo("themeInput", [
            ("system", self.tr("Follow the system")), ("light", self.tr("Light")),
            ("dark", self.tr("Dark"))])
        display_form.addRow("", self.show_reasoning)
        display_form.addRow("", self.keep_reasoning_open)
        display_form.addRow(self.tr("Theme"), self.theme)
        self.alternatives = whole_number_input("alternativesInput", 2, 4)
        self.alternatives.setToolTip(self.tr("How many answers Generate answers writes at "
                                             "once, as versions of one answer."))
        display_form.addRow(self.tr("Answers to generate"), self.alternatives)
        self.language = self._combo("languageInput", [
            (SYSTEM_LANGUAGE, self.tr("Follow the system")),
            *((code, name) for code, name in LANGUAGES.items())])
        self.language.setToolTip(self.tr("Takes effect the next time Desktop Chat starts."))
        display_form.addRow(self.tr("Language"), self.language)
        self.language_note = QLabel(self.tr("Restart Desktop Chat to see the new language."))
        self.language_note.setObjectName("languageRestartNote")
        self.language_note.setWordWrap(True)
        self.language_note.hide()
        self.language.currentIndexChanged.connect(lambda: self.language_note.setVisible(
            self.language.currentData() != self._settings.language))
        display_form.addRow("", self.language_note)

        self.error = plain_label()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        sections = QWidget()
        sections_layout = QVBoxLayout(sections)
        sections_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (generation, model, display):
            sections_layout.addWidget(widget)
        # The sections scroll: all of them are taller than a small laptop screen.
        scroll = QScrollArea()
        scroll.setObjectName("settingsSections")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(sections)
        layout = QVBoxLayout(self)
        for widget in (scroll, self.error, buttons):
            layout.addWidget(widget)
        for form_layout in (form, model_form, display_form):
            _name_fields_after_labels(form_layout)
        self._load(settings)
        # The wrapped notes make the minimum too small to read: open at the preferred size,
        # as tall as the screen allows.
        self.resize(self._opening_size(sections, scroll))

    def _opening_size(self, sections: QWidget, scroll: QScrollArea) -> QSize:
        wanted = sections.sizeHint()
        margins = self.layout().contentsMargins()
        extra_height = (self.sizeHint().height() - scroll.sizeHint().height())
        width = (wanted.width() + scroll.verticalScrollBar().sizeHint().width()
                 + margins.left() + margins.right())
        height = wanted.height() + extra_height
        screen = self.screen() or QApplication.primaryScreen()
        if screen is not None:
            height = min(height, int(screen.availableGeometry().height() * 0.9))
        return QSize(width, height)

    # ----- values --------------------------------------------------------------------------

    def _load(self, settings: AppSettings) -> None:
        self._load_generation(settings.generation)
        self._set_combo(self.device, settings.device)
        self._set_combo(self.dtype, settings.dtype)
        self.show_reasoning.setChecked(settings.show_reasoning)
        self.keep_reasoning_open.setChecked(settings.keep_reasoning_open)
        self.alternatives.setValue(settings.alternatives)
        self._set_combo(self.theme, settings.theme)
        self._set_combo(self.language, settings.language)
        self.models_dir.setText(settings.models_dir or "")

    def _load_generation(self, g: GenerationSettings) -> None:
        self.temperature.setValue(g.temperature)
        self.top_p.setValue(g.top_p)
        self.top_k.setValue(g.top_k)
        self.max_new_tokens.setValue(g.max_new_tokens)
        self.repetition_penalty.setValue(g.repetition_penalty)
        self.do_sample.setChecked(g.do_sample)
        self.fixed_seed.setChecked(g.seed is not None)
        self.seed.setEnabled(g.seed is not None)
        self.seed.setValue(g.seed or 0)
        self.context_limit.setValue(g.context_limit)
        self.thinking_budget.setValue(g.thinking_budget)
        self.system_prompt.setPlainText(g.system_prompt)

    def settings(self) -> AppSettings:
        """The settings as entered (not yet validated)."""
        generation = GenerationSettings(
            temperature=round(self.temperature.value(), 4), top_p=round(self.top_p.value(), 4),
            top_k=self.top_k.value(), max_new_tokens=self.max_new_tokens.value(),
            repetition_penalty=round(self.repetition_penalty.value(), 4),
            do_sample=self.do_sample.isChecked(),
            seed=self.seed.value() if self.fixed_seed.isChecked() else None,
            system_prompt=self.system_prompt.toPlainText(),
            context_limit=self.context_limit.value(),
            thinking_budget=self.thinking_budget.value(),
        )
        return dataclasses.replace(
            self._settings, generation=generation, device=self.device.currentData(),
            dtype=self.dtype.currentData(), show_reasoning=self.show_reasoning.isChecked(),
            keep_reasoning_open=self.keep_reasoning_open.isChecked(),
            alternatives=self.alternatives.value(),
            theme=self.theme.currentData(), language=self.language.currentData(),
            models_dir=self.models_dir.text().strip() or None)

    def reset_to_model_defaults(self) -> None:
        base = dataclasses.replace(GenerationSettings(),
                                   max_new_tokens=self.max_new_tokens.value(),
                                   context_limit=self.context_limit.value(),
                                   thinking_budget=self.thinking_budget.value())
        self._load_generation(base.with_model_defaults(self._model_defaults))

    def accept(self) -> None:
        problems = self.settings().problems()
        if problems:
            self.error.setText(self.tr("Please correct: {problems}").format(
                problems=self.tr("; ").join(translated(p) for p in problems.values())))
            self.error.show()
            return
        super().accept()

    # ----- widgets -------------------------------------------------------------------------

    def _models_folder_row(self, default: str) -> QWidget:
        """Where downloaded models go: empty means the default, shown as the placeholder."""
        self.models_dir = QLineEdit()
        self.models_dir.setObjectName("modelsFolderInput")
        self.models_dir.setPlaceholderText(default)
        self.models_dir.setToolTip(self.tr("Models downloaded with Get a Model go here."))
        choose = QPushButton(self.tr("Choose…"))
        choose.setObjectName("chooseModelsFolderButton")
        choose.setAccessibleName(self.tr("Choose the models folder"))
        choose.clicked.connect(lambda: self._choose_models_folder(default))
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.models_dir, 1)
        box.addWidget(choose)
        return row

    def _choose_models_folder(self, default: str) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Models Folder"), self.models_dir.text() or default)
        if folder:
            self.models_dir.setText(folder)

    def _check(self, name: str, text: str) -> QCheckBox:
        box = QCheckBox(text)
        box.setObjectName(name)
        box.setAccessibleName(text)
        return box

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.setAccessibleName(name.removesuffix("Input"))
        for value, label in items:
            box.addItem(label, value)
        return box

    @staticmethod
    def _set_combo(box: QComboBox, value: str) -> None:
        index = box.findData(value)
        box.setCurrentIndex(max(index, 0))


def _name_fields_after_labels(form: QFormLayout) -> None:
    """Screen readers announce each field by the label shown beside it."""
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label is None or field is None or not isinstance(label.widget(), QLabel):
            continue
        text = label.widget().text()
        widget = field.widget()
        if text and widget is not None:
            widget.setAccessibleName(text)
            label.widget().setBuddy(widget)
