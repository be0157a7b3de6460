"""New hires whose induction status the rule cannot give (educators.DERIVATION_RULE): never dropped,
listed on the dashboard as "needs a decision" until a coordinator gives a license type or a status.

603 CMR 7.12(1), 7.13(1): induction for every teacher and administrator in the first year of practice,
so a new hire left without a status would silently miss orientation, a mentor and the state report.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator, InductionEnrollment, SchoolYear
from app.services.roster.educators import UNDECIDED, derive_induction_status, district_choices, record_of

CITE_NEW_HIRES = "603 CMR 7.12(1), 7.13(1); 004, \"Induction Programs for Teachers\""


@dataclass(frozen=True)
class Undecided:
    educator_id: uuid.UUID
    name: str
    school: str
    why: str


def undecided(session: Session, year: SchoolYear) -> list[Undecided]:
    """People hired within the year, with no induction status for it, whom the rule cannot place."""
    enrolled = select(InductionEnrollment.educator_id).where(InductionEnrollment.school_year_id == year.id)
    hired = session.scalars(
        select(Educator).where(Educator.hire_date >= year.window_start, Educator.hire_date <= year.window_end,
                               Educator.id.not_in(enrolled))
        .order_by(Educator.last_name, Educator.first_name))
    choices = district_choices(session)
    out = []
    for educator in hired:
        if derive_induction_status(record_of(educator), year, choices=choices) != UNDECIDED:
            continue
        license_type = educator.license_type
        article = "an" if license_type and license_type[0] in "AEIOU" else "a"
        why = (f"{article} {license_type} license: the district decides each case (Settings)" if license_type
               else "no license type")
        out.append(Undecided(educator.id, educator.full_name, educator.school.name if educator.school else "",
                             why))
    return out


def needs_decision_card(session: Session, year_label: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Dashboard card: new hires whose induction status needs a decision."""
    from app.services.attention import AttentionCard, AttentionItem
    from app.services.years import find_year

    year = find_year(session, year_label)
    if year is None:
        return None
    people = undecided(session, year)
    items = [AttentionItem(f"{p.name}{f' ({p.school})' if p.school else ''}: {UNDECIDED}, {p.why}", p.educator_id)
             for p in people]
    summary = (f"{len(people)} new hire{'s' if len(people) != 1 else ''} without an induction status: "
               "give a license type, or set beginning, incoming or none" if people
               else "Every new hire this year has an induction status.")
    return AttentionCard("induction_status", "New hires: induction status needs a decision", CITE_NEW_HIRES,
                         items, summary, "people")
