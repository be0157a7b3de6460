"""Hours in every XLSX are numbers shown with one decimal (issue 20, point 2: "numbers as numbers"; the state
report's definitions say hours are "shown in hours with one decimal"): the one writer (tabular) formats them
by column, so a sum in Excel still works and 2 hours reads "2.0", as the PDFs print it."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Assignment
from app.services import tabular
from app.services.reports import state_report, state_report_files
from tests.test_state_report import district  # noqa: F401 - the hand-computed district fixture

D = dt.date


def test_a_table_shows_its_hours_columns_with_one_decimal_and_leaves_the_others(tmp_path):
    columns = [tabular.Column("employee_id", "Employee ID", "text"), tabular.Column("release_hours"),
               tabular.Column("hours", "Mentoring hours", "number"), tabular.Column("minutes", kind="int"),
               tabular.Column("hours_note", "Hours note", "text"), tabular.Column("pdps", "PDPs", "number")]
    rows = [{"employee_id": "007", "release_hours": 2, "hours": "12.25", "minutes": 45, "hours_note": "12",
             "pdps": 10}]
    sheet = load_workbook(tabular.write_table(tmp_path / "t.xlsx", columns, rows))["Sheet1"]
    ident, release, hours, minutes, note, pdps = sheet[2]
    assert (release.value, release.data_type, release.number_format) == (2, "n", "0.0")  # an auto column
    assert (hours.value, hours.data_type, hours.number_format) == (12.25, "n", "0.0")  # the value kept exact
    assert minutes.data_type == "n" and minutes.number_format == "General"  # minutes are not hours
    assert (note.value, note.data_type) == ("12", "s")  # a text column stays text, whatever its name
    assert pdps.data_type == "n" and pdps.number_format == "General"
    assert ident.value == "007" and ident.data_type == "s"


def test_the_words_that_make_an_hours_column():
    assert all(tabular.is_hours(n) for n in ("hours", "release_hours", "Mentoring hours", "Hours", "hours_toward_50"))
    assert not any(tabular.is_hours(n) for n in ("minutes", "Hourly rate", "shours", "", None))


def test_state_report_hours_are_numbers_with_one_decimal(session, district, tmp_path):  # noqa: F811
    from app.services.timelogs import logs as timelogs

    pair = {(a.mentor.employee_id, a.mentee.employee_id): a.id for a in session.scalars(select(Assignment))}
    for key, day, minutes in ((("M1", "B1"), D(2025, 10, 6), 60), (("M1", "B2"), D(2025, 11, 3), 60),
                              (("AM", "A1"), D(2025, 10, 8), 30)):
        timelogs.add_entry(session, timelogs.EntryInput(pair[key], day, minutes, "planning"), today=D(2026, 7, 31))
    session.commit()
    report = state_report.compute(session, "2025-2026")
    assert report.to_json()["teachers"]["mentoring_hours"] == 120 / 60 == 2.0  # the second computation
    book = load_workbook(state_report_files.write(report, tmp_path / "state.xlsx"))
    for sheet, who, hours in (("Teachers", "beginning teachers", 2.0), ("Administrators", "administrators", 0.5)):
        row = next(r for r in book[sheet].iter_rows() if str(r[0].value).startswith("(e) Hours"))
        assert who in row[0].value
        assert (row[1].value, row[1].data_type, row[1].number_format) == (hours, "n", "0.0")
        summary = next(r for r in book["Summary"].iter_rows() if r[0].value == row[0].value)
        assert (summary[1].value, summary[1].data_type, summary[1].number_format) == (hours, "n", "0.0")
        # other figures keep their own format: a count is General, a rate a percentage
        served = next(r for r in book[sheet].iter_rows() if str(r[0].value).startswith("(b)"))
        assert served[1].data_type == "n" and served[1].number_format == "General"
