"""Educators: the field rules (one place, used by the importer and the detail pane), the
induction-status derivation, and reading and saving people."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from sqlalchemy import String, literal, select, text
from sqlalchemy.orm import Session

from app.models import Educator, InductionEnrollment, School, SchoolYear, derived_id
from app.models.vocab import INDUCTION_STATUSES, ROLES
from app.services import vocabulary as v
from app.services.tabular import restore
from app.errors import FieldProblem, StaleRecordError, ValidationError

# The public roster columns, in export order (DESIGN.md, "Public import formats").
ROSTER_FIELDS = (
    "employee_id",
    "first_name",
    "last_name",
    "email",
    "mepid",
    "school",
    "role",
    "position",
    "subjects",
    "grades",
    "license_type",
    "years_experience",
    "hire_date",
    "exit_date",
    "last_rating",
    "rating_year",
    "mentor_trained_on",
    "induction_status",
    "planning_periods",
    "room",
    "preparation_program",
    "external",
    "focus",
    "strengths",
)

# Induction status by license type and prior induction: the rule the importer, the People pane and
# the dashboard share, shown to users in the import wizard and the detail pane (DERIVATION_RULE).
# 004, "Induction Programs for Teachers": "Beginning teachers are individuals who hold a Provisional
# or Initial license and have not participated in an induction program." ... "An incoming teacher may
# be a teacher who either holds: a Provisional or Initial license and participated in an induction
# program in another district, or holds a Professional or a Temporary license."
# Administrators: 603 CMR 7.13(1) ("all administrators in their first year of practice") and 004,
# "Definitions": "Beginning educator refers to an individual entering into teaching or administration
# with a Provisional or Initial license"; "Incoming educator refers to someone who has experience in
# teaching or administration, but is new to the district or his or her role".
# Military Spouse and Emergency licenses are newer than the 2015 guidelines, so a holder without prior
# induction is the district's choice (DOMAIN.md, "Induction status by license"), editable in Settings:
# Military Spouse (`military_spouse_license_status`, default incoming: held by an educator licensed
# elsewhere, as a Temporary one is); Emergency (`emergency_license_status`, default beginning: 7.12(1)
# requires induction in every teacher's first year of practice).
DISTRICT_CHOICE = "district's choice"
UNDECIDED = "needs a decision"  # a new hire whose status the table cannot give: shown on the dashboard
INDUCTION_TABLE: dict[str, tuple[str, str]] = {  # license -> (no prior induction, prior induction)
    "Provisional": ("beginning", "incoming"),
    "Initial": ("beginning", "incoming"),
    "Professional": ("incoming", "incoming"),
    "Temporary": ("incoming", "incoming"),
    "Military Spouse": (DISTRICT_CHOICE, "incoming"),
    "Emergency": (DISTRICT_CHOICE, "incoming"),
}
EMERGENCY_CHOICES = ("beginning", "incoming", UNDECIDED)  # the values a district may choose
CHOICE_SETTINGS = {"Emergency": "emergency_license_status", "Military Spouse": "military_spouse_license_status"}
DEFAULT_CHOICES = {"Emergency": "beginning", "Military Spouse": "incoming"}


def _rule_text() -> str:
    rows = "; ".join(f"{lic}: {none}" + (f" (default {DEFAULT_CHOICES[lic]})" if none == DISTRICT_CHOICE else "")
                     + f" / {prior}" for lic, (none, prior) in INDUCTION_TABLE.items())
    return (
        "When induction status is blank it is derived for the school year, for people hired within it "
        "(July 1 to June 30); others are none. By license type, without / with prior induction: "
        f"{rows}; no license type: {UNDECIDED} (shown on the dashboard). Prior induction: the file's "
        "\"Prior induction\" column (yes/no) when given, or an induction year here before; otherwise presumed "
        "from prior years of experience (every district gives induction in the first year of practice, "
        "603 CMR 7.12(1), 7.13(1)); blank experience counts as none. Teachers: 004, \"Induction Programs for Teachers\"; "
        "administrators: 603 CMR 7.13 and 004, \"Definitions\"."
    )


DERIVATION_RULE = _rule_text()

_LIMITS = {"employee_id": 40, "first_name": 100, "last_name": 100, "email": 200, "school": 200, "position": 120, "room": 40,
           "preparation_program": 200}


@dataclass(frozen=True)
class EducatorRecord:
    """One educator's fields, parsed and checked. `induction_status` None means "derive it"."""

    employee_id: str
    first_name: str
    last_name: str
    email: str | None = None
    mepid: str | None = None
    school: str | None = None
    role: str = "teacher"
    position: str | None = None
    subjects: tuple[str, ...] = ()
    grades: tuple[str, ...] = ()
    license_type: str | None = None
    years_experience: int | None = None
    hire_date: dt.date | None = None
    exit_date: dt.date | None = None
    last_rating: str | None = None
    rating_year: int | None = None
    mentor_trained_on: dt.date | None = None
    induction_status: str | None = None
    planning_periods: tuple[str, ...] = ()
    room: str | None = None
    # The educator preparation program that trained them (001, Partnership Data Roadmap: "Where are my
    # teachers coming from?"); a hired CAP candidate's program when blank (services/cap/pipeline.py).
    preparation_program: str | None = None
    external: str | None = None  # "retired" or "other_district" (004; vocab.EXTERNAL_KINDS); None: on staff
    focus: tuple[str, ...] = ()  # a mentee's needs (004, Mentor Assignment: "individual needs")
    strengths: tuple[str, ...] = ()  # a mentor's strengths, matched against a mentee's focus
    # Import only (no column of its own): the file's "prior induction" yes/no, which the derivation
    # reads before presuming from experience; what it decides is kept as the year's induction status.
    prior_induction: bool | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _mepid(value: object) -> str | None:
    raw = v.text(value)
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 8:
        raise ValueError("MEPID must be 8 digits")
    return raw.zfill(8)  # spreadsheets drop leading zeros


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _email(value: object) -> str | None:
    raw = v.text(value)
    if raw and not _EMAIL.fullmatch(raw):
        raise ValueError("not an email address")
    return raw or None


