"""The matcher on random districts: optimal against brute force, maximum against a max flow, never
an ineligible pair, never over capacity, locks and exclusions respected, the priorities in order."""

from __future__ import annotations

import itertools
import uuid

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.matching.solver import (
    Instance,
    MentorInfo,
    PersonInfo,
    Weights,
    feature_matrices,
    features,
    greedy_first_fit,
    lexicographic_weights,
    solve,
    totals,
)

SUBJECTS = ("Mathematics", "Biology", "English")
GRADES = ("6", "7", "8", "9")
SCHOOLS = ("North", "South")
PERIODS = ("1", "2", "3")


@st.composite
def people(draw, prefix):  # type: ignore[no-untyped-def]
    n = draw(st.integers(0, 5))
    out = []
    for k in range(n):
        out.append(PersonInfo(
            uuid.uuid4(), f"{prefix}{k}", f"{prefix} {k}", "teacher", draw(st.sampled_from(SCHOOLS)),
            tuple(draw(st.sets(st.sampled_from(SUBJECTS), max_size=2))),
            tuple(sorted(draw(st.sets(st.sampled_from(GRADES), max_size=2)))),
            tuple(draw(st.sets(st.sampled_from(PERIODS), max_size=2)))))
    return out


@st.composite
def instances(draw, with_locks=False):  # type: ignore[no-untyped-def]
    mentees = draw(people("E"))
    mentor_people = draw(people("M"))[:4]
    mentors = [MentorInfo(p, draw(st.integers(0, 2)), draw(st.integers(0, 1))) for p in mentor_people]
    allowed = np.array([[draw(st.booleans()) for _ in mentors] for _ in mentees], dtype=bool).reshape(
        len(mentees), len(mentors))
    locks = []
    if with_locks and mentees and mentors:
        load = [m.load for m in mentors]
        for i in draw(st.sets(st.integers(0, len(mentees) - 1), max_size=2)):
            options = [j for j in range(len(mentors)) if allowed[i, j] and load[j] < mentors[j].capacity]
            if options:
                j = draw(st.sampled_from(options))
                load[j] += 1
                locks.append((i, j))
    return Instance(mentees, mentors, allowed, locks)


def key(instance: Instance, pairs) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
    """The priorities as a tuple compared lexicographically (bigger is better)."""
    t = totals(instance, pairs)
    load = [m.load for m in instance.mentors]
    penalty = 0
    for _, j in sorted(pairs, key=lambda p: p[1]):
        penalty += load[j]  # the k-th mentee of a mentor costs k (0 for a first mentee)
        load[j] += 1
    return (t["matched"], t["subject"], t["grade"], t["building"], t["planning"], -penalty)


def brute_force(instance: Instance) -> tuple[int, ...]:
    n, m = len(instance.mentees), len(instance.mentors)
    locked = dict(instance.locks)
    best = None
    choices = [[locked[i]] if i in locked else [None, *[j for j in range(m) if instance.allowed[i, j]]]
               for i in range(n)]
    for combo in itertools.product(*choices):
        # Locks take their places first (even beyond capacity); the others fit in what is left.
        used = [mi.load for mi in instance.mentors]
        for i, j in locked.items():
            used[j] += 1
        free = [max(0, mi.capacity - used[j]) for j, mi in enumerate(instance.mentors)]
        others = [0] * m
        for i, j in enumerate(combo):
            if j is not None and i not in locked:
                others[j] += 1
        if any(others[j] > free[j] for j in range(m)):
            continue
        k = key(instance, [(i, j) for i, j in enumerate(combo) if j is not None])
        best = k if best is None or k > best else best
    return best


def max_flow(instance: Instance) -> int:
    g = nx.DiGraph()
    for i in range(len(instance.mentees)):
        g.add_edge("s", ("e", i), capacity=1)
        for j in range(len(instance.mentors)):
            if instance.allowed[i, j]:
                g.add_edge(("e", i), ("m", j), capacity=1)
    for j, mi in enumerate(instance.mentors):
        g.add_edge(("m", j), "t", capacity=max(0, mi.capacity - mi.load))
    if "s" not in g or "t" not in g:
        return 0
    return int(nx.maximum_flow_value(g, "s", "t"))


