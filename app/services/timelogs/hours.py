"""Mentoring hours and observations: the ONE place they are computed.

Every figure about logged time (the Time Logs page, the hours report, the state report's items
(d) and (e) and its hours-by-month chart, the principal rosters, the dashboard card) calls a function
here, so a number shown in two places is the same number.

Definitions (public; the hours report prints them):
- Hours of an educator in a school year: minutes of every time-log entry whose mentee is the
  educator, dated in the year's July 1 to June 30 window, across all their mentors (a group
  session counts in full for each mentee), shown in hours with one decimal.
- Observations: such entries with activity `observed_mentee` (a classroom observation; a site visit
  for administrators).
- Hours toward 50 (603 CMR 7.04(2)(c)(4): 50 hours of mentoring beyond the induction year, needed for
  the Professional license): minutes of every entry whose mentee is the educator, dated after the
  end of the educator's induction year and on or before the end of the school year asked about,
  across years and mentors; it follows the educator, not the pair. The induction year is the first
  school year in which the educator is enrolled as a beginning educator (an enrollment in
  induction year N places it N-1 years earlier). An educator never enrolled as beginning here
  (an incoming educator) is taken to have completed the induction year elsewhere: all their logged
  hours count. An educator still in the induction year has no figure yet (null).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.errors import UsageError
from app.models import Educator, InductionEnrollment, School, SchoolYear
from app.models.timelogs import TimeLog
from app.services.vocabulary import hours_of, us_date
from app.services.years import find_year

HOURS_REQUIRED = 50  # 603 CMR 7.04(2)(c)(4)
OBSERVED = "observed_mentee"
MENTOR_FREED = ("mentor", "both")  # release time (603 CMR 7.12(2)(d)): whom an entry's release time freed
MENTEE_FREED = ("mentee", "both")

SCHEMA = "mentordesk.hours/1"  # `report hours --out FILE.json` (docs/formats.md)

DEFINITIONS = {
    "hours": "Hours: minutes of every time-log entry with the educator as mentee, dated July 1 to June 30, "
             "across all mentors (a group session counts in full for each mentee), in hours with one decimal.",
    "observations": "Observations: those entries with the activity \"Observed the mentee teach\" (classroom observations; "
                    "site visits for administrators).",
    "hours_toward_50": "Hours toward 50 (603 CMR 7.04(2)(c)(4)): every entry with the educator as mentee dated "
                       "after the end of the educator's induction year (the first year enrolled as beginning) "
                       "up to June 30 of the year shown, across years and mentors; blank while still in the "
                       "induction year; an educator never enrolled as beginning here counts all logged hours.",
    "release_hours": "Release hours (603 CMR 7.12(2)(d): release time for mentor and beginning teacher): minutes of "
                     "the year's entries whose release time freed that person (mentor, mentee or both); a group "
                     "session counts once for its mentor and in full for each mentee freed.",
}


def _day():  # type: ignore[no-untyped-def]
    """The entry's date for aggregate filters. Wrapped so the planner reads the covering totals index
    (mentee or pair, deleted_at, date, minutes, activity) from end to end instead of jumping from the
    date index to 200,000 table rows: 0.13 s instead of 0.5-1.7 s for a year (benchmarks/timelogs.py)."""
    return func.coalesce(TimeLog.date, TimeLog.date)


def to_hours(minutes: int | None) -> float | None:
    return None if minutes is None else hours_of(minutes)


def duration_text(minutes: int) -> str:
    """Exact time as a record prints it: '45 min', '2 h', '19 h 35 min'. Lines shown this way add up
    to their total exactly (lines rounded to tenths of an hour need not: 3 x 20 min = 3 x 0.3 h, yet 1.0 h)."""
    hours, rest = divmod(int(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def hours_text(minutes: int) -> str:
    """'19 h 35 min (19.6 hours)': the exact time and the one-decimal hours every other output shows."""
    return f"{duration_text(minutes)} ({hours_of(minutes):.1f} hours)"


@dataclass(frozen=True)
class Totals:
    minutes: int = 0
    observations: int = 0
    entries: int = 0
    release_minutes: int = 0  # of entries whose release time freed the mentee (MENTEE_FREED)

    @property
    def hours(self) -> float:
        return hours_of(self.minutes)


@dataclass(frozen=True)
class EducatorHours:
    """One mentee's figures for a school year (plain data, safe across threads)."""

    educator_id: uuid.UUID
    employee_id: str
    name: str
    school: str
    role: str
    minutes: int
    observations: int
    entries: int
    minutes_toward_50: int | None  # None while the educator is still in the induction year
    induction_year: str | None  # label of the induction year, None when not enrolled as beginning here
    license_type: str | None = None  # a Professional license most likely owes no 50 hours (004 footnote)
    release_minutes: int = 0  # release time that freed this mentee (release_minutes_by_person)

    @property
    def hours(self) -> float:
        return hours_of(self.minutes)

    @property
    def hours_toward_50(self) -> float | None:
        return to_hours(self.minutes_toward_50)

    @property
    def progress_50(self) -> float | None:
        """0..1 for the bar; None while in the induction year."""
        if self.minutes_toward_50 is None:
            return None
        return min(1.0, self.minutes_toward_50 / (HOURS_REQUIRED * 60))

    @property
    def release_hours(self) -> float:
        return hours_of(self.release_minutes)

    def as_json(self) -> dict[str, object]:
        return {"employee_id": self.employee_id, "name": self.name, "school": self.school, "hours": self.hours,
                "observations": self.observations, "hours_toward_50": self.hours_toward_50,
                "release_hours": self.release_hours}


