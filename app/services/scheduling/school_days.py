"""School calendars: the days with no school, which "Propose times" skips and a saved event is flagged on.

Two sources. The district's own no-school days (vacations, professional-development days, storm days) are
typed in Settings (setting `no_school_days`) or imported from the district calendar as CSV/XLSX (date, or
start and end, and a label) or as an ICS file of all-day events; the district sets its school calendar
(603 CMR 27.03: the school committee's schedule of at least 180 school days). Massachusetts legal holidays
(M.G.L. c. 4, s. 7, clause Eighteenth: Patriots' Day, Thanksgiving...) come from the `holidays` package.
A meeting may still be held on such a day (a PD day is a good one for a support team): the save warns, it
does not refuse.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.errors import FieldProblem

SETTING = "no_school_days"
MAX_DAYS = 62  # a range longer than two months is a typo in a year, not a vacation
MAX_LABEL = 80
MAX_FILE_BYTES = 5 * 1024 * 1024
DEFAULT_LABEL = "No school"


@dataclass(frozen=True)
class NoSchool:
    """A district no-school range, both days included."""

    start: dt.date
    end: dt.date
    label: str

    def as_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}


@dataclass(frozen=True)
class ClosedDay:
    date: dt.date
    label: str

    @property
    def text(self) -> str:
        return f"no school on {self.date:%a} {self.date.month}/{self.date.day}/{self.date.year} ({self.label})"


# ---------------------------------------------------------------------------------------------
# Checks shared by the typed setting and the imports

def check_range(start: dt.date, end: dt.date) -> str | None:
    if not (2000 <= start.year <= 2100 and 2000 <= end.year <= 2100):
        return "a year between 2000 and 2100"
    if end < start:
        return f"ends ({end.month}/{end.day}/{end.year}) before it starts ({start.month}/{start.day}/{start.year})"
    if (end - start).days + 1 > MAX_DAYS:
        return f"longer than {MAX_DAYS} days: check the years"
    return None


def clean_label(value: object) -> tuple[str, str | None]:
    """(label, problem): trimmed, invisible characters removed, ';' (the typed separator) as ','."""
    from app.services.tabular import tidy_text
    from app.services.vocabulary import text

    label, _ = tidy_text(text(value))
    label = " ".join(str(label).replace(";", ",").split())
    if len(label) > MAX_LABEL:
        return label, f"longer than {MAX_LABEL} characters"
    return label or DEFAULT_LABEL, None


# ---------------------------------------------------------------------------------------------
# The typed setting: "11/25/2026-11/27/2026 Thanksgiving recess; 3/12/2027 PD day"

_DATE = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4}"
_ENTRY = re.compile(rf"^({_DATE})(?:\s*(?:-|\u2013|\u2014|to|through|thru)\s*({_DATE}))?(?:\s*[:,\-]?\s+(.*))?$",
                    re.IGNORECASE)


def parse_text(value: str) -> list[NoSchool]:
    """Entries separated by ';' or new lines, each a date or a range and a label. Raises ValueError
    naming the first entry that cannot be read."""
    from app.services.vocabulary import parse_date

    days = []
    for number, raw in enumerate((p.strip() for p in re.split(r"[;\n]", value or "")), start=1):
        if not raw:
            continue
        match = _ENTRY.match(raw)
        if not match:
            raise ValueError(f"entry {number}: write a date or a range and a label, e.g. "
                             "11/25/2026-11/27/2026 Thanksgiving recess")
        try:
            start = parse_date(match.group(1))
            end = parse_date(match.group(2)) if match.group(2) else start
        except ValueError as exc:
            raise ValueError(f"entry {number}: {exc}") from None
        assert start is not None and end is not None
        problem = check_range(start, end)
        label, label_problem = clean_label(match.group(3) or "")
        if problem or label_problem:
            raise ValueError(f"entry {number}: {problem or 'label ' + str(label_problem)}")
        days.append(NoSchool(start, end, label))
    return days


def as_setting(days: Iterable[NoSchool]) -> list[dict[str, str]] | None:
    unique = {(d.start, d.end): d for d in days}
    return [d.as_json() for _, d in sorted(unique.items())] or None


def format_text(value: Any) -> str:
    """The stored setting as the text the Settings page shows (parse_text reads it back)."""
    parts = []
    for day in from_setting(value):
        when = f"{day.start.month}/{day.start.day}/{day.start.year}"
        if day.end != day.start:
            when += f"-{day.end.month}/{day.end.day}/{day.end.year}"
        parts.append(f"{when} {day.label}")
    return "; ".join(parts)


def from_setting(value: Any) -> list[NoSchool]:
    out = []
    for item in value or ():
        try:
            out.append(NoSchool(dt.date.fromisoformat(item["start"]), dt.date.fromisoformat(item["end"]),
                                str(item.get("label") or DEFAULT_LABEL)))
        except (KeyError, TypeError, ValueError):
            continue  # a hand-edited value that cannot be read is not a no-school day
    return out


def district_days(session: Session) -> list[NoSchool]:
    from app.services import settings

    return from_setting(settings.get(session, SETTING))


# ---------------------------------------------------------------------------------------------
# Which days are closed

@functools.lru_cache(maxsize=8)
def _holidays(years: tuple[int, ...]) -> Mapping[dt.date, str]:
    import holidays

    return dict(holidays.US(subdiv="MA", years=years).items())


def state_holidays(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Massachusetts legal holidays between two days, both included (M.G.L. c. 4, s. 7)."""
    table = _holidays(tuple(range(first.year, last.year + 1)))
    return {day: name for day, name in table.items() if first <= day <= last}


