"""Connect to Server…: an OpenAI-compatible server's address, its key, and which model to use.

The model list comes from the server's ``/v1/models`` through the worker (off the GUI
thread), asked with the key as typed. On Connect a new key is used at once
(``new_key``), and whoever opened the dialog stores it in the system keyring off the GUI
thread (a keyring can block); never in settings.json.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.model_source import ModelSource, ServerAddressError, normalize_base_url
from desktop_chat.core.secrets import api_key_for, remember_api_key
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import InferencePort
from desktop_chat.ui.widgets.plain_text import plain_label

LIST_DELAY_MS = 600  # after the last keystroke in the address, ask the server for its models


class ServerDialog(QDialog):
    def __init__(self, worker: InferencePort, initial: ModelSource | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("serverDialog")
        self.setWindowTitle(self.tr("Connect to Server"))
        self.setMinimumWidth(520)
        self.worker = worker
        self.source: ModelSource | None = None
        self.new_key: tuple[str, str] | None = None  # (base URL, key) typed anew

        intro = QLabel(self.tr(
            "Any server that speaks the OpenAI chat API: vLLM, SGLang, Ollama, LM Studio, "
            "llama.cpp's server, transformers serve…"))
        intro.setWordWrap(True)
        self.url = QLineEdit()
        self.url.setObjectName("serverUrlInput")
        self.url.setPlaceholderText("http://localhost:8000/v1")
        self.key = QLineEdit()
        self.key.setObjectName("serverApiKeyInput")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("Optional; kept in the system keyring"))
        self.model = QComboBox()
        self.model.setObjectName("serverModelInput")
        self.model.setEditable(True)
        self.model.lineEdit().setPlaceholderText(self.tr("The first model the server lists"))
        self.list_button = QPushButton(self.tr("List Models"))
        self.list_button.setObjectName("listServerModelsButton")
        self.list_button.clicked.connect(self.list_models)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.list_button)
        self.status = plain_label()  # the server's own words, among others
        self.status.setObjectName("serverStatus")
        self.status.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Address"), self.url)
        form.addRow(self.tr("API key"), self.key)
        form.addRow(self.tr("Model"), model_row)
        self.url.setAccessibleName(self.tr("Server address"))
        self.key.setAccessibleName(self.tr("API key"))
        self.model.setAccessibleName(self.tr("Model"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Connect"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        self._list_timer = QTimer(self)
        self._list_timer.setSingleShot(True)
        self._list_timer.setInterval(LIST_DELAY_MS)
        self._list_timer.timeout.connect(self.list_models)
        self.url.textEdited.connect(lambda _: self._list_timer.start())
        worker.server_models_listed.connect(self._on_models_listed)
        if initial is not None:
            self.url.setText(initial.location)
            self.model.setEditText(initial.model)
            self._list_timer.start()

    def base_url(self) -> str | None:
        try:
            return normalize_base_url(self.url.text())
        except ServerAddressError as error:
            self.status.setText(translated(error))
            return None

    def list_models(self) -> None:
        self._list_timer.stop()
        base_url = self.base_url()
        if base_url is None:
            return
        self.status.setText(self.tr("Asking {url} for its models…").format(url=base_url))
        self.worker.request_server_models(base_url, self.key.text().strip())

    def _on_models_listed(self, base_url: str, names: list[str], error: str) -> None:
        if base_url != self.base_url():
            return  # the answer to an address the user has since changed
        if error:
            self.status.setText(translated(error))
            return
        typed = self.model.currentText()
        self.model.clear()
        self.model.addItems(names)
        self.model.setEditText(typed or (names[0] if names else ""))
        self.status.setText(self.tr("The server offers {n} models.").format(n=len(names))
                            if names else self.tr("The server lists no models; type the "
                                                  "model's name."))

    def accept(self) -> None:
        base_url = self.base_url()
        if base_url is None:
            return
        key = self.key.text().strip()
        if key and key != (api_key_for(base_url) or ""):
            remember_api_key(base_url, key)  # for this session, at once
            self.new_key = (base_url, key)
        self.source = ModelSource.server(base_url, self.model.currentText())
        super().accept()

