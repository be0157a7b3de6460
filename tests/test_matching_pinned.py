"""The coordinator's lists around matching, pinned row by row (DOMAIN.md "Mentor selection", 004 guidance):
the year's assignments (current, or with the ended ones and why), adding a volunteer to the mentor pool
(trained or training pending, the district's default capacity), the staff a volunteer is picked from, a
training record removed. Written for issue 24: these functions had no test in the mutation selection."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import ValidationError
from app.models import Assignment, Educator, MentorProfile, School, derived_id
from app.services import settings
from app.services.matching import assignments, eligibility
from app.services.years import ensure_year

D = dt.date
YEAR, LAST_YEAR = "2030-2031", "2029-2030"


def person(session, eid, first, last, school=None, **kw):  # type: ignore[no-untyped-def]
    e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name=first, last_name=last, school=school,
                 **{"role": "teacher", **kw})
    session.add(e)
    return e


@pytest.fixture
def staff(session):  # type: ignore[no-untyped-def]
    year, _ = ensure_year(session, YEAR)
    last, _ = ensure_year(session, LAST_YEAR)
    north, south = School(name="North High"), School(name="South High")
    session.add_all([north, south])
    people = {
        "M1": person(session, "M1", "Zoe", "Adams", north, mentor_trained_on=D(2028, 6, 1)),
        "M2": person(session, "M2", "Yuri", "Baker", south, mentor_trained_on=D(2029, 6, 1)),
        "B1": person(session, "B1", "Ana", "Cruz", north),
        "B2": person(session, "B2", "Ben", "Diaz"),  # no school on the roster yet
        "B3": person(session, "B3", "Cal", "Evans", south),
        "J1": person(session, "J1", "José", "de la Fuente", south),
        "U1": person(session, "U1", "Uma", "Ávila", north),
    }
    session.flush()
    return year, last, people


def test_the_years_assignments_current_then_with_the_ended_ones(session, staff):
    year, last, p = staff
    add = lambda mentor, mentee, start, end=None, reason=None, in_year=year: session.add(Assignment(  # noqa: E731
        mentor=p[mentor], mentee=p[mentee], school_year=in_year, start_date=start, end_date=end, end_reason=reason))
    # Added out of order: the list sorts by mentee, then start.
    add("M2", "B3", D(2030, 9, 1))
    add("M2", "B1", D(2030, 11, 2))                                   # Ana's second mentor
    add("M1", "B2", D(2030, 9, 1))
    add("M1", "B1", D(2030, 9, 1), D(2030, 11, 1), "hold_harmless")   # Ana's first, ended
    add("M1", "B3", D(2029, 9, 1), in_year=last)                      # last year: not this year's list
    session.flush()

    def rows(include_ended):  # type: ignore[no-untyped-def]
        return [(a.mentor_id, a.mentor_name, a.mentor_employee_id, a.mentee_id, a.mentee_name, a.mentee_employee_id,
                 a.school, a.start_date, a.end_date, a.end_reason)
                for a in assignments.list_assignments(session, YEAR, include_ended=include_ended)]

    m1, m2, b1, b2, b3 = (p[k].id for k in ("M1", "M2", "B1", "B2", "B3"))
    current = [
        (m2, "Yuri Baker", "M2", b1, "Ana Cruz", "B1", "North High", D(2030, 11, 2), None, None),
        (m1, "Zoe Adams", "M1", b2, "Ben Diaz", "B2", None, D(2030, 9, 1), None, None),
        (m2, "Yuri Baker", "M2", b3, "Cal Evans", "B3", "South High", D(2030, 9, 1), None, None),
    ]
    assert rows(False) == current
    assert rows(True) == [(m1, "Zoe Adams", "M1", b1, "Ana Cruz", "B1", "North High", D(2030, 9, 1), D(2030, 11, 1),
                           "hold_harmless"), *current]
    # The default is the current list; each row's id is its assignment's.
    listed = assignments.list_assignments(session, YEAR)
    assert [(a.mentee_employee_id, a.start_date) for a in listed] == [("B1", D(2030, 11, 2)), ("B2", D(2030, 9, 1)),
                                                                       ("B3", D(2030, 9, 1))]
    by_id = {a.id: a for a in session.scalars(select(Assignment))}
    assert all((by_id[a.id].mentee_id, by_id[a.id].start_date) == (a.mentee_id, a.start_date) for a in listed)
    assert [a.mentee_name for a in assignments.list_assignments(session, LAST_YEAR)] == ["Cal Evans"]


def test_a_volunteer_joins_the_pool_trained_or_pending_with_the_default_capacity(session, staff):
    year, _last, p = staff
    settings.set_value(session, "default_mentor_capacity", 3)
    eligibility.add_to_pool(session, YEAR, p["M1"].id)                # trained: active, the district's default
    eligibility.add_to_pool(session, YEAR, p["B3"].id, capacity=0)    # not trained: pending, capacity as given
    eligibility.add_to_pool(session, YEAR, p["M2"].id, capacity=2)
    profiles = {pr.educator_id: pr for pr in session.scalars(select(MentorProfile))}
    got = {e: (profiles[p[e].id].school_year_id, profiles[p[e].id].capacity, profiles[p[e].id].status)
           for e in ("M1", "B3", "M2")}
    assert got == {"M1": (year.id, 3, "active"), "B3": (year.id, 0, "training_pending"), "M2": (year.id, 2, "active")}
    # One profile per person and year, the same id on every laptop (as the roster fill makes it).
    assert profiles[p["M1"].id].id == derived_id("mentor_profile", f"M1:{YEAR}")
    # Added again: nothing changes (the capacity set on the Mentors page stays).
    eligibility.add_to_pool(session, YEAR, p["M2"].id, capacity=5)
    eligibility.add_to_pool(session, YEAR, p["M1"].id)
    assert [(pr.educator_id, pr.capacity) for pr in session.scalars(
        select(MentorProfile).where(MentorProfile.educator_id.in_([p["M1"].id, p["M2"].id]))
        .order_by(MentorProfile.capacity))] == [(p["M2"].id, 2), (p["M1"].id, 3)]
    # Each is a row of the pool page; someone not in the pool has none.
    rows = {e: eligibility.pool_row(session, YEAR, p[e].id) for e in ("M1", "M2", "B3", "B1")}
    assert rows["B1"] is None
    assert [(r.employee_id, r.name, r.school, r.capacity, r.load) for r in (rows["M1"], rows["M2"], rows["B3"])] == [
        ("M1", "Zoe Adams", "North High", 3, 0), ("M2", "Yuri Baker", "South High", 2, 0),
        ("B3", "Cal Evans", "South High", 0, 0)]
    assert rows["B3"].trained_on is None and rows["M2"].trained_on == D(2029, 6, 1)


def test_adding_someone_no_longer_on_the_roster_is_refused(session, staff):
    gone = derived_id("educator", "GONE")
    with pytest.raises(ValidationError) as exc:
        eligibility.add_to_pool(session, YEAR, gone)
    assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [("educator", str(gone), "no longer exists")]
    assert session.scalars(select(MentorProfile)).all() == []


def test_a_volunteer_is_picked_from_the_staff_not_yet_in_this_years_pool(session, staff):
    _year, last, p = staff
    eligibility.add_to_pool(session, YEAR, p["M1"].id)
    session.add(MentorProfile(educator=p["M2"], school_year=last, capacity=1, status="active"))  # last year's pool
    session.flush()
    label = {e: f"{p[e].first_name} {p[e].last_name} ({e})" for e in p}
    everyone = [(p[e].id, label[e]) for e in ("U1", "M2", "B1", "B2", "B3", "J1")]  # People order: Ávila with the A's
    assert eligibility.pool_candidates(session, YEAR) == everyone
    assert everyone[0][1] == "Uma Ávila (U1)" and everyone[-1][1] == "José de la Fuente (J1)"
    assert eligibility.pool_candidates(session, YEAR, "jose") == [(p["J1"].id, "José de la Fuente (J1)")]
    assert eligibility.pool_candidates(session, YEAR, "b3") == [(p["B3"].id, "Cal Evans (B3)")]
    assert eligibility.pool_candidates(session, YEAR, "zoe") == []  # in the pool already
    assert eligibility.pool_candidates(session, YEAR, "", limit=2) == everyone[:2]
    # Last year's pool had Yuri, not Zoe: every name holds an "a" (Ávila's folded).
    assert eligibility.pool_candidates(session, LAST_YEAR, "a") == [
        (p[e].id, label[e]) for e in ("M1", "U1", "B1", "B2", "B3", "J1")]
    assert eligibility.pool_candidates(session, LAST_YEAR, "avila") == [(p["U1"].id, "Uma Ávila (U1)")]


def test_a_training_record_removed_is_gone_from_the_list(session, staff):
    _year, _last, p = staff
    first = eligibility.add_training(session, p["B1"].id, completed_on=D(2024, 6, 20), provider="DESE", hours=15)
    second = eligibility.add_training(session, p["B1"].id, completed_on=D(2025, 1, 10), provider="Region", hours=2)
    assert [t.id for t in eligibility.list_trainings(session, p["B1"].id)] == [first, second]
    eligibility.delete_training(session, first)
    assert [(t.id, t.completed_on, t.provider, t.hours) for t in eligibility.list_trainings(session, p["B1"].id)] == [
        (second, D(2025, 1, 10), "Region", 2.0)]
    eligibility.delete_training(session, first)  # already removed (another window): nothing to do
    eligibility.delete_training(session, derived_id("mentor_training", "never"))
    assert [t.id for t in eligibility.list_trainings(session, p["B1"].id)] == [second]


def _team(session, mentee):  # type: ignore[no-untyped-def]
    from app.models.scheduling import SupportTeamMember

    return sorted((m.member_id, m.role) for m in session.scalars(select(SupportTeamMember).where(
        SupportTeamMember.mentee_id == mentee.id)))


def test_ending_an_assignment_refusals_the_day_it_ends_and_the_team(session, staff):
    from app.models.vocab import ASSIGNMENT_END_REASONS

    year, _last, p = staff
    pair = assignments.create_assignment(session, year, p["M1"].id, p["B1"].id, start=D(2030, 9, 8))
    assert _team(session, p["B1"]) == [(p["M1"].id, "mentor")]
    with pytest.raises(ValidationError) as exc:
        assignments.end_assignment(session, pair.id, reason="fired", on=D(2030, 10, 1))
    assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [
        ("end_reason", "fired", "must be one of " + ", ".join(ASSIGNMENT_END_REASONS))]
    gone = derived_id("assignment", "gone")
    for call in (lambda: assignments.end_assignment(session, gone, reason="completed", on=D(2030, 10, 1)),
                 lambda: assignments.reassign(session, gone, new_mentor_id=p["M2"].id, on=D(2030, 10, 1))):
        with pytest.raises(ValidationError) as exc:
            call()
        assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [
            ("assignment", str(gone), "no longer exists")]
    with pytest.raises(ValidationError) as exc:
        assignments.reassign(session, pair.id, new_mentor_id=p["M1"].id, on=D(2030, 10, 1))
    assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [("mentor", "", "choose a different mentor")]
    assert session.get(Assignment, pair.id).end_date is None  # nothing ended by a refusal
    # Ended on a day before it started (a slip of the date): it ends on its first day, and the mentor leaves the team.
    assignments.end_assignment(session, pair.id, reason="mentor_left", on=D(2030, 9, 1), private_reason="moved away")
    ended = session.get(Assignment, pair.id)
    assert (ended.end_date, ended.end_reason, ended.private_reason) == (D(2030, 9, 8), "mentor_left", "moved away")
    assert _team(session, p["B1"]) == []
    assert [a.mentee_employee_id for a in assignments.list_assignments(session, YEAR)] == []


def test_reassigning_starts_the_new_mentor_the_next_day(session, staff):
    year, _last, p = staff
    pair = assignments.create_assignment(session, year, p["M1"].id, p["B3"].id, start=D(2030, 9, 8))
    new_id = assignments.reassign(session, pair.id, new_mentor_id=p["M2"].id, hold_harmless=False,
                                  on=D(2030, 11, 13))
    rows = [(a.mentor_employee_id, a.start_date, a.end_date, a.end_reason)
            for a in assignments.list_assignments(session, YEAR, include_ended=True)]
    assert rows == [("M1", D(2030, 9, 8), D(2030, 11, 13), "reassigned"), ("M2", D(2030, 11, 14), None, None)]
    assert session.get(Assignment, new_id).mentor_id == p["M2"].id
    assert _team(session, p["B3"]) == [(p["M2"].id, "mentor")]


def test_the_match_weights_setting_is_explained_when_it_cannot_be_used():
    from app.services.matching.solver import weights_problem

    use = "subject, grade, building, proximity, planning, focus, load"
    assert weights_problem(None) is None and weights_problem({}) is None
    assert weights_problem({"subject": 3, "grade": 2}) is None
    assert weights_problem([3, 2]) == 'must be blank or an object such as {"subject": 3, "grade": 2}'
    assert weights_problem({"zodiac": 1, "age": 2, "grade": 1}) == f"unknown criteria age, zodiac; use {use}"
    assert weights_problem({"subject": "lots"}) == "weights must be numbers"
    assert weights_problem({"subject": True}) == "weights must be numbers"
    assert weights_problem({"subject": -1}) == "weights cannot be negative"


# --- the two-week rule, a whole district on one day (603 CMR 7.12(2)(b), 7.13; 004) ----------------------


def test_the_two_week_rule_for_a_whole_district_on_one_day(session, staff):
    """Today is 9/15/2030; school started 8/28, so the teachers' deadline was 9/11. Each line is what the
    coordinator's list and dashboard card say, in their order: the waiting first (by deadline, then name)."""
    from app.models import InductionEnrollment
    from app.models.matching import MentorTraining

    year, _last, p = staff
    north, south = p["M1"].school, p["M2"].school
    assert (year.first_day, year.window_start) == (D(2030, 8, 28), D(2030, 7, 1))
    m3 = person(session, "M3", "Xia", "Cho", north)  # no roster date; training records: June, and a later refresher
    m4 = person(session, "M4", "Wes", "Dale", south)  # trained only after the assignment ended
    session.add_all([MentorTraining(educator=m3, completed_on=D(2030, 9, 13), provider="Region", minutes=120),
                     MentorTraining(educator=m3, completed_on=D(2030, 6, 1), provider="DESE", minutes=900),
                     MentorTraining(educator=m4, completed_on=D(2030, 9, 10), provider="DESE", minutes=900)])
    b = {eid: person(session, eid, first, last, school, **kw) for eid, first, last, school, kw in [
        ("A1", "Amy", "Ames", north, {"hire_date": D(2030, 8, 20)}),
        ("A2", "Bo", "Bell", None, {}),
        ("A3", "Cy", "Cole", south, {}),
        ("A4", "Di", "Dunn", north, {"hire_date": D(2030, 9, 10)}),      # hired after the first day
        ("A5", "Ed", "Egan", north, {"hire_date": D(2030, 7, 15), "role": "administrator"}),
        ("A6", "Fay", "Ford", north, {"exit_date": D(2030, 8, 27)}),      # left the day before school started
        ("A7", "Gil", "Gray", south, {}),
        ("A8", "Hal", "Hunt", south, {}),
        ("A9", "Ida", "Irwin", north, {}),
        ("A10", "Jo", "Jones", south, {}),
        ("A11", "Kai", "King", north, {"exit_date": D(2030, 8, 28)}),    # left on the first day: counted
        ("A12", "Mo", "Moss", south, {}),
        ("A13", "Ned", "Nash", north, {}),
        ("A14", "Ola", "Ortiz", north, {}),
        ("A15", "Pia", "Park", south, {}),
        ("Y2", "Lu", "Long", north, {}),                                   # incoming (not beginning): not this rule
    ]}
    for eid, e in b.items():
        session.add(InductionEnrollment(educator=e, school_year=year, status="incoming" if eid == "Y2" else "beginning"))
    pair = lambda mentor, mentee, start, end=None: session.add(Assignment(  # noqa: E731
        mentor=mentor, mentee=b[mentee], school_year=year, start_date=start, end_date=end))
    pair(p["M1"], "A1", D(2030, 8, 28))
    pair(m3, "A2", D(2030, 9, 1))
    pair(p["M2"], "A3", D(2030, 8, 28), D(2030, 9, 5))   # the mentor left: no trained mentor now
    pair(p["M2"], "A7", D(2030, 9, 14))                  # three days late
    pair(p["M1"], "A8", D(2030, 9, 5))
    pair(p["M2"], "A8", D(2030, 9, 1))                   # two at once: the first in place is named
    pair(p["M1"], "A9", D(2030, 9, 20))                  # not yet begun
    pair(m4, "A10", D(2030, 8, 28), D(2030, 9, 5))
    pair(p["M1"], "A12", D(2030, 9, 20))                 # one not yet begun, then one in place: the latter counts
    pair(p["M2"], "A12", D(2030, 9, 1))
    pair(p["M1"], "A13", D(2030, 9, 15))                 # starts today: in place today, four days late
    pair(p["M2"], "A14", D(2030, 8, 28), D(2030, 9, 15))  # ends today: still in place
    pair(m4, "A15", D(2030, 8, 28), D(2030, 9, 10))      # trained on its last day: in place that day only
    pair(p["M1"], "Y2", D(2030, 8, 28))
    session.flush()

    statuses = assignments.two_week_status(session, YEAR, today=D(2030, 9, 15))
    assert [(s.employee_id, s.name, s.school, s.counted_from, s.deadline, s.mentor_name, s.met_on, s.state, s.days)
            for s in statuses] == [
        ("A5", "Ed Egan", "North High", D(2030, 7, 15), D(2030, 7, 29), None, None, "overdue", 48),
        ("A3", "Cy Cole", "South High", D(2030, 8, 28), D(2030, 9, 11), None, D(2030, 8, 28), "overdue", 4),
        ("A9", "Ida Irwin", "North High", D(2030, 8, 28), D(2030, 9, 11), None, None, "overdue", 4),
        ("A10", "Jo Jones", "South High", D(2030, 8, 28), D(2030, 9, 11), None, None, "overdue", 4),
        ("A11", "Kai King", "North High", D(2030, 8, 28), D(2030, 9, 11), None, None, "overdue", 4),
        ("A15", "Pia Park", "South High", D(2030, 8, 28), D(2030, 9, 11), None, D(2030, 9, 10), "overdue", 4),
        ("A4", "Di Dunn", "North High", D(2030, 9, 10), D(2030, 9, 24), None, None, "due", 9),
        ("A1", "Amy Ames", "North High", D(2030, 8, 28), D(2030, 9, 11), "Zoe Adams", D(2030, 8, 28), "met", 0),
        ("A2", "Bo Bell", None, D(2030, 8, 28), D(2030, 9, 11), "Xia Cho", D(2030, 9, 1), "met", 0),
        ("A7", "Gil Gray", "South High", D(2030, 8, 28), D(2030, 9, 11), "Yuri Baker", D(2030, 9, 14), "met late", 3),
        ("A8", "Hal Hunt", "South High", D(2030, 8, 28), D(2030, 9, 11), "Yuri Baker", D(2030, 9, 1), "met", 0),
        ("A12", "Mo Moss", "South High", D(2030, 8, 28), D(2030, 9, 11), "Yuri Baker", D(2030, 9, 1), "met", 0),
        ("A13", "Ned Nash", "North High", D(2030, 8, 28), D(2030, 9, 11), "Zoe Adams", D(2030, 9, 15), "met late", 4),
        ("A14", "Ola Ortiz", "North High", D(2030, 8, 28), D(2030, 9, 11), "Yuri Baker", D(2030, 8, 28), "met", 0),
    ]
    texts = [s.text for s in statuses]
    assert texts[0] == "Ed Egan (North High): 48 days overdue (due 2030-07-29)"
    assert texts[6] == "Di Dunn (North High): 9 days left (due 2030-09-24)"
    assert texts[7:10] == ["Amy Ames (North High): trained mentor Zoe Adams since 2030-08-28",
                          "Bo Bell: trained mentor Xia Cho since 2030-09-01",
                          "Gil Gray (South High): mentor Yuri Baker 3 days late"]
    card = assignments.two_week_card(session, YEAR, today=D(2030, 9, 15))
    assert [(i.text, i.educator_id, i.overdue) for i in card.items] == [
        (s.text, s.educator_id, s.state == "overdue") for s in statuses[:7]]
    assert card.summary == "7 of 14 beginning educators have no trained mentor; 6 past the two-week deadline"
    assert (card.key, card.title, card.citation, card.area) == (
        "two_week_rule", "Beginning educators without a trained mentor",
        "603 CMR 7.12(2)(b); 603 CMR 7.13 (a trained mentor within the first two weeks)", "matching")
    # On the deadline day nothing is overdue yet (the administrator's came long before).
    on_deadline = {s.employee_id: (s.state, s.days) for s in assignments.two_week_status(session, YEAR,
                                                                                         today=D(2030, 9, 11))}
    assert on_deadline["A9"] == ("due", 0) and on_deadline["A4"] == ("due", 13) and on_deadline["A5"] == ("overdue", 44)
    assert on_deadline["A7"] == ("due", 0)  # its mentor starts on the 14th


