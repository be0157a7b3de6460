"""Every dated rule pinned at its edges: the day before, the day, the day after, written from the rule's
text (../shared/DOMAIN.md and the regulations cited beside each test). "Today" is always passed to the
service (today=, as_of=), never read from the clock.

Not here: the induction-status derivation (roster/educators.derive_induction_status), which is being
changed elsewhere; its window is pinned by the tests of that change.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from app.models import Assignment, Educator, InductionEnrollment, School, SchoolYear, derived_id
from app.models.matching import MentorTraining
from app.models.timelogs import TimeLog
from app.services import cap
from app.services.matching import assignments
from app.services.matching import eligibility as elig
from app.services.reports import state_report
from app.services.timelogs import hours
from app.services.timelogs.imports import import_timelogs
from app.services.years import ensure_year

D = dt.date
DAY = dt.timedelta(days=1)
LABEL = "2025-2026"
JUNE_30_BEFORE, JULY_1, JUNE_30, JULY_1_AFTER = D(2025, 6, 30), D(2025, 7, 1), D(2026, 6, 30), D(2026, 7, 1)


def _person(session, eid, school=None, role="teacher", **kw):  # type: ignore[no-untyped-def]
    e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name="F", last_name=eid, role=role,
                 school=school, **kw)
    session.add(e)
    return e


def _log(session, a: Assignment, day: dt.date, minutes: int, activity: str = "meeting") -> None:
    session.add(TimeLog(assignment_id=a.id, mentor_id=a.mentor_id, mentee_id=a.mentee_id, date=day, minutes=minutes,
                        activity=activity, topics=[]))


def _ids(refs) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(r.employee_id for r in refs)


# --- the state report's July 1 to June 30 window (603 CMR 7.12(3); state_report.DEFINITIONS) -------------


def test_state_report_window_edges_for_hires_exits_entries_assignments_and_training(session):
    year, _ = ensure_year(session, LABEL)
    school = School(name="Lincoln")
    session.add(school)
    hires = {"H0630": JUNE_30_BEFORE, "H0701": JULY_1, "H2630": JUNE_30, "H2701": JULY_1_AFTER}
    exits = {"X0630": JUNE_30_BEFORE, "X0701": JULY_1, "X2630": JUNE_30, "X2701": JULY_1_AFTER}
    people = {}
    for eid in [*hires, *exits]:
        people[eid] = _person(session, eid, school, hire_date=hires.get(eid, D(2025, 6, 1) if eid in exits else None),
                              exit_date=exits.get(eid), license_type="Initial", years_experience=0)
        session.add(InductionEnrollment(educator=people[eid], school_year=year, status="beginning"))
    mentor_trained = {"M2630": JUNE_30, "M2701": JULY_1_AFTER}
    mentors = {eid: _person(session, eid, school, mentor_trained_on=day) for eid, day in mentor_trained.items()}
    # Assignments at the window's edges: ended June 30 before, started July 1 after: neither serves.
    m_before, m_after = _person(session, "MBEFORE", school), _person(session, "MAFTER", school)
    session.flush()
    a1 = Assignment(mentor=mentors["M2630"], mentee=people["H0701"], school_year=year, start_date=JULY_1)
    a2 = Assignment(mentor=mentors["M2701"], mentee=people["X2630"], school_year=year, start_date=JULY_1)
    a3 = Assignment(mentor=m_before, mentee=people["H2630"], school_year=year, start_date=D(2025, 1, 5),
                    end_date=JUNE_30_BEFORE)
    a4 = Assignment(mentor=m_after, mentee=people["H2630"], school_year=year, start_date=JULY_1_AFTER)
    session.add_all([a1, a2, a3, a4])
    session.flush()
    for day, minutes in ((JUNE_30_BEFORE, 7), (JULY_1, 30), (JUNE_30, 45), (JULY_1_AFTER, 11)):
        _log(session, a1, day, minutes, "observed_mentee")
    session.commit()

    report = state_report.compute(session, LABEL, printed=False)
    t = report.teachers
    # Employed: hired on or before June 30 and not exited before July 1.
    assert _ids(t.beginning_served) == ["H0630", "H0701", "H2630", "X0701", "X2630", "X2701"]
    # Hired: a hire date in the window, both edges in.
    assert _ids(t.hired) == _ids(t.beginning_hired) == ["H0701", "H2630"]
    # Retained: no exit on or before June 30 (an exit on June 30 is a leaver; on July 1, retained).
    assert _ids(t.retained) == ["H0630", "H0701", "H2630", "X2701"]
    assert t.retention_rate == round(4 / 6, 3) and t.hiring_rate == 1.0
    # Entries July 1 and June 30 count, the days outside do not; observations likewise.
    assert t.mentoring_minutes == 75 and t.observations == 2
    # Mentors serving: assignments overlapping the window; trained: on or before June 30.
    assert _ids(t.mentors_serving) == ["M2630", "M2701"]
    assert _ids(t.trained_mentors) == ["M2630"]
    by_school = {s.school: s for s in report.teachers_by_school}["Lincoln"]
    # Teachers employed in the year: the six above, the two mentors, MBEFORE, MAFTER (no dates).
    assert (by_school.teachers, by_school.hired, by_school.retained) == (10, 2, 8)


# --- hours and hours toward 50 (603 CMR 7.04(2)(c)(4); services/timelogs/hours.py) ------------------------


def test_hours_toward_50_start_the_day_after_the_induction_year_and_stop_at_the_year_asked(session):
    y24, _ = ensure_year(session, "2024-2025")
    y25, _ = ensure_year(session, LABEL)
    ensure_year(session, "2026-2027")
    mentor, b = _person(session, "M"), _person(session, "B", hire_date=D(2024, 8, 20))
    # Enrolled beginning in 2024-2025 (induction year 1): the induction year ends June 30, 2025.
    session.add(InductionEnrollment(educator=b, school_year=y24, status="beginning", induction_year=1))
    session.flush()
    a = Assignment(mentor=mentor, mentee=b, school_year=y24, start_date=D(2024, 9, 1))
    session.add(a)
    session.flush()
    for day, minutes in ((JUNE_30_BEFORE, 60), (JULY_1, 30), (JUNE_30, 15), (JULY_1_AFTER, 10)):
        _log(session, a, day, minutes)
    session.commit()

    toward = {day: hours.minutes_toward_50(session, day)[b.id]
              for day in (JUNE_30_BEFORE - DAY, JUNE_30_BEFORE, JULY_1, JUNE_30, JULY_1_AFTER)}
    assert toward == {JUNE_30_BEFORE - DAY: None, JUNE_30_BEFORE: None,  # still in the induction year
                      JULY_1: 30, JUNE_30: 45, JULY_1_AFTER: 55}
    rows = {label: hours.educator_hours(session, label) for label in ("2024-2025", LABEL, "2026-2027")}
    assert [(r.minutes, r.minutes_toward_50, r.induction_year) for r in rows["2024-2025"]] == [(60, None, "2024-2025")]
    assert [(r.minutes, r.minutes_toward_50) for r in rows[LABEL]] == [(45, 45)]
    assert [(r.minutes, r.minutes_toward_50) for r in rows["2026-2027"]] == [(10, 55)]
    # An enrollment in induction year 2 places the induction year one year earlier: the same figures.
    session.query(InductionEnrollment).delete()
    session.add(InductionEnrollment(educator=b, school_year=y25, status="beginning", induction_year=2))
    session.commit()
    assert hours.minutes_toward_50(session, JUNE_30)[b.id] == 45
    assert hours.minutes_toward_50(session, JUNE_30_BEFORE)[b.id] is None


# --- the two-week rule (603 CMR 7.12(2)(b); matching/assignments.two_week_status) -------------------------


def test_two_week_deadline_day_before_on_and_after(session):
    year, _ = ensure_year(session, LABEL)
    first = year.first_day
    deadline = first + dt.timedelta(days=14)
    mentor = _person(session, "MT", mentor_trained_on=D(2020, 6, 1))
    on, late, none = (_person(session, eid, hire_date=D(2025, 8, 1)) for eid in ("ON", "LATE", "NONE"))
    hired_late = _person(session, "HIRED", hire_date=first + dt.timedelta(days=30))
    for e in (on, late, none, hired_late):
        session.add(InductionEnrollment(educator=e, school_year=year, status="beginning"))
    session.flush()
    session.add_all([Assignment(mentor=mentor, mentee=on, school_year=year, start_date=deadline),
                     Assignment(mentor=mentor, mentee=late, school_year=year, start_date=deadline + DAY)])
    session.commit()

    def status(today):  # type: ignore[no-untyped-def]
        return {s.employee_id: (s.state, s.days) for s in assignments.two_week_status(session, LABEL, today=today)}

    assert status(deadline - DAY)["NONE"] == ("due", 1)
    assert status(deadline)["NONE"] == ("due", 0)
    assert status(deadline + DAY)["NONE"] == ("overdue", 1)
    after = status(deadline + DAY)
    assert after["ON"] == ("met", 0)  # a trained mentor in place on the deadline meets it
    assert after["LATE"] == ("met late", 1)
    # Hired after the first day: counted from the hire date.
    hire_deadline = hired_late.hire_date + dt.timedelta(days=14)
    assert status(hire_deadline)["HIRED"] == ("due", 0)
    assert status(hire_deadline + DAY)["HIRED"] == ("overdue", 1)


# --- mentor eligibility: employed through the assignment (603 CMR 7.12(2)(b); eligibility.py) --------------


def test_a_mentor_leaving_on_the_last_day_of_school_is_eligible_the_day_before_is_not(session):
    year, _ = ensure_year(session, LABEL)
    last, start = year.last_day, year.first_day

    def met(**kw) -> bool | None:  # type: ignore[no-untyped-def]
        return elig.employment_check(Educator(employee_id="X", first_name="F", last_name="L", **kw), year).met

    assert met(exit_date=last - DAY) is False
    assert met(exit_date=last) is True
    assert met(exit_date=last + DAY) is True
    assert met(hire_date=start - DAY) is True
    assert met(hire_date=start) is True  # hired on the day the assignment starts
    assert met(hire_date=start + DAY) is False
    # An assignment made later in the year starts later: a hire up to that day is fine.
    later = start + dt.timedelta(days=40)
    assert elig.employment_check(Educator(hire_date=later), year, start=later).met is True
    assert elig.employment_check(Educator(hire_date=later + DAY), year, start=later).met is False
    assert elig.assignment_start(year, today=start - DAY) == start
    assert elig.assignment_start(year, today=start + DAY) == start + DAY


def test_training_completed_on_the_assignment_day_counts_enrolled_does_not(session):
    """A training record completed counts whatever its date; an enrollment without a date is pending."""
    e = Educator(employee_id="T", first_name="F", last_name="L")
    first, refresher = D(2024, 6, 1), D(2026, 6, 1)
    state = elig.training_state(e, [MentorTraining(completed_on=first), MentorTraining(completed_on=refresher)])
    assert elig.training_check(state).met is True
    pending = elig.training_state(e, [MentorTraining(completed_on=None)])
    assert elig.training_check(pending).met is False and pending.pending


# --- the time-log import: the assignment's first and last day (services/timelogs/imports.py) ---------------


def test_time_log_import_takes_the_assignments_first_and_last_day_not_the_days_outside(session, tmp_path: Path):
    year, _ = ensure_year(session, LABEL)
    mentor, mentee = _person(session, "M1"), _person(session, "B1")
    start, end = D(2025, 9, 2), D(2026, 1, 30)
    session.flush()
    session.add(Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=start, end_date=end,
                           end_reason="reassigned"))
    session.commit()
    days = [start - DAY, start, end, end + DAY]
    path = tmp_path / "logs.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["mentor_employee_id", "mentee_employee_id", "date", "minutes", "activity"])
        writer.writerows([["M1", "B1", d.isoformat(), "30", "planning"] for d in days])
    report = import_timelogs(session, path, today=D(2026, 3, 1))
    session.commit()
    assert report.new == 2 and sorted(r.line for r in report.rejected) == [2, 5]
    assert all("covers the date" in r.reason for r in report.rejected)
    assert sorted(session.scalars(TimeLog.__table__.select().with_only_columns(TimeLog.date))) == [start, end]


def test_time_log_import_takes_today_but_not_tomorrow(session, tmp_path: Path):
    year, _ = ensure_year(session, LABEL)
    mentor, mentee = _person(session, "M1"), _person(session, "B1")
    session.flush()
    session.add(Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=D(2025, 9, 2)))
    session.commit()
    today = D(2025, 10, 15)
    path = tmp_path / "logs.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["mentor_employee_id", "mentee_employee_id", "date", "minutes", "activity"])
        writer.writerows([["M1", "B1", d.isoformat(), "30", "planning"] for d in (today - DAY, today, today + DAY)])
    report = import_timelogs(session, path, today=today)
    assert report.new == 2 and [r.line for r in report.rejected] == [4]
    assert "future" in report.rejected[0].reason


# --- CAP: only held observations count toward the minimums (2024 CAP guidelines; cap/progress.py) ----------


@pytest.mark.parametrize("status, counts", [("planned", False), ("held", True), ("feedback_given", True)])
def test_a_planned_observation_does_not_count_toward_the_minimums_a_held_one_does(session, status, counts):
    from tests.cap_fixtures import make_candidate, make_world

    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp, field="Mathematics", grades="8-12")
    today = D(2026, 3, 20)
    before = cap.summary(session, placement.id, today)
    assert "2 unannounced observations by the SP" in before.owed
    cap.add_observation(session, placement.id, kind="unannounced", observer="sp", observed_on=D(2026, 3, 3),
                        status=status)
    after = cap.summary(session, placement.id, today)
    assert ("1 unannounced observation by the SP" in after.owed) is counts
    assert ("2 unannounced observations by the SP" in after.owed) is not counts
    assert after.counts.unannounced == (1 if counts else 0) and after.counts.total == (1 if counts else 0)
