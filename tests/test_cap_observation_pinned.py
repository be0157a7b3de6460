"""The CAP quick observation form and observation edits, pinned as a supervisor checks them (2024 CAP
guidelines; DOMAIN.md "CAP in detail": announced observations have a pre- and a post-observation
conference): what is saved from the form (conferences on the day, feedback trimmed, the elements with
evidence as the focus, an emptied element's evidence removed), what the form opens again, an edit that
keeps what someone else changed meanwhile or is refused by name, and each check's message at its edges.
Written for issue 24 (cap/observation.py survivors: the quick form was only run by the concurrency tests)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import StaleRecordError, UsageError, ValidationError
from app.models import derived_id
from app.models.cap import CapEvidence, CapObservation
from app.services import cap
from app.services.cap import observation as cap_observation
from tests.cap_fixtures import START, make_candidate, make_world

D = dt.date
DAY = D(2026, 3, 3)


@pytest.fixture
def placement(session):  # type: ignore[no-untyped-def]
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    # Another candidate's observation on the same day: never shown in Ana's.
    _o, other = make_candidate(session, org, sp, first="Ben", last="Ortiz", number="C-002")
    cap_observation.save_quick_observation(session, other.id, {"observed_on": DAY.isoformat(), "minutes": 30,
                                                               "evidence": {"I-A-1": "Ben's note"}})
    return placement


def _evidence(session, observation_id):  # type: ignore[no-untyped-def]
    return sorted((e.element_code, e.category, e.collected_on, e.note, e.deleted_at is not None)
                  for e in session.scalars(select(CapEvidence).where(CapEvidence.observation_id == observation_id)
                                           .execution_options(include_deleted=True)))


def _info(session, placement_id):  # type: ignore[no-untyped-def]
    return [(o.kind, o.observer, o.observed_on, o.minutes, o.status, o.focus, o.pre_conference_on,
             o.post_conference_on, o.early_literacy, o.look_fors) for o in cap.observations(session, placement_id)]


def test_the_quick_form_saves_the_observation_its_conferences_feedback_and_evidence(session, placement):
    oid = cap_observation.save_quick_observation(session, placement.id, {
        "observed_on": DAY.isoformat(), "minutes": "45", "pre_conference": True, "post_conference": True,
        "reinforcement": "  Clear routines  ", "refinement": "   ",
        "evidence": {"I-A-1": "  Objectives posted ", "II-A-1": "   ", "IV-A-1": "Warm rapport"}})
    # Defaults: announced, by the SP, held; both conferences on the day observed.
    assert _info(session, placement.id) == [("announced", "sp", DAY, 45, "held", ("I-A-1", "IV-A-1"), DAY, DAY,
                                             False, ())]
    assert _evidence(session, oid) == [("I-A-1", "observation", DAY, "Objectives posted", False),
                                       ("IV-A-1", "observation", DAY, "Warm rapport", False)]
    row = session.get(CapObservation, oid)
    assert (row.reinforcement, row.refinement) == ("Clear routines", None)
    # One note per observation and element, the same id on every laptop.
    ids = {e.element_code: e.id for e in session.scalars(select(CapEvidence).where(CapEvidence.observation_id == oid))}
    assert ids["I-A-1"] == derived_id("cap_evidence", f"{oid}:I-A-1")
    # The form opens again with what was saved.
    assert cap_observation.observation_values(session, oid) == {
        "kind": "announced", "observer": "sp", "observed_on": "2026-03-03", "minutes": 45, "status": "held",
        "pre_conference": True, "post_conference": True, "early_literacy": False, "look_fors": [],
        "evidence": {"I-A-1": "Objectives posted", "IV-A-1": "Warm rapport"}, "reinforcement": "Clear routines",
        "refinement": ""}
    assert cap.summary(session, placement.id).steps[2].status == "in_progress"  # a held observation starts step 3


def test_an_unannounced_or_planned_observation_from_the_quick_form(session, placement):
    unannounced = cap_observation.save_quick_observation(session, placement.id, {
        "observed_on": D(2026, 2, 10), "kind": "unannounced", "observer": "ps", "minutes": None,
        "pre_conference": True, "post_conference": False, "evidence": {}})
    planned = cap_observation.save_quick_observation(session, placement.id, {
        "observed_on": "2026-04-14", "kind": "announced", "observer": "both", "status": "planned", "minutes": 0,
        "pre_conference": False, "post_conference": False})
    # An unannounced observation has no pre-conference, even ticked; "0" minutes is not given.
    assert _info(session, placement.id) == [
        ("unannounced", "ps", D(2026, 2, 10), None, "held", (), None, None, False, ()),
        ("announced", "both", D(2026, 4, 14), None, "planned", (), None, None, False, ()),
    ]
    assert [o.id for o in cap.observations(session, placement.id)] == [unannounced, planned]
    assert _evidence(session, planned) == []


def test_the_quick_form_needs_the_date(session, placement):
    for given in (None, ""):
        with pytest.raises(ValidationError) as exc:
            cap_observation.save_quick_observation(session, placement.id, {"observed_on": None if given is None
                                                                           else 42, "minutes": 30})
        assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
            ("observed_on", "" if given is None else "42", "give the observation's date")]
    assert cap.observations(session, placement.id) == []


def test_editing_keeps_the_conference_dates_and_removes_emptied_evidence(session, placement):
    oid = cap_observation.save_quick_observation(session, placement.id, {
        "observed_on": DAY, "minutes": 40, "pre_conference": True, "post_conference": False,
        "evidence": {"I-A-1": "Objectives posted", "II-A-1": "Checks for understanding"}})
    cap_observation.update_observation(session, oid, pre_conference_on=D(2026, 3, 1))  # the real pre-conference day
    loaded = cap_observation.load_observation(session, oid)
    assert loaded.values["evidence"] == {"I-A-1": "Objectives posted", "II-A-1": "Checks for understanding"}
    assert set(loaded.versions) == {"observation", "evidence:I-A-1", "evidence:II-A-1"}
    cap_observation.save_quick_observation(session, placement.id, {
        **loaded.values, "post_conference": True, "evidence": {"I-A-1": "Objectives posted", "II-A-1": "",
                                                               "III-C-1": "Exit tickets"}}, oid, loaded=loaded)
    assert _info(session, placement.id) == [("announced", "sp", DAY, 40, "held", ("I-A-1", "III-C-1"), D(2026, 3, 1),
                                             DAY, False, ())]
    assert _evidence(session, oid) == [("I-A-1", "observation", DAY, "Objectives posted", False),
                                       ("II-A-1", "observation", DAY, "Checks for understanding", True),
                                       ("III-C-1", "observation", DAY, "Exit tickets", False)]
    # Typed again where it was emptied: the same note comes back; unticking the pre-conference clears it.
    again = cap_observation.load_observation(session, oid)
    cap_observation.save_quick_observation(session, placement.id, {
        **again.values, "pre_conference": False, "evidence": {**again.values["evidence"], "II-A-1": "Cold calls"}},
        oid, loaded=again)
    assert _info(session, placement.id)[0][5:8] == (("I-A-1", "III-C-1", "II-A-1"), None, DAY)  # as typed
    assert _evidence(session, oid)[1] == ("II-A-1", "observation", DAY, "Cold calls", False)
    assert cap.observation_detail(session, oid).evidence == {"I-A-1": "Objectives posted", "II-A-1": "Cold calls",
                                                             "III-C-1": "Exit tickets"}


def test_an_edit_keeps_what_someone_else_changed_meanwhile(session, placement):
    """Each record (the observation, each element's note) is asked about only when both changed it."""
    oid = cap_observation.save_quick_observation(session, placement.id, {
        "observed_on": DAY, "minutes": 40, "reinforcement": "Routines",
        "evidence": {"I-A-1": "Objectives posted", "II-A-1": "Checks"}})
    mine = cap_observation.load_observation(session, oid)
    cap_observation.save_observation_evidence(session, oid, {"II-A-1": "Checks for understanding"})  # theirs
    cap_observation.save_quick_observation(session, placement.id, {  # mine: the minutes and I-A-1's note
        **mine.values, "minutes": 50, "evidence": {**mine.values["evidence"], "I-A-1": "Objectives revisited"}},
        oid, loaded=mine)
    values = cap_observation.observation_values(session, oid)
    assert (values["minutes"], values["reinforcement"], values["refinement"]) == (50, "Routines", "")
    assert values["evidence"] == {"I-A-1": "Objectives revisited", "II-A-1": "Checks for understanding"}
    mine = cap_observation.load_observation(session, oid)
    cap_observation.update_observation(session, oid, refinement="Wait time")  # theirs: the observation itself
    cap_observation.save_quick_observation(session, placement.id, {  # mine: only II-A-1's note
        **mine.values, "evidence": {**mine.values["evidence"], "II-A-1": "Cold calls"}}, oid, loaded=mine)
    values = cap_observation.observation_values(session, oid)
    assert (values["minutes"], values["reinforcement"], values["refinement"]) == (50, "Routines", "Wait time")
    assert values["evidence"] == {"I-A-1": "Objectives revisited", "II-A-1": "Cold calls"}


def test_an_edit_of_what_someone_else_saved_since_is_refused_by_name(session, placement):
    oid = cap_observation.save_quick_observation(session, placement.id, {
        "observed_on": DAY, "minutes": 40, "evidence": {"I-A-1": "Objectives posted"}})
    mine = cap_observation.load_observation(session, oid)
    cap_observation.update_observation(session, oid, minutes=35)
    with pytest.raises(StaleRecordError) as exc:
        cap_observation.save_quick_observation(session, placement.id, {**mine.values, "minutes": 50}, oid,
                                               loaded=mine)
    assert exc.value.what == "The observation of Ana Silva on 3 March"
    assert cap_observation.observation_values(session, oid)["minutes"] == 35
    cap_observation.save_observation_evidence(session, oid, {"I-A-1": "Objectives revisited"})
    with pytest.raises(StaleRecordError) as exc:
        cap_observation.save_quick_observation(session, placement.id, {
            **mine.values, "evidence": {"I-A-1": "Objectives posted twice"}}, oid, loaded=mine)
    assert exc.value.what == "The evidence for I-A-1 in the observation of Ana Silva on 3 March"
    cap_observation.save_quick_observation(session, placement.id, {
        **mine.values, "minutes": 50, "evidence": {"I-A-1": "Objectives posted twice"}}, oid, loaded=mine,
        overwrite=True)
    values = cap_observation.observation_values(session, oid)
    assert (values["minutes"], values["evidence"]) == (50, {"I-A-1": "Objectives posted twice"})
    # update_observation with the version the page showed: the same question.
    shown = session.get(CapObservation, oid).version
    cap_observation.update_observation(session, oid, minutes=55)
    with pytest.raises(StaleRecordError) as exc:
        cap_observation.update_observation(session, oid, version=shown, minutes=60)
    assert exc.value.what == "The observation of Ana Silva on 3 March"
    cap_observation.update_observation(session, oid, version=shown, overwrite=True, minutes=60)
    assert cap_observation.observation_values(session, oid)["minutes"] == 60


def test_an_observation_edit_is_checked_like_a_new_one(session, placement):
    oid = cap.add_observation(session, placement.id, kind="announced", observer="sp", observed_on=DAY, minutes=30,
                              status="planned", today=D(2026, 3, 1))
    with pytest.raises(UsageError) as exc:
        cap_observation.update_observation(session, oid, placement_id=placement.id)
    assert str(exc.value) == "cannot change placement_id of an observation"
    for minutes in (4, 601):
        with pytest.raises(ValidationError) as exc:
            cap_observation.update_observation(session, oid, minutes=minutes)
        assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
            ("minutes", str(minutes), "between 5 and 600 minutes")]
    for minutes in (5, 600):
        cap_observation.update_observation(session, oid, minutes=minutes)
        assert cap.observations(session, placement.id)[0].minutes == minutes
    with pytest.raises(ValidationError) as exc:
        cap_observation.update_observation(session, oid, kind="drop-in", observer="principal", status="done",
                               focus_elements=["I-A-1", "1.A.4"])
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
        ("kind", "drop-in", "announced or unannounced"), ("observer", "principal", "sp, ps or both"),
        ("status", "done", "planned, held or feedback_given"), ("focus", "1.A.4", "not an element of the 2024 edition")]
    # Held only once its day has come: the day before it is refused, on the day it is held.
    with pytest.raises(ValidationError) as exc:
        cap_observation.update_observation(session, oid, status="held", today=D(2026, 3, 2))
    assert [(p.field, p.reason) for p in exc.value.problems] == [
        ("status", "cannot be held yet: the observation is on 3 March, after today; plan it instead")]
    assert cap.summary(session, placement.id).steps[2].status == "not_started"
    cap_observation.update_observation(session, oid, status="feedback_given", today=DAY, focus_elements=("II-A-1",))
    assert _info(session, placement.id) == [("announced", "sp", DAY, 600, "feedback_given", ("II-A-1",), None, None,
                                             False, ())]
    assert cap.summary(session, placement.id).steps[2].status == "in_progress"


