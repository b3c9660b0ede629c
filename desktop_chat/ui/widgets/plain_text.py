"""Text from outside shown as text: the labels, message boxes and tooltips that never read it
as Qt rich text.

Qt guesses (``Qt.AutoText``) whether a label's, a message box's or a tooltip's text is HTML.
A model's output, a server's error, a file or folder name, a Hub answer or an imported
field that looks like HTML would be rendered, and an ``<img src=...>`` in it makes Qt read
that file on the GUI thread: a FIFO freezes the app, ``/dev/zero`` aborts it, and on
Windows a UNC path reaches out to another machine. So every label and box that can show
such text is made plain here; the few that carry links of our own say ``RichText``
themselves and put outside text in through ``escaped``.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # mightBeRichText lives in QtGui
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

PLAIN = Qt.TextFormat.PlainText


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows whatever it is given as written, markup included."""
    label = QLabel(parent)
    label.setTextFormat(PLAIN)
    label.setText(text)
    return label


def plain_box(box: QMessageBox) -> QMessageBox:
    """The message box, its text and informative text shown as written.

    Call it once the texts are set: Qt gives the informative text's label the box's
    format when the format is set, not when that label is made. (The detailed text is
    always plain.)
    """
    box.setTextFormat(PLAIN)
    return box


def plain_message_box(icon: QMessageBox.Icon, title: str, text: str,
                      buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton,
                      parent: QWidget | None = None, informative: str = "") -> QMessageBox:
    """A message box whose texts (which may name files, models or errors) are plain."""
    box = QMessageBox(icon, title, text, buttons, parent)
    if informative:
        box.setInformativeText(informative)
    return plain_box(box)


def escaped(text: str) -> str:
    """Outside text made safe to put into rich text of our own (a label with a link)."""
    return html.escape(text, quote=True)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` as written.

    Qt shows a tooltip that looks like HTML (``Qt.mightBeRichText``: a tag, or even an
    ``&lt;`` alone) as rich text; such a one is escaped and marked as rich text, with its
    line breaks and spaces kept. Any other is left as it is (Qt shows it as plain text).
    """
    if not GuiQt.mightBeRichText(text):
        return text
    return f'<p style="white-space:pre-wrap">{escaped(text)}</p>'
