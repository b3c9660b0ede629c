"""Opening models: which one at start, the file dialogs, servers, errors, consent.

The window shows what the worker says is true: its ``ModelState`` (what is open, what is
loading). The worker's facts (a model loaded, a load failed) drive what happens next:
remembering the model in the settings, an error dialog, a question to the user.
Talks to the worker only through its signals and request methods (the worker module
itself is never imported here: it is handed in by app.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop_chat.core.inference import (
    REMEDY_RELEASE_CURRENT,
    REMEDY_REMOTE_CODE,
    LoadFailure,
    LoadRequest,
    ModelInfo,
    ModelState,
)
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.settings import AppSettings
from desktop_chat.ui.language import translated


class SettingsHolder(Protocol):
    settings: AppSettings

    def update_settings(self, settings: AppSettings) -> None: ...


class ModelController(QObject):
    """Loads models through the worker and keeps the window and settings informed."""

    state_changed = Signal(object)  # ModelState, the newest only
    loading_progressed = Signal(float, object)  # fraction, what happens (a message)
    model_ready = Signal(object)  # ModelInfo: a load finished
    loading_failed = Signal(object)  # LoadFailure (any dialog has been shown)

    def __init__(self, worker: Any, holder: SettingsHolder, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.worker = worker
        self.holder = holder
        self.parent_widget = parent_widget
        self.state = ModelState()
        self._remember: dict[int, bool] = {}  # load id -> remember in Recent Models
        self._engine_broken = False  # the engine could not start: said once, in a dialog
        worker.model_state_changed.connect(self._on_model_state_changed)
        worker.load_progressed.connect(self.loading_progressed)
        worker.model_loaded.connect(self._on_model_loaded)
        worker.model_load_failed.connect(self._on_model_load_failed)
        worker.engine_failed.connect(self._on_engine_failed)  # a bound slot: queued here

    @property
    def model(self) -> ModelInfo | None:
        """The model that answers now (it stays open while another loads)."""
        return self.state.current

    @property
    def loading(self) -> LoadRequest | None:
        return self.state.loading

    # ----- opening -------------------------------------------------------------------------

    def open_initial(self, cli_model: str | None, demo_model: str | None) -> None:
        """At start: --model (or --server), else the last model, else the demo model."""
        last = self.holder.settings.last_model_path
        if cli_model:
            self.open(cli_model)
        elif last and (ModelSource.parse(last).is_server or Path(last).exists()):
            self.open(last)
        elif demo_model and Path(demo_model).exists():
            self.open(demo_model, remember=False)

    def choose_and_open(self) -> None:
        start = self._last_local_folder()
        folder = QFileDialog.getExistingDirectory(
            self.parent_widget, self.tr("Open Model Folder"), start)
        if folder:
            self.open(folder)

    def choose_gguf_and_open(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self.parent_widget, self.tr("Open GGUF Model File"), self._last_local_folder(),
            self.tr("GGUF models (*.gguf)"))
        if file:
            self.open(file)

    def open(self, source: str | ModelSource, *, remember: bool = True,
             allow_remote_code: bool = False, release_current: bool = False) -> None:
        if not self.worker.running:
            return  # the window is closing: nothing would ever load it
        if isinstance(source, str):
            source = ModelSource.parse(source)
        settings = self.holder.settings
        request = LoadRequest(source, settings.device, settings.dtype, allow_remote_code,
                              release_current, settings.generation.context_limit)
        load_id = self.worker.request_load(request)
        self._remember = {load_id: remember}  # older loads are superseded: they stay silent

    def reload_with_settings(self) -> None:
        """Device, precision or context changed in the settings: load the same model again."""
        if self.model is not None:
            self.open(self.model.source, remember=False)

    def cancel(self) -> None:
        self.worker.cancel_load()

    def _last_local_folder(self) -> str:
        for entry in (self.holder.settings.last_model_path,
                      *self.holder.settings.recent_models):
            if entry and not ModelSource.parse(entry).is_server:
                return entry
        return str(Path.home())

    # ----- what the worker says ------------------------------------------------------------

    def _on_model_state_changed(self, state: ModelState) -> None:
        if state.revision <= self.state.revision:
            return  # a late state from the worker thread, already overtaken
        self.state = state
        self.state_changed.emit(state)

    def _on_model_loaded(self, info: ModelInfo, load_id: int) -> None:
        remember = self._remember.pop(load_id, True)
        settings = self.holder.settings
        if info.path not in settings.recent_models and info.model_defaults:
            # A model opened for the first time samples as its authors recommend
            # (generation_config.json); later changes in the settings are the user's.
            settings = dataclasses.replace(
                settings, generation=settings.generation.with_model_defaults(info.model_defaults))
        if remember:
            settings = settings.with_model_opened(info.path)
        if settings != self.holder.settings:
            self.holder.update_settings(settings)
        self.model_ready.emit(info)

    def _on_engine_failed(self, message: str, details: str) -> None:
        self._engine_broken = True
        self._show_failure(LoadFailure(message, details))
        self.loading_failed.emit(LoadFailure(message, details))

    def _on_model_load_failed(self, failure: LoadFailure) -> None:
        request = failure.request
        remember = self._remember.pop(failure.load_id, True)
        self.loading_failed.emit(failure)
        if failure.cancelled or request is None:
            return
        if failure.remedy == REMEDY_REMOTE_CODE:
            self._ask(self.tr("Run the model's own code?"), failure, "remoteCodeDialog",
                      lambda: self.open(request.source, remember=remember,
                                        allow_remote_code=True))
        elif failure.remedy == REMEDY_RELEASE_CURRENT:
            self._ask(self.tr("Close the open model?"), failure, "releaseModelDialog",
                      lambda: self.open(request.source, remember=remember,
                                        allow_remote_code=request.allow_remote_code,
                                        release_current=True))
        elif not self._engine_broken:  # that dialog said it all already
            self._show_failure(failure)

    def _show_failure(self, failure: LoadFailure) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("The model could not be opened"),
                          translated(failure.message), QMessageBox.StandardButton.Ok,
                          self.parent_widget)
        box.setObjectName("modelErrorDialog")
        if self.model is not None:
            box.setInformativeText(self.tr("{name} is still open.").format(name=self.model.name))
        else:
            box.setInformativeText(self.tr("No model is open."))
        if failure.details:
            box.setDetailedText(translated(failure.details))
        box.open()

    def _ask(self, title: str, failure: LoadFailure, name: str,
             on_yes: Callable[[], None]) -> QMessageBox:
        """A question that does not block (no nested event loop): ``on_yes`` runs when the
        user agrees, unless the window has closed meanwhile (``open`` checks)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, translated(failure.message),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                          self.parent_widget)
        box.setObjectName(name)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if failure.details:
            box.setDetailedText(translated(failure.details))
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: button is yes and on_yes())
        box.open()
        return box
