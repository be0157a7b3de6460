"""Property tests: whatever a spreadsheet holds, the importers never crash, never half-write, and
every rejected row carries its line and a reason; and every valid row among random ones is imported,
with the fields it gave (so an importer that rejects everything fails here)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.models import Educator
from app.services.roster.educators import ROSTER_FIELDS
from app.errors import MentorDeskError
from app.services.roster.files import import_roster

from tests.properties import budget

PROPERTY = settings(max_examples=budget(40, 100), suppress_health_check=[HealthCheck.function_scoped_fixture])

# Plausible and implausible cell values, mixed: real-looking values make rows pass sometimes.
cell = st.one_of(
    st.sampled_from(["", "E1", "E2", "Ana", "Initial", "Professional", "Proficient", "teacher", "K-2",
                     "9-12", "2025-08-20", "8/20/2025", "2/30/2025", "-1", "3", "x", "beginning", "N/A"]),
    st.text(max_size=12),
)
row = st.fixed_dictionaries({f: cell for f in ROSTER_FIELDS})

# Valid rows: every field either blank or a value the rules accept, in the forms spreadsheets hold.
# Their employee ids ("V...") are unique and never drawn for a random row ("R..." prefixed below).
# Dates the rules accept whatever day the suite runs: from 1950 on (issue 19), a hire up to the end of
# next school year, a training done by today (here: by the end of 2025).
_valid_date = st.dates(dt.date(1990, 1, 1), dt.date(2025, 12, 31))
valid_row = st.fixed_dictionaries({
    "first_name": st.sampled_from(["Ana", "Bo", "Chen", "Dee"]),
    "last_name": st.sampled_from(["Silva", "Ng", "O'Brien", "Park-Lee"]),
    "email": st.sampled_from(["", "a.silva@district.org"]),
    "mepid": st.sampled_from(["", "12345678", "345"]),
    "school": st.sampled_from(["", "Lincoln", "Adams"]),
    "role": st.sampled_from(["", "teacher", "Teacher", "administrator"]),
    "position": st.sampled_from(["", "Grade 3 teacher"]),
    "subjects": st.sampled_from(["", "Mathematics", "Mathematics; Biology"]),
    "grades": st.sampled_from(["", "K-2", "9-12", "3"]),
    "license_type": st.sampled_from(["", "Initial", "Professional", "Provisional", "temporary"]),
    "years_experience": st.sampled_from(["", "0", "3", "12"]),
    "hire_date": st.one_of(st.just(""), _valid_date.map(lambda d: d.isoformat()),
                           _valid_date.map(lambda d: f"{d.month}/{d.day}/{d.year}")),
    "exit_date": st.just(""),
    "last_rating": st.sampled_from(["", "Proficient", "Exemplary", "Needs Improvement"]),
    "rating_year": st.sampled_from(["", "2024"]),
    "mentor_trained_on": st.one_of(st.just(""), _valid_date.map(lambda d: d.isoformat())),
    "induction_status": st.sampled_from(["", "beginning", "none"]),
    "planning_periods": st.sampled_from(["", "1", "2; 5"]),
    "room": st.sampled_from(["", "101"]),
})


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ROSTER_FIELDS)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _count(database) -> int:  # type: ignore[no-untyped-def]
    with database.read() as s:
        return s.scalar(select(func.count(Educator.id)).execution_options(include_deleted=True))


@PROPERTY
@given(rows=st.lists(row, max_size=8), strict=st.booleans())
def test_random_rows_are_accounted_for_and_never_half_written(tmp_path_factory, database, rows, strict):
    path = _write(tmp_path_factory.mktemp("p") / "roster.csv", rows)
    before = _count(database)
    with database.unit_of_work() as session:
        report = import_roster(session, path, year_label="2025-2026", strict=strict)
    filled = [r for r in rows if any(value.strip() for value in r.values())]  # blank rows are skipped
    assert report.new + report.changed + report.unchanged + len(report.rejected) == len(filled)
    for rejected in report.rejected:
        assert 2 <= rejected.line <= len(rows) + 1 and rejected.reason
    expected = before if (strict and report.rejected) else before + report.new
    assert _count(database) == expected


@PROPERTY
@given(data=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_random_bytes_give_a_clear_error_or_rejections_never_a_crash(tmp_path_factory, database, data, suffix):
    path = tmp_path_factory.mktemp("b") / f"roster{suffix}"
    path.write_bytes(data)
    before = _count(database)
    try:
        with database.unit_of_work() as session:
            report = import_roster(session, path, strict=True)
    except MentorDeskError as exc:
        assert path.name in str(exc) or str(exc)
        assert _count(database) == before
        return
    assert all(r.line >= 2 and r.reason for r in report.rejected)


def _names(database) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    with database.read() as s:
        return {e.employee_id: (e.first_name, e.last_name) for e in s.scalars(select(Educator))}


@PROPERTY
@given(valid=st.lists(valid_row, max_size=5), noise=st.lists(row, max_size=4), data=st.data())
@example(valid=[dict.fromkeys(ROSTER_FIELDS[1:], "") | {"first_name": "Ana", "last_name": "Silva"}], noise=[],
         data=None)  # a row with only the required fields
def test_every_valid_row_is_imported_among_random_ones(tmp_path_factory, database, valid, noise, data):
    """The rows that follow the rules go in with their names, whatever is around them (non-strict).
    An importer that rejects every row, or drops a good row next to a bad one, fails here."""
    good = [{"employee_id": f"V{k}", **r} for k, r in enumerate(valid)]
    bad = [{**r, "employee_id": "R" + r["employee_id"]} for r in noise]  # never a V id
    rows = good + bad
    if data is not None:
        rows = data.draw(st.permutations(rows))
    path = _write(tmp_path_factory.mktemp("v") / "roster.csv", rows)
    with database.unit_of_work() as session:
        report = import_roster(session, path, year_label="2025-2026")
    rejected = {r.line for r in report.rejected}
    good_lines = {k + 2 for k, r in enumerate(rows) if r["employee_id"].startswith("V")}
    assert not rejected & good_lines, [x.reason for x in report.rejected]
    names = _names(database)  # the database is shared by the examples: a V row may update an earlier one
    for r in good:
        assert names[r["employee_id"]] == (r["first_name"], r["last_name"])
    assert report.new + report.changed + report.unchanged >= len(good)
