"""Scheduling: events (single or recurring), exceptions, attendance, bell schedules, free-time
proposals, conflict detection, program activities and the compliance cards.

Rules (004 and 603 CMR 7.12/7.13, DOMAIN.md):
- orientation before or at the beginning of the school year, for beginning and incoming educators
  (603 CMR 7.12(2)(a); 7.13); for a later hire, within `orientation_grace_days` of the hire date.
- the support team meets the beginning teacher before the school year (004).
- the coordinator "maintains meeting schedules ... and ensures that these are followed" (004).

Times: an event's first occurrence is stored in UTC; recurrences are expanded in the district's
time zone (setting `time_zone`), so a 3:15 pm meeting stays at 3:15 pm on both sides of the
daylight-saving changes. Occurrences are identified by their local date. The expansion is the
RFC 5545 RRULE the ICS export writes (weekly, every two weeks, the nth weekday monthly), computed
by date arithmetic: dateutil's rrule gives the same dates (a property test checks it) at 20 times
the cost, which the state report paid on every one of a large district's ten thousand occurrences.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from app.models import Educator, InductionEnrollment, School, SchoolYear, derived_id
from app.models.scheduling import (
    EVENT_KINDS,
    EVENT_STATUSES,
    RECURRENCES,
    BellPeriod,
    Event,
    EventAttendance,
    EventAttendee,
)
from app.services.educators import on_staff_at_start
from app.services.errors import FieldProblem, MentorDeskError, ValidationError
from app.services.years import ensure_year

KIND_LABELS = {
    "orientation": "Orientation",
    "support_team": "Support-team meeting",
    "peer_group": "Peer group",
    "mentor_training": "Mentor training",
    "three_way": "Three-way meeting",
    "observation": "Observation",
    "other": "Other",
}
RECURRENCE_LABELS = {None: "Does not repeat", "weekly": "Every week", "biweekly": "Every two weeks",
                     "monthly": "Every month (same weekday)"}

CITE_ORIENTATION = "603 CMR 7.12(2)(a); 7.13 (orientation before or at the beginning of the school year)"
CITE_TEAM_MEETS = "004 (the support team meets the beginning teacher before the school year)"
MAX_MINUTES = 12 * 60
DEFAULT_DAY = (dt.time(7, 30), dt.time(15, 30))  # a school's day when it has no bell schedule
PRE_YEAR_DAY = (dt.time(8, 0), dt.time(15, 0))  # before the first day: no classes to work around
AFTER_SCHOOL_MINUTES = 60


class SchedulingConflict(MentorDeskError):
    """Someone would be double-booked. Save again with allow_conflicts=True to keep it anyway."""

    def __init__(self, conflicts: list["Conflict"]):
        self.conflicts = conflicts
        lines = [c.text for c in conflicts[:5]]
        more = f" (and {len(conflicts) - 5} more)" if len(conflicts) > 5 else ""
        super().__init__("Double-booked: " + "; ".join(lines) + more)


def zone(session: Session) -> ZoneInfo:
    from app.services import settings

    return ZoneInfo(settings.get(session, "time_zone") or "America/New_York")


def grace_days(session: Session) -> int:
    from app.services import settings

    return int(settings.get(session, "orientation_grace_days"))


def _fmt_time(moment: dt.datetime) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


def fmt_span(start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> str:
    """'Tue 10/6/2026 3:15 PM-4:00 PM' in the district's zone."""
    a, b = start.astimezone(tz), end.astimezone(tz)
    return f"{a:%a} {a.month}/{a.day}/{a.year} {_fmt_time(a)}-{_fmt_time(b)}"


