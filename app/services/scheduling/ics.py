"""Calendar files (RFC 5545) that Outlook and Google Calendar import.

- VERSION and PRODID; one VTIMEZONE for the district's zone (setting `time_zone`), since Outlook
  shifts or rejects local times without one; local times written with TZID, never with `Z`.
- One VEVENT per event (a series is one VEVENT with RRULE and EXDATE), UID derived from the event's
  id, so a second import of a later export updates the same entries instead of duplicating them.
- DTSTAMP in UTC: the moment the event was last changed, so two exports of unchanged data are
  identical; SEQUENCE raised whenever the time, recurrence or status changes.
- Never the coordinator's notes (they are confidential; this module does not read them).
- Attendees and the organizer: an event with ATTENDEE lines is group-scheduled, and such an
  event names its ORGANIZER (RFC 5545 3.8.4.3; a METHOD:PUBLISH object requires it, RFC 5546
  3.2.1). The organizer is the district's induction coordinator: the email given for the export or
  saved as the setting `coordinator_email`, with the name `coordinator_name` (else "<district>
  induction program") as CN. Without an email there is no address to name, and inventing one would
  send replies nowhere: the file is then a plain calendar (no METHOD, no ORGANIZER, no ATTENDEE
  lines) and the attendees are named in each event's description.
- A school's file includes the district-wide events (no school: orientation, mentor training).
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import __version__
from app.errors import UsageError

PRODID = f"-//MentorDesk//MentorDesk {__version__}//EN"
UID_DOMAIN = "mentordesk"


def event_uid(event_id: uuid.UUID) -> str:
    return f"{event_id}@{UID_DOMAIN}"


def clean_email(value: str | None) -> str | None:
    """An organizer email as given (blank: none); refuses what is plainly not an address."""
    value = (value or "").strip()
    if value.lower().startswith("mailto:"):
        value = value[7:].strip()
    if not value:
        return None
    local, _, domain = value.partition("@")
    if not local or "." not in domain or any(c in value for c in " <>,;\"\r\n"):
        raise UsageError(f"{value!r} is not an email address (the organizer's, e.g. induction@district.org)")
    return value


def organizer(session: Session, email: str | None = None) -> tuple[str, str | None]:
    """(name, email or None) of the calendar's organizer: the induction coordinator (settings
    `coordinator_name`, `coordinator_email`; an email given here wins), else the program's name."""
    from app.services import settings

    name = (settings.get(session, "coordinator_name") or "").strip() or \
        f"{settings.get(session, 'district_name')} induction program"
    return name, clean_email(email) or clean_email(settings.get(session, "coordinator_email"))


def save_organizer(session: Session, email: str | None) -> str | None:
    """Remember the organizer's email (setting `coordinator_email`; blank forgets it)."""
    from app.services import settings

    email = clean_email(email)
    if email != (settings.get(session, "coordinator_email") or None):
        settings.set_value(session, "coordinator_email", email)
    return email


