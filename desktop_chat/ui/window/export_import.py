"""File > Export Conversation…, Export All…, Import…: the dialogs around core's exporters
and importers.

The GUI thread builds what only it can (the PDF: Qt's fonts) and hands the disk work to
a ``BackgroundJob``: writing an export, zipping every conversation, reading the files to
import. Imported conversations are saved through ChatController (the writer thread and
the search index, like any save). An import reports once, in one dialog: how many came
in, and each file that did not, with why.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDir, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core import conversation_import as imports
from desktop_chat.core.atomic_file import write_atomic
from desktop_chat.core.conversation import Conversation
from desktop_chat.core.export_archive import ArchiveSource, ExportCancelled, write_archive
from desktop_chat.core.export_markdown import (
    MarkdownLabels,
    conversation_markdown,
    file_name_for,
)
from desktop_chat.core.save_queue import snapshot
from desktop_chat.core.store import encode
from desktop_chat.ui.language import translated
from desktop_chat.ui.render.export_pdf import conversation_pdf

MARKDOWN, JSON, PDF = "markdown", "json", "pdf"
_SUFFIXES = {MARKDOWN: ".md", JSON: ".json", PDF: ".pdf"}
STATUS_MS = 8000
SUMMARY_LINES = 12  # failures listed in the summary itself; all of them in its details



@dataclass(frozen=True)
class Exported:
    path: Path
    count: int | None = None  # conversations in an archive


Work = Callable[[Callable[[int, int], None], threading.Event], Any]


class BackgroundJob(QObject):
    """One function on a thread of its own; its progress and end come to the GUI thread.

    ``work(report_progress, cancel_event)`` runs there; ``finished`` brings its result,
    or the exception it raised, as ``(result, error)``."""

    progressed = Signal(int, int)
    finished = Signal(object, object)
    _progress_relay = Signal(int, int)
    _done_relay = Signal(object, object)

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.cancel_event = threading.Event()
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_relay.connect(self.progressed, queued)
        self._done_relay.connect(self.finished, queued)

    def start(self) -> None:
        threading.Thread(target=self._run, name="export-import", daemon=True).start()

    def cancel(self) -> None:
        self.cancel_event.set()

    def _run(self) -> None:
        try:
            result, error = self._work(self._report, self.cancel_event), None
        except Exception as caught:  # reported to the user by the receiver
            result, error = None, caught
        try:
            self._done_relay.emit(result, error)
        except RuntimeError:  # the window is gone
            pass

    def _report(self, done: int, total: int) -> None:
        try:
            self._progress_relay.emit(done, total)
        except RuntimeError:
            pass


class ExportDialog(QDialog):
    """The format of an export, and whether answers keep their thinking."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(self.tr("Export Conversation"))
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormatCombo")
        self.format_combo.setAccessibleName(self.tr("Export format"))
        self.format_combo.addItem(self.tr("Markdown (the conversation shown)"), MARKDOWN)
        self.format_combo.addItem(self.tr("JSON (everything, every version)"), JSON)
        self.format_combo.addItem(self.tr("PDF (the conversation shown)"), PDF)
        self.thinking_check = QCheckBox(self.tr("Include the thinking"))
        self.thinking_check.setObjectName("exportThinkingCheck")
        self.thinking_check.setAccessibleName(self.tr("Include the thinking"))
        self.thinking_check.setChecked(True)
        self.format_combo.currentIndexChanged.connect(self._update)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.setObjectName("exportButtons")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Export…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Format:"), self.format_combo)
        form.addRow("", self.thinking_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @property
    def format(self) -> str:
        return self.format_combo.currentData()

    def set_format(self, name: str) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(name))

    @property
    def include_thinking(self) -> bool:
        return self.thinking_check.isChecked()

    def _update(self) -> None:
        # The JSON file is the conversation itself: thinking and all, nothing to choose.
        self.thinking_check.setEnabled(self.format != JSON)


