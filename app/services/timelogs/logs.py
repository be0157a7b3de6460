"""Mentoring time logs: entering, checking, listing and exporting them (000: mentors are "often
responsible for documenting time/topics discussed"; 004, Core Mentoring Activities).

Rules for every entry (the Time Logs page and the importer share them):
- the date falls within the pair's assignment (its start date to its end date, or the end of its
  school year when it is still open);
- the date is not in the future;
- 5 to 600 minutes per entry;
- an entry identical in pair, date, minutes and activity to an existing one is a duplicate: the page
  warns and asks, the importer skips it.
Confidential notes are written here and read back only by `entry_notes` (the pair's own detail view);
no list, export or report in this module or elsewhere reads them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.models import Assignment, Educator, SchoolYear
from app.models.timelogs import MAX_MINUTES, MIN_MINUTES, TimeLog, TimeLogGroup
from app.models.vocab import ACTIVITY_CODES, RELEASE_CODES
from app.services.timelogs import hours as hours_service
from app.services import settings
from app.errors import FieldProblem, MentorDeskError, ValidationError
from app.services.vocabulary import parse_yes_no, us_date
from app.services.years import ensure_year
from app.services.timelogs.activities import ACTIVITY_LABELS  # kept importable from here

# The topics 004 lists for mentoring (DOMAIN.md, "Mentoring activities and logs"); the district edits
# the list in Settings (stored as the setting `timelog_topics`).
DEFAULT_TOPICS: tuple[str, ...] = (
    "Curriculum frameworks",
    "Educator evaluation and the model rubric",
    "Classroom management",
    "Standards-based instruction",
    "Differentiated instruction",
    "Formative assessment",
    "Technology",
    "Time management",
    "SEI/ELL",
    "School culture and procedures",
)
TOPICS_SETTING = "timelog_topics"

# Columns of the public time-log format that exports write. `notes` is part of the import format but
# is confidential: it is never exported.
EXPORT_FIELDS = ("mentor_employee_id", "mentee_employee_id", "date", "minutes", "activity", "topics", "release_time")


class DuplicateEntryError(MentorDeskError):
    """An identical entry (pair, date, minutes, activity) exists; the page asks before saving another."""

    def __init__(self, existing_id: uuid.UUID, message: str):
        self.existing_id = existing_id
        super().__init__(message)


def computer_name() -> str:
    try:
        return socket.gethostname()[:120] or "unknown"
    except OSError:  # pragma: no cover - no host name in some sandboxes
        return "unknown"


def topics(session: Session) -> list[str]:
    stored = settings.get(session, TOPICS_SETTING)
    return list(stored) if stored else list(DEFAULT_TOPICS)


def set_topics(session: Session, names: Iterable[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        name = " ".join(str(name).split())
        if name and name.lower() not in {c.lower() for c in cleaned}:
            cleaned.append(name[:80])
    if not cleaned:
        raise ValidationError([FieldProblem("topics", "", "keep at least one topic")])
    settings.set_value(session, TOPICS_SETTING, cleaned)
    return cleaned


def normalize_topics(session: Session, raw: Iterable[str], known: Sequence[str] | None = None) -> list[str]:
    """Match topics to the list ignoring case; an unknown topic is kept as typed (lists evolve)."""
    known = known if known is not None else topics(session)
    by_key = {k.lower(): k for k in known}
    out: list[str] = []
    for item in raw:
        item = " ".join(str(item).split())
        if item:
            value = by_key.get(item.lower(), item[:80])
            if value not in out:
                out.append(value)
    return out


# --- pairs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairOption:
    """A pair to log time for (one assignment), as the quick entry's autocomplete shows it."""

    assignment_id: uuid.UUID
    mentor_id: uuid.UUID
    mentee_id: uuid.UUID
    mentor: str
    mentee: str
    mentor_employee_id: str
    mentee_employee_id: str
    school: str
    start: dt.date
    end: dt.date  # the assignment's end date, or the end of its school year

    @property
    def label(self) -> str:
        return f"{self.mentee} \u2190 {self.mentor}" + (f" ({self.school})" if self.school else "")


