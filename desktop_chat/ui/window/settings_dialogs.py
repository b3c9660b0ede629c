"""Settings: the app's (Settings…), applied where they matter (the model reloads when
its device, precision or llama.cpp's context changes), and the open conversation's own
system prompt and sampling (Conversation Settings…)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

from desktop_chat.core.inference import ENGINE_LLAMA_CPP
from desktop_chat.core.settings import AppSettings, SettingsFile
from desktop_chat.ui.controllers.chat_session import ChatSession
from desktop_chat.ui.controllers.models import ModelController
from desktop_chat.ui.dialogs.conversation_settings import ConversationSettingsDialog
from desktop_chat.ui.dialogs.settings import SettingsDialog
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import DownloadsPort


class SettingsDialogs(QObject):
    settings_applied = Signal(object)  # AppSettings now in force: the display follows

    def __init__(self, window: QWidget, settings_file: SettingsFile, models: ModelController,
                 chat: ChatSession, downloads: DownloadsPort) -> None:
        super().__init__(window)
        self.window = window
        self.settings_file = settings_file
        self.models = models
        self.chat = chat
        self.downloads = downloads
        self.conversation_dialog: ConversationSettingsDialog | None = None

    def settings_dialog(self) -> SettingsDialog:
        model = self.models.model
        return SettingsDialog(self.settings_file.settings,
                              model.model_defaults if model else None, self.window,
                              context_note=translated(model.context_reason) if model else "",
                              models_dir_default=str(self.downloads.default_models_dir))

    def open_settings(self) -> None:
        """Modal, as settings dialogs are; ``settings_accepted`` brings what was chosen."""
        dialog = self.settings_dialog()
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            self.apply_settings(dialog.settings())

    def apply_settings(self, new: AppSettings) -> None:
        old = self.settings_file.settings
        self.settings_file.update_settings(new)
        self.settings_applied.emit(new)
        model = self.models.model
        # llama.cpp allocates its KV cache for the context when it opens a file.
        context_changed = (model is not None and model.engine == ENGINE_LLAMA_CPP
                           and new.generation.context_limit != old.generation.context_limit)
        if (new.device, new.dtype) != (old.device, old.dtype) or context_changed:
            self.models.reload_with_settings()

    def open_conversation_settings(self) -> ConversationSettingsDialog | None:
        """The open conversation's own system prompt and sampling."""
        conversation = self.chat.current
        if conversation is None:
            return None
        dialog = ConversationSettingsDialog(conversation.title, conversation.settings,
                                            self.settings_file.settings.generation,
                                            self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def apply() -> None:
            if self.chat.current is conversation:  # still the one open
                self.chat.set_conversation_settings(dialog.overrides())

        dialog.accepted.connect(apply)
        dialog.destroyed.connect(lambda: setattr(self, "conversation_dialog", None))
        self.conversation_dialog = dialog
        dialog.open()
        return dialog
