"""Confidential notes never leave the pair's own detail view (000, 004: the mentoring relationship is
confidential): not in any list export, printed roster or report, nor in an import's errors file (the
rejected rows are copied without their notes column). Every output that exists is written from a
district whose notes (and private reassignment reasons) carry a marker, then read back."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.models import Assignment
from app.services.timelogs import logs as timelogs
from app.services.timelogs.imports import import_timelogs
from tests.test_timelogs import PUBLIC, TODAY, _write_csv, pairs  # noqa: F401  (fixture)

MARKER = "ZEBRA-7731"


def _text_of(path) -> str:  # type: ignore[no-untyped-def]
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(path).pages)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path)
        return "\n".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row
                         if c is not None)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def secret_district(session, pairs, tmp_path):  # noqa: F811
    timelogs.add_entry(session, timelogs.EntryInput(pairs["a1"], dt.date(2025, 10, 6), 60, "observed_mentee",
                                                    ["Classroom management"], True, f"{MARKER} evaluation worries"),
                       today=TODAY)
    timelogs.add_group_session(session, [pairs["a1"], pairs["a3"]],
                               timelogs.EntryInput(pairs["a1"], dt.date(2025, 11, 3), 45, "meeting",
                                                   notes=f"group {MARKER}"), today=TODAY)
    path = _write_csv(tmp_path / "in.csv", PUBLIC, [
        ["M2", "B1", "2026-02-10", "90", "co_teaching", "Technology", "no", f"imported {MARKER}"]])
    assert import_timelogs(session, path, today=TODAY).new == 1
    session.get(Assignment, pairs["a1"]).private_reason = f"private reason {MARKER}"
    session.commit()
    return pairs


def _outputs(session, tmp_path, pairs):  # type: ignore[no-untyped-def]  # noqa: F811
    """Every file MentorDesk writes that could carry time-log data."""
    from app.services.timelogs import hours
    from app.services.reports import principal_roster
    from app.services.roster import files as roster_io
    from app.services.reports import state_report
    from app.services.reports import state_report_files

    year = "2025-2026"
    out = []
    for ext in ("csv", "xlsx"):
        out.append(roster_io.export_roster(session, tmp_path / f"roster.{ext}", year))
        out.append(timelogs.export_entries(session, timelogs.EntryFilter(year), tmp_path / f"timelogs.{ext}"))
    report = state_report.compute(session, year)
    for ext in ("json", "csv", "xlsx", "pdf"):
        out.append(state_report_files.write(report, tmp_path / f"state.{ext}"))
    out.append(principal_roster.write_roster_pdf(session, year, tmp_path / "principal.pdf"))
    for ext in ("json", "csv", "pdf"):
        out.append(hours.write_hours_report(session, year, tmp_path / f"hours.{ext}"))
    out.append(hours.write_hours_record(session, pairs["b1"], tmp_path / "record.pdf"))
    return out


def test_no_output_carries_a_note(session, secret_district, tmp_path):
    # The notes are stored and readable in the entry's own detail view...
    entries = timelogs.list_entries(session, timelogs.EntryFilter("2025-2026"))
    notes = [timelogs.entry_notes(session, e.id) for e in entries]
    assert sum(MARKER in n for n in notes) == 4  # one entry, two group rows, one imported
    # ...and in no output at all.
    outputs = _outputs(session, tmp_path, secret_district)
    assert len(outputs) == 13
    for path in outputs:
        text = _text_of(path)
        assert text.strip(), f"{path.name} is empty"
        assert MARKER not in text, f"{path.name} shows a confidential note"
    # The outputs do carry the time data itself (so the test reads real content).
    hours_json = json.loads((tmp_path / "hours.json").read_text())
    assert {e["employee_id"]: e["hours"] for e in hours_json["educators"]} == {"B1": 3.2, "B2": 0.8}
    with (tmp_path / "timelogs.csv").open(newline="", encoding="utf-8-sig") as handle:
        exported = list(csv.DictReader(handle))
    assert len(exported) == 4 and "notes" not in exported[0]
    assert "3.2" in _text_of(tmp_path / "principal.pdf")


def test_lists_never_load_the_notes_column(session, secret_district):
    from app.models.timelogs import TimeLog

    session.expunge_all()
    log = session.scalars(select(TimeLog).limit(1)).one()
    assert "notes" not in log.__dict__  # deferred: loaded only when the detail view asks
    assert TimeLog.__table__.c.notes.info == {"confidential": True}


EXTENSIONS = (".json", ".csv", ".xlsx", ".pdf", ".ics")


def _output_commands():  # type: ignore[no-untyped-def]
    """Every `mentordesk export ...` and `mentordesk report ...` the command line knows, found from the
    parser itself, so an output added later is checked without anyone remembering to list it here."""
    import argparse

    from app.cli import build_parser

    parser = build_parser()
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for group in ("export", "report"):
        if group not in top.choices:
            continue
        sub = next(a for a in top.choices[group]._actions if isinstance(a, argparse._SubParsersAction))
        for name, command in sub.choices.items():
            required = {a.dest for a in command._actions if a.required}
            yield group, name, required


def test_no_command_line_output_carries_a_note(run_cli, session, secret_district, tmp_path):
    written = []
    for group, name, required in _output_commands():
        if required - {"out", "year"}:
            continue  # needs a choice this test cannot make
        for ext in EXTENSIONS:
            out = tmp_path / f"{group}-{name}{ext}"
            args = [group, name, "--out", out] + (["--year", "2025-2026"] if "year" in required else [])
            code, _stdout, err = run_cli(*args)
            if code != 0 and not out.exists() and any(e in err for e in EXTENSIONS):
                continue  # not a format this command writes (the message names the ones it does)
            assert code == 0, f"{group} {name} {ext}: {err}"
            if out.exists():
                written.append(out)
    names = {p.name for p in written}
    assert {"export-roster.csv", "export-timelogs.csv", "report-state.pdf", "report-state.xlsx", "report-roster.pdf",
            "report-hours.json", "report-hours.pdf"} <= names, names
    for path in written:
        assert MARKER not in _text_of(path), f"{path.name} shows a confidential note"
    code, _out, _err = run_cli("report", "hours", "--year", "2025-2026", "--educator", "B1", "--out", tmp_path / "r.pdf")
    assert code == 0 and MARKER not in _text_of(tmp_path / "r.pdf")


def test_an_import_errors_file_leaves_the_notes_out(run_cli, session, pairs, tmp_path):  # noqa: F811
    """The errors file is the coordinator's to fix and import again, but it is still a file that leaves
    MentorDesk: a rejected row keeps every column but the confidential notes (command line and page)."""
    from app.services.tabular import write_errors

    path = _write_csv(tmp_path / "in.csv", PUBLIC, [
        ["M9", "B2", "2025-09-15", "45", "planning", "Technology", "no", f"rejected {MARKER}"],
        ["M1", "B2", "2025-09-16", "45", "planning", "", "no", f"kept {MARKER}"],
    ])
    report = import_timelogs(session, path, today=TODAY)
    assert (report.new, len(report.rejected)) == (1, 1)
    assert any("without their confidential notes (column 'notes')" in n for n in report.notes)
    out = write_errors(report, tmp_path / "errors.csv")  # what the page's "Save rejected rows" writes
    with out.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert MARKER not in out.read_text() and "notes" not in rows[0]
    assert (rows[0]["line"], rows[0]["mentor_employee_id"], rows[0]["topics"]) == ("2", "M9", "Technology")
    session.rollback()
    errors = tmp_path / "cli-errors.csv"
    code, stdout, _err = run_cli("import", "timelogs", path, "--errors", errors)
    assert code == 1 and "1 rejected" in stdout and "without their confidential notes" in stdout
    assert MARKER not in errors.read_text() and "M9" in errors.read_text()
