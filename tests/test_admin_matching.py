"""Administrators are matched by position and school level (603 CMR 7.13).

004, "Induction Programs for Administrators" (checklist, Mentoring): "Determine process for matching and
assigning mentors to administrators (prioritize matching mentors and mentees by similar school
characteristics and location)."
"""

from __future__ import annotations

import datetime as dt

from app.models import Educator, InductionEnrollment, MentorProfile, School, derived_id
from app.services.matching import proposals
from app.services.matching.solver import PersonInfo, match_keys
from app.services.years import ensure_year

D = dt.date
YEAR = "2030-2031"
ELEMENTARY = ["K", "1", "2", "3", "4", "5"]
HIGH = ["9", "10", "11", "12"]


def admin(session, eid, school, position, grades, *, new=False):  # type: ignore[no-untyped-def]
    kw = (dict(license_type="Initial", years_experience=0, hire_date=D(2030, 7, 1)) if new else
          dict(license_type="Professional", years_experience=12, last_rating="Proficient",
               mentor_trained_on=D(2028, 6, 1), hire_date=D(2012, 7, 1)))
    e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name="F" + eid, last_name="L" + eid,
                 role="administrator", position=position, grades=grades, school=school, **kw)
    session.add(e)
    return e


def test_administrators_pair_by_position_then_school_level(session):
    year, _ = ensure_year(session, YEAR)
    schools = [School(name=n) for n in ("Adams Elementary", "Baker Elementary", "North High", "South High")]
    session.add_all(schools)
    adams, baker, north, south = schools
    new_principal = admin(session, "NP", adams, "Principal", ELEMENTARY, new=True)
    new_ap = admin(session, "NAP", north, "Assistant  principal", HIGH, new=True)
    # Listed so that a first-fit (or building) match would cross them: the high-school principal first.
    mentors = [admin(session, "M1", south, "Principal", HIGH), admin(session, "M2", baker, "Principal", ELEMENTARY),
               admin(session, "M3", south, "Assistant Principal", HIGH),
               admin(session, "M4", baker, "Assistant Principal", ELEMENTARY)]
    for e in (new_principal, new_ap):
        session.add(InductionEnrollment(educator=e, school_year=year, status="beginning"))
    for m in mentors:
        session.add(MentorProfile(educator=m, school_year=year, capacity=1))
    session.flush()
    proposal = proposals.propose(session, YEAR, today=D(2030, 7, 10))
    pairs = {p.mentee.employee_id: p for p in proposal.pairs}
    assert pairs["NP"].mentor.employee_id == "M2"  # a principal, and an elementary school
    assert pairs["NP"].reasons == ("same position: Principal", "same school level: grades K-5")
    assert pairs["NAP"].mentor.employee_id == "M3"  # "Assistant  principal" is spelled as the HR file has it
    assert pairs["NAP"].reasons[0] == "same position: Assistant Principal"


def test_teachers_still_match_on_subjects():
    teacher = PersonInfo(derived_id("educator", "T"), "T", "T", "teacher", subjects=("Biology",), position="Teacher")
    head = PersonInfo(derived_id("educator", "A"), "A", "A", "administrator", subjects=("Biology",),
                      position=" department   head ")
    assert match_keys(teacher) == ("Biology",) and match_keys(head) == ("Department Head",)
