"""Proposals from the database: the candidates (pool, mentees, rules), the solved proposal with its
reasons, the mentees left unmatched and why, and what moving a mentee to another mentor costs. The
solver itself is solver.py.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UsageError
from app.models import Assignment, Educator, InductionEnrollment, MentorProfile, School, SchoolYear
from app.models.matching import MatchRule, MentorTraining
from app.services.batch import cycle_collector_paused
from app.services.matching import eligibility as elig
from app.services.matching.solver import (
    DISPLAY_POINTS,
    PAIR_LEVELS,
    Features,
    Instance,
    MentorInfo,
    PersonInfo,
    Solution,
    features,
    solve,
)
from app.services.matching.proximity import room_area
from app.services.roster.educators import on_staff_at_start
from app.services.roster.people_list import name_sort_key

SCHEMA = "mentordesk.match/1"  # `match --json` (docs/formats.md)

# --- from the database -----------------------------------------------------------------------


@dataclass(frozen=True)
class ProposedPair:
    mentor: PersonInfo
    mentee: PersonInfo
    score: float
    reasons: tuple[str, ...]
    locked: bool = False
    flags: tuple[str, ...] = ()
    mentor_load: int = 1  # the mentor's mentees with this pair (existing included)
    mentor_capacity: int = 1

    def as_json(self) -> dict[str, object]:
        return {"mentor_employee_id": self.mentor.employee_id, "mentee_employee_id": self.mentee.employee_id,
                "score": self.score, "reasons": list(self.reasons) + list(self.flags), "locked": self.locked}


@dataclass(frozen=True)
class Unmatched:
    mentee: PersonInfo
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"mentee_employee_id": self.mentee.employee_id, "reason": self.reason}


@dataclass(frozen=True)
class Proposal:
    year_label: str
    pairs: list[ProposedPair]
    unmatched: list[Unmatched]
    totals: dict[str, int]
    maximum: int
    policy: str  # "lexicographic" or "district weights"
    seconds: dict[str, float]
    mentor_pool: int
    capacity_override: int | None = None
    exact: bool = True  # see Solution.exact
    implicit_pool: int = 0  # see Candidates.implicit_pool
    merged: tuple[str, ...] = ()  # see Weights.merged

    @property
    def notes(self) -> tuple[str, ...]:
        out = []
        if self.implicit_pool:
            out.append(f"No mentor pool for {self.year_label} yet: the {self.implicit_pool} trained educators on the "
                       "roster stand in (default capacity); applying adds them to the pool, where capacity and "
                       "willingness can be changed (Mentors).")
        if not self.exact:
            merged = [_NAMES.get(level, level) for level in self.merged]
            strict = [_NAMES[level] for level in PAIR_LEVELS if level not in self.merged]
            if merged:
                out.append(f"With this many mentees, {', '.join(merged)} and balanced load are weighed together as "
                           f"one tie-breaker (in that order within a pair), after {', '.join(strict)}, which keep "
                           "their strict order.")
            else:
                out.append("This instance is too large for exact tie-breaking on balanced load; the higher "
                           "priorities are unaffected.")
        return tuple(out)

    def as_json(self) -> dict[str, object]:
        # "year" is kept beside "school_year" for scripts written before schema 1 (docs/formats.md)
        return {"schema": SCHEMA, "school_year": self.year_label, "year": self.year_label,
                "pairs": [p.as_json() for p in self.pairs],
                "unmatched": [u.as_json() for u in self.unmatched], "totals": self.totals, "policy": self.policy,
                "notes": list(self.notes)}

    def pair_for(self, mentee_id: uuid.UUID) -> ProposedPair | None:
        return next((p for p in self.pairs if p.mentee.id == mentee_id), None)


@dataclass(frozen=True)
class _Profile:
    willing: bool
    status: str
    capacity: int


@dataclass
class Candidates:
    """What matching reads from the database for a year (built once per run)."""

    year: SchoolYear
    instance: Instance
    mentee_rows: list  # light educator records (_Ed); mentor_rows likewise
    mentor_rows: list
    # Mentors left out of the pool, by why (for the unmatched explanations): educator id -> row.
    after_training: dict[uuid.UUID, "_Ed"]  # training is the only criterion about them they miss
    needs_data: dict[uuid.UUID, "_Ed"]
    excluded: set[tuple[uuid.UUID, uuid.UUID]]
    evaluators: set[tuple[uuid.UUID, uuid.UUID]]
    implicit_pool: int = 0  # no pool saved for the year: this many trained educators stood in


def _ordinal(k: int) -> str:
    return f"{k}{'th' if 10 <= k % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(k % 10, 'th')}"


def explain(f: Features, role: str = "teacher") -> tuple[str, ...]:
    """The pair's reasons; administrators are matched by position and school level (solver.match_keys)."""
    from app.services.vocabulary import format_grades

    reasons = []
    if f.subject:
        reasons.append(("same position: " if role == "administrator" else "same subject: ") + ", ".join(f.subject))
    if f.grades:
        span = format_grades(f.grades).replace(';', ', ')
        reasons.append(f"same school level: grades {span}" if role == "administrator"
                       else f"grade{'s' if len(f.grades) > 1 else ''} {span} overlap")
    if f.building:
        reasons.append("same building")
    if f.area:
        reasons.append(f"classrooms near one another: {f.area}")  # 004: "classrooms located near one another"
    if f.periods:
        reasons.append(f"both free period{'s' if len(f.periods) > 1 else ''} {', '.join(f.periods)}")
    if f.focus:  # 004: "The match to the mentor should take into account individual needs"
        reasons.append("mentee's focus among the mentor's strengths: " + ", ".join(f.focus))
    if not reasons:
        reasons.append("eligible, but no shared subject, grades, building or planning period")
    return tuple(reasons)


