"""Links in a message: what a click does and what hovering says.

Model output is untrusted: only web and mail links open (in the system browser); a
``copy-code:N`` link, written by the Markdown renderer beside each code block, copies
that block. Anything else the model wrote is shown, never followed.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication

from desktop_chat.ui.render.markdown import COPY_CODE_SCHEME

SAFE_LINK_SCHEMES = ("http", "https", "mailto")


def open_link(url: str) -> bool:
    """Open a link from model output in the system browser, if it is a web or mail link.

    Anything else the model wrote (file:, javascript:, a custom scheme) is ignored.
    """
    qurl = QUrl(url)
    if qurl.isValid() and qurl.scheme().lower() in SAFE_LINK_SCHEMES:
        return QDesktopServices.openUrl(qurl)
    return False


def copy_code_index(url: str, code: list[str]) -> int | None:
    """The code block a ``copy-code:N`` link of the renderer names, if N is one of them.

    Models can write such links too; one naming no code block of its label is ignored.
    """
    scheme, _, rest = url.partition(":")
    if scheme != COPY_CODE_SCHEME or not rest.isascii() or not rest.isdigit():
        return None
    index = int(rest)
    return index if index < len(code) else None


def handle_link(url: str, code: list[str]) -> None:
    """A click on a link in a message: copy a code block, or open a web or mail link."""
    index = copy_code_index(url, code)
    if index is not None:
        QGuiApplication.clipboard().setText(code[index])
    elif not url.startswith(f"{COPY_CODE_SCHEME}:"):
        open_link(url)


def link_tooltip(url: str) -> str:
    """What hovering a link shows: where it goes, or that the app will not open it."""
    if not url or url.startswith(f"{COPY_CODE_SCHEME}:"):  # "": the pointer left the link
        return ""
    if QUrl(url).scheme().lower() in SAFE_LINK_SCHEMES:
        return url
    # "messages": the context this string had in the module it came from (messages.py),
    # kept so that the shipped translations still find it.
    return QApplication.translate("messages", "{url} (not opened: not a web or mail link)"
                                  ).format(url=url)