def check_feasible(instance: Instance, pairs) -> None:  # type: ignore[no-untyped-def]
    locked = set(instance.locks)
    mentees = [i for i, _ in pairs]
    assert len(mentees) == len(set(mentees)), "a mentee matched twice"
    load = [m.load for m in instance.mentors]
    for i, j in pairs:
        assert instance.allowed[i, j] or (i, j) in locked, "an ineligible pair"
        load[j] += 1
    for j, mi in enumerate(instance.mentors):
        assert load[j] <= max(mi.capacity, mi.load), "over capacity"


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_optimal_against_brute_force_and_max_flow(instance):
    solution = solve(instance)
    check_feasible(instance, solution.pairs)
    assert len(solution.pairs) == max_flow(instance)  # level 1: as many as a maximum flow
    assert key(instance, solution.pairs) == brute_force(instance)  # levels 2-6: the lexicographic optimum


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(with_locks=True))
def test_locks_and_exclusions_respected(instance):
    solution = solve(instance)
    check_feasible(instance, solution.pairs)
    assert set(instance.locks) <= set(solution.pairs)
    for i, j in solution.pairs:
        if (i, j) not in set(instance.locks):
            assert instance.allowed[i, j]  # an exclusion is a False in `allowed`
    assert key(instance, solution.pairs) == brute_force(instance)


@settings(max_examples=60, deadline=None)
@given(instances())
def test_never_worse_than_greedy(instance):
    assert key(instance, solve(instance).pairs) >= key(instance, greedy_first_fit(instance))


def P(eid, school="North", subjects=(), grades=(), periods=()):  # noqa: N802
    return PersonInfo(uuid.uuid4(), eid, eid, "teacher", school, tuple(subjects), tuple(grades), tuple(periods))


def test_count_beats_subject_and_subject_beats_everything_below():
    # E1 could have the perfect mentor M1, but then E2 (who can only take M1) goes unmatched.
    e1 = P("E1", subjects=["Biology"], grades=["9"], periods=["1"])
    e2 = P("E2", subjects=["Mathematics"])
    m1 = P("M1", subjects=["Biology"], grades=["9"], periods=["1"])
    m2 = P("M2", school="South")
    inst = Instance([e1, e2], [MentorInfo(m1, 1), MentorInfo(m2, 1)], np.array([[True, True], [True, False]]))
    assert sorted(solve(inst).pairs) == [(0, 1), (1, 0)]
    # One subject match is worth more than grade + building + planning together, across pairs.
    a = P("A", subjects=["Biology"], grades=["9"], periods=["2"])
    b = P("B", subjects=["English"], grades=["9"], periods=["2"])
    x = P("X", subjects=["Biology"], school="South")  # subject only for A
    y = P("Y", grades=["9"], periods=["2"])  # grade+building+planning for both
    inst = Instance([a, b], [MentorInfo(x, 1), MentorInfo(y, 1)], np.ones((2, 2), dtype=bool))
    assert sorted(solve(inst).pairs) == [(0, 0), (1, 1)]


def test_grade_beats_building_beats_planning_beats_load():
    e = P("E", grades=["3"], periods=["4"])
    grade_only = P("G", school="South", grades=["3"])
    building_and_planning = P("B", periods=["4"])
    inst = Instance([e], [MentorInfo(grade_only, 1), MentorInfo(building_and_planning, 1)], np.ones((1, 2), bool))
    assert solve(inst).pairs == [(0, 0)]
    building = P("B2")
    planning = P("P", school="South", periods=["4"])
    inst = Instance([e], [MentorInfo(planning, 1), MentorInfo(building, 1)], np.ones((1, 2), bool))
    assert solve(inst).pairs == [(0, 1)]
    # Planning beats balance: a busy mentor with a shared period over an idle one without.
    busy = P("Busy", periods=["4"])
    idle = P("Idle")
    inst = Instance([e], [MentorInfo(idle, 3, 0), MentorInfo(busy, 3, 2)], np.ones((1, 2), bool))
    assert solve(inst).pairs == [(0, 1)]
    # All else equal, load spreads: two mentees go to two mentors, not both to one.
    e2 = P("E2")
    m1, m2 = P("M1"), P("M2")
    inst = Instance([P("E1"), e2], [MentorInfo(m1, 2), MentorInfo(m2, 2)], np.ones((2, 2), bool))
    assert sorted(j for _, j in solve(inst).pairs) == [0, 1]


