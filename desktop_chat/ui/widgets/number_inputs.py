"""The spin boxes the settings dialogs share: named for tests and accessibility."""

from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox


def decimal_input(name: str, low: float, high: float, step: float,
                  decimals: int) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setAccessibleName(name.removesuffix("Input"))
    return box


def whole_number_input(name: str, low: int, high: int) -> QSpinBox:
    box = QSpinBox()
    box.setObjectName(name)
    box.setRange(low, high)
    box.setAccessibleName(name.removesuffix("Input"))
    return box
