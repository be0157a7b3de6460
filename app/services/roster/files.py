"""Staff roster import and export in the public format (DESIGN.md)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, undefer

from app.models import Educator, InductionEnrollment, School, SchoolYear, utcnow
from app.services import tabular
from app.services.batch import cycle_collector_paused
from app.services.roster.educators import (
    ROSTER_FIELDS,
    EducatorRecord,
    SchoolCache,
    apply_induction,
    apply_record,
    UNDECIDED,
    clean_educator,
    derive_induction_status,
    educator_fields,
    district_choices,
    enrollment_fields,
    enrollments_for,
    record_of,
    record_to_strings,
)
from app.errors import FieldProblem
from app.services.tabular import ImportReport, Progress, RejectedRow
from app.services.years import current_label, ensure_year
from app.services.vocabulary import us_date

ROSTER_ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("Employee ID", "Emp #", "Emp No", "Employee Number", "Local ID", "Staff ID", "SR02", "ID"),
    "first_name": ("First", "First Name", "Given Name", "SR04"),
    "last_name": ("Last", "Last Name", "Surname", "Family Name", "SR06"),
    "email": ("E-mail", "Email Address", "Work Email"),
    "mepid": ("MEPID", "MEPID Number", "SR01"),
    "school": ("Building", "School Name", "Location", "Site"),
    "role": ("Role", "Staff Role"),
    "position": ("Position", "Title", "Job Title", "Assignment"),
    "subjects": ("Subject", "Subjects", "Subject Area", "Content Area", "License Field"),
    "grades": ("Grade", "Grades", "Grade Levels", "Grade Level"),
    "license_type": ("License", "License Type", "Licensure"),
    "years_experience": ("Years", "Experience", "Years Experience", "Years of Experience", "Licensed Years"),
    "hire_date": ("Hire Date", "Date of Hire", "Hired", "SR11"),
    "exit_date": ("Exit Date", "Termination Date", "Separation Date", "SR27"),
    "last_rating": ("Rating", "Last Rating", "Summative Rating", "Evaluation Rating", "SR29"),
    "rating_year": ("Rating Year", "Evaluation Year"),
    "mentor_trained_on": ("Mentor Trained", "Mentor Training Date", "Trained On", "Mentor Trained On"),
    "induction_status": ("Induction", "Induction Status", "Status"),
    "planning_periods": ("Planning", "Planning Periods", "Prep Periods", "Free Periods"),
    "room": ("Room", "Room Number", "Classroom"),
    "preparation_program": ("Preparation Program", "Prep Program", "Educator Preparation Program",
                            "Preparation Provider"),
    "external": ("External", "External Mentor", "Retired or External", "Not District Staff", "Mentor Source"),
    "focus": ("Focus", "Focus Areas", "Needs", "Mentee Needs", "Support Needs"),
    "strengths": ("Strengths", "Mentor Strengths", "Areas of Strength", "Expertise"),
    # Import only (educators.EducatorRecord.prior_induction): induction done before, in another district.
    "prior_induction": ("Prior Induction", "Induction Elsewhere", "Completed Induction", "Prior Induction Program"),
}


# Left out of the errors file: an educator's evaluation rating is personnel data the law keeps
# confidential (G.L. c.71 s.38; 603 CMR 35.11). A re-imported errors file leaves the rating as it was.
CONFIDENTIAL_FIELDS = ("last_rating",)


@cycle_collector_paused
def import_roster(
    session: Session,
    path: str | Path,
    *,
    year_label: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    on_row: Callable[[tabular.Row, str], None] | None = None,
) -> ImportReport:
    """Upsert educators on employee_id; never deletes anyone. One transaction (the caller's).

    `on_row(row, status)` hears what happens to each row (new, changed, unchanged, rejected): the
    import wizard's preview is this function's dry run, so it cannot disagree with the import.
    """
    said = on_row or (lambda _row, _status: None)
    table = tabular.read_table(path, ROSTER_ALIASES, required=("employee_id", "first_name", "last_name"))
    report = ImportReport(source=str(path), columns=table.columns)
    if table.how_read():
        report.notes.append(table.how_read())  # type: ignore[arg-type]
    report.withhold(CONFIDENTIAL_FIELDS, table.mapping)
    label = year_label or current_label()
    year, created = ensure_year(session, label)
    if created:
        report.notes.append(f"created school year {label} (July 1 to June 30; first day {us_date(year.first_day)})")
    educators = {e.employee_id: e for e in session.scalars(
        select(Educator).options(undefer(Educator.last_rating)).execution_options(include_deleted=True))}
    enrollments = enrollments_for(session, year)
    removed = _removed_enrollments(session, year)
    inducted_before = set(session.scalars(  # 004: "participated in an induction program" (here, in a year before)
        select(InductionEnrollment.educator_id).join(SchoolYear, SchoolYear.id == InductionEnrollment.school_year_id)
        .where(SchoolYear.label < year.label)))
    choices = district_choices(session)  # the district's choice, read once for the whole file
    schools = SchoolCache(session)
    seen: dict[str, int] = {}
    present = set(table.mapping)  # columns the file has; the others are left as they are
    fresh: list[tuple[EducatorRecord, School | None]] = []  # new educators, inserted together below
    total = len(table.rows)
    for done, row in enumerate(table.rows, 1):
        if tabular.cancelled(session, report, cancel):
            return report
        tidied = _tidy_names(row, report)
        record, problems = clean_educator(tidied)
        if record is not None and record.employee_id in seen:
            problems = [FieldProblem("employee_id", record.employee_id,
                                     f"repeats line {seen[record.employee_id]} (the first occurrence is kept)")]
            record = None
        if record is None:
            report.rejected.append(RejectedRow(row.line, tuple(problems), row.original))
            said(row, "rejected")
            continue
        seen[record.employee_id] = row.line
        educator = educators.get(record.employee_id)
        if educator is None:
            fresh.append((record, schools.get(record.school)))
            report.new += 1
            said(row, "new")
        else:
            changed = educator.deleted_at is not None
            if changed:  # even setting an unchanged value makes the row dirty for the flush to inspect
                educator.deleted_at = None
            changed |= apply_record(educator, record, schools.get(record.school), present)
            if record.prior_induction is None and educator.id in inducted_before:
                record = dataclasses.replace(record, prior_induction=True)
            existing = enrollments.get(educator.id)
            if (existing is None and educator.id in removed
                    and derive_induction_status(record, year, choices=choices) != "none"):
                # An explicit "none" in an earlier file removed the year's enrollment; a status back revives
                # that row (a new one would break the one-enrollment-a-year rule: found by the property test).
                existing = removed.pop(educator.id)
                existing.deleted_at = None
                changed = True
            changed |= apply_induction(session, educator, record, year, existing, choices=choices)
            if changed:
                report.changed += 1
            else:
                report.unchanged += 1
            said(row, "changed" if changed else "unchanged")
        if progress and (done % 500 == 0 or done == total):
            progress(done, total, f"checked {done} of {total} rows")
    if not (strict and report.rejected):
        # A dry run inserts too (finish() rolls it back): every check the database makes runs in both,
        # so a dry run and the import it previews cannot disagree (issue 19).
        _insert_new(session, fresh, year, choices)
    return tabular.finish(session, report, strict=strict, dry_run=dry_run)


TIDIED_FIELDS = ("first_name", "last_name", "school")


def _tidy_names(row: tabular.Row, report: ImportReport) -> dict[str, object]:
    """Names and schools in NFC without invisible or direction-control characters, which make
    look-alikes ("Sumner Middle School" three times); the row gets a warning naming the fields."""
    values = row.values
    fixed = []
    for field in TIDIED_FIELDS:
        if field in values:
            tidy, removed = tabular.tidy_text(values[field])
            if tidy is not values[field]:
                values = {**values, field: tidy}
            if removed:
                fixed.append(field)
    if fixed:
        report.warnings.append(tabular.RowWarning(row.line, "removed invisible or direction-control characters "
                                                            f"from {', '.join(fixed)}"))
    return values


def _removed_enrollments(session: Session, year: SchoolYear) -> dict:  # type: ignore[type-arg]
    """The year's enrollments removed by an explicit "none", by educator."""
    rows = session.scalars(select(InductionEnrollment).where(
        InductionEnrollment.school_year_id == year.id, InductionEnrollment.deleted_at.is_not(None))
        .execution_options(include_deleted=True))
    return {row.educator_id: row for row in rows}


def _insert_new(session: Session, fresh: list[tuple[EducatorRecord, School | None]], year: SchoolYear,
                choices: dict[str, str]) -> None:
    """New educators and their enrollments as ORM bulk inserts (the sync change log records these
    too): one by one through the unit of work costs about 0.4 ms a row, most of a large import."""
    if not fresh:
        return
    session.flush()  # schools first: the educators refer to them
    stamp = {"created_at": utcnow(), "updated_at": utcnow(), "version": 1, "updated_by": session.info.get("actor")}
    people = [{**educator_fields(record, school), **stamp} for record, school in fresh]
    enrolled = [{**row, **stamp} for (record, _), person in zip(fresh, people)
                if (row := enrollment_fields(record, person["id"], year, choices=choices)) is not None]  # type: ignore[arg-type]
    for model, rows in ((Educator, people), (InductionEnrollment, enrolled)):
        # render_nulls: without it a None leaves its column out of the INSERT, so rows with blanks in
        # different places become hundreds of small statements (none of these columns has a default).
        statement = insert(model).execution_options(render_nulls=True)
        for start in range(0, len(rows), 5000):
            session.execute(statement, rows[start:start + 5000])


def roster_rows(session: Session, year_label: str | None = None) -> list[dict[str, str]]:
    """Every educator in the public format, with induction status for the year."""
    year, _ = ensure_year(session, year_label or current_label())
    enrollments = enrollments_for(session, year)
    choices = district_choices(session)
    educators = session.scalars(select(Educator).options(undefer(Educator.last_rating))
                                .order_by(Educator.last_name, Educator.first_name, Educator.employee_id))
    rows = []
    for educator in educators:
        enrollment = enrollments.get(educator.id)
        status = enrollment.status if enrollment else "none"
        if enrollment is None and derive_induction_status(record_of(educator), year, choices=choices) == UNDECIDED:
            status = ""  # needs a decision: left blank, so the file imported again derives it again
        rows.append(record_to_strings(record_of(educator, status or None)))
    return rows


# The cells' kinds in XLSX (CSV holds the same text either way): IDs stay text (MEPIDs keep their
# leading zeros), dates are dates, counts are numbers; everything else is text.
EXPORT_KINDS = {"employee_id": "text", "mepid": "text", "years_experience": "int", "hire_date": "date",
                "exit_date": "date", "rating_year": "int", "mentor_trained_on": "date"}
EXPORT_COLUMNS = [tabular.Column(f, kind=EXPORT_KINDS.get(f, "text")) for f in ROSTER_FIELDS]


def export_roster(session: Session, out: str | Path, year_label: str | None = None) -> Path:
    """Write the roster as CSV or XLSX in the import format, so it round-trips (the importer undoes
    the quote the writer puts before a leading =, +, -, @: tabular.restore)."""
    from app.services import settings

    return tabular.write_table(out, EXPORT_COLUMNS, roster_rows(session, year_label), sheet="Roster",
                               plain_utf8=bool(settings.get(session, "csv_plain_utf8")))
