"""Demo extension: bell schedules, support teams (from the assignments the matching extension
made), orientation before the first day (and a make-up for later hires), each beginning educator's
support-team meeting before the year and monthly after, peer groups per school and mentor
training. Held meetings in the past carry attendance, with a few absences so the cards have
something to show. Deterministic from the demo's random generator.

Nobody is double-booked: each meeting goes to the first of a few candidate times (near the one
the generator drew) at which no occurrence of it overlaps another event of any of its attendees,
over the whole series, which is what the app's conflict check looks at (tested on the district
demo). The check is kept here in memory: the demo saves its events without the per-save check."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, InductionEnrollment, School
from app.services import scheduling
from app.services.matching import support_teams
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


class _Calendar:
    """Who is busy when: person -> local date -> [(start, end)], from every occurrence of the events
    placed so far (naive local times, as the district's calendar reads)."""

    def __init__(self, tz, last_day: dt.date):  # type: ignore[no-untyped-def]
        self.tz, self.last_day = tz, last_day
        self.busy: dict[object, dict[dt.date, list[tuple[dt.datetime, dt.datetime]]]] = {}

    def spans(self, data: EventInput) -> list[tuple[dt.datetime, dt.datetime]]:
        until = data.repeat_until or (self.last_day if data.recurrence else None)
        starts = scheduling.local_starts(data.start.replace(tzinfo=self.tz), data.recurrence, until, data.exdates,
                                         self.tz)
        return [(s.replace(tzinfo=None), s.replace(tzinfo=None) + dt.timedelta(minutes=data.minutes)) for s in starts]

    def free(self, people: list, spans: list[tuple[dt.datetime, dt.datetime]]) -> bool:
        for person in people:
            days = self.busy.get(person, {})
            for begin, end in spans:
                if any(b < end and begin < e for b, e in days.get(begin.date(), ())):
                    return False
        return True

    def place(self, people: list, options: list[EventInput]) -> tuple[EventInput, list[dt.date]]:
        """The first option that double-books none of `people` (the last one if none is free), now
        booked; and its occurrence dates."""
        for data in options:
            spans = self.spans(data)
            if self.free(people, spans):
                break
        for person in people:
            days = self.busy.setdefault(person, {})
            for begin, end in spans:
                days.setdefault(begin.date(), []).append((begin, end))
        return data, [begin.date() for begin, _ in spans]


def _school_days(first: dt.date, count: int, step: int = 1) -> list[dt.date]:
    """`count` weekdays from `first` on (step -1: going back)."""
    out, day = [], first
    while len(out) < count:
        if day.weekday() < 5:
            out.append(day)
        day += dt.timedelta(days=step)
    return out


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
    from app.models.scheduling import SupportTeamMember

    year = find_year(session, demo.year_label)
    rng = demo.rng
    today = dt.date.today()
    tz = scheduling.zone(session)
    schools = list(session.scalars(select(School).order_by(School.name)))
    for school in schools:
        scheduling.set_bell_schedule(session, school.id, BELLS.get(school.level or "", BELLS["Elementary"]))
    support_teams.fill_from_assignments(session, year.label)  # the assignments filled them; this adds nothing
    team_members = len(session.scalars(select(SupportTeamMember.id).where(
        SupportTeamMember.school_year_id == year.id)).all())

    enrolled = session.execute(select(Educator, InductionEnrollment.status)
                               .join(InductionEnrollment, InductionEnrollment.educator_id == Educator.id)
                               .where(InductionEnrollment.school_year_id == year.id)
                               .order_by(Educator.employee_id)).all()
    mentors = {a.mentee_id: a.mentor_id for a in session.scalars(
        select(Assignment).where(Assignment.school_year_id == year.id, Assignment.end_date.is_(None)))}
    calendar = _Calendar(tz, year.last_day)
    events = attendance = 0

    def save(people: list, options: list[EventInput]) -> tuple[object, list[dt.date]]:
        nonlocal events
        events += 1
        data, days = calendar.place(people, options)
        data.educator_ids = people
        return scheduling.save_event(session, year.label, data, allow_conflicts=True, detect=False).event_id, days

    pending: dict[object, dict[dt.date, tuple[list, list]]] = {}

    def attend(event_id, day: dt.date, people: list, absent_rate: float) -> None:  # type: ignore[no-untyped-def]
        if day > today:
            return
        here = [p for p in people if rng.random() >= absent_rate]
        absent = set(people) - set(here)
        pending.setdefault(event_id, {})[day] = (here, [p for p in people if p in absent])

    # Orientation for beginning and incoming educators, the week before school; a make-up for later hires.
    on_time = [e.id for e, _ in enrolled if not (e.hire_date and e.hire_date > year.first_day)]
    later = [e for e, _ in enrolled if e.hire_date and e.hire_date > year.first_day]
    orientation_day = _weekday_on_or_after(year.first_day - dt.timedelta(days=8), 0)
    event_id, _days = save(on_time, [EventInput("orientation", "New educator orientation",
                                                dt.datetime.combine(orientation_day, T(8, 30)), 360,
                                                location="District office, room 101")])
    attend(event_id, orientation_day, on_time, 0.06)
    makeups: dict[dt.date, list] = {}  # later hires: a make-up session the first Wednesday after they start
    for e in later:
        makeups.setdefault(_weekday_on_or_after(e.hire_date + dt.timedelta(days=2), 2), []).append(e.id)
    for makeup_day, people in sorted(makeups.items()):
        if makeup_day > year.window_end:
            continue
        event_id, days = save(people, [EventInput("orientation", "Orientation (later hires)",
                                                  dt.datetime.combine(day, T(15, 30)), 120,
                                                  location="District office, room 101")
                                       for day in _school_days(makeup_day, 5)])
        attend(event_id, days[0], people, 0.0)

    # Peer groups: every two weeks after school, per school with beginning educators (none over the
    # winter break).
    by_school: dict[object, list[Educator]] = {}
    for educator, status in enrolled:
        if status == "beginning" and educator.school_id:
            by_school.setdefault(educator.school_id, []).append(educator)
    names = {s.id: s for s in schools}
    for school_id, group in sorted(by_school.items(), key=lambda kv: names[kv[0]].name):
        people = [e.id for e in group]
        day = _weekday_on_or_after(year.first_day + dt.timedelta(days=14), rng.choice((1, 3)))
        until = year.last_day - dt.timedelta(days=7)
        options = []
        for first in _school_days(day, 5):
            for at in (T(15, 30), T(16, 15)):
                dates = [m.date() for m in scheduling.local_starts(dt.datetime.combine(first, at, tz), "biweekly",
                                                                   until, (), tz)]
                winter = [d.isoformat() for d in dates if d.month == 12 and d.day >= 20]
                options.append(EventInput("peer_group", f"Peer group: {names[school_id].name}",
                                          dt.datetime.combine(first, at), 45, school_id=school_id, location="Library",
                                          recurrence="biweekly", repeat_until=until, exdates=winter))
        event_id, days = save(people, options)
        for day in days:
            attend(event_id, day, people, 0.15)

    # Mentor training: a district forum for the mentors, monthly on a Thursday.
    mentor_ids = sorted(set(mentors.values()), key=str)
    if mentor_ids:
        day = _weekday_on_or_after(year.first_day + dt.timedelta(days=7), 3)
        event_id, days = save(mentor_ids, [EventInput("mentor_training", "Mentor forum",
                                                      dt.datetime.combine(first, T(15, 45)), 90,
                                                      location="District office, room 101", recurrence="monthly",
                                                      repeat_until=year.last_day)
                                           for first in (day, day + dt.timedelta(days=7))])
        for day in days:
            attend(event_id, day, mentor_ids, 0.2)

    # Support-team meetings: before the year (or the later hire's first day), then monthly (same
    # weekday) through the year, at the first time near the drawn one that suits the whole team.
    teams = support_teams.teams(session, year.label)
    for educator, status in enrolled:
        if status != "beginning" or educator.id not in mentors:
            continue
        members = [m.member_id for m in teams.get(educator.id, []) if m.member_id]
        people = [educator.id, *dict.fromkeys(m for m in members if m != educator.id)]
        start_day = max(year.first_day, educator.hire_date or year.first_day)
        before = _weekday_on_or_after(start_day - dt.timedelta(days=rng.randint(3, 9)), rng.randint(0, 4))
        before = before if before < start_day else start_day - dt.timedelta(days=1)
        hours = (9, 10, 13, 11, 14)
        first_hour = rng.choice(hours[:3])
        hours = (first_hour, *(h for h in hours if h != first_hour))
        room = f"Room {educator.room}" if educator.room else None
        event_id, days = save(people, [
            EventInput("support_team", f"{educator.full_name}: support team", dt.datetime.combine(day, T(hour, 0)), 60,
                       school_id=educator.school_id, mentee_id=educator.id, location=room)
            for day in _school_days(before, 8, -1) if day >= year.window_start for hour in hours])
        attend(event_id, days[0], people, 0.05)
        monthly_day = _weekday_on_or_after(start_day + dt.timedelta(days=21), rng.randint(0, 4))
        event_id, days = save(people, [
            EventInput("support_team", f"{educator.full_name}: monthly support team", dt.datetime.combine(day, at), 45,
                       school_id=educator.school_id, mentee_id=educator.id, recurrence="monthly",
                       repeat_until=year.last_day - dt.timedelta(days=14))
            for day in _school_days(monthly_day, 10) for at in (T(14, 45), T(15, 30), T(7, 0))])
        for day in days:
            attend(event_id, day, people, 0.1)
    attendance = _write_attendance(session, pending)
    session.flush()
    demo.counts.update(support_team_members=team_members, events=events, attendance=attendance)
