"""CAP progress: a candidate at a glance (steps, observations, ratings, hours, what is missing,
what is due next), an SP's candidates, and the form that adds a candidate with a placement.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, UsageError, ValidationError
from app.models import Educator, School, SchoolYear
from app.models.cap import (
    CapCandidate,
    CapHours,
    CapHoursRequirement,
    CapObservation,
    CapOrganization,
    CapPlacement,
    CapRating,
    CapStep,
    CapSurvey,
)
from app.services.cap import literacy as cap_literacy

if TYPE_CHECKING:
    from app.services.cap.pipeline import Hire
from app.services.cap import rubrics as cap_rubrics
from app.services.cap.observation import (
    ObservationCounts,
    ObservationInfo,
    observation_counts,
    owed_conferences,
    owed_observations,
    update_observation,
)
from app.services.cap.placements import (
    DEFAULT_FULL_RESPONSIBILITY,
    HELD,
    SurveyInfo,
    _placement,
    _problem,
    _requirement,
    add_candidate,
    add_placement,
    ensure_organization,
    find_placements,
    us_day,
)
from app.services.cap.ratings import (
    ElementResult,
    Ratings,
    element_results,
    ready_to_teach,
)
from app.services.cap.supervisors import PlacementSp, placement_sp
from app.services.matching.eligibility import Check
from app.services.vocabulary import hours_of

# ----------------------------------------------------------------------------------------------
# The candidate at a glance


@dataclass(frozen=True)
class StepInfo:
    number: int
    name: str
    status: str
    due_on: dt.date | None
    completed_on: dt.date | None
    meeting_on: dt.date | None
    three_way_meeting: bool
    version: int | None = None  # as read: completing the step from the page is checked against it


@dataclass(frozen=True)
class CandidateSummary:
    placement_id: uuid.UUID
    candidate_id: uuid.UUID
    candidate: str
    candidate_number: str
    email: str
    organization: str
    program: str
    license_sought: str
    license_field: str
    edition: str
    edition_title: str
    year: str
    school: str
    grade: str
    subject: str
    sp_name: str
    sp_employee_id: str
    sp_email: str
    program_supervisor: str
    start_date: dt.date
    end_date: dt.date
    steps: tuple[StepInfo, ...]
    observations: tuple[ObservationInfo, ...]
    counts: ObservationCounts
    three_way_meetings: int
    hours_minutes: int
    full_responsibility_minutes: int
    hours_required: int
    elements: tuple[ElementResult, ...]
    ready: bool | None
    owed: tuple[str, ...]  # observations and conferences still owed
    missing: tuple[str, ...]  # everything still missing for the readiness decision
    next_due: str
    early_literacy_required: bool
    surveys: tuple[SurveyInfo, ...] = field(default_factory=tuple)
    hours_overridden: bool = False  # hours_required is the candidate's own number, not the table's
    full_responsibility_required: int = DEFAULT_FULL_RESPONSIBILITY
    literacy_band: str = ""  # the Early Literacy Observation Form's grade band, when the form is required
    candidate_version: int | None = None  # as read: the required-hours override is checked against it
    # the SP criteria (603 CMR 7.02; services/cap/supervisors.py) and the override a failing SP was placed with
    sp_checks: tuple[Check, ...] = field(default_factory=tuple)
    sp_eligible: bool = True
    sp_override_reason: str = ""
    sp_override_by: str = ""
    sp_override_on: dt.date | None = None
    # the educator this candidate was later hired as (same MEPID; services/cap/pipeline.py), if any
    hire: Hire | None = None

    @property
    def hours(self) -> float:
        return hours_of(self.hours_minutes)

    @property
    def current_step(self) -> int:
        for step in self.steps:
            if step.status != "complete":
                return step.number
        return 6


def summary(session: Session, placement_id: uuid.UUID, today: dt.date | None = None) -> CandidateSummary:
    _placement(session, placement_id)
    return summaries(session, [placement_id], today)[0]


def summaries(session: Session, placement_ids: list[uuid.UUID], today: dt.date | None = None) -> list[CandidateSummary]:
    """Every placement's summary from a fixed number of queries (one per table), in the order given."""
    today = today or dt.date.today()
    if not placement_ids:
        return []
    ids = list(placement_ids)
    heads = {r.id: r for r in session.execute(
        select(CapPlacement.id, CapPlacement.candidate_id, CapPlacement.edition, CapPlacement.grade,
               CapPlacement.subject, CapPlacement.ps_name, CapPlacement.start_date, CapPlacement.end_date,
               CapCandidate.first_name, CapCandidate.last_name, CapCandidate.candidate_number,
               CapCandidate.email.label("candidate_email"), CapCandidate.program, CapCandidate.license_field,
               CapCandidate.license_grades, CapCandidate.hours_required,
               CapCandidate.version.label("candidate_version"), CapOrganization.name.label("organization"),
               SchoolYear.label.label("year"), Educator.first_name.label("sp_first"),
               Educator.last_name.label("sp_last"), Educator.employee_id, Educator.email.label("sp_email"),
               School.name.label("school"))
        .join(CapCandidate, CapCandidate.id == CapPlacement.candidate_id)
        .join(CapOrganization, CapOrganization.id == CapCandidate.organization_id)
        .join(SchoolYear, SchoolYear.id == CapPlacement.school_year_id)
        .join(Educator, Educator.id == CapPlacement.sp_id)
        .outerjoin(School, School.id == CapPlacement.school_id)
        .where(CapPlacement.id.in_(ids)))}
    from app.services.cap.pipeline import hires

    hired = hires(session, session.scalars(select(CapCandidate).where(
        CapCandidate.id.in_({h.candidate_id for h in heads.values()}))))
    step_rows: dict[uuid.UUID, dict[int, tuple]] = {}  # type: ignore[type-arg]
    for pid, number, status, due, done, met, version in session.execute(
            select(CapStep.placement_id, CapStep.number, CapStep.status, CapStep.due_on, CapStep.completed_on,
                   CapStep.meeting_on, CapStep.version).where(CapStep.placement_id.in_(ids))):
        step_rows.setdefault(pid, {})[number] = (status, due, done, met, version)
    obs: dict[uuid.UUID, list[ObservationInfo]] = {}
    for r in session.execute(select(CapObservation.placement_id, CapObservation.id, CapObservation.kind,
                                    CapObservation.observer, CapObservation.observed_on, CapObservation.minutes,
                                    CapObservation.status, CapObservation.focus_elements,
                                    CapObservation.pre_conference_on, CapObservation.post_conference_on,
                                    CapObservation.early_literacy, CapObservation.look_fors, CapObservation.version)
                             .where(CapObservation.placement_id.in_(ids))
                             .order_by(CapObservation.observed_on, CapObservation.created_at)):
        obs.setdefault(r[0], []).append(ObservationInfo(r[1], r[2], r[3], r[4], r[5], r[6], tuple(r[7] or ()),
                                                        r[8], r[9], bool(r[10]), tuple(r[11] or ()), r[12]))
    ratings: dict[uuid.UUID, Ratings] = {}
    for pid, st, rater, code, q, sc, c in session.execute(
            select(CapRating.placement_id, CapRating.stage, CapRating.rater, CapRating.element_code,
                   CapRating.quality, CapRating.scope, CapRating.consistency).where(CapRating.placement_id.in_(ids))):
        ratings.setdefault(pid, {})[(st, rater, code)] = {"quality": q, "scope": sc, "consistency": c}
    hours = {pid: (int(total), int(full)) for pid, total, full in session.execute(
        select(CapHours.placement_id, func.coalesce(func.sum(CapHours.minutes), 0),
               func.coalesce(func.sum(CapHours.minutes).filter(CapHours.full_responsibility.is_(True)), 0))
        .where(CapHours.placement_id.in_(ids)).group_by(CapHours.placement_id))}
    survey_rows: dict[uuid.UUID, list[SurveyInfo]] = {}
    for pid, i, g, n, summary_ in session.execute(
            select(CapSurvey.placement_id, CapSurvey.instrument, CapSurvey.given_on, CapSurvey.respondents,
                   CapSurvey.summary).where(CapSurvey.placement_id.in_(ids)).order_by(CapSurvey.given_on)):
        survey_rows.setdefault(pid, []).append(SurveyInfo(i, g, n, dict(summary_ or {})))
    table = {r.license_field.strip().lower(): (r.hours, r.full_responsibility_hours)
             for r in session.scalars(select(CapHoursRequirement))}
    sps = placement_sp(session, ids)
    result = []
    for pid in ids:
        h = heads.get(pid)
        if h is None:
            raise UsageError(f"no CAP placement {pid}")
        result.append(_build_summary(pid, h, step_rows.get(pid, {}), obs.get(pid, []), ratings.get(pid, {}),
                                     hours.get(pid, (0, 0)), _requirement(table, h.license_field),
                                     survey_rows.get(pid, []), today, sps[pid], hired.get(h.candidate_id)))
    return result


