"""The supervising-practitioner (SP) pool: who may host a teacher candidate's practicum, as named checks
like the mentor criteria (matching/eligibility.py), each with its reason and citation.

The criteria (603 CMR 7.02, "Supervising Practitioner"; 001, SP job description, "Eligibility
Requirements"; DOMAIN.md "Who may be a mentor or a supervising practitioner"):

- three full years of experience under an appropriate Initial or Professional license;
- a summative rating of Proficient or Exemplary on the most recent evaluation (000: "required" for SPs);
- a recommendation from the principal or building administrator, with who made it and when;
- interest by the educator (recorded per school year: `record_interest`);
- SP training done, with its hours (000: SPs, like mentors, are "required to be trained"; preparation
  programs train them. DESE's memo of December 2015 awards PDPs for SP training of at least 6 hours);
- on staff for the practicum (the candidate practises "under the immediate supervision" of the SP).

A placement with an SP who fails a check (or whose data is missing) needs an override with a reason,
recorded on the placement (`placements.add_placement`, `set_sp_override`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, UsageError, ValidationError
from app.models import Educator, SchoolYear, derived_id
from app.models.cap import CapPlacement, SpPoolEntry, SpTraining
from app.models.matching import PrincipalRecommendation
from app.services.roster.educators import blank_rating, rating_column, with_ratings
from app.services.matching.eligibility import (
    CITE_SP,
    Check,
    assignment_start,
    check_supervising_practitioner,
    employment_check,
    experience_check,
    rating_check,
    recommendation_check,
    record_recommendation,
)

__all__ = ["record_recommendation"]  # the principal's recommendation: recorded by matching/eligibility.py

CITE_INTEREST = "603 CMR 7.02; 001 job description (eligibility: \"Interest by educator\")"
CITE_TRAINING = ("000 (SPs and mentors are required to be trained; preparation programs train SPs); "
                 "DESE memo to sponsoring organizations, December 2015 (PDPs for SP training of at least 6 hours)")
CITE_PRACTICUM = "603 CMR 7.02 (the candidate practises under the SP's immediate supervision during the practicum)"
PDP_TRAINING_HOURS = 6  # DESE memo, December 2015: SP training of at least 6 hours earns up to 10 PDPs
OVERRIDE_MAX = 1000

ORDER = ("experience", "rating", "recommended", "interested", "sp_trained", "employed")
LABELS = {
    "experience": "3 full years under an Initial or Professional license",
    "rating": "Proficient or Exemplary on the latest evaluation",
    "recommended": "Principal's recommendation",
    "interested": "Interest in serving as SP",
    "sp_trained": "SP training",
    "employed": "On staff for the practicum",
}


def label(key: str) -> str:
    return LABELS.get(key, key)


# --- the two criteria the mentor rules do not have -----------------------------------------------


def interest_check(entry: SpPoolEntry | None) -> Check:
    """Interest by the educator, recorded for the school year (001 job description)."""
    if entry is None:
        return Check("interested", None, "interest not recorded for this year", CITE_INTEREST)
    when = f" ({entry.recorded_on.isoformat()})" if entry.recorded_on else ""
    if not entry.interested:
        return Check("interested", False, f"not interested this year{when}", CITE_INTEREST)
    return Check("interested", True, f"interested{when}", CITE_INTEREST)


def training_check(records: Iterable[SpTraining]) -> Check:
    """SP training completed, with its hours (000; the 6 hours of DESE's memo earn PDPs, they are not
    a condition of serving)."""
    records = list(records)
    done = [r for r in records if r.completed_on is not None]
    if not done:
        if records:
            return Check("sp_trained", False, "SP training enrolled, not completed", CITE_TRAINING, pending=True)
        return Check("sp_trained", False, "no SP training recorded", CITE_TRAINING)
    latest = max(r.completed_on for r in done if r.completed_on is not None)
    minutes = [r.minutes for r in done if r.minutes is not None]
    if not minutes:
        return Check("sp_trained", True, f"trained {latest.isoformat()} (hours not recorded)", CITE_TRAINING)
    hours = sum(minutes) / 60
    under = f"; under the {PDP_TRAINING_HOURS} hours that earn PDPs" if hours < PDP_TRAINING_HOURS else ""
    return Check("sp_trained", True, f"trained {latest.isoformat()}, {hours:.1f} h{under}", CITE_TRAINING)


def _for_sp(check: Check) -> Check:
    """The mentor rules' employment check, said of a practicum and cited for it."""
    if check.key != "employed":
        return check
    return replace(check, reason=check.reason.replace("the assignment would start", "the practicum starts"),
                   citation=CITE_PRACTICUM)


