"""The annual induction and mentoring report to DESE (603 CMR 7.12(3) for teachers, 7.13 for
administrators; 004, "Annual Report"). ONE computation: every screen, command and file format
calls `compute(session, year_label)`.

The definitions below are public: the PDF and XLSX print them as footnotes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, InductionEnrollment, School, SchoolYear
from app.services.errors import UsageError
from app.services.years import find_year

DEFINITIONS: dict[str, str] = {
    "employed": "Employed in the year: hired on or before June 30 (or no hire date recorded) and not exited before July 1.",
    "beginning_served": "Beginning teachers served: role teacher, induction status beginning for the year, employed in the year.",
    "mentors_serving": "Mentors serving: distinct mentors with an assignment overlapping July 1 to June 30 to a teacher "
                       "mentee whose induction status is beginning or incoming.",
    "trained_mentors": "Trained mentors: mentors serving whose mentor-training date is on or before June 30.",
    "classroom_observations": "Classroom observations: time-log entries dated in the window with activity "
                              "observed_mentee whose mentee is a beginning teacher served.",
    "mentoring_hours": "Mentoring hours: minutes of all time-log entries dated in the window whose mentee is a "
                       "beginning teacher served, summed, in hours with one decimal.",
    "hired": "Hired: teachers with a hire date in the window; beginning hired: those of them who are beginning; "
             "hiring rate = beginning hired / hired.",
    "retained": "Retained: beginning teachers served with no exit date on or before June 30; "
                "retention rate = retained / beginning teachers served.",
    "administrators": "Administrators: the same definitions with role administrator (first-year administrators = "
                      "induction status beginning); site visits in place of classroom observations.",
    "teachers_by_school": "Teachers by school: teachers employed in the year, hired in the window, retained (no exit "
                          "on or before June 30); retention rate = retained / teachers.",
    "rates": "Rates are fractions with three decimals; a rate with no denominator is reported as no data.",
}

CITATIONS = {
    "teachers": "603 CMR 7.12(3); Guidelines for Induction & Mentoring Programs (2015), annual report items (a)-(h)",
    "administrators": "603 CMR 7.13; Guidelines for Induction & Mentoring Programs (2015), annual report items (a)-(i)",
}


@dataclass(frozen=True)
class PersonRef:
    """A person counted in a figure (the drill-down lists these)."""

    employee_id: str
    name: str
    school: str

    def as_json(self) -> dict[str, str]:
        return {"employee_id": self.employee_id, "name": self.name, "school": self.school}


def _ref(e: Any) -> PersonRef:
    return PersonRef(e.employee_id, f"{e.first_name} {e.last_name}", e.school_name or "")


def _people(session: Session) -> list[Any]:
    """Every educator as a light row of the columns the report reads (a large district has
    10,000: full model objects would cost most of the report's time)."""
    columns = (Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name, Educator.role,
               Educator.hire_date, Educator.exit_date, Educator.mentor_trained_on, School.name.label("school_name"))
    return list(session.execute(select(*columns).outerjoin(School, Educator.school_id == School.id)))


def rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 3) if denominator else None


@dataclass
class RoleSection:
    """The figures for teachers or for administrators, with the rows behind each one."""

    role: str
    beginning_served: list[PersonRef] = field(default_factory=list)
    mentors_serving: list[PersonRef] = field(default_factory=list)
    trained_mentors: list[PersonRef] = field(default_factory=list)
    observations: int | None = None  # classroom observations or site visits; None = no time logs
    mentoring_minutes: int | None = None
    hired: list[PersonRef] = field(default_factory=list)
    beginning_hired: list[PersonRef] = field(default_factory=list)
    retained: list[PersonRef] = field(default_factory=list)

    @property
    def mentoring_hours(self) -> float | None:
        from app.services.hours import to_hours

        return to_hours(self.mentoring_minutes)

    @property
    def hiring_rate(self) -> float | None:
        return rate(len(self.beginning_hired), len(self.hired))

    @property
    def retention_rate(self) -> float | None:
        return rate(len(self.retained), len(self.beginning_served))


@dataclass(frozen=True)
class SchoolRetention:
    school: str
    teachers: int
    hired: int
    retained: int

    @property
    def retention_rate(self) -> float | None:
        return rate(self.retained, self.teachers)


