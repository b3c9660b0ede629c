"""A box of finished widgets whose height is measured once per width.

While a message streams, the layouts above it are asked for their height again and again,
often at two widths in turn; a Qt layout remembers only its last width, so each update
would re-measure every finished widget. This box answers from a cache instead, dropped
whenever its content changes. It holds its widgets in an inner widget and has no layout of
its own: for a widget with a layout, Qt asks the layout directly and skips the cache.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

PREFERRED_WIDTH = 860  # the conversation column's width when the window allows


class CachedHeightBox(QWidget):
    def __init__(self, spacing: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.inner = QWidget(self)
        self.items = QVBoxLayout(self.inner)
        self.items.setContentsMargins(0, 0, 0, 0)
        self.items.setSpacing(spacing)
        self.inner.installEventFilter(self)
        self.setMaximumWidth(PREFERRED_WIDTH)
        self._heights: dict[int, int] = {}

    def widgets(self) -> list[QWidget]:
        return [self.items.itemAt(i).widget() for i in range(self.items.count())]

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = self.items.totalHeightForWidth(width)
        return height

    def sizeHint(self) -> QSize:  # noqa: N802
        width = self.width() if self.width() > 0 else PREFERRED_WIDTH
        return QSize(PREFERRED_WIDTH, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self.inner.setGeometry(0, 0, self.width(), self.height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.LayoutRequest:
            self._heights.clear()
            self.updateGeometry()
            self.inner.setGeometry(0, 0, self.width(), self.heightForWidth(self.width()))
        return False