def pair_options(session: Session, year_label: str) -> list[PairOption]:
    """The year's pairs (one per assignment), read as plain columns (a large district has thousands)."""
    from app.models import School

    year, _ = ensure_year(session, year_label)
    mentor, mentee = aliased(Educator), aliased(Educator)
    rows = session.execute(
        select(Assignment.id, Assignment.mentor_id, Assignment.mentee_id, Assignment.start_date, Assignment.end_date,
               mentor.first_name, mentor.last_name, mentor.employee_id, mentee.first_name, mentee.last_name,
               mentee.employee_id, School.name)
        .join(mentor, mentor.id == Assignment.mentor_id).join(mentee, mentee.id == Assignment.mentee_id)
        .outerjoin(School, School.id == mentee.school_id)
        .where(Assignment.school_year_id == year.id)
    ).all()
    out = [PairOption(a_id, mentor_id, mentee_id, f"{mf} {ml}", f"{ef} {el}", m_eid, e_eid, school or "",
                      start, end or year.window_end)
           for a_id, mentor_id, mentee_id, start, end, mf, ml, m_eid, ef, el, e_eid, school in rows]
    out.sort(key=lambda p: (p.mentee.lower(), p.start))
    return out


# --- entries -------------------------------------------------------------------------------------


@dataclass
class EntryInput:
    """What a person or an import row gives for one entry."""

    assignment_id: uuid.UUID
    date: dt.date
    minutes: int
    activity: str
    topics: list[str] = field(default_factory=list)
    release_time: bool | str | None = False  # True (a ticked box) or "both", "mentor", "mentee"; see release_code
    notes: str | None = None


RELEASE_PROBLEM = "must be yes, no, mentor, mentee or both"


def release_code(value: bool | str | None) -> str | None:
    """Whom a log's release time freed (603 CMR 7.12(2)(d)): "mentor", "mentee", "both", or None.
    A plain yes (a ticked box, a yes/no column) means both: the session freed the two of them."""
    if isinstance(value, str):
        raw = value.strip().lower()
        if raw in RELEASE_CODES:
            return raw
        if raw == "none":
            return None
        return "both" if parse_yes_no(raw) else None
    return "both" if value else None


@dataclass(frozen=True)
class EntryRow:
    """An entry as lists show it (never the notes)."""

    id: uuid.UUID
    assignment_id: uuid.UUID
    date: dt.date
    mentor: str
    mentee: str
    school: str
    minutes: int
    activity: str
    topics: tuple[str, ...]
    release_time: bool
    group: bool
    entered_by: str
    release_for: str | None = None  # mentor | mentee | both (603 CMR 7.12(2)(d)); None without release time

    @property
    def hours(self) -> float:
        return hours_service.hours_of(self.minutes)


def _assignment_end(session: Session, a: Assignment) -> dt.date:
    if a.end_date is not None:
        return a.end_date
    return session.get(SchoolYear, a.school_year_id).window_end


def check_entry(session: Session, entry: EntryInput, *, today: dt.date | None = None,
                assignment: Assignment | None = None) -> list[FieldProblem]:
    """The rules (module docstring); returns every problem, empty when the entry is valid."""
    today = today or dt.date.today()
    problems: list[FieldProblem] = []
    a = assignment or session.get(Assignment, entry.assignment_id)
    if a is None:
        return [FieldProblem("pair", str(entry.assignment_id), "no such mentor-mentee assignment")]
    if entry.activity not in ACTIVITY_CODES:
        problems.append(FieldProblem("activity", str(entry.activity), f"must be one of {', '.join(ACTIVITY_CODES)}"))
    try:
        release_code(entry.release_time)
    except ValueError:
        problems.append(FieldProblem("release_time", str(entry.release_time), RELEASE_PROBLEM))
    if not isinstance(entry.minutes, int) or not MIN_MINUTES <= entry.minutes <= MAX_MINUTES:
        problems.append(FieldProblem("minutes", str(entry.minutes),
                                     f"must be {MIN_MINUTES} to {MAX_MINUTES} minutes for one entry"))
    if entry.date > today:
        problems.append(FieldProblem("date", entry.date.isoformat(), "is in the future"))
    else:
        end = _assignment_end(session, a)
        if not a.start_date <= entry.date <= end:
            problems.append(FieldProblem("date", entry.date.isoformat(),
                                         f"is outside the pair's assignment ({us_date(a.start_date)} to {us_date(end)})"))
    if entry.notes and len(entry.notes) > 20000:
        problems.append(FieldProblem("notes", "", "is longer than 20,000 characters"))
    return problems


