"""The list of entries: a lazy table model over the filtered entries, and the hours bar's delegate.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QTableView,
    QTableWidgetItem,
)

from app.ui.dates import us_date

PRESETS = ("15 min", "30 min", "45 min", "1 h", "1 h 30 min", "2 h")


class GroupChoice:
    """A group session (004: group mentoring): one mentor with every mentee they have today."""

    def __init__(self, mentor: str, pairs: list[Any]):
        self.pairs = pairs
        self.label = f"Group: {mentor} with " + ", ".join(p.mentee for p in pairs)


def group_choices(pairs: list[Any], today: dt.date) -> list[GroupChoice]:
    by_mentor: dict[Any, list[Any]] = {}
    for p in pairs:
        if p.start <= today <= p.end:
            by_mentor.setdefault(p.mentor_id, []).append(p)
    return [GroupChoice(group[0].mentor, group) for group in by_mentor.values() if len(group) > 1]
PAGE_SIZE = 200  # rows per fetch: a page of SQL plus its layout stays well under a frame budget


# --- data for the page (runs on the database worker; returns plain data) ----------------------------


def _load_form(session, year: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from app.services.timelogs import logs as timelogs

    return {"pairs": timelogs.pair_options(session, year), "topics": timelogs.topics(session),
            "activities": list(timelogs.ACTIVITY_LABELS.items())}


def _load_totals(session, year: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    from app.services.timelogs import hours
    from app.services.timelogs import logs as timelogs

    return {"pairs": timelogs.pair_summaries(session, year),
            "educators": hours.educator_hours(session, year, include_idle=True)}


# --- the lazy list of entries -----------------------------------------------------------------------


class _SortItem(QTableWidgetItem):
    """A cell that sorts by a key (hours, counts, dates; names in the People order) while showing text."""

    def __init__(self, text: str, key: Any):
        super().__init__(text)
        self.key = key

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.key < getattr(other, "key", float("-inf"))


def _item(value: object, key: Any = None) -> QTableWidgetItem:
    return QTableWidgetItem(str(value)) if key is None else _SortItem(str(value), key)


_DISPLAY = Qt.ItemDataRole.DisplayRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_USER = Qt.ItemDataRole.UserRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_HORIZONTAL = Qt.Orientation.Horizontal


def display_cells(row: Any) -> tuple[str, ...]:
    """An entry's eight cells as the list shows them, made once when its page is fetched: the view
    asks for every visible cell at every paint, so data() only looks them up (issue 17, item 9)."""
    from app.services.timelogs.logs import ACTIVITY_LABELS

    return (us_date(row.date),  # M/D/YYYY, as every date on screen (app/ui/dates.py)
            row.mentee + (" (group)" if row.group else ""),
            row.mentor,
            str(row.minutes),
            ACTIVITY_LABELS.get(row.activity, row.activity.replace("_", " ").capitalize()),
            "; ".join(row.topics),
            "yes" if row.release_time else "",
            row.entered_by)


def setup_entries_view(view: QTableView) -> None:
    """The entries view's settings (the page's list and benchmarks/timelogs_scroll.py share them)."""
    view.setSortingEnabled(True)
    view.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    # Every row 22 px, fixed: the view never measures a row (no sizeHint asked of any cell).
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)


def with_cells(rows: list[Any]) -> tuple[list[Any], list[tuple[str, ...]]]:
    """A page of rows and their display cells (made where the page is fetched: on the worker when ahead)."""
    return rows, [display_cells(r) for r in rows]


class EntriesModel(QAbstractTableModel):
    """Entries fetched a page at a time (canFetchMore/fetchMore): holds only what was scrolled to,
    each row with its display text made when fetched (never the confidential notes: the service's rows
    do not carry them).

    fetch_ahead (optional): `(after, limit, sort, descending, done)` fetches a page on the database
    worker and calls `done(with_cells(rows))` back on this thread. The model asks for the next page as
    soon as the last one is in, so when the view reaches the end of what is loaded, fetchMore only
    inserts rows already made: no SQL and no formatting in the scroll step (issue 17, item 9). A page
    that is not ready yet (or was asked for before a reload or a new sort) is fetched at once."""

    COLUMNS = ("Date", "Mentee", "Mentor", "Minutes", "Activity", "Topics", "Release time", "Entered by")
    SORT_KEYS = {0: "date", 3: "minutes", 4: "activity"}

    def __init__(self, fetch_page, count, parent: Any = None, fetch_ahead=None):  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._fetch_page = fetch_page  # (after_row_or_None, limit, sort, descending) -> list[EntryRow]
        self._count = count  # () -> int
        self._fetch_ahead = fetch_ahead
        self.rows: list[Any] = []
        self._cells: list[tuple[str, ...]] = []
        self.total = 0
        self.sort_key, self.descending = "date", True
        self._generation = 0  # a reload or a new sort: pages asked for before it are dropped
        self._asked: tuple[Any, ...] | None = None  # the next page asked for ahead, not yet arrived
        self._ahead: tuple[tuple[Any, ...], list[Any], list[tuple[str, ...]]] | None = None
        self.pages_fetched_ahead = 0  # pages that came from the worker (the benchmark and tests read it)

    def _next_key(self) -> tuple[Any, ...]:
        return (self._generation, self.rows[-1].id if self.rows else None, self.sort_key, self.descending)

    def _ask_ahead(self) -> None:
        if self._fetch_ahead is None or len(self.rows) >= self.total or not self.rows:
            return
        key = self._next_key()
        if self._asked == key or (self._ahead is not None and self._ahead[0] == key):
            return
        self._asked = key
        self._fetch_ahead(self.rows[-1], PAGE_SIZE, self.sort_key, self.descending,
                          lambda page: self._arrived(key, page))

    def _arrived(self, key: tuple[Any, ...], page: tuple[list[Any], list[tuple[str, ...]]]) -> None:
        if self._asked == key:
            self._asked = None
        if key == self._next_key():
            self._ahead = (key, page[0], page[1])

    def reload(self) -> None:
        self.beginResetModel()
        self._generation += 1
        self._asked = self._ahead = None
        self.total = self._count()
        self.rows = self._fetch_page(None, PAGE_SIZE, self.sort_key, self.descending) if self.total else []
        self._cells = [display_cells(r) for r in self.rows]
        self.endResetModel()
        self._ask_ahead()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if parent.isValid():
            return
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == self._next_key():
            more, cells = ahead[1], ahead[2]
            self.pages_fetched_ahead += 1
        else:
            more, cells = with_cells(self._fetch_page(self.rows[-1] if self.rows else None, PAGE_SIZE,
                                                      self.sort_key, self.descending))
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self._cells.extend(cells)
        self.endInsertRows()
        self._ask_ahead()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:  # noqa: N802
        if role == _DISPLAY and orientation == _HORIZONTAL and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        # The display role first and alone: the view asks for about eight roles of every visible cell
        # at every paint, and only three of them have an answer here.
        if role == _DISPLAY:
            row = index.row()
            return self._cells[row][index.column()] if 0 <= row < len(self._cells) else None
        if role == _ALIGN:
            return _RIGHT if index.column() == 3 and index.isValid() else None
        if role == _USER:
            row = index.row()
            return self.rows[row] if 0 <= row < len(self.rows) else None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS.get(column)
        if key is None:
            return
        self.sort_key, self.descending = key, order == Qt.SortOrder.DescendingOrder
        self.reload()


class ProgressDelegate(QStyledItemDelegate):
    """Draws the 50-hour progress as a bar (the value in the cell's UserRole, 0..1, or None)."""

    def paint(self, painter, option, index) -> None:  # type: ignore[no-untyped-def]
        value = index.data(Qt.ItemDataRole.UserRole)
        if value is None:
            super().paint(painter, option, index)
            return
        bar = QStyleOptionProgressBar()
        bar.rect = QRect(option.rect.adjusted(2, 3, -2, -3))
        bar.minimum, bar.maximum = 0, 1000
        bar.progress = int(round(value * 1000))
        bar.text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        bar.textVisible = True
        bar.state = option.state
        style = option.widget.style() if option.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, option.widget)


# --- quick entry ----------------------------------------------------------------------------------


