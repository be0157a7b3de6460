"""CAP: candidates, placements, the five-step cycle, three-way meetings, observations, evidence, ratings,
calibration, readiness, what is still owed, practicum hours (issue 8; seeds 000, 001; DOMAIN.md "CAP in
detail"). The edition's rules come from resources/cap (services/cap_rubrics.py), never from constants here.

Every function takes the session it works in; what leaves this module for the UI, the forms and the
report is plain data (`CandidateSummary` and friends), never a live ORM object.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.models import Educator, School, SchoolYear, derived_id
from app.models.cap import (
    EVIDENCE_CATEGORIES,
    OBSERVATION_KINDS,
    OBSERVATION_STATUSES,
    OBSERVERS,
    RATERS,
    RATING_STAGES,
    CapCandidate,
    CapEvidence,
    CapHours,
    CapHoursRequirement,
    CapObservation,
    CapOrganization,
    CapPlacement,
    CapRating,
    CapStep,
    CapSurvey,
)
from app.services import cap_literacy, cap_rubrics
from app.services.cap_rubrics import DIMENSIONS, Edition
from app.services.errors import FieldProblem, UsageError, ValidationError
from app.services.hours import hours_of
from app.services.years import ensure_year, label_for

DEFAULT_HOURS = 300  # DOMAIN.md: commonly 300 hours, at least 100 in full responsibility (editable table)
DEFAULT_FULL_RESPONSIBILITY = 100
HELD = ("held", "feedback_given")


def day_text(day: dt.date) -> str:
    """'3 March' (how supervisors write dates on the forms)."""
    return f"{day.day} {day.strftime('%B')}"


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
                  hours_required: int | None = None) -> CapCandidate:
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
                             hours_required=hours_required)
    session.add(candidate)
    session.flush()
    return candidate


def add_placement(session: Session, candidate: CapCandidate, *, sp: Educator, ps_name: str,
                  ps_email: str | None = None, school: School | None = None, grade: str | None = None,
                  subject: str | None = None, start_date: dt.date | None = None, end_date: dt.date | None = None,
                  edition: str | None = None, year_label: str | None = None) -> CapPlacement:
    """A placement with its five steps, each due at the edition's typical week of the practicum."""
    start = start_date or candidate.practicum_start
    end = end_date or candidate.practicum_end
    year_label = year_label or label_for(start)
    year, _ = ensure_year(session, year_label)
    rubric = cap_rubrics.get(edition) if edition else cap_rubrics.edition_for_year(year_label)
    if not ps_name.strip():
        raise _problem("program_supervisor", ps_name, "name the program supervisor")
    placement = CapPlacement(candidate_id=candidate.id, school_year_id=year.id, sp_id=sp.id,
                             school_id=(school.id if school else sp.school_id), grade=grade, subject=subject,
                             ps_name=ps_name.strip(), ps_email=ps_email, start_date=start, end_date=end,
                             edition=rubric.edition)
    session.add(placement)
    session.flush()
    for step in rubric.steps:
        due = min(end, start + dt.timedelta(weeks=int(step.get("week", 1))))
        session.add(CapStep(id=derived_id("cap_step", f"{placement.id}:{step['number']}"), placement_id=placement.id,
                            number=step["number"], due_on=due, status="not_started"))
    session.flush()
    return placement


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
    if candidate:
        text = candidate.strip()
        conditions = [func.lower(CapCandidate.first_name + " " + CapCandidate.last_name).contains(text.lower()),
                      CapCandidate.candidate_number == text]
        try:
            conditions.append(CapCandidate.id == uuid.UUID(text))
        except ValueError:
            pass
        query = query.where(or_(*conditions))
    return list(session.scalars(query.order_by(CapCandidate.last_name, CapCandidate.first_name)))


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
# Observations and evidence


def add_observation(session: Session, placement_id: uuid.UUID, *, kind: str, observer: str, observed_on: dt.date,
                    minutes: int | None = None, focus: Iterable[str] = (), status: str = "planned",
                    pre_conference_on: dt.date | None = None, post_conference_on: dt.date | None = None,
                    early_literacy: bool = False, reinforcement: str | None = None,
                    refinement: str | None = None, look_fors: Iterable[str] = ()) -> uuid.UUID:
    rubric = edition_of(session, placement_id)
    _check_observation(rubric, kind, observer, status, minutes, focus)
    look_fors = _check_early_literacy(session, placement_id, early_literacy, look_fors)
    row = CapObservation(placement_id=placement_id, kind=kind, observer=observer, observed_on=observed_on,
                         minutes=minutes, focus_elements=list(focus), status=status,
                         pre_conference_on=pre_conference_on, post_conference_on=post_conference_on,
                         early_literacy=early_literacy, reinforcement=reinforcement, refinement=refinement,
                         look_fors=look_fors or None)
    session.add(row)
    session.flush()
    if status in HELD:
        start_step(session, placement_id, 3)
    return row.id


