"""The week view: a day's events side by side in lanes, dragged to move.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QWidget,
)

KIND_COLORS = {"orientation": "#2e7d32", "support_team": "#1565c0", "peer_group": "#6a1b9a",
               "mentor_training": "#ef6c00", "three_way": "#00838f", "observation": "#5d4037", "other": "#546e7a"}
DAY_START, DAY_END = 7, 18  # hours shown in the week view
SNAP = 15


def find_data(combo: QComboBox, value: Any) -> int:
    """The index of an item's data by equality (QComboBox.findData compares Python objects such as
    UUIDs by identity)."""
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            return index
    return -1


def _kind_labels() -> dict[str, str]:
    from app.services.scheduling import KIND_LABELS

    return KIND_LABELS


@dataclass(frozen=True)
class Loaded:
    occurrences: list[Any]
    tz: str
    schools: list[tuple[uuid.UUID, str]]


# --- the week view -------------------------------------------------------------------------------

def side_by_side(spans: list[tuple[float, float]]) -> list[tuple[int, int]]:
    """For each (start, end) of one day: (its lane, how many lanes its group of overlapping events
    needs). Overlapping events share the column's width instead of being drawn over each other."""
    out = [(0, 1)] * len(spans)
    group: list[int] = []
    lane_ends: list[float] = []
    group_end = float("-inf")

    def close_group() -> None:
        for i in group:
            out[i] = (out[i][0], len(lane_ends))

    for i in sorted(range(len(spans)), key=lambda i: spans[i]):
        start, end = spans[i]
        if start >= group_end:  # nothing drawn so far reaches this event: a new group
            close_group()
            group, lane_ends = [], []
        lane = next((k for k, last_end in enumerate(lane_ends) if last_end <= start), len(lane_ends))
        lane_ends[lane:lane + 1] = [end]  # the first lane free by now, else a new one
        out[i] = (lane, 0)
        group.append(i)
        group_end = end if len(group) == 1 else max(group_end, end)
    close_group()
    return out


