"""`mentordesk import cap-candidates FILE`: teacher candidates and their placements from the sponsoring
organization's CSV or XLSX file, under the import policy every importer shares (DESIGN.md, "Import
policy"; services/tabular.py): header aliases, rows with line numbers, rejected rows with field and
reason, --dry-run, --strict, and an errors file that can be fixed and imported again.

One row is one candidate's practicum: name, MEPID, sponsoring organization, program, license sought,
school, the SP's employee id, the program supervisor's name and email, practicum start and end, CAP
edition. A candidate is found again by MEPID (8 digits, leading zeros kept), so importing the same file
twice changes nothing. An SP who fails an SP criterion (603 CMR 7.02; supervisors.py) is rejected unless
the row gives an override reason, which is then recorded on the placement.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import FieldProblem
from app.models import Educator, School, SchoolYear
from app.models.cap import CapCandidate, CapOrganization, CapPlacement
from app.services import tabular
from app.services.cap import rubrics as cap_rubrics
from app.services.cap import supervisors
from app.services.cap.placements import add_candidate, add_placement, ensure_organization
from app.services.tabular import ImportReport, Progress, RejectedRow
from app.services.vocabulary import parse_date, text
from app.services.years import ensure_year, label_for

ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("First", "First Name", "Candidate First Name", "Given Name"),
    "last_name": ("Last", "Last Name", "Candidate Last Name", "Surname", "Family Name"),
    "mepid": ("MEPID", "Candidate MEPID", "MEPID Number"),
    "organization": ("Sponsoring Organization", "Sponsoring Org", "Organization", "Provider",
                     "Preparation Provider"),
    "program": ("Program", "Program Name", "Preparation Program"),
    "license_sought": ("License Sought", "License", "License Field"),
    "school": ("School", "Practicum School", "Building"),
    "sp_employee_id": ("SP Employee ID", "SP ID", "SP Employee Number", "Supervising Practitioner ID",
                       "Supervising Practitioner Employee ID"),
    "ps_name": ("Program Supervisor", "Program Supervisor Name", "PS Name", "PS"),
    "ps_email": ("Program Supervisor Email", "PS Email", "PS E-mail"),
    "practicum_start": ("Practicum Start", "Start", "Start Date", "Practicum Start Date"),
    "practicum_end": ("Practicum End", "End", "End Date", "Practicum End Date"),
    "edition": ("CAP Edition", "Edition", "CAP Guidelines"),
    "sp_override_reason": ("Override Reason", "SP Override Reason", "SP Override"),
    "candidate_number": ("Candidate ID", "Candidate Number", "Program ID"),
    "email": ("Candidate Email", "Email", "E-mail"),
}
REQUIRED = ("first_name", "last_name", "mepid", "organization", "program", "license_sought", "sp_employee_id",
            "ps_name", "practicum_start", "practicum_end")
COLUMNS = list(ALIASES)  # the file format, in order (docs/cap-candidates.md)

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# "Elementary 1-6", "Mathematics (8-12)", "Early Childhood PreK-2", "Music All": the field, then the grades
_LICENSE = re.compile(r"^(?P<field>.*?)\s*\(?(?P<grades>(?:Pre-?K|PK|K|\d{1,2})\s*[-\u2013]\s*\d{1,2}|All)\)?$",
                      re.IGNORECASE)
_LIMITS = {"first_name": 100, "last_name": 100, "organization": 200, "program": 200, "ps_name": 200,
           "ps_email": 200, "candidate_number": 40, "email": 200}


@dataclass(frozen=True)
class CandidateRow:
    first_name: str
    last_name: str
    mepid: str
    organization: str
    program: str
    license_field: str
    license_grades: str
    school: str
    sp_employee_id: str
    ps_name: str
    ps_email: str | None
    practicum_start: dt.date
    practicum_end: dt.date
    edition: str | None
    override: str
    candidate_number: str | None
    email: str | None


def split_license(value: str) -> tuple[str, str]:
    """('Elementary', '1-6') from 'Elementary 1-6'; a license with no grades keeps them empty."""
    match = _LICENSE.match(value.strip())
    if match and match.group("field"):
        return match.group("field").strip(), match.group("grades").replace("\u2013", "-").replace(" ", "")
    return value.strip(), ""


def clean_row(values: Mapping[str, object]) -> tuple[CandidateRow | None, list[FieldProblem]]:
    """The row's fields checked one by one: every problem found, each with its field and reason."""
    problems: list[FieldProblem] = []
    cells = {key: text(values.get(key)) for key in ALIASES}
    for key in REQUIRED:
        if not cells[key]:
            problems.append(FieldProblem(key, "", "required"))
    for key, limit in _LIMITS.items():
        if len(cells[key]) > limit:
            problems.append(FieldProblem(key, cells[key][:40], f"longer than {limit} characters"))
    mepid = cells["mepid"]
    if mepid and (not mepid.isdigit() or len(mepid) > 8):
        problems.append(FieldProblem("mepid", mepid, "MEPID must be 8 digits"))
    mepid = mepid.zfill(8) if mepid.isdigit() else mepid  # spreadsheets drop leading zeros
    for key in ("ps_email", "email"):
        if cells[key] and not _EMAIL.fullmatch(cells[key]):
            problems.append(FieldProblem(key, cells[key], "not an email address"))
    dates: dict[str, dt.date | None] = {}
    for key in ("practicum_start", "practicum_end"):
        try:
            dates[key] = parse_date(values.get(key))
        except ValueError as exc:
            problems.append(FieldProblem(key, cells[key], str(exc)))
            dates[key] = None
    start, end = dates["practicum_start"], dates["practicum_end"]
    if start and end and end < start:
        problems.append(FieldProblem("practicum_end", cells["practicum_end"], "before the practicum start"))
    edition = cells["edition"] or None
    if edition is not None and edition not in cap_rubrics.editions():
        problems.append(FieldProblem("edition", edition,
                                     f"not a CAP edition; one of {', '.join(sorted(cap_rubrics.editions()))}"))
    if len(cells["sp_override_reason"]) > supervisors.OVERRIDE_MAX:
        problems.append(FieldProblem("sp_override_reason", cells["sp_override_reason"][:40],
                                     f"longer than {supervisors.OVERRIDE_MAX} characters"))
    if problems or start is None or end is None:
        return None, problems
    field, grades = split_license(cells["license_sought"])
    return CandidateRow(cells["first_name"], cells["last_name"], mepid, cells["organization"], cells["program"],
                        field, grades, cells["school"], cells["sp_employee_id"], cells["ps_name"],
                        cells["ps_email"] or None, start, end, edition, cells["sp_override_reason"],
                        cells["candidate_number"] or None, cells["email"] or None), []