def external_flag(p: PersonInfo) -> tuple[str, ...]:
    """How a mentor who is not district staff shows in proposals (004, Mentor Selection)."""
    from app.models.vocab import EXTERNAL_LABELS

    return (f"{EXTERNAL_LABELS[p.external].lower()} (not district staff)",) if p.external in EXTERNAL_LABELS else ()


def active_assignments(session: Session, year: SchoolYear, on: dt.date | None = None) -> list[Assignment]:
    on = on or dt.date.today()
    return [a for a in session.scalars(select(Assignment).where(Assignment.school_year_id == year.id))
            if a.end_date is None or a.end_date >= on]


def mentee_rows(session: Session, year: SchoolYear, *, include_incoming: bool) -> list[tuple[Educator, str]]:
    statuses = ("beginning", "incoming") if include_incoming else ("beginning",)
    rows = session.execute(select(Educator, InductionEnrollment.status).join(
        InductionEnrollment, InductionEnrollment.educator_id == Educator.id).where(
        InductionEnrollment.school_year_id == year.id, InductionEnrollment.status.in_(statuses))).all()
    return [(e, s) for e, s in rows if on_staff_at_start(e.exit_date, year)]


@dataclass(frozen=True, slots=True)
class _Ed:
    """An educator's fields read as plain columns (ten times faster than full ORM rows at 10,000)."""

    id: uuid.UUID
    employee_id: str
    first_name: str
    last_name: str
    role: str
    school: str | None
    subjects: list[str]
    grades: list[str]
    planning_periods: list[str]
    position: str | None
    license_type: str | None
    years_experience: int | None
    hire_date: dt.date | None
    exit_date: dt.date | None
    last_rating: str | None
    rating_year: int | None
    mentor_trained_on: dt.date | None
    room: str | None = None
    focus: list[str] | None = None
    strengths: list[str] | None = None
    external: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def info(self, room_rule: str = "off") -> PersonInfo:
        return PersonInfo(self.id, self.employee_id, self.full_name, self.role, self.school,
                          tuple(self.subjects or ()), tuple(self.grades or ()), tuple(self.planning_periods or ()),
                          self.position, self.license_type, self.years_experience, self.hire_date, self.room,
                          tuple(self.focus or ()), tuple(self.strengths or ()), self.external,
                          room_area(self.room, room_rule), name_sort_key(self.last_name, self.first_name))