def closed_days(session: Session, first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Day -> why there is no school, for every day between first and last: the district's own days
    (their labels first) and the state's holidays."""
    closed = state_holidays(first, last)
    for item in district_days(session):
        day = max(item.start, first)
        while day <= min(item.end, last):
            closed[day] = item.label if day not in closed or closed[day] == item.label \
                else f"{item.label}; {closed[day]}"
            day += dt.timedelta(days=1)
    return closed


def flag(session: Session, days: Iterable[dt.date]) -> tuple[ClosedDay, ...]:
    """The given days that have no school, in order (a warning on a saved event, never a refusal)."""
    wanted = sorted(set(days))
    if not wanted:
        return ()
    closed = closed_days(session, wanted[0], wanted[-1])
    return tuple(ClosedDay(day, closed[day]) for day in wanted if day in closed)


# ---------------------------------------------------------------------------------------------
# Imports: CSV/XLSX (date or start/end, label) and ICS (all-day events)

ALIASES = {
    "date": ["day", "no school date", "closed"],
    "start": ["start date", "from", "first day", "begins"],
    "end": ["end date", "to", "through", "last day", "ends"],
    "label": ["name", "description", "reason", "event", "holiday", "summary", "title"],
}


@dataclass(frozen=True)
class _Parsed:
    line: int
    day: NoSchool | None
    problems: tuple[FieldProblem, ...]
    original: dict[str, str]


def import_no_school_days(session: Session, path: str | Path, *, dry_run: bool = False,
                          strict: bool = False) -> Any:
    """Add a file's no-school days to the district's (setting `no_school_days`). A range already
    there with the same first and last day is updated (its label) or left unchanged; rows that
    cannot be read are rejected with their line and reason, as every import does."""
    from app.services import settings
    from app.services.tabular import ImportReport, RejectedRow, RowWarning, finish

    path = Path(path)
    report = ImportReport(source=path.name)
    if path.suffix.lower() == ".ics":
        parsed, warnings = _read_ics(path)
        report.columns = ["summary", "dtstart", "dtend"]
    else:
        parsed, warnings, report.columns = _read_table(path)
    report.warnings.extend(RowWarning(line, message) for line, message in warnings)
    existing = {(d.start, d.end): d for d in district_days(session)}
    seen: set[tuple[dt.date, dt.date]] = set()
    for row in parsed:
        if row.problems or row.day is None:
            report.rejected.append(RejectedRow(row.line, row.problems, row.original))
            continue
        key = (row.day.start, row.day.end)
        if key in seen:
            report.skipped += 1
            continue
        seen.add(key)
        before = existing.get(key)
        if before is None:
            report.new += 1
        elif before.label != row.day.label:
            report.changed += 1
        else:
            report.unchanged += 1
        existing[key] = row.day
    if report.new or report.changed:
        settings.set_value(session, SETTING, as_setting(existing.values()))
    return finish(session, report, strict=strict, dry_run=dry_run)


def _read_table(path: Path) -> tuple[list[_Parsed], list[tuple[int, str]], list[str]]:
    from app.services.tabular import FileFormatError, read_table, shown_columns
    from app.services.vocabulary import parse_date

    table = read_table(path, ALIASES)
    if "date" not in table.mapping and "start" not in table.mapping:
        raise FileFormatError(f"{path.name}: no column for date (or start and end) (found: "
                              f"{shown_columns(table.columns)})")
    out = []
    for row in table.rows:
        problems: list[FieldProblem] = []
        values: dict[str, dt.date | None] = {}
        for name in ("date", "start", "end"):
            cell = row.values.get(name)
            try:
                values[name] = parse_date(cell)
            except ValueError as exc:
                problems.append(FieldProblem(name, str(cell), str(exc)))
                values[name] = None
        start = values["date"] or values["start"]
        end = values["end"] or start
        if values["date"] and values["start"] and values["date"] != values["start"]:
            problems.append(FieldProblem("start", str(row.values.get("start")), "differs from the date column"))
        if start is None and not problems:
            problems.append(FieldProblem("date", "", "is required (a date, or a start and an end)"))
        label, label_problem = clean_label(row.values.get("label"))
        if label_problem:
            problems.append(FieldProblem("label", label[:40], label_problem))
        if start is not None and end is not None and not problems:
            reason = check_range(start, end)
            if reason:
                problems.append(FieldProblem("end", str(row.values.get("end") or ""), reason))
        day = None if problems or start is None or end is None else NoSchool(start, end, label)
        out.append(_Parsed(row.line, day, tuple(problems), row.original if problems else {}))
    return out, [], table.columns


def _read_ics(path: Path) -> tuple[list[_Parsed], list[tuple[int, str]]]:
    """All-day VEVENTs (DTSTART;VALUE=DATE); DTEND is the day after the last (RFC 5545 3.6.1).
    Timed events are not closures (an early release): they are skipped with a warning."""
    import icalendar

    from app.services.tabular import FileFormatError, decode_text

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError(f"{path}: no such file") from None
    if len(raw) > MAX_FILE_BYTES:
        raise FileFormatError(f"{path.name}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not a school calendar")
    text, _encoding = decode_text(raw)
    if not text.lstrip().upper().startswith("BEGIN:VCALENDAR"):
        raise FileFormatError(f"{path.name}: not a calendar file (it does not start with BEGIN:VCALENDAR)")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception:  # noqa: BLE001 - icalendar raises several types for malformed files
        raise FileFormatError(f"{path.name}: cannot be read as a calendar file (RFC 5545)") from None
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip().upper() == "BEGIN:VEVENT"]
    out: list[_Parsed] = []
    warnings: list[tuple[int, str]] = []
    for index, event in enumerate(calendar.walk("VEVENT")):
        line = lines[index] if index < len(lines) else 0
        summary = str(event.get("summary") or "")
        start_prop, end_prop = event.get("dtstart"), event.get("dtend")
        original = {"summary": summary, "dtstart": _raw(start_prop), "dtend": _raw(end_prop)}
        start = _decoded(event, "dtstart")
        end = _decoded(event, "dtend")
        problems: list[FieldProblem] = []
        if start_prop is None:
            problems.append(FieldProblem("dtstart", "", "is required"))
        elif isinstance(start, dt.datetime):
            warnings.append((line, "not an all-day event (it has a time): skipped"))
            continue
        elif not isinstance(start, dt.date):
            problems.append(FieldProblem("dtstart", original["dtstart"][:40], "not a date (YYYYMMDD)"))
        if end_prop is not None and not isinstance(end, dt.date):
            problems.append(FieldProblem("dtend", original["dtend"][:40], "not a date (YYYYMMDD)"))
        label, label_problem = clean_label(summary)
        if label_problem:
            problems.append(FieldProblem("summary", label[:40], label_problem))
        day = None
        if not problems:
            assert isinstance(start, dt.date)
            end_day = end.date() if isinstance(end, dt.datetime) else end
            last = end_day - dt.timedelta(days=1) if isinstance(end_day, dt.date) and end_day > start else start
            reason = check_range(start, end_day if isinstance(end_day, dt.date) and end_day < start else last)
            if reason:
                problems.append(FieldProblem("dtend", original["dtend"][:40], reason))
            else:
                day = NoSchool(start, last, label)
                if event.get("rrule") is not None:
                    warnings.append((line, "repeats: only its first occurrence was imported"))
        out.append(_Parsed(line, day, tuple(problems), original))
    return out, warnings


def _decoded(event: Any, name: str) -> Any:
    try:
        return event.decoded(name)
    except (KeyError, ValueError, TypeError):
        return None


def _raw(prop: Any) -> str:
    if prop is None:
        return ""
    try:
        value = prop.to_ical()
    except Exception:  # noqa: BLE001 - a broken value is shown as it was written
        return str(prop)
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
