"""School calendars: "Propose times" never proposes a Massachusetts holiday or a district no-school day
(typed in Settings or imported from CSV or ICS); an event saved on one is flagged, not refused; hostile
calendar files give row errors like every import."""

from __future__ import annotations

import csv
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from app.errors import ValidationError
from app.services import scheduling, settings
from app.services.district.settings_form import as_text, save_settings
from app.services.scheduling import EventInput
from app.services.scheduling.school_days import import_no_school_days
from app.services.tabular import FileFormatError
from tests.scheduling_fixtures import YEAR, make_district

NY = ZoneInfo("America/New_York")
D = dt.date


@pytest.fixture
def district(session):
    return make_district(session)


def _propose(session, district, after: dt.date, count: int, **kw) -> list[dt.date]:
    proposals = scheduling.propose_times(session, YEAR, [district.beginner.id, district.mentor.id], 40,
                                         after=dt.datetime.combine(after, dt.time(6, 0), NY), count=count,
                                         after_school=False, **kw)
    return [p.start.astimezone(NY).date() for p in proposals]


def _third_monday_of_april(year: int) -> dt.date:
    first = D(year, 4, 1)
    return first + dt.timedelta(days=(7 - first.weekday()) % 7 + 14)


def test_thanksgiving_is_skipped_the_days_around_it_are_not(session, district):
    # Thanksgiving 2026 is Thursday 11/26 (M.G.L. c. 4, s. 7); the Friday after is a school day unless typed.
    assert _propose(session, district, D(2026, 11, 25), 3) == [D(2026, 11, 25), D(2026, 11, 27), D(2026, 11, 30)]
    assert _propose(session, district, D(2026, 11, 26), 1) == [D(2026, 11, 27)]


def test_patriots_day_is_skipped(session, district):
    patriots = _third_monday_of_april(2027)
    assert patriots == D(2027, 4, 19) and patriots.weekday() == 0
    days = _propose(session, district, D(2027, 4, 16), 3)
    assert days == [D(2027, 4, 16), D(2027, 4, 20), D(2027, 4, 21)]  # Friday before, then Tuesday after


def test_a_typed_vacation_week_is_skipped_edges_included(session, district):
    save_settings(session, {"no_school_days": "3/8/2027-3/12/2027 March vacation; 2027-03-17 PD day"})
    stored = settings.get(session, "no_school_days")
    assert stored == [{"start": "2027-03-08", "end": "2027-03-12", "label": "March vacation"},
                      {"start": "2027-03-17", "end": "2027-03-17", "label": "PD day"}]
    assert as_text("no_school_days", stored) == "3/8/2027-3/12/2027 March vacation; 3/17/2027 PD day"
    # The Friday before and the Monday after are proposed; nothing from the first day to the last.
    assert _propose(session, district, D(2027, 3, 5), 4) == [D(2027, 3, 5), D(2027, 3, 15), D(2027, 3, 16),
                                                              D(2027, 3, 18)]
    assert _propose(session, district, D(2027, 3, 8), 1) == [D(2027, 3, 15)]  # asked on the first day
    assert _propose(session, district, D(2027, 3, 12), 1) == [D(2027, 3, 15)]  # asked on the last day


def test_a_whole_year_of_proposals_avoids_every_closed_day(session, district):
    save_settings(session, {"no_school_days": "12/21/2026-1/1/2027 Winter recess"})
    days = _propose(session, district, D(2026, 9, 1), 400, horizon_days=365)
    assert len(days) > 150
    closed = {D(2026, 11, 26), _third_monday_of_april(2027), D(2026, 10, 12), D(2026, 11, 11), D(2027, 1, 18)}
    closed |= {D(2026, 12, 21) + dt.timedelta(days=i) for i in range(12)}
    assert not closed & set(days)
    assert D(2026, 12, 18) in days and D(2027, 1, 4) in days


def test_typed_days_that_cannot_be_read_are_refused_with_the_entry(session, district):
    for text, reason in (("2/30/2027 Storm", "entry 1: no such day"),
                         ("3/1/2027 ok; 3/12/2027-3/8/2027 Backwards", "entry 2: ends (3/8/2027) before"),
                         ("Thanksgiving", "entry 1: write a date"),
                         ("9/1/2026-6/30/2027 The whole year", "longer than 62 days")):
        with pytest.raises(ValidationError) as info:
            save_settings(session, {"no_school_days": text})
        assert reason in str(info.value), text
    assert settings.get(session, "no_school_days") is None