def find_duplicate(session: Session, assignment_id: uuid.UUID, day: dt.date, minutes: int, activity: str
                   ) -> uuid.UUID | None:
    return session.scalars(select(TimeLog.id).where(
        TimeLog.assignment_id == assignment_id, TimeLog.date == day, TimeLog.minutes == minutes,
        TimeLog.activity == activity, TimeLog.deleted_at.is_(None)).limit(1)).first()


def _new_log(session: Session, a: Assignment, entry: EntryInput, group: TimeLogGroup | None, computer: str | None,
             known_topics: Sequence[str] | None = None) -> TimeLog:
    log = TimeLog(id=uuid.uuid4(), assignment_id=a.id, group=group, mentor_id=a.mentor_id, mentee_id=a.mentee_id,
                  date=entry.date, minutes=entry.minutes, activity=entry.activity,
                  topics=normalize_topics(session, entry.topics, known_topics), release_time=release_code(entry.release_time),
                  notes=(entry.notes or "").strip() or None, entered_by=session.info.get("actor"),
                  computer=computer or computer_name())
    session.add(log)
    return log


def add_entry(session: Session, entry: EntryInput, *, allow_duplicate: bool = False, today: dt.date | None = None,
              computer: str | None = None) -> uuid.UUID:
    """Save one entry after checking the rules. Raises ValidationError, or DuplicateEntryError
    (unless `allow_duplicate`, which the page sets once the person confirmed)."""
    a = session.get(Assignment, entry.assignment_id)
    problems = check_entry(session, entry, today=today, assignment=a)
    if problems:
        raise ValidationError(problems)
    if not allow_duplicate:
        existing = find_duplicate(session, entry.assignment_id, entry.date, entry.minutes, entry.activity)
        if existing is not None:
            raise DuplicateEntryError(existing, f"This pair already has {entry.minutes} minutes of "
                                                f"{ACTIVITY_LABELS[entry.activity].lower()} on {us_date(entry.date)}.")
    log = _new_log(session, a, entry, None, computer)
    session.flush()
    return log.id


def add_group_session(session: Session, assignment_ids: Sequence[uuid.UUID], entry: EntryInput, *,
                      title: str | None = None, allow_duplicate: bool = False, today: dt.date | None = None,
                      computer: str | None = None) -> list[uuid.UUID]:
    """One session with several mentees of the same mentor: the time counts for each mentee.

    The duplicate rule is the single entry's, per mentee: when any of the pairs already has an entry
    with the same date, minutes and activity, DuplicateEntryError names them (unless `allow_duplicate`,
    which the page sets once the person confirmed)."""
    if len(set(assignment_ids)) < 2:
        raise ValidationError([FieldProblem("pairs", "", "a group session has at least two mentees")])
    assignments = [session.get(Assignment, a) for a in dict.fromkeys(assignment_ids)]
    problems: list[FieldProblem] = []
    for a_id, a in zip(dict.fromkeys(assignment_ids), assignments):
        one = EntryInput(a_id, entry.date, entry.minutes, entry.activity, entry.topics, entry.release_time, entry.notes)
        problems += check_entry(session, one, today=today, assignment=a)
    mentors = {a.mentor_id for a in assignments if a is not None}
    if len(mentors) > 1:
        problems.append(FieldProblem("pairs", "", "every mentee of a group session has the same mentor"))
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))
    if not allow_duplicate:
        repeated = [(a, existing) for a in assignments
                    if (existing := find_duplicate(session, a.id, entry.date, entry.minutes, entry.activity))]
        if repeated:
            names = ", ".join(sorted(session.get(Educator, a.mentee_id).full_name for a, _ in repeated))
            raise DuplicateEntryError(repeated[0][1], f"{names} already {'has' if len(repeated) == 1 else 'have'} "
                                                      f"{entry.minutes} minutes of "
                                                      f"{ACTIVITY_LABELS[entry.activity].lower()} on {us_date(entry.date)}.")
    group = TimeLogGroup(id=uuid.uuid4(), mentor_id=mentors.pop(), date=entry.date, title=(title or "").strip() or None)
    session.add(group)
    ids = [_new_log(session, a, entry, group, computer).id for a in assignments]
    session.flush()
    return ids


