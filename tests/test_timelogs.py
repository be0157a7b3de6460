"""Time logs: the rules, duplicates, group sessions, hours across years and reassignments, imports
(public format and a Forms export with a remembered mapping), the hours report and the dashboard card."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from app.models import Assignment, Educator, InductionEnrollment, School, derived_id
from app.services.timelogs import hours
from app.services.timelogs import logs as timelogs
from app.errors import ValidationError
from app.services.tabular import FileFormatError
from app.services.timelogs.imports import import_timelogs
from app.services.timelogs.logs import DuplicateEntryError, EntryInput
from app.services.years import ensure_year

D = dt.date
TODAY = D(2026, 6, 15)


def _person(session, eid, school, first=None, last=None, **kw):
    e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name=first or f"First{eid}",
                 last_name=last or f"Last{eid}", school=school, email=f"{eid.lower()}@district.org", **kw)
    session.add(e)
    return e


@pytest.fixture
def pairs(session):
    """B1: beginning in 2024-2025 (mentor M1), second year in 2025-2026 with M1 until January 31,
    then reassigned to M2. B2: beginning in 2025-2026 with M1. I1: incoming 2025-2026 with M2."""
    y24, _ = ensure_year(session, "2024-2025")
    y25, _ = ensure_year(session, "2025-2026")
    north = School(name="North Elementary")
    session.add(north)
    m1 = _person(session, "M1", north, "Maria", "Lopez", mentor_trained_on=D(2020, 6, 1))
    m2 = _person(session, "M2", north, "Sam", "Okafor", mentor_trained_on=D(2021, 6, 1))
    b1 = _person(session, "B1", north, "Ana", "Silva", hire_date=D(2024, 8, 20))
    b2 = _person(session, "B2", north, "Ben", "Hart", hire_date=D(2025, 8, 20))
    i1 = _person(session, "I1", north, "Ida", "Ng", hire_date=D(2025, 8, 20), license_type="Initial")
    session.add_all([
        InductionEnrollment(educator=b1, school_year=y24, status="beginning", induction_year=1),
        InductionEnrollment(educator=b1, school_year=y25, status="beginning", induction_year=2),
        InductionEnrollment(educator=b2, school_year=y25, status="beginning", induction_year=1),
        InductionEnrollment(educator=i1, school_year=y25, status="incoming", induction_year=1),
    ])
    a0 = Assignment(mentor=m1, mentee=b1, school_year=y24, start_date=D(2024, 9, 1))
    a1 = Assignment(mentor=m1, mentee=b1, school_year=y25, start_date=D(2025, 9, 1), end_date=D(2026, 1, 31),
                    end_reason="reassigned")
    a2 = Assignment(mentor=m2, mentee=b1, school_year=y25, start_date=D(2026, 2, 1))
    a3 = Assignment(mentor=m1, mentee=b2, school_year=y25, start_date=D(2025, 9, 1))
    a4 = Assignment(mentor=m2, mentee=i1, school_year=y25, start_date=D(2025, 9, 10))
    session.add_all([a0, a1, a2, a3, a4])
    session.commit()
    return {"a0": a0.id, "a1": a1.id, "a2": a2.id, "a3": a3.id, "a4": a4.id, "b1": b1.id, "b2": b2.id, "i1": i1.id,
            "m1": m1.id, "m2": m2.id}


def _add(session, assignment_id, day, minutes, activity="meeting", **kw):
    return timelogs.add_entry(session, EntryInput(assignment_id, day, minutes, activity, **kw), today=TODAY)


def _problems(exc_info):
    return {(p.field, p.reason) for p in exc_info.value.problems}


def test_rules_date_in_assignment_not_future_minutes_range(session, pairs):
    with pytest.raises(ValidationError) as exc:
        _add(session, pairs["a1"], D(2026, 2, 3), 30)  # a1 ended January 31 (reassigned)
    assert any(f == "date" and "outside the pair's assignment (9/1/2025 to 1/31/2026)" in r for f, r in _problems(exc))
    with pytest.raises(ValidationError) as exc:
        _add(session, pairs["a2"], D(2026, 6, 16), 30)
    assert ("date", "is in the future") in _problems(exc)
    for minutes in (4, 601):
        with pytest.raises(ValidationError) as exc:
            _add(session, pairs["a2"], D(2026, 3, 2), minutes)
        assert ("minutes", "must be 5 to 600 minutes for one entry") in _problems(exc)
    for minutes in (5, 600):
        assert _add(session, pairs["a2"], D(2026, 3, 2), minutes)
    with pytest.raises(ValidationError) as exc:
        _add(session, pairs["a2"], D(2026, 3, 2), 30, activity="lunch")
    assert {f for f, _ in _problems(exc)} == {"activity"}
    # An open assignment ends with its school year.
    with pytest.raises(ValidationError):
        _add(session, pairs["a0"], D(2025, 7, 2), 30)


def test_duplicate_is_refused_unless_confirmed(session, pairs):
    first = _add(session, pairs["a3"], D(2025, 10, 6), 45, "planning")
    with pytest.raises(DuplicateEntryError) as exc:
        _add(session, pairs["a3"], D(2025, 10, 6), 45, "planning")
    assert exc.value.existing_id == first and "already has 45 minutes of planning lessons on 10/6/2025" in str(exc.value)
    # Different minutes or activity: not a duplicate.
    _add(session, pairs["a3"], D(2025, 10, 6), 30, "planning")
    _add(session, pairs["a3"], D(2025, 10, 6), 45, "goal_setting")
    second = timelogs.add_entry(session, EntryInput(pairs["a3"], D(2025, 10, 6), 45, "planning"),
                                allow_duplicate=True, today=TODAY)
    assert second != first
    # A deleted entry no longer blocks.
    timelogs.delete_entry(session, first)
    timelogs.delete_entry(session, second)
    _add(session, pairs["a3"], D(2025, 10, 6), 45, "planning")


def test_entry_records_who_and_where_and_keeps_notes_private(session, pairs):
    session.info["actor"] = "mlopez"
    entry_id = _add(session, pairs["a3"], D(2025, 10, 6), 45, "planning", topics=["classroom management", "Recess"],
                    release_time=True, notes="Worried about evaluation")
    session.commit()
    row = timelogs.list_entries(session, timelogs.EntryFilter("2025-2026"))[0]
    assert row.entered_by == "mlopez" and row.release_time and row.minutes == 45
    assert row.topics == ("Classroom management", "Recess")  # matched to the list, unknown kept as typed
    assert not hasattr(row, "notes")
    assert timelogs.entry_notes(session, entry_id) == "Worried about evaluation"
    from app.models.timelogs import TimeLog

    assert session.get(TimeLog, entry_id).computer


def test_group_session_counts_for_each_mentee(session, pairs):
    ids = timelogs.add_group_session(session, [pairs["a1"], pairs["a3"]],
                                     EntryInput(pairs["a1"], D(2025, 11, 3), 60, "meeting"), title="Peer group",
                                     today=TODAY)
    assert len(ids) == 2
    per = hours.totals_by_mentee(session, D(2025, 7, 1), D(2026, 6, 30))
    assert per[pairs["b1"]].minutes == 60 and per[pairs["b2"]].minutes == 60
    with pytest.raises(ValidationError) as exc:  # different mentors
        timelogs.add_group_session(session, [pairs["a3"], pairs["a4"]],
                                   EntryInput(pairs["a3"], D(2025, 11, 3), 60, "meeting"), today=TODAY)
    assert "same mentor" in str(exc.value)


def test_group_session_twice_is_a_duplicate_warned_then_allowed_and_skipped_on_import(session, pairs, tmp_path):
    group = EntryInput(pairs["a1"], D(2025, 11, 3), 60, "meeting")
    timelogs.add_group_session(session, [pairs["a1"], pairs["a3"]], group, today=TODAY)
    with pytest.raises(DuplicateEntryError) as exc:
        timelogs.add_group_session(session, [pairs["a1"], pairs["a3"]], group, today=TODAY)
    assert str(exc.value) == "Ana Silva, Ben Hart already have 60 minutes of meeting on 11/3/2025."
    # One mentee who already has that session (a single entry, not a group) is enough.
    _add(session, pairs["a4"], D(2025, 11, 4), 30, "planning")
    other = timelogs.add_group_session(session, [pairs["a1"], pairs["a3"]],
                                       EntryInput(pairs["a1"], D(2025, 11, 4), 30, "planning"), today=TODAY)
    with pytest.raises(DuplicateEntryError) as exc:
        _add(session, pairs["a3"], D(2025, 11, 4), 30, "planning")
    assert exc.value.existing_id in other
    from app.models.timelogs import TimeLog
    from sqlalchemy import func, select

    count = session.scalar(select(func.count()).select_from(TimeLog))
    # Confirmed (the page's second Enter): saved anyway.
    assert len(timelogs.add_group_session(session, [pairs["a1"], pairs["a3"]], group, allow_duplicate=True,
                                          today=TODAY)) == 2
    assert session.scalar(select(func.count()).select_from(TimeLog)) == count + 2
    session.commit()
    # The importer skips a row that repeats a group session's entry for that pair.
    path = _write_csv(tmp_path / "logs.csv", PUBLIC, [["M1", "B2", "2025-11-03", "60", "meeting", "", "", ""]])
    report = import_timelogs(session, path, today=TODAY)
    assert (report.new, report.skipped) == (0, 1)


def test_hours_follow_the_educator_across_years_and_mentors(session, pairs):
    # 2024-2025 (B1's induction year): 10 h, none of it toward the 50.
    for week in range(10):
        _add(session, pairs["a0"], D(2024, 10, 1) + dt.timedelta(weeks=week), 60)
    # 2025-2026: 3 h with M1 (one observation), then 2.5 h with M2 after the reassignment.
    _add(session, pairs["a1"], D(2025, 9, 15), 90, "observed_mentee")
    _add(session, pairs["a1"], D(2026, 1, 20), 90, "post_conference")
    _add(session, pairs["a2"], D(2026, 2, 10), 150, "co_teaching")
    _add(session, pairs["a3"], D(2025, 9, 20), 45, "observed_mentee")
    _add(session, pairs["a4"], D(2025, 9, 22), 30)
    session.commit()
    rows = {h.employee_id: h for h in hours.educator_hours(session, "2025-2026")}
    assert set(rows) == {"B1", "B2", "I1"}
    b1 = rows["B1"]
    assert (b1.hours, b1.observations) == (5.5, 1)
    assert b1.hours_toward_50 == 5.5 and b1.induction_year == "2024-2025"
    assert round(b1.progress_50, 3) == round(330 / 3000, 3)
    assert rows["B2"].hours == 0.8 and rows["B2"].hours_toward_50 is None  # still in the induction year
    assert rows["I1"].hours_toward_50 == 0.5  # incoming: induction done elsewhere, every hour counts
    last_year = {h.employee_id: h for h in hours.educator_hours(session, "2024-2025")}
    assert last_year["B1"].hours == 10.0 and last_year["B1"].hours_toward_50 is None
    lines = hours.record_lines(session, pairs["b1"])
    assert {(r.year, r.mentor, r.counts_toward_50) for r in lines} == {
        ("2024-2025", "Maria Lopez", False), ("2025-2026", "Maria Lopez", True), ("2025-2026", "Sam Okafor", True)}
    months = dict(hours.minutes_by_month(session, D(2025, 7, 1), D(2026, 6, 30)))
    assert months["2025-09"] == 90 + 45 + 30 and months["2026-02"] == 150 and months["2025-07"] == 0
    summaries = {s.pair.assignment_id: s for s in timelogs.pair_summaries(session, "2025-2026")}
    assert summaries[pairs["a1"]].totals.minutes == 180 and summaries[pairs["a1"]].totals.last_date == D(2026, 1, 20)


def _pdf_text(path):
    from pypdf import PdfReader

    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_record_of_hours_lines_add_up_to_its_totals(session, pairs, tmp_path):
    """Lines rounded to tenths did not add up (3 x 20 min printed 0.3 + 0.3 + 0.3, the total 1.0): each
    line now prints its exact time, the totals are sums of the printed lines with hours_of's one-decimal
    hours, the figure the page and the hours report give."""
    _add(session, pairs["a0"], D(2024, 10, 1), 25, "planning")  # the induction year: not toward 50
    for activity in ("planning", "meeting", "goal_setting"):
        _add(session, pairs["a1"], D(2025, 10, 1), 20, activity)
    _add(session, pairs["a2"], D(2026, 2, 10), 50, "co_teaching")
    session.commit()
    out = hours.write_hours_record(session, pairs["b1"], tmp_path / "record.pdf", as_of=D(2026, 6, 30))
    text = _pdf_text(out)
    lines = hours.record_lines(session, pairs["b1"], D(2026, 6, 30))
    assert [(r.year, r.activity, r.minutes) for r in lines if r.counts_toward_50] == [
        ("2025-2026", "goal_setting", 20), ("2025-2026", "meeting", 20), ("2025-2026", "planning", 20),
        ("2025-2026", "co_teaching", 50)]
    assert "0.3" not in text and text.count("20 min") == 3 and "50 min" in text and "25 min" in text
    beyond = sum(r.minutes for r in lines if r.counts_toward_50)
    assert beyond == 110 and "Beyond the induction year 1 h 50 min (1.8 hours)" in text
    assert "Total time logged 2 h 15 min (" + f"{hours.hours_of(135):.1f} hours)" in text
    # The same figure as the page and the hours report for that year.
    b1 = next(h for h in hours.educator_hours(session, "2025-2026") if h.employee_id == "B1")
    assert b1.hours_toward_50 == hours.hours_of(beyond) == 1.8
    # As of December 31: the lines stop there too, so the February session is in neither lines nor totals.
    text = _pdf_text(hours.write_hours_record(session, pairs["b1"], tmp_path / "dec.pdf", as_of=D(2025, 12, 31)))
    assert "co teaching" not in text and "Beyond the induction year 1 h (1.0 hours)" in text
    assert "Time logged up to 12/31/2025" in text
    # Still in the induction year: no figure beyond it.
    text = _pdf_text(hours.write_hours_record(session, pairs["b1"], tmp_path / "y1.pdf", as_of=D(2025, 3, 1)))
    assert "none yet (in the induction year)" in text and "25 min" in text


def _write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


PUBLIC = ["mentor_employee_id", "mentee_employee_id", "date", "minutes", "activity", "topics", "release_time", "notes"]


def test_import_public_format_rejections_and_reimport(session, pairs, tmp_path):
    path = _write_csv(tmp_path / "logs.csv", PUBLIC, [
        ["M1", "B2", "2025-09-15", "45", "planning", "Classroom management;Technology", "yes", "secret one"],
        ["M1", "B2", "9/22/2025", "1:30", "observed_mentee", "", "no", ""],
        ["M2", "B1", "2026-02-10", "1.5 hours", "co_teaching", "", "", ""],
        ["M9", "B2", "2025-09-15", "45", "planning", "", "", ""],  # unknown mentor
        ["M1", "B1", "2026-03-01", "45", "planning", "", "", ""],  # M1 no longer covers B1 in March
        ["M2", "B2", "2025-09-15", "45", "planning", "", "", ""],  # never paired
        ["M1", "B2", "2025-09-16", "forever", "planning", "", "", ""],
        ["M1", "B2", "2025-09-16", "45", "lunch duty", "", "", ""],
        ["M1", "B2", "2025-09-16", "700", "planning", "", "", ""],
        ["M1", "B2", "2025-09-15", "45", "planning", "", "", ""],  # repeats line 2: skipped
    ])
    report = import_timelogs(session, path, today=TODAY)
    session.commit()
    assert (report.new, report.skipped, len(report.rejected)) == (3, 1, 6)
    reasons = {r.line: r.reason for r in report.rejected}
    assert "no educator with this employee id, email or name" in reasons[5]
    assert "no assignment of this mentor to this mentee covers the date" in reasons[6]
    assert "this mentor is not assigned to this mentee" in reasons[7]
    assert "not a duration" in reasons[8]
    assert reasons[9].startswith("activity: must be one of")
    assert "5 to 600 minutes" in reasons[10]
    per = hours.totals_by_mentee(session, D(2025, 7, 1), D(2026, 6, 30))
    assert per[pairs["b2"]].minutes == 135 and per[pairs["b2"]].observations == 1 and per[pairs["b1"]].minutes == 90
    again = import_timelogs(session, path, today=TODAY)
    session.commit()
    assert again.new == 0 and again.skipped == 4
    assert hours.totals_by_mentee(session, D(2025, 7, 1), D(2026, 6, 30))[pairs["b2"]].minutes == 135


def test_strict_and_dry_run_write_nothing(session, pairs, tmp_path):
    path = _write_csv(tmp_path / "logs.csv", PUBLIC, [
        ["M1", "B2", "2025-09-15", "45", "planning", "", "", ""],
        ["M9", "B2", "2025-09-15", "45", "planning", "", "", ""],
    ])
    assert import_timelogs(session, path, strict=True, today=TODAY).written is False
    session.commit()
    dry = import_timelogs(session, path, dry_run=True, today=TODAY)
    session.commit()
    assert dry.new == 1 and dry.summary().startswith("Dry run")
    assert hours.totals_by_mentee(session, D(2025, 7, 1), D(2026, 6, 30)) == {}


FORMS_HEADER = ["Timestamp", "Email Address", "Your employee ID", "Who did you meet with?", "Date of the session",
                "How long was the session?", "What did you do?", "Topics discussed", "Did you use release time?",
                "Anything else? (private)"]


def test_forms_import_with_a_remembered_mapping(session, pairs, tmp_path):
    rows = [
        ["2025/09/20 4:05:11 PM EST", "m1@district.org", "M1", "Ben Hart", "9/15/2025", "45 min", "Planning lessons",
         "Classroom management, Technology", "Yes", "private words"],
        ["2025/09/29 3:00:00 PM EST", "m1@district.org", "M1", "b2@district.org", "9/26/2025", "1:30",
         "Observed the mentee teach", "", "No", ""],
        ["2026/02/12 3:00:00 PM EST", "m2@district.org", "M2", "Ana Silva", "2/11/2026", "1.5 hours", "Co-teaching",
         "", "No", ""],
    ]
    path = _write_csv(tmp_path / "form.csv", FORMS_HEADER, rows)
    with pytest.raises(FileFormatError) as exc:
        import_timelogs(session, path, today=TODAY)
    assert "--map" in str(exc.value) and "mentor_employee_id" in str(exc.value)
    mapping = {"mentor_employee_id": "Your employee ID", "mentee_employee_id": "Who did you meet with?",
               "date": "Date of the session", "minutes": "How long was the session?", "activity": "What did you do?",
               "notes": "Anything else? (private)"}
    report = import_timelogs(session, path, mapping=mapping, today=TODAY)
    session.commit()
    assert (report.new, len(report.rejected)) == (3, 0), report.rejected
    entries = timelogs.list_entries(session, timelogs.EntryFilter("2025-2026"), sort="date", descending=False)
    assert [(e.date, e.minutes, e.activity) for e in entries] == [
        (D(2025, 9, 15), 45, "planning"), (D(2025, 9, 26), 90, "observed_mentee"), (D(2026, 2, 11), 90, "co_teaching")]
    assert entries[0].topics == ("Classroom management", "Technology") and entries[0].release_time
    # Next month's export from the same form: no mapping given, the remembered one is used.
    later = _write_csv(tmp_path / "form-october.csv", FORMS_HEADER, [
        ["2025/10/20 4:05:11 PM EST", "m1@district.org", "M1", "Ben Hart", "10/14/2025", "30", "Goal setting", "",
         "No", ""]])
    report = import_timelogs(session, later, today=TODAY)
    assert report.new == 1 and "used the column mapping remembered for these headers" in report.notes


def test_a_dry_run_with_a_mapping_remembers_nothing_and_says_so(run_cli, database, pairs, tmp_path):
    from app.services.timelogs.imports import remembered_mapping

    path = _write_csv(tmp_path / "form.csv", FORMS_HEADER, [
        ["2025/09/20 4:05:11 PM EST", "m1@district.org", "M1", "Ben Hart", "9/15/2025", "45 min", "Planning lessons",
         "", "Yes", ""]])
    maps = ["--map", "mentor_employee_id=Your employee ID", "--map", "mentee_employee_id=Who did you meet with?",
            "--map", "activity=What did you do?"]
    code, out, _ = run_cli("import", "timelogs", path, "--dry-run", *maps)
    assert code == 0 and "Dry run" in out
    assert "the column mapping will be remembered for files with these headers when you import" in out
    assert "column mapping remembered" not in out
    with database.read() as s:
        assert remembered_mapping(s, FORMS_HEADER) == {}
    code, _out, err = run_cli("import", "timelogs", path)  # nothing was remembered: still asks for --map
    assert code == 1 and "--map" in err
    code, out, _ = run_cli("import", "timelogs", path, *maps)
    assert code == 0 and "1 new" in out and "column mapping remembered for files with these headers" in out
    with database.read() as s:
        assert remembered_mapping(s, FORMS_HEADER)["mentor_employee_id"] == "Your employee ID"


def test_strict_keeps_the_mapping_it_was_given(session, pairs, tmp_path):
    from app.services.timelogs.imports import remembered_mapping

    path = _write_csv(tmp_path / "form.csv", FORMS_HEADER, [
        ["2025/09/20 4:05:11 PM EST", "m1@district.org", "M9", "Ben Hart", "9/15/2025", "45 min", "Planning lessons",
         "", "Yes", ""]])
    mapping = {"mentor_employee_id": "Your employee ID", "mentee_employee_id": "Who did you meet with?",
               "activity": "What did you do?"}
    report = import_timelogs(session, path, mapping=mapping, strict=True, today=TODAY)
    session.commit()
    assert report.written is False and len(report.rejected) == 1
    assert remembered_mapping(session, FORMS_HEADER)["activity"] == "What did you do?"


def test_cli_import_and_hours_report(run_cli, database, pairs, tmp_path):
    path = _write_csv(tmp_path / "logs.csv", PUBLIC, [
        ["M1", "B2", "2025-09-15", "45", "observed_mentee", "", "", ""],
        ["M2", "B1", "2026-02-10", "2:00", "co_teaching", "", "", ""],
        ["M9", "B2", "2025-09-15", "45", "planning", "", "", ""],
    ])
    errors = tmp_path / "errors.csv"
    code, out, _ = run_cli("import", "timelogs", path, "--errors", errors)
    assert code == 1 and "2 new" in out and "1 rejected" in out
    with errors.open(newline="", encoding="utf-8-sig") as handle:  # the errors file carries the BOM Excel needs
        bad = list(csv.DictReader(handle))
    assert bad[0]["line"] == "4" and bad[0]["mentor_employee_id"] == "M9"
    code, out, _ = run_cli("import", "timelogs", path)
    assert "0 new" in out and "2 skipped as duplicates" in out
    code, out, _ = run_cli("report", "hours", "--year", "2025-2026", "--out", tmp_path / "hours.json")
    assert code == 0
    data = json.loads((tmp_path / "hours.json").read_text())
    assert data == {"schema": "mentordesk.hours/1", "school_year": "2025-2026", "educators": [
        {"employee_id": "B2", "name": "Ben Hart", "school": "North Elementary", "hours": 0.8, "observations": 1,
         "hours_toward_50": None, "release_hours": 0.0},
        {"employee_id": "B1", "name": "Ana Silva", "school": "North Elementary", "hours": 2.0, "observations": 0,
         "hours_toward_50": 2.0, "release_hours": 0.0},
    ], "mentors": [m for m in data["mentors"]]}
    assert {m["employee_id"]: m["release_hours"] for m in data["mentors"]} == {"M1": 0.0, "M2": 0.0}
    code, _out, _ = run_cli("report", "hours", "--year", "2025-2026", "--out", tmp_path / "hours.csv")
    assert code == 0 and "B1,Ana Silva,North Elementary,2.0,0,2.0" in (tmp_path / "hours.csv").read_text()
    code, _out, _ = run_cli("report", "hours", "--year", "2025-2026", "--educator", "B1", "--out", tmp_path / "b1.pdf")
    from pypdf import PdfReader

    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "b1.pdf").pages)
    assert code == 0 and "Record of mentoring hours" in text and "Sam Okafor" in text and "Page 1 of" in text
    code, _out, err = run_cli("report", "hours", "--year", "2025-2026", "--out", tmp_path / "hours.docx")
    assert code == 2 and ".json, .csv or .pdf" in err


def test_stale_pairs_card(session, pairs):
    _add(session, pairs["a3"], D(2026, 6, 1), 30)
    _add(session, pairs["a4"], D(2026, 5, 1), 30)
    stale = timelogs.stale_pairs(session, "2025-2026", today=TODAY, weeks=3)
    by_mentee = {p.mentee: when for p, when in stale}
    assert by_mentee == {"Ida Ng": D(2026, 5, 1), "Ana Silva": None}  # a1 ended; a3 logged two weeks ago


def test_stale_card_counts_the_pairs_active_today_and_says_week_or_weeks(session, pairs):
    from app.services import settings

    _add(session, pairs["a3"], D(2026, 6, 1), 30)
    _add(session, pairs["a4"], D(2026, 5, 1), 30)
    # The year has four assignments; a1 ended in January: three pairs are active on June 15.
    card = timelogs.attention_card(session, "2025-2026", today=TODAY)
    assert card.summary == "2 of 3 active pairs have no time logged in 3 weeks"
    assert card.title == "Pairs with no time logged in 3 weeks" and len(card.items) == 2
    settings.set_value(session, "stale_pair_weeks", 1)
    card = timelogs.attention_card(session, "2025-2026", today=TODAY)
    assert card.summary == "3 of 3 active pairs have no time logged in 1 week"
    assert card.title == "Pairs with no time logged in 1 week"
    _add(session, pairs["a2"], D(2026, 6, 12), 30)
    _add(session, pairs["a3"], D(2026, 6, 12), 30)
    _add(session, pairs["a4"], D(2026, 6, 12), 30)
    card = timelogs.attention_card(session, "2025-2026", today=TODAY)
    assert card.summary == "Every active pair has logged time in the last week" and not card.items
    # A day when no pair is active (after the year): no card, rather than "0 of 4".
    assert timelogs.attention_card(session, "2025-2026", today=D(2026, 7, 15)) is None


def test_state_report_takes_hours_and_observations_from_the_logs(session, pairs):
    from app.services.reports import state_report

    _add(session, pairs["a1"], D(2025, 9, 15), 90, "observed_mentee")
    _add(session, pairs["a3"], D(2025, 9, 20), 45, "observed_mentee")
    _add(session, pairs["a4"], D(2025, 9, 22), 30, "observed_mentee")  # incoming: not a beginning teacher served
    _add(session, pairs["a0"], D(2025, 6, 2), 60, "observed_mentee")  # before the window
    session.commit()
    report = state_report.compute(session, "2025-2026")
    teachers = report.to_json()["teachers"]
    assert teachers["classroom_observations"] == 2
    assert teachers["mentoring_hours"] == round(135 / 60, 1)
    months = dict(report.profile["hours_by_month"])
    assert months["Sep 2025"] == round(135 / 60, 1)
    assert report.to_json()["administrators"]["site_visits"] == 0


def test_demo_logs_time_for_the_matched_pairs_within_the_rules(session):
    from sqlalchemy import select

    from app.models.timelogs import TimeLog
    from app.services.demo.district import build_demo

    message = build_demo(session, size="small", seed=3, year_label="2025-2026")
    session.commit()
    logs = list(session.scalars(select(TimeLog)))
    assert logs and f"{len(logs)} time_logs" in message
    today = dt.date.today()
    for log in logs:
        a = log.assignment
        assert a.start_date <= log.date <= (a.end_date or D(2026, 6, 30)) and log.date <= today
        assert 5 <= log.minutes <= 600 and (log.mentor_id, log.mentee_id) == (a.mentor_id, a.mentee_id)
    rows = hours.educator_hours(session, "2025-2026")
    assert len(rows) == len({log.mentee_id for log in logs}) and all(r.hours > 0 for r in rows)
    assert any(log.group_id for log in logs)  # seed 3 has a mentor with two mentees: a peer group


@pytest.mark.parametrize("sort,descending", [("date", True), ("minutes", False), ("activity", True)])
def test_paging_by_key_gives_the_whole_list_once(session, pairs, sort, descending):
    for i in range(13):
        _add(session, pairs["a3"], D(2025, 10, 1) + dt.timedelta(days=i % 4), 30 + (i % 3) * 15,
             ("planning", "meeting", "goal_setting")[i % 3] if i < 12 else "other")
    flt = timelogs.EntryFilter("2025-2026")
    everything = timelogs.list_entries(session, flt, sort=sort, descending=descending)
    pages, last = [], None
    while True:
        page = timelogs.list_entries(session, flt, sort=sort, descending=descending, after=last, limit=5)
        if not page:
            break
        pages += page
        last = page[-1]
    assert [r.id for r in pages] == [r.id for r in everything] and len(pages) == 13 == timelogs.count_entries(session, flt)


def test_microsoft_forms_xlsx_with_date_cells_and_the_respondent_as_mentor(session, pairs, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", "Mentee", "Session date",
                  "Length of the session", "Activity", "Topics"])
    sheet.append([1, dt.datetime(2025, 10, 2, 15, 1), dt.datetime(2025, 10, 2, 15, 4), "m1@district.org",
                  "Maria Lopez", "B2", dt.datetime(2025, 10, 1), "1 hour 15 minutes", "Planning", "Technology"])
    sheet.append([2, dt.datetime(2025, 10, 9, 15, 1), dt.datetime(2025, 10, 9, 15, 4), "m1@district.org",
                  "Maria Lopez", "Ben Hart", dt.datetime(2025, 10, 8), "45", "Classroom observation", ""])
    path = tmp_path / "ms-forms.xlsx"
    book.save(path)
    report = import_timelogs(session, path, mapping={"mentor_employee_id": "Email", "minutes": "Length of the session"},
                             today=TODAY)
    assert (report.new, len(report.rejected)) == (2, 0), report.rejected
    rows = timelogs.list_entries(session, timelogs.EntryFilter("2025-2026"), descending=False)
    assert [(r.date, r.minutes, r.activity, r.mentor) for r in rows] == [
        (D(2025, 10, 1), 75, "planning", "Maria Lopez"), (D(2025, 10, 8), 45, "observed_mentee", "Maria Lopez")]


def test_program_profile_facts_from_the_logs(session, pairs):
    from app.services.reports.program_profile import load_profile

    for week in range(8):
        _add(session, pairs["a3"], D(2025, 9, 8) + dt.timedelta(weeks=week), 30, "planning",
             topics=["Classroom management"] + (["Technology"] if week % 2 else []))
    session.commit()
    facts = load_profile(session, "2025-2026").from_data
    assert "sessions a month" in facts["meeting_frequency"]
    assert facts["topics"] == ("From the time logs, the topics most often logged: Classroom management (8 entries), "
                               "Technology (4 entries).")


def test_the_sample_files_import_cleanly(run_cli, database):
    """resources/samples: roster, then assignments, then time logs in both shapes (the public format and a
    Google Forms export with its mapping given once, then remembered)."""
    from app.paths import resources_dir

    samples = resources_dir() / "samples"
    assert run_cli("import", "roster", samples / "roster-sample.csv", "--year", "2026-2027")[0] == 0
    assert run_cli("import", "assignments", samples / "assignments-sample.csv")[0] == 0
    code, out, _ = run_cli("import", "timelogs", samples / "timelogs-sample.csv")
    assert code == 0 and "5 new" in out
    forms = samples / "timelogs-google-forms-sample.csv"
    code, _out, err = run_cli("import", "timelogs", forms)
    assert code == 1 and "--map" in err
    code, out, _ = run_cli("import", "timelogs", forms, "--map", "mentor_employee_id=Your employee ID",
                           "--map", "mentee_employee_id=Who did you meet with?", "--map", "activity=What did you do?")
    assert code == 0 and "3 new" in out and "remembered" in out
    code, out, _ = run_cli("import", "timelogs", forms)
    assert code == 0 and "0 new" in out and "3 skipped as duplicates" in out
    with database.read() as s:
        rows = {h.employee_id: h for h in hours.educator_hours(s, "2026-2027")}
    assert rows["10871"].hours == round((45 + 30 + 75 + 20 + 90 + 45 + 60 + 30) / 60, 1)
    assert rows["10871"].observations == 2


def test_principal_roster_shows_hours_and_flags_a_quiet_pair(session, database):
    """"today" pinned (it used to be the real date, and the quiet pair was checked only when the pair had
    started 3 weeks before: nothing was asserted in a school year's first three weeks). The stale rule
    (setting stale_pair_weeks, 3): a pair started on or before today minus 3 weeks with nothing logged
    since is flagged; one started a day later is not yet."""
    from app.services.reports.principal_roster import roster_lines

    label = "2025-2026"
    today = D(2025, 11, 3)
    year, _ = ensure_year(session, label)
    school = School(name="Lincoln Elementary")
    m = _person(session, "PM", school, "Pat", "Mentor")
    starts = {"PB": today - dt.timedelta(weeks=8), "PQ": today - dt.timedelta(weeks=3),
              "PN": today - dt.timedelta(weeks=3) + dt.timedelta(days=1)}
    pairs_ = {}
    for code, name in (("PB", "Busy"), ("PQ", "Quiet"), ("PN", "New")):
        e = _person(session, code, school, name[0] + "ea", name)
        session.add(InductionEnrollment(educator=e, school_year=year, status="beginning"))
        a = Assignment(mentor=m, mentee=e, school_year=year, start_date=starts[code])
        session.add(a)
        pairs_[code] = a
    session.flush()
    timelogs.add_entry(session, EntryInput(pairs_["PB"].id, today, 90, "planning"), today=today)
    session.commit()
    lines = {line.employee_id: line for line in roster_lines(session, label, today=today)["Lincoln Elementary"]}
    assert lines["PB"].hours == 1.5 and not any("no time logged" in f for f in lines["PB"].flags)
    assert lines["PQ"].hours == 0.0 and "no time logged in 3 weeks" in lines["PQ"].flags
    assert lines["PN"].hours == 0.0 and not any("no time logged" in f for f in lines["PN"].flags)
    # The day after, the busy pair's entry is still within 3 weeks; the new pair is now due.
    later = {line.employee_id: line for line in roster_lines(session, label, today=today + dt.timedelta(days=1))[
        "Lincoln Elementary"]}
    assert not any("no time logged" in f for f in later["PB"].flags)
    assert "no time logged in 3 weeks" in later["PN"].flags


def test_the_mapping_step_starts_from_the_remembered_mapping_or_the_names(session, pairs, tmp_path):
    """What the import's mapping step shows (issue 24): the file's columns and a starting mapping, found by the
    headers' names until a mapping was remembered for these headers; a remembered mapping naming a column the
    file no longer has is not used."""
    from app.services.timelogs.imports import mapping_for, preview_columns, remember_mapping

    path = _write_csv(tmp_path / "form.csv", FORMS_HEADER, [
        ["2025/10/20 4:05:11 PM EST", "m1@district.org", "M1", "Ben Hart", "10/14/2025", "30", "Goal setting", "",
         "No", ""]])
    by_name = {"date": "Date of the session", "topics": "Topics discussed", "release_time": "Did you use release time?",
               "minutes": "How long was the session?", "notes": "Anything else? (private)"}
    assert preview_columns(path) == (FORMS_HEADER, by_name)
    assert mapping_for(session, path) == (FORMS_HEADER, by_name, False)
    given = {"mentor_employee_id": "Your employee ID", "mentee_employee_id": "Who did you meet with?",
             "date": "Date of the session", "minutes": "How long was the session?", "activity": "What did you do?",
             "notes": "Topics discussed"}  # the notes taken from the topics column, on purpose
    report = import_timelogs(session, path, mapping=given, today=TODAY)
    session.commit()
    assert report.new == 1
    # The remembered mapping wins; of the names' guesses only those on columns it leaves free are added.
    assert mapping_for(session, path) == (FORMS_HEADER, {**given, "release_time": "Did you use release time?"}, True)
    remember_mapping(session, FORMS_HEADER, {**given, "activity": "What kind of session?"})
    assert mapping_for(session, path) == (FORMS_HEADER, by_name, False)


def test_editing_the_topics_list(session):
    """The topics list (Time Logs page, "Edit topics"): blanks and repeats differing only in case dropped, spaces
    tidied, each name cut at 80 characters; an empty list is refused."""
    long = "x" * 85
    assert timelogs.set_topics(session, ["  Classroom   management ", "classroom management", "", "Recess", long,
                                         7]) == ["Classroom management", "Recess", "x" * 80, "7"]
    assert timelogs.topics(session) == ["Classroom management", "Recess", "x" * 80, "7"]
    with pytest.raises(ValidationError) as exc:
        timelogs.set_topics(session, ["  ", ""])
    assert _problems(exc) == {("topics", "keep at least one topic")}
    assert timelogs.topics(session) == ["Classroom management", "Recess", "x" * 80, "7"]


def _checked(session, assignment_id, day, minutes=30, activity="meeting", **kw):
    entry = EntryInput(assignment_id, day, minutes, activity, **kw)
    return [(p.field, p.value, p.reason) for p in timelogs.check_entry(session, entry, today=TODAY)]


def test_entry_rules_at_their_edges_every_problem_listed(session, pairs):
    """check_entry (the Time Logs form and every import row): the assignment's first and last day, today and
    tomorrow, 5 and 600 minutes, 20,000 characters of notes; each problem with its field, value and reason."""
    import uuid

    outside = "is outside the pair's assignment (9/1/2025 to 1/31/2026)"
    assert _checked(session, pairs["a1"], D(2025, 8, 31)) == [("date", "2025-08-31", outside)]
    assert _checked(session, pairs["a1"], D(2025, 9, 1)) == []
    assert _checked(session, pairs["a1"], D(2026, 1, 31)) == []
    assert _checked(session, pairs["a1"], D(2026, 2, 1)) == [("date", "2026-02-01", outside)]
    # An open assignment runs to June 30; today is June 15.
    assert _checked(session, pairs["a2"], TODAY) == []
    assert _checked(session, pairs["a2"], D(2026, 6, 16)) == [("date", "2026-06-16", "is in the future")]
    assert _checked(session, pairs["a0"], D(2025, 6, 30)) == []
    assert _checked(session, pairs["a0"], D(2025, 7, 1)) == [
        ("date", "2025-07-01", "is outside the pair's assignment (9/1/2024 to 6/30/2025)")]
    for minutes in (5, 600):
        assert _checked(session, pairs["a3"], D(2025, 10, 1), minutes) == []
    for minutes in (4, 601, "30"):
        assert _checked(session, pairs["a3"], D(2025, 10, 1), minutes) == [
            ("minutes", str(minutes), "must be 5 to 600 minutes for one entry")]
    assert _checked(session, pairs["a3"], D(2025, 10, 1), notes="n" * 20000) == []
    assert _checked(session, pairs["a3"], D(2025, 10, 1), notes="n" * 20001) == [
        ("notes", "", "is longer than 20,000 characters")]
    from app.models.vocab import ACTIVITY_CODES

    assert _checked(session, pairs["a3"], D(2026, 6, 20), 601, "lunch", notes="n" * 20001) == [
        ("activity", "lunch", f"must be one of {', '.join(ACTIVITY_CODES)}"),
        ("minutes", "601", "must be 5 to 600 minutes for one entry"),
        ("date", "2026-06-20", "is in the future"),
        ("notes", "", "is longer than 20,000 characters")]
    nobody = uuid.uuid4()
    assert _checked(session, nobody, D(2025, 10, 1)) == [("pair", str(nobody), "no such mentor-mentee assignment")]


def test_pairs_listed_for_the_quick_entry_and_their_totals(session, pairs):
    """The quick entry's pairs: by mentee name, then by start; each with its school and its last day (an open
    assignment's is June 30); the list's per-pair totals, zero for a pair with nothing logged."""
    _add(session, pairs["a3"], D(2025, 10, 1), 45, "observed_mentee")
    _add(session, pairs["a3"], D(2025, 10, 8), 30)
    session.commit()
    options = timelogs.pair_options(session, "2025-2026")
    assert [(o.label, o.mentor_employee_id, o.mentee_employee_id, o.school, o.start, o.end) for o in options] == [
        ("Ana Silva \u2190 Maria Lopez (North Elementary)", "M1", "B1", "North Elementary", D(2025, 9, 1),
         D(2026, 1, 31)),
        ("Ana Silva \u2190 Sam Okafor (North Elementary)", "M2", "B1", "North Elementary", D(2026, 2, 1),
         D(2026, 6, 30)),
        ("Ben Hart \u2190 Maria Lopez (North Elementary)", "M1", "B2", "North Elementary", D(2025, 9, 1),
         D(2026, 6, 30)),
        ("Ida Ng \u2190 Sam Okafor (North Elementary)", "M2", "I1", "North Elementary", D(2025, 9, 10),
         D(2026, 6, 30)),
    ]
    assert [(o.assignment_id, o.mentor_id, o.mentee_id) for o in options] == [
        (pairs["a1"], pairs["m1"], pairs["b1"]), (pairs["a2"], pairs["m2"], pairs["b1"]),
        (pairs["a3"], pairs["m1"], pairs["b2"]), (pairs["a4"], pairs["m2"], pairs["i1"])]
    summaries = timelogs.pair_summaries(session, "2025-2026")
    assert [(s.pair.assignment_id, s.totals) for s in summaries] == [
        (pairs["a1"], hours.PairTotals(pairs["a1"], 0, 0, 0, None)),
        (pairs["a2"], hours.PairTotals(pairs["a2"], 0, 0, 0, None)),
        (pairs["a3"], hours.PairTotals(pairs["a3"], 75, 1, 2, D(2025, 10, 8))),
        (pairs["a4"], hours.PairTotals(pairs["a4"], 0, 0, 0, None))]


def test_the_list_and_its_export_with_every_filter(session, pairs, tmp_path):
    """The Time Logs list filtered by pair, mentor, mentee, activity, school, dates and a name, and the export of
    a filter read back whole (the public format, no notes)."""
    _add(session, pairs["a1"], D(2025, 9, 1), 30, "planning", topics=["Recess"], release_time="mentor",
         notes="private")
    _add(session, pairs["a3"], D(2025, 9, 1), 45, "observed_mentee")
    _add(session, pairs["a4"], D(2025, 12, 1), 60, "meeting", release_time=True)
    _add(session, pairs["a2"], D(2026, 6, 15), 20, "planning", topics=["Technology", "Recess"])
    gone = _add(session, pairs["a2"], D(2026, 3, 2), 25)
    timelogs.delete_entry(session, gone)
    session.commit()

    def listed(**kw):
        flt = timelogs.EntryFilter("2025-2026", **kw)
        rows = timelogs.list_entries(session, flt)
        assert timelogs.count_entries(session, flt) == len(rows)
        return [(r.date, r.mentee, r.minutes) for r in rows]

    everything = [(D(2026, 6, 15), "Ana Silva", 20), (D(2025, 12, 1), "Ida Ng", 60),
                  (D(2025, 9, 1), "Ben Hart", 45), (D(2025, 9, 1), "Ana Silva", 30)]
    assert sorted(listed()) == sorted(everything)
    assert listed(mentor_id=pairs["m2"]) == [everything[0], everything[1]]
    assert sorted(listed(mentee_id=pairs["b1"])) == sorted([everything[0], everything[3]])
    assert listed(assignment_id=pairs["a3"]) == [everything[2]]
    assert sorted(listed(activity="planning")) == sorted([everything[0], everything[3]])
    assert len(listed(school="north elementary")) == 4 and listed(school="South High") == []
    assert listed(date_from=D(2025, 9, 2), date_to=D(2026, 6, 14)) == [everything[1]]
    assert sorted(listed(date_from=D(2025, 9, 1), date_to=D(2025, 12, 1))) == sorted(everything[1:])
    assert listed(text="okafor") == [everything[0], everything[1]]
    assert listed(text="  ") == listed()
    rows = timelogs.list_entries(session, timelogs.EntryFilter("2025-2026", mentee_id=pairs["b1"]), sort="minutes",
                                 descending=False)
    assert [(r.minutes, r.mentor, r.school, r.activity, r.topics, r.release_time, r.release_for, r.group)
            for r in rows] == [(20, "Sam Okafor", "North Elementary", "planning", ("Technology", "Recess"), False,
                                None, False),
                               (30, "Maria Lopez", "North Elementary", "planning", ("Recess",), True, "mentor", False)]
    out = timelogs.export_entries(session, timelogs.EntryFilter("2025-2026", date_to=D(2025, 12, 1)),
                                  tmp_path / "logs.csv")
    with out.open(newline="", encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle)) == [
            ["mentor_employee_id", "mentee_employee_id", "date", "minutes", "activity", "topics", "release_time"],
            ["M1", "B1", "2025-09-01", "30", "planning", "Recess", "mentor"],
            ["M1", "B2", "2025-09-01", "45", "observed_mentee", "", "no"],
            ["M2", "I1", "2025-12-01", "60", "meeting", "", "both"]]
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


NOT_A_DURATION = "not a duration (use 45, 45 min, 1.5 hours or 1:30)"


@pytest.mark.parametrize("value, minutes", [
    (45, 45), ("45", 45), ("  20  ", 20), (7.6, 8), ("45 min", 45), ("45 Minutes", 45), ("45m", 45),
    ("1.5 hours", 90), ("1,5 h", 90), (".5 hours", 30), ("2 hrs.", 120), ("1:30", 90), ("1:30:00", 90),
    ("0:05", 5), ("12:00", 720), ("1 hour 30 minutes", 90), ("1h30", 90), ("1 hour 30", 90),
    ("1 hr and 15 mins", 75), (dt.timedelta(minutes=50, seconds=40), 51), (dt.time(1, 15), 75),
])
def test_durations_a_form_may_give(value, minutes):
    """The time-log import's durations (imports.parse_duration): what people type in a Forms answer."""
    from app.services.timelogs.imports import parse_duration

    assert parse_duration(value) == minutes


def test_durations_in_an_hours_column_and_refused_ones():
    from app.services.timelogs.imports import format_duration, parse_duration

    assert [parse_duration(v, unit="hours") for v in ("1.5", "2", ".25", "1:30", "30 min")] == [90, 120, 15, 90, 30]
    for value in ("", "  ", None):
        with pytest.raises(ValueError, match="^is blank$"):
            parse_duration(value)
    for value in ("abc", "1 h 2 h", "30 45", "1:60", "45 minutes please", "h", "1 hour 30 minutes 10", "min 45",
                  "1.5.2", "90 min 0"):
        with pytest.raises(ValueError) as exc:
            parse_duration(value)
        assert str(exc.value) == NOT_A_DURATION, value
    assert [format_duration(m) for m in (5, 59, 60, 90, 600)] == ["5 min", "59 min", "1 h", "1 h 30 min", "10 h"]


def test_an_import_with_every_kind_of_row_pinned_whole(session, pairs, tmp_path):
    """One public-format file with a row for each rule of the time-log import (module docstring of
    services/timelogs/imports.py): each rejected row with its line, field, value and reason, and without its
    notes; duplicates skipped (in the file and already saved); what was saved, entry by entry."""
    from sqlalchemy import select

    from app.models.timelogs import TimeLog

    _person(session, "M5", session.get(Educator, pairs["m1"]).school, "Maria", "Lopez")  # a namesake of M1
    _add(session, pairs["a4"], D(2025, 10, 1), 40, "planning")  # already saved
    session.commit()
    rows = [
        ["M1", "B2", "2025-09-15", "45", "planning", "Classroom management;Recess", "yes", "secret one"],  # 2: new
        ["M1", "B2", "2025-09-15", "45", "planning", "", "", ""],  # 3: the same entry again: skipped
        ["M9", "B2", "2025-09-16", "30", "planning", "", "", "secret two"],  # 4
        ["M1", "", "2025-09-16", "30", "planning", "", "", ""],  # 5
        ["M1", "B2", "", "30", "planning", "", "", ""],  # 6
        ["M1", "B2", "2025-09-16", "abc", "planning", "", "", ""],  # 7
        ["M1", "B2", "2025-09-16", "601", "planning", "", "", ""],  # 8
        ["M1", "B2", "2025-09-16", "4", "planning", "", "", ""],  # 9
        ["M1", "B2", "2025-09-16", "30", "", "", "", ""],  # 10
        ["M1", "B2", "2025-09-16", "30", "planning", "", "sometimes", ""],  # 11
        ["M1", "B1", "2026-02-01", "30", "planning", "", "", ""],  # 12: M1's time with B1 ended January 31
        ["M2", "B2", "2025-09-16", "30", "planning", "", "", ""],  # 13: never paired
        ["M1", "B2", "2026-06-16", "30", "planning", "", "", ""],  # 14: tomorrow
        ["M1", "B2", "2025-08-31", "30", "planning", "", "", ""],  # 15: the day before the assignment
        ["Maria Lopez", "B2", "2025-09-17", "30", "planning", "", "", ""],  # 16: two people of that name
        ["M1", "B1", "2026-01-31", "5", "Observed the mentee teach", "", "mentor", ""],  # 17: last day, 5 minutes
        ["M1", "B2", "2025-09-01", "600", "observation", "Technology, Recess", "both", ""],  # 18: first day
        ["m1@district.org", "Ben Hart", "2025-09-16", "1:30", "planning", "", "no", ""],  # 19: email and name
        ["M2", "I1", "2025-10-01", "40", "planning", "", "", ""],  # 20: saved before: skipped
        ["Okafor, Sam", "Ida Ng", "2026-06-15", "10", "meeting", "", "mentee", "secret three"],  # 21: today
    ]
    calls = []
    report = import_timelogs(session, _write_csv(tmp_path / "logs.csv", PUBLIC, rows), today=TODAY,
                             progress=lambda done, total, text: calls.append((done, total, text)))
    session.commit()
    assert (report.new, report.skipped, report.written) == (5, 2, True)
    not_covered = "no assignment of this mentor to this mentee covers the date"
    assert [(r.line, [(p.field, p.value, p.reason) for p in r.problems]) for r in report.rejected] == [
        (4, [("mentor_employee_id", "M9", "no educator with this employee id, email or name")]),
        (5, [("mentee_employee_id", "", "is blank")]),
        (6, [("date", "", "is blank")]),
        (7, [("minutes", "abc", NOT_A_DURATION)]),
        (8, [("minutes", "601", "must be 5 to 600 minutes for one entry")]),
        (9, [("minutes", "4", "must be 5 to 600 minutes for one entry")]),
        (10, [("activity", "", "is blank")]),
        (11, [("release_time", "sometimes", "must be yes, no, mentor, mentee or both")]),
        (12, [("date", "2026-02-01", not_covered)]),
        (13, [("date", "2025-09-16", "this mentor is not assigned to this mentee")]),
        (14, [("date", "2026-06-16", "is in the future")]),
        (15, [("date", "2025-08-31", not_covered)]),
        (16, [("mentor_employee_id", "Maria Lopez", "matches more than one person: use the employee id")]),
    ]
    assert all("notes" not in r.original and len(r.original) == 7 for r in report.rejected)
    assert report.rejected[0].original["mentor_employee_id"] == "M9"
    assert report.notes == ["rejected rows are listed without their confidential notes (column 'notes'): "
                            "fix them in the original file to keep the notes"]
    assert calls == [(20, 20, "checked 20 of 20 rows")]  # reported every 500 rows and at the end
    saved = [(log.mentor_id, log.mentee_id, log.date, log.minutes, log.activity, log.topics, log.release_time,
              log.notes, log.assignment_id)
             for log in session.scalars(select(TimeLog).order_by(TimeLog.date, TimeLog.minutes))]
    assert saved == [
        (pairs["m1"], pairs["b2"], D(2025, 9, 1), 600, "observed_mentee", ["Technology", "Recess"], "both", None,
         pairs["a3"]),
        (pairs["m1"], pairs["b2"], D(2025, 9, 15), 45, "planning", ["Classroom management", "Recess"], "both",
         "secret one", pairs["a3"]),
        (pairs["m1"], pairs["b2"], D(2025, 9, 16), 90, "planning", [], None, None, pairs["a3"]),
        (pairs["m2"], pairs["i1"], D(2025, 10, 1), 40, "planning", [], None, None, pairs["a4"]),
        (pairs["m1"], pairs["b1"], D(2026, 1, 31), 5, "observed_mentee", [], "mentor", None, pairs["a1"]),
        (pairs["m2"], pairs["i1"], D(2026, 6, 15), 10, "meeting", [], "mentee", "secret three", pairs["a4"]),
    ]


def test_group_sessions_refusals_and_what_is_saved(session, pairs):
    """A group session (one mentor, several mentees): its refusals word for word, and one row per mentee."""
    from sqlalchemy import select

    from app.models.timelogs import TimeLog, TimeLogGroup

    def group(ids, day, minutes=60, activity="meeting", **kw):
        return timelogs.add_group_session(session, ids, EntryInput(ids[0], day, minutes, activity), today=TODAY, **kw)

    with pytest.raises(ValidationError) as exc:
        group([pairs["a3"], pairs["a3"]], D(2025, 11, 5))
    assert _problems(exc) == {("pairs", "a group session has at least two mentees")}
    with pytest.raises(ValidationError) as exc:  # M1 with B2 and M2 with I1
        group([pairs["a3"], pairs["a4"]], D(2025, 11, 5))
    assert [(p.field, p.reason) for p in exc.value.problems] == [
        ("pairs", "every mentee of a group session has the same mentor")]
    with pytest.raises(ValidationError) as exc:  # a1 ended January 31; the same problem listed once
        group([pairs["a1"], pairs["a3"]], D(2026, 2, 2), 601)
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
        ("minutes", "601", "must be 5 to 600 minutes for one entry"),
        ("date", "2026-02-02", "is outside the pair's assignment (9/1/2025 to 1/31/2026)")]
    ids = group([pairs["a1"], pairs["a3"]], D(2026, 1, 31), 50, "planning", title="  Team  ")
    first = _add(session, pairs["a3"], D(2025, 12, 1), 45)
    with pytest.raises(DuplicateEntryError) as exc:
        group([pairs["a1"], pairs["a3"]], D(2025, 12, 1), 45)
    assert str(exc.value) == "Ben Hart already has 45 minutes of meeting on 12/1/2025."
    assert exc.value.existing_id == first
    _add(session, pairs["a1"], D(2025, 12, 1), 45)
    with pytest.raises(DuplicateEntryError) as exc:
        group([pairs["a3"], pairs["a1"]], D(2025, 12, 1), 45)
    assert str(exc.value) == "Ana Silva, Ben Hart already have 45 minutes of meeting on 12/1/2025."
    assert exc.value.existing_id == first
    again = group([pairs["a3"], pairs["a1"]], D(2025, 12, 1), 45, allow_duplicate=True)
    session.commit()
    logs = {log.id: log for log in session.scalars(select(TimeLog))}
    assert [(logs[i].assignment_id, logs[i].mentor_id, logs[i].mentee_id, logs[i].date, logs[i].minutes,
             logs[i].activity) for i in ids] == [
        (pairs["a1"], pairs["m1"], pairs["b1"], D(2026, 1, 31), 50, "planning"),
        (pairs["a3"], pairs["m1"], pairs["b2"], D(2026, 1, 31), 50, "planning")]
    made = session.get(TimeLogGroup, logs[ids[0]].group_id)
    assert (made.mentor_id, made.date, made.title) == (pairs["m1"], D(2026, 1, 31), "Team")
    assert logs[ids[1]].group_id == made.id and logs[again[0]].group_id != made.id
    assert session.get(TimeLogGroup, logs[again[0]].group_id).title is None


