"""Two people edit the same CAP records (the SP and the program supervisor, or the coordinator), each
through their own connection: a save carries what its form opened, writes only what the person
changed, and a record someone else saved since is refused naming who and when ("changed by alice at
10:42"), until the person chooses to overwrite; a change the other made elsewhere stands."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services import cap
from app.errors import StaleRecordError
from app.services.versions import MISSING
from tests.cap_fixtures import make_candidate, make_world
from tests.concurrency import overlapping_saves

P, NI = "Proficient", "Needs Improvement"
CHANGED_BY_ALICE = r"was changed by alice at \d\d:\d\d"


@pytest.fixture
def placement(database):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        _school, sp, _other, org = make_world(s)
        return make_candidate(s, org, sp)[1].id


def _both(people, fn):  # type: ignore[no-untyped-def]
    """What each person's form opened (read through their own connection)."""
    opened = []
    for person in people:
        with person.read() as s:
            opened.append(fn(s))
    return opened


def _typed(loaded: cap.Loaded, **changes) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """The form's values after typing `changes` (evidence: element -> text, merged)."""
    values = dict(loaded.values)
    evidence = {**dict(values.get("evidence") or {}), **changes.pop("evidence", {})}
    return {**values, **changes, "evidence": evidence}


# --- the quick observation form --------------------------------------------------------------------


@pytest.fixture
def observation(database, placement):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        return cap.save_quick_observation(s, placement, {"kind": "announced", "observer": "sp",
                                                         "observed_on": "2026-03-03", "minutes": 45, "status": "held",
                                                         "evidence": {"I-A-1": "first note"}})


def test_observation_records_saved_since_are_refused_other_changes_merge(two_people, placement, observation):
    alice, bob = two_people
    form_a, form_b = _both(two_people, lambda s: cap.load_observation(s, observation))
    with alice.unit_of_work() as s:  # alice: 45 -> 50 minutes, and more on I-A-1
        cap.save_quick_observation(s, placement, _typed(form_a, minutes=50, evidence={"I-A-1": "first note, more"}),
                                   observation, loaded=form_a)
    with bob.read() as s:
        saved = cap.observation_values(s, observation)
    mine = _typed(form_b, refinement="wait time", evidence={"I-A-1": "bob's note"})
    with pytest.raises(StaleRecordError, match="The observation of Ana Silva on 3 March " + CHANGED_BY_ALICE), \
            bob.unit_of_work() as s:
        cap.save_quick_observation(s, placement, mine, observation, loaded=form_b)
    with pytest.raises(StaleRecordError, match="The evidence for I-A-1 in the observation of Ana Silva on 3 March "
                                               + CHANGED_BY_ALICE), bob.unit_of_work() as s:
        cap.save_quick_observation(s, placement, _typed(form_b, evidence={"I-A-1": "bob's note"}), observation,
                                   loaded=form_b)
    with bob.read() as s:
        assert cap.observation_values(s, observation) == saved  # refused: nothing written
    with bob.unit_of_work() as s:  # evidence on another element only: another record, merged
        cap.save_quick_observation(s, placement, _typed(form_b, evidence={"II-B-2": "calm routines"}), observation,
                                   loaded=form_b)
    with bob.read() as s:
        merged = cap.observation_values(s, observation)
    assert merged["minutes"] == 50 and merged["evidence"] == {"I-A-1": "first note, more", "II-B-2": "calm routines"}
    with bob.unit_of_work() as s:  # Overwrite: bob's refinement and I-A-1; alice's minutes stand
        cap.save_quick_observation(s, placement, mine, observation, loaded=form_b, overwrite=True)
    with alice.read() as s:
        now = cap.observation_values(s, observation)
        [info] = cap.observations(s, placement)
    assert (now["minutes"], now["refinement"]) == (50, "wait time")
    assert now["evidence"] == {"I-A-1": "bob's note", "II-B-2": "calm routines"}
    assert info.focus == ("I-A-1", "II-B-2")


