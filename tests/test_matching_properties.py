"""Matching end to end on random small districts built in a real database (SQLite, and PostgreSQL
when MENTORDESK_TEST_PG_URL is set): random staff, pool, training, induction, evaluators, locks,
exclusions and existing assignments, proposed through the real service, then checked against the
real eligibility rules (eligibility.mentor_verdict, pair by pair) and a maximum flow (networkx)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import networkx as nx
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from app.models import Educator, InductionEnrollment, MentorProfile, School, derived_id
from app.models.matching import EvaluatorLink, MatchRule, MentorTraining
from app.services.matching import assignments
from app.services.matching import proposals as matching
from app.services.matching import rules as match_rules
from app.services.matching import eligibility as elig
from app.services import settings as district_settings
from app.services.years import ensure_year
from tests.properties import budget

D = dt.date
YEAR = "2030-2031"
TODAY = D(2030, 8, 1)  # before the first day: pairs would start on the first day of school
SUBJECTS = ("Mathematics", "Biology", "English")
GRADES = ("8", "9", "10")
PERIODS = ("1", "2")
LICENSES = (None, "Provisional", "Initial", "Professional", "Professional", "Temporary", "Emergency")
RATINGS = (None, "Exemplary", "Proficient", "Proficient", "Needs Improvement", "Unsatisfactory")


# Most people are drawn near a type (a beginning educator; a veteran who meets every criterion,
# with up to two criteria drawn at random instead), so that pairs are often eligible and the
# matcher has real choices; a few are entirely random.
VETERAN = dict(license_type="Professional", years=8, rating="Proficient", trained="roster", hire="long ago",
               exit=None, status=None)
MENTEE = dict(license_type="Initial", years=0, rating=None, trained="none", profile=None)
PERTURBABLE = ("license_type", "years", "rating", "trained", "hire", "exit", "status", "profile")


@st.composite
def districts(draw):  # type: ignore[no-untyped-def]
    kinds = (["mentee"] * draw(st.integers(2, 5)) + ["veteran"] * draw(st.integers(2, 5))
             + ["random"] * draw(st.integers(0, 2)))
    people = []
    for kind in kinds:
        p = dict(
            role=draw(st.sampled_from(("teacher", "teacher", "administrator"))),
            license_type=draw(st.sampled_from(LICENSES)),
            years=draw(st.one_of(st.none(), st.integers(0, 6))),
            rating=draw(st.sampled_from(RATINGS)),
            trained=draw(st.sampled_from(("roster", "record", "enrolled", "none"))),
            hire=draw(st.sampled_from(("long ago", "first day", "after start", "mid-year", "after the year", None))),
            exit=draw(st.sampled_from((None, "before start", "mid-year", "last day"))),
            status=draw(st.sampled_from((None, "beginning", "incoming"))),
            school=draw(st.sampled_from(("North", "South", None))),
            subjects=sorted(draw(st.sets(st.sampled_from(SUBJECTS), max_size=2))),
            grades=sorted(draw(st.sets(st.sampled_from(GRADES), max_size=2))),
            periods=sorted(draw(st.sets(st.sampled_from(PERIODS), max_size=1))),
            profile=draw(st.one_of(st.none(), st.tuples(st.sampled_from((True, True, False)),
                                                        st.sampled_from(("active", "active", "training_pending",
                                                                         "inactive")),
                                                        st.integers(0, 2)))),
        )
        if kind == "veteran":
            drawn = draw(st.sets(st.sampled_from(PERTURBABLE), max_size=2))
            template = dict(VETERAN, profile=(True, "active", draw(st.integers(1, 2))))
            p.update({k: v for k, v in template.items() if k not in drawn})
        elif kind == "mentee":
            p.update(MENTEE, status=draw(st.sampled_from(("beginning", "beginning", "incoming"))),
                     exit=draw(st.sampled_from((None, None, "before start", "mid-year"))))
        people.append(p)
    n = len(people)

    @st.composite
    def pair(draw2):  # type: ignore[no-untyped-def]
        a = draw2(st.integers(0, n - 1))
        b = draw2(st.integers(0, n - 2))
        return a, b + (b >= a)  # two different people

    return dict(
        people=people,
        pool_saved=draw(st.sampled_from((True, True, True, False))),  # False: the trained staff stand in
        evaluators=draw(st.lists(pair(), max_size=3)),  # (evaluator, evaluated)
        team_evaluators=draw(st.lists(pair(), max_size=1)),
        locks=draw(st.lists(pair(), max_size=2)),  # (mentor, mentee)
        exclusions=draw(st.lists(st.tuples(pair(), st.booleans()), max_size=3)),  # ((mentor, mentee), every year)
        existing=draw(st.lists(pair(), max_size=2)),  # active assignments (mentor, mentee)
        rating_required=draw(st.booleans()),
        allow_pending=draw(st.booleans()),
        match_incoming=draw(st.booleans()),
        capacity=draw(st.sampled_from((None, None, 0, 1, 2))),
    )


def build(session, spec):  # type: ignore[no-untyped-def]
    """The district in the database, through the models and services a coordinator's actions use."""
    from app.models.scheduling import SupportTeamMember

    year, _ = ensure_year(session, YEAR)
    first, last = year.first_day, year.last_day
    hires = {"long ago": D(2012, 8, 20), "first day": first, "after start": first + dt.timedelta(days=1),
             "mid-year": D(2031, 2, 1), "after the year": last + dt.timedelta(days=20), None: None}
    exits = {"before start": first - dt.timedelta(days=10), "mid-year": D(2031, 1, 31), "last day": last, None: None}
    schools = {name: School(name=name) for name in ("North", "South")}
    session.add_all(schools.values())
    district_settings.set_value(session, "mentor_rating_required", spec["rating_required"])
    district_settings.set_value(session, "allow_training_pending", spec["allow_pending"])
    district_settings.set_value(session, "match_incoming", spec["match_incoming"])
    people = []
    for k, p in enumerate(spec["people"]):
        e = Educator(id=derived_id("educator", f"P{k}"), employee_id=f"P{k}", first_name="F", last_name=f"P{k}",
                     role=p["role"], license_type=p["license_type"], years_experience=p["years"],
                     last_rating=p["rating"], rating_year=2029 if p["rating"] else None,
                     mentor_trained_on=D(2025, 6, 1) if p["trained"] == "roster" else None,
                     hire_date=hires[p["hire"]], exit_date=exits[p["exit"]],
                     school=schools.get(p["school"]), subjects=p["subjects"], grades=p["grades"],
                     planning_periods=p["periods"])
        session.add(e)
        people.append(e)
        if p["trained"] == "record":
            session.add(MentorTraining(educator=e, completed_on=D(2026, 6, 1), provider="District", minutes=900))
        elif p["trained"] == "enrolled":
            session.add(MentorTraining(educator=e, completed_on=None, provider="District"))
        if p["status"]:
            session.add(InductionEnrollment(educator=e, school_year=year, status=p["status"]))
        if spec["pool_saved"] and p["profile"] is not None:
            willing, status, capacity = p["profile"]
            session.add(MentorProfile(educator=e, school_year=year, willing=willing, status=status,
                                      capacity=capacity))
    session.flush()
    for a, b in set(spec["evaluators"]):
        session.add(EvaluatorLink(evaluator_id=people[a].id, educator_id=people[b].id, school_year_id=year.id))
    for a, b in spec["team_evaluators"]:
        session.add(SupportTeamMember(mentee_id=people[b].id, school_year_id=year.id, member_id=people[a].id,
                                      role="evaluator"))
    taken = set()
    for a, b in spec["existing"]:
        if b not in taken:
            taken.add(b)
            assignments.create_assignment(session, year, people[a].id, people[b].id, start=first)
    for a, b in spec["locks"]:
        match_rules.lock_pair(session, YEAR, people[a].id, people[b].id)
    for (a, b), every_year in spec["exclusions"]:
        match_rules.exclude_pair(session, None if every_year else YEAR, people[a].id, people[b].id)
    session.flush()
    return year, people


