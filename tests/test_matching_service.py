"""Matching from the database: candidates, reasons, unmatched explanations, locks, exclusions,
applying, hold-harmless reassignment, the two-week rule and its dashboard card, the CLI."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.models import Assignment, Educator, InductionEnrollment, MentorProfile, School, derived_id
from app.models.matching import EvaluatorLink, MatchRule, MentorTraining
from app.services.matching import assignments
from app.services.matching import proposals as matching
from app.services.matching import rules as match_rules
from app.services.years import ensure_year

D = dt.date
YEAR = "2030-2031"  # in the future: assignments start on the first day of school


def person(session, eid, school, **kw):
    defaults = dict(first_name="F" + eid, last_name="L" + eid, role="teacher", license_type="Professional",
                    years_experience=10, last_rating="Proficient", mentor_trained_on=D(2028, 6, 1),
                    hire_date=D(2012, 8, 25))
    defaults.update(kw)
    e = Educator(id=derived_id("educator", eid), employee_id=eid, school=school, **defaults)
    session.add(e)
    return e


@pytest.fixture
def district(session):
    """North High: beginning chemistry teacher B1 (grades 10-11, period 3), biology teacher B2 (9),
    math teacher B3; mentors: CHEM (North, chemistry 10-12, period 3), BIO (South, biology 9),
    NEWBIE (2 years, ineligible), PEND (training pending), ADMIN (administrator)."""
    year, _ = ensure_year(session, YEAR)
    north, south = School(name="North High"), School(name="South High")
    session.add_all([north, south])
    b1 = person(session, "B1", north, license_type="Initial", years_experience=0, mentor_trained_on=None,
                subjects=["Chemistry"], grades=["10", "11"], planning_periods=["3"], hire_date=D(2030, 8, 20))
    b2 = person(session, "B2", north, license_type="Initial", years_experience=0, mentor_trained_on=None,
                subjects=["Biology"], grades=["9"], hire_date=D(2030, 8, 20))
    b3 = person(session, "B3", south, license_type="Initial", years_experience=0, mentor_trained_on=None,
                subjects=["Mathematics"], grades=["9"], hire_date=D(2030, 10, 1))
    chem = person(session, "CHEM", north, subjects=["Chemistry"], grades=["10", "11", "12"], planning_periods=["3", "5"])
    bio = person(session, "BIO", south, subjects=["Biology"], grades=["9"])
    newbie = person(session, "NEWBIE", north, years_experience=2, subjects=["Mathematics"])
    pend = person(session, "PEND", south, mentor_trained_on=None, subjects=["History"])
    admin = person(session, "ADMIN", north, role="administrator")
    for e in (b1, b2, b3):
        session.add(InductionEnrollment(educator=e, school_year=year, status="beginning"))
    for e, status in ((chem, "active"), (bio, "active"), (newbie, "active"), (admin, "active")):
        session.add(MentorProfile(educator=e, school_year=year, capacity=1, status=status))
    session.add(MentorProfile(educator=pend, school_year=year, capacity=1, status="training_pending"))
    session.commit()
    return year


def ids(session, *eids):
    return [derived_id("educator", e) for e in eids]


def test_proposal_pairs_reasons_and_unmatched(session, district):
    p = matching.propose(session, YEAR)
    by_mentee = {pair.mentee.employee_id: pair for pair in p.pairs}
    assert by_mentee["B1"].mentor.employee_id == "CHEM"
    assert by_mentee["B1"].reasons == ("same subject: Chemistry", "grades 10-11 overlap", "same building",
                                       "both free period 3")
    assert by_mentee["B2"].mentor.employee_id == "BIO"
    assert by_mentee["B3"].mentor.employee_id == "PEND"  # training pending may be assigned, flagged
    assert "training pending" in by_mentee["B3"].flags
    assert p.unmatched == []
    assert p.totals == {"matched": 3, "subject": 2, "grade": 2, "building": 2, "proximity": 0, "planning": 1,
                        "focus": 0}


def test_unmatched_mentee_says_why(session, district):
    from app.services import settings

    settings.set_value(session, "allow_training_pending", False)
    p = matching.propose(session, YEAR)
    assert [u.mentee.employee_id for u in p.unmatched] == ["B3"]
    assert p.unmatched[0].reason == "no eligible mentor left with capacity (2 eligible, all at capacity); " \
                                    "1 would be eligible after training"


def test_trainable_count_is_only_mentors_whom_training_alone_keeps_out(session, district):
    """"N would be eligible after training" counts a mentor only if the pair is otherwise allowed."""
    from app.services import settings

    settings.set_value(session, "allow_training_pending", False)
    b3, pend = ids(session, "B3", "PEND")
    match_rules.exclude_pair(session, YEAR, pend, b3)
    [u] = matching.propose(session, YEAR).unmatched
    assert u.reason == "no eligible mentor left with capacity (2 eligible, all at capacity)"
    session.query(MatchRule).one().tombstone()
    session.add(EvaluatorLink(evaluator_id=pend, educator_id=b3, school_year_id=district.id))
    session.flush()
    [u] = matching.propose(session, YEAR).unmatched
    assert u.reason == "no eligible mentor left with capacity (2 eligible, all at capacity)"
    session.query(EvaluatorLink).one().tombstone()
    session.flush()
    [u] = matching.propose(session, YEAR).unmatched
    assert u.reason.endswith("; 1 would be eligible after training")


def test_a_mentor_hired_after_the_assignment_would_start_is_never_proposed(session, database, district, run_cli):
    """LATE (hired 1 Feb 2031) would be B1's best mentor once CHEM is excluded, but an assignment saved
    now starts on the first day of school, before LATE is on staff."""
    north = session.query(School).filter_by(name="North High").one()
    late = person(session, "LATE", north, subjects=["Chemistry"], grades=["10", "11"], planning_periods=["3"],
                  hire_date=D(2031, 2, 1))
    year = district
    session.add(MentorProfile(educator=late, school_year=year, capacity=1))
    b1, chem = ids(session, "B1", "CHEM")
    match_rules.exclude_pair(session, YEAR, chem, b1)
    session.commit()
    p = matching.propose(session, YEAR)
    assert "LATE" not in {x.mentor.employee_id for x in p.pairs}
    assert p.pair_for(b1).mentor.employee_id != "LATE"
    assert [a.mentor.employee_id for a in matching.alternatives(session, YEAR, b1, p)].count("LATE") == 0
    # Proposed in March (after the hire), the pair would start that day: then LATE is B1's best.
    assert matching.propose(session, YEAR, today=D(2031, 3, 2)).pair_for(b1).mentor.employee_id == "LATE"
    code, out, _ = run_cli("match", "--year", YEAR, "--apply")
    assert code == 0 and "saved 3 assignments starting 2030-08-28" in out
    with database.read() as s:
        assert "LATE" not in {a.mentor.employee_id for a in s.query(Assignment)}


def test_every_candidate_appears_once_in_the_json(session, district, run_cli):
    code, out, _ = run_cli("match", "--year", YEAR, "--capacity", "0", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["pairs"] == []
    assert sorted(u["mentee_employee_id"] for u in data["unmatched"]) == ["B1", "B2", "B3"]
    code, out, _ = run_cli("match", "--year", YEAR, "--json")
    data = json.loads(out)
    listed = [p["mentee_employee_id"] for p in data["pairs"]] + [u["mentee_employee_id"] for u in data["unmatched"]]
    assert sorted(listed) == ["B1", "B2", "B3"]
    pair = next(p for p in data["pairs"] if p["mentee_employee_id"] == "B1")
    # 58 = subject 32 + grade 16 + building 8 + planning 2 (solver.DISPLAY_POINTS: proximity 4 and focus 1 between).
    assert pair == {"mentor_employee_id": "CHEM", "mentee_employee_id": "B1", "score": 58.0, "locked": False,
                    "reasons": ["same subject: Chemistry", "grades 10-11 overlap", "same building",
                                "both free period 3"]}


def test_capacity_override_allows_group_mentoring(session, district, run_cli):
    code, out, _ = run_cli("match", "--year", YEAR, "--capacity", "3", "--json")
    data = json.loads(out)
    assert len(data["pairs"]) == 3


def test_apply_saves_assignments_from_the_first_day(session, database, district, run_cli):
    code, out, _ = run_cli("match", "--year", YEAR, "--apply")
    assert code == 0 and "saved 3 assignments starting 2030-08-28" in out
    assert "(1 start later, on their mentee's hire date: B3 2030-10-01)" in out
    with database.read() as s:
        rows = s.query(Assignment).all()
        assert len(rows) == 3 and {r.start_date for r in rows} == {D(2030, 8, 28), D(2030, 10, 1)}
    code, out, _ = run_cli("match", "--year", YEAR, "--json")
    data = json.loads(out)
    assert data["pairs"] == [] and data["unmatched"] == []  # nobody without an active assignment


def test_locks_and_exclusions(session, district):
    b1, chem, bio = ids(session, "B1", "CHEM", "BIO")
    match_rules.exclude_pair(session, YEAR, chem, b1)
    p = matching.propose(session, YEAR)
    assert p.pair_for(b1).mentor.employee_id != "CHEM"
    match_rules.lock_pair(session, YEAR, bio, b1)  # B1 must get BIO now
    p = matching.propose(session, YEAR)
    assert p.pair_for(b1).mentor.employee_id == "BIO" and p.pair_for(b1).locked
    assert "locked by the coordinator" in p.pair_for(b1).flags
    rules = match_rules.list_rules(session, YEAR)
    assert {(r.kind, r.mentor.employee_id) for r in rules} == {("lock", "BIO"), ("exclude", "CHEM")}


def test_evaluator_is_never_proposed(session, district):
    b1, chem = ids(session, "B1", "CHEM")
    session.add(EvaluatorLink(evaluator_id=chem, educator_id=b1, school_year_id=district.id))
    session.flush()
    assert matching.propose(session, YEAR).pair_for(b1).mentor.employee_id != "CHEM"


def test_support_team_evaluator_is_never_proposed(session, district):
    from app.models.scheduling import SupportTeamMember

    b1, chem = ids(session, "B1", "CHEM")
    session.add(SupportTeamMember(mentee_id=b1, school_year_id=district.id, member_id=chem, role="evaluator"))
    session.flush()
    assert matching.propose(session, YEAR).pair_for(b1).mentor.employee_id != "CHEM"
    from app.services.matching.eligibility import check_mentor

    [check] = [c for c in check_mentor(session, session.get(Educator, chem), session.get(Educator, b1), YEAR)
               if c.key == "not_evaluator"]
    assert check.met is False


def test_alternatives_say_what_a_move_costs(session, district):
    b1 = ids(session, "B1")[0]
    p = matching.propose(session, YEAR)
    alts = matching.alternatives(session, YEAR, b1, p)
    assert [a.mentor.employee_id for a in alts] == ["BIO", "PEND"]
    assert alts[0].change.startswith("loses: same subject, grade overlap, same building, shared planning period")
    # BIO is full in the proposal (B2): moving B1 there pushes B2 to another mentor when proposed again.
    assert [m.employee_id for m in alts[0].displaces] == ["B2"] and alts[0].load == 1
    assert alts[0].change.endswith("full: FB2 LB2 would need another mentor")
    # A mentor full with locked pairs (or saved assignments) makes no room: that is over capacity.
    bio, b2 = ids(session, "BIO", "B2")
    match_rules.lock_pair(session, YEAR, bio, b2)
    alts = matching.alternatives(session, YEAR, b1, matching.propose(session, YEAR))
    bio_alt = next(a for a in alts if a.mentor.employee_id == "BIO")
    assert bio_alt.displaces == () and "over capacity (2 of 1)" in bio_alt.change
    assert alts[-1] is bio_alt  # mentors with room, then those that move someone, then over capacity


def test_hold_harmless_reassignment_keeps_history_and_never_proposes_again(session, district):
    b1, chem, bio = ids(session, "B1", "CHEM", "BIO")
    [saved] = assignments.apply_pairs(session, YEAR, [(chem, b1)])
    new_id = assignments.reassign(session, saved.assignment_id, new_mentor_id=bio, private_reason="personality clash",
                                  on=D(2030, 10, 1))
    old = session.get(Assignment, saved.assignment_id)
    assert old.end_date == D(2030, 10, 1) and old.end_reason == "hold_harmless"
    assert old.private_reason == "personality clash"
    assert session.get(Assignment, new_id).start_date == D(2030, 10, 2)
    rule = session.query(MatchRule).one()
    assert rule.kind == "exclude" and rule.school_year_id is None  # every year
    assignments.end_assignment(session, new_id, reason="reassigned", on=D(2030, 10, 5))
    assert matching.propose(session, YEAR, today=D(2030, 10, 6)).pair_for(b1).mentor.employee_id != "CHEM"
    year2, _ = ensure_year(session, "2031-2032")
    session.add(InductionEnrollment(educator_id=b1, school_year=year2, status="beginning", induction_year=2))
    session.add(MentorProfile(educator_id=chem, school_year=year2, capacity=1))
    session.flush()
    assert matching.propose(session, "2031-2032").pair_for(b1) is None


def test_two_week_rule_counts_from_first_day_or_hire(session, district):
    b1, b2, chem, pend = ids(session, "B1", "B2", "CHEM", "PEND")
    # First day 2030-08-28: deadline 2030-09-11. B3 hired 2030-10-01: deadline 2030-10-15.
    assignments.apply_pairs(session, YEAR, [(chem, b1), (pend, b2)], today=D(2030, 8, 20))
    status = {s.employee_id: s for s in assignments.two_week_status(session, YEAR, today=D(2030, 9, 15))}
    assert status["B1"].state == "met" and status["B1"].met_on == D(2030, 8, 28)
    assert status["B2"].state == "overdue" and status["B2"].days == 4  # untrained mentor does not count
    assert status["B3"].state == "due" and status["B3"].deadline == D(2030, 10, 15) and status["B3"].days == 30
    card = assignments.two_week_card(session, YEAR, today=D(2030, 9, 15))
    assert card.status == "overdue" and card.area == "matching" and "603 CMR 7.12" in card.citation
    texts = [i.text for i in card.items]
    assert texts == ["FB2 LB2 (North High): 4 days overdue (due 2030-09-11)",
                     "FB3 LB3 (South High): 30 days left (due 2030-10-15)"]
    assert card.summary == "2 of 3 beginning educators have no trained mentor; 1 past the two-week deadline"


def test_training_completed_later_meets_the_rule_late(session, district):
    from app.models.matching import MentorTraining

    b2, pend = ids(session, "B2", "PEND")
    assignments.apply_pairs(session, YEAR, [(pend, b2)], today=D(2030, 8, 20))
    session.add(MentorTraining(educator_id=pend, completed_on=D(2030, 9, 20), provider="District", minutes=600))
    session.flush()
    status = {s.employee_id: s for s in assignments.two_week_status(session, YEAR, today=D(2030, 10, 1))}
    assert status["B2"].state == "met late" and status["B2"].days == 9


def test_unknown_year_is_created_and_said(run_cli, session):
    """A proposal only reads (issue 19): an unknown year is an error naming the years there are; --apply creates it."""
    code, _, err = run_cli("match", "--year", "2040-2041")
    assert code == 1 and "no school year 2040-2041 (it has: none)" in err
    code, out, _ = run_cli("match", "--year", "2040-2041", "--apply")
    assert code == 0 and "created school year 2040-2041" in out and "0 of 0 mentees matched" in out
    code, _, err = run_cli("match", "--year", "2040-2042")
    assert code == 2 and "2025-2026" in err


def _demo_pairs(path):
    from app.db import Database
    from app.services.demo.district import build_demo

    database = Database.open(str(path))
    try:
        with database.unit_of_work() as s:
            build_demo(s, size="small", seed=3, year_label="2025-2026")
        with database.read() as s:
            pairs = sorted((a.mentor.employee_id, a.mentee.employee_id, a.start_date) for a in s.query(Assignment))
            beginning = s.query(InductionEnrollment).filter(InductionEnrollment.status == "beginning").count()
            status = assignments.two_week_status(s, "2025-2026", today=D(2025, 12, 1))
            trainings = s.query(MentorTraining).count()
    finally:
        database.dispose()
    return pairs, beginning, status, trainings


@pytest.mark.slow
def test_demo_assigns_most_beginning_teachers_deterministically(tmp_path, migrated_template):
    import shutil

    shutil.copy(migrated_template, tmp_path / "a.sqlite3")
    shutil.copy(migrated_template, tmp_path / "b.sqlite3")
    first = _demo_pairs(tmp_path / "a.sqlite3")
    second = _demo_pairs(tmp_path / "b.sqlite3")
    assert first[0] == second[0]  # the same seed gives the same pairs and dates
    pairs, beginning, status, trainings = first
    assert beginning and len(pairs) >= 0.6 * beginning
    assert trainings > 0
    assert {s.state for s in status} <= {"met", "met late", "overdue", "due"}


def test_a_lock_on_an_ineligible_mentor_stands_flagged(session, district):
    b3, newbie = ids(session, "B3", "NEWBIE")
    match_rules.lock_pair(session, YEAR, newbie, b3)
    p = matching.propose(session, YEAR)
    pair = p.pair_for(b3)
    assert pair.mentor.employee_id == "NEWBIE" and pair.locked
    assert "not in the eligible pool" in pair.flags
    again = matching.propose(session, YEAR)
    assert [(x.mentor.employee_id, x.mentee.employee_id) for x in again.pairs] == \
        [(x.mentor.employee_id, x.mentee.employee_id) for x in p.pairs]  # the same answer every run


def test_from_a_fresh_roster_to_saved_assignments(session, database, run_cli):
    """No pool saved for the year: the trained staff stand in, and --apply saves the pool it used."""
    year, _ = ensure_year(session, YEAR)
    north = School(name="North High")
    session.add(north)
    b = person(session, "NEW1", north, license_type="Initial", years_experience=0, mentor_trained_on=None,
               subjects=["Physics"], hire_date=D(2030, 8, 20))
    person(session, "VET1", north, subjects=["Physics"])
    person(session, "VET2", north, subjects=["English"], mentor_trained_on=None)  # untrained: not in the pool
    session.add(InductionEnrollment(educator=b, school_year=year, status="beginning"))
    session.commit()
    code, out, _ = run_cli("match", "--year", YEAR)
    assert "No mentor pool for 2030-2031 yet: the 1 trained educators" in out and "FNEW1 LNEW1 (NEW1) <- FVET1" in out
    code, out, _ = run_cli("match", "--year", YEAR, "--apply")
    assert code == 0 and "saved 1 assignments" in out
    with database.read() as s:
        assert [p.educator.employee_id for p in s.query(MentorProfile)] == ["VET1"]
        assert s.query(Assignment).one().mentor.employee_id == "VET1"


def test_a_pair_for_a_mentee_hired_later_starts_on_the_hire_date(session, district):
    """B3 is hired 1 Oct 2030, after the first day of school: their assignment starts when they do."""
    b1, b3, chem, bio = ids(session, "B1", "B3", "CHEM", "BIO")
    saved = {p.mentee_employee_id: p.start_date for p in assignments.apply_pairs(session, YEAR, [(chem, b1), (bio, b3)])}
    assert saved == {"B1": district.first_day, "B3": D(2030, 10, 1)}
    starts = {a.mentee.employee_id: a.start_date for a in session.query(Assignment)}
    assert starts == saved
