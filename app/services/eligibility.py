"""Who may be a mentor or a supervising practitioner: the rules of DOMAIN.md as named checks.

Each check answers met (True), not met (False) or unknown (None: the data is missing), with a
plain-language reason and the rule it comes from, so a coordinator who asks "why is this red?"
gets the regulation, not a guess.

Checks about the mentor alone (`mentor_checks`) are computed once per mentor; checks about a
pair (`pair_checks`) once per pair, cheaply, so matching can ask them for millions of pairs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator, InductionEnrollment, MentorProfile, SchoolYear
from app.models.matching import EvaluatorLink, MentorTraining, PrincipalRecommendation

GOOD_RATINGS = ("Proficient", "Exemplary")
MENTOR_LICENSES = ("Initial", "Professional")
MIN_YEARS = 3

# Citations, one place (DOMAIN.md, "Who may be a mentor or a supervising practitioner").
CITE_MENTOR = "603 CMR 7.02 (mentor)"
CITE_SP = "603 CMR 7.02 (supervising practitioner); 001 job description"
CITE_RATING = "004 (recommended: Proficient on recent evaluations); 000 (encouraged for mentors)"
CITE_INDUCTION = "603 CMR 7.12 (a mentor is an experienced educator, not a beginning one)"
CITE_EMPLOYED = "603 CMR 7.12(2)(b) (a mentor for the induction year)"
CITE_EVALUATOR = "004 (the mentoring relationship is non-evaluative)"
CITE_WILLING = "004 (mentors are interested and have time)"

LABELS = {
    "experience": "3 full years under an Initial or Professional license",
    "same_role": "Same role as the mentee",
    "rating": "Rated Proficient or Exemplary",
    "trained": "Mentor training",
    "not_in_induction": "Not in induction",
    "employed": "Employed through the year",
    "willing": "Willing this year",
    "not_evaluator": "Not the mentee's evaluator",
    "not_self": "Not the mentee",
    "recommended": "Principal recommendation",
}


@dataclass(frozen=True)
class Check:
    """One criterion for one person (or pair): met True / False / None (unknown), and why."""

    key: str
    met: bool | None
    reason: str
    citation: str
    required: bool = True  # False: a recommendation; not meeting it never makes anyone ineligible
    pending: bool = False  # the "training pending" state of the training check

    @property
    def label(self) -> str:
        return LABELS.get(self.key, self.key)

    @property
    def status(self) -> str:
        if self.met is True:
            return "met"
        if self.pending:
            return "pending"
        return "unknown" if self.met is None else "not met"


@dataclass(frozen=True)
class Verdict:
    """The sum of the checks: eligible, eligible but flagged, needs training, needs data, ineligible."""

    status: str  # "eligible" | "flagged" | "needs_training" | "unknown" | "ineligible"
    reasons: tuple[str, ...] = ()  # why not (or the flag), in plain words
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def assignable(self) -> bool:
        return self.status in ("eligible", "flagged")


@dataclass(frozen=True)
class Rules:
    """The district settings the checks depend on."""

    rating_required: bool = True
    allow_training_pending: bool = True

    @classmethod
    def of(cls, session: Session) -> "Rules":
        from app.services import settings

        return cls(bool(settings.get(session, "mentor_rating_required")),
                   bool(settings.get(session, "allow_training_pending")))


@dataclass(frozen=True)
class TrainingState:
    trained_on: dt.date | None = None  # the latest completed training (or the roster's date)
    pending: bool = False  # enrolled, or the pool marks them "training pending"


def training_state(educator: Educator, records: Iterable[MentorTraining] = (),
                   profile_status: str | None = None) -> TrainingState:
    completed = [r.completed_on for r in records if r.completed_on is not None]
    if educator.mentor_trained_on is not None:
        completed.append(educator.mentor_trained_on)
    enrolled = any(r.completed_on is None for r in records)
    return TrainingState(max(completed) if completed else None, enrolled or profile_status == "training_pending")


# --- checks on one person ----------------------------------------------------------------------


def experience_check(educator: Educator, citation: str = CITE_MENTOR) -> Check:
    license_type, years = educator.license_type, educator.years_experience
    if license_type is not None and license_type not in MENTOR_LICENSES:
        return Check("experience", False, f"holds a {license_type} license; needs Initial or Professional", citation)
    if years is None:
        return Check("experience", None, "years of experience not recorded", citation)
    if years < MIN_YEARS:
        return Check("experience", False, f"{years} full year{'s' if years != 1 else ''} of experience; needs "
                                          f"{MIN_YEARS}", citation)
    if license_type is None:
        return Check("experience", None, f"{years} years, but the license type is not recorded", citation)
    article = "an" if license_type[0] in "AEIOU" else "a"
    return Check("experience", True, f"{years} years under {article} {license_type} license", citation)


def rating_check(educator: Educator, *, required: bool, citation: str = CITE_RATING) -> Check:
    rating = educator.last_rating
    when = f" ({educator.rating_year})" if educator.rating_year else ""
    if rating is None:
        return Check("rating", None, "no summative rating recorded", citation, required)
    if rating in GOOD_RATINGS:
        return Check("rating", True, f"rated {rating}{when}", citation, required)
    advice = "" if required else " (recommended only in this district)"
    return Check("rating", False, f"rated {rating}{when}; needs Proficient or Exemplary{advice}", citation, required)


def training_check(state: TrainingState) -> Check:
    if state.trained_on is not None:
        return Check("trained", True, f"trained {state.trained_on.isoformat()}", CITE_MENTOR)
    if state.pending:
        return Check("trained", False, "training pending (will complete district training)", CITE_MENTOR,
                     pending=True)
    return Check("trained", False, "no mentor training recorded", CITE_MENTOR)


def induction_check(enrollment_status: str | None) -> Check:
    if enrollment_status:
        return Check("not_in_induction", False, f"is a {enrollment_status} educator in induction this year",
                     CITE_INDUCTION)
    return Check("not_in_induction", True, "not in induction this year", CITE_INDUCTION)


def employment_check(educator: Educator, year: SchoolYear) -> Check:
    if educator.exit_date is not None and educator.exit_date < year.last_day:
        return Check("employed", False, f"leaves on {educator.exit_date.isoformat()}, before the last day of school "
                                        f"({year.last_day.isoformat()})", CITE_EMPLOYED)
    if educator.hire_date is not None and educator.hire_date > year.last_day:
        return Check("employed", False, f"starts only on {educator.hire_date.isoformat()}", CITE_EMPLOYED)
    return Check("employed", True, "employed through the school year", CITE_EMPLOYED)


def willing_check(profile: MentorProfile | None) -> Check:
    if profile is None:
        return Check("willing", None, "not in the mentor pool for this year", CITE_WILLING)
    if not profile.willing or profile.status == "inactive":
        return Check("willing", False, "not available to mentor this year", CITE_WILLING)
    return Check("willing", True, f"willing, up to {profile.capacity} mentee{'s' if profile.capacity != 1 else ''}",
                 CITE_WILLING)


def mentor_checks(educator: Educator, year: SchoolYear, *, rules: Rules, training: TrainingState,
                  enrollment_status: str | None, profile: MentorProfile | None) -> list[Check]:
    """Every criterion about the mentor alone (603 CMR 7.02; 004)."""
    return [
        experience_check(educator),
        rating_check(educator, required=rules.rating_required),
        training_check(training),
        induction_check(enrollment_status),
        employment_check(educator, year),
        willing_check(profile),
    ]


# --- checks on a pair ----------------------------------------------------------------------------


def role_check(mentor: Educator, mentee: Educator) -> Check:
    if mentor.role == mentee.role:
        return Check("same_role", True, f"both {mentor.role}s", CITE_MENTOR)
    return Check("same_role", False, f"a {mentor.role} cannot mentor a {mentee.role} (same role required)",
                 CITE_MENTOR)


def pair_checks(mentor: Educator, mentee: Educator, *, evaluates: bool) -> list[Check]:
    checks = []
    if mentor.id == mentee.id:
        checks.append(Check("not_self", False, "cannot mentor themselves", CITE_MENTOR))
    checks.append(role_check(mentor, mentee))
    if evaluates:
        checks.append(Check("not_evaluator", False, f"evaluates {mentee.full_name} this year", CITE_EVALUATOR))
    else:
        checks.append(Check("not_evaluator", True, "not recorded as the mentee's evaluator", CITE_EVALUATOR))
    return checks


def verdict(checks: Iterable[Check], rules: Rules) -> Verdict:
    checks = tuple(checks)
    failing = [c for c in checks if c.required and c.met is False and not c.pending]
    pending = [c for c in checks if c.pending]
    unknown = [c for c in checks if c.required and c.met is None]
    if failing:
        return Verdict("ineligible", tuple(c.reason for c in failing + pending), checks)
    if unknown:
        return Verdict("unknown", tuple(c.reason for c in unknown + pending), checks)
    if pending:
        if rules.allow_training_pending:
            return Verdict("flagged", tuple(c.reason for c in pending), checks)
        return Verdict("needs_training", tuple(c.reason for c in pending), checks)
    return Verdict("eligible", (), checks)


# --- with a session -------------------------------------------------------------------------


def _year(session: Session, year: SchoolYear | str) -> SchoolYear:
    if isinstance(year, SchoolYear):
        return year
    from app.services.years import ensure_year

    return ensure_year(session, year)[0]


def _profile(session: Session, educator_id: uuid.UUID, year: SchoolYear) -> MentorProfile | None:
    return session.scalars(select(MentorProfile).where(MentorProfile.educator_id == educator_id,
                                                       MentorProfile.school_year_id == year.id)).one_or_none()


def _enrollment_status(session: Session, educator_id: uuid.UUID, year: SchoolYear) -> str | None:
    return session.scalars(select(InductionEnrollment.status).where(
        InductionEnrollment.educator_id == educator_id, InductionEnrollment.school_year_id == year.id)).one_or_none()


def check_mentor(session: Session, mentor: Educator, mentee: Educator | None, year: SchoolYear | str) -> list[Check]:
    """Every mentor criterion for `mentor` (and, with `mentee`, the pair's), with reasons and citations.

    Used by the Mentors page, matching's explanations and the assignment importer's warnings.
    """
    year = _year(session, year)
    rules = Rules.of(session)
    profile = _profile(session, mentor.id, year)
    records = session.scalars(select(MentorTraining).where(MentorTraining.educator_id == mentor.id)).all()
    checks = mentor_checks(mentor, year, rules=rules, training=training_state(mentor, records,
                                                                               profile.status if profile else None),
                           enrollment_status=_enrollment_status(session, mentor.id, year), profile=profile)
    if mentee is not None:
        evaluates = session.scalars(select(EvaluatorLink.id).where(
            EvaluatorLink.evaluator_id == mentor.id, EvaluatorLink.educator_id == mentee.id,
            EvaluatorLink.school_year_id == year.id)).first() is not None
        checks = pair_checks(mentor, mentee, evaluates=evaluates) + checks
    return checks


def mentor_verdict(session: Session, mentor: Educator, mentee: Educator | None, year: SchoolYear | str) -> Verdict:
    return verdict(check_mentor(session, mentor, mentee, year), Rules.of(session))


def check_supervising_practitioner(session: Session, educator: Educator, year: SchoolYear | str) -> list[Check]:
    """A supervising practitioner for the practicum (603 CMR 7.02; 001): three full years under an
    Initial or Professional license, Proficient or Exemplary on the most recent evaluation
    (required), a principal's recommendation recorded."""
    year = _year(session, year)
    recommendation = session.scalars(select(PrincipalRecommendation).where(
        PrincipalRecommendation.educator_id == educator.id,
        PrincipalRecommendation.school_year_id == year.id)).one_or_none()
    if recommendation is None:
        recommended = Check("recommended", False, "no principal recommendation recorded", CITE_SP)
    else:
        by = f" by {recommendation.recommended_by}" if recommendation.recommended_by else ""
        on = f" on {recommendation.recommended_on.isoformat()}" if recommendation.recommended_on else ""
        recommended = Check("recommended", True, f"recommended{by}{on}", CITE_SP)
    return [experience_check(educator, CITE_SP), rating_check(educator, required=True, citation=CITE_SP),
            employment_check(educator, year), recommended]