def _ordered(checks: Iterable[Check]) -> tuple[Check, ...]:
    return tuple(sorted((_for_sp(c) for c in checks),
                        key=lambda c: ORDER.index(c.key) if c.key in ORDER else len(ORDER)))


@dataclass(frozen=True)
class SpStatus:
    """An educator's SP checks for one practicum: every check met, or what is not."""

    checks: tuple[Check, ...]

    @property
    def eligible(self) -> bool:
        return all(c.met is True for c in self.checks)

    @property
    def failing(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.met is not True)

    def failing_text(self) -> str:
        """The criteria not met, by label (no values: safe in an error that reaches a log)."""
        return ", ".join(label(c.key) for c in self.failing)

    def as_json(self) -> list[dict[str, str]]:
        return [{"name": c.key, "label": label(c.key), "status": c.status, "reason": c.reason,
                 "citation": c.citation} for c in self.checks]


def sp_checks_of(educator: Educator, year: SchoolYear, start: dt.date | None, *,
                 recommendation: PrincipalRecommendation | None, entry: SpPoolEntry | None,
                 trainings: Iterable[SpTraining]) -> SpStatus:
    """Every SP criterion from records already loaded (the CAP summaries judge many placements at once)."""
    return SpStatus(_ordered([
        experience_check(educator, CITE_SP), rating_check(educator, required=True, citation=CITE_SP),
        recommendation_check(recommendation), interest_check(entry), training_check(trainings),
        employment_check(educator, year, assignment_start(year, start)),
    ]))


def _year(session: Session, year: SchoolYear | str) -> SchoolYear:
    if isinstance(year, SchoolYear):
        return year
    from app.services.years import ensure_year

    return ensure_year(session, year)[0]


def _entry(session: Session, educator_id: uuid.UUID, year: SchoolYear) -> SpPoolEntry | None:
    return session.scalars(select(SpPoolEntry).where(SpPoolEntry.educator_id == educator_id,
                                                     SpPoolEntry.school_year_id == year.id)).one_or_none()


def sp_status(session: Session, educator: Educator, year: SchoolYear | str, start: dt.date | None = None) -> SpStatus:
    """The SP checks for `educator` hosting a practicum that starts on `start` (default: today) in `year`:
    the rules of eligibility.check_supervising_practitioner, then interest and SP training."""
    year = _year(session, year)
    trainings = session.scalars(select(SpTraining).where(SpTraining.educator_id == educator.id)).all()
    return SpStatus(_ordered([*check_supervising_practitioner(session, educator, year, today=start),
                              interest_check(_entry(session, educator.id, year)), training_check(trainings)]))


@dataclass(frozen=True)
class PlacementSp:
    """A placement's SP as the CAP summary shows it: the checks, and the override if one was given."""

    status: SpStatus
    override_reason: str = ""
    override_by: str = ""
    override_on: dt.date | None = None

    @property
    def eligible(self) -> bool:
        return self.status.eligible


@dataclass(frozen=True)
class _Recommendation:
    recommended_by: str | None
    recommended_on: dt.date | None


@dataclass(frozen=True)
class _Interest:
    interested: bool
    recorded_on: dt.date | None


