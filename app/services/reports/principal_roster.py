"""Principal rosters: per school, the beginning and incoming educators with their mentor, support
team, orientation, hours to date and compliance flags. Never a note, never a rating (004: "While
maintaining confidentiality..."): this module reads no notes, ratings or CAP records at all."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, InductionEnrollment, School, SchoolYear
from app.errors import UsageError
from app.services.years import ensure_year
from app.services.vocabulary import us_date


@dataclass(frozen=True)
class RosterLine:
    educator_id: uuid.UUID
    name: str
    employee_id: str
    position: str
    status: str  # beginning | incoming
    induction_year: int
    mentor: str  # "" when none
    mentor_since: dt.date | None
    support_team: str = ""
    orientation: str = ""
    hours: float | None = None
    flags: tuple[str, ...] = field(default_factory=tuple)
    release_hours: float = 0.0  # release time that freed the mentee this year (603 CMR 7.12(2)(d))


def school_names(session: Session) -> list[str]:
    return list(session.scalars(select(School.name).order_by(School.name)))


def roster_lines(session: Session, year_label: str, school: str | None = None, *,
                 today: dt.date | None = None) -> dict[str, list[RosterLine]]:
    """Lines by school name (one school when `school` is given), as they stand on `today`."""
    year, _ = ensure_year(session, year_label)
    query = (select(Educator, InductionEnrollment)
             .join(InductionEnrollment, InductionEnrollment.educator_id == Educator.id)
             .where(InductionEnrollment.school_year_id == year.id))
    if school:
        match = session.scalars(select(School).where(School.name.ilike(school))).one_or_none()
        if match is None:
            raise UsageError(f"no school named {school!r}; schools: {', '.join(school_names(session))}")
        query = query.where(Educator.school_id == match.id)
    rows = session.execute(query).all()
    ids = [e.id for e, _ in rows]
    mentors = _current_mentors(session, year, ids)
    extras = _extras(session, year, ids, today)
    late = _late_assignments(session, year.label, today)
    by_school: dict[str, list[RosterLine]] = {}
    from app.services.roster.people_list import name_sort_key

    # The People list's order: "Ávila" with the A's, "de la Cruz" with the C's, on every database.
    for educator, enrollment in sorted(rows, key=lambda r: name_sort_key(r[0].last_name, r[0].first_name)):
        assignment = mentors.get(educator.id)
        extra = extras.get(educator.id, {})
        flags = list(extra.get("flags", ()))
        if assignment is None and enrollment.status == "beginning":
            flags.insert(0, "no mentor (603 CMR 7.12(2))")
        elif assignment is not None and assignment.mentor.mentor_trained_on is None:
            flags.insert(0, "mentor not yet trained")
        if educator.id in late:
            flags.insert(0, late[educator.id])
        line = RosterLine(
            educator.id, educator.full_name, educator.employee_id, educator.position or "",
            enrollment.status, enrollment.induction_year,
            assignment.mentor.full_name if assignment else "", assignment.start_date if assignment else None,
            extra.get("support_team", ""), extra.get("orientation", ""), extra.get("hours"), tuple(flags),
            release_hours=extra.get("release_hours", 0.0),
        )
        by_school.setdefault(educator.school.name if educator.school else "(no school)", []).append(line)
    return dict(sorted(by_school.items()))


def _late_assignments(session: Session, year_label: str, today: dt.date | None) -> dict[uuid.UUID, str]:
    """"assigned N days late" for each beginning educator whose trained mentor came after the two-week
    deadline (the dashboard's rule, matching.assignments.two_week_status): a printout must not say "ok"
    for a pair that broke 603 CMR 7.12(2)(b) / 7.13, even once it is in place."""
    from app.services.matching.assignments import two_week_status

    out = {}
    for s in two_week_status(session, year_label, today):
        if s.state == "met late":
            days = f"{s.days} day{'s' if s.days != 1 else ''}"
            out[s.educator_id] = f"assigned {days} late (due {us_date(s.deadline)})"
    return out


def _current_mentors(session: Session, year: SchoolYear, mentee_ids: list[uuid.UUID]) -> dict[uuid.UUID, Assignment]:
    """Each mentee's latest assignment of the year (an ended one counts only when nothing followed)."""
    found: dict[uuid.UUID, Assignment] = {}
    wanted = set(mentee_ids)
    for a in session.scalars(select(Assignment).where(Assignment.school_year_id == year.id)
                             .order_by(Assignment.start_date)):
        if a.mentee_id in wanted:
            found[a.mentee_id] = a
    return found


def _extras(session: Session, year: SchoolYear, ids: list[uuid.UUID], today: dt.date | None) -> dict[uuid.UUID, dict]:
    """Support team, orientation, hours and their flags, from the scheduling and time-log services."""
    extras: dict[uuid.UUID, dict] = {educator_id: {} for educator_id in ids}
    for part in (_time_log_extras(session, year, ids, today), _schedule_extras(session, year, ids)):
        for educator_id, fields in part.items():
            target = extras.setdefault(educator_id, {})
            flags = (*target.get("flags", ()), *fields.get("flags", ()))  # each service adds its own flags
            target.update(fields)
            target["flags"] = tuple(flags)
    return extras


def _schedule_extras(session: Session, year: SchoolYear, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """Support-team members and the orientation attended, from the scheduling services (names,
    roles and dates only: event notes are never read)."""
    from app.services import scheduling
    from app.services.matching import support_teams

    wanted = set(ids)
    teams = support_teams.teams(session, year.label, ids)
    oriented = {s.educator_id: s for s in scheduling.orientation_status(session, year.label) if s.educator_id in wanted}
    out: dict[uuid.UUID, dict] = {}
    for educator_id in ids:
        members = teams.get(educator_id, [])
        status = oriented.get(educator_id)
        flags = []
        if members:
            flags += [f"support team: {p}" for p in support_teams.problems(members)]
        fields = {"support_team": "; ".join(m.text for m in members), "flags": tuple(flags)}
        if status is not None and status.met_on is not None:
            fields["orientation"] = us_date(status.met_on)
        elif status is not None and status.state == "overdue":
            fields["flags"] = (*flags, "no orientation (603 CMR 7.12(2)(a))")
        out[educator_id] = fields
    return out


def _time_log_extras(session: Session, year: SchoolYear, ids: list[uuid.UUID],
                     today: dt.date | None) -> dict[uuid.UUID, dict]:
    """Hours to date this year, from the time logs' one computation (services/timelogs/hours.py), and a flag
    for a pair with no time logged in `stale_pair_weeks` weeks (the dashboard card's rule)."""
    from app.services import settings
    from app.services.timelogs import hours
    from app.services.timelogs.logs import stale_pairs, weeks_text

    extras = {h.educator_id: {"hours": h.hours, "release_hours": h.release_hours}
              for h in hours.educator_hours(session, year.label, ids, include_idle=True)}
    weeks = int(settings.get(session, "stale_pair_weeks") or 3)
    wanted = set(ids)
    for pair, last in stale_pairs(session, year.label, weeks=weeks, today=today):
        if pair.mentee_id in wanted:
            flag = f"no time logged in {weeks_text(weeks)}" + (f" (last {us_date(last)})" if last else "")
            extras.setdefault(pair.mentee_id, {}).setdefault("flags", []).append(flag)
    return extras


def write_roster_pdf(session: Session, year_label: str, out: str | Path, *, school: str | None = None,
                     today: dt.date | None = None) -> Path:
    """One PDF; with every school, each school's part starts on a new page, numbered from 1 ("Page 1 of 2"
    of that school) with the school in the page header, so each principal can be handed their own pages."""
    from app.services import settings
    from app.services.pdf import PdfDocument

    lines = roster_lines(session, year_label, school, today=today)
    title = f"Induction roster {year_label}" + (f": {school}" if school else "")
    doc = PdfDocument(out, title=title, district=settings.get(session, "district_name"), landscape=True,
                      subtitle="Beginning and incoming educators with their mentors and supports. "
                               "Confidential mentoring notes and evaluation ratings are never printed.")
    if not lines:
        doc.paragraph("No beginning or incoming educators this year.")
    for index, (name, rows) in enumerate(lines.items()):
        if index:
            doc.page_break()
        doc.section(name)
        doc.heading(f"{name}: {len(rows)} educator{'s' if len(rows) != 1 else ''}")
        doc.table(
            ("Educator", "Status", "Mentor (since)", "Support team", "Orientation", "Hours", "Flags"),
            [(f"{r.name}\n{r.position}".strip(), f"{r.status}, year {r.induction_year}",
              f"{r.mentor} ({us_date(r.mentor_since)})" if r.mentor else "none",
              r.support_team or "not recorded", r.orientation or "not recorded",
              _hours_cell(r), "; ".join(r.flags) or "ok")
             for r in rows],
            widths=(0.18, 0.11, 0.17, 0.17, 0.1, 0.08, 0.19),  # Hours holds "12.5 release" on one line
        )
    return doc.save(by_section=not school and len(lines) > 1)


def _hours_cell(line: RosterLine) -> str:
    """Hours this year, and under them the mentee's release hours (603 CMR 7.12(2)(d)), both from
    services/timelogs/hours.py."""
    if line.hours is None:
        return "no data"
    return f"{line.hours:.1f}\n{line.release_hours:.1f} release"