def early_literacy_required(session: Session, placement_id: uuid.UUID) -> bool:
    placement = _placement(session, placement_id)
    return cap_literacy.form().required(placement.candidate.license_field, placement.candidate.license_grades,
                                        placement.school_year.label)


def _check_early_literacy(session: Session, placement_id: uuid.UUID, early_literacy: bool,
                          look_fors: Iterable[str], was_on: bool = False) -> list[str]:
    """Only a license that requires the Early Literacy Observation Form gets one (an observation that
    already has it keeps it); its look-fors are the file's (resources/cap/early_literacy.json). Returns
    the look-fors to store (none without the form)."""
    look_fors = list(dict.fromkeys(look_fors or ()))
    if not early_literacy:
        return []
    form = cap_literacy.form()
    if not was_on and not early_literacy_required(session, placement_id):
        placement = _placement(session, placement_id)
        raise _problem("early_literacy", placement.candidate.license_sought,
                       f"the {form.title} is for {form.rule_text()}; this candidate's license sought is not one")
    problems = []
    for look_for_id in look_fors:
        try:
            form.look_for(look_for_id)
        except UsageError as exc:
            problems.append(FieldProblem("look_fors", look_for_id, str(exc)))
    if problems:
        raise ValidationError(problems)
    return look_fors


def _check_observation(rubric: Edition, kind: str, observer: str, status: str, minutes: int | None,
                       focus: Iterable[str]) -> None:
    problems = []
    if kind not in OBSERVATION_KINDS:
        problems.append(FieldProblem("kind", kind, "announced or unannounced"))
    if observer not in OBSERVERS:
        problems.append(FieldProblem("observer", observer, "sp, ps or both"))
    if status not in OBSERVATION_STATUSES:
        problems.append(FieldProblem("status", status, "planned, held or feedback_given"))
    if minutes is not None and not 5 <= minutes <= 600:
        problems.append(FieldProblem("minutes", str(minutes), "between 5 and 600 minutes"))
    codes = {e.code for e in rubric.elements}
    for code in focus:
        if code not in codes:
            problems.append(FieldProblem("focus", code, f"not an element of the {rubric.edition} edition"))
    if problems:
        raise ValidationError(problems)


def _observation_what(session: Session, row: CapObservation, code: str | None = None) -> str:
    """How a stale save names the observation: "The observation of Ana Silva on 3 March"."""
    candidate = _placement(session, row.placement_id).candidate.name
    observation = f"observation of {candidate} on {day_text(row.observed_on)}"
    return f"The evidence for {code} in the {observation}" if code else f"The {observation}"


def _observation(session: Session, observation_id: uuid.UUID, *, version: int | None = None,
                 overwrite: bool = False) -> CapObservation:
    """An observation; with `version` (as the page showed it) it is locked and refused
    (StaleRecordError) if someone saved it since, unless `overwrite`."""
    from app.services.versions import locked, refuse_if_changed

    row = session.get(CapObservation, observation_id) if version is None else locked(session, CapObservation,
                                                                                       observation_id)
    if row is None:
        raise UsageError(f"no observation {observation_id}")
    refuse_if_changed(session, row, version, _observation_what(session, row), overwrite=overwrite)
    return row


def update_observation(session: Session, observation_id: uuid.UUID, *, version: int | None = None,
                       overwrite: bool = False, **changes: object) -> None:
    row = _observation(session, observation_id, version=version, overwrite=overwrite)
    allowed = {"kind", "observer", "observed_on", "minutes", "status", "pre_conference_on", "post_conference_on",
               "early_literacy", "reinforcement", "refinement", "focus_elements", "look_fors"}
    for key in changes:
        if key not in allowed:
            raise UsageError(f"cannot change {key} of an observation")
    merged = {k: getattr(row, k) for k in ("kind", "observer", "status", "minutes", "focus_elements")}
    merged.update({k: v for k, v in changes.items() if k in merged})
    _check_observation(edition_of(session, row.placement_id), merged["kind"], merged["observer"],  # type: ignore[arg-type]
                       merged["status"], merged["minutes"], merged["focus_elements"])  # type: ignore[arg-type]
    if "early_literacy" in changes or "look_fors" in changes:
        early = bool(changes.get("early_literacy", row.early_literacy))
        kept = changes["look_fors"] if "look_fors" in changes else (row.look_fors or [])
        changes["look_fors"] = _check_early_literacy(session, row.placement_id, early, kept,  # type: ignore[arg-type]
                                                     was_on=row.early_literacy) or None
    for key, value in changes.items():
        _assign(row, key, list(value) if key == "focus_elements" else value)  # type: ignore[call-overload]
    session.flush()
    if row.status in HELD:
        start_step(session, row.placement_id, 3)