def test_two_first_notes_on_one_element_the_second_is_asked(two_people, placement, observation):
    alice, bob = two_people
    form_a, form_b = _both(two_people, lambda s: cap.load_observation(s, observation))
    assert "evidence:IV-A-1" not in form_b.versions  # no row yet: versions.MISSING
    with alice.unit_of_work() as s:
        cap.save_quick_observation(s, placement, _typed(form_a, evidence={"IV-A-1": "alice"}), observation,
                                   loaded=form_a)
    with pytest.raises(StaleRecordError, match="IV-A-1"), bob.unit_of_work() as s:
        cap.save_quick_observation(s, placement, _typed(form_b, evidence={"IV-A-1": "bob"}), observation,
                                   loaded=form_b)


# --- the evidence editor ---------------------------------------------------------------------------


@pytest.fixture
def piece(database, placement):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        [evidence_id] = cap.save_evidence(s, placement, {"category": "artifacts", "elements": ["I-A-1"],
                                                         "collected_on": "2026-02-10", "note": "unit plan"})
    return evidence_id


def _opened_piece(s, placement_id):  # type: ignore[no-untyped-def]
    return next(item for item in cap.evidence(s, placement_id)).loaded()


def test_evidence_piece_saved_since_is_refused_overwrite_writes_only_mine(two_people, placement, piece):
    alice, bob = two_people
    form_a, form_b = _both(two_people, lambda s: _opened_piece(s, placement))
    with alice.unit_of_work() as s:  # alice corrects the date
        cap.save_evidence(s, placement, {**form_a.values, "collected_on": "2026-02-12"}, piece, loaded=form_a)
    mine = {**form_b.values, "note": "unit plan with a rubric"}
    with pytest.raises(StaleRecordError, match="The evidence for I-A-1 of 12 February " + CHANGED_BY_ALICE), \
            bob.unit_of_work() as s:
        cap.save_evidence(s, placement, mine, piece, loaded=form_b)
    with bob.unit_of_work() as s:
        cap.save_evidence(s, placement, mine, piece, loaded=form_b, overwrite=True)
    with alice.read() as s:
        [item] = cap.evidence(s, placement)
    assert (item.note, item.collected_on) == ("unit plan with a rubric", dt.date(2026, 2, 12))


def test_evidence_removed_since_is_asked_and_overwrite_brings_it_back(two_people, placement, piece):
    alice, bob = two_people
    form_a, form_b = _both(two_people, lambda s: _opened_piece(s, placement))
    with bob.unit_of_work() as s:  # bob edits the note
        cap.save_evidence(s, placement, {**form_b.values, "note": "unit plan, revised"}, piece, loaded=form_b)
    with pytest.raises(StaleRecordError, match="changed by bob"), alice.unit_of_work() as s:
        cap.delete_evidence(s, piece, version=form_a.versions["evidence"])  # alice never saw bob's edit
    with alice.unit_of_work() as s:
        cap.delete_evidence(s, piece, version=form_a.versions["evidence"], overwrite=True)
    with pytest.raises(StaleRecordError, match=r"\(removed since\) was changed by alice"), bob.unit_of_work() as s:
        cap.save_evidence(s, placement, {**form_b.values, "note": "unit plan, again"}, piece, loaded=form_b)
    with bob.unit_of_work() as s:
        cap.save_evidence(s, placement, {**form_b.values, "note": "unit plan, again"}, piece, loaded=form_b,
                          overwrite=True)
    with alice.read() as s:
        assert [i.note for i in cap.evidence(s, placement)] == ["unit plan, again"]


# --- ratings ------------------------------------------------------------------------------------------


