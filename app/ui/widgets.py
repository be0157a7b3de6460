"""Small widget helpers shared by pages. Kept free of heavy imports: the first page shown uses them
before the window is painted."""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableWidget


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


def read_only_table(headers: list[str] | tuple[str, ...], name: str) -> QTableWidget:
    """A table a person reads and picks one row of: no editing in cells, whole rows, no row numbers, the last
    column filling the width; `name` is what a screen reader says."""
    table = QTableWidget(0, len(headers))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    return table  # (long cells wrap: Qt's default)
