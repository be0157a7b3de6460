"""Every mentor and supervising-practitioner rule: met, not met, unknown, with its reason and citation."""

from __future__ import annotations

import datetime as dt

import pytest

from app.models import Educator, InductionEnrollment, MentorProfile, School, derived_id
from app.models.matching import EvaluatorLink, MentorTraining
from app.services import settings
from app.services.matching.eligibility import check_mentor, check_supervising_practitioner, mentor_verdict
from app.services.years import ensure_year

D = dt.date
YEAR = "2030-2031"


def person(session, eid, **kw):
    defaults = dict(first_name="F" + eid, last_name="L" + eid, role="teacher", license_type="Professional",
                    years_experience=8, last_rating="Proficient", rating_year=2029, mentor_trained_on=D(2028, 6, 1),
                    hire_date=D(2015, 8, 25))
    defaults.update(kw)
    e = Educator(id=derived_id("educator", eid), employee_id=eid, **defaults)
    session.add(e)
    session.flush()
    return e


@pytest.fixture
def year(session):
    y, _ = ensure_year(session, YEAR)
    return y


@pytest.fixture
def mentee(session, year):
    e = person(session, "NEW", license_type="Initial", years_experience=0, last_rating=None, mentor_trained_on=None,
               hire_date=D(2030, 8, 20))
    session.add(InductionEnrollment(educator=e, school_year=year, status="beginning"))
    return e


def checks_of(session, mentor, mentee, year):
    return {c.key: c for c in check_mentor(session, mentor, mentee, year)}


def test_a_veteran_meets_every_criterion(session, year, mentee):
    m = person(session, "M")
    session.add(MentorProfile(educator=m, school_year=year, capacity=2))
    checks = checks_of(session, m, mentee, year)
    assert {k: c.met for k, c in checks.items()} == {
        "same_role": True, "not_evaluator": True, "experience": True, "rating": True, "trained": True,
        "not_in_induction": True, "employed": True, "willing": True}
    assert all(c.citation for c in checks.values())
    assert checks["experience"].reason == "8 years under a Professional license"
    assert "603 CMR 7.02" in checks["experience"].citation
    assert mentor_verdict(session, m, mentee, year).status == "eligible"


@pytest.mark.parametrize("fields, met, words", [
    (dict(years_experience=2), False, "2 full years of experience; needs 3"),
    (dict(years_experience=3), True, "3 years under a Professional license"),
    (dict(years_experience=None), None, "years of experience not recorded"),
    (dict(license_type="Provisional"), False, "Provisional license; needs Initial or Professional"),
    (dict(license_type="Initial"), True, "under an Initial license"),
    (dict(license_type=None), None, "license type is not recorded"),
])
def test_three_full_years_under_initial_or_professional(session, year, mentee, fields, met, words):
    m = person(session, "M", **fields)
    check = checks_of(session, m, mentee, year)["experience"]
    assert check.met is met
    assert words in check.reason


def test_same_role_teacher_with_teacher(session, year, mentee):
    admin = person(session, "A", role="administrator")
    check = checks_of(session, admin, mentee, year)["same_role"]
    assert check.met is False and "administrator cannot mentor a teacher" in check.reason
    assert mentor_verdict(session, admin, mentee, year).status == "ineligible"


@pytest.mark.parametrize("rating, met", [("Exemplary", True), ("Proficient", True), ("Needs Improvement", False),
                                         ("Unsatisfactory", False), (None, None)])
def test_rating_required_by_default(session, year, mentee, rating, met):
    m = person(session, "M", last_rating=rating)
    session.add(MentorProfile(educator=m, school_year=year))
    check = checks_of(session, m, mentee, year)["rating"]
    assert check.met is met and check.required
    expected = {True: "eligible", False: "ineligible", None: "unknown"}[met]
    assert mentor_verdict(session, m, mentee, year).status == expected


def test_rating_only_recommended_when_the_district_says_so(session, year, mentee):
    settings.set_value(session, "mentor_rating_required", False)
    m = person(session, "M", last_rating="Needs Improvement")
    session.add(MentorProfile(educator=m, school_year=year))
    check = checks_of(session, m, mentee, year)["rating"]
    assert check.met is False and not check.required and "recommended only" in check.reason
    assert mentor_verdict(session, m, mentee, year).status == "eligible"


