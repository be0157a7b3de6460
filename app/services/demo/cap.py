"""Demo CAP data (issue 8, item 10): a sponsoring organization and 10 to 20 candidates at different steps of
the cycle, mostly under the edition in force for the demo year, a few on the edition before it.
Deterministic from the demo seed and the day it is built.

Dates are relative to today: a candidate is only as far along as the time since the practicum started
allows, so nothing held (an observation, a meeting, hours) is dated after today. In a past school year
"today" is the year's last day; in the current year a practicum that could not have got that far yet
starts earlier (never before the first day of school) or is less far along."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import Educator, SchoolYear
from app.services import cap
from app.services.cap import literacy as cap_literacy
from app.services.cap import rubrics as cap_rubrics
from app.services.cap import supervisors as sp_pool
from app.services.vocabulary import parse_grades
from app.services.years import parse_label

FIRST = ["Ava", "Liam", "Sofia", "Noah", "Maya", "Ethan", "Zoe", "Lucas", "Priya", "Mateo", "Grace", "Omar",
         "Chloe", "Daniel", "Isabel", "Kevin", "Nadia", "Samuel", "Hana", "Diego"]
LAST = ["Bennett", "Cruz", "Dubois", "Evans", "Fischer", "Garcia", "Huang", "Ibrahim", "Jensen", "Kowalski",
        "Larsen", "Moreau", "Nguyen", "Okafor", "Patel", "Quinn", "Rossi", "Santos", "Tanaka", "Vargas"]
LICENSES = [("Elementary", "1-6"), ("Early Childhood", "PreK-2"), ("Mathematics", "8-12"), ("English", "5-12"),
            ("Moderate Disabilities", "PreK-8"), ("Biology", "8-12"), ("History", "5-12"), ("ESL", "PreK-6")]
NOTES = ["Clear objective posted and revisited at the close.", "Checked for understanding with whiteboards; "
         "regrouped three students.", "Routines for materials ran without prompting.",
         "Questions pushed students to justify answers.", "Reflected on the exit-ticket data in the debrief."]
SIZES = {"small": 12, "district": 16, "large": 20}
# The demo's one SP placed before finishing SP training (recorded only where a check is not met)
OVERRIDE = ("The only teacher at the school with the candidate's license; SP training is booked for October and "
            "the program supervisor visits weekly until then.")


# The cycle as the demo runs it: observations (kind, observer, week), how many are held at each progress
# level (0 = just placed ... 6 = summative complete), and how many weekdays of hours are logged.
PLAN = [("announced", "sp", 5), ("announced", "ps", 6), ("unannounced", "sp", 7), ("unannounced", "sp", 10),
        ("announced", "ps", 12)]
HELD_AT = {2: 1, 3: 3, 4: 4, 5: 5, 6: 5}
HOUR_DAYS = {0: 3, 1: 10, 2: 25, 3: 40, 4: 50, 5: 65, 6: 72}
WEEKS = 15
JITTER = 3  # an observation falls 0 to 3 days into its week


def _weekday(n: int) -> int:
    """Days from the start to the n-th weekday after it (weekends skipped)."""
    return n + n // 5 * 2


def needed_days(progress: int) -> int:
    """Days from the practicum's start to the last thing done at a progress level."""
    last = _weekday(HOUR_DAYS[progress] - 1)
    if progress >= 1:
        last = max(last, 14)  # step 1, week 2
    if progress >= 2:
        last = max(last, 28)  # the step 2 meeting, week 4
    for _kind, _who, week in PLAN[:HELD_AT.get(progress, 0)]:
        last = max(last, week * 7 + JITTER + 1)  # the post-conference the day after
    if progress >= 4:
        last = max(last, 8 * 7 + 2, 9 * 7)  # the formative meeting; the student feedback survey
    if progress >= 6:
        last = max(last, WEEKS * 7 - 2)  # the summative meeting
    return last


def schedule(intended: dt.date, progress: int, first_day: dt.date, today: dt.date) -> tuple[dt.date, int]:
    """(start, progress): the intended start if the progress fits before today, else an earlier start (not
    before the first day of school), else less progress. A candidate just placed keeps the intended start
    (a spring practicum may not have begun)."""
    for level in range(progress, 0, -1):
        start = min(intended, today - dt.timedelta(days=needed_days(level)))
        if start >= first_day:
            return start, level
    return max(intended, first_day), 0


def _today() -> dt.date:
    return dt.date.today()


