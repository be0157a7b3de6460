"""CAP observations and their dates: nothing held in the future, nothing before the practicum, an
announced observation held without its pre-conference flagged, post-conferences per the edition.

DOMAIN.md, "CAP in detail": "Observations (2016/2019): at least four, two announced and two unannounced
... Announced observations have a pre- and a post-observation conference." 001, "Supervising
Practitioner Job Description: SAMPLE": "Conduct at least three observations, including pre- and
post-observation conferences". The edition files say which kinds need which conference
(`pre_conference_for`: announced; `post_conference_for`: announced and unannounced).
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import ValidationError
from app.services import cap
from app.services.cap import rubrics
from tests.cap_fixtures import END, START, make_candidate, make_world

D = dt.date
TODAY = D(2026, 3, 10)


@pytest.fixture
def placement(session):  # type: ignore[no-untyped-def]
    _, sp, _, org = make_world(session)
    _, placement = make_candidate(session, org, sp)
    assert (placement.start_date, placement.end_date) == (START, END)  # 20 January to 8 May 2026
    return placement


def observe(session, placement, day, status="held", kind="announced", **kw):  # type: ignore[no-untyped-def]
    return cap.add_observation(session, placement.id, kind=kind, observer="sp", observed_on=day, status=status,
                               today=TODAY, **kw)


@pytest.mark.parametrize(("day", "refused"), [
    (TODAY - dt.timedelta(days=1), False),
    (TODAY, False),  # held today
    (TODAY + dt.timedelta(days=1), True),  # tomorrow cannot have been held
])
@pytest.mark.parametrize("status", ["held", "feedback_given"])
def test_an_observation_in_the_future_cannot_be_held(session, placement, day, refused, status):
    if refused:
        with pytest.raises(ValidationError) as caught:
            observe(session, placement, day, status, pre_conference_on=day)
        assert caught.value.problems[0].field == "status" and "plan it instead" in caught.value.problems[0].reason
        observe(session, placement, day, "planned")  # planned, it is fine
    else:
        observe(session, placement, day, status, pre_conference_on=day)


@pytest.mark.parametrize(("day", "refused"), [
    (START - dt.timedelta(days=1), True),  # the day before the practicum starts
    (START, False),
    (START + dt.timedelta(days=1), False),
])
@pytest.mark.parametrize("status", ["planned", "held"])
def test_an_observation_before_the_practicum_is_refused(session, placement, day, refused, status):
    if refused:
        with pytest.raises(ValidationError) as caught:
            observe(session, placement, day, status)
        assert caught.value.problems[0].field == "observed_on"
        assert "before the practicum starts (20 January)" in caught.value.problems[0].reason
    else:
        observe(session, placement, day, status)


def test_editing_an_observation_checks_the_same_dates(session, placement):
    from app.services.cap.observation import update_observation

    obs = observe(session, placement, TODAY + dt.timedelta(days=3), "planned")
    with pytest.raises(ValidationError):
        update_observation(session, obs, status="held", today=TODAY)
    with pytest.raises(ValidationError):
        update_observation(session, obs, observed_on=START - dt.timedelta(days=1), today=TODAY)
    update_observation(session, obs, status="held", observed_on=TODAY, pre_conference_on=TODAY, today=TODAY)


def test_conferences_in_the_wrong_order_are_refused(session, placement):
    day = D(2026, 3, 3)
    with pytest.raises(ValidationError) as caught:
        observe(session, placement, day, pre_conference_on=day + dt.timedelta(days=1))
    assert caught.value.problems[0].field == "pre_conference_on"
    with pytest.raises(ValidationError) as caught:
        observe(session, placement, day, pre_conference_on=day, post_conference_on=day - dt.timedelta(days=1))
    assert caught.value.problems[0].field == "post_conference_on"
    observe(session, placement, day, pre_conference_on=day, post_conference_on=day)  # the same day is fine


def test_a_held_announced_observation_without_a_pre_conference_is_flagged(session, placement):
    observe(session, placement, D(2026, 3, 3), "held", post_conference_on=D(2026, 3, 4))
    observe(session, placement, D(2026, 3, 5), "held", kind="unannounced", post_conference_on=D(2026, 3, 5))
    owed = cap.summary(session, placement.id, today=TODAY).owed
    assert "the 3/3/2026 announced observation was held without a pre-conference" in owed
    assert not any("3/5/2026" in o for o in owed)  # an unannounced observation has no pre-conference


def test_post_conferences_follow_the_edition(session, placement):
    """Every edition file asks a post-conference after announced and unannounced observations alike."""
    for edition in ("2016", "2019", "2024"):
        assert rubrics.get(edition).pre_conference_for == ("announced",)
        assert set(rubrics.get(edition).post_conference_for) == {"announced", "unannounced"}
    observe(session, placement, D(2026, 3, 3), "held", kind="unannounced")
    owed = cap.summary(session, placement.id, today=TODAY).owed
    assert "the post-conference of the 3/3/2026 observation" in owed