def _rating_year(value: object) -> int | None:
    year = v.parse_whole_number(value, minimum=1950, what="a year such as 2025")
    if year is not None and year > 2100:
        raise ValueError("must be a year such as 2025")
    return year


_PARSERS = {
    "email": _email,
    "mepid": _mepid,
    "role": lambda x: v.parse_choice(x, ROLES) or "teacher",
    "subjects": lambda x: tuple(v.parse_subjects(x)),
    "grades": lambda x: tuple(v.parse_grades(x)),
    "license_type": v.parse_license,
    # At most 60 years: a longer career is a typing error, and a number past SQLite's 64-bit integers
    # (99999999999999999999, 1e30) rolled the whole import back (issue 19).
    "years_experience": lambda x: v.parse_whole_number(x, maximum=MAX_YEARS_EXPERIENCE, what="a whole number of years"),
    "hire_date": v.parse_date,
    "exit_date": v.parse_date,
    "last_rating": v.parse_rating,
    "rating_year": _rating_year,
    "mentor_trained_on": v.parse_date,
    "induction_status": lambda x: v.parse_choice(x, INDUCTION_STATUSES),
    "planning_periods": lambda x: tuple(v.parse_periods(x)),
    "external": v.parse_external,
    "focus": lambda x: tuple(v.parse_focus(x)),
    "strengths": lambda x: tuple(v.parse_focus(x)),
}


