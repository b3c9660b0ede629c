"""The dialogs the window opens about models: choosing one (recent, a folder, a GGUF
file, a server), the Models page, Model Info, Get a Model, and what a failed load says or
asks. Each opens without blocking (``open()``), deletes itself when closed, and is
returned for tests and tools."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop_chat.core.fast_copy import FastCopyOffer
from desktop_chat.core.inference import LoadFailure
from desktop_chat.core.model_source import ModelSource
from desktop_chat.core.secrets import store_api_key
from desktop_chat.core.settings import AppSettings, SettingsFile
from desktop_chat.ui.controllers.fast_copy import FastCopyController
from desktop_chat.ui.controllers.models import ModelController
from desktop_chat.ui.dialogs.download import DownloadDialog
from desktop_chat.ui.dialogs.fast_copy import FastCopyDialog
from desktop_chat.ui.dialogs.model_info import ModelInfoDialog
from desktop_chat.ui.dialogs.model_picker import ModelPickerDialog
from desktop_chat.ui.dialogs.model_problems import ConsentDialog, LoadFailureDialog
from desktop_chat.ui.dialogs.models_library import ModelsLibraryDialog
from desktop_chat.ui.dialogs.server import ServerDialog
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import DownloadsPort, FastCopyPort, InferencePort, JobsPort


class ModelDialogs(QObject):
    recent_models_changed = Signal()  # the Models page closed: a model may have gone

    def __init__(self, window: QWidget, models: ModelController, worker: InferencePort,
                 downloads: DownloadsPort, jobs: JobsPort, settings_file: SettingsFile,
                 note: Callable[[str], None], fast_copies: FastCopyPort) -> None:
        """``note`` shows a short line in the status bar."""
        super().__init__(window)
        self.window = window
        self.models = models
        self.worker = worker
        self.jobs = jobs
        self.downloads = downloads
        self.settings_file = settings_file
        self._note = note
        models.failure_to_show.connect(self.show_failure)
        models.consent_needed.connect(self.ask_consent)
        downloads.token_not_stored.connect(lambda why: note(translated(why)))
        self.fast_copy = FastCopyController(fast_copies, models, settings_file, self)
        self.fast_copy.offered.connect(self.offer_fast_copy)
        self.fast_copy.unsupported.connect(lambda _folder, why: note(translated(why)))
        self.fast_copy.failed.connect(lambda _folder, why, _details: note(translated(why)))

    @property
    def settings(self) -> AppSettings:
        return self.settings_file.settings

    # ----- choosing a model ----------------------------------------------------------------

    def choose_model(self) -> ModelPickerDialog:
        """The one place that lists folders, GGUF files and servers used before."""
        current = self.models.model.path if self.models.model else None
        picker = ModelPickerDialog(self.settings.recent_models, current, self.window)
        picker.open_requested.connect(self.models.open)
        picker.open_folder_requested.connect(self.open_folder)
        picker.open_gguf_requested.connect(self.open_gguf)
        picker.connect_server_requested.connect(self.connect_server)
        picker.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # The memory each model needs with the current settings, read by the worker.
        self.worker.model_facts_read.connect(picker.show_facts)
        settings = self.settings
        self.worker.request_model_facts(list(settings.recent_models), settings.device,
                                        settings.dtype, settings.generation.context_limit)
        picker.open()
        return picker

    def open_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Open Model Folder"), self.models.last_local_folder())
        if folder:
            self.models.open(folder)

    def open_gguf(self) -> None:
        file, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("Open GGUF Model File"), self.models.last_local_folder(),
            self.tr("GGUF models (*.gguf)"))
        if file:
            self.models.open(file)

    def connect_server(self) -> ServerDialog:
        current = self.models.model.source if self.models.model else None
        initial = current if current is not None and current.is_server else next(
            (ModelSource.parse(e) for e in self.settings.recent_models
             if ModelSource.parse(e).is_server), None)
        dialog = ServerDialog(self.worker, initial, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._on_server_chosen(dialog))
        dialog.open()
        return dialog

    def _on_server_chosen(self, dialog: ServerDialog) -> None:
        if dialog.new_key is not None:
            self._store_key(*dialog.new_key)
        if dialog.source is not None:
            self.models.open(dialog.source)

    def _store_key(self, base_url: str, key: str) -> None:
        """Into the system keyring, off this thread (a keyring can block); the status bar
        says when it cannot, and the key is then kept for this session only."""
        job = self.jobs.start(lambda _: store_api_key(base_url, key))
        job.done.connect(lambda problem: problem and self._note(translated(problem)))

    # ----- the models on this computer -----------------------------------------------------

    def models_dir(self) -> Path:
        """Where downloads go: the settings' folder, else the one under the data dir."""
        if self.settings.models_dir:
            return Path(self.settings.models_dir).expanduser()
        return self.downloads.default_models_dir

    def show_models_library(self) -> ModelsLibraryDialog:
        """The models in the models folder and in Recent Models: facts, Open, Delete."""
        current = self.models.model.path if self.models.model else None
        library = ModelsLibraryDialog(self.worker, self.settings_file, self.models_dir(),
                                      current, self.window, self.fast_copy.has_copy)
        library.open_requested.connect(self.models.open)
        library.remove_copy_requested.connect(self.fast_copy.remove_copy)
        library.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        library.finished.connect(self.recent_models_changed)  # a deleted model leaves it
        library.open()
        return library

    def show_model_info(self) -> ModelInfoDialog | None:
        """What the open model is and how it runs."""
        if self.models.model is None:
            return None
        dialog = ModelInfoDialog(self.models.model, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def get_model(self) -> DownloadDialog:
        """Download a model from Hugging Face; it opens (and joins Recent Models) once it
        has arrived whole."""
        dialog = DownloadDialog(self.downloads, self.models_dir(), self.settings, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.model_downloaded.connect(self.models.open)
        dialog.open()
        return dialog

    # ----- the fast copy of a model folder -----------------------------------------------

    def offer_fast_copy(self, offer: FastCopyOffer) -> FastCopyDialog:
        """Ask once whether to make the folder's fast copy; show it being made."""
        dialog = FastCopyDialog(offer, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        copies = self.fast_copy
        dialog.make_requested.connect(lambda: copies.accept(offer))
        dialog.keep_original_requested.connect(lambda: copies.decline(offer))
        dialog.cancel_requested.connect(copies.cancel)
        copies.progressed.connect(dialog.show_progress)
        copies.made.connect(dialog.show_made)
        copies.cancelled.connect(dialog.show_cancelled)
        copies.failed.connect(dialog.show_failed)
        copies.unsupported.connect(dialog.show_failed)
        dialog.show()  # not modal: the chat goes on while the copy is made
        return dialog

    # ----- a load that failed --------------------------------------------------------------

    def show_failure(self, failure: LoadFailure) -> LoadFailureDialog:
        model = self.models.model
        box = LoadFailureDialog(failure, model.name if model else None, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def ask_consent(self, failure: LoadFailure) -> ConsentDialog:
        box = ConsentDialog(failure, self.window)
        box.agreed.connect(lambda: self.models.retry_with_remedy(failure))
        box.open()
        return box
