"""Schedule: orientation, support-team meetings, peer groups and mentor training on a week or month
calendar, or as an agenda list; create and edit in a dialog (with proposed free times from the bell
schedules), drag an event in the week view to move it; filters by school and type; a calendar file
for everyone, a school or one person.

004: the coordinator "maintains meeting schedules for beginning teachers and their mentors and
ensures that these are followed". A save that double-books someone says who and with what, and
asks before keeping it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, QPoint, QRect, QRectF, Qt, QTime, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.pages.base import Page
from app.ui.table_model import Column, RowTableModel

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

def local_search(people: list[tuple[uuid.UUID, str]]) -> Any:
    """A search over a given list (every word typed, anywhere in the name), for pickers that are
    handed their people rather than a service to ask."""
    def search(text: str) -> list[tuple[uuid.UUID, str]]:
        words = text.lower().split()
        return [(i, name) for i, name in people if all(w in name.lower() for w in words)]

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
        words = text.lower().split()
        shown = sorted(((i, label) for i, label in self._chosen.items() if all(w in label.lower() for w in words)),
                       key=lambda pair: pair[1].lower())
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

class EventDialog(QDialog):
    """Create or edit an event. `proposals` is called with (educator ids, minutes, after) and
    returns the service's proposals (plain data), to fill the date and time from one.

    Attendees: `search(text)` finds people on the roster (default: within `educators`); the
    event's attendees (`attendees`, labelled as the picker labels people; default: their names)
    stay chosen until unticked, so a save changes only who was ticked or unticked. Choosing whom a
    meeting is about (`team_of(mentee id)`: them and their support team) ticks those people."""

    def __init__(self, parent: QWidget | None, *, educators: list[tuple[uuid.UUID, str]],
                 schools: list[tuple[uuid.UUID, str]], mentees: list[tuple[uuid.UUID, str]],
                 info: Any = None, tz: ZoneInfo, default_day: dt.date | None = None, proposals: Any = None,
                 search: Any = None, attendees: list[tuple[uuid.UUID, str]] | None = None, team_of: Any = None):
        super().__init__(parent)
        from app.services.scheduling import RECURRENCE_LABELS

        self.setWindowTitle(self.tr("Edit event") if info else self.tr("New event"))
        self.tz = tz
        self._proposals = proposals
        self._team_of = team_of
        self._exdates: list[str] = []
        self.event_id = info.id if info else None
        self.version = info.version if info else None
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Type"))
        for key, label in _kind_labels().items():
            self.kind.addItem(label, key)
        self.title = QLineEdit()
        self.title.setAccessibleName(self.tr("Title"))
        self.title.setMaxLength(200)
        self.date = QDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setAccessibleName(self.tr("Date"))
        self.time = QTimeEdit()
        self.time.setAccessibleName(self.tr("Start time"))
        self.time.setDisplayFormat("h:mm AP")
        self.minutes = QSpinBox()
        self.minutes.setRange(5, 720)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setAccessibleName(self.tr("Duration in minutes"))
        self.school = QComboBox()
        self.school.setAccessibleName(self.tr("School"))
        self.school.addItem(self.tr("(district)"), None)
        for school_id, name in schools:
            self.school.addItem(name, school_id)
        self.mentee = QComboBox()
        self.mentee.setAccessibleName(self.tr("About (beginning educator)"))
        self.mentee.addItem(self.tr("(nobody in particular)"), None)
        for mentee_id, name in mentees:
            self.mentee.addItem(name, mentee_id)
        self.location = QLineEdit()
        self.location.setAccessibleName(self.tr("Location"))
        self.picker = PersonPicker(search or local_search(educators), checkable=True, name=self.tr("Attendees"),
                                   placeholder=self.tr("Type a name or employee ID to find attendees"))
        self.find, self.people = self.picker.find, self.picker.list
        self.outsiders = QLineEdit()
        self.outsiders.setAccessibleName(self.tr("Other attendees"))
        self.outsiders.setPlaceholderText(self.tr("Name <email>; Name <email> (e.g. a program supervisor)"))
        self.recurrence = QComboBox()
        self.recurrence.setAccessibleName(self.tr("Repeats"))
        for key, label in RECURRENCE_LABELS.items():
            self.recurrence.addItem(label, key)
        self.until = QDateEdit()
        self.until.setCalendarPopup(True)
        self.until.setAccessibleName(self.tr("Repeat until"))
        self.status = QComboBox()
        self.status.setAccessibleName(self.tr("Status"))
        for key, label in (("scheduled", self.tr("Scheduled")), ("held", self.tr("Held")),
                           ("cancelled", self.tr("Cancelled"))):
            self.status.addItem(label, key)
        self.propose = QPushButton(self.tr("Propose times"))
        self.propose.setAccessibleName(self.tr("Propose times when all attendees are free"))
        self.propose.clicked.connect(self._propose)
        self.proposal_list = QListWidget()
        self.proposal_list.setAccessibleName(self.tr("Proposed times"))
        self.proposal_list.setMaximumHeight(90)
        self.proposal_list.itemActivated.connect(self._use_proposal)
        self.proposal_list.itemClicked.connect(self._use_proposal)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName(self.tr("Warnings"))
        # Exceptions of a series: the dates it skips (EXDATE), restorable; or skip one more.
        self.skipped = QListWidget()
        self.skipped.setAccessibleName(self.tr("Skipped dates"))
        self.skipped.setMaximumHeight(70)
        self.restore = QPushButton(self.tr("Restore date"))
        self.restore.setAccessibleName(self.tr("Restore the selected skipped date"))
        self.restore.clicked.connect(self._restore_selected)
        self.skip_date = QDateEdit()
        self.skip_date.setCalendarPopup(True)
        self.skip_date.setAccessibleName(self.tr("Date to skip"))
        self.skip = QPushButton(self.tr("Skip date"))
        self.skip.setAccessibleName(self.tr("Skip the chosen date of the series"))
        self.skip.clicked.connect(lambda: self.skip_day(self.skip_date.date().toPython()))
        exceptions = QWidget()
        row = QHBoxLayout(exceptions)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.skipped, self.restore, self.skip_date, self.skip):
            row.addWidget(widget)
        for label, widget in ((self.tr("Type"), self.kind), (self.tr("Title"), self.title),
                              (self.tr("Date"), self.date), (self.tr("Starts"), self.time),
                              (self.tr("Duration"), self.minutes), (self.tr("School"), self.school),
                              (self.tr("About"), self.mentee), (self.tr("Location"), self.location),
                              (self.tr("Attendees"), self.picker),
                              (self.tr("Others"), self.outsiders), (self.tr("Repeats"), self.recurrence),
                              (self.tr("Until"), self.until), (self.tr("Skipped"), exceptions),
                              (self.tr("Status"), self.status),
                              ("", self.propose), ("", self.proposal_list)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)
        self.recurrence.currentIndexChanged.connect(lambda _i: self._recurrence_changed())
        self._load(info, default_day, attendees)
        self._mentee_shown = self.mentee.currentData()
        self.mentee.currentIndexChanged.connect(lambda _i: self._mentee_changed())
        self._recurrence_changed()

    def _load(self, info: Any, default_day: dt.date | None, attendees: list[tuple[uuid.UUID, str]] | None) -> None:
        if info is None:
            day = default_day or dt.date.today()
            self.date.setDate(QDate(day.year, day.month, day.day))
            self.time.setTime(QTime(15, 0))
            self.minutes.setValue(45)
            self.until.setDate(QDate(day.year, day.month, day.day).addMonths(3))
            self.until.setEnabled(False)
            return
        local = info.starts_at.astimezone(self.tz)
        self.skip_date.setDate(QDate(local.year, local.month, local.day))
        self.kind.setCurrentIndex(self.kind.findData(info.kind))
        self.title.setText(info.title)
        self.date.setDate(QDate(local.year, local.month, local.day))
        self.time.setTime(QTime(local.hour, local.minute))
        self.minutes.setValue(info.minutes)
        self.school.setCurrentIndex(max(0, find_data(self.school, info.school_id)))
        self.mentee.setCurrentIndex(max(0, find_data(self.mentee, info.mentee_id)))
        self.location.setText(info.location or "")
        labels = dict(attendees or ())
        self.picker.set_chosen([(p.educator_id, labels.get(p.educator_id, p.name))
                                for p in info.people if p.educator_id])
        self.outsiders.setText("; ".join(f"{p.name} <{p.email}>" if p.email else p.name
                                         for p in info.people if p.educator_id is None))
        self.recurrence.setCurrentIndex(self.recurrence.findData(info.recurrence))
        until = info.repeat_until or local.date()
        self.until.setDate(QDate(until.year, until.month, until.day))
        self.until.setEnabled(info.recurrence is not None)
        self.status.setCurrentIndex(self.status.findData(info.status))
        self._exdates = sorted(info.exdates)
        self._show_skipped()

    def _recurrence_changed(self) -> None:
        repeats = self.recurrence.currentData() is not None
        self.until.setEnabled(repeats)
        for widget in (self.skipped, self.restore, self.skip_date, self.skip):
            widget.setEnabled(repeats)

    def _show_skipped(self) -> None:
        self.skipped.clear()
        for day in self._exdates:
            date = dt.date.fromisoformat(day)
            item = QListWidgetItem(f"{date:%a} {date.month}/{date.day}/{date.year}")
            item.setData(Qt.ItemDataRole.UserRole, day)
            self.skipped.addItem(item)

    def skip_day(self, day: dt.date) -> None:
        """Skip one date of the series (saved with the event; the calendar file's EXDATE)."""
        if day.isoformat() not in self._exdates:
            self._exdates = sorted({*self._exdates, day.isoformat()})
            self._show_skipped()

    def restore_day(self, day: dt.date) -> None:
        """The series meets on this date again (checked for double-bookings on save)."""
        if day.isoformat() in self._exdates:
            self._exdates.remove(day.isoformat())
            self._show_skipped()

    def _restore_selected(self) -> None:
        item = self.skipped.currentItem()
        if item is not None:
            self.restore_day(dt.date.fromisoformat(item.data(Qt.ItemDataRole.UserRole)))

    def _mentee_changed(self) -> None:
        """Whom the meeting is about: they attend, with their support team (the previous choice
        is no longer the subject and is unticked; the team members ticked stay, to untick by hand)."""
        previous, mentee_id = self._mentee_shown, self.mentee.currentData()
        self._mentee_shown = mentee_id
        if previous is not None and previous != mentee_id:
            self.picker.set_checked(previous, False)
        if mentee_id is None:
            return
        people = self._team_of(mentee_id) if self._team_of is not None else []
        if not any(i == mentee_id for i, _ in people):
            people = [(mentee_id, self.mentee.currentText()), *people]
        for person_id, label in people:
            self.picker.set_checked(person_id, True, label)

    def check_person(self, educator_id: uuid.UUID, checked: bool = True, label: str | None = None) -> None:
        self.picker.set_checked(educator_id, checked, label)

    def educator_ids(self) -> list[uuid.UUID]:
        return self.picker.chosen_ids()

    def start(self) -> dt.datetime:
        day, time = self.date.date().toPython(), self.time.time().toPython()
        return dt.datetime.combine(day, time.replace(second=0, microsecond=0), self.tz)

    def _propose(self) -> None:
        self.proposal_list.clear()
        ids = self.educator_ids()
        if self.mentee.currentData() is not None and self.mentee.currentData() not in ids:
            ids.append(self.mentee.currentData())
        if not ids or self._proposals is None:
            self.warning.setText(self.tr("Choose the attendees first."))
            return
        after = max(self.now(), dt.datetime.combine(self.date.date().toPython(), dt.time(0), self.tz))
        found = self._proposals(ids, self.minutes.value(), after)
        for proposal in found:
            item = QListWidgetItem(f"{proposal.when} ({proposal.reason})")
            item.setData(Qt.ItemDataRole.UserRole, proposal.start)
            self.proposal_list.addItem(item)
        self.warning.setText("" if found else self.tr("No common free time in the next 60 days."))

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)

    def _use_proposal(self, item: QListWidgetItem) -> None:
        local = item.data(Qt.ItemDataRole.UserRole).astimezone(self.tz)
        self.date.setDate(QDate(local.year, local.month, local.day))
        self.time.setTime(QTime(local.hour, local.minute))

    def event_input(self) -> Any:
        from app.services.scheduling import EventInput

        outsiders = []
        for part in self.outsiders.text().split(";"):
            part = part.strip()
            if not part:
                continue
            if "<" in part and part.endswith(">"):
                name, email = part[:-1].split("<", 1)
                outsiders.append((name.strip(), email.strip() or None))
            else:
                outsiders.append((part, None))
        recurrence = self.recurrence.currentData()
        return EventInput(
            self.kind.currentData(), self.title.text().strip() or self.kind.currentText(), self.start(),
            self.minutes.value(), self.school.currentData(), self.mentee.currentData(),
            self.location.text().strip() or None, self.educator_ids(), outsiders, recurrence,
            self.until.date().toPython() if recurrence else None, list(self._exdates) if recurrence else [],
            self.status.currentData())


