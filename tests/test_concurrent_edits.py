"""Two people save the same record (an educator, a time log's notes, a mentor's profile and
incentives): the second is told who changed it and when; nothing is lost; an overwrite writes only
the fields the person changed."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from app.db import Database
from app.models import Assignment, Educator, derived_id
from app.models.timelogs import TimeLog
from app.services.matching import eligibility
from app.services.timelogs import logs as timelogs
from app.services.roster.educators import load_form, save_form
from app.errors import StaleRecordError
from app.services.matching.mentor_form import load_mentor_form, save_mentor_form
from app.services.timelogs.logs import EntryInput
from app.services.years import ensure_year
from tests.concurrency import overlapping_saves


def test_second_save_is_refused_then_overwrites_on_request(database, db_url):
    with database.unit_of_work() as s:
        s.add(Educator(id=derived_id("educator", "E1"), employee_id="E1", first_name="Ana", last_name="Silva"))
    alice, bob = Database.open(db_url, actor="alice"), Database.open(db_url, actor="bob")
    try:
        eid = derived_id("educator", "E1")
        with alice.read() as s:
            form_a = load_form(s, eid, "2025-2026")
        with bob.read() as s:
            form_b = load_form(s, eid, "2025-2026")
        with alice.unit_of_work() as s:
            save_form(s, dataclasses.replace(form_a, fields={**form_a.fields, "room": "101"}), "2025-2026")
        with pytest.raises(StaleRecordError, match=r"changed by alice at \d\d:\d\d"), bob.unit_of_work() as s:
            save_form(s, dataclasses.replace(form_b, fields={**form_b.fields, "room": "202"}), "2025-2026")
        with bob.read() as s:
            assert s.get(Educator, eid).room == "101"  # alice's save stands
        with bob.unit_of_work() as s:
            saved = save_form(s, dataclasses.replace(form_b, fields={**form_b.fields, "room": "202"}), "2025-2026",
                              overwrite=True)
        assert saved.fields["room"] == "202"
        with alice.read() as s:
            assert s.get(Educator, eid).updated_by == "bob"
    finally:
        alice.dispose()
        bob.dispose()


# --- a time log's notes and a mentor's profile and incentives: the same rule ------------------------

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def logged(database):
    """A pair with one 45-minute entry; returns (entry id, the entry as lists show it)."""
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, "2025-2026")
        mentor = Educator(employee_id="M1", first_name="Mia", last_name="Mentor")
        mentee = Educator(employee_id="N1", first_name="Ned", last_name="New")
        pair = Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=dt.date(2025, 9, 1))
        s.add(pair)
        s.flush()
        entry_id = timelogs.add_entry(s, EntryInput(pair.id, dt.date(2025, 10, 6), 45, "planning", ["Technology"],
                                                    notes="first note"), today=TODAY)
    with database.read() as s:
        row = timelogs.list_entries(s, timelogs.EntryFilter("2025-2026"))[0]
    return entry_id, row


def _as_opened(row, notes):  # type: ignore[no-untyped-def]
    """What the notes dialog holds: the list's row and the notes it opened."""
    return EntryInput(row.assignment_id, row.date, row.minutes, row.activity, list(row.topics), row.release_time,
                      notes)


def test_a_stale_notes_save_is_refused_and_never_reverts_the_other_change(two_people, logged):
    alice, bob = two_people
    entry_id, row = logged
    with bob.read() as s:  # bob opens the entry's notes
        bob_opened = timelogs.load_notes(s, entry_id)
    with alice.read() as s:
        alice_opened = timelogs.load_notes(s, entry_id)
    loaded = _as_opened(row, alice_opened.notes)
    with alice.unit_of_work() as s:  # alice corrects the minutes: 45 -> 60
        timelogs.update_entry(s, entry_id, dataclasses.replace(loaded, minutes=60), loaded=loaded,
                              version=alice_opened.version, today=TODAY)
    bob_loaded = _as_opened(row, bob_opened.notes)
    bob_change = dataclasses.replace(bob_loaded, notes="bob's note")
    with pytest.raises(StaleRecordError, match=r"time log of Ned New with Mia Mentor on 10/6/2025 was changed "
                                               r"by alice at \d\d:\d\d"), bob.unit_of_work() as s:
        timelogs.update_entry(s, entry_id, bob_change, loaded=bob_loaded, version=bob_opened.version, today=TODAY)
    with bob.read() as s:
        assert s.get(TimeLog, entry_id).minutes == 60 and timelogs.entry_notes(s, entry_id) == "first note"
    with bob.unit_of_work() as s:  # bob chooses Overwrite: his notes, and alice's minutes stand
        timelogs.update_entry(s, entry_id, bob_change, loaded=bob_loaded, version=bob_opened.version,
                              overwrite=True, today=TODAY)
    with alice.read() as s:
        log = s.get(TimeLog, entry_id)
        assert (log.minutes, timelogs.entry_notes(s, entry_id), log.updated_by) == (60, "bob's note", "bob")