def extend_demo(session: Session, demo) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(f"cap-{demo.seed}")
    start_year = parse_label(demo.year_label)
    year = session.scalars(select(SchoolYear).where(SchoolYear.label == demo.year_label)).one()
    today = min(_today(), year.window_end)
    current = cap_rubrics.edition_for_year(demo.year_label)
    older = max((e for e in cap_rubrics.editions().values() if e.applies_from < current.applies_from),
                key=lambda e: e.applies_from, default=current)
    # A few on the edition before, only while it may still be used: in force this year, or just ended
    # (last year's cohort finishing under it, with the reason recorded). Never an edition two years gone
    # (the 2019 edition ends with 2024-25: not in 2026-27).
    previous_year = f"{start_year - 1}-{start_year}"
    older_reason = None
    if not older.in_force(demo.year_label):
        if older.applies_until == previous_year:
            older_reason = (f"the program's {previous_year} cohort finishes under the {older.edition} guidelines "
                            f"(transition year)")
        else:
            older = current
    sps = list(session.scalars(select(Educator).where(
        Educator.role == "teacher", Educator.years_experience >= 3, Educator.license_type.in_(("Initial", "Professional")),
        Educator.last_rating.in_(("Proficient", "Exemplary")), Educator.exit_date.is_(None),
        or_(Educator.hire_date.is_(None), Educator.hire_date <= year.first_day)).order_by(Educator.employee_id)))
    if not sps:
        return
    org = cap.ensure_organization(session, "Commonwealth State University", org_code="CSU",
                                  contact_email="fieldplacement@csu.example.edu")
    supervisors = ["Dr. Helen Park", "Prof. James O'Neil", "Dr. Rosa Delgado"]
    count = SIZES.get(demo.size, 12)
    chosen_sps = rng.sample(sps, min(len(sps), count))
    # the SP pool (603 CMR 7.02; 001): each SP recommended by their principal, interested, trained by the
    # program; the last one's training is still to come, so that placement needs (and has) an override
    principals = {e.school_id: e.full_name for e in session.scalars(
        select(Educator).where(Educator.role == "administrator", Educator.position == "Principal"))}
    spring = dt.date(start_year, 4, 1)
    for n, sp in enumerate(chosen_sps):
        sp_pool.record_recommendation(session, demo.year_label, sp.id,
                                      recommended_by=principals.get(sp.school_id, "the building principal"),
                                      recommended_on=spring + dt.timedelta(days=3 * n))
        sp_pool.record_interest(session, demo.year_label, sp.id, recorded_on=spring - dt.timedelta(days=14))
        last = n == len(chosen_sps) - 1 and len(chosen_sps) > 1
        trained = None if last else min(today, dt.date(start_year, 6, 24))
        sp_pool.add_sp_training(session, sp.id, completed_on=trained, provider="Commonwealth State University",
                                hours=(6, 8, 12)[n % 3], notes="enrolled in the October session" if last else None)
    for i in range(count):
        field, grades = LICENSES[i % len(LICENSES)]
        fall = i % 2 == 0
        intended = dt.date(start_year, 9, 8) if fall else dt.date(start_year + 1, 1, 20)
        start, progress = schedule(intended, i % 7, year.first_day, today)
        end = start + dt.timedelta(weeks=WEEKS)
        edition = older.edition if i % 6 == 5 else current.edition  # a few on the older edition
        candidate = cap.add_candidate(session, organization=org, first_name=FIRST[i], last_name=LAST[i],
                                      program=f"{field} (Initial licensure)", license_field=field,
                                      license_grades=grades, practicum_start=start, practicum_end=end,
                                      candidate_number=f"CSU-{start_year % 100:02d}{i + 1:03d}",
                                      email=f"{FIRST[i].lower()}.{LAST[i].lower()}@csu.example.edu")
        sp = chosen_sps[i % len(chosen_sps)]
        grade = rng.choice(parse_grades(grades))  # the placement's classroom, within the license's grades
        placement = cap.add_placement(session, candidate, sp=sp, ps_name=supervisors[i % 3],
                                      ps_email=f"supervisor{i % 3 + 1}@csu.example.edu", grade=grade,
                                      subject=field, edition=edition, year_label=demo.year_label,
                                      sp_override_reason=OVERRIDE,
                                      edition_reason=older_reason if edition != current.edition else None)
        _progress(session, placement.id, start, end, progress=progress, rng=rng, grade=grade, today=today)
    demo.counts["CAP candidates"] = count