# Columns whose cells repeat down a roster (a few grade spans, dates, licenses): their parsed text
# is remembered, which makes checking a 10,000-row file about twice as fast. Parsers are pure and
# return immutable values; a value that fails is not remembered (it raises again, same message).
_REPEATING = {"role", "subjects", "grades", "license_type", "years_experience", "hire_date", "exit_date",
              "last_rating", "rating_year", "mentor_trained_on", "induction_status", "planning_periods",
              "external", "focus", "strengths"}
_TEXT_PARSERS = {field: functools.lru_cache(maxsize=4096)(parser) if field in _REPEATING else parser
                 for field, parser in _PARSERS.items()}
_CHECKS = tuple((field, _PARSERS.get(field), _TEXT_PARSERS.get(field), _LIMITS.get(field)) for field in ROSTER_FIELDS)


def _shown(cell: object) -> str:
    """A cell as the person typed it, for a problem message."""
    return str(cell) if isinstance(cell, (dt.date, list, tuple)) else v.text(cell)


def clean_educator(raw: Mapping[str, object]) -> tuple[EducatorRecord | None, list[FieldProblem]]:
    """Parse and check one educator's fields. Returns the record, or None with every problem."""
    problems: list[FieldProblem] = []
    values: dict[str, object] = {}
    for field, parser, text_parser, limit in _CHECKS:
        cell = raw.get(field)
        if cell is None or (type(cell) is float and cell != cell):
            cell = ""  # a missing column or an empty spreadsheet cell (NaN) reads as blank text does
        elif type(cell) is str and cell.startswith("'"):
            cell = restore(cell)  # the quote our exports put before a leading = + - @ (OWASP)
        try:
            if parser is None:
                value = v.text(cell) or None
            elif type(cell) is str:
                value = text_parser(cell)
            else:
                value = parser(cell)
        except ValueError as exc:
            problems.append(FieldProblem(field, _shown(cell), str(exc)))
            continue
        if limit and isinstance(value, str) and len(value) > limit:
            problems.append(FieldProblem(field, _shown(cell)[:40] + "...", f"longer than {limit} characters"))
            continue
        values[field] = value
    for field in ("employee_id", "first_name", "last_name"):
        if field in values and not values[field]:
            problems.append(FieldProblem(field, "", "is required"))
    problems += _date_problems(values)
    prior = raw.get("prior_induction")
    if prior is not None and not (type(prior) is float and prior != prior) and v.text(prior):
        try:
            values["prior_induction"] = v.parse_yes_no(prior)
        except ValueError as exc:
            problems.append(FieldProblem("prior_induction", _shown(prior), str(exc)))
    hire, exit_ = values.get("hire_date"), values.get("exit_date")
    if isinstance(hire, dt.date) and isinstance(exit_, dt.date) and exit_ < hire:
        problems.append(FieldProblem("exit_date", exit_.isoformat(), f"is before the hire date {hire.isoformat()}"))
    if problems:
        return None, problems
    return EducatorRecord(**values), []  # type: ignore[arg-type]


MAX_YEARS_EXPERIENCE = 60
EARLIEST_DATE = dt.date(1950, 1, 1)


def _date_problems(values: Mapping[str, object], today: dt.date | None = None) -> list[FieldProblem]:
    """Dates that cannot be right (issue 19; the import policy of DESIGN.md rejects the row, not the
    file): none before 1950 (no one on staff was hired or trained then; it is a typing error such as
    1925 for 2025); no mentor training after today (training is recorded once done); no hire date
    after the end of next school year (districts hire for the coming fall in spring, no further)."""
    today = today or dt.date.today()
    latest_hire = dt.date(today.year + (2 if today.month >= 7 else 1), 6, 30)
    problems = []
    for field in ("hire_date", "exit_date", "mentor_trained_on"):
        day = values.get(field)
        if not isinstance(day, dt.date):
            continue
        if day < EARLIEST_DATE:
            problems.append(FieldProblem(field, day.isoformat(), "is before 1950: dates before 1950 are typing errors"))
        elif field == "mentor_trained_on" and day > today:
            problems.append(FieldProblem(field, day.isoformat(), "is in the future: record training once it is done"))
        elif field == "hire_date" and day > latest_hire:
            problems.append(FieldProblem(field, day.isoformat(), f"is in the future: a hire date can be at most "
                                         f"{latest_hire.isoformat()}, the end of next school year"))
    return problems


