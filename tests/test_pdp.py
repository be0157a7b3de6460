"""PDP certificates (issue 21, item 2): SPs' PDPs by the DESE memo of December 2015 (20 a calendar year for
serving, 10 for SP training of at least 6 hours; a split practicum does not split them), mentors' by the
district's policy under 603 CMR 44 (1 clock hour = 1 PDP, at least 10 hours in a topic, an optional cap).
The JSON is checked against a plain computation over the same records; the certificates are read back."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import defaultdict

import pytest
from pypdf import PdfReader

from app.models import Assignment, Educator, School
from app.models.cap import CapCandidate, CapOrganization, CapPlacement, SpTraining
from app.models.matching import MentorTraining
from app.models.timelogs import TimeLog
from app.services import settings
from app.services.reports import pdp
from app.services.years import ensure_year

D = dt.date
YEAR = "2025-2026"
WINDOW = (D(2025, 7, 1), D(2026, 6, 30))

# The records, as plain data: the test builds the database from them and computes the PDPs from them again.
MENTOR_LOGS = {"M1": [(D(2025, 9, 10), 300), (D(2026, 3, 2), 300)],  # 10.0 hours: 10 PDPs
               "M2": [(D(2025, 9, 10), 300), (D(2026, 3, 2), 294)],  # 9.9 hours: none
               "M3": [(D(2025, 10, 1), 600), (D(2025, 6, 30), 600)]}  # June 30 2025 is last school year
MENTOR_TRAINING = {"M1": [(D(2025, 8, 20), 750)], "M3": [(D(2026, 6, 30), 540)]}  # 12.5 h: 12; 9 h: none
# (SP, candidate, practicum start, end): S1 earns 20 for June 30 2025 (last school year's report) so its
# December 31 placement earns nothing in calendar 2025; January 1 2026 starts a new calendar year.
PLACEMENTS = [("S1", "C1", D(2025, 1, 10), D(2025, 6, 30)), ("S1", "C2", D(2025, 9, 2), D(2025, 12, 31)),
              ("S1", "C3", D(2025, 9, 2), D(2026, 1, 1)), ("S1", "C4", D(2026, 1, 20), D(2026, 5, 1)),
              # a split practicum: C5 with S2 in the fall and S3 in the spring, each earns in full
              ("S2", "C5", D(2025, 9, 2), D(2025, 12, 19)), ("S3", "C5", D(2026, 1, 5), D(2026, 4, 30))]
SP_TRAINING = {"S1": [(D(2025, 10, 1), 354)],  # 5.9 hours: none
               "S2": [(D(2025, 10, 1), 360)],  # 6.0 hours: 6
               "S3": [(D(2026, 2, 1), 480), (D(2026, 3, 1), 480)]}  # 8 + 8 hours: 8 + 2 (10 a calendar year)
NAMES = {"M1": ("Maria", "Lopez"), "M2": ("Sam", "Okafor"), "M3": ("Lee", "Park"), "S1": ("Ines", "Duarte"),
         "S2": ("Tom", "Reyes"), "S3": ("José", "Núñez"), "B1": ("Ana", "Silva")}


def plain_pdps(min_hours=10, cap=0):
    """The second computation, straight from the lists above."""
    start, end = WINDOW
    out = defaultdict(int)
    for eid, logs in MENTOR_LOGS.items():
        minutes = sum(m for d, m in logs if start <= d <= end)
        earned = minutes // 60 if minutes >= min_hours * 60 else 0
        trained = sum(m for d, m in MENTOR_TRAINING.get(eid, []) if start <= d <= end)
        earned_training = trained // 60 if trained >= min_hours * 60 else 0
        total = earned + earned_training
        out[eid] += min(total, cap) if cap else total
    left = defaultdict(lambda: 20)
    for sp, _c, _s, e in sorted(PLACEMENTS, key=lambda p: p[3]):
        got = min(20, left[(sp, e.year)])
        left[(sp, e.year)] -= got
        if start <= e <= end:
            out[sp] += got
    left = defaultdict(lambda: 10)
    for sp, rows in SP_TRAINING.items():
        for d, m in sorted(rows):
            got = min(m // 60 if m >= 360 else 0, left[(sp, d.year)])
            left[(sp, d.year)] -= got
            if start <= d <= end:
                out[sp] += got
    return dict(out)


@pytest.fixture
def records(session):
    settings.set_value(session, "district_name", "Springfield Public Schools")
    y24, _ = ensure_year(session, "2024-2025")
    y25, _ = ensure_year(session, YEAR)
    school = School(name="North Elementary")
    people = {eid: Educator(id=uuid.uuid4(), employee_id=eid, first_name=f, last_name=l, school=school)
              for eid, (f, l) in NAMES.items()}
    session.add_all([school, *people.values()])
    org = CapOrganization(name="Westfield State University")
    session.add(org)
    for mentor, logs in MENTOR_LOGS.items():
        for day, minutes in logs:
            year = y25 if day >= WINDOW[0] else y24
            a = Assignment(mentor=people[mentor], mentee=people["B1"], school_year=year, start_date=day)
            session.add(a)
            session.flush()
            session.add(TimeLog(assignment_id=a.id, mentor_id=a.mentor_id, mentee_id=a.mentee_id, date=day,
                                minutes=minutes, activity="meeting", topics=[]))
    for eid, rows in MENTOR_TRAINING.items():
        session.add_all(MentorTraining(educator=people[eid], completed_on=d, minutes=m) for d, m in rows)
    for eid, rows in SP_TRAINING.items():
        session.add_all(SpTraining(educator_id=people[eid].id, completed_on=d, minutes=m,
                                   provider="Westfield State University") for d, m in rows)
    candidates = {}
    for sp, cand, start, end in PLACEMENTS:
        if cand not in candidates:
            candidates[cand] = CapCandidate(organization=org, first_name="Cand", last_name=cand, program="MAT",
                                            license_field="Elementary", license_grades="1-6",
                                            practicum_start=start, practicum_end=end)
            session.add(candidates[cand])
        session.add(CapPlacement(candidate=candidates[cand], school_year=y25 if end >= WINDOW[0] else y24,
                                 sp=people[sp], ps_name="Dr. Program", start_date=start, end_date=end, edition="2024"))
    session.commit()
    return people


def _by_id(data):
    return {e["employee_id"]: e for e in data["educators"]}


def test_json_matches_a_plain_computation(run_cli, database, records, tmp_path):
    code, out, _err = run_cli("report", "pdp", "--year", YEAR, "--out", tmp_path / "pdp.json")
    assert code == 0 and "pdp.json" in out
    data = json.loads((tmp_path / "pdp.json").read_text())
    assert data["schema"] == "mentordesk.pdp/1" and data["school_year"] == YEAR
    got = _by_id(data)
    assert {eid: e["pdps"] for eid, e in got.items()} == plain_pdps()
    expected = {"M1": 22, "M2": 0, "M3": 10, "S1": 20, "S2": 26, "S3": 30}
    assert plain_pdps() == expected
    assert (got["M1"]["hours"], got["M2"]["hours"]) == (22.5, 9.9)  # 10 mentoring + 12.5 training; 9.9
    assert got["M1"]["role"] == "mentor" and got["S1"]["role"] == "supervising practitioner"
    s1 = {a["end"]: a["pdps"] for a in got["S1"]["activities"] if a["activity"] == "sp_supervision"}
    assert s1 == {"2025-12-31": 0, "2026-01-01": 20, "2026-05-01": 0}  # Dec 31 is calendar 2025, Jan 1 is 2026
    s1_training = [a for a in got["S1"]["activities"] if a["activity"] == "sp_training"]
    assert [(a["hours"], a["pdps"]) for a in s1_training] == [(5.9, 0)]
    s2 = {a["activity"]: a["pdps"] for a in got["S2"]["activities"]}
    assert s2 == {"sp_supervision": 20, "sp_training": 6}  # 6.0 hours: 6 PDPs
    s3 = [(a["activity"], a["pdps"]) for a in got["S3"]["activities"]]
    assert s3 == [("sp_supervision", 20), ("sp_training", 8), ("sp_training", 2)]  # 10 a calendar year
    act = got["S3"]["activities"][0]
    assert act["provider"] == "Westfield State University" and "December 2015" in act["citation"]
    mentoring = next(a for a in got["M1"]["activities"] if a["activity"] == "mentoring")
    assert (mentoring["provider"], mentoring["topic_area"], mentoring["start"], mentoring["end"]) == (
        "Springfield Public Schools", "pedagogy", "2025-09-10", "2026-03-02")
    assert "603 CMR 44" in mentoring["citation"]


def test_district_policy_minimum_cap_and_topic(session, records):
    settings.set_value(session, "mentor_pdp_cap", 15)
    settings.set_value(session, "pdp_min_hours", 9)
    settings.set_value(session, "pdp_topic_sp_training", "ELL")
    got = {p.employee_id: p for p in pdp.compute(session, YEAR)}
    assert {e: p.pdps for e, p in got.items()} == plain_pdps(min_hours=9, cap=15)
    assert (got["M1"].pdps, got["M2"].pdps, got["M3"].pdps) == (15, 9, 15)  # 10 + 12 capped; 9.9 h; 10 + 9 capped
    assert {a.topic_area for a in got["S2"].activities if a.kind == "sp_training"} == {"ELL"}
    settings.set_value(session, "pdp_topic_mentoring", "history")
    with pytest.raises(pdp.UsageError, match="pdp_topic_mentoring"):
        pdp.compute(session, YEAR)


def _pdf_text(path):
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_certificates_read_back(run_cli, database, records, tmp_path):
    code, out, _err = run_cli("report", "pdp", "--year", YEAR, "--out", tmp_path / "certs")
    assert code == 0 and "wrote 5 certificates" in out
    files = sorted(p.name for p in (tmp_path / "certs").iterdir())
    # M2 (9.9 hours) earned none and gets no certificate; accents are dropped from file names, never the name.
    assert files == ["Duarte-Ines-S1.pdf", "Lopez-Maria-M1.pdf", "Nunez-Jose-S3.pdf", "Park-Lee-M3.pdf",
                     "Reyes-Tom-S2.pdf"]
    want = plain_pdps()
    # The hours of the activities that earned PDPs (S2: its 6.0 hours of training; the supervision is not timed).
    for name, eid, hours in (("Lopez-Maria-M1.pdf", "M1", "22.5"), ("Nunez-Jose-S3.pdf", "S3", "16.0"),
                             ("Reyes-Tom-S2.pdf", "S2", "6.0"), ("Park-Lee-M3.pdf", "M3", "10.0")):
        text = _pdf_text(tmp_path / "certs" / name)
        first, last = NAMES[eid]
        assert f"Educator {first} {last}" in text and f"Hours {hours}" in text and f"PDPs {want[eid]}" in text
        assert "Authorized signature" in text and "Topic area" in text and "pedagogy" in text
    text = _pdf_text(tmp_path / "certs" / "Lopez-Maria-M1.pdf")
    assert "Springfield Public Schools" in text and "Mentoring a beginning educator" in text
    assert "9/10/2025 to 3/2/2026" in text and "Mentor training" in text
    text = _pdf_text(tmp_path / "certs" / "Duarte-Ines-S1.pdf")
    assert "Westfield State University" in text and "9/2/2025 to 1/1/2026" in text and "PDPs 20" in text
    assert "Hours not by the hour" in text and "December 2015" in text
    assert "Supervising practitioner training" not in text and "12/31/2025" not in text  # earned nothing: not printed
    code, _out, err = run_cli("report", "pdp", "--year", YEAR, "--out", tmp_path / "pdp.docx")
    assert code == 2 and ".json" in err
    code, _out, err = run_cli("report", "pdp", "--year", "2030-2031", "--out", tmp_path / "later.json")
    assert code == 1 and "no school year 2030-2031" in err  # the command line's rule for every report
    assert not (tmp_path / "later.json").exists()


def test_file_names_are_never_empty(records):
    person = pdp.EducatorPdps(uuid.UUID(int=7), "", "\u4e2d", "", [])
    assert pdp.certificate_name(person) == "educator-000000000000.pdf"
    assert pdp.certificate_name(pdp.EducatorPdps(uuid.uuid4(), "E 9/1", "Ana", "O'Neil", [])) == "O-Neil-Ana-E-9-1.pdf"