def test_training_pending_is_flagged_or_blocked_by_setting(session, year, mentee):
    m = person(session, "M", mentor_trained_on=None)
    session.add(MentorProfile(educator=m, school_year=year, status="training_pending"))
    check = checks_of(session, m, mentee, year)["trained"]
    assert check.met is False and check.pending and check.status == "pending"
    verdict = mentor_verdict(session, m, mentee, year)
    assert verdict.status == "flagged" and verdict.assignable
    assert "training pending" in verdict.reasons[0]
    settings.set_value(session, "allow_training_pending", False)
    assert mentor_verdict(session, m, mentee, year).status == "needs_training"


def test_training_records_count_and_enrollment_is_pending(session, year, mentee):
    m = person(session, "M", mentor_trained_on=None)
    session.add(MentorProfile(educator=m, school_year=year))
    assert checks_of(session, m, mentee, year)["trained"].reason == "no mentor training recorded"
    session.add(MentorTraining(educator=m, completed_on=None, provider="District"))
    session.flush()
    assert checks_of(session, m, mentee, year)["trained"].pending
    session.add(MentorTraining(educator=m, completed_on=D(2030, 6, 20), provider="District", minutes=900))
    session.flush()
    check = checks_of(session, m, mentee, year)["trained"]
    assert check.met is True and check.reason == "trained 2030-06-20"


def test_not_in_induction_themselves(session, year, mentee):
    m = person(session, "M")
    session.add(InductionEnrollment(educator=m, school_year=year, status="incoming"))
    session.flush()
    check = checks_of(session, m, mentee, year)["not_in_induction"]
    assert check.met is False and "incoming educator in induction" in check.reason


def test_employed_through_the_assignment(session, year, mentee):
    m = person(session, "M", exit_date=D(2031, 1, 31))
    check = checks_of(session, m, mentee, year)["employed"]
    assert check.met is False and "leaves on 1/31/2031, before the last day of school" in check.reason


def test_hired_after_the_assignment_would_start_is_not_eligible(session, year, mentee):
    """A mid-year hire cannot mentor from a start date before their hire (603 CMR 7.12(2)(b))."""
    from app.services.matching.eligibility import mentor_pool

    assert year.first_day == D(2030, 8, 28)  # the label's default; assignments made now start then
    late = person(session, "LATE", hire_date=D(2031, 2, 1))
    session.add(MentorProfile(educator=late, school_year=year, capacity=1))
    session.flush()
    check = checks_of(session, late, mentee, year)["employed"]
    assert check.met is False and check.citation.startswith("603 CMR 7.12")
    assert check.reason == "hired 2/1/2031, after the assignment would start (8/28/2030)"
    assert mentor_verdict(session, late, mentee, year).status == "ineligible"
    # An assignment made once they are on staff is fine: the check is about the assignment's start.
    on_hire = {c.key: c for c in check_mentor(session, late, mentee, year, start=D(2031, 2, 1))}
    assert on_hire["employed"].met is True
    assert mentor_verdict(session, late, mentee, year, today=D(2031, 3, 2)).status == "eligible"
    [row] = mentor_pool(session, YEAR)  # the Mentors page: as for an assignment made today
    assert row.status == "ineligible" and row.why == "hired 2/1/2031, after the assignment would start (8/28/2030)"
    [row] = mentor_pool(session, YEAR, today=D(2031, 3, 2))
    assert row.status == "eligible"
    # Hired on the first day: employed through the assignment.
    late.hire_date = D(2030, 8, 28)
    check = checks_of(session, late, mentee, year)["employed"]
    assert check.met is True and check.reason == "hired 8/28/2030, on staff through the last day of school " \
                                                 f"({year.last_day.month}/{year.last_day.day}/{year.last_day.year})"
    late.hire_date = D(2031, 8, 1)  # after the school year altogether
    assert checks_of(session, late, mentee, year)["employed"].reason.startswith(
        "hired 8/1/2031, after the school year ends")
    sp = {c.key: c for c in check_supervising_practitioner(session, late, year)}
    assert sp["employed"].met is False


def test_never_the_mentees_evaluator(session, year, mentee):
    m = person(session, "M")
    session.add(EvaluatorLink(evaluator_id=m.id, educator_id=mentee.id, school_year_id=year.id))
    session.flush()
    check = checks_of(session, m, mentee, year)["not_evaluator"]
    assert check.met is False and "evaluates FNEW LNEW" in check.reason
    assert "non-evaluative" in check.citation


def test_willingness_and_pool(session, year, mentee):
    m = person(session, "M")
    assert checks_of(session, m, mentee, year)["willing"].met is None
    session.add(MentorProfile(educator=m, school_year=year, willing=False))
    session.flush()
    assert checks_of(session, m, mentee, year)["willing"].met is False


