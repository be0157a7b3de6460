"""The Schedule page: create an event in the dialog and see it in the week view, drag it to move it,
a recurring meeting that double-books someone shows who and what, month and agenda views, filters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QDate, QPoint, Qt, QTime

from app.services import scheduling
from app.services.scheduling import EventInput
from app.ui.pages.schedule.week_view import find_data
from tests.scheduling_fixtures import YEAR, make_district
from tests.ui_support import open_window

NY = ZoneInfo("America/New_York")
MONDAY = dt.date(2026, 10, 19)


@pytest.fixture
def window(qtbot, database):
    with database.unit_of_work() as s:
        d = make_district(s)
        ids = {"ana": d.beginner.id, "maria": d.mentor.id, "ben": d.late.id, "school": d.school.id}
        scheduling.save_event(s, YEAR, EventInput(
            "peer_group", "Peer group", dt.datetime(2026, 9, 15, 15, 15), 45, school_id=d.school.id,
            educator_ids=[d.beginner.id, d.late.id], recurrence="weekly"))
    win = open_window(qtbot, database, YEAR)
    win.resize(1400, 900)
    win.ids = ids
    return win


def _page(window, qtbot):
    page = window.show_area("schedule")
    page.go_to(MONDAY)
    qtbot.waitUntil(lambda: bool(page.occurrences))
    return page


def _titles(page):
    return [(o.title, o.start.astimezone(NY)) for o, _ in page.week.item_rects()]


def test_create_event_in_dialog_and_see_it_in_week_view(window, qtbot):
    page = _page(window, qtbot)
    assert _titles(page) == [("Peer group", dt.datetime(2026, 10, 20, 15, 15, tzinfo=NY))]
    dialog = page.make_dialog()
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData("support_team"))
    qtbot.keyClicks(dialog.title, "Ana: support team")
    dialog.date.setDate(QDate(2026, 10, 21))
    dialog.time.setTime(QTime(9, 50))
    dialog.minutes.setValue(40)
    dialog.mentee.setCurrentIndex(find_data(dialog.mentee, window.ids["ana"]))
    dialog.check_person(window.ids["ana"])
    dialog.check_person(window.ids["maria"])
    qtbot.keyClicks(dialog.outsiders, "Dr. Kim <kim@college.edu>")
    page.save(dialog.event_input())
    qtbot.waitUntil(lambda: len(page.week.item_rects()) == 2)
    assert ("Ana: support team", dt.datetime(2026, 10, 21, 9, 50, tzinfo=NY)) in _titles(page)
    assert page.status.text() == "Saved."
    # Editing it shows what was saved.
    event_id = next(o.event_id for o, _ in page.week.item_rects() if o.title.startswith("Ana"))
    edit = page.make_dialog(event_id)
    qtbot.addWidget(edit)
    assert edit.title.text() == "Ana: support team" and edit.outsiders.text() == "Dr. Kim <kim@college.edu>"
    assert set(edit.educator_ids()) == {window.ids["ana"], window.ids["maria"]}
    assert edit.mentee.currentData() == window.ids["ana"]


def test_proposed_times_fill_the_dialog(window, qtbot):
    page = _page(window, qtbot)
    dialog = page.make_dialog()
    qtbot.addWidget(dialog)
    dialog.now = lambda: dt.datetime(2026, 10, 1, 12, 0, tzinfo=NY)  # proposals start from now or the date
    dialog.date.setDate(QDate(2026, 10, 19))
    dialog.minutes.setValue(40)
    dialog.check_person(window.ids["ana"])
    dialog.check_person(window.ids["maria"])
    dialog.propose.click()
    assert dialog.proposal_list.count() == 5
    first = dialog.proposal_list.item(0)
    assert first.text() == "Mon 10/19/2026 9:50 AM-10:30 AM (planning period 3)"
    dialog._use_proposal(first)
    assert dialog.start() == dt.datetime(2026, 10, 19, 9, 50, tzinfo=NY)


def test_recurring_meeting_that_double_books_warns_with_who_and_what(window, qtbot):
    page = _page(window, qtbot)
    asked = []
    page.confirm_conflict = lambda exc: asked.append(exc) or False  # the coordinator says Cancel
    dialog = page.make_dialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title, "Ben: weekly check-in")
    dialog.date.setDate(QDate(2026, 10, 20))
    dialog.time.setTime(QTime(15, 30))
    dialog.minutes.setValue(30)
    dialog.check_person(window.ids["ben"])
    dialog.recurrence.setCurrentIndex(dialog.recurrence.findData("weekly"))
    dialog.until.setDate(QDate(2026, 11, 30))
    page.save(dialog.event_input())
    assert len(asked) == 1
    assert "Ben Hart is already in peer group \u201cPeer group\u201d on Tue 10/20/2026 3:15 PM-4:00 PM" in \
        page.status.text()
    assert [t for t, _ in _titles(page)] == ["Peer group"]  # nothing saved
    page.confirm_conflict = lambda exc: True  # Save anyway
    page.save(dialog.event_input())
    qtbot.waitUntil(lambda: len(page.week.item_rects()) == 2)
    assert page.status.text().startswith("Saved, with a double-booking: Ben Hart is already in peer group")


def test_drag_moves_an_event(window, qtbot, database):
    page = _page(window, qtbot)
    with database.unit_of_work() as s:
        event_id = scheduling.save_event(s, YEAR, EventInput(
            "observation", "Observation", dt.datetime(2026, 10, 19, 10, 0), 60,
            educator_ids=[window.ids["maria"]])).event_id
    page.refresh()
    qtbot.waitUntil(lambda: len(page.week.item_rects()) == 2)
    occ, rect = next((o, r) for o, r in page.week.item_rects() if o.title == "Observation")
    start = rect.topLeft().toPoint() + QPoint(10, 5)
    target = start + QPoint(int(page.week._column_width() * 2), int(page.week._hour_height() * 3))
    qtbot.mousePress(page.week, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(page.week, target)
    qtbot.mouseRelease(page.week, Qt.MouseButton.LeftButton, pos=target)
    qtbot.waitUntil(lambda: ("Observation", dt.datetime(2026, 10, 21, 13, 0, tzinfo=NY)) in _titles(page))
    with database.read() as s:
        info = scheduling.get_event(s, event_id)
        assert info.starts_at.astimezone(NY) == dt.datetime(2026, 10, 21, 13, 0, tzinfo=NY)
        assert info.sequence == 1


def test_month_agenda_and_filters(window, qtbot):
    page = _page(window, qtbot)
    page.view.setCurrentIndex(page.view.findData("month"))
    qtbot.waitUntil(lambda: page.month.item(0, 0) is not None)
    cells = [page.month.item(r, c).text() for r in range(6) for c in range(7)]
    tuesdays = [text.split("\n")[0] for text in cells if "3:15 Peer group" in text]
    assert tuesdays == ["29", "6", "13", "20", "27", "3"]  # Sep 29, every Tuesday of October, Nov 3
    assert page.range_label.text() == "October 2026"
    page.view.setCurrentIndex(page.view.findData("agenda"))
    qtbot.waitUntil(lambda: page.agenda_model.rowCount() > 0)
    assert page.agenda_model.total_count > 30  # every Tuesday of the year
    row = page.agenda_model.row_at(0)
    assert row.title == "Peer group" and row.start.astimezone(NY).date() == dt.date(2026, 9, 15)
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("orientation"))
    qtbot.waitUntil(lambda: page.agenda_model.total_count == 0)
    page.kind_filter.setCurrentIndex(0)
    page.school_filter.setCurrentIndex(find_data(page.school_filter, window.ids["school"]))
    qtbot.waitUntil(lambda: page.agenda_model.total_count > 30)


def test_export_calendar_for_a_person(window, qtbot, tmp_path):
    import icalendar

    page = _page(window, qtbot)
    out = tmp_path / "ben.ics"
    page.export_to(str(out), person="B2")
    qtbot.waitUntil(lambda: out.exists())
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["Peer group"]
    assert "1 events" in page.status.text()


def test_support_team_dialog_fills_checks_and_adds(window, qtbot):
    page = _page(window, qtbot)
    dialog = page.make_team_dialog()
    qtbot.addWidget(dialog)
    dialog.mentee.setCurrentIndex(find_data(dialog.mentee, window.ids["ana"]))
    assert "\u2717 no mentor on the support team \u2014 603 CMR 7.12(2)(c)" in dialog.checks.text()
    dialog.fill.click()
    qtbot.waitUntil(lambda: dialog.members.count() == 2)
    assert [dialog.members.item(i).text() for i in range(2)] == [
        "Maria Lopez (mentor) (from the assignment)", "Paula Reyes (evaluator) (from the assignment)"]
    assert "\u2717" not in dialog.checks.text() and "\u2713 evaluator is not the mentor" in dialog.checks.text()
    qtbot.keyClicks(dialog.outside, "Dr. Kim")
    dialog.role.setCurrentIndex(dialog.role.findData("other"))
    dialog.add.click()
    qtbot.waitUntil(lambda: dialog.members.count() == 3)
    dialog.members.setCurrentRow(2)
    assert dialog.members.currentItem().text() == "Dr. Kim (other)"
    dialog.remove.click()
    qtbot.waitUntil(lambda: dialog.members.count() == 2)


def test_attendance_dialog_records_who_was_there(window, qtbot, database):
    page = _page(window, qtbot)
    series = page.week.item_rects()[0][0]
    dialog = page.make_attendance_dialog(series.event_id, series.date)
    qtbot.addWidget(dialog)
    assert [dialog.people.item(i).text() for i in range(dialog.people.count())] == ["Ana Silva", "Ben Hart"]
    dialog.people.item(1).setCheckState(Qt.CheckState.Unchecked)
    page.record_attendance(series.event_id, series.date, *dialog.marks())
    assert page.status.text() == "Attendance saved: 1 present"
    with database.read() as s:
        marks = scheduling.attendance(s, series.event_id, series.date)
        assert sorted(marks.values()) == [False, True]
        activities = scheduling.program_activities(s, YEAR, today=dt.date(2027, 6, 30))
    assert activities == [{"type": "peer_group", "label": "Peer group", "held": 1, "attendance": 1,
                           "participants": 1}]


def test_printable_schedule_pdf(window, qtbot, tmp_path):
    from pypdf import PdfReader

    page = _page(window, qtbot)
    out = tmp_path / "week.pdf"
    page.print_to(str(out))
    qtbot.waitUntil(lambda: out.exists())
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert "Lincoln Elementary: 1 meeting" in text and "Peer group" in text and "Ana Silva, Ben Hart" in text
    assert "Tue 10/20/2026" in text


def test_bell_schedule_dialog_edits_periods(window, qtbot, database):
    page = _page(window, qtbot)
    dialog = page.make_bell_dialog()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 7 and dialog.table.item(2, 0).text() == "3"
    assert dialog.table.item(2, 1).text() == "09:50"
    dialog.set_row(7, "8", dt.time(14, 55), dt.time(15, 40))
    dialog.set_row(8, "9", dt.time(16, 0), dt.time(15, 0))  # ends before it starts
    dialog.save()
    assert "ends (15:00) before it starts (16:00)" in dialog.message.text()
    dialog.table.removeRow(8)
    dialog.save()
    assert dialog.message.text() == "Saved."
    with database.read() as s:
        assert [p.name for p in scheduling.bell_schedule(s, window.ids["school"])][-1] == "8"


def test_export_calendar_for_a_person_chosen_by_id(window, qtbot, tmp_path):
    import icalendar

    page = _page(window, qtbot)
    out = tmp_path / "ana.ics"
    page.export_to(str(out), person_id=window.ids["ana"])
    qtbot.waitUntil(lambda: out.exists())
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(cal["x-wr-calname"]).endswith(": Ana Silva")


# --- attendees beyond the picker's first page, the mentee's team, skipped dates, calendar files ----

def _team_meeting(database, ids, people):
    with database.unit_of_work() as s:
        return scheduling.save_event(s, YEAR, EventInput(
            "support_team", "Team", dt.datetime(2026, 10, 21, 9, 50), 40, educator_ids=people)).event_id


def test_event_dialog_keeps_attendees_the_picker_does_not_list(window, qtbot, database):
    """A district larger than the picker's page (here 2 people listed of 6): editing an event keeps
    every attendee; only what is ticked or unticked changes."""
    from app.ui.pages.schedule.event_dialog import EventDialog

    with database.read() as s:
        people = {name.split(",")[0]: i for i, name in scheduling.educator_choices(s, limit=None)}
    attendees = [people["Silva"], people["Okafor"], people["Reyes"], people["Ng"]]
    event_id = _team_meeting(database, window.ids, attendees)
    with database.read() as s:
        choices, info = scheduling.choices(s, YEAR, limit=2), scheduling.get_event(s, event_id)
    assert [n for _, n in choices.educators] == ["Hart, Ben (Lincoln Elementary)", "Lopez, Maria (Lincoln Elementary)"]
    # The dialog as built from the capped list: nobody is dropped on save.
    bare = EventDialog(None, educators=choices.educators, schools=choices.schools, mentees=choices.mentees,
                       info=info, tz=NY)
    qtbot.addWidget(bare)
    assert set(bare.event_input().educator_ids) == set(attendees)
    # On the page: the attendees are listed first, typing searches the whole roster.
    page = _page(window, qtbot)
    page.picker_limit = 2
    dialog = page.make_dialog(event_id)
    qtbot.addWidget(dialog)
    assert dialog.picker.shown_ids()[:4] == [people["Ng"], people["Okafor"], people["Reyes"], people["Silva"]]
    assert len(dialog.picker.shown_ids()) == 6  # and the first page of the roster
    dialog.find.setText("hart")
    assert [dialog.people.item(r).text() for r in range(dialog.people.count())] == ["Hart, Ben (Lincoln Elementary)"]
    dialog.people.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.find.setText("ng")  # Ng is shown (ticked) whatever else matches
    row = next(r for r in range(dialog.people.count()) if dialog.people.item(r).text().startswith("Ng,"))
    dialog.people.item(row).setCheckState(Qt.CheckState.Unchecked)
    dialog.find.clear()
    page.save(dialog.event_input(), dialog.event_id, dialog.version)
    with database.read() as s:
        saved = {p.educator_id for p in scheduling.get_event(s, event_id).people}
    assert saved == {people["Silva"], people["Okafor"], people["Reyes"], people["Hart"]}


def test_choosing_whom_a_meeting_is_about_ticks_their_support_team(window, qtbot, database):
    from app.services.matching import support_teams

    with database.unit_of_work() as s:
        support_teams.fill_from_assignments(s, YEAR)
    page = _page(window, qtbot)
    dialog = page.make_dialog()
    qtbot.addWidget(dialog)
    dialog.mentee.setCurrentIndex(find_data(dialog.mentee, window.ids["ana"]))
    assert [label for _, label in dialog.picker.chosen()] == [
        "Silva, Ana (Lincoln Elementary)", "Lopez, Maria (Lincoln Elementary)", "Reyes, Paula (Lincoln Elementary)"]
    dialog.mentee.setCurrentIndex(find_data(dialog.mentee, window.ids["ben"]))  # not Ana after all
    assert [label.split(",")[0] for _, label in dialog.picker.chosen()] == ["Lopez", "Reyes", "Hart"]
    dialog.kind.setCurrentIndex(dialog.kind.findData("support_team"))
    qtbot.keyClicks(dialog.title, "Ben: support team")
    dialog.date.setDate(QDate(2026, 10, 22))
    dialog.time.setTime(QTime(12, 10))
    page.save(dialog.event_input())
    qtbot.waitUntil(lambda: page.status.text() == "Saved.")
    with database.read() as s:
        event = next(e for e in scheduling.list_events(s, YEAR) if e.title == "Ben: support team")
    attendance = page.make_attendance_dialog(event.id, dt.date(2026, 10, 22))
    qtbot.addWidget(attendance)
    assert [attendance.people.item(i).text() for i in range(attendance.people.count())] == [
        "Ben Hart", "Maria Lopez", "Paula Reyes"]


def test_skip_a_date_from_the_calendar_and_restore_it_in_the_dialog(window, qtbot, database):
    page = _page(window, qtbot)
    occ = page.week.item_rects()[0][0]
    assert occ.title == "Peer group" and occ.date == dt.date(2026, 10, 20)
    menu = page.occurrence_menu([occ])
    actions = {a.text(): a for a in menu.actions()}
    assert list(actions) == ["Edit\u2026", "Attendance\u2026", "Skip this date", "Restore a skipped date\u2026"]
    actions["Skip this date"].trigger()
    qtbot.waitUntil(lambda: page.week.item_rects() == [])
    assert page.status.text().startswith("Skipped \u201cPeer group\u201d on Tue 10/20/2026")
    with database.read() as s:
        assert scheduling.get_event(s, occ.event_id).exdates == ("2026-10-20",)
    # The month view's menu has one entry per meeting of the day; a single event has no date to skip.
    with database.unit_of_work() as s:
        scheduling.save_event(s, YEAR, EventInput("observation", "Observation", dt.datetime(2026, 10, 27, 10, 0), 30,
                                                  educator_ids=[window.ids["maria"]]))
    page.view.setCurrentIndex(page.view.findData("month"))
    qtbot.waitUntil(lambda: len(page.occurrences_on(dt.date(2026, 10, 27))) == 2)
    day_menu = page.occurrence_menu(page.occurrences_on(dt.date(2026, 10, 27)))
    assert [a.text() for a in day_menu.actions()] == ["10:00 AM Observation", "3:15 PM Peer group"]
    assert "Skip this date" not in [a.text() for a in day_menu.actions()[0].menu().actions()]
    assert "Skip this date" in [a.text() for a in day_menu.actions()[1].menu().actions()]
    # The edit dialog lists the skipped dates; Restore brings one back.
    dialog = page.make_dialog(occ.event_id)
    qtbot.addWidget(dialog)
    assert [dialog.skipped.item(i).text() for i in range(dialog.skipped.count())] == ["Tue 10/20/2026"]
    dialog.skipped.setCurrentRow(0)
    dialog.restore.click()
    assert dialog.skipped.count() == 0
    dialog.skip_day(dt.date(2026, 11, 3))
    page.save(dialog.event_input(), dialog.event_id, dialog.version)
    with database.read() as s:
        assert scheduling.get_event(s, occ.event_id).exdates == ("2026-11-03",)
    page.view.setCurrentIndex(page.view.findData("week"))
    page.go_to(MONDAY)
    qtbot.waitUntil(lambda: [o.date for o, _ in page.week.item_rects()] == [dt.date(2026, 10, 20)])


def test_calendar_file_dialog_finds_anyone_and_names_the_organizer(window, qtbot, database, tmp_path):
    import icalendar

    from app.services import settings

    page = _page(window, qtbot)
    page.picker_limit = 2
    dialog = page.make_export_dialog()
    qtbot.addWidget(dialog)
    assert dialog.everyone.isChecked() and dialog.person_id() is None
    qtbot.keyClicks(dialog.person.find, "silva")  # beyond the first two listed
    assert dialog.person.select(window.ids["ana"])
    assert not dialog.everyone.isChecked() and dialog.person_id() == window.ids["ana"]
    qtbot.keyClicks(dialog.organizer, "the coordinator")
    dialog.accept()
    assert "not an email address" in dialog.message.text() and dialog.result() != dialog.DialogCode.Accepted
    dialog.organizer.setText("induction@district.org")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    out = tmp_path / "ana.ics"
    page.export_to(str(out), person_id=dialog.person_id(), organizer_email=dialog.organizer_email(),
                   remember_organizer=True)
    qtbot.waitUntil(lambda: out.exists())
    event = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")[0]
    assert str(event["organizer"]) == "mailto:induction@district.org"
    with database.read() as s:
        assert settings.get(s, "coordinator_email") == "induction@district.org"
    assert page.make_export_dialog().organizer.text() == "induction@district.org"  # remembered


def test_support_team_dialog_finds_the_member_to_add(window, qtbot):
    page = _page(window, qtbot)
    page.picker_limit = 1
    dialog = page.make_team_dialog()
    qtbot.addWidget(dialog)
    dialog.mentee.setCurrentIndex(find_data(dialog.mentee, window.ids["ben"]))
    qtbot.keyClicks(dialog.person.find, "lopez")
    assert dialog.person.select(window.ids["maria"])
    dialog.role.setCurrentIndex(dialog.role.findData("mentor"))
    dialog.add.click()
    qtbot.waitUntil(lambda: dialog.members.count() == 1)
    assert dialog.members.item(0).text() == "Maria Lopez (mentor)"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12)), max_size=12))
def test_overlapping_events_of_a_day_are_drawn_side_by_side(starts_and_lengths):
    """Two events that overlap in time never share a lane, so neither hides the other; every lane
    fits in its group's width."""
    from app.ui.pages.schedule.week_view import side_by_side

    spans = [(float(start), float(start + length)) for start, length in starts_and_lengths]
    placed = side_by_side(spans)
    for i, (lane, lanes) in enumerate(placed):
        assert 0 <= lane < lanes
        for j in range(i + 1, len(spans)):
            overlap = spans[i][0] < spans[j][1] and spans[j][0] < spans[i][1]
            if overlap:
                assert placed[j][0] != lane and placed[j][1] == lanes


def test_a_meeting_on_a_holiday_is_saved_with_a_note(window, qtbot):
    # Columbus Day (a Massachusetts legal holiday): a coordinator may still meet then; the page says so.
    page = _page(window, qtbot)
    dialog = page.make_dialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title, "Mentor lunch")
    dialog.date.setDate(QDate(2026, 10, 12))
    dialog.time.setTime(QTime(12, 0))
    dialog.minutes.setValue(30)
    dialog.check_person(window.ids["maria"])
    page.save(dialog.event_input())
    qtbot.waitUntil(lambda: page.status.text().startswith("Saved."))
    assert page.status.text() == "Saved. Note: No school on Mon 10/12/2026 (Columbus Day)."
    page.go_to(dt.date(2026, 10, 12))
    qtbot.waitUntil(lambda: "Mentor lunch" in [t for t, _ in _titles(page)])