def test_the_two_week_card_when_everyone_has_a_mentor_and_when_there_is_nobody(session, staff):
    from app.models import InductionEnrollment

    year, _last, p = staff
    assert assignments.two_week_card(session, YEAR, today=D(2030, 9, 15)).summary == "No beginning educators this year."
    session.add(InductionEnrollment(educator=p["B1"], school_year=year, status="beginning"))
    session.add(Assignment(mentor=p["M1"], mentee=p["B1"], school_year=year, start_date=D(2030, 9, 11)))
    session.flush()
    card = assignments.two_week_card(session, YEAR, today=D(2030, 9, 15))
    assert (card.summary, card.items) == ("All 1 beginning educators have a trained mentor.", [])
    (status,) = assignments.two_week_status(session, YEAR, today=D(2030, 9, 15))
    assert (status.state, status.days, status.met_on) == ("met", 0, D(2030, 9, 11))  # in place on the deadline


def test_a_mentor_training_recorded_checked_at_its_limits(session, staff):
    """Hours 0 to 500, a provider of up to 200 characters, a refresher due after the training, a completion
    date no later than tomorrow; every problem named at once; someone no longer on the roster refused."""
    _year, _last, p = staff
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    add = lambda **kw: eligibility.add_training(session, p["B1"].id, **{  # noqa: E731
        "completed_on": D(2024, 6, 20), "provider": "DESE", "hours": 15, **kw})
    long = "Mass. Mentoring Institute " * 8 + "x"  # 201 characters
    with pytest.raises(ValidationError) as exc:
        add(provider=long, hours=500.5, refresher_due=D(2024, 6, 20), completed_on=tomorrow + dt.timedelta(days=1))
    late = (tomorrow + dt.timedelta(days=1)).isoformat()
    assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [
        ("provider", long[:40] + "...", "longer than 200 characters"),
        ("hours", "500.5", "must be between 0 and 500"),
        ("refresher_due", "2024-06-20", "must come after the training"),
        ("completed_on", late, "is in the future: leave it blank for a training still to come")]
    with pytest.raises(ValidationError) as exc:
        add(hours=-1, refresher_due=D(2024, 6, 20))
    assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [
        ("hours", "-1", "must be between 0 and 500"), ("refresher_due", "2024-06-20", "must come after the training")]
    gone = derived_id("educator", "GONE")
    with pytest.raises(ValidationError) as exc:
        eligibility.add_training(session, gone, completed_on=None, provider=None, hours=None)
    assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [("educator", str(gone), "no longer exists")]
    assert eligibility.list_trainings(session, p["B1"].id) == []
    # At the limits: saved.
    add(provider="Region", hours=1.25, completed_on=None, notes="enrolled")
    add(provider="", hours=0, completed_on=tomorrow, notes="")
    add(provider=long[:200], hours=500, refresher_due=D(2024, 6, 21), completed_on=D(2024, 6, 20))
    got = [(t.completed_on, t.provider, t.hours, t.refresher_due, t.notes)
           for t in eligibility.list_trainings(session, p["B1"].id)]
    assert got == [(D(2024, 6, 20), long[:200], 500.0, D(2024, 6, 21), None),
                   (tomorrow, None, 0.0, None, None),
                   (None, "Region", 1.25, None, "enrolled")]  # dated first, oldest first; the one to come last