def save_observation_evidence(session: Session, observation_id: uuid.UUID, notes: Mapping[str, str]) -> None:
    """Evidence notes per element from one observation (category 'observation'); an emptied note is removed."""
    observation = session.get(CapObservation, observation_id)
    if observation is None:
        raise UsageError(f"no observation {observation_id}")
    rubric = edition_of(session, observation.placement_id)
    existing = {e.element_code: e for e in session.scalars(
        select(CapEvidence).where(CapEvidence.observation_id == observation_id)
        .execution_options(include_deleted=True))}
    for code, note in notes.items():
        rubric.element(code)
        text = (note or "").strip()
        row = existing.get(code)
        if not text:
            if row is not None and row.deleted_at is None:
                row.tombstone()
            continue
        if row is not None and row.deleted_at is not None:  # emptied, then typed again: the same row
            row.deleted_at = None
        if row is None:
            session.add(CapEvidence(id=derived_id("cap_evidence", f"{observation_id}:{code}"),
                                    placement_id=observation.placement_id, observation_id=observation_id,
                                    element_code=code, category="observation",
                                    collected_on=observation.observed_on, note=text))
        elif row.note != text:
            row.note = text
    session.flush()


def add_evidence(session: Session, placement_id: uuid.UUID, *, element_code: str, category: str, note: str,
                 collected_on: dt.date, observation_id: uuid.UUID | None = None) -> uuid.UUID:
    rubric = edition_of(session, placement_id)
    _check_evidence(rubric, [element_code], category, note, collected_on)
    row = CapEvidence(placement_id=placement_id, observation_id=observation_id, element_code=element_code,
                      category=category, note=note.strip(), collected_on=collected_on)
    session.add(row)
    session.flush()
    return row.id


def _check_evidence(rubric: Edition, codes: list[str], category: str, note: str, collected_on: object) -> None:
    problems = []
    if category not in EVIDENCE_CATEGORIES:
        problems.append(FieldProblem("category", category, "one of: " + ", ".join(EVIDENCE_CATEGORIES)))
    if not codes:
        problems.append(FieldProblem("elements", "", "choose at least one element"))
    known = {e.code for e in rubric.elements}
    for code in codes:
        if code not in known:
            problems.append(FieldProblem("elements", code, f"not an element of the {rubric.edition} edition; "
                                         "elements: " + ", ".join(e.code for e in rubric.elements)))
    if not (note or "").strip():
        problems.append(FieldProblem("note", "", "write the evidence (what was seen, or a summary)"))
    if not isinstance(collected_on, dt.date):
        problems.append(FieldProblem("collected_on", str(collected_on or ""), "give the date"))
    if problems:
        raise ValidationError(problems)


EVIDENCE_FIELDS = ("category", "collected_on", "note")  # a saved piece's own fields (its element is its key)


def _evidence_what(row: CapEvidence) -> str:
    return f"The evidence for {row.element_code} of {day_text(row.collected_on)}" + (
        " (removed since)" if row.deleted_at is not None else "")


def _evidence_piece(session: Session, evidence_id: uuid.UUID) -> CapEvidence | None:
    """A piece of evidence as committed now, locked, removed or not (removing one is a change to it)."""
    from app.services.versions import locking

    return session.scalars(locking(select(CapEvidence).where(CapEvidence.id == evidence_id))
                           .execution_options(include_deleted=True)).first()


def _edit_evidence(session: Session, placement_id: uuid.UUID, evidence_id: uuid.UUID, new: Mapping[str, Any],
                   codes: list[str], loaded: Loaded | None, overwrite: bool) -> CapEvidence | None:
    """Save the editor's changes to a saved piece: the fields changed since `loaded` (all without
    it), or its removal when its element was unticked. A piece someone else saved or removed since
    is refused (StaleRecordError) unless `overwrite`, which brings a removed piece back. Returns the
    piece while its element stays ticked."""
    from app.services.versions import MISSING, refuse_if_changed

    row = _evidence_piece(session, evidence_id)
    if row is None or row.placement_id != placement_id or (row.deleted_at is not None and loaded is None):
        raise UsageError(f"no evidence {evidence_id} for this candidate")
    if row.observation_id is not None:
        raise _problem("evidence", row.element_code, "evidence from an observation is edited in that observation")
    kept = row.element_code in codes
    changed = set(EVIDENCE_FIELDS) if loaded is None else changed_fields(new, loaded.values, EVIDENCE_FIELDS)
    if loaded is not None and (changed or not kept or row.deleted_at is not None):
        refuse_if_changed(session, row, loaded.versions.get("evidence", MISSING), _evidence_what(row),
                          overwrite=overwrite)
    if not kept:  # the element was unticked: this piece goes, the chosen elements get theirs
        row.tombstone()
        return None
    row.deleted_at = None  # removed by someone else, and the person chose Overwrite: theirs again
    for name in changed:
        _assign(row, name, new[name])
    return row


