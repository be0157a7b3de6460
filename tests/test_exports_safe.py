"""One safe writer for CSV and XLSX (issue 20 item 2; issue 18 item 5): CSV with a UTF-8 byte-order mark
(Excel shows "José"), XLSX with typed cells, a bold frozen filtered header; and no export ever hands a
spreadsheet a formula (OWASP "CSV Injection": a text cell beginning with =, +, -, @, tab or CR gets a
leading quote). Every file is read back as its reader would: csv with utf-8-sig, openpyxl."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.models import Assignment, Educator, InductionEnrollment, School
from app.services import settings, tabular
from app.services.tabular import Column
from app.services.years import ensure_year

D = dt.date
HOSTILE = ['=HYPERLINK("http://x.example","click")', "+1", "-2", "@SUM(A1)", "=cmd|' /C calc'!A0"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _csv_rows(path: Path) -> list[list[str]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def _xlsx_cells(path: Path) -> list:  # type: ignore[type-arg]
    from openpyxl import load_workbook

    return [cell for sheet in load_workbook(path) for row in sheet.iter_rows() for cell in row
            if cell.value is not None]


def _assert_safe(path: Path, expected: list[str]) -> None:
    """No cell a formula or beginning with a formula character; each hostile value present, quoted."""
    if path.suffix == ".csv":
        values = [v for row in _csv_rows(path) for v in row]
    else:
        cells = _xlsx_cells(path)
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        values = [c.value for c in cells if isinstance(c.value, str)]
    assert [v for v in values if v.startswith(FORMULA)] == [], path.name
    for value in expected:
        assert any(v == "'" + value or v.startswith("'" + value) for v in values), (path.name, value)


# --- the writer itself ------------------------------------------------------------------------------


def test_csv_has_a_byte_order_mark_excel_line_ends_and_a_plain_setting(tmp_path):
    rows = [{"name": "José Conceição", "n": 3, "day": D(2026, 3, 8), "note": 'say "hi", then go'}]
    out = tabular.write_table(tmp_path / "t.csv", ["name", "n", "day", "note"], rows)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    assert _csv_rows(out) == [["name", "n", "day", "note"], ["José Conceição", "3", "2026-03-08", 'say "hi", then go']]
    plain = tabular.write_table(tmp_path / "p.csv", ["name"], rows, plain_utf8=True)
    assert plain.read_bytes() == "name\r\nJosé Conceição\r\n".encode()


def test_xlsx_cells_are_typed_with_a_bold_frozen_filtered_header(tmp_path):
    from openpyxl import load_workbook

    columns = [Column("employee_id", "Employee ID", "text"), Column("hire_date", "Hire date", "date"),
               Column("years", "Years", "int"), Column("hours", "Hours", "number"),
               Column("retention", "Retention rate", "rate"), Column("name", "Name")]
    rows = [{"employee_id": "00123", "hire_date": "2025-08-20", "years": "4", "hours": 1203.3, "retention": 0.732,
             "name": "Nguyễn Thị Đặng"},
            {"employee_id": "9", "hire_date": D(2026, 1, 5), "years": 0, "hours": "", "retention": None,
             "name": "=1+1"}]
    out = tabular.write_table(tmp_path / "t.xlsx", columns, rows, sheet="People")
    sheet = load_workbook(out)["People"]
    assert [c.value for c in sheet[1]] == ["Employee ID", "Hire date", "Years", "Hours", "Retention rate", "Name"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:F3"
    eid, hired, years, hours, rate, name = sheet[2]
    assert (eid.value, eid.data_type) == ("00123", "s")  # an ID keeps its zeros
    assert hired.is_date and hired.value == dt.datetime(2025, 8, 20) and hired.number_format == "m/d/yyyy"
    assert (years.value, years.data_type) == (4, "n") and (hours.value, hours.data_type) == (1203.3, "n")
    assert rate.value == 0.732 and rate.number_format == "0.0%"
    assert name.value == "Nguyễn Thị Đặng"
    assert sheet["B3"].value == dt.datetime(2026, 1, 5) and sheet["C3"].value == 0 and sheet["D3"].value is None
    assert sheet["F3"].value == "'=1+1" and sheet["F3"].data_type == "s"
    assert sheet.column_dimensions["F"].width >= len("Nguyễn Thị Đặng") and sheet.column_dimensions["A"].width >= 8


def test_neutralize_follows_owasp_and_restore_gives_back_every_text():
    assert [tabular.neutralize(v) for v in ("=1", "+1", "-1", "@x", "\tx", "\rx", "José", "", "a=1")] == \
        ["'=1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "José", "", "a=1"]
    assert tabular.neutralize("'=1") == "''=1" and tabular.restore("''=1") == "'=1"
    assert tabular.restore("'hello") == "'hello"  # a quote before ordinary text is the person's


@given(st.text(alphabet=st.sampled_from("'=+-@\tab1 é"), max_size=8))
def test_restore_undoes_neutralize(text):
    assert tabular.restore(tabular.neutralize(text)) == text
    assert not tabular.neutralize(text).startswith(FORMULA)


# --- every export, fed hostile names and notes ------------------------------------------------------


@pytest.fixture
def hostile(session):
    """A district whose names, school, IDs and topics begin like formulas."""
    year, _ = ensure_year(session, "2025-2026")
    school = School(name=HOSTILE[3])
    session.add(school)
    mentor = Educator(employee_id="-7", first_name=HOSTILE[0], last_name=HOSTILE[1], role="teacher", school=school,
                      position=HOSTILE[4], hire_date=D(2010, 8, 25), years_experience=15,
                      mentor_trained_on=D(2019, 6, 1))
    mentee = Educator(employee_id="=B1", first_name=HOSTILE[2], last_name=HOSTILE[3], role="teacher", school=school,
                      position="Teacher", hire_date=D(2025, 8, 20), years_experience=0, license_type="Initial",
                      mepid="00012345")
    session.add_all([mentor, mentee, InductionEnrollment(educator=mentee, school_year=year, status="beginning")])
    assignment = Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=D(2025, 9, 1))
    session.add(assignment)
    session.commit()
    from app.services.timelogs import logs as timelogs

    timelogs.add_entry(session, timelogs.EntryInput(assignment.id, D(2025, 10, 6), 60, "meeting", [HOSTILE[0]],
                                                    notes="+private"), today=D(2026, 6, 1))
    from tests.cap_fixtures import make_candidate

    from app.services import cap

    org = cap.ensure_organization(session, "@Org")
    make_candidate(session, org, mentor, first=HOSTILE[1], last=HOSTILE[0], number="-3",
                   sp_override_reason="an unrated SP, for the export test")
    session.commit()
    return {"mentor": mentor.id, "mentee": mentee.id}


def test_no_export_hands_a_spreadsheet_a_formula(session, hostile, tmp_path):
    from app.services.cap.export import write_year_export
    from app.services.matching.assignment_files import ASSIGNMENT_FIELDS, assignment_rows
    from app.services.reports import state_report, state_report_files
    from app.services.roster.files import export_roster
    from app.services.timelogs import hours
    from app.services.timelogs import logs as timelogs

    year = "2025-2026"
    report = state_report.compute(session, year)
    for ext in ("csv", "xlsx"):
        _assert_safe(export_roster(session, tmp_path / f"roster.{ext}", year), [*HOSTILE, "-7", "=B1"])
        _assert_safe(timelogs.export_entries(session, timelogs.EntryFilter(year), tmp_path / f"logs.{ext}"),
                     ["-7", "=B1", HOSTILE[0]])
        _assert_safe(write_year_export(session, year, tmp_path / f"cap.{ext}"), [HOSTILE[1], "-3", HOSTILE[3]])
        _assert_safe(tabular.write_table(tmp_path / f"assignments.{ext}", list(ASSIGNMENT_FIELDS),
                                         assignment_rows(session)), ["-7", "=B1"])
    _assert_safe(state_report_files.write(report, tmp_path / "state.xlsx"), [HOSTILE[2], "=B1", "-7"])
    _assert_safe(state_report_files.write(report, tmp_path / "state.csv"), [])
    _assert_safe(hours.write_hours_report(session, year, tmp_path / "hours.csv"), ["=B1", HOSTILE[3]])
    # the assignments command writes through the same writer
    rejected = tabular.ImportReport("x.csv", columns=["first_name"])
    rejected.rejected.append(tabular.RejectedRow(2, (), {"first_name": HOSTILE[0]}))
    _assert_safe(tabular.write_errors(rejected, tmp_path / "errors.csv"), [HOSTILE[0]])


def test_the_assignments_command_writes_through_the_safe_writer(session, hostile, tmp_path, run_cli):
    out = tmp_path / "a.xlsx"
    assert run_cli("export", "assignments", "--out", out)[0] == 0
    _assert_safe(out, ["-7", "=B1"])
    cells = {c.coordinate: c for c in _xlsx_cells(out)}
    assert cells["D2"].is_date and cells["D2"].number_format == "m/d/yyyy"


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_roster_export_round_trips_through_the_import(session, hostile, tmp_path, ext):
    """The exported roster (quoted names, typed dates and numbers) imports back unchanged."""
    from openpyxl import load_workbook

    from app.services.roster.files import export_roster, import_roster

    out = export_roster(session, tmp_path / f"roster.{ext}", "2025-2026")
    if ext == "xlsx":
        sheet = load_workbook(out)["Roster"]
        header = [c.value for c in sheet[1]]
        row = {h: c for h, c in zip(header, sheet[3 if sheet["A2"].value == "'-7" else 2])}
        assert row["hire_date"].is_date and row["years_experience"].data_type == "n"
        assert row["mepid"].value == "00012345" and row["employee_id"].value == "'=B1"
    report = import_roster(session, out, year_label="2025-2026")
    assert (report.new, report.changed, report.rejected) == (0, 0, [])
    session.commit()
    mentor = session.get(Educator, hostile["mentor"])
    assert (mentor.employee_id, mentor.first_name, mentor.last_name) == ("-7", HOSTILE[0], HOSTILE[1])


def test_csv_plain_utf8_setting_reaches_the_exports(session, hostile, tmp_path):
    from app.services.roster.files import export_roster

    assert export_roster(session, tmp_path / "bom.csv", "2025-2026").read_bytes().startswith(b"\xef\xbb\xbf")
    settings.set_value(session, "csv_plain_utf8", True)
    raw = export_roster(session, tmp_path / "plain.csv", "2025-2026").read_bytes()
    assert raw.startswith(b"employee_id,") and "'=B1".encode() in raw


def test_every_export_goes_through_the_one_writer():
    """No module but tabular.py writes CSV or XLSX itself."""
    root = Path(__file__).resolve().parent.parent / "app"
    needles = ("csv.writer", "csv.DictWriter", "Workbook(", "to_csv(", "to_excel(", "ExcelWriter")
    offenders = sorted(str(p.relative_to(root)) for p in root.rglob("*.py")
                       if p.name != "tabular.py" and any(n in p.read_text(encoding="utf-8") for n in needles))
    assert offenders == []


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_time_log_and_assignment_exports_import_back_as_what_is_already_there(session, hostile, tmp_path, ext):
    """The importers undo the quote too: hostile employee IDs and topics find the same people and entries."""
    from app.services.matching.assignment_files import ASSIGNMENT_FIELDS, assignment_rows, import_assignments
    from app.services.timelogs import logs as timelogs
    from app.services.timelogs.imports import import_timelogs

    logs = timelogs.export_entries(session, timelogs.EntryFilter("2025-2026"), tmp_path / f"logs.{ext}")
    report = import_timelogs(session, logs, today=D(2026, 6, 1))
    assert (report.new, report.skipped, report.rejected) == (0, 1, [])
    pairs = tabular.write_table(tmp_path / f"assignments.{ext}", list(ASSIGNMENT_FIELDS), assignment_rows(session))
    report = import_assignments(session, pairs)
    assert (report.new, report.rejected) == (0, [])