class WeekView(QWidget):
    """Seven day columns, 7:00 to 18:00; drag an event to another day or time to move it."""

    moved = Signal(object, object)  # event id, new local start (aware datetime)
    opened = Signal(object)  # event id (double click)
    menu_requested = Signal(object, object)  # occurrence, global position (right click)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName(self.tr("Week calendar"))
        self.setMinimumHeight(400)
        self.setMouseTracking(True)
        self.monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
        self.tz = ZoneInfo("America/New_York")
        self.occurrences: list[Any] = []
        self._drag: tuple[Any, QPoint, QRectF] | None = None
        self._drag_offset = QPoint()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

    def _context_menu(self, point: QPoint) -> None:
        occ = self.occurrence_at(point)
        if occ is not None:
            self.menu_requested.emit(occ, self.mapToGlobal(point))

    def set_data(self, monday: dt.date, occurrences: list[Any], tz: ZoneInfo) -> None:
        self.monday, self.occurrences, self.tz = monday, occurrences, tz
        self.update()

    # geometry
    def _gutter(self) -> int:
        return 48

    def _column_width(self) -> float:
        return max(1.0, (self.width() - self._gutter()) / 7)

    def _hour_height(self) -> float:
        return max(1.0, (self.height() - 32) / (DAY_END - DAY_START))

    def rect_for(self, occ: Any) -> QRectF | None:
        local = occ.start.astimezone(self.tz)
        index = (local.date() - self.monday).days
        if not 0 <= index < 7:
            return None
        top = 24 + ((local.hour + local.minute / 60) - DAY_START) * self._hour_height()
        height = max(12.0, (occ.end - occ.start).total_seconds() / 3600 * self._hour_height())
        return QRectF(self._gutter() + index * self._column_width() + 2, top, self._column_width() - 4, height)

    def item_rects(self) -> list[tuple[Any, QRectF]]:
        placed = [(o, r) for o in self.occurrences if (r := self.rect_for(o)) is not None]
        by_day: dict[float, list[int]] = {}
        for i, (_o, rect) in enumerate(placed):
            by_day.setdefault(rect.left(), []).append(i)
        for indexes in by_day.values():
            spans = [(placed[i][1].top(), placed[i][1].bottom()) for i in indexes]
            for i, (lane, lanes) in zip(indexes, side_by_side(spans)):
                rect = placed[i][1]
                width = rect.width() / lanes
                placed[i] = (placed[i][0], QRectF(rect.left() + lane * width, rect.top(), width, rect.height()))
        return placed

    def moment_at(self, point: QPoint) -> dt.datetime:
        """The local moment under a point, snapped to 15 minutes."""
        index = int((point.x() - self._gutter()) // self._column_width())
        index = min(6, max(0, index))
        hours = DAY_START + (point.y() - 24) / self._hour_height()
        minutes = int(round(hours * 60 / SNAP)) * SNAP
        minutes = min(max(minutes, 0), 23 * 60 + 45)
        day = self.monday + dt.timedelta(days=index)
        return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), self.tz)

    # painting
    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        grid = palette.color(QPalette.ColorRole.Mid)
        painter.setPen(QPen(grid))
        for hour in range(DAY_START, DAY_END + 1):
            y = int(24 + (hour - DAY_START) * self._hour_height())
            painter.drawLine(self._gutter(), y, self.width(), y)
            painter.setPen(QPen(text))
            painter.drawText(QRect(0, y - 8, self._gutter() - 4, 16), int(Qt.AlignmentFlag.AlignRight),
                             f"{hour % 12 or 12} {'AM' if hour < 12 else 'PM'}")
            painter.setPen(QPen(grid))
        for index in range(7):
            x = int(self._gutter() + index * self._column_width())
            painter.drawLine(x, 0, x, self.height())
            day = self.monday + dt.timedelta(days=index)
            painter.setPen(QPen(text))
            painter.drawText(QRect(x, 0, int(self._column_width()), 22), int(Qt.AlignmentFlag.AlignCenter),
                             f"{day:%a} {day.month}/{day.day}")
            painter.setPen(QPen(grid))
        for occ, rect in self.item_rects():
            color = QColor(KIND_COLORS.get(occ.kind, "#546e7a"))
            if occ.status == "cancelled":
                color.setAlpha(90)
            painter.fillRect(rect, color)
            painter.setPen(QPen(QColor("white")))
            painter.drawText(rect.adjusted(3, 1, -2, -1), int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop |
                                                              Qt.TextFlag.TextWordWrap), occ.title)
        if self._drag is not None:
            occ, _origin, rect = self._drag
            painter.setPen(QPen(text, 1, Qt.PenStyle.DashLine))
            painter.drawRect(rect)
        painter.end()

    # interaction
    def occurrence_at(self, point: QPoint) -> Any:
        for occ, rect in reversed(self.item_rects()):
            if rect.contains(point.toPointF()):
                return occ
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        occ = self.occurrence_at(event.position().toPoint())
        if occ is not None and event.button() == Qt.MouseButton.LeftButton:
            rect = next(r for o, r in self.item_rects() if o is occ)
            self._drag = (occ, event.position().toPoint(), QRectF(rect))
            self._drag_offset = event.position().toPoint() - rect.topLeft().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is not None:
            occ, origin, rect = self._drag
            top_left = event.position().toPoint() - self._drag_offset
            rect.moveTo(top_left.toPointF())
            self.update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is not None:
            occ, origin, _rect = self._drag
            self._drag = None
            point = event.position().toPoint()
            if (point - origin).manhattanLength() >= 4:
                new_start = self.moment_at(point - self._drag_offset + QPoint(2, 0))
                old_local = occ.start.astimezone(self.tz)
                # A series moves with its first occurrence by the same shift as this one.
                shift = new_start.replace(tzinfo=None) - old_local.replace(tzinfo=None)
                self.moved.emit(occ.event_id, (occ, shift))
            self.update()
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        occ = self.occurrence_at(event.position().toPoint())
        if occ is not None:
            self.opened.emit(occ.event_id)


# --- finding people ------------------------------------------------------------------------------

