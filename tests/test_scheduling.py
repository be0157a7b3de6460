"""Scheduling: support teams and their checks, recurrence across daylight saving, exceptions,
conflicts that name who and what, free-time proposals, attendance, program activities and the
compliance cards with their citations."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services import scheduling
from app.services.matching import support_teams
from app.services.matching.assignments import reassign
from app.errors import ValidationError
from app.services.scheduling import EventInput, SchedulingConflict
from tests.scheduling_fixtures import YEAR, make_district

NY = ZoneInfo("America/New_York")
UTC = dt.timezone.utc


@pytest.fixture
def district(session):
    return make_district(session)


def _local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=NY)


# --- support teams --------------------------------------------------------------------------

def test_support_team_filled_from_assignment_and_principal(session, district):
    assert support_teams.fill_from_assignments(session, YEAR) >= 2
    team = support_teams.team(session, YEAR, district.beginner.id)
    assert [(m.name, m.role) for m in team] == [("Maria Lopez", "mentor"), ("Paula Reyes", "evaluator")]
    checks = support_teams.check_team(team)
    assert all(c.met for c in checks)
    assert "603 CMR 7.12(2)(c)" in checks[0].citation
    # Running again changes nothing.
    assert support_teams.fill_from_assignments(session, YEAR) == 0
    # A reassignment (hold-harmless) puts the new mentor on the team in place of the old one.
    reassign(session, district.assignment.id, new_mentor_id=district.mentor2.id,
             on=district.year.first_day + dt.timedelta(days=30))
    support_teams.fill_from_assignments(session, YEAR)
    team = support_teams.team(session, YEAR, district.beginner.id)
    assert [(m.name, m.role) for m in team] == [("Sam Okafor", "mentor"), ("Paula Reyes", "evaluator")]


def test_assignments_fill_the_support_team_without_the_button(session, district):
    """Making an assignment (one by one, or applying the matching's pairs) puts the mentor and the
    evaluator on the team; ending or reassigning takes the mentor off: the team-complete card
    follows without "Fill from assignments"."""
    from app.services.matching.assignments import apply_pairs, create_assignment, end_assignment

    def ben_on_card():
        return [i.text for i in scheduling.team_complete_card(session, YEAR).items if i.educator_id == district.late.id]

    def ben_team():
        return [(m.name, m.role, m.from_assignment) for m in support_teams.team(session, YEAR, district.late.id)]

    assert ben_on_card() == ["Ben Hart (Lincoln Elementary): no mentor on the support team; "
                             "no evaluator (an administrator) on the support team"]
    row = create_assignment(session, district.year, district.mentor2.id, district.late.id,
                            start=district.late.hire_date)
    assert ben_team() == [("Sam Okafor", "mentor", True), ("Paula Reyes", "evaluator", True)]
    assert ben_on_card() == []
    # The button still catches up data made without the service (Ana's assignment, Ida's evaluator).
    assert support_teams.fill_from_assignments(session, YEAR) == 3
    assert ben_team() == [("Sam Okafor", "mentor", True), ("Paula Reyes", "evaluator", True)]  # idempotent
    assert support_teams.fill_for_mentee(session, district.year, district.late.id) == 0
    # The coordinator's own evaluator choice is kept; the mentor leaves when the assignment ends.
    end_assignment(session, row.id, reason="other", on=district.late.hire_date + dt.timedelta(days=30))
    assert ben_team() == [("Paula Reyes", "evaluator", True)]
    assert ben_on_card() == ["Ben Hart (Lincoln Elementary): no mentor on the support team"]
    # Applying the matching's pairs goes through the same path; the same mentor comes back (revived).
    apply_pairs(session, YEAR, [(district.mentor2.id, district.late.id)],
                today=district.late.hire_date + dt.timedelta(days=31))
    assert ben_team() == [("Sam Okafor", "mentor", True), ("Paula Reyes", "evaluator", True)]
    from app.models.scheduling import SupportTeamMember
    from sqlalchemy import select

    rows = session.scalars(select(SupportTeamMember).where(SupportTeamMember.mentee_id == district.late.id)
                           .execution_options(include_deleted=True)).all()
    assert len(rows) == 2  # revived, not duplicated


def test_support_team_checks_name_the_problem(session, district):
    # No team at all: both missing.
    assert support_teams.problems([]) == ["no mentor on the support team",
                                          "no evaluator (an administrator) on the support team"]
    support_teams.add_member(session, YEAR, district.late.id, "mentor", member_id=district.mentor2.id)
    support_teams.add_member(session, YEAR, district.late.id, "evaluator", member_id=district.mentor2.id)
    problems = support_teams.problems(support_teams.team(session, YEAR, district.late.id))
    assert problems == ["evaluator Sam Okafor is not an administrator", "Sam Okafor is both mentor and evaluator"]
    support_teams.add_member(session, YEAR, district.late.id, "other", outside_name="Dr. Kim (program supervisor)")
    assert "Dr. Kim (program supervisor) (other)" in [m.text for m in support_teams.team(session, YEAR, district.late.id)]
    with pytest.raises(ValidationError, match="own support team"):
        support_teams.add_member(session, YEAR, district.late.id, "other", member_id=district.late.id)


# --- recurrence -----------------------------------------------------------------------------

def test_weekly_meeting_keeps_local_time_across_november_and_march_dst(session, district):
    fall = scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Beginning teachers' peer group", dt.datetime(2026, 10, 20, 15, 15), 45,
        educator_ids=[district.beginner.id], recurrence="weekly", repeat_until=dt.date(2026, 11, 10))).event_id
    spring = scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Spring peer group", dt.datetime(2027, 3, 2, 15, 15), 45,
        educator_ids=[district.late.id], recurrence="weekly", repeat_until=dt.date(2027, 3, 23))).event_id
    tz = scheduling.zone(session)
    fall_occ = scheduling.occurrences_of(scheduling.get_event(session, fall), tz)
    assert [o.date.isoformat() for o in fall_occ] == ["2026-10-20", "2026-10-27", "2026-11-03", "2026-11-10"]
    assert {o.start.astimezone(NY).time() for o in fall_occ} == {dt.time(15, 15)}
    # EDT (UTC-4) before November 1, EST (UTC-5) after.
    assert [o.start.astimezone(UTC).hour for o in fall_occ] == [19, 19, 20, 20]
    spring_occ = scheduling.occurrences_of(scheduling.get_event(session, spring), tz)
    assert [o.start.astimezone(UTC).hour for o in spring_occ] == [20, 20, 19, 19]  # March 14, 2027
    assert {o.start.astimezone(NY).time() for o in spring_occ} == {dt.time(15, 15)}


def test_exceptions_biweekly_and_monthly(session, district):
    event_id = scheduling.save_event(session, YEAR, EventInput(
        "support_team", "Ana's team", dt.datetime(2026, 9, 8, 14, 0), 30, mentee_id=district.beginner.id,
        educator_ids=[district.beginner.id, district.mentor.id], recurrence="biweekly",
        repeat_until=dt.date(2026, 10, 31))).event_id
    scheduling.skip_occurrence(session, event_id, dt.date(2026, 10, 6))
    info = scheduling.get_event(session, event_id)
    assert info.sequence == 1
    dates = [o.date.isoformat() for o in scheduling.occurrences_of(info, scheduling.zone(session))]
    assert dates == ["2026-09-08", "2026-09-22", "2026-10-20"]
    monthly = scheduling.save_event(session, YEAR, EventInput(
        "mentor_training", "Mentor forum", dt.datetime(2026, 9, 15, 15, 30), 60,  # third Tuesday
        educator_ids=[district.mentor2.id], recurrence="monthly", repeat_until=dt.date(2026, 12, 31))).event_id
    dates = [o.date for o in scheduling.occurrences_of(scheduling.get_event(session, monthly), scheduling.zone(session))]
    assert dates == [dt.date(2026, 9, 15), dt.date(2026, 10, 20), dt.date(2026, 11, 17), dt.date(2026, 12, 15)]
    assert all(d.weekday() == 1 for d in dates)
    # A series with no end date runs to the last day of school.
    open_ended = scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Open", dt.datetime(2026, 9, 9, 7, 0), 30, recurrence="weekly")).event_id
    assert scheduling.get_event(session, open_ended).repeat_until == district.year.last_day


def test_skip_and_restore_a_date(session, district):
    series = scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Peer group", dt.datetime(2026, 9, 15, 15, 15), 45,
        educator_ids=[district.beginner.id, district.late.id], recurrence="weekly",
        repeat_until=dt.date(2026, 10, 13))).event_id
    scheduling.skip_occurrence(session, series, dt.date(2026, 9, 29))
    scheduling.skip_occurrence(session, series, dt.date(2026, 9, 29))  # twice: nothing more
    info = scheduling.get_event(session, series)
    assert info.exdates == ("2026-09-29",) and info.sequence == 1
    with pytest.raises(ValidationError, match="does not meet that day"):
        scheduling.skip_occurrence(session, series, dt.date(2026, 9, 30))
    single = scheduling.save_event(session, YEAR, EventInput(
        "observation", "Observation", dt.datetime(2026, 9, 29, 15, 0), 60, educator_ids=[district.late.id])).event_id
    with pytest.raises(ValidationError, match="only a repeating event"):
        scheduling.skip_occurrence(session, single, dt.date(2026, 9, 29))
    # Restoring the date would double-book Ben (the observation took the free slot): said, not done.
    with pytest.raises(SchedulingConflict, match="Ben Hart is already in observation \u201cObservation\u201d"):
        scheduling.restore_occurrence(session, series, dt.date(2026, 9, 29))
    assert scheduling.get_event(session, series).exdates == ("2026-09-29",)
    result = scheduling.restore_occurrence(session, series, dt.date(2026, 9, 29), allow_conflicts=True)
    assert [c.person for c in result.conflicts] == ["Ben Hart"]
    info = scheduling.get_event(session, series)
    assert info.exdates == () and info.sequence == 2
    assert dt.date(2026, 9, 29) in [o.date for o in scheduling.occurrences_of(info, scheduling.zone(session))]


def test_the_beginning_educator_a_meeting_is_about_attends_it(session, district):
    """'About' is saved as an attendee: invited in the calendar file, on the attendance list, and
    a held support-team meeting about them counts for them."""
    from app.services.scheduling.ics import build_calendar

    meeting = scheduling.save_event(session, YEAR, EventInput(
        "support_team", "Ana: support team", dt.datetime(2026, 8, 24, 13, 0), 60, mentee_id=district.beginner.id,
        educator_ids=[district.mentor.id, district.principal.id])).event_id  # Ana not ticked
    info = scheduling.get_event(session, meeting)
    assert [p.name for p in info.people] == ["Ana Silva", "Maria Lopez", "Paula Reyes"]
    from app.services import settings as district_settings

    district_settings.set_value(session, "coordinator_email", "induction@district.org")
    vevent = build_calendar(session, YEAR).walk("VEVENT")[0]
    assert "mailto:ana.silva@district.org" in [str(a) for a in vevent["attendee"]]
    assert [s.state for s in scheduling.team_meeting_status(session, YEAR, today=dt.date(2026, 8, 20))
            if s.educator_id == district.beginner.id] == ["due"]
    scheduling.set_status(session, meeting, "held")
    assert [s.state for s in scheduling.team_meeting_status(session, YEAR, today=dt.date(2026, 9, 1))
            if s.educator_id == district.beginner.id] == ["met"]
    # Choosing someone else as the subject of an edit adds them too (the old one stays unless unticked).
    again = scheduling.input_from(info, scheduling.zone(session))
    again.mentee_id, again.educator_ids = district.late.id, [district.mentor.id]
    scheduling.save_event(session, YEAR, again, event_id=meeting)
    assert [p.name for p in scheduling.get_event(session, meeting).people] == ["Ben Hart", "Maria Lopez"]


def test_pickers_search_the_whole_roster_and_label_anyone(session, district):
    everyone = scheduling.educator_choices(session, limit=None)
    assert len(everyone) == 6 and everyone[0][1] == "Hart, Ben (Lincoln Elementary)"
    assert [n for _, n in scheduling.choices(session, YEAR, limit=2).educators] == [
        "Hart, Ben (Lincoln Elementary)", "Lopez, Maria (Lincoln Elementary)"]
    # Typing finds people beyond the first page; every word must match (name or employee id).
    assert [n for _, n in scheduling.educator_choices(session, "ana silva", limit=2)] == [
        "Silva, Ana (Lincoln Elementary)"]
    assert [n for _, n in scheduling.educator_choices(session, "m2", limit=2)] == ["Okafor, Sam (Lincoln Elementary)"]
    # Labels for given people, however many and wherever they sort.
    assert [n for _, n in scheduling.educator_choices(session, ids=[district.beginner.id, district.principal.id],
                                                      limit=1)] == [
        "Reyes, Paula (Lincoln Elementary)", "Silva, Ana (Lincoln Elementary)"]
    support_teams.fill_from_assignments(session, YEAR)
    assert [n for _, n in scheduling.team_choices(session, YEAR, district.beginner.id)] == [
        "Silva, Ana (Lincoln Elementary)", "Lopez, Maria (Lincoln Elementary)", "Reyes, Paula (Lincoln Elementary)"]


def test_validation_names_fields(session, district):
    with pytest.raises(ValidationError) as err:
        scheduling.save_event(session, YEAR, EventInput("party", "", dt.datetime(2028, 1, 1, 9), 2))
    text = str(err.value)
    for expected in ("kind", "title", "minutes", "outside school year 2026-2027"):
        assert expected in text


# --- conflicts ------------------------------------------------------------------------------

def test_conflict_names_who_and_what(session, district):
    scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Peer group", dt.datetime(2026, 9, 15, 15, 15), 45,
        educator_ids=[district.beginner.id, district.late.id], recurrence="weekly"))
    meeting = EventInput("support_team", "Ana's team", dt.datetime(2026, 11, 17, 15, 30), 30,
                         mentee_id=district.beginner.id, educator_ids=[district.beginner.id, district.mentor.id])
    with pytest.raises(SchedulingConflict) as err:
        scheduling.save_event(session, YEAR, meeting)
    message = str(err.value)
    assert "Ana Silva is already in peer group \u201cPeer group\u201d on Tue 11/17/2026 3:15 PM-4:00 PM" in message
    assert "Maria Lopez" not in message  # she is free
    assert [c.person for c in err.value.conflicts] == ["Ana Silva"]
    # Saved anyway when the coordinator says so; the conflicts come back with the result.
    result = scheduling.save_event(session, YEAR, meeting, allow_conflicts=True)
    assert len(result.conflicts) == 1
    # Editing the event does not conflict with itself; an exception on the clashing date clears it.
    series = scheduling.list_events(session, YEAR, kinds=["peer_group"])[0]
    scheduling.skip_occurrence(session, series.id, dt.date(2026, 11, 17))
    again = scheduling.input_from(scheduling.get_event(session, result.event_id), scheduling.zone(session))
    assert scheduling.save_event(session, YEAR, again, event_id=result.event_id).conflicts == ()


def test_cancelled_events_and_moves(session, district):
    first = scheduling.save_event(session, YEAR, EventInput(
        "observation", "Observation", dt.datetime(2026, 10, 1, 10, 0), 50, educator_ids=[district.mentor.id])).event_id
    scheduling.set_status(session, first, "cancelled")
    # The cancelled one is no clash.
    second = scheduling.save_event(session, YEAR, EventInput(
        "three_way", "Check-in", dt.datetime(2026, 10, 1, 10, 15), 30, educator_ids=[district.mentor.id])).event_id
    other = scheduling.save_event(session, YEAR, EventInput(
        "other", "Staff meeting", dt.datetime(2026, 10, 2, 10, 0), 60, educator_ids=[district.mentor.id])).event_id
    with pytest.raises(SchedulingConflict, match="Maria Lopez is already in other \u201cStaff meeting\u201d"):
        scheduling.move_event(session, second, _local(2026, 10, 2, 10, 30))
    before = scheduling.get_event(session, second).sequence
    scheduling.move_event(session, second, _local(2026, 10, 2, 11, 0))
    moved = scheduling.get_event(session, second)
    assert moved.starts_at == _local(2026, 10, 2, 11, 0).astimezone(UTC)
    assert moved.sequence == before + 1
    assert other


# An event for the property test: first day (0 = Mon 10/19/2026), quarter hour from 7:00, length in
# quarters, who attends (indexes into three people), repeats (None, weekly, biweekly) for how many
# weeks, and which occurrence (if any) is skipped.
EVENTS = st.tuples(st.integers(0, 9), st.integers(0, 40), st.integers(1, 8),
                   st.sets(st.integers(0, 2), min_size=1, max_size=3),
                   st.sampled_from([None, "weekly", "biweekly"]), st.integers(0, 5), st.none() | st.integers(0, 5))


def _brute_series(event) -> tuple[list[dt.datetime], dt.date | None]:
    """Local starts of every occurrence by plain date arithmetic (the oracle), and the date skipped."""
    day, quarter, _length, _who, recurrence, weeks, skip = event
    first = dt.datetime(2026, 10, 19, 7, 0) + dt.timedelta(days=day, minutes=15 * quarter)
    if recurrence is None:
        return [first], None
    step = {"weekly": 7, "biweekly": 14}[recurrence]
    starts = [first + dt.timedelta(days=step * k) for k in range(weeks * 7 // step + 1)]
    skipped = starts.pop(skip).date() if skip is not None and 0 < skip < len(starts) else None
    return starts, skipped


def _brute_spans(event) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(s, s + dt.timedelta(minutes=15 * event[2])) for s in _brute_series(event)[0]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EVENTS, min_size=1, max_size=6), EVENTS)
def test_conflicts_match_brute_force(session, district, existing, candidate):
    """Whatever the events (single or weekly / every-two-weeks series with a skipped date, across
    the November clock change, attended by any of three people), a conflict is reported exactly
    for each occurrence of another event that overlaps one of the candidate's, once per person in
    both."""
    people = [district.mentor, district.mentor2, district.beginner]

    def event_input(title, event):
        _day, _quarter, length, who, recurrence, weeks, _skip = event
        starts, skipped = _brute_series(event)
        first = starts[0]  # never the skipped one
        return EventInput("other", title, first, 15 * length, educator_ids=[people[i].id for i in sorted(who)],
                          recurrence=recurrence, repeat_until=first.date() + dt.timedelta(weeks=weeks) if recurrence
                          else None, exdates=[skipped.isoformat()] if skipped else [])

    nested = session.begin_nested()
    try:
        for index, event in enumerate(existing):
            scheduling.save_event(session, YEAR, event_input(f"E{index}", event), allow_conflicts=True)
        result = scheduling.save_event(session, YEAR, event_input("new", candidate), allow_conflicts=True)
        mine = _brute_spans(candidate)
        expected = sorted(
            (f"E{index}", people[p].full_name, start)
            for index, event in enumerate(existing)
            for start, end in _brute_spans(event) if any(s < end and start < e for s, e in mine)
            for p in event[3] & candidate[3])
        got = sorted((c.other_title, c.person, c.start.astimezone(NY).replace(tzinfo=None)) for c in result.conflicts)
        assert got == expected
    finally:
        nested.rollback()


# --- free-time proposals --------------------------------------------------------------------

def test_proposals_use_shared_planning_periods_and_skip_other_events(session, district):
    monday = _local(2026, 9, 14, 7, 0)
    # Ana and Maria both plan in period 3 (9:50-10:40).
    proposals = scheduling.propose_times(session, YEAR, [district.beginner.id, district.mentor.id], 40,
                                         after=monday, count=3, after_school=False)
    assert [p.when for p in proposals] == ["Mon 9/14/2026 9:50 AM-10:30 AM", "Tue 9/15/2026 9:50 AM-10:30 AM",
                                           "Wed 9/16/2026 9:50 AM-10:30 AM"]
    assert all(p.reason == "planning period 3" for p in proposals)
    # Maria observes on Monday in period 3: Monday is then only possible after school.
    scheduling.save_event(session, YEAR, EventInput("observation", "Observation", dt.datetime(2026, 9, 14, 9, 50),
                                                    50, educator_ids=[district.mentor.id]))
    proposals = scheduling.propose_times(session, YEAR, [district.beginner.id, district.mentor.id], 40,
                                         after=monday, count=2)
    assert [(p.when, p.reason) for p in proposals] == [("Mon 9/14/2026 2:50 PM-3:30 PM", "after school"),
                                                        ("Tue 9/15/2026 9:50 AM-10:30 AM", "planning period 3")]
    # Ana (period 3) and Ben (period 5) share no planning period: after school only.
    proposals = scheduling.propose_times(session, YEAR, [district.beginner.id, district.late.id], 30,
                                         after=monday, count=1)
    assert proposals[0].reason == "after school"
    # The principal (no teaching periods) fits Ana's planning period.
    proposals = scheduling.propose_times(session, YEAR, [district.beginner.id, district.principal.id], 30,
                                         after=_local(2026, 9, 15, 7, 0), count=1, after_school=False)
    assert proposals[0].when == "Tue 9/15/2026 9:50 AM-10:20 AM"
    # Before the first day of school, the working day is open (the team meets before the year, 004).
    proposals = scheduling.propose_times(session, YEAR, [district.beginner.id, district.late.id], 60,
                                         after=_local(2026, 8, 17, 7, 0), count=1)
    assert (proposals[0].when, proposals[0].reason) == ("Mon 8/17/2026 8:00 AM-9:00 AM", "before the school year")


def test_bell_schedule_rejects_bad_periods(session, district):
    with pytest.raises(ValidationError, match="before it starts"):
        scheduling.set_bell_schedule(session, district.school.id, [("1", dt.time(9), dt.time(8))])
    scheduling.set_bell_schedule(session, district.school.id, [("A", dt.time(8), dt.time(9))])
    assert [p.name for p in scheduling.bell_schedule(session, district.school.id)] == ["A"]
    scheduling.set_bell_schedule(session, district.school.id, [("1", dt.time(8), dt.time(9)),
                                                               ("A", dt.time(9), dt.time(10))])
    assert [p.name for p in scheduling.bell_schedule(session, district.school.id)] == ["1", "A"]


# --- attendance, activities, compliance cards -----------------------------------------------

def _orientation(session, district, day=dt.date(2026, 8, 20)):
    event_id = scheduling.save_event(session, YEAR, EventInput(
        "orientation", "New educator orientation", dt.datetime.combine(day, dt.time(8, 30)), 240,
        educator_ids=[district.beginner.id, district.incoming.id, district.late.id],
        outsiders=[("Dr. Kim", "kim@college.edu")])).event_id
    return event_id


def test_attendance_activities_and_orientation_card(session, district):
    event_id = _orientation(session, district)
    today = dt.date(2026, 9, 1)
    card = scheduling.orientation_card(session, YEAR, today=today)
    assert card.citation.startswith("603 CMR 7.12(2)(a)")
    assert card.status == "overdue" and len(card.items) == 3  # not held yet (no attendance)
    scheduling.record_attendance(session, event_id, dt.date(2026, 8, 20), [district.beginner.id, district.incoming.id],
                                 absent=[district.late.id])
    assert scheduling.get_event(session, event_id).status == "held"
    card = scheduling.orientation_card(session, YEAR, today=today)
    # Ben is hired 40 days after the first day: due within 14 days of his hire date, not yet overdue.
    assert [i.text for i in card.items] == [
        f"Ben Hart (Lincoln Elementary): none yet, due {(district.late.hire_date + dt.timedelta(days=14)).isoformat()}"]
    assert card.status == "warning"
    statuses = {s.name: s.state for s in scheduling.orientation_status(session, YEAR, today)}
    assert statuses == {"Ana Silva": "met", "Ida Ng": "met", "Ben Hart": "due"}
    # A weekly peer group held twice with attendance, once more marked held without attendance taken.
    group = scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Peer group", dt.datetime(2026, 9, 1, 15, 15), 45,
        educator_ids=[district.beginner.id, district.late.id], recurrence="weekly",
        repeat_until=dt.date(2026, 9, 15))).event_id
    scheduling.record_attendance(session, group, dt.date(2026, 9, 1), [district.beginner.id])
    scheduling.record_attendance(session, group, dt.date(2026, 9, 8), [district.beginner.id, district.late.id])
    activities = {a["type"]: a for a in scheduling.program_activities(session, YEAR)}
    assert activities["orientation"] == {"type": "orientation", "label": "Orientation", "held": 1, "attendance": 2,
                                         "participants": 2}
    assert activities["peer_group"]["held"] == 2 and activities["peer_group"]["attendance"] == 3
    # Nothing scheduled in another year: "no data".
    assert scheduling.program_activities(session, "2027-2028") is None


def test_team_meeting_and_team_complete_cards(session, district):
    support_teams.fill_from_assignments(session, YEAR)
    complete = scheduling.team_complete_card(session, YEAR)
    assert complete.citation == support_teams.CITE_TEAM
    assert [i.text for i in complete.items] == [
        "Ben Hart (Lincoln Elementary): no mentor on the support team"]
    meeting = scheduling.save_event(session, YEAR, EventInput(
        "support_team", "Ana: support team", dt.datetime(2026, 8, 24, 13, 0), 60, mentee_id=district.beginner.id,
        educator_ids=[district.beginner.id, district.mentor.id, district.principal.id])).event_id
    scheduling.record_attendance(session, meeting, dt.date(2026, 8, 24),
                                 [district.beginner.id, district.mentor.id, district.principal.id])
    card = scheduling.team_meeting_card(session, YEAR, today=dt.date(2026, 9, 1))
    assert card.citation.startswith("004")
    assert [i.text.split(":")[0] for i in card.items] == ["Ben Hart (Lincoln Elementary)"]
    assert not card.items[0].overdue
    late = scheduling.team_meeting_card(session, YEAR, today=district.late.hire_date + dt.timedelta(days=20))
    assert late.items[0].overdue and "overdue" in late.items[0].text


def test_cards_are_registered(session, district):
    from app.services.attention import collect

    keys = [c.key for c in collect(session, YEAR)]
    assert {"orientation", "support_team_met", "support_team_complete"} <= set(keys)


def test_principal_roster_shows_team_and_orientation_never_notes(session, district, tmp_path):
    from pypdf import PdfReader

    from app.services.reports import principal_roster

    support_teams.fill_from_assignments(session, YEAR)
    event_id = _orientation(session, district)
    from app.models.scheduling import Event

    session.get(Event, event_id).notes = "PRIVATE coordinator note"
    scheduling.record_attendance(session, event_id, dt.date(2026, 8, 20), [district.beginner.id])
    lines = {line.name: line for line in principal_roster.roster_lines(session, YEAR)["Lincoln Elementary"]}
    ana = lines["Ana Silva"]
    assert ana.support_team == "Maria Lopez (mentor); Paula Reyes (evaluator)"
    assert ana.orientation == "8/20/2026"
    ben = lines["Ben Hart"]
    assert ben.support_team == "Paula Reyes (evaluator)" and ben.orientation == ""
    assert "support team: no mentor on the support team" in ben.flags
    session.commit()
    path = principal_roster.write_roster_pdf(session, YEAR, tmp_path / "roster.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    assert "Paula Reyes (evaluator)" in " ".join(text.split()) and "8/20/2026" in text
    assert "PRIVATE" not in text


def test_state_report_item_a_from_held_events(session, district, tmp_path):
    import csv

    from app.services.reports import state_report
    from app.services.reports.state_report_files import write

    assert state_report.compute(session, YEAR).activities is None  # nothing scheduled: "no data"
    event_id = _orientation(session, district)
    scheduling.record_attendance(session, event_id, dt.date(2026, 8, 20), [district.beginner.id, district.incoming.id])
    training = scheduling.save_event(session, YEAR, EventInput(
        "mentor_training", "Mentor forum", dt.datetime(2026, 9, 3, 15, 45), 90,
        educator_ids=[district.mentor.id, district.mentor2.id], recurrence="monthly",
        repeat_until=dt.date(2026, 11, 30))).event_id
    for day in (dt.date(2026, 9, 3), dt.date(2026, 10, 1)):
        scheduling.record_attendance(session, training, day, [district.mentor.id, district.mentor2.id])
    scheduling.save_event(session, YEAR, EventInput(  # scheduled, never held: not counted
        "peer_group", "Peer group", dt.datetime(2026, 9, 8, 15, 15), 45, educator_ids=[district.beginner.id]))
    report = state_report.compute(session, YEAR)
    assert [(a["type"], a["held"], a["attendance"]) for a in report.activities] == [
        ("orientation", 1, 2), ("mentor_training", 2, 4)]
    assert report.to_json()["teachers"]["activities"][0]["type"] == "orientation"
    session.commit()
    path = write(state_report.compute(session, YEAR), tmp_path / "state.csv")
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    assert ["teachers", "activities:orientation", "1"] in rows
    assert ["teachers", "activities:mentor_training", "2"] in rows


def test_record_attendance_many(session, district):
    series = scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Peer group", dt.datetime(2026, 9, 1, 15, 15), 45,
        educator_ids=[district.beginner.id, district.late.id], recurrence="weekly",
        repeat_until=dt.date(2026, 9, 15))).event_id
    present = scheduling.record_attendance_many(session, series, {
        dt.date(2026, 9, 1): ([district.beginner.id], [district.late.id]),
        dt.date(2026, 9, 8): ([district.beginner.id, district.late.id], []),
    })
    assert present == 3
    held = scheduling.held_occurrences(session, district.year, today=dt.date(2026, 12, 1))
    assert [(h.date, len(h.present)) for h in held] == [(dt.date(2026, 9, 1), 1), (dt.date(2026, 9, 8), 2)]


@pytest.mark.slow
def test_demo_district_schedule(database, tmp_path):
    """The demo gives a coordinator something real: teams from the assignments, orientation,
    meetings and peer groups with attendance, cards, and a calendar file that parses."""
    import icalendar

    from app.models import Assignment
    from app.services.demo.district import build_demo
    from app.services.scheduling.ics import export_ics

    with database.unit_of_work() as s:
        build_demo(s, size="small", seed=3, year_label=YEAR)
    with database.read() as s:
        from sqlalchemy import select

        teams = support_teams.teams(s, YEAR)
        for a in s.scalars(select(Assignment).where(Assignment.end_date.is_(None))):
            assert a.mentor_id in {m.member_id for m in teams[a.mentee_id] if m.role == "mentor"}
        kinds = {e.kind for e in scheduling.list_events(s, YEAR)}
        assert {"orientation", "support_team", "peer_group", "mentor_training"} <= kinds
        activities = {a["type"] for a in scheduling.program_activities(s, YEAR, today=dt.date(2027, 6, 30))}
        assert {"orientation", "support_team", "peer_group", "mentor_training"} <= activities
        path, count = export_ics(s, YEAR, tmp_path / "demo.ics")
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    assert len(cal.walk("VEVENT")) == count > 5 and len(cal.walk("VTIMEZONE")) == 1
    assert any("rrule" in e for e in cal.walk("VEVENT"))


@pytest.mark.slow
def test_district_demo_double_books_nobody(database):
    """The district demo's schedule passes the app's own conflict check, event by event (it is
    saved without the per-save check), and its support-team meetings are about someone present."""
    from app.services.demo.district import build_demo

    with database.unit_of_work() as s:
        build_demo(s, size="district", seed=1, year_label=YEAR)
    with database.read() as s:
        tz = scheduling.zone(s)
        events = scheduling.list_events(s, YEAR)
        assert len(events) > 100
        clashes = [(e.title, c.text) for e in events for c in scheduling.find_conflicts(s, e, tz=tz)]
        assert clashes == []
        team = [e for e in events if e.kind == "support_team"]
        assert team and all(e.mentee_id in {p.educator_id for p in e.people} for e in team)


@settings(max_examples=300, deadline=None)
@given(start=st.datetimes(min_value=dt.datetime(2024, 1, 1), max_value=dt.datetime(2028, 12, 31)),
       recurrence=st.sampled_from(["weekly", "biweekly", "monthly"]),
       days=st.integers(min_value=0, max_value=800),
       limit_start_days=st.one_of(st.none(), st.integers(min_value=-30, max_value=400)))
def test_occurrences_are_the_rrule_the_ics_file_writes(start, recurrence, days, limit_start_days):
    """The date arithmetic gives exactly what dateutil's rrule gives for the RRULE in the ICS export
    (wall-clock times kept across daylight-saving changes), and `is_occurrence` agrees with it."""
    from dateutil.rrule import MONTHLY, WEEKLY, rrule, weekday

    tz = ZoneInfo("America/New_York")
    local = start.replace(second=0, microsecond=0)
    until = local.date() + dt.timedelta(days=days)
    limit_start = None if limit_start_days is None else local.date() + dt.timedelta(days=limit_start_days)
    parts = scheduling.rrule_parts(recurrence, local)
    end = dt.datetime.combine(until, dt.time(23, 59, 59))
    if parts["FREQ"] == "MONTHLY":
        code = parts["BYDAY"]
        expected = rrule(MONTHLY, dtstart=local, until=end,
                         byweekday=weekday(("MO", "TU", "WE", "TH", "FR", "SA", "SU").index(code[-2:]), int(code[:-2])))
    else:
        expected = rrule(WEEKLY, dtstart=local, until=end, interval=parts["INTERVAL"])
    wanted = [m for m in expected if limit_start is None or m.date() >= limit_start]
    got = scheduling.local_starts(local.replace(tzinfo=tz), recurrence, until, (), tz, limit_start=limit_start)
    assert [m.replace(tzinfo=None) for m in got] == wanted
    assert all(m.tzinfo is tz for m in got)
    every = {m.date() for m in scheduling.local_starts(local.replace(tzinfo=tz), recurrence, until, (), tz)}
    for offset in range(-3, days + 4, max(1, days // 60)):  # a sample of days around the series
        day = local.date() + dt.timedelta(days=offset)
        assert scheduling.is_occurrence(local.replace(tzinfo=tz), recurrence, until, (), tz, day) == (day in every)
