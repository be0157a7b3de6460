"""Choosing people: a search-as-you-type picker over the roster.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.services.roster.people_list import fold


def local_search(people: list[tuple[uuid.UUID, str]]) -> Any:
    """A search over a given list (every word typed, anywhere in the name), for pickers that are
    handed their people rather than a service to ask."""
    def search(text: str) -> list[tuple[uuid.UUID, str]]:
        words = fold(text).split()  # accents and case folded: "jose" finds José
        return [(i, name) for i, name in people if all(w in fold(name) for w in words)]

    return search


class PersonPicker(QWidget):
    """Type to find people, as elsewhere in the app. `search(text)` returns (id, label) pairs: the
    page hands in the service's roster search (a page of people at a time, so a district of
    10,000 is searched, not listed). Checkable, the people ticked are held apart from what the
    list shows and listed first whatever is typed: nobody filtered out of view, or beyond the
    first page, is ever dropped; only a click (or set_checked) changes who is chosen."""

    changed = Signal()

    def __init__(self, search: Any, *, checkable: bool, name: str, placeholder: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._search = search
        self.checkable = checkable
        self._chosen: dict[uuid.UUID, str] = {}
        self._filling = False
        self.find = QLineEdit()
        self.find.setPlaceholderText(placeholder)
        self.find.setAccessibleName(self.tr("Find: ") + name)
        self.find.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setAccessibleName(name)
        self.list.setMinimumHeight(120)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.find)
        layout.addWidget(self.list)
        self.find.textChanged.connect(lambda _t: self.refill())
        self.list.itemChanged.connect(self._item_changed)
        self.list.currentItemChanged.connect(lambda *_a: self.changed.emit())
        self.refill()

    def refill(self) -> None:
        text = self.find.text()
        words = fold(text).split()
        shown = sorted(((i, label) for i, label in self._chosen.items() if all(w in fold(label) for w in words)),
                       key=lambda pair: (fold(pair[1]), pair[1]))
        shown += [(i, label) for i, label in self._search(text) if i not in self._chosen]
        self._filling = True
        self.list.clear()
        for person_id, label in shown:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, person_id)
            if self.checkable:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if person_id in self._chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self._filling = False

    def _item_changed(self, item: QListWidgetItem) -> None:
        if self._filling or not self.checkable:
            return
        person_id = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._chosen[person_id] = item.text()
        else:
            self._chosen.pop(person_id, None)
        self.changed.emit()

    def shown_ids(self) -> list[uuid.UUID]:
        return [self.list.item(r).data(Qt.ItemDataRole.UserRole) for r in range(self.list.count())]

    def set_chosen(self, people: list[tuple[uuid.UUID, str]]) -> None:
        self._chosen = dict(people)
        self.refill()

    def set_checked(self, person_id: uuid.UUID, checked: bool = True, label: str | None = None) -> None:
        """Tick (or untick) someone, shown or not; a label is needed for someone never shown."""
        if checked:
            known = label or self._chosen.get(person_id) or next(
                (self.list.item(r).text() for r in range(self.list.count())
                 if self.list.item(r).data(Qt.ItemDataRole.UserRole) == person_id), None)
            if known is None:
                raise KeyError(person_id)
            self._chosen[person_id] = known
        else:
            self._chosen.pop(person_id, None)
        self.refill()
        self.changed.emit()

    def chosen(self) -> list[tuple[uuid.UUID, str]]:
        return list(self._chosen.items())

    def chosen_ids(self) -> list[uuid.UUID]:
        return list(self._chosen)

    def current_id(self) -> uuid.UUID | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def select(self, person_id: uuid.UUID) -> bool:
        for row in range(self.list.count()):
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == person_id:
                self.list.setCurrentRow(row)
                return True
        return False


# --- the event dialog ---------------------------------------------------------------------------

