"""Issue 22, point 6: mentors who are not the district's current staff, and the matching levels end to end.

004, "Mentor Selection": "Districts may also want to consider recruiting recently retired effective teachers
who meet the above criteria and have the knowledge and skills to serve as mentors." "Induction Programs for
Administrators": "Districts may also consider hiring retired administrators to serve as mentors." "Mentor
Assignment and Compensation": "Smaller districts may consider partnering with neighboring districts to share
mentoring resources." So a retired educator or another district's teacher is flagged on the roster
(`external`), and is eligible when the criteria are met: license and experience (603 CMR 7.02), rating and
training as for anyone; the district's hire and exit dates do not apply."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Educator, InductionEnrollment, MentorProfile, School, derived_id
from app.services import settings
from app.services.matching import eligibility as elig
from app.services.matching import proposals as matching
from app.services.years import ensure_year

D = dt.date
YEAR = "2030-2031"  # in the future: assignments start on the first day of school


def person(session, eid, school, **kw):  # type: ignore[no-untyped-def]
    defaults = dict(first_name="F" + eid, last_name="L" + eid, role="teacher", license_type="Professional",
                    years_experience=10, last_rating="Proficient", mentor_trained_on=D(2028, 6, 1),
                    hire_date=D(2012, 8, 25))
    defaults.update(kw)
    e = Educator(id=derived_id("educator", eid), employee_id=eid, school=school, **defaults)
    session.add(e)
    return e


@pytest.fixture
def district(session):  # type: ignore[no-untyped-def]
    year, _ = ensure_year(session, YEAR)
    north, south = School(name="North High"), School(name="South High")
    session.add_all([north, south])
    b1 = person(session, "B1", north, license_type="Initial", years_experience=0, mentor_trained_on=None,
                subjects=["Biology"], grades=["9"], room="214", focus=["SEI/ELL", "Classroom management"],
                hire_date=D(2030, 8, 20))
    # A retired biology teacher who left the district's staff in 2029 (exit date before the year).
    retired = person(session, "RET", north, subjects=["Biology"], grades=["9"], room="305",
                     strengths=["SEI/ELL"], external="retired", exit_date=D(2029, 6, 30), hire_date=D(1995, 9, 1))
    # Another district's teacher, with no hire date here at all.
    shared = person(session, "SHR", None, subjects=["Biology"], grades=["9"], external="other_district",
                    hire_date=None)
    staff_far = person(session, "FAR", north, subjects=["Biology"], grades=["9"], room="120")
    session.add(InductionEnrollment(educator=b1, school_year=year, status="beginning"))
    for e in (retired, shared, staff_far):
        session.add(MentorProfile(educator=e, school_year=year, capacity=1, status="active"))
    session.commit()
    return year


def _check(session, eid, year):  # type: ignore[no-untyped-def]
    row = next(r for r in elig.mentor_pool(session, year.label, today=D(2030, 8, 1)) if r.employee_id == eid)
    return row, {c.key: c for c in row.checks}


def test_a_retired_educator_meeting_the_criteria_is_eligible_whatever_their_exit_date(session, district):
    row, checks = _check(session, "RET", district)
    assert row.status == "eligible" and row.external == "retired"
    assert "employed" not in checks  # the district's hire and exit dates do not apply
    assert checks["external"].met is True and "retired educator" in checks["external"].reason
    assert checks["external"].citation.startswith("004")
    # A staff member with the same exit date is not employed through the year (the contrast).
    staff = session.get(Educator, derived_id("educator", "FAR"))
    staff.exit_date = D(2029, 6, 30)
    session.flush()
    row, checks = _check(session, "FAR", district)
    assert row.status == "ineligible" and checks["employed"].met is False


@pytest.mark.parametrize("years, status", [(2, "ineligible"), (3, "eligible"), (None, "unknown")])
def test_experience_and_license_still_apply_to_a_retiree(session, district, years, status):
    # 603 CMR 7.02: "at least three full years of experience under an Initial or Professional license".
    e = session.get(Educator, derived_id("educator", "RET"))
    e.years_experience = years
    session.flush()
    assert _check(session, "RET", district)[0].status == status
    e.years_experience, e.license_type = 10, "Temporary"
    session.flush()
    row, checks = _check(session, "RET", district)
    assert row.status == "ineligible" and "Temporary" in checks["experience"].reason


def test_rating_and_training_still_apply_to_a_shared_mentor(session, district):
    row, _ = _check(session, "SHR", district)
    assert row.status == "eligible" and row.external == "other_district"
    e = session.get(Educator, derived_id("educator", "SHR"))
    e.last_rating = "Needs Improvement"
    session.flush()
    assert _check(session, "SHR", district)[0].status == "ineligible"  # rating required (the default setting)
    e.last_rating, e.mentor_trained_on = "Proficient", None
    session.flush()
    assert _check(session, "SHR", district)[0].status == "ineligible"


def test_the_proposal_prefers_the_same_floor_and_the_focus_and_marks_a_retiree(session, district):
    # B1 in room 214: FAR (staff, room 120) and RET (retired, room 305) share subject, grade and building;
    # neither is on floor 2, RET has B1's SEI/ELL focus among their strengths: RET, marked retired.
    p = matching.propose(session, YEAR, today=D(2030, 8, 1))
    [pair] = p.pairs
    assert pair.mentor.employee_id == "RET"
    assert "mentee's focus among the mentor's strengths: SEI/ELL" in pair.reasons
    assert "retired educator (not district staff)" in pair.flags
    assert p.totals["focus"] == 1 and p.totals["proximity"] == 0
    # FAR moves to floor 2: classrooms near one another now come first (before the focus).
    session.get(Educator, derived_id("educator", "FAR")).room = "230"
    session.flush()
    [pair] = matching.propose(session, YEAR, today=D(2030, 8, 1)).pairs
    assert pair.mentor.employee_id == "FAR" and "classrooms near one another: floor 2" in pair.reasons
    # The district's rooms say nothing (setting off): back to the focus.
    settings.set_value(session, "room_proximity", "off")
    [pair] = matching.propose(session, YEAR, today=D(2030, 8, 1)).pairs
    assert pair.mentor.employee_id == "RET"


def test_the_state_report_lists_a_retired_mentor_as_such_and_never_as_district_staff(session, district):
    from app.models import Assignment
    from app.services.reports.state_report import compute

    year = district
    session.add(Assignment(mentor_id=derived_id("educator", "RET"), mentee_id=derived_id("educator", "B1"),
                           school_year_id=year.id, start_date=year.first_day))
    session.commit()
    report = compute(session, YEAR)
    trained = {p.employee_id: p for p in report.teachers.trained_mentors}
    assert set(trained) == {"RET"} and trained["RET"].external == "retired"
    assert trained["RET"].school_text == "Retired educator (North High)"
    assert report.to_json()["teachers"]["trained_mentors"]["educators"][0]["external"] == "retired"
    # Not the district's teacher: in no hiring, retention or by-school figure. A second, plain count of the
    # teachers employed at North High from the rows themselves:
    plain = sum(1 for e in session.scalars(select(Educator).where(Educator.role == "teacher"))
                if e.external is None and e.school is not None and e.school.name == "North High"
                and (e.hire_date is None or e.hire_date <= year.window_end)
                and (e.exit_date is None or e.exit_date >= year.window_start))
    north = next(r for r in report.teachers_by_school if r.school == "North High")
    assert north.teachers == plain == 2  # B1 and FAR; not RET (even with an exit date moved later)
    e = session.get(Educator, derived_id("educator", "SHR"))
    e.hire_date = D(2030, 9, 1)  # a hire date in the window would make a staff member "hired"
    session.commit()
    assert "SHR" not in {p.employee_id for p in compute(session, YEAR).teachers.hired}


HEADER = "Employee ID,First,Last,Building,Role,License,Years,Hire Date,Exit Date,Rating,Mentor Trained,Room,External," \
         "Focus,Strengths\n"


IMPORT_YEAR = "2026-2027"  # a file's hire dates may not be far in the future (issue 19)


def test_roster_import_and_export_carry_the_flag_the_focus_and_the_strengths(tmp_path, run_cli, database):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER
                    + "R1,Ruth,Alden,North High,teacher,Professional,30,,2029-06-30,Proficient,2020-06-01,,Retired "
                      "educator,,\"ELL; behavior\"\n"
                    + "N1,Nia,Cole,North High,teacher,Initial,0,2026-08-20,,,,214,,\"classroom management, "
                      "Lab safety\",\n"
                    + "S1,Sam,Ortiz,,teacher,Professional,12,,,Proficient,2021-06-01,,another district,,\n",
                    encoding="utf-8")
    assert run_cli("import", "roster", path, "--year", IMPORT_YEAR)[0] == 0
    with database.read() as s:
        rows = {e.employee_id: e for e in s.scalars(select(Educator))}
        assert rows["R1"].external == "retired" and rows["R1"].strengths == ["Classroom management", "SEI/ELL"]
        assert rows["N1"].external is None and rows["N1"].focus == ["Classroom management", "Lab safety"]
        assert rows["S1"].external == "other_district"
    out = tmp_path / "export.csv"
    assert run_cli("export", "roster", "--out", out, "--year", IMPORT_YEAR)[0] == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        exported = {row["employee_id"]: row for row in csv.DictReader(f)}
    assert exported["R1"]["external"] == "retired" and exported["R1"]["strengths"] == "Classroom management;SEI/ELL"
    assert exported["N1"]["focus"] == "Classroom management;Lab safety" and exported["N1"]["external"] == ""
    _, text, _ = run_cli("import", "roster", out, "--year", IMPORT_YEAR)
    assert "0 new, 0 changed, 3 unchanged" in text  # the export reads back as it was


def test_a_bad_flag_is_refused_with_the_choices(tmp_path, run_cli):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "X1,Al,Bee,North High,teacher,Professional,9,,,,,,volunteer,,\n", encoding="utf-8")
    code, out, err = run_cli("import", "roster", path, "--year", IMPORT_YEAR)
    assert "retired, other_district" in out + err + "".join(
        p.read_text(encoding="utf-8-sig") for p in Path(tmp_path).glob("*errors*"))
