"""Demo extension: mentor training records, incentives, and matched assignments for most
beginning educators (a few left waiting, so the two-week card has something to show).
Deterministic from the demo's random generator."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator, MentorProfile, derived_id
from app.models.matching import MentorIncentive, MentorTraining
from app.services.years import find_year

PROVIDERS = ("District mentor training", "DESE-approved mentor course", "Collaborative for Educational Services",
             "University partner course")


def extend_demo(session: Session, demo) -> None:  # type: ignore[no-untyped-def]
    from app.services.matching.assignments import create_assignment
    from app.services.matching.support_teams import fill_from_assignments
    from app.services.matching.proposals import propose

    year = find_year(session, demo.year_label)
    rng = demo.rng
    profiles = session.execute(select(MentorProfile, Educator).join(Educator, MentorProfile.educator_id == Educator.id)
                               .where(MentorProfile.school_year_id == year.id)).all()
    trainings = incentives = 0
    for profile, educator in sorted(profiles, key=lambda pe: pe[1].employee_id):
        if educator.mentor_trained_on is not None:
            done = educator.mentor_trained_on
            session.add(MentorTraining(
                id=derived_id("mentor_training", f"{educator.employee_id}:{done.isoformat()}"),
                educator_id=educator.id, completed_on=done, provider=rng.choice(PROVIDERS),
                minutes=rng.choice((12, 15, 18, 24)) * 60, refresher_due=dt.date(done.year + 5, done.month, min(done.day, 28))))
            trainings += 1
        elif profile.status == "training_pending":
            session.add(MentorTraining(
                id=derived_id("mentor_training", f"{educator.employee_id}:pending"), educator_id=educator.id,
                completed_on=None, provider=PROVIDERS[0], notes="enrolled for the fall cohort"))
            trainings += 1
        if profile.willing:
            session.add(MentorIncentive(
                id=derived_id("mentor_incentive", f"{educator.employee_id}:{year.label}"), educator_id=educator.id,
                school_year_id=year.id, stipend_cents=rng.choice((100_000, 125_000, 150_000)),
                pdps=rng.choice((15, 30)), release_minutes=rng.choice((0, 600, 1200))))
            incentives += 1
    session.flush()
    proposal = propose(session, year.label, today=year.first_day - dt.timedelta(days=7))
    mentees = []
    for pair in proposal.pairs:
        if rng.random() < 0.1:  # still waiting: shows on the two-week card
            continue
        late = rng.random() < 0.08
        start = year.first_day + dt.timedelta(days=rng.randint(15, 25) if late else rng.randint(0, 9))
        create_assignment(session, year, pair.mentor.id, pair.mentee.id, start=start, fill_team=False)
        mentees.append(pair.mentee.id)
    fill_from_assignments(session, year.label, mentees)
    demo.counts.update(mentor_trainings=trainings, incentives=incentives, assignments=len(mentees))