def _build_summary(pid: uuid.UUID, h, step_rows: dict, items: list[ObservationInfo], ratings: Ratings,  # type: ignore[no-untyped-def, type-arg]
                   hours: tuple[int, int], requirement: tuple[int, int], survey_list: list[SurveyInfo],
                   today: dt.date, sp: PlacementSp, hire: Hire | None = None) -> CandidateSummary:
    rubric = cap_rubrics.get(h.edition)
    # the candidate's own number overrides the table; otherwise the table, as it is now
    hours_required = h.hours_required if h.hours_required is not None else requirement[0]
    required_full = min(requirement[1], hours_required)
    steps = []
    for spec in rubric.steps:
        status, due, done, met, version = step_rows.get(spec["number"], ("not_started", None, None, None, None))
        steps.append(StepInfo(spec["number"], spec["name"], status, due, done, met,
                              bool(spec.get("three_way_meeting")), version))
    held = [(o.kind, o.observer) for o in items if o.status in HELD]
    owed = owed_observations(rubric, held) + owed_conferences(rubric, items, today)
    literacy = cap_literacy.form()
    early = literacy.required(h.license_field, h.license_grades, h.year)
    if early and not any(o.early_literacy and o.status in HELD for o in items):
        owed.append(f"an {literacy.title}")
    results = element_results(rubric, ratings)
    summative_done = any(s.number == 5 and s.status == "complete" for s in steps)
    ready = ready_to_teach(summative_done, results)
    minutes, full = hours
    missing = [f"step {s.number} {s.name}" + (" (three-way meeting)" if s.three_way_meeting else "")
               for s in steps if s.status != "complete"]
    missing += owed
    for r in results:
        if r.met is not True:
            missing.append(f"{r.code} {r.name}: " + ("no summative rating" if r.met is None else "; ".join(r.short)))
    if minutes < hours_required * 60:
        missing.append(f"{hours_of(hours_required * 60 - minutes):.1f} practicum hours (of {hours_required})")
    if full < required_full * 60:
        missing.append(f"{hours_of(required_full * 60 - full):.1f} hours in full responsibility (of {required_full})")
    step_tuple = tuple(steps)
    return CandidateSummary(
        placement_id=pid, candidate_id=h.candidate_id, candidate=f"{h.first_name} {h.last_name}",
        candidate_number=h.candidate_number or "", email=h.candidate_email or "", organization=h.organization,
        program=h.program, license_sought=f"{h.license_field} {h.license_grades}".strip(),
        license_field=h.license_field, edition=rubric.edition, edition_title=rubric.title, year=h.year,
        school=h.school or "", grade=h.grade or "", subject=h.subject or "",
        sp_name=f"{h.sp_first} {h.sp_last}", sp_employee_id=h.employee_id, sp_email=h.sp_email or "",
        program_supervisor=h.ps_name, start_date=h.start_date, end_date=h.end_date, steps=step_tuple,
        observations=tuple(items), counts=observation_counts(items),
        three_way_meetings=sum(1 for s in steps if s.meeting_on is not None), hours_minutes=minutes,
        full_responsibility_minutes=full, hours_required=hours_required, elements=tuple(results), ready=ready,
        owed=tuple(owed), missing=tuple(missing), next_due=_next_due(step_tuple, owed, items, today),
        early_literacy_required=early, surveys=tuple(survey_list),
        hours_overridden=h.hours_required is not None, full_responsibility_required=required_full,
        literacy_band=literacy.band_for(h.grade, h.license_field, h.license_grades).key if early else "",
        candidate_version=h.candidate_version, sp_checks=sp.status.checks, sp_eligible=sp.eligible,
        sp_override_reason=sp.override_reason, sp_override_by=sp.override_by, sp_override_on=sp.override_on,
        hire=hire,
    )