def test_a_training_fills_the_roster_date_and_moves_the_pool_status(session, staff):
    """A completed training sets the roster's mentor-training date when blank or later (the state report
    counts trained mentors from it) and makes a pending pool member active; a training still to come makes
    an untrained active member pending."""
    year, _last, p = staff
    eligibility.add_to_pool(session, YEAR, p["B1"].id)  # untrained: pending
    eligibility.add_to_pool(session, YEAR, p["B2"].id)
    profile = lambda e: session.scalars(select(MentorProfile).where(  # noqa: E731
        MentorProfile.educator_id == p[e].id)).one().status
    assert (profile("B1"), profile("B2")) == ("training_pending", "training_pending")
    eligibility.add_training(session, p["B1"].id, completed_on=D(2025, 6, 20), provider="DESE", hours=15)
    assert (p["B1"].mentor_trained_on, profile("B1"), profile("B2")) == (D(2025, 6, 20), "active", "training_pending")
    eligibility.add_training(session, p["B1"].id, completed_on=D(2026, 1, 5), provider="Region", hours=2)  # later
    assert p["B1"].mentor_trained_on == D(2025, 6, 20)
    eligibility.add_training(session, p["B1"].id, completed_on=D(2024, 8, 1), provider="DESE", hours=15)  # earlier
    assert p["B1"].mentor_trained_on == D(2024, 8, 1)
    eligibility.add_training(session, p["B1"].id, completed_on=None, provider="DESE", hours=None)  # a refresher to come
    assert (p["B1"].mentor_trained_on, profile("B1")) == (D(2024, 8, 1), "active")  # trained already: stays active
    # Someone made active by hand, untrained, enrolled in a training: pending until it is done.
    session.scalars(select(MentorProfile).where(MentorProfile.educator_id == p["B2"].id)).one().status = "active"
    session.flush()
    eligibility.add_training(session, p["B2"].id, completed_on=None, provider="DESE", hours=15)
    assert (p["B2"].mentor_trained_on, profile("B2"), profile("B1")) == (None, "training_pending", "active")
    assert [t.hours for t in eligibility.list_trainings(session, p["B2"].id)] == [15.0]


