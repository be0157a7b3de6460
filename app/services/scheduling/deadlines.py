"""The compliance cards (DOMAIN.md; 004; 603 CMR 7.12/7.13):
- orientation before or at the beginning of the school year, for beginning and incoming educators
  (603 CMR 7.12(2)(a); 7.13); for a later hire, within `orientation_grace_days` of the hire date.
- the support team meets the beginning teacher before the school year (004).
- every beginning teacher's team has a mentor and the administrator who evaluates (603 CMR 7.12(2)(c)).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import SchoolYear
from app.services.roster.educators import on_staff_at_start
from app.services.scheduling.calendar import (
    _enrolled,
    held_occurrences,
)
from app.services.scheduling.events import (
    CITE_ORIENTATION,
    CITE_TEAM_MEETS,
    grace_days,
)
from app.services.years import ensure_year

# ---------------------------------------------------------------------------------------------
# Compliance: orientation and the support team's first meeting

@dataclass(frozen=True)
class DeadlineStatus:
    educator_id: uuid.UUID
    name: str
    school: str | None
    status: str  # beginning | incoming
    deadline: dt.date
    met_on: dt.date | None
    state: str  # met | met late | due | overdue

    @property
    def text(self) -> str:
        where = f" ({self.school})" if self.school else ""
        if self.state == "met":
            return f"{self.name}{where}: {self.met_on.isoformat()}"
        if self.state == "met late":
            return f"{self.name}{where}: {self.met_on.isoformat()}, after {self.deadline.isoformat()}"
        if self.state == "overdue":
            return f"{self.name}{where}: none yet, due {self.deadline.isoformat()} (overdue)"
        return f"{self.name}{where}: none yet, due {self.deadline.isoformat()}"



def _deadline_status(session: Session, year: SchoolYear, statuses: tuple[str, ...], met: dict[uuid.UUID, dt.date],
                     today: dt.date) -> list[DeadlineStatus]:
    grace = dt.timedelta(days=grace_days(session))
    out = []
    for row in _enrolled(session, year, statuses):
        if not on_staff_at_start(row.exit_date, year):
            continue
        late_hire = row.hire_date is not None and row.hire_date > year.first_day
        deadline = row.hire_date + grace if late_hire else year.first_day
        on = met.get(row.id)
        if on is not None:
            state = "met" if on <= deadline else "met late"
        else:
            state = "overdue" if today > deadline else "due"
        out.append(DeadlineStatus(row.id, f"{row.first_name} {row.last_name}", row.name, row.status, deadline, on,
                                  state))
    out.sort(key=lambda s: (s.state not in ("overdue", "due"), s.deadline, s.name))
    return out


def orientation_status(session: Session, year_label: str, today: dt.date | None = None) -> list[DeadlineStatus]:
    """Beginning and incoming educators: orientation attended by the first day of school, or within
    the grace days of a later hire date (603 CMR 7.12(2)(a); 7.13)."""
    year, _ = ensure_year(session, year_label)
    today = today or dt.date.today()
    met: dict[uuid.UUID, dt.date] = {}
    for h in held_occurrences(session, year, kinds=["orientation"], today=today):
        for person in h.present:
            met.setdefault(person, h.date)
    return _deadline_status(session, year, ("beginning", "incoming"), met, today)


def team_meeting_status(session: Session, year_label: str, today: dt.date | None = None) -> list[DeadlineStatus]:
    """Beginning educators: the support team met them before the first day (004), or within the
    grace days of a later hire. A held support-team meeting about them, with them present."""
    year, _ = ensure_year(session, year_label)
    today = today or dt.date.today()
    met: dict[uuid.UUID, dt.date] = {}
    for h in held_occurrences(session, year, kinds=["support_team"], today=today):
        for person in h.present:
            if h.mentee_id is None or h.mentee_id == person:
                met.setdefault(person, h.date)
    return _deadline_status(session, year, ("beginning",), met, today)


def _deadline_card(key: str, title: str, citation: str, statuses: list[DeadlineStatus], what: str):  # type: ignore[no-untyped-def]
    from app.services.attention import AttentionCard, AttentionItem

    waiting = [s for s in statuses if s.state in ("due", "overdue")]
    items = [AttentionItem(s.text, s.educator_id, s.state == "overdue") for s in waiting]
    if not statuses:
        return None
    if not waiting:
        summary = f"All {len(statuses)} {what}."
    else:
        overdue = sum(1 for s in waiting if s.state == "overdue")
        summary = f"{len(waiting)} of {len(statuses)} not yet" + (f"; {overdue} past the deadline" if overdue else "")
    return AttentionCard(key, title, citation, items, summary, "schedule")


def orientation_card(session: Session, year_label: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    return _deadline_card("orientation", "Orientation not yet attended", CITE_ORIENTATION,
                          orientation_status(session, year_label, today),
                          "beginning and incoming educators attended orientation")


def team_meeting_card(session: Session, year_label: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    return _deadline_card("support_team_met", "Support team has not met the beginning educator", CITE_TEAM_MEETS,
                          team_meeting_status(session, year_label, today),
                          "beginning educators met their support team")


def team_complete_card(session: Session, year_label: str):  # type: ignore[no-untyped-def]
    """Each beginning educator's support team: a mentor, an administrator who evaluates, and the
    evaluator is not the mentor (603 CMR 7.12(2)(c); 7.13; 004)."""
    from app.services.attention import AttentionCard, AttentionItem
    from app.services.matching import support_teams

    year, _ = ensure_year(session, year_label)
    rows = _enrolled(session, year, ("beginning",))
    rows = [r for r in rows if on_staff_at_start(r.exit_date, year)]
    if not rows:
        return None
    teams = support_teams.teams(session, year.label, [r.id for r in rows])
    items = []
    for row in sorted(rows, key=lambda r: (r.last_name, r.first_name)):
        missing = support_teams.problems(teams.get(row.id, []))
        if missing:
            where = f" ({row.name})" if row.name else ""
            items.append(AttentionItem(f"{row.first_name} {row.last_name}{where}: {'; '.join(missing)}", row.id,
                                       dt.date.today() > year.first_day + dt.timedelta(days=14)))
    summary = (f"All {len(rows)} beginning educators have a complete support team." if not items
               else f"{len(items)} of {len(rows)} support teams incomplete")
    return AttentionCard("support_team_complete", "Support teams incomplete", support_teams.CITE_TEAM, items, summary,
                         "schedule")