# ---------------------------------------------------------------------------------------------
# Recurrence

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def monthly_nth(local_start: dt.datetime) -> int:
    """Which weekday of the month a monthly series repeats on: 1-4, or -1 for "the last", rather
    than a fifth that most months lack."""
    nth = (local_start.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def rrule_parts(recurrence: str | None, local_start: dt.datetime) -> dict | None:
    """The recurrence as RFC 5545 RRULE parts (without UNTIL), as the ICS file writes it."""
    if recurrence is None:
        return None
    if recurrence == "weekly":
        return {"FREQ": "WEEKLY", "INTERVAL": 1}
    if recurrence == "biweekly":
        return {"FREQ": "WEEKLY", "INTERVAL": 2}
    return {"FREQ": "MONTHLY", "INTERVAL": 1, "BYDAY": f"{monthly_nth(local_start)}{WEEKDAY_CODES[local_start.weekday()]}"}


def until_utc(repeat_until: dt.date, tz: ZoneInfo) -> dt.datetime:
    """RRULE UNTIL in UTC: the end of the last local day."""
    return dt.datetime.combine(repeat_until, dt.time(23, 59, 59), tz).astimezone(dt.timezone.utc)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth (1-4) or last (-1) given weekday (Monday 0) of a month."""
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _week_step(recurrence: str) -> int | None:
    """Days between occurrences of a weekly series (None for a monthly one)."""
    return {"weekly": 7, "biweekly": 14}.get(recurrence)


def _series_end(first_day: dt.date, repeat_until: dt.date | None) -> dt.date:
    """The last possible day of a series: its end date, or a year after it starts."""
    return repeat_until or (first_day + dt.timedelta(days=366))


def series_dates(first: dt.datetime, recurrence: str, last: dt.date) -> Iterable[dt.datetime]:
    """Naive local starts of a series from its first occurrence up to the local date `last`."""
    days = _week_step(recurrence)
    if days is not None:
        step = dt.timedelta(days=days)
        moment = first
        while moment.date() <= last:
            yield moment
            moment += step
        return
    nth, year, month = monthly_nth(first), first.year, first.month
    while True:
        day = nth_weekday(year, month, first.weekday(), nth)
        if day > last:
            return
        yield dt.datetime.combine(day, first.time())
        year, month = year + month // 12, month % 12 + 1


def local_starts(starts_at: dt.datetime, recurrence: str | None, repeat_until: dt.date | None,
                 exdates: Iterable[str], tz: ZoneInfo, *, limit_end: dt.date | None = None,
                 limit_start: dt.date | None = None) -> list[dt.datetime]:
    """Every occurrence's local start (aware, in `tz`), exceptions removed; with limits, only
    those on local dates between limit_start and limit_end."""
    first = starts_at.astimezone(tz)
    if recurrence is None:
        return [first]
    naive = first.replace(tzinfo=None)
    last = repeat_until or limit_end or _series_end(naive.date(), None)  # an open series: a year, or the limit
    if limit_end is not None:
        last = min(last, limit_end)
    skipped = set(exdates)
    # Wall-clock time kept; zoneinfo picks the offset of each date (fold=0 on the repeated hour).
    return [moment.replace(tzinfo=tz) for moment in series_dates(naive, recurrence, last)
            if (limit_start is None or moment.date() >= limit_start) and moment.date().isoformat() not in skipped]


def is_occurrence(starts_at: dt.datetime, recurrence: str | None, repeat_until: dt.date | None,
                  exdates: Iterable[str], tz: ZoneInfo, day: dt.date) -> bool:
    """Whether a local date is one of the series' occurrences: the same answer as looking for it in
    `local_starts`, without listing the series."""
    first = starts_at.astimezone(tz)
    start = first.date()
    if recurrence is None:
        return day == start
    if not start <= day <= _series_end(start, repeat_until) or day.isoformat() in set(exdates):
        return False
    days = _week_step(recurrence)
    if days is not None:
        return (day - start).days % days == 0
    return day == nth_weekday(day.year, day.month, first.weekday(), monthly_nth(first))


# ---------------------------------------------------------------------------------------------
# Plain data for the UI, the exports and the reports

@dataclass(frozen=True)
class Person:
    educator_id: uuid.UUID | None
    name: str
    email: str | None = None
    attendee_id: uuid.UUID | None = None


@dataclass(frozen=True)
class EventInfo:
    id: uuid.UUID
    version: int
    kind: str
    title: str
    school_id: uuid.UUID | None
    school: str | None
    mentee_id: uuid.UUID | None
    starts_at: dt.datetime  # UTC, the first occurrence
    minutes: int
    location: str | None
    status: str
    recurrence: str | None
    repeat_until: dt.date | None
    exdates: tuple[str, ...]
    sequence: int
    updated_at: dt.datetime
    people: tuple[Person, ...]


@dataclass(frozen=True)
class Occurrence:
    event_id: uuid.UUID
    date: dt.date  # local date: the occurrence's identity
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    kind: str
    title: str
    school: str | None
    status: str
    recurring: bool
    location: str | None = None
    people: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass
class EventInput:
    """What the create/edit dialog (or a script) gives. `start` is aware, or naive local time."""

    kind: str
    title: str
    start: dt.datetime
    minutes: int
    school_id: uuid.UUID | None = None
    mentee_id: uuid.UUID | None = None
    location: str | None = None
    educator_ids: Sequence[uuid.UUID] = ()
    outsiders: Sequence[tuple[str, str | None]] = ()  # (name, email)
    recurrence: str | None = None
    repeat_until: dt.date | None = None
    exdates: Sequence[str] = ()
    status: str = "scheduled"
    notes: str | None = None


@dataclass(frozen=True)
class Conflict:
    person: str
    educator_id: uuid.UUID
    other_event_id: uuid.UUID
    other_title: str
    other_kind: str
    start: dt.datetime
    end: dt.datetime
    when: str  # formatted in the district's zone

    @property
    def text(self) -> str:
        return f"{self.person} is already in {KIND_LABELS[self.other_kind].lower()} \u201c{self.other_title}\u201d " \
               f"on {self.when}"


def _info(event: Event, attendees: list[EventAttendee], names: dict[uuid.UUID, Educator],
          schools: dict[uuid.UUID, str]) -> EventInfo:
    people = []
    for a in attendees:
        person = names.get(a.educator_id) if a.educator_id else None
        if person is not None:
            people.append(Person(person.id, person.full_name, person.email, a.id))
        elif a.outside_name:
            people.append(Person(None, a.outside_name, a.outside_email, a.id))
    people.sort(key=lambda p: p.name)
    return EventInfo(event.id, event.version, event.kind, event.title, event.school_id,
                     schools.get(event.school_id) if event.school_id else None, event.mentee_id, event.starts_at,
                     event.minutes, event.location, event.status, event.recurrence, event.repeat_until,
                     tuple(event.exdates or ()), event.sequence, event.updated_at, tuple(people))


def load_events(session: Session, events: list[Event]) -> list[EventInfo]:
    ids = [e.id for e in events]
    attendees: dict[uuid.UUID, list[EventAttendee]] = {}
    for chunk in _chunks(ids):
        for a in session.scalars(select(EventAttendee).where(EventAttendee.event_id.in_(chunk))):
            attendees.setdefault(a.event_id, []).append(a)
    educator_ids = {a.educator_id for rows in attendees.values() for a in rows if a.educator_id}
    names = {}
    for chunk in _chunks(list(educator_ids)):
        names.update({e.id: e for e in session.scalars(select(Educator).where(Educator.id.in_(chunk)))})
    schools = dict(session.execute(select(School.id, School.name)).all())
    return [_info(e, attendees.get(e.id, []), names, schools) for e in events]


def _chunks(values: list, size: int = 500) -> Iterable[list]:
    for index in range(0, len(values), size):
        yield values[index:index + size]


def get_event(session: Session, event_id: uuid.UUID) -> EventInfo:
    event = session.get(Event, event_id)
    if event is None or event.deleted_at is not None:
        raise ValidationError([FieldProblem("event", str(event_id), "no such event (deleted?)")])
    return load_events(session, [event])[0]


def list_events(session: Session, year_label: str, *, school_id: uuid.UUID | None = None,
                kinds: Iterable[str] | None = None, person_id: uuid.UUID | None = None,
                with_district: bool = False) -> list[EventInfo]:
    """A year's events; with a school, that school's (and, `with_district`, the district-wide
    ones too: orientation and mentor training belong to every school's calendar)."""
    year, _ = ensure_year(session, year_label)
    query = select(Event).where(Event.school_year_id == year.id)
    if school_id is not None:
        mine = Event.school_id == school_id
        query = query.where(or_(mine, Event.school_id.is_(None)) if with_district else mine)
    if kinds:
        query = query.where(Event.kind.in_(list(kinds)))
    if person_id is not None:
        query = query.where(or_(Event.mentee_id == person_id, Event.id.in_(
            select(EventAttendee.event_id).where(EventAttendee.educator_id == person_id))))
    return load_events(session, list(session.scalars(query.order_by(Event.starts_at, Event.title))))


def occurrences_of(info: EventInfo, tz: ZoneInfo, start: dt.datetime | None = None,
                   end: dt.datetime | None = None) -> list[Occurrence]:
    limit = end.astimezone(tz).date() if end is not None else None
    out = []
    for local in local_starts(info.starts_at, info.recurrence, info.repeat_until, info.exdates, tz, limit_end=limit):
        begin = local.astimezone(dt.timezone.utc)
        finish = begin + dt.timedelta(minutes=info.minutes)
        if (start is not None and finish <= start) or (end is not None and begin >= end):
            continue
        out.append(Occurrence(info.id, local.date(), begin, finish, info.kind, info.title, info.school, info.status,
                              info.recurrence is not None, info.location, tuple(p.name for p in info.people)))
    return out


def list_occurrences(session: Session, year_label: str, start: dt.datetime, end: dt.datetime, *,
                     school_id: uuid.UUID | None = None, kinds: Iterable[str] | None = None,
                     person_id: uuid.UUID | None = None, include_cancelled: bool = True,
                     with_district: bool = False) -> list[Occurrence]:
    """Every occurrence between two moments (aware), for the calendar views and the agenda."""
    tz = zone(session)
    out = []
    for info in list_events(session, year_label, school_id=school_id, kinds=kinds, person_id=person_id,
                            with_district=with_district):
        if info.status == "cancelled" and not include_cancelled:
            continue
        out.extend(occurrences_of(info, tz, start, end))
    out.sort(key=lambda o: (o.start, o.title))
    return out


# ---------------------------------------------------------------------------------------------
# Saving, with conflict detection

def _aware(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _validate(data: EventInput, year: SchoolYear) -> list[FieldProblem]:
    problems = []
    if data.kind not in EVENT_KINDS:
        problems.append(FieldProblem("kind", data.kind, f"use one of {', '.join(EVENT_KINDS)}"))
    if not (data.title or "").strip():
        problems.append(FieldProblem("title", "", "give the event a title"))
    elif len(data.title) > 200:
        problems.append(FieldProblem("title", data.title[:20] + "...", "at most 200 characters"))
    if not 5 <= int(data.minutes) <= MAX_MINUTES:
        problems.append(FieldProblem("minutes", str(data.minutes), f"between 5 and {MAX_MINUTES} minutes"))
    if data.status not in EVENT_STATUSES:
        problems.append(FieldProblem("status", data.status, f"use one of {', '.join(EVENT_STATUSES)}"))
    if data.recurrence not in (None, *RECURRENCES):
        problems.append(FieldProblem("recurrence", str(data.recurrence), "weekly, biweekly or monthly"))
    if data.recurrence and data.repeat_until and data.repeat_until < data.start.date():
        problems.append(FieldProblem("repeat_until", data.repeat_until.isoformat(), "before the first meeting"))
    if not year.window_start <= data.start.date() <= year.window_end:
        problems.append(FieldProblem("start", data.start.date().isoformat(),
                                     f"outside school year {year.label} ({year.window_start} to {year.window_end})"))
    for name, email in data.outsiders:
        if not (name or "").strip():
            problems.append(FieldProblem("attendees", email or "", "an outside attendee needs a name"))
    return problems


def attendee_ids(data: EventInput) -> list[uuid.UUID]:
    """The educators an event is saved with: those chosen, and the beginning educator it is about
    (a meeting about someone includes them: the calendar file invites them, attendance lists
    them and a held support-team meeting counts for them)."""
    chosen = list(data.educator_ids)
    if data.mentee_id is not None:
        chosen.append(data.mentee_id)
    return list(dict.fromkeys(chosen))


def _candidate(data: EventInput, year: SchoolYear, tz: ZoneInfo, event_id: uuid.UUID) -> EventInfo:
    start = _aware(data.start, tz).astimezone(dt.timezone.utc)
    people = tuple(Person(e, "") for e in attendee_ids(data))
    until = data.repeat_until or (year.last_day if data.recurrence else None)
    return EventInfo(event_id, 0, data.kind, data.title.strip(), data.school_id, None, data.mentee_id, start,
                     int(data.minutes), data.location, data.status, data.recurrence, until, tuple(data.exdates), 0,
                     start, people)


def find_conflicts(session: Session, candidate: EventInfo, *, tz: ZoneInfo | None = None) -> list[Conflict]:
    """Other events that double-book one of the candidate's educators (cancelled ones ignored).

    Reads only events of those people that can overlap the candidate's span, then expands them."""
    tz = tz or zone(session)
    if candidate.status == "cancelled":
        return []
    people = {p.educator_id for p in candidate.people if p.educator_id}
    if candidate.mentee_id:
        people.add(candidate.mentee_id)
    if not people:
        return []
    mine = occurrences_of(candidate, tz)
    if not mine:
        return []
    span_start, span_end = mine[0].start, mine[-1].end
    longest = dt.timedelta(minutes=MAX_MINUTES)
    # The events these people attend that can overlap the span (a sub-select drives the read from
    # the attendee index, not from a scan of every event by time); then who of them is in each.
    columns = (Event.id, Event.title, Event.kind, Event.starts_at, Event.minutes, Event.recurrence,
               Event.repeat_until, Event.exdates)
    rows = session.execute(select(*columns).where(
        Event.id.in_(select(EventAttendee.event_id).where(EventAttendee.educator_id.in_(people))),
        Event.id != candidate.id, Event.status != "cancelled", Event.starts_at < span_end,
        or_(and_(Event.recurrence.is_(None), Event.starts_at > span_start - longest),
            and_(Event.recurrence.is_not(None),
                 or_(Event.repeat_until.is_(None), Event.repeat_until >= (span_start - longest).date()))))).all()
    if not rows:
        return []
    invited: dict[uuid.UUID, set[uuid.UUID]] = {}
    for chunk in _chunks([r.id for r in rows]):
        for event_id, educator_id in session.execute(select(EventAttendee.event_id, EventAttendee.educator_id).where(
                EventAttendee.event_id.in_(chunk), EventAttendee.educator_id.in_(people))):
            invited.setdefault(event_id, set()).add(educator_id)
    names = {e.id: e.full_name for e in session.scalars(select(Educator).where(Educator.id.in_(people)))}
    conflicts = []
    mine_by_day: dict[dt.date, list[Occurrence]] = {}
    for occ in mine:
        mine_by_day.setdefault(occ.start.date(), []).append(occ)
    for event in rows:
        theirs = local_starts(event.starts_at, event.recurrence, event.repeat_until, event.exdates or (), tz,
                              limit_end=span_end.astimezone(tz).date(),
                              limit_start=(span_start - longest).astimezone(tz).date())
        for local in theirs:
            begin = local.astimezone(dt.timezone.utc)
            finish = begin + dt.timedelta(minutes=event.minutes)
            if finish <= span_start or begin >= span_end:
                continue
            hit = None
            for day in {begin.date(), finish.date()}:
                for occ in mine_by_day.get(day, ()):  # noqa: B007
                    if occ.start < finish and begin < occ.end:
                        hit = occ
                        break
                if hit:
                    break
            if hit is None:
                continue
            for person in sorted(invited.get(event.id, ()), key=lambda i: names.get(i, "")):
                conflicts.append(Conflict(names.get(person, "?"), person, event.id, event.title, event.kind, begin,
                                          finish, fmt_span(begin, finish, tz)))
    conflicts.sort(key=lambda c: (c.start, c.person))
    return conflicts


@dataclass(frozen=True)
class SaveResult:
    event_id: uuid.UUID
    conflicts: tuple[Conflict, ...] = ()


def save_event(session: Session, year_label: str, data: EventInput, *, event_id: uuid.UUID | None = None,
               expected_version: int | None = None, allow_conflicts: bool = False,
               detect: bool = True) -> SaveResult:
    """Create or update an event. Raises SchedulingConflict naming who is double-booked with what,
    unless allow_conflicts (then the conflicts come back with the result). `detect=False` (bulk
    loads such as the demo) skips the check and the flush."""
    from app.services.errors import StaleRecordError

    year, _ = ensure_year(session, year_label)
    tz = zone(session)
    data.start = _aware(data.start, tz)
    problems = _validate(data, year)
    if problems:
        raise ValidationError(problems)
    event = None
    if event_id is not None:
        event = session.get(Event, event_id)
        if event is None or event.deleted_at is not None:
            raise ValidationError([FieldProblem("event", str(event_id), "no such event (deleted?)")])
        if expected_version is not None and event.version != expected_version:
            raise StaleRecordError(f"Event \u201c{event.title}\u201d", event.updated_by,
                                   event.updated_at.astimezone(tz).strftime("%m/%d/%Y %H:%M"))
    candidate = _candidate(data, year, tz, event_id or uuid.uuid4())
    conflicts = find_conflicts(session, candidate, tz=tz) if detect or not allow_conflicts else []
    if conflicts and not allow_conflicts:
        raise SchedulingConflict(conflicts)
    if event is None:
        event = Event(id=candidate.id, school_year_id=year.id, sequence=0)
        session.add(event)
    else:
        changed = (event.starts_at != candidate.starts_at or event.minutes != candidate.minutes
                   or event.recurrence != candidate.recurrence or event.repeat_until != candidate.repeat_until
                   or list(event.exdates or ()) != list(candidate.exdates) or event.status != candidate.status
                   or event.location != candidate.location or event.title != candidate.title)
        if changed:
            event.sequence = (event.sequence or 0) + 1
    event.kind, event.title, event.school_id, event.mentee_id = data.kind, candidate.title, data.school_id, data.mentee_id
    event.starts_at, event.minutes, event.location = candidate.starts_at, candidate.minutes, data.location or None
    event.status, event.recurrence, event.repeat_until = data.status, data.recurrence, candidate.repeat_until
    event.exdates = sorted(set(data.exdates))
    if data.notes is not None:
        event.notes = data.notes
    _set_attendees(session, event, attendee_ids(data), list(data.outsiders), new=event_id is None)
    if detect:  # bulk loads (detect=False) leave the flush to the caller
        session.flush()
    return SaveResult(event.id, tuple(conflicts))


def _set_attendees(session: Session, event: Event, educator_ids: list[uuid.UUID],
                   outsiders: list[tuple[str, str | None]], *, new: bool = False) -> None:
    current = [] if new else list(session.scalars(select(EventAttendee).where(EventAttendee.event_id == event.id)))
    keep_educators = set(educator_ids)
    keep_outside = {(n.strip(), (m or "").strip() or None) for n, m in outsiders}
    seen_e, seen_o = set(), set()
    for row in current:
        if row.educator_id and row.educator_id in keep_educators:
            seen_e.add(row.educator_id)
        elif not row.educator_id and (row.outside_name, row.outside_email) in keep_outside:
            seen_o.add((row.outside_name, row.outside_email))
        else:
            row.tombstone()
    for educator_id in educator_ids:
        if educator_id not in seen_e:
            session.add(EventAttendee(event_id=event.id, educator_id=educator_id))
    for name, email in sorted(keep_outside - seen_o):
        session.add(EventAttendee(event_id=event.id, outside_name=name, outside_email=email))


def input_from(info: EventInfo, tz: ZoneInfo) -> EventInput:
    """An existing event as dialog input (for edits and moves)."""
    return EventInput(info.kind, info.title, info.starts_at.astimezone(tz), info.minutes, info.school_id,
                      info.mentee_id, info.location, [p.educator_id for p in info.people if p.educator_id],
                      [(p.name, p.email) for p in info.people if p.educator_id is None], info.recurrence,
                      info.repeat_until, list(info.exdates), info.status)


def move_event(session: Session, event_id: uuid.UUID, new_start: dt.datetime, *, allow_conflicts: bool = False,
               expected_version: int | None = None) -> SaveResult:
    """Drag to move: a single event moves; a series moves with it (every occurrence by the same shift)."""
    info = get_event(session, event_id)
    tz = zone(session)
    data = input_from(info, tz)
    new_local = _aware(new_start, tz).astimezone(tz)
    shift = new_local.date() - data.start.date()
    data.start = new_local
    if data.recurrence:
        data.exdates = [(dt.date.fromisoformat(d) + shift).isoformat() for d in data.exdates]
        if data.repeat_until:
            data.repeat_until = data.repeat_until + shift
    year = session.get(SchoolYear, session.get(Event, event_id).school_year_id)
    return save_event(session, year.label, data, event_id=event_id, allow_conflicts=allow_conflicts,
                      expected_version=expected_version)


def _series(session: Session, event_id: uuid.UUID) -> Event:
    event = session.get(Event, event_id)
    if event is None or event.deleted_at is not None:
        raise ValidationError([FieldProblem("event", str(event_id), "no such event (deleted?)")])
    if not event.recurrence:
        raise ValidationError([FieldProblem("event", event.title,
                                            "only a repeating event has dates to skip or restore")])
    return event


def skip_occurrence(session: Session, event_id: uuid.UUID, local_date: dt.date) -> None:
    """An exception: one occurrence of a series does not happen (EXDATE in the calendar file).
    Skipping a date already skipped changes nothing; a date that is not one of the series' is refused."""
    event = _series(session, event_id)
    days = set(event.exdates or ())
    if local_date.isoformat() in days:
        return
    if not is_occurrence(event.starts_at, event.recurrence, event.repeat_until, (), zone(session), local_date):
        raise ValidationError([FieldProblem("date", local_date.isoformat(),
                                            f"\u201c{event.title}\u201d does not meet that day")])
    event.exdates = sorted(days | {local_date.isoformat()})
    event.sequence = (event.sequence or 0) + 1
    session.flush()


def restore_occurrence(session: Session, event_id: uuid.UUID, local_date: dt.date, *,
                       allow_conflicts: bool = False) -> SaveResult:
    """Undo a skip: the date is one of the series' occurrences again. The date comes back only if
    it double-books nobody, unless allow_conflicts (SchedulingConflict names who and what, as a save
    does); the conflicts come back with the result."""
    event = _series(session, event_id)
    days = set(event.exdates or ())
    if local_date.isoformat() not in days:
        return SaveResult(event.id)
    tz = zone(session)
    info = load_events(session, [event])[0]
    start = dt.datetime.combine(local_date, info.starts_at.astimezone(tz).time(), tz)
    one_day = EventInfo(info.id, info.version, info.kind, info.title, info.school_id, info.school, info.mentee_id,
                        start.astimezone(dt.timezone.utc), info.minutes, info.location, info.status, None, None, (),
                        info.sequence, info.updated_at, info.people)
    conflicts = find_conflicts(session, one_day, tz=tz)
    if conflicts and not allow_conflicts:
        raise SchedulingConflict(conflicts)
    event.exdates = sorted(days - {local_date.isoformat()})
    event.sequence = (event.sequence or 0) + 1
    session.flush()
    return SaveResult(event.id, tuple(conflicts))


def set_status(session: Session, event_id: uuid.UUID, status: str) -> None:
    if status not in EVENT_STATUSES:
        raise ValidationError([FieldProblem("status", status, f"use one of {', '.join(EVENT_STATUSES)}")])
    event = session.get(Event, event_id)
    if event is not None and event.status != status:
        event.status = status
        event.sequence = (event.sequence or 0) + 1
        session.flush()


def delete_event(session: Session, event_id: uuid.UUID) -> None:
    event = session.get(Event, event_id)
    if event is not None:
        event.tombstone()
        session.flush()


def record_attendance(session: Session, event_id: uuid.UUID, local_date: dt.date,
                      present: Iterable[uuid.UUID], *, absent: Iterable[uuid.UUID] = ()) -> int:
    """After the fact: who was there on one occurrence (attendee row ids or educator ids). A
    single event becomes "held". Returns how many were recorded present."""
    event = session.get(Event, event_id)
    if event is None:
        raise ValidationError([FieldProblem("event", str(event_id), "no such event")])
    attendees = list(session.scalars(select(EventAttendee).where(EventAttendee.event_id == event_id)))
    by_key = {a.id: a for a in attendees} | {a.educator_id: a for a in attendees if a.educator_id}
    marks = {by_key[k].id: True for k in present if k in by_key}
    marks.update({by_key[k].id: False for k in absent if k in by_key})
    existing = {r.attendee_id: r for r in session.scalars(
        select(EventAttendance).where(EventAttendance.event_id == event_id,
                                      EventAttendance.occurrence_date == local_date))}
    for attendee_id, here in marks.items():
        row = existing.get(attendee_id)
        if row is None:
            session.add(EventAttendance(id=attendance_id(attendee_id, local_date), event_id=event_id,
                                        attendee_id=attendee_id, occurrence_date=local_date, present=here))
        elif row.present != here:
            row.present = here
    if event.recurrence is None and event.status == "scheduled":
        event.status = "held"
    session.flush()
    return sum(marks.values())


def record_attendance_many(session: Session, event_id: uuid.UUID,
                           marks: dict[dt.date, tuple[Iterable[uuid.UUID], Iterable[uuid.UUID]]]) -> int:
    """Attendance for many occurrences of one event at once (imports, the demo): local date ->
    (present, absent) educator or attendee ids. Returns how many were recorded present."""
    event = session.get(Event, event_id)
    if event is None:
        raise ValidationError([FieldProblem("event", str(event_id), "no such event")])
    attendees = list(session.scalars(select(EventAttendee).where(EventAttendee.event_id == event_id)))
    by_key = {a.id: a for a in attendees} | {a.educator_id: a for a in attendees if a.educator_id}
    existing = {(r.attendee_id, r.occurrence_date): r for r in session.scalars(
        select(EventAttendance).where(EventAttendance.event_id == event_id))}
    count = 0
    for day, (present, absent) in marks.items():
        flags = {by_key[k].id: True for k in present if k in by_key}
        flags.update({by_key[k].id: False for k in absent if k in by_key})
        for attendee_id, here in flags.items():
            row = existing.get((attendee_id, day))
            if row is None:
                session.add(EventAttendance(id=attendance_id(attendee_id, day), event_id=event_id,
                                            attendee_id=attendee_id, occurrence_date=day, present=here))
            elif row.present != here:
                row.present = here
            count += here
    if marks and event.recurrence is None and event.status == "scheduled":
        event.status = "held"
    session.flush()
    return count


def attendance_id(attendee_id: uuid.UUID, local_date: dt.date) -> uuid.UUID:
    """Derived from what makes a mark unique, so two laptops marking the same person on the same
    day write one record (their values merge) instead of two that clash when they meet."""
    return derived_id("event_attendance", f"{attendee_id}:{local_date.isoformat()}")


def attendance(session: Session, event_id: uuid.UUID, local_date: dt.date) -> dict[uuid.UUID, bool]:
    """attendee row id -> present, for one occurrence (empty when not taken)."""
    return {r.attendee_id: r.present for r in session.scalars(
        select(EventAttendance).where(EventAttendance.event_id == event_id,
                                      EventAttendance.occurrence_date == local_date))}


# ---------------------------------------------------------------------------------------------
# Held occurrences: what compliance and the state report count

@dataclass(frozen=True)
class HeldOccurrence:
    event_id: uuid.UUID
    kind: str
    date: dt.date
    mentee_id: uuid.UUID | None
    present: frozenset[uuid.UUID]  # educators there
    outsiders: int  # named outsiders there


def _key(column: Any) -> Any:
    """A key column as text, the same on both backends, so the marks can be joined in SQL."""
    from sqlalchemy import String, cast

    return cast(column, String)


def held_occurrences(session: Session, year: SchoolYear, *, kinds: Iterable[str] | None = None,
                     today: dt.date | None = None) -> list[HeldOccurrence]:
    """Occurrences that took place: attendance was taken with someone present, or (no attendance
    taken) the event is marked held and the occurrence is past. Attendance, where taken, decides
    who was there; otherwise the invited attendees count."""
    from sqlalchemy import func

    tz = zone(session)
    today = today or dt.date.today()
    # Plain columns, not model objects, and the marks folded in SQL to one row per occurrence:
    # a large district's year has thousands of events and tens of thousands of attendance marks,
    # and the state report reads them all (benchmarks/state_report.py).
    in_year = [Event.school_year_id == year.id, Event.status != "cancelled"]
    if kinds:
        in_year.append(Event.kind.in_(list(kinds)))
    events = session.execute(select(Event.id, _key(Event.id).label("key"), Event.kind, Event.starts_at,
                                    Event.recurrence, Event.repeat_until, Event.exdates, Event.status,
                                    Event.mentee_id).where(*in_year)).all()
    if not events:
        return []
    attendees: dict[str, dict[str, uuid.UUID | None]] = {}
    for event_key, key, educator_id in session.execute(
            select(_key(EventAttendee.event_id), _key(EventAttendee.id), EventAttendee.educator_id)
            .join(Event, Event.id == EventAttendee.event_id).where(*in_year)):
        attendees.setdefault(event_key, {})[key] = educator_id
    present = case((EventAttendance.present, _key(EventAttendance.attendee_id)))
    taken: dict[str, dict[dt.date, list[str]]] = {}  # event -> day -> attendees marked present
    for event_key, day, there in session.execute(
            select(_key(EventAttendance.event_id), EventAttendance.occurrence_date, func.aggregate_strings(present, ","))
            .join(Event, Event.id == EventAttendance.event_id).where(*in_year)
            .group_by(EventAttendance.event_id, EventAttendance.occurrence_date)):
        taken.setdefault(event_key, {})[day] = there.split(",") if there else []
    out = []
    for event in events:
        people = attendees.get(event.key, {})
        marked = taken.get(event.key, {})
        series = (event.starts_at, event.recurrence, event.repeat_until, event.exdates or (), tz)
        if event.status == "held":  # every past occurrence counts, as marked or with everyone invited
            days = [local.date() for local in local_starts(*series)]
        else:  # only marked occurrences count: no need to list a series of scheduled ones
            days = [day for day in marked if is_occurrence(*series, day)]
        for day in days:
            marks = marked.get(day)
            if marks is not None:
                there = [people[k] for k in marks if k in people]
                if not there:
                    continue
            elif day <= today:
                there = list(people.values())
            else:
                continue
            out.append(HeldOccurrence(event.id, event.kind, day, event.mentee_id,
                                      frozenset(e for e in there if e), sum(1 for e in there if not e)))
    out.sort(key=lambda h: (h.date, h.kind))
    return out


def program_activities(session: Session, year_label: str, *, today: dt.date | None = None) -> list[dict] | None:
    """State report item (a): held events by type in the July 1 - June 30 window, with attendance
    (people present, counted once per occurrence). None when nothing is scheduled at all."""
    year, _ = ensure_year(session, year_label)
    if session.scalars(select(Event.id).where(Event.school_year_id == year.id).limit(1)).first() is None:
        return None
    today = min(today or dt.date.today(), year.window_end)
    held = [h for h in held_occurrences(session, year, today=today)
            if year.window_start <= h.date <= year.window_end]
    out = []
    for kind in EVENT_KINDS:
        mine = [h for h in held if h.kind == kind]
        if mine:
            out.append({"type": kind, "label": KIND_LABELS[kind], "held": len(mine),
                        "attendance": sum(len(h.present) + h.outsiders for h in mine),
                        "participants": len({p for h in mine for p in h.present})})
    return out


# ---------------------------------------------------------------------------------------------
# Bell schedules and free-time proposals

@dataclass(frozen=True)
class Period:
    name: str
    starts: dt.time
    ends: dt.time


def bell_schedule(session: Session, school_id: uuid.UUID) -> list[Period]:
    rows = session.scalars(select(BellPeriod).where(BellPeriod.school_id == school_id).order_by(BellPeriod.starts))
    return [Period(r.name, r.starts, r.ends) for r in rows]


def set_bell_schedule(session: Session, school_id: uuid.UUID, periods: Sequence[tuple[str, dt.time, dt.time]]) -> None:
    """Replace a school's bell schedule (period names match the roster's planning_periods)."""
    problems = []
    names = [str(n).strip() for n, _, _ in periods]
    for (name, starts, ends), clean in zip(periods, names):
        if not clean or len(clean) > 20:
            problems.append(FieldProblem("period", str(name), "a name of 1 to 20 characters"))
        if ends <= starts:
            problems.append(FieldProblem("period", clean, f"ends ({ends:%H:%M}) before it starts ({starts:%H:%M})"))
    if len(set(names)) != len(names):
        problems.append(FieldProblem("period", ", ".join(names), "each period name once"))
    if problems:
        raise ValidationError(problems)
    wanted = dict(zip(names, ((s, e) for _, s, e in periods)))
    for row in session.scalars(select(BellPeriod).where(BellPeriod.school_id == school_id)
                               .execution_options(include_deleted=True)):
        if row.name in wanted:  # a removed period that comes back is revived (unique school + name)
            row.starts, row.ends = wanted.pop(row.name)
            row.deleted_at = None
        elif row.deleted_at is None:
            row.tombstone()
    for name, (starts, ends) in wanted.items():
        session.add(BellPeriod(id=derived_id("bell_period", f"{school_id}:{name}"), school_id=school_id, name=name,
                               starts=starts, ends=ends))
    session.flush()


@dataclass(frozen=True)
class Proposal:
    start: dt.datetime  # aware, UTC
    end: dt.datetime
    when: str
    reason: str


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _free_windows(educator: Educator, bells: dict[uuid.UUID, list[Period]], school_day: bool,
                  after_school: bool) -> list[tuple[int, int, str]]:
    """(start, end, why) in local minutes of the day when this person can meet."""
    if not school_day:
        return [(_minutes(PRE_YEAR_DAY[0]), _minutes(PRE_YEAR_DAY[1]), "before the school year")]
    periods = bells.get(educator.school_id, []) if educator.school_id else []
    day_start, day_end = ((_minutes(periods[0].starts), _minutes(periods[-1].ends)) if periods
                          else (_minutes(DEFAULT_DAY[0]), _minutes(DEFAULT_DAY[1])))
    windows = []
    planning = {str(p) for p in educator.planning_periods or ()}
    if planning and periods:
        windows += [(_minutes(p.starts), _minutes(p.ends), f"planning period {p.name}")
                    for p in periods if p.name in planning]
    else:
        windows.append((day_start, day_end, "no teaching periods on file"))
    if after_school:
        windows.append((day_end, day_end + AFTER_SCHOOL_MINUTES, "after school"))
    return windows


def _intersect(a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    out = []
    for s1, e1, w1 in a:
        for s2, e2, w2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if e > s:
                out.append((s, e, w1 if w1 == w2 else f"{w1} / {w2}"))
    return sorted(out)


def propose_times(session: Session, year_label: str, educator_ids: Sequence[uuid.UUID], minutes: int, *,
                  after: dt.datetime | None = None, count: int = 5, after_school: bool = True,
                  step: int = 15, horizon_days: int = 60) -> list[Proposal]:
    """The next times when every attendee is free: within the planning periods of their school's
    bell schedule (or after school; before the first day of school, the working day), on school
    days, and with no clash with their other events. At most one proposal per window per day."""
    year, _ = ensure_year(session, year_label)
    tz = zone(session)
    people = [e for e in session.scalars(select(Educator).where(Educator.id.in_(list(educator_ids))))]
    if not people:
        return []
    bells = {school_id: bell_schedule(session, school_id) for school_id in {p.school_id for p in people if p.school_id}}
    start = (_aware(after, tz) if after else dt.datetime.now(tz)).astimezone(tz)
    first = start.date()
    last = min(first + dt.timedelta(days=horizon_days), year.last_day)
    busy = find_busy(session, [p.id for p in people],
                     dt.datetime.combine(first, dt.time(0), tz), dt.datetime.combine(last, dt.time(23, 59), tz), tz)
    out: list[Proposal] = []
    day = first
    while day <= last and len(out) < count:
        if day.weekday() < 5 and day >= year.window_start:
            school_day = day >= year.first_day
            windows = None
            for person in people:
                mine = _free_windows(person, bells, school_day, after_school)
                windows = mine if windows is None else _intersect(windows, mine)
            for w_start, w_end, why in windows or ():
                slot = w_start
                while slot + minutes <= w_end:
                    begin = dt.datetime.combine(day, dt.time(slot // 60, slot % 60), tz)
                    finish = begin + dt.timedelta(minutes=minutes)
                    if begin > start and not any(b < finish and begin < e for b, e in busy.get(day, ())):
                        u0, u1 = begin.astimezone(dt.timezone.utc), finish.astimezone(dt.timezone.utc)
                        out.append(Proposal(u0, u1, fmt_span(u0, u1, tz), why))
                        break
                    slot += step
                if len(out) >= count:
                    break
        day += dt.timedelta(days=1)
    return out


def find_busy(session: Session, educator_ids: Sequence[uuid.UUID], start: dt.datetime, end: dt.datetime,
              tz: ZoneInfo) -> dict[dt.date, list[tuple[dt.datetime, dt.datetime]]]:
    """Local date -> (start, end) of the non-cancelled events these people attend."""
    rows = session.scalars(
        select(Event).where(Event.status != "cancelled", Event.starts_at < end, Event.id.in_(
            select(EventAttendee.event_id).where(EventAttendee.educator_id.in_(list(educator_ids)))))).all()
    busy: dict[dt.date, list[tuple[dt.datetime, dt.datetime]]] = {}
    for event in rows:
        for local in local_starts(event.starts_at, event.recurrence, event.repeat_until, event.exdates or (), tz,
                                  limit_end=end.astimezone(tz).date()):
            finish = local + dt.timedelta(minutes=event.minutes)
            if finish > start:
                busy.setdefault(local.date(), []).append((local, finish))
    return busy


# ---------------------------------------------------------------------------------------------
# Compliance: orientation and the support team's first meeting

@dataclass(frozen=True)
class DeadlineStatus:
    educator_id: uuid.UUID
    name: str
    school: str | None
    status: str  # beginning | incoming
    deadline: dt.date
    met_on: dt.date | None
    state: str  # met | met late | due | overdue

    @property
    def text(self) -> str:
        where = f" ({self.school})" if self.school else ""
        if self.state == "met":
            return f"{self.name}{where}: {self.met_on.isoformat()}"
        if self.state == "met late":
            return f"{self.name}{where}: {self.met_on.isoformat()}, after {self.deadline.isoformat()}"
        if self.state == "overdue":
            return f"{self.name}{where}: none yet, due {self.deadline.isoformat()} (overdue)"
        return f"{self.name}{where}: none yet, due {self.deadline.isoformat()}"


def _enrolled(session: Session, year: SchoolYear, statuses: tuple[str, ...]) -> list:
    return session.execute(
        select(Educator.id, Educator.first_name, Educator.last_name, Educator.hire_date, Educator.exit_date,
               InductionEnrollment.status, School.name)
        .join(InductionEnrollment, InductionEnrollment.educator_id == Educator.id)
        .outerjoin(School, School.id == Educator.school_id)
        .where(InductionEnrollment.school_year_id == year.id, InductionEnrollment.status.in_(statuses))).all()


def _deadline_status(session: Session, year: SchoolYear, statuses: tuple[str, ...], met: dict[uuid.UUID, dt.date],
                     today: dt.date) -> list[DeadlineStatus]:
    grace = dt.timedelta(days=grace_days(session))
    out = []
    for row in _enrolled(session, year, statuses):
        if not on_staff_at_start(row.exit_date, year):
            continue
        late_hire = row.hire_date is not None and row.hire_date > year.first_day
        deadline = row.hire_date + grace if late_hire else year.first_day
        on = met.get(row.id)
        if on is not None:
            state = "met" if on <= deadline else "met late"
        else:
            state = "overdue" if today > deadline else "due"
        out.append(DeadlineStatus(row.id, f"{row.first_name} {row.last_name}", row.name, row.status, deadline, on,
                                  state))
    out.sort(key=lambda s: (s.state not in ("overdue", "due"), s.deadline, s.name))
    return out


def orientation_status(session: Session, year_label: str, today: dt.date | None = None) -> list[DeadlineStatus]:
    """Beginning and incoming educators: orientation attended by the first day of school, or within
    the grace days of a later hire date (603 CMR 7.12(2)(a); 7.13)."""
    year, _ = ensure_year(session, year_label)
    today = today or dt.date.today()
    met: dict[uuid.UUID, dt.date] = {}
    for h in held_occurrences(session, year, kinds=["orientation"], today=today):
        for person in h.present:
            met.setdefault(person, h.date)
    return _deadline_status(session, year, ("beginning", "incoming"), met, today)


def team_meeting_status(session: Session, year_label: str, today: dt.date | None = None) -> list[DeadlineStatus]:
    """Beginning educators: the support team met them before the first day (004), or within the
    grace days of a later hire. A held support-team meeting about them, with them present."""
    year, _ = ensure_year(session, year_label)
    today = today or dt.date.today()
    met: dict[uuid.UUID, dt.date] = {}
    for h in held_occurrences(session, year, kinds=["support_team"], today=today):
        for person in h.present:
            if h.mentee_id is None or h.mentee_id == person:
                met.setdefault(person, h.date)
    return _deadline_status(session, year, ("beginning",), met, today)


def _deadline_card(key: str, title: str, citation: str, statuses: list[DeadlineStatus], what: str):  # type: ignore[no-untyped-def]
    from app.services.attention import AttentionCard, AttentionItem

    waiting = [s for s in statuses if s.state in ("due", "overdue")]
    items = [AttentionItem(s.text, s.educator_id, s.state == "overdue") for s in waiting]
    if not statuses:
        return None
    if not waiting:
        summary = f"All {len(statuses)} {what}."
    else:
        overdue = sum(1 for s in waiting if s.state == "overdue")
        summary = f"{len(waiting)} of {len(statuses)} not yet" + (f"; {overdue} past the deadline" if overdue else "")
    return AttentionCard(key, title, citation, items, summary, "schedule")


def orientation_card(session: Session, year_label: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    return _deadline_card("orientation", "Orientation not yet attended", CITE_ORIENTATION,
                          orientation_status(session, year_label, today),
                          "beginning and incoming educators attended orientation")


def team_meeting_card(session: Session, year_label: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    return _deadline_card("support_team_met", "Support team has not met the beginning educator", CITE_TEAM_MEETS,
                          team_meeting_status(session, year_label, today),
                          "beginning educators met their support team")


def team_complete_card(session: Session, year_label: str):  # type: ignore[no-untyped-def]
    """Each beginning educator's support team: a mentor, an administrator who evaluates, and the
    evaluator is not the mentor (603 CMR 7.12(2)(c); 7.13; 004)."""
    from app.services import support_teams
    from app.services.attention import AttentionCard, AttentionItem

    year, _ = ensure_year(session, year_label)
    rows = _enrolled(session, year, ("beginning",))
    rows = [r for r in rows if on_staff_at_start(r.exit_date, year)]
    if not rows:
        return None
    teams = support_teams.teams(session, year.label, [r.id for r in rows])
    items = []
    for row in sorted(rows, key=lambda r: (r.last_name, r.first_name)):
        missing = support_teams.problems(teams.get(row.id, []))
        if missing:
            where = f" ({row.name})" if row.name else ""
            items.append(AttentionItem(f"{row.first_name} {row.last_name}{where}: {'; '.join(missing)}", row.id,
                                       dt.date.today() > year.first_day + dt.timedelta(days=14)))
    summary = (f"All {len(rows)} beginning educators have a complete support team." if not items
               else f"{len(items)} of {len(rows)} support teams incomplete")
    return AttentionCard("support_team_complete", "Support teams incomplete", support_teams.CITE_TEAM, items, summary,
                         "schedule")


PICKER_LIMIT = 200  # people listed at a time in a picker; typing searches the whole roster


def educator_choices(session: Session, search: str = "", limit: int | None = 50, *,
                     ids: Iterable[uuid.UUID] | None = None) -> list[tuple[uuid.UUID, str]]:
    """(id, "Last, First (school)") for the attendee pickers: the first `limit` whose name or
    employee id contains every word typed, or (ids) exactly those people, however many."""
    from sqlalchemy import func

    query = select(Educator.id, Educator.first_name, Educator.last_name, School.name).outerjoin(
        School, School.id == Educator.school_id)
    for word in search.lower().split():
        like = f"%{word}%"
        query = query.where(or_(func.lower(Educator.last_name).like(like), func.lower(Educator.first_name).like(like),
                                func.lower(Educator.employee_id).like(like)))
    query = query.order_by(Educator.last_name, Educator.first_name, Educator.employee_id)
    if ids is not None:
        rows = [r for chunk in _chunks(list(dict.fromkeys(ids))) for r in session.execute(
            query.where(Educator.id.in_(chunk))).all()]
        rows.sort(key=lambda r: (r.last_name, r.first_name))
    else:
        rows = session.execute(query.limit(limit) if limit is not None else query).all()
    return [(r.id, f"{r.last_name}, {r.first_name}" + (f" ({r.name})" if r.name else "")) for r in rows]


@dataclass(frozen=True)
class ScheduleChoices:
    schools: list[tuple[uuid.UUID, str]]
    educators: list[tuple[uuid.UUID, str]]  # the first PICKER_LIMIT: a picker searches for the rest
    mentees: list[tuple[uuid.UUID, str]] = field(default_factory=list)


def choices(session: Session, year_label: str, *, limit: int | None = PICKER_LIMIT) -> ScheduleChoices:
    """What the dialogs offer: schools, the first `limit` educators (pickers search the roster for
    the others with `educator_choices`) and the year's beginning and incoming educators."""
    year, _ = ensure_year(session, year_label)
    schools = [(r.id, r.name) for r in session.execute(select(School.id, School.name).order_by(School.name))]
    mentees = [(r.id, f"{r.last_name}, {r.first_name}") for r in sorted(
        _enrolled(session, year, ("beginning", "incoming")), key=lambda r: (r.last_name, r.first_name))]
    return ScheduleChoices(schools, educator_choices(session, limit=limit), mentees)


def team_choices(session: Session, year_label: str, mentee_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
    """A beginning educator and the educators on their support team, as picker choices: what a
    meeting about them starts with."""
    from app.services import support_teams

    members = [m.member_id for m in support_teams.team(session, year_label, mentee_id) if m.member_id]
    people = dict(educator_choices(session, ids=[mentee_id, *members]))
    return [(i, people[i]) for i in dict.fromkeys([mentee_id, *members]) if i in people]


def write_schedule_pdf(session: Session, year_label: str, out, *, start: dt.date | None = None,  # type: ignore[no-untyped-def]
                       end: dt.date | None = None, school: str | None = None):
    """A printable schedule, one section per school (district-wide events under "District", in a
    school's schedule too): date, time, type, title, location, attendees. Never the coordinator's notes."""
    from pathlib import Path

    from app.services import settings
    from app.services.errors import UsageError
    from app.services.pdf import PdfDocument

    year, _ = ensure_year(session, year_label)
    tz = zone(session)
    start = start or year.window_start
    end = end or (year.window_end + dt.timedelta(days=1))
    school_id = None
    if school:
        match = session.scalars(select(School).where(School.name.ilike(school.strip()))).one_or_none()
        if match is None:
            raise UsageError(f"no school named {school!r}")
        school_id = match.id
    occurrences = list_occurrences(session, year.label, dt.datetime.combine(start, dt.time(0), tz),
                                   dt.datetime.combine(end, dt.time(0), tz), school_id=school_id,
                                   with_district=True)
    by_school: dict[str, list[Occurrence]] = {}
    for occ in occurrences:
        by_school.setdefault(occ.school or "District", []).append(occ)
    last = end - dt.timedelta(days=1)
    doc = PdfDocument(Path(out), title=f"Schedule {start:%m/%d/%Y} to {last:%m/%d/%Y}" + (f": {school}" if school else ""),
                      district=settings.get(session, "district_name"), landscape=True,
                      subtitle=f"Orientation, support-team meetings, peer groups and mentor training ({year.label}). "
                               f"Times in {tz.key}.")
    if not by_school:
        doc.paragraph("Nothing scheduled in this period.")
    for index, (name, rows) in enumerate(sorted(by_school.items())):
        if index:
            doc.page_break()
        doc.heading(f"{name}: {len(rows)} meeting{'s' if len(rows) != 1 else ''}")
        doc.table(("Date", "Time", "Type", "Title", "Location", "Attendees", "Status"),
                  [(f"{o.start.astimezone(tz):%a %m/%d/%Y}",
                    f"{_fmt_time(o.start.astimezone(tz))}-{_fmt_time(o.end.astimezone(tz))}", o.kind_label, o.title,
                    o.location or "", ", ".join(o.people), o.status) for o in rows],
                  widths=(0.11, 0.12, 0.12, 0.2, 0.12, 0.25, 0.08))
    return doc.save()
