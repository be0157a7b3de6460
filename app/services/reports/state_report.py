"""The annual induction and mentoring report to DESE (603 CMR 7.12(3) for teachers, 7.13 for
administrators; 004, "Annual Report"). ONE computation: every screen, command and file format
calls `compute(session, year_label)`.

The definitions below are public: the PDF and XLSX print them as footnotes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from app.models import Assignment, Educator, InductionEnrollment, School, SchoolYear
from app.services.batch import cycle_collector_paused
from app.errors import UsageError
from app.services.years import find_year

# Each definition reads "Term: meaning" (the XLSX Definitions sheet splits it into two columns); no
# internal code appears in them, DESE reads them (issue 20). The administrators' items have their own
# definitions: 004 lists (d) site-based visits and (f) first-year administrators for 603 CMR 7.13.
DEFINITIONS: dict[str, str] = {
    "employed": "Employed in the year: on the district's staff (not a retired educator or another district's "
                "mentor), hired on or before June 30 (or no hire date recorded) and not exited before July 1.",
    "beginning_served": "Beginning teachers served: teachers in their first year of induction (induction status "
                        "\"beginning\") for the school year, employed in the year.",
    "mentors_serving": "Mentors serving: different mentors with an assignment overlapping July 1 to June 30 to a "
                       "teacher mentee in induction (beginning or new to the district) that year; each mentor is "
                       "counted once.",
    "trained_mentors": "Trained mentors: mentors serving whose mentor training was completed on or before June 30. "
                       "Mentors who are not district staff (retired educators, another district's staff: 004, "
                       "Mentor Selection) serve and count here, marked as such; they never count among the "
                       "district's teachers or administrators (hired, retained, teachers by school).",
    "classroom_observations": "Classroom observations: time-log entries dated July 1 to June 30 with the activity "
                              "\"Observed the mentee teach\" whose mentee is a beginning teacher served.",
    "mentoring_hours": "Mentoring hours: all time-log entries dated July 1 to June 30 whose mentee is a beginning "
                       "teacher served, summed and shown in hours with one decimal.",
    "hired": "Hired: teachers with a hire date from July 1 to June 30; beginning hired: those of them in their "
             "first year of induction; hiring rate = beginning hired as a percentage of hired.",
    "retained": "Retained: beginning teachers served who had not left on or before June 30; retention rate = "
                "retained as a percentage of beginning teachers served.",
    "admin_served": "First-year administrators served: administrators in their first year of induction (induction "
                    "status \"beginning\") for the school year, employed in the year (603 CMR 7.13).",
    "admin_mentors_serving": "Mentors serving (administrators): different mentors with an assignment overlapping "
                             "July 1 to June 30 to an administrator in induction that year; trained mentors: "
                             "those whose mentor training was completed on or before June 30.",
    "site_visits": "Site-based visits: time-log entries dated July 1 to June 30 with the activity \"Observed the "
                   "mentee teach\" (for an administrator, a visit to the administrator's site) whose mentee is a "
                   "first-year administrator served.",
    "admin_hours": "Mentoring hours (administrators): all time-log entries dated July 1 to June 30 whose mentee is "
                   "a first-year administrator served, summed and shown in hours with one decimal.",
    "admin_hired": "Hiring and retention of first-year administrators: administrators with a hire date from July 1 "
                   "to June 30 (hired), those of them in their first year of induction (beginning hired), and "
                   "first-year administrators served who had not left on or before June 30 (retained).",
    "teachers_by_school": "Teachers by school: teachers employed in the year at each school; hired: those with a "
                          "hire date from July 1 to June 30 (hiring rate = hired as a percentage of the school's "
                          "teachers); retained: those who had not left on or before June 30 (retention rate = "
                          "retained as a percentage of the school's teachers).",
    "rates": "Rates: a percentage with one decimal followed by its count, for example 73.2% (41 of 56); a rate "
             "with nothing to count is shown as \"no data\". The JSON and CSV files also carry each rate as a "
             "fraction with three decimals.",
}

REPORTED_ROLES = ("teacher", "administrator")
SCHEMA = "mentordesk.state_report/1"  # docs/formats.md

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
    external: str | None = None  # a mentor who is not district staff: "retired" or "other_district"

    def as_json(self) -> dict[str, str]:
        out = {"employee_id": self.employee_id, "name": self.name, "school": self.school}
        if self.external:
            out["external"] = self.external
        return out

    @property
    def school_text(self) -> str:
        """The school, or for a mentor who is not district staff what they are (004, Mentor Selection)."""
        from app.models.vocab import EXTERNAL_LABELS

        if not self.external:
            return self.school
        label = EXTERNAL_LABELS.get(self.external, self.external)
        return f"{label} ({self.school})" if self.school else label


def _ref(row: Any) -> PersonRef:
    return PersonRef(row.employee_id, f"{row.first_name} {row.last_name}", row.school_name or "",
                     getattr(row, "external", None))


def _by_name(rows: Any) -> list[Any]:
    # Sorted here, not in SQL, so both backends agree whatever the server's collation.
    return sorted(rows, key=lambda r: (r.last_name, r.first_name, r.employee_id))


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
        from app.services.timelogs.hours import to_hours

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

    @property
    def hiring_rate(self) -> float | None:
        """Hired in the window as a fraction of the school's teachers (004, administrators' item (g))."""
        return rate(self.hired, self.teachers)


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
            "schema": SCHEMA,
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


# The definitions as SQL conditions, each in one place: a large district has 10,000 educators, and
# reading them all into Python cost most of the report's time; the database returns only the
# people a figure counts (benchmarks/state_report.py).

def _employed(year: SchoolYear) -> Any:
    """DEFINITIONS["employed"]."""
    return and_(Educator.external.is_(None),
                or_(Educator.hire_date.is_(None), Educator.hire_date <= year.window_end),
                or_(Educator.exit_date.is_(None), Educator.exit_date >= year.window_start))


def _hired(year: SchoolYear) -> Any:
    """A hire date in the window (DEFINITIONS["hired"])."""
    return and_(Educator.external.is_(None), Educator.hire_date >= year.window_start,
                Educator.hire_date <= year.window_end)


def _stayed(year: SchoolYear) -> Any:
    """No exit date on or before June 30 (DEFINITIONS["retained"])."""
    return or_(Educator.exit_date.is_(None), Educator.exit_date > year.window_end)


def _count_if(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _enrollment(year: SchoolYear, educator_id: Any) -> Any:
    return and_(InductionEnrollment.educator_id == educator_id, InductionEnrollment.school_year_id == year.id)


def _sections(session: Session, year: SchoolYear) -> tuple[dict[str, RoleSection], dict[str, list[uuid.UUID]]]:
    """Both roles' sections, and the ids of the beginning educators served per role."""
    sections = {role: RoleSection(role) for role in REPORTED_ROLES}
    served_ids: dict[str, list[uuid.UUID]] = {role: [] for role in REPORTED_ROLES}
    beginning = InductionEnrollment.status == "beginning"
    query = (select(Educator.id, Educator.employee_id, Educator.first_name, Educator.last_name, Educator.role,
                    School.name.label("school_name"), beginning.label("beginning"),
                    _employed(year).label("employed"), _hired(year).label("hired"), _stayed(year).label("stayed"))
             .outerjoin(School, Educator.school_id == School.id)
             .outerjoin(InductionEnrollment, _enrollment(year, Educator.id))
             .where(Educator.role.in_(REPORTED_ROLES), or_(and_(beginning, _employed(year)), _hired(year))))
    for row in _by_name(session.execute(query)):
        section, ref = sections[row.role], _ref(row)
        if row.beginning and row.employed:
            section.beginning_served.append(ref)
            served_ids[row.role].append(row.id)
            if row.stayed:
                section.retained.append(ref)
        if row.hired:
            section.hired.append(ref)
            if row.beginning:
                section.beginning_hired.append(ref)
    for role, mentor in _mentors_serving(session, year):
        sections[role].mentors_serving.append(_ref(mentor))
        if mentor.mentor_trained_on is not None and mentor.mentor_trained_on <= year.window_end:
            sections[role].trained_mentors.append(_ref(mentor))
    return sections, served_ids


