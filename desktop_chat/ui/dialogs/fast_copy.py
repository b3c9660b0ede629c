"""The offer of a fast copy of a model folder, and its progress once accepted.

Asks once (controllers/fast_copy.py says when): make a fast copy, or keep the original.
Accepted, the same dialog shows the copy being made, with Cancel; it never blocks, and
closing it leaves the copy to finish in the background.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_chat.core.fast_copy import FastCopyOffer
from desktop_chat.ui.dialogs.download import format_bytes
from desktop_chat.ui.language import translated


class FastCopyDialog(QDialog):
    make_requested = Signal()
    keep_original_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, offer: FastCopyOffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fastCopyDialog")
        self.setWindowTitle(self.tr("A Faster Way to Run This Model"))
        self.offer = offer
        self._making = False
        self.message = QLabel(self.tr(
            "On this computer llama.cpp runs “{name}” several times faster than it runs "
            "now. A copy of the model in llama.cpp's format is made once, in the "
            "background, and opened instead of the folder from then on. The folder itself "
            "is not changed, and you can keep chatting while the copy is made."
        ).format(name=offer.name))
        self.message.setObjectName("fastCopyMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # a folder's name is not markup
        self.message.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("fastCopyProgress")
        self.progress.setAccessibleName(self.tr("Fast copy progress"))
        self.progress.hide()
        text = self.tr("Make a fast copy ({quantization}, about {size}, about a minute)") \
            if offer.minutes <= 1 else self.tr(
                "Make a fast copy ({quantization}, about {size}, about {minutes} minutes)")
        self.make_button = QPushButton(text.format(
            quantization=offer.quantization, size=format_bytes(offer.size_bytes),
            minutes=offer.minutes))
        self.make_button.setObjectName("fastCopyMakeButton")
        self.keep_button = QPushButton(self.tr("Keep the Original"))
        self.keep_button.setObjectName("fastCopyKeepButton")
        self.cancel_button = QPushButton(self.tr("Cancel the Copy"))
        self.cancel_button.setObjectName("fastCopyCancelButton")
        self.cancel_button.hide()
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setObjectName("fastCopyCloseButton")
        self.close_button.hide()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.keep_button, self.make_button, self.cancel_button,
                       self.close_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        self.make_button.clicked.connect(self._on_make_clicked)
        self.keep_button.clicked.connect(self._on_keep_clicked)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.close_button.clicked.connect(self.close)

    def _on_make_clicked(self) -> None:
        self._making = True
        self.make_button.hide()
        self.keep_button.hide()
        self.cancel_button.show()
        self.close_button.show()
        self.progress.setRange(0, 0)  # busy until the first step is reported
        self.progress.show()
        self.message.setText(self.tr("Making a fast copy of “{name}”…").format(
            name=self.offer.name))
        self.make_requested.emit()

    def _on_keep_clicked(self) -> None:
        self.keep_original_requested.emit()
        self.close()

    # ----- what happens to the copy: each slot takes the folder it is about --------------
    # (offers are not modal: another folder's offer or copy may be under way meanwhile)

    def show_progress(self, folder: str, done: int, total: int) -> None:
        if folder == self.offer.folder:
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(done)

    def show_made(self, folder: str) -> None:
        if folder == self.offer.folder:
            self._finish(self.tr("The fast copy of “{name}” is ready; llama.cpp runs it now.")
                         .format(name=self.offer.name))

    def show_cancelled(self, folder: str) -> None:
        if folder == self.offer.folder:
            self._finish(self.tr("The fast copy was cancelled; nothing was kept. “{name}” "
                                 "keeps running as it is.").format(name=self.offer.name))

    def show_failed(self, folder: str, message: str, _details: str = "") -> None:
        if folder == self.offer.folder:
            self._finish(translated(message))

    def _finish(self, text: str) -> None:
        self._making = False
        self.progress.hide()
        self.cancel_button.hide()
        self.close_button.show()
        self.message.setText(text)
