"""The state report's figures on a small district computed by hand, and every format read back."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from app.models import Assignment, Educator, InductionEnrollment, School, derived_id
from app.services.reports import state_report
from app.services.reports import state_report_files
from app.services.years import ensure_year

D = dt.date


def _person(session, eid, school, role="teacher", hire=None, exit_=None, trained=None):
    e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name=f"First{eid}", last_name=f"Last{eid}",
                 role=role, hire_date=hire, exit_date=exit_, mentor_trained_on=trained, school=school)
    session.add(e)
    return e


@pytest.fixture
def district(session):
    """2025-2026. Teachers: B1, B2 beginning (B2 left in March), B3 beginning but hired after June 30
    (not employed in the year), I1 incoming, veteran mentors M1 (trained), M2 (trained after June 30),
    M3 (mentors an administrator only). Administrators: A1 first-year, AM mentor of A1."""
    year, _ = ensure_year(session, "2025-2026")
    north, south = School(name="North Elementary"), School(name="South High")
    session.add_all([north, south])
    b1 = _person(session, "B1", north, hire=D(2025, 8, 20))
    b2 = _person(session, "B2", north, hire=D(2025, 8, 20), exit_=D(2026, 3, 1))
    b3 = _person(session, "B3", south, hire=D(2026, 7, 15))
    i1 = _person(session, "I1", south, hire=D(2025, 9, 2))
    m1 = _person(session, "M1", north, hire=D(2010, 8, 25), trained=D(2019, 6, 1))
    m2 = _person(session, "M2", south, hire=D(2012, 8, 25), trained=D(2026, 7, 10))
    _person(session, "V1", south, hire=D(2001, 8, 25), exit_=D(2025, 6, 30))  # gone before the year
    a1 = _person(session, "A1", south, role="administrator", hire=D(2025, 7, 1))
    am = _person(session, "AM", south, role="administrator", hire=D(2005, 7, 1), trained=D(2018, 1, 1))
    for e, status in ((b1, "beginning"), (b2, "beginning"), (b3, "beginning"), (i1, "incoming"), (a1, "beginning")):
        session.add(InductionEnrollment(educator=e, school_year=year, status=status))
    session.add_all([
        Assignment(mentor=m1, mentee=b1, school_year=year, start_date=D(2025, 9, 1)),
        Assignment(mentor=m1, mentee=b2, school_year=year, start_date=D(2025, 9, 1), end_date=D(2026, 3, 1),
                   end_reason="mentee_left"),
        Assignment(mentor=m2, mentee=i1, school_year=year, start_date=D(2025, 9, 10)),
        Assignment(mentor=am, mentee=a1, school_year=year, start_date=D(2025, 7, 10)),
    ])
    session.commit()
    return year


def test_teacher_figures_by_hand(session, district):
    report = state_report.compute(session, "2025-2026")
    t = report.to_json()["teachers"]
    assert t["beginning_served"]["count"] == 2  # B1, B2 (B3 hired after June 30)
    assert [p["employee_id"] for p in t["beginning_served"]["educators"]] == ["B1", "B2"]
    assert t["mentors_serving"] == 2  # M1 (B1, B2) and M2 (incoming I1)
    assert t["trained_mentors"]["count"] == 1  # M2 trained after June 30
    assert t["hired"] == 3  # B1, B2, I1 (B3 hired after the window)
    assert t["beginning_hired"] == 2
    assert t["hiring_rate"] == 0.667
    assert t["retained"] == 1 and t["retention_rate"] == 0.5
    assert t["classroom_observations"] is None and t["mentoring_hours"] is None  # nothing logged: no data


def test_time_log_figures_by_hand(session, district, tmp_path):
    """(d) and (e) come from the time logs (services/timelogs/hours.py): entries in the window whose mentee is a
    beginning educator served; the incoming teacher's observation does not count."""
    from pypdf import PdfReader
    from sqlalchemy import select

    from app.services.timelogs import logs as timelogs

    pair = {(a.mentor.employee_id, a.mentee.employee_id): a.id for a in session.scalars(select(Assignment))}
    today = D(2026, 7, 31)
    for key, day, minutes, activity in ((("M1", "B1"), D(2025, 10, 6), 60, "observed_mentee"),
                                        (("M1", "B2"), D(2025, 11, 3), 45, "planning"),
                                        (("M2", "I1"), D(2025, 10, 7), 50, "observed_mentee"),
                                        (("AM", "A1"), D(2025, 10, 8), 30, "observed_mentee")):
        timelogs.add_entry(session, timelogs.EntryInput(pair[key], day, minutes, activity), today=today)
    session.commit()
    report = state_report.compute(session, "2025-2026")
    data = report.to_json()
    assert data["teachers"]["classroom_observations"] == 1
    assert data["teachers"]["mentoring_hours"] == round(105 / 60, 1) == 1.8
    assert data["administrators"]["site_visits"] == 1 and data["administrators"]["mentoring_hours"] == 0.5
    months = dict(report.profile["hours_by_month"])
    assert months["Oct 2025"] == 1.0 and months["Nov 2025"] == 0.8 and months["Jun 2026"] == 0.0
    path = state_report_files.write(report, tmp_path / "state.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert "(d) Classroom observations made by mentors: 1" in text and "No time logs: no data." not in text


def test_administrator_figures_and_schools(session, district):
    a = state_report.compute(session, "2025-2026").to_json()["administrators"]
    assert a["beginning_served"]["count"] == 1
    assert a["mentors_serving"] == 1 and a["trained_mentors"]["count"] == 1
    assert "site_visits" in a and "classroom_observations" not in a
    by_school = {row["school"]: row for row in a["teachers_by_school"]}
    # North: B1, B2, M1 employed; B2 exited -> 2 of 3 retained. South: I1, M2 (B3 not yet, V1 gone).
    assert by_school["North Elementary"] == {"school": "North Elementary", "teachers": 3, "hired": 2,
                                             "retained": 2, "retention_rate": 0.667}
    assert by_school["South High"]["teachers"] == 2 and by_school["South High"]["hired"] == 1


def test_every_format_reads_back(session, district, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    report = state_report.compute(session, "2025-2026")
    paths = {ext: state_report_files.write(report, tmp_path / f"state.{ext}") for ext in ("json", "csv", "xlsx", "pdf")}
    assert json.loads(paths["json"].read_text())["teachers"]["beginning_served"]["count"] == 2
    with paths["csv"].open(newline="", encoding="utf-8-sig") as handle:
        rows = {(r["section"], r["item"]): r["value"] for r in csv.DictReader(handle)}
    assert rows[("teachers", "retention_rate")] == "0.5"
    assert rows[("administrators", "teachers_by_school:North Elementary")] == "0.667"
    book = load_workbook(paths["xlsx"])
    assert book.sheetnames[:2] == ["Teachers", "Administrators"] and "Definitions" in book.sheetnames
    cells = [c for row in book["Teachers"].iter_rows(values_only=True) for c in row if c is not None]
    assert "(b) Beginning teachers served" in cells and "LastB1" not in cells and "FirstB1 LastB1" in cells
    text = "\n".join(page.extract_text() for page in PdfReader(paths["pdf"]).pages)
    assert "(b) Beginning teachers served: 2" in text
    assert "Hiring rate" in text and "66.7% (2 of 3)" in text and "0.667" not in text
    assert "Page 1 of" in text and "603 CMR 7.12(3)" in text


def test_the_command_writes_the_same_figures_and_prints_the_profile_only_where_it_belongs(
        session, district, tmp_path, run_cli):
    """`report state` leaves the program profile out of JSON (it is not in the public shape) and
    keeps it in the PDF; the figures are the one computation's either way."""
    from pypdf import PdfReader

    for ext in ("json", "pdf"):
        code, out, _err = run_cli("report", "state", "--year", "2025-2026", "--out", tmp_path / f"cli.{ext}")
        assert code == 0 and f"cli.{ext}" in out
    assert json.loads((tmp_path / "cli.json").read_text()) == state_report.compute(session, "2025-2026").to_json()
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "cli.pdf").pages)
    assert "Program profile" in text and "How are mentors selected?" in text


