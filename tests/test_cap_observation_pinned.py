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
    assert cap.observation_detail(session, oid).evidence == {"I-A-1": "Objectives posted", "III-C-1": "Exit tickets"}
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


# --- the evidence editor (five categories; a piece for one or more elements) ------------------------------


def _pieces(session, placement_id):  # type: ignore[no-untyped-def]
    return [(e.element_code, e.category, e.collected_on, e.note, e.observation_id is not None)
            for e in cap.evidence(session, placement_id)]


def test_the_evidence_editor_refuses_with_every_problem_named(session, placement):
    with pytest.raises(ValidationError) as exc:
        cap.save_evidence(session, placement.id, {"category": "gossip", "elements": [], "note": "  ",
                                                  "collected_on": None})
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
        ("category", "gossip", "one of: observation, student_learning, student_feedback, goal_progress, artifacts"),
        ("elements", "", "choose at least one element"),
        ("note", "", "write the evidence (what was seen, or a summary)"),
        ("collected_on", "", "give the date")]
    with pytest.raises(ValidationError) as exc:
        cap.save_evidence(session, placement.id, {"category": "artifacts", "elements": ["I-A-1", "1.A.4"],
                                                  "note": "Unit plan", "collected_on": "2026-03-04"})
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
        ("elements", "1.A.4", "not an element of the 2024 edition; elements: I-A-1, I-C-2, II-A-1, II-A-3, II-B-2, "
                              "III-C-1, IV-A-1")]
    with pytest.raises(ValidationError) as exc:
        cap.save_evidence(session, placement.id, {"category": "artifacts", "elements": ["I-A-1"], "note": "Unit plan",
                                                  "collected_on": "03/04/2026"})
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
        ("collected_on", "03/04/2026", "a date as YYYY-MM-DD")]
    assert _pieces(session, placement.id) == []