def check_proposal(session, spec, year, people, proposal):  # type: ignore[no-untyped-def]
    by_id = {e.id: e for e in people}
    rules = session.query(MatchRule).all()
    locks = {(r.mentor_id, r.mentee_id) for r in rules if r.kind == "lock"}
    excluded = {(r.mentor_id, r.mentee_id) for r in rules if r.kind == "exclude"}
    existing = [(a.mentor_id, a.mentee_id) for a in matching.active_assignments(session, year, on=TODAY)]
    statuses = {"beginning", "incoming"} if spec["match_incoming"] else {"beginning"}
    enrolled = dict(session.query(InductionEnrollment.educator_id, InductionEnrollment.status).all())

    # Every candidate mentee (in induction with a matched status, no active assignment, on staff on
    # the first day) is in exactly one of pairs / unmatched.
    candidates = {e.id for e in people if enrolled.get(e.id) in statuses and e.id not in {m for _, m in existing}
                  and (e.exit_date is None or e.exit_date >= year.first_day)}
    listed = [p.mentee.id for p in proposal.pairs] + [u.mentee.id for u in proposal.unmatched]
    assert len(listed) == len(set(listed)) and set(listed) == candidates
    assert all(u.reason for u in proposal.unmatched)

    if proposal.implicit_pool:  # what --apply saves first; the rules then read the pool as the run used it
        elig.fill_pool(session, YEAR)
    profiles = {p.educator_id: p for p in session.query(MentorProfile).filter(
        MentorProfile.school_year_id == year.id)}
    assert proposal.implicit_pool == (0 if spec["pool_saved"] and any(
        p["profile"] is not None for p in spec["people"]) else len(profiles))

    def capacity(mentor_id):  # type: ignore[no-untyped-def]
        if spec["capacity"] is not None:
            return spec["capacity"]
        return profiles[mentor_id].capacity if mentor_id in profiles else 1

    def eligible(mentor, mentee):  # type: ignore[no-untyped-def]
        """The real rules, every check of eligibility.py, with the coordinator's exclusions."""
        if (mentor.id, mentee.id) in excluded:
            return None
        v = elig.mentor_verdict(session, mentor, mentee, year, today=TODAY)
        return v if v.assignable else None

    # Every pair passes every criterion (a lock stands even when it does not, flagged), excluded
    # pairs never appear, locks are kept.
    for p in proposal.pairs:
        mentor, mentee = by_id[p.mentor.id], by_id[p.mentee.id]
        assert (mentor.id, mentee.id) not in excluded
        assert p.locked == ((mentor.id, mentee.id) in locks)
        v = eligible(mentor, mentee)
        if v is None:
            assert p.locked and ({"not in the eligible pool", "locked although not eligible for this mentee"}
                                 & set(p.flags)), (p, elig.check_mentor(session, mentor, mentee, year, today=TODAY))
        else:
            assert ("training pending" in p.flags) == (v.status == "flagged")
            employed = next(c for c in v.checks if c.key == "employed")
            assert employed.met and (mentor.hire_date is None or mentor.hire_date <= year.first_day)
    proposed = {(p.mentor.id, p.mentee.id) for p in proposal.pairs}
    assert {(m, e) for m, e in locks if e in candidates} <= proposed

    # Never over capacity: locks take their places first; the rest fit in what is left.
    load = Counter(m for m, _ in existing)
    locked_on = Counter(p.mentor.id for p in proposal.pairs if p.locked)
    unlocked_on = Counter(p.mentor.id for p in proposal.pairs if not p.locked)
    free = {m: max(capacity(m) - load[m] - locked_on[m], 0) for m in profiles}
    for mentor_id, count in unlocked_on.items():
        assert count <= free[mentor_id], (by_id[mentor_id].employee_id, count, free[mentor_id])

    # Each unmatched mentee's counts: the eligible mentors (all at capacity), the mentors whom only
    # training keeps from this mentee, those with missing data; by the real rules, pair by pair.
    rules_now = elig.Rules.of(session)
    for u in proposal.unmatched:
        mentee = by_id[u.mentee.id]
        counts = Counter()
        for mentor_id in profiles:
            if (mentor_id, mentee.id) in excluded:
                continue
            checks = elig.check_mentor(session, by_id[mentor_id], mentee, year, today=TODAY)
            v = elig.verdict(checks, rules_now)
            short = [c for c in checks if c.required and c.met is not True]
            if v.assignable:
                counts["eligible"] += 1
            elif all(c.key == "trained" for c in short):
                counts["after training"] += 1
            elif v.status == "unknown":
                counts["missing data"] += 1
        said = {"eligible": re.search(r"\((\d+) eligible, all at capacity\)", u.reason),
                "after training": re.search(r"(\d+) would be eligible after training", u.reason),
                "missing data": re.search(r"(\d+) more with missing data", u.reason)}
        for what, match in said.items():
            if what != "eligible" or match:
                assert (int(match.group(1)) if match else 0) == counts[what], (what, u.reason, counts)

    # As many matched as a maximum bipartite matching on the eligible pairs with those capacities.
    g = nx.DiGraph()
    locked_mentees = {e for _, e in locks if e in candidates}
    for mentee_id in candidates - locked_mentees:
        g.add_edge("s", ("e", mentee_id), capacity=1)
        for mentor_id in profiles:
            if mentor_id != mentee_id and eligible(by_id[mentor_id], by_id[mentee_id]):
                g.add_edge(("e", mentee_id), ("m", mentor_id), capacity=1)
                g.add_edge(("m", mentor_id), "t", capacity=free[mentor_id])
    flow = int(nx.maximum_flow_value(g, "s", "t")) if "s" in g and "t" in g else 0
    assert len(proposal.pairs) == len(locked_mentees) + flow == proposal.maximum


