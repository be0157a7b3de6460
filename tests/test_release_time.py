"""Release time (603 CMR 7.12(2)(d): release time for mentor and beginning teacher is a required component):
whom each log freed, the totals per mentor and per mentee (checked against a plain computation), the import's
column, the hours report, the principal roster, the program profile, the dashboard card and the migration."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import defaultdict

import pytest
from sqlalchemy import select, text

from app.models.timelogs import TimeLog
from app.services import settings
from app.services.timelogs import hours
from app.services.timelogs import logs as timelogs
from app.services.timelogs.imports import import_timelogs
from app.services.timelogs.logs import EntryInput
from tests import test_timelogs
from tests.test_timelogs import PUBLIC, TODAY, _add, _write_csv

D = dt.date
pairs = test_timelogs.pairs  # the fixture: B1, B2, I1 with their mentors M1 and M2 (tests/test_timelogs.py)


def _plain_totals(session, start, end):
    """The second computation: every live row in Python, a group session once for its mentor."""
    mentors, mentees, groups_seen = defaultdict(int), defaultdict(int), set()
    for log in session.scalars(select(TimeLog)):
        if log.deleted_at is not None or not start <= log.date <= end or log.release_time is None:
            continue
        if log.release_time in ("mentee", "both"):
            mentees[log.mentee_id] += log.minutes
        if log.release_time in ("mentor", "both"):
            if log.group_id is None:
                mentors[log.mentor_id] += log.minutes
            elif (log.mentor_id, log.group_id) not in groups_seen:
                groups_seen.add((log.mentor_id, log.group_id))
                mentors[log.mentor_id] += log.minutes
    return dict(mentors), dict(mentees)


@pytest.fixture
def logged(session, pairs):
    _add(session, pairs["a1"], D(2025, 9, 15), 90, release_time="mentor")  # M1 freed, B1 not
    _add(session, pairs["a1"], D(2025, 10, 1), 60, release_time="mentee")  # B1 freed
    _add(session, pairs["a2"], D(2026, 2, 10), 45, release_time=True)  # a ticked box: both
    _add(session, pairs["a3"], D(2025, 9, 20), 30, release_time="both")
    _add(session, pairs["a3"], D(2025, 9, 21), 120)  # no release time
    _add(session, pairs["a0"], D(2025, 6, 1), 50, release_time="both")  # last school year: not counted
    gone = _add(session, pairs["a4"], D(2025, 9, 22), 40, release_time="both")
    timelogs.delete_entry(session, gone)
    # A group session of M1 with B1 and B2, 60 minutes, release for both: 60 for M1 once, 60 for each mentee.
    timelogs.add_group_session(session, [pairs["a1"], pairs["a3"]],
                               EntryInput(pairs["a1"], D(2025, 11, 5), 60, "meeting", release_time="both"),
                               today=TODAY)
    session.commit()
    return pairs


def test_totals_per_mentor_and_mentee_match_a_plain_computation(session, logged):
    p = logged
    start, end = D(2025, 7, 1), D(2026, 6, 30)
    mentors, mentees = hours.release_minutes_by_person(session, start, end)
    assert (mentors, mentees) == _plain_totals(session, start, end)
    assert mentors == {p["m1"]: 90 + 30 + 60, p["m2"]: 45}
    assert mentees == {p["b1"]: 60 + 45 + 60, p["b2"]: 30 + 60}
    rows = {h.employee_id: h for h in hours.educator_hours(session, "2025-2026", include_idle=True)}
    assert (rows["B1"].release_hours, rows["B2"].release_hours, rows["I1"].release_hours) == (2.8, 1.5, 0.0)
    by_mentor = {m.employee_id: m for m in hours.mentor_release(session, "2025-2026")}
    assert (by_mentor["M1"].release_hours, by_mentor["M2"].release_hours) == (3.0, 0.8)
    assert by_mentor["M1"].minutes == 90 + 60 + 30 + 120 + 60  # the group session once
    last_year = hours.release_minutes_by_person(session, D(2024, 7, 1), D(2025, 6, 30))
    assert last_year == ({p["m1"]: 50}, {p["b1"]: 50}) == _plain_totals(session, D(2024, 7, 1), D(2025, 6, 30))


def test_editing_whom_release_time_freed(session, logged):
    entry = session.scalars(select(TimeLog).where(TimeLog.date == D(2025, 9, 15))).one()
    loaded = EntryInput(entry.assignment_id, entry.date, entry.minutes, entry.activity, [], True)
    # The page's checkbox left ticked: the entry keeps "mentor"; unticked: no release time.
    timelogs.update_entry(session, entry.id, EntryInput(entry.assignment_id, entry.date, 90, "meeting", [], True),
                          loaded=loaded, today=TODAY)
    assert session.get(TimeLog, entry.id).release_time == "mentor"
    timelogs.update_entry(session, entry.id, EntryInput(entry.assignment_id, entry.date, 90, "meeting", [], "mentee"),
                          today=TODAY)
    assert session.get(TimeLog, entry.id).release_time == "mentee"
    rows = timelogs.list_entries(session, timelogs.EntryFilter(year_label="2025-2026"))
    assert {r.release_for for r in rows} == {"mentee", "both", None}
    with pytest.raises(timelogs.ValidationError) as exc:
        _add(session, logged["a3"], D(2025, 12, 1), 30, release_time="principal")
    assert {(p.field, p.reason) for p in exc.value.problems} == {
        ("release_time", "must be yes, no, mentor, mentee or both")}


def test_import_accepts_yes_no_and_whom(session, pairs, tmp_path):
    values = ["yes", "no", "mentor", "Mentee", "BOTH", "", "sometimes", "none"]
    path = _write_csv(tmp_path / "logs.csv", PUBLIC, [
        ["M1", "B2", f"2025-10-{day:02d}", "30", "planning", "", value, ""] for day, value in enumerate(values, 1)])
    report = import_timelogs(session, path, today=TODAY)
    session.commit()
    assert report.new == 7 and len(report.rejected) == 1
    assert report.rejected[0].problems[0].field == "release_time"
    assert "mentor, mentee or both" in report.rejected[0].problems[0].reason
    got = {log.date.day: log.release_time for log in session.scalars(select(TimeLog))}
    assert got == {1: "both", 2: None, 3: "mentor", 4: "mentee", 5: "both", 6: None, 8: None}
    out = timelogs.export_entries(session, timelogs.EntryFilter(year_label="2025-2026"), tmp_path / "out.csv")
    with out.open(newline="", encoding="utf-8") as handle:
        exported = [r["release_time"] for r in csv.DictReader(handle)]
    assert exported == ["both", "no", "mentor", "mentee", "both", "no", "no"]  # imports back the same


def test_hours_report_json_csv_pdf(run_cli, database, logged, tmp_path):
    from pypdf import PdfReader

    code, _out, _err = run_cli("report", "hours", "--year", "2025-2026", "--out", tmp_path / "h.json")
    data = json.loads((tmp_path / "h.json").read_text())
    assert code == 0
    assert {e["employee_id"]: e["release_hours"] for e in data["educators"]} == {"B1": 2.8, "B2": 1.5}
    assert {m["employee_id"]: m["release_hours"] for m in data["mentors"]} == {"M1": 3.0, "M2": 0.8}
    run_cli("report", "hours", "--year", "2025-2026", "--out", tmp_path / "h.csv")
    with (tmp_path / "h.csv").open(newline="", encoding="utf-8-sig") as handle:
        rows = {(r["employee_id"], r["role"]): r for r in csv.DictReader(handle)}
    assert rows[("B1", "mentee")]["release_hours"] == "2.8" and rows[("M1", "mentor")]["release_hours"] == "3.0"
    run_cli("report", "hours", "--year", "2025-2026", "--out", tmp_path / "h.pdf")
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "h.pdf").pages).split())
    assert "Release hours" in pdf and "Mentors' release time" in pdf and "Maria Lopez" in pdf and "3.0" in pdf


def test_principal_roster_and_program_profile(session, logged, tmp_path):
    from pypdf import PdfReader

    from app.models import SchoolYear
    from app.services.reports import principal_roster, program_profile

    lines = {line.employee_id: line for lines in principal_roster.roster_lines(session, "2025-2026").values()
             for line in lines}
    assert (lines["B1"].release_hours, lines["B2"].release_hours, lines["I1"].release_hours) == (2.8, 1.5, 0.0)
    out = principal_roster.write_roster_pdf(session, "2025-2026", tmp_path / "roster.pdf")
    pdf = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "2.8 release" in pdf and "1.5 release" in pdf
    year = session.scalars(select(SchoolYear).where(SchoolYear.label == "2025-2026")).one()
    fact = program_profile.facts_from_data(session, year)["mentor_compensation"]
    assert "3.8 hours of release time for 2 mentors and 4.2 hours for 2 beginning educators" in fact


def test_incentive_sentence_is_unchanged_beside_the_release_sentence(session, logged):
    from app.models import SchoolYear
    from app.models.matching import MentorIncentive
    from app.services.reports import program_profile

    year = session.scalars(select(SchoolYear).where(SchoolYear.label == "2025-2026")).one()
    session.add(MentorIncentive(educator_id=logged["m1"], school_year_id=year.id, stipend_cents=100000, pdps=15,
                                release_minutes=600))
    session.flush()
    before = program_profile._compensation_fact(session, year)
    fact = program_profile.facts_from_data(session, year)["mentor_compensation"]
    assert fact.startswith(before) and "$1,000" in before and "10.0 hours of release time" in before


def test_dashboard_card_lists_pairs_without_release_time(session, logged):
    from app.services.attention import collect
    from app.services.timelogs.release import release_card

    card = release_card(session, "2025-2026", today=D(2026, 3, 1))
    # Active on March 1: a2 (M2-B1, release logged), a3 (M1-B2, release logged), a4 (M2-I1: deleted entry only).
    assert [i.text for i in card.items] == ["Ida Ng and Sam Okafor (North Elementary): no release time logged"]
    assert card.citation.startswith("603 CMR 7.12(2)(d)") and card.status == "warning"
    assert card.summary == "1 of 3 active pairs have no release time logged this year"
    settings.set_value(session, "release_time_promised", False)
    assert release_card(session, "2025-2026", today=D(2026, 3, 1)) is None
    assert "release_time" not in {c.key for c in collect(session, "2025-2026")}
    settings.set_value(session, "release_time_promised", True)
    assert release_card(session, "2024-2025", today=D(2026, 3, 1)) is None  # no pair active: nothing to check


def test_migration_turns_a_yes_into_both(tmp_path):
    from app import db
    from app.models import Assignment, Educator, School
    from app.services.years import ensure_year

    database = db.Database.open(str(tmp_path / "d.sqlite3"))
    try:
        with database.unit_of_work() as s:
            year, _ = ensure_year(s, "2025-2026")
            school = School(name="North")
            m = Educator(employee_id="M1", first_name="Maria", last_name="Lopez", school=school)
            b = Educator(employee_id="B1", first_name="Ana", last_name="Silva", school=school)
            a = Assignment(mentor=m, mentee=b, school_year=year, start_date=D(2025, 9, 1))
            s.add_all([school, m, b, a])
            s.flush()
            for day, release in ((1, "mentor"), (2, None), (3, "mentee")):
                s.add(TimeLog(assignment_id=a.id, mentor_id=m.id, mentee_id=b.id, date=D(2025, 10, day), minutes=30,
                              activity="meeting", topics=[], release_time=release))
        db.downgrade(database.engine, "0011_sp_pool")
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT release_time FROM time_log ORDER BY date")).scalars().all() == [1, 0, 1]
        db.upgrade(database.engine)
        with database.engine.connect() as conn:
            assert conn.execute(text("SELECT release_time FROM time_log ORDER BY date")).scalars().all() == [
                "both", None, "both"]
        with pytest.raises(Exception, match="CHECK constraint failed"), database.engine.begin() as conn:
            conn.execute(text("UPDATE time_log SET release_time = 'principal'"))
    finally:
        database.dispose()


def test_random_logs_agree_with_the_plain_computation(session, pairs):
    """Entries written straight to the table (any code, group sessions, deleted rows, dates either side of the
    window): the totals are the plain computation's."""
    import random

    from app.models import Assignment
    from app.models.base import utcnow
    from app.models.timelogs import TimeLogGroup

    rng = random.Random(21)
    assignments = [session.get(Assignment, pairs[k]) for k in ("a1", "a2", "a3", "a4")]
    for _ in range(120):
        day = D(2025, 6, 20) + dt.timedelta(days=rng.randrange(0, 380))
        release = rng.choice((None, "mentor", "mentee", "both"))
        minutes = rng.choice((5, 30, 45, 60, 90))
        same_mentor = [a for a in assignments if a.mentor_id == assignments[0].mentor_id]
        if rng.random() < 0.2 and len(same_mentor) > 1:
            group = TimeLogGroup(mentor_id=same_mentor[0].mentor_id, date=day)
            session.add(group)
            chosen, group_id = same_mentor, group
        else:
            chosen, group_id = [rng.choice(assignments)], None
        for a in chosen:
            session.add(TimeLog(assignment_id=a.id, group=group_id, mentor_id=a.mentor_id, mentee_id=a.mentee_id,
                                date=day, minutes=minutes, activity="meeting", topics=[], release_time=release,
                                deleted_at=utcnow() if rng.random() < 0.1 else None))
    session.commit()
    start, end = D(2025, 7, 1), D(2026, 6, 30)
    got = hours.release_minutes_by_person(session, start, end)
    assert got == _plain_totals(session, start, end) and sum(got[0].values()) > 0 and sum(got[1].values()) > 0
