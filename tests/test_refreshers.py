"""Mentor training refreshers: a mentor whose refresher is past due is flagged in the pool, in proposals
and on the dashboard, or not assignable (setting `refresher_past_due`: flag | block).

004, "Mentor Training": "Ongoing training opportunities. These may include a refresher component for
experienced mentors who have not recently served as a mentor or may need additional training based on
new state or district initiatives."
"""

from __future__ import annotations

import datetime as dt

import pytest

from app.models import Educator, InductionEnrollment, MentorProfile, School, derived_id
from app.models.matching import MentorTraining
from app.services import settings
from app.services.matching import eligibility, proposals
from app.services.matching.refreshers import refresher_card
from app.services.years import ensure_year

D = dt.date
YEAR = "2025-2026"  # first day of school 27 August 2025
DUE = D(2025, 10, 1)  # the mentor's refresher date


def person(session, eid, school, **kw):  # type: ignore[no-untyped-def]
    defaults = dict(first_name="F" + eid, last_name="L" + eid, role="teacher", license_type="Professional",
                    years_experience=10, last_rating="Proficient", hire_date=D(2012, 8, 25), subjects=["Biology"],
                    grades=["9"])
    defaults.update(kw)
    e = Educator(id=derived_id("educator", eid), employee_id=eid, school=school, **defaults)
    session.add(e)
    return e


@pytest.fixture
def pool(session):  # type: ignore[no-untyped-def]
    year, _ = ensure_year(session, YEAR)
    school = School(name="North High")
    session.add(school)
    mentor = person(session, "M", school)
    mentee = person(session, "B", school, license_type="Initial", years_experience=0, hire_date=D(2025, 8, 20))
    session.add(MentorTraining(educator=mentor, completed_on=D(2020, 6, 1), provider="District", minutes=900,
                               refresher_due=DUE))
    session.add(MentorProfile(educator=mentor, school_year=year, capacity=1, status="active"))
    session.add(InductionEnrollment(educator=mentee, school_year=year, status="beginning"))
    session.flush()
    return year


def row(session, today):  # type: ignore[no-untyped-def]
    return next(r for r in eligibility.mentor_pool(session, YEAR, today=today) if r.employee_id == "M")


@pytest.mark.parametrize(("today", "past_due"), [
    (DUE - dt.timedelta(days=1), False),  # the day before the refresher date
    (DUE, False),  # on it: not yet past due
    (DUE + dt.timedelta(days=1), True),  # the day after
])
def test_the_pool_flags_a_refresher_past_due(session, pool, today, past_due):
    r = row(session, today)
    check = next(c for c in r.checks if c.key == "refresher")
    assert check.met is (not past_due) and "004" in check.citation
    if past_due:
        assert r.status == "flagged" and r.status_text == "Eligible (refresher past due)"
        assert r.why == "training refresher past due since 10/1/2025"
    else:
        assert r.status == "eligible" and check.reason == "refresher due 10/1/2025"
    card = refresher_card(session, YEAR, today=today)
    assert [i.text for i in card.items] == (["FM LM (North High): training refresher past due since 10/1/2025"]
                                            if past_due else [])
    assert card.status == ("warning" if past_due else "ok")


def test_block_makes_the_mentor_unassignable_until_the_refresher_is_recorded(session, pool):
    late = DUE + dt.timedelta(days=1)
    settings.set_value(session, "refresher_past_due", "block")
    r = row(session, late)
    assert r.status == "ineligible" and r.why == "training refresher past due since 10/1/2025"
    proposal = proposals.propose(session, YEAR, today=late)
    assert proposal.pairs == [] and len(proposal.unmatched) == 1
    assert "after training" in proposal.unmatched[0].reason  # the refresher is all that is missing
    assert "not assignable" in refresher_card(session, YEAR, today=late).summary
    # The refresher done: a new training record, with its own next refresher date.
    session.add(MentorTraining(educator_id=derived_id("educator", "M"), completed_on=late, provider="District",
                               minutes=180, refresher_due=D(2030, 10, 1)))
    session.flush()
    assert row(session, late).status == "eligible"
    assert refresher_card(session, YEAR, today=late).items == []


def test_flag_keeps_the_mentor_in_proposals_with_the_flag(session, pool):
    late = DUE + dt.timedelta(days=1)
    proposal = proposals.propose(session, YEAR, today=late)
    assert [p.mentor.employee_id for p in proposal.pairs] == ["M"]
    assert "refresher past due" in proposal.pairs[0].flags


def test_the_setting_takes_flag_or_block_only(database):
    from app.errors import ValidationError
    from app.services.district.settings_form import save_settings

    with database.unit_of_work() as s, pytest.raises(ValidationError) as caught:
        save_settings(s, {"refresher_past_due": "warn"})
    assert "flag, block" in caught.value.problems[0].reason


def test_the_card_is_on_the_dashboard(session, pool):
    from app.services.attention import collect

    cards = {c.key: c for c in collect(session, YEAR)}
    assert cards["refresher"].citation.startswith("004")