def _year(session: Session, year_label: str) -> SchoolYear:
    year = find_year(session, year_label)
    if year is None:
        raise UsageError(f"no school year {year_label} in this database")
    return year


def totals_by_mentee(session: Session, start: dt.date, end: dt.date) -> dict[uuid.UUID, Totals]:
    """Minutes, observations and entry counts per mentee for entries dated start..end (one query)."""
    query = (select(TimeLog.mentee_id, func.sum(TimeLog.minutes),
                    func.sum(case((TimeLog.activity == OBSERVED, 1), else_=0)), func.count(),
                    func.sum(case((TimeLog.release_time.in_(MENTEE_FREED), TimeLog.minutes), else_=0)))
             .where(_day() >= start, _day() <= end, TimeLog.deleted_at.is_(None))
             .group_by(TimeLog.mentee_id))
    return {mentee: Totals(int(minutes or 0), int(observed or 0), int(count), int(released or 0))
            for mentee, minutes, observed, count, released in session.execute(query)}


def sum_totals(per_mentee: dict[uuid.UUID, Totals], mentee_ids: Iterable[uuid.UUID]) -> Totals:
    """Add up `totals_by_mentee` over a set of mentees (one query serves several sets)."""
    picked = [per_mentee[m] for m in set(mentee_ids) if m in per_mentee]
    return Totals(sum(t.minutes for t in picked), sum(t.observations for t in picked), sum(t.entries for t in picked),
                  sum(t.release_minutes for t in picked))


def any_entries(session: Session, start: dt.date, end: dt.date) -> bool:
    query = select(TimeLog.id).where(TimeLog.date >= start, TimeLog.date <= end, TimeLog.deleted_at.is_(None)).limit(1)
    return session.execute(query).first() is not None


def minutes_by_month(session: Session, start: dt.date, end: dt.date,
                     mentee_ids: Iterable[uuid.UUID] | None = None) -> list[tuple[str, int]]:
    """[("2025-09", minutes), ...] for every month of start..end (months with nothing give 0)."""
    # Sum per day in SQL (a few hundred rows) and bucket the months here: grouping by an
    # extracted month makes SQLite format every one of 200,000 dates.
    base = (select(TimeLog.date, func.sum(TimeLog.minutes))
            .where(_day() >= start, _day() <= end, TimeLog.deleted_at.is_(None)).group_by(TimeLog.date))
    wanted = None if mentee_ids is None else list(set(mentee_ids))
    queries = [base] if wanted is None else [base.where(TimeLog.mentee_id.in_(wanted[i:i + 5000]))
                                             for i in range(0, len(wanted), 5000)]
    sums: dict[str, int] = defaultdict(int)
    for query in queries:
        for day, minutes in session.execute(query):
            sums[f"{day.year:04d}-{day.month:02d}"] += int(minutes or 0)
    months = []
    day = start.replace(day=1)
    while day <= end:
        key = f"{day.year:04d}-{day.month:02d}"
        months.append((key, sums.get(key, 0)))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def hours_by_month(session: Session, start: dt.date, end: dt.date,
                   mentee_ids: Iterable[uuid.UUID] | None = None) -> list[tuple[str, float]]:
    """Month labels like "Sep 2025" with hours (one decimal), for charts."""
    out = []
    for key, minutes in minutes_by_month(session, start, end, mentee_ids):
        month = dt.date(int(key[:4]), int(key[5:]), 1)
        out.append((f"{month:%b} {month.year}", hours_of(minutes)))
    return out


