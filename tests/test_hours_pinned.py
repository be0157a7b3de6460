"""The hours figures pinned whole on one small district (issue 24): the hours report as JSON, CSV and PDF,
the mentors' release time, the per-pair totals, the release minutes per pair (the dashboard card's rule),
the months and the last entries, each at the window's edges (June 30 / July 1, DOMAIN.md "School year")
and checked against a plain computation over the rows (no code shared with app/).

The district (school year 2025-2026, July 1, 2025 to June 30, 2026; tests/test_timelogs.py `pairs` plus two
pairs): names in mixed case ("de Souza", "ana") so the lists' order is the case-blind one a reader expects,
two people with no school, an entry on each edge of the window, a deleted entry, and a group session of
M1 with B1 and B2 whose B2 row was edited to 50 minutes (the mentor's time counts the longest row once)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from collections import defaultdict

import pytest
from sqlalchemy import select

from app.errors import UsageError
from app.models import Assignment, Educator, SchoolYear, derived_id
from app.models.timelogs import TimeLog, TimeLogGroup
from app.services import settings
from app.services.timelogs import hours
from tests import test_timelogs

D = dt.date
YEAR = "2025-2026"
START, END = D(2025, 7, 1), D(2026, 6, 30)
pairs = test_timelogs.pairs  # B1, B2, I1 with M1 (Maria Lopez) and M2 (Sam Okafor), North Elementary


def _person(session, eid, first, last, school=None):
    educator = Educator(id=derived_id("educator", eid), employee_id=eid, first_name=first, last_name=last,
                        school=school, email=f"{eid.lower()}@district.org")
    session.add(educator)
    return educator


def _log(session, assignment_id, day, minutes, activity="meeting", release=None, *, group=None, deleted=False):
    a = session.get(Assignment, assignment_id)
    session.add(TimeLog(id=uuid.uuid4(), assignment_id=a.id, mentor_id=a.mentor_id, mentee_id=a.mentee_id, date=day,
                        minutes=minutes, activity=activity, topics=[], release_time=release, group_id=group,
                        deleted_at=dt.datetime(2026, 1, 2, 12, 0, tzinfo=dt.timezone.utc) if deleted else None))


@pytest.fixture
def district(session, pairs):
    p = dict(pairs)
    y25 = session.scalars(select(SchoolYear).where(SchoolYear.label == YEAR)).one()
    north = session.get(Educator, p["m1"]).school
    m3 = _person(session, "M3", "Rosa", "de Souza")  # no school
    m4 = _person(session, "M4", "ana", "Lopez", north)
    b3 = _person(session, "B3", "Cal", "du Pont")  # no school, never enrolled here: every hour counts toward 50
    b4 = _person(session, "B4", "ava", "Hart", north)
    a5 = Assignment(mentor=m3, mentee=b3, school_year=y25, start_date=START)
    a6 = Assignment(mentor=m4, mentee=b4, school_year=y25, start_date=START)
    session.add_all([a5, a6])
    session.flush()
    p.update(a5=a5.id, a6=a6.id, m3=m3.id, m4=m4.id, b3=b3.id, b4=b4.id)
    _log(session, p["a0"], D(2025, 6, 30), 50, "observed_mentee", "both")  # the day before the year: last year's
    _log(session, p["a1"], D(2025, 7, 1), 60, "meeting", "mentor")  # the year's first day
    _log(session, p["a1"], D(2025, 9, 15), 90, "observed_mentee")
    _log(session, p["a2"], D(2026, 6, 30), 40, "planning", "mentee")  # the year's last day
    _log(session, p["a2"], D(2026, 7, 1), 30, "meeting", "both")  # the day after: next year's
    _log(session, p["a3"], D(2025, 10, 1), 120, "observed_mentee", "both")
    _log(session, p["a3"], D(2025, 12, 20), 40, "observed_mentee", "both", deleted=True)
    group = TimeLogGroup(id=uuid.uuid4(), mentor_id=p["m1"], date=D(2025, 11, 5))
    session.add(group)
    session.flush()
    _log(session, p["a1"], D(2025, 11, 5), 60, "meeting", "mentor", group=group.id)
    _log(session, p["a3"], D(2025, 11, 5), 50, "meeting", "mentor", group=group.id)  # edited down from 60
    _log(session, p["a4"], D(2025, 3, 1), 15, "meeting")  # I1 (incoming) before this year: counts toward 50
    _log(session, p["a4"], D(2025, 9, 10), 25, "observed_mentee", "mentee")
    _log(session, p["a5"], D(2025, 12, 1), 35, "meeting", "both")
    _log(session, p["a6"], D(2026, 1, 15), 200, "planning")
    session.commit()
    return p


def _live(session, start=START, end=END):
    return [log for log in session.scalars(select(TimeLog)) if log.deleted_at is None and start <= log.date <= end]


# --- the hours report: every output pinned whole ---------------------------------------------------------------

EDUCATORS = [  # sorted by last name, then first name, case-blind
    {"employee_id": "B3", "name": "Cal du Pont", "school": "", "hours": 0.6, "observations": 0,
     "hours_toward_50": 0.6, "release_hours": 0.6},
    {"employee_id": "B4", "name": "ava Hart", "school": "North Elementary", "hours": 3.3, "observations": 0,
     "hours_toward_50": 3.3, "release_hours": 0.0},
    {"employee_id": "B2", "name": "Ben Hart", "school": "North Elementary", "hours": 2.8, "observations": 1,
     "hours_toward_50": None, "release_hours": 2.0},
    {"employee_id": "I1", "name": "Ida Ng", "school": "North Elementary", "hours": 0.4, "observations": 1,
     "hours_toward_50": 0.7, "release_hours": 0.4},
    {"employee_id": "B1", "name": "Ana Silva", "school": "North Elementary", "hours": 4.2, "observations": 1,
     "hours_toward_50": 4.2, "release_hours": 0.7},
]
MENTORS = [
    {"employee_id": "M3", "name": "Rosa de Souza", "school": "", "release_hours": 0.6},
    {"employee_id": "M4", "name": "ana Lopez", "school": "North Elementary", "release_hours": 0.0},
    {"employee_id": "M1", "name": "Maria Lopez", "school": "North Elementary", "release_hours": 4.0},
    {"employee_id": "M2", "name": "Sam Okafor", "school": "North Elementary", "release_hours": 0.0},
]
MENTOR_HOURS = {"M3": 0.6, "M4": 3.3, "M1": 5.5, "M2": 1.1}  # logged with their mentees, the group session once


def test_hours_report_json_is_the_public_format(session, district, tmp_path):
    expected = {"schema": "mentordesk.hours/1", "school_year": YEAR, "educators": EDUCATORS, "mentors": MENTORS}
    out = hours.write_hours_report(session, YEAR, tmp_path / "new folder" / "inner" / "hours.JSON")
    assert out == tmp_path / "new folder" / "inner" / "hours.JSON"
    assert out.read_text(encoding="utf-8") == json.dumps(expected, indent=2)
    # The same file written again over the first (the folder exists now).
    assert json.loads(hours.write_hours_report(session, YEAR, out).read_text(encoding="utf-8")) == expected


def test_hours_report_csv_every_row_and_column(session, district, tmp_path):
    out = hours.write_hours_report(session, YEAR, tmp_path / "sub" / "hours.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark for Excel (the default)
    with out.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows == [
        ["employee_id", "name", "school", "hours", "observations", "hours_toward_50", "release_hours", "role"],
        ["B3", "Cal du Pont", "", "0.6", "0", "0.6", "0.6", "mentee"],
        ["B4", "ava Hart", "North Elementary", "3.3", "0", "3.3", "0.0", "mentee"],
        ["B2", "Ben Hart", "North Elementary", "2.8", "1", "", "2.0", "mentee"],
        ["I1", "Ida Ng", "North Elementary", "0.4", "1", "0.7", "0.4", "mentee"],
        ["B1", "Ana Silva", "North Elementary", "4.2", "1", "4.2", "0.7", "mentee"],
        ["M3", "Rosa de Souza", "", "0.6", "", "", "0.6", "mentor"],
        ["M4", "ana Lopez", "North Elementary", "3.3", "", "", "0.0", "mentor"],
        ["M1", "Maria Lopez", "North Elementary", "5.5", "", "", "4.0", "mentor"],
        ["M2", "Sam Okafor", "North Elementary", "1.1", "", "", "0.0", "mentor"],
    ]
    # The setting "plain UTF-8" (for tools that do not expect a mark): the same rows, no mark.
    settings.set_value(session, "csv_plain_utf8", True)
    session.commit()
    plain = hours.write_hours_report(session, YEAR, tmp_path / "plain.Csv")
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    assert plain.read_bytes() == raw[3:]


def _pdf_lines(path):
    from pypdf import PdfReader

    return [line.strip() for page in PdfReader(path).pages for line in page.extract_text().splitlines()]


def test_hours_report_pdf_text(session, district, tmp_path):
    settings.set_value(session, "district_name", "Lakeside Public Schools")
    session.commit()
    out = hours.write_hours_report(session, YEAR, tmp_path / "deep" / "hours.pdf")
    lines = _pdf_lines(out)
    text = " ".join(" ".join(lines).split())
    for expected in [
        "Mentoring hours 2025-2026", "Lakeside Public Schools",
        "Hours and observations per mentee, July 1 to June 30. Confidential mentoring notes are never printed.",
        "Educator Employee ID School Hours Observations Toward 50 hours Release hours",
        "Cal du Pont B3 0.6 0 0.6 of 50 0.6",
        "ava Hart B4 North Elementary 3.3 0 3.3 of 50 0.0",
        "Ben Hart B2 North Elementary 2.8 1 in induction year 2.0",
        "Ida Ng I1 North Elementary 0.4 1 0.7 of 50 0.4",
        "Ana Silva B1 North Elementary 4.2 1 4.2 of 50 0.7",
        "Mentors' release time",
        "Mentor Employee ID School Hours logged Release hours",
        "Rosa de Souza M3 0.6 0.6", "ana Lopez M4 North Elementary 3.3 0.0",
        "Maria Lopez M1 North Elementary 5.5 4.0", "Sam Okafor M2 North Elementary 1.1 0.0",
        *[" ".join(definition.split()) for definition in hours.DEFINITIONS.values()],
    ]:
        assert expected in text, expected
    # In this order: the mentees' table, then the mentors' heading and table, then the definitions.
    order = [text.index(s) for s in ("Cal du Pont", "Ana Silva", "Mentors' release time", "Rosa de Souza",
                                     "Sam Okafor", "Hours: minutes of every", "Release hours (603 CMR")]
    assert order == sorted(order)
    assert "No time logged this year." not in text and "No mentor logged time" not in text
    # The mentors' table under a second-level heading, the definitions in the small print of notes.
    from pypdf import PdfReader

    sizes: dict[str, float] = {}
    PdfReader(out).pages[0].extract_text(visitor_text=lambda t, _cm, tm, _font, size: sizes.setdefault(
        t.strip(), round(size * tm[0], 1)) if t.strip() else None)
    assert (sizes["Mentoring hours 2025-2026"], sizes["Mentors' release time"], sizes["Cal du Pont"]) == (18, 12, 8.5)
    notes = [size for t, size in sizes.items() if t.startswith(("Hours: minutes", "Observations: those",
                                                               "Release hours (603", "Hours toward 50 (603"))]
    assert notes == [7.5, 7.5, 7.5, 7.5]


def test_hours_report_pdf_of_an_empty_year_and_refused_formats(session, district, tmp_path):
    from app.services.years import ensure_year

    ensure_year(session, "2030-2031")
    session.commit()
    text = " ".join(_pdf_lines(hours.write_hours_report(session, "2030-2031", tmp_path / "empty.pdf")))
    assert "No time logged this year." in text and "No mentor logged time this year." in text
    empty = tmp_path / "empty.csv"
    hours.write_hours_report(session, "2030-2031", empty)
    with empty.open(newline="", encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle)) == [["employee_id", "name", "school", "hours", "observations",
                                             "hours_toward_50", "release_hours", "role"]]
    with pytest.raises(UsageError) as exc:
        hours.write_hours_report(session, YEAR, tmp_path / "hours.xlsx")
    assert str(exc.value) == "hours.xlsx: the hours report is written as .json, .csv or .pdf"
    assert not (tmp_path / "hours.xlsx").exists()
    with pytest.raises(UsageError) as exc:
        hours.write_hours_report(session, "2031-2032", tmp_path / "later.csv")
    assert str(exc.value) == "no school year 2031-2032 in this database"


def test_hours_report_pdf_columns_fit_the_page(session, district, tmp_path):
    """Each table's columns start where the one before ends (the report's widths, fractions of the text width),
    no header word is broken inside ("Employ / ee ID"), and nothing runs past the right margin."""
    from pypdf import PdfReader

    out = hours.write_hours_report(session, YEAR, tmp_path / "hours.pdf")
    page = PdfReader(out).pages[0]
    cells: list[tuple[str, float, float]] = []
    page.extract_text(visitor_text=lambda text, cm, tm, _font, _size: cells.append(
        (text.strip(), cm[4] + tm[4], cm[5] + tm[5])) if text.strip() else None)
    x = {text: left for text, left, _y in cells}
    margin = x["Educator"] - 6  # a cell's text starts 6 points inside its column
    width = float(page.mediabox.width) - 2 * margin

    def header(first):
        y = next(top for text, _x, top in cells if text == first)
        return [round((left - x[first]) / width, 2) for _t, left, top in cells if top == y]

    assert header("Educator") == [0, 0.18, 0.3, 0.5, 0.58, 0.74, 0.88]
    assert header("Mentor") == [0, 0.26, 0.4, 0.7, 0.85]
    heads = [text for text, _x, _y in cells]
    for word in ("Employee", "Observations", "Toward 50", "Release"):
        assert word in heads, word
    assert max(left for _t, left, _y in cells) < margin + width - 6
# --- the figures behind it, against a plain computation ---------------------------------------------------------


def test_mentor_release_sorted_by_name_with_a_group_session_once(session, district):
    got = hours.mentor_release(session, YEAR)
    assert [(m.employee_id, m.name, m.school, m.minutes, m.release_minutes, m.release_hours) for m in got] == [
        ("M3", "Rosa de Souza", "", 35, 35, 0.6),
        ("M4", "ana Lopez", "North Elementary", 200, 0, 0.0),
        ("M1", "Maria Lopez", "North Elementary", 60 + 90 + 120 + 60, 60 + 120 + 60, 4.0),
        ("M2", "Sam Okafor", "North Elementary", 40 + 25, 0, 0.0),
    ]
    assert [m.educator_id for m in got] == [district[k] for k in ("m3", "m4", "m1", "m2")]
    # The plain computation: every live row of the year, a group session's longest row once for its mentor.
    minutes, freed, groups = defaultdict(int), defaultdict(int), defaultdict(int)
    for log in _live(session):
        if log.group_id is not None:
            groups[(log.mentor_id, log.group_id, log.release_time in ("mentor", "both"))] = max(
                groups[(log.mentor_id, log.group_id, log.release_time in ("mentor", "both"))], log.minutes)
            continue
        minutes[log.mentor_id] += log.minutes
        freed[log.mentor_id] += log.minutes if log.release_time in ("mentor", "both") else 0
    for (mentor, _group, released), longest in groups.items():
        minutes[mentor] += longest
        freed[mentor] += longest if released else 0
    assert {m.educator_id: (m.minutes, m.release_minutes) for m in got} == {
        k: (minutes[k], freed[k]) for k in minutes}
    assert hours.mentor_release(session, "2024-2025")[0].minutes == 50  # June 30, 2025: last year's
    from app.services.years import ensure_year

    ensure_year(session, "2030-2031")
    assert hours.mentor_release(session, "2030-2031") == []


def test_mentor_time_first_and_last_dates(session, district):
    got = hours.mentor_time(session, START, END)
    m1 = got[district["m1"]]
    assert (m1.minutes, m1.first, m1.last, m1.release_minutes) == (330, D(2025, 7, 1), D(2025, 11, 5), 240)
    m2 = got[district["m2"]]
    assert (m2.minutes, m2.first, m2.last, m2.release_minutes) == (65, D(2025, 9, 10), D(2026, 6, 30), 0)
    # Only the group session in the window: its longest row, its date both first and last.
    only = hours.mentor_time(session, D(2025, 11, 5), D(2025, 11, 5))
    assert only == {district["m1"]: hours.MentorTime(60, D(2025, 11, 5), D(2025, 11, 5), 60)}


def test_pair_totals_at_the_window_edges(session, district):
    p = district
    got = hours.pair_totals(session, START, END)
    assert got == {
        p["a1"]: hours.PairTotals(p["a1"], 60 + 90 + 60, 1, 3, D(2025, 11, 5)),
        p["a2"]: hours.PairTotals(p["a2"], 40, 0, 1, D(2026, 6, 30)),
        p["a3"]: hours.PairTotals(p["a3"], 120 + 50, 1, 2, D(2025, 11, 5)),  # the deleted December 20 left out
        p["a4"]: hours.PairTotals(p["a4"], 25, 1, 1, D(2025, 9, 10)),
        p["a5"]: hours.PairTotals(p["a5"], 35, 0, 1, D(2025, 12, 1)),
        p["a6"]: hours.PairTotals(p["a6"], 200, 0, 1, D(2026, 1, 15)),
    }
    assert got[p["a1"]].hours == 3.5 and got[p["a6"]].hours == 3.3
    plain = defaultdict(lambda: [0, 0, 0, None])
    for log in _live(session):
        row = plain[log.assignment_id]
        row[0] += log.minutes
        row[1] += log.activity == "observed_mentee"
        row[2] += 1
        row[3] = max(row[3] or log.date, log.date)
    assert {a: (t.minutes, t.observations, t.entries, t.last_date) for a, t in got.items()} == {
        a: tuple(v) for a, v in plain.items()}
    # A window of one day: June 30, 2025 is last year's pair a0; July 1, 2026 is a2's next year.
    assert hours.pair_totals(session, D(2025, 6, 30), D(2025, 6, 30)) == {
        p["a0"]: hours.PairTotals(p["a0"], 50, 1, 1, D(2025, 6, 30))}
    assert hours.pair_totals(session, D(2026, 7, 1), D(2026, 7, 1)) == {
        p["a2"]: hours.PairTotals(p["a2"], 30, 0, 1, D(2026, 7, 1))}
    assert hours.pair_totals(session, D(2025, 12, 20), D(2025, 12, 20)) == {}  # only a deleted entry


def test_release_minutes_by_pair_the_dashboard_rule(session, district):
    p = district
    got = hours.release_minutes_by_pair(session, START, END)
    # Any release time (mentor, mentee or both); a6's only entry has none; the deleted entry is left out.
    assert got == {p["a1"]: 60 + 60, p["a2"]: 40, p["a3"]: 120 + 50, p["a4"]: 25, p["a5"]: 35}
    plain = defaultdict(int)
    for log in _live(session):
        if log.release_time is not None:
            plain[log.assignment_id] += log.minutes
    assert got == dict(plain)
    assert hours.release_minutes_by_pair(session, D(2025, 6, 30), D(2025, 7, 1)) == {p["a0"]: 50, p["a1"]: 60}
    assert hours.release_minutes_by_pair(session, D(2026, 6, 30), D(2026, 7, 1)) == {p["a2"]: 40 + 30}
    assert hours.release_minutes_by_pair(session, D(2025, 7, 2), D(2025, 9, 9)) == {}


def test_release_minutes_by_person_at_the_edges(session, district):
    p = district
    mentors, mentees = hours.release_minutes_by_person(session, START, END)
    assert mentors == {p["m1"]: 60 + 120 + 60, p["m3"]: 35}  # M2's and M4's entries freed no mentor
    assert mentees == {p["b1"]: 40, p["b2"]: 120, p["i1"]: 25, p["b3"]: 35}
    assert hours.release_minutes_by_person(session, D(2026, 7, 1), D(2026, 7, 1)) == (
        {p["m2"]: 30}, {p["b1"]: 30})


def test_months_and_last_entries(session, district):
    p = district
    months = hours.minutes_by_month(session, START, END)
    assert months == [("2025-07", 60), ("2025-08", 0), ("2025-09", 115), ("2025-10", 120), ("2025-11", 110),
                      ("2025-12", 35), ("2026-01", 200), ("2026-02", 0), ("2026-03", 0), ("2026-04", 0),
                      ("2026-05", 0), ("2026-06", 40)]
    plain = defaultdict(int)
    for log in _live(session):
        plain[f"{log.date:%Y-%m}"] += log.minutes
    assert {k: v for k, v in months if v} == dict(plain)
    assert hours.hours_by_month(session, START, END, [p["b1"], p["b2"]]) == [
        ("Jul 2025", 1.0), ("Aug 2025", 0.0), ("Sep 2025", 1.5), ("Oct 2025", 2.0), ("Nov 2025", 1.8),
        ("Dec 2025", 0.0), ("Jan 2026", 0.0), ("Feb 2026", 0.0), ("Mar 2026", 0.0), ("Apr 2026", 0.0),
        ("May 2026", 0.0), ("Jun 2026", 0.7)]
    assert hours.minutes_by_month(session, D(2025, 6, 30), D(2025, 7, 1), [p["b1"]]) == [
        ("2025-06", 50), ("2025-07", 60)]
    assert hours.minutes_by_month(session, START, D(2025, 8, 31), []) == [("2025-07", 0), ("2025-08", 0)]
    assert hours.last_entry_by_assignment(session) == {
        p["a0"]: D(2025, 6, 30), p["a1"]: D(2025, 11, 5), p["a2"]: D(2026, 7, 1), p["a3"]: D(2025, 11, 5),
        p["a4"]: D(2025, 9, 10), p["a5"]: D(2025, 12, 1), p["a6"]: D(2026, 1, 15)}
    assert hours.any_entries(session, D(2025, 7, 1), D(2025, 7, 1))
    assert hours.any_entries(session, D(2026, 6, 30), D(2026, 6, 30))
    assert not hours.any_entries(session, D(2025, 7, 2), D(2025, 9, 9))
    assert not hours.any_entries(session, D(2025, 12, 20), D(2025, 12, 20))  # only a deleted entry


def test_educator_hours_and_toward_50_against_a_plain_computation(session, district):
    p = district
    rows = hours.educator_hours(session, YEAR)
    assert [r.as_json() for r in rows] == EDUCATORS
    got = {r.employee_id: (r.minutes, r.observations, r.entries, r.minutes_toward_50, r.induction_year,
                           r.release_minutes, r.role) for r in rows}
    assert got == {"B3": (35, 0, 1, 35, None, 35, "teacher"), "B4": (200, 0, 1, 200, None, 0, "teacher"),
                   "B2": (120 + 50, 1, 2, None, "2025-2026", 120, "teacher"),
                   "I1": (25, 1, 1, 15 + 25, None, 25, "teacher"),
                   "B1": (60 + 90 + 40 + 60, 1, 4, 60 + 90 + 40 + 60, "2024-2025", 40, "teacher")}
    # The plain computation of hours toward 50: B1's induction year ended June 30, 2025; B2 is in it;
    # I1 (incoming) and B3, B4 (never enrolled as beginning here) count every entry up to June 30, 2026.
    after = {p["b1"]: D(2025, 6, 30), p["i1"]: D(1900, 1, 1), p["b3"]: D(1900, 1, 1), p["b4"]: D(1900, 1, 1)}
    plain = defaultdict(int)
    for log in _live(session, D(1900, 1, 1), END):
        if log.mentee_id in after and log.date > after[log.mentee_id]:
            plain[log.mentee_id] += log.minutes
    toward = hours.minutes_toward_50(session, END)
    assert toward == {**plain, p["b2"]: None}
    assert hours.minutes_toward_50(session, D(2025, 6, 30)) == {p["b1"]: None, p["i1"]: 15, p["b2"]: None}
    assert hours.minutes_toward_50(session, D(2025, 7, 1), [p["b1"], p["b3"]]) == {p["b1"]: 60}
    assert hours.induction_years(session) == {p["b1"]: ("2024-2025", D(2025, 6, 30)),
                                              p["b2"]: ("2025-2026", D(2026, 6, 30))}
    only = hours.educator_hours(session, YEAR, [p["b2"], p["m1"]], include_idle=True)
    assert [(r.employee_id, r.minutes, r.minutes_toward_50) for r in only] == [("B2", 170, None),
                                                                              ("M1", 0, 0)]


# --- namesakes, idle educators, an enrollment in induction year 2, a district past the 500 mark --------------------


def test_namesakes_idle_educators_and_a_second_year_enrollment(session, district):
    """Two people of the same name (one imported in lower case) ordered by employee ID; an educator enrolled this
    year with no time yet listed only when asked for (never one enrolled only last year); an educator first
    enrolled here in induction year 2 has had the induction year already: their hours count from July 1."""
    from app.models import InductionEnrollment

    p = district
    y24 = session.scalars(select(SchoolYear).where(SchoolYear.label == "2024-2025")).one()
    y25 = session.scalars(select(SchoolYear).where(SchoolYear.label == YEAR)).one()
    north = session.get(Educator, p["m1"]).school
    m0 = _person(session, "M0", "sam", "okafor", north)
    b0 = _person(session, "B0", "Ana", "silva", north)
    b5 = _person(session, "B5", "Eve", "Idle", north)
    b6 = _person(session, "B6", "Gus", "Gone", north)
    b7 = _person(session, "B7", "Kim", "Lee", north)
    session.add_all([InductionEnrollment(educator=b5, school_year=y25, status="beginning", induction_year=1),
                     InductionEnrollment(educator=b6, school_year=y24, status="beginning", induction_year=1),
                     InductionEnrollment(educator=b7, school_year=y25, status="beginning", induction_year=2)])
    a8 = Assignment(mentor=m0, mentee=b0, school_year=y25, start_date=START)
    a9 = Assignment(mentor=m0, mentee=b7, school_year=y25, start_date=START)
    session.add_all([a8, a9])
    session.flush()
    _log(session, a8.id, D(2025, 10, 10), 30)
    _log(session, a9.id, D(2025, 7, 1), 20, "observed_mentee", "mentor")
    session.commit()
    assert [m.employee_id for m in hours.mentor_release(session, YEAR)] == ["M3", "M4", "M1", "M0", "M2"]
    rows = hours.educator_hours(session, YEAR)
    assert [r.employee_id for r in rows] == ["B3", "B4", "B2", "B7", "I1", "B0", "B1"]
    b7_row = rows[3]
    assert (b7_row.name, b7_row.minutes, b7_row.minutes_toward_50, b7_row.induction_year) == (
        "Kim Lee", 20, 20, "2024-2025")
    assert {r.employee_id: r.license_type for r in rows} == {
        "B3": None, "B4": None, "B2": None, "B7": None, "I1": "Initial", "B0": None, "B1": None}
    idle = hours.educator_hours(session, YEAR, include_idle=True)
    assert [r.employee_id for r in idle] == ["B3", "B4", "B2", "B5", "B7", "I1", "B0", "B1"]
    eve = idle[3]
    assert (eve.name, eve.minutes, eve.entries, eve.observations, eve.minutes_toward_50, eve.induction_year,
            eve.release_minutes, eve.progress_50) == ("Eve Idle", 0, 0, 0, None, "2025-2026", 0, None)
    asked = hours.educator_hours(session, YEAR, [b5.id, b6.id, p["b3"]], include_idle=True)
    assert [(r.employee_id, r.minutes, r.minutes_toward_50) for r in asked] == [
        ("B3", 35, 35), ("B6", 0, 0), ("B5", 0, None)]
    assert [r.employee_id for r in hours.educator_hours(session, YEAR, [b5.id, b6.id, p["b3"]])] == ["B3"]
    assert hours.educator_hours(session, YEAR, [b5.id]) == []
    assert hours.induction_years(session, [b7.id]) == {b7.id: ("2024-2025", D(2025, 6, 30))}


def test_induction_years_and_toward_50_asked_one_at_a_time(session, district):
    """Asked for one educator, each gets the figure they get in the whole district's list."""
    p = district
    whole = hours.induction_years(session)
    for key in ("b1", "b2", "i1", "b3"):
        assert hours.induction_years(session, [p[key]]) == {k: v for k, v in whole.items() if k == p[key]}
    toward = hours.minutes_toward_50(session, END)
    for key in ("b1", "b2", "i1", "b3", "b4"):
        assert hours.minutes_toward_50(session, END, [p[key]]) == {p[key]: toward[p[key]]}
    # A deleted entry of B1 after the induction year counts for nothing.
    _log(session, p["a2"], D(2026, 3, 3), 25, deleted=True)
    session.commit()
    assert hours.minutes_toward_50(session, END, [p["b1"]]) == {p["b1"]: 250}


