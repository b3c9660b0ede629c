"""What a first start shows: where to get a model, and buttons to get or open one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

MODEL_PAGE_URL = "https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"


class EmptyState(QWidget):
    """What a first start shows: where to get a model folder, and a button to open one."""

    get_model_requested = Signal()
    open_model_requested = Signal()
    open_gguf_requested = Signal()
    connect_server_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        title = QLabel(self.tr("No model is open yet"))
        title.setObjectName("emptyStateTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        body = QLabel(self.tr(
            "Desktop Chat runs language models on this computer; nothing leaves it.<br><br>"
            "Download a model folder, for example "
            "<a href=\"{url}\">DeepSeek-R1-Distill-Qwen-1.5B</a> from Hugging Face "
            "(all of its files in one folder) or a single .gguf file, then choose it here. "
            "A model on a server works too: anything that speaks the OpenAI API."
        ).format(url=MODEL_PAGE_URL))
        body.setObjectName("emptyStateText")
        body.setWordWrap(True)
        body.setOpenExternalLinks(True)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        body.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        get = QPushButton(self.tr("Get a Model…"))
        get.setObjectName("emptyStateGetModelButton")
        get.setAccessibleName(self.tr("Get a model from Hugging Face"))
        get.setDefault(True)
        get.clicked.connect(self.get_model_requested)
        button = QPushButton(self.tr("Open model folder…"))
        button.setObjectName("emptyStateOpenButton")
        button.setAccessibleName(self.tr("Open model folder"))
        button.setFlat(True)  # Get a Model is the first thing to do
        button.clicked.connect(self.open_model_requested)
        gguf = QPushButton(self.tr("Open a GGUF file…"))
        gguf.setObjectName("emptyStateGgufButton")
        gguf.setAccessibleName(self.tr("Open a GGUF file"))
        gguf.setFlat(True)
        gguf.clicked.connect(self.open_gguf_requested)
        server = QPushButton(self.tr("Connect to a server…"))
        server.setObjectName("emptyStateServerButton")
        server.setAccessibleName(self.tr("Connect to a server"))
        server.setFlat(True)
        server.clicked.connect(self.connect_server_requested)
        others = QHBoxLayout()
        others.addStretch(1)
        others.addWidget(button)
        others.addWidget(gguf)
        others.addWidget(server)
        others.addStretch(1)
        # A fixed-width column: word-wrapped labels get their full height only when the
        # layout hands them a width, not when aligned inside a wider one.
        column = QWidget()
        column.setFixedWidth(520)
        inner = QVBoxLayout(column)
        inner.setSpacing(16)
        inner.addStretch(2)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        inner.addWidget(title)
        inner.addWidget(body)
        inner.addWidget(get, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addLayout(others)
        inner.addStretch(3)
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(column)
        layout.addStretch(1)