class ExportImport(QObject):
    """What the File menu's export and import actions do, for ``window`` (the main
    window: its ``chat`` controller, status bar and ``show_problem``)."""

    export_finished = Signal(object)  # the Path written, or None when nothing was
    import_finished = Signal(object)  # core.conversation_import.ImportResult, or None

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.chat = window.chat
        self.conversations = window.conversations
        self.folder = QDir.homePath()  # where the last file was chosen
        self.dialog: ExportDialog | None = None
        self._format, self._thinking = MARKDOWN, True
        self.progress: QProgressDialog | None = None
        self.summary: QMessageBox | None = None
        self._jobs: set[BackgroundJob] = set()

    # ----- export one ----------------------------------------------------------------------

    def export_conversation(self) -> ExportDialog | None:
        """Ask for a format (the dialog is returned, not waited for), then a file."""
        if self.chat.current is None or not self.chat.current.messages:
            self.window.statusBar().showMessage(
                self.tr("Open a conversation to export it."), STATUS_MS)
            return None
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = ExportDialog(self.window)
        self.dialog.set_format(self._format)
        self.dialog.thinking_check.setChecked(self._thinking)
        self.dialog.accepted.connect(self._on_format_chosen)
        self.dialog.open()
        return self.dialog

    def _on_format_chosen(self) -> None:
        dialog, conversation = self.dialog, self.chat.current
        if dialog is None or conversation is None:
            return
        kind, thinking = dialog.format, dialog.include_thinking
        self._format, self._thinking = kind, thinking  # offered first next time
        filters = {MARKDOWN: self.tr("Markdown (*.md)"), JSON: self.tr("JSON (*.json)"),
                   PDF: self.tr("PDF (*.pdf)")}
        suggested = Path(self.folder) / file_name_for(conversation, _SUFFIXES[kind])
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Export Conversation"), str(suggested), filters[kind])
        if not chosen:
            return
        path = _with_suffix(Path(chosen), _SUFFIXES[kind])
        self.folder = str(path.parent)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:  # a PDF is laid out here (Qt's fonts): a second or two for a long conversation
            data = self._exported_bytes(snapshot(conversation), kind, thinking)
        finally:
            QApplication.restoreOverrideCursor()

        def work(progress: Callable[[int, int], None], cancel: threading.Event) -> Exported:
            write_atomic(path, data)
            return Exported(path)

        self._run(work, self._on_exported)

    def _exported_bytes(self, conversation: Conversation, kind: str, thinking: bool) -> bytes:
        if kind == JSON:
            return encode(conversation)  # the bytes the store writes: every branch
        if kind == PDF:
            return conversation_pdf(conversation, include_thinking=thinking,
                                    labels=self.markdown_labels())
        return conversation_markdown(conversation, include_thinking=thinking,
                                     labels=self.markdown_labels()).encode("utf-8")

    # ----- export all ----------------------------------------------------------------------

    def export_all(self) -> None:
        summaries = self.conversations.list_conversations()
        if not summaries:
            self.window.statusBar().showMessage(
                self.tr("There are no conversations to export."), STATUS_MS)
            return
        name = self.tr("Desktop Chat conversations {date}.zip").format(
            date=date.today().isoformat())
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Export All Conversations"), str(Path(self.folder) / name),
            self.tr("Zip archives (*.zip)"))
        if not chosen:
            return
        path = _with_suffix(Path(chosen), ".zip")
        self.folder = str(path.parent)
        sources = [self._source(s.id) for s in summaries]
        labels = self.markdown_labels()

        def work(progress: Callable[[int, int], None], cancel: threading.Event) -> Exported:
            written = write_archive(path, sources, labels=labels, on_progress=progress,
                                    cancel=cancel)
            return Exported(path, written.written)

        self._show_progress(self.tr("Exporting conversations…"), len(sources))
        self._run(work, self._on_exported)

    def _source(self, conversation_id: str) -> ArchiveSource:
        """The file, or the newest version when a save of it still waits for the writer."""
        waiting = self.conversations.unsaved(conversation_id)
        if waiting is not None:
            return ArchiveSource(conversation_id, data=encode(waiting))
        path = self.conversations.store.path_for(conversation_id)
        return ArchiveSource(conversation_id, path=path)

    def _on_exported(self, exported: Exported | None, error: BaseException | None) -> None:
        self._close_progress()
        if isinstance(error, ExportCancelled):
            self.window.statusBar().showMessage(self.tr("Export cancelled."), STATUS_MS)
        elif error is not None or exported is None:
            self.window.show_problem(self.tr("The export could not be written: {error}")
                                     .format(error=_error_text(error)))
        elif exported.count is None:
            self.window.statusBar().showMessage(
                self.tr("Exported to {path}").format(path=exported.path), STATUS_MS)
        else:
            self.window.statusBar().showMessage(
                self.tr("Exported %n conversation(s) to {path}", "", exported.count)
                .format(path=exported.path), STATUS_MS)
        self.export_finished.emit(exported.path if exported and error is None else None)

    # ----- import --------------------------------------------------------------------------

    def import_files(self) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(
            self.window, self.tr("Import Conversations"), self.folder,
            self.tr("Conversations and ChatGPT exports (*.json *.zip);;All files (*)"))
        if not chosen:
            return
        paths = [Path(p) for p in chosen]
        self.folder = str(paths[0].parent)
        taken = {s.id for s in self.conversations.list_conversations()}
        taken |= {c.id for c in self.conversations.unsaved_conversations()}
        root = self.conversations.store.root

        def work(progress: Callable[[int, int], None],
                 cancel: threading.Event) -> imports.ImportResult:
            return imports.read_imports(paths, taken | imports.ids_in_use(root),
                                        on_progress=progress, cancel=cancel)

        self._show_progress(self.tr("Importing conversations…"), len(paths))
        self._run(work, self._on_imported)

    def _on_imported(self, result: imports.ImportResult | None,
                     error: BaseException | None) -> None:
        self._close_progress()
        if isinstance(error, imports.ImportCancelled):
            self.window.statusBar().showMessage(self.tr("Import cancelled."), STATUS_MS)
            result = None
        elif error is not None or result is None:
            self.window.show_problem(self.tr("The import failed: {error}")
                                     .format(error=_error_text(error)))
            result = None
        else:
            # Taken since the files were read (another import meanwhile): a new id again.
            listed = {s.id for s in self.conversations.list_conversations()}
            result.renamed += sum(imports.give_free_id(c, listed) for c in result.conversations)
            self.conversations.add_imported(result.conversations)
            if len(result.conversations) == 1 and not self.chat.generating:  # never cut a reply
                self.chat.open_conversation(result.conversations[0].id)
            self._show_summary(result)
        self.import_finished.emit(result)

    def _show_summary(self, result: imports.ImportResult) -> None:
        if self.summary is not None:
            self.summary.deleteLater()
        box = QMessageBox(self.window)
        box.setObjectName("importSummary")
        box.setWindowTitle(self.tr("Import"))
        count = len(result.conversations)
        text = self.tr("Imported %n conversation(s).", "", count)
        if result.renamed:
            text += " " + self.tr("%n of them had an id already in use and got a new one; "
                                  "nothing was overwritten.", "", result.renamed)
        box.setText(text)
        if result.failures:
            box.setIcon(QMessageBox.Icon.Warning)
            lines = [self.failure_text(f) for f in result.failures]
            shown = "\n".join(lines[:SUMMARY_LINES])
            if len(lines) > SUMMARY_LINES:
                shown += "\n" + self.tr("…and %n more (see the details).", "",
                                        len(lines) - SUMMARY_LINES)
            box.setInformativeText(self.tr("These could not be imported:") + "\n" + shown)
            box.setDetailedText("\n".join(lines))
        else:
            box.setIcon(QMessageBox.Icon.Information)
        self.summary = box
        box.open()

    def failure_text(self, failure: imports.ImportFailure) -> str:
        return f"{failure.source}: {translated(failure.message)}"

    # ----- shared --------------------------------------------------------------------------

    def markdown_labels(self) -> MarkdownLabels:
        return MarkdownLabels(
            user=self.tr("User"), assistant=self.tr("Assistant"), system=self.tr("System"),
            thinking=self.tr("Thinking"), model=self.tr("Model"), created=self.tr("Created"),
            updated=self.tr("Updated"), untitled=self.tr("Untitled conversation"))

    def _run(self, work: Work, on_done: Callable[[Any, Any], None]) -> BackgroundJob:
        job = BackgroundJob(work, self)
        self._jobs.add(job)
        job.finished.connect(lambda result, error: (self._jobs.discard(job),
                                                    on_done(result, error)))
        if self.progress is not None:
            job.progressed.connect(self._on_progressed)
            self.progress.canceled.connect(job.cancel)
        job.start()
        return job

    def _show_progress(self, label: str, total: int) -> None:
        self._close_progress()
        # One file (a big ChatGPT export, say) has no steps to show: a busy bar then.
        steps = total if total > 1 else 0
        progress = QProgressDialog(label, self.tr("Cancel"), 0, steps, self.window)
        progress.setObjectName("transferProgress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)  # a quick job shows nothing
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setValue(0)
        self.progress = progress

    def _on_progressed(self, done: int, total: int) -> None:
        if self.progress is not None and self.progress.maximum() > 0:
            self.progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            with contextlib.suppress(RuntimeError, TypeError):  # nothing was connected
                self.progress.canceled.disconnect()
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None


def _with_suffix(path: Path, suffix: str) -> Path:
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


def _error_text(error: BaseException | None) -> str:
    if isinstance(error, OSError):
        return f"{error.strerror or error}" + (f" ({error.filename})" if error.filename else "")
    return str(error)
