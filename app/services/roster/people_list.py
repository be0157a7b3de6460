"""The People page's reads and the few writes the roster editor needs: plain rows for the table,
counts for the dashboard's welcome, adding one educator, and a per-row preview of a roster file."""

from __future__ import annotations

import dataclasses
import functools
import json
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Text, and_, func, select, type_coerce
from sqlalchemy.orm import Session

from app.models import Educator, InductionEnrollment, School, derived_id
from app.services.roster.educators import (
    rating_column,
    EducatorForm,
    SchoolCache,
    apply_induction,
    apply_record,
    clean_educator,
    load_form,
)
from app.errors import FieldProblem, ValidationError
from app.services.tabular import ImportReport
from app.services.years import ensure_year, find_year


@dataclass(frozen=True)
class PersonRow:
    """One educator as the People table shows it (plain data, safe across threads)."""

    id: uuid.UUID
    employee_id: str
    first_name: str
    last_name: str
    email: str
    school: str
    role: str
    position: str
    subjects: tuple[str, ...]
    grades: tuple[str, ...]
    license_type: str
    years_experience: int | None
    induction_status: str  # beginning, incoming or none, for the year asked
    last_rating: str

    @property
    def name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def sort_key(self) -> tuple[str, str, str, str]:
        return (*name_sort_key(self.last_name, self.first_name), self.employee_id)


# --- names as people look for them (issue 20 item 6) ------------------------------------------------

# Letters NFKD leaves whole (letters of their own, not a letter and a mark), folded as a reader would.
_LETTERS = str.maketrans({"ł": "l", "đ": "d", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i", "ð": "d", "þ": "th",
                          "ħ": "h", "ŀ": "l", "ŧ": "t"})
# Lowercase particles before a family name: "de la Cruz" is filed under C (issue 20; the usual filing
# of Spanish, Portuguese, Dutch and German names). A capitalised particle ("De La Cruz",
# "Van Buren") is part of the name as written and is sorted with it.
_PARTICLES = ("de la ", "de las ", "de los ", "van der ", "van den ", "van de ", "von der ", "de ", "del ",
              "della ", "di ", "da ", "das ", "dos ", "do ", "du ", "van ", "von ", "ter ", "ten ", "d'")


def fold(text: str) -> str:
    """Text for matching: Unicode case folding, then compatibility decomposition (NFKD) without the
    combining marks, then the few letters that do not decompose ("Łukasz Đặng" -> "lukasz dang")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_LETTERS)


@functools.lru_cache(maxsize=16384)
def name_sort_key(last: str, first: str = "") -> tuple[str, str, str]:
    """The order of names in lists, the same on SQLite and PostgreSQL (sorted here, not by the
    database's collation): accents and case folded ("Ávila" with the A's), lowercase particles set
    aside ("de la Cruz" with the C's), then the first name, then the name as written."""
    core = last.strip()
    stripped = True
    while stripped:
        stripped = False
        for particle in _PARTICLES:
            if core.startswith(particle) and core[len(particle):].strip():
                core, stripped = core[len(particle):].lstrip(), True
                break
    return fold(core), fold(first.strip()), last


def folded_words(text: str) -> list[str]:
    """The words typed in a search box, folded as `fold` folds the names they are looked for in."""
    return fold(text).split()


def educators_matching(session: Session, text: str) -> list[uuid.UUID] | None:
    """The educators whose name or employee id holds every word typed, accents and case folded ("jose"
    finds "José", "lukasz" finds "Łukasz"): the same on SQLite and PostgreSQL, since the folding is
    done here and not by the database's LIKE. None when nothing is typed (no filter)."""
    words = folded_words(text)
    if not words:
        return None
    rows = session.execute(select(Educator.id, Educator.first_name, Educator.last_name, Educator.employee_id))
    return [r.id for r in rows
            if all(w in fold(f"{r.first_name} {r.last_name}\x1f{r.employee_id}") for w in words)]


def list_people(session: Session, year_label: str) -> list[PersonRow]:
    """Every educator with the induction status for the year, in one query."""
    year = find_year(session, year_label)
    year_id = year.id if year is not None else None
    enrollment = and_(InductionEnrollment.educator_id == Educator.id, InductionEnrollment.school_year_id == year_id,
                      InductionEnrollment.deleted_at.is_(None))
    # Lists come back as their JSON text, decoded once per distinct value: a district has a few
    # hundred distinct subject and grade lists, not 10,000, and decoding dominated the load.
    subjects, grades = type_coerce(Educator.subjects, Text), type_coerce(Educator.grades, Text)
    query = (
        select(Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name, Educator.email,
               School.name, Educator.role, Educator.position, subjects, grades,
               Educator.license_type, Educator.years_experience, InductionEnrollment.status, rating_column(session))
        .outerjoin(School, and_(School.id == Educator.school_id, School.deleted_at.is_(None)))
        .outerjoin(InductionEnrollment, enrollment)
        .where(Educator.deleted_at.is_(None))
    )
    rows = [
        PersonRow(eid, emp, first, last, email or "", school or "", role, position or "", _as_tuple(subject_text),
                  _as_tuple(grade_text), license_type or "", years, status or "none", rating or "")
        for (eid, emp, first, last, email, school, role, position, subject_text, grade_text, license_type, years,
             status, rating) in session.execute(query)
    ]
    return sorted(rows, key=lambda r: r.sort_key)  # by name_sort_key: one order on every database


def _as_tuple(value: object) -> tuple[str, ...]:
    if isinstance(value, (list, tuple)):  # drivers that decode JSON themselves (psycopg on PostgreSQL)
        return tuple(value)
    return _json_list(value)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4096)