def test_editing_an_entry_saves_only_what_changed(session, pairs):
    """update_entry: the fields the person changed go onto the entry as it is now; moving it to another pair
    moves its mentor and mentee; notes left alone stay, blank notes clear them; a deleted entry is refused."""
    from app.models.timelogs import TimeLog

    entry_id = _add(session, pairs["a3"], D(2025, 10, 6), 45, "planning", topics=["Recess"], notes="first words")
    session.commit()
    opened = EntryInput(pairs["a3"], D(2025, 10, 6), 45, "planning", ["Recess"], False, None)
    assert timelogs.load_notes(session, entry_id) == timelogs.EntryNotes(entry_id, "first words", 1)
    # Someone else changed the minutes meanwhile; this person changes the activity and the topics.
    timelogs.update_entry(session, entry_id, EntryInput(pairs["a3"], D(2025, 10, 6), 50, "planning", ["Recess"]),
                          loaded=opened, today=TODAY)
    version = timelogs.update_entry(session, entry_id, EntryInput(pairs["a3"], D(2025, 10, 6), 45, "meeting",
                                                                  ["technology"], False, None),
                                    loaded=opened, today=TODAY)
    log = session.get(TimeLog, entry_id)
    assert (log.minutes, log.activity, log.topics, log.notes, log.version) == (
        50, "meeting", ["Technology"], "first words", version)
    assert timelogs.update_entry(session, entry_id, opened, loaded=opened, today=TODAY) == version  # no change
    assert session.get(TimeLog, entry_id).version == version
    timelogs.update_entry(session, entry_id, EntryInput(pairs["a1"], D(2025, 10, 6), 50, "meeting", ["Technology"],
                                                        "mentee", "  "), today=TODAY)
    log = session.get(TimeLog, entry_id)
    assert (log.assignment_id, log.mentor_id, log.mentee_id, log.release_time, log.notes) == (
        pairs["a1"], pairs["m1"], pairs["b1"], "mentee", None)
    with pytest.raises(ValidationError) as exc:  # the rules apply to the entry as it will be
        timelogs.update_entry(session, entry_id, EntryInput(pairs["a1"], D(2026, 2, 2), 50, "meeting"), today=TODAY)
    assert _problems(exc) == {("date", "is outside the pair's assignment (9/1/2025 to 1/31/2026)")}
    with pytest.raises(ValidationError) as exc:  # June 20 is in M2's time with B1, but after "today"
        timelogs.update_entry(session, entry_id, EntryInput(pairs["a2"], D(2026, 6, 20), 50, "meeting"), today=TODAY)
    assert _problems(exc) == {("date", "is in the future")}
    moved = EntryInput(pairs["a1"], D(2025, 10, 6), 50, "meeting", ["Technology"], "mentee", None)
    timelogs.update_entry(session, entry_id, EntryInput(pairs["a1"], D(2025, 10, 7), 50, "meeting", ["Technology"],
                                                        "mentee", None), loaded=moved, today=TODAY)
    log = session.get(TimeLog, entry_id)
    assert (log.date, log.topics, log.notes) == (D(2025, 10, 7), ["Technology"], None)
    assert timelogs.load_notes(session, entry_id).notes == ""
    import uuid

    nobody = uuid.uuid4()
    with pytest.raises(ValidationError) as exc:
        timelogs.load_notes(session, nobody)
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [("entry", str(nobody), "no longer exists")]
    timelogs.delete_entry(session, entry_id)
    with pytest.raises(ValidationError) as exc:
        timelogs.update_entry(session, entry_id, opened, today=TODAY)
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [("entry", str(entry_id), "no longer exists")]
    assert timelogs.entry_notes(session, entry_id) == "" and timelogs.entry_notes(session, pairs["a1"]) == ""


