"""Choose Model…: one list of the models used before (folders, GGUF files, servers), most
recent first, and the ways to add another."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.model_source import ModelSource
from desktop_chat.ui.language import translated
from desktop_chat.ui.widgets.plain_text import plain_tooltip

BASE_TEXT_ROLE = Qt.ItemDataRole.UserRole + 1  # the item's text without the memory estimate


def source_kind(source: ModelSource) -> str:
    """"server", "gguf" or "folder" (a folder holding one GGUF file counts as GGUF)."""
    if source.is_server:
        return "server"
    folder = Path(source.location)
    if source.is_gguf or (not (folder / "config.json").exists()
                          and folder.is_dir() and any(folder.glob("*.gguf"))):
        return "gguf"
    return "folder"


class ModelPickerDialog(QDialog):
    open_requested = Signal(str)  # a model source string
    open_folder_requested = Signal()
    open_gguf_requested = Signal()
    connect_server_requested = Signal()

    def __init__(self, recent: tuple[str, ...], current: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelPickerDialog")
        self.setWindowTitle(self.tr("Choose a Model"))
        self.setMinimumSize(560, 380)
        self.list = QListWidget()
        self.list.setObjectName("modelList")
        self.list.setAccessibleName(self.tr("Models used before"))
        for entry in recent:
            source = ModelSource.parse(entry)
            item = QListWidgetItem(f"{source.display_name}\n{self.describe(source)}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            item.setToolTip(plain_tooltip(source.location))
            self.list.addItem(item)
            if entry == current:
                item.setText(item.text() + self.tr(" · open now"))
            item.setData(BASE_TEXT_ROLE, item.text())
        if self.list.count():
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(lambda item: self._open(item))
        empty = QLabel(self.tr("No models yet: open a model folder, a GGUF file, or connect "
                               "to a server."))
        empty.setWordWrap(True)
        empty.setVisible(not recent)

        self.open_button = self._button("openSelectedModelButton", self.tr("Open"),
                                        lambda: self._open(self.list.currentItem()))
        self.open_button.setDefault(True)
        self.open_button.setEnabled(bool(recent))
        buttons = QHBoxLayout()
        buttons.addWidget(self._button("pickerOpenFolderButton", self.tr("Model Folder…"),
                                       self.open_folder_requested))
        buttons.addWidget(self._button("pickerOpenGgufButton", self.tr("GGUF File…"),
                                       self.open_gguf_requested))
        buttons.addWidget(self._button("pickerConnectServerButton",
                                       self.tr("Server…"), self.connect_server_requested))
        buttons.addStretch(1)
        cancel = QPushButton(self.tr("Cancel"))
        cancel.setObjectName("pickerCancelButton")
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        buttons.addWidget(cancel)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Recent models")))
        layout.addWidget(self.list, 1)
        layout.addWidget(empty)
        layout.addLayout(buttons)

    def show_facts(self, facts: Any) -> None:
        """A model's memory estimate (core.model_facts.ModelFacts, from the worker): how
        much it needs with the current settings, and whether that fits now."""
        if not facts.needed_bytes:
            return
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) != facts.entry:
                continue
            needed = f"{facts.needed_bytes / 2**30:.1f}"
            memory = (self.tr(" · needs about {needed} GB") if facts.fits else self.tr(
                " · needs about {needed} GB: does not fit now")).format(needed=needed)
            item.setText(item.data(BASE_TEXT_ROLE) + memory)
            if not facts.fits and facts.ways_out:
                item.setToolTip(plain_tooltip("\n".join([facts.entry,
                                                         *map(translated, facts.ways_out)])))

    def describe(self, source: ModelSource) -> str:
        """What kind of model this is and which engine runs it, in a few words."""
        kind = source_kind(source)
        if kind == "server":
            return self.tr("Server · {url}").format(url=source.location)
        if kind == "gguf":
            return self.tr("GGUF file · llama.cpp")
        return self.tr("Model folder · transformers")

    def _button(self, name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        """A button that closes the picker, then does its thing (which may open a dialog)."""
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(lambda: (self.done(QDialog.DialogCode.Accepted), slot()))
        return button

    def _open(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.done(QDialog.DialogCode.Accepted)
            self.open_requested.emit(item.data(Qt.ItemDataRole.UserRole))
