"""The program profile: what the state's yearly induction survey asks beyond the regulation's
items (DOMAIN.md, "The state's induction survey"). Written by the coordinator once, carried
forward from last year for editing, and filled from the data wherever the data knows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from app.models import Assignment, Educator, InductionEnrollment, SchoolYear, derived_id
from app.models.reporting import ProgramProfile
from app.services import settings
from app.services.years import ensure_year

# (key, question) in the order the state's survey asks them.
QUESTIONS: tuple[tuple[str, str], ...] = (
    ("mentor_selection", "How are mentors selected?"),
    ("mentor_training", "How are mentors trained?"),
    ("mentor_compensation", "How are mentors compensated?"),
    ("program_leadership", "Who runs the induction program?"),
    ("annual_spending", "Annual spending on the program"),
    ("funding_sources", "Funding sources"),
    ("support_duration", "How long do supports last?"),
    ("matching", "How are mentors and mentees matched?"),
    ("meeting_frequency", "How often do pairs meet?"),
    ("topics", "Which topics do pairs cover?"),
    ("group_mentoring", "Is group mentoring used?"),
    ("going_well", "Two things going well"),
    ("to_improve", "Two things to improve"),
    ("educators_of_color", "Supports for educators of color"),
    ("alternative_pathways", "Supports for teachers from alternative pathways"),
)


@dataclass(frozen=True)
class ProfileView:
    year_label: str
    answers: dict[str, str]  # what the coordinator wrote (or carried forward)
    carried_from: str | None  # the year the answers were carried forward from, if any
    from_data: dict[str, str]  # what the data says, beside the coordinator's answer


def _profile(session: Session, year: SchoolYear) -> ProgramProfile | None:
    return session.scalars(select(ProgramProfile).where(ProgramProfile.school_year_id == year.id)).one_or_none()


def load_profile(session: Session, year_label: str) -> ProfileView:
    year, _ = ensure_year(session, year_label)
    row = _profile(session, year)
    carried_from = None
    answers: dict[str, str] = dict(row.answers) if row else {}
    if row is None:
        earlier = session.execute(
            select(ProgramProfile.answers, SchoolYear.label)
            .join(SchoolYear, SchoolYear.id == ProgramProfile.school_year_id)
            .where(SchoolYear.label < year_label).order_by(SchoolYear.label.desc()).limit(1)
        ).first()
        if earlier is not None:
            answers, carried_from = dict(earlier[0]), earlier[1]
    return ProfileView(year_label, answers, carried_from, facts_from_data(session, year))


def save_profile(session: Session, year_label: str, answers: dict[str, str]) -> ProfileView:
    year, _ = ensure_year(session, year_label)
    known = {key for key, _ in QUESTIONS}
    cleaned = {k: v.strip() for k, v in answers.items() if k in known and v and v.strip()}
    row = _profile(session, year)
    if row is None:
        session.add(ProgramProfile(id=derived_id("program_profile", str(year.id)), school_year_id=year.id, answers=cleaned))
    elif row.answers != cleaned:
        row.answers = cleaned
    session.flush()
    return load_profile(session, year_label)


REPORTED_ROLES = ("teacher", "administrator")  # state_report.REPORTED_ROLES (that module imports this one)


def _serving_assignments(session: Session, year: SchoolYear) -> list[Assignment]:
    """The assignments behind the state report's "mentors serving" (state_report.DEFINITIONS): overlapping
    July 1 to June 30, to a teacher or administrator in induction (beginning or incoming) that year, so
    the profile counts the same mentors as item (c) of both sections (issue 20: "one mentor count")."""
    mentee = aliased(Educator)
    query = (select(Assignment)
             .join(mentee, mentee.id == Assignment.mentee_id)
             .join(InductionEnrollment, and_(InductionEnrollment.educator_id == Assignment.mentee_id,
                                             InductionEnrollment.school_year_id == year.id))
             .where(Assignment.start_date <= year.window_end,
                    or_(Assignment.end_date.is_(None), Assignment.end_date >= year.window_start),
                    InductionEnrollment.status.in_(("beginning", "incoming")), mentee.role.in_(REPORTED_ROLES)))
    return list(session.scalars(query))


def facts_from_data(session: Session, year: SchoolYear) -> dict[str, str]:
    """Sentences the data can state for the profile's questions."""
    facts: dict[str, str] = {}
    assignments = _serving_assignments(session, year)
    load = Counter(a.mentor_id for a in assignments)
    group_mentors = [m for m, n in load.items() if n > 1]
    if assignments:
        mentees_in_groups = sum(load[m] for m in group_mentors)
        facts["group_mentoring"] = (f"{len(group_mentors)} of {len(load)} mentors have more than one mentee "
                                    f"({mentees_in_groups} mentees in group mentoring).")
    rating = "required" if settings.get(session, "mentor_rating_required") else "recommended"
    facts["matching"] = ("Pairs are proposed by MentorDesk's matcher in the regulations' priority order: as many "
                         "mentees matched as possible with eligible mentors, then same subject, then grade "
                         "overlap, then same building, then a shared planning period, then balanced load; "
                         f"a Proficient or Exemplary rating is {rating} for mentors.")
    for key, fact in _extra_facts(session, year).items():
        facts[key] = fact
    return facts


def _extra_facts(session: Session, year: SchoolYear) -> dict[str, Any]:
    """Facts from the time logs and mentor incentives, when those capabilities are present."""
    from app.services.timelogs.logs import profile_facts

    facts: dict[str, Any] = {}
    facts.update(profile_facts(session, year.label))
    compensation = " ".join(f for f in (_compensation_fact(session, year), _release_fact(session, year)) if f)
    if compensation:
        facts["mentor_compensation"] = compensation
    return facts


def _compensation_fact(session: Session, year: SchoolYear) -> str | None:
    """Totals of the year's mentor incentives (Mentors area): stipends, PDPs, release time."""
    from sqlalchemy import func

    from app.models.matching import MentorIncentive

    mentors, cents, pdps, minutes = session.execute(
        select(func.count(MentorIncentive.id), func.coalesce(func.sum(MentorIncentive.stipend_cents), 0),
               func.coalesce(func.sum(MentorIncentive.pdps), 0),
               func.coalesce(func.sum(MentorIncentive.release_minutes), 0))
        .where(MentorIncentive.school_year_id == year.id)).one()
    if not mentors:
        return None
    return (f"From the mentor incentives recorded for {mentors} mentors: stipends totalling ${cents / 100:,.0f}, "
            f"{pdps} PDPs and {minutes / 60:.1f} hours of release time.")


def _release_fact(session: Session, year: SchoolYear) -> str | None:
    """Release time logged this year for mentors and for mentees (603 CMR 7.12(2)(d)), from the time logs'
    one computation (services/timelogs/hours.py); None when no entry used release time."""
    from app.services.timelogs.hours import release_minutes_by_person
    from app.services.vocabulary import hours_of

    mentors, mentees = release_minutes_by_person(session, year.window_start, year.window_end)
    mentors = {k: v for k, v in mentors.items() if v}
    mentees = {k: v for k, v in mentees.items() if v}
    if not mentors and not mentees:
        return None
    return (f"From the time logs (603 CMR 7.12(2)(d)): {hours_of(sum(mentors.values())):.1f} hours of release time "
            f"for {len(mentors)} mentor{'s' if len(mentors) != 1 else ''} and {hours_of(sum(mentees.values())):.1f} "
            f"hours for {len(mentees)} beginning educator{'s' if len(mentees) != 1 else ''}.")