_ED_COLUMNS = (Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name, Educator.role,
               School.name, Educator.subjects, Educator.grades, Educator.planning_periods, Educator.position,
               Educator.license_type, Educator.years_experience, Educator.hire_date, Educator.exit_date,
               Educator.last_rating, Educator.rating_year, Educator.mentor_trained_on, Educator.room,
               Educator.focus, Educator.strengths, Educator.external)


def _educators(session: Session, *extra, join=None, where=()):  # type: ignore[no-untyped-def]
    """(_Ed, *extra columns) for the educators the join and filters select."""
    query = select(*_ED_COLUMNS, *extra).outerjoin(School, Educator.school_id == School.id)
    if join is not None:
        query = query.join(*join)
    rows = session.execute(query.where(*where)).all()
    n = len(_ED_COLUMNS)
    return [(_Ed(*row[:n]), *row[n:]) for row in rows]


def load_candidates(session: Session, year_label: str, *, capacity: int | None = None,
                    today: dt.date | None = None, from_scratch: bool = False,
                    also_mentee: uuid.UUID | None = None) -> Candidates:
    """Read the year's candidates. `from_scratch` ignores existing assignments (what the whole year
    would look like matched anew: for benchmarks and comparisons; never applied as is)."""
    from app.services import settings
    from app.services.years import ensure_year

    if capacity is not None and capacity < 0:
        raise UsageError("--capacity must be 0 or more")
    year, _ = ensure_year(session, year_label)
    today = today or dt.date.today()
    start = elig.assignment_start(year, today)  # the day the pairs would start if applied now
    rules = elig.Rules.of(session)
    active = [] if from_scratch else [
        a for a in session.execute(select(Assignment.mentor_id, Assignment.mentee_id, Assignment.end_date).where(
            Assignment.school_year_id == year.id)).all() if a.end_date is None or a.end_date >= today]
    assigned_mentees = {a.mentee_id for a in active}
    load: dict[uuid.UUID, int] = defaultdict(int)
    for a in active:
        load[a.mentor_id] += 1
    include_incoming = bool(settings.get(session, "match_incoming"))
    room_rule = str(settings.get(session, "room_proximity") or "off")
    statuses = ("beginning", "incoming") if include_incoming else ("beginning",)
    mentees = [e for (e,) in _educators(session, join=(InductionEnrollment, InductionEnrollment.educator_id == Educator.id),
                                        where=(InductionEnrollment.school_year_id == year.id,
                                               InductionEnrollment.status.in_(statuses)))
               if (e.id not in assigned_mentees or e.id == also_mentee)
               and on_staff_at_start(e.exit_date, year)]
    mentees.sort(key=lambda e: e.employee_id)
    enrolled = dict(session.execute(select(InductionEnrollment.educator_id, InductionEnrollment.status).where(
        InductionEnrollment.school_year_id == year.id)).all())
    trainings: dict[uuid.UUID, list] = defaultdict(list)
    for t in session.execute(select(MentorTraining.educator_id, MentorTraining.completed_on,
                                         MentorTraining.refresher_due)).all():
        trainings[t.educator_id].append(t)
    profiles = _educators(session, MentorProfile.willing, MentorProfile.status, MentorProfile.capacity,
                          join=(MentorProfile, MentorProfile.educator_id == Educator.id),
                          where=(MentorProfile.school_year_id == year.id,))
    profiles = [(_Profile(willing, status, cap), e) for e, willing, status, cap in profiles]
    implicit = 0
    if not profiles:  # no pool for the year yet: the trained staff, as `fill_pool` would add them
        default = int(settings.get(session, "default_mentor_capacity"))
        pool = set(elig.pool_from_roster(session, year))
        profiles = [(_Profile(True, "active", default), e) for (e,) in _educators(session)
                    if e.id in pool]
        implicit = len(profiles)
    mentors: list[MentorInfo] = []
    mentor_rows: list[_Ed] = []
    after_training: dict[uuid.UUID, _Ed] = {}
    needs_data: dict[uuid.UUID, _Ed] = {}
    for profile, educator in sorted(profiles, key=lambda pe: pe[1].employee_id):
        state = elig.training_state(educator, trainings.get(educator.id, ()), profile.status)
        checks = elig.mentor_checks(educator, year, rules=rules, training=state,
                                    enrollment_status=enrolled.get(educator.id), profile=profile, start=start)
        v = elig.verdict(checks, rules)
        if v.assignable:
            cap = profile.capacity if capacity is None else capacity
            flags = elig.flag_words(v) if v.status == "flagged" else ()
            mentors.append(MentorInfo(educator.info(room_rule), cap, load.get(educator.id, 0), flags))
            mentor_rows.append(educator)
        elif all(c.key in ("trained", "refresher") for c in checks if c.required and c.met is not True):
            after_training[educator.id] = educator  # training is the only criterion missing
        elif v.status == "unknown":
            needs_data[educator.id] = educator
    rules_rows = session.scalars(select(MatchRule).where(
        (MatchRule.school_year_id == year.id) | (MatchRule.school_year_id.is_(None)))).all()
    excluded = {(r.mentor_id, r.mentee_id) for r in rules_rows if r.kind == "exclude"}
    evaluators = elig.evaluator_pairs(session, year)
    mentee_info = [e.info(room_rule) for e in mentees]
    allowed = np.zeros((len(mentees), len(mentors)), dtype=bool)
    if mentees and mentors:
        # Same role (eligibility.role_check), evaluated for every pair at once on role numbers:
        # comparing the strings themselves takes 15 times longer at 1,000 x 3,000.
        codes: dict[str, int] = {}
        roles = np.array([codes.setdefault(p.role, len(codes)) for p in mentee_info])
        mroles = np.array([codes.setdefault(mi.person.role, len(codes)) for mi in mentors])
        allowed = roles[:, None] == mroles[None, :]
        mentee_index = {e.id: i for i, e in enumerate(mentees)}
        mentor_index = {mi.person.id: j for j, mi in enumerate(mentors)}
        for mentor_id, mentee_id in excluded | evaluators:
            i, j = mentee_index.get(mentee_id), mentor_index.get(mentor_id)
            if i is not None and j is not None:
                allowed[i, j] = False
        for i, e in enumerate(mentees):  # nobody mentors themselves
            j = mentor_index.get(e.id)
            if j is not None:
                allowed[i, j] = False
    locks: list[tuple[int, int]] = []
    mentee_index = {e.id: i for i, e in enumerate(mentees)}
    mentor_index = {mi.person.id: j for j, mi in enumerate(mentors)}
    extra_mentors: list[MentorInfo] = []
    for r in sorted((r for r in rules_rows if r.kind == "lock"), key=lambda r: (r.created_at, str(r.id))):
        i = mentee_index.get(r.mentee_id)
        if i is None:
            continue
        j = mentor_index.get(r.mentor_id)
        if j is None:  # locked to someone outside the assignable pool: the lock stands, flagged
            educator = session.get(Educator, r.mentor_id)
            if educator is None:
                continue
            profile = next((p for p, e in profiles if e.id == educator.id), None)
            cap = (profile.capacity if profile else 1) if capacity is None else capacity
            extra_mentors.append(MentorInfo(PersonInfo.of(educator).with_area(room_rule), cap, load.get(educator.id, 0),
                                            ("not in the eligible pool",)))
            mentor_rows.append(educator)
            j = len(mentors) + len(extra_mentors) - 1
            mentor_index[educator.id] = j
        locks.append((i, j))
    if extra_mentors:
        mentors = mentors + extra_mentors
        allowed = np.hstack([allowed, np.zeros((len(mentees), len(extra_mentors)), dtype=bool)])
    instance = Instance(mentee_info, mentors, allowed, locks)
    return Candidates(year, instance, mentees, mentor_rows, after_training, needs_data, excluded, evaluators,
                      implicit)