def test_the_quiet_pairs_card_whole_at_its_edges(session, pairs):
    """The dashboard card (stale_pair_weeks, 3; today June 15, 2026: the cutoff is May 25): an entry on May 25 is
    recent enough, one on May 24 is not; a pair started on May 25 is looked at, one started May 26 not yet."""
    from app.services import settings

    y25 = session.scalars(select_year("2025-2026")).one()
    m1 = session.get(Educator, pairs["m1"])
    on_cutoff = _person(session, "B8", None, "Zed", "Cutoff")
    after_cutoff = _person(session, "B9", None, "Al", "After")
    session.add_all([Assignment(mentor=m1, mentee=on_cutoff, school_year=y25, start_date=D(2026, 5, 25)),
                     Assignment(mentor=m1, mentee=after_cutoff, school_year=y25, start_date=D(2026, 5, 26))])
    session.flush()
    _add(session, pairs["a3"], D(2026, 5, 25), 30)
    _add(session, pairs["a4"], D(2026, 5, 24), 30)
    session.commit()
    card = timelogs.attention_card(session, "2025-2026", today=TODAY)
    assert (card.key, card.title, card.area, card.summary) == (
        "stale_pairs", "Pairs with no time logged in 3 weeks", "timelogs",
        "3 of 4 active pairs have no time logged in 3 weeks")
    assert card.citation == ("004: the coordinator maintains meeting schedules for beginning teachers and their "
                             "mentors and ensures that these are followed")
    assert [(i.text, i.educator_id, i.overdue) for i in card.items] == [
        ("Ana Silva and Sam Okafor (North Elementary): nothing logged yet", pairs["b1"], True),
        ("Zed Cutoff and Maria Lopez: nothing logged yet", on_cutoff.id, True),
        ("Ida Ng and Sam Okafor (North Elementary): last entry 5/24/2026", pairs["i1"], False)]
    assert [p.mentee for p, _when in timelogs.stale_pairs(session, "2025-2026", today=TODAY, weeks=3)] == [
        "Ana Silva", "Zed Cutoff", "Ida Ng"]
    # One pair looked at (2024-2025, October 1, 2024): "pair has".
    assert timelogs.attention_card(session, "2024-2025", today=D(2024, 10, 1)).summary == (
        "1 of 1 active pair has no time logged in 3 weeks")
    assert timelogs.attention_card(session, "2024-2025", today=D(2024, 9, 21)) is None  # started 20 days before
    settings.set_value(session, "stale_pair_weeks", 2)
    assert timelogs.attention_card(session, "2024-2025", today=D(2024, 9, 21)).title == (
        "Pairs with no time logged in 2 weeks")
    _add(session, pairs["a0"], D(2024, 9, 7), 30)
    assert timelogs.attention_card(session, "2024-2025", today=D(2024, 9, 21)).summary == (
        "Every active pair has logged time in the last 2 weeks")
    assert (timelogs.weeks_text(1), timelogs.weeks_text(2)) == ("1 week", "2 weeks")
    # A cleared setting falls back to the default, 3 weeks.
    settings.set_value(session, "stale_pair_weeks", None)
    assert timelogs.attention_card(session, "2025-2026", today=TODAY).title == "Pairs with no time logged in 3 weeks"
    assert [p.mentee for p, _when in timelogs.stale_pairs(session, "2025-2026", today=TODAY)] == [
        "Ana Silva", "Zed Cutoff", "Ida Ng"]


