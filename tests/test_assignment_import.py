"""`mentordesk import assignments`: rejected rows, warnings for mentors short of the criteria,
idempotent re-import, round trip through `export assignments`."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import select

from app.models import Assignment

ROSTER = """employee_id,first_name,last_name,school,role,license_type,years_experience,hire_date,last_rating,mentor_trained_on,subjects
M1,Rosa,Pereira,Adams,teacher,Professional,12,2013-08-26,Proficient,2022-06-20,Mathematics
M2,Wei,Chen,Adams,teacher,Initial,1,2024-08-26,,,Mathematics
M3,Sean,Kelly,Adams,teacher,Professional,9,2016-08-26,Needs Improvement,2021-06-20,Mathematics
B1,Jonah,Kelly,Adams,teacher,Initial,0,2025-08-18,,,Mathematics
B2,Priya,Patel,Adams,teacher,Provisional,0,2025-08-20,,,Mathematics
"""
HEADER = "mentor_employee_id,mentee_employee_id,school_year,start_date,end_date,end_reason\n"


@pytest.fixture
def roster(tmp_path, run_cli):  # type: ignore[no-untyped-def]
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER)
    assert run_cli("import", "roster", path, "--year", "2025-2026")[0] == 0


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "assignments.csv"
    path.write_text(HEADER + body)
    return path


@pytest.mark.parametrize(("row", "field", "words"), [
    ("M9,B1,2025-2026,2025-08-27,,", "mentor_employee_id", "no educator with this employee id"),
    ("M1,,2025-2026,2025-08-27,,", "mentee_employee_id", "missing"),
    ("B1,B1,2025-2026,2025-08-27,,", "mentee_employee_id", "cannot mentor themselves"),
    ("M1,B1,2025-2026,2025-09-10,2025-09-01,reassigned", "end_date", "before the start date"),
    ("M1,B1,2025-2026,2025-13-01,,", "start_date", "no such day"),
    ("M1,B1,2025,2025-08-27,,", "school_year", "2025-2026"),
    ("M1,B1,2025-2026,2026-08-27,,", "start_date", "outside the school year"),
    ("M1,B1,2025-2026,2025-08-27,2025-12-01,retired", "end_reason", "one of completed"),
])
def test_each_rejection_names_line_field_and_rule(tmp_path, run_cli, database, roster, row, field, words):
    errors = tmp_path / "errors.csv"
    code, out, _ = run_cli("import", "assignments", write(tmp_path, "M1,B2,2025-2026,2025-08-27,,\n" + row + "\n"),
                           "--errors", errors)
    assert code == 1 and "1 new" in out and "1 rejected" in out
    with errors.open(newline="", encoding="utf-8-sig") as f:
        (rejected,) = list(csv.DictReader(f))
    assert rejected["line"] == "3" and rejected["field"] == field and words in rejected["reason"]
    with database.read() as s:
        assert [a.mentee.employee_id for a in s.scalars(select(Assignment))] == ["B2"]


def test_mentors_short_of_the_criteria_are_imported_with_a_warning(tmp_path, run_cli, database, roster):
    path = write(tmp_path, "M1,B1,2025-2026,,,\nM2,B2,2025-2026,2025-08-27,,\nM3,B2,2025-2026,2025-08-27,,\n")
    code, out, _ = run_cli("import", "assignments", path)
    assert code == 0 and "3 new" in out
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert not any("M1" in w and "mentor M1" in w for w in warnings)  # Rosa meets every criterion
    assert any("line 3" in w and "mentor M2" in w and "603 CMR" in w for w in warnings)  # too new, untrained
    assert any("line 4" in w and "mentor M3" in w for w in warnings)  # rated below Proficient
    assert any("B2 also has mentor" in w for w in warnings)
    with database.read() as s:
        rosa = s.scalars(select(Assignment).where(Assignment.mentee.has(employee_id="B1"))).one()
        assert rosa.start_date == rosa.school_year.first_day  # blank start: the first day of school


def test_reimport_is_idempotent_and_a_changed_end_updates(tmp_path, run_cli, database, roster):
    path = write(tmp_path, "M1,B1,2025-2026,2025-08-27,,\n")
    assert run_cli("import", "assignments", path)[0] == 0
    assert "0 new, 0 changed, 1 unchanged" in run_cli("import", "assignments", path)[1]
    path = write(tmp_path, "M1,B1,2025-2026,2025-08-27,2026-01-15,mentee_left\n")
    assert "0 new, 1 changed, 0 unchanged" in run_cli("import", "assignments", path)[1]
    with database.read() as s:
        (pair,) = s.scalars(select(Assignment)).all()
        assert (str(pair.end_date), pair.end_reason) == ("2026-01-15", "mentee_left")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_round_trips(tmp_path, run_cli, roster, suffix):
    assert run_cli("import", "assignments", write(tmp_path, "M1,B1,2025-2026,2025-08-27,,\nM1,B2,,2025-09-02,,\n"))[0] == 0
    out = tmp_path / f"pairs{suffix}"
    assert run_cli("export", "assignments", "--out", out)[0] == 0
    code, text, _ = run_cli("import", "assignments", out, "--dry-run")
    assert code == 0 and "0 new, 0 changed, 2 unchanged" in text


def test_imported_pairs_fill_the_support_teams(tmp_path, run_cli, database, roster):
    """An imported assignment puts the mentor on the mentee's support team, as one made in the app
    does; a dry run writes no member; an ended pair takes the mentor off again."""
    from app.services.matching import support_teams

    def team(employee_id: str) -> list[tuple[str, str]]:
        with database.read() as s:
            from app.models import Educator

            mentee = s.scalars(select(Educator).where(Educator.employee_id == employee_id)).one()
            return [(m.role, m.name) for m in support_teams.team(s, "2025-2026", mentee.id)]

    path = write(tmp_path, "M1,B1,2025-2026,2025-08-27,,\n")
    assert run_cli("import", "assignments", path, "--dry-run")[0] == 0
    assert team("B1") == []
    assert run_cli("import", "assignments", path)[0] == 0
    assert ("mentor", "Rosa Pereira") in team("B1")
    path = write(tmp_path, "M1,B1,2025-2026,2025-08-27,2026-01-15,mentee_left\n")
    assert run_cli("import", "assignments", path)[0] == 0
    assert ("mentor", "Rosa Pereira") not in team("B1")


def test_a_mentor_hired_after_the_pair_starts_is_warned_about(tmp_path, run_cli, roster):
    late = tmp_path / "late.csv"
    late.write_text(ROSTER.splitlines()[0] + "\nM4,Lena,Ortiz,Adams,teacher,Professional,8,2025-10-01,Proficient,"
                    "2022-06-20,Mathematics\n")
    assert run_cli("import", "roster", late, "--year", "2025-2026")[0] == 0
    code, out, _ = run_cli("import", "assignments", write(tmp_path, "M4,B1,2025-2026,2025-08-27,,\n"))
    assert code == 0
    assert any("mentor M4" in line and "hired" in line for line in out.splitlines() if line.startswith("warning:"))