@pytest.mark.parametrize(("changes", "problem"), [
    ({"observed_on": START - dt.timedelta(days=1)},
     ("observed_on", "19 January", "is before the practicum starts (20 January)")),
    ({"observed_on": START}, None),
    ({"pre_conference_on": DAY + dt.timedelta(days=1)}, ("pre_conference_on", "4 March", "is after the observation")),
    ({"pre_conference_on": DAY}, None),
    ({"post_conference_on": DAY - dt.timedelta(days=1)}, ("post_conference_on", "2 March", "is before the observation")),
    ({"post_conference_on": DAY}, None),
])
def test_observation_dates_at_their_edges(session, placement, changes, problem):
    oid = cap.add_observation(session, placement.id, kind="announced", observer="sp", observed_on=DAY, minutes=30,
                              status="held", today=DAY)
    if problem is None:
        cap_observation.update_observation(session, oid, today=DAY, **changes)
        key, value = next(iter(changes.items()))
        assert getattr(session.get(CapObservation, oid), key) == value
        return
    with pytest.raises(ValidationError) as exc:
        cap_observation.update_observation(session, oid, today=DAY, **changes)
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [problem]
    assert session.get(CapObservation, oid).observed_on == DAY


def test_the_early_literacy_form_only_where_the_license_requires_it(session):
    """DESE's Early Literacy Observation Form (resources/cap/early_literacy.json): required from 2024-25 for
    Early Childhood PK-2, Elementary 1-6 and Moderate Disabilities PK-8 candidates; its look-fors are the
    file's, each kept once; an observation that has the form keeps it if the license is changed later."""
    _school, sp, _other, org = make_world(session)
    cand, elementary = make_candidate(session, org, sp)  # Elementary 1-6
    _m, math = make_candidate(session, org, sp, first="Max", last="Ward", field="Mathematics", grades="8-12",
                              number="C-003")
    assert cap_observation.early_literacy_required(session, elementary.id)
    assert not cap_observation.early_literacy_required(session, math.id)
    oid = cap.add_observation(session, elementary.id, kind="announced", observer="sp", observed_on=DAY, minutes=30,
                              status="held", early_literacy=True, look_fors=["pk3-fs-1", "pk3-fs-2", "pk3-fs-1"],
                              today=DAY)
    plain = cap.add_observation(session, elementary.id, kind="unannounced", observer="sp", observed_on=DAY,
                                minutes=30, status="held", look_fors=["pk3-fs-1"], today=DAY)
    assert [(o.early_literacy, o.look_fors) for o in cap.observations(session, elementary.id)] == [
        (True, ("pk3-fs-1", "pk3-fs-2")), (False, ())]
    with pytest.raises(ValidationError) as exc:
        cap.add_observation(session, elementary.id, kind="announced", observer="sp", observed_on=DAY, minutes=30,
                            status="held", early_literacy=True, look_fors=["pk3-fs-1", "zz-9", "yy-1"], today=DAY)
    assert [(p.field, p.value) for p in exc.value.problems] == [("look_fors", "zz-9"), ("look_fors", "yy-1")]
    with pytest.raises(ValidationError) as exc:
        cap.add_observation(session, math.id, kind="announced", observer="sp", observed_on=DAY, minutes=30,
                            status="held", early_literacy=True, today=DAY)
    (problem,) = exc.value.problems
    assert (problem.field, problem.value) == ("early_literacy", _m.license_sought)
    assert problem.reason.startswith("the Early Literacy Observation Form is for ")
    assert problem.reason.endswith("; this candidate's license sought is not one")
    # Editing the look-fors keeps the form; turning it off clears them.
    cap_observation.update_observation(session, oid, look_fors=["pk3-fs-3"], today=DAY)
    assert session.get(CapObservation, oid).look_fors == ["pk3-fs-3"]
    # The candidate's license changed since: the observation that has the form keeps it, another cannot get it.
    cand.license_field, cand.license_grades = "Mathematics", "8-12"
    session.flush()
    assert not cap_observation.early_literacy_required(session, elementary.id)
    cap_observation.update_observation(session, oid, look_fors=["pk3-fs-3", "pk3-fs-1"], today=DAY)
    assert session.get(CapObservation, oid).look_fors == ["pk3-fs-3", "pk3-fs-1"]
    cap_observation.update_observation(session, oid, early_literacy=True, minutes=35, today=DAY)  # look-fors kept
    assert session.get(CapObservation, oid).look_fors == ["pk3-fs-3", "pk3-fs-1"]
    with pytest.raises(ValidationError) as exc:
        cap_observation.update_observation(session, plain, early_literacy=True, today=DAY)
    assert [p.field for p in exc.value.problems] == ["early_literacy"]
    cap_observation.update_observation(session, oid, early_literacy=False, today=DAY)
    row = session.get(CapObservation, oid)
    assert (row.early_literacy, row.look_fors) == (False, None)
    assert [(o.early_literacy, o.look_fors) for o in cap.observations(session, elementary.id)] == [(False, ()),
                                                                                                 (False, ())]
