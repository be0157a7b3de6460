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
import uuid
from pathlib import Path

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
    cal.add_component(icalendar.Timezone.from_tzid(tz.key, first_date=min(first, year.window_start) - dt.timedelta(days=366),
                                                   last_date=year.window_end + dt.timedelta(days=366)))
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
