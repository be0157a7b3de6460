"""The demo district: deterministic, realistic data for a newcomer, for tests and benchmarks.

`build_demo` makes the core (schools, staff, induction, mentor pool) and then calls each
capability's extension in EXTENSIONS (module path, function name), so later capabilities
add their data (assignments, logs, meetings, CAP candidates) without touching the core.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import MentorProfile, School, SchoolYear, derived_id
from app.services import settings
from app.services.demo.roster import SIZES, demo_roster, demo_schools
from app.services.district.overview import is_empty
from app.services.roster.educators import EducatorRecord, apply_induction, clean_educator, new_educator
from app.errors import UsageError
from app.services.years import current_label, ensure_year

__all__ = ["SIZES", "DemoContext", "build_demo"]

DEMO_DISTRICT_NAME = "Bay Colony Public Schools (demo)"

# (module, function): each called as fn(session, demo) after the core is built.
EXTENSIONS: tuple[tuple[str, str], ...] = (
    ("app.services.demo.pairs", "extend_demo"),  # training, incentives, assignments (first: others use them)
    ("app.services.demo.time_logs", "extend_demo"),  # time logs for those assignments
    ("app.services.demo.cap", "extend_demo"),  # CAP: a sponsoring organization and its candidates
    ("app.services.demo.partnership", "extend_demo"),  # the partnership toolkit (001, 002)
    ("app.services.demo.meetings", "extend_demo"),  # support teams, orientation, meetings, peer groups
    ("app.services.demo.time_logs", "extend_past_induction"),  # teachers past the induction year (50 hours)
    ("app.services.demo.pipeline", "extend_demo"),  # SP incentives, preparation programs, former candidates hired
)


@dataclass
class DemoContext:
    """What extensions get: the year, the random generator and what the core made."""

    size: str
    seed: int
    year_label: str
    rng: random.Random
    counts: dict[str, int]


def build_demo(session: Session, *, size: str = "small", seed: int = 1, year_label: str | None = None) -> str:
    label = year_label or current_label()
    year, _ = ensure_year(session, label)
    demo = DemoContext(size, seed, label, random.Random(seed), {})
    _build_core(session, demo)
    for module, function in EXTENSIONS:
        getattr(importlib.import_module(module), function)(session, demo)
    session.flush()
    parts = ", ".join(f"{n} {what}" for what, n in demo.counts.items())
    return f"Demo district ({size}, seed {seed}) for {label}: {parts}"


def _build_core(session: Session, demo: DemoContext) -> None:
    """Schools, staff (through the same field rules as the importer), induction, the mentor pool."""
    if not is_empty(session):
        raise UsageError("the database already holds educators; the demo district needs an empty database")
    year, _ = ensure_year(session, demo.year_label)
    settings.set_value(session, "district_name", DEMO_DISTRICT_NAME)
    schools = {}
    for spec in demo_schools(demo.size, demo.seed):
        school = School(id=derived_id("school", spec.name), name=spec.name, org_code=spec.org_code, level=spec.level)
        session.add(school)
        schools[spec.name] = school
    capacity = settings.get(session, "default_mentor_capacity")
    counts = demo.counts
    counts.update(schools=len(schools), staff=0, beginning=0, mentors=0)
    for row in demo_roster(demo.size, demo.seed, demo.year_label):
        record, problems = clean_educator(row)
        if record is None:  # the generator and the rules disagree: a bug worth failing loudly on
            raise AssertionError(f"demo row {row['employee_id']}: {problems}")
        educator = new_educator(record, schools[record.school or ""])
        session.add(educator)
        apply_induction(session, educator, record, year, None)
        counts["staff"] += 1
        counts["beginning"] += record.induction_status == "beginning"
        if _in_pool(record, demo.rng):
            session.add(_profile(educator, year, record, capacity, demo.rng))
            counts["mentors"] += 1


def _in_pool(record: EducatorRecord, rng: random.Random) -> bool:
    """Trained staff, and a few experienced volunteers still waiting for training."""
    if record.induction_status or record.role == "specialist":
        return False
    return record.mentor_trained_on is not None or ((record.years_experience or 0) >= 3 and rng.random() < 0.03)


def _profile(educator: Educator, year: SchoolYear, record: EducatorRecord, capacity: int,
             rng: random.Random) -> MentorProfile:
    status = "active" if record.mentor_trained_on else "training_pending"
    return MentorProfile(
        id=derived_id("mentor_profile", f"{record.employee_id}:{year.label}"), educator=educator, school_year=year,
        willing=rng.random() < 0.9, capacity=capacity + (rng.random() < 0.2), status=status,
    )