def test_supervising_practitioner(session, year):
    sp = person(session, "SP", last_rating="Needs Improvement")
    checks = {c.key: c for c in check_supervising_practitioner(session, sp, year)}
    assert checks["rating"].met is False and checks["rating"].required
    assert checks["recommended"].met is False and "no principal recommendation" in checks["recommended"].reason
    sp.last_rating = "Exemplary"
    from app.services.matching.eligibility import record_recommendation

    record_recommendation(session, YEAR, sp.id, recommended_by="Dr. Park", recommended_on=D(2030, 5, 1))
    checks = {c.key: c for c in check_supervising_practitioner(session, sp, year)}
    assert all(c.met for c in checks.values())
    assert checks["recommended"].reason == "recommended by Dr. Park on 2030-05-01"
    assert "603 CMR 7.02" in checks["recommended"].citation


def test_school_is_irrelevant_to_eligibility(session, year, mentee):
    other = School(name="Far Away High")
    session.add(other)
    m = person(session, "M", school=other)
    session.add(MentorProfile(educator=m, school_year=year))
    assert mentor_verdict(session, m, mentee, year).status == "eligible"


def test_pool_shows_every_criterion_and_filters_by_status(session, year, mentee):
    from app.services.matching.eligibility import mentor_pool

    good = person(session, "GOOD")
    new = person(session, "NEWISH", years_experience=1)
    pend = person(session, "PEND", mentor_trained_on=None)
    blank = person(session, "BLANK", last_rating=None)
    for e in (good, new, blank):
        session.add(MentorProfile(educator=e, school_year=year, capacity=2))
    session.add(MentorProfile(educator=pend, school_year=year, status="training_pending"))
    session.flush()
    rows = {r.employee_id: r for r in mentor_pool(session, YEAR)}
    assert {k: r.status for k, r in rows.items()} == {"GOOD": "eligible", "NEWISH": "ineligible",
                                                      "PEND": "flagged", "BLANK": "unknown"}
    assert rows["NEWISH"].why == "1 full year of experience; needs 3"
    assert [c.status for c in rows["BLANK"].checks if c.key == "rating"] == ["unknown"]
    assert rows["PEND"].status_text == "Eligible (training pending)"


def test_training_records_fill_the_roster_date_and_activate(session, year):
    from app.services.matching.eligibility import add_training, list_trainings, mentor_pool, save_incentive, save_profile
    from app.errors import ValidationError

    pend = person(session, "PEND", mentor_trained_on=None)
    session.add(MentorProfile(educator=pend, school_year=year, status="training_pending"))
    session.flush()
    with pytest.raises(ValidationError, match="refresher_due"):
        add_training(session, pend.id, completed_on=D(2026, 6, 1), provider="District", hours=15,
                     refresher_due=D(2026, 1, 1))
    add_training(session, pend.id, completed_on=D(2026, 6, 1), provider="District", hours=15,
                 refresher_due=D(2031, 6, 1))
    assert pend.mentor_trained_on == D(2026, 6, 1)
    [t] = list_trainings(session, pend.id)
    assert t.hours == 15 and t.provider == "District"
    save_profile(session, YEAR, pend.id, willing=True, capacity=3)
    save_incentive(session, YEAR, pend.id, stipend_dollars=1500, pdps=30, release_hours=10)
    [row] = mentor_pool(session, YEAR)
    assert row.status == "eligible" and row.capacity == 3 and row.refresher_due == D(2031, 6, 1)
    assert row.incentive.text == "$1,500 stipend, 30 PDPs, 10.0 h release"
    with pytest.raises(ValidationError, match="capacity"):
        save_profile(session, YEAR, pend.id, willing=True, capacity=-1)


def test_fill_pool_adds_trained_staff_not_in_induction(session, year, mentee):
    from app.services.matching.eligibility import fill_pool, mentor_pool

    person(session, "T1")
    person(session, "UNTRAINED", mentor_trained_on=None)
    person(session, "GONE", exit_date=D(2030, 6, 30))
    already = person(session, "ALREADY")
    session.add(MentorProfile(educator=already, school_year=year, capacity=3))
    session.flush()
    assert fill_pool(session, YEAR) == 1
    assert fill_pool(session, YEAR) == 0  # twice changes nothing
    assert sorted(r.employee_id for r in mentor_pool(session, YEAR)) == ["ALREADY", "T1"]