def test_the_mentor_pool_page_row_by_row(session, staff):
    """The Mentors page on 10/1/2030: who is in this year's pool (not last year's), in the People order, each
    with the roster's facts, the year's willingness and capacity, the mentees still with them that day, the
    latest training and the latest refresher due, and the year's incentive in dollars and hours."""
    from app.models.matching import MentorIncentive, MentorTraining

    year, last, p = staff
    m1, m2, u1 = p["M1"], p["M2"], p["U1"]
    m1.subjects, m1.grades, m1.years_experience, m1.license_type, m1.last_rating = (
        ["Chemistry"], ["10", "11"], 9, "Professional", "Proficient")
    session.add_all([MentorProfile(educator=m1, school_year=year, capacity=3, willing=True, status="active"),
                     MentorProfile(educator=m2, school_year=year, capacity=2, willing=False, status="active"),
                     MentorProfile(educator=u1, school_year=year, capacity=1, status="training_pending"),
                     MentorProfile(educator=p["J1"], school_year=last, capacity=1, status="active")])
    session.add_all([MentorTraining(educator=m1, completed_on=D(2028, 6, 1), refresher_due=D(2031, 6, 1), minutes=900),
                     MentorTraining(educator=m1, completed_on=D(2029, 6, 1), refresher_due=D(2033, 6, 1), minutes=90),
                     MentorTraining(educator=u1, completed_on=None, minutes=None)])
    session.add_all([MentorIncentive(educator_id=m1.id, school_year_id=year.id, stipend_cents=150050, pdps=15,
                                     release_minutes=90, notes="Paid in June"),
                     MentorIncentive(educator_id=m2.id, school_year_id=last.id, stipend_cents=99900)])
    add = lambda mentor, mentee, start, end=None: session.add(Assignment(  # noqa: E731
        mentor=mentor, mentee=p[mentee], school_year=year, start_date=start, end_date=end))
    add(m1, "B1", D(2030, 9, 1))
    add(m1, "B2", D(2030, 9, 1), D(2030, 10, 1))   # ends today: still with them today
    add(m1, "B3", D(2030, 9, 1), D(2030, 9, 30))   # ended yesterday
    add(m2, "J1", D(2030, 9, 1))
    session.flush()
    rows = eligibility.mentor_pool(session, YEAR, today=D(2030, 10, 1))
    assert [(r.employee_id, r.name, r.school, r.role, r.subjects, r.grades, r.years_experience, r.license_type,
             r.last_rating, r.willing, r.capacity, r.load, r.trained_on, r.refresher_due, r.external) for r in rows] == [
        ("M1", "Zoe Adams", "North High", "teacher", ("Chemistry",), ("10", "11"), 9, "Professional", "Proficient",
         True, 3, 2, D(2029, 6, 1), D(2033, 6, 1), None),  # the latest training (training_state)
        ("U1", "Uma Ávila", "North High", "teacher", (), (), None, None, None, True, 1, 0, None, None, None),
        ("M2", "Yuri Baker", "South High", "teacher", (), (), None, None, None, False, 2, 1, D(2029, 6, 1), None, None),
    ]
    assert [r.incentive for r in rows] == [eligibility.IncentiveInfo(1500.5, 15, 1.5, "Paid in June"), eligibility.IncentiveInfo(),
                                           eligibility.IncentiveInfo()]
    assert rows[0].incentive.text == "$1,500 stipend, 15 PDPs, 1.5 h release"
    assert eligibility.pool_row(session, YEAR, m2.id).load == 1  # the page's one row, as of the real today


