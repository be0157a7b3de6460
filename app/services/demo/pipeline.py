"""Demo pipeline and SP incentives (issue 21): what the sponsoring organization and the district offer SPs
(000), a few teachers' preparation programs, two of this year's beginning teachers who student-taught here
last year (a CAP candidate with their MEPID: 001's "natural pipeline between student teaching placement and
district employment") and typed projected openings for the needs sheet. Runs last, with its own random
generator, so the rest of the demo is unchanged."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator
from app.services import cap, settings
from app.services.cap import pipeline
from app.services.years import parse_label

ORGANIZATION = "Commonwealth State University"  # demo/cap.py's sponsoring organization
PROGRAMS = ("Commonwealth State University (Initial licensure)", "Bay State College MAT",
            "Pioneer Valley Teacher Residency")


def extend_demo(session: Session, demo) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(demo.seed * 1000 + 21)
    start_year = parse_label(demo.year_label)
    settings.set_value(session, "sp_incentives_from", "both")
    settings.set_value(session, "sp_stipend", 300)
    settings.set_value(session, "sp_course_voucher", "one 3-credit graduate course at Commonwealth State University")
    settings.set_value(session, "sp_recognition", True)
    teachers = list(session.scalars(select(Educator).where(Educator.role == "teacher")
                                    .order_by(Educator.employee_id)))
    for teacher in teachers:
        if rng.random() < 0.25:
            teacher.preparation_program = rng.choice(PROGRAMS)
    hired = [t for t in teachers if t.mepid and t.hire_date and t.hire_date.year == start_year and t.subjects
             and t.grades and t.preparation_program is None]
    org = cap.ensure_organization(session, ORGANIZATION)
    for n, teacher in enumerate(hired[:2]):
        start = dt.date(start_year, 1, 20 + n)  # last spring's practicum, in the year before
        cap.add_candidate(session, organization=org, first_name=teacher.first_name, last_name=teacher.last_name,
                          program=f"{teacher.subjects[0]} (Initial licensure)", license_field=teacher.subjects[0],
                          license_grades=_span(teacher.grades), practicum_start=start,
                          practicum_end=start + dt.timedelta(weeks=15), mepid=teacher.mepid)
    settings.set_value(session, "pipeline_projections", pipeline.as_setting(pipeline.parse_projections(
        f"{start_year + 1}-{start_year + 2} Mathematics 9-12: 2; {start_year + 1}-{start_year + 2} Elementary 1-5: 3; "
        f"{start_year + 2}-{start_year + 3} ESL 6-8: 1")))
    session.flush()


def _span(grades: list[str]) -> str:
    return grades[0] if len(grades) == 1 else f"{grades[0]}-{grades[-1]}"
