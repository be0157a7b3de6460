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
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.ui.dates import us_date
from app.ui.pages.base import Page
from app.ui.pages.schedule.dialogs import AttendanceDialog, BellScheduleDialog, CalendarFileDialog, SupportTeamDialog
from app.ui.pages.schedule.event_dialog import EventDialog
from app.ui.pages.schedule.week_view import Loaded, WeekView, _kind_labels
from app.ui.saving import offer_open_folder, save_path
from app.ui.table_model import Column, RowTableModel


def _day(moment: dt.datetime) -> str:
    """'Tue 3/3/2026': the weekday and the US date the window writes everywhere (app/ui/dates.py)."""
    return f"{moment:%a} {us_date(moment.date())}"


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
            Column("Date", lambda o: _day(o.start.astimezone(self.tz)), lambda o: o.start),
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
            self.save(dialog.event_input(), dialog.event_id, dialog.version, dialog=dialog)

    def save(self, data: Any, event_id: uuid.UUID | None = None, version: int | None = None,
             allow_conflicts: bool = False, dialog: EventDialog | None = None) -> None:
        """Save through the service; a double-booking is shown with who and what, and saved only
        if the coordinator says so. `dialog`: the form it came from (closed by its Save), shown again
        with what was typed if the save fails (`_reopen`)."""
        year = self.ctx.year_label

        def work(session: Any) -> Any:
            from app.services.scheduling import save_event

            return save_event(session, year, data, event_id=event_id, expected_version=version,
                              allow_conflicts=allow_conflicts)

        self.ctx.tasks.run(work, on_success=self._saved,
                           on_error=lambda exc, details: self._save_failed(exc, details, data, event_id, version,
                                                                           dialog))

    def _saved(self, result: Any) -> None:
        self.last_message = self.tr("Saved.") if not result.conflicts else self.tr(
            "Saved, with a double-booking: ") + "; ".join(c.text for c in result.conflicts)
        if result.closed_days:  # a meeting on a PD day is allowed: said, not refused
            self.last_message += " " + self.tr("Note:") + " " + result.warnings[-1] + "."
        self.status.setText(self.last_message)

    def _save_failed(self, exc: BaseException, details: str, data: Any, event_id: Any, version: Any,
                     dialog: EventDialog | None = None) -> None:
        from app.errors import DatabaseBusyError
        from app.services.scheduling import SchedulingConflict

        if isinstance(exc, SchedulingConflict):
            self.last_message = str(exc)
            self.status.setText(self.last_message)
            if self.confirm_conflict(exc):
                self.save(data, event_id, version, allow_conflicts=True, dialog=dialog)
            return
        if isinstance(exc, DatabaseBusyError):  # another window's lock past the wait: said here, no box
            self.last_message = str(exc)
            self.status.setText(self.last_message)
        else:
            from app.ui.errors import show_error

            self.last_message = self.tr("Not saved.")
            self.status.setText(self.last_message)
            show_error(self, exc, details)
        if dialog is not None:
            self._reopen(dialog, self.last_message)

    def _reopen(self, dialog: EventDialog, message: str) -> None:
        """The event's form again, as it was when Save was pressed, with why it was not saved above its
        buttons (issue 19: a failed save never loses what was typed). Opened, not exec'd; its Save
        saves again, and fails again the same way if it must."""
        dialog.warning.setText(message)
        if not getattr(dialog, "resaves", False):
            dialog.resaves = True  # type: ignore[attr-defined]
            dialog.accepted.connect(
                lambda: self.save(dialog.event_input(), dialog.event_id, dialog.version, dialog=dialog))
        self.reopened = dialog
        dialog.open()

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
        path = save_path(self, self.tr("Printable schedule"), f"schedule-{self.ctx.year_label}.pdf",
                         self.tr("PDF files (*.pdf)"))
        if path:
            self.print_to(path)

    def print_to(self, path: str) -> None:
        year, (start, end) = self.ctx.year_label, self.visible_range()
        school = self.school_filter.currentText() if self.school_filter.currentData() else None

        def work(session: Any) -> Any:
            from app.services.scheduling import write_schedule_pdf

            return write_schedule_pdf(session, year, path, start=start, end=end, school=school)

        self.ctx.tasks.run(work, write=False, on_success=lambda p: (
            self.status.setText(self.tr("Wrote %1").replace("%1", str(p))), offer_open_folder(self, path)))

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
        path = save_path(self, self.tr("Calendar file"), f"schedule-{self.ctx.year_label}.ics",
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
            from app.services.scheduling.ics import export_ics, save_organizer

            if remember_organizer:
                save_organizer(session, organizer_email)
            return export_ics(session, year, path, school=school, person=person, person_id=person_id,
                              organizer_email=organizer_email)

        def done(result: Any) -> None:
            self.status.setText(self.tr("Wrote %1: %2 events").replace("%1", str(result[0])).replace(
                "%2", str(result[1])))

        self.ctx.tasks.run(work, write=remember_organizer, announce=False, on_success=done)