def _person(**kw):  # type: ignore[no-untyped-def]
    base = dict(role="teacher", school="North", subjects=["Mathematics"], grades=["9"], periods=["1"])
    return {**base, **kw}


def _district(people, **kw):  # type: ignore[no-untyped-def]
    spec = dict(people=people, pool_saved=True, evaluators=[], team_evaluators=[], locks=[], exclusions=[],
                existing=[], rating_required=False, allow_pending=False, match_incoming=False, capacity=None)
    return {**spec, **kw}


_VET = _person(**VETERAN, profile=(True, "active", 1))
_NEW = _person(**MENTEE, hire="first day", exit=None, status="beginning")
# Bugs this test has to catch, kept as explicit examples (they run in every profile, before the random ones):
# a mentor whose one place is taken by an existing assignment must not get a second mentee (existing load
# ignored: passed 2 runs of 5 with 15 random examples); a capacity of 2 given on the command line is the
# limit for everyone; a locked pair takes its mentor's place before the solver fills the rest.
CAPACITY_FULL = _district([_VET, _NEW, _NEW], existing=[(0, 1)])
CAPACITY_OVERRIDE = _district([_VET, _NEW, _NEW, _NEW], capacity=2)
LOCK_TAKES_THE_PLACE = _district([_VET, dict(_VET, subjects=["Biology"]), _NEW, _NEW], locks=[(0, 3)])