def _json_list(raw: str | None) -> tuple[str, ...]:
    return tuple(json.loads(raw)) if raw else ()


@dataclass(frozen=True)
class PeopleSummary:
    """The dashboard's welcome figures for one school year."""

    schools: int
    staff: int
    beginning: int
    incoming: int


def people_summary(session: Session, year_label: str) -> PeopleSummary:
    year = find_year(session, year_label)

    def enrolled(status: str) -> int:
        if year is None:
            return 0
        return session.scalar(select(func.count(InductionEnrollment.id)).where(
            InductionEnrollment.school_year_id == year.id, InductionEnrollment.status == status,
            InductionEnrollment.deleted_at.is_(None))) or 0

    schools = session.scalar(select(func.count(School.id)).where(School.deleted_at.is_(None))) or 0
    staff = session.scalar(select(func.count(Educator.id)).where(Educator.deleted_at.is_(None))) or 0
    return PeopleSummary(schools, staff, enrolled("beginning"), enrolled("incoming"))


def create_educator(session: Session, fields: dict[str, str], year_label: str) -> EducatorForm:
    """Add one educator typed into the detail pane, with the importer's rules."""
    record, problems = clean_educator(fields)
    if record is None:
        raise ValidationError(problems)
    existing = session.scalars(select(Educator).where(Educator.employee_id == record.employee_id)
                               .execution_options(include_deleted=True)).one_or_none()
    if existing is not None and existing.deleted_at is None:
        raise ValidationError([FieldProblem("employee_id", record.employee_id,
                                            f"already belongs to {existing.full_name}")])
    educator = existing or Educator(id=derived_id("educator", record.employee_id), employee_id=record.employee_id)
    educator.deleted_at = None  # the same employee id coming back restores the person, as an import does
    apply_record(educator, record, SchoolCache(session).get(record.school))
    session.add(educator)
    year, _ = ensure_year(session, year_label)
    apply_induction(session, educator, record, year, None)
    session.flush()
    return load_form(session, educator.id, year_label)


@dataclass(frozen=True)
class PreviewRow:
    """One line of a roster file and what importing it would do."""

    line: int
    employee_id: str
    name: str
    school: str
    status: str  # new, changed, unchanged or rejected
    reason: str = ""


def preview_roster(session: Session, path: str | Path, year_label: str) -> tuple[list[PreviewRow], ImportReport]:
    """A dry run of the real import that also says what happens to each row (nothing is written):
    the reason a row is rejected, or what a changed row changes."""
    from app.services.roster.files import import_roster, roster_rows
    from app.services.vocabulary import text

    before = {r["employee_id"]: r for r in roster_rows(session, year_label)}  # read before the dry run
    rows: list[PreviewRow] = []

    def seen(row, status: str) -> None:  # type: ignore[no-untyped-def]
        values = row.values
        name = f"{text(values.get('first_name'))} {text(values.get('last_name'))}".strip()
        employee_id = text(values.get("employee_id"))
        details = _changes(before.get(employee_id, {}), values) if status == "changed" else ""
        rows.append(PreviewRow(row.line, employee_id, name, text(values.get("school")), status, details))

    report = import_roster(session, path, year_label=year_label, dry_run=True, on_row=seen)
    reasons = {r.line: r.reason for r in report.rejected}
    rows = [dataclasses.replace(r, reason=reasons.get(r.line, r.reason)) for r in rows]
    return sorted(rows, key=lambda r: r.line), report


def _changes(old: dict[str, str], values: dict[str, object]) -> str:
    """'school: Hale High → Lincoln Elementary; room: 101 → (blank)', in the file's normalized form."""
    from app.services.roster.educators import clean_educator, record_to_strings

    record, _ = clean_educator(values)
    if record is None or not old:
        return ""
    new = record_to_strings(record)
    if not new["induction_status"]:  # blank in the file: derived, so not a change the coordinator typed
        new["induction_status"] = old.get("induction_status", "")
    changed = [f"{field}: {old.get(field) or '(blank)'} → {value or '(blank)'}"
               for field, value in new.items() if field in values and value != old.get(field, "")]
    return "; ".join(changed) or "induction status for the year, or back on the roster"
