"""Import mentor-mentee assignments (DESIGN.md public format, the import policy of roster_io).

A row is rejected when it cannot be recorded (unknown people, a mentor who is the mentee, end
before start, bad dates or codes). A mentor who does not meet the selection criteria is imported
with a warning: the file records what happened, and the Mentors page shows the gap (603 CMR 7.12).
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, SchoolYear, derived_id
from app.models.vocab import ASSIGNMENT_END_REASONS
from app.services import tabular
from app.services import vocabulary as v
from app.errors import FieldProblem, UsageError
from app.services.matching.support_teams import fill_from_assignments
from app.services.tabular import ImportReport, RejectedRow, RowWarning
from app.services.years import ensure_year, label_for, parse_label
from app.services.vocabulary import us_date

Progress = Callable[[int, int, str], None]

ASSIGNMENT_FIELDS = ("mentor_employee_id", "mentee_employee_id", "school_year", "start_date", "end_date", "end_reason")
ASSIGNMENT_ALIASES = {
    "mentor_employee_id": ("Mentor ID", "Mentor Employee ID", "Mentor"),
    "mentee_employee_id": ("Mentee ID", "Mentee Employee ID", "Mentee", "Beginning Teacher ID"),
    "school_year": ("School Year", "Year"),
    "start_date": ("Start", "Start Date", "Assigned On", "Assigned"),
    "end_date": ("End", "End Date", "Ended On"),
    "end_reason": ("End Reason", "Reason Ended"),
}


@dataclass(frozen=True)
class AssignmentRecord:
    mentor: Educator
    mentee: Educator
    year_label: str
    start_date: dt.date | None  # None: the school year's first day
    end_date: dt.date | None
    end_reason: str | None


def _clean(values: dict[str, object], people: dict[str, Educator]) -> tuple[AssignmentRecord | None, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    found: dict[str, object] = {}

    def check(field: str, parse: Callable[[object], object]) -> None:
        try:
            found[field] = parse(values.get(field))
        except ValueError as exc:
            problems.append(FieldProblem(field, v.text(values.get(field)), str(exc)))

    for field in ("mentor_employee_id", "mentee_employee_id"):
        check(field, lambda raw: _person(raw, people))
    check("school_year", lambda raw: _year_label(raw))
    check("start_date", v.parse_date)
    check("end_date", v.parse_date)
    check("end_reason", lambda raw: v.parse_choice(raw, ASSIGNMENT_END_REASONS))
    if problems:
        return None, problems
    mentor, mentee = found["mentor_employee_id"], found["mentee_employee_id"]
    start, end = found["start_date"], found["end_date"]
    label = found["school_year"] or (label_for(start) if start else None)  # type: ignore[arg-type]
    if mentor is mentee:
        problems.append(FieldProblem("mentee_employee_id", mentee.employee_id, "is the mentor: a mentor cannot mentor themselves"))  # type: ignore[union-attr]
    if start and end and end < start:  # type: ignore[operator]
        problems.append(FieldProblem("end_date", end.isoformat(), f"is before the start date {start.isoformat()}"))  # type: ignore[union-attr]
    if label is None:
        problems.append(FieldProblem("school_year", "", "give the school year (e.g. 2025-2026) or a start date"))
    elif start and label_for(start) != label:  # type: ignore[arg-type]
        problems.append(FieldProblem("start_date", start.isoformat(), f"falls outside the school year {label} (July 1 to June 30)"))  # type: ignore[union-attr]
    if found["end_reason"] and not end:
        problems.append(FieldProblem("end_reason", str(found["end_reason"]), "an end reason needs an end date"))
    if problems:
        return None, problems
    return AssignmentRecord(mentor, mentee, label, start, end, found["end_reason"]), []  # type: ignore[arg-type]


def _person(raw: object, people: dict[str, Educator]) -> Educator:
    key = tabular.restore(v.text(raw))  # the quote our exports put before a leading = + - @
    if not key:
        raise ValueError("is missing")
    person = people.get(key)
    if person is None:
        raise ValueError("no educator with this employee id in the roster (import the roster first)")
    return person


def _year_label(raw: object) -> str | None:
    label = v.text(raw)
    if not label:
        return None
    try:
        parse_label(label)
    except UsageError:
        raise ValueError("must look like 2025-2026 (two consecutive years)") from None
    return label


def import_assignments(
    session: Session,
    path: str | Path,
    *,
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> ImportReport:
    """Upsert on (mentor, mentee, school year); never deletes. One transaction (the caller's)."""
    table = tabular.read_table(path, ASSIGNMENT_ALIASES, required=("mentor_employee_id", "mentee_employee_id"))
    report = ImportReport(source=str(path), columns=table.columns)
    people = {e.employee_id: e for e in session.scalars(select(Educator))}
    years: dict[str, SchoolYear] = {}
    existing = {(a.mentor_id, a.mentee_id, a.school_year_id): a for a in session.scalars(select(Assignment))}
    seen: dict[tuple[str, str, str], int] = {}
    mentees: dict[str, list[uuid.UUID]] = {}  # year -> the mentees whose support team follows their pair
    total = len(table.rows)
    for done, row in enumerate(table.rows, 1):
        if tabular.cancelled(session, report, cancel):
            return report
        record, problems = _clean(row.values, people)
        key = (record.mentor.employee_id, record.mentee.employee_id, record.year_label) if record else None
        if key in seen:
            problems = [FieldProblem("mentee_employee_id", key[1], f"this pair and year repeat line {seen[key]} (the first is kept)")]  # type: ignore[index]
            record = None
        if record is None:
            report.rejected.append(RejectedRow(row.line, tuple(problems), row.original))
            continue
        seen[key] = row.line  # type: ignore[index]
        year = years.get(record.year_label) or _year(session, record.year_label, years, report)
        _upsert(session, record, year, existing, report)
        mentees.setdefault(year.label, []).append(record.mentee.id)
        report.warnings.extend(RowWarning(row.line, w) for w in _warnings(session, record, year, existing))
        if progress and (done % 500 == 0 or done == total):
            progress(done, total, f"checked {done} of {total} rows")
    session.flush()
    for label, ids in mentees.items():
        fill_from_assignments(session, label, ids)
    return tabular.finish(session, report, strict=strict, dry_run=dry_run)


def _year(session: Session, label: str, years: dict[str, SchoolYear], report: ImportReport) -> SchoolYear:
    year, created = ensure_year(session, label)
    if created:
        report.notes.append(f"created school year {label} (July 1 to June 30; first day {us_date(year.first_day)})")
    years[label] = year
    return year


def _upsert(session: Session, record: AssignmentRecord, year: SchoolYear,
            existing: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], Assignment], report: ImportReport) -> None:
    fields = {"start_date": record.start_date or year.first_day, "end_date": record.end_date,
              "end_reason": record.end_reason}
    key = (record.mentor.id, record.mentee.id, year.id)
    assignment = existing.get(key)
    if assignment is None:
        assignment = Assignment(
            id=derived_id("assignment", f"{record.mentor.employee_id}:{record.mentee.employee_id}:{year.label}"),
            mentor=record.mentor, mentee=record.mentee, school_year=year, **fields)
        session.add(assignment)
        existing[key] = assignment
        report.new += 1
        return
    changes = {k: value for k, value in fields.items() if getattr(assignment, k) != value}
    for k, value in changes.items():
        setattr(assignment, k, value)
    if changes:
        report.changed += 1
    else:
        report.unchanged += 1


