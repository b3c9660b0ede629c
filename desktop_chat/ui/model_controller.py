"""Opening models: which one at start, the folder dialog, progress, errors, consent.

Talks to the inference worker only through its signals and request methods (the worker
module itself is never imported here: it is handed in by app.py).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_chat.core.inference import LoadRequest, ModelInfo
from desktop_chat.core.settings import AppSettings


class SettingsHolder(Protocol):
    settings: AppSettings

    def update_settings(self, settings: AppSettings) -> None: ...


class ModelController(QObject):
    """Loads models through the worker and keeps the window and settings informed."""

    loading_started = Signal(str)  # model name
    loading_progressed = Signal(float, str)
    model_ready = Signal(object)  # ModelInfo
    loading_failed = Signal(str)  # message (the dialog has been shown)

    def __init__(self, worker: Any, holder: SettingsHolder, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.worker = worker
        self.holder = holder
        self.parent_widget = parent_widget
        self.model: ModelInfo | None = None
        self.loading: LoadRequest | None = None
        self._remember = True
        worker.load_progressed.connect(self.loading_progressed)
        worker.model_loaded.connect(self._on_model_loaded)
        worker.model_load_failed.connect(self._on_model_load_failed)
        worker.engine_failed.connect(self._on_engine_failed)  # a bound slot: queued here

    def open_initial(self, cli_model: str | None, demo_model: str | None) -> None:
        """At start: --model, else the last model, else the demo model (not remembered)."""
        last = self.holder.settings.last_model_path
        if cli_model:
            self.open(cli_model)
        elif last and Path(last).exists():
            self.open(last)
        elif demo_model and Path(demo_model).exists():
            self.open(demo_model, remember=False)

    def choose_and_open(self) -> None:
        start = self.holder.settings.last_model_path or str(Path.home())
        folder = QFileDialog.getExistingDirectory(
            self.parent_widget, self.tr("Open Model Folder"), start)
        if folder:
            self.open(folder)

    def choose_gguf_and_open(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self.parent_widget, self.tr("Open GGUF Model File"),
            self.holder.settings.last_model_path or str(Path.home()),
            self.tr("GGUF models (*.gguf)"))
        if file:
            self.open(file)

    def open(self, path: str, *, remember: bool = True, allow_remote_code: bool = False) -> None:
        settings = self.holder.settings
        self.loading = LoadRequest(path, settings.device, settings.dtype, allow_remote_code)
        self._remember = remember
        self.loading_started.emit(Path(path).name)
        self.worker.request_load(self.loading)

    def reload_with_settings(self) -> None:
        """Device or precision changed in the settings: load the same model again."""
        if self.model is not None:
            self.open(self.model.path, remember=False)

    def cancel(self) -> None:
        self.worker.cancel_load()

    def _on_model_loaded(self, info: ModelInfo) -> None:
        self.model = info
        self.loading = None
        settings = self.holder.settings
        if info.path not in settings.recent_models and info.model_defaults:
            # A model opened for the first time samples as its authors recommend
            # (generation_config.json); later changes in the settings are the user's.
            settings = dataclasses.replace(
                settings, generation=settings.generation.with_model_defaults(info.model_defaults))
        if self._remember:
            settings = settings.with_model_opened(info.path)
        if settings != self.holder.settings:
            self.holder.update_settings(settings)
        self.model_ready.emit(info)

    def _on_engine_failed(self, message: str, details: str) -> None:
        self._on_model_load_failed(message, details, False)

    def _on_model_load_failed(self, message: str, details: str, needs_consent: bool) -> None:
        request, self.loading = self.loading, None
        if needs_consent and request is not None and self._ask_consent(message, details):
            self.open(request.path, remember=self._remember, allow_remote_code=True)
            return
        self.loading_failed.emit(message)
        if message == "Loading was cancelled.":
            return
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("The model could not be opened"),
                          message, QMessageBox.StandardButton.Ok, self.parent_widget)
        box.setObjectName("modelErrorDialog")
        if self.model is not None:
            box.setInformativeText(self.tr("{name} is still open.").format(name=self.model.name))
        if details:
            box.setDetailedText(details)
        box.open()

    def _ask_consent(self, message: str, details: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Run the model's own code?"),
                          message, QMessageBox.StandardButton.Yes
                          | QMessageBox.StandardButton.No, self.parent_widget)
        box.setObjectName("remoteCodeDialog")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setDetailedText(details)
        return box.exec() == QMessageBox.StandardButton.Yes
