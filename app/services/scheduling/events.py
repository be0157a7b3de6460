"""Scheduling: events (single or recurring), exceptions, attendance and conflict detection.

Times: an event's first occurrence is stored in UTC; recurrences are expanded in the district's
time zone (setting `time_zone`, recurrence.py). Occurrences are identified by their local date. The
coordinator "maintains meeting schedules ... and ensures that these are followed" (004).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, MentorDeskError, ValidationError
from app.models import Educator, School, SchoolYear, derived_id
from app.models.scheduling import (
    EVENT_KINDS,
    EVENT_STATUSES,
    RECURRENCES,
    Event,
    EventAttendance,
    EventAttendee,
)
from app.services.scheduling.recurrence import (
    is_occurrence,
    local_starts,
)
from app.services.scheduling.school_days import ClosedDay, flag
from app.services.years import ensure_year
from app.services.vocabulary import us_moment

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
    closed_days: tuple[ClosedDay, ...] = ()  # occurrences on a no-school day: a warning, not a refusal

    @property
    def warnings(self) -> list[str]:
        """What the coordinator is told after the save (double-bookings kept, days without school)."""
        out = [c.text for c in self.conflicts]
        if self.closed_days:
            shown = ", ".join(d.text for d in self.closed_days[:3])
            more = f" (and {len(self.closed_days) - 3} more)" if len(self.closed_days) > 3 else ""
            out.append(shown[0].upper() + shown[1:] + more)
        return out


def save_event(session: Session, year_label: str, data: EventInput, *, event_id: uuid.UUID | None = None,
               expected_version: int | None = None, allow_conflicts: bool = False,
               detect: bool = True) -> SaveResult:
    """Create or update an event. Raises SchedulingConflict naming who is double-booked with what,
    unless allow_conflicts (then the conflicts come back with the result). Occurrences on a day
    without school come back as `closed_days` (school_days.py). `detect=False` (bulk loads such as
    the demo) skips the checks and the flush."""
    from app.errors import StaleRecordError

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
                                   us_moment(event.updated_at.astimezone(tz)))
    candidate = _candidate(data, year, tz, event_id or uuid.uuid4())
    conflicts = find_conflicts(session, candidate, tz=tz) if detect or not allow_conflicts else []
    if conflicts and not allow_conflicts:
        raise SchedulingConflict(conflicts)
    closed = flag(session, (o.date for o in occurrences_of(candidate, tz))) \
        if detect and candidate.status != "cancelled" else ()
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
    return SaveResult(event.id, tuple(conflicts), closed)


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
    return SaveResult(event.id, tuple(conflicts), flag(session, [local_date]))


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