def on_staff_at_start(exit_date: dt.date | None, year: SchoolYear) -> bool:
    """Still on staff on the year's first day of school (not gone before it): who can be matched,
    counted on the two-week rule and asked to orientation."""
    return exit_date is None or exit_date >= year.first_day


def prior_induction(record: EducatorRecord) -> bool:
    """Has this educator done induction before? The file's prior_induction column (or an enrollment in an
    earlier year here, which the importer puts there) says so when given. Otherwise it is presumed from
    experience: a year of practice means yes, as every district must
    give induction in the first year of practice (603 CMR 7.12(1), 7.13(1); 004, "Alignment to Educator
    Effectiveness Initiatives", "Educator Licensure": "induction is required in the first year of
    employment (regardless of license type)")."""
    if record.prior_induction is not None:
        return record.prior_induction
    return (record.years_experience or 0) > 0


def derive_induction_status(record: EducatorRecord, year: SchoolYear, *,
                            choices: Mapping[str, str] | None = None) -> str:
    """See DERIVATION_RULE: beginning, incoming, none, or UNDECIDED. An explicit status in the record
    wins. `choices`: the district's status by license for the DISTRICT_CHOICE cells (district_choices)."""
    if record.induction_status:
        return record.induction_status
    hired_in_year = record.hire_date is not None and year.window_start <= record.hire_date <= year.window_end
    if not hired_in_year:
        return "none"
    row = INDUCTION_TABLE.get(record.license_type or "")
    if row is None:
        return UNDECIDED
    status = row[1] if prior_induction(record) else row[0]
    if status != DISTRICT_CHOICE:
        return status
    return (choices or DEFAULT_CHOICES).get(record.license_type or "", UNDECIDED)


def district_choices(session: Session) -> dict[str, str]:
    """The district's status by license for a holder without prior induction (Settings)."""
    from app.services import settings

    out = {}
    for license_type, key in CHOICE_SETTINGS.items():
        value = settings.get(session, key)
        out[license_type] = value if value in EMERGENCY_CHOICES else DEFAULT_CHOICES[license_type]
    return out


# --- writing ------------------------------------------------------------------------------


class SchoolCache:
    """Schools by name for one unit of work, creating new ones on first mention."""

    def __init__(self, session: Session):
        self.session = session
        self.by_name = {s.name.lower(): s for s in session.scalars(select(School))}

    def get(self, name: str | None) -> School | None:
        if not name:
            return None
        school = self.by_name.get(name.lower())
        if school is None:
            school = School(id=derived_id("school", name), name=name)
            self.session.add(school)
            self.by_name[name.lower()] = school
        return school


_MODEL_FIELDS = tuple(f for f in ROSTER_FIELDS if f not in ("school", "induction_status", "employee_id"))
# Tuples in a record, JSON lists in a row.
_LIST_FIELDS = frozenset({"subjects", "grades", "planning_periods", "focus", "strengths"})


def _model_value(record: EducatorRecord, field: str) -> object:
    value = getattr(record, field)
    return list(value) if isinstance(value, tuple) else value


def educator_fields(record: EducatorRecord, school: School | None) -> dict[str, object]:
    """A new educator's columns from a record. School by id: its id is known before flush (derived
    from its name), and skipping relationship bookkeeping matters at 10,000 rows."""
    data = record.__dict__  # a frozen dataclass's fields, read directly: this runs for every new row
    fields = {field: list(data[field]) if field in _LIST_FIELDS else data[field] for field in _MODEL_FIELDS}
    return {"id": derived_id("educator", record.employee_id), "employee_id": record.employee_id,
            "school_id": school.id if school else None, **fields}


