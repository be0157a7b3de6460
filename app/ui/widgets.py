"""Small widget helpers shared by pages. Kept free of heavy imports: the first page shown uses them
before the window is painted."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel


def quiet(label: QLabel) -> QLabel:
    """Secondary text (hints, rules, citations) in the palette's placeholder colour, so it reads in
    light and dark themes alike."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    label.setWordWrap(True)
    return label


def wrapped(text: str) -> QLabel:
    """A label that wraps: a long unwrapped one sets the window's minimum width (issue 17)."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label