def select_year(label):
    from sqlalchemy import select

    from app.models import SchoolYear

    return select(SchoolYear).where(SchoolYear.label == label)


def test_the_program_profile_sentences_from_the_logs(session, pairs):
    """How often pairs meet and what they cover (DOMAIN.md, "The state's induction survey"), for 2025-2026
    (a past year: counted up to June 30). Second computation: each pair's sessions over its months (days / 30.44)
    active a month or more: a1 5 / (152 / 30.44), a2 0, a3 10 / (302 / 30.44), a4 2 / (293 / 30.44); the median
    is the middle two's mean, 0.6."""
    from statistics import median

    topics_of = [["Classroom management", "Technology", "Recess", "Assessment", "Parents", "Zoo"]] * 1 + \
        [["Classroom management", "Technology", "Recess", "Assessment", "Parents"]] * 1 + \
        [["Classroom management", "Technology", "Recess", "Assessment"]] * 1 + \
        [["Classroom management", "Technology", "Recess"]] * 1 + [["Classroom management", "Technology"]] * 2 + \
        [["Classroom management"]] * 4
    for n, names in enumerate(topics_of):
        _add(session, pairs["a3"], D(2025, 9, 8) + dt.timedelta(weeks=n), 30, topics=names)
    for n in range(5):
        _add(session, pairs["a1"], D(2025, 9, 8) + dt.timedelta(weeks=n), 30)
    _add(session, pairs["a4"], D(2025, 10, 1), 30)
    _add(session, pairs["a4"], D(2025, 10, 2), 30)
    gone = _add(session, pairs["a4"], D(2025, 10, 3), 30, topics=["Deleted topic"])
    timelogs.delete_entry(session, gone)
    _add(session, pairs["a0"], D(2025, 6, 30), 30, topics=["Last year's topic"])
    session.commit()
    assert round(median([5 / (152 / 30.44), 0, 10 / (302 / 30.44), 2 / (293 / 30.44)]), 1) == 0.6
    assert timelogs.profile_facts(session, "2025-2026") == {
        "meeting_frequency": "From the time logs: pairs logged a median of 0.6 sessions a month (3 of 4 pairs "
                             "active a month or more logged time).",
        "topics": "From the time logs, the topics most often logged: Classroom management (10 entries), "
                  "Technology (6 entries), Recess (4 entries), Assessment (3 entries), Parents (2 entries)."}
    assert timelogs.profile_facts(session, "2026-2027") == {}
    # early in the year no pair has been running a month: no rate yet, the topics all the same
    early = timelogs.profile_facts(session, "2025-2026", today=D(2025, 9, 10))
    assert set(early) == {"topics"}
    # a day after the year's end counts as its last day, June 30
    assert timelogs.profile_facts(session, "2025-2026", today=D(2026, 6, 30)) == timelogs.profile_facts(
        session, "2025-2026", today=D(2027, 1, 1))  # past the year's end: the year's end


