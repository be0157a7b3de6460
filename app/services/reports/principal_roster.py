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


def school_names(session: Session) -> list[str]:
    return list(session.scalars(select(School.name).order_by(School.name)))


def roster_lines(session: Session, year_label: str, school: str | None = None, *,
                 today: dt.date | None = None) -> dict[str, list[RosterLine]]:
    """Lines by school name (one school when `school` is given); the flags as of `today` (default the date)."""
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
    by_school: dict[str, list[RosterLine]] = {}
    for educator, enrollment in sorted(rows, key=lambda r: (r[0].last_name, r[0].first_name)):
        assignment = mentors.get(educator.id)
        extra = extras.get(educator.id, {})
        flags = list(extra.get("flags", ()))
        if assignment is None and enrollment.status == "beginning":
            flags.insert(0, "no mentor (603 CMR 7.12(2))")
        elif assignment is not None and assignment.mentor.mentor_trained_on is None:
            flags.insert(0, "mentor not yet trained")
        line = RosterLine(
            educator.id, educator.full_name, educator.employee_id, educator.position or "",
            enrollment.status, enrollment.induction_year,
            assignment.mentor.full_name if assignment else "", assignment.start_date if assignment else None,
            extra.get("support_team", ""), extra.get("orientation", ""), extra.get("hours"), tuple(flags),
        )
        by_school.setdefault(educator.school.name if educator.school else "(no school)", []).append(line)
    return dict(sorted(by_school.items()))


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
            fields["orientation"] = status.met_on.strftime("%m/%d/%Y")
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

    extras = {h.educator_id: {"hours": h.hours} for h in hours.educator_hours(session, year.label, ids, include_idle=True)}
    weeks = int(settings.get(session, "stale_pair_weeks") or 3)
    wanted = set(ids)
    for pair, last in stale_pairs(session, year.label, weeks=weeks, today=today):
        if pair.mentee_id in wanted:
            flag = f"no time logged in {weeks_text(weeks)}" + (f" (last {last:%m/%d/%Y})" if last else "")
            extras.setdefault(pair.mentee_id, {}).setdefault("flags", []).append(flag)
    return extras


def write_roster_pdf(session: Session, year_label: str, out: str | Path, *, school: str | None = None) -> Path:
    from app.services import settings
    from app.services.pdf import PdfDocument

    lines = roster_lines(session, year_label, school)
    title = f"Induction roster {year_label}" + (f": {school}" if school else "")
    doc = PdfDocument(out, title=title, district=settings.get(session, "district_name"), landscape=True,
                      subtitle="Beginning and incoming educators with their mentors and supports. "
                               "Confidential mentoring notes and evaluation ratings are never printed.")
    if not lines:
        doc.paragraph("No beginning or incoming educators this year.")
    for index, (name, rows) in enumerate(lines.items()):
        if index:
            doc.page_break()
        doc.heading(f"{name}: {len(rows)} educator{'s' if len(rows) != 1 else ''}")
        doc.table(
            ("Educator", "Status", "Mentor (since)", "Support team", "Orientation", "Hours", "Flags"),
            [(f"{r.name}\n{r.position}".strip(), f"{r.status}, year {r.induction_year}",
              f"{r.mentor} ({r.mentor_since:%m/%d/%Y})" if r.mentor else "none",
              r.support_team or "not recorded", r.orientation or "not recorded",
              "no data" if r.hours is None else f"{r.hours:.1f}", "; ".join(r.flags) or "ok")
             for r in rows],
            widths=(0.18, 0.11, 0.17, 0.18, 0.1, 0.06, 0.2),
        )
    return doc.save()