def placement_sp(session: Session, placement_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, PlacementSp]:
    """Each placement's SP checks, from two queries whatever the number of placements. Plain rows, not
    ORM objects (the checks read attributes only): the CAP page asks this for every candidate."""
    ids = list(placement_ids)
    if not ids:
        return {}
    rec, pool = PrincipalRecommendation, SpPoolEntry
    rows = session.execute(select(
        CapPlacement.id, CapPlacement.start_date, CapPlacement.sp_override_reason, CapPlacement.sp_override_by,
        CapPlacement.sp_override_on, CapPlacement.sp_id, Educator.license_type, Educator.years_experience,
        rating_column(session), Educator.rating_year, Educator.hire_date, Educator.exit_date, SchoolYear.first_day,
        SchoolYear.last_day, rec.id.label("rec_id"), rec.recommended_by, rec.recommended_on,
        pool.id.label("pool_id"), pool.interested, pool.recorded_on)
        .join(Educator, Educator.id == CapPlacement.sp_id)
        .join(SchoolYear, SchoolYear.id == CapPlacement.school_year_id)
        .outerjoin(rec, (rec.educator_id == CapPlacement.sp_id) & (rec.school_year_id == CapPlacement.school_year_id)
                   & rec.deleted_at.is_(None))
        .outerjoin(pool, (pool.educator_id == CapPlacement.sp_id)
                   & (pool.school_year_id == CapPlacement.school_year_id) & pool.deleted_at.is_(None))
        .where(CapPlacement.id.in_(ids))).all()
    trainings: dict[uuid.UUID, list[Any]] = {}
    for t in session.execute(select(SpTraining.educator_id, SpTraining.completed_on, SpTraining.minutes)
                             .where(SpTraining.educator_id.in_({r.sp_id for r in rows}),
                                    SpTraining.deleted_at.is_(None))):
        trainings.setdefault(t.educator_id, []).append(t)
    out = {}
    for r in rows:
        recommendation = _Recommendation(r.recommended_by, r.recommended_on) if r.rec_id else None
        entry = _Interest(r.interested, r.recorded_on) if r.pool_id else None
        # a row has the attributes the checks read (license_type, ..., first_day, last_day)
        status = sp_checks_of(r, r, r.start_date, recommendation=recommendation,  # type: ignore[arg-type]
                              entry=entry, trainings=trainings.get(r.sp_id, ()))  # type: ignore[arg-type]
        out[r.id] = PlacementSp(status, r.sp_override_reason or "", r.sp_override_by or "", r.sp_override_on)
    return out


# --- overrides ---------------------------------------------------------------------------------


def clean_override(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) > OVERRIDE_MAX:
        raise ValidationError([FieldProblem("sp_override_reason", reason[:40] + "...",
                                            f"longer than {OVERRIDE_MAX} characters")])
    return reason


def require_override(status: SpStatus, reason: str | None, field: str = "sp_id") -> str:
    """The override reason a placement with this SP needs ("" when every check is met). Refused
    (ValidationError) when a check is not met and no reason is given (603 CMR 7.02)."""
    reason = clean_override(reason)
    if status.eligible:
        return ""
    if not reason:
        raise ValidationError([FieldProblem(field, "", "the supervising practitioner does not meet: "
                                                       f"{status.failing_text()} (603 CMR 7.02); give an override "
                                                       "reason to place the candidate anyway")])
    return reason


def record_override(session: Session, placement: CapPlacement, reason: str, *, by: str | None = None,
                    on: dt.date | None = None) -> None:
    placement.sp_override_reason = reason or None
    placement.sp_override_by = (by or session.info.get("actor") or None) if reason else None
    placement.sp_override_on = (on or dt.date.today()) if reason else None


def set_sp_override(session: Session, placement_id: uuid.UUID, reason: str | None, *, by: str | None = None,
                    on: dt.date | None = None) -> None:
    """Give (or, with an empty reason, take back) the override of a placement whose SP fails a check
    (a placement made before the SP checks existed, or an SP whose record changed since)."""
    placement = session.get(CapPlacement, placement_id)
    if placement is None or placement.deleted_at is not None:
        raise UsageError(f"no CAP placement {placement_id}")
    reason = clean_override(reason)
    if reason:
        status = placement_sp(session, [placement_id])[placement_id].status
        if status.eligible:
            raise ValidationError([FieldProblem("sp_override_reason", "", "the supervising practitioner meets "
                                                                          "every criterion: no override needed")])
    record_override(session, placement, reason, by=by, on=on)
    session.flush()


# --- recording the pool --------------------------------------------------------------------------


