"""Settings: sampling, system prompt, device and precision, reasoning display, theme."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.settings import AppSettings, GenerationSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: AppSettings, model_defaults: dict[str, Any] | None,
                 parent: QWidget | None = None, context_note: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(520)
        self._settings = settings
        self._model_defaults = model_defaults or {}

        generation = QGroupBox(self.tr("Generation"))
        form = QFormLayout(generation)
        self.temperature = self._double("temperatureInput", 0.0, 2.0, 0.05, 2)
        self.top_p = self._double("topPInput", 0.01, 1.0, 0.01, 2)
        self.top_k = self._int("topKInput", 0, 1000)
        self.top_k.setSpecialValueText(self.tr("Off"))
        self.max_new_tokens = self._int("maxNewTokensInput", 1, 131072)
        self.repetition_penalty = self._double("repetitionPenaltyInput", 1.0, 2.0, 0.05, 2)
        self.do_sample = self._check("doSampleInput", self.tr("Sample (off: always the most "
                                                             "likely token)"))
        self.fixed_seed = self._check("fixedSeedInput", self.tr("Fixed seed"))
        self.seed = self._int("seedInput", 0, 2**31 - 1)
        self.fixed_seed.toggled.connect(self.seed.setEnabled)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.fixed_seed)
        seed_row.addWidget(self.seed, 1)
        self.context_limit = self._int("contextLimitInput", 0, 1_048_576)
        self.context_limit.setSpecialValueText(self.tr("Automatic"))
        self.context_note = QLabel(self.tr("Automatic: {why}").format(why=context_note)
                                   if context_note else self.tr(
            "Automatic: what fits in half of the free memory, up to the model's maximum "
            "(shown here once a model is open)."))
        self.context_note.setObjectName("contextLimitNote")
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

        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (generation, model, display, self.error, buttons):
            layout.addWidget(widget)
        for form_layout in (form, model_form, display_form):
            _name_fields_after_labels(form_layout)
        self._load(settings)
        # The wrapped notes make the minimum too small to read: open at the preferred size.
        self.resize(self.sizeHint())

    # ----- values --------------------------------------------------------------------------

    def _load(self, settings: AppSettings) -> None:
        self._load_generation(settings.generation)
        self._set_combo(self.device, settings.device)
        self._set_combo(self.dtype, settings.dtype)
        self.show_reasoning.setChecked(settings.show_reasoning)
        self.keep_reasoning_open.setChecked(settings.keep_reasoning_open)
        self._set_combo(self.theme, settings.theme)

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
        )
        return dataclasses.replace(
            self._settings, generation=generation, device=self.device.currentData(),
            dtype=self.dtype.currentData(), show_reasoning=self.show_reasoning.isChecked(),
            keep_reasoning_open=self.keep_reasoning_open.isChecked(),
            theme=self.theme.currentData())

    def reset_to_model_defaults(self) -> None:
        base = dataclasses.replace(GenerationSettings(),
                                   max_new_tokens=self.max_new_tokens.value(),
                                   context_limit=self.context_limit.value())
        self._load_generation(base.with_model_defaults(self._model_defaults))

    def accept(self) -> None:
        problems = self.settings().problems()
        if problems:
            self.error.setText(self.tr("Please correct: {problems}").format(
                problems="; ".join(problems.values())))
            self.error.show()
            return
        super().accept()

    # ----- widgets -------------------------------------------------------------------------

    def _double(self, name: str, low: float, high: float, step: float,
                decimals: int) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setSingleStep(step)
        box.setDecimals(decimals)
        box.setAccessibleName(name.removesuffix("Input"))
        return box

    def _int(self, name: str, low: int, high: int) -> QSpinBox:
        box = QSpinBox()
        box.setObjectName(name)
        box.setRange(low, high)
        box.setAccessibleName(name.removesuffix("Input"))
        return box

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