def test_the_years_profile_incentive_and_recommendation_saved_and_checked(session, staff):
    """The Mentors page's edits: capacity 0 to 20, notes cleared when emptied; the incentive (004: stipend,
    PDPs, release time) never negative and stored in cents and minutes; a principal's recommendation of a
    supervising practitioner (603 CMR 7.02) with who and when, kept one per person and year."""
    from app.models.matching import MentorIncentive, PrincipalRecommendation

    year, last, p = staff
    for capacity in (-1, 21):
        with pytest.raises(ValidationError) as exc:
            eligibility.save_profile(session, YEAR, p["M1"].id, willing=True, capacity=capacity)
        assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [
            ("capacity", str(capacity), "must be between 0 and 20 mentees")]
    eligibility.save_profile(session, YEAR, p["M1"].id, willing=False, capacity=20, notes="Coaches on Tuesdays")
    eligibility.save_profile(session, YEAR, p["M2"].id, willing=True, capacity=0)
    profile = lambda e: session.scalars(select(MentorProfile).where(MentorProfile.educator_id == p[e].id)).one()  # noqa: E731
    assert (profile("M1").willing, profile("M1").capacity, profile("M1").notes) == (False, 20, "Coaches on Tuesdays")
    assert (profile("M2").willing, profile("M2").capacity, profile("M2").status) == (True, 0, "active")
    eligibility.save_profile(session, YEAR, p["M1"].id, willing=True, capacity=2)  # notes not given: kept
    assert profile("M1").notes == "Coaches on Tuesdays"
    eligibility.save_profile(session, YEAR, p["M1"].id, willing=True, capacity=2, notes="")
    assert profile("M1").notes is None

    with pytest.raises(ValidationError) as exc:
        eligibility.save_incentive(session, YEAR, p["M1"].id, stipend_dollars=-1, pdps=-2, release_hours=-0.5)
    assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [
        ("stipend", "-1", "cannot be negative"), ("pdps", "-2", "cannot be negative"),
        ("release_hours", "-0.5", "cannot be negative")]
    eligibility.save_incentive(session, YEAR, p["M1"].id, stipend_dollars=1250.555, pdps=15, release_hours=2.25,
                               notes="Paid in June")
    eligibility.save_incentive(session, LAST_YEAR, p["M1"].id, stipend_dollars=0, pdps=0, release_hours=0)
    eligibility.save_incentive(session, YEAR, p["M1"].id, stipend_dollars=1000, pdps=None, release_hours=None,
                               notes="")  # edited: the same record
    got = sorted((i.school_year_id == year.id, i.stipend_cents, i.pdps, i.release_minutes, i.notes)
                 for i in session.scalars(select(MentorIncentive)))
    assert got == [(False, 0, 0, 0, None), (True, 100000, None, None, None)]
    eligibility.save_incentive(session, YEAR, p["M2"].id, stipend_dollars=1250.555, pdps=1, release_hours=2.25)
    m2 = session.scalars(select(MentorIncentive).where(MentorIncentive.educator_id == p["M2"].id)).one()
    assert (m2.stipend_cents, m2.release_minutes, m2.id) == (125056, 135, derived_id("mentor_incentive",
                                                                                      f"{p['M2'].id}:{year.id}"))

    with pytest.raises(ValidationError) as exc:
        eligibility.record_recommendation(session, YEAR, p["M2"].id, recommended_by="x" * 201,
                                          recommended_on=D(2030, 5, 1))
    assert [(pr.field, pr.value, pr.reason) for pr in exc.value.problems] == [
        ("recommended_by", "x" * 40 + "...", "longer than 200 characters")]
    eligibility.record_recommendation(session, YEAR, p["M2"].id, recommended_by="x" * 200, recommended_on=None)
    eligibility.record_recommendation(session, YEAR, p["M2"].id, recommended_by="Dr. Park",
                                      recommended_on=D(2030, 5, 1))
    eligibility.record_recommendation(session, LAST_YEAR, p["M2"].id, recommended_by="", recommended_on=None)
    recs = sorted((r.school_year_id == year.id, r.recommended_by, r.recommended_on)
                  for r in session.scalars(select(PrincipalRecommendation)))
    assert recs == [(False, None, None), (True, "Dr. Park", D(2030, 5, 1))]
    checks = {c.key: (c.met, c.reason) for c in eligibility.check_supervising_practitioner(session, p["M2"], YEAR,
                                                                                          today=D(2030, 8, 1))}
    assert checks["recommended"] == (True, "recommended by Dr. Park on 2030-05-01")
    rec = session.scalars(select(PrincipalRecommendation).where(PrincipalRecommendation.school_year_id == year.id)).one()
    assert rec.id == derived_id("principal_recommendation", f"{p['M2'].id}:{year.id}")  # one record on every laptop
    p["M2"].last_rating, p["M2"].rating_year = "Needs Improvement", 2030
    session.flush()
    (rating,) = [c for c in eligibility.check_supervising_practitioner(session, p["M2"], YEAR, today=D(2030, 8, 1))
                 if c.key == "rating"]
    assert (rating.met, rating.reason) == (False, "rated Needs Improvement (2030); needs Proficient or Exemplary")
    last_year = eligibility.check_supervising_practitioner(session, p["M2"], LAST_YEAR, today=D(2029, 8, 1))
    assert [(c.met, c.reason) for c in last_year if c.key == "recommended"] == [
        (None, "recommendation recorded without who made it and the date")]
    none = eligibility.check_supervising_practitioner(session, p["M1"], YEAR, today=D(2030, 8, 1))
    assert [(c.met, c.reason) for c in none if c.key == "recommended"] == [(False, "no principal recommendation recorded")]
    eligibility.record_recommendation(session, YEAR, p["M1"].id, recommended_by="Dr. Park", recommended_on=None)
    assert [c.reason for c in eligibility.check_supervising_practitioner(session, p["M1"], YEAR, today=D(2030, 8, 1))
            if c.key == "recommended"] == ["recommendation recorded without the date"]
