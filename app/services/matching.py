"""Matching: propose a trained mentor for every beginning educator, optimally and with reasons.

The default policy follows the regulations' priorities lexicographically (004, Mentor Assignment
and Compensation; 603 CMR 7.12):
  1. match as many mentees as possible with eligible mentors within capacity;
  2. then as many subject matches as possible (the pair shares a subject);
  3. then grade-level overlap; 4. then the same building; 5. then a shared planning period;
  6. then balanced load (a mentor's k-th mentee costs k, so load spreads before it piles up).

How it is solved (exactly, not greedily): each mentor becomes one column per free place
(capacity expansion), each mentee a row. Level 1 is structural: a maximum bipartite matching
(Hopcroft-Karp) gives the largest number K of mentees that can be matched, and the assignment
problem gets only (mentees - K) "unmatched" columns, so every feasible solution matches exactly
K. (When every mentee can be matched, K is all of them: the assignment problem is tried with no
"unmatched" column first, and the maximum matching is computed only if that is infeasible.)
Levels 2-6 are integer weights, each larger than the whole range of the levels below (weight of
a level = (K + 1) x weight of the next), so the minimum-cost assignment (scipy's
linear_sum_assignment) is the lexicographic optimum. A district may set its own
weights (setting `match_weights`); level 1 always stays first.

The solver works on plain data (`Instance`), so it is tested on random districts against brute
force and a maximum flow, without a database.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, InductionEnrollment, MentorProfile, School, SchoolYear
from app.models.matching import MatchRule, MentorTraining
from app.services import eligibility as elig
from app.services.batch import cycle_collector_paused
from app.services.educators import on_staff_at_start
from app.services.errors import FieldProblem, UsageError, ValidationError

LEVELS = ("subject", "grade", "building", "planning", "load")
# Points shown as a pair's score under the default policy (same order as the priorities).
DISPLAY_POINTS = {"subject": 8, "grade": 4, "building": 2, "planning": 1}
CITATION = "603 CMR 7.12(2)(b); 004 (Mentor Assignment: subject, then grade, then building, then schedule)"


@dataclass(frozen=True)
class PersonInfo:
    """An educator as the matcher sees them (plain data: safe across threads)."""

    id: uuid.UUID
    employee_id: str
    name: str
    role: str = "teacher"
    school: str | None = None
    subjects: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    periods: tuple[str, ...] = ()
    position: str | None = None
    license_type: str | None = None
    years_experience: int | None = None
    hire_date: dt.date | None = None

    @classmethod
    def of(cls, e: Educator) -> "PersonInfo":
        return cls(e.id, e.employee_id, e.full_name, e.role, e.school.name if e.school else None,
                   tuple(e.subjects or ()), tuple(e.grades or ()), tuple(e.planning_periods or ()),
                   e.position, e.license_type, e.years_experience, e.hire_date)


@dataclass(frozen=True)
class MentorInfo:
    person: PersonInfo
    capacity: int  # mentees this year (the profile's, or the run's --capacity)
    load: int = 0  # active assignments already this year
    flags: tuple[str, ...] = ()  # e.g. "training pending"


@dataclass
class Instance:
    """One matching problem: who, who may pair with whom, what is locked."""

    mentees: list[PersonInfo]
    mentors: list[MentorInfo]
    allowed: np.ndarray  # bool (mentees x mentors): eligible, same role, not excluded, not the evaluator
    locks: list[tuple[int, int]] = field(default_factory=list)  # (mentee index, mentor index)


@dataclass(frozen=True)
class Features:
    subject: tuple[str, ...]
    grades: tuple[str, ...]
    building: bool
    periods: tuple[str, ...]

    def vector(self) -> dict[str, int]:
        return {"subject": int(bool(self.subject)), "grade": int(bool(self.grades)),
                "building": int(self.building), "planning": int(bool(self.periods))}


@dataclass(frozen=True)
class Weights:
    """Per-pair weights for levels 2-5 and the per-place load weight (level 6)."""

    subject: float
    grade: float
    building: float
    planning: float
    load: float
    lexicographic: bool = True

    def pair_score(self, f: dict[str, int]) -> float:
        return self.subject * f["subject"] + self.grade * f["grade"] + self.building * f["building"] + \
            self.planning * f["planning"]


def lexicographic_weights(pairs: int, max_capacity: int) -> Weights:
    """Weights under which a weighted sum orders solutions exactly as the priorities do.

    With at most `pairs` pairs, a level's total ranges over 0..pairs, and the load total (sum of
    each pair's place index) over 0..pairs*(max_capacity-1); each weight exceeds the range of
    everything below it.
    """
    load_range = max(0, pairs * (max(max_capacity, 1) - 1))
    planning = load_range + 1
    building = (pairs + 1) * planning
    grade = (pairs + 1) * building
    subject = (pairs + 1) * grade
    return Weights(float(subject), float(grade), float(building), float(planning), 1.0, True)


def weights_from_setting(value: object, pairs: int, max_capacity: int) -> Weights:
    """The district's weights (setting `match_weights`: a dict of the LEVELS), else lexicographic."""
    if isinstance(value, dict) and value:
        try:
            w = {k: float(value.get(k, 0) or 0) for k in LEVELS}
            if any(isinstance(v, bool) for v in value.values()):
                raise TypeError
        except (TypeError, ValueError):
            raise ValidationError([FieldProblem("match_weights", str(value), "weights must be numbers")]) from None
        if any(x < 0 for x in w.values()):
            raise ValidationError([FieldProblem("match_weights", str(value), "weights cannot be negative")])
        return Weights(w["subject"], w["grade"], w["building"], w["planning"], w["load"], False)
    return lexicographic_weights(pairs, max_capacity)


