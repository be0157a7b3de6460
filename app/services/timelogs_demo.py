"""Demo extension: mentoring time logs for the pairs the matching extension made.

Each pair logs one to three sessions a week (the large district about six, so it holds
about 200,000 entries over a full year), from the assignment's start until its end, the end of the
year or today, whichever comes first (entries are never in the future). Mentors with several
mentees hold a group session now and then. Some entries carry notes, so the confidentiality checks
have something to hide. With no pairs in the year, nothing is logged. Deterministic from demo.rng.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import Assignment
from app.models.base import utcnow
from app.models.timelogs import TimeLog, TimeLogGroup
from app.services.timelogs import DEFAULT_TOPICS, computer_name
from app.services.years import find_year

# Activities in rough proportion to what mentors report (004, Core Mentoring Activities).
ACTIVITY_WEIGHTS = (("meeting", 22), ("planning", 18), ("observed_mentee", 14), ("post_conference", 10),
                    ("pre_conference", 8), ("mentee_observed", 7), ("co_teaching", 6), ("data_analysis", 5),
                    ("goal_setting", 4), ("video_analysis", 3), ("other", 3))
MINUTES = (15, 20, 30, 30, 45, 45, 45, 60, 60, 90)
NOTES = ("Talked through a hard week; follow up Friday.", "Wants feedback on pacing before the observation.",
         "Shared worries about the evaluation; kept between us.", "Parent email drafted together.")
PER_WEEK = {"small": (1, 3), "district": (1, 3), "large": (4, 8)}


def extend_demo(session: Session, demo) -> None:  # type: ignore[no-untyped-def]
    year = find_year(session, demo.year_label)
    if year is None:
        return
    rng = demo.rng
    today = dt.date.today()
    assignments = sorted(session.scalars(select(Assignment).where(Assignment.school_year_id == year.id)),
                         key=lambda a: (a.start_date, str(a.mentee_id)))
    if not assignments:
        demo.counts["time_logs"] = 0
        return
    activities = [code for code, weight in ACTIVITY_WEIGHTS for _ in range(weight)]
    low, high = PER_WEEK.get(demo.size, (1, 3))
    actor, computer, now = "demo", computer_name(), utcnow()
    rows: list[dict] = []
    by_mentor: dict[uuid.UUID, list[Assignment]] = defaultdict(list)
    for a in assignments:
        by_mentor[a.mentor_id].append(a)
        end = min(a.end_date or year.window_end, year.last_day, today)
        week = a.start_date - dt.timedelta(days=a.start_date.weekday())
        while week <= end:
            for _ in range(rng.randint(low, high)):
                day = week + dt.timedelta(days=rng.randint(0, 4))
                if not a.start_date <= day <= end:
                    continue
                rows.append(_row(a, day, rng.choice(MINUTES), rng.choice(activities), rng, actor, computer, now))
            week += dt.timedelta(weeks=1)
    groups = []
    for mentor_id, pairs in sorted(by_mentor.items(), key=lambda kv: str(kv[0])):
        if len(pairs) < 2:
            continue
        start = max(p.start_date for p in pairs)
        end = min(min(p.end_date or year.window_end for p in pairs), year.last_day, today)
        day = start + dt.timedelta(days=14)
        day += dt.timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday
        while day <= end:  # a group session every four weeks
            if day.weekday() < 5:
                group_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                groups.append({"id": group_id, "mentor_id": mentor_id, "date": day, "title": "Peer group",
                               "created_at": now, "updated_at": now, "version": 1, "updated_by": actor})
                for p in pairs:
                    row = _row(p, day, 60, "meeting", rng, actor, computer, now)
                    row.update(group_id=group_id, notes=None)
                    rows.append(row)
            day += dt.timedelta(days=28)
    # The demo writes in bulk (ORM bulk insert, client-side defaults applied): 200,000 rows one by one
    # through the unit of work would take minutes. User edits always go through services/timelogs.py.
    if groups:
        session.execute(insert(TimeLogGroup), groups)
    for start in range(0, len(rows), 20_000):
        session.execute(insert(TimeLog), rows[start:start + 20_000])
    demo.counts["time_logs"] = len(rows)


def _row(a: Assignment, day: dt.date, minutes: int, activity: str, rng, actor: str, computer: str,  # type: ignore[no-untyped-def]
         now: dt.datetime) -> dict:
    topics = rng.sample(DEFAULT_TOPICS, rng.choice((0, 1, 1, 2)))
    return {"id": uuid.UUID(int=rng.getrandbits(128), version=4), "assignment_id": a.id, "group_id": None,
            "mentor_id": a.mentor_id, "mentee_id": a.mentee_id, "date": day, "minutes": minutes,
            "activity": activity, "topics": topics, "release_time": rng.random() < 0.3,
            "notes": rng.choice(NOTES) if rng.random() < 0.15 else None, "entered_by": actor, "computer": computer,
            "created_at": now, "updated_at": now, "version": 1, "updated_by": actor}