def test_an_event_on_a_closed_day_is_saved_and_flagged(session, district):
    save_settings(session, {"no_school_days": "3/12/2027 PD day"})
    result = scheduling.save_event(session, YEAR, EventInput(
        "support_team", "Team meeting", dt.datetime(2026, 11, 26, 10, 0), 30, educator_ids=[district.mentor.id]))
    assert scheduling.get_event(session, result.event_id).title == "Team meeting"  # saved, not refused
    assert [(d.date, d.label) for d in result.closed_days] == [(D(2026, 11, 26), "Thanksgiving Day")]
    assert result.warnings == ["No school on Thu 11/26/2026 (Thanksgiving Day)"]
    # A weekly series is flagged on each of its days without school, and only those.
    series = scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Peer group", dt.datetime(2027, 3, 5, 15, 0), 45, educator_ids=[district.mentor2.id],
        recurrence="weekly", repeat_until=D(2027, 4, 30)))
    assert [(d.date, d.label) for d in series.closed_days] == [(D(2027, 3, 12), "PD day")]
    plain = scheduling.save_event(session, YEAR, EventInput(
        "other", "Ordinary", dt.datetime(2026, 11, 25, 10, 0), 30, educator_ids=[district.mentor.id]))
    assert plain.closed_days == () and plain.warnings == []


CSV_TEXT = (
    "Date,Start,End,Label\n"
    "11/27/2026,,,Day after Thanksgiving\n"           # 2: new
    ",12/21/2026,1/1/2027,Winter recess\n"            # 3: new range
    "13/45/2026,,,Bad month\n"                        # 4: rejected (no such day)
    ",2/19/2027,2/15/2027,Backwards\n"                # 5: rejected (ends before it starts)
    ",,,No date at all\n"                             # 6: rejected (required)
    "Feb 30,,,No such day\n"                          # 7: rejected (not a date)
    ",1/1/2026,12/31/2026,A whole year\n"             # 8: rejected (too long)
    "11/27/2026,,,Day after Thanksgiving\n"           # 9: a repeat of line 2: skipped
    "3/12/2027,,,PD\u200b day\n"                     # 10: new, the zero-width space removed
    "1/1/1850,,,Long ago\n"                           # 11: rejected (year)
)


def test_csv_import_adds_days_and_rejects_bad_rows(session, district, tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    report = import_no_school_days(session, path)
    assert (report.new, report.changed, report.skipped) == (3, 0, 1)
    assert [r.line for r in report.rejected] == [4, 5, 6, 7, 8, 11]
    reasons = {r.line: r.reason for r in report.rejected}
    assert "no such day" in reasons[4] and "before it starts" in reasons[5] and "is required" in reasons[6]
    assert "not a date" in reasons[7] and "longer than 62 days" in reasons[8] and "2000 and 2100" in reasons[11]
    assert as_text("no_school_days", settings.get(session, "no_school_days")) == (
        "11/27/2026 Day after Thanksgiving; 12/21/2026-1/1/2027 Winter recess; 3/12/2027 PD day")
    assert _propose(session, district, D(2026, 11, 25), 2) == [D(2026, 11, 25), D(2026, 11, 30)]
    # Imported again with a new label: changed, not doubled.
    path.write_text("date,label\n11/27/2026,Thanksgiving recess\n3/12/2027,PD day\n", encoding="utf-8")
    again = import_no_school_days(session, path)
    assert (again.new, again.changed, again.unchanged) == (0, 1, 1)
    assert len(settings.get(session, "no_school_days")) == 3


def test_csv_without_a_date_column_is_refused(session, district, tmp_path):
    path = tmp_path / "calendar.csv"
    path.write_text("when,what\n11/27/2026,x\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="no column for date"):
        import_no_school_days(session, path)


ICS_TEXT = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//District//Calendar//EN",
    "BEGIN:VEVENT", "UID:1@d", "SUMMARY:Thanksgiving recess", "DTSTART;VALUE=DATE:20261125",
    "DTEND;VALUE=DATE:20261128", "END:VEVENT",                                         # line 4: 11/25-11/27
    "BEGIN:VEVENT", "UID:2@d", "SUMMARY:Early release", "DTSTART:20261202T170000Z",
    "DTEND:20261202T200000Z", "END:VEVENT",                                            # line 10: timed: warning
    "BEGIN:VEVENT", "UID:3@d", "SUMMARY:Broken", "DTSTART;VALUE=DATE:20261399", "END:VEVENT",  # line 16
    "BEGIN:VEVENT", "UID:4@d", "SUMMARY:No start", "END:VEVENT",                       # line 21
    "BEGIN:VEVENT", "UID:5@d", "SUMMARY:Backwards", "DTSTART;VALUE=DATE:20270310",
    "DTEND;VALUE=DATE:20260101", "END:VEVENT",                                         # line 25: rejected
    "BEGIN:VEVENT", "UID:6@d", "SUMMARY:Forever", "DTSTART;VALUE=DATE:20260901",
    "DTEND;VALUE=DATE:20270701", "END:VEVENT",                                         # line 31: too long
    "BEGIN:VEVENT", "UID:7@d", "SUMMARY:PD day", "DTSTART;VALUE=DATE:20270312",
    "RRULE:FREQ=YEARLY", "END:VEVENT",                                                 # line 37: first only
    "END:VCALENDAR", ""])