def induction_years(session: Session, educator_ids: Iterable[uuid.UUID] | None = None
                    ) -> dict[uuid.UUID, tuple[str, dt.date]]:
    """Each educator's induction year (label, its June 30) from their beginning enrollments."""
    wanted = None if educator_ids is None else set(educator_ids)
    query = (select(InductionEnrollment.educator_id, InductionEnrollment.induction_year, SchoolYear.window_start)
             .join(SchoolYear, SchoolYear.id == InductionEnrollment.school_year_id)
             .where(InductionEnrollment.status == "beginning"))
    found: dict[uuid.UUID, int] = {}
    for educator_id, induction_year, window_start in session.execute(query):
        if wanted is not None and educator_id not in wanted:
            continue
        first = window_start.year - max(1, induction_year or 1) + 1
        found[educator_id] = min(first, found.get(educator_id, first))
    return {e: (f"{y}-{y + 1}", dt.date(y + 1, 6, 30)) for e, y in found.items()}


def minutes_toward_50(session: Session, as_of: dt.date, educator_ids: Iterable[uuid.UUID] | None = None
                      ) -> dict[uuid.UUID, int | None]:
    """Minutes counting toward the 50 hours, per educator, up to `as_of` (see the module's definition).

    Educators still in their induction year on `as_of` get None. Educators with no entries and no
    beginning enrollment are left out. One aggregate per distinct induction-year end (a handful),
    each read from the covering index.
    """
    ids = None if educator_ids is None else set(educator_ids)
    inductions = induction_years(session, ids)
    cutoffs: dict[dt.date | None, set[uuid.UUID]] = defaultdict(set)
    for educator_id, (_label, end) in inductions.items():
        if end < as_of:
            cutoffs[end].add(educator_id)
    out: dict[uuid.UUID, int | None] = {e: (None if end >= as_of else 0) for e, (_l, end) in inductions.items()}
    for cutoff in [None, *sorted(c for c in cutoffs if c is not None)]:
        query = (select(TimeLog.mentee_id, func.sum(TimeLog.minutes))
                 .where(TimeLog.deleted_at.is_(None), _day() <= as_of).group_by(TimeLog.mentee_id))
        if cutoff is not None:
            query = query.where(_day() > cutoff)
        for mentee, minutes in session.execute(query):
            if ids is not None and mentee not in ids:
                continue
            induction = inductions.get(mentee)
            if cutoff is None and induction is None:
                out[mentee] = int(minutes or 0)  # never enrolled as beginning here: every hour counts
            elif cutoff is not None and mentee in cutoffs[cutoff]:
                out[mentee] = int(minutes or 0)
    return out


def educator_hours(session: Session, year_label: str, educator_ids: Iterable[uuid.UUID] | None = None,
                   *, include_idle: bool = False) -> list[EducatorHours]:
    """Per mentee: the year's hours and observations and the progress toward 50 hours.

    Every mentee with time in the year's window, sorted by name; with `include_idle` also the
    educators asked for (or enrolled in the year) who have no time yet.
    """
    year = _year(session, year_label)
    wanted = None if educator_ids is None else set(educator_ids)
    totals = totals_by_mentee(session, year.window_start, year.window_end)
    people = set(totals)
    if include_idle:
        people |= wanted if wanted is not None else set(session.scalars(
            select(InductionEnrollment.educator_id).where(InductionEnrollment.school_year_id == year.id)))
    if wanted is not None:
        people &= wanted
    if not people:
        return []
    small = len(people) < 500
    toward = minutes_toward_50(session, year.window_end, people if small else None)
    inductions = induction_years(session, people if small else None)
    query = (select(Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name, Educator.role,
                    School.name, Educator.license_type).outerjoin(School, School.id == Educator.school_id))
    ordered = sorted(people)
    rows = [row for start in range(0, len(ordered), 500)  # bounded IN lists, portable to every backend
            for row in session.execute(query.where(Educator.id.in_(ordered[start:start + 500])))]
    out = []
    for educator_id, employee_id, first, last, role, school, license_type in rows:
        t = totals.get(educator_id, Totals())
        induction = inductions.get(educator_id)
        out.append(((last.lower(), first.lower(), employee_id),
                    EducatorHours(educator_id, employee_id, f"{first} {last}", school or "", role, t.minutes,
                                  t.observations, t.entries, toward.get(educator_id, 0),
                                  induction[0] if induction else None, license_type,
                                  t.release_minutes)))
    out.sort(key=lambda pair: pair[0])
    return [h for _key, h in out]