def test_each_rating_is_a_record_a_stale_one_is_refused_and_nothing_saved(two_people, placement):
    alice, bob = two_people
    form_a, form_b = _both(two_people, lambda s: cap.load_ratings(s, placement, "formative", "sp"))
    assert form_b.versions == {} and form_b.values == {}
    with alice.unit_of_work() as s:
        cap.save_ratings(s, placement, stage="formative", rater="sp", loaded=form_a,
                         ratings={"I-A-1": {"quality": P, "scope": None, "consistency": None}})
    with bob.unit_of_work() as s:  # another element: another record
        cap.save_ratings(s, placement, stage="formative", rater="sp", loaded=form_b,
                         ratings={"II-A-1": {"quality": NI, "scope": NI, "consistency": NI}})
    mine = {"I-A-1": {"quality": None, "scope": NI, "consistency": None},
            "II-B-2": {"quality": P, "scope": P, "consistency": P}}
    with pytest.raises(StaleRecordError, match="Ana Silva's formative rating of I-A-1 by the SP " + CHANGED_BY_ALICE), \
            bob.unit_of_work() as s:
        cap.save_ratings(s, placement, stage="formative", rater="sp", loaded=form_b, ratings=mine)
    with bob.read() as s:
        assert set(cap.load_ratings(s, placement, "formative", "sp").values) == {"I-A-1", "II-A-1"}  # no II-B-2
    with bob.unit_of_work() as s:  # Overwrite: bob's scope; alice's quality (not his change) stands
        cap.save_ratings(s, placement, stage="formative", rater="sp", loaded=form_b, ratings=mine, overwrite=True)
    with alice.read() as s:
        now = cap.load_ratings(s, placement, "formative", "sp").values
    assert now["I-A-1"] == {"quality": P, "scope": NI, "consistency": None}
    assert now["II-B-2"] == {"quality": P, "scope": P, "consistency": P}


def test_set_rating_with_a_version_is_checked(two_people, placement):
    alice, bob = two_people
    with alice.unit_of_work() as s:
        cap.set_rating(s, placement, stage="summative", rater="joint", element_code="I-A-1", quality=P, scope=P,
                       consistency=P, version=MISSING)
    with pytest.raises(StaleRecordError, match="by the SP and PS together"), bob.unit_of_work() as s:
        cap.set_rating(s, placement, stage="summative", rater="joint", element_code="I-A-1", quality=NI, scope=P,
                       consistency=P, version=MISSING)


