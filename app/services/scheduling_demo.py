"""Demo extension: bell schedules, support teams (from the assignments the matching extension
made), orientation before the first day (and a make-up for later hires), each beginning educator's
support-team meeting before the year and monthly after, peer groups per school and mentor
training. Held meetings in the past carry attendance, with a few absences so the cards have
something to show. Deterministic from the demo's random generator."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, InductionEnrollment, School
from app.services import scheduling, support_teams
from app.services.scheduling import EventInput
from app.services.years import find_year

T = dt.time
BELLS = {
    "Elementary": [("1", T(8, 30), T(9, 20)), ("2", T(9, 25), T(10, 15)), ("3", T(10, 20), T(11, 10)),
                   ("4", T(11, 15), T(12, 5)), ("5", T(12, 40), T(13, 30)), ("6", T(13, 35), T(14, 25)),
                   ("7", T(14, 30), T(15, 10))],
    "Middle": [("1", T(7, 50), T(8, 40)), ("2", T(8, 45), T(9, 35)), ("3", T(9, 40), T(10, 30)),
               ("4", T(10, 35), T(11, 25)), ("5", T(12, 0), T(12, 50)), ("6", T(12, 55), T(13, 45)),
               ("7", T(13, 50), T(14, 40))],
    "High": [("1", T(7, 25), T(8, 20)), ("2", T(8, 25), T(9, 20)), ("3", T(9, 25), T(10, 20)),
             ("4", T(10, 25), T(11, 20)), ("5", T(11, 55), T(12, 50)), ("6", T(12, 55), T(13, 50)),
             ("7", T(13, 55), T(14, 10))],
}


def _occurrences(session: Session, event_id, tz) -> list:  # type: ignore[no-untyped-def]
    from app.models.scheduling import Event

    event = session.get(Event, event_id)
    return [moment.date() for moment in scheduling.local_starts(event.starts_at, event.recurrence,
                                                                event.repeat_until, event.exdates or (), tz)]


def _write_attendance(session: Session, pending: dict) -> int:  # type: ignore[type-arg]
    """The demo's attendance in one pass (new events only: one read of their attendees, one flush);
    single events with attendance become held, as record_attendance does."""
    from app.models.scheduling import Event, EventAttendance, EventAttendee

    session.flush()
    attendee_of: dict[tuple, object] = {}
    ids = list(pending)
    for start in range(0, len(ids), 500):
        for row in session.execute(select(EventAttendee.id, EventAttendee.event_id, EventAttendee.educator_id)
                                   .where(EventAttendee.event_id.in_(ids[start:start + 500]))):
            attendee_of[(row.event_id, row.educator_id)] = row.id
        for event in session.scalars(select(Event).where(Event.id.in_(ids[start:start + 500]))):
            if event.recurrence is None and event.status == "scheduled":
                event.status = "held"
    rows, present = [], 0
    for event_id, marks in pending.items():
        for day, (here, absent) in marks.items():
            for educator_id, flag in [(p, True) for p in here] + [(p, False) for p in absent]:
                attendee_id = attendee_of.get((event_id, educator_id))
                if attendee_id is not None:
                    rows.append(EventAttendance(event_id=event_id, attendee_id=attendee_id, occurrence_date=day,
                                                present=flag))
                    present += flag
    session.add_all(rows)
    return present


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def extend_demo(session: Session, demo) -> None:  # type: ignore[no-untyped-def]
    year = find_year(session, demo.year_label)
    rng = demo.rng
    today = dt.date.today()
    tz = scheduling.zone(session)
    schools = list(session.scalars(select(School).order_by(School.name)))
    for school in schools:
        scheduling.set_bell_schedule(session, school.id, BELLS.get(school.level or "", BELLS["Elementary"]))
    team_members = support_teams.fill_from_assignments(session, year.label)

    enrolled = session.execute(select(Educator, InductionEnrollment.status)
                               .join(InductionEnrollment, InductionEnrollment.educator_id == Educator.id)
                               .where(InductionEnrollment.school_year_id == year.id)
                               .order_by(Educator.employee_id)).all()
    mentors = {a.mentee_id: a.mentor_id for a in session.scalars(
        select(Assignment).where(Assignment.school_year_id == year.id, Assignment.end_date.is_(None)))}
    events = attendance = 0

    def save(data: EventInput) -> object:
        nonlocal events
        events += 1
        return scheduling.save_event(session, year.label, data, allow_conflicts=True, detect=False).event_id

    pending: dict[object, dict[dt.date, tuple[list, list]]] = {}

    def attend(event_id, day: dt.date, people: list, absent_rate: float) -> None:  # type: ignore[no-untyped-def]
        if day > today:
            return
        here = [p for p in people if rng.random() >= absent_rate]
        absent = set(people) - set(here)
        pending.setdefault(event_id, {})[day] = (here, [p for p in people if p in absent])

    # Orientation for beginning and incoming educators, the week before school; a make-up in October.
    on_time = [e for e, _ in enrolled if not (e.hire_date and e.hire_date > year.first_day)]
    later = [e for e, _ in enrolled if e.hire_date and e.hire_date > year.first_day]
    orientation_day = _weekday_on_or_after(year.first_day - dt.timedelta(days=8), 0)
    event_id = save(EventInput("orientation", "New educator orientation", dt.datetime.combine(orientation_day, T(8, 30)),
                               360, location="District office, room 101", educator_ids=[e.id for e in on_time]))
    attend(event_id, orientation_day, [e.id for e in on_time], 0.06)
    makeups: dict[dt.date, list] = {}  # later hires: a make-up session the first Wednesday after they start
    for e in later:
        makeups.setdefault(_weekday_on_or_after(e.hire_date + dt.timedelta(days=2), 2), []).append(e.id)
    for makeup_day, people in sorted(makeups.items()):
        if makeup_day > year.window_end:
            continue
        event_id = save(EventInput("orientation", "Orientation (later hires)",
                                   dt.datetime.combine(makeup_day, T(15, 30)), 120,
                                   location="District office, room 101", educator_ids=people))
        attend(event_id, makeup_day, people, 0.0)

    # Support-team meetings: before the year, then monthly (same weekday) through the year.
    teams = support_teams.teams(session, year.label)
    for educator, status in enrolled:
        if status != "beginning" or educator.id not in mentors:
            continue
        members = [m.member_id for m in teams.get(educator.id, []) if m.member_id]
        people = [educator.id, *dict.fromkeys(m for m in members if m != educator.id)]
        start_day = max(year.first_day, educator.hire_date or year.first_day)
        before = _weekday_on_or_after(start_day - dt.timedelta(days=rng.randint(3, 9)), rng.randint(0, 4))
        before = before if before < start_day else start_day - dt.timedelta(days=1)
        first = save(EventInput("support_team", f"{educator.full_name}: support team",
                                dt.datetime.combine(before, T(rng.choice((9, 10, 13)), 0)), 60,
                                school_id=educator.school_id, mentee_id=educator.id, educator_ids=people,
                                location=f"Room {educator.room}" if educator.room else None))
        attend(first, before, people, 0.05)
        monthly_day = _weekday_on_or_after(start_day + dt.timedelta(days=21), rng.randint(0, 4))
        series = save(EventInput("support_team", f"{educator.full_name}: monthly support team",
                                 dt.datetime.combine(monthly_day, T(14, 45)), 45, school_id=educator.school_id,
                                 mentee_id=educator.id, educator_ids=people, recurrence="monthly",
                                 repeat_until=year.last_day - dt.timedelta(days=14)))
        for day in _occurrences(session, series, tz):
            attend(series, day, people, 0.1)

    # Peer groups: every two weeks after school, per school with beginning educators.
    by_school: dict[object, list[Educator]] = {}
    for educator, status in enrolled:
        if status == "beginning" and educator.school_id:
            by_school.setdefault(educator.school_id, []).append(educator)
    names = {s.id: s for s in schools}
    for school_id, people in sorted(by_school.items(), key=lambda kv: names[kv[0]].name):
        day = _weekday_on_or_after(year.first_day + dt.timedelta(days=14), rng.choice((1, 3)))
        event_id = save(EventInput("peer_group", f"Peer group: {names[school_id].name}",
                                   dt.datetime.combine(day, T(15, 30)), 45, school_id=school_id,
                                   location="Library", educator_ids=[e.id for e in people], recurrence="biweekly",
                                   repeat_until=year.last_day - dt.timedelta(days=7)))
        occurrences = _occurrences(session, event_id, tz)
        skip = [d for d in occurrences if d.month == 12 and d.day >= 20]  # winter break
        for day in skip:
            scheduling.skip_occurrence(session, event_id, day)
        for day in occurrences:
            if day not in skip:
                attend(event_id, day, [e.id for e in people], 0.15)

    # Mentor training: a district forum for the mentors, monthly on a Thursday.
    mentor_ids = sorted(set(mentors.values()), key=str)
    if mentor_ids:
        day = _weekday_on_or_after(year.first_day + dt.timedelta(days=7), 3)
        event_id = save(EventInput("mentor_training", "Mentor forum", dt.datetime.combine(day, T(15, 45)), 90,
                                   location="District office, room 101", educator_ids=mentor_ids,
                                   recurrence="monthly", repeat_until=year.last_day))
        for day in _occurrences(session, event_id, tz):
            attend(event_id, day, mentor_ids, 0.2)
    attendance = _write_attendance(session, pending)
    session.flush()
    demo.counts.update(support_team_members=team_members, events=events, attendance=attendance)