def test_mentor_time_when_a_group_session_comes_first(session, district):
    """M1 in October to June: the group session of November 5 is the first date, an entry of March 10 the last."""
    p = district
    _log(session, p["a3"], D(2026, 3, 10), 30, "planning")
    session.commit()
    got = hours.mentor_time(session, D(2025, 10, 2), END)
    assert got[p["m1"]] == hours.MentorTime(60 + 30, D(2025, 11, 5), D(2026, 3, 10), 60)


def test_months_ending_on_the_first_and_sums_over_sets(session, district):
    p = district
    assert hours.minutes_by_month(session, START, D(2025, 9, 1)) == [("2025-07", 60), ("2025-08", 0), ("2025-09", 0)]
    assert hours.hours_by_month(session, D(2025, 10, 1), D(2025, 10, 1)) == [("Oct 2025", 2.0)]
    per = hours.totals_by_mentee(session, START, END)
    assert hours.sum_totals(per, [p["b1"], p["b2"], p["b1"], p["m1"]]) == hours.Totals(250 + 170, 2, 6, 40 + 120)
    assert hours.sum_totals(per, [p["b4"]]) == hours.Totals(200, 0, 1, 0)
    assert hours.sum_totals(per, []) == hours.Totals(0, 0, 0, 0)
    assert per[p["b3"]] == hours.Totals(35, 0, 1, 35) and per[p["i1"]] == hours.Totals(25, 1, 1, 25)
    assert (hours.duration_text(45), hours.duration_text(60), hours.duration_text(120), hours.duration_text(1175)) == (
        "45 min", "1 h", "2 h", "19 h 35 min")
    assert hours.hours_text(1175) == "19 h 35 min (19.6 hours)"
    assert hours.to_hours(None) is None and hours.to_hours(250) == 4.2


