"""Calendar files: parsed back with icalendar and checked field by field (RFC 5545 as Outlook and
Google need it; the ORGANIZER that RFC 5546 requires of a METHOD:PUBLISH object with attendees),
UIDs stable across exports, RRULE with EXDATE, SEQUENCE after a change, filters (a school's file
with the district-wide events), and the command line."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from app.services import scheduling
from app.services import settings as district_settings
from app.errors import UsageError
from app.services.scheduling.ics import build_calendar, export_ics
from app.services.scheduling import EventInput
from tests.scheduling_fixtures import YEAR, make_district

NY = ZoneInfo("America/New_York")


@pytest.fixture
def district(session):
    d = make_district(session)
    d.series = scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Beginning teachers' peer group", dt.datetime(2026, 10, 20, 15, 15), 45,
        school_id=d.school.id, location="Library", educator_ids=[d.beginner.id, d.late.id],
        outsiders=[("Dr. Kim", "kim@college.edu")], recurrence="weekly", repeat_until=dt.date(2026, 12, 15),
        notes="SECRET coordinator note")).event_id
    scheduling.skip_occurrence(session, d.series, dt.date(2026, 11, 24))  # Thanksgiving week
    d.single = scheduling.save_event(session, YEAR, EventInput(
        "support_team", "Ana Silva: support team", dt.datetime(2026, 8, 24, 13, 0), 60, school_id=d.school.id,
        mentee_id=d.beginner.id, educator_ids=[d.beginner.id, d.mentor.id, d.principal.id])).event_id
    d.other_school = scheduling.save_event(session, YEAR, EventInput(
        "mentor_training", "Mentor training", dt.datetime(2026, 9, 30, 15, 30), 120,
        educator_ids=[d.mentor2.id])).event_id  # district-wide: no school
    district_settings.set_value(session, "district_name", "Lincoln Public Schools")
    district_settings.set_value(session, "coordinator_email", "induction@lincoln.k12.ma.us")
    session.commit()
    return d


def _parse(path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(path.read_bytes())


def _events(cal) -> dict[str, icalendar.Event]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_calendar_file_fields(session, district, tmp_path):
    path, count = export_ics(session, YEAR, tmp_path / "year.ics")
    assert count == 3
    raw = path.read_bytes()
    assert b"SECRET" not in raw  # the coordinator's notes never leave the database
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    cal = _parse(path)
    assert str(cal["version"]) == "2.0" and str(cal["prodid"]).startswith("-//MentorDesk//")
    zones = cal.walk("VTIMEZONE")
    assert len(zones) == 1 and str(zones[0]["tzid"]) == "America/New_York"
    assert {c.name for c in zones[0].subcomponents} == {"STANDARD", "DAYLIGHT"}
    events = _events(cal)
    series = events["Beginning teachers' peer group"]
    # Local wall-clock time with TZID, never UTC 'Z'.
    assert b"DTSTART;TZID=America/New_York:20261020T151500" in raw
    start = series.decoded("dtstart")
    assert start == dt.datetime(2026, 10, 20, 15, 15, tzinfo=NY) and start.tzinfo.key == "America/New_York"
    assert series.decoded("dtend") - start == dt.timedelta(minutes=45)
    assert series.decoded("dtstamp").tzinfo is not None and series.decoded("dtstamp").utcoffset() == dt.timedelta(0)
    assert str(series["uid"]) == f"{district.series}@mentordesk"
    rule = series["rrule"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["INTERVAL"] == [1]
    assert rule["UNTIL"][0] == dt.datetime(2026, 12, 16, 4, 59, 59, tzinfo=dt.timezone.utc)
    exdates = [d.dt for d in series["exdate"].dts]
    assert exdates == [dt.datetime(2026, 11, 24, 15, 15, tzinfo=NY)]
    assert int(series["sequence"]) == 1  # the exception changed it once
    assert str(series["location"]) == "Library"
    attendees = sorted(str(a) for a in series.get("attendee"))
    assert attendees == ["mailto:ana.silva@district.org", "mailto:ben.hart@district.org", "mailto:kim@college.edu"]
    # RFC 5546 3.2.1: a PUBLISH names its ORGANIZER; here the induction coordinator (the setting),
    # with the program as CN, on every event.
    assert str(cal["method"]) == "PUBLISH"
    assert b'ORGANIZER;CN="Lincoln Public Schools induction program":mailto:induction@lincoln.k12.ma.us' in \
        raw.replace(b"\r\n ", b"")  # unfolded
    for event in cal.walk("VEVENT"):
        assert str(event["organizer"]) == "mailto:induction@lincoln.k12.ma.us"
        assert str(event["organizer"].params["CN"]) == "Lincoln Public Schools induction program"
    single = events["Ana Silva: support team"]
    assert "rrule" not in single and single.decoded("dtstart") == dt.datetime(2026, 8, 24, 13, 0, tzinfo=NY)
    assert "Support-team meeting" in str(single["description"])


def test_occurrences_from_the_file_match_the_service(session, district, tmp_path):
    """What a calendar program expands from RRULE/EXDATE is what the app shows."""
    from dateutil.rrule import rrulestr

    cal = _parse(export_ics(session, YEAR, tmp_path / "year.ics")[0])
    series = _events(cal)["Beginning teachers' peer group"]
    start = series.decoded("dtstart")
    rule = rrulestr(series["rrule"].to_ical().decode(), dtstart=start)
    skipped = {d.dt for d in series["exdate"].dts}
    from_file = [d for d in rule if d not in skipped]
    shown = scheduling.occurrences_of(scheduling.get_event(session, district.series), NY)
    assert [d.astimezone(dt.timezone.utc) for d in from_file] == [o.start for o in shown]
    assert len(shown) == 8  # Oct 20 to Dec 15, less Thanksgiving week


def test_uids_stable_and_sequence_rises_on_change(session, district, tmp_path):
    first = _parse(export_ics(session, YEAR, tmp_path / "a.ics")[0])
    second = _parse(export_ics(session, YEAR, tmp_path / "b.ics")[0])
    assert (tmp_path / "a.ics").read_bytes() == (tmp_path / "b.ics").read_bytes()  # nothing changed
    uids = {str(e["uid"]): int(e["sequence"]) for e in first.walk("VEVENT")}
    assert uids == {str(e["uid"]): int(e["sequence"]) for e in second.walk("VEVENT")}
    scheduling.move_event(session, district.single, dt.datetime(2026, 8, 25, 9, 0, tzinfo=NY))
    session.commit()
    third = _parse(export_ics(session, YEAR, tmp_path / "c.ics")[0])
    after = {str(e["uid"]): e for e in third.walk("VEVENT")}
    assert set(after) == set(uids)  # the same entries, updated, not duplicated
    moved = after[f"{district.single}@mentordesk"]
    assert int(moved["sequence"]) == uids[f"{district.single}@mentordesk"] + 1
    assert moved.decoded("dtstart") == dt.datetime(2026, 8, 25, 9, 0, tzinfo=NY)


def test_cancelled_event_is_exported_cancelled(session, district):
    scheduling.set_status(session, district.other_school, "cancelled")
    events = _events(build_calendar(session, YEAR))
    assert str(events["Mentor training"]["status"]) == "CANCELLED"


def test_organizer_named_from_settings_or_the_export_and_never_made_up(session, district, tmp_path):
    district_settings.set_value(session, "coordinator_name", "Dana Cruz, induction coordinator")
    cal = build_calendar(session, YEAR, organizer_email="mailto:dcruz@lincoln.k12.ma.us")  # given: wins
    for event in cal.walk("VEVENT"):
        assert str(event["organizer"]) == "mailto:dcruz@lincoln.k12.ma.us"
        assert str(event["organizer"].params["CN"]) == "Dana Cruz, induction coordinator"
    with pytest.raises(UsageError, match="not an email address"):
        build_calendar(session, YEAR, organizer_email="Dana Cruz")
    # No email anywhere: no address to name, and none is invented. A plain calendar (no METHOD,
    # no ORGANIZER, no ATTENDEE: RFC 5545 3.8.4.3 ties attendees to an organizer), the attendees
    # named in each description.
    district_settings.set_value(session, "coordinator_email", None)
    path, count = export_ics(session, YEAR, tmp_path / "plain.ics")
    raw = path.read_bytes()
    assert count == 3 and b"METHOD" not in raw and b"ORGANIZER" not in raw and b"ATTENDEE" not in raw
    series = _events(_parse(path))["Beginning teachers' peer group"]
    assert "Attendees: Ana Silva, Ben Hart, Dr. Kim" in str(series["description"])


def test_filters_by_school_and_person(session, district):
    from app.models import School, derived_id

    elsewhere = School(id=derived_id("school", "Adams Middle School"), name="Adams Middle School")
    session.add(elsewhere)
    session.flush()
    scheduling.save_event(session, YEAR, EventInput(
        "peer_group", "Adams peer group", dt.datetime(2026, 10, 21, 15, 15), 45, school_id=elsewhere.id,
        educator_ids=[district.mentor2.id]))
    # A school's file: its own events and the district-wide ones (orientation, mentor training),
    # never another school's.
    by_school = _events(build_calendar(session, YEAR, school="lincoln elementary"))
    assert set(by_school) == {"Beginning teachers' peer group", "Ana Silva: support team", "Mentor training"}
    adams = _events(build_calendar(session, YEAR, school="Adams Middle School"))
    assert set(adams) == {"Adams peer group", "Mentor training"}
    by_person = _events(build_calendar(session, YEAR, person="M2"))
    assert set(by_person) == {"Mentor training", "Adams peer group"}
    mentee = _events(build_calendar(session, YEAR, person="B1"))
    assert set(mentee) == {"Beginning teachers' peer group", "Ana Silva: support team"}


def test_command_line(run_cli, session, district, tmp_path):
    out = tmp_path / "ana.ics"
    code, stdout, _ = run_cli("export", "ics", "--year", YEAR, "--person", "B1", "--out", str(out))
    assert code == 0 and "2 events, organizer induction@lincoln.k12.ma.us" in stdout
    assert len(_parse(out).walk("VEVENT")) == 2
    code, stdout, _ = run_cli("export", "ics", "--year", YEAR, "--person", "B1", "--organizer", "ana@x.org",
                              "--out", str(out))
    assert code == 0 and "organizer ana@x.org" in stdout
    assert str(_parse(out).walk("VEVENT")[0]["organizer"]) == "mailto:ana@x.org"
    code, _, err = run_cli("export", "ics", "--year", YEAR, "--organizer", "nobody", "--out", str(out))
    assert code == 2 and "not an email address" in err
    code, _, err = run_cli("export", "ics", "--year", YEAR, "--school", "Nowhere High", "--out", str(out))
    assert code == 2 and "no school named 'Nowhere High'" in err and "Lincoln Elementary" in err
    code, _, err = run_cli("export", "ics", "--year", YEAR, "--out", str(tmp_path / "x.txt"))
    assert code == 2 and ".ics" in err


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.integers(0, 300), hour=st.integers(6, 20), minute=st.sampled_from((0, 15, 30, 45)),
       recurrence=st.sampled_from(("weekly", "biweekly", "monthly")), weeks=st.integers(1, 40),
       skips=st.lists(st.integers(0, 12), max_size=3))
def test_any_series_expands_the_same_in_the_file(session, district, day, hour, minute, recurrence, weeks, skips):
    """Whatever the series (start, kind, end, exceptions; across both daylight-saving changes), a
    calendar program expanding RRULE and EXDATE from the file gets exactly the app's occurrences."""
    from dateutil.rrule import rrulestr

    start = dt.datetime.combine(dt.date(2026, 8, 1) + dt.timedelta(days=day), dt.time(hour, minute))
    until = min(start.date() + dt.timedelta(weeks=weeks), dt.date(2027, 6, 30))
    nested = session.begin_nested()
    try:
        event_id = scheduling.save_event(session, YEAR, EventInput(
            "peer_group", "Series", start, 30, recurrence=recurrence, repeat_until=until)).event_id
        shown = scheduling.occurrences_of(scheduling.get_event(session, event_id), NY)
        for index in sorted(set(skips)):
            if index < len(shown):
                scheduling.skip_occurrence(session, event_id, shown[index].date)
        shown = scheduling.occurrences_of(scheduling.get_event(session, event_id), NY)
        vevent = next(e for e in build_calendar(session, YEAR).walk("VEVENT") if str(e["summary"]) == "Series")
        first = vevent.decoded("dtstart")
        rule = rrulestr(vevent["rrule"].to_ical().decode(), dtstart=first)
        skipped = {d.dt for d in vevent["exdate"].dts} if "exdate" in vevent else set()
        from_file = [d.astimezone(dt.timezone.utc) for d in rule if d not in skipped]
        assert from_file == [o.start for o in shown]
        assert all(o.start.astimezone(NY).time() == dt.time(hour, minute) for o in shown)
    finally:
        nested.rollback()


