"""The pipeline from student teaching to employment (issue 21, item 4; 001 Partnership Data Roadmap and
Defining Pipeline Needs Activity; 003 sharing openings and completers): a CAP candidate is hired when an
educator with the same MEPID is hired on or after the practicum starts; completed CAP is step 5 done;
retention after 1-3 years; the needs sheet by subject and grade band against eligible SPs. Each figure is
checked against a plain computation over the same records, with the day before / on / after each edge."""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid

import pytest

from app.models import Educator, School, derived_id
from app.models.cap import CapCandidate, CapOrganization, CapPlacement, CapStep
from app.services import settings
from app.services.cap import pipeline
from app.services.district.settings_form import save_settings
from app.services.years import ensure_year
from tests.cap_fixtures import QUALIFIED, qualify

D = dt.date
YEAR = "2025-2026"
START = D(2025, 9, 2)
# (key, program, placed, step 5 done, MEPID of a roster educator's hire date or None for no educator)
CANDIDATES = [
    ("C1", "MAT Mathematics", True, True, D(2026, 8, 25)),   # hired after the practicum: pipeline hire
    ("C2", "MAT Mathematics", True, False, START),           # hired on the practicum's first day: counted
    ("C3", "MAT Mathematics", True, True, START - dt.timedelta(days=1)),  # the day before: already on staff
    ("C4", "BA Elementary", False, False, None),             # not placed, not hired
    ("C5", "BA Elementary", True, True, "no date"),          # on the roster without a hire date: hired
]


def plain(rows):  # type: ignore[no-untyped-def]
    """The second computation, from the list above."""
    out: dict[str, dict[str, int]] = {}
    for _key, program, placed, done, hired in rows:
        r = out.setdefault(program, {"candidates": 0, "placed": 0, "completed_cap": 0, "hired": 0,
                                     "already_on_staff": 0})
        r["candidates"] += 1
        r["placed"] += placed
        r["completed_cap"] += placed and done
        if hired == "no date" or (isinstance(hired, dt.date) and hired >= START):
            r["hired"] += 1
        elif hired is not None:
            r["already_on_staff"] += 1
    return out


@pytest.fixture
def records(session):  # type: ignore[no-untyped-def]
    year, _ = ensure_year(session, YEAR)
    school = School(name="Central High")
    org = CapOrganization(name="Westfield State University")
    sp = Educator(id=derived_id("educator", "SP"), employee_id="SP", first_name="Ines", last_name="Duarte",
                  school=school, subjects=["Mathematics"], grades=["9", "10", "11", "12"], hire_date=D(2015, 8, 25),
                  **QUALIFIED)
    session.add_all([school, org, sp])
    session.flush()
    qualify(session, sp)
    for n, (key, program, placed, done, hired) in enumerate(CANDIDATES):
        mepid = f"{n + 1:08d}"
        c = CapCandidate(organization=org, first_name="Cand", last_name=key, program=program, mepid=mepid,
                         license_field="Mathematics" if "Math" in program else "Elementary",
                         license_grades="8-12" if "Math" in program else "1-6",
                         practicum_start=START, practicum_end=D(2025, 12, 19))
        session.add(c)
        session.flush()
        if placed:
            p = CapPlacement(candidate=c, school_year=year, sp=sp, school_id=school.id, ps_name="Dr. PS",
                             start_date=START, end_date=D(2025, 12, 19), edition="2024")
            session.add(p)
            session.flush()
            session.add(CapStep(placement_id=p.id, number=5, completed_on=D(2025, 12, 18) if done else None))
        if hired is not None:
            session.add(Educator(id=uuid.uuid4(), employee_id=f"H{key}", first_name="Cand", last_name=key,
                                 mepid=mepid, hire_date=None if hired == "no date" else hired))
    session.commit()
    return year