def test_a_district_past_500_mentors_and_mentees(session, pairs):
    """Lists are read 500 ids at a time: 501 pairs, each listed once with its own figures."""
    y25 = session.scalars(select(SchoolYear).where(SchoolYear.label == YEAR)).one()
    people, pairs_ = [], []
    for n in range(501):
        mentor = Educator(id=uuid.uuid4(), employee_id=f"T{n:03d}", first_name="Mentor", last_name=f"M{n:03d}",
                          email=f"t{n}@district.org")
        mentee = Educator(id=uuid.uuid4(), employee_id=f"N{n:03d}", first_name="Mentee", last_name=f"N{n:03d}",
                          email=f"n{n}@district.org")
        people += [mentor, mentee]
        pairs_.append(Assignment(id=uuid.uuid4(), mentor=mentor, mentee=mentee, school_year=y25, start_date=START))
    session.add_all(people + pairs_)
    session.flush()
    session.add_all([TimeLog(id=uuid.uuid4(), assignment_id=a.id, mentor_id=a.mentor.id, mentee_id=a.mentee.id,
                             date=D(2025, 9, 1), minutes=5 + n, activity="meeting", topics=[])
                     for n, a in enumerate(pairs_)])
    session.commit()
    mentors = hours.mentor_release(session, YEAR)
    assert [(m.employee_id, m.minutes) for m in mentors] == [(f"T{n:03d}", 5 + n) for n in range(501)]
    mentees = hours.educator_hours(session, YEAR)
    assert [(r.employee_id, r.minutes, r.minutes_toward_50) for r in mentees] == [
        (f"N{n:03d}", 5 + n, 5 + n) for n in range(501)]


