"""Importing time logs: the public format (DESIGN.md, "Time logs") and the CSV or XLSX that Google
Forms or Microsoft Forms export, with a column mapping that is remembered per set of headers.

Policy (DESIGN.md, "Import policy"): valid rows are written in one transaction; each rejected row
(unknown mentor or mentee, no assignment covering the date, bad duration, unknown activity, a date
in the future, out of 5-600 minutes) goes to the errors file with its line and reason, and its
original columns except the confidential notes: notes are private to the pair and leave MentorDesk
in no file (DOMAIN.md; the confidentiality test checks the errors file too). The coordinator fixes a
rejected row in the original file, which still has its notes, or re-imports the errors file and
adds the notes in the entry's own view. A row that
repeats an existing entry (same pair, date, minutes and activity) is skipped, so importing the same
file twice adds nothing. A Forms `Timestamp` column (when the form was submitted) is ignored:
the session's date comes from its own question.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import uuid
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, SchoolYear
from app.models.timelogs import MAX_MINUTES, MIN_MINUTES, TimeLog
from app.models.vocab import ACTIVITY_CODES
from app.services import settings, tabular
from app.errors import FieldProblem, UsageError
from app.services.tabular import ImportReport, Progress, RejectedRow, header_key
from app.services.timelogs.logs import (ACTIVITY_LABELS, RELEASE_PROBLEM, EntryInput, _new_log, check_entry,
                                       release_code, topics)
from app.services.vocabulary import is_blank, parse_choice, parse_date, text

FIELDS = ("mentor_employee_id", "mentee_employee_id", "date", "minutes", "hours", "activity", "topics",
          "release_time", "notes")

ALIASES: dict[str, tuple[str, ...]] = {
    "mentor_employee_id": ("Mentor", "Mentor ID", "Mentor Employee ID", "Mentor Emp #", "Mentor Email",
                           "Mentor Name", "Mentor's Name", "Mentor Local ID"),
    "mentee_employee_id": ("Mentee", "Mentee ID", "Mentee Employee ID", "Mentee Emp #", "Mentee Email",
                           "Mentee Name", "Mentee's Name", "Beginning Teacher", "New Teacher", "Mentee Local ID"),
    "date": ("Date", "Session Date", "Date of Session", "Meeting Date", "Date of Meeting", "Date of the Session"),
    "minutes": ("Minutes", "Duration", "Length", "Time Spent", "How Long", "Duration (minutes)", "Time"),
    "hours": ("Hours", "Duration (hours)", "Hours Spent"),
    "activity": ("Activity", "Activity Type", "Type of Activity", "Type"),
    "topics": ("Topic", "Topics", "Topics Discussed", "Topics Covered", "Focus"),
    "release_time": ("Release Time", "Release Time Used", "Release", "Used Release Time"),
    "notes": ("Note", "Notes", "Comments", "Confidential Notes"),
}
IGNORED = {"timestamp", "starttime", "completiontime"}  # when a form was filled in, not the session's date
MAPPINGS_SETTING = "timelog_import_mappings"

ACTIVITY_ALIASES: dict[str, str] = {
    **{label: code for code, label in ACTIVITY_LABELS.items()},
    "observation": "observed_mentee", "classroom observation": "observed_mentee", "observed mentee": "observed_mentee",
    "observed mentee teaching": "observed_mentee", "mentor observed mentee": "observed_mentee",
    "mentee observed mentor": "mentee_observed", "observed mentor": "mentee_observed",
    "co-teach": "co_teaching", "coteaching": "co_teaching",
    "pre-conference": "pre_conference", "pre-observation conference": "pre_conference",
    "post-conference": "post_conference", "post-observation conference": "post_conference",
    "lesson planning": "planning", "data": "data_analysis", "student data": "data_analysis",
    "video": "video_analysis", "goals": "goal_setting", "check-in": "meeting", "check in": "meeting",
}

# --- durations -----------------------------------------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)(?::00)?$")
_PART = re.compile(r"(\d+(?:\.\d+)?|\.\d+)\s*(hours|hour|hrs|hr|h|minutes|minute|mins|min|m)?(?![a-z])\.?")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)$")


def parse_duration(value: object, *, unit: str = "minutes") -> int:
    """Minutes from `45`, `45 min`, `1.5 hours`, `1:30`, `1 hour 30 minutes`, `1h30`.

    A bare number is in `unit` ("minutes", or "hours" for an hours column). Raises ValueError with
    a reason; the 5-600 minute rule is checked separately.
    """
    if isinstance(value, dt.timedelta):
        return round(value.total_seconds() / 60)
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    raw = text(value).lower().replace(",", ".").strip()
    if not raw:
        raise ValueError("is blank")
    if (m := _CLOCK.match(raw)) is not None:
        return int(m.group(1)) * 60 + int(m.group(2))
    if _NUMBER.match(raw):
        number = float(raw)
        return round(number * 60) if unit == "hours" else round(number)
    compact = re.sub(r"\band\b", " ", raw)
    total = 0.0
    pos = 0
    parts: list[str | None] = []
    for m in _PART.finditer(compact):
        if compact[pos:m.start()].strip():
            break
        number, unit_word = float(m.group(1)), m.group(2)
        if unit_word is None and not (parts and parts[-1] == "h"):
            break  # a bare number is only allowed after hours: "1h30", "1 hour 30"
        kind = "h" if unit_word and unit_word.startswith("h") else "m"
        if kind in parts:
            break  # "1 h 2 h"
        total += number * 60 if kind == "h" else number
        parts.append(kind)
        pos = m.end()
    if not parts or compact[pos:].strip():
        raise ValueError("not a duration (use 45, 45 min, 1.5 hours or 1:30)")  # the value goes in its own column
    return round(total)


def format_duration(minutes: int) -> str:
    """'45 min', '1 h', '1 h 30 min': how lists show a duration."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


