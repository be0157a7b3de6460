"""Recurring events as date arithmetic: the RFC 5545 RRULE the ICS export writes (weekly, every two
weeks, the nth weekday monthly), expanded in the district's time zone so a 3:15 pm meeting stays at
3:15 pm on both sides of the daylight-saving changes. dateutil's rrule gives the same dates (a property
test checks it) at 20 times the cost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

# ---------------------------------------------------------------------------------------------
# Recurrence

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def monthly_nth(local_start: dt.datetime) -> int:
    """Which weekday of the month a monthly series repeats on: 1-4, or -1 for "the last", rather
    than a fifth that most months lack."""
    nth = (local_start.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def rrule_parts(recurrence: str | None, local_start: dt.datetime) -> dict | None:
    """The recurrence as RFC 5545 RRULE parts (without UNTIL), as the ICS file writes it."""
    if recurrence is None:
        return None
    if recurrence == "weekly":
        return {"FREQ": "WEEKLY", "INTERVAL": 1}
    if recurrence == "biweekly":
        return {"FREQ": "WEEKLY", "INTERVAL": 2}
    return {"FREQ": "MONTHLY", "INTERVAL": 1, "BYDAY": f"{monthly_nth(local_start)}{WEEKDAY_CODES[local_start.weekday()]}"}


def until_utc(repeat_until: dt.date, tz: ZoneInfo) -> dt.datetime:
    """RRULE UNTIL in UTC: the end of the last local day."""
    return dt.datetime.combine(repeat_until, dt.time(23, 59, 59), tz).astimezone(dt.timezone.utc)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The nth (1-4) or last (-1) given weekday (Monday 0) of a month."""
    if nth > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def _week_step(recurrence: str) -> int | None:
    """Days between occurrences of a weekly series (None for a monthly one)."""
    return {"weekly": 7, "biweekly": 14}.get(recurrence)


def _series_end(first_day: dt.date, repeat_until: dt.date | None) -> dt.date:
    """The last possible day of a series: its end date, or a year after it starts."""
    return repeat_until or (first_day + dt.timedelta(days=366))


def series_dates(first: dt.datetime, recurrence: str, last: dt.date) -> Iterable[dt.datetime]:
    """Naive local starts of a series from its first occurrence up to the local date `last`."""
    days = _week_step(recurrence)
    if days is not None:
        step = dt.timedelta(days=days)
        moment = first
        while moment.date() <= last:
            yield moment
            moment += step
        return
    nth, year, month = monthly_nth(first), first.year, first.month
    while True:
        day = nth_weekday(year, month, first.weekday(), nth)
        if day > last:
            return
        yield dt.datetime.combine(day, first.time())
        year, month = year + month // 12, month % 12 + 1


def local_starts(starts_at: dt.datetime, recurrence: str | None, repeat_until: dt.date | None,
                 exdates: Iterable[str], tz: ZoneInfo, *, limit_end: dt.date | None = None,
                 limit_start: dt.date | None = None) -> list[dt.datetime]:
    """Every occurrence's local start (aware, in `tz`), exceptions removed; with limits, only
    those on local dates between limit_start and limit_end."""
    first = starts_at.astimezone(tz)
    if recurrence is None:
        return [first]
    naive = first.replace(tzinfo=None)
    last = repeat_until or limit_end or _series_end(naive.date(), None)  # an open series: a year, or the limit
    if limit_end is not None:
        last = min(last, limit_end)
    skipped = set(exdates)
    # Wall-clock time kept; zoneinfo picks the offset of each date (fold=0 on the repeated hour).
    return [moment.replace(tzinfo=tz) for moment in series_dates(naive, recurrence, last)
            if (limit_start is None or moment.date() >= limit_start) and moment.date().isoformat() not in skipped]


def is_occurrence(starts_at: dt.datetime, recurrence: str | None, repeat_until: dt.date | None,
                  exdates: Iterable[str], tz: ZoneInfo, day: dt.date) -> bool:
    """Whether a local date is one of the series' occurrences: the same answer as looking for it in
    `local_starts`, without listing the series."""
    first = starts_at.astimezone(tz)
    start = first.date()
    if recurrence is None:
        return day == start
    if not start <= day <= _series_end(start, repeat_until) or day.isoformat() in set(exdates):
        return False
    days = _week_step(recurrence)
    if days is not None:
        return (day - start).days % days == 0
    return day == nth_weekday(day.year, day.month, first.weekday(), monthly_nth(first))