def test_a_save_waiting_on_anothers_lock_is_refused_once_that_commits(two_people, logged, backend):
    """On a server two saves really overlap: the second waits for the first's row lock, then sees
    the new version and is refused (not a silent overwrite, not a raw StaleDataError)."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    alice, bob = two_people
    entry_id, row = logged
    with alice.read() as s:
        opened = timelogs.load_notes(s, entry_id)
    loaded = _as_opened(row, opened.notes)
    bob_ended = overlapping_saves(
        alice, lambda s: timelogs.update_entry(s, entry_id, dataclasses.replace(loaded, minutes=60), loaded=loaded,
                                               version=opened.version, today=TODAY),
        bob, lambda s: timelogs.update_entry(s, entry_id, dataclasses.replace(loaded, notes="bob"), loaded=loaded,
                                             version=opened.version, today=TODAY))
    assert isinstance(bob_ended, StaleRecordError), bob_ended
    with alice.read() as s:
        assert (s.get(TimeLog, entry_id).minutes, timelogs.entry_notes(s, entry_id)) == (60, "first note")


@pytest.fixture
def pool_member(database):
    with database.unit_of_work() as s:
        ensure_year(s, "2025-2026")
        s.add(Educator(id=derived_id("educator", "M1"), employee_id="M1", first_name="Mia", last_name="Mentor",
                       mentor_trained_on=dt.date(2020, 6, 1)))
        s.flush()
        eligibility.add_to_pool(s, "2025-2026", derived_id("educator", "M1"), capacity=1)
        eligibility.save_incentive(s, "2025-2026", derived_id("educator", "M1"), stipend_dollars=1000, pdps=10,
                                   release_hours=None, notes="paid in June")
    return derived_id("educator", "M1")


def test_mentor_profile_and_incentives_save_only_what_changed_and_refuse_stale(two_people, pool_member):
    from app.models import MentorProfile
    from app.models.matching import MentorIncentive

    alice, bob = two_people
    with alice.read() as s:
        form_a = load_mentor_form(s, "2025-2026", pool_member)
    with bob.read() as s:
        form_b = load_mentor_form(s, "2025-2026", pool_member)
    with alice.unit_of_work() as s:  # alice raises the stipend
        save_mentor_form(s, form_a, {"stipend_dollars": 1500.0})
    with bob.unit_of_work() as s:  # bob changes the capacity: another record, alice's stipend stands
        form_b = save_mentor_form(s, form_b, {"capacity": 2})
    assert form_b.fields["stipend_dollars"] == 1500.0 and form_b.fields["capacity"] == 2
    with pytest.raises(StaleRecordError, match=r"Mia Mentor's 2025-2026 incentives was changed by alice at "
                                               r"\d\d:\d\d"), bob.unit_of_work() as s:
        save_mentor_form(s, form_a, {"pdps": 20})  # a form opened before alice's save
    with alice.unit_of_work() as s:
        form_a = save_mentor_form(s, load_mentor_form(s, "2025-2026", pool_member), {"willing": False})
    with pytest.raises(StaleRecordError, match=r"Mia Mentor's place in the 2025-2026 mentor pool was changed by "
                                               r"alice"), bob.unit_of_work() as s:
        save_mentor_form(s, form_b, {"capacity": 3})
    with bob.unit_of_work() as s:  # Overwrite: bob's capacity, alice's willingness stays
        save_mentor_form(s, form_b, {"capacity": 3}, overwrite=True)
    with alice.read() as s:
        profile = s.scalars(select(MentorProfile)).one()
        incentive = s.scalars(select(MentorIncentive)).one()
        assert (profile.capacity, profile.willing, profile.updated_by) == (3, False, "bob")
        assert (incentive.stipend_cents, incentive.pdps, incentive.notes) == (150000, 10, "paid in June")
