"""Roster import and export through the public command line: every rejection reason, the policy
(errors file, --strict, --dry-run, exit codes), idempotence, derivation, CSV and XLSX round trips."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import Educator, InductionEnrollment

HEADER = "employee_id,first_name,last_name,school,role,license_type,years_experience,hire_date,exit_date,last_rating,grades\n"
GOOD = "E1,Ana,Silva,Lincoln,teacher,Initial,0,8/20/2025,,,K-2\n"


def write(tmp_path: Path, body: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def count(database) -> int:  # type: ignore[no-untyped-def]
    with database.read() as s:
        return s.scalar(select(func.count(Educator.id)))


@pytest.mark.parametrize(("row", "field", "words"), [
    (",Ana,Silva,Lincoln,teacher,Initial,0,,,,", "employee_id", "required"),
    ("E9,,Silva,Lincoln,teacher,Initial,0,,,,", "first_name", "required"),
    ("E9,Ana,,Lincoln,teacher,Initial,0,,,,", "last_name", "required"),
    ("E9,Ana,Silva,Lincoln,teacher,Initial,0,2025-02-30,,,", "hire_date", "no such day"),
    ("E9,Ana,Silva,Lincoln,teacher,Initial,0,next week,,,", "hire_date", "date"),
    ("E9,Ana,Silva,Lincoln,teacher,Initial,0,2025-08-20,2024-06-30,,", "exit_date", "before the hire date"),
    ("E9,Ana,Silva,Lincoln,teacher,Profesional,0,,,,", "license_type", "Professional"),
    ("E9,Ana,Silva,Lincoln,teacher,Initial,0,,,Proficent,", "last_rating", "Proficient"),
    ("E9,Ana,Silva,Lincoln,teacher,Initial,-2,,,,", "years_experience", "below 0"),
    ("E9,Ana,Silva,Lincoln,teacher,Initial,three,,,,", "years_experience", "whole number"),
])
def test_each_rejection_names_line_field_and_rule(tmp_path, run_cli, database, row, field, words):
    path = write(tmp_path, GOOD + row + "\n")
    errors = tmp_path / "errors.csv"
    code, out, _ = run_cli("import", "roster", path, "--year", "2025-2026", "--errors", errors)
    assert code == 1
    assert "1 new" in out and "1 rejected" in out
    with errors.open(newline="", encoding="utf-8-sig") as f:  # the BOM Excel needs
        rejected = list(csv.DictReader(f))
    assert len(rejected) == 1
    assert rejected[0]["line"] == "3" and rejected[0]["field"] == field
    assert words.lower() in rejected[0]["reason"].lower()
    # The original columns follow, so the file can be fixed and imported again.
    assert list(rejected[0])[:4] == ["line", "field", "value", "reason"]
    assert rejected[0]["first_name"] == row.split(",")[1]
    assert count(database) == 1  # the good row was written, the bad one not


def test_an_invalid_choice_lists_the_allowed_values(tmp_path, run_cli):
    path = write(tmp_path, "E9,Ana,Silva,Lincoln,teacher,Licensed,0,,,,\n")
    _, out, _ = run_cli("import", "roster", path)
    for allowed in ("Provisional", "Initial", "Professional", "Temporary"):
        assert allowed in out


def test_a_repeated_employee_id_keeps_the_first(tmp_path, run_cli, database):
    path = write(tmp_path, GOOD + "E1,Anna,Silva,Lincoln,teacher,Initial,0,,,,\n")
    code, out, _ = run_cli("import", "roster", path)
    assert code == 1 and "line 3" in out and "repeats line 2" in out
    with database.read() as s:
        assert s.scalars(select(Educator.first_name)).all() == ["Ana"]


def test_strict_writes_nothing_and_dry_run_counts(tmp_path, run_cli, database):
    path = write(tmp_path, GOOD + "E2,Ben,,Lincoln,teacher,Initial,0,,,,\n")
    code, out, _ = run_cli("import", "roster", path, "--strict")
    assert code == 1 and "nothing was written" in out and count(database) == 0
    code, out, _ = run_cli("import", "roster", write(tmp_path, GOOD), "--dry-run")
    assert code == 0 and "Dry run, nothing written: 1 new" in out and count(database) == 0


def test_reimport_is_idempotent_updates_and_never_deletes(tmp_path, run_cli, database):
    first = write(tmp_path, GOOD + "E2,Ben,Okafor,Lincoln,teacher,Professional,9,2011-08-28,,Proficient,6;7\n")
    assert run_cli("import", "roster", first, "--year", "2025-2026")[0] == 0
    _, out, _ = run_cli("import", "roster", first, "--year", "2025-2026")
    assert "0 new, 0 changed, 2 unchanged" in out
    newer = write(tmp_path, "E2,Ben,Okafor,Adams,teacher,Professional,10,2011-08-28,,Exemplary,6;7\n", "newer.csv")
    _, out, _ = run_cli("import", "roster", newer, "--year", "2025-2026")
    assert "0 new, 1 changed, 0 unchanged" in out
    with database.read() as s:
        ben = s.scalars(select(Educator).where(Educator.employee_id == "E2")).one()
        assert (ben.school.name, ben.years_experience, ben.last_rating) == ("Adams", 10, "Exemplary")
        assert s.scalars(select(Educator).where(Educator.employee_id == "E1")).one().deleted_at is None
    assert count(database) == 2


def test_reimport_restores_a_tombstoned_person_and_leaves_the_others_untouched(tmp_path, run_cli, database):
    first = write(tmp_path, GOOD + "E2,Ben,Okafor,Lincoln,teacher,Professional,9,2011-08-28,,Proficient,6;7\n")
    assert run_cli("import", "roster", first, "--year", "2025-2026")[0] == 0
    with database.unit_of_work() as s:
        s.scalars(select(Educator).where(Educator.employee_id == "E1")).one().tombstone()
    with database.read() as s:
        versions = dict(s.execute(select(Educator.employee_id, Educator.version)
                                  .execution_options(include_deleted=True)).all())
    _, out, _ = run_cli("import", "roster", first, "--year", "2025-2026")
    assert "0 new, 1 changed, 1 unchanged" in out
    with database.read() as s:
        rows = {e.employee_id: e for e in s.scalars(select(Educator).execution_options(include_deleted=True))}
        assert rows["E1"].deleted_at is None and rows["E1"].version == versions["E1"] + 1
        assert rows["E2"].version == versions["E2"]  # an unchanged row is not written at all


@pytest.mark.parametrize(("license_", "years", "hire", "status"), [
    ("Initial", "0", "2025-08-20", "beginning"),
    ("Provisional", "", "2026-01-05", "beginning"),
    # 004, "Induction Programs for Teachers": an incoming teacher "holds a Professional or a Temporary license"
    ("Temporary", "0", "2025-07-01", "incoming"),
    ("Professional", "0", "2025-08-20", "incoming"),
    ("Initial", "4", "2025-08-20", "incoming"),
    ("Initial", "0", "2025-06-30", None),  # hired in the previous year
])
def test_blank_induction_status_is_derived(tmp_path, run_cli, database, license_, years, hire, status):
    path = write(tmp_path, f"E1,Ana,Silva,Lincoln,teacher,{license_},{years},{hire},,,\n")
    assert run_cli("import", "roster", path, "--year", "2025-2026")[0] == 0
    with database.read() as s:
        assert s.scalars(select(InductionEnrollment.status)).one_or_none() == status


def test_header_variants_and_grade_spans(tmp_path, run_cli, database):
    path = tmp_path / "hr.csv"
    path.write_text("Emp #,First Name,Last Name,Building,Grade Levels,Hire Date\n"
                    "7,Ana,Silva,Lincoln,PK-2,8/20/2025\n8,Ben,Ode,Lincoln,K;1;2,2025-08-21\n9,Cy,Li,Hill,9-12,\n")
    code, out, err = run_cli("import", "roster", path)
    assert code == 0, out + err
    with database.read() as s:
        grades = dict(s.execute(select(Educator.employee_id, Educator.grades)).all())
    assert grades == {"7": ["PK", "K", "1", "2"], "8": ["K", "1", "2"], "9": ["9", "10", "11", "12"]}


def test_xlsx_with_real_date_cells(tmp_path, run_cli, database):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Employee ID", "First Name", "Last Name", "Hire Date", "MEPID"])
    sheet.append(["E5", "Dana", "Cole", dt.datetime(2025, 8, 25), 1234567])
    book.save(tmp_path / "r.xlsx")
    assert run_cli("import", "roster", tmp_path / "r.xlsx")[0] == 0
    with database.read() as s:
        dana = s.scalars(select(Educator)).one()
        assert dana.hire_date == dt.date(2025, 8, 25) and dana.mepid == "01234567"


def test_xlsx_cells_read_as_openpyxl_reads_them(tmp_path):
    """The importer reads XLSX with calamine (fast); dates, times, numbers, booleans, blanks and
    formulas must come out exactly as openpyxl gives them."""
    import openpyxl
    import pandas as pd

    from app.services.tabular import _read_frame, _xlsx_engine

    assert _xlsx_engine() == "calamine"  # a dependency: without it this would compare openpyxl with itself
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["employee_id", "date", "time", "moment", "whole", "real", "yes", "text", "formula", "zeros", "big"])
    sheet.append(["E1", dt.date(2024, 8, 26), dt.time(10, 30), dt.datetime(2024, 8, 26, 9, 15, 30), 5, 2.5, True,
                  " x ", "=1+2", "00123", 12345678901])
    sheet.append([123, dt.datetime(2024, 1, 2), dt.time(0, 0), dt.datetime(2024, 1, 2, 0, 0, 0, 500000), 0, 3.0,
                  False, "", "=A2", None, 1e20])
    sheet.append([None] * 11)
    sheet.append(["E3", "2024-08-26", dt.timedelta(hours=1, minutes=30), None, -1, 1 / 3, None, "\u00e9", None, None, 0.25])
    book.save(tmp_path / "cells.xlsx")
    ours, encoding, _separator = _read_frame(tmp_path / "cells.xlsx")  # the header is the first row (header=None)
    theirs = pd.read_excel(tmp_path / "cells.xlsx", sheet_name=0, dtype=object, header=None, engine="openpyxl")
    assert encoding == ""
    assert list(ours.columns) == list(theirs.columns)

    def typed(frame):  # type: ignore[no-untyped-def]
        return [[(type(c).__name__, "nan" if c != c else c) for c in row] for row in frame.to_numpy(dtype=object).tolist()]

    assert typed(ours) == typed(theirs)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_round_trips(tmp_path, run_cli, database, suffix):
    assert run_cli("demo", "--size", "small", "--year", "2025-2026")[0] == 0
    out = tmp_path / f"roster{suffix}"
    assert run_cli("export", "roster", "--out", out, "--year", "2025-2026")[0] == 0
    code, text, err = run_cli("import", "roster", out, "--year", "2025-2026")
    assert code == 0, text + err
    assert "0 new, 0 changed, 120 unchanged, 0 rejected" in text


def test_an_unreadable_file_is_a_clear_error(tmp_path, run_cli):
    path = tmp_path / "roster.pdf"
    path.write_bytes(b"%PDF-1.4 nonsense")
    code, _, err = run_cli("import", "roster", path)
    assert code == 1 and "roster.pdf" in err
    code, _, err = run_cli("import", "roster", tmp_path / "missing.csv")
    assert code == 1 and "no such file" in err


def test_a_file_without_some_columns_leaves_those_fields_alone(tmp_path, run_cli, database):
    full = write(tmp_path, "E2,Ben,Okafor,Adams,teacher,Professional,9,2011-08-28,,Proficient,6;7\n")
    assert run_cli("import", "roster", full, "--year", "2025-2026")[0] == 0
    partial = tmp_path / "hr-extract.csv"
    partial.write_text("Employee ID,First Name,Last Name,Email\nE2,Ben,Okafor,ben@example.org\n")
    _, out, _ = run_cli("import", "roster", partial, "--year", "2025-2026")
    assert "0 new, 1 changed" in out
    with database.read() as s:
        ben = s.scalars(select(Educator)).one()
        assert ben.email == "ben@example.org"
        assert (ben.school.name, ben.last_rating, ben.grades, ben.years_experience) == ("Adams", "Proficient", ["6", "7"], 9)


def test_an_import_pauses_the_cycle_collector_only_while_it_runs():
    import gc

    from app.services.batch import cycle_collector_paused

    @cycle_collector_paused
    def work(fail: bool) -> bool:
        if fail:
            raise ValueError("bad file")
        return gc.isenabled()

    was_enabled = gc.isenabled()  # the window turns it off (it collects on the GUI thread)
    gc.enable()
    try:
        assert work(False) is False and gc.isenabled()
        with pytest.raises(ValueError):
            work(True)
        assert gc.isenabled()
        gc.disable()  # paused by someone else: an import does not resume it
        work(False)
        assert not gc.isenabled()
    finally:
        (gc.enable if was_enabled else gc.disable)()


def test_a_status_back_after_an_explicit_none_revives_the_enrollment(tmp_path, run_cli, database):
    """beginning, then "none" (removes the year's enrollment), then beginning again: the third import
    used to fail with a UNIQUE error on induction_enrollment (found by the import property test)."""
    path = tmp_path / "roster.csv"
    for status in ("beginning", "none", "beginning"):
        path.write_text(f"employee_id,first_name,last_name,induction_status\nE1,Ana,Silva,{status}\n", encoding="utf-8")
        code, out, err = run_cli("import", "roster", path, "--year", "2025-2026")
        assert code == 0, err
        with database.read() as s:
            statuses = s.scalars(select(InductionEnrollment.status)).all()
        assert statuses == ([] if status == "none" else ["beginning"])
    with database.read() as s:  # one row for the year, tombstoned or not
        rows = s.execute(select(InductionEnrollment.status, InductionEnrollment.deleted_at)
                         .execution_options(include_deleted=True)).all()
    assert rows == [("beginning", None)]