ENTRY_FIELDS = ("assignment_id", "date", "minutes", "activity", "topics", "release_time", "notes")


@dataclass(frozen=True)
class EntryNotes:
    """An entry's confidential notes as its own detail view opens them, with the version they were read at."""

    entry_id: uuid.UUID
    notes: str
    version: int


def load_notes(session: Session, entry_id: uuid.UUID) -> EntryNotes:
    """The notes and the entry's version (what a later `update_entry` checks against)."""
    log = session.get(TimeLog, entry_id)
    if log is None:
        raise ValidationError([FieldProblem("entry", str(entry_id), "no longer exists")])
    return EntryNotes(log.id, log.notes or "", log.version)


def _changed_fields(entry: EntryInput, loaded: EntryInput | None) -> list[str]:
    """The fields the person changed: those of `entry` that differ from what they opened (`loaded`);
    every field when nothing says what they opened. Notes of None mean "not touched"."""
    fields = [f for f in ENTRY_FIELDS if loaded is None or getattr(entry, f) != getattr(loaded, f)]
    return [f for f in fields if f != "notes" or entry.notes is not None]


def update_entry(session: Session, entry_id: uuid.UUID, entry: EntryInput, *, loaded: EntryInput | None = None,
                 version: int | None = None, overwrite: bool = False, today: dt.date | None = None) -> int:
    """Save the fields the person changed (`entry` against `loaded`, what they opened) onto the entry
    as it is now, so a change someone else saved to another field stands. `version` is the entry's
    version when they opened it: if someone saved it since, StaleRecordError ("changed by alice at
    10:42") unless `overwrite`. The rules are checked on the entry as it will be. Returns the new version."""
    from app.services.versions import locked, refuse_if_changed

    log = locked(session, TimeLog, entry_id)
    if log is None or log.deleted_at is not None:
        raise ValidationError([FieldProblem("entry", str(entry_id), "no longer exists")])
    changed = _changed_fields(entry, loaded)
    if version is not None and log.version != version:
        mentee, mentor = session.get(Educator, log.mentee_id), session.get(Educator, log.mentor_id)
        refuse_if_changed(session, log, version, f"The time log of {mentee.full_name} with {mentor.full_name} "
                                                 f"on {us_date(log.date)}", overwrite=overwrite)
    if not changed:
        return log.version
    now = EntryInput(log.assignment_id, log.date, log.minutes, log.activity, list(log.topics or []), log.release_time)
    merged = EntryInput(**{f: getattr(entry if f in changed else now, f) for f in ENTRY_FIELDS})
    a = session.get(Assignment, merged.assignment_id)
    problems = check_entry(session, merged, today=today, assignment=a)
    if problems:
        raise ValidationError(problems)
    if "assignment_id" in changed:
        log.assignment_id, log.mentor_id, log.mentee_id = a.id, a.mentor_id, a.mentee_id
    for name in ("date", "minutes", "activity"):
        if name in changed:
            setattr(log, name, getattr(merged, name))
    if "topics" in changed:
        log.topics = normalize_topics(session, merged.topics)
    if "release_time" in changed:
        log.release_time = release_code(merged.release_time)
    if "notes" in changed:
        log.notes = (merged.notes or "").strip() or None
    session.flush()
    return log.version


def delete_entry(session: Session, entry_id: uuid.UUID) -> None:
    log = session.get(TimeLog, entry_id)
    if log is not None:
        log.tombstone()
        session.flush()


def entry_notes(session: Session, entry_id: uuid.UUID) -> str:
    """The confidential notes, for the pair's own detail view only (and the coordinator, for now)."""
    log = session.get(TimeLog, entry_id)
    return (log.notes or "") if log is not None else ""


# --- lists ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryFilter:
    year_label: str
    mentor_id: uuid.UUID | None = None
    mentee_id: uuid.UUID | None = None
    assignment_id: uuid.UUID | None = None
    activity: str | None = None
    school: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    text: str = ""  # matches mentor or mentee names