@settings(max_examples=budget(25, 60), suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                               HealthCheck.too_slow])
@given(spec=districts())
@example(spec=CAPACITY_FULL)
@example(spec=CAPACITY_OVERRIDE)
@example(spec=LOCK_TAKES_THE_PLACE)
def test_random_districts_end_to_end(database, spec):
    with database.sessions() as session:
        try:
            year, people = build(session, spec)
            proposal = matching.propose(session, YEAR, capacity=spec["capacity"], today=TODAY)
            event(f"{len(proposal.pairs)} matched, {len(proposal.unmatched)} unmatched")
            check_proposal(session, spec, year, people, proposal)
            if spec is CAPACITY_FULL:  # the explicit examples' own outcome, not only the invariants
                assert len(proposal.pairs) == 0 and len(proposal.unmatched) == 1
            elif spec is CAPACITY_OVERRIDE:
                assert len(proposal.pairs) == 2 and len(proposal.unmatched) == 1
            elif spec is LOCK_TAKES_THE_PLACE:
                assert sorted((p.mentor.id, p.mentee.id) for p in proposal.pairs) == sorted(
                    [(people[0].id, people[3].id), (people[1].id, people[2].id)])
        finally:
            session.rollback()


def test_incoming_educators_are_candidates_only_when_the_setting_is_on(session):
    year, _ = ensure_year(session, YEAR)
    north = School(name="North")
    session.add(north)

    def person(eid, **kw):  # type: ignore[no-untyped-def]
        fields = dict(role="teacher", license_type="Professional", years_experience=10, last_rating="Proficient",
                      mentor_trained_on=D(2025, 6, 1), hire_date=D(2012, 8, 20), school=north)
        fields.update(kw)
        e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name="F", last_name=eid, **fields)
        session.add(e)
        return e

    new = person("NEW", years_experience=0, license_type="Initial", mentor_trained_on=None)
    moved = person("MOVED", years_experience=6)  # experienced, new to the district: incoming
    mentor = person("VET")
    session.add_all([InductionEnrollment(educator=new, school_year=year, status="beginning"),
                     InductionEnrollment(educator=moved, school_year=year, status="incoming"),
                     MentorProfile(educator=mentor, school_year=year, capacity=2)])
    session.flush()

    def candidates():  # type: ignore[no-untyped-def]
        p = matching.propose(session, YEAR, today=TODAY)
        return sorted([x.mentee.employee_id for x in p.pairs] + [u.mentee.employee_id for u in p.unmatched])

    assert district_settings.get(session, "match_incoming") is False  # the default: beginning educators only
    assert candidates() == ["NEW"]
    district_settings.set_value(session, "match_incoming", True)
    assert candidates() == ["MOVED", "NEW"]
    p = matching.propose(session, YEAR, today=TODAY)
    assert {x.mentee.employee_id: x.mentor.employee_id for x in p.pairs} == {"MOVED": "VET", "NEW": "VET"}
    district_settings.set_value(session, "match_incoming", False)
    assert candidates() == ["NEW"]