def _pair_allowed(c: Candidates, mentor: "_Ed", mentee: "_Ed") -> bool:
    """The pair's own criteria (eligibility.pair_checks) are met and the coordinator has not excluded it."""
    if (mentor.id, mentee.id) in c.excluded:
        return False
    evaluates = (mentor.id, mentee.id) in c.evaluators
    return all(check.met for check in elig.pair_checks(mentor, mentee, evaluates=evaluates))


class _Unmatched:
    """Why each unmatched mentee is unmatched (built once per proposal: at 1,000 mentees x 3,000
    mentors a per-mentee scan of the pool in Python took seconds)."""

    def __init__(self, c: Candidates, load_after: np.ndarray):
        self.c = c
        inst = c.instance
        self.roles: dict[str, int] = {}
        self.mentor_role = np.array([self.roles.setdefault(mi.person.role, len(self.roles)) for mi in inst.mentors],
                                    dtype=np.int64)
        self.in_pool = np.array(["not in the eligible pool" not in mi.flags for mi in inst.mentors], dtype=bool)
        self.room = load_after < np.array([mi.capacity for mi in inst.mentors], dtype=np.int64)
        # Left out of the pool for training alone, or for missing data: counted per mentee only where
        # the pair itself is allowed (same role, not excluded, not the evaluator).
        self.blocked: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
        for mentor_id, mentee_id in c.excluded | c.evaluators:
            self.blocked[mentee_id].add(mentor_id)
        self.by_role = {name: Counter(m.role for m in group.values())
                        for name, group in (("after_training", c.after_training), ("needs_data", c.needs_data))}

    def _allowed_count(self, name: str, mentee: "_Ed") -> int:
        # Of a group, those of the mentee's role, less those the pair's criteria rule out. Those are
        # asked (eligibility.pair_checks, with the exclusions) only for the mentee themself and the
        # mentors an exclusion or an evaluator link names for them: for every other mentor of the
        # same role, nothing in the pair's criteria differs.
        group: dict[uuid.UUID, _Ed] = getattr(self.c, name)
        same_role = self.by_role[name][mentee.role]
        for mentor_id in self.blocked.get(mentee.id, set()) | {mentee.id}:
            mentor = group.get(mentor_id)
            if mentor is not None and mentor.role == mentee.role and not _pair_allowed(self.c, mentor, mentee):
                same_role -= 1
        return same_role

    def reason(self, i: int) -> str:
        c, inst = self.c, self.c.instance
        mentee = inst.mentees[i]
        same_role = self.in_pool & (self.mentor_role == self.roles.get(mentee.role, -1))
        eligible = same_role & inst.allowed[i]
        n_same, n_eligible = int(same_role.sum()), int(eligible.sum())
        parts = []
        if not n_same:
            parts.append(f"no eligible {mentee.role} mentor in the pool")
        elif not n_eligible:
            parts.append(f"no eligible mentor: all {n_same} {mentee.role} mentor{'s' if n_same != 1 else ''} "
                         f"excluded for this mentee or evaluating them")
        elif not (eligible & self.room).any():
            parts.append(f"no eligible mentor left with capacity ({n_eligible} eligible, all at capacity)")
        else:  # should not happen in an optimal solution; say so plainly
            parts.append("left unmatched by a lock")
        row = c.mentee_rows[i]
        trainable = self._allowed_count("after_training", row)
        if trainable:
            parts.append(f"{trainable} would be eligible after training")
        missing = self._allowed_count("needs_data", row)
        if missing:
            parts.append(f"{missing} more with missing data (years, license or rating)")
        return "; ".join(parts)


