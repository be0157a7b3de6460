"""A small district for the scheduling tests: one school with a bell schedule, a principal, two
mentors, a beginning teacher hired before the first day, a later hire, an incoming teacher."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.models import Assignment, Educator, InductionEnrollment, School, SchoolYear, derived_id
from app.services import scheduling
from app.services.years import ensure_year

YEAR = "2026-2027"
T = dt.time


@dataclass
class District:
    year: SchoolYear
    school: School
    principal: Educator
    mentor: Educator
    mentor2: Educator
    beginner: Educator
    late: Educator
    incoming: Educator
    assignment: Assignment


def person(session, eid, school, first, last, **kw) -> Educator:
    e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name=first, last_name=last, school=school,
                 email=f"{first.lower()}.{last.lower()}@district.org", **kw)
    session.add(e)
    return e


def make_district(session) -> District:
    year, _ = ensure_year(session, YEAR)
    school = School(id=derived_id("school", "Lincoln Elementary"), name="Lincoln Elementary")
    session.add(school)
    principal = person(session, "P1", school, "Paula", "Reyes", role="administrator", position="Principal")
    mentor = person(session, "M1", school, "Maria", "Lopez", mentor_trained_on=dt.date(2020, 6, 1),
                    planning_periods=["3"])
    mentor2 = person(session, "M2", school, "Sam", "Okafor", mentor_trained_on=dt.date(2021, 6, 1),
                     planning_periods=["5"])
    beginner = person(session, "B1", school, "Ana", "Silva", hire_date=dt.date(2026, 8, 1), planning_periods=["3"])
    late = person(session, "B2", school, "Ben", "Hart", hire_date=year.first_day + dt.timedelta(days=40),
                  planning_periods=["5"])
    incoming = person(session, "I1", school, "Ida", "Ng", hire_date=dt.date(2026, 8, 1), license_type="Initial")
    session.add_all([
        InductionEnrollment(educator=beginner, school_year=year, status="beginning", induction_year=1),
        InductionEnrollment(educator=late, school_year=year, status="beginning", induction_year=1),
        InductionEnrollment(educator=incoming, school_year=year, status="incoming", induction_year=1),
    ])
    assignment = Assignment(mentor=mentor, mentee=beginner, school_year=year, start_date=year.first_day)
    session.add(assignment)
    session.flush()
    scheduling.set_bell_schedule(session, school.id, [
        ("1", T(8, 0), T(8, 50)), ("2", T(8, 55), T(9, 45)), ("3", T(9, 50), T(10, 40)),
        ("4", T(10, 45), T(11, 35)), ("5", T(12, 10), T(13, 0)), ("6", T(13, 5), T(13, 55)),
        ("7", T(14, 0), T(14, 50)),
    ])
    return District(year, school, principal, mentor, mentor2, beginner, late, incoming, assignment)