def _mentors_serving(session: Session, year: SchoolYear) -> list[tuple[str, Any]]:
    """(mentee role, mentor row) for DEFINITIONS["mentors_serving"]: each mentor once per role."""
    mentor, mentee = aliased(Educator), aliased(Educator)
    query = (select(mentee.role, mentor.employee_id, mentor.first_name, mentor.last_name,
                    School.name.label("school_name"), mentor.mentor_trained_on, mentor.external).distinct()
             .select_from(Assignment)
             .join(mentee, mentee.id == Assignment.mentee_id)
             .join(mentor, mentor.id == Assignment.mentor_id)
             .join(InductionEnrollment, _enrollment(year, Assignment.mentee_id))
             .outerjoin(School, School.id == mentor.school_id)
             .where(Assignment.start_date <= year.window_end,
                    or_(Assignment.end_date.is_(None), Assignment.end_date >= year.window_start),
                    InductionEnrollment.status.in_(("beginning", "incoming")), mentee.role.in_(REPORTED_ROLES)))
    return [(row[0], row) for row in _by_name(session.execute(query))]


def _teachers_by_school(session: Session, year: SchoolYear) -> list[SchoolRetention]:
    school = func.coalesce(School.name, "(no school)")
    query = (select(school, func.count(), _count_if(_hired(year)), _count_if(_stayed(year)))
             .select_from(Educator).outerjoin(School, Educator.school_id == School.id)
             .where(Educator.role == "teacher", _employed(year)).group_by(school))
    return sorted((SchoolRetention(name, int(n), int(hired), int(stayed)) for name, n, hired, stayed in session.execute(query)),
                  key=lambda r: r.school)


