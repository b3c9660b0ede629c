"""Opening models: which one at start, reloading with new settings, what a failure asks.

The window shows what the worker says is true: its ``ModelState`` (what is open, what is
loading). The worker's facts (a model loaded, a load failed) drive what happens next:
remembering the model in the settings, and saying what the user should read or decide
(``failure_to_show``, ``consent_needed``), which the window turns into dialogs.
Talks to the worker only through ui/ports.py's ``InferencePort``, handed in by app.py.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal

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
from desktop_chat.ui.ports import InferencePort


class SettingsHolder(Protocol):
    settings: AppSettings

    def update_settings(self, settings: AppSettings) -> None: ...


class ModelController(QObject):
    """Loads models through the worker and keeps the window and settings informed."""

    state_changed = Signal(object)  # ModelState, the newest only
    loading_progressed = Signal(float, object)  # fraction, what happens (a message)
    model_ready = Signal(object)  # ModelInfo: a load finished
    loading_failed = Signal(object)  # LoadFailure, whatever it was
    failure_to_show = Signal(object)  # LoadFailure the user should read
    # LoadFailure with a remedy (run the model's own code, close the open model) that
    # needs the user's yes: ``retry_with_remedy(failure)`` then opens it again.
    consent_needed = Signal(object)

    def __init__(self, worker: InferencePort, holder: SettingsHolder,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.holder = holder
        self.state = ModelState()
        self._remember: dict[int, bool] = {}  # load id -> remember in Recent Models
        self._remember_retry: dict[int, bool] = {}  # the same, for a failed load's retry
        self._engine_broken = False  # the engine could not start: said once
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

    def open(self, source: str | ModelSource, *, remember: bool = True,
             allow_remote_code: bool = False, release_current: bool = False) -> None:
        if not self.worker.running:
            return  # the window is closing: nothing would ever load it
        if isinstance(source, str):
            source = ModelSource.parse(source)
        settings = self.holder.settings
        # A folder whose fast copy the user chose opens through it (controllers/fast_copy.py).
        fast_copy = settings.fast_copy_choices.get(source.to_string()) is True
        request = LoadRequest(source, settings.device, settings.dtype, allow_remote_code,
                              release_current, settings.generation.context_limit, fast_copy)
        load_id = self.worker.request_load(request)
        self._remember = {load_id: remember}  # older loads are superseded: they stay silent

    def reload_with_settings(self) -> None:
        """Device, precision or context changed in the settings: load the same model again."""
        if self.model is not None:
            self.open(self.model.source, remember=False)

    def cancel(self) -> None:
        self.worker.cancel_load()

    def last_local_folder(self) -> str:
        """Where a file dialog for a model starts: the last model on this disk."""
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
        failure = LoadFailure(message, details)
        self.failure_to_show.emit(failure)
        self.loading_failed.emit(failure)

    def _on_model_load_failed(self, failure: LoadFailure) -> None:
        remember = self._remember.pop(failure.load_id, True)
        self.loading_failed.emit(failure)
        if failure.cancelled or failure.request is None:
            return
        if failure.remedy in (REMEDY_REMOTE_CODE, REMEDY_RELEASE_CURRENT):
            self._remember_retry[failure.load_id] = remember
            self.consent_needed.emit(failure)
        elif not self._engine_broken:  # that message said it all already
            self.failure_to_show.emit(failure)

    def retry_with_remedy(self, failure: LoadFailure) -> None:
        """The user agreed to what ``failure`` asked (``consent_needed``): open its model
        again, with the model's own code or after closing the open model. Nothing happens
        if the window has closed meanwhile (``open`` checks)."""
        request = failure.request
        if request is None:
            return
        remember = self._remember_retry.pop(failure.load_id, True)
        if failure.remedy == REMEDY_REMOTE_CODE:
            self.open(request.source, remember=remember, allow_remote_code=True)
        elif failure.remedy == REMEDY_RELEASE_CURRENT:
            self.open(request.source, remember=remember,
                      allow_remote_code=request.allow_remote_code, release_current=True)
