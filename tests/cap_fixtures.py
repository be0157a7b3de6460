"""A small CAP world for the tests: one school, an SP, a program and candidates under each edition."""

from __future__ import annotations

import datetime as dt

from app.models import Educator, School, derived_id
from app.services import cap

YEAR = "2025-2026"
START = dt.date(2026, 1, 20)
END = dt.date(2026, 5, 8)


def make_world(session, year_label: str = YEAR):  # type: ignore[no-untyped-def]
    school = School(name="Lincoln Elementary")
    session.add(school)
    sp = Educator(id=derived_id("educator", "SP1"), employee_id="SP1", first_name="Maria", last_name="Lopez",
                  email="mlopez@district.org", school=school, **QUALIFIED)
    other = Educator(id=derived_id("educator", "SP2"), employee_id="SP2", first_name="Tom", last_name="Reyes",
                     email="treyes@district.org", school=school, **QUALIFIED)
    session.add_all([sp, other])
    session.flush()
    for educator in (sp, other):
        qualify(session, educator, year_label)
    org = cap.ensure_organization(session, "Commonwealth State University")
    return school, sp, other, org


# An SP who meets every criterion of 603 CMR 7.02 (services/cap/supervisors.py).
QUALIFIED = dict(license_type="Professional", years_experience=7, last_rating="Proficient", rating_year=2025)


def qualify(session, educator, year_label: str = YEAR, *, training: bool = True) -> None:  # type: ignore[no-untyped-def]
    """The SP pool records a qualified SP has for the year: recommendation, interest, SP training."""
    from app.services.cap import supervisors

    supervisors.record_recommendation(session, year_label, educator.id, recommended_by="Principal Grant",
                                      recommended_on=dt.date(2025, 5, 1))
    supervisors.record_interest(session, year_label, educator.id, recorded_on=dt.date(2025, 4, 15))
    if training:
        supervisors.add_sp_training(session, educator.id, completed_on=dt.date(2025, 6, 20), provider="CSU", hours=6)


def make_candidate(session, org, sp, *, first="Ana", last="Silva", field="Elementary", grades="1-6",  # type: ignore[no-untyped-def]
                   edition=None, year_label=YEAR, start=START, end=END, number="C-001", edition_reason=None,
                   sp_override_reason=None):
    candidate = cap.add_candidate(session, organization=org, first_name=first, last_name=last,
                                  program="Elementary Education (Initial)", license_field=field,
                                  license_grades=grades, practicum_start=start, practicum_end=end,
                                  candidate_number=number, email=f"{first.lower()}@csu.edu")
    if year_label != YEAR:
        qualify(session, sp, year_label, training=False)  # the year's recommendation and interest
    placement = cap.add_placement(session, candidate, sp=sp, ps_name="Dr. Helen Park", ps_email="hpark@csu.edu",
                                  grade="3", subject="All subjects", edition=edition, year_label=year_label,
                                  edition_reason=edition_reason, sp_override_reason=sp_override_reason)
    return candidate, placement


def rate_all(session, placement_id, stage, levels, rater="joint", only=None):  # type: ignore[no-untyped-def]
    """Rate every element (quality, scope, consistency) = levels; `only` limits to some codes."""
    rubric = cap.edition_of(session, placement_id)
    for element in rubric.elements:
        if only is not None and element.code not in only:
            continue
        q, s, c = levels
        cap.set_rating(session, placement_id, stage=stage, rater=rater, element_code=element.code,
                       quality=q, scope=s, consistency=c)