# --- release time (603 CMR 7.12(2)(d): release time for mentor and beginning teacher, a required component) ---


def release_minutes_by_person(session: Session, start: dt.date, end: dt.date
                              ) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Release minutes in start..end: (per mentor, per mentee). An entry whose release time freed the
    mentor (mentor or both) adds its minutes to the mentor; one that freed the mentee (mentee or both) to
    the mentee. A group session is one `time_log` row per mentee: it counts in full for each mentee freed
    and once for the mentor (its longest row, as the rows of one session have the same minutes)."""
    mentees = {m: t.release_minutes for m, t in totals_by_mentee(session, start, end).items() if t.release_minutes}
    mentors = {m: t.release_minutes for m, t in mentor_time(session, start, end).items() if t.release_minutes}
    return mentors, mentees


def release_minutes_by_pair(session: Session, start: dt.date, end: dt.date) -> dict[uuid.UUID, int]:
    """Minutes of entries with any release time in start..end, per assignment (the dashboard card's rule)."""
    return {a: int(n or 0) for a, n in session.execute(
        select(TimeLog.assignment_id, func.sum(TimeLog.minutes))
        .where(_day() >= start, _day() <= end, TimeLog.deleted_at.is_(None), TimeLog.release_time.is_not(None))
        .group_by(TimeLog.assignment_id))}


@dataclass(frozen=True)
class MentorRelease:
    """One mentor's release time in a school year (every mentor with time logged in it)."""

    educator_id: uuid.UUID
    employee_id: str
    name: str
    school: str
    minutes: int  # time logged with their mentees (a group session once)
    release_minutes: int

    @property
    def release_hours(self) -> float:
        return hours_of(self.release_minutes)

    def as_json(self) -> dict[str, object]:
        return {"employee_id": self.employee_id, "name": self.name, "school": self.school,
                "release_hours": self.release_hours}


@dataclass(frozen=True)
class MentorTime:
    minutes: int
    first: dt.date
    last: dt.date
    release_minutes: int = 0  # of entries whose release time freed the mentor (MENTOR_FREED)


def mentor_time(session: Session, start: dt.date, end: dt.date) -> dict[uuid.UUID, MentorTime]:
    """Per mentor: minutes logged with their mentees in start..end, a group session once (its rows are one
    session), with the first and last dates (the mentor's hours of mentoring, e.g. for PDPs)."""
    # One scan of the covering index ix_time_log_mentor_totals (app/models/timelogs.py), grouped by mentor and
    # group session: the rows without a group (NULL) add up, a group session's rows count once (their longest).
    live = (_day() >= start, _day() <= end, TimeLog.deleted_at.is_(None))
    freed = case((TimeLog.release_time.in_(MENTOR_FREED), TimeLog.minutes), else_=0)
    found: dict[uuid.UUID, list] = {}
    for mentor, group, total, longest, first, last, freed_total, freed_longest in session.execute(
            select(TimeLog.mentor_id, TimeLog.group_id, func.sum(TimeLog.minutes), func.max(TimeLog.minutes),
                   func.min(TimeLog.date), func.max(TimeLog.date), func.sum(freed), func.max(freed))
            .where(*live).group_by(TimeLog.mentor_id, TimeLog.group_id)):
        minutes, released = (total, freed_total) if group is None else (longest, freed_longest)
        got = found.setdefault(mentor, [0, first, last, 0])
        got[0] += int(minutes or 0)
        got[1], got[2] = min(got[1], first), max(got[2], last)
        got[3] += int(released or 0)
    return {m: MentorTime(*v) for m, v in found.items()}


def mentor_release(session: Session, year_label: str) -> list[MentorRelease]:
    """Per mentor with time logged in the year: their release time, sorted by name."""
    year = _year(session, year_label)
    times = mentor_time(session, year.window_start, year.window_end)
    logged = {m: t.minutes for m, t in times.items()}
    released = {m: t.release_minutes for m, t in times.items()}
    if not logged:
        return []
    query = (select(Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name, School.name)
             .outerjoin(School, School.id == Educator.school_id))
    ordered = sorted(logged)
    rows = [row for start in range(0, len(ordered), 500)
            for row in session.execute(query.where(Educator.id.in_(ordered[start:start + 500])))]
    rows.sort(key=lambda r: (r[3].lower(), r[2].lower(), r[1]))
    return [MentorRelease(i, emp, f"{first} {last}", school or "", logged[i], released.get(i, 0))
            for i, emp, first, last, school in rows]


@dataclass(frozen=True)
class PairTotals:
    assignment_id: uuid.UUID
    minutes: int
    observations: int
    entries: int
    last_date: dt.date | None

    @property
    def hours(self) -> float:
        return hours_of(self.minutes)


def pair_totals(session: Session, start: dt.date, end: dt.date) -> dict[uuid.UUID, PairTotals]:
    """Per assignment (a pair): minutes, observations, entries and last entry date in start..end."""
    query = (select(TimeLog.assignment_id, func.sum(TimeLog.minutes),
                    func.sum(case((TimeLog.activity == OBSERVED, 1), else_=0)), func.count(), func.max(TimeLog.date))
             .where(_day() >= start, _day() <= end, TimeLog.deleted_at.is_(None))
             .group_by(TimeLog.assignment_id))
    return {a: PairTotals(a, int(m or 0), int(o or 0), int(c), last)
            for a, m, o, c, last in session.execute(query)}


def last_entry_by_assignment(session: Session) -> dict[uuid.UUID, dt.date]:
    query = (select(TimeLog.assignment_id, func.max(TimeLog.date)).where(TimeLog.deleted_at.is_(None))
             .group_by(TimeLog.assignment_id))
    return dict(session.execute(query).all())


# --- the hours report and the record of mentoring hours -------------------------------------------


def write_hours_report(session: Session, year_label: str, out: str | Path) -> Path:
    """`.json`, `.csv` or `.pdf` by extension. No notes: this reads minutes, dates and activities only."""
    import json

    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".json", ".csv", ".pdf"):
        raise UsageError(f"{out.name}: the hours report is written as .json, .csv or .pdf")
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = educator_hours(session, year_label)
    mentors = mentor_release(session, year_label)
    if suffix == ".json":
        out.write_text(json.dumps({"schema": SCHEMA, "school_year": year_label,
                                   "educators": [h.as_json() for h in rows], "mentors": [m.as_json() for m in mentors]},
                                  indent=2), encoding="utf-8")
    elif suffix == ".csv":
        from app.services import settings, tabular

        header = ["employee_id", "name", "school", "hours", "observations", "hours_toward_50", "release_hours", "role"]
        body = [[h.employee_id, h.name, h.school, h.hours, h.observations,
                 "" if h.hours_toward_50 is None else h.hours_toward_50, h.release_hours, "mentee"] for h in rows]
        # a mentor's hours: time logged with their mentees, a group session once
        body += [[m.employee_id, m.name, m.school, hours_of(m.minutes), "", "", m.release_hours, "mentor"]
                 for m in mentors]
        tabular.write_csv(out, [header, *body], plain_utf8=bool(settings.get(session, "csv_plain_utf8")))
    else:
        from app.services import settings
        from app.services.pdf import PdfDocument

        doc = PdfDocument(out, title=f"Mentoring hours {year_label}", district=settings.get(session, "district_name"),
                          subtitle="Hours and observations per mentee, July 1 to June 30. "
                                   "Confidential mentoring notes are never printed.")
        doc.table(("Educator", "Employee ID", "School", "Hours", "Observations", "Toward 50 hours", "Release hours"),
                  [(h.name, h.employee_id, h.school, f"{h.hours:.1f}", h.observations,
                    "in induction year" if h.hours_toward_50 is None else f"{h.hours_toward_50:.1f} of 50",
                    f"{h.release_hours:.1f}")
                   for h in rows], widths=(0.18, 0.12, 0.2, 0.08, 0.16, 0.14, 0.12), empty="No time logged this year.")
        doc.heading("Mentors' release time", level=2)
        doc.table(("Mentor", "Employee ID", "School", "Hours logged", "Release hours"),
                  [(m.name, m.employee_id, m.school, f"{hours_of(m.minutes):.1f}", f"{m.release_hours:.1f}")
                   for m in mentors], widths=(0.26, 0.14, 0.3, 0.15, 0.15), empty="No mentor logged time this year.")
        for text in DEFINITIONS.values():
            doc.paragraph(text, "note")
        doc.save()
    return out


