"""What to do after a roster import (issue 17): how many beginning educators still need a mentor this year,
and which trained teachers are not in the year's mentor pool (so Matching would silently leave them out).

A beginning educator (603 CMR 7.12(2): an induction program with a trained mentor in the first year;
DOMAIN.md, "Mentor eligibility and matching") needs a mentor when they have no current assignment for
the year. "Trained and not in the pool" is the same set a new year's pool starts from
(eligibility.pool_from_roster: trained, not in induction this year, on staff on the first day)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator
from app.services.matching.eligibility import _year, pool_from_roster
from app.services.matching.proposals import mentee_rows


@dataclass(frozen=True, slots=True)
class NextSteps:
    need_mentor: int  # beginning educators with no current mentor this year
    outside_pool: tuple[tuple[uuid.UUID, str], ...]  # trained teachers not in the year's pool: (id, name)


def next_steps(session: Session, year_label: str) -> NextSteps:
    year = _year(session, year_label)
    mentored = set(session.scalars(select(Assignment.mentee_id).where(
        Assignment.school_year_id == year.id, Assignment.end_date.is_(None))))
    need = sum(1 for educator, _status in mentee_rows(session, year, include_incoming=False)
               if educator.id not in mentored)
    outside = pool_from_roster(session, year)
    names = dict(session.execute(select(Educator.id, Educator.first_name + " " + Educator.last_name)
                                 .where(Educator.id.in_(outside))).all()) if outside else {}
    return NextSteps(need, tuple(sorted(((i, names[i]) for i in outside), key=lambda p: p[1])))