@cycle_collector_paused
def compute(session: Session, year_label: str, *, printed: bool = True) -> StateReport:
    """The report for a school year. `printed=False` leaves out what only the printed formats (PDF,
    XLSX) and the Reports page show, the program profile and the hours-by-month chart: JSON and
    CSV need neither, and the profile's facts cost a third of a large district's report."""
    from app.services import settings
    from app.services.partnership.partners import list_partnerships
    from app.services.reports.program_profile import load_profile
    from app.services.reports.survey import satisfaction

    year = find_year(session, year_label)
    if year is None:
        raise UsageError(f"no school year {year_label} in this database")
    sections, served_ids = _sections(session, year)
    teachers, administrators = sections["teacher"], sections["administrator"]
    hours_by_month = _time_log_figures(session, year, sections, served_ids, by_month=printed)
    profile = load_profile(session, year.label) if printed else None
    return StateReport(
        school_year=year.label,
        window_start=year.window_start,
        window_end=year.window_end,
        district=settings.get(session, "district_name"),
        teachers=teachers,
        administrators=administrators,
        teachers_by_school=_teachers_by_school(session, year),
        activities=_activities(session, year),
        satisfaction=satisfaction(session, year.id),
        partnerships=[p.as_json() for p in list_partnerships(session, as_of=year.window_end)],
        profile={} if profile is None else {
            "answers": profile.answers, "from_data": profile.from_data, "carried_from": profile.carried_from,
            "hours_by_month": hours_by_month},
    )


def _activities(session: Session, year: SchoolYear) -> list[dict[str, Any]] | None:
    """Item (a): held orientation, support-team meetings, peer groups, mentor training... by type
    with attendance, from the scheduling service; None ("no data") when nothing is scheduled."""
    from app.services.scheduling import program_activities

    return program_activities(session, year.label)


def _time_log_figures(session: Session, year: SchoolYear, sections: dict[str, RoleSection],
                      served_ids: dict[str, list[uuid.UUID]], by_month: bool) -> list[tuple[str, float]]:
    """Items (d) and (e) from the time logs' one computation (services/timelogs/hours.py); "no data" (None)
    when nothing is logged in the window. Returns the teachers' hours by month for the chart."""
    from app.services.timelogs import hours

    if not hours.any_entries(session, year.window_start, year.window_end):
        return []
    per_mentee = hours.totals_by_mentee(session, year.window_start, year.window_end)
    for role, section in sections.items():
        totals = hours.sum_totals(per_mentee, served_ids[role])
        section.observations, section.mentoring_minutes = totals.observations, totals.minutes
    if not by_month:
        return []
    return hours.hours_by_month(session, year.window_start, year.window_end, served_ids["teacher"])
