"""What the window shows when a model cannot be opened, or needs the user's yes first
(controllers/models.py says which: ``failure_to_show``, ``consent_needed``)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop_chat.core.inference import REMEDY_REMOTE_CODE, LoadFailure
from desktop_chat.ui.language import translated
from desktop_chat.ui.widgets.plain_text import plain_box


class LoadFailureDialog(QMessageBox):
    """Why the model could not be opened, and which one still answers."""

    def __init__(self, failure: LoadFailure, open_model: str | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Warning, "", translated(failure.message),
                         QMessageBox.StandardButton.Ok, parent)
        self.setWindowTitle(self.tr("The model could not be opened"))
        self.setObjectName("modelErrorDialog")
        if open_model is not None:
            self.setInformativeText(self.tr("{name} is still open.").format(name=open_model))
        else:
            self.setInformativeText(self.tr("No model is open."))
        if failure.details:
            self.setDetailedText(translated(failure.details))
        plain_box(self)  # an error's text and a model's name are not markup


class ConsentDialog(QMessageBox):
    """A load that can go on only with the user's yes: to run the model's own code, or to
    close the open model first. Never blocks (no nested event loop): ``agreed`` fires
    when the user says yes."""

    agreed = Signal()

    def __init__(self, failure: LoadFailure, parent: QWidget | None = None) -> None:
        super().__init__(QMessageBox.Icon.Question, "", translated(failure.message),
                         QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                         parent)
        if failure.remedy == REMEDY_REMOTE_CODE:
            self.setWindowTitle(self.tr("Run the model's own code?"))
            self.setObjectName("remoteCodeDialog")
        else:
            self.setWindowTitle(self.tr("Close the open model?"))
            self.setObjectName("releaseModelDialog")
        plain_box(self)
        self.setDefaultButton(QMessageBox.StandardButton.No)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if failure.details:
            self.setDetailedText(translated(failure.details))
        yes = self.button(QMessageBox.StandardButton.Yes)
        self.buttonClicked.connect(lambda button: button is yes and self.agreed.emit())