# --- the time zone as yearly rules (issue 20 item 3) --------------------------------------------------

DST_EDGES = [  # (title, local wall-clock start): both sides of both changes of the 2026-2027 year
    ("Before fall back", dt.datetime(2026, 10, 30, 15, 0)),   # Friday; EDT (-4)
    ("Fall-back Sunday", dt.datetime(2026, 11, 1, 9, 0)),     # the change was at 2:00 that morning; EST
    ("After fall back", dt.datetime(2026, 11, 2, 15, 0)),     # Monday; EST (-5)
    ("Before spring forward", dt.datetime(2027, 3, 12, 15, 0)),  # Friday; EST
    ("Spring-forward Sunday", dt.datetime(2027, 3, 14, 9, 0)),   # EDT since 3:00
    ("After spring forward", dt.datetime(2027, 3, 15, 15, 0)),   # Monday; EDT
]


def _file_zone(raw: bytes):  # type: ignore[no-untyped-def]
    """The VTIMEZONE as a calendar program reads it: dateutil's RFC 5545 parser, not the zone database."""
    import io

    from dateutil.tz import tzical

    text = raw.decode().replace("\r\n ", "")
    block = text[text.index("BEGIN:VTIMEZONE"):text.index("END:VTIMEZONE") + len("END:VTIMEZONE")]
    return tzical(io.StringIO(block)).get("America/New_York")


