"""Forms with optimistic locking ask the educator form's question when someone saved first: the
Time Logs entry's notes and the Mentors page's capacity, willingness and incentives."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from app.models import Assignment, Educator, MentorProfile, School, derived_id
from app.models.timelogs import TimeLog
from app.services.timelogs import logs as timelogs
from app.services.matching.mentor_form import load_mentor_form, save_mentor_form
from app.services.years import current_label, ensure_year
from tests.concurrency import as_alice
from tests.test_matching_service import YEAR as POOL_YEAR
from tests.test_matching_service import district  # noqa: F401  (fixture)
from tests.ui_support import open_window


@pytest.fixture
def logged(database):
    year_label = current_label()
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, year_label)
        school = School(name="Lincoln Elementary")
        mentor = Educator(employee_id="M1", first_name="Maria", last_name="Lopez", school=school)
        mentee = Educator(employee_id="B1", first_name="Ana", last_name="Silva", school=school)
        pair = Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=year.window_start)
        s.add(pair)
        s.flush()
        entry_id = timelogs.add_entry(s, timelogs.EntryInput(pair.id, year.window_start, 45, "planning",
                                                             notes="first note"), today=year.window_start)
    return year_label, entry_id


def test_notes_saved_after_someone_else_changed_the_entry(qtbot, database, db_url, logged):
    year_label, entry_id = logged
    window = open_window(qtbot, database, year_label)
    page = window.show_area("timelogs")
    qtbot.waitUntil(lambda: page.model.total == 1)

    def alice_sets_minutes(minutes: int) -> None:
        def work(s):  # type: ignore[no-untyped-def]
            log = s.get(TimeLog, entry_id)
            loaded = timelogs.EntryInput(log.assignment_id, log.date, log.minutes, log.activity)
            timelogs.update_entry(s, entry_id, dataclasses.replace(loaded, minutes=minutes), loaded=loaded,
                                  version=log.version)
        as_alice(db_url, work)

    dialog = page.open_entry(0)
    dialog.notes.setPlainText("my note")
    alice_sets_minutes(60)
    dialog.save_button.click()
    box = dialog.stale_box
    assert box is not None and "was changed by alice at" in box.text() and "Ana Silva" in box.text()
    box.cancel_button.click()
    assert dialog.notes.toPlainText() == "my note" and dialog.isVisible()

    dialog.save_button.click()
    dialog.stale_box.reload_button.click()
    assert dialog.notes.toPlainText() == "first note"  # as saved now

    dialog.notes.setPlainText("my note again")
    alice_sets_minutes(75)
    dialog.save_button.click()
    dialog.stale_box.overwrite_button.click()
    qtbot.waitUntil(lambda: "Notes saved" in page.status.text())
    with database.read() as s:
        log = s.get(TimeLog, entry_id)
        assert (log.minutes, timelogs.entry_notes(s, entry_id)) == (75, "my note again")  # alice's minutes stand


def test_mentor_capacity_saved_after_someone_else_changed_it(qtbot, database, db_url, district):  # noqa: F811
    window = open_window(qtbot, database, POOL_YEAR)
    page = window.show_area("mentors")
    qtbot.waitUntil(lambda: page.model.rowCount() == 5)
    chem = derived_id("educator", "CHEM")
    page.select(chem)
    detail = page.detail
    detail.capacity.setValue(2)
    as_alice(db_url, lambda s: save_mentor_form(s, load_mentor_form(s, POOL_YEAR, chem), {"capacity": 4,
                                                                                             "willing": False}))
    detail.save()
    box = detail.stale_box
    assert box is not None and "CHEM" in box.text() and "was changed by alice at" in box.text()
    box.cancel_button.click()
    assert detail.capacity.value() == 2 and "your edits are still here" in detail.error.text()

    detail.save()
    detail.stale_box.reload_button.click()
    assert detail.capacity.value() == 4 and not detail.willing.isChecked()

    detail.capacity.setValue(2)
    detail.stipend.setValue(900)
    as_alice(db_url, lambda s: save_mentor_form(s, load_mentor_form(s, POOL_YEAR, chem), {"capacity": 5}))
    detail.save()
    detail.stale_box.overwrite_button.click()
    qtbot.waitUntil(lambda: page.status.text() == "Saved.")
    with database.read() as s:
        profile = s.scalars(select(MentorProfile).where(MentorProfile.educator_id == chem)).one()
        assert (profile.capacity, profile.willing) == (2, False)  # mine; alice's willingness stands
        assert load_mentor_form(s, POOL_YEAR, chem).fields["stipend_dollars"] == 900.0