def test_a_rating_save_waiting_on_anothers_lock_is_refused_once_that_commits(two_people, placement, backend):
    """On a server two first ratings of one element really overlap: the second waits for the first
    (the candidate's placement is locked), then is refused, not a duplicate-key error."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time")
    alice, bob = two_people
    form_a, form_b = _both(two_people, lambda s: cap.load_ratings(s, placement, "formative", "ps"))
    bob_ended = overlapping_saves(
        alice, lambda s: cap.save_ratings(s, placement, stage="formative", rater="ps", loaded=form_a,
                                          ratings={"I-A-1": {"quality": P, "scope": P, "consistency": P}}),
        bob, lambda s: cap.save_ratings(s, placement, stage="formative", rater="ps", loaded=form_b,
                                        ratings={"I-A-1": {"quality": NI, "scope": NI, "consistency": NI}}))
    assert isinstance(bob_ended, StaleRecordError), bob_ended
    with alice.read() as s:
        assert cap.load_ratings(s, placement, "formative", "ps").values["I-A-1"]["quality"] == P


# --- the Cycle tab: goals, required hours, steps, post-conferences ---------------------------------


def test_goals_saved_since_are_refused_overwrite_keeps_the_other_goal(two_people, placement):
    alice, bob = two_people
    form_a, form_b = _both(two_people, lambda s: cap.load_goals(s, placement))
    with alice.unit_of_work() as s:
        cap.set_goals(s, placement, professional_practice="checks for understanding",
                      version=form_a.versions["placement"])
    with pytest.raises(StaleRecordError, match="Ana Silva's goal setting " + CHANGED_BY_ALICE), bob.unit_of_work() as s:
        cap.set_goals(s, placement, student_learning="fractions", version=form_b.versions["placement"])
    with bob.unit_of_work() as s:
        cap.set_goals(s, placement, student_learning="fractions", version=form_b.versions["placement"],
                      overwrite=True)
    with alice.read() as s:
        assert cap.goals(s, placement) == ("checks for understanding", "fractions")


def test_required_hours_steps_and_post_conferences_refuse_a_stale_save(two_people, placement, observation):
    alice, bob = two_people
    seen_a, seen_b = _both(two_people, lambda s: cap.summary(s, placement))
    with alice.unit_of_work() as s:
        cap.set_candidate_hours(s, placement, 350, version=seen_a.candidate_version)
        cap.record_meeting(s, placement, 2, dt.date(2026, 3, 1), version=seen_a.steps[1].version)
        cap.record_post_conference(s, observation, dt.date(2026, 3, 4), version=seen_a.observations[0].version)
    stale = [
        ("Ana Silva's practicum hours requirement", lambda s: cap.set_candidate_hours(
            s, placement, 400, version=seen_b.candidate_version)),
        ("Step 2 of Ana Silva's CAP", lambda s: cap.record_meeting(
            s, placement, 2, dt.date(2026, 3, 2), version=seen_b.steps[1].version)),
        ("Step 2 of Ana Silva's CAP", lambda s: cap.complete_step(
            s, placement, 2, dt.date(2026, 3, 2), version=seen_b.steps[1].version)),
        ("The observation of Ana Silva on 3 March", lambda s: cap.record_post_conference(
            s, observation, dt.date(2026, 3, 5), version=seen_b.observations[0].version)),
    ]
    for what, save in stale:
        with pytest.raises(StaleRecordError, match=what + " " + CHANGED_BY_ALICE), bob.unit_of_work() as s:
            save(s)
    with bob.read() as s:
        now = cap.summary(s, placement)
    assert (now.hours_required, now.steps[1].meeting_on, now.observations[0].post_conference_on) == (
        350, dt.date(2026, 3, 1), dt.date(2026, 3, 4))
    with bob.unit_of_work() as s:  # Overwrite
        cap.set_candidate_hours(s, placement, 400, version=seen_b.candidate_version, overwrite=True)
        cap.record_meeting(s, placement, 2, dt.date(2026, 3, 2), version=seen_b.steps[1].version, overwrite=True)
    with alice.read() as s:
        now = cap.summary(s, placement)
    assert (now.hours_required, now.steps[1].meeting_on) == (400, dt.date(2026, 3, 2))


def test_saves_without_a_version_are_as_before(database, placement, observation, piece):
    """The command line, the demo and imports save without a form: no version, no check."""
    with database.unit_of_work() as s:
        cap.set_goals(s, placement, professional_practice="goal")
        cap.set_candidate_hours(s, placement, 320)
        cap.complete_step(s, placement, 1, dt.date(2026, 2, 1))
        cap.set_rating(s, placement, stage="formative", rater="sp", element_code="I-A-1", quality=P, scope=NI,
                       consistency=NI)
        cap.save_quick_observation(s, placement, {"kind": "unannounced", "observed_on": "2026-03-03", "status": "held",
                                                  "evidence": {"I-A-1": "x"}}, observation)
        cap.save_evidence(s, placement, {"category": "artifacts", "elements": ["II-A-1"], "collected_on": "2026-02-11",
                                         "note": "moved"}, piece)
        cap.delete_evidence(s, next(i.id for i in cap.evidence(s, placement) if i.observation_id is None))
    with database.read() as s:
        summary = cap.summary(s, placement)
        assert summary.hours_required == 320 and summary.steps[0].status == "complete"
        assert cap.observations(s, placement)[0].kind == "unannounced"


def test_an_unchanged_form_writes_nothing(database, placement, observation):
    with database.read() as s:
        opened = cap.load_observation(s, observation)
    with database.unit_of_work() as s:
        cap.save_quick_observation(s, placement, opened.values, observation, loaded=opened)
    with database.read() as s:
        assert cap.load_observation(s, observation).versions == opened.versions