# The two sides of an entry, aliased once: building a fresh alias for every page cost about 5 ms of
# SQLAlchemy's column adaptation per query (issue 17, item 9: a scroll step must fit a frame).
_MENTOR = aliased(Educator, name="mentor")
_MENTEE = aliased(Educator, name="mentee")


def _filtered(session: Session, flt: EntryFilter):  # type: ignore[no-untyped-def]
    year, _ = ensure_year(session, flt.year_label)
    conditions = [TimeLog.date >= max(year.window_start, flt.date_from or year.window_start),
                  TimeLog.date <= min(year.window_end, flt.date_to or year.window_end),
                  TimeLog.deleted_at.is_(None)]
    if flt.mentor_id:
        conditions.append(TimeLog.mentor_id == flt.mentor_id)
    if flt.mentee_id:
        conditions.append(TimeLog.mentee_id == flt.mentee_id)
    if flt.assignment_id:
        conditions.append(TimeLog.assignment_id == flt.assignment_id)
    if flt.activity:
        conditions.append(TimeLog.activity == flt.activity)
    mentor, mentee = _MENTOR, _MENTEE
    if flt.text.strip():  # accents and case folded: "jose" finds José (roster.people_list.educators_matching)
        from app.services.roster.people_list import educators_matching

        ids = educators_matching(session, flt.text) or []
        conditions.append(or_(TimeLog.mentor_id.in_(ids), TimeLog.mentee_id.in_(ids)))
    if flt.school:
        from app.models import School

        school_ids = select(School.id).where(func.lower(School.name) == flt.school.lower())
        conditions.append(mentee.school_id.in_(school_ids))
    return mentor, mentee, and_(*conditions)


_SORTS = {"date": TimeLog.date, "minutes": TimeLog.minutes, "activity": TimeLog.activity}


def count_entries(session: Session, flt: EntryFilter) -> int:
    mentor, mentee, where = _filtered(session, flt)
    query = select(func.count()).select_from(TimeLog)
    if flt.text.strip() or flt.school:
        query = query.join(mentor, mentor.id == TimeLog.mentor_id).join(mentee, mentee.id == TimeLog.mentee_id)
    return int(session.execute(query.where(where)).scalar_one())


def list_entries(session: Session, flt: EntryFilter, *, offset: int = 0, limit: int | None = None,
                 sort: str = "date", descending: bool = True, after: EntryRow | None = None) -> list[EntryRow]:
    """A page of entries, newest first by default. Never loads the notes.

    `after` (the last row of the previous page) pages by key instead of by offset, so the thousandth
    page costs what the first one does (the list's lazy model scrolls this way)."""
    from app.models import School

    key = _SORTS.get(sort, TimeLog.date)
    if after is not None and key is TimeLog.date:
        # The date range itself starts at the previous page's last date: SQLite reads the date index
        # from there. With the keyset's OR alone it walked the index from the end of the year down to
        # that date, reading the table for every entry on the way (a page deep in the list cost ten
        # times the first). The OR below still orders the entries of that date by id.
        flt = (dataclasses.replace(flt, date_to=min(flt.date_to or after.date, after.date)) if descending
               else dataclasses.replace(flt, date_from=max(flt.date_from or after.date, after.date)))
    mentor, mentee, where = _filtered(session, flt)
    order = (key.desc(), TimeLog.id.desc()) if descending else (key.asc(), TimeLog.id.asc())
    if after is not None:
        value = getattr(after, sort if sort in _SORTS else "date")
        if descending:
            where = and_(where, or_(key < value, and_(key == value, TimeLog.id < after.id)))
        else:
            where = and_(where, or_(key > value, and_(key == value, TimeLog.id > after.id)))
    # The page is chosen from time_log alone, and only its rows are joined to the names: joining first
    # looked up both educators of every entry of the date being paged through (about 1,000 a school day)
    # before the sort kept 200 of them.
    page = select(TimeLog.id, TimeLog.assignment_id, TimeLog.date, TimeLog.mentor_id, TimeLog.mentee_id,
                  TimeLog.minutes, TimeLog.activity, TimeLog.topics, TimeLog.release_time,
                  TimeLog.group_id.is_not(None).label("grouped"), TimeLog.entered_by)
    if flt.text.strip() or flt.school:  # the filter reads the names
        page = page.join(mentor, mentor.id == TimeLog.mentor_id).join(mentee, mentee.id == TimeLog.mentee_id)
    page = page.where(where).order_by(*order).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    rows = page.subquery("page")
    by, tie = rows.c[key.key], rows.c.id
    query = (select(rows.c.id, rows.c.assignment_id, rows.c.date, _MENTOR.first_name, _MENTOR.last_name,
                    _MENTEE.first_name, _MENTEE.last_name, School.name, rows.c.minutes, rows.c.activity,
                    rows.c.topics, rows.c.release_time, rows.c.grouped, rows.c.entered_by)
             .join(_MENTOR, _MENTOR.id == rows.c.mentor_id).join(_MENTEE, _MENTEE.id == rows.c.mentee_id)
             .outerjoin(School, School.id == _MENTEE.school_id)
             .order_by(*((by.desc(), tie.desc()) if descending else (by.asc(), tie.asc()))))
    return [EntryRow(r[0], r[1], r[2], f"{r[3]} {r[4]}", f"{r[5]} {r[6]}", r[7] or "", r[8], r[9],
                     tuple(r[10] or ()), bool(r[11]), bool(r[12]), r[13] or "", r[11])
            for r in session.execute(query)]