@pytest.mark.slow
def test_a_long_import_reports_its_progress_every_500_rows(session, pairs, tmp_path):
    rows = [["M1", "B2", (D(2025, 9, 1) + dt.timedelta(days=n % 280)).isoformat(), str(5 + n // 280), "planning",
             "", "", ""] for n in range(501)]
    calls = []
    report = import_timelogs(session, _write_csv(tmp_path / "long.csv", PUBLIC, rows), today=TODAY,
                             progress=lambda done, total, text: calls.append((done, total, text)))
    assert (report.new, report.rejected) == (501, [])
    assert calls == [(500, 501, "checked 500 of 501 rows"), (501, 501, "checked 501 of 501 rows")]


def test_an_import_whose_last_row_is_refused_still_reports_every_row_checked(session, pairs, tmp_path):
    rows = [["M1", "B2", "2025-09-02", "30", "planning", "", "", ""],
            ["M1", "B2", "2025-09-03", "abc", "planning", "", "", ""]]  # the last row: not a duration
    calls = []
    report = import_timelogs(session, _write_csv(tmp_path / "short.csv", PUBLIC, rows), today=TODAY,
                             progress=lambda done, total, text: calls.append((done, total, text)))
    assert (report.new, len(report.rejected)) == (1, 1)
    assert calls == [(2, 2, "checked 2 of 2 rows")]