# --- support teams and attendance ----------------------------------------------------------------

class SupportTeamDialog(QDialog):
    """A beginning educator's support team: members with roles, and the regulation's checks
    (603 CMR 7.12(2)(c); 7.13; 004) each with its citation."""

    def __init__(self, parent: QWidget | None, ctx: Any, mentees: list[tuple[uuid.UUID, str]],
                 educators: list[tuple[uuid.UUID, str]], search: Any = None):
        super().__init__(parent)
        from app.services.support_teams import ROLE_LABELS

        self.ctx = ctx
        self.setWindowTitle(self.tr("Support teams"))
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.mentee = QComboBox()
        self.mentee.setAccessibleName(self.tr("Beginning educator"))
        for mentee_id, name in mentees:
            self.mentee.addItem(name, mentee_id)
        self.fill = QPushButton(self.tr("Fill from assignments"))
        self.fill.setAccessibleName(self.tr("Fill every team from the mentor assignments and evaluators"))
        top.addWidget(self.mentee, 1)
        top.addWidget(self.fill)
        layout.addLayout(top)
        self.members = QListWidget()
        self.members.setAccessibleName(self.tr("Team members"))
        layout.addWidget(self.members)
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.checks.setAccessibleName(self.tr("Support team checks"))
        layout.addWidget(self.checks)
        add = QHBoxLayout()
        self.person = PersonPicker(search or local_search(educators), checkable=False,
                                   name=self.tr("Educator to add"),
                                   placeholder=self.tr("Type a name or employee ID"))
        self.outside = QLineEdit()
        self.outside.setPlaceholderText(self.tr("or a name from outside"))
        self.outside.setAccessibleName(self.tr("Outside member's name"))
        self.role = QComboBox()
        self.role.setAccessibleName(self.tr("Role"))
        for key, label in ROLE_LABELS.items():
            self.role.addItem(label, key)
        self.add = QPushButton(self.tr("Add"))
        self.remove = QPushButton(self.tr("Remove selected"))
        for widget in (self.person, self.outside, self.role, self.add, self.remove):
            add.addWidget(widget)
        layout.addLayout(add)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.mentee.currentIndexChanged.connect(lambda _i: self.reload())
        self.fill.clicked.connect(self._fill)
        self.add.clicked.connect(self._add)
        self.remove.clicked.connect(self._remove)
        self.resize(640, 420)
        self.reload()

    def reload(self) -> None:
        from app.services import support_teams

        mentee_id = self.mentee.currentData()
        self.members.clear()
        if mentee_id is None:
            return
        year = self.ctx.year_label
        team = self.ctx.tasks.call(lambda s: support_teams.team(s, year, mentee_id))
        for member in team:
            item = QListWidgetItem(member.text + (self.tr(" (from the assignment)") if member.from_assignment else ""))
            item.setData(Qt.ItemDataRole.UserRole, member.id)
            self.members.addItem(item)
        lines = [("\u2713 " if c.met else "\u2717 ") + c.reason + f" \u2014 {c.citation}"
                 for c in support_teams.check_team(team)]
        self.checks.setText("\n".join(lines))

    def _run(self, fn: Any) -> None:
        self.ctx.tasks.run(fn, on_success=lambda _r: self.reload())

    def _fill(self) -> None:
        from app.services import support_teams

        year = self.ctx.year_label
        self._run(lambda s: support_teams.fill_from_assignments(s, year))

    def _add(self) -> None:
        from app.services import support_teams

        year, mentee_id, role = self.ctx.year_label, self.mentee.currentData(), self.role.currentData()
        outside = self.outside.text().strip()
        person = None if outside else self.person.current_id()
        if person is None and not outside:
            self.checks.setText(self.tr("Choose an educator (type to find them) or type an outside name."))
            return
        self._run(lambda s: support_teams.add_member(s, year, mentee_id, role, member_id=person,
                                                     outside_name=outside or None))
        self.outside.clear()

    def _remove(self) -> None:
        from app.services import support_teams

        item = self.members.currentItem()
        if item is not None:
            row_id = item.data(Qt.ItemDataRole.UserRole)
            self._run(lambda s: support_teams.remove_member(s, row_id))


