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

from app.models import Educator, InductionEnrollment, MentorProfile, SchoolYear, derived_id
from app.models.matching import EvaluatorLink, MentorTraining, PrincipalRecommendation
from app.services.roster.educators import blank_rating, on_staff_at_start, with_ratings
from app.errors import FieldProblem, ValidationError
from app.services.vocabulary import us_date

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
# 004, "Mentor Selection": "recruiting recently retired effective teachers who meet the above criteria";
# "Induction Programs for Administrators": "hiring retired administrators to serve as mentors"; "Mentor
# Assignment and Compensation": "partnering with neighboring districts to share mentoring resources".
CITE_EXTERNAL = "004 (Mentor Selection: recently retired educators who meet the criteria; neighboring districts)"
# 004, "Mentor Training": "Ongoing training opportunities. These may include a refresher component for
# experienced mentors who have not recently served as a mentor or may need additional training".
CITE_REFRESHER = "004, Mentor Training (a refresher component for experienced mentors)"

LABELS = {
    "experience": "3 full years under an Initial or Professional license",
    "same_role": "Same role as the mentee",
    "rating": "Rated Proficient or Exemplary",
    "trained": "Mentor training",
    "refresher": "Training refresher not past due",
    "not_in_induction": "Not in induction",
    "employed": "Employed through the assignment",
    "external": "Not district staff: retired or from another district",
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
    flag: bool = False  # not met, yet assignable: the verdict is "flagged" (a refresher past due, setting)

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
    refresher: str = "flag"  # a refresher past due: "flag" (assignable, flagged) or "block" (setting)

    @classmethod
    def of(cls, session: Session) -> "Rules":
        from app.services import settings

        refresher = settings.get(session, "refresher_past_due")
        return cls(bool(settings.get(session, "mentor_rating_required")),
                   bool(settings.get(session, "allow_training_pending")),
                   refresher if refresher in REFRESHER_CHOICES else "flag")


REFRESHER_CHOICES = ("flag", "block")


@dataclass(frozen=True)
class TrainingState:
    trained_on: dt.date | None = None  # the latest completed training (or the roster's date)
    pending: bool = False  # enrolled, or the pool marks them "training pending"
    refresher_due: dt.date | None = None  # the latest completed training's refresher date, if any


def training_state(educator: Educator, records: Iterable[MentorTraining] = (),
                   profile_status: str | None = None) -> TrainingState:
    """The refresher that counts is the latest completed training's: a refresher done is itself a
    training record, whose own refresher date (or none) replaces the old one. A later training date on
    the roster than that record also counts as done."""
    records = list(records)
    done = [r for r in records if r.completed_on is not None]
    completed = [r.completed_on for r in done]
    if educator.mentor_trained_on is not None:
        completed.append(educator.mentor_trained_on)
    enrolled = any(r.completed_on is None for r in records)
    latest = max(done, key=lambda r: r.completed_on) if done else None
    refresher = getattr(latest, "refresher_due", None) if latest is not None else None
    roster_date = educator.mentor_trained_on
    if refresher is not None and roster_date is not None and latest is not None and roster_date > latest.completed_on:
        refresher = None
    return TrainingState(max(completed) if completed else None, enrolled or profile_status == "training_pending",
                         refresher)


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


def refresher_check(state: TrainingState, on: dt.date, rule: str) -> Check | None:
    """Past due from the day after the refresher date, judged on the day the assignment would start.
    None when there is no refresher date (nothing to check). `rule`: "flag" or "block" (setting)."""
    due = state.refresher_due
    if due is None or state.trained_on is None:
        return None
    if on <= due:
        return Check("refresher", True, f"refresher due {_day(due)}", CITE_REFRESHER, required=False)
    blocked = rule == "block"
    return Check("refresher", False, f"training refresher past due since {_day(due)}", CITE_REFRESHER,
                 required=blocked, flag=not blocked)


def induction_check(enrollment_status: str | None) -> Check:
    if enrollment_status:
        return Check("not_in_induction", False, f"is a {enrollment_status} educator in induction this year",
                     CITE_INDUCTION)
    return Check("not_in_induction", True, "not in induction this year", CITE_INDUCTION)




def _day(d: dt.date) -> str:
    return us_date(d)  # 2/1/2027, as every date a person reads (issue 17); no strftime: it runs per mentor


def assignment_start(year: SchoolYear, today: dt.date | None = None) -> dt.date:
    """When an assignment made now starts: today, or the first day of school if that is later (what
    `--apply` and Apply all save, and the day the pool's criteria are judged on)."""
    today = today or dt.date.today()
    return max(today, year.first_day)


def employment_check(educator: Educator, year: SchoolYear, start: dt.date | None = None) -> Check:
    """Employed through the assignment: hired on or before the day it would start (`start`, by default
    the first day of school) and not leaving before the last day of school (603 CMR 7.12(2)(b))."""
    start = start or year.first_day
    if educator.exit_date is not None and educator.exit_date < year.last_day:
        return Check("employed", False, f"leaves on {_day(educator.exit_date)}, before the last day of school "
                                        f"({_day(year.last_day)})", CITE_EMPLOYED)
    hire = educator.hire_date
    if hire is not None and hire > year.last_day:
        return Check("employed", False, f"hired {_day(hire)}, after the school year ends ({_day(year.last_day)})",
                     CITE_EMPLOYED)
    if hire is not None and hire > start:
        return Check("employed", False, f"hired {_day(hire)}, after the assignment would start ({_day(start)})",
                     CITE_EMPLOYED)
    hired = f"hired {_day(hire)}, " if hire is not None else ""
    return Check("employed", True, f"{hired}on staff through the last day of school ({_day(year.last_day)})",
                 CITE_EMPLOYED)


def external_check(educator: Educator) -> Check | None:
    """For a mentor who is not the district's staff (Educator.external): the district's hire and exit dates do
    not apply (a retiree's exit date is their retirement); license, experience, rating and training still do
    ("who meet the above criteria", 004). None for district staff (employment_check applies)."""
    from app.models.vocab import EXTERNAL_LABELS

    kind = getattr(educator, "external", None)
    if not kind:
        return None
    return Check("external", True, f"{EXTERNAL_LABELS.get(kind, kind).lower()}: not on the district's staff, so "
                                   "hire and exit dates do not apply", CITE_EXTERNAL)


def willing_check(profile: MentorProfile | None) -> Check:
    if profile is None:
        return Check("willing", None, "not in the mentor pool for this year", CITE_WILLING)
    if not profile.willing or profile.status == "inactive":
        return Check("willing", False, "not available to mentor this year", CITE_WILLING)
    return Check("willing", True, f"willing, up to {profile.capacity} mentee{'s' if profile.capacity != 1 else ''}",
                 CITE_WILLING)


def mentor_checks(educator: Educator, year: SchoolYear, *, rules: Rules, training: TrainingState,
                  enrollment_status: str | None, profile: MentorProfile | None,
                  start: dt.date | None = None) -> list[Check]:
    """Every criterion about the mentor alone (603 CMR 7.02; 004), for an assignment starting on
    `start` (by default the first day of school)."""
    checks = [
        experience_check(educator),
        rating_check(educator, required=rules.rating_required),
        training_check(training),
        induction_check(enrollment_status),
        external_check(educator) or employment_check(educator, year, start),
        willing_check(profile),
    ]
    refresher = refresher_check(training, start or year.first_day, rules.refresher)
    if refresher is not None:
        checks.insert(3, refresher)
    return checks


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
    flagged = [c for c in checks if c.flag and c.met is False]
    if pending:
        if rules.allow_training_pending:
            return Verdict("flagged", tuple(c.reason for c in pending + flagged), checks)
        return Verdict("needs_training", tuple(c.reason for c in pending + flagged), checks)
    if flagged:
        return Verdict("flagged", tuple(c.reason for c in flagged), checks)
    return Verdict("eligible", (), checks)


def flag_words(v: Verdict) -> tuple[str, ...]:
    """Short flags for a flagged verdict: "training pending", "refresher past due"."""
    words = ("training pending",) if any(c.pending for c in v.checks) else ()
    return words + (("refresher past due",) if any(c.key == "refresher" and c.met is False for c in v.checks)
                    else ())


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


def check_mentor(session: Session, mentor: Educator, mentee: Educator | None, year: SchoolYear | str, *,
                 start: dt.date | None = None, today: dt.date | None = None) -> list[Check]:
    """Every mentor criterion for `mentor` (and, with `mentee`, the pair's), with reasons and citations,
    for an assignment starting on `start` (default: one made `today`, see `assignment_start`).

    Used by the Mentors page, matching's explanations and the assignment importer's warnings.
    """
    year = _year(session, year)
    start = start or assignment_start(year, today)
    rules = Rules.of(session)
    profile = _profile(session, mentor.id, year)
    records = session.scalars(select(MentorTraining).where(MentorTraining.educator_id == mentor.id)).all()
    checks = mentor_checks(mentor, year, rules=rules, training=training_state(mentor, records,
                                                                               profile.status if profile else None),
                           enrollment_status=_enrollment_status(session, mentor.id, year), profile=profile,
                           start=start)
    if mentee is not None:
        evaluates = (mentor.id, mentee.id) in evaluator_pairs(session, year, mentee_id=mentee.id)
        checks = pair_checks(mentor, mentee, evaluates=evaluates) + checks
    return checks


def evaluator_pairs(session: Session, year: SchoolYear,
                    mentee_id: uuid.UUID | None = None) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(evaluator id, evaluated educator id) for the year: recorded evaluator links and the
    evaluators on support teams (603 CMR 7.12: the support team's administrator qualified to evaluate)."""
    from app.models.scheduling import SupportTeamMember

    links = select(EvaluatorLink.evaluator_id, EvaluatorLink.educator_id).where(EvaluatorLink.school_year_id == year.id)
    team = select(SupportTeamMember.member_id, SupportTeamMember.mentee_id).where(
        SupportTeamMember.school_year_id == year.id, SupportTeamMember.role == "evaluator",
        SupportTeamMember.member_id.is_not(None))
    if mentee_id is not None:
        links = links.where(EvaluatorLink.educator_id == mentee_id)
        team = team.where(SupportTeamMember.mentee_id == mentee_id)
    return {(a, b) for a, b in session.execute(links).all()} | {(a, b) for a, b in session.execute(team).all()}


def mentor_verdict(session: Session, mentor: Educator, mentee: Educator | None, year: SchoolYear | str, *,
                   start: dt.date | None = None, today: dt.date | None = None) -> Verdict:
    return verdict(check_mentor(session, mentor, mentee, year, start=start, today=today), Rules.of(session))


def recommendation_check(recommendation: PrincipalRecommendation | None) -> Check:
    """The principal's recommendation of a supervising practitioner, with who made it and when
    (603 CMR 7.02; 001 job description: "Recommendation from principal/school building administrator")."""
    if recommendation is None:
        return Check("recommended", False, "no principal recommendation recorded", CITE_SP)
    by, on = recommendation.recommended_by, recommendation.recommended_on
    if not by or on is None:
        missing = " and ".join(w for w, v in (("who made it", by), ("the date", on)) if not v)
        return Check("recommended", None, f"recommendation recorded without {missing}", CITE_SP)
    return Check("recommended", True, f"recommended by {by} on {on.isoformat()}", CITE_SP)


def check_supervising_practitioner(session: Session, educator: Educator, year: SchoolYear | str, *,
                                   today: dt.date | None = None) -> list[Check]:
    """A supervising practitioner for the practicum (603 CMR 7.02; 001): three full years under an
    Initial or Professional license, Proficient or Exemplary on the most recent evaluation
    (required), a principal's recommendation recorded. The SP's interest and training are added by
    services/cap/supervisors.py (the SP pool)."""
    year = _year(session, year)
    recommendation = session.scalars(select(PrincipalRecommendation).where(
        PrincipalRecommendation.educator_id == educator.id,
        PrincipalRecommendation.school_year_id == year.id)).one_or_none()
    return [experience_check(educator, CITE_SP), rating_check(educator, required=True, citation=CITE_SP),
            employment_check(educator, year, assignment_start(year, today)), recommendation_check(recommendation)]


# --- the mentor pool (Mentors page) --------------------------------------------------------------

VERDICT_TEXT = {"eligible": "Eligible", "flagged": "Eligible (training pending)", "needs_training": "Needs training",
                "unknown": "Missing data", "ineligible": "Ineligible"}


@dataclass(frozen=True)
class TrainingInfo:
    id: uuid.UUID
    completed_on: dt.date | None
    provider: str | None
    hours: float | None
    refresher_due: dt.date | None
    notes: str | None


@dataclass(frozen=True)
class IncentiveInfo:
    stipend_dollars: float | None = None
    pdps: int | None = None
    release_hours: float | None = None
    notes: str | None = None

    @property
    def text(self) -> str:
        parts = []
        if self.stipend_dollars:
            parts.append(f"${self.stipend_dollars:,.0f} stipend")
        if self.pdps:
            parts.append(f"{self.pdps} PDPs")
        if self.release_hours:
            parts.append(f"{self.release_hours:.1f} h release")
        return ", ".join(parts)


@dataclass(frozen=True)
class PoolRow:
    """One educator in the year's mentor pool with every criterion (plain data for the UI)."""

    educator_id: uuid.UUID
    employee_id: str
    name: str
    school: str | None
    role: str
    subjects: tuple[str, ...]
    grades: tuple[str, ...]
    years_experience: int | None
    license_type: str | None
    last_rating: str | None
    willing: bool
    capacity: int
    load: int  # active mentees this year
    status: str  # a Verdict status
    reasons: tuple[str, ...]
    checks: tuple[Check, ...]
    trained_on: dt.date | None
    refresher_due: dt.date | None
    incentive: IncentiveInfo
    external: str | None = None  # "retired" or "other_district" (not district staff), else None
    name_key: tuple[str, ...] = ()  # roster.people_list.name_sort_key: the Name column sorts as People does

    @property
    def status_text(self) -> str:
        if self.status == "flagged":
            return f"Eligible ({', '.join(flag_words(Verdict(self.status, self.reasons, self.checks)))})"
        return VERDICT_TEXT[self.status]

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


def mentor_pool(session: Session, year_label: str, today: dt.date | None = None) -> list[PoolRow]:
    """The year's mentor pool, each member with every criterion met / not met / unknown and why."""
    from collections import defaultdict

    from app.services.roster.people_list import name_sort_key

    from app.models import Assignment
    from app.models.matching import MentorIncentive

    year = _year(session, year_label)
    today = today or dt.date.today()
    start = assignment_start(year, today)  # the pool as for an assignment made today
    rules = Rules.of(session)
    enrolled = dict(session.execute(select(InductionEnrollment.educator_id, InductionEnrollment.status).where(
        InductionEnrollment.school_year_id == year.id)).all())
    trainings: dict[uuid.UUID, list[MentorTraining]] = defaultdict(list)
    for t in session.scalars(select(MentorTraining)):
        trainings[t.educator_id].append(t)
    incentives = {i.educator_id: i for i in session.scalars(
        select(MentorIncentive).where(MentorIncentive.school_year_id == year.id))}
    load: dict[uuid.UUID, int] = defaultdict(int)
    for mentor_id, end in session.execute(select(Assignment.mentor_id, Assignment.end_date).where(
            Assignment.school_year_id == year.id)).all():
        if end is None or end >= today:
            load[mentor_id] += 1
    rows = []
    query, readable = with_ratings(session, select(MentorProfile, Educator))
    for profile, e in session.execute(query.join(
            Educator, MentorProfile.educator_id == Educator.id).where(MentorProfile.school_year_id == year.id)).all():
        if not readable:  # a server login that may not read ratings (access.py)
            blank_rating(e)
        records = trainings.get(e.id, [])
        state = training_state(e, records, profile.status)
        checks = mentor_checks(e, year, rules=rules, training=state, enrollment_status=enrolled.get(e.id),
                               profile=profile, start=start)
        v = verdict(checks, rules)
        dues = [r.refresher_due for r in records if r.refresher_due]
        inc = incentives.get(e.id)
        incentive = IncentiveInfo(inc.stipend_cents / 100 if inc and inc.stipend_cents is not None else None,
                                  inc.pdps if inc else None,
                                  inc.release_minutes / 60 if inc and inc.release_minutes is not None else None,
                                  inc.notes if inc else None)
        rows.append(PoolRow(e.id, e.employee_id, e.full_name, e.school.name if e.school else None, e.role,
                            tuple(e.subjects or ()), tuple(e.grades or ()), e.years_experience, e.license_type,
                            e.last_rating, profile.willing, profile.capacity, load.get(e.id, 0), v.status, v.reasons,
                            v.checks, state.trained_on, max(dues) if dues else None, incentive, e.external,
                            name_sort_key(e.last_name, e.first_name)))
    rows.sort(key=lambda r: r.name_key)  # the People order: accents folded, "de la Cruz" with the C's
    return rows


def pool_row(session: Session, year_label: str, educator_id: uuid.UUID) -> PoolRow | None:
    return next((r for r in mentor_pool(session, year_label) if r.educator_id == educator_id), None)


def add_to_pool(session: Session, year_label: str, educator_id: uuid.UUID, *, capacity: int | None = None) -> None:
    from app.services import settings

    year = _year(session, year_label)
    educator = session.get(Educator, educator_id)
    if educator is None:
        raise ValidationError([FieldProblem("educator", str(educator_id), "no longer exists")])
    if _profile(session, educator_id, year) is None:
        cap = capacity if capacity is not None else int(settings.get(session, "default_mentor_capacity"))
        status = "active" if educator.mentor_trained_on else "training_pending"
        session.add(MentorProfile(id=derived_id("mentor_profile", f"{educator.employee_id}:{year.label}"),
                                  educator_id=educator_id, school_year_id=year.id, capacity=cap, status=status))
        session.flush()


def save_profile(session: Session, year_label: str, educator_id: uuid.UUID, *, willing: bool, capacity: int,
                 notes: str | None = None) -> None:
    """Capacity and willingness for the year."""
    if capacity < 0 or capacity > 20:
        raise ValidationError([FieldProblem("capacity", str(capacity), "must be between 0 and 20 mentees")])
    year = _year(session, year_label)
    profile = _profile(session, educator_id, year)
    if profile is None:
        add_to_pool(session, year_label, educator_id, capacity=capacity)
        profile = _profile(session, educator_id, year)
    profile.willing, profile.capacity = willing, capacity
    if notes is not None:
        profile.notes = notes or None
    session.flush()


def list_trainings(session: Session, educator_id: uuid.UUID) -> list[TrainingInfo]:
    rows = session.scalars(select(MentorTraining).where(MentorTraining.educator_id == educator_id))
    out = [TrainingInfo(r.id, r.completed_on, r.provider, r.minutes / 60 if r.minutes is not None else None,
                        r.refresher_due, r.notes) for r in rows]
    out.sort(key=lambda t: (t.completed_on is None, t.completed_on or dt.date.min))
    return out


def add_training(session: Session, educator_id: uuid.UUID, *, completed_on: dt.date | None, provider: str | None,
                 hours: float | None, refresher_due: dt.date | None = None, notes: str | None = None) -> uuid.UUID:
    """Record a mentor training (no completion date: enrolled, "training pending").

    A completed training also fills the roster's mentor-training date when it was blank or later,
    so the state report's count of trained mentors (603 CMR 7.12(3)(c)) sees it; a pending mentor
    in this year's pool becomes active."""
    problems = []
    if provider and len(provider) > 200:
        problems.append(FieldProblem("provider", provider[:40] + "...", "longer than 200 characters"))
    if hours is not None and not 0 <= hours <= 500:
        problems.append(FieldProblem("hours", str(hours), "must be between 0 and 500"))
    if completed_on and refresher_due and refresher_due <= completed_on:
        problems.append(FieldProblem("refresher_due", refresher_due.isoformat(), "must come after the training"))
    if completed_on and completed_on > dt.date.today() + dt.timedelta(days=1):
        problems.append(FieldProblem("completed_on", completed_on.isoformat(),
                                     "is in the future: leave it blank for a training still to come"))
    if problems:
        raise ValidationError(problems)
    educator = session.get(Educator, educator_id)
    if educator is None:
        raise ValidationError([FieldProblem("educator", str(educator_id), "no longer exists")])
    row = MentorTraining(educator_id=educator_id, completed_on=completed_on, provider=provider or None,
                         minutes=round(hours * 60) if hours is not None else None, refresher_due=refresher_due,
                         notes=notes or None)
    session.add(row)
    if completed_on is not None:
        if educator.mentor_trained_on is None or completed_on < educator.mentor_trained_on:
            educator.mentor_trained_on = completed_on
        for profile in session.scalars(select(MentorProfile).where(MentorProfile.educator_id == educator_id,
                                                                   MentorProfile.status == "training_pending")):
            profile.status = "active"
    else:
        for profile in session.scalars(select(MentorProfile).where(MentorProfile.educator_id == educator_id,
                                                                   MentorProfile.status == "active")):
            if educator.mentor_trained_on is None:
                profile.status = "training_pending"
    session.flush()
    return row.id


def delete_training(session: Session, training_id: uuid.UUID) -> None:
    row = session.get(MentorTraining, training_id)
    if row is not None:
        row.tombstone()
        session.flush()


def save_incentive(session: Session, year_label: str, educator_id: uuid.UUID, *, stipend_dollars: float | None,
                   pdps: int | None, release_hours: float | None, notes: str | None = None) -> None:
    """What the mentor receives this year (004: stipend, PDPs, release time)."""
    from app.models.matching import MentorIncentive

    problems = []
    for name, value in (("stipend", stipend_dollars), ("pdps", pdps), ("release_hours", release_hours)):
        if value is not None and value < 0:
            problems.append(FieldProblem(name, str(value), "cannot be negative"))
    if problems:
        raise ValidationError(problems)
    year = _year(session, year_label)
    row = session.scalars(select(MentorIncentive).where(MentorIncentive.educator_id == educator_id,
                                                        MentorIncentive.school_year_id == year.id)).one_or_none()
    if row is None:
        row = MentorIncentive(id=derived_id("mentor_incentive", f"{educator_id}:{year.id}"), educator_id=educator_id,
                              school_year_id=year.id)
        session.add(row)
    row.stipend_cents = round(stipend_dollars * 100) if stipend_dollars is not None else None
    row.pdps = pdps
    row.release_minutes = round(release_hours * 60) if release_hours is not None else None
    row.notes = notes or None
    session.flush()


def pool_candidates(session: Session, year_label: str, search: str = "", limit: int = 50) -> list[tuple[uuid.UUID, str]]:
    """Staff not yet in the year's pool, by name or employee id (to add a volunteer)."""
    year = _year(session, year_label)
    in_pool = set(session.scalars(select(MentorProfile.educator_id).where(MentorProfile.school_year_id == year.id)))
    from app.services.roster.people_list import educators_matching, name_sort_key

    query = select(Educator.id, Educator.first_name, Educator.last_name, Educator.employee_id)
    ids = educators_matching(session, search)  # accents and case folded ("jose" finds José)
    if ids is not None:
        query = query.where(Educator.id.in_(ids))
    found = sorted((r for r in session.execute(query) if r.id not in in_pool),
                   key=lambda r: name_sort_key(r.last_name, r.first_name))
    out = [(r.id, f"{r.first_name} {r.last_name} ({r.employee_id})") for r in found[:limit]]
    return out


def record_recommendation(session: Session, year_label: str, educator_id: uuid.UUID, *,
                          recommended_by: str | None, recommended_on: dt.date | None) -> None:
    """A principal's recommendation of a supervising practitioner for the year (603 CMR 7.02)."""
    if recommended_by and len(recommended_by) > 200:
        raise ValidationError([FieldProblem("recommended_by", recommended_by[:40] + "...", "longer than 200 characters")])
    year = _year(session, year_label)
    row = session.scalars(select(PrincipalRecommendation).where(
        PrincipalRecommendation.educator_id == educator_id,
        PrincipalRecommendation.school_year_id == year.id)).one_or_none()
    if row is None:
        row = PrincipalRecommendation(id=derived_id("principal_recommendation", f"{educator_id}:{year.id}"),
                                      educator_id=educator_id, school_year_id=year.id)
        session.add(row)
    row.recommended_by, row.recommended_on = recommended_by or None, recommended_on
    session.flush()


def pool_from_roster(session: Session, year: SchoolYear) -> list[uuid.UUID]:
    """Educators a new year's pool starts from: trained (roster date or a completed training record),
    not in induction this year, employed on the first day, not in the pool yet."""
    trained = set(session.scalars(select(Educator.id).where(Educator.mentor_trained_on.is_not(None))))
    trained |= set(session.scalars(select(MentorTraining.educator_id).where(MentorTraining.completed_on.is_not(None))))
    inducted = set(session.scalars(select(InductionEnrollment.educator_id).where(
        InductionEnrollment.school_year_id == year.id)))
    pooled = set(session.scalars(select(MentorProfile.educator_id).where(MentorProfile.school_year_id == year.id)))
    out = []
    for educator_id, exit_date, external in session.execute(select(Educator.id, Educator.exit_date,
                                                                   Educator.external)).all():
        staff = external is not None or on_staff_at_start(exit_date, year)  # a retiree's exit date: CITE_EXTERNAL
        if educator_id in trained and educator_id not in inducted and educator_id not in pooled and staff:
            out.append(educator_id)
    return out


def fill_pool(session: Session, year_label: str) -> int:
    """Add the year's trained staff to the mentor pool (willing, default capacity); returns how many.
    Capacity and willingness are then set per person on the Mentors page."""
    from app.services import settings

    year = _year(session, year_label)
    capacity = int(settings.get(session, "default_mentor_capacity"))
    added = 0
    for educator_id in pool_from_roster(session, year):
        employee_id = session.scalars(select(Educator.employee_id).where(Educator.id == educator_id)).one()
        session.add(MentorProfile(id=derived_id("mentor_profile", f"{employee_id}:{year.label}"),
                                  educator_id=educator_id, school_year_id=year.id, capacity=capacity,
                                  status="active", willing=True))
        added += 1
    session.flush()
    return added
