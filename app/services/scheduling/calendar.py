"""The year's calendar as others read it: held occurrences and program activities (for the state
report), people pickers for the schedule, and the printed schedule.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from app.models import Educator, InductionEnrollment, School, SchoolYear
from app.models.scheduling import (
    EVENT_KINDS,
    Event,
    EventAttendance,
    EventAttendee,
)
from app.services.scheduling.events import (
    KIND_LABELS,
    Occurrence,
    _chunks,
    _fmt_time,
    list_occurrences,
    zone,
)
from app.services.scheduling.recurrence import (
    is_occurrence,
    local_starts,
)
from app.services.years import ensure_year
from app.services.vocabulary import us_date

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


PICKER_LIMIT = 200  # people listed at a time in a picker; typing searches the whole roster


def educator_choices(session: Session, search: str = "", limit: int | None = 50, *,
                     ids: Iterable[uuid.UUID] | None = None) -> list[tuple[uuid.UUID, str]]:
    """(id, "Last, First (school)") for the attendee pickers: the first `limit` whose name or
    employee id contains every word typed, or (ids) exactly those people, however many."""
    from app.services.roster.people_list import educators_matching, name_sort_key

    query = select(Educator.id, Educator.first_name, Educator.last_name, School.name).outerjoin(
        School, School.id == Educator.school_id)
    if ids is None:
        # accents and case folded, names in the People order ("Ávila" with the A's), on both databases
        ids = educators_matching(session, search)
    else:
        limit = None
    if ids is not None:
        rows = [r for chunk in _chunks(list(dict.fromkeys(ids))) for r in session.execute(
            query.where(Educator.id.in_(chunk))).all()]
    else:
        rows = session.execute(query).all()
    rows.sort(key=lambda r: name_sort_key(r.last_name, r.first_name))
    rows = rows[:limit] if limit is not None else rows
    return [(r.id, f"{r.last_name}, {r.first_name}" + (f" ({r.name})" if r.name else "")) for r in rows]


def _enrolled(session: Session, year: SchoolYear, statuses: tuple[str, ...]) -> list:
    return session.execute(
        select(Educator.id, Educator.first_name, Educator.last_name, Educator.hire_date, Educator.exit_date,
               InductionEnrollment.status, School.name)
        .join(InductionEnrollment, InductionEnrollment.educator_id == Educator.id)
        .outerjoin(School, School.id == Educator.school_id)
        .where(InductionEnrollment.school_year_id == year.id, InductionEnrollment.status.in_(statuses))).all()


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
    from app.services.matching import support_teams

    members = [m.member_id for m in support_teams.team(session, year_label, mentee_id) if m.member_id]
    people = dict(educator_choices(session, ids=[mentee_id, *members]))
    return [(i, people[i]) for i in dict.fromkeys([mentee_id, *members]) if i in people]


def write_schedule_pdf(session: Session, year_label: str, out, *, start: dt.date | None = None,  # type: ignore[no-untyped-def]
                       end: dt.date | None = None, school: str | None = None):
    """A printable schedule, one section per school (district-wide events under "District", in a
    school's schedule too): date, time, type, title, location, attendees. Never the coordinator's notes."""
    from pathlib import Path

    from app.errors import UsageError
    from app.services import settings
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
    doc = PdfDocument(Path(out), title=f"Schedule {us_date(start)} to {us_date(last)}" + (f": {school}" if school else ""),
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
                  [(f"{o.start.astimezone(tz):%a} {us_date(o.start.astimezone(tz).date())}",
                    f"{_fmt_time(o.start.astimezone(tz))}-{_fmt_time(o.end.astimezone(tz))}", o.kind_label, o.title,
                    o.location or "", ", ".join(o.people), o.status) for o in rows],
                  widths=(0.11, 0.12, 0.12, 0.2, 0.12, 0.25, 0.08))
    return doc.save()
