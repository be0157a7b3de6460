"""Property tests: the duration parser over every way people write a duration, and the importer over
files mixing good and bad rows (every row accounted for; a second import adds nothing)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.services.timelogs import hours
from app.services.timelogs.imports import format_duration, import_timelogs, parse_duration
from tests.test_timelogs import PUBLIC, TODAY, pairs  # noqa: F401  (fixture)

minutes_st = st.integers(min_value=1, max_value=900)


@given(minutes_st, st.sampled_from(["{m}", "{m} min", "{m} mins", "{m} minutes", "{m}m", " {m} MIN ", "{m} min."]))
def test_minutes_forms(m, pattern):
    assert parse_duration(pattern.format(m=m)) == m


@given(minutes_st)
def test_clock_form(m):
    hours_part, rest = divmod(m, 60)
    assert parse_duration(f"{hours_part}:{rest:02d}") == m


@given(minutes_st, st.sampled_from(["{h} h {r} min", "{h} hour {r} minutes", "{h}h{r}m", "{h}h {r}", "{h} hours and {r} minutes"]))
def test_hours_and_minutes_forms(m, pattern):
    h, r = divmod(m, 60)
    assert parse_duration(pattern.format(h=h, r=r)) == m


@given(st.integers(min_value=1, max_value=40).map(lambda q: q / 4),
       st.sampled_from(["{h} hours", "{h} hour", "{h} hrs", "{h}h", "{h} HOURS"]))
def test_decimal_hours(h, pattern):
    assert parse_duration(pattern.format(h=h)) == round(h * 60)


@given(st.integers(min_value=1, max_value=40).map(lambda q: q / 4))
def test_bare_number_in_an_hours_column(h):
    assert parse_duration(f"{h}", unit="hours") == round(h * 60)


@given(minutes_st)
def test_shown_duration_reads_back(m):
    assert parse_duration(format_duration(m)) == m


@given(st.text(max_size=20))
def test_anything_else_is_a_clear_value_error_or_a_duration(raw):
    try:
        value = parse_duration(raw)
    except ValueError as exc:
        assert str(exc)
    else:
        assert isinstance(value, int) and value >= 0


# --- the importer ----------------------------------------------------------------------------------

mentors = st.sampled_from(["M1", "M2", "m1@district.org", "Maria Lopez", "M9", ""])
mentees = st.sampled_from(["B1", "B2", "I1", "Ben Hart", "X7"])
days = st.dates(min_value=dt.date(2025, 6, 1), max_value=dt.date(2026, 7, 15)).map(
    lambda d: d.isoformat() if d.day % 2 else f"{d.month}/{d.day}/{d.year}")
durations = st.one_of(st.integers(min_value=0, max_value=700).map(str),
                      st.sampled_from(["45 min", "1:30", "1.5 hours", "2 h", "soon", "", "0:03", "11:00"]))
activities = st.sampled_from(["planning", "observed_mentee", "Co-teaching", "Goal setting", "lunch", ""])
rows_st = st.lists(st.tuples(mentors, mentees, days, durations, activities), min_size=1, max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_st)
def test_import_accounts_for_every_row_and_is_idempotent(session, pairs, rows):  # noqa: F811
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "logs.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(PUBLIC)
            for mentor, mentee, day, minutes, activity in rows:
                writer.writerow([mentor, mentee, day, minutes, activity, "", "", "a private note"])
        window = (dt.date(2020, 7, 1), dt.date(2030, 6, 30))
        before = sum(t.minutes for t in hours.totals_by_mentee(session, *window).values())
        first = import_timelogs(session, path, today=TODAY)
        session.commit()
        assert first.new + first.skipped + len(first.rejected) == len(rows)
        for rejected in first.rejected:
            assert rejected.reason and rejected.line >= 2
        after = sum(t.minutes for t in hours.totals_by_mentee(session, *window).values())
        assert (after - before > 0) == (first.new > 0)
        second = import_timelogs(session, path, today=TODAY)
        session.commit()
        assert second.new == 0 and second.skipped == first.new + first.skipped
        assert len(second.rejected) == len(first.rejected)
        assert sum(t.minutes for t in hours.totals_by_mentee(session, *window).values()) == after


@pytest.mark.parametrize("raw", ["1:75", "one hour", "45 minutes later", "h", "--5"])
def test_bad_durations_say_how_to_write_one(raw):
    with pytest.raises(ValueError, match="use 45, 45 min, 1.5 hours or 1:30|not a duration"):
        parse_duration(raw)