def save_evidence(session: Session, placement_id: uuid.UUID, values: Mapping[str, object],
                  evidence_id: uuid.UUID | None = None, *, loaded: Loaded | None = None,
                  overwrite: bool = False) -> list[uuid.UUID]:
    """The CAP page's evidence editor in one unit of work: a piece of evidence in one of the five
    categories for one or more elements (one row per element, the same text and date). Editing a saved
    piece (`evidence_id`) changes it in place; elements added while editing get rows of their own, and an
    element unticked while editing removes that piece. Observation notes are kept with their observation
    (the quick observation form), not here. With `loaded` (what the editor opened: EvidenceItem.loaded)
    only the fields the person changed are written, and a piece someone else saved since is refused
    (StaleRecordError) unless `overwrite`."""
    collected_on = values.get("collected_on")
    if isinstance(collected_on, str) and collected_on:
        try:
            collected_on = dt.date.fromisoformat(collected_on)
        except ValueError:
            raise _problem("collected_on", collected_on, "a date as YYYY-MM-DD") from None
    category = str(values.get("category") or "")
    note = str(values.get("note") or "")
    codes = list(dict.fromkeys(str(c) for c in (values.get("elements") or ())))  # type: ignore[attr-defined]
    rubric = edition_of(session, placement_id)
    _check_evidence(rubric, codes, category, note, collected_on)
    made: list[uuid.UUID] = []
    if evidence_id is not None:
        new = {"category": category, "collected_on": collected_on, "note": note.strip()}
        kept = _edit_evidence(session, placement_id, evidence_id, new, codes, loaded, overwrite)
        if kept is not None:
            codes.remove(kept.element_code)
            made.append(kept.id)
        session.flush()
    for code in codes:
        made.append(add_evidence(session, placement_id, element_code=code, category=category, note=note,
                                 collected_on=collected_on))  # type: ignore[arg-type]
    return made


def delete_evidence(session: Session, evidence_id: uuid.UUID, *, version: int | None = None,
                    overwrite: bool = False) -> None:
    """Remove a piece of evidence (tombstoned, so every laptop learns of it). `version`: the piece's
    as the list showed it (EvidenceItem.version): if someone saved it since, StaleRecordError unless
    `overwrite`, so nobody removes an edit they have not seen."""
    from app.services.versions import refuse_if_changed

    row = _evidence_piece(session, evidence_id)
    if row is None or row.deleted_at is not None:
        raise UsageError(f"no evidence {evidence_id}")
    if row.observation_id is not None:
        raise _problem("evidence", row.element_code, "evidence from an observation is edited in that observation")
    refuse_if_changed(session, row, version, _evidence_what(row), overwrite=overwrite)
    row.tombstone()
    session.flush()


@dataclass(frozen=True)
class EvidenceItem:
    element_code: str
    category: str
    collected_on: dt.date
    note: str
    observation_id: uuid.UUID | None
    id: uuid.UUID | None = None
    version: int | None = None

    def loaded(self) -> Loaded:
        """The piece as the evidence editor opens it (values and version from the same read)."""
        return Loaded({"category": self.category, "elements": [self.element_code],
                       "collected_on": self.collected_on.isoformat(), "note": self.note},
                      {"evidence": self.version or 0})


def evidence(session: Session, placement_id: uuid.UUID) -> list[EvidenceItem]:
    rows = session.execute(select(CapEvidence.element_code, CapEvidence.category, CapEvidence.collected_on,
                                  CapEvidence.note, CapEvidence.observation_id, CapEvidence.id, CapEvidence.version)
                           .where(CapEvidence.placement_id == placement_id, CapEvidence.deleted_at.is_(None))
                           .order_by(CapEvidence.collected_on, CapEvidence.element_code))
    return [EvidenceItem(*r) for r in rows]


def evidence_by_category(session: Session, placement_id: uuid.UUID) -> dict[str, dict[str, int]]:
    """Per element, how many pieces of evidence in each of the five categories. Each student feedback
    survey recorded for the candidate (record_survey) counts as a piece of student feedback for every
    element: the surveys ask about the candidate's teaching as a whole."""
    counts: dict[str, dict[str, int]] = {}
    for item in evidence(session, placement_id):
        counts.setdefault(item.element_code, {c: 0 for c in EVIDENCE_CATEGORIES})[item.category] += 1
    survey_count = len(surveys(session, placement_id))
    if survey_count:
        for element in edition_of(session, placement_id).elements:
            counts.setdefault(element.code, {c: 0 for c in EVIDENCE_CATEGORIES})["student_feedback"] += survey_count
    return counts


# ----------------------------------------------------------------------------------------------
# Ratings, calibration, readiness


def set_rating(session: Session, placement_id: uuid.UUID, *, stage: str, rater: str, element_code: str,
               quality: str | None, scope: str | None, consistency: str | None,
               rationale: str | None = None, version: int | None = None, overwrite: bool = False) -> None:
    """Rate one element on the three dimensions at the formative or summative step (upsert). With
    `version` (the rating's when it was shown; versions.MISSING if there was none) a rating someone
    else saved since is refused (StaleRecordError) unless `overwrite`."""
    changes = {"quality": quality, "scope": scope, "consistency": consistency}
    if rationale is not None:
        changes["rationale"] = rationale
    _write_rating(session, placement_id, stage, rater, element_code, changes, version, overwrite)


RATER_TEXT = {"sp": "the SP", "ps": "the PS", "joint": "the SP and PS together"}