# --- the record of mentoring hours (603 CMR 7.04(2)(c)(4)): the printed record pinned whole -----------------------


def _record(session, educator_id, path, **kw):
    return " ".join(" ".join(_pdf_lines(hours.write_hours_record(session, educator_id, path, **kw))).split())


def test_record_of_mentoring_hours_printed_whole(session, district, tmp_path):
    p = district
    settings.set_value(session, "district_name", "Lakeside Public Schools")
    b1 = session.get(Educator, p["b1"])
    b1.mepid, b1.license_type = "12345678", "Initial"
    session.commit()
    # B1: the induction year 2024-2025 ended June 30, 2025; printed on June 30, 2026 (today).
    text = _record(session, p["b1"], tmp_path / "b1.pdf", today=END)
    for expected in [
        "Record of mentoring hours", "Lakeside Public Schools",
        "For the Professional license application: 50 hours of mentoring beyond the induction year "
        "(603 CMR 7.04(2)(c)(4)). Confidential mentoring notes are not included.",
        "Educator Ana Silva", "Employee ID B1", "MEPID 12345678", "School North Elementary", "License Initial",
        "Induction year 2024-2025", "Time logged up to 6/30/2026 (today, the date this record was printed)",
        "Hours by year, mentor and activity", "School year Mentor Activity Time Counts toward 50",
        "2024-2025 Maria Lopez Observed the mentee teach 50 min no (induction year)",
        "2025-2026 Maria Lopez Meeting 2 h yes",
        "2025-2026 Maria Lopez Observed the mentee teach 1 h 30 min yes",
        "2025-2026 Sam Okafor Planning lessons 40 min yes",
        "Total time logged 5 h (5.0 hours)", "Beyond the induction year 4 h 10 min (4.2 hours)", "Required 50 hours",
        " ".join(hours.DEFINITIONS["hours_toward_50"].split()),
        "Educator: ______________________________ Date: ____________",
        "Mentor: ______________________________ Date: ____________",
        "Induction coordinator: ______________________________ Date: ____________",
    ]:
        assert expected in text, expected
    assert "2026-2027" not in text  # July 1, 2026 is after the record's date
    from pypdf import PdfReader

    sizes: dict[str, float] = {}
    PdfReader(tmp_path / "b1.pdf").pages[0].extract_text(visitor_text=lambda t, _cm, tm, _font, size: sizes.setdefault(
        t.strip(), round(size * tm[0], 1)) if t.strip() else None)
    assert (sizes["Record of mentoring hours"], sizes["Hours by year, mentor and activity"]) == (18, 12)
    assert [size for t, size in sizes.items() if t.startswith("Hours toward 50 (603")] == [7.5]
    # The day before: the June 30 entry is left out, and the date is not "today".
    text = _record(session, p["b1"], tmp_path / "b1-early.pdf", as_of=D(2026, 6, 29), today=END)
    assert "Time logged up to 6/29/2026 Hours by year" in text and "Planning lessons" not in text
    assert "Total time logged 4 h 20 min (4.3 hours)" in text and "Beyond the induction year 3 h 30 min (3.5 hours)" in text
    # A date after today is brought back to today.
    assert "Time logged up to 6/30/2026 (today" in _record(session, p["b1"], tmp_path / "b1-later.pdf",
                                                           as_of=D(2026, 9, 1), today=END)
    # B2 in the induction year up to its last day; B3 never enrolled here, no school, no license, no MEPID.
    text = _record(session, p["b2"], tmp_path / "b2.pdf", as_of=END, today=D(2026, 7, 15))
    assert "Induction year 2025-2026" in text and "Beyond the induction year none yet (in the induction year)" in text
    assert "2025-2026 Maria Lopez Meeting 50 min no (induction year)" in text
    assert "Total time logged 2 h 50 min (2.8 hours)" in text and "Time logged up to 6/30/2026 Hours" in text
    text = _record(session, p["b2"], tmp_path / "b2-after.pdf", as_of=D(2026, 7, 1), today=D(2026, 7, 15))
    assert "Beyond the induction year 0 min (0.0 hours)" in text
    text = _record(session, p["b3"], tmp_path / "b3.pdf", as_of=END, today=END)
    assert "Educator Cal du Pont Employee ID B3 MEPID School License Induction year not recorded in this district" in text
    assert "2025-2026 Rosa de Souza Meeting 35 min yes" in text
    assert "Beyond the induction year 35 min (0.6 hours)" in text
    text = _record(session, p["m1"], tmp_path / "m1.pdf", as_of=END, today=END)
    assert "No mentoring time logged." in text and "Total time logged 0 min (0.0 hours)" in text
    with pytest.raises(UsageError) as exc:
        hours.write_hours_record(session, uuid.uuid4(), tmp_path / "nobody.pdf", today=END)
    assert str(exc.value) == "no such educator"