def test_programs_match_a_plain_computation(session, records):
    data = pipeline.pipeline(session, YEAR, as_of=D(2026, 9, 1))
    got = {p.program: {k: getattr(p, k) for k in ("candidates", "placed", "completed_cap", "hired",
                                                   "already_on_staff")} for p in data.programs}
    assert got == plain(CANDIDATES)
    assert got["MAT Mathematics"] == {"candidates": 3, "placed": 3, "completed_cap": 2, "hired": 2,
                                      "already_on_staff": 1}
    by_name = {c.name: c for c in data.candidates}
    assert by_name["Cand C2"].hire.pipeline and not by_name["Cand C3"].hire.pipeline  # on / the day before
    assert by_name["Cand C4"].hire is None and not by_name["Cand C4"].placed
    assert data.by_school == [{"school": "Central High", "program": "BA Elementary", "hosted": 1},
                              {"school": "Central High", "program": "MAT Mathematics", "hosted": 3}]


@pytest.mark.parametrize(("exit_date", "as_of", "kept"), [
    (None, D(2025, 8, 24), None),               # the day before the 3rd anniversary: not yet counted
    (None, D(2025, 8, 25), True),               # on it: retained
    (D(2025, 8, 24), D(2025, 9, 1), False),     # left the day before the anniversary
    (D(2025, 8, 25), D(2025, 9, 1), True),      # left on it: still there 3 years on
])
def test_retention_after_three_years_by_the_anniversary(exit_date, as_of, kept):
    hire = pipeline.Hire(uuid.uuid4(), "E", D(2022, 8, 25), exit_date, True)
    assert hire.retained(3, as_of) is kept


def test_retention_counts_in_the_report(session, records):
    data = pipeline.pipeline(session, YEAR, as_of=D(2027, 8, 25))
    mat = next(p for p in data.programs if p.program == "MAT Mathematics")
    # C1 hired 8/25/2026 (1 year on 8/25/2027: counted, retained); C2 hired 9/2/2025 (1 year passed)
    assert mat.retained[1] == [2, 2] and mat.retained[2] == [0, 0]


def test_preparation_program_from_the_hired_candidate_unless_typed(session, records):
    hired = session.query(Educator).filter_by(employee_id="HC1").one()
    assert pipeline.preparation_program(session, hired) == "MAT Mathematics"
    hired.preparation_program = "Smith College MAT"
    assert pipeline.preparation_program(session, hired) == "Smith College MAT"


@pytest.mark.parametrize(("exit_date", "year"), [
    (D(2025, 6, 30), None),              # before the report year: already gone
    (D(2025, 7, 1), "2026-2027"),        # during the report year: to fill by next year
    (D(2026, 6, 30), "2026-2027"),       # the last day of the year: the place opens next year
    (D(2026, 7, 1), "2026-2027"),
    (D(2027, 6, 29), "2026-2027"),       # the day after is still 2026-2027
    (D(2027, 6, 30), "2027-2028"),
    (D(2029, 6, 30), None),              # past the three years
])
def test_opening_year_of_a_planned_exit(exit_date, year):
    assert pipeline.opening_year(exit_date, YEAR) == year


def test_projections_parse_and_refuse_with_the_entry():
    got = pipeline.parse_projections("2027-2028 Mathematics 9-12: 2; 2028-2029 Elementary 1–6: 1")
    assert [(p.year, p.subject, p.grades, p.openings, p.band) for p in got] == [
        ("2027-2028", "Mathematics", "9-12", 2, "9-12"), ("2028-2029", "Elementary", "1-6", 1, "PK-5")]
    with pytest.raises(ValueError, match="Mathematics 9-12 two"):
        pipeline.parse_projections("2027-2028 Mathematics 9-12 two")
    with pytest.raises(ValueError, match="2027-2029"):
        pipeline.parse_projections("2027-2029 Mathematics 9-12: 2")


def test_grade_band_by_most_grades():
    assert pipeline.band_of(["7", "8", "9", "10", "11", "12"]) == "9-12"
    assert pipeline.band_of(["5", "6"]) == "PK-5"  # a tie goes to the lower band
    assert pipeline.band_of([]) is None