def record_interest(session: Session, year_label: str, educator_id: uuid.UUID, *, interested: bool = True,
                    recorded_on: dt.date | None = None, notes: str | None = None) -> None:
    """The educator's interest (or not) in serving as an SP this school year (001 job description)."""
    year = _year(session, year_label)
    if session.get(Educator, educator_id) is None:
        raise ValidationError([FieldProblem("educator", str(educator_id), "no longer exists")])
    entry = _entry(session, educator_id, year)
    if entry is None:
        entry = SpPoolEntry(id=derived_id("sp_pool", f"{educator_id}:{year.id}"), educator_id=educator_id,
                            school_year_id=year.id)
        session.add(entry)
    entry.interested, entry.recorded_on, entry.notes = interested, recorded_on, notes or None
    session.flush()


def add_sp_training(session: Session, educator_id: uuid.UUID, *, completed_on: dt.date | None,
                    provider: str | None, hours: float | None, notes: str | None = None) -> uuid.UUID:
    """Record an SP training (no completion date: enrolled, not finished)."""
    problems = []
    if provider and len(provider) > 200:
        problems.append(FieldProblem("provider", provider[:40] + "...", "longer than 200 characters"))
    if hours is not None and not 0 < hours <= 200:
        problems.append(FieldProblem("hours", str(hours), "must be more than 0 and at most 200"))
    if completed_on and completed_on > dt.date.today() + dt.timedelta(days=1):
        problems.append(FieldProblem("completed_on", completed_on.isoformat(),
                                     "is in the future: leave it blank for a training still to come"))
    if problems:
        raise ValidationError(problems)
    if session.get(Educator, educator_id) is None:
        raise ValidationError([FieldProblem("educator", str(educator_id), "no longer exists")])
    row = SpTraining(educator_id=educator_id, completed_on=completed_on, provider=provider or None,
                     minutes=round(hours * 60) if hours is not None else None, notes=notes or None)
    session.add(row)
    session.flush()
    return row.id


# --- the pool, for a page beside the mentor pool ----------------------------------------------------


@dataclass(frozen=True)
class SpPoolRow:
    educator_id: uuid.UUID
    employee_id: str
    name: str
    school: str | None
    status: SpStatus
    placements: int  # candidates placed with them this year

    @property
    def eligible(self) -> bool:
        return self.status.eligible


def supervisor_pool(session: Session, year_label: str, today: dt.date | None = None) -> list[SpPoolRow]:
    """The year's SP pool: every educator who said they were interested (or not), was recommended, or
    hosts a candidate this year, each with every check."""
    year = _year(session, year_label)
    entries = {e.educator_id: e for e in session.scalars(select(SpPoolEntry).where(
        SpPoolEntry.school_year_id == year.id))}
    recommendations = {r.educator_id: r for r in session.scalars(select(PrincipalRecommendation).where(
        PrincipalRecommendation.school_year_id == year.id))}
    placed: dict[uuid.UUID, int] = {}
    for sp_id in session.scalars(select(CapPlacement.sp_id).where(CapPlacement.school_year_id == year.id)):
        placed[sp_id] = placed.get(sp_id, 0) + 1
    ids = set(entries) | set(recommendations) | set(placed)
    if not ids:
        return []
    trainings: dict[uuid.UUID, list[SpTraining]] = {}
    for t in session.scalars(select(SpTraining).where(SpTraining.educator_id.in_(ids))):
        trainings.setdefault(t.educator_id, []).append(t)
    rows = []
    query, readable = with_ratings(session, select(Educator))
    for e in session.scalars(query.where(Educator.id.in_(ids))):
        if not readable:  # a server login that may not read ratings (access.py)
            blank_rating(e)
        status = sp_checks_of(e, year, today, recommendation=recommendations.get(e.id), entry=entries.get(e.id),
                              trainings=trainings.get(e.id, ()))
        rows.append(SpPoolRow(e.id, e.employee_id, e.full_name, e.school.name if e.school else None, status,
                              placed.get(e.id, 0)))
    rows.sort(key=lambda r: (r.name.split()[-1].lower(), r.name.lower()))
    return rows


def find_by_employee_id(session: Session, employee_id: str) -> Educator | None:
    return session.scalars(select(Educator).where(Educator.employee_id == employee_id.strip())).one_or_none()