def _check_rating(rubric: Edition, stage: str, rater: str, element_code: str, levels: Mapping[str, str | None]
                  ) -> None:
    rubric.element(element_code)
    problems = []
    if stage not in RATING_STAGES:
        problems.append(FieldProblem("stage", stage, "formative or summative"))
    if rater not in RATERS:
        problems.append(FieldProblem("rater", rater, "sp, ps or joint"))
    for dim, level in levels.items():
        if dim in DIMENSIONS and level is not None and level not in rubric.rating_levels:
            problems.append(FieldProblem(dim, level, f"not a rating level of the CAP {rubric.edition} edition; "
                                         "its levels: " + ", ".join(rubric.rating_levels)))
    if problems:
        raise ValidationError(problems)


def _write_rating(session: Session, placement_id: uuid.UUID, stage: str, rater: str, element_code: str,
                  changes: Mapping[str, str | None], version: int | None, overwrite: bool) -> None:
    """Write `changes` (dimension or rationale -> value) onto one rating as it is now, made if new."""
    from app.services.versions import locking, refuse_if_changed

    _check_rating(edition_of(session, placement_id), stage, rater, element_code, changes)
    row = session.scalars(locking(select(CapRating).where(
        CapRating.placement_id == placement_id, CapRating.stage == stage, CapRating.rater == rater,
        CapRating.element_code == element_code)).execution_options(include_deleted=True)).first()
    if row is not None:
        what = f"{_placement(session, placement_id).candidate.name}'s {stage} rating of {element_code}"
        refuse_if_changed(session, row, version, f"{what} by {RATER_TEXT[rater]}", overwrite=overwrite)
    if row is None:
        # one logical rating, one id: the same rating entered on two laptops merges field by field
        row = CapRating(id=derived_id("cap_rating", f"{placement_id}:{stage}:{rater}:{element_code}"),
                        placement_id=placement_id, stage=stage, rater=rater, element_code=element_code)
        session.add(row)
    row.deleted_at = None  # rated again after a removal: the same rating (its id is derived)
    for name, value in changes.items():
        _assign(row, name, value)
    session.flush()


def load_ratings(session: Session, placement_id: uuid.UUID, stage: str, rater: str) -> Loaded:
    """The Ratings tab's grid for one step and rater: per element, its levels and its rating's version
    (an element never rated has none: versions.MISSING)."""
    rows = session.execute(select(CapRating.element_code, CapRating.quality, CapRating.scope, CapRating.consistency,
                                  CapRating.version, CapRating.deleted_at)
                           .where(CapRating.placement_id == placement_id, CapRating.stage == stage,
                                  CapRating.rater == rater).execution_options(include_deleted=True))
    values, versions = {}, {}
    for code, quality, scope, consistency, version, deleted_at in rows:
        versions[code] = version  # a removed rating too: rating it again changes that record
        if deleted_at is None:
            values[code] = {"quality": quality, "scope": scope, "consistency": consistency}
    return Loaded(values, versions)


def save_ratings(session: Session, placement_id: uuid.UUID, *, stage: str, rater: str,
                 ratings: Mapping[str, Mapping[str, str | None]], loaded: Loaded, overwrite: bool = False) -> None:
    """The Ratings tab's save (element -> dimension -> level). Each element's rating is its own record:
    only the dimensions the person changed since `loaded` (load_ratings) are written, onto the rating
    as it is now. A rating someone else saved since is refused (StaleRecordError; nothing is saved)
    unless `overwrite`."""
    from app.services.versions import MISSING

    # one rating save per candidate at a time, so two first ratings of an element cannot both insert it
    _placement(session, placement_id, lock=True)
    for code, levels in ratings.items():
        opened = loaded.values.get(code) or EMPTY
        changes = {dim: level for dim, level in levels.items() if level != opened.get(dim)}
        if changes:
            _write_rating(session, placement_id, stage, rater, code, changes, loaded.versions.get(code, MISSING),
                          overwrite)


Ratings = dict[tuple[str, str, str], dict[str, str | None]]  # (stage, rater, element) -> dimension -> level


def _ratings(session: Session, placement_id: uuid.UUID) -> Ratings:
    rows = session.execute(select(CapRating.stage, CapRating.rater, CapRating.element_code, CapRating.quality,
                                  CapRating.scope, CapRating.consistency)
                           .where(CapRating.placement_id == placement_id, CapRating.deleted_at.is_(None)))
    return {(s, r, e): {"quality": q, "scope": sc, "consistency": c} for s, r, e, q, sc, c in rows}


EMPTY = {"quality": None, "scope": None, "consistency": None}


@dataclass(frozen=True)
class CalibrationRow:
    code: str
    name: str
    sp: dict[str, str | None]
    ps: dict[str, str | None]
    joint: dict[str, str | None]
    differences: tuple[str, ...]  # dimensions where SP and PS (both rated) disagree


