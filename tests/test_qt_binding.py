"""The installed Qt binding keeps the interpreter alive through a long session."""

import sys

import pytest


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from 3.12 on")
def test_calls_that_return_nothing_keep_none_alive(qtbot):
    # PySide6 6.12.0 lost a reference to None on each such call: the app aborted in
    # "none_dealloc" once a few thousand tooltips, geometries and texts had been set.
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setToolTip("tip")
        label.setText("text")
    assert sys.getrefcount(None) > before - 100