def build_calendar(session: Session, year_label: str, *, school: str | None = None,
                   person: str | None = None, person_id: uuid.UUID | None = None,
                   organizer_email: str | None = None):  # type: ignore[no-untyped-def]
    """The calendar (icalendar.Calendar) of a year's events, optionally one school's (with the
    district-wide ones) or one person's."""
    import icalendar

    from app.models import Educator, School
    from app.services import settings
    from app.services.scheduling import KIND_LABELS, list_events, rrule_parts, until_utc, zone
    from app.services.years import find_year

    year = find_year(session, year_label)
    if year is None:
        raise UsageError(f"no school year {year_label} in this database")
    school_id = None
    title = f"{settings.get(session, 'district_name')} induction {year_label}"
    if school:
        match = session.scalars(select(School).where(School.name.ilike(school.strip()))).one_or_none()
        if match is None:
            names = ", ".join(session.scalars(select(School.name).order_by(School.name)))
            raise UsageError(f"no school named {school!r}; schools: {names}")
        school_id, title = match.id, f"{title}: {match.name}"
    if person:
        educator = session.scalars(select(Educator).where(Educator.employee_id == person.strip())).one_or_none()
        if educator is None:
            raise UsageError(f"no educator with employee id {person}")
        person_id = educator.id
    if person_id is not None:
        educator = session.get(Educator, person_id)
        if educator is None:
            raise UsageError("no such educator")
        title = f"{title}: {educator.full_name}"
    tz = zone(session)
    events = list_events(session, year_label, school_id=school_id, person_id=person_id, with_district=True)
    organizer_name, organizer_address = organizer(session, organizer_email)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if organizer_address:
        cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", tz.key)
    first = min((e.starts_at.date() for e in events), default=year.window_start)
    cal.add_component(vtimezone(tz, min(first, year.window_start), year.window_end))
    for info in events:
        local = info.starts_at.astimezone(tz)
        vevent = icalendar.Event()
        vevent.add("uid", event_uid(info.id))
        vevent.add("dtstamp", info.updated_at.astimezone(dt.timezone.utc))
        vevent.add("last-modified", info.updated_at.astimezone(dt.timezone.utc))
        vevent.add("sequence", info.sequence)
        vevent.add("summary", info.title)
        vevent.add("dtstart", local)
        vevent.add("dtend", local + dt.timedelta(minutes=info.minutes))
        vevent.add("categories", [KIND_LABELS[info.kind]])
        vevent.add("status", {"scheduled": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}[info.status])
        if info.location:
            vevent.add("location", info.location)
        lines = [KIND_LABELS[info.kind]]
        if info.school:
            lines.append(f"School: {info.school}")
        if info.people:
            lines.append("Attendees: " + ", ".join(p.name for p in info.people))
        vevent.add("description", "\n".join(lines))
        if organizer_address:
            who = icalendar.vCalAddress(f"mailto:{organizer_address}")
            who.params["cn"] = icalendar.vText(organizer_name)
            vevent.add("organizer", who, encode=0)
        for p in info.people if organizer_address else ():
            if p.email:
                attendee = icalendar.vCalAddress(f"mailto:{p.email}")
                attendee.params["cn"] = icalendar.vText(p.name)
                attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
                vevent.add("attendee", attendee, encode=0)
        parts = rrule_parts(info.recurrence, local)
        if parts:
            rule = {k.lower(): v for k, v in parts.items()}
            if info.repeat_until:
                rule["until"] = until_utc(info.repeat_until, tz)
            vevent.add("rrule", rule)
            if info.exdates:
                skipped = [dt.datetime.combine(dt.date.fromisoformat(d), local.time(), tz) for d in info.exdates]
                vevent.add("exdate", skipped)
        cal.add_component(vevent)
    return cal


# --- the time zone: yearly rules, as Outlook expects --------------------------------------------
#
# Outlook desktop is reported to mishandle a VTIMEZONE that lists each change (RDATE) once past the
# last listed date; the zone is written as the yearly rules it follows (RFC 5545 3.6.5, its own
# example is America/New_York): DAYLIGHT from the second Sunday of March at 2:00, STANDARD from the
# first Sunday of November at 2:00 (US Energy Policy Act of 2005, in force since 2007). The rules are
# read from the zone database for the years around the export, so any district zone works; a zone
# whose changes follow no yearly rule gets one component per change instead.


def _offset(tz: ZoneInfo, moment: dt.datetime) -> dt.timedelta:
    return moment.astimezone(tz).utcoffset() or dt.timedelta(0)


@functools.lru_cache(maxsize=256)  # a zone's changes in a year never change while the app runs
def _transitions(tz: ZoneInfo, year: int) -> tuple[tuple[dt.datetime, dt.timedelta, dt.timedelta], ...]:
    """(instant in UTC, offset before, offset after) of each change of offset in `year`."""
    found: list[tuple[dt.datetime, dt.timedelta, dt.timedelta]] = []
    day = dt.datetime(year, 1, 1, tzinfo=dt.timezone.utc)
    before = _offset(tz, day)
    while day.year == year:
        nxt = day + dt.timedelta(days=1)
        after = _offset(tz, nxt)
        if after != before:
            low, high = 0, 24 * 60  # minutes into the day: the change is at the first minute after `before`
            while high - low > 1:
                mid = (low + high) // 2
                low, high = (mid, high) if _offset(tz, day + dt.timedelta(minutes=mid)) == before else (low, mid)
            found.append((day + dt.timedelta(minutes=high), before, after))
            before = after
        day = nxt
    return tuple(found)


def _rule_of(local: dt.datetime, last: bool) -> tuple[int, int, int, dt.time]:
    """(month, weekday, n-th weekday of the month or -1 for the last, wall-clock time)."""
    return local.month, local.weekday(), -1 if last else (local.day - 1) // 7 + 1, local.time()