def test_unknown_extension_is_a_usage_error(session, district, tmp_path, run_cli):
    code, _out, err = run_cli("report", "state", "--year", "2025-2026", "--out", tmp_path / "x.docx")
    assert code == 2 and ".json, .csv, .xlsx or .pdf" in err


def test_profile_states_what_the_data_knows(session, district):
    """Group mentoring from the assignments and compensation totals from the mentor incentives."""
    from app.services.matching.eligibility import save_incentive
    from app.services.reports.program_profile import facts_from_data

    m1 = session.get(Educator, derived_id("educator", "M1"))
    am = session.get(Educator, derived_id("educator", "AM"))
    save_incentive(session, "2025-2026", m1.id, stipend_dollars=1500, pdps=15, release_hours=10)
    save_incentive(session, "2025-2026", am.id, stipend_dollars=1000.5, pdps=None, release_hours=None)
    session.commit()
    facts = facts_from_data(session, district)
    assert "1 of 3 mentors have more than one mentee (2 mentees" in facts["group_mentoring"]
    assert facts["mentor_compensation"] == ("From the mentor incentives recorded for 2 mentors: stipends totalling "
                                            "$2,500, 15 PDPs and 10.0 hours of release time.")


def _person_ref(eid, school, **extra):
    return {"employee_id": eid, "name": f"First{eid} Last{eid}", "school": school, **extra}