def _next_due(steps: tuple[StepInfo, ...], owed: list[str], items: list[ObservationInfo], today: dt.date) -> str:
    step = next((s for s in steps if s.status != "complete"), None)
    if step is None:
        return "CAP complete"
    upcoming = [o for o in items if o.status == "planned" and o.observed_on >= today]
    if upcoming:
        o = upcoming[0]
        return f"{o.kind.capitalize()} observation by the {o.observer_text} on {us_day(o.observed_on)}"
    if step.number in (3, 4) and owed:
        return owed[0].capitalize()[0] + owed[0][1:]
    due = f", due {us_day(step.due_on)}" if step.due_on else ""
    if step.due_on and today > step.due_on:  # overdue from the day after its due date (cycle.due_dates)
        late = (today - step.due_on).days
        due += f" ({late} day{'s' if late != 1 else ''} overdue)"
    what = "three-way meeting" if step.three_way_meeting else "to do"
    return f"Step {step.number} {step.name}: {what}{due}"


@dataclass(frozen=True)
class CandidateRow:
    placement_id: uuid.UUID
    candidate: str
    sp_name: str
    school: str
    edition: str
    step: int
    next_due: str
    ready: bool | None


def my_candidates(session: Session, year_label: str, sp_id: uuid.UUID | None = None,
                  today: dt.date | None = None) -> list[CandidateRow]:
    """The year's candidates (one SP's when `sp_id` is given) with their step and the next thing due."""
    ids = [p.id for p in find_placements(session, year_label, sp_id=sp_id)]
    return [CandidateRow(s.placement_id, s.candidate, s.sp_name, s.school, s.edition, s.current_step, s.next_due,
                         s.ready) for s in summaries(session, ids, today)]