@cycle_collector_paused  # thousands of short-lived rows and checks: no full collections meanwhile
def propose(session: Session, year_label: str, *, capacity: int | None = None, today: dt.date | None = None,
            progress: Callable[[int, int, str], None] | None = None) -> Proposal:
    """Propose a mentor for every candidate mentee of the year with no active assignment."""
    from app.services import settings

    t0 = time.perf_counter()
    if progress:
        progress(0, 3, "Reading the mentor pool")
    c = load_candidates(session, year_label, capacity=capacity, today=today)
    t1 = time.perf_counter()
    if progress:
        progress(1, 3, "Solving")
    setting = settings.get(session, "match_weights")
    solution = solve(c.instance, setting=setting)
    t2 = time.perf_counter()
    return build_proposal(c, solution, year_label, capacity, {"load": t1 - t0, "solve": t2 - t1})


def build_proposal(c: Candidates, solution: Solution, year_label: str, capacity: int | None,
                   seconds: dict[str, float]) -> Proposal:
    inst = c.instance
    load_after = np.array([mi.load for mi in inst.mentors], dtype=np.int64)
    for _, j in solution.pairs:
        load_after[j] += 1
    w = solution.weights
    pairs = []
    counts = {"matched": len(solution.pairs), **{level: 0 for level in PAIR_LEVELS}}  # = totals()
    for i, j in sorted(solution.pairs, key=lambda p: inst.mentees[p[0]].employee_id):
        mentor = inst.mentors[j]
        f = features(inst.mentees[i], mentor.person)
        vec = f.vector()
        for level, value in vec.items():
            counts[level] += value
        score = sum(DISPLAY_POINTS[k] * v for k, v in vec.items()) if w.lexicographic else w.pair_score(vec)
        flags = list(mentor.flags) + list(external_flag(mentor.person))
        locked = (i, j) in solution.locked
        if locked:
            flags.insert(0, "locked by the coordinator")
            if not inst.allowed[i, j] and "not in the eligible pool" not in mentor.flags:
                flags.append("locked although not eligible for this mentee")
        if load_after[j] > mentor.capacity:
            flags.append(f"over capacity: {load_after[j]} of {mentor.capacity}")
        elif load_after[j] > 1:
            flags.append(f"group mentoring: {load_after[j]} of {mentor.capacity} mentees")
        reasons = explain(f, inst.mentees[i].role)
        pairs.append(ProposedPair(mentor.person, inst.mentees[i], float(score), reasons, locked, tuple(flags),
                                  int(load_after[j]), mentor.capacity))
    matched = {i for i, _ in solution.pairs}
    why = _Unmatched(c, load_after)
    unmatched = [Unmatched(inst.mentees[i], why.reason(i)) for i in range(len(inst.mentees)) if i not in matched]
    unmatched.sort(key=lambda u: u.mentee.employee_id)
    return Proposal(year_label, pairs, unmatched, counts, solution.maximum,
                    "lexicographic" if w.lexicographic else "district weights", seconds,
                    sum(1 for mi in inst.mentors if "not in the eligible pool" not in mi.flags), capacity,
                    solution.exact, c.implicit_pool, w.merged)