def test_needs_sheet_against_eligible_sps(session, records):
    session.add_all([
        Educator(employee_id="X1", first_name="A", last_name="Exit", role="teacher", subjects=["Mathematics"],
                 grades=["10", "11"], exit_date=D(2026, 6, 30)),
        Educator(employee_id="X2", first_name="B", last_name="Exit", role="teacher", subjects=["Chemistry"],
                 grades=["11"], exit_date=D(2027, 6, 30)),
        Educator(employee_id="X3", first_name="C", last_name="Gone", role="teacher", subjects=["Mathematics"],
                 grades=["10"], exit_date=D(2025, 6, 30)),
    ])
    save_settings(session, {"pipeline_projections": "2028-2029 Mathematics 9-12: 2"})
    session.commit()
    rows = {(r.subject, r.band): r for r in pipeline.needs(session, YEAR, today=D(2025, 9, 2))}
    math = rows[("Mathematics", "9-12")]
    assert math.openings == {"2026-2027": 1, "2027-2028": 0, "2028-2029": 2}
    assert (math.from_exits, math.typed, math.sps_available, math.candidates_hosted) == (1, 2, 1, 3)
    assert not math.short_of_sps
    chem = rows[("Chemistry", "9-12")]
    assert chem.openings["2027-2028"] == 1 and chem.sps_available == 0 and chem.short_of_sps


def test_report_pipeline_json_csv_xlsx(run_cli, session, records, tmp_path):
    settings.set_value(session, "sp_stipend", 500)
    session.commit()
    code, out, _err = run_cli("report", "pipeline", "--year", YEAR, "--out", tmp_path / "p.json")
    assert code == 0 and "p.json" in out
    data = json.loads((tmp_path / "p.json").read_text())
    assert data["schema"] == "mentordesk.pipeline/1" and data["school_year"] == YEAR
    assert {p["program"]: p["hired"] for p in data["programs"]} == {
        k: v["hired"] for k, v in plain(CANDIDATES).items()}
    assert data["sp_incentives"]["items"][0] == {"name": "stipend", "label": "Stipend", "detail": "$500 per candidate"}
    code, out, _err = run_cli("report", "pipeline", "--year", YEAR, "--json")
    assert code == 0 and json.loads(out)["programs"] == data["programs"]
    code, _out, _err = run_cli("report", "pipeline", "--year", YEAR, "--out", tmp_path / "p.csv")
    with open(tmp_path / "p.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert code == 0 and {r["Program"]: r["Hired by the district"] for r in rows} == {
        "BA Elementary": "1", "MAT Mathematics": "2"}
    code, _out, _err = run_cli("report", "pipeline", "--year", YEAR, "--out", tmp_path / "p.xlsx")
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "p.xlsx")
    assert book.sheetnames == ["Programs", "Candidates", "By school", "Hired this year", "Needs"]
    code, _out, err = run_cli("report", "pipeline", "--year", YEAR)
    assert code != 0 and "--out" in err


def test_hired_in_year_lists_former_candidates_by_hire_date(session, records):
    """C1 was hired 8/25/2026: in 2026-2027's list, not in 2025-2026's; C2 (hired on the practicum's first day,
    9/2/2025) is in 2025-2026's; C3 (hired the day before) never, being already on staff."""
    names = lambda label: [c.name for c in pipeline.pipeline(session, label).hired_in_year]
    assert names(YEAR) == ["Cand C2"]
    assert names("2026-2027") == ["Cand C1"]


def test_roster_import_reads_the_preparation_program(session, tmp_path):
    """The roster's optional "Preparation Program" column (001: "Where are my teachers coming from?");
    a file without the column leaves what the district knows."""
    from app.services.roster.files import import_roster

    ensure_year(session, YEAR)
    path = tmp_path / "roster.csv"
    path.write_text("Employee ID,First Name,Last Name,Preparation Program\nE1,Ann,Lee,Smith College MAT\n"
                    "E2,Bo,Kim,\n", encoding="utf-8")
    report = import_roster(session, path, year_label=YEAR)
    assert not report.rejected
    got = {e.employee_id: e.preparation_program for e in session.query(Educator)}
    assert got == {"E1": "Smith College MAT", "E2": None}
    path.write_text("Employee ID,First Name,Last Name\nE1,Ann,Lee\n", encoding="utf-8")
    import_roster(session, path, year_label=YEAR)
    assert session.query(Educator).filter_by(employee_id="E1").one().preparation_program == "Smith College MAT"
