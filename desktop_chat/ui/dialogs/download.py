"""Get a Model: a short list of models (or any Hugging Face repository id), downloaded into
the models folder with progress, Cancel and Resume; the finished model opens at once.

The dialog knows the downloads only as an object with signals and methods (app.py hands
in ``download_worker.DownloadWorker``): it never touches the network or the disk itself.
Closing the dialog cancels a running download; its partial files stay, and the next
Download or Resume of the same model continues them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.model_catalog import CATALOG, FORMAT_GGUF, FORMAT_SAFETENSORS
from desktop_chat.core.settings import AppSettings
from desktop_chat.ui.language import translated
from desktop_chat.ui.render import theme as themes
from desktop_chat.ui.widgets.plain_text import escaped, plain_label

TOKEN_PAGE = "https://huggingface.co/settings/tokens"
# engine/hub_download.py's kinds (the ui may not import the engine)
NEEDS_TOKEN, TOKEN_REFUSED, CANCELLED = "needs_token", "token_refused", "cancelled"
CANNOT_RESUME = {"not_found", "no_model_files"}


def format_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(count) < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    return ""


class DownloadDialog(QDialog):
    model_downloaded = Signal(str)  # the path to open

    def __init__(self, downloads: Any, models_dir: Path, settings: AppSettings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("downloadModelDialog")
        self.setWindowTitle(self.tr("Get a Model"))
        self.setMinimumWidth(600)
        self.downloads = downloads
        self.models_dir = Path(models_dir)
        self.settings = settings
        self._facts: dict[tuple[str, str], Any] = {}  # (title, format) -> CatalogFacts
        self._build()
        downloads.progressed.connect(self._on_progressed)
        downloads.finished.connect(self._on_finished)
        downloads.failed.connect(self._on_failed)
        downloads.running_changed.connect(self._on_running_changed)
        downloads.accelerator_found.connect(self._on_accelerator_found)
        downloads.catalog_facts_found.connect(self._on_facts_found)
        self._set_format(FORMAT_SAFETENSORS if settings.device not in ("auto", "cpu")
                         else FORMAT_GGUF)
        downloads.find_accelerator()
        downloads.find_catalog_facts(settings)
        self._on_running_changed(downloads.running)

    # ----- widgets ---------------------------------------------------------------------------

    def _build(self) -> None:
        intro = plain_label(self.tr("Models come from Hugging Face ({endpoint}) and are kept in "
                               "{folder}.").format(endpoint=self.downloads.endpoint,
                                                   folder=self.models_dir))
        intro.setObjectName("downloadIntro")
        intro.setWordWrap(True)
        self.models = QListWidget()
        self.models.setObjectName("curatedModelList")
        self.models.setAccessibleName(self.tr("Models"))
        self.models.setWordWrap(True)
        for model in CATALOG:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, model)
            self.models.addItem(item)
        self.models.setCurrentRow(0)
        # room for every entry: the token row must not squeeze the list
        self.models.setMinimumHeight(sum(self.models.sizeHintForRow(row) for row in
                                         range(self.models.count()))
                                     + 2 * self.models.frameWidth() + 8)
        self.models.itemSelectionChanged.connect(
            lambda: self.models.selectedItems() and self.repo_input.clear())
        self.format = QComboBox()
        self.format.setObjectName("modelFormatInput")
        self.format.setAccessibleName(self.tr("Format"))
        self.format.addItem(self.tr("Quantized GGUF file, Q4_K_M (llama.cpp)"), FORMAT_GGUF)
        self.format.addItem(self.tr("Full weights, safetensors (transformers)"),
                            FORMAT_SAFETENSORS)
        self.format.currentIndexChanged.connect(self._refresh_list)
        self.advice = plain_label()
        self.advice.setObjectName("formatAdvice")
        self.advice.setWordWrap(True)
        self.repo_input = QLineEdit()
        self.repo_input.setObjectName("repoIdInput")
        self.repo_input.setAccessibleName(self.tr("Hugging Face repository id"))
        self.repo_input.setPlaceholderText(self.tr("Or any Hugging Face repository: "
                                                   "owner/name"))
        self.repo_input.returnPressed.connect(self.start)
        self.repo_input.textEdited.connect(lambda: self.models.clearSelection())
        layout = QVBoxLayout(self)
        for widget in (intro, self.models, self._row(QLabel(self.tr("Format")), self.format),
                       self.advice, self.repo_input, self._token_row(),
                       self._progress_rows(), self._buttons()):
            layout.addWidget(widget)
        self._refresh_list()

    def _row(self, *widgets: QWidget) -> QWidget:
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            box.addWidget(widget, 1 if isinstance(widget, (QComboBox, QLineEdit)) else 0)
        return row

    def _token_row(self) -> QWidget:
        self.token_note = QLabel()
        self.token_note.setTextFormat(Qt.TextFormat.RichText)  # our link; the rest escaped
        self.token_note.setObjectName("hubTokenNote")
        self.token_note.setWordWrap(True)
        self.token_note.setOpenExternalLinks(True)
        self.token_input = QLineEdit()
        self.token_input.setObjectName("hubTokenInput")
        self.token_input.setAccessibleName(self.tr("Hugging Face access token"))
        self.token_input.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_input.setPlaceholderText("hf_…")
        self.token_input.returnPressed.connect(self.use_token)
        button = QPushButton(self.tr("Use Token"))
        button.setObjectName("useTokenButton")
        button.setAccessibleName(self.tr("Use this token and download"))
        button.clicked.connect(self.use_token)
        self.token_box = QWidget()
        column = QVBoxLayout(self.token_box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.token_note)
        column.addWidget(self._row(self.token_input, button))
        self.token_box.hide()
        return self.token_box

    def _progress_rows(self) -> QWidget:
        self.progress = QProgressBar()
        self.progress.setObjectName("downloadProgress")
        self.progress.setAccessibleName(self.tr("Download progress"))
        self.progress.setRange(0, 1000)
        self.status = plain_label()  # names the Hub's files and the repository typed
        self.status.setObjectName("downloadStatus")
        self.error = plain_label()  # the Hub's or the system's words
        self.error.setObjectName("downloadError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {themes.resolve(self.settings.theme).error};")
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.progress, self.status, self.error):
            column.addWidget(widget)
            widget.hide()
        return box

    def _buttons(self) -> QWidget:
        self.download_button = self._button("downloadButton", self.tr("Download"), self.start)
        self.download_button.setDefault(True)
        self.resume_button = self._button("resumeDownloadButton", self.tr("Resume"),
                                          self.start)
        self.cancel_button = self._button("cancelDownloadButton", self.tr("Cancel Download"),
                                          self.downloads.cancel)
        close = self._button("closeDownloadDialogButton", self.tr("Close"), self.reject)
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addStretch(1)
        for button in (self.cancel_button, self.resume_button, self.download_button, close):
            box.addWidget(button)
        self.resume_button.hide()
        return row

    def _button(self, name: str, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # ----- the list ------------------------------------------------------------------------

    def _set_format(self, model_format: str) -> None:
        self.format.setCurrentIndex(self.format.findData(model_format))

    def _on_accelerator_found(self, accelerator: str) -> None:
        if self.settings.device == "auto" and not self.downloads.running:
            self._set_format(FORMAT_GGUF if accelerator == "cpu" else FORMAT_SAFETENSORS)
        self.advice.setText(self.tr(
            "No GPU was found: the GGUF build is recommended. llama.cpp runs it several "
            "times faster than full weights on the CPU, in half the memory.")
            if accelerator == "cpu" else self.tr(
            "A GPU was found ({device}): the full weights are recommended.").format(
            device=accelerator.upper()))

    def _on_facts_found(self, facts: Any) -> None:
        self._facts[(facts.title, facts.model_format)] = facts
        self._refresh_list()

    def _refresh_list(self) -> None:
        model_format = self.format.currentData()
        for row in range(self.models.count()):
            item = self.models.item(row)
            model = item.data(Qt.ItemDataRole.UserRole)
            facts = self._facts.get((model.title, model_format))
            size = facts.size_bytes if facts else model.size_for(model_format)
            line = self.tr("{title}: download {size}").format(title=model.title,
                                                              size=format_bytes(size))
            if facts and facts.needed_bytes:
                line += " · " + (self.tr("needs about {need} of memory") if facts.fits
                                 else self.tr("needs about {need}: more than is free")
                                 ).format(need=format_bytes(facts.needed_bytes))
            item.setText(line + "\n" + translated(model.note))

    # ----- downloading ---------------------------------------------------------------------

    def request(self) -> tuple[str, str, str | None]:
        """Repository, preferred format, GGUF file: what Download fetches."""
        model_format = self.format.currentData()
        typed = self.repo_input.text().strip()
        if typed:
            return typed, model_format, None
        model = self.models.currentItem().data(Qt.ItemDataRole.UserRole)
        return (model.repo_for(model_format), model_format,
                model.gguf_file if model_format == FORMAT_GGUF else None)

    def start(self) -> None:
        repo, model_format, gguf_file = self.request()
        self.error.hide()
        self.token_box.hide()
        self.progress.setValue(0)  # an earlier model's bar; a resume reports its bytes at once
        self.progress.hide()
        self.status.setText(self.tr("Asking {endpoint} about {repo}…").format(
            endpoint=self.downloads.endpoint, repo=repo))
        self.status.show()
        self.downloads.start(repo, self.models_dir, model_format, gguf_file)

    def use_token(self) -> None:
        token = self.token_input.text().strip()
        if token:
            self.downloads.use_token(token)
            self.token_input.clear()
            self.start()

    def _on_running_changed(self, running: bool) -> None:
        self.download_button.setEnabled(not running)
        self.resume_button.setEnabled(not running)
        self.cancel_button.setVisible(running)
        for widget in (self.models, self.format, self.repo_input):
            widget.setEnabled(not running)
        if running:
            self.resume_button.hide()

    def _on_progressed(self, progress: Any) -> None:
        self.progress.show()
        total = max(progress.total_bytes, 1)
        self.progress.setValue(int(progress.done_bytes * 1000 / total))
        parts = [self.tr("{done} of {total}").format(done=format_bytes(progress.done_bytes),
                                                     total=format_bytes(progress.total_bytes))]
        if progress.bytes_per_s:
            parts.append(self.tr("{speed}/s").format(speed=format_bytes(progress.bytes_per_s)))
        if progress.seconds_left is not None:
            parts.append(self.tr("about {time} left").format(
                time=_duration(self, progress.seconds_left)))
        self.progress.setFormat(f"{progress.done_bytes * 100 // total} %")
        self.status.setText(" · ".join(parts) + "\n" + progress.file)

    def _on_finished(self, path: str) -> None:
        self.status.setText(self.tr("Downloaded to {path}").format(path=path))
        self.progress.setValue(1000)
        self.model_downloaded.emit(path)
        self.accept()

    def _on_failed(self, kind: str, detail: str) -> None:
        self.resume_button.setVisible(kind not in CANNOT_RESUME | {NEEDS_TOKEN, TOKEN_REFUSED}
                                      and (kind == CANCELLED or self.progress.value() > 0))
        if kind == CANCELLED:
            self.status.setText(self.tr("Paused. What has arrived is kept: Resume continues "
                                        "from there."))
            return
        self.status.hide()
        if kind in (NEEDS_TOKEN, TOKEN_REFUSED):
            self._ask_for_token(kind == TOKEN_REFUSED)
        else:
            self.error.setText(self._describe(kind, detail))
            self.error.show()

    def _ask_for_token(self, refused: bool) -> None:
        repo = self.request()[0]
        text = self.tr("The token was refused for {repo}. Check that it can read this "
                       "repository and that you accepted the model's terms on its page."
                       ) if refused else self.tr(
            "{repo} needs a Hugging Face access token: it is gated or private (or the name "
            "is wrong). Create a token at <a href=\"{url}\">{url}</a>; it is kept in the "
            "system keyring.")
        self.token_note.setText(text.format(repo=escaped(repo), url=TOKEN_PAGE))
        self.token_box.show()
        self.token_input.setFocus()

    def _describe(self, kind: str, detail: str) -> str:
        messages = {
            "offline": self.tr("Hugging Face ({endpoint}) cannot be reached. Check the "
                               "network connection, or set HF_ENDPOINT to a mirror."),
            "not_found": self.tr("There is no model named “{repo}” on {endpoint}. A "
                                 "repository id looks like owner/name."),
            "no_model_files": self.tr("{repo} has neither safetensors weights nor a GGUF "
                                      "file that Desktop Chat can run."),
            "disk_full": self.tr("There is not enough free disk space in {folder} for this "
                                 "model. Free some space or choose another models folder in "
                                 "Settings; what has arrived is kept."),
            "folder": self.tr("The models folder {folder} cannot be written: {detail}"),
            "checksum": self.tr("{detail} arrived damaged (its checksum does not match) and "
                                "was deleted. Resume downloads it again."),
            "connection_lost": self.tr("The connection was lost. What has arrived is kept: "
                                       "Resume continues from there."),
        }
        template = messages.get(kind, self.tr("The download failed: {detail}"))
        return template.format(endpoint=self.downloads.endpoint, repo=self.request()[0],
                               folder=self.models_dir, detail=detail)

    # ----- closing -------------------------------------------------------------------------

    def done(self, result: int) -> None:
        if self.downloads.running:
            self.downloads.cancel()  # the partial files stay for the next time
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.downloads.running:
            self.downloads.cancel()
        super().closeEvent(event)


def _duration(widget: QWidget, seconds: float) -> str:
    # translate() with a fixed context: lupdate names widget.tr()'s context "widget", which
    # no class at run time has.
    if seconds < 90:
        return QCoreApplication.translate("DownloadDialog", "{n} s").format(
            n=max(int(seconds), 1))
    if seconds < 90 * 60:
        return QCoreApplication.translate("DownloadDialog", "{n} min").format(
            n=round(seconds / 60))
    return QCoreApplication.translate("DownloadDialog", "{h} h {m} min").format(
        h=int(seconds // 3600), m=round(seconds % 3600 / 60))