def test_time_zone_is_yearly_rules_and_events_keep_their_local_time_across_both_changes(session, district, tmp_path):
    ids = {title: scheduling.save_event(session, YEAR, EventInput(
        "peer_group", title, start, 60, school_id=district.school.id, educator_ids=[district.beginner.id])).event_id
        for title, start in DST_EDGES}
    session.commit()
    path, _ = export_ics(session, YEAR, tmp_path / "year.ics")
    raw = path.read_bytes()
    cal = _parse(path)
    (zone,) = cal.walk("VTIMEZONE")
    parts = {c.name: c for c in zone.subcomponents}
    assert set(parts) == {"STANDARD", "DAYLIGHT"} and b"RDATE" not in raw
    daylight, standard = parts["DAYLIGHT"], parts["STANDARD"]
    assert daylight["rrule"]["FREQ"] == ["YEARLY"] and daylight["rrule"]["BYMONTH"] == [3]
    assert daylight["rrule"]["BYDAY"] == ["2SU"] and standard["rrule"]["BYDAY"] == ["1SU"]
    assert standard["rrule"]["BYMONTH"] == [11]
    assert daylight.decoded("dtstart").time() == dt.time(2, 0) == standard.decoded("dtstart").time()
    assert (daylight["tzoffsetfrom"].td, daylight["tzoffsetto"].td) == (dt.timedelta(hours=-5), dt.timedelta(hours=-4))
    assert (standard["tzoffsetfrom"].td, standard["tzoffsetto"].td) == (dt.timedelta(hours=-4), dt.timedelta(hours=-5))
    # Each event read with the file's own zone: the wall-clock time it was made for, at the right instant.
    file_zone = _file_zone(raw)
    events = _events(cal)
    for title, start in DST_EDGES:
        wall = events[title]["dtstart"].dt.replace(tzinfo=None)
        assert wall == start, title
        instant = wall.replace(tzinfo=file_zone).astimezone(dt.timezone.utc)
        assert instant == start.replace(tzinfo=NY).astimezone(dt.timezone.utc), title
        assert instant == scheduling.get_event(session, ids[title]).starts_at, title
    assert (events["Before fall back"].decoded("dtstart").utcoffset(),
            events["After fall back"].decoded("dtstart").utcoffset()) == (dt.timedelta(hours=-4), dt.timedelta(hours=-5))
    # The rules hold past the file's year (Outlook's trouble with RDATE lists was after November 1):
    # a wall-clock time read with the file's zone is the zone database's instant, every half hour from
    # the day before each change to the day after, to 2035 (the hour that does not exist in March
    # and the hour that happens twice in November are no meeting times, and are left out).
    for year in range(2024, 2036):
        for month, day_range, skipped in ((3, range(8, 15), 2), (11, range(1, 8), 1)):
            sunday = next(dt.date(year, month, d) for d in day_range if dt.date(year, month, d).weekday() == 6)
            for half_hours in range(-48, 96):
                wall = dt.datetime.combine(sunday, dt.time()) + dt.timedelta(minutes=30 * half_hours)
                if wall.date() == sunday and wall.hour == skipped:
                    continue
                assert wall.replace(tzinfo=file_zone).utcoffset() == wall.replace(tzinfo=NY).utcoffset(), wall
    # UIDs are the events' ids, the same in a second export.
    again = _events(_parse(export_ics(session, YEAR, tmp_path / "again.ics")[0]))
    assert {t: str(e["uid"]) for t, e in again.items()} == {t: str(e["uid"]) for t, e in events.items()}
    assert str(events["Before fall back"]["uid"]) == f"{ids['Before fall back']}@mentordesk"


def test_a_zone_without_daylight_saving_is_one_standard_part():
    from app.services.scheduling.ics import vtimezone

    zone = vtimezone(ZoneInfo("America/Phoenix"), dt.date(2026, 7, 1), dt.date(2027, 6, 30))
    (part,) = zone.subcomponents
    assert part.name == "STANDARD" and part["tzoffsetto"].td == dt.timedelta(hours=-7) and "rrule" not in part
    berlin = {c.name: c for c in vtimezone(ZoneInfo("Europe/Berlin"), dt.date(2026, 7, 1), dt.date(2027, 6, 30)).subcomponents}
    assert berlin["DAYLIGHT"]["rrule"]["BYDAY"] == ["-1SU"] and berlin["STANDARD"]["rrule"]["BYMONTH"] == [10]
