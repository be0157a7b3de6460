"""What the Mentors page's "Supervising practitioners" tab shows, in one read: the year's SP pool with every
check (603 CMR 7.02; 001 SP job description: services/cap/supervisors.py), the placements whose SP fails a
check with their override (or the lack of one), and the SP incentives policy (000; services/cap/incentives.py).
Plain data, safe across threads."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Educator, SchoolYear
from app.models.cap import CapCandidate, CapPlacement
from app.services.cap.incentives import SpIncentives, sp_incentives
from app.services.cap.supervisors import SpPoolRow, label, placement_sp, supervisor_pool


@dataclass(frozen=True)
class PlacementOverride:
    placement_id: uuid.UUID
    candidate: str
    sp_name: str
    failing: str  # the criteria not met, by label
    reason: str  # the override's reason; "" when none was given
    by: str
    on: dt.date | None


@dataclass(frozen=True)
class PoolView:
    year: str
    rows: list[SpPoolRow]
    incentives: SpIncentives
    placements: list[PlacementOverride]  # placements with an SP who fails a check

    @property
    def eligible(self) -> int:
        return sum(1 for r in self.rows if r.eligible)

    @property
    def without_override(self) -> int:
        return sum(1 for p in self.placements if not p.reason)


def why_not(row: SpPoolRow) -> str:
    """'Principal's recommendation: no principal recommendation recorded; ...' ('' when eligible)."""
    return "; ".join(f"{label(c.key)}: {c.reason}" for c in row.status.failing)


def pool_view(session: Session, year_label: str, today: dt.date | None = None) -> PoolView:
    rows = supervisor_pool(session, year_label, today)
    placements = session.execute(
        select(CapPlacement.id, CapCandidate.first_name, CapCandidate.last_name, Educator.first_name,
               Educator.last_name)
        .join(CapCandidate, CapCandidate.id == CapPlacement.candidate_id)
        .join(Educator, Educator.id == CapPlacement.sp_id)
        .join(SchoolYear, SchoolYear.id == CapPlacement.school_year_id)
        .where(SchoolYear.label == year_label)).all()
    sp = placement_sp(session, [p[0] for p in placements])
    out = []
    for pid, cfirst, clast, sfirst, slast in placements:
        found = sp.get(pid)
        if found is None or (found.status.eligible and not found.override_reason):
            continue
        out.append(PlacementOverride(pid, f"{cfirst} {clast}", f"{sfirst} {slast}", found.status.failing_text(),
                                     found.override_reason, found.override_by, found.override_on))
    out.sort(key=lambda p: (bool(p.reason), p.candidate.lower()))  # the ones still needing a reason first
    return PoolView(year_label, rows, sp_incentives(session), out)


def find_educators(session: Session, text: str, limit: int = 30) -> list[tuple[uuid.UUID, str]]:
    """Educators whose name or employee id holds `text`: (id, "Last, First (employee id)")."""
    words = [w for w in text.strip().split() if w]
    query = select(Educator.id, Educator.first_name, Educator.last_name, Educator.employee_id)
    for w in words:
        like = f"%{w}%"
        query = query.where(or_(Educator.first_name.ilike(like), Educator.last_name.ilike(like),
                                Educator.employee_id.ilike(like)))
    rows = session.execute(query.order_by(Educator.last_name, Educator.first_name).limit(limit)).all()
    return [(i, f"{last}, {first} ({emp})") for i, first, last, emp in rows]
