"""Matching: propose a trained mentor for every beginning educator, optimally and with reasons.

The default policy follows the regulations' priorities lexicographically (004, Mentor Assignment
and Compensation; 603 CMR 7.12):
  1. match as many mentees as possible with eligible mentors within capacity;
  2. then as many subject matches as possible (the pair shares a subject);
  3. then grade-level overlap; 4. then the same building; 5. then classrooms near one another (the
  same floor or wing of that building, from the `room` field by the district's `room_proximity`
  setting: proximity.py); 6. then a shared planning period; 7. then the mentee's focus areas met by
  the mentor's strengths (004: "The match to the mentor should take into account individual needs");
  8. then balanced load (a mentor's k-th mentee costs k, so load spreads before it piles up).

How it is solved (exactly, not greedily): each mentor becomes one column per free place
(capacity expansion), each mentee a row. Level 1 is structural: a maximum bipartite matching
(Hopcroft-Karp) gives the largest number K of mentees that can be matched, and the assignment
problem gets only (mentees - K) "unmatched" columns, so every feasible solution matches exactly
K. (When every mentee can be matched, K is all of them: the assignment problem is tried with no
"unmatched" column first, and the maximum matching is computed only if that is infeasible.)
Levels 2-8 are integer weights, each larger than the whole range of the levels below (the weight of
a level = 1 + the largest total of everything below it; a level's total is at most the number of
mentees who have an allowed mentor sharing it), so the minimum-cost assignment (scipy's
linear_sum_assignment) is the lexicographic optimum. Floating point holds integers exactly only up
to 2^53: when the weights would pass that (a large district where every level can be met, e.g. 1,000
mentees), the lowest levels are weighed together as one tie-breaker, each pair's own order kept
(proximity before planning before focus before load), and never more than the levels above them
can outweigh (see `lexicographic_weights`); the proposal says so. A district may set its own weights
(setting `match_weights`); level 1 always stays first.

The solver works on plain data (`Instance`), so it is tested on random districts against brute
force and a maximum flow, without a database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from app.errors import FieldProblem, ValidationError
from app.models import Educator

LEVELS = ("subject", "grade", "building", "proximity", "planning", "focus", "load")
PAIR_LEVELS = LEVELS[:-1]  # each a 0/1 feature of a pair; "load" is per place
# Points shown as a pair's score under the default policy (same order as the priorities).
DISPLAY_POINTS = {"subject": 32, "grade": 16, "building": 8, "proximity": 4, "planning": 2, "focus": 1}
CITATION = ("603 CMR 7.12(2)(b); 004 (Mentor Assignment: subject, then grade, then building, then schedules and "
            "classrooms located near one another; individual needs)")
def _name_key(last: str, first: str) -> tuple[str, ...]:
    from app.services.roster.people_list import name_sort_key

    return name_sort_key(last or "", first or "")


# Floating point is exact for integers below 2^53: the solver's costs and their sums stay under it.
EXACT_LIMIT = 2 ** 53


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
    room: str | None = None
    focus: tuple[str, ...] = ()  # a mentee's needs (004: "individual needs of the beginning teacher")
    strengths: tuple[str, ...] = ()  # a mentor's strengths
    external: str | None = None  # "retired" or "other_district": not district staff (004)
    area: str | None = None  # where the classroom is within the school ("floor 2", "wing B"): proximity.py
    name_key: tuple[str, ...] = ()  # roster.people_list.name_sort_key: name columns sort as People does

    @classmethod
    def of(cls, e: Educator) -> "PersonInfo":
        return cls(e.id, e.employee_id, e.full_name, e.role, e.school.name if e.school else None,
                   tuple(e.subjects or ()), tuple(e.grades or ()), tuple(e.planning_periods or ()),
                   e.position, e.license_type, e.years_experience, e.hire_date, e.room, tuple(e.focus or ()),
                   tuple(e.strengths or ()), e.external, name_key=_name_key(e.last_name, e.first_name))

    def with_area(self, rule: str) -> "PersonInfo":
        from dataclasses import replace

        from app.services.matching.proximity import room_area

        return replace(self, area=room_area(self.room, rule))


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
    area: str | None = None  # the floor or wing both classrooms are on (same building only)
    focus: tuple[str, ...] = ()  # the mentee's focus areas among the mentor's strengths

    def vector(self) -> dict[str, int]:
        return {"subject": int(bool(self.subject)), "grade": int(bool(self.grades)),
                "building": int(self.building), "proximity": int(self.area is not None),
                "planning": int(bool(self.periods)), "focus": int(bool(self.focus))}


@dataclass(frozen=True)
class Weights:
    """Per-pair weights for levels 2-7 and the per-place load weight (level 8)."""

    subject: float
    grade: float
    building: float
    planning: float
    load: float
    lexicographic: bool = True
    proximity: float = 0.0
    focus: float = 0.0
    # The lowest levels weighed together as one tie-breaker (when strict order would pass EXACT_LIMIT).
    merged: tuple[str, ...] = ()

    def pair_score(self, f: dict[str, int]) -> float:
        return sum(getattr(self, level) * f.get(level, 0) for level in PAIR_LEVELS)


def lexicographic_weights(pairs: int, max_capacity: int, reach: dict[str, int] | None = None,
                          rows: int | None = None) -> Weights:
    """Weights under which a weighted sum orders solutions exactly as the priorities do.

    With at most `pairs` pairs, a level's total ranges over 0..reach (at most `pairs`: the mentees
    who have an allowed mentor sharing that level; `reach`), and the load total (sum of each pair's
    place index) over 0..pairs*(max_capacity-1); each weight is one more than the largest total of
    everything below it, so no amount of a lower level outweighs one of a higher.

    If the largest cost times the mentees (`rows`, for the sums the solver forms) would pass
    EXACT_LIMIT, the lowest levels are merged, one at a time from the bottom, into a tie-breaker whose
    per-pair weights keep their order within one pair (each merged level weighs more than the load and
    the merged levels below it can add in that pair) and whose whole range is still below the weight of
    the lowest strict level: they can never swamp the levels above, they only stop being strictly
    ordered among themselves across pairs. `merged` names them, highest first.
    """
    cap = max(max_capacity, 1)
    rows = pairs if rows is None else rows
    bound = {level: min(pairs, (reach or {}).get(level, pairs)) for level in PAIR_LEVELS}
    load_range = max(0, pairs * (cap - 1))
    ladder = ["load", *reversed(PAIR_LEVELS)]  # bottom up
    best: dict[str, int] = {}
    for merge in range(1, len(ladder) + 1):
        w: dict[str, int] = {"load": 1}
        per_pair = cap - 1  # the largest cost within one pair of the merged levels so far
        for level in ladder[1:merge]:  # within a pair, each merged level outweighs those below it
            w[level] = per_pair + 1
            per_pair += w[level]
        span = load_range + sum(w[level] * bound[level] for level in ladder[1:merge])
        for level in ladder[merge:]:  # strictly before everything below
            w[level] = span + 1
            span += w[level] * bound[level]
        largest = sum(w.values()) + cap  # one pair's largest cost
        best = w
        if largest * (rows + 1) < EXACT_LIMIT:
            break
    merged = tuple(level for level in reversed(ladder[:merge]) if level != "load") if merge > 1 else ()
    return Weights(float(best["subject"]), float(best["grade"]), float(best["building"]), float(best["planning"]),
                   1.0, True, float(best["proximity"]), float(best["focus"]), merged)


def weights_from_setting(value: object, pairs: int, max_capacity: int, reach: dict[str, int] | None = None,
                         rows: int | None = None) -> Weights:
    """The district's weights (setting `match_weights`: a dict of the LEVELS; a level left out weighs 0),
    else lexicographic."""
    if isinstance(value, dict) and value:
        try:
            w = {k: float(value.get(k, 0) or 0) for k in LEVELS}
            if any(isinstance(v, bool) for v in value.values()):
                raise TypeError
        except (TypeError, ValueError):
            raise ValidationError([FieldProblem("match_weights", str(value), "weights must be numbers")]) from None
        if any(x < 0 for x in w.values()):
            raise ValidationError([FieldProblem("match_weights", str(value), "weights cannot be negative")])
        return Weights(w["subject"], w["grade"], w["building"], w["planning"], w["load"], False,
                       w["proximity"], w["focus"])
    return lexicographic_weights(pairs, max_capacity, reach, rows)


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


def match_keys(p: PersonInfo) -> tuple[str, ...]:
    """What level 2 compares. Teachers: subjects (004: "The subject matter match should be the foremost
    priority"). Administrators: their position (Principal, Assistant Principal...), 603 CMR 7.13 and 004,
    "Induction Programs for Administrators": "prioritize matching mentors and mentees by similar school
    characteristics and location"; their grades (the school's) then give the school level at level 3."""
    if p.role == "administrator":
        return (" ".join(p.position.split()).title(),) if p.position and p.position.strip() else ()
    return p.subjects


def features(mentee: PersonInfo, mentor: PersonInfo) -> Features:
    subjects = tuple(sorted(set(match_keys(mentee)) & set(match_keys(mentor))))
    grades = tuple(g for g in mentee.grades if g in set(mentor.grades))
    periods = tuple(p for p in mentee.periods if p in set(mentor.periods))
    building = mentee.school is not None and mentee.school == mentor.school
    area = mentee.area if building and mentee.area is not None and mentee.area == mentor.area else None
    focus = tuple(sorted(set(mentee.focus) & set(mentor.strengths)))
    return Features(subjects, grades, building, periods, area, focus)


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
    def values(p: PersonInfo, attr: str) -> tuple[str, ...]:
        return match_keys(p) if attr == "subjects" else getattr(p, attr)

    for level, attr, other in (("subject", "subjects", "subjects"), ("grade", "grades", "grades"),
                               ("planning", "periods", "periods"), ("focus", "focus", "strengths")):
        vocab: dict[str, int] = {}
        for p in mentees:
            for item in values(p, attr):
                vocab.setdefault(item, len(vocab))
        for p in mentors:
            for item in values(p, other):
                vocab.setdefault(item, len(vocab))
        a = _bitmasks([values(p, attr) for p in mentees], vocab)
        b = _bitmasks([values(p, other) for p in mentors], vocab)
        shared = np.zeros((len(mentees), len(mentors)), dtype=bool)
        for a_word, b_word in zip(a, b):
            shared |= (a_word[:, None] & b_word[None, :]) != 0
        out[level] = shared
    schools: dict[str | None, int] = {}
    ea = np.array([schools.setdefault(p.school, len(schools)) if p.school else -1 for p in mentees])
    ma = np.array([schools.setdefault(p.school, len(schools)) if p.school else -2 for p in mentors])
    out["building"] = ea[:, None] == ma[None, :]
    areas: dict[tuple[str, str], int] = {}  # (school, area): the same floor or wing of the same building
    ea = np.array([areas.setdefault((p.school, p.area), len(areas)) if p.school and p.area else -1 for p in mentees])
    ma = np.array([areas.setdefault((p.school, p.area), len(areas)) if p.school and p.area else -2 for p in mentors])
    out["proximity"] = ea[:, None] == ma[None, :]
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
    # Each pair's levels 2-7 as six bits (subject 32 ... focus 1, as DISPLAY_POINTS): the pair's
    # score is then one lookup in a 64-entry table, for a million pairs without large temporaries.
    code = np.zeros((len(rows), m), dtype=np.uint8)
    for bit, level in enumerate(reversed(PAIR_LEVELS)):
        code |= f[level].view(np.uint8) << bit
    # How far each level can reach: the mentees with an allowed mentor (with a free place) sharing it.
    reachable = np.bitwise_or.reduce(np.where(allowed & (places > 0)[None, :], code, 0).astype(np.uint8), axis=1)
    reach = {level: int(((reachable >> bit) & 1).sum()) for bit, level in enumerate(reversed(PAIR_LEVELS))}
    slot_code = code[:, slot_mentor]

    def assignment(k: int) -> tuple[Weights, np.ndarray, np.ndarray]:
        """The minimum-cost assignment when exactly k of the rows are matched (the rest take one of
        the len(rows) - k "unmatched" columns); raises ValueError if k cannot be matched."""
        w = weights or weights_from_setting(setting, k, max_capacity, reach, len(rows))
        table = np.array([w.pair_score({level: b >> bit & 1 for bit, level in enumerate(reversed(PAIR_LEVELS))})
                          for b in range(64)], dtype=np.float64)
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
    largest = (sum(getattr(w, level) for level in PAIR_LEVELS) + w.load * max_capacity) * (len(rows) + 1)
    exact = not w.lexicographic or (largest < EXACT_LIMIT and not w.merged)
    return Solution(pairs, locked, w, k + len(locked), exact=exact)


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
    """How many pairs, and how many share a subject, grades, a building, a floor or wing, a planning
    period, a focus area."""
    out = {"matched": len(pairs), **{level: 0 for level in PAIR_LEVELS}}
    for i, j in pairs:
        for level, value in features(instance.mentees[i], instance.mentors[j].person).vector().items():
            out[level] += value
    return out


