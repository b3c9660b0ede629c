"""The main window. Until a model is open it shows how to get one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_chat import APP_NAME

MODEL_PAGE_URL = "https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B"


class EmptyState(QWidget):
    """What a first start shows: where to get a model folder, and a button to open one."""

    open_model_requested = Signal()

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
            "(all of its files in one folder), then choose that folder here."
        ).format(url=MODEL_PAGE_URL))
        body.setObjectName("emptyStateText")
        body.setWordWrap(True)
        body.setOpenExternalLinks(True)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        body.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        button = QPushButton(self.tr("Open model folder…"))
        button.setObjectName("emptyStateOpenButton")
        button.setAccessibleName(self.tr("Open model folder"))
        button.clicked.connect(self.open_model_requested)

        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (title, body, button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        body.setMaximumWidth(520)
        layout.addStretch(3)


class MainWindow(QMainWindow):
    open_model_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 760)

        self.empty_state = EmptyState()
        self.empty_state.open_model_requested.connect(self.open_model_requested)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.empty_state)
        self.setCentralWidget(self.pages)

        self.open_model_action = QAction(self.tr("&Open Model Folder…"), self)
        self.open_model_action.setObjectName("openModelAction")
        self.open_model_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_model_action.triggered.connect(self.open_model_requested)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setObjectName("quitAction")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.close)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        file_menu.addAction(self.open_model_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)

        self.statusBar().showMessage(self.tr("No model"))