# --- column mappings ---------------------------------------------------------------------------


def header_signature(columns: list[str]) -> str:
    keys = sorted(header_key(c) for c in columns if header_key(c))
    return hashlib.sha1("|".join(keys).encode()).hexdigest()[:16]


def remembered_mapping(session: Session, columns: list[str]) -> dict[str, str]:
    stored = settings.get(session, MAPPINGS_SETTING) or {}
    return dict(stored.get(header_signature(columns), {}))


def remember_mapping(session: Session, columns: list[str], mapping: Mapping[str, str]) -> None:
    stored = dict(settings.get(session, MAPPINGS_SETTING) or {})
    stored[header_signature(columns)] = dict(mapping)
    settings.set_value(session, MAPPINGS_SETTING, stored)


def parse_mapping_options(options: list[str] | None) -> dict[str, str]:
    """`--map minutes="How long was the session?"` options -> {field: column}."""
    mapping: dict[str, str] = {}
    for option in options or ():
        field, sep, column = option.partition("=")
        field = field.strip()
        if not sep or not column.strip():
            raise UsageError(f"--map {option!r}: write FIELD=COLUMN, e.g. minutes=\"How long?\"")
        if field not in FIELDS:
            raise UsageError(f"--map {option!r}: FIELD is one of {', '.join(FIELDS)}")
        mapping[field] = column.strip()
    return mapping


def preview_columns(path: str | Path) -> tuple[list[str], dict[str, str]]:
    """The file's columns and the fields they map to by name (for the page's mapping step)."""
    table = tabular.read_table(path, ALIASES)
    return table.columns, guess_mapping(table.columns, table.mapping)


def mapping_for(session: Session, path: str | Path) -> tuple[list[str], dict[str, str], bool]:
    """For the page's mapping step: the file's columns, the mapping to start from (the one remembered
    for these headers, else the one found by name) and whether it was remembered."""
    columns, guessed = preview_columns(path)
    remembered = remembered_mapping(session, columns)
    if remembered and all(c in columns for c in remembered.values()):
        return columns, {**{f: c for f, c in guessed.items() if c not in remembered.values()}, **remembered}, True
    return columns, guessed, False


def _without_ignored(mapping: Mapping[str, str]) -> dict[str, str]:
    return {f: c for f, c in mapping.items() if header_key(c) not in IGNORED}


# A Forms question is a sentence: when no header matches a field exactly, a column whose header
# contains one of these words is taken (first match; a remembered or given mapping wins).
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("mentee_employee_id", ("mentee", "beginningteacher", "newteacher")),
    ("mentor_employee_id", ("mentor",)),
    ("release_time", ("releasetime",)),
    ("topics", ("topic",)),
    ("activity", ("activity",)),
    ("hours", ("hours",)),
    ("minutes", ("minutes", "duration", "howlong")),
    ("date", ("date",)),
    ("notes", ("note", "comment", "private")),
)


def guess_mapping(columns: list[str], found: Mapping[str, str]) -> dict[str, str]:
    mapping = _without_ignored(found)
    taken = set(mapping.values())
    for field, words in KEYWORDS:
        if field in mapping:
            continue
        for column in columns:
            key = header_key(column)
            if column not in taken and key not in IGNORED and any(w in key for w in words):
                mapping[field] = column
                taken.add(column)
                break
    return mapping


# --- people and pairs ----------------------------------------------------------------------------