class _Lookups:
    """Schools, SPs and candidates looked up once per import."""

    def __init__(self, session: Session):
        self.session = session
        self.schools = {name.strip().lower(): school for name, school in
                        session.execute(select(School.name, School)).all()}
        self.sps = {e.employee_id: e for e in session.scalars(select(Educator))}
        self.candidates = {c.mepid: c for c in session.scalars(select(CapCandidate).where(CapCandidate.mepid.is_not(None)))}


def _placement_of(session: Session, candidate: CapCandidate, year_id) -> CapPlacement | None:  # type: ignore[no-untyped-def]
    return session.scalars(select(CapPlacement).where(CapPlacement.candidate_id == candidate.id,
                                                      CapPlacement.school_year_id == year_id)
                           .order_by(CapPlacement.created_at)).first()


def _set(row: object, name: str, value: object) -> bool:
    if getattr(row, name) == value:
        return False
    setattr(row, name, value)
    return True


def import_candidates(session: Session, path: str | Path, *, dry_run: bool = False, strict: bool = False,
                      progress: Progress | None = None, cancel: threading.Event | None = None) -> ImportReport:
    """Add or update candidates (by MEPID) and their placement for the practicum's school year; never
    deletes. One transaction (the caller's): all or nothing under --strict and --dry-run."""
    table = tabular.read_table(path, ALIASES, required=REQUIRED)
    report = ImportReport(source=str(path), columns=table.columns)
    found = _Lookups(session)
    seen: dict[str, int] = {}
    total = len(table.rows)
    for done, row in enumerate(table.rows, 1):
        if tabular.cancelled(session, report, cancel):
            return report
        record, problems = clean_row(row.values)
        if record is not None:
            problems = _check_references(session, record, found, seen, row.line)
        if record is None or problems:
            report.rejected.append(RejectedRow(row.line, tuple(problems), row.original))
            continue
        seen[record.mepid] = row.line
        status = _apply(session, record, found)
        setattr(report, status, getattr(report, status) + 1)
        if progress and (done % 100 == 0 or done == total):
            progress(done, total, f"checked {done} of {total} rows")
    return tabular.finish(session, report, strict=strict, dry_run=dry_run)


