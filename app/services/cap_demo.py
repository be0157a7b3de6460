"""Demo CAP data (issue 8, item 10): a sponsoring organization and 10 to 20 candidates at different steps of
the cycle, mostly under the edition in force for the demo year, a few on the edition before it.
Deterministic from the demo seed."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator
from app.services import cap, cap_rubrics
from app.services.years import parse_label

FIRST = ["Ava", "Liam", "Sofia", "Noah", "Maya", "Ethan", "Zoe", "Lucas", "Priya", "Mateo", "Grace", "Omar",
         "Chloe", "Daniel", "Isabel", "Kevin", "Nadia", "Samuel", "Hana", "Diego"]
LAST = ["Bennett", "Cruz", "Dubois", "Evans", "Fischer", "Garcia", "Huang", "Ibrahim", "Jensen", "Kowalski",
        "Larsen", "Moreau", "Nguyen", "Okafor", "Patel", "Quinn", "Rossi", "Santos", "Tanaka", "Vargas"]
LICENSES = [("Elementary", "1-6"), ("Early Childhood", "PreK-2"), ("Mathematics", "8-12"), ("English", "5-12"),
            ("Moderate Disabilities", "PreK-8"), ("Biology", "8-12"), ("History", "5-12"), ("ESL", "PreK-6")]
LEVELS = ["Unsatisfactory", "Needs Improvement", "Proficient", "Exemplary"]
NOTES = ["Clear objective posted and revisited at the close.", "Checked for understanding with whiteboards; "
         "regrouped three students.", "Routines for materials ran without prompting.",
         "Questions pushed students to justify answers.", "Reflected on the exit-ticket data in the debrief."]
SIZES = {"small": 12, "district": 16, "large": 20}


def extend_demo(session: Session, demo) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(f"cap-{demo.seed}")
    start_year = parse_label(demo.year_label)
    current = cap_rubrics.edition_for_year(demo.year_label)
    older = max((e for e in cap_rubrics.editions().values() if e.applies_from < current.applies_from),
                key=lambda e: e.applies_from, default=current)
    sps = list(session.scalars(select(Educator).where(Educator.role == "teacher", Educator.years_experience >= 3,
                                                       Educator.last_rating.in_(("Proficient", "Exemplary")))
                               .order_by(Educator.employee_id)))
    if not sps:
        return
    org = cap.ensure_organization(session, "Commonwealth State University", org_code="CSU",
                                  contact_email="fieldplacement@csu.example.edu")
    supervisors = ["Dr. Helen Park", "Prof. James O'Neil", "Dr. Rosa Delgado"]
    count = SIZES.get(demo.size, 12)
    chosen_sps = rng.sample(sps, min(len(sps), count))
    for i in range(count):
        field, grades = LICENSES[i % len(LICENSES)]
        fall = i % 2 == 0
        start = dt.date(start_year, 9, 8) if fall else dt.date(start_year + 1, 1, 20)
        end = start + dt.timedelta(weeks=15)
        edition = older.edition if i % 6 == 5 else current.edition  # a few on the older edition
        candidate = cap.add_candidate(session, organization=org, first_name=FIRST[i], last_name=LAST[i],
                                      program=f"{field} (Initial licensure)", license_field=field,
                                      license_grades=grades, practicum_start=start, practicum_end=end,
                                      candidate_number=f"CSU-{start_year % 100:02d}{i + 1:03d}",
                                      email=f"{FIRST[i].lower()}.{LAST[i].lower()}@csu.example.edu")
        sp = chosen_sps[i % len(chosen_sps)]
        placement = cap.add_placement(session, candidate, sp=sp, ps_name=supervisors[i % 3],
                                      ps_email=f"supervisor{i % 3 + 1}@csu.example.edu", grade=grades.split("-")[0],
                                      subject=field, edition=edition, year_label=demo.year_label)
        _progress(session, placement.id, start, end, progress=i % 7, rng=rng)
    demo.counts["CAP candidates"] = count


def _progress(session: Session, placement_id, start: dt.date, end: dt.date, *, progress: int,  # type: ignore[no-untyped-def]
              rng: random.Random) -> None:
    """Run the cycle as far as `progress` (0 = just placed ... 6 = summative complete)."""
    rubric = cap.edition_of(session, placement_id)
    codes = [e.code for e in rubric.elements]
    week = lambda n: start + dt.timedelta(weeks=n)  # noqa: E731
    if progress >= 1:
        cap.complete_step(session, placement_id, 1, week(2))
    if progress >= 2:
        cap.set_goals(session, placement_id, professional_practice="Use checks for understanding in every lesson "
                      "and adjust the next day's plan.", student_learning="80% of students reach the unit's target.")
        cap.record_meeting(session, placement_id, 2, week(4))
    plan = [("announced", "sp", 5), ("announced", "ps", 6), ("unannounced", "sp", 7), ("unannounced", "sp", 10),
            ("announced", "ps", 12)]
    held = {2: 1, 3: 3, 4: 4, 5: 5, 6: 5}.get(progress, 0)
    for n, (kind, who, wk) in enumerate(plan):
        if n > held:  # the held ones, then the next one planned
            continue
        status = "feedback_given" if n < held else "planned"
        day = week(wk) + dt.timedelta(days=rng.randint(0, 3))
        focus = rng.sample(codes, 2)
        obs = cap.add_observation(session, placement_id, kind=kind, observer=who, observed_on=day,
                                  minutes=rng.choice((40, 45, 50, 60)), focus=focus, status=status,
                                  pre_conference_on=day - dt.timedelta(days=1) if kind == "announced" else None,
                                  post_conference_on=day + dt.timedelta(days=1) if status != "planned" else None,
                                  early_literacy=n == 1 and status != "planned",
                                  reinforcement="Warm, consistent routines." if status != "planned" else None,
                                  refinement="Plan for early finishers." if status != "planned" else None)
        if status != "planned":
            cap.save_observation_evidence(session, obs, {c: rng.choice(NOTES) for c in focus})
    if progress >= 3:
        cap.start_step(session, placement_id, 3)
    if progress >= 4:
        for code in codes:
            q = rng.choice(LEVELS[1:3])
            cap.set_rating(session, placement_id, stage="formative", rater="sp", element_code=code,
                           quality=q, scope="Needs Improvement", consistency="Needs Improvement")
            cap.set_rating(session, placement_id, stage="formative", rater="ps", element_code=code,
                           quality=rng.choice(LEVELS[1:3]), scope="Needs Improvement",
                           consistency=rng.choice(LEVELS[1:3]))
            cap.set_rating(session, placement_id, stage="formative", rater="joint", element_code=code,
                           quality=q, scope="Needs Improvement", consistency="Needs Improvement")
        cap.complete_step(session, placement_id, 3, week(8))
        cap.record_meeting(session, placement_id, 4, week(8) + dt.timedelta(days=2))
    if progress >= 5:
        struggling = rng.random() < 0.25
        for n, code in enumerate(codes):
            q = "Needs Improvement" if struggling and n == 0 else rng.choice(("Proficient", "Proficient", "Exemplary"))
            cap.set_rating(session, placement_id, stage="summative", rater="joint", element_code=code, quality=q,
                           scope=rng.choice(LEVELS[1:3]), consistency=rng.choice(LEVELS[1:3]))
    if progress >= 6:
        cap.record_meeting(session, placement_id, 5, end - dt.timedelta(days=2))
    days = {0: 3, 1: 10, 2: 25, 3: 40, 4: 50, 5: 65, 6: 72}[progress]
    for d in range(days):
        day = start + dt.timedelta(days=d + d // 5 * 2)  # weekdays only
        cap.log_hours(session, placement_id, day, rng.choice((300, 330, 360)), full_responsibility=d >= 50)
    if progress >= 4:
        cap.record_survey(session, placement_id, instrument="Student feedback survey, grades 6-12",
                          given_on=week(9), respondents=rng.randint(18, 28),
                          summary={"My teacher explains things clearly (% favorable)": rng.randint(65, 95),
                                   "I feel safe in this class (% favorable)": rng.randint(70, 98)})