class _People:
    """Finds an educator by employee id, email or full name (a Forms answer may hold any of them)."""

    def __init__(self, session: Session):
        educators = list(session.scalars(select(Educator)))
        self.by_id = {e.employee_id.strip().lower(): e for e in educators}
        self.other: dict[str, list[Educator]] = defaultdict(list)
        for e in educators:
            for key in {(e.email or "").strip().lower(), e.full_name.lower(), f"{e.last_name}, {e.first_name}".lower()}:
                if key:
                    self.other[key].append(e)

    def find(self, value: object) -> tuple[Educator | None, str]:
        raw = " ".join(tabular.restore(text(value)).split()).lower()  # our exports' quote before "-7" undone
        if not raw:
            return None, "is blank"
        if raw in self.by_id:
            return self.by_id[raw], ""
        hits = self.other.get(raw, [])
        if len(hits) > 1:
            return None, "matches more than one person: use the employee id"
        if not hits:
            return None, "no educator with this employee id, email or name"
        return hits[0], ""


class _Pairs:
    def __init__(self, session: Session):
        ends = {y.id: y.window_end for y in session.scalars(select(SchoolYear))}
        self.by_pair: dict[tuple[uuid.UUID, uuid.UUID], list[Assignment]] = defaultdict(list)
        self.ends: dict[uuid.UUID, dt.date] = {}
        for a in session.scalars(select(Assignment).order_by(Assignment.start_date)):
            self.by_pair[(a.mentor_id, a.mentee_id)].append(a)
            self.ends[a.id] = a.end_date or ends.get(a.school_year_id, dt.date.max)

    def covering(self, mentor_id: uuid.UUID, mentee_id: uuid.UUID, day: dt.date) -> Assignment | None:
        for a in self.by_pair.get((mentor_id, mentee_id), ()):
            if a.start_date <= day <= self.ends[a.id]:
                return a
        return None

    def any_pair(self, mentor_id: uuid.UUID, mentee_id: uuid.UUID) -> bool:
        return bool(self.by_pair.get((mentor_id, mentee_id)))


# --- the import ------------------------------------------------------------------------------------


