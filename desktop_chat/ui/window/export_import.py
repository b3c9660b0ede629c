"""File > Export Conversation…, Export All…, Import…: the dialogs around core's exporters
and importers.

The GUI thread builds what only it can (the PDF: Qt's fonts) and hands the disk work to a
one-off job (ui/ports.py ``JobsPort``): writing an export, zipping every conversation,
reading the files to import. Imported conversations are saved through the conversation
list (the writer thread and the search index, like any save). An import reports once, in
one dialog: how many came in, and each file that did not, with why.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDir, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QProgressDialog, QWidget

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
from desktop_chat.ui.controllers.chat_session import ChatSession
from desktop_chat.ui.controllers.conversation_list import ConversationListController
from desktop_chat.ui.dialogs.export import JSON, MARKDOWN, PDF, SUFFIXES, ExportDialog
from desktop_chat.ui.language import translated
from desktop_chat.ui.ports import JobContext, JobPort, JobsPort
from desktop_chat.ui.render.export_pdf import conversation_pdf
from desktop_chat.ui.widgets.plain_text import plain_box

STATUS_MS = 8000
SUMMARY_LINES = 12  # failures listed in the summary itself; all of them in its details


@dataclass(frozen=True)
class Exported:
    path: Path
    count: int | None = None  # conversations in an archive


class ExportImportDialogs(QObject):
    """What the File menu's export and import actions do."""

    export_finished = Signal(object)  # the Path written, or None when nothing was
    import_finished = Signal(object)  # core.conversation_import.ImportResult, or None

    def __init__(self, window: QWidget, chat: ChatSession,
                 conversations: ConversationListController, jobs: JobsPort,
                 note: Callable[[str, int], None], show_problem: Callable[[str], None]) -> None:
        """``note`` shows a line in the status bar for some milliseconds; ``show_problem``
        one in the notice bar."""
        super().__init__(window)
        self.window = window
        self.chat = chat
        self.conversations = conversations
        self.jobs = jobs
        self._note = note
        self._show_problem = show_problem
        self.folder = QDir.homePath()  # where the last file was chosen
        self.dialog: ExportDialog | None = None
        self._format, self._thinking = MARKDOWN, True
        self.progress: QProgressDialog | None = None
        self.summary: QMessageBox | None = None

    # ----- export one ----------------------------------------------------------------------

    def export_conversation(self) -> ExportDialog | None:
        """Ask for a format (the dialog is returned, not waited for), then a file."""
        if self.chat.current is None or not self.chat.current.messages:
            self._note(
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
        suggested = Path(self.folder) / file_name_for(conversation, SUFFIXES[kind])
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Export Conversation"), str(suggested), filters[kind])
        if not chosen:
            return
        path = _with_suffix(Path(chosen), SUFFIXES[kind])
        self.folder = str(path.parent)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:  # a PDF is laid out here (Qt's fonts): a second or two for a long conversation
            data = self._exported_bytes(snapshot(conversation), kind, thinking)
        finally:
            QApplication.restoreOverrideCursor()

        def work(job: JobContext) -> Exported:
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
            self._note(
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

        def work(job: JobContext) -> Exported | ExportCancelled:
            try:
                written = write_archive(path, sources, labels=labels,
                                        on_progress=job.progress, cancel=job.cancel)
            except ExportCancelled as cancelled:  # the user's choice, not a failure to log
                return cancelled
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
            self._note(self.tr("Export cancelled."), STATUS_MS)
        elif error is not None or exported is None:
            self._show_problem(self.tr("The export could not be written: {error}")
                               .format(error=_error_text(error)))
        elif exported.count is None:
            self._note(
                self.tr("Exported to {path}").format(path=exported.path), STATUS_MS)
        else:
            self._note(
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

        def work(job: JobContext) -> imports.ImportResult | imports.ImportCancelled:
            try:
                return imports.read_imports(paths, taken | imports.ids_in_use(root),
                                            on_progress=job.progress, cancel=job.cancel)
            except imports.ImportCancelled as cancelled:  # the user's choice
                return cancelled

        # Steps inside each file: a big ChatGPT export moves the bar, and cancels there.
        self._show_progress(self.tr("Importing conversations…"),
                            len(paths) * imports.STEPS_PER_FILE)
        self._run(work, self._on_imported)

    def _on_imported(self, result: imports.ImportResult | None,
                     error: BaseException | None) -> None:
        self._close_progress()
        if isinstance(error, imports.ImportCancelled):
            self._note(self.tr("Import cancelled."), STATUS_MS)
            result = None
        elif error is not None or result is None:
            self._show_problem(self.tr("The import failed: {error}")
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
        plain_box(box)  # file names and what went wrong in them
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

    def _run(self, work: Callable[[JobContext], object],
             on_done: Callable[[object, BaseException | None], None]) -> JobPort:
        """Run ``work`` as a job; ``on_done(result, error)`` once it has ended."""
        job = self.jobs.start(work)
        # A cancel the function returned (rather than raised: no traceback in the log)
        # is handed on as the error it is.
        job.done.connect(lambda result: on_done(None, result) if isinstance(result, Exception)
                         else on_done(result, None))
        job.failed.connect(lambda failure: on_done(None, failure.error))
        if self.progress is not None:
            job.progressed.connect(self._on_progressed)
            self.progress.canceled.connect(job.cancel)
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