@dataclass(frozen=True)
class RecordLine:
    year: str
    mentor: str
    activity: str
    minutes: int
    counts_toward_50: bool


def record_lines(session: Session, educator_id: uuid.UUID, as_of: dt.date | None = None) -> list[RecordLine]:
    """Per school year, mentor and activity: the minutes logged for one mentee (every year, up to
    `as_of` when given: the record's date, the same cut-off as the hours toward 50)."""
    from app.services.years import label_for

    inductions = induction_years(session, [educator_id])
    induction_end = inductions[educator_id][1] if educator_id in inductions else None
    query = (select(TimeLog.date, Educator.first_name, Educator.last_name, TimeLog.activity, TimeLog.minutes)
             .join(Educator, Educator.id == TimeLog.mentor_id)
             .where(TimeLog.mentee_id == educator_id, TimeLog.deleted_at.is_(None)))
    if as_of is not None:
        query = query.where(TimeLog.date <= as_of)
    sums: dict[tuple[str, str, str, bool], int] = defaultdict(int)
    for day, first, last, activity, minutes in session.execute(query):
        counts = induction_end is None or day > induction_end
        sums[(label_for(day), f"{first} {last}", activity, counts)] += int(minutes)
    return [RecordLine(y, m, a, n, c) for (y, m, a, c), n in sorted(sums.items())]