class BellScheduleDialog(QDialog):
    """A school's bell schedule: period names (as in the roster's planning periods) and times. The
    free-time proposals read it."""

    def __init__(self, parent: QWidget | None, ctx: Any, schools: list[tuple[uuid.UUID, str]]):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Bell schedules"))
        layout = QVBoxLayout(self)
        self.school = QComboBox()
        self.school.setAccessibleName(self.tr("School"))
        for school_id, name in schools:
            self.school.addItem(name, school_id)
        layout.addWidget(self.school)
        self.table = QTableWidget(0, 3)
        self.table.setAccessibleName(self.tr("Periods"))
        self.table.setHorizontalHeaderLabels([self.tr("Period"), self.tr("Starts (HH:MM)"), self.tr("Ends (HH:MM)")])
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        row_buttons = QHBoxLayout()
        self.add_row = QPushButton(self.tr("Add period"))
        self.remove_row = QPushButton(self.tr("Remove period"))
        row_buttons.addWidget(self.add_row)
        row_buttons.addWidget(self.remove_row)
        row_buttons.addStretch(1)
        layout.addLayout(row_buttons)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.add_row.clicked.connect(lambda: self.table.insertRow(self.table.rowCount()))
        self.remove_row.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        self.school.currentIndexChanged.connect(lambda _i: self.reload())
        self.resize(460, 420)
        self.reload()

    def reload(self) -> None:
        from app.services.scheduling import bell_schedule

        school_id = self.school.currentData()
        periods = self.ctx.tasks.call(lambda s: bell_schedule(s, school_id)) if school_id else []
        self.table.setRowCount(0)
        for period in periods:
            self.set_row(self.table.rowCount(), period.name, period.starts, period.ends)

    def set_row(self, row: int, name: str, starts: dt.time, ends: dt.time) -> None:
        if row >= self.table.rowCount():
            self.table.insertRow(row)
        for column, text in enumerate((name, f"{starts:%H:%M}", f"{ends:%H:%M}")):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def periods(self) -> list[tuple[str, dt.time, dt.time]]:
        out = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c).text().strip() if self.table.item(row, c) else "" for c in range(3)]
            if not any(cells):
                continue
            try:
                starts, ends = (dt.datetime.strptime(cells[i], "%H:%M").time() for i in (1, 2))
            except ValueError:
                raise ValueError(self.tr("Row %1: times as HH:MM, e.g. 09:50").replace("%1", str(row + 1))) from None
            out.append((cells[0], starts, ends))
        return out

    def save(self) -> None:
        from app.services.scheduling import set_bell_schedule

        try:
            periods = self.periods()
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        school_id = self.school.currentData()

        def failed(exc: BaseException, _details: str) -> None:
            self.message.setText(str(exc))

        self.ctx.tasks.run(lambda s: set_bell_schedule(s, school_id, periods), on_error=failed,
                           on_success=lambda _r: self.message.setText(self.tr("Saved.")))


