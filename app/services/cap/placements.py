"""CAP placements: sponsoring organizations, candidates and their placements, practicum hours
requirements and logs, goals, the five-step cycle and its three-way meetings, student surveys (issue 8;
seeds 000, 001; DOMAIN.md "CAP in detail"). The edition's rules come from resources/cap (rubrics.py),
never from constants here. What leaves the package for the UI, the forms and the report is plain data,
never a live ORM object.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, UsageError, ValidationError
from app.models import Educator, School, SchoolYear, derived_id
from app.models.cap import (
    CapCandidate,
    CapHours,
    CapHoursRequirement,
    CapOrganization,
    CapPlacement,
    CapStep,
    CapSurvey,
)
from app.services.cap import rubrics as cap_rubrics
from app.services.cap.cycle import due_dates
from app.services.cap.rubrics import Edition
from app.services.years import ensure_year, label_for
from app.services.vocabulary import us_date

DEFAULT_HOURS = 300  # DOMAIN.md: commonly 300 hours, at least 100 in full responsibility (editable table)
DEFAULT_FULL_RESPONSIBILITY = 100
HELD = ("held", "feedback_given")


def day_text(day: dt.date) -> str:
    """'3 March' (how supervisors write dates on the forms)."""
    return f"{day.day} {day.strftime('%B')}"


def us_day(day: dt.date) -> str:
    """'3/3/2026': a date with its year, the US way the window shows dates (issue 17: the CAP page's
    "Next" and the conferences still owed said '3 March', without the year)."""
    return us_date(day)


def _problem(field_name: str, value: object, reason: str) -> ValidationError:
    return ValidationError([FieldProblem(field_name, "" if value is None else str(value), reason)])


# ----------------------------------------------------------------------------------------------
# What a form opened (optimistic locking: services/versions.py)


@dataclass(frozen=True)
class Loaded:
    """What a CAP form opened: its values, and the version of each record they came from. A save
    writes only the values that differ from these, and is refused (StaleRecordError, "changed by
    alice at 10:42") when a record it would write was saved by someone else since, unless the
    person chose to overwrite. Plain JSON-ready data, so a draft can keep it beside the typing."""

    values: dict[str, Any]
    versions: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {"values": self.values, "versions": self.versions}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Loaded:
        return cls(dict(data["values"]), {key: int(v) for key, v in dict(data["versions"]).items()})


def _plain(value: object) -> object:
    """A form value as compared for "changed": text without outer spaces, a date as ISO text, a list
    in any order, and empty (blank, none, 0, unticked) as None, as the forms show them."""
    if isinstance(value, str):
        value = value.strip()
    elif isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, (list, tuple)):
        value = sorted(str(v) for v in value)
    return value or None


def _assign(row: object, name: str, value: object) -> None:
    """Set a column only when its value differs: a deferred column set without being read counts as
    a change (a new version, which would tell the next person "changed by" for nothing)."""
    if getattr(row, name) != value:
        setattr(row, name, value)


def changed_fields(values: Mapping[str, Any], loaded: Mapping[str, Any], names: Iterable[str]) -> set[str]:
    """The names whose value the person changed from what the form opened."""
    return {name for name in names if _plain(values.get(name)) != _plain(loaded.get(name))}


# ----------------------------------------------------------------------------------------------
# Organizations, hours required, candidates, placements


def ensure_organization(session: Session, name: str, *, org_code: str | None = None,
                        contact_email: str | None = None) -> CapOrganization:
    name = name.strip()
    if not name:
        raise _problem("organization", name, "give the sponsoring organization's name")
    found = session.scalars(select(CapOrganization).where(func.lower(CapOrganization.name) == name.lower())).first()
    if found is None:
        # the same organization typed on two laptops is the same row (DESIGN.md, sync-ready ids)
        found = CapOrganization(id=derived_id("cap_organization", name), name=name, org_code=org_code,
                                contact_email=contact_email)
        session.add(found)
        session.flush()
    return found


def set_hours_requirement(session: Session, license_field: str, hours: int,
                          full_responsibility_hours: int = 0) -> None:
    """The practicum hours a license field requires ('*' = every other field). Candidates follow the
    table (unless their own number overrides it), so a change here reaches every such candidate."""
    license_field = (license_field or "").strip()
    problems = []
    if not license_field:
        problems.append(FieldProblem("license_field", license_field, "name the license field, or * for every other"))
    elif len(license_field) > 120:
        problems.append(FieldProblem("license_field", license_field, "at most 120 characters"))
    if hours <= 0 or hours > 2000:
        problems.append(FieldProblem("hours", str(hours), "between 1 and 2000 hours"))
    if full_responsibility_hours < 0 or full_responsibility_hours > hours:
        problems.append(FieldProblem("full_responsibility_hours", str(full_responsibility_hours),
                                     "from 0 to the practicum hours"))
    if problems:
        raise ValidationError(problems)
    row = session.scalars(select(CapHoursRequirement)
                          .where(func.lower(CapHoursRequirement.license_field) == license_field.lower())
                          .execution_options(include_deleted=True)).first()
    if row is None:
        row = CapHoursRequirement(id=derived_id("cap_hours_requirement", license_field), license_field=license_field,
                                  hours=hours)
        session.add(row)
    elif row.deleted_at is not None:  # removed, then entered again: the same row (its id is derived)
        row.deleted_at = None
    if row.license_field != license_field:
        row.license_field = license_field  # as typed last
    row.hours = hours
    row.full_responsibility_hours = full_responsibility_hours
    session.flush()


def remove_hours_requirement(session: Session, license_field: str) -> None:
    """Remove a license field's row (tombstoned): its candidates follow the '*' row, else 300/100."""
    key = license_field.strip().lower()
    row = session.scalars(select(CapHoursRequirement)
                          .where(func.lower(CapHoursRequirement.license_field) == key)).first()
    if row is None:
        raise UsageError(f"no practicum hours row for {license_field!r}")
    row.tombstone()
    session.flush()


@dataclass(frozen=True)
class HoursRequirementRow:
    license_field: str
    hours: int
    full_responsibility_hours: int


def hours_requirements(session: Session) -> list[HoursRequirementRow]:
    """The table, '*' (every other field) first, then by field."""
    rows = session.scalars(select(CapHoursRequirement))
    return sorted((HoursRequirementRow(r.license_field, r.hours, r.full_responsibility_hours) for r in rows),
                  key=lambda r: (r.license_field != "*", r.license_field.lower()))


def hours_requirement(session: Session, license_field: str) -> tuple[int, int]:
    """(hours, full-responsibility hours) for a license field; the '*' row, else 300/100."""
    return _requirement({r.license_field.strip().lower(): (r.hours, r.full_responsibility_hours)
                         for r in session.scalars(select(CapHoursRequirement))}, license_field)


def _requirement(table: Mapping[str, tuple[int, int]], license_field: str) -> tuple[int, int]:
    return table.get((license_field or "").strip().lower()) or table.get("*") \
        or (DEFAULT_HOURS, DEFAULT_FULL_RESPONSIBILITY)


def set_candidate_hours(session: Session, placement_id: uuid.UUID, hours: int | None, *,
                        version: int | None = None, overwrite: bool = False) -> None:
    """Override the practicum hours the placement's candidate must log (None: follow the table again).
    `version` is the candidate's (CandidateSummary.candidate_version) when the form showed it: if
    someone saved the candidate since, StaleRecordError unless `overwrite`."""
    from app.services.versions import locked, refuse_if_changed

    placement = _placement(session, placement_id)
    if hours is not None and not 1 <= hours <= 2000:
        raise _problem("hours_required", hours, "between 1 and 2000 hours, or none to follow the table")
    candidate = placement.candidate if version is None else locked(session, CapCandidate, placement.candidate_id)
    refuse_if_changed(session, candidate, version, f"{candidate.name}'s practicum hours requirement",
                      overwrite=overwrite)
    candidate.hours_required = hours
    session.flush()


def add_candidate(session: Session, *, organization: CapOrganization, first_name: str, last_name: str,
                  program: str, license_field: str, license_grades: str, practicum_start: dt.date,
                  practicum_end: dt.date, candidate_number: str | None = None, email: str | None = None,
                  hours_required: int | None = None, mepid: str | None = None) -> CapCandidate:
    problems = []
    if not first_name.strip() or not last_name.strip():
        problems.append(FieldProblem("name", f"{first_name} {last_name}".strip(), "first and last name are required"))
    if practicum_end < practicum_start:
        problems.append(FieldProblem("practicum_end", practicum_end.isoformat(), "ends before the practicum starts"))
    if hours_required is not None and not 1 <= hours_required <= 2000:
        problems.append(FieldProblem("hours_required", str(hours_required), "between 1 and 2000 hours"))
    if problems:
        raise ValidationError(problems)
    # hours_required None: the candidate follows the hours table (set_hours_requirement), now and later
    candidate = CapCandidate(organization_id=organization.id, first_name=first_name.strip(),
                             last_name=last_name.strip(), program=program, license_field=license_field,
                             license_grades=license_grades, practicum_start=practicum_start,
                             practicum_end=practicum_end, candidate_number=candidate_number, email=email,
                             hours_required=hours_required, mepid=mepid)
    session.add(candidate)
    session.flush()
    return candidate


def add_placement(session: Session, candidate: CapCandidate, *, sp: Educator, ps_name: str,
                  ps_email: str | None = None, school: School | None = None, grade: str | None = None,
                  subject: str | None = None, start_date: dt.date | None = None, end_date: dt.date | None = None,
                  edition: str | None = None, year_label: str | None = None,
                  sp_override_reason: str | None = None, edition_reason: str | None = None) -> CapPlacement:
    """A placement with its five steps, each due at the edition's typical week scaled to this
    practicum's length (cycle.due_dates: DOMAIN.md, "CAP in detail").

    The SP must meet every SP criterion (603 CMR 7.02; services/cap/supervisors.py) for the practicum's
    start, or the placement needs `sp_override_reason`, recorded on it with who gave it and when;
    without one it is refused (ValidationError on `sp_id`). An edition not in force for the practicum's
    year needs `edition_reason`."""
    from app.services.cap import supervisors

    start = start_date or candidate.practicum_start
    end = end_date or candidate.practicum_end
    year_label = year_label or label_for(start)
    year, _ = ensure_year(session, year_label)
    rubric = cap_rubrics.get(edition) if edition else cap_rubrics.edition_for_year(year_label)
    reason = (edition_reason or "").strip()
    if not rubric.in_force(year_label) and not reason:
        in_force = cap_rubrics.edition_for_year(year_label)
        raise _problem("edition", rubric.edition,
                       f"the CAP {rubric.edition} edition applies {rubric.years_text}, not in {year_label} "
                       f"(the {in_force.edition} edition is in force); give a reason to use it anyway")
    if not ps_name.strip():
        raise _problem("program_supervisor", ps_name, "name the program supervisor")
    override = supervisors.require_override(supervisors.sp_status(session, sp, year, start), sp_override_reason)
    placement = CapPlacement(candidate_id=candidate.id, school_year_id=year.id, sp_id=sp.id,
                             school_id=(school.id if school else sp.school_id), grade=grade, subject=subject,
                             ps_name=ps_name.strip(), ps_email=ps_email, start_date=start, end_date=end,
                             edition=rubric.edition)
    supervisors.record_override(session, placement, override)
    session.add(placement)
    session.flush()
    if end < start:
        raise _problem("end_date", day_text(end), f"is before the practicum starts ({day_text(start)})")
    due_on = due_dates(start, end, rubric.steps)
    for step in rubric.steps:
        due = due_on[step["number"]]
        session.add(CapStep(id=derived_id("cap_step", f"{placement.id}:{step['number']}"), placement_id=placement.id,
                            number=step["number"], due_on=due, status="not_started"))
    session.flush()
    if not rubric.in_force(year_label):
        _record_edition_override(session, placement, year_label, reason)
    return placement


EDITION_OVERRIDES = "cap_edition_overrides"  # settings key: placement id -> edition, year, reason


def _record_edition_override(session: Session, placement: CapPlacement, year_label: str, reason: str) -> None:
    """Keep why a placement follows an edition not in force for its year (no column for it in this
    schema: the district's settings hold it, by placement id)."""
    from app.services import settings

    overrides = dict(settings.get(session, EDITION_OVERRIDES) or {})
    overrides[str(placement.id)] = {"edition": placement.edition, "year": year_label, "reason": reason[:500]}
    settings.set_value(session, EDITION_OVERRIDES, overrides)


def edition_override(session: Session, placement_id: uuid.UUID) -> dict[str, str] | None:
    """{"edition", "year", "reason"} when the placement's edition was chosen outside its years."""
    from app.services import settings

    return (settings.get(session, EDITION_OVERRIDES) or {}).get(str(placement_id))


def _placement(session: Session, placement_id: uuid.UUID, *, lock: bool = False) -> CapPlacement:
    from app.services.versions import locked

    placement = locked(session, CapPlacement, placement_id) if lock else session.get(CapPlacement, placement_id)
    if placement is None or placement.deleted_at is not None:
        raise UsageError(f"no CAP placement {placement_id}")
    return placement


def edition_of(session: Session, placement_id: uuid.UUID) -> Edition:
    return cap_rubrics.get(_placement(session, placement_id).edition)


def load_goals(session: Session, placement_id: uuid.UUID) -> Loaded:
    """The goals (step 2) as the Cycle tab opens them, with the placement's version."""
    placement = _placement(session, placement_id)
    return Loaded({"professional_practice": placement.professional_practice_goal or "",
                   "student_learning": placement.student_learning_goal or ""}, {"placement": placement.version})


def set_goals(session: Session, placement_id: uuid.UUID, *, professional_practice: str | None = None,
              student_learning: str | None = None, version: int | None = None, overwrite: bool = False) -> None:
    """Save the goals given (None: left as they are). `version` is the placement's when the form
    opened the goals (load_goals): if someone saved it since, StaleRecordError unless `overwrite`."""
    from app.services.versions import refuse_if_changed

    placement = _placement(session, placement_id, lock=version is not None)
    refuse_if_changed(session, placement, version, f"{placement.candidate.name}'s goal setting", overwrite=overwrite)
    if professional_practice is not None:
        placement.professional_practice_goal = professional_practice
    if student_learning is not None:
        placement.student_learning_goal = student_learning
    session.flush()


def find_placements(session: Session, year_label: str, *, candidate: str | None = None,
                    sp_id: uuid.UUID | None = None) -> list[CapPlacement]:
    """A year's placements, optionally one candidate (name, part of a name, candidate number or id)."""
    query = (select(CapPlacement).join(CapCandidate, CapCandidate.id == CapPlacement.candidate_id)
             .join(SchoolYear, SchoolYear.id == CapPlacement.school_year_id).where(SchoolYear.label == year_label))
    if sp_id is not None:
        query = query.where(CapPlacement.sp_id == sp_id)
    from app.services.roster.people_list import fold, name_sort_key

    rows = [(placement, first, last) for placement, first, last, number in session.execute(
        query.add_columns(CapCandidate.first_name, CapCandidate.last_name, CapCandidate.candidate_number))
        if not candidate or _is_candidate(candidate.strip(), fold, first, last, number, placement.candidate_id)]
    # names in the People order, accents folded ("Ávila" with the A's), the same on both databases
    return [placement for placement, first, last in sorted(rows, key=lambda r: name_sort_key(r[2], r[1]))]


def _is_candidate(text: str, fold, first: str, last: str, number: str | None,  # type: ignore[no-untyped-def]
                  candidate_id: uuid.UUID) -> bool:
    """A name or part of one (accents and case folded: "jose" finds José), the candidate number, or the id."""
    if fold(text) in fold(f"{first} {last}") or text == number:
        return True
    try:
        return uuid.UUID(text) == candidate_id
    except ValueError:
        return False


# ----------------------------------------------------------------------------------------------
# The five-step cycle


def _step(session: Session, placement_id: uuid.UUID, number: int, *, version: int | None = None,
          overwrite: bool = False) -> CapStep:
    """A step of the placement; with `version` (StepInfo.version, as the page showed it) it is locked
    and refused (StaleRecordError) if someone saved it since, unless `overwrite`."""
    from app.services.versions import locking, refuse_if_changed

    query = select(CapStep).where(CapStep.placement_id == placement_id, CapStep.number == number)
    step = session.scalars(query if version is None else locking(query)).first()
    if step is None:
        raise UsageError(f"no step {number} in this placement (steps 1 to 5)")
    candidate = _placement(session, placement_id).candidate.name
    refuse_if_changed(session, step, version, f"Step {number} of {candidate}'s CAP", overwrite=overwrite)
    return step


def record_meeting(session: Session, placement_id: uuid.UUID, step_number: int, held_on: dt.date, *,
                   version: int | None = None, overwrite: bool = False) -> None:
    """The three-way meeting (candidate, SP, PS) that closes step 2, 4 or 5 (DOMAIN.md, CAP in detail)."""
    rubric = edition_of(session, placement_id)
    if not rubric.step(step_number).get("three_way_meeting"):
        raise _problem("step", step_number, "a three-way meeting closes steps 2, 4 and 5 only")
    step = _step(session, placement_id, step_number, version=version, overwrite=overwrite)
    step.meeting_on = held_on
    step.status = "complete"
    step.completed_on = held_on
    session.flush()


def complete_step(session: Session, placement_id: uuid.UUID, step_number: int, on: dt.date, *,
                  version: int | None = None, overwrite: bool = False) -> None:
    rubric = edition_of(session, placement_id)
    step = _step(session, placement_id, step_number, version=version, overwrite=overwrite)
    if rubric.step(step_number).get("three_way_meeting") and step.meeting_on is None:
        raise _problem("step", step_number,
                       f"step {step_number} closes with a three-way meeting: record the meeting to complete it")
    step.status = "complete"
    step.completed_on = on
    session.flush()


def start_step(session: Session, placement_id: uuid.UUID, step_number: int) -> None:
    step = _step(session, placement_id, step_number)
    if step.status == "not_started":
        step.status = "in_progress"
        session.flush()


# ----------------------------------------------------------------------------------------------
# Hours and surveys


def log_hours(session: Session, placement_id: uuid.UUID, worked_on: dt.date, minutes: int,
              full_responsibility: bool = False) -> None:
    _placement(session, placement_id)
    if not 1 <= minutes <= 24 * 60:
        raise _problem("minutes", minutes, "between 1 minute and 24 hours a day")
    session.add(CapHours(placement_id=placement_id, worked_on=worked_on, minutes=minutes,
                         full_responsibility=full_responsibility))
    session.flush()


def hours_logged(session: Session, placement_id: uuid.UUID) -> tuple[int, int]:
    """(minutes logged, of which in full responsibility)."""
    total, full = session.execute(
        select(func.coalesce(func.sum(CapHours.minutes), 0),
               func.coalesce(func.sum(CapHours.minutes).filter(CapHours.full_responsibility.is_(True)), 0))
        .where(CapHours.placement_id == placement_id, CapHours.deleted_at.is_(None))).one()
    return int(total), int(full)


SURVEY_INSTRUMENTS = ("Discussion protocol, grades K-2", "Student feedback survey, grades 3-5",
                      "Student feedback survey, grades 6-12")


def survey_instrument_for(grade: str | None) -> str:
    """The state's student feedback instrument for a placement grade: a discussion protocol for K-2 (and
    pre-K), the survey for grades 3-5, the survey for grades 6-12 (DOMAIN.md, CAP in detail)."""
    from app.services.vocabulary import GRADES, parse_grades

    try:
        grades = parse_grades(grade or "")
    except ValueError:
        grades = []
    if not grades:
        return SURVEY_INSTRUMENTS[2]
    index = GRADES.index(grades[0])
    if index <= GRADES.index("2"):
        return SURVEY_INSTRUMENTS[0]
    if index <= GRADES.index("5"):
        return SURVEY_INSTRUMENTS[1]
    return SURVEY_INSTRUMENTS[2]


def record_survey(session: Session, placement_id: uuid.UUID, *, instrument: str, given_on: dt.date,
                  respondents: int, summary: Mapping[str, float]) -> None:
    """Student feedback survey results (state surveys for grades 3-5 and 6-12, a discussion protocol for K-2):
    summary figures only (e.g. percent favorable per question)."""
    _placement(session, placement_id)
    if respondents < 0:
        raise _problem("respondents", respondents, "cannot be negative")
    session.add(CapSurvey(placement_id=placement_id, instrument=instrument, given_on=given_on,
                          respondents=respondents, summary=dict(summary)))
    session.flush()


@dataclass(frozen=True)
class SurveyInfo:
    instrument: str
    given_on: dt.date
    respondents: int
    summary: dict[str, float]


def surveys(session: Session, placement_id: uuid.UUID) -> list[SurveyInfo]:
    rows = session.execute(select(CapSurvey.instrument, CapSurvey.given_on, CapSurvey.respondents, CapSurvey.summary)
                           .where(CapSurvey.placement_id == placement_id, CapSurvey.deleted_at.is_(None))
                           .order_by(CapSurvey.given_on))
    return [SurveyInfo(i, g, r, dict(s or {})) for i, g, r, s in rows]

