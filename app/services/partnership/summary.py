"""One year's partnership toolkit in one structure: what `mentordesk report partnership` writes (JSON schema
"mentordesk.partnership/1") and prints, and what the Partnership page shows.

Candidates hosted per partner: CAP placements this year whose candidate's sponsoring organization has the
partner's name (case and surrounding spaces ignored); partners and CAP organizations are kept apart
(a partner may be a district or an association, 004's item (h)).
`pipeline_needs` and `pipeline` are left null here: reports/partnership.py fills them from the pipeline report
(this package may not import cap).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.cap import CapCandidate, CapOrganization, CapPlacement
from app.services import settings
from app.services.partnership import agreements as agreement_records
from app.services.partnership import assessments, criteria, goals
from app.services.partnership.partners import list_partnerships

SCHEMA = "mentordesk.partnership/1"


def _hosted_by_organization(session: Session, year_id: Any) -> dict[str, int]:
    rows = session.execute(
        select(func.lower(func.trim(CapOrganization.name)), func.count(func.distinct(CapPlacement.candidate_id)))
        .join(CapCandidate, CapCandidate.organization_id == CapOrganization.id)
        .join(CapPlacement, CapPlacement.candidate_id == CapCandidate.id)
        .where(CapPlacement.school_year_id == year_id, CapPlacement.deleted_at.is_(None))
        .group_by(func.lower(func.trim(CapOrganization.name))))
    return {name: int(count) for name, count in rows}


def build(session: Session, year_label: str, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    year = assessments.year_row(session, year_label)
    hosted = _hosted_by_organization(session, year.id)
    agreements = agreement_records.list_agreements(session)
    contacts = agreement_records.list_contacts(session)
    partners = []
    for p in list_partnerships(session, as_of=year.window_end):
        mine = [a for a in agreements if a.partnership_id == p.id]
        partners.append({**p.as_json(), "contacts": [c.as_json() for c in contacts if c.partnership_id == p.id],
                         "agreements": len(mine),
                         "agreements_in_force": sum(1 for a in mine if a.state(today) in ("in force", "no end date")),
                         "candidates_hosted": hosted.get(p.name.strip().lower(), 0)})
    days = settings.get(session, "agreement_reminder_days")
    renew = {a.id for a in agreement_records.needing_renewal(agreements, today, int(days))}
    year_goals = goals.list_goals(session, year_label)
    vision_text, adopted = assessments.get_vision(session, year_label)
    return {
        "schema": SCHEMA, "school_year": year_label, "as_of": today.isoformat(),
        "partners": partners,
        "agreements": [{**a.as_json(today), "needs_renewal": a.id in renew} for a in agreements],
        "agreement_reminder_days": int(days),
        "pipeline_needs": None, "pipeline": None,
        "vision_statement": {"statement": vision_text, "adopted_on": adopted.isoformat() if adopted else None},
        "self_assessment": assessments.results(session, year_label, "self_assessment"),
        "vision": assessments.results(session, year_label, "vision"),
        "goals": [g.as_json() for g in year_goals],
        "goals_progress": {"goals": len(year_goals), "met": sum(1 for g in year_goals if g.status == "met"),
                           "steps": sum(g.steps_counted for g in year_goals),
                           "steps_done": sum(g.steps_done for g in year_goals)},
        "criteria": criteria.criteria(session, year_label, today),
    }
