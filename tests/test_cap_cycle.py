"""The CAP five-step cycle's due dates, derived from the practicum's own start and end.

DOMAIN.md, "CAP in detail": "Five-step cycle: (pre-cycle) self-assessment; goal setting and plan
development; plan implementation; formative assessment; summative assessment (post-cycle). A three-way
meeting closes steps 2, 4 and 5. Typical timing in a 15-16 week practicum: weeks 1-3, 3-7, 7/8, 15/16."
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.models.cap import CapStep
from app.services import cap
from app.services.cap import rubrics
from app.services.cap.cycle import due_dates
from tests.cap_fixtures import make_candidate, make_world

D = dt.date
MONDAY = D(2025, 9, 1)


def steps_due(session, placement) -> dict[int, dt.date]:  # type: ignore[no-untyped-def]
    return dict(session.execute(select(CapStep.number, CapStep.due_on)
                                .where(CapStep.placement_id == placement.id)).all())


@pytest.mark.parametrize("edition", ["2016", "2019", "2024"])
def test_a_sixteen_week_practicum_follows_the_guidelines_weeks(session, edition):
    """16 weeks from Monday 1 September: goal setting closes at the end of week 3 (not week 7 as
    before), implementation runs to the formative at mid-practicum (week 8), the summative at the end."""
    _, sp, _, org = make_world(session)
    end = MONDAY + dt.timedelta(weeks=16, days=-3)  # Friday of week 16
    _, placement = make_candidate(session, org, sp, edition=edition, start=MONDAY, end=end, year_label="2025-2026",
                                  edition_reason=None if edition == "2024" else "every edition's cycle")
    due = steps_due(session, placement)
    week = lambda n: MONDAY + dt.timedelta(days=7 * n - 1)  # noqa: E731 - the last day of week n
    assert due == {1: week(3), 2: week(3), 3: week(8), 4: week(8), 5: end}
    assert due[2] == D(2025, 9, 21) and due[4] == D(2025, 10, 26) and due[5] == D(2025, 12, 19)
    rubric = rubrics.get(edition)
    assert [rubric.step(n)["three_way_meeting"] for n in (2, 4, 5)] == [True, True, True]


@pytest.mark.parametrize(("weeks", "goal", "formative"), [
    (15, 3, 8),  # "15-16 week practicum": formative in week 7/8, here the end of week 8 (7.5 rounded up)
    (14, 3, 7),  # the formative at week 7
    (8, 2, 4),  # a half-length practicum: everything halves
    (30, 6, 15),  # a year-long one: goal setting by week 6, formative at week 15
    (1, 1, 1),
])
def test_a_shorter_or_longer_practicum_scales(weeks, goal, formative):
    start = MONDAY
    end = start + dt.timedelta(weeks=weeks, days=-1)
    due = due_dates(start, end, rubrics.get("2024").steps)
    assert due[2] == start + dt.timedelta(days=7 * goal - 1)
    assert due[3] == due[4] == start + dt.timedelta(days=7 * formative - 1)
    assert due[5] == end
    assert due[1] <= due[2] <= due[4] <= due[5]


def test_a_practicum_that_ends_before_it_starts_is_refused(session):
    from app.errors import ValidationError

    _, sp, _, org = make_world(session)
    candidate, _ = make_candidate(session, org, sp, start=MONDAY, end=D(2025, 12, 19), year_label="2025-2026")
    with pytest.raises(ValidationError) as caught:  # a second placement given its own dates
        cap.add_placement(session, candidate, sp=sp, ps_name="Dr. Helen Park", start_date=D(2025, 10, 6),
                          end_date=D(2025, 10, 5))
    assert caught.value.problems[0].field == "end_date"


@pytest.mark.parametrize(("today", "text"), [
    (D(2025, 9, 20), "Step 1 Self-assessment: to do, due 9/21/2025"),  # the day before
    (D(2025, 9, 21), "Step 1 Self-assessment: to do, due 9/21/2025"),  # on the due date
    (D(2025, 9, 22), "Step 1 Self-assessment: to do, due 9/21/2025 (1 day overdue)"),  # the day after
])
def test_the_next_step_says_when_it_is_overdue(session, today, text):
    _, sp, _, org = make_world(session)
    _, placement = make_candidate(session, org, sp, start=MONDAY, end=D(2025, 12, 19), year_label="2025-2026")
    assert cap.summary(session, placement.id, today=today).next_due == text
