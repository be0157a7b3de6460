"""Demo extension: mentoring time logs for the pairs the matching extension made.

Each pair logs one to three sessions a week (the large district about six, so it holds
about 200,000 entries over a full year), from the assignment's start until its end, the end of the
year or today, whichever comes first (entries are never in the future). Mentors with several
mentees hold a group session now and then. Some entries carry notes, so the confidentiality checks
have something to hide. With no pairs in the year, nothing is logged. Deterministic from demo.rng.

`extend_past_induction` (run after every other extension) adds a few teachers past their induction
year, so the 50 hours beyond it (603 CMR 7.04(2)(c)(4)) have something to show: second- and third-year
teachers on an Initial license, enrolled as beginning in the year they were hired, mentored then
(hours that do not count toward the 50), and still meeting a mentor since, more lightly (hours that
do). Their mentor changes after the induction year, so the hours follow the educator across mentors.
It draws from its own generator, so the rest of the demo is the same with or without it.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from app.models import Assignment, Educator, InductionEnrollment, MentorProfile, derived_id
from app.models.base import utcnow
from app.models.timelogs import TimeLog, TimeLogGroup
from app.services.timelogs.logs import DEFAULT_TOPICS, computer_name
from app.services.years import ensure_year, find_year, label_for, parse_label

# Activities in rough proportion to what mentors report (004, Core Mentoring Activities).
ACTIVITY_WEIGHTS = (("meeting", 22), ("planning", 18), ("observed_mentee", 14), ("post_conference", 10),
                    ("pre_conference", 8), ("mentee_observed", 7), ("co_teaching", 6), ("data_analysis", 5),
                    ("goal_setting", 4), ("video_analysis", 3), ("other", 3))
MINUTES = (15, 20, 30, 30, 45, 45, 45, 60, 60, 90)
NOTES = ("Talked through a hard week; follow up Friday.", "Wants feedback on pacing before the observation.",
         "Shared worries about the evaluation; kept between us.", "Parent email drafted together.")
PER_WEEK = {"small": (1, 3), "district": (1, 3), "large": (4, 8)}
# Teachers past the induction year, per size: (second-year, third-year).
PAST_INDUCTION = {"small": (1, 1), "district": (4, 4), "large": (12, 12)}
LIGHTER_MINUTES = (20, 30, 30, 45, 45, 60)  # after the induction year: shorter, about every other week


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
    # through the unit of work would take minutes. User edits always go through services/timelogs/logs.py.
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
            "activity": activity, "topics": topics, "release_time": _release(rng.random()),
            "notes": rng.choice(NOTES) if rng.random() < 0.15 else None, "entered_by": actor, "computer": computer,
            "created_at": now, "updated_at": now, "version": 1, "updated_by": actor}


def _release(draw: float) -> str | None:
    """About 3 in 10 sessions use release time (one draw, as before whom it freed was recorded): half for
    both, the rest for the mentor or the mentee alone (603 CMR 7.12(2)(d))."""
    if draw >= 0.3:
        return None
    return "both" if draw < 0.15 else "mentor" if draw < 0.22 else "mentee"


def extend_past_induction(session: Session, demo) -> None:  # type: ignore[no-untyped-def]
    """Second- and third-year teachers with mentoring hours from earlier years (module docstring)."""
    year = find_year(session, demo.year_label)
    if year is None:
        return
    rng = random.Random(f"past-induction:{demo.seed}")
    today = dt.date.today()
    start_year = parse_label(year.label)
    enrolled = set(session.scalars(select(InductionEnrollment.educator_id)))
    teachers = sorted(session.scalars(select(Educator).where(
        Educator.role == "teacher", Educator.license_type == "Initial", Educator.exit_date.is_(None),
        Educator.school_id.is_not(None), Educator.hire_date.is_not(None))), key=lambda e: e.employee_id)
    trained = [e for e in session.scalars(select(Educator).where(
        Educator.role == "teacher", Educator.mentor_trained_on.is_not(None), Educator.exit_date.is_(None)))]
    trained.sort(key=lambda e: e.employee_id)
    # Mentors with room this year (an assignment counts until it ends), for the current year's pairs.
    load: dict[uuid.UUID, int] = defaultdict(int)
    for a in session.scalars(select(Assignment).where(Assignment.school_year_id == year.id)):
        if a.end_date is None or a.end_date >= min(today, year.window_end):
            load[a.mentor_id] += 1
    room = {p.educator_id: p.capacity - load[p.educator_id] for p in session.scalars(
        select(MentorProfile).where(MentorProfile.school_year_id == year.id, MentorProfile.status == "active",
                                    MentorProfile.willing.is_(True)))}
    actor, computer, now = "demo", computer_name(), utcnow()
    rows: list[dict] = []
    added = 0
    for years_after, wanted in enumerate(PAST_INDUCTION.get(demo.size, (0, 0)), start=1):
        hired_in = f"{start_year - years_after}-{start_year - years_after + 1}"
        pool = [t for t in teachers if t.id not in enrolled and label_for(t.hire_date) == hired_in]
        chosen = 0
        for teacher in rng.sample(pool, len(pool)):
            if chosen == wanted:
                break
            mentors = _mentors_for(teacher, trained, room, rng, years_after)
            if mentors is None:
                continue
            chosen += 1
            # The induction year (enrolled as beginning, year 1), then each year since, to this one.
            for offset in range(years_after + 1):
                label = f"{start_year - years_after + offset}-{start_year - years_after + offset + 1}"
                y, _ = ensure_year(session, label)
                if offset == 0:
                    session.add(InductionEnrollment(id=derived_id("enrollment", f"{teacher.employee_id}:{label}"),
                                                    educator_id=teacher.id, school_year_id=y.id, status="beginning",
                                                    induction_year=1))
                start = max(teacher.hire_date, y.first_day) if offset == 0 else y.first_day
                # Each year's pair ends with its year: the support continues year by year.
                a = Assignment(id=uuid.UUID(int=rng.getrandbits(128), version=4), mentor_id=mentors[offset].id,
                               mentee_id=teacher.id, school_year_id=y.id, start_date=start, end_date=y.window_end)
                session.add(a)
                end = min(y.window_end, y.last_day, today)
                week = start - dt.timedelta(days=start.weekday())
                while week <= end:
                    sessions = rng.randint(1, 2) if offset == 0 else int(rng.random() < 0.55)
                    for _ in range(sessions):
                        day = week + dt.timedelta(days=rng.randint(0, 4))
                        if start <= day <= end:
                            minutes = rng.choice(MINUTES if offset == 0 else LIGHTER_MINUTES)
                            activity = rng.choice([c for c, w in ACTIVITY_WEIGHTS for _ in range(w)])
                            rows.append(_row(a, day, minutes, activity, rng, actor, computer, now))
                    week += dt.timedelta(weeks=1)
            room[mentors[-1].id] = room.get(mentors[-1].id, 0) - 1
            enrolled.add(teacher.id)
            added += 1
    session.flush()
    for start in range(0, len(rows), 20_000):
        session.execute(insert(TimeLog), rows[start:start + 20_000])
    demo.counts["time_logs"] = demo.counts.get("time_logs", 0) + len(rows)
    demo.counts["teachers past the induction year"] = added


def _mentors_for(teacher: Educator, trained: list[Educator], room: dict[uuid.UUID, int], rng: random.Random,
                 years_after: int) -> list[Educator] | None:
    """A mentor for each year from the induction year to this one: someone in the teacher's school
    for the induction year, another one after it (the hours follow the educator, not the pair), and
    this year a mentor in the pool with room (the last year's mentor when they have room)."""
    here = [m for m in trained if m.school_id == teacher.school_id and m.id != teacher.id]
    if len(here) < 2 or not any(room.get(m.id, 0) > 0 for m in here):
        here = [m for m in trained if m.id != teacher.id]  # a small school: a mentor from another building
    first = rng.choice(here)
    later = rng.choice([m for m in here if m.id != first.id])
    chosen = [first] + [later] * years_after
    if room.get(later.id, 0) <= 0:
        free = [m for m in here if room.get(m.id, 0) > 0 and m.id != first.id]
        if not free:
            return None
        chosen[-1] = rng.choice(free)
    return chosen
