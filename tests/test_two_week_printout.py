"""The two-week rule on the principal roster: a mentor assigned after the deadline prints "assigned N
days late", not "ok"; administrators count from their own start of work.

603 CMR 7.12(2)(b); 004, "Mentor Assignment and Compensation": "Districts are required to assign all
beginning teachers to a mentor within the first two weeks of the school year (or, where applicable,
date of hire)". 004, "Induction Programs for Administrators": "All beginning administrators assigned a
mentor within the first two weeks of working (or, where applicable, date of hire)" (603 CMR 7.13).
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.models import Educator, InductionEnrollment, School, derived_id
from app.services.matching import assignments
from app.services.reports import principal_roster
from app.services.years import ensure_year

D = dt.date
YEAR = "2025-2026"  # first day of school: Wednesday 27 August 2025; a teacher's deadline 10 September
FIRST_DAY = D(2025, 8, 27)
TODAY = D(2025, 12, 1)


def person(session, eid, school, **kw):  # type: ignore[no-untyped-def]
    defaults = dict(first_name="F" + eid, last_name="L" + eid, role="teacher", license_type="Initial",
                    years_experience=0, hire_date=D(2025, 8, 20))
    defaults.update(kw)
    e = Educator(id=derived_id("educator", eid), employee_id=eid, school=school, **defaults)
    session.add(e)
    return e


@pytest.fixture
def pair(session):  # type: ignore[no-untyped-def]
    """A trained mentor at Lincoln; `make(mentee_kw, start)` adds a beginning educator paired from `start`."""
    year, _ = ensure_year(session, YEAR)
    assert year.first_day == FIRST_DAY
    school = School(name="Lincoln")
    session.add(school)
    mentor = person(session, "M", school, license_type="Professional", years_experience=12,
                    last_rating="Proficient", mentor_trained_on=D(2024, 6, 1), hire_date=D(2010, 8, 20))

    def make(start: dt.date, **mentee_kw):  # type: ignore[no-untyped-def]
        mentee = person(session, "B", school, **mentee_kw)
        session.add(InductionEnrollment(educator=mentee, school_year=year, status="beginning"))
        session.flush()
        assignments.create_assignment(session, year, mentor.id, mentee.id, start=start, fill_team=False)
        session.flush()
        line = principal_roster.roster_lines(session, YEAR, today=TODAY)["Lincoln"][0]
        status = {s.employee_id: s for s in assignments.two_week_status(session, YEAR, today=TODAY)}["B"]
        return line, status

    return make


@pytest.mark.parametrize(("start", "late"), [
    (D(2025, 9, 9), None),  # the day before the deadline
    (D(2025, 9, 10), None),  # on it: the first day of school + 14 days
    (D(2025, 9, 11), "assigned 1 day late (due 9/10/2025)"),  # the day after
    (D(2025, 9, 20), "assigned 10 days late (due 9/10/2025)"),
])
def test_a_teacher_mentor_after_the_deadline_prints_late(pair, start, late):
    line, status = pair(start)
    assert status.deadline == D(2025, 9, 10)
    assert (late in line.flags) if late else not any("late" in f for f in line.flags)


@pytest.mark.parametrize(("start", "late"), [
    (D(2025, 7, 14), None),  # the day before: hired 1 July, deadline 15 July, not 10 September
    (D(2025, 7, 15), None),
    (D(2025, 7, 16), "assigned 1 day late (due 7/15/2025)"),
    (D(2025, 9, 1), "assigned 48 days late (due 7/15/2025)"),  # before school starts, yet late
])
def test_an_administrators_two_weeks_count_from_the_start_of_work(pair, start, late):
    line, status = pair(start, role="administrator", hire_date=D(2025, 7, 1))
    assert status.counted_from == D(2025, 7, 1) and status.deadline == D(2025, 7, 15)
    assert (late in line.flags) if late else not any("late" in f for f in line.flags)


def test_an_administrator_new_to_the_role_counts_from_july_first(pair):
    _, status = pair(D(2025, 7, 20), role="administrator", license_type="Initial", hire_date=D(2019, 8, 20))
    assert status.counted_from == D(2025, 7, 1) and status.state == "met late" and status.days == 5


def test_a_teacher_hired_after_the_first_day_counts_from_hire(pair):
    _, status = pair(D(2025, 10, 15), hire_date=D(2025, 10, 1))
    assert status.deadline == D(2025, 10, 15) and status.state == "met"


def test_the_printed_roster_says_late_not_ok(pair, session, tmp_path):
    from pypdf import PdfReader

    pair(D(2025, 9, 13))
    path = principal_roster.write_roster_pdf(session, YEAR, tmp_path / "lincoln.pdf", school="Lincoln", today=TODAY)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)
    assert "assigned 3 days late (due 9/10/2025)" in text
    assert "FB LB" in text
