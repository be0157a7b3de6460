"""The pipeline from student teaching to employment, and the pipeline-needs sheet.

001: "Student teachers are three times more likely to teach where they complete their practicum, creating a
natural pipeline between student teaching placement and district employment"; its Partnership Data Roadmap
asks "Where are my teachers coming from?", "Where are my completers going?" and about retention; its
"Defining Pipeline Needs Activity" records, by school, grades needed, subject needs and licensure needs
("How many teachers are needed, in which grade-levels/subject areas?"). 003: districts and sponsoring
organizations share "number and type of district employment openings and corresponding program completers"
and "PK-12 district projections of vacancies".

The rules, each with its source:

- A CAP candidate is **hired** when an educator on the roster has the candidate's MEPID (DOMAIN.md,
  Identifiers: the MEPID is the state's 8-digit educator id) and a hire date on or after the practicum's
  first day, or no hire date (on staff, date unknown). A hire dated before the practicum means the
  candidate was already on staff (say, a paraprofessional finishing a license): listed, not counted as a
  pipeline hire.
- **Completed CAP**: step 5 of the five-step cycle (the summative assessment) is done (DOMAIN.md, CAP in
  detail: "Five-step cycle ... summative assessment (post-cycle)").
- **Retained after N years** (001 Roadmap, RETENTION; 004 (f) hiring and retention rates): still on staff
  N years after the hire date (no exit date, or an exit on or after that anniversary); counted only once the
  anniversary has passed.
- **Preparation program** of an educator: the roster's column when typed, else the hired candidate's program.
- **Needs sheet** (001, Pipeline Needs Spreadsheet): projected openings for the three school years after the
  report year, by subject and grade band, from planned exits (an exit date from the report year's first day
  on; the place opens in the school year holding the day after the exit, at the earliest the next one) and
  the coordinator's typed projections (setting `pipeline_projections`); beside them the supervising
  practitioners available (eligible in this year's SP pool, services/cap/supervisors.py) and the candidates
  hosted this year. Grade bands are school levels (PK-5, 6-8, 9-12): a span goes to the band holding most of
  its grades (ties: the lower band).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator, SchoolYear
from app.models.cap import CapCandidate, CapOrganization, CapPlacement, CapStep
from app.services import settings
from app.services.vocabulary import normalize_subject, parse_grades

SCHEMA = "mentordesk.pipeline/1"
CITATION = "001 (Partnership Data Roadmap; Defining Pipeline Needs Activity); 003 (sharing openings and completers)"
BANDS = (("PK-5", ("PK", "K", "1", "2", "3", "4", "5")), ("6-8", ("6", "7", "8")),
         ("9-12", ("9", "10", "11", "12")))
RETENTION_YEARS = (1, 2, 3)


# --- grade bands and typed projections ---------------------------------------------------------------


def band_of(grades: Iterable[str]) -> str | None:
    """The school-level band holding most of these grades (ties: the lower band); None for no grades."""
    grades = set(grades)
    counts = [(sum(1 for g in members if g in grades), -i, name) for i, (name, members) in enumerate(BANDS)]
    best = max(counts)
    return best[2] if best[0] else None


def bands_covered(grades: Iterable[str]) -> set[str]:
    grades = set(grades)
    return {name for name, members in BANDS if grades & set(members)}


@dataclass(frozen=True)
class Projection:
    year: str
    subject: str
    grades: str
    openings: int

    @property
    def band(self) -> str | None:
        return band_of(parse_grades(self.grades))


_ENTRY = re.compile(r"^(\d{4}-\d{4})\s+(.+?)\s+((?:pre-?k|pk|k|\d{1,2})\s*[-\u2013]\s*\d{1,2}|all)\s*:\s*(\d+)$",
                    re.IGNORECASE)


def parse_projections(text: str) -> list[Projection]:
    """"2027-2028 Mathematics 9-12: 2; 2028-2029 Elementary 1-6: 1" (school year, subject, grades, openings).
    ValueError names the entry that cannot be read."""
    from app.errors import UsageError
    from app.services.years import parse_label

    out = []
    for part in re.split(r"[;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        match = _ENTRY.match(part)
        if not match:
            raise ValueError(f"{part!r}: write each as \"2027-2028 Mathematics 9-12: 2\" (school year, subject, "
                             "grades, openings), separated by ;")
        year, subject, grades, count = match.groups()
        try:
            parse_label(year)
            parse_grades(grades)
        except (UsageError, ValueError) as exc:
            raise ValueError(f"{part!r}: {exc}") from None
        openings = int(count)
        if not 0 < openings <= 500:
            raise ValueError(f"{part!r}: openings must be 1 to 500")
        out.append(Projection(year, normalize_subject(subject), grades.replace("\u2013", "-").upper(), openings))
    return out


def as_setting(projections: list[Projection]) -> list[dict[str, Any]] | None:
    return [{"year": p.year, "subject": p.subject, "grades": p.grades, "openings": p.openings}
            for p in projections] or None


def format_text(value: Any) -> str:
    return "; ".join(f"{p['year']} {p['subject']} {p['grades']}: {p['openings']}" for p in value or [])


def projections(session: Session) -> list[Projection]:
    value = settings.get(session, "pipeline_projections") or []
    return [Projection(str(p["year"]), str(p["subject"]), str(p["grades"]), int(p["openings"])) for p in value]


# --- hired candidates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hire:
    educator_id: uuid.UUID
    employee_id: str
    hire_date: dt.date | None
    exit_date: dt.date | None
    pipeline: bool  # hired on or after the practicum started (or date unknown), not already on staff

    def retained(self, years: int, as_of: dt.date) -> bool | None:
        """On staff `years` after the hire date; None until that anniversary has passed (or no hire date)."""
        if self.hire_date is None:
            return None
        try:
            anniversary = self.hire_date.replace(year=self.hire_date.year + years)
        except ValueError:  # February 29
            anniversary = self.hire_date.replace(year=self.hire_date.year + years, day=28)
        if anniversary > as_of:
            return None
        return self.exit_date is None or self.exit_date >= anniversary


def is_pipeline_hire(hire_date: dt.date | None, practicum_start: dt.date) -> bool:
    return hire_date is None or hire_date >= practicum_start


def hires(session: Session, candidates: Iterable[CapCandidate]) -> dict[uuid.UUID, Hire]:
    """Each candidate linked to the educator with the same MEPID, by candidate id."""
    candidates = [c for c in candidates if c.mepid]
    if not candidates:
        return {}
    found = {e.mepid: e for e in session.scalars(select(Educator).where(
        Educator.mepid.in_({c.mepid for c in candidates})))}
    out = {}
    for c in candidates:
        e = found.get(c.mepid)
        if e is not None:
            out[c.id] = Hire(e.id, e.employee_id, e.hire_date, e.exit_date,
                             is_pipeline_hire(e.hire_date, c.practicum_start))
    return out


def preparation_program(session: Session, educator: Educator) -> str | None:
    """The roster's preparation program, else the program of the CAP candidate hired as this educator."""
    if educator.preparation_program:
        return educator.preparation_program
    if not educator.mepid:
        return None
    candidate = session.scalars(select(CapCandidate).where(CapCandidate.mepid == educator.mepid)
                                .order_by(CapCandidate.practicum_start.desc())).first()
    return candidate.program if candidate is not None else None