@dataclass
class StateReport:
    school_year: str
    window_start: dt.date
    window_end: dt.date
    district: str
    teachers: RoleSection
    administrators: RoleSection
    teachers_by_school: list[SchoolRetention]
    activities: list[dict[str, Any]] | None  # None = scheduling has no data
    satisfaction: dict[str, Any]
    partnerships: list[dict[str, Any]]
    profile: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape (`mentordesk report state --out FILE.json`)."""
        return {
            "school_year": self.school_year,
            "window": {"start": self.window_start.isoformat(), "end": self.window_end.isoformat()},
            "teachers": self._section_json(self.teachers, "classroom_observations"),
            "administrators": {
                **self._section_json(self.administrators, "site_visits"),
                "teachers_by_school": [
                    {"school": s.school, "teachers": s.teachers, "hired": s.hired, "retained": s.retained,
                     "retention_rate": s.retention_rate}
                    for s in self.teachers_by_school
                ],
            },
        }

    def _section_json(self, section: RoleSection, observations_key: str) -> dict[str, Any]:
        return {
            "beginning_served": {"count": len(section.beginning_served),
                                 "educators": [p.as_json() for p in section.beginning_served]},
            "mentors_serving": len(section.mentors_serving),
            "trained_mentors": {"count": len(section.trained_mentors),
                                "educators": [p.as_json() for p in section.trained_mentors]},
            observations_key: section.observations,
            "mentoring_hours": section.mentoring_hours,
            "hired": len(section.hired),
            "beginning_hired": len(section.beginning_hired),
            "hiring_rate": section.hiring_rate,
            "retained": len(section.retained),
            "retention_rate": section.retention_rate,
            "activities": self.activities if self.activities is not None else [],
            "satisfaction": self.satisfaction,
            "partnerships": self.partnerships,
        }


def employed_in(e: Any, year: SchoolYear) -> bool:
    hired_ok = e.hire_date is None or e.hire_date <= year.window_end
    return hired_ok and not (e.exit_date is not None and e.exit_date < year.window_start)


def _overlaps(a: Any, year: SchoolYear) -> bool:
    return a.start_date <= year.window_end and (a.end_date is None or a.end_date >= year.window_start)


def _section(role: str, year: SchoolYear, educators: list[Any], status: dict[uuid.UUID, str],
             assignments: list[Any], by_id: dict[uuid.UUID, Any]) -> RoleSection:
    section = RoleSection(role)
    people = sorted((e for e in educators if e.role == role), key=lambda e: (e.last_name, e.first_name, e.employee_id))
    served = [e for e in people if status.get(e.id) == "beginning" and employed_in(e, year)]
    section.beginning_served = [_ref(e) for e in served]
    section.retained = [_ref(e) for e in served if e.exit_date is None or e.exit_date > year.window_end]
    hired = [e for e in people if e.hire_date is not None and year.window_start <= e.hire_date <= year.window_end]
    section.hired = [_ref(e) for e in hired]
    section.beginning_hired = [_ref(e) for e in hired if status.get(e.id) == "beginning"]
    mentor_ids = {
        a.mentor_id for a in assignments
        if _overlaps(a, year) and by_id[a.mentee_id].role == role and status.get(a.mentee_id) in ("beginning", "incoming")
    }
    mentors = sorted((by_id[m] for m in mentor_ids), key=lambda e: (e.last_name, e.first_name, e.employee_id))
    section.mentors_serving = [_ref(m) for m in mentors]
    section.trained_mentors = [_ref(m) for m in mentors
                               if m.mentor_trained_on is not None and m.mentor_trained_on <= year.window_end]
    return section


def _teachers_by_school(year: SchoolYear, educators: list[Any]) -> list[SchoolRetention]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for e in educators:
        if e.role != "teacher" or not employed_in(e, year):
            continue
        row = counts[e.school_name or "(no school)"]
        row[0] += 1
        row[1] += int(e.hire_date is not None and year.window_start <= e.hire_date <= year.window_end)
        row[2] += int(e.exit_date is None or e.exit_date > year.window_end)
    return [SchoolRetention(name, *counts[name]) for name in sorted(counts)]


def compute(session: Session, year_label: str) -> StateReport:
    from app.services import settings
    from app.services.partnerships import list_partnerships
    from app.services.program_profile import load_profile
    from app.services.survey import satisfaction

    year = find_year(session, year_label)
    if year is None:
        raise UsageError(f"no school year {year_label} in this database")
    educators = _people(session)
    by_id = {e.id: e for e in educators}
    status = dict(session.execute(select(InductionEnrollment.educator_id, InductionEnrollment.status).where(
        InductionEnrollment.school_year_id == year.id)).all())
    pairs = select(Assignment.mentor_id, Assignment.mentee_id, Assignment.start_date, Assignment.end_date)
    assignments = [a for a in session.execute(pairs) if a.mentee_id in by_id and a.mentor_id in by_id]
    teachers = _section("teacher", year, educators, status, assignments, by_id)
    administrators = _section("administrator", year, educators, status, assignments, by_id)
    hours_by_month = _time_log_figures(session, year, educators, teachers, administrators)
    profile = load_profile(session, year.label)
    return StateReport(
        school_year=year.label,
        window_start=year.window_start,
        window_end=year.window_end,
        district=settings.get(session, "district_name"),
        teachers=teachers,
        administrators=administrators,
        teachers_by_school=_teachers_by_school(year, educators),
        activities=_activities(session, year),
        satisfaction=satisfaction(session, year.id),
        partnerships=[p.as_json() for p in list_partnerships(session, as_of=year.window_end)],
        profile={"answers": profile.answers, "from_data": profile.from_data, "carried_from": profile.carried_from,
                 "hours_by_month": hours_by_month},
    )


def _activities(session: Session, year: SchoolYear) -> list[dict[str, Any]] | None:
    """Item (a): held orientation, support-team meetings, peer groups, mentor training... by type
    with attendance, from the scheduling service; None ("no data") when nothing is scheduled."""
    from app.services.scheduling import program_activities

    return program_activities(session, year.label)


def _time_log_figures(session: Session, year: SchoolYear, educators: list[Any], teachers: RoleSection,
                      administrators: RoleSection) -> list[tuple[str, float]]:
    """Items (d) and (e) from the time logs' one computation (services/hours.py); "no data" (None)
    when nothing is logged in the window. Returns the teachers' hours by month for the chart."""
    from app.services import hours

    if not hours.any_entries(session, year.window_start, year.window_end):
        return []
    ids = {e.employee_id: e.id for e in educators}
    per_mentee = hours.totals_by_mentee(session, year.window_start, year.window_end)
    for section in (teachers, administrators):
        served = [ids[p.employee_id] for p in section.beginning_served]
        totals = hours.sum_totals(per_mentee, served)
        section.observations, section.mentoring_minutes = totals.observations, totals.minutes
    return hours.hours_by_month(session, year.window_start, year.window_end,
                                [ids[p.employee_id] for p in teachers.beginning_served])
