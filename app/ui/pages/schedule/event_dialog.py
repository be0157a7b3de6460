"""Creating and editing an event, with proposed free times from the bell schedules.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import DateEdit
from app.ui.pages.schedule.pickers import PersonPicker, local_search
from app.ui.pages.schedule.week_view import _kind_labels, find_data


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
        self.date = DateEdit()
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
        self.until = DateEdit()
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
        self.skip_date = DateEdit()
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
        fields = QWidget()
        fields.setLayout(form)
        scroll = QScrollArea()  # the form is taller than a laptop screen; Save and Cancel stay in view
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(fields)
        scroll.setMinimumWidth(fields.sizeHint().width() + 24)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.warning)
        layout.addWidget(buttons)
        self.recurrence.currentIndexChanged.connect(lambda _i: self._recurrence_changed())
        self._load(info, default_day, attendees)
        self._mentee_shown = self.mentee.currentData()
        self.mentee.currentIndexChanged.connect(lambda _i: self._mentee_changed())
        self._recurrence_changed()
        room = self.screen().availableGeometry().height() - 60  # the title bar and a margin
        self.resize(self.sizeHint().width(), min(fields.sizeHint().height() + 120, room))

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