# --- the pipeline by program ------------------------------------------------------------------------


@dataclass
class ProgramRow:
    organization: str
    program: str
    candidates: int = 0
    placed: int = 0
    completed_cap: int = 0
    hired: int = 0
    already_on_staff: int = 0
    retained: dict[int, list[int]] = field(default_factory=lambda: {n: [0, 0] for n in RETENTION_YEARS})

    def as_json(self) -> dict[str, Any]:
        return {"organization": self.organization, "program": self.program, "candidates": self.candidates,
                "placed": self.placed, "completed_cap": self.completed_cap, "hired": self.hired,
                "already_on_staff": self.already_on_staff,
                "retention": {f"after_{n}_years": {"retained": r, "of": of} for n, (r, of) in self.retained.items()}}


@dataclass(frozen=True)
class CandidateRow:
    candidate_id: uuid.UUID
    name: str
    organization: str
    program: str
    license_sought: str
    school: str | None
    placed: bool
    completed_cap: bool
    hire: Hire | None

    def as_json(self) -> dict[str, Any]:
        h = self.hire
        return {"name": self.name, "organization": self.organization, "program": self.program,
                "license_sought": self.license_sought, "school": self.school, "placed": self.placed,
                "completed_cap": self.completed_cap, "hired": bool(h and h.pipeline),
                "already_on_staff": bool(h and not h.pipeline),
                "employee_id": h.employee_id if h else None,
                "hire_date": h.hire_date.isoformat() if h and h.hire_date else None}