def calibration(session: Session, placement_id: uuid.UUID, stage: str) -> list[CalibrationRow]:
    """SP's and PS's separate judgments side by side, with the dimensions where they differ."""
    rubric = edition_of(session, placement_id)
    ratings = _ratings(session, placement_id)
    rows = []
    for element in rubric.elements:
        sp = ratings.get((stage, "sp", element.code), EMPTY)
        ps = ratings.get((stage, "ps", element.code), EMPTY)
        joint = ratings.get((stage, "joint", element.code), EMPTY)
        diffs = tuple(d for d in DIMENSIONS if sp[d] and ps[d] and sp[d] != ps[d])
        rows.append(CalibrationRow(element.code, element.name, dict(sp), dict(ps), dict(joint), diffs))
    return rows


@dataclass(frozen=True)
class ElementResult:
    code: str
    name: str
    formative: dict[str, str | None]
    summative: dict[str, str | None]
    threshold: dict[str, str]
    met: bool | None  # every summative dimension reaches its threshold; None when not rated
    short: tuple[str, ...]  # e.g. "quality Needs Improvement (needs Proficient)"


def element_results(rubric: Edition, ratings: Ratings) -> list[ElementResult]:
    results = []
    for element in rubric.elements:
        formative = dict(ratings.get(("formative", "joint", element.code), EMPTY))
        summative = dict(ratings.get(("summative", "joint", element.code), EMPTY))
        short = []
        reached = []
        for dim in rubric.dimensions:
            ok = rubric.reaches(summative.get(dim), element.threshold[dim])
            reached.append(ok)
            if ok is False:
                unknown = "" if summative[dim] in rubric.rating_levels else "; not a level of this edition"
                short.append(f"{dim} {summative[dim]} (needs {element.threshold[dim]}{unknown})")
            elif ok is None:
                short.append(f"{dim} not rated")
        if all(r is None for r in reached):
            met = None
        else:
            met = all(r is True for r in reached)
        results.append(ElementResult(element.code, element.name, formative, summative, dict(element.threshold),
                                     met, tuple(short)))
    return results


def ready_to_teach(summative_complete: bool, results: list[ElementResult]) -> bool | None:
    """True only when the summative step is complete and every element is met; False when complete and one
    is not; None before (issue 8)."""
    if not summative_complete:
        return None
    return all(r.met is True for r in results)


# ----------------------------------------------------------------------------------------------
# Observation minimums and what is owed


@dataclass(frozen=True)
class ObservationCounts:
    announced: int
    unannounced: int
    by_sp: int
    by_ps: int
    total: int


def _matches(kind: str, observer: str, req_kind: str, req_observer: str) -> bool:
    kind_ok = req_kind == "any" or kind == req_kind
    if req_observer == "any":
        observer_ok = True
    else:
        observer_ok = observer == req_observer or observer == "both"
    return kind_ok and observer_ok


def owed_observations(rubric: Edition, held: list[tuple[str, str]]) -> list[str]:
    """What is still owed against the edition's minimums, most specific first, without double-counting:
    each owed observation also counts toward the broader minimums ('1 unannounced observation by the SP')."""
    virtual: list[tuple[str, str]] = []
    owed = []
    ordered = sorted(rubric.minimums, key=lambda m: (m.kind == "any") + (m.observer == "any"))
    for minimum in ordered:
        have = sum(_matches(k, o, minimum.kind, minimum.observer) for k, o in held)
        have += sum(_matches(k, o, minimum.kind, minimum.observer) for k, o in virtual
                    if k != "any" or minimum.kind == "any")
        missing = minimum.count - have
        if missing <= 0:
            continue
        virtual += [(minimum.kind, minimum.observer)] * missing
        kind_word = "" if minimum.kind == "any" else f"{minimum.kind} "
        by = {"sp": " by the SP", "ps": " by the PS"}.get(minimum.observer, "")
        owed.append(f"{missing} {kind_word}observation{'s' if missing > 1 else ''}{by}")
    return owed


@dataclass(frozen=True)
class ObservationInfo:
    id: uuid.UUID
    kind: str
    observer: str
    observed_on: dt.date
    minutes: int | None
    status: str
    focus: tuple[str, ...]
    pre_conference_on: dt.date | None
    post_conference_on: dt.date | None
    early_literacy: bool
    look_fors: tuple[str, ...] = ()
    version: int | None = None  # as read: a save from the page is checked against it

    @property
    def observer_text(self) -> str:
        return {"sp": "SP", "ps": "PS", "both": "SP and PS"}[self.observer]


def observations(session: Session, placement_id: uuid.UUID) -> list[ObservationInfo]:
    rows = session.execute(select(CapObservation.id, CapObservation.kind, CapObservation.observer,
                                  CapObservation.observed_on, CapObservation.minutes, CapObservation.status,
                                  CapObservation.focus_elements, CapObservation.pre_conference_on,
                                  CapObservation.post_conference_on, CapObservation.early_literacy,
                                  CapObservation.look_fors, CapObservation.version)
                           .where(CapObservation.placement_id == placement_id, CapObservation.deleted_at.is_(None))
                           .order_by(CapObservation.observed_on, CapObservation.created_at))
    return [ObservationInfo(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6] or ()), r[7], r[8], bool(r[9]),
                            tuple(r[10] or ()), r[11]) for r in rows]


