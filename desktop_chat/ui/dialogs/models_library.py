"""The Models page: every model in the models folder and in Recent Models, with its format,
parameters, context length, size on disk and the memory it needs with the current settings;
Open, and Delete (to the system's trash, after asking; never the open model); Remove Fast
Copy for a folder that has one (controllers/fast_copy.py), which then opens as it is.

The facts come from the worker (``request_model_facts``, headers only, on a pool thread):
the table fills in as they arrive.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFile, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.model_facts import ModelFacts
from desktop_chat.core.model_source import ModelSource
from desktop_chat.ui.dialogs.model_info import gigabytes, parameters_text
from desktop_chat.ui.language import translated
from desktop_chat.ui.widgets.plain_text import plain_label, plain_message_box, plain_tooltip

COLUMNS = 7
NAME, FORMAT, PARAMETERS, CONTEXT, SIZE, MEMORY, WHERE = range(COLUMNS)


def models_in_folder(folder: Path) -> list[str]:
    """Model folders (config.json or a .gguf inside) and .gguf files directly in ``folder``;
    hidden entries (the downloads' staging folder) left out."""
    if not folder.is_dir():
        return []
    found = []
    for item in sorted(folder.iterdir(), key=lambda p: p.name.lower()):
        if item.name.startswith("."):
            continue
        if item.is_file() and item.suffix.lower() == ".gguf":
            found.append(str(item))
        elif item.is_dir() and ((item / "config.json").exists() or any(item.glob("*.gguf"))):
            found.append(str(item))
    return found


def _inside(path: Path, place: Path) -> bool:
    """``path`` is ``place`` or lies under it (a model file in a deleted folder)."""
    return path == place or place in path.parents


def same_place(a: str, b: str) -> bool:
    """Whether two local model entries name the same thing, or one holds the other."""
    first, second = Path(a).expanduser().resolve(), Path(b).expanduser().resolve()
    return first == second or first in second.parents or second in first.parents


class ModelsLibraryDialog(QDialog):
    open_requested = Signal(str)  # a model source string
    remove_copy_requested = Signal(str)  # a model folder whose fast copy is to go

    def __init__(self, worker: Any, holder: Any, models_dir: Path | None, current: str | None,
                 parent: QWidget | None = None,
                 has_fast_copy: Callable[[str], bool] = lambda entry: False) -> None:
        super().__init__(parent)
        self.has_fast_copy = has_fast_copy
        self.setObjectName("modelsLibraryDialog")
        self.setWindowTitle(self.tr("Models"))
        self.resize(940, 440)
        self.worker = worker
        self.holder = holder  # settings: Recent Models, device, precision, context limit
        self.models_dir = models_dir
        self.current = current
        self.facts: dict[str, ModelFacts] = {}
        self.table = QTableWidget(0, COLUMNS)
        self.table.setObjectName("modelsTable")
        self.table.setAccessibleName(self.tr("Models on this computer"))
        self.table.setHorizontalHeaderLabels([
            self.tr("Model"), self.tr("Format"), self.tr("Parameters"), self.tr("Context"),
            self.tr("Size on disk"), self.tr("Memory needed"), self.tr("Where")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.Stretch)
        for column in range(1, COLUMNS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda item: self._open())
        self.folder_label = plain_label(self.tr("Models folder: {folder}").format(
            folder=models_dir) if models_dir else "")
        self.folder_label.setObjectName("modelsFolderLabel")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = plain_label()  # names model folders
        self.message.setObjectName("modelsMessage")
        self.message.setWordWrap(True)
        self.empty = QLabel(self.tr("No models yet. Get one from Hugging Face, or open a model "
                                    "folder or a GGUF file."))
        self.empty.setObjectName("modelsEmptyLabel")
        self.open_button = self._button("modelsOpenButton", self.tr("Open"), self._open)
        self.open_button.setDefault(True)
        self.delete_button = self._button("modelsDeleteButton", self.tr("Delete…"),
                                          self.ask_delete)
        self.remove_copy_button = self._button(
            "modelsRemoveCopyButton", self.tr("Remove Fast Copy"), self._remove_copy)
        close = self._button("modelsCloseButton", self.tr("Close"), self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.remove_copy_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.folder_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        worker.model_facts_read.connect(self.show_facts)
        self.refresh()

    # ----- the list --------------------------------------------------------------------------

    def entries(self) -> list[tuple[str, str]]:
        """(entry, where) for every local model: the models folder's, then Recent Models'."""
        in_folder = models_in_folder(self.models_dir) if self.models_dir else []
        listed = [(entry, self.tr("Models folder")) for entry in in_folder]
        seen = {Path(entry).resolve() for entry, _ in listed}
        for entry in self.holder.settings.recent_models:
            if ModelSource.parse(entry).is_server:
                continue  # nothing on this disk to list or delete
            path = Path(entry).expanduser().resolve()
            # a downloaded GGUF opens as <folder>/<file>.gguf; the folder is listed already
            if not any(_inside(path, place) for place in seen):
                seen.add(path)
                listed.append((entry, self.tr("Recent")))
        return listed

    def refresh(self) -> None:
        entries = self.entries()
        self.table.setRowCount(0)
        for entry, where in entries:
            row = self.table.rowCount()
            self.table.insertRow(row)
            name = QTableWidgetItem(ModelSource.parse(entry).display_name
                                    + (self.tr(" (open)") if self._is_open(entry) else ""))
            name.setData(Qt.ItemDataRole.UserRole, entry)
            name.setToolTip(plain_tooltip(entry))
            self.table.setItem(row, NAME, name)
            for column in range(1, COLUMNS - 1):
                self.table.setItem(row, column, QTableWidgetItem("…"))
            self.table.setItem(row, WHERE, QTableWidgetItem(where))
        self.empty.setVisible(not entries)
        if entries:
            self.table.selectRow(0)
        self._update_buttons()
        settings = self.holder.settings
        self.worker.request_model_facts([e for e, _ in entries], settings.device,
                                        settings.dtype, settings.generation.context_limit)

    def show_facts(self, facts: ModelFacts) -> None:
        row = self._row_of(facts.entry)
        if row is None:
            return
        self.facts[facts.entry] = facts
        unknown = "—"
        if facts.problem:
            texts = {FORMAT: translated(facts.problem)}
        else:
            texts = {
                FORMAT: facts.model_format or unknown,
                PARAMETERS: parameters_text(facts.parameter_count)
                if facts.parameter_count else unknown,
                CONTEXT: f"{facts.context_length:,}" if facts.context_length else unknown,
                MEMORY: self._memory_text(facts),
            }
        texts[SIZE] = gigabytes(facts.size_bytes) if facts.size_bytes else unknown
        for column, text in texts.items():
            item = QTableWidgetItem(text)
            if column == MEMORY and facts.ways_out:
                item.setToolTip(plain_tooltip("\n".join(translated(way)
                                                         for way in facts.ways_out)))
            self.table.setItem(row, column, item)
        for column in range(1, COLUMNS - 1):
            if column not in texts:
                self.table.setItem(row, column, QTableWidgetItem(unknown))

    def _memory_text(self, facts: ModelFacts) -> str:
        if not facts.needed_bytes:
            return "—"
        text = gigabytes(facts.needed_bytes)
        return text if facts.fits else self.tr("{needed} (does not fit)").format(needed=text)

    def selected_entry(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.table.item(rows[0].row(), NAME).data(Qt.ItemDataRole.UserRole)

    def _row_of(self, entry: str) -> int | None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole) == entry:
                return row
        return None

    def _is_open(self, entry: str) -> bool:
        current = self.current
        return bool(current) and not ModelSource.parse(current).is_server and \
            same_place(entry, ModelSource.parse(current).location)

    # ----- actions ---------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        self.open_button.setEnabled(entry is not None)
        self.delete_button.setEnabled(entry is not None)
        self.remove_copy_button.setVisible(entry is not None and self.has_fast_copy(entry))

    def _remove_copy(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.remove_copy_requested.emit(entry)
            self.message.setText(self.tr("The fast copy of {name} was removed; the folder "
                                         "opens as it is.").format(
                                             name=ModelSource.parse(entry).display_name))
            self._update_buttons()

    def _open(self) -> None:
        entry = self.selected_entry()
        if entry is not None:
            self.accept()
            self.open_requested.emit(entry)

    def ask_delete(self) -> QMessageBox | None:
        """Ask before moving the selected model to the trash; refuse for the open model."""
        entry = self.selected_entry()
        if entry is None:
            return None
        if self._is_open(entry):
            self.message.setText(self.tr("{name} is open. Open another model before deleting "
                                         "it.").format(name=ModelSource.parse(entry)
                                                       .display_name))
            return None
        name = ModelSource.parse(entry).display_name
        size = self.facts.get(entry)
        box = plain_message_box(
            QMessageBox.Icon.Question, self.tr("Delete model?"),
            self.tr("Move {name} to the trash?").format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self,
            informative=self.tr("{path}\n{size} on disk").format(
                path=entry, size=gigabytes(size.size_bytes) if size else "?"))
        box.setObjectName("deleteModelDialog")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: button is yes and self.delete(entry))
        box.open()
        return box

    def delete(self, entry: str) -> bool:
        """Move the model's file or folder to the trash and drop it from Recent Models."""
        if self._is_open(entry):
            return False
        moved = QFile.moveToTrash(str(Path(entry).expanduser()))
        if isinstance(moved, tuple):  # some PySide6 versions return (ok, path in the trash)
            moved = moved[0]
        name = ModelSource.parse(entry).display_name
        if not moved:
            self.message.setText(self.tr("{name} could not be moved to the trash (it may be "
                                         "read-only, or this system has no trash).")
                                 .format(name=name))
            return False
        settings = self.holder.settings
        gone = Path(entry).expanduser().resolve()
        recent = tuple(e for e in settings.recent_models if ModelSource.parse(e).is_server
                       or not _inside(Path(e).expanduser().resolve(), gone))
        if recent != settings.recent_models:
            self.holder.update_settings(dataclasses.replace(settings, recent_models=recent))
        self.message.setText(self.tr("{name} was moved to the trash.").format(name=name))
        row = self._row_of(entry)
        if row is not None:
            self.table.removeRow(row)
        self.empty.setVisible(self.table.rowCount() == 0)
        self._update_buttons()
        return True

    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button