class AttendanceDialog(QDialog):
    """After the fact: who was at one occurrence (a single event becomes held)."""

    def __init__(self, parent: QWidget | None, info: Any, day: dt.date, present: dict[uuid.UUID, bool]):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Attendance: ") + f"{info.title}, {day:%m/%d/%Y}")
        layout = QVBoxLayout(self)
        self.people = QListWidget()
        self.people.setAccessibleName(self.tr("Who was there"))
        for person in info.people:
            item = QListWidgetItem(person.name)
            item.setData(Qt.ItemDataRole.UserRole, person.attendee_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            here = present.get(person.attendee_id, True)
            item.setCheckState(Qt.CheckState.Checked if here else Qt.CheckState.Unchecked)
            self.people.addItem(item)
        layout.addWidget(self.people)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def marks(self) -> tuple[list[uuid.UUID], list[uuid.UUID]]:
        present, absent = [], []
        for row in range(self.people.count()):
            item = self.people.item(row)
            (present if item.checkState() == Qt.CheckState.Checked else absent).append(
                item.data(Qt.ItemDataRole.UserRole))
        return present, absent


class CalendarFileDialog(QDialog):
    """Whose meetings go in the calendar file (everyone, or one person found by typing), and the
    organizer named in it: the induction coordinator's email, remembered for the next export.
    Without one the file names the attendees in each description instead of inviting them
    (RFC 5545: attendees need an organizer; the app will not make up an address)."""

    def __init__(self, parent: QWidget | None, search: Any, organizer_email: str, school: str | None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Calendar file"))
        layout = QVBoxLayout(self)
        self.everyone = QCheckBox(self.tr("Everyone's meetings") + (
            self.tr(" at %1, with the district-wide ones").replace("%1", school) if school else ""))
        self.everyone.setAccessibleName(self.tr("Everyone's meetings"))
        self.everyone.setChecked(True)
        self.person = PersonPicker(search, checkable=False, name=self.tr("Whose meetings"),
                                   placeholder=self.tr("Or type a name or employee ID for one person's meetings"))
        self.organizer = QLineEdit(organizer_email)
        self.organizer.setAccessibleName(self.tr("Organizer email"))
        self.organizer.setPlaceholderText(self.tr("The induction coordinator's email, e.g. induction@district.org"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Calendar file messages"))
        form = QFormLayout()
        form.addRow("", self.everyone)
        form.addRow(self.tr("Person"), self.person)
        form.addRow(self.tr("Organizer"), self.organizer)
        layout.addLayout(form)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.person.find.textChanged.connect(lambda text: self.everyone.setChecked(not text.strip()))
        self.person.changed.connect(lambda: self.everyone.setChecked(self.person.current_id() is None))

    def person_id(self) -> uuid.UUID | None:
        return None if self.everyone.isChecked() else self.person.current_id()

    def organizer_email(self) -> str | None:
        from app.services.ics_export import clean_email

        return clean_email(self.organizer.text())

    def accept(self) -> None:
        from app.services.errors import UsageError

        try:
            self.organizer_email()
        except UsageError as exc:
            self.message.setText(str(exc))
            return
        if not self.everyone.isChecked() and self.person.current_id() is None:
            self.message.setText(self.tr("Choose the person from the list, or tick Everyone's meetings."))
            return
        super().accept()


# --- the page ------------------------------------------------------------------------------------

class SchedulePage(Page):
    title = "Schedule"

    def __init__(self, ctx: Any, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.tz = ZoneInfo("America/New_York")
        self.anchor = dt.date.today()
        self.occurrences: list[Any] = []
        self.schools: list[tuple[uuid.UUID, str]] = []
        self.last_message = ""
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.view = QComboBox()
        self.view.setAccessibleName(self.tr("Calendar view"))
        for key, label in (("week", self.tr("Week")), ("month", self.tr("Month")), ("agenda", self.tr("Agenda"))):
            self.view.addItem(label, key)
        self.prev = QPushButton("\u2190")
        self.prev.setAccessibleName(self.tr("Previous"))
        self.today = QPushButton(self.tr("Today"))
        self.next = QPushButton("\u2192")
        self.next.setAccessibleName(self.tr("Next"))
        self.range_label = QLabel()
        self.school_filter = QComboBox()
        self.school_filter.setAccessibleName(self.tr("Filter by school"))
        self.school_filter.addItem(self.tr("All schools"), None)
        self.kind_filter = QComboBox()
        self.kind_filter.setAccessibleName(self.tr("Filter by type"))
        self.kind_filter.addItem(self.tr("All types"), None)
        for key, label in _kind_labels().items():
            self.kind_filter.addItem(label, key)
        self.new_button = QPushButton(self.tr("New event\u2026"))
        self.new_button.setShortcut("Ctrl+N")
        self.export_button = QPushButton(self.tr("Calendar file\u2026"))
        self.export_button.setAccessibleName(self.tr("Export a calendar file (.ics)"))
        self.range_label.setMinimumWidth(180)
        for widget in (self.view, self.prev, self.today, self.next, self.range_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.team_button = QPushButton(self.tr("Support teams\u2026"))
        self.attendance_button = QPushButton(self.tr("Attendance\u2026"))
        self.attendance_button.setAccessibleName(self.tr("Record attendance for the selected agenda row"))
        self.bell_button = QPushButton(self.tr("Bell schedules\u2026"))
        self.pdf_button = QPushButton(self.tr("Print schedule\u2026"))
        self.pdf_button.setAccessibleName(self.tr("Printable schedule (PDF) of the school shown"))
        for widget in (self.school_filter, self.kind_filter):
            bar.addWidget(widget)
        actions = QHBoxLayout()
        for widget in (self.new_button, self.team_button, self.attendance_button, self.bell_button,
                       self.export_button, self.pdf_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout.addLayout(bar)
        layout.addLayout(actions)
        self.stack = QStackedWidget()
        self.week = WeekView()
        self.month = QTableWidget(6, 7)
        self.month.setAccessibleName(self.tr("Month calendar"))
        self.month.setHorizontalHeaderLabels(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
        self.month.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.month.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.month.verticalHeader().hide()
        self.month.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.month.setWordWrap(True)
        self.agenda_model = RowTableModel([
            Column("Date", lambda o: o.start.astimezone(self.tz).strftime("%a %m/%d/%Y"), lambda o: o.start),
            Column("Time", lambda o: f"{o.start.astimezone(self.tz):%I:%M %p}-{o.end.astimezone(self.tz):%I:%M %p}"),
            Column("Type", lambda o: o.kind_label),
            Column("Title", lambda o: o.title),
            Column("School", lambda o: o.school or ""),
            Column("Attendees", lambda o: ", ".join(o.people)),
            Column("Status", lambda o: o.status + (" (repeats)" if o.recurring else "")),
        ])
        self.agenda = QTableView()
        self.agenda.setAccessibleName(self.tr("Agenda"))
        self.agenda.setModel(self.agenda_model)
        self.agenda.setSortingEnabled(True)
        self.agenda.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # soonest first
        self.agenda.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.agenda.horizontalHeader().setStretchLastSection(True)
        for widget in (self.week, self.month, self.agenda):
            self.stack.addWidget(widget)
        layout.addWidget(self.stack, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Schedule messages"))
        layout.addWidget(self.status)

        self.view.currentIndexChanged.connect(self._view_changed)
        self.prev.clicked.connect(lambda: self._step(-1))
        self.next.clicked.connect(lambda: self._step(1))
        self.today.clicked.connect(self._go_today)
        self.school_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_button.clicked.connect(lambda: self.open_dialog())
        self.export_button.clicked.connect(self._export)
        self.team_button.clicked.connect(self.open_teams)
        self.bell_button.clicked.connect(lambda: self.make_bell_dialog().exec())
        self.attendance_button.clicked.connect(self._attendance_for_selection)
        self.pdf_button.clicked.connect(self._print)
        self.week.moved.connect(self._moved)
        self.week.opened.connect(lambda event_id: self.open_dialog(event_id))
        self.month.cellDoubleClicked.connect(self._month_open)
        self.agenda.doubleClicked.connect(lambda index: self.open_dialog(self.agenda_model.row_at(index.row()).event_id))
        self.week.menu_requested.connect(lambda occ, where: self.occurrence_menu([occ]).exec(where))
        for view in (self.month, self.agenda):
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.month.customContextMenuRequested.connect(self._month_menu)
        self.agenda.customContextMenuRequested.connect(self._agenda_menu)

    # --- range ------------------------------------------------------------------------------
    def mode(self) -> str:
        return self.view.currentData()

    def visible_range(self) -> tuple[dt.date, dt.date]:
        if self.mode() == "week":
            monday = self.anchor - dt.timedelta(days=self.anchor.weekday())
            return monday, monday + dt.timedelta(days=7)
        if self.mode() == "month":
            first = self.anchor.replace(day=1)
            start = first - dt.timedelta(days=first.weekday())
            return start, start + dt.timedelta(days=42)
        from app.services.years import parse_label

        start_year = parse_label(self.ctx.year_label)
        return dt.date(start_year, 7, 1), dt.date(start_year + 1, 7, 1)

    def go_to(self, day: dt.date) -> None:
        self.anchor = day
        self.refresh()

    def _go_today(self) -> None:
        self.go_to(dt.date.today())

    def _step(self, direction: int) -> None:
        if self.mode() == "month":
            month = self.anchor.month - 1 + direction
            self.anchor = dt.date(self.anchor.year + month // 12, month % 12 + 1, 1)
        else:
            self.anchor += dt.timedelta(days=7 * direction)
        self.refresh()

    def _view_changed(self, _index: int) -> None:
        self.stack.setCurrentIndex(self.view.currentIndex())
        self.refresh()

    # --- loading ----------------------------------------------------------------------------
    def refresh(self) -> None:
        start, end = self.visible_range()
        year = self.ctx.year_label
        school_id = self.school_filter.currentData()
        kind = self.kind_filter.currentData()

        def load(session: Any) -> Loaded:
            from app.services import scheduling

            tz = scheduling.zone(session)
            begin = dt.datetime.combine(start, dt.time(0), tz)
            finish = dt.datetime.combine(end, dt.time(0), tz)
            occ = scheduling.list_occurrences(session, year, begin, finish, school_id=school_id,
                                              kinds=[kind] if kind else None)
            schools = scheduling.choices(session, year).schools if not self.schools else self.schools
            return Loaded(occ, tz.key, schools)

        self.ctx.tasks.run(load, on_success=self._show, write=False)

    def _show(self, loaded: Loaded) -> None:
        self.tz = ZoneInfo(loaded.tz)
        self.occurrences = loaded.occurrences
        if not self.schools and loaded.schools:
            self.schools = loaded.schools
            self.school_filter.blockSignals(True)
            for school_id, name in loaded.schools:
                self.school_filter.addItem(name, school_id)
            self.school_filter.blockSignals(False)
        start, end = self.visible_range()
        if self.mode() == "week":
            self.week.set_data(start, self.occurrences, self.tz)
            last = end - dt.timedelta(days=1)
            self.range_label.setText(f"{start:%b} {start.day} \u2013 {last:%b} {last.day}, {last.year}")
        elif self.mode() == "month":
            self._fill_month(start)
            self.range_label.setText(f"{self.anchor:%B %Y}")
        else:
            self.agenda_model.set_rows(self.occurrences)
            self.range_label.setText(self.tr("School year ") + self.ctx.year_label)

    def _fill_month(self, start: dt.date) -> None:
        by_day: dict[dt.date, list[Any]] = {}
        for occ in self.occurrences:
            by_day.setdefault(occ.start.astimezone(self.tz).date(), []).append(occ)
        self.month.setUpdatesEnabled(False)
        for cell in range(42):
            day = start + dt.timedelta(days=cell)
            items = by_day.get(day, [])
            lines = [f"{day.day}"] + [f"{o.start.astimezone(self.tz):%I:%M}".lstrip("0") + f" {o.title}"
                                      for o in items[:4]]
            if len(items) > 4:
                lines.append(self.tr("+%n more", "", len(items) - 4))
            item = QTableWidgetItem("\n".join(lines))
            item.setData(Qt.ItemDataRole.UserRole, day.isoformat())
            item.setToolTip("\n".join(f"{o.kind_label}: {o.title}" for o in items))
            if day.month != self.anchor.month:
                item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
            self.month.setItem(cell // 7, cell % 7, item)
        self.month.setUpdatesEnabled(True)

    def _month_open(self, row: int, column: int) -> None:
        item = self.month.item(row, column)
        if item is not None:
            day = dt.date.fromisoformat(item.data(Qt.ItemDataRole.UserRole))
            self.view.setCurrentIndex(0)
            self.go_to(day)

    # --- right click: edit, attendance, skip a date -------------------------------------------
    def occurrences_on(self, day: dt.date) -> list[Any]:
        return [o for o in self.occurrences if o.start.astimezone(self.tz).date() == day]

    def occurrence_menu(self, occurrences: list[Any]) -> QMenu:
        """What can be done with an occurrence: edit its event, take attendance, and for a series,
        skip this date (restored from the event's Skipped dates). Several (a month's day): one
        submenu each."""
        menu = QMenu(self)
        menu.setAccessibleName(self.tr("Meeting actions"))
        for occ in occurrences:
            target = menu
            if len(occurrences) > 1:
                local = occ.start.astimezone(self.tz)
                target = menu.addMenu(f"{local:%I:%M %p}".lstrip("0") + f" {occ.title}")
            target.addAction(self.tr("Edit\u2026"), lambda o=occ: self.open_dialog(o.event_id))
            target.addAction(self.tr("Attendance\u2026"), lambda o=occ: self.take_attendance(o))
            if occ.recurring:
                target.addAction(self.tr("Skip this date"), lambda o=occ: self.skip_date(o))
                target.addAction(self.tr("Restore a skipped date\u2026"), lambda o=occ: self.open_dialog(o.event_id))
        return menu

    def _month_menu(self, point: QPoint) -> None:
        item = self.month.itemAt(point)
        if item is None:
            return
        occurrences = self.occurrences_on(dt.date.fromisoformat(item.data(Qt.ItemDataRole.UserRole)))
        if occurrences:
            self.occurrence_menu(occurrences).exec(self.month.viewport().mapToGlobal(point))

    def _agenda_menu(self, point: QPoint) -> None:
        index = self.agenda.indexAt(point)
        if index.isValid():
            occ = self.agenda_model.row_at(index.row())
            self.occurrence_menu([occ]).exec(self.agenda.viewport().mapToGlobal(point))

    def skip_date(self, occ: Any) -> None:
        """This date of the series does not happen (an exception; the calendar file's EXDATE)."""
        event_id, day, title = occ.event_id, occ.date, occ.title

        def work(session: Any) -> None:
            from app.services.scheduling import skip_occurrence

            skip_occurrence(session, event_id, day)

        def done(_result: Any) -> None:
            self.last_message = self.tr("Skipped \u201c%1\u201d on %2; Edit the event to restore the date.").replace(
                "%1", title).replace("%2", f"{day:%a} {day.month}/{day.day}/{day.year}")
            self.status.setText(self.last_message)

        self.ctx.tasks.run(work, on_success=done)

    # --- editing ----------------------------------------------------------------------------
    picker_limit: int | None = None  # people listed at a time in the pickers (None: the service's default)

    def roster_search(self, first: list[tuple[uuid.UUID, str]]) -> Any:
        """A picker's search: the roster through the service, `first` when nothing is typed."""
        limit = self.picker_limit

        def search(text: str) -> list[tuple[uuid.UUID, str]]:
            from app.services import scheduling

            if not text.strip():
                return first
            return self.ctx.tasks.call(lambda s: scheduling.educator_choices(
                s, text, limit if limit is not None else scheduling.PICKER_LIMIT))

        return search

    def _choices(self, session: Any, year: str) -> Any:
        from app.services import scheduling

        if self.picker_limit is None:
            return scheduling.choices(session, year)
        return scheduling.choices(session, year, limit=self.picker_limit)

    def make_dialog(self, event_id: uuid.UUID | None = None) -> EventDialog:
        year = self.ctx.year_label

        def load(session: Any) -> tuple[Any, Any, Any]:
            from app.services import scheduling

            info = scheduling.get_event(session, event_id) if event_id else None
            labels = scheduling.educator_choices(session, ids=[p.educator_id for p in info.people if p.educator_id]) \
                if info else []
            return self._choices(session, year), info, labels

        choices, info, labels = self.ctx.tasks.call(load)

        def proposals(ids: list[uuid.UUID], minutes: int, after: dt.datetime) -> list[Any]:
            from app.services import scheduling

            return self.ctx.tasks.call(lambda s: scheduling.propose_times(s, year, ids, minutes, after=after))

        def team_of(mentee_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
            from app.services import scheduling

            return self.ctx.tasks.call(lambda s: scheduling.team_choices(s, year, mentee_id))

        return EventDialog(self, educators=choices.educators, schools=choices.schools, mentees=choices.mentees,
                           info=info, tz=self.tz, default_day=self.anchor, proposals=proposals,
                           search=self.roster_search(choices.educators), attendees=labels, team_of=team_of)

    def open_dialog(self, event_id: uuid.UUID | None = None) -> None:
        dialog = self.make_dialog(event_id)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.save(dialog.event_input(), dialog.event_id, dialog.version)

    def save(self, data: Any, event_id: uuid.UUID | None = None, version: int | None = None,
             allow_conflicts: bool = False) -> None:
        """Save through the service; a double-booking is shown with who and what, and saved only
        if the coordinator says so."""
        year = self.ctx.year_label

        def work(session: Any) -> Any:
            from app.services.scheduling import save_event

            return save_event(session, year, data, event_id=event_id, expected_version=version,
                              allow_conflicts=allow_conflicts)

        self.ctx.tasks.run(work, on_success=self._saved,
                           on_error=lambda exc, details: self._save_failed(exc, details, data, event_id, version))

    def _saved(self, result: Any) -> None:
        self.last_message = self.tr("Saved.") if not result.conflicts else self.tr(
            "Saved, with a double-booking: ") + "; ".join(c.text for c in result.conflicts)
        self.status.setText(self.last_message)

    def _save_failed(self, exc: BaseException, details: str, data: Any, event_id: Any, version: Any) -> None:
        from app.services.scheduling import SchedulingConflict

        if isinstance(exc, SchedulingConflict):
            self.last_message = str(exc)
            self.status.setText(self.last_message)
            if self.confirm_conflict(exc):
                self.save(data, event_id, version, allow_conflicts=True)
            return
        from app.ui.errors import show_error

        show_error(self, exc, details)

    def confirm_conflict(self, exc: BaseException) -> bool:
        """Ask whether to keep a double-booking (tests replace this)."""
        answer = QMessageBox.warning(
            self, self.tr("Double-booked"),
            "\n".join(c.text for c in exc.conflicts[:10]) + "\n\n" + self.tr("Save anyway?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Save

    def _moved(self, event_id: uuid.UUID, payload: tuple[Any, dt.timedelta]) -> None:
        occ, shift = payload
        year = self.ctx.year_label

        def work(session: Any, allow: bool = False) -> Any:
            from app.services import scheduling

            info = scheduling.get_event(session, event_id)
            first = info.starts_at.astimezone(self.tz).replace(tzinfo=None) + shift
            return scheduling.move_event(session, event_id, first.replace(tzinfo=self.tz), allow_conflicts=allow,
                                         expected_version=info.version)

        def failed(exc: BaseException, details: str) -> None:
            from app.services.scheduling import SchedulingConflict

            if isinstance(exc, SchedulingConflict):
                self.last_message = str(exc)
                self.status.setText(self.last_message)
                if self.confirm_conflict(exc):
                    self.ctx.tasks.run(lambda s: work(s, True), on_success=self._saved)
                else:
                    self.refresh()
                return
            from app.ui.errors import show_error

            show_error(self, exc, details)
            self.refresh()

        del year
        self.ctx.tasks.run(work, on_success=self._saved, on_error=failed)

    def make_team_dialog(self) -> SupportTeamDialog:
        year = self.ctx.year_label
        choices = self.ctx.tasks.call(lambda s: self._choices(s, year))
        return SupportTeamDialog(self, self.ctx, choices.mentees, choices.educators,
                                 search=self.roster_search(choices.educators))

    def make_bell_dialog(self) -> BellScheduleDialog:
        from app.services import scheduling

        year = self.ctx.year_label
        schools = self.ctx.tasks.call(lambda s: scheduling.choices(s, year).schools)
        return BellScheduleDialog(self, self.ctx, schools)

    def open_teams(self) -> None:
        self.make_team_dialog().exec()

    def make_attendance_dialog(self, event_id: uuid.UUID, day: dt.date) -> AttendanceDialog:
        def load(session: Any) -> Any:
            from app.services import scheduling

            return scheduling.get_event(session, event_id), scheduling.attendance(session, event_id, day)

        info, present = self.ctx.tasks.call(load)
        return AttendanceDialog(self, info, day, present)

    def record_attendance(self, event_id: uuid.UUID, day: dt.date, present: list, absent: list) -> None:
        def work(session: Any) -> int:
            from app.services import scheduling

            return scheduling.record_attendance(session, event_id, day, present, absent=absent)

        self.ctx.tasks.run(work, on_success=lambda n: self.status.setText(
            self.tr("Attendance saved: %1 present").replace("%1", str(n))))

    def _attendance_for_selection(self) -> None:
        index = self.agenda.currentIndex()
        if self.mode() != "agenda" or not index.isValid():
            self.status.setText(self.tr("Choose a meeting in the Agenda view (or right-click one), then Attendance."))
            return
        self.take_attendance(self.agenda_model.row_at(index.row()))

    def take_attendance(self, occ: Any) -> None:
        dialog = self.make_attendance_dialog(occ.event_id, occ.date)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.record_attendance(occ.event_id, occ.date, *dialog.marks())

    def _print(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Printable schedule"),
                                              f"schedule-{self.ctx.year_label}.pdf", self.tr("PDF files (*.pdf)"))
        if path:
            self.print_to(path)

    def print_to(self, path: str) -> None:
        year, (start, end) = self.ctx.year_label, self.visible_range()
        school = self.school_filter.currentText() if self.school_filter.currentData() else None

        def work(session: Any) -> Any:
            from app.services.scheduling import write_schedule_pdf

            return write_schedule_pdf(session, year, path, start=start, end=end, school=school)

        self.ctx.tasks.run(work, write=False, on_success=lambda p: self.status.setText(
            self.tr("Wrote %1").replace("%1", str(p))))

    def make_export_dialog(self) -> CalendarFileDialog:
        from app.services import settings

        year = self.ctx.year_label
        choices, email = self.ctx.tasks.call(lambda s: (self._choices(s, year),
                                                        settings.get(s, "coordinator_email")))
        return CalendarFileDialog(self, self.roster_search(choices.educators), email or "",
                                  self.school_filter.currentText() if self.school_filter.currentData() else None)

    def _export(self) -> None:
        dialog = self.make_export_dialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Calendar file"), f"schedule-{self.ctx.year_label}.ics",
                                              self.tr("Calendar files (*.ics)"))
        if path:
            self.export_to(path, person_id=dialog.person_id(), organizer_email=dialog.organizer_email(),
                           remember_organizer=True)

    def export_to(self, path: str, person: str | None = None, person_id: uuid.UUID | None = None,
                  organizer_email: str | None = None, remember_organizer: bool = False) -> None:
        """Write the calendar file: one person's meetings, or everyone's (the school shown, with the
        district-wide events). The organizer's email, when remembered, becomes the setting."""
        year = self.ctx.year_label
        school = self.school_filter.currentText() if self.school_filter.currentData() and not (person or person_id) \
            else None

        def work(session: Any) -> Any:
            from app.services.ics_export import export_ics, save_organizer

            if remember_organizer:
                save_organizer(session, organizer_email)
            return export_ics(session, year, path, school=school, person=person, person_id=person_id,
                              organizer_email=organizer_email)

        def done(result: Any) -> None:
            self.status.setText(self.tr("Wrote %1: %2 events").replace("%1", str(result[0])).replace(
                "%2", str(result[1])))

        self.ctx.tasks.run(work, write=remember_organizer, announce=False, on_success=done)
