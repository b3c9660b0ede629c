"""The fast copy of a model folder, seen from the window: offered once per folder, made in
the background, then opened instead of the folder.

When a folder has opened with transformers on a device where llama.cpp is much faster
(core/fast_copy.py ``offer_for``), ``offered`` asks the window to offer the copy, once per
folder: the answer is kept in the settings (``fast_copy_choices``), and ``ModelController``
opens the folder through its copy from then on. A folder the converter cannot copy says so
once (``unsupported``) and keeps running on transformers. ``remove_copy`` (the Models page)
deletes the copy and turns it off: the folder opens as it is again. Talks to the worker only through
ui/ports.py's ``FastCopyPort``.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop_chat.core.fast_copy import FastCopyOffer, offer_for
from desktop_chat.core.inference import ENGINE_TRANSFORMERS, ModelInfo
from desktop_chat.ui.controllers.models import ModelController, SettingsHolder
from desktop_chat.ui.ports import FastCopyPort


class FastCopyController(QObject):
    offered = Signal(object)  # FastCopyOffer: ask the user (accept / decline)
    unsupported = Signal(str, object)  # folder, why it gets no copy (a UserMessage)
    progressed = Signal(str, int, int)  # folder, steps done, steps in all
    made = Signal(str)  # folder: its copy is ready (and opens now if it is the open model)
    failed = Signal(str, object, str)  # folder, message (a UserMessage), details
    cancelled = Signal(str)  # folder: nothing was kept

    def __init__(self, port: FastCopyPort, models: ModelController, holder: SettingsHolder,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.models = models
        self.holder = holder
        self._asked: set[str] = set()  # offered in this session: not again on a reload
        models.model_ready.connect(self._on_model_ready)
        port.progressed.connect(self.progressed)
        port.made.connect(self._on_made)
        port.failed.connect(self.failed)
        port.refused.connect(self._on_refused)
        port.cancelled.connect(self.cancelled)

    def _choice(self, folder: str) -> bool | None:
        return self.holder.settings.fast_copy_choices.get(folder)

    def _remember(self, folder: str, use_copy: bool) -> None:
        self.holder.update_settings(
            self.holder.settings.with_fast_copy_choice(folder, use_copy))

    def _on_model_ready(self, info: ModelInfo) -> None:
        offer = offer_for(info)
        if offer is None or self.port.running or not self.port.available:
            return
        choice = self._choice(offer.folder)
        if offer.unsupported is not None:
            if choice is None:  # said once; the folder keeps running on transformers
                self._remember(offer.folder, False)
                self.unsupported.emit(offer.folder, offer.unsupported)
            return
        if choice is False or (choice and self.port.has_copy(offer.folder)):
            return  # the original, by choice; or a copy this installation cannot run
        if offer.folder in self._asked:
            return  # unanswered (the offer closed): asked again at the next start
        self._asked.add(offer.folder)
        self.offered.emit(offer)  # never asked, or the folder changed since its copy

    # ----- the user's answers --------------------------------------------------------------

    def accept(self, offer: FastCopyOffer) -> None:
        """Make the copy in the background; the folder opens through it from now on."""
        self._remember(offer.folder, True)
        self.port.make(offer.folder, offer.quantization)

    def decline(self, offer: FastCopyOffer) -> None:
        self._remember(offer.folder, False)

    def cancel(self) -> None:
        self.port.cancel()

    def has_copy(self, folder: str) -> bool:
        return self.port.has_copy(folder)

    def remove_copy(self, folder: str) -> bool:
        """Delete the copy and open the folder itself from now on; True if there was one."""
        self._remember(folder, False)
        removed = self.port.remove(folder)
        self._reopen_if_open(folder)
        return removed

    # ----- what the worker says ------------------------------------------------------------

    def _on_made(self, folder: str, _path: str) -> None:
        self.made.emit(folder)
        if self._choice(folder):
            model = self.models.model
            if model is not None and model.engine == ENGINE_TRANSFORMERS:
                self._reopen_if_open(folder)

    def _on_refused(self, folder: str, why: object) -> None:
        """The converter found what it cannot write only once it began (a tokenizer it
        does not know): the folder stays the original, and is not offered again."""
        self._remember(folder, False)
        self.unsupported.emit(folder, why)

    def _reopen_if_open(self, folder: str) -> None:
        model = self.models.model
        if model is not None and not model.source.is_server and model.path == folder:
            self.models.open(folder, remember=False)