def _progress(session: Session, placement_id, start: dt.date, end: dt.date, *, progress: int,  # type: ignore[no-untyped-def]
              rng: random.Random, grade: str, today: dt.date) -> None:
    """Run the cycle as far as `progress` (0 = just placed ... 6 = summative complete); `schedule` made
    sure that far fits before `today`."""
    rubric = cap.edition_of(session, placement_id)
    codes = [e.code for e in rubric.elements]
    levels = rubric.rating_levels
    low, good, top = levels[1], levels[-2], levels[-1]  # Needs Improvement, Proficient, Exemplary
    week = lambda n: start + dt.timedelta(weeks=n)  # noqa: E731
    literacy = cap_literacy.form()
    early = cap.early_literacy_required(session, placement_id)
    summary = cap.summary(session, placement_id, today)
    if progress >= 1:
        cap.complete_step(session, placement_id, 1, week(2))
    if progress >= 2:
        cap.set_goals(session, placement_id, professional_practice="Use checks for understanding in every lesson "
                      "and adjust the next day's plan.", student_learning="80% of students reach the unit's target.")
        cap.record_meeting(session, placement_id, 2, week(4))
    held = HELD_AT.get(progress, 0)
    for n, (kind, who, wk) in enumerate(PLAN):
        if n > held:  # the held ones, then the next one planned
            continue
        status = "feedback_given" if n < held else "planned"
        day = week(wk) + dt.timedelta(days=rng.randint(0, JITTER))
        if status == "planned" and day <= today < end:
            day = today + dt.timedelta(days=2)  # a plan is for the days ahead
        focus = rng.sample(codes, 2)
        literacy_form = early and n == 1 and status != "planned"  # the PS's announced visit
        look_fors: list[str] = []
        if literacy_form:
            focus = [literacy.element_code(c, rubric.edition) for c in literacy.elements]
            focus = [c for c in focus if c in codes]
            band = literacy.band_for(grade, summary.license_field, summary.license_sought[len(summary.license_field):])
            look_fors = [item.id for item in rng.sample(band.look_fors, min(4, len(band.look_fors)))]
        obs = cap.add_observation(session, placement_id, kind=kind, observer=who, observed_on=day,
                                  minutes=rng.choice((40, 45, 50, 60)), focus=focus, status=status,
                                  pre_conference_on=day - dt.timedelta(days=1) if kind == "announced" else None,
                                  post_conference_on=day + dt.timedelta(days=1) if status != "planned" else None,
                                  early_literacy=literacy_form, look_fors=look_fors,
                                  reinforcement="Warm, consistent routines." if status != "planned" else None,
                                  refinement="Plan for early finishers." if status != "planned" else None,
                                  today=today)  # the demo's today: nothing held after it
        if status != "planned":
            cap.save_observation_evidence(session, obs, {c: rng.choice(NOTES) for c in focus})
    if progress >= 3:
        cap.start_step(session, placement_id, 3)
    if progress >= 4:
        for code in codes:
            q = rng.choice((low, good))
            cap.set_rating(session, placement_id, stage="formative", rater="sp", element_code=code,
                           quality=q, scope=low, consistency=low)
            cap.set_rating(session, placement_id, stage="formative", rater="ps", element_code=code,
                           quality=rng.choice((low, good)), scope=low, consistency=rng.choice((low, good)))
            cap.set_rating(session, placement_id, stage="formative", rater="joint", element_code=code,
                           quality=q, scope=low, consistency=low)
        cap.complete_step(session, placement_id, 3, week(8))
        cap.record_meeting(session, placement_id, 4, week(8) + dt.timedelta(days=2))
        cap.add_evidence(session, placement_id, element_code=codes[-1], category="goal_progress",
                         note="Exit tickets: 64% at the unit target in week 6, 78% in week 8.",
                         collected_on=week(8))
    if progress >= 5:
        struggling = rng.random() < 0.25
        for n, code in enumerate(codes):
            q = low if struggling and n == 0 else rng.choice((good, good, top))
            cap.set_rating(session, placement_id, stage="summative", rater="joint", element_code=code, quality=q,
                           scope=rng.choice((low, good)), consistency=rng.choice((low, good)))
    if progress >= 6:
        cap.record_meeting(session, placement_id, 5, end - dt.timedelta(days=2))
    for d in range(HOUR_DAYS[progress]):
        day = start + dt.timedelta(days=_weekday(d))  # weekdays only
        if day > today:
            break
        cap.log_hours(session, placement_id, day, rng.choice((300, 330, 360)), full_responsibility=d >= 50)
    if progress >= 4:
        instrument = cap.survey_instrument_for(grade)  # by the placement's grade: K-2 protocol, 3-5, 6-12
        cap.record_survey(session, placement_id, instrument=instrument,
                          given_on=week(9), respondents=rng.randint(18, 28),
                          summary={"My teacher explains things clearly (% favorable)": rng.randint(65, 95),
                                   "I feel safe in this class (% favorable)": rng.randint(70, 98)})