def observation_counts(items: list[ObservationInfo]) -> ObservationCounts:
    held = [o for o in items if o.status in HELD]
    return ObservationCounts(
        announced=sum(o.kind == "announced" for o in held),
        unannounced=sum(o.kind == "unannounced" for o in held),
        by_sp=sum(o.observer in ("sp", "both") for o in held),
        by_ps=sum(o.observer in ("ps", "both") for o in held),
        total=len(held),
    )


def owed_conferences(rubric: Edition, items: list[ObservationInfo], today: dt.date) -> list[str]:
    owed = []
    for o in items:
        if o.status == "planned" and o.kind in rubric.pre_conference_for and o.pre_conference_on is None \
                and o.observed_on >= today:
            owed.append(f"the pre-conference before the {day_text(o.observed_on)} observation")
        if o.status in HELD and o.kind in rubric.post_conference_for and o.post_conference_on is None:
            owed.append(f"the post-conference of the {day_text(o.observed_on)} observation")
    return owed


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
    result = []
    for pid in ids:
        h = heads.get(pid)
        if h is None:
            raise UsageError(f"no CAP placement {pid}")
        result.append(_build_summary(pid, h, step_rows.get(pid, {}), obs.get(pid, []), ratings.get(pid, {}),
                                     hours.get(pid, (0, 0)), _requirement(table, h.license_field),
                                     survey_rows.get(pid, []), today))
    return result


def _build_summary(pid: uuid.UUID, h, step_rows: dict, items: list[ObservationInfo], ratings: Ratings,  # type: ignore[no-untyped-def, type-arg]
                   hours: tuple[int, int], requirement: tuple[int, int], survey_list: list[SurveyInfo],
                   today: dt.date) -> CandidateSummary:
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
        candidate_version=h.candidate_version,
    )


def _next_due(steps: tuple[StepInfo, ...], owed: list[str], items: list[ObservationInfo], today: dt.date) -> str:
    step = next((s for s in steps if s.status != "complete"), None)
    if step is None:
        return "CAP complete"
    upcoming = [o for o in items if o.status == "planned" and o.observed_on >= today]
    if upcoming:
        o = upcoming[0]
        return f"{o.kind.capitalize()} observation by the {o.observer_text} on {day_text(o.observed_on)}"
    if step.number in (3, 4) and owed:
        return owed[0].capitalize()[0] + owed[0][1:]
    due = f", due {day_text(step.due_on)}" if step.due_on else ""
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


@dataclass(frozen=True)
class ObservationDetail:
    info: ObservationInfo
    reinforcement: str
    refinement: str
    evidence: dict[str, str]  # element code -> note


def observation_detail(session: Session, observation_id: uuid.UUID) -> ObservationDetail:
    row = session.get(CapObservation, observation_id)
    if row is None:
        raise UsageError(f"no observation {observation_id}")
    info = next(o for o in observations(session, row.placement_id) if o.id == observation_id)
    notes = {code: note for code, note in session.execute(
        select(CapEvidence.element_code, CapEvidence.note)
        .where(CapEvidence.observation_id == observation_id, CapEvidence.deleted_at.is_(None)))}
    return ObservationDetail(info, row.reinforcement or "", row.refinement or "", notes)


OBSERVATION_FIELDS = ("kind", "observer", "observed_on", "minutes", "status", "pre_conference", "post_conference",
                      "early_literacy", "look_fors", "reinforcement", "refinement")  # the quick form's, not evidence


def load_observation(session: Session, observation_id: uuid.UUID) -> Loaded:
    """A saved observation as the quick form opens it (observation_values), with the versions of the
    observation ("observation") and of each element's evidence ("evidence:I-A-1"; removed ones too:
    typing again where someone removed evidence changes that record)."""
    # the versions are read before the values: a save landing in between then looks changed (asks),
    # never the other way round (a change shown as already seen, then silently overwritten)
    versions = {"observation": _observation(session, observation_id).version}
    versions |= {f"evidence:{code}": version for code, version in session.execute(
        select(CapEvidence.element_code, CapEvidence.version).where(CapEvidence.observation_id == observation_id)
        .execution_options(include_deleted=True))}
    return Loaded(observation_values(session, observation_id), versions)