@dataclass(frozen=True)
class Pipeline:
    year: str
    programs: list[ProgramRow]
    candidates: list[CandidateRow]
    by_school: list[dict[str, Any]]
    hired_in_year: list[CandidateRow]  # candidates of any year hired in this year's July-June window


def _year(session: Session, label: str) -> SchoolYear:
    from app.services.years import ensure_year

    return ensure_year(session, label)[0]


def pipeline(session: Session, year_label: str, *, as_of: dt.date | None = None) -> Pipeline:
    """Candidates of the year (a placement in it, or a practicum starting in its July-June window) by
    program: placed, completed CAP, hired, retained after 1-3 years (as of `as_of`, default today)."""
    year = _year(session, year_label)
    as_of = as_of or dt.date.today()
    placements = session.scalars(select(CapPlacement).where(CapPlacement.school_year_id == year.id)).all()
    placed_ids = {p.candidate_id for p in placements}
    candidates = session.scalars(select(CapCandidate).where(
        CapCandidate.id.in_(placed_ids) | CapCandidate.practicum_start.between(year.window_start, year.window_end)
    )).all()
    orgs = {o.id: o.name for o in session.scalars(select(CapOrganization))}
    done = set(session.scalars(select(CapStep.placement_id).where(
        CapStep.placement_id.in_([p.id for p in placements]), CapStep.number == 5, CapStep.completed_on.is_not(None))))
    completed = {p.candidate_id for p in placements if p.id in done}
    school_of: dict[uuid.UUID, str | None] = {}
    from app.models import School

    schools = {s.id: s.name for s in session.scalars(select(School))}
    for p in placements:
        school_of[p.candidate_id] = schools.get(p.school_id) if p.school_id else None
    linked = hires(session, candidates)
    programs: dict[tuple[str, str], ProgramRow] = {}
    rows = []
    hosted: dict[tuple[str, str], int] = {}
    for c in sorted(candidates, key=lambda c: (c.last_name.lower(), c.first_name.lower())):
        org = orgs.get(c.organization_id, "")
        row = programs.setdefault((org, c.program), ProgramRow(org, c.program))
        hire = linked.get(c.id)
        row.candidates += 1
        row.placed += c.id in placed_ids
        row.completed_cap += c.id in completed
        if hire is not None and hire.pipeline:
            row.hired += 1
            for n in RETENTION_YEARS:
                kept = hire.retained(n, as_of)
                if kept is not None:
                    row.retained[n][1] += 1
                    row.retained[n][0] += kept
        elif hire is not None:
            row.already_on_staff += 1
        school = school_of.get(c.id)
        if c.id in placed_ids:
            hosted[(school or "", c.program)] = hosted.get((school or "", c.program), 0) + 1
        rows.append(CandidateRow(c.id, c.name, org, c.program, c.license_sought, school, c.id in placed_ids,
                                 c.id in completed, hire))
    by_school = [{"school": s or None, "program": p, "hosted": n} for (s, p), n in sorted(hosted.items())]
    return Pipeline(year.label, sorted(programs.values(), key=lambda r: (r.organization, r.program)), rows, by_school,
                    hired_in_year(session, year, orgs))


def hired_in_year(session: Session, year: SchoolYear, orgs: dict[uuid.UUID, str]) -> list[CandidateRow]:
    """Former candidates (a practicum in any year) hired with a hire date in the year's window: the year's
    completers hired (001, "Where are my teachers coming from?")."""
    hired = {e.mepid: e for e in session.scalars(select(Educator).where(
        Educator.hire_date.between(year.window_start, year.window_end), Educator.mepid.is_not(None)))}
    if not hired:
        return []
    out = []
    for c in session.scalars(select(CapCandidate).where(CapCandidate.mepid.in_(list(hired)))
                             .order_by(CapCandidate.last_name, CapCandidate.first_name)):
        e = hired[c.mepid]
        if not is_pipeline_hire(e.hire_date, c.practicum_start):
            continue
        out.append(CandidateRow(c.id, c.name, orgs.get(c.organization_id, ""), c.program, c.license_sought,
                                e.school.name if e.school else None, False, False,
                                Hire(e.id, e.employee_id, e.hire_date, e.exit_date, True)))
    return out