def weights_problem(value: object) -> str | None:
    """Why a `match_weights` setting cannot be used (for the Settings page), or None."""
    if value is None or value == {}:
        return None
    if not isinstance(value, dict):
        return 'must be blank or an object such as {"subject": 3, "grade": 2}'
    unknown = sorted(set(value) - set(LEVELS))
    if unknown:
        return f"unknown criteria {', '.join(unknown)}; use {', '.join(LEVELS)}"
    try:
        weights_from_setting(value, 1, 1)
    except ValidationError as exc:
        return exc.problems[0].reason
    return None


def features(mentee: PersonInfo, mentor: PersonInfo) -> Features:
    subjects = tuple(sorted(set(mentee.subjects) & set(mentor.subjects)))
    grades = tuple(g for g in mentee.grades if g in set(mentor.grades))
    periods = tuple(p for p in mentee.periods if p in set(mentor.periods))
    building = mentee.school is not None and mentee.school == mentor.school
    return Features(subjects, grades, building, periods)


def _bitmasks(values: Sequence[Sequence[str]], vocab: dict[str, int]) -> list[np.ndarray]:
    """Each person's items as bits, in as few and as narrow unsigned words as the vocabulary needs."""
    masks = []
    for items in values:
        bits = 0
        for item in items:
            bits |= 1 << vocab[item]
        masks.append(bits)
    size = len(vocab)
    if size <= 32:
        dtype = np.uint8 if size <= 8 else np.uint16 if size <= 16 else np.uint32
        return [np.array(masks, dtype=dtype)]
    return [np.array([(bits >> (64 * w)) & 0xFFFF_FFFF_FFFF_FFFF for bits in masks], dtype=np.uint64)
            for w in range(-(-size // 64))]


def feature_matrices(mentees: Sequence[PersonInfo], mentors: Sequence[PersonInfo]) -> dict[str, np.ndarray]:
    """Each level's 0/1 matrix (mentees x mentors), vectorized (a million pairs in milliseconds):
    two people share a subject (grade, period) when their bit sets intersect. Plain elementwise
    work on one core (a matrix product here started BLAS threads that only waited on a busy machine)."""
    out: dict[str, np.ndarray] = {}
    for level, attr in (("subject", "subjects"), ("grade", "grades"), ("planning", "periods")):
        vocab: dict[str, int] = {}
        for p in (*mentees, *mentors):
            for item in getattr(p, attr):
                vocab.setdefault(item, len(vocab))
        a = _bitmasks([getattr(p, attr) for p in mentees], vocab)
        b = _bitmasks([getattr(p, attr) for p in mentors], vocab)
        shared = np.zeros((len(mentees), len(mentors)), dtype=bool)
        for a_word, b_word in zip(a, b):
            shared |= (a_word[:, None] & b_word[None, :]) != 0
        out[level] = shared
    schools: dict[str | None, int] = {}
    ea = np.array([schools.setdefault(p.school, len(schools)) if p.school else -1 for p in mentees])
    ma = np.array([schools.setdefault(p.school, len(schools)) if p.school else -2 for p in mentors])
    out["building"] = ea[:, None] == ma[None, :]
    return out


# --- the solver ------------------------------------------------------------------------------


@dataclass
class Solution:
    pairs: list[tuple[int, int]]  # (mentee index, mentor index), locks included
    locked: set[tuple[int, int]]
    weights: Weights
    maximum: int  # the largest number of mentees that could be matched (level 1)
    # Whether every cost and every sum of costs is an integer that floating point holds exactly (so the
    # optimum is exactly lexicographic); False only for very large instances with large capacities.
    exact: bool = True


def solve(instance: Instance, weights: Weights | None = None, *, setting: object = None) -> Solution:
    """The optimal assignment for the instance (see the module docstring)."""
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    n, m = len(instance.mentees), len(instance.mentors)
    load = np.array([mi.load for mi in instance.mentors], dtype=np.int64)
    capacity = np.array([mi.capacity for mi in instance.mentors], dtype=np.int64)
    pairs: list[tuple[int, int]] = []
    locked: set[tuple[int, int]] = set()
    taken_rows: set[int] = set()
    for i, j in instance.locks:  # the coordinator's decision stands, even beyond capacity
        if i in taken_rows:
            continue
        pairs.append((i, j))
        locked.add((i, j))
        taken_rows.add(i)
        load[j] += 1
    rows = np.array([i for i in range(n) if i not in taken_rows], dtype=np.int64)
    max_capacity = int(max(capacity.max(initial=1), load.max(initial=0) + 1))
    if len(rows) == 0 or m == 0:
        w = weights or weights_from_setting(setting, 0, max_capacity)
        return Solution(pairs, locked, w, len(pairs))
    allowed = instance.allowed[rows]
    free = np.maximum(capacity - load, 0)
    demand = allowed.sum(axis=0)
    places = np.minimum(free, demand)  # a mentor never needs more places than mentees who may take them
    slot_mentor = np.repeat(np.arange(m), places)
    first = np.repeat(load, places)
    offsets = np.arange(len(slot_mentor)) - np.repeat(np.cumsum(places) - places, places)
    slot_index = first + offsets  # the place's position in the mentor's group: 0 for a first mentee
    if len(slot_mentor) == 0:
        w = weights or weights_from_setting(setting, 0, max_capacity)
        return Solution(pairs, locked, w, len(pairs))
    slot_allowed = allowed[:, slot_mentor]
    f = feature_matrices([instance.mentees[i] for i in rows], [mi.person for mi in instance.mentors])
    # Each pair's levels 2-5 as four bits (subject 8, grade 4, building 2, planning 1): the pair's
    # score is then one lookup in a 16-entry table, for a million pairs without large temporaries.
    code = f["planning"].view(np.uint8) | (f["building"].view(np.uint8) << 1) | (f["grade"].view(np.uint8) << 2) \
        | (f["subject"].view(np.uint8) << 3)
    slot_code = code[:, slot_mentor]

    def assignment(k: int) -> tuple[Weights, np.ndarray, np.ndarray]:
        """The minimum-cost assignment when exactly k of the rows are matched (the rest take one of
        the len(rows) - k "unmatched" columns); raises ValueError if k cannot be matched."""
        w = weights or weights_from_setting(setting, k, max_capacity)
        table = np.array([w.pair_score({"subject": b >> 3 & 1, "grade": b >> 2 & 1, "building": b >> 1 & 1,
                                        "planning": b & 1}) for b in range(16)], dtype=np.float64)
        cost = table[slot_code]
        np.negative(cost, out=cost)
        cost += w.load * slot_index[None, :]
        cost[~slot_allowed] = np.inf
        if len(rows) > k:
            cost = np.hstack([cost, np.zeros((len(rows), len(rows) - k))])
        return (w, *linear_sum_assignment(cost))

    solved = None
    if len(rows) <= len(slot_mentor):
        # Usually every remaining mentee can be matched: then K is all of them and the assignment
        # problem alone is the answer (it reports an infeasible matrix otherwise, and K then comes
        # from a maximum bipartite matching, Hopcroft-Karp). Both give the same solution.
        try:
            k = len(rows)
            solved = assignment(k)
        except ValueError as exc:
            if "infeasible" not in str(exc):
                raise
    if solved is None:
        matching = maximum_bipartite_matching(csr_matrix(slot_allowed), perm_type="column")
        k = int((matching >= 0).sum())
        if k == 0:
            return Solution(pairs, locked, weights or weights_from_setting(setting, k, max_capacity), len(pairs))
        solved = assignment(k)
    w, row_ind, col_ind = solved
    for r, c in zip(row_ind, col_ind):
        if c < len(slot_mentor):
            pairs.append((int(rows[r]), int(slot_mentor[c])))
    largest = (w.subject + w.grade + w.building + w.planning + w.load * max_capacity) * (len(rows) + 1)
    return Solution(pairs, locked, w, k + len(locked), exact=not w.lexicographic or largest < 2 ** 53)


def greedy_first_fit(instance: Instance) -> list[tuple[int, int]]:
    """The spreadsheet way, for comparison: each mentee in turn takes the first eligible mentor with
    a free place."""
    load = [mi.load for mi in instance.mentors]
    pairs = []
    for i in range(len(instance.mentees)):
        for j in np.flatnonzero(instance.allowed[i]):
            if load[j] < instance.mentors[j].capacity:
                load[j] += 1
                pairs.append((i, int(j)))
                break
    return pairs


def totals(instance: Instance, pairs: Sequence[tuple[int, int]]) -> dict[str, int]:
    """How many pairs, and how many share a subject, grades, a building, a planning period."""
    out = {"matched": len(pairs), "subject": 0, "grade": 0, "building": 0, "planning": 0}
    for i, j in pairs:
        for level, value in features(instance.mentees[i], instance.mentors[j].person).vector().items():
            out[level] += value
    return out


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

    @property
    def notes(self) -> tuple[str, ...]:
        out = []
        if self.implicit_pool:
            out.append(f"No mentor pool for {self.year_label} yet: the {self.implicit_pool} trained educators on the "
                       "roster stand in (default capacity); applying adds them to the pool, where capacity and "
                       "willingness can be changed (Mentors).")
        if not self.exact:
            out.append("This instance is too large for exact tie-breaking on balanced load; the higher priorities "
                       "are unaffected.")
        return tuple(out)

    def as_json(self) -> dict[str, object]:
        return {"year": self.year_label, "pairs": [p.as_json() for p in self.pairs],
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


def explain(f: Features) -> tuple[str, ...]:
    from app.services.vocabulary import format_grades

    reasons = []
    if f.subject:
        reasons.append("same subject: " + ", ".join(f.subject))
    if f.grades:
        span = format_grades(f.grades)
        reasons.append(f"grade{'s' if len(f.grades) > 1 else ''} {span.replace(';', ', ')} overlap")
    if f.building:
        reasons.append("same building")
    if f.periods:
        reasons.append(f"both free period{'s' if len(f.periods) > 1 else ''} {', '.join(f.periods)}")
    if not reasons:
        reasons.append("eligible, but no shared subject, grades, building or planning period")
    return tuple(reasons)


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

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def info(self) -> PersonInfo:
        return PersonInfo(self.id, self.employee_id, self.full_name, self.role, self.school,
                          tuple(self.subjects or ()), tuple(self.grades or ()), tuple(self.planning_periods or ()),
                          self.position, self.license_type, self.years_experience, self.hire_date)


_ED_COLUMNS = (Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name, Educator.role,
               School.name, Educator.subjects, Educator.grades, Educator.planning_periods, Educator.position,
               Educator.license_type, Educator.years_experience, Educator.hire_date, Educator.exit_date,
               Educator.last_rating, Educator.rating_year, Educator.mentor_trained_on)


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
    for t in session.execute(select(MentorTraining.educator_id, MentorTraining.completed_on)).all():
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
            flags = ("training pending",) if v.status == "flagged" else ()
            mentors.append(MentorInfo(educator.info(), cap, load.get(educator.id, 0), flags))
            mentor_rows.append(educator)
        elif all(c.key == "trained" for c in checks if c.required and c.met is not True):
            after_training[educator.id] = educator  # training is the only criterion missing
        elif v.status == "unknown":
            needs_data[educator.id] = educator
    rules_rows = session.scalars(select(MatchRule).where(
        (MatchRule.school_year_id == year.id) | (MatchRule.school_year_id.is_(None)))).all()
    excluded = {(r.mentor_id, r.mentee_id) for r in rules_rows if r.kind == "exclude"}
    evaluators = elig.evaluator_pairs(session, year)
    mentee_info = [e.info() for e in mentees]
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
            extra_mentors.append(MentorInfo(PersonInfo.of(educator), cap, load.get(educator.id, 0),
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
    counts = {"matched": len(solution.pairs), "subject": 0, "grade": 0, "building": 0, "planning": 0}  # = totals()
    for i, j in sorted(solution.pairs, key=lambda p: inst.mentees[p[0]].employee_id):
        mentor = inst.mentors[j]
        f = features(inst.mentees[i], mentor.person)
        vec = f.vector()
        for level, value in vec.items():
            counts[level] += value
        score = sum(DISPLAY_POINTS[k] * v for k, v in vec.items()) if w.lexicographic else w.pair_score(vec)
        flags = list(mentor.flags)
        locked = (i, j) in solution.locked
        if locked:
            flags.insert(0, "locked by the coordinator")
            if not inst.allowed[i, j] and "not in the eligible pool" not in mentor.flags:
                flags.append("locked although not eligible for this mentee")
        if load_after[j] > mentor.capacity:
            flags.append(f"over capacity: {load_after[j]} of {mentor.capacity}")
        elif load_after[j] > 1:
            flags.append(f"group mentoring: {load_after[j]} of {mentor.capacity} mentees")
        pairs.append(ProposedPair(mentor.person, inst.mentees[i], float(score), explain(f), locked, tuple(flags),
                                  int(load_after[j]), mentor.capacity))
    matched = {i for i, _ in solution.pairs}
    why = _Unmatched(c, load_after)
    unmatched = [Unmatched(inst.mentees[i], why.reason(i)) for i in range(len(inst.mentees)) if i not in matched]
    unmatched.sort(key=lambda u: u.mentee.employee_id)
    return Proposal(year_label, pairs, unmatched, counts, solution.maximum,
                    "lexicographic" if w.lexicographic else "district weights", seconds,
                    sum(1 for mi in inst.mentors if "not in the eligible pool" not in mi.flags), capacity,
                    solution.exact, c.implicit_pool)


# --- locks and exclusions ----------------------------------------------------------------------


def _rule(session: Session, kind: str, mentor_id: uuid.UUID, mentee_id: uuid.UUID,
          year_id: uuid.UUID | None) -> MatchRule | None:
    query = select(MatchRule).where(MatchRule.kind == kind, MatchRule.mentor_id == mentor_id,
                                    MatchRule.mentee_id == mentee_id)
    query = query.where(MatchRule.school_year_id.is_(None) if year_id is None else MatchRule.school_year_id == year_id)
    return session.scalars(query).first()


def lock_pair(session: Session, year_label: str, mentor_id: uuid.UUID, mentee_id: uuid.UUID) -> None:
    """This pair stays in every proposal until unlocked; the mentee's other locks go."""
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    if mentor_id == mentee_id:
        raise ValidationError([FieldProblem("mentor", "", "cannot mentor themselves")])
    for r in session.scalars(select(MatchRule).where(MatchRule.kind == "lock", MatchRule.mentee_id == mentee_id,
                                                     MatchRule.school_year_id == year.id)):
        if r.mentor_id != mentor_id:
            r.tombstone()
    for r in session.scalars(select(MatchRule).where(MatchRule.kind == "exclude", MatchRule.mentee_id == mentee_id,
                                                     MatchRule.mentor_id == mentor_id,
                                                     MatchRule.school_year_id == year.id)):
        r.tombstone()  # a lock on a pair excluded this year replaces the exclusion
    if _rule(session, "lock", mentor_id, mentee_id, year.id) is None:
        session.add(MatchRule(kind="lock", mentor_id=mentor_id, mentee_id=mentee_id, school_year_id=year.id))
    session.flush()


def unlock_pair(session: Session, year_label: str, mentor_id: uuid.UUID, mentee_id: uuid.UUID) -> None:
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    rule = _rule(session, "lock", mentor_id, mentee_id, year.id)
    if rule is not None:
        rule.tombstone()
        session.flush()


def exclude_pair(session: Session, year_label: str | None, mentor_id: uuid.UUID, mentee_id: uuid.UUID,
                 private_reason: str | None = None) -> None:
    """Never propose this pair (this year, or with `year_label` None every year: hold-harmless)."""
    from app.services.years import ensure_year

    year_id = ensure_year(session, year_label)[0].id if year_label else None
    for r in session.scalars(select(MatchRule).where(MatchRule.kind == "lock", MatchRule.mentee_id == mentee_id,
                                                     MatchRule.mentor_id == mentor_id)):
        if year_id is None or r.school_year_id == year_id:
            r.tombstone()
    if _rule(session, "exclude", mentor_id, mentee_id, year_id) is None:
        session.add(MatchRule(kind="exclude", mentor_id=mentor_id, mentee_id=mentee_id, school_year_id=year_id,
                              private_reason=private_reason))
    session.flush()


@dataclass(frozen=True)
class RuleInfo:
    id: uuid.UUID
    kind: str
    mentor: PersonInfo
    mentee: PersonInfo
    every_year: bool


def list_rules(session: Session, year_label: str) -> list[RuleInfo]:
    from app.services.years import ensure_year

    year, _ = ensure_year(session, year_label)
    rows = session.scalars(select(MatchRule).where(
        (MatchRule.school_year_id == year.id) | (MatchRule.school_year_id.is_(None))))
    return [RuleInfo(r.id, r.kind, PersonInfo.of(r.mentor), PersonInfo.of(r.mentee), r.school_year_id is None)
            for r in rows]


def remove_rule(session: Session, rule_id: uuid.UUID) -> None:
    rule = session.get(MatchRule, rule_id)
    if rule is not None:
        rule.tombstone()
        session.flush()


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
        out.append(Alternative(mentor.person, float(score), explain(f), after, mentor.capacity, change, displaces))
    out.sort(key=lambda a: (a.load > a.capacity, bool(a.displaces), -a.score, a.load, a.mentor.employee_id))
    return out[:limit]


_NAMES = {"subject": "same subject", "grade": "grade overlap", "building": "same building",
          "planning": "shared planning period"}


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