def _merge_observation(session: Session, observation_id: uuid.UUID, values: Mapping[str, Any], loaded: Loaded,
                       overwrite: bool) -> dict[str, Any]:
    """The form's values as they will be saved: what the person changed since `loaded` over the
    observation as saved now. A record they changed (the observation's own fields, an element's
    evidence) that someone else saved since is refused first (StaleRecordError), unless `overwrite`."""
    from app.services.versions import MISSING, locked, locking, refuse_if_changed

    row = locked(session, CapObservation, observation_id)  # saves of one observation go one at a time
    if row is None:
        raise UsageError(f"no observation {observation_id}")
    changed = changed_fields(values, loaded.values, OBSERVATION_FIELDS)
    if changed:
        refuse_if_changed(session, row, loaded.versions.get("observation", MISSING), _observation_what(session, row),
                          overwrite=overwrite)
    typed, opened = dict(values.get("evidence") or {}), dict(loaded.values.get("evidence") or {})
    codes = changed_fields(typed, opened, set(typed) | set(opened))
    query = select(CapEvidence).where(CapEvidence.observation_id == observation_id)
    rows = {e.element_code: e for e in session.scalars(locking(query).execution_options(include_deleted=True))}
    for code in sorted(codes & set(rows)):
        refuse_if_changed(session, rows[code], loaded.versions.get(f"evidence:{code}", MISSING),
                          _observation_what(session, row, code), overwrite=overwrite)
    now = observation_values(session, observation_id)
    evidence = {**now["evidence"], **{code: typed.get(code, "") for code in codes}}  # type: ignore[dict-item]
    return {**now, **{name: values.get(name) for name in changed}, "evidence": evidence}


def save_quick_observation(session: Session, placement_id: uuid.UUID, values: Mapping[str, object],
                           observation_id: uuid.UUID | None = None, *, loaded: Loaded | None = None,
                           overwrite: bool = False) -> uuid.UUID:
    """The CAP page's quick observation form in one unit of work: the observation (new, or the one being
    edited), its conferences, the feedback and the evidence per element (the elements with evidence become
    the focus elements; an emptied element's evidence is removed). Editing with `loaded` (what the form
    opened: load_observation) writes only what the person changed, and refuses a record someone else
    saved since (StaleRecordError) unless `overwrite`; a change they made elsewhere stands."""
    if observation_id is not None and loaded is not None:
        values = _merge_observation(session, observation_id, values, loaded, overwrite)
    observed_on = values.get("observed_on")
    if isinstance(observed_on, str):
        observed_on = dt.date.fromisoformat(observed_on)
    if not isinstance(observed_on, dt.date):
        raise _problem("observed_on", observed_on, "give the observation's date")
    typed = {code: str(text or "") for code, text in dict(values.get("evidence") or {}).items()}  # type: ignore[call-overload]
    notes = {code: text for code, text in typed.items() if text.strip()}
    kind = str(values.get("kind") or "announced")
    minutes = values.get("minutes")
    previous = session.get(CapObservation, observation_id) if observation_id else None

    def conference(flag: str, existing: dt.date | None) -> dt.date | None:
        if not values.get(flag) or (flag == "pre_conference" and kind != "announced"):
            return None
        return existing or observed_on  # type: ignore[return-value]

    fields = dict(
        kind=kind, observer=str(values.get("observer") or "sp"), observed_on=observed_on,
        minutes=int(minutes) if minutes else None, status=str(values.get("status") or "held"),  # type: ignore[call-overload]
        pre_conference_on=conference("pre_conference", previous.pre_conference_on if previous else None),
        post_conference_on=conference("post_conference", previous.post_conference_on if previous else None),
        early_literacy=bool(values.get("early_literacy")),
        look_fors=[str(i) for i in (values.get("look_fors") or ())],  # type: ignore[attr-defined]
        reinforcement=str(values.get("reinforcement") or "").strip() or None,
        refinement=str(values.get("refinement") or "").strip() or None)
    if previous is None:
        observation_id = add_observation(session, placement_id, focus=list(notes), **fields)  # type: ignore[arg-type]
    else:
        update_observation(session, previous.id, focus_elements=list(notes), **fields)
        observation_id = previous.id
    save_observation_evidence(session, observation_id, typed)
    return observation_id


def observation_values(session: Session, observation_id: uuid.UUID) -> dict[str, object]:
    """An observation as the quick form's values (to edit it: a planned one becomes held, evidence added)."""
    detail = observation_detail(session, observation_id)
    o = detail.info
    return {"kind": o.kind, "observer": o.observer, "observed_on": o.observed_on.isoformat(),
            "minutes": o.minutes, "status": o.status, "pre_conference": o.pre_conference_on is not None,
            "post_conference": o.post_conference_on is not None, "early_literacy": o.early_literacy,
            "look_fors": list(o.look_fors), "evidence": dict(detail.evidence), "reinforcement": detail.reinforcement,
            "refinement": detail.refinement}


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
    organization = ensure_organization(session, text("organization"))
    candidate = add_candidate(session, organization=organization, first_name=text("first_name"),
                              last_name=text("last_name"), program=text("program"),
                              license_field=text("license_field"), license_grades=text("license_grades"),
                              practicum_start=day("practicum_start"), practicum_end=day("practicum_end"),
                              candidate_number=text("candidate_number") or None, email=text("email") or None)
    placement = add_placement(session, candidate, sp=sp, ps_name=text("ps_name"), ps_email=text("ps_email") or None,
                              grade=text("grade") or None, subject=text("subject") or None,
                              edition=text("edition") or None, year_label=text("year") or None)
    return placement.id