def _check_references(session: Session, record: CandidateRow, found: _Lookups, seen: dict[str, int],
                      line: int) -> list[FieldProblem]:
    """What the row names must exist: the SP (meeting every SP criterion, or overridden), the school."""
    if record.mepid in seen:
        return [FieldProblem("mepid", record.mepid, f"repeats line {seen[record.mepid]} (the first is kept)")]
    problems = []
    sp = found.sps.get(record.sp_employee_id)
    if sp is None or sp.deleted_at is not None:
        problems.append(FieldProblem("sp_employee_id", record.sp_employee_id, "no educator with this employee id"))
    if record.school and record.school.lower() not in found.schools:
        problems.append(FieldProblem("school", record.school, "no school of that name (add it through the roster)"))
    if problems:
        return problems
    assert sp is not None
    year, _ = ensure_year(session, label_for(record.practicum_start))
    candidate = found.candidates.get(record.mepid)
    placement = _placement_of(session, candidate, year.id) if candidate is not None else None
    if placement is not None and record.edition and record.edition != placement.edition:
        return [FieldProblem("edition", record.edition, f"the placement follows the {placement.edition} edition; "
                                                        "change its edition on the CAP page")]
    status = supervisors.sp_status(session, sp, year, record.practicum_start)
    if not status.eligible and not record.override:
        return [FieldProblem("sp_employee_id", record.sp_employee_id,
                             f"the SP does not meet: {status.failing_text()} (603 CMR 7.02); "
                             "add an override reason column to place the candidate anyway")]
    return []


def _apply(session: Session, record: CandidateRow, found: _Lookups) -> str:
    """Write one clean row; 'new', 'changed' or 'unchanged'."""
    sp = found.sps[record.sp_employee_id]
    school = found.schools.get(record.school.lower()) if record.school else None
    year_label = label_for(record.practicum_start)
    year, _ = ensure_year(session, year_label)
    candidate = found.candidates.get(record.mepid)
    if candidate is None:
        organization = ensure_organization(session, record.organization)
        candidate = add_candidate(session, organization=organization, first_name=record.first_name,
                                  last_name=record.last_name, program=record.program,
                                  license_field=record.license_field, license_grades=record.license_grades,
                                  practicum_start=record.practicum_start, practicum_end=record.practicum_end,
                                  candidate_number=record.candidate_number, email=record.email, mepid=record.mepid)
        found.candidates[record.mepid] = candidate
        _new_placement(session, candidate, record, sp, school, year_label)
        return "new"
    changed = False
    organization = session.scalars(select(CapOrganization).where(
        func.lower(CapOrganization.name) == record.organization.lower())).first()
    if organization is None or organization.id != candidate.organization_id:
        changed |= _set(candidate, "organization_id", ensure_organization(session, record.organization).id)
    for name in ("first_name", "last_name", "program", "license_field", "license_grades", "practicum_start",
                 "practicum_end"):
        changed |= _set(candidate, name, getattr(record, name))
    for name in ("candidate_number", "email"):
        if getattr(record, name) is not None:
            changed |= _set(candidate, name, getattr(record, name))
    placement = _placement_of(session, candidate, year.id)
    if placement is None:
        _new_placement(session, candidate, record, sp, school, year_label)
        return "changed"
    changed |= _update_placement(session, placement, record, sp, school)
    return "changed" if changed else "unchanged"


def _new_placement(session: Session, candidate: CapCandidate, record: CandidateRow, sp: Educator,  # type: ignore[no-untyped-def]
                   school: School | None, year_label: str) -> None:
    add_placement(session, candidate, sp=sp, ps_name=record.ps_name, ps_email=record.ps_email, school=school,
                  subject=record.license_field, edition=record.edition, year_label=year_label,
                  sp_override_reason=record.override or None)


def _update_placement(session: Session, placement: CapPlacement, record: CandidateRow, sp: Educator,
                      school: School | None) -> bool:
    changed = False
    changed |= _set(placement, "sp_id", sp.id)
    if school is not None:
        changed |= _set(placement, "school_id", school.id)
    changed |= _set(placement, "ps_name", record.ps_name)
    if record.ps_email is not None:
        changed |= _set(placement, "ps_email", record.ps_email)
    changed |= _set(placement, "start_date", record.practicum_start)
    changed |= _set(placement, "end_date", record.practicum_end)
    year = session.get(SchoolYear, placement.school_year_id)
    status = supervisors.sp_status(session, sp, year, record.practicum_start)
    override = "" if status.eligible else record.override
    if override and override != (placement.sp_override_reason or ""):
        supervisors.record_override(session, placement, override)
        changed = True
    elif not override and placement.sp_override_reason and status.eligible:
        supervisors.record_override(session, placement, "")
        changed = True
    session.flush()
    return changed
