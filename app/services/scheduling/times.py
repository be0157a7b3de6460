"""Finding a time: bell schedules, free windows shared by the attendees, proposals and busy checks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, ValidationError
from app.models import Educator, derived_id
from app.models.scheduling import (
    BellPeriod,
    Event,
    EventAttendee,
)
from app.services.scheduling.events import (
    AFTER_SCHOOL_MINUTES,
    DEFAULT_DAY,
    PRE_YEAR_DAY,
    _aware,
    fmt_span,
    zone,
)
from app.services.scheduling.recurrence import (
    local_starts,
)
from app.services.scheduling.school_days import closed_days
from app.services.years import ensure_year

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
    days (never on the district's no-school days nor a Massachusetts holiday: school_days.py), and
    with no clash with their other events. At most one proposal per window per day."""
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
    closed = closed_days(session, first, last) if first <= last else {}
    out: list[Proposal] = []
    day = first
    while day <= last and len(out) < count:
        if day.weekday() < 5 and day >= year.window_start and day not in closed:
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


