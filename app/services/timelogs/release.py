"""Release time on the dashboard: pairs with none logged this year when the district promises it.

603 CMR 7.12(2)(d): "release time for mentor and beginning teacher" is a required component of an
induction program; a district's policy says how much (004, the mentor and beginning-teacher supports).
The totals come from services/timelogs/hours.py (release_minutes_by_pair), the one place they are computed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models.timelogs import TimeLog
from app.models.vocab import RELEASE_CODES
from app.services import settings
from app.services.timelogs import hours as hours_service
from app.services.timelogs.logs import PairOption, pair_options
from app.services.vocabulary import hours_of
from app.services.years import ensure_year

CITATION = "603 CMR 7.12(2)(d): release time for mentor and beginning teacher is a required component"


def pairs_without_release(session: Session, year_label: str, *, today: dt.date | None = None
                          ) -> tuple[list[PairOption], int]:
    """Pairs active today (started, not ended) with no entry this school year that used release time,
    and how many active pairs were checked."""
    year, _ = ensure_year(session, year_label)
    today = today or dt.date.today()
    released = hours_service.release_minutes_by_pair(session, year.window_start, year.window_end)
    active = [p for p in pair_options(session, year_label) if p.start <= today <= p.end]
    missing = sorted((p for p in active if not released.get(p.assignment_id)), key=lambda p: (p.mentee, p.mentor))
    return missing, len(active)


def release_card(session: Session, year_label: str, *, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Dashboard card, shown only when the district's policy promises release time (setting
    `release_time_promised`, default on) and some pair is active today."""
    from app.services.attention import AttentionCard, AttentionItem

    if not settings.get(session, "release_time_promised"):
        return None
    missing, checked = pairs_without_release(session, year_label, today=today)
    if not checked:
        return None
    items = [AttentionItem(f"{p.mentee} and {p.mentor}" + (f" ({p.school})" if p.school else "")
                           + ": no release time logged", p.mentee_id) for p in missing]
    summary = (f"{len(missing)} of {checked} active {'pair has' if checked == 1 else 'pairs have'} no release time "
               "logged this year" if missing else "Every active pair has logged release time this year")
    return AttentionCard("release_time", "Pairs with no release time this year", CITATION, items, summary, "timelogs")


# --- the Time Logs page's release totals: per mentor, per mentee, and by whom each session freed ---------


@dataclass(frozen=True)
class ReleasePerson:
    educator_id: uuid.UUID
    employee_id: str
    name: str
    school: str
    role: str  # "mentor" | "mentee"
    minutes: int

    @property
    def hours(self) -> float:
        return hours_of(self.minutes)


@dataclass(frozen=True)
class ReleaseTotals:
    """A school year's release time (603 CMR 7.12(2)(d)): minutes that freed mentors and mentees (from
    hours.py, the one computation), and sessions by whom they freed (a group session once)."""

    people: list[ReleasePerson]
    sessions: dict[str, int]  # mentor | mentee | both -> sessions
    session_minutes: dict[str, int]  # mentor | mentee | both -> minutes of those sessions

    def minutes_of(self, role: str) -> int:
        return sum(p.minutes for p in self.people if p.role == role)


def release_totals(session: Session, year_label: str) -> ReleaseTotals:
    year, _ = ensure_year(session, year_label)
    mentors = [ReleasePerson(m.educator_id, m.employee_id, m.name, m.school, "mentor", m.release_minutes)
               for m in hours_service.mentor_release(session, year_label) if m.release_minutes]
    mentees = [ReleasePerson(h.educator_id, h.employee_id, h.name, h.school, "mentee", h.release_minutes)
               for h in hours_service.educator_hours(session, year_label) if h.release_minutes]
    sessions = dict.fromkeys(RELEASE_CODES, 0)
    minutes = dict.fromkeys(RELEASE_CODES, 0)
    key = func.coalesce(TimeLog.group_id, TimeLog.id)
    for code, _session, longest in session.execute(
            select(TimeLog.release_time, key, func.max(TimeLog.minutes))
            .where(TimeLog.date >= year.window_start, TimeLog.date <= year.window_end, TimeLog.deleted_at.is_(None),
                   TimeLog.release_time.is_not(None))
            .group_by(TimeLog.release_time, key)):
        if code in sessions:
            sessions[code] += 1
            minutes[code] += int(longest or 0)
    return ReleaseTotals(sorted(mentors + mentees, key=lambda p: (p.role, p.name.split()[-1].lower(), p.name.lower())),
                         sessions, minutes)