def test_district_weights_change_the_order():
    e = P("E", subjects=["Biology"], periods=["4"])
    subject_far = P("S", school="South", subjects=["Biology"])
    near = P("N", periods=["4"])
    inst = Instance([e], [MentorInfo(subject_far, 1), MentorInfo(near, 1)], np.ones((1, 2), bool))
    assert solve(inst).pairs == [(0, 0)]
    building_first = Weights(subject=1, grade=1, building=10, planning=1, load=0, lexicographic=False)
    assert solve(inst, building_first).pairs == [(0, 1)]
    assert solve(inst, setting={"subject": 1, "building": 10, "planning": 1}).pairs == [(0, 1)]


def test_weights_setting_is_checked():
    from app.services.matching.solver import weights_problem

    assert weights_problem(None) is None and weights_problem({"subject": 3, "load": 0.5}) is None
    assert weights_problem({"colour": 1}) == ("unknown criteria colour; use subject, grade, building, proximity, "
                                              "planning, focus, load")
    assert weights_problem({"subject": -1}) == "weights cannot be negative"
    assert weights_problem({"subject": "a lot"}) == "weights must be numbers"
    assert weights_problem([1, 2]).startswith("must be blank or an object")


def test_lexicographic_weights_dominate():
    # A district whose rooms and focus areas say nothing: the four levels of old, strictly ordered (the
    # six levels at full reach are tests/test_matching_proximity.py's).
    w = lexicographic_weights(pairs=1000, max_capacity=3, reach={"proximity": 0, "focus": 0})
    assert not w.merged
    assert w.planning > 1000 * 2 * w.load
    assert w.building > 1000 * w.planning + 2000 * w.load
    assert w.subject > 1000 * (w.grade + w.building + w.planning) + 2000
    assert w.subject * 1001 < 2 ** 53  # integer-exact in floating point at the benchmark's size
    mentees = [P(f"E{k}") for k in range(3)]
    assert solve(Instance(mentees, [MentorInfo(P("M"), 3)], np.ones((3, 1), bool))).exact


def test_reasons_name_the_shared_things():
    from app.services.matching.proposals import explain

    e = P("E", subjects=["Chemistry", "Biology"], grades=["10", "11", "12"], periods=["3"])
    m = P("M", subjects=["Chemistry"], grades=["9", "10", "11"], periods=["3", "5"])
    assert explain(features(e, m)) == ("same subject: Chemistry", "grades 10-11 overlap", "same building",
                                       "both free period 3")


def test_when_not_everyone_can_be_matched_the_maximum_still_comes_first():
    # Three mentees, three places, but E1 and E2 can only take A: at most two are matched. The
    # assignment problem with everyone matched is infeasible, and the maximum matching decides.
    e1, e2 = P("E1", subjects=["Biology"]), P("E2")
    e3 = P("E3", subjects=["Biology"])
    a, b, c = P("A", subjects=["Biology"]), P("B", subjects=["Biology"]), P("C")
    allowed = np.array([[True, False, False], [True, False, False], [False, True, True]])
    inst = Instance([e1, e2, e3], [MentorInfo(a, 1), MentorInfo(b, 1), MentorInfo(c, 1)], allowed)
    solution = solve(inst)
    assert solution.maximum == 2 == max_flow(inst)
    assert sorted(solution.pairs) == [(0, 0), (2, 1)]  # both matches share a subject


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 140), st.data())
def test_feature_matrices_agree_with_features_for_any_vocabulary(size, data):
    # Bit sets in one narrow word, or several 64-bit words past 64 subjects.
    vocabulary = [f"Subject {k}" for k in range(size)] or ["Art"]
    person = st.builds(lambda subjects, grades, school: P("X", school=school, subjects=subjects, grades=grades),
                       st.lists(st.sampled_from(vocabulary), max_size=3, unique=True),
                       st.lists(st.sampled_from(GRADES), max_size=2, unique=True), st.sampled_from(SCHOOLS))
    mentees = data.draw(st.lists(person, max_size=6))
    mentors = data.draw(st.lists(person, max_size=6))
    f = feature_matrices(mentees, mentors)
    for i, e in enumerate(mentees):
        for j, m in enumerate(mentors):
            assert {k: int(f[k][i, j]) for k in ("subject", "grade", "building", "proximity", "planning",
                                                 "focus")} == features(e, m).vector()