@pytest.mark.slow
def test_months_for_more_than_5000_mentees(session, pairs):
    """minutes_by_month reads the mentees asked for 5,000 ids at a time (bounded IN lists): 5,001 mentees with
    one entry each, every minute counted once."""
    from sqlalchemy import insert

    y25 = session.scalars(select(SchoolYear).where(SchoolYear.label == YEAR)).one()
    mentor = session.get(Educator, pairs["m1"])
    ids = [uuid.uuid4() for _ in range(5001)]
    pairs_ = [uuid.uuid4() for _ in ids]
    session.execute(insert(Educator), [{"id": e, "employee_id": f"N{n}", "first_name": "Mentee", "last_name": f"N{n}",
                                        "email": f"n{n}@district.org"} for n, e in enumerate(ids)])
    session.execute(insert(Assignment), [{"id": a, "mentor_id": mentor.id, "mentee_id": e, "school_year_id": y25.id,
                                          "start_date": START} for a, e in zip(pairs_, ids)])
    session.execute(insert(TimeLog), [{"id": uuid.uuid4(), "assignment_id": a, "mentor_id": mentor.id, "mentee_id": e,
                                       "date": D(2025, 9, 1), "minutes": 5, "activity": "meeting", "topics": []}
                                      for a, e in zip(pairs_, ids)])
    session.commit()
    months = dict(hours.minutes_by_month(session, START, D(2025, 9, 30), ids))
    assert months == {"2025-07": 0, "2025-08": 0, "2025-09": 5 * 5001}