def new_educator(record: EducatorRecord, school: School | None) -> Educator:
    return Educator(**educator_fields(record, school))


def enrollment_fields(record: EducatorRecord, educator_id: uuid.UUID, year: SchoolYear, *,
                      choices: Mapping[str, str] | None = None) -> dict[str, object] | None:
    """A new educator's induction enrollment for the year, or None when the status is none or
    undecided (an undecided new hire is listed on the dashboard, `roster.induction`)."""
    status = derive_induction_status(record, year, choices=choices)
    if status not in ("beginning", "incoming"):
        return None
    return {"id": derived_id("enrollment", f"{record.employee_id}:{year.label}"), "educator_id": educator_id,
            "school_year_id": year.id, "status": status, "induction_year": 1}


def apply_record(educator: Educator, record: EducatorRecord, school: School | None,
                 fields: Collection[str] | None = None) -> bool:
    """Copy the record onto the row; True when anything changed (so unchanged rows stay untouched).

    `fields` limits the copy to the columns a file has: a file without a column (say, an HR extract
    without ratings) must not wipe what the district already knows."""
    changed = False
    for field in _MODEL_FIELDS:
        if fields is not None and field not in fields:
            continue
        new = _model_value(record, field)
        if getattr(educator, field) != new:
            setattr(educator, field, new)
            changed = True
    new_school_id = school.id if school else None
    if (fields is None or "school" in fields) and educator.school_id != new_school_id:
        educator.school = school
        changed = True
    return changed


def apply_induction(session: Session, educator: Educator, record: EducatorRecord, year: SchoolYear,
                    existing: InductionEnrollment | None, *, choices: Mapping[str, str] | None = None) -> bool:
    """Set the educator's induction status for the year. A derived 'none' (or undecided) leaves a
    status that a coordinator set by hand; an explicit 'none' in the file removes it."""
    choice = choices if choices is not None else district_choices(session)
    status = derive_induction_status(record, year, choices=choice)
    if status not in ("beginning", "incoming"):
        if record.induction_status == "none" and existing is not None:
            existing.tombstone()
            return True
        return False
    if existing is None:
        fields = enrollment_fields(record, educator.id, year, choices=choice)
        session.add(InductionEnrollment(**fields))  # type: ignore[arg-type]
        return True
    if existing.status != status:
        existing.status = status
        return True
    return False


def record_of(educator: Educator, status: str | None = None) -> EducatorRecord:
    """The row as a record, in the public field names (for export and the detail pane)."""
    values = {f: getattr(educator, f) for f in _MODEL_FIELDS}
    for f in _LIST_FIELDS:
        values[f] = tuple(values[f] or ())
    return EducatorRecord(employee_id=educator.employee_id, school=educator.school.name if educator.school else None,
                          induction_status=status, **values)


def record_to_strings(record: EducatorRecord) -> dict[str, str]:
    """Fields as the text a person would type or a file would hold (round-trips through clean_educator)."""
    out: dict[str, str] = {}
    for field in ROSTER_FIELDS:
        value = getattr(record, field)
        if value is None:
            out[field] = ""
        elif field == "grades":
            out[field] = v.format_grades(value)
        elif isinstance(value, tuple):
            out[field] = ";".join(value)
        elif isinstance(value, dt.date):
            out[field] = value.isoformat()
        else:
            out[field] = str(value)
    return out


def enrollments_for(session: Session, year: SchoolYear) -> dict[uuid.UUID, InductionEnrollment]:
    rows = session.scalars(select(InductionEnrollment).where(InductionEnrollment.school_year_id == year.id))
    return {row.educator_id: row for row in rows}