def test_the_evidence_editor_saves_edits_and_removes_pieces(session, placement):
    made = cap.save_evidence(session, placement.id, {"category": "student_learning", "elements": ["II-A-3", "I-A-1",
                                                                                                  "II-A-3"],
                                                     "note": "  Pre/post quiz: 45% to 82% ", "collected_on": "2026-03-02"})
    oid = cap_observation.save_quick_observation(session, placement.id, {"observed_on": D(2026, 2, 10), "minutes": 30,
                                                                         "evidence": {"II-B-2": "Calm transitions"}})
    quiz = "Pre/post quiz: 45% to 82%"
    assert _pieces(session, placement.id) == [("II-B-2", "observation", D(2026, 2, 10), "Calm transitions", True),
                                              ("I-A-1", "student_learning", D(2026, 3, 2), quiz, False),
                                              ("II-A-3", "student_learning", D(2026, 3, 2), quiz, False)]
    items = {i.element_code: i for i in cap.evidence(session, placement.id)}
    assert made == [items["II-A-3"].id, items["I-A-1"].id]  # one per element, in the order chosen
    assert items["I-A-1"].loaded().values == {"category": "student_learning", "elements": ["I-A-1"],
                                              "collected_on": "2026-03-02", "note": quiz}
    assert items["I-A-1"].loaded().versions == {"evidence": items["I-A-1"].version}
    # Evidence from an observation is edited in that observation, not here.
    with pytest.raises(ValidationError) as exc:
        cap.save_evidence(session, placement.id, {"category": "artifacts", "elements": ["II-B-2"], "note": "x",
                                                  "collected_on": "2026-02-10"}, evidence_id=items["II-B-2"].id)
    assert [(p.field, p.value, p.reason) for p in exc.value.problems] == [
        ("evidence", "II-B-2", "evidence from an observation is edited in that observation")]
    with pytest.raises(ValidationError):
        cap.delete_evidence(session, items["II-B-2"].id)
    # Edited with what the editor opened: only the note changed; I-A-1 stays, III-C-1 is added, II-A-3 untouched.
    opened = items["I-A-1"].loaded()
    made = cap.save_evidence(session, placement.id, {**opened.values, "elements": ["I-A-1", "III-C-1"],
                                                     "note": "Quiz with item analysis"}, items["I-A-1"].id,
                             loaded=opened)
    assert made[0] == items["I-A-1"].id and len(made) == 2
    assert _pieces(session, placement.id)[1:] == [
        ("I-A-1", "student_learning", D(2026, 3, 2), "Quiz with item analysis", False),
        ("II-A-3", "student_learning", D(2026, 3, 2), quiz, False),
        ("III-C-1", "student_learning", D(2026, 3, 2), "Quiz with item analysis", False)]
    # Someone else changes that piece; my editor, opened before, is refused by name, then overwrites.
    stale = cap.evidence(session, placement.id)[1].loaded()
    piece_id = cap.evidence(session, placement.id)[1].id
    cap.save_evidence(session, placement.id, {**stale.values, "category": "artifacts"}, piece_id)
    with pytest.raises(StaleRecordError) as exc:
        cap.save_evidence(session, placement.id, {**stale.values, "note": "Mine"}, piece_id, loaded=stale)
    assert exc.value.what == "The evidence for I-A-1 of 2 March"
    cap.save_evidence(session, placement.id, {**stale.values, "note": "Mine"}, piece_id, loaded=stale, overwrite=True)
    assert _pieces(session, placement.id)[1] == ("I-A-1", "artifacts", D(2026, 3, 2), "Mine", False)  # theirs kept
    # Removing with the version the list showed: refused if changed since, then removed.
    shown = cap.evidence(session, placement.id)[1]
    cap.save_evidence(session, placement.id, {**shown.loaded().values, "note": "Theirs"}, piece_id)
    with pytest.raises(StaleRecordError) as exc:
        cap.delete_evidence(session, piece_id, version=shown.version)
    assert exc.value.what == "The evidence for I-A-1 of 2 March"
    cap.delete_evidence(session, piece_id, version=shown.version, overwrite=True)
    assert [p[0] for p in _pieces(session, placement.id)] == ["II-B-2", "II-A-3", "III-C-1"]
    with pytest.raises(UsageError) as exc:
        cap.delete_evidence(session, piece_id)
    assert str(exc.value) == f"no evidence {piece_id}"
    # Unticking an element while editing removes that piece; the counts per category follow.
    iii = next(i for i in cap.evidence(session, placement.id) if i.element_code == "III-C-1")
    cap.save_evidence(session, placement.id, {**iii.loaded().values, "note": "Theirs too"}, iii.id)  # someone else
    with pytest.raises(StaleRecordError):  # unticking only, but the piece was saved since: asked
        cap.save_evidence(session, placement.id, {**iii.loaded().values, "elements": ["IV-A-1"]}, iii.id,
                          loaded=iii.loaded())
    iii = next(i for i in cap.evidence(session, placement.id) if i.element_code == "III-C-1")
    assert cap.save_evidence(session, placement.id, {**iii.loaded().values, "elements": ["IV-A-1"]}, iii.id,
                             loaded=iii.loaded()) != [iii.id]
    assert [p[0] for p in _pieces(session, placement.id)] == ["II-B-2", "II-A-3", "IV-A-1"]
    zero = {"observation": 0, "student_learning": 0, "student_feedback": 0, "goal_progress": 0, "artifacts": 0}
    assert cap.evidence_by_category(session, placement.id) == {
        "II-B-2": {**zero, "observation": 1}, "II-A-3": {**zero, "student_learning": 1},
        "IV-A-1": {**zero, "student_learning": 1}}
    # Two more pieces for II-A-3 and a student survey (student feedback for every element).
    cap.save_evidence(session, placement.id, {"category": "student_learning", "elements": ["II-A-3"], "note": "Unit test",
                                              "collected_on": "2026-03-20"})
    cap.save_evidence(session, placement.id, {"category": "student_feedback", "elements": ["II-A-3"],
                                              "note": "Exit survey", "collected_on": "2026-03-21"})
    cap.record_survey(session, placement.id, instrument=cap.survey_instrument_for("3"), given_on=D(2026, 3, 9),
                      respondents=20, summary={"Percent favorable": 88})
    counts = cap.evidence_by_category(session, placement.id)
    assert counts["II-A-3"] == {**zero, "student_learning": 2, "student_feedback": 2}
    assert counts["I-C-2"] == {**zero, "student_feedback": 1} and len(counts) == 7
    assert oid is not None


# --- the minimums and the conferences still owed (2024 CAP guidelines: resources/cap/cap_2024.json) -------


def _obs(kind, observer, day, status, pre=None, post=None):  # type: ignore[no-untyped-def]
    return cap_observation.ObservationInfo(derived_id("cap_observation", f"{kind}{observer}{day}{status}"), kind,
                                           observer, day, 45, status, (), pre, post, False)


@pytest.mark.parametrize(("held", "owed"), [
    ([], ["1 announced observation by the SP", "2 unannounced observations by the SP",
          "2 announced observations by the PS"]),
    ([("announced", "both"), ("unannounced", "sp")], ["1 unannounced observation by the SP",
                                                      "1 announced observation by the PS"]),
    ([("announced", "sp"), ("unannounced", "sp"), ("unannounced", "sp"), ("announced", "ps")],
     ["1 announced observation by the PS"]),
    ([("announced", "sp"), ("unannounced", "sp"), ("unannounced", "sp"), ("announced", "ps"), ("announced", "ps")], []),
    ([("unannounced", "ps")] * 4, ["1 announced observation by the SP", "2 unannounced observations by the SP",
                                   "2 announced observations by the PS"]),
])
def test_what_is_still_owed_against_the_minimums(held, owed):
    """Four observations at least: two announced, two unannounced; three by the SP (one announced, two
    unannounced); two announced by the PS. An observation by both counts for each."""
    from app.services.cap import rubrics as cap_rubrics

    assert cap.owed_observations(cap_rubrics.get("2024"), held) == owed