@dataclass(frozen=True)
class PairSummary:
    """A pair with its totals for the year (the list's per-pair totals)."""

    pair: PairOption
    totals: hours_service.PairTotals


def pair_summaries(session: Session, year_label: str) -> list[PairSummary]:
    year, _ = ensure_year(session, year_label)
    totals = hours_service.pair_totals(session, year.window_start, year.window_end)
    return [PairSummary(pair, totals.get(pair.assignment_id)
                        or hours_service.PairTotals(pair.assignment_id, 0, 0, 0, None))
            for pair in pair_options(session, year_label)]


def export_entries(session: Session, flt: EntryFilter, out: str | Path) -> Path:
    """The filtered list as CSV or XLSX in the public time-log format, without the confidential notes."""
    from app.services import tabular

    _m, _e, where = _filtered(session, flt)
    rows = session.execute(
        select(_m.employee_id, _e.employee_id, TimeLog.date, TimeLog.minutes, TimeLog.activity, TimeLog.topics,
               TimeLog.release_time)
        .join(_m, _m.id == TimeLog.mentor_id).join(_e, _e.id == TimeLog.mentee_id)
        .where(where).order_by(TimeLog.date, _e.employee_id))
    records = ({"mentor_employee_id": r[0], "mentee_employee_id": r[1], "date": r[2], "minutes": r[3],
                "activity": r[4], "topics": ";".join(r[5] or ()), "release_time": r[6] or "no"}
               for r in rows)
    kinds = {"date": "date", "minutes": "int"}  # XLSX cells: a real date, a number; IDs stay text
    columns = [tabular.Column(f, kind=kinds.get(f, "text")) for f in EXPORT_FIELDS]
    return tabular.write_table(out, columns, records, sheet="Time logs",
                               plain_utf8=bool(settings.get(session, "csv_plain_utf8")))


# --- the dashboard card ------------------------------------------------------------------------


def weeks_text(weeks: int) -> str:
    """'1 week', '3 weeks': the stale rule's period as the card and the rosters say it."""
    return f"{weeks} week" + ("" if weeks == 1 else "s")


def _checked_pairs(session: Session, year_label: str, today: dt.date, cutoff: dt.date) -> list[PairOption]:
    """The pairs the stale rule looks at: active today (started, not ended) and started on or before
    the cutoff (a newer pair is not behind yet)."""
    return [p for p in pair_options(session, year_label) if p.start <= today <= p.end and p.start <= cutoff]


def stale_pairs(session: Session, year_label: str, *, today: dt.date | None = None,
                weeks: int | None = None) -> list[tuple[PairOption, dt.date | None]]:
    """Pairs active today with no entry in the last `weeks` weeks (setting `stale_pair_weeks`)."""
    return _stale(session, year_label, today, weeks)[0]


