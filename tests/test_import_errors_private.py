"""Confidential data never leaves through an import's errors file (issue 18): every importer's
`--errors OUT.csv` leaves out each column mapped to a confidential field and each column whose
header says note, comment, confidential or private, and the value of a problem on such a field.
Real files in, the errors file read back with the csv module; no marked value in any log line."""

from __future__ import annotations

import csv
import logging

import pytest

from app.errors import FieldProblem
from app.services.tabular import ImportReport, RejectedRow, private_header, write_errors
from tests.test_timelogs import _write_csv, pairs  # noqa: F401  (fixture)

SECRET = "ZEBRA-4419"


def _read(path) -> tuple[list[str], list[dict[str, str]], str]:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8-sig")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    return list(reader.fieldnames or []), rows, text


@pytest.mark.parametrize("header", ["Notes", "Confidential Notes", "notes", "Any other COMMENTS?", "Private reason",
                                    "Coordinator's note", "confidential"])
def test_headers_that_say_private(header):
    assert private_header(header)


@pytest.mark.parametrize("header", ["Mentor", "Date", "Minutes", "Topics", "Release Time", "Rating"])
def test_headers_that_do_not(header):
    assert not private_header(header)


def test_a_time_log_file_with_notes_and_confidential_notes_columns(run_cli, pairs, tmp_path, caplog):  # noqa: F811
    caplog.set_level(logging.DEBUG, logger="app")
    header = ["Mentor", "Mentee", "Date", "Minutes", "Activity", "Topics", "Notes", "Confidential Notes"]
    path = _write_csv(tmp_path / "logs.csv", header, [
        ["M1", "B2", "2025-09-15", "45", "planning", "Technology", f"plain {SECRET}", f"deep {SECRET}"],
        ["M9", "B2", "2025-09-16", "45", "planning", "Technology", f"note {SECRET}", f"private {SECRET}"],
        ["M1", "B2", "2025-09-17", "forever", "planning", "", "", f"only-confidential {SECRET}"],
    ])
    errors = tmp_path / "errors.csv"
    code, out, err = run_cli("import", "timelogs", path, "--errors", errors)
    assert code == 1 and "1 new" in out and "2 rejected" in out
    columns, rows, text = _read(errors)
    assert columns == ["line", "field", "value", "reason", "Mentor", "Mentee", "Date", "Minutes", "Activity", "Topics"]
    assert [(r["line"], r["field"], r["Mentor"]) for r in rows] == [("3", "mentor_employee_id", "M9"),
                                                                    ("4", "minutes", "M1")]
    assert rows[1]["value"] == "forever" and "forever" not in rows[1]["reason"]  # the value in its own column only
    assert SECRET not in text
    assert "left out of the errors file as confidential: Notes, Confidential Notes" in out
    assert SECRET not in out + err  # the command's own lines
    assert SECRET not in caplog.text


def test_the_roster_errors_file_leaves_out_ratings_and_private_columns(run_cli, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="app")
    header = ["Employee ID", "First Name", "Last Name", "Email", "Summative Rating", "HR Comments"]
    path = _write_csv(tmp_path / "roster.csv", header, [
        ["E1", "Ana", "Silva", "ana@district.org", "Proficient", f"fine {SECRET}"],
        ["E2", "Ben", "Hart", "not-an-email", "Needs Improvement", f"on a plan {SECRET}"],
        ["E3", "Cy", "Ng", "cy@district.org", f"Awful {SECRET}", ""],
    ])
    errors = tmp_path / "errors.csv"
    code, out, _err = run_cli("import", "roster", path, "--year", "2025-2026", "--errors", errors)
    assert code == 1 and "2 rejected" in out
    columns, rows, text = _read(errors)
    assert columns == ["line", "field", "value", "reason", "Employee ID", "First Name", "Last Name", "Email"]
    assert [(r["line"], r["field"]) for r in rows] == [("3", "email"), ("4", "last_rating")]
    assert rows[0]["value"] == "not-an-email" and rows[0]["Employee ID"] == "E2"
    assert rows[1]["value"] == "" and "Proficient" in rows[1]["reason"]  # what to write, not what was written
    assert SECRET not in text and "Needs Improvement" not in rows[0].values()  # E2's rating
    assert "left out of the errors file as confidential: Summative Rating, HR Comments" in out
    assert SECRET not in caplog.text


def test_the_assignments_errors_file_leaves_out_private_columns(run_cli, pairs, tmp_path):  # noqa: F811
    header = ["Mentor ID", "Mentee ID", "School Year", "Start Date", "End Date", "End Reason",
              "Private reason", "Coordinator notes"]
    path = _write_csv(tmp_path / "assignments.csv", header, [
        ["M9", "I1", "2025-2026", "2025-09-10", "", "", f"why {SECRET}", f"note {SECRET}"],
    ])
    errors = tmp_path / "errors.csv"
    code, _out, _err = run_cli("import", "assignments", path, "--errors", errors)
    assert code == 1
    columns, rows, text = _read(errors)
    assert columns == ["line", "field", "value", "reason", "Mentor ID", "Mentee ID", "School Year", "Start Date",
                       "End Date", "End Reason"]
    assert rows[0]["Mentor ID"] == "M9" and SECRET not in text


def test_a_survey_comment_is_neither_a_column_nor_a_value_of_the_errors_file(run_cli, tmp_path):
    header = ["Timestamp", "Your role", "The program helped me", "Any other comments?"]
    path = _write_csv(tmp_path / "survey.csv", header, [
        ["2026-05-01 10:00", "mentee", "Agree", ""],
        ["2026-05-01 10:05", "mentee", "Agree", f"My mentor {SECRET} never came"],
    ])
    errors = tmp_path / "errors.csv"
    code, _out, _err = run_cli("import", "survey", path, "--year", "2025-2026", "--errors", errors)
    columns, rows, text = _read(errors)
    assert code == 1 and [r["field"] for r in rows] == ["Any other comments?"]
    assert "Any other comments?" not in columns[4:] and rows[0]["value"] == ""
    assert SECRET not in text


def test_a_problem_on_a_withheld_field_keeps_its_reason_not_its_value(tmp_path):
    report = ImportReport(source="in.csv", columns=["Mentor", "Session write-up"])
    report.withhold(["notes"], {"notes": "Session write-up"})
    report.rejected.append(RejectedRow(2, (FieldProblem("notes", f"too long {SECRET}", "longer than 4,000 characters"),
                                           FieldProblem("mentor_employee_id", "M9", "no such educator")),
                                       {"Mentor": "M9", "Session write-up": f"{SECRET} text"}))
    columns, rows, text = _read(write_errors(report, tmp_path / "errors.csv"))
    assert columns == ["line", "field", "value", "reason", "Mentor"]
    assert rows[0]["value"] == "; M9" and rows[0]["reason"] == "longer than 4,000 characters; no such educator"
    assert SECRET not in text