def test_only_held_observations_count_toward_the_minimums():
    items = [_obs("announced", "both", D(2026, 3, 3), "held"), _obs("unannounced", "sp", D(2026, 3, 5), "feedback_given"),
             _obs("unannounced", "ps", D(2026, 3, 6), "held"), _obs("announced", "sp", D(2026, 4, 1), "planned")]
    c = cap_observation.observation_counts(items)
    assert (c.announced, c.unannounced, c.by_sp, c.by_ps, c.total) == (1, 2, 2, 2, 3)


def test_conferences_owed_on_a_given_day():
    from app.services.cap import rubrics as cap_rubrics

    today = D(2026, 3, 10)
    items = [
        _obs("announced", "sp", D(2026, 3, 3), "held"),                           # neither conference recorded
        _obs("announced", "sp", today, "planned"),                               # planned for today: pre owed
        _obs("announced", "ps", D(2026, 3, 9), "planned"),                       # planned yesterday, not held: no
        _obs("unannounced", "sp", D(2026, 3, 5), "held"),                        # no pre for an unannounced one
        _obs("announced", "both", D(2026, 3, 6), "feedback_given", D(2026, 3, 4), D(2026, 3, 6)),
        _obs("unannounced", "ps", D(2026, 3, 20), "planned"),
        _obs("announced", "sp", D(2026, 3, 11), "planned", pre=D(2026, 3, 9)),   # its pre-conference is done
    ]
    assert cap_observation.owed_conferences(cap_rubrics.get("2024"), items, today) == [
        "the 3/3/2026 announced observation was held without a pre-conference",
        "the post-conference of the 3/3/2026 observation",
        "the pre-conference before the 3/10/2026 observation",
        "the post-conference of the 3/5/2026 observation",
    ]
    assert cap_observation.owed_conferences(cap_rubrics.get("2024"), items[1:2], today + dt.timedelta(days=1)) == []


def test_an_edited_edition_asking_more_of_the_sp_counts_what_it_adds_toward_the_total():
    """A program's copy of the edition asks for four observations by the SP (editions are data, rubrics.py):
    the one more it owes ("1 observation by the SP", of any kind) also counts toward the four in all."""
    import dataclasses

    from app.services.cap import rubrics as cap_rubrics
    from app.services.cap.rubrics import Minimum

    edited = dataclasses.replace(cap_rubrics.get("2024"), minimums=(
        Minimum("a-sp", "", 1, "announced", "sp"), Minimum("u-sp", "", 2, "unannounced", "sp"),
        Minimum("sp", "", 4, "any", "sp"), Minimum("all", "", 4, "any", "any")))
    assert cap.owed_observations(edited, []) == ["1 announced observation by the SP",
                                                 "2 unannounced observations by the SP", "1 observation by the SP"]
    assert cap.owed_observations(edited, [("announced", "ps")] * 3) == [
        "1 announced observation by the SP", "2 unannounced observations by the SP", "1 observation by the SP"]


def test_an_observation_that_is_gone_is_said_so_and_a_note_removed_since_is_asked(session, placement):
    gone = derived_id("cap_observation", "gone")
    with pytest.raises(UsageError) as exc:
        cap.observation_detail(session, gone)
    assert str(exc.value) == f"no observation {gone}"
    oid = cap_observation.save_quick_observation(session, placement.id, {
        "observed_on": DAY, "minutes": 40, "evidence": {"I-A-1": "Objectives posted", "II-A-1": "Checks"}})
    mine = cap_observation.load_observation(session, oid)
    with pytest.raises(UsageError) as exc:
        cap_observation.save_quick_observation(session, placement.id, mine.values, gone, loaded=mine)
    assert str(exc.value) == f"no observation {gone}"
    cap_observation.save_observation_evidence(session, oid, {"II-A-1": ""})  # someone else removed II-A-1's note
    with pytest.raises(StaleRecordError) as exc:
        cap_observation.save_quick_observation(session, placement.id, {
            **mine.values, "evidence": {"I-A-1": "Objectives posted", "II-A-1": "Checks again"}}, oid, loaded=mine)
    assert exc.value.what == "The evidence for II-A-1 in the observation of Ana Silva on 3 March"
    # An element the form no longer shows at all: its note is removed, as if emptied.
    mine = cap_observation.load_observation(session, oid)
    cap_observation.save_quick_observation(session, placement.id, {**mine.values, "evidence": {}}, oid, loaded=mine)
    assert cap_observation.observation_values(session, oid)["evidence"] == {}
    assert cap.observations(session, placement.id)[0].focus == ()