def write_hours_record(session: Session, educator_id: uuid.UUID, out: str | Path, *,
                       as_of: dt.date | None = None, today: dt.date | None = None) -> Path:
    """The printable "Record of mentoring hours" for the Professional license application
    (603 CMR 7.04(2)(c)(4)): years, mentors, hours by activity, total, signature lines; no notes.

    Everything up to `as_of` (default today), never past today: a record printed in December of a
    school year that runs to June 30 says "up to" December's date, "today" (issue 20). Each line prints its exact time (`duration_text`), so the
    lines add up to the totals; the totals also give the one-decimal hours of `hours_of`, the figure
    the page and the hours report show. Both totals are sums of the printed lines."""
    from app.services import settings
    from app.services.pdf import PdfDocument

    educator = session.get(Educator, educator_id)
    if educator is None:
        raise UsageError("no such educator")
    from app.services.timelogs.activities import ACTIVITY_LABELS

    today = today or dt.date.today()
    as_of = min(as_of or today, today)
    lines = record_lines(session, educator_id, as_of)
    inductions = induction_years(session, [educator_id])
    in_induction = educator_id in inductions and inductions[educator_id][1] >= as_of
    total = sum(r.minutes for r in lines)
    toward = None if in_induction else sum(r.minutes for r in lines if r.counts_toward_50)
    doc = PdfDocument(out, title="Record of mentoring hours", district=settings.get(session, "district_name"),
                      subtitle="For the Professional license application: 50 hours of mentoring beyond the "
                               "induction year (603 CMR 7.04(2)(c)(4)). Confidential mentoring notes are not included.")
    doc.key_values([
        ("Educator", educator.full_name), ("Employee ID", educator.employee_id), ("MEPID", educator.mepid or ""),
        ("School", educator.school.name if educator.school else ""), ("License", educator.license_type or ""),
        ("Induction year", inductions[educator_id][0] if educator_id in inductions else "not recorded in this district"),
        ("Time logged up to", f"{us_date(as_of)}" + (" (today, the date this record was printed)"
                                                     if as_of == today else "")),
    ])
    doc.heading("Hours by year, mentor and activity", level=2)
    doc.table(("School year", "Mentor", "Activity", "Time", "Counts toward 50"),
              [(r.year, r.mentor, ACTIVITY_LABELS.get(r.activity, r.activity.replace("_", " ")), duration_text(r.minutes),
                "yes" if r.counts_toward_50 else "no (induction year)") for r in lines],
              widths=(0.15, 0.28, 0.23, 0.14, 0.2), empty="No mentoring time logged.")
    doc.key_values([
        ("Total time logged", hours_text(total)),
        ("Beyond the induction year", "none yet (in the induction year)" if toward is None else hours_text(toward)),
        ("Required", f"{HOURS_REQUIRED} hours"),
    ])
    doc.paragraph(DEFINITIONS["hours_toward_50"], "note")
    doc.signature_lines(["Educator", "Mentor", "Induction coordinator"])
    return doc.save()
