"""Roster imports take the files people really have (issue 19): Excel's "Unicode text" (UTF-16, tabs),
Windows-1252 and semicolon CSVs, numbers past any limit, impossible dates, invisible characters in
names, repeated headers; and a dry run runs every check the import runs."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.models import Educator, School
from app.services.roster.files import import_roster

HEADER = ["employee_id", "first_name", "last_name", "school", "grades", "years_experience", "hire_date"]
ROWS = [["E1", "Zoë", "Ngô", "Sumner Middle School", "8", "3", "2020-08-25"],
        ["E2", "Ana", "Silva", "Sumner Middle School", "K", "0", "2024-08-26"]]


def _write(path, rows, *, encoding: str, sep: str) -> None:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=sep).writerows([HEADER, *rows])


@pytest.mark.parametrize("encoding,sep,said", [
    ("utf-16", "\t", "read as UTF-16, tab-separated"),  # Excel's "Unicode text"
    ("utf-8-sig", ",", "read as UTF-8 with a byte-order mark, comma-separated"),
    ("utf-8", ";", "read as UTF-8, semicolon-separated"),
    ("cp1252", ",", "read as Windows-1252, comma-separated"),
])
def test_encodings_and_separators_are_detected_and_said(tmp_path, run_cli, session, encoding, sep, said):
    path = tmp_path / "roster.txt"
    _write(path, ROWS, encoding=encoding, sep=sep)
    code, out, err = run_cli("import", "roster", path, "--year", "2025-2026")
    assert code == 0, out + err
    assert said in out and "2 new, 0 changed, 0 unchanged, 0 rejected" in out
    people = {e.employee_id: e for e in session.scalars(select(Educator))}
    assert (people["E1"].first_name, people["E1"].last_name, people["E1"].grades) == ("Zoë", "Ngô", ["8"])


def test_a_repeated_header_is_an_error_naming_both_columns(tmp_path, run_cli, session):
    path = tmp_path / "roster.csv"
    path.write_text("employee_id,first_name,last_name,First Name\nE1,Ana,Silva,Anna\n", encoding="utf-8")
    code, _, err = run_cli("import", "roster", path, "--year", "2025-2026")
    assert code == 1 and "'first_name' (column 2) and 'First Name' (column 4) both give first_name" in err
    path.write_text("employee_id,last_name,first_name,last_name\nE1,Silva,Ana,Souza\n", encoding="utf-8")
    code, _, err = run_cli("import", "roster", path, "--year", "2025-2026")
    assert code == 1 and "'last_name' (column 2) and 'last_name' (column 4) both give last_name" in err
    assert session.scalar(select(func.count()).select_from(Educator)) == 0


def test_numbers_and_dates_out_of_range_reject_their_row_only(tmp_path, run_cli, session):
    today = dt.date.today()
    path = tmp_path / "roster.csv"
    path.write_text(
        "employee_id,first_name,last_name,years_experience,hire_date,mentor_trained_on\n"
        "E1,Ana,Silva,99999999999999999999,,\n"
        "E2,Bo,Chen,1e30,,\n"
        "E3,Cy,Diaz,3,2099-08-25,\n"
        f"E4,Di,Eze,3,2020-08-25,{today + dt.timedelta(days=1)}\n"
        "E5,Ed,Fox,3,1925-08-25,\n"
        "E6,Flo,Gil,3,2020-08-25,1949-12-31\n"
        "E7,Gus,Ho,61,2020-08-25,\n"
        f"E8,Hal,Ito,60,2020-08-25,{today}\n", encoding="utf-8")
    for dry in (["--dry-run"], []):
        code, out, err = run_cli("import", "roster", path, "--year", "2025-2026", *dry)
        assert code == 1 and "Traceback" not in err, out + err
        assert "1 new, 0 changed, 0 unchanged, 7 rejected" in out
        rejected = {line.split(":")[1].strip(): line for line in out.splitlines() if line.startswith("rejected:")}
        assert "cannot be above 60" in rejected["line 2"] and "cannot be above 60" in rejected["line 3"]
        assert "hire_date: is in the future" in rejected["line 4"]
        assert "mentor_trained_on: is in the future" in rejected["line 5"]
        assert "hire_date: is before 1950" in rejected["line 6"] and "mentor_trained_on: is before 1950" in rejected["line 7"]
        assert "cannot be above 60" in rejected["line 8"]
    assert list(session.scalars(select(Educator.employee_id))) == ["E8"]


def test_invisible_and_direction_characters_are_removed_from_names_and_schools_with_a_warning(tmp_path, run_cli,
                                                                                              session):
    path = tmp_path / "roster.csv"
    path.write_text("employee_id,first_name,last_name,school\n"
                    "E1,Ana,Silva,Sumner Middle School\n"
                    "E2,Bo\u200b,Chen,Sumner\u200b Middle School\n"
                    "E3,Cy,\u202eDiaz,Sumner Middle\u00a0School\u2066\n"
                    "E4,Zoe\u0308,Ngo\u0302,Sumner Middle School\n", encoding="utf-8")
    code, out, err = run_cli("import", "roster", path, "--year", "2025-2026")
    assert code == 0, out + err
    assert "warning: line 3: removed invisible or direction-control characters from first_name, school" in out
    assert "warning: line 4: removed invisible or direction-control characters from last_name, school" in out
    assert "line 5" not in out  # combining marks are composed (NFC), not removed
    schools = list(session.scalars(select(School.name)))
    assert sorted(schools) == ["Sumner Middle School", "Sumner Middle\u00a0School"]  # a no-break space is visible
    names = {e.employee_id: (e.first_name, e.last_name) for e in session.scalars(select(Educator))}
    assert names["E2"] == ("Bo", "Chen") and names["E3"] == ("Cy", "Diaz") and names["E4"] == ("Zoë", "Ngô")


cells = st.one_of(st.text(max_size=12), st.sampled_from(["99999999999999999999", "1e30", "-1", "2099-01-01",
                                                          "1900-01-01", "12/31/2024", "K-12", "\u202e", "nan", ""]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=len(HEADER), max_size=len(HEADER)), min_size=1, max_size=30))
def test_a_dry_run_and_the_import_give_the_same_report_for_any_file(tmp_path, database, rows):
    path = tmp_path / "fuzz.csv"
    _write(path, [[f"E{i}", *row[1:]] for i, row in enumerate(rows)], encoding="utf-8", sep=",")
    with database.sessions() as session:
        dry = import_roster(session, path, year_label="2025-2026", dry_run=True)
        session.rollback()
        real = import_roster(session, path, year_label="2025-2026")
        session.rollback()  # every example starts from the same empty database
    assert dry.summary().replace("Dry run, nothing written: ", "") == real.summary()
    assert [(r.line, r.reason) for r in dry.rejected] == [(r.line, r.reason) for r in real.rejected]
    assert [(w.line, w.message) for w in dry.warnings] == [(w.line, w.message) for w in real.warnings]