def _stale(session: Session, year_label: str, today: dt.date | None, weeks: int | None
           ) -> tuple[list[tuple[PairOption, dt.date | None]], int]:
    """The stale pairs and how many pairs the rule looked at."""
    today = today or dt.date.today()
    weeks = int(weeks if weeks is not None else settings.get(session, "stale_pair_weeks") or 3)
    cutoff = today - dt.timedelta(weeks=weeks)
    last = hours_service.last_entry_by_assignment(session)
    checked = _checked_pairs(session, year_label, today, cutoff)
    out = []
    for pair in checked:
        when = last.get(pair.assignment_id)
        if when is None or when < cutoff:
            out.append((pair, when))
    out.sort(key=lambda item: (item[1] or dt.date.min, item[0].mentee))
    return out, len(checked)


def attention_card(session: Session, year_label: str, *, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Dashboard card: pairs with no time logged in `stale_pair_weeks` weeks (004: the coordinator
    "maintains meeting schedules ... and ensures that these are followed"). "N of M pairs": M counts
    the pairs the rule looks at (active today for longer than the period), not ended assignments."""
    from app.services.attention import AttentionCard, AttentionItem

    weeks = int(settings.get(session, "stale_pair_weeks") or 3)
    stale, checked = _stale(session, year_label, today, weeks)
    if not checked:
        return None  # no pair active this long today (none yet, or a past year): nothing to check
    period = weeks_text(weeks)
    items = [AttentionItem(f"{p.mentee} and {p.mentor}" + (f" ({p.school})" if p.school else "") + ": "
                           + (f"last entry {us_date(when)}" if when else "nothing logged yet"),
                           p.mentee_id, overdue=when is None)
             for p, when in stale]
    summary = (f"{len(stale)} of {checked} active {'pair has' if checked == 1 else 'pairs have'} no time logged "
               f"in {period}" if stale else f"Every active pair has logged time in the last {'week' if weeks == 1 else period}")
    return AttentionCard("stale_pairs", f"Pairs with no time logged in {period}",
                         "004: the coordinator maintains meeting schedules for beginning teachers and their mentors and "
                         "ensures that these are followed", items, summary, "timelogs")


# --- the program profile's facts (the state survey asks how often pairs meet and what they cover) --------


def profile_facts(session: Session, year_label: str, today: dt.date | None = None) -> dict[str, str]:
    """Sentences for the program profile from the year's time logs (DOMAIN.md, "The state's induction
    survey": how often pairs meet, which topics they cover). Empty when nothing is logged. A pair's
    months run to its end, `today` (the clock when not given) or the year's end, whichever is first."""
    from collections import Counter
    from statistics import median

    import json

    from sqlalchemy import Text, cast

    year, _ = ensure_year(session, year_label)
    day = func.coalesce(TimeLog.date, TimeLog.date)  # read the covering index (see services/timelogs/hours.py)
    sessions = dict(session.execute(
        select(TimeLog.assignment_id, func.count())
        .where(day >= year.window_start, day <= year.window_end, TimeLog.deleted_at.is_(None))
        .group_by(TimeLog.assignment_id)).all())
    if not sessions:
        return {}
    today = min(today or dt.date.today(), year.window_end)
    rates = []
    for pair in pair_options(session, year_label):
        end = min(pair.end, today)
        months = max((end - pair.start).days, 0) / 30.44
        if months >= 1:
            rates.append(sessions.get(pair.assignment_id, 0) / months)
    facts = {}
    if rates:
        facts["meeting_frequency"] = (f"From the time logs: pairs logged a median of {median(rates):.1f} sessions a month "
                                      f"({len(sessions)} of {len(rates)} pairs active a month or more logged time).")
    counts: Counter[str] = Counter()
    for text_value, n in session.execute(
            select(cast(TimeLog.topics, Text), func.count())
            .where(day >= year.window_start, day <= year.window_end, TimeLog.deleted_at.is_(None))
            .group_by(cast(TimeLog.topics, Text))):
        for topic in json.loads(text_value or "[]"):
            counts[topic] += n
    if counts:
        top = ", ".join(f"{topic} ({n} entries)" for topic, n in counts.most_common(5))
        facts["topics"] = f"From the time logs, the topics most often logged: {top}."
    return facts