def test_the_whole_json_by_hand_with_edge_dates_no_school_and_a_retired_mentor(session, district):
    """The public JSON (docs/formats.md) pinned whole (issue 24). On top of the district: B4, beginning, hired on
    July 1 (the window's first day), with no school, mentored by a retired educator (not district staff, 004
    Mentor Selection) trained on June 30 (the window's last day) on an assignment starting June 30."""
    from sqlalchemy import select

    from app.services.timelogs import logs as timelogs

    year = district
    b4 = _person(session, "B4", None, hire=D(2025, 7, 1))
    b4.first_name, b4.last_name = "Zoe", "Adams"  # first by name, last by employee ID
    session.add(InductionEnrollment(educator=b4, school_year=year, status="beginning"))
    retired = Educator(id=derived_id("educator", "X1"), employee_id="X1", first_name="Rita", last_name="Abbott",
                       role="teacher", external="retired", mentor_trained_on=D(2026, 6, 30))
    session.add(retired)
    session.add(Assignment(mentor=retired, mentee=b4, school_year=year, start_date=D(2026, 6, 30)))
    session.commit()
    pair = {(a.mentor.employee_id, a.mentee.employee_id): a.id for a in session.scalars(select(Assignment))}
    for key, day, minutes, activity in ((("M1", "B1"), D(2025, 10, 6), 60, "observed_mentee"),
                                        (("M1", "B2"), D(2025, 11, 3), 45, "planning"),
                                        (("M2", "I1"), D(2025, 10, 7), 50, "observed_mentee"),
                                        (("AM", "A1"), D(2025, 10, 8), 30, "observed_mentee")):
        timelogs.add_entry(session, timelogs.EntryInput(pair[key], day, minutes, activity), today=D(2026, 7, 31))
    session.commit()
    report = state_report.compute(session, "2025-2026")
    nothing_else = {"activities": [], "satisfaction": {"respondents": 0, "by_role": {}}, "partnerships": []}
    assert report.to_json() == {
        "schema": "mentordesk.state_report/1",
        "school_year": "2025-2026",
        "window": {"start": "2025-07-01", "end": "2026-06-30"},
        "teachers": {
            # B3 is hired after June 30: not employed in the year, so not served.
            "beginning_served": {"count": 3, "educators": [  # by last name, then first name
                {"employee_id": "B4", "name": "Zoe Adams", "school": ""},
                _person_ref("B1", "North Elementary"), _person_ref("B2", "North Elementary")]},
            "mentors_serving": 3,  # M1 (B1, B2), M2 (incoming I1), X1 (B4, from June 30)
            "trained_mentors": {"count": 2, "educators": [  # M2 trained July 10: after the year
                {"employee_id": "X1", "name": "Rita Abbott", "school": "", "external": "retired"},
                _person_ref("M1", "North Elementary")]},
            "classroom_observations": 1,  # B1's; I1 (incoming) is not a beginning teacher served
            "mentoring_hours": 1.8,  # (60 + 45) / 60
            "hired": 4, "beginning_hired": 3, "hiring_rate": 0.75,  # B1, B2, B4 of B1, B2, B4, I1
            "retained": 2, "retention_rate": 0.667,  # B1, B4 of 3 (B2 left March 1)
            **nothing_else,
        },
        "administrators": {
            "beginning_served": {"count": 1, "educators": [_person_ref("A1", "South High")]},
            "mentors_serving": 1,
            "trained_mentors": {"count": 1, "educators": [_person_ref("AM", "South High")]},
            "site_visits": 1, "mentoring_hours": 0.5,
            "hired": 1, "beginning_hired": 1, "hiring_rate": 1.0, "retained": 1, "retention_rate": 1.0,
            **nothing_else,
            "teachers_by_school": [  # employed teachers, never the retired mentor
                {"school": "(no school)", "teachers": 1, "hired": 1, "retained": 1, "retention_rate": 1.0},
                {"school": "North Elementary", "teachers": 3, "hired": 2, "retained": 2, "retention_rate": 0.667},
                {"school": "South High", "teachers": 2, "hired": 1, "retained": 2, "retention_rate": 1.0},
            ],
        },
    }
    assert [p.school_text for p in report.teachers.trained_mentors] == ["Retired educator", "North Elementary"]
    assert state_report.PersonRef("X2", "Al Other", "Lakeside", "other_district").school_text == (
        "Another district's staff (Lakeside)")
    by_school = {s.school: s for s in report.teachers_by_school}
    assert by_school["North Elementary"].hiring_rate == 0.667 and by_school["(no school)"].hiring_rate == 1.0
    assert (state_report.rate(2, 3), state_report.rate(0, 0), state_report.rate(0, 4)) == (0.667, None, 0.0)