# --- what a move costs --------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternative:
    mentor: PersonInfo
    score: float
    reasons: tuple[str, ...]
    load: int  # mentees the mentor would have
    capacity: int
    change: str  # compared with the proposed mentor, e.g. "loses: same subject; gains: same building"
    # The mentor is full in the proposal: moving here pushes one of these mentees (proposed with this
    # mentor, not locked) to another mentor or leaves them unmatched when the rest is proposed again.
    displaces: tuple[PersonInfo, ...] = ()

    @property
    def displaced_text(self) -> str:
        if not self.displaces:
            return ""
        names = [p.name for p in self.displaces]
        if len(names) == 1:
            return f"{names[0]} would need another mentor"
        return f"one of {', '.join(names[:-1])} or {names[-1]} would need another mentor"


def alternatives(session: Session, year_label: str, mentee_id: uuid.UUID, proposal: Proposal | None = None,
                 *, capacity: int | None = None, limit: int = 50) -> list[Alternative]:
    """Every eligible mentor for the mentee, best first, with what moving there would cost (also for a
    mentee who already has a mentor: the reassignment dialog asks the same question)."""
    c = load_candidates(session, year_label, capacity=capacity, also_mentee=mentee_id)
    inst = c.instance
    i = next((k for k, p in enumerate(inst.mentees) if p.id == mentee_id), None)
    if i is None:
        return []
    current = proposal.pair_for(mentee_id) if proposal else None
    load = {mi.person.id: mi.load for mi in inst.mentors}
    movable: dict[uuid.UUID, list[PersonInfo]] = defaultdict(list)  # a mentor's proposed, unlocked mentees
    if proposal:
        for p in proposal.pairs:
            if p.mentee.id != mentee_id:
                load[p.mentor.id] = load.get(p.mentor.id, 0) + 1
                if not p.locked:
                    movable[p.mentor.id].append(p.mentee)
    base = features(inst.mentees[i], current.mentor).vector() if current else None
    assigned_to = set(session.scalars(select(Assignment.mentor_id).where(
        Assignment.mentee_id == mentee_id, Assignment.school_year_id == c.year.id, Assignment.end_date.is_(None))))
    out = []
    for j in np.flatnonzero(inst.allowed[i]):
        mentor = inst.mentors[j]
        if (current and mentor.person.id == current.mentor.id) or mentor.person.id in assigned_to:
            continue
        f = features(inst.mentees[i], mentor.person)
        vec = f.vector()
        after = load.get(mentor.person.id, 0) + 1
        change = _change(base, vec)
        displaces: tuple[PersonInfo, ...] = ()
        if after > mentor.capacity:
            # A lock takes its place first; the proposal's unlocked mentees of this mentor make room
            # (existing assignments and locks never do). None to move: the mentor goes over capacity.
            displaces = tuple(sorted(movable.get(mentor.person.id, ()), key=lambda p: p.employee_id))
            if displaces:
                after -= 1
                note = Alternative(mentor.person, 0, (), after, mentor.capacity, "", displaces).displaced_text
                change = (change + "; " if change else "") + f"full: {note}"
            else:
                change = (change + "; " if change else "") + f"over capacity ({after} of {mentor.capacity})"
        score = sum(DISPLAY_POINTS[k] * v for k, v in vec.items())
        out.append(Alternative(mentor.person, float(score), explain(f, inst.mentees[i].role)
                               + external_flag(mentor.person), after, mentor.capacity,
                               change, displaces))
    out.sort(key=lambda a: (a.load > a.capacity, bool(a.displaces), -a.score, a.load, a.mentor.employee_id))
    return out[:limit]


_NAMES = {"subject": "same subject", "grade": "grade overlap", "building": "same building",
          "proximity": "classrooms near one another", "planning": "shared planning period",
          "focus": "focus among the mentor's strengths"}


def _change(base: dict[str, int] | None, vec: dict[str, int]) -> str:
    if base is None:
        return "matches a mentee who has no proposed mentor"
    lost = [_NAMES[k] for k in _NAMES if base[k] and not vec[k]]
    gained = [_NAMES[k] for k in _NAMES if vec[k] and not base[k]]
    parts = []
    if lost:
        parts.append("loses: " + ", ".join(lost))
    if gained:
        parts.append("gains: " + ", ".join(gained))
    return "; ".join(parts) or "no change in the criteria"