def import_timelogs(session: Session, path: str | Path, *, dry_run: bool = False, strict: bool = False,
                    mapping: Mapping[str, str] | None = None, today: dt.date | None = None,
                    progress: Progress | None = None, cancel: threading.Event | None = None) -> ImportReport:
    """Import entries from a CSV or XLSX file. One transaction (the caller's); see the module docstring.

    `mapping` ({field: column}) overrides the columns found by name and is remembered for files with
    the same headers; with no mapping, a mapping remembered earlier for these headers is used.
    """
    today = today or dt.date.today()
    path = Path(path)
    table = tabular.read_table(path, ALIASES)
    columns = table.columns
    chosen = dict(mapping or {}) or remembered_mapping(session, columns)
    bad = [f"{f}={c!r}" for f, c in chosen.items() if c not in columns or f not in FIELDS]
    if bad:
        raise UsageError(f"{path.name}: the column mapping does not fit this file ({', '.join(bad)}); "
                         f"columns: {', '.join(columns)}")
    used = {f: c for f, c in guess_mapping(columns, table.mapping).items() if c not in chosen.values()}
    used.update(chosen)
    if any(table.mapping.get(f) != c for f, c in used.items()):
        # Read again so every mapped column comes as a cell (a real date cell from XLSX, not its text).
        table = tabular.read_table(path, ALIASES, mapping_override=used)
    missing = [f for f in ("mentor_employee_id", "mentee_employee_id", "date", "activity") if f not in used]
    if "minutes" not in used and "hours" not in used:
        missing.append("minutes (or hours)")
    if missing:
        raise tabular.FileFormatError(
            f"{path.name}: no column for {', '.join(missing)} (found: {tabular.shown_columns(columns, limit=30)}). "
            "Map them with --map FIELD=COLUMN (e.g. --map minutes=\"How long was the session?\"); "
            "the mapping is remembered for files with these headers.")
    notes_column = used.get("notes")
    # The errors file (tabular.write_errors) never copies the confidential notes, nor any other
    # column headed note, comment, confidential or private ("Notes" and "Confidential Notes").
    report = ImportReport(source=str(path), columns=table.columns)
    report.withhold(["notes"], used)
    if mapping and dry_run:
        report.notes.append("a dry run writes nothing: the column mapping will be remembered for files with "
                            "these headers when you import")
    elif mapping:
        remember_mapping(session, columns, mapping)
        report.notes.append("column mapping remembered for files with these headers")
    elif chosen:
        report.notes.append("used the column mapping remembered for these headers")
    positions = {f: c for f, c in used.items()}
    people, pairs = _People(session), _Pairs(session)
    known_topics = topics(session)
    seen: set[tuple[uuid.UUID, dt.date, int, str]] = set()
    existing_loaded: set[uuid.UUID] = set()
    total = len(table.rows)
    for done, row in enumerate(table.rows, 1):
        if tabular.cancelled(session, report, cancel):
            return report
        if progress and done > 1 and (done - 1) % 500 == 0:  # every 500 rows checked, whatever became of them
            progress(done - 1, total, f"checked {done - 1} of {total} rows")
        cells = {f: row.original.get(c, "") for f, c in positions.items()}
        raw_cells = {f: row.values.get(f, cells.get(f)) for f in positions}  # cells as read (dates stay dates)
        problems: list[FieldProblem] = []
        mentor, why = people.find(cells.get("mentor_employee_id"))
        if mentor is None:
            problems.append(FieldProblem("mentor_employee_id", cells.get("mentor_employee_id", ""), why))
        mentee, why = people.find(cells.get("mentee_employee_id"))
        if mentee is None:
            problems.append(FieldProblem("mentee_employee_id", cells.get("mentee_employee_id", ""), why))
        day = None
        try:
            day = parse_date(raw_cells.get("date"))
            if day is None:
                raise ValueError("is blank")
        except ValueError as exc:
            problems.append(FieldProblem("date", cells.get("date", ""), str(exc)))
        minutes = None
        field = "minutes" if not is_blank(raw_cells.get("minutes")) or "hours" not in positions else "hours"
        try:
            minutes = parse_duration(raw_cells.get(field), unit=field)
            if not MIN_MINUTES <= minutes <= MAX_MINUTES:
                problems.append(FieldProblem(field, cells.get(field, ""),
                                             f"must be {MIN_MINUTES} to {MAX_MINUTES} minutes for one entry"))
                minutes = None
        except ValueError as exc:
            problems.append(FieldProblem(field, cells.get(field, ""), str(exc)))
        activity = None
        try:
            activity = parse_choice(raw_cells.get("activity"), ACTIVITY_CODES, ACTIVITY_ALIASES)
            if activity is None:
                raise ValueError("is blank")
        except ValueError as exc:
            problems.append(FieldProblem("activity", cells.get("activity", ""), str(exc)))
        release = None
        try:  # yes/no (yes: both) or whom it freed: mentor, mentee, both (603 CMR 7.12(2)(d))
            release = release_code(text(raw_cells.get("release_time")))
        except ValueError:
            problems.append(FieldProblem("release_time", cells.get("release_time", ""), RELEASE_PROBLEM))
        assignment = None
        if mentor is not None and mentee is not None and day is not None:
            assignment = pairs.covering(mentor.id, mentee.id, day)
            if assignment is None:
                reason = ("no assignment of this mentor to this mentee covers the date" if pairs.any_pair(mentor.id, mentee.id)
                          else "this mentor is not assigned to this mentee")
                problems.append(FieldProblem("date", cells.get("date", ""), reason))
        if not problems and assignment is not None:
            entry = EntryInput(assignment.id, day, minutes, activity, _split_topics(cells.get("topics", "")),
                               release, cells.get("notes") or None)
            problems = check_entry(session, entry, today=today, assignment=assignment)
        if problems:
            original = {c: v for c, v in row.original.items() if c != notes_column}
            report.rejected.append(RejectedRow(row.line, tuple(problems), original))
            continue
        if assignment.id not in existing_loaded:
            existing_loaded.add(assignment.id)
            seen.update((assignment.id, d, m, a) for d, m, a in session.execute(
                select(TimeLog.date, TimeLog.minutes, TimeLog.activity)
                .where(TimeLog.assignment_id == assignment.id, TimeLog.deleted_at.is_(None))))
        key = (assignment.id, day, minutes, activity)
        if key in seen:
            report.skipped += 1  # the summary counts them; a re-imported file would otherwise list every row
            continue
        seen.add(key)
        _new_log(session, assignment, entry, None, None, known_topics)
        report.new += 1
    if progress and total:  # "N of N" even when the last row was rejected or skipped
        progress(total, total, f"checked {total} of {total} rows")
    if notes_column and report.rejected:
        report.notes.append(f"rejected rows are listed without their confidential notes (column {notes_column!r}): "
                            "fix them in the original file to keep the notes")
    tabular.finish(session, report, strict=strict, dry_run=dry_run)
    if mapping and not dry_run and not report.written:
        remember_mapping(session, columns, mapping)  # --strict undid the rows, not the mapping chosen for them
    return report


def _split_topics(raw: str) -> list[str]:
    """Topics separated by `;` (the public format) or by `,` (a Forms checkbox answer)."""
    raw = tabular.restore(raw or "")  # the quote our exports put before a leading = + - @
    parts = raw.split(";") if ";" in raw else raw.split(",")
    return [p.strip() for p in parts if p.strip()]