def _is_last(local: dt.datetime) -> bool:
    return (local + dt.timedelta(days=7)).month != local.month


def _by_kind(tz: ZoneInfo, changes: Iterable[tuple[dt.datetime, dt.timedelta, dt.timedelta]]
             ) -> dict[bool, list[tuple[dt.datetime, dt.timedelta, dt.timedelta, str]]]:
    """Changes by daylight (True) or standard (False): the wall clock just before each change, the
    offsets before and after it, and the name after it."""
    by_kind: dict[bool, list[tuple[dt.datetime, dt.timedelta, dt.timedelta, str]]] = {}
    for instant, before, after in changes:
        local = instant.astimezone(tz)
        by_kind.setdefault(bool(local.dst()), []).append(
            ((instant + before).replace(tzinfo=None), before, after, local.tzname() or ""))
    return by_kind


def _follows(item: tuple[dt.datetime, dt.timedelta, dt.timedelta, str],
             rule: tuple[bool, tuple[int, int, int, dt.time]]) -> bool:
    last_weekday, candidate = rule
    return _rule_of(item[0], last_weekday) == candidate and (not last_weekday or _is_last(item[0]))


def vtimezone(tz: ZoneInfo, first: dt.date, last: dt.date):  # type: ignore[no-untyped-def]
    """A VTIMEZONE for `tz` that holds from a year before `first` to a year after `last`."""
    import icalendar

    years = range(first.year - 1, last.year + 2)
    changes = {year: _transitions(tz, year) for year in years}
    zone = icalendar.Timezone()
    zone.add("tzid", tz.key)
    start = dt.datetime(years[0], 1, 1, tzinfo=dt.timezone.utc)
    if not any(changes.values()):  # no daylight saving time: one STANDARD part
        part = icalendar.TimezoneStandard()
        offset = _offset(tz, start)
        part.add("dtstart", dt.datetime(1970, 1, 1))
        part.add("tzoffsetfrom", offset)
        part.add("tzoffsetto", offset)
        part.add("tzname", start.astimezone(tz).tzname())
        zone.add_component(part)
        return zone
    by_kind = _by_kind(tz, [c for year in years for c in changes[year]])
    rules: dict[bool, tuple[bool, tuple[int, int, int, dt.time]]] = {}
    for daylight, items in by_kind.items():
        for last_weekday in ((True, False) if _rule_of(items[0][0], False)[2] >= 4 else (False, True)):
            candidate = (last_weekday, _rule_of(items[0][0], last_weekday))
            if len(items) == len(years) and all(_follows(item, candidate) for item in items):
                rules[daylight] = candidate
                break
    regular = len(rules) == len(by_kind) and all(
        len({(b, a, n) for _, b, a, n in items}) == 1 for items in by_kind.values())
    if regular:  # start the rules as far back as the zone has followed them (New York: 2007)
        for year in range(years[0] - 1, 1969, -1):
            earlier = _by_kind(tz, _transitions(tz, year))
            if earlier.keys() != by_kind.keys() or any(
                    len(earlier[k]) != 1 or not _follows(earlier[k][0], rules[k])
                    or earlier[k][0][1:] != by_kind[k][0][1:] for k in by_kind):
                break
            by_kind = {k: earlier[k] + by_kind[k] for k in by_kind}
    for daylight, items in sorted(by_kind.items()):
        for local, before, after, name in (items[:1] if regular else items):
            part = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
            part.add("dtstart", local)
            part.add("tzoffsetfrom", before)
            part.add("tzoffsetto", after)
            part.add("tzname", name)
            if regular:
                month, _weekday, nth, _at = rules[daylight][1]
                day = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[local.weekday()]
                part.add("rrule", {"freq": ["YEARLY"], "bymonth": [month], "byday": [f"{nth}{day}"]})
            zone.add_component(part)
    return zone


def export_ics(session: Session, year_label: str, out: str | Path, *, school: str | None = None,
               person: str | None = None, person_id: uuid.UUID | None = None,
               organizer_email: str | None = None) -> tuple[Path, int]:
    """Write the calendar file; returns (path, number of events)."""
    cal = build_calendar(session, year_label, school=school, person=person, person_id=person_id,
                         organizer_email=organizer_email)
    path = Path(out)
    if path.suffix.lower() != ".ics":
        raise UsageError("the calendar file is written as .ics")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(cal.to_ical())
    return path, len(cal.walk("VEVENT"))