def supervising_practitioners(session: Session, year_label: str) -> list[tuple[uuid.UUID, str]]:
    """(educator id, name) of the year's SPs, for the 'My candidates' picker."""
    rows = session.execute(select(Educator.id, Educator.first_name, Educator.last_name)
                           .join(CapPlacement, CapPlacement.sp_id == Educator.id)
                           .join(SchoolYear, SchoolYear.id == CapPlacement.school_year_id)
                           .where(SchoolYear.label == year_label, CapPlacement.deleted_at.is_(None))
                           .distinct().order_by(Educator.last_name, Educator.first_name))
    return [(i, f"{f} {last}") for i, f, last in rows]



def goals(session: Session, placement_id: uuid.UUID) -> tuple[str, str]:
    """(professional practice goal, student learning goal), step 2."""
    placement = _placement(session, placement_id)
    return placement.professional_practice_goal or "", placement.student_learning_goal or ""


def record_post_conference(session: Session, observation_id: uuid.UUID, held_on: dt.date, *,
                           version: int | None = None, overwrite: bool = False) -> None:
    """The post-observation conference was held: the feedback is given. `version`: the observation's
    as the page showed it (ObservationInfo.version)."""
    update_observation(session, observation_id, version=version, overwrite=overwrite, post_conference_on=held_on,
                       status="feedback_given")


def educator_choices(session: Session) -> list[tuple[uuid.UUID, str]]:
    """(id, 'Name (School)') of the district's teachers, for choosing a supervising practitioner."""
    rows = session.execute(select(Educator.id, Educator.first_name, Educator.last_name, School.name)
                           .outerjoin(School, School.id == Educator.school_id)
                           .where(Educator.role == "teacher", Educator.exit_date.is_(None))
                           .order_by(Educator.last_name, Educator.first_name))
    return [(i, f"{f} {last}" + (f" ({school})" if school else "")) for i, f, last, school in rows]


def organization_names(session: Session) -> list[str]:
    return list(session.scalars(select(CapOrganization.name).order_by(CapOrganization.name)))


def add_candidate_with_placement(session: Session, values: Mapping[str, object]) -> uuid.UUID:
    """The CAP page's 'Add candidate' form: organization (made if new), candidate and placement, in one
    unit of work. Returns the placement id."""
    def text(key: str) -> str:
        return str(values.get(key) or "").strip()

    def day(key: str) -> dt.date:
        value = values.get(key)
        return dt.date.fromisoformat(value) if isinstance(value, str) else value  # type: ignore[return-value]

    problems = [FieldProblem(key, "", "required") for key in ("organization", "first_name", "last_name", "program",
                                                               "license_field", "ps_name", "sp_id")
                if not text(key)]
    if problems:
        raise ValidationError(problems)
    sp = session.get(Educator, uuid.UUID(text("sp_id")))
    if sp is None:
        raise _problem("sp_id", text("sp_id"), "no such educator")
    start = day("practicum_start")
    if isinstance(start, dt.date):  # the SP before anything is written (603 CMR 7.02): refused beside the SP field
        from app.services.cap import supervisors
        from app.services.years import label_for

        status = supervisors.sp_status(session, sp, text("year") or label_for(start), start)
        supervisors.require_override(status, text("sp_override_reason"))
    organization = ensure_organization(session, text("organization"))
    candidate = add_candidate(session, organization=organization, first_name=text("first_name"),
                              last_name=text("last_name"), program=text("program"),
                              license_field=text("license_field"), license_grades=text("license_grades"),
                              practicum_start=day("practicum_start"), practicum_end=day("practicum_end"),
                              candidate_number=text("candidate_number") or None, email=text("email") or None)
    placement = add_placement(session, candidate, sp=sp, ps_name=text("ps_name"), ps_email=text("ps_email") or None,
                              grade=text("grade") or None, subject=text("subject") or None,
                              edition=text("edition") or None, year_label=text("year") or None,
                              sp_override_reason=text("sp_override_reason") or None,
                              edition_reason=text("edition_reason") or None)
    return placement.id