def test_ics_import_reads_all_day_events_and_reports_the_rest(session, district, tmp_path):
    path = tmp_path / "district.ics"
    path.write_text(ICS_TEXT, encoding="utf-8")
    report = import_no_school_days(session, path)
    assert [(r.line, r.problems[0].field) for r in report.rejected] == [(16, "dtstart"), (21, "dtstart"),
                                                                        (25, "dtend"), (31, "dtend")]
    assert [(w.line, w.message.split(":")[0]) for w in report.warnings] == [
        (10, "not an all-day event (it has a time)"), (37, "repeats")]
    assert report.new == 2 and report.written
    assert "before it starts" in report.rejected[2].reason
    assert as_text("no_school_days", settings.get(session, "no_school_days")) == (
        "11/25/2026-11/27/2026 Thanksgiving recess; 3/12/2027 PD day")
    assert _propose(session, district, D(2026, 11, 24), 2) == [D(2026, 11, 24), D(2026, 11, 30)]


@pytest.mark.parametrize("content", [b"\x00\xff\xfe garbage \x01", b"BEGIN:VCALENDAR\r\nthis is not\r\n:::\r\n",
                                     b"Date,Label\r\n11/27/2026,x\r\n"])
def test_a_file_that_is_not_a_calendar_is_refused_whole(session, district, tmp_path, content):
    path = tmp_path / "district.ics"
    path.write_bytes(content)
    with pytest.raises(FileFormatError):
        import_no_school_days(session, path)
    assert settings.get(session, "no_school_days") is None


def test_cli_import_dry_run_strict_and_errors_file(run_cli, tmp_path, database):
    path = tmp_path / "calendar.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    errors = tmp_path / "errors.csv"
    code, out, _err = run_cli("import", "no-school-days", path, "--dry-run")
    assert code == 1 and "Dry run, nothing written: 3 new" in out and "rejected: line 4: date:" in out
    code, out, _err = run_cli("import", "no-school-days", path, "--strict")
    assert code == 1 and "Nothing written" in out
    with database.read() as s:
        assert settings.get(s, "no_school_days") is None
    code, out, _err = run_cli("import", "no-school-days", path, "--errors", errors)
    assert code == 1 and out.startswith("3 new")
    with errors.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["line"] for r in rows] == ["4", "5", "6", "7", "8", "11"]
    assert rows[0]["Label"] == "Bad month"
    with database.read() as s:
        assert len(settings.get(s, "no_school_days")) == 3
    ics = tmp_path / "ok.ics"
    ics.write_text(ICS_TEXT.replace("20261399", "20261201"), encoding="utf-8")
    code, out, _err = run_cli("import", "no-school-days", ics)
    assert code == 1 and "warning: line 10: not an all-day event" in out
    code, _out, err = run_cli("import", "no-school-days", tmp_path / "missing.ics")
    assert code == 1 and "no such file" in err
