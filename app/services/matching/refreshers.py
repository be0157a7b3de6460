"""Mentors whose training refresher is past due: a dashboard card (the pool and proposals flag them
through eligibility.refresher_check; the setting `refresher_past_due` says flag or block).

004, "Mentor Training": "Ongoing training opportunities. These may include a refresher component for
experienced mentors who have not recently served as a mentor or may need additional training based on
new state or district initiatives."
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator, MentorProfile
from app.models.matching import MentorTraining
from app.services.matching.eligibility import CITE_REFRESHER, Rules, _day, training_state


def refresher_card(session: Session, year_label: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Dashboard card: mentors in the year's pool whose refresher date has passed (from the day after it)."""
    from app.services.attention import AttentionCard, AttentionItem
    from app.services.years import find_year

    year = find_year(session, year_label)
    if year is None:
        return None
    today = today or dt.date.today()
    trainings: dict[object, list[MentorTraining]] = defaultdict(list)
    for t in session.scalars(select(MentorTraining)):
        trainings[t.educator_id].append(t)
    items = []
    for profile, educator in session.execute(
            select(MentorProfile, Educator).join(Educator, MentorProfile.educator_id == Educator.id)
            .where(MentorProfile.school_year_id == year.id).order_by(Educator.last_name, Educator.first_name)):
        state = training_state(educator, trainings.get(educator.id, ()), profile.status)
        if state.trained_on is None or state.refresher_due is None or today <= state.refresher_due:
            continue
        where = f" ({educator.school.name})" if educator.school else ""
        items.append(AttentionItem(f"{educator.full_name}{where}: training refresher past due since "
                                   f"{_day(state.refresher_due)}", educator.id))
    if not items:
        return AttentionCard("refresher", "Mentor training refreshers", CITE_REFRESHER, [],
                             "No mentor's training refresher is past due.", "mentors")
    blocked = Rules.of(session).refresher == "block"
    summary = (f"{len(items)} mentor{'s' if len(items) != 1 else ''} past the refresher date: "
               + ("not assignable until it is recorded" if blocked else "still assignable, flagged"))
    return AttentionCard("refresher", "Mentor training refreshers past due", CITE_REFRESHER, items, summary, "mentors")
