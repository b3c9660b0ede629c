"""The ``‹ 2/3 ›`` arrows under a message that has other versions (edits, regenerated
answers, alternatives). Hidden while the message has only one version."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget


class VersionSwitcher(QWidget):
    step_requested = Signal(int)  # -1: the previous version, +1: the next one

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("versionSwitcher")
        self.previous_button = self._arrow("previousVersionButton", "‹",
                                           self.tr("Previous version"), -1)
        self.label = QLabel()
        self.label.setObjectName("versionLabel")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_button = self._arrow("nextVersionButton", "›", self.tr("Next version"), 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.previous_button)
        layout.addWidget(self.label)
        layout.addWidget(self.next_button)
        self.index, self.count = 1, 1
        self._switchable = True
        self.set_position(1, 1)

    def _arrow(self, name: str, text: str, accessible: str, step: int) -> QToolButton:
        button = QToolButton()
        button.setObjectName(name)
        button.setText(text)
        button.setAccessibleName(accessible)
        button.setToolTip(accessible)
        button.setAutoRaise(True)
        button.clicked.connect(lambda: self.step_requested.emit(step))
        return button

    def set_position(self, index: int, count: int) -> None:
        """Version ``index`` (from 1) of ``count``; one version hides the arrows."""
        self.index, self.count = index, count
        self.label.setText(f"{index}/{count}")
        self.label.setAccessibleName(self.tr("Version {index} of {count}").format(
            index=index, count=count))
        self.setVisible(count > 1)
        self._update_buttons()

    def set_switchable(self, switchable: bool) -> None:
        """False while a reply streams: its branch must stay on screen until it ends."""
        self._switchable = switchable
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.previous_button.setEnabled(self._switchable and self.index > 1)
        self.next_button.setEnabled(self._switchable and self.index < self.count)