def _warnings(session: Session, record: AssignmentRecord, year: SchoolYear,
              existing: dict[tuple[uuid.UUID, uuid.UUID, uuid.UUID], Assignment]) -> list[str]:
    """Selection criteria the mentor does not meet, and a mentee with two mentors at once."""
    from app.services.matching.eligibility import check_mentor

    mentor = record.mentor
    start = record.start_date or year.first_day
    out = [f"mentor {mentor.employee_id} ({mentor.full_name}): {check.reason} ({check.citation})"
           for check in check_mentor(session, mentor, record.mentee, year, start=start) if check.met is False]
    for (mentor_id, mentee_id, year_id), other in existing.items():
        if (mentee_id == record.mentee.id and year_id == year.id and mentor_id != mentor.id
                and other.start_date <= (record.end_date or year.window_end)
                and (other.end_date is None or other.end_date >= start)):
            out.append(f"mentee {record.mentee.employee_id} also has mentor {other.mentor.employee_id} "
                       "over the same dates (end one assignment to record a reassignment)")
    return out


def assignment_rows(session: Session) -> list[dict[str, str]]:
    """Every assignment in the public import format (round-trips through import_assignments)."""
    rows = session.scalars(select(Assignment).join(SchoolYear).order_by(SchoolYear.label, Assignment.start_date))
    return [{
        "mentor_employee_id": a.mentor.employee_id,
        "mentee_employee_id": a.mentee.employee_id,
        "school_year": a.school_year.label,
        "start_date": a.start_date.isoformat(),
        "end_date": a.end_date.isoformat() if a.end_date else "",
        "end_reason": a.end_reason or "",
    } for a in rows]