def rating_readable(session: Session) -> bool:
    """Whether this login may read `educator.last_rating`. On a server it is the coordinator's only (a
    confidential personnel record: 603 CMR 35.11(6), G.L. c.71 s.38; app/services/server/access.py); the
    roster's other columns stay readable to every role. A SQLite file: always."""
    if session.get_bind().dialect.name != "postgresql":
        return True
    return bool(session.execute(text("SELECT has_column_privilege('educator', 'last_rating', 'SELECT')")).scalar())


def rating_column(session: Session):  # type: ignore[no-untyped-def]
    """`Educator.last_rating` in a select list, or a NULL in its place for a login that may not read it."""
    return Educator.last_rating if rating_readable(session) else literal(None, String).label("last_rating")


def with_ratings(session: Session, query):  # type: ignore[no-untyped-def]
    """(query, readable): an Educator query that loads the (deferred) rating with the rows when this login
    may read it; when it may not (readable False), pass each loaded row to `blank_rating`."""
    from sqlalchemy.orm import undefer

    readable = rating_readable(session)
    return (query.options(undefer(Educator.last_rating)) if readable else query), readable


def blank_rating(educator: Educator) -> None:
    """For a login that may not read ratings: the rating reads as none recorded, instead of a refused query."""
    from sqlalchemy import inspect
    from sqlalchemy.orm.attributes import set_committed_value

    if "last_rating" in inspect(educator).unloaded:
        set_committed_value(educator, "last_rating", None)


def get_educator(session: Session, educator_id: uuid.UUID) -> Educator | None:
    return session.get(Educator, educator_id)


@dataclass(frozen=True)
class EducatorForm:
    """What the detail pane edits: the record's text fields plus the version it was read at."""

    id: uuid.UUID
    version: int
    fields: dict[str, str]
    updated_at: dt.datetime


def load_form(session: Session, educator_id: uuid.UUID, year_label: str) -> EducatorForm:
    from app.services.years import find_year

    educator = session.get(Educator, educator_id)
    if educator is None:
        raise ValidationError([FieldProblem("employee_id", "", "this person no longer exists")])
    if not rating_readable(session):  # shown blank rather than the whole record refused
        blank_rating(educator)
    year = find_year(session, year_label)
    enrollment = enrollments_for(session, year).get(educator.id) if year else None
    record = record_of(educator, enrollment.status if enrollment else "none")
    return EducatorForm(educator.id, educator.version, record_to_strings(record), educator.updated_at)


def _local_time(session: Session, moment: dt.datetime) -> str:
    """A moment as the district's clock shows it (e.g. 10:42), for messages."""
    from zoneinfo import ZoneInfo

    from app.services import settings

    return moment.astimezone(ZoneInfo(settings.get(session, "time_zone"))).strftime("%H:%M")


def save_form(session: Session, form: EducatorForm, year_label: str, *, overwrite: bool = False) -> EducatorForm:
    """Validate with the importer's rules and save. Refuses a stale form unless `overwrite`."""
    from app.services.years import ensure_year

    record, problems = clean_educator(form.fields)
    if record is None:
        raise ValidationError(problems)
    educator = session.get(Educator, form.id)
    if educator is None:
        raise ValidationError([FieldProblem("employee_id", form.fields.get("employee_id", ""), "this person no longer exists")])
    if educator.version != form.version and not overwrite:
        raise StaleRecordError(f"{educator.full_name}'s record", changed_by=educator.updated_by,
                               changed_at=_local_time(session, educator.updated_at))
    if record.employee_id != educator.employee_id:
        raise ValidationError([FieldProblem("employee_id", record.employee_id,
                                            "the employee id is the district's key and cannot be changed here")])
    apply_record(educator, record, SchoolCache(session).get(record.school))
    year, _ = ensure_year(session, year_label)
    status = record.induction_status or "none"
    existing = enrollments_for(session, year).get(educator.id)
    apply_induction(session, educator, dataclasses.replace(record, induction_status=status), year, existing)
    session.flush()
    return load_form(session, educator.id, year_label)
