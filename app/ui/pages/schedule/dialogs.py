"""The schedule's smaller dialogs: a support team, a school's bell schedule, attendance, the calendar file.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
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
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import us_date
from app.ui.pages.schedule.pickers import PersonPicker, local_search


class SupportTeamDialog(QDialog):
    """A beginning educator's support team: members with roles, and the regulation's checks
    (603 CMR 7.12(2)(c); 7.13; 004) each with its citation."""

    def __init__(self, parent: QWidget | None, ctx: Any, mentees: list[tuple[uuid.UUID, str]],
                 educators: list[tuple[uuid.UUID, str]], search: Any = None):
        super().__init__(parent)
        from app.services.matching.support_teams import ROLE_LABELS

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
        from app.services.matching import support_teams

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
        from app.services.matching import support_teams

        year = self.ctx.year_label
        self._run(lambda s: support_teams.fill_from_assignments(s, year))

    def _add(self) -> None:
        from app.services.matching import support_teams

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
        from app.services.matching import support_teams

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

        def failed(exc: BaseException, details: str) -> None:
            from app.ui.errors import said

            self.message.setText(said(exc, details))

        self.ctx.tasks.run(lambda s: set_bell_schedule(s, school_id, periods), on_error=failed,
                           on_success=lambda _r: self.message.setText(self.tr("Saved.")))


class AttendanceDialog(QDialog):
    """After the fact: who was at one occurrence (a single event becomes held)."""

    def __init__(self, parent: QWidget | None, info: Any, day: dt.date, present: dict[uuid.UUID, bool]):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Attendance: ") + f"{info.title}, {us_date(day)}")
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
        from app.services.scheduling.ics import clean_email

        return clean_email(self.organizer.text())

    def accept(self) -> None:
        from app.errors import UsageError

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