# --- the needs sheet ------------------------------------------------------------------------------------


@dataclass
class NeedRow:
    subject: str
    band: str
    openings: dict[str, int]  # by school year label
    from_exits: int = 0
    typed: int = 0
    sps_available: int = 0
    candidates_hosted: int = 0

    @property
    def total(self) -> int:
        return sum(self.openings.values())

    @property
    def short_of_sps(self) -> bool:
        """Openings ahead and no eligible SP to host a candidate who could fill them (001: place candidates
        where the district will need teachers)."""
        return self.total > 0 and self.sps_available == 0

    def as_json(self) -> dict[str, Any]:
        return {"subject": self.subject, "grade_band": self.band, "openings": dict(self.openings),
                "openings_total": self.total, "from_planned_exits": self.from_exits, "typed": self.typed,
                "sps_available": self.sps_available, "candidates_hosted": self.candidates_hosted,
                "short_of_sps": self.short_of_sps}


def next_years(year_label: str, count: int = 3) -> list[str]:
    start = int(year_label[:4])
    return [f"{start + k}-{start + k + 1}" for k in range(1, count + 1)]


def opening_year(exit_date: dt.date, year_label: str) -> str | None:
    """The school year in which a planned exit opens a place: the one holding the day after the exit, at the
    earliest the year after `year_label`; None when the exit is before the report year or past the horizon."""
    start = int(year_label[:4])
    if exit_date < dt.date(start, 7, 1):
        return None
    day = exit_date + dt.timedelta(days=1)
    begins = day.year if day.month >= 7 else day.year - 1
    label = f"{max(begins, start + 1)}-{max(begins, start + 1) + 1}"
    return label if label in next_years(year_label) else None


def needs(session: Session, year_label: str, *, today: dt.date | None = None) -> list[NeedRow]:
    from app.services.cap.supervisors import supervisor_pool

    year = _year(session, year_label)
    horizon = next_years(year.label)
    rows: dict[tuple[str, str], NeedRow] = {}

    def row(subject: str, band: str) -> NeedRow:
        return rows.setdefault((subject, band), NeedRow(subject, band, {label: 0 for label in horizon}))

    for e in session.scalars(select(Educator).where(Educator.exit_date >= year.window_start,
                                                    Educator.role == "teacher")):
        label = opening_year(e.exit_date, year.label) if e.exit_date else None
        band = band_of(e.grades)
        if label is None or band is None:
            continue
        for subject in e.subjects or ["(no subject)"]:
            r = row(subject, band)
            r.openings[label] += 1
            r.from_exits += 1
    for p in projections(session):
        band = p.band
        if p.year in horizon and band is not None:
            r = row(p.subject, band)
            r.openings[p.year] += p.openings
            r.typed += p.openings
    pool = [r for r in supervisor_pool(session, year.label, today) if r.eligible]
    if pool:
        educators = {e.id: e for e in session.scalars(select(Educator).where(
            Educator.id.in_([r.educator_id for r in pool])))}
        for sp in pool:
            e = educators[sp.educator_id]
            for subject in e.subjects:
                for band in bands_covered(e.grades):
                    if (subject, band) in rows:
                        rows[(subject, band)].sps_available += 1
    for c in session.scalars(select(CapCandidate).join(CapPlacement, CapPlacement.candidate_id == CapCandidate.id)
                             .where(CapPlacement.school_year_id == year.id).distinct()):
        try:
            band = band_of(parse_grades(c.license_grades)) if c.license_grades else None
        except ValueError:  # a span typed wrong on the candidate: no band
            band = None
        key = (normalize_subject(c.license_field), band or "")
        if key in rows:
            rows[key].candidates_hosted += 1
    order = {name: i for i, (name, _) in enumerate(BANDS)}
    return sorted(rows.values(), key=lambda r: (r.subject.lower(), order.get(r.band, 9)))

