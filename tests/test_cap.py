"""CAP rules as a supervisor checks them: each edition's elements and thresholds, the observation minimums
and what is still owed, ready true/false/null, calibration differences, practicum hours."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from app.services import cap
from app.services.cap import rubrics as cap_rubrics
from app.errors import ValidationError
from tests.cap_fixtures import END, START, make_candidate, make_world, rate_all

P, NI, U, E = "Proficient", "Needs Improvement", "Unsatisfactory", "Exemplary"


def test_editions_are_data_with_the_domain_elements():
    eds = cap_rubrics.editions()
    assert sorted(eds) == ["2016", "2019", "2024"]
    assert [e.code for e in eds["2016"].elements] == ["1.A.4", "1.B.2", "2.A.3", "2.B.1", "2.D.2", "4.A.1"]
    assert len(eds["2019"].elements) == 7 and eds["2019"].element("1.A.1").name == "Subject Matter Knowledge"
    codes_2024 = [e.code for e in eds["2024"].elements]
    assert codes_2024 == ["I-A-1", "I-C-2", "II-A-1", "II-A-3", "II-B-2", "III-C-1", "IV-A-1"]
    for edition in eds.values():
        assert edition.rating_levels == (U, NI, P, E)
        assert edition.dimensions == ("quality", "scope", "consistency")
        assert [k for k, _ in edition.categories] == ["observation", "student_learning", "student_feedback",
                                                      "goal_progress", "artifacts"]
    assert eds["2024"].unconfirmed  # the file says what is not confirmed


def test_edition_in_force_by_year():
    assert cap_rubrics.edition_for_year("2017-2018").edition == "2016"
    assert cap_rubrics.edition_for_year("2022-2023").edition == "2019"
    assert cap_rubrics.edition_for_year("2024-2025").edition == "2019"  # 2019 usable through 2024-25
    assert cap_rubrics.edition_for_year("2025-2026").edition == "2024"  # the 2024 guidelines from 2025-26


@pytest.mark.parametrize("edition", ["2016", "2019", "2024"])
@pytest.mark.parametrize(("levels", "met"), [
    ((P, NI, NI), True),   # Proficient on quality; scope and consistency may be lower (at least NI)
    ((E, P, E), True),
    ((NI, P, P), False),   # quality below Proficient is never ready
    ((P, U, NI), False),   # scope below Needs Improvement
    ((P, NI, U), False),   # consistency below Needs Improvement
])
def test_threshold_logic_per_edition(edition, levels, met):
    rubric = cap_rubrics.get(edition)
    ratings = {("summative", "joint", e.code): dict(zip(("quality", "scope", "consistency"), levels))
               for e in rubric.elements}
    results = cap.element_results(rubric, ratings)
    assert len(results) == len(rubric.elements)
    assert all(r.met is met for r in results)
    assert all(r.threshold == {"quality": P, "scope": NI, "consistency": NI} for r in results)


def test_a_program_can_edit_an_edition_file(tmp_path, monkeypatch):
    """Raise one element's threshold in a copy of the 2024 file: the rule follows the data."""
    folder = tmp_path / "resources" / "cap"
    folder.mkdir(parents=True)
    source = json.loads((cap_rubrics.editions_dir() / "cap_2024.json").read_text())
    source["elements"][0]["threshold"] = {"scope": "Proficient"}
    (folder / "cap_2024.json").write_text(json.dumps(source))
    monkeypatch.setattr(cap_rubrics, "editions_dir", lambda: folder)
    rubric = cap_rubrics.get("2024")
    assert rubric.elements[0].threshold == {"quality": P, "scope": P, "consistency": NI}
    ratings = {("summative", "joint", "I-A-1"): {"quality": P, "scope": NI, "consistency": NI}}
    result = cap.element_results(rubric, ratings)[0]
    assert result.met is False and result.short == ("scope Needs Improvement (needs Proficient)",)


def test_rating_levels_come_from_the_edition_file(session, tmp_path, monkeypatch):
    """A program adds a level ('Developing') to its copy of the 2024 file: ratings in it are saved (the
    database no longer fixes the four levels), thresholds count it, the forms print it; a level the
    edition does not have is refused with the edition's levels named (repro: the audit's ed_test.py)."""
    from app.services.cap import forms as cap_forms

    folder = tmp_path / "resources" / "cap"
    folder.mkdir(parents=True)
    for path in cap_rubrics.editions_dir().glob("cap_*.json"):
        (folder / path.name).write_text(path.read_text())
    source = json.loads((folder / "cap_2024.json").read_text())
    source["rating_levels"] = [U, "Developing", NI, P, E]
    (folder / "cap_2024.json").write_text(json.dumps(source))
    monkeypatch.setattr(cap_rubrics, "editions_dir", lambda: folder)
    assert cap_rubrics.get("2024").rating_levels == (U, "Developing", NI, P, E)
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    cap.set_rating(session, placement.id, stage="formative", rater="joint", element_code="I-A-1",
                   quality="Developing", scope="Developing", consistency=NI)
    cap.set_rating(session, placement.id, stage="summative", rater="joint", element_code="I-A-1",
                   quality=P, scope="Developing", consistency=NI)
    session.commit()
    session.expire_all()
    s = cap.summary(session, placement.id)
    first = s.elements[0]
    assert first.formative == {"quality": "Developing", "scope": "Developing", "consistency": NI}
    assert first.met is False and first.short == ("scope Developing (needs Needs Improvement)",)
    with pytest.raises(ValidationError, match="its levels: Unsatisfactory, Developing, Needs Improvement, "
                                              "Proficient, Exemplary"):
        cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1",
                       quality="Great", scope=NI, consistency=NI)
    from pypdf import PdfReader

    form = cap_forms.assessment_form(session, placement.id, "formative", tmp_path / "formative.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(str(form)).pages).replace("\n", " ")
    assert "Developing" in text and "Unsatisfactory, Developing, Needs Improvement, Proficient or Exemplary" in text
    summary = cap_forms.candidate_summary(session, placement.id, tmp_path / "summary.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(str(summary)).pages).replace("\n", " ")
    # spelled out, no codes (issue 20: "D / D / NI" was cryptic)
    assert "Developing / Developing / Needs Improvement" in text and "D / D / NI" not in text
    # the 2019 edition (not edited) still refuses the new level
    _c2, older = make_candidate(session, org, sp, first="Ben", last="Hart", number="C-002", edition="2019",
                                edition_reason="last year's cohort finishing under the 2019 guidelines")
    with pytest.raises(ValidationError, match="CAP 2019 edition"):
        cap.set_rating(session, older.id, stage="formative", rater="joint", element_code="1.A.1",
                       quality="Developing", scope=NI, consistency=NI)


def test_a_level_removed_from_the_file_does_not_break_the_summary(session, tmp_path, monkeypatch):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    rate_all(session, placement.id, "summative", (P, NI, NI))
    folder = tmp_path / "cap"
    folder.mkdir()
    source = json.loads((cap_rubrics.editions_dir() / "cap_2024.json").read_text())
    source["rating_levels"] = [U, "Approaching", P, E]
    source["default_threshold"] = {"quality": P, "scope": "Approaching", "consistency": "Approaching"}
    (folder / "cap_2024.json").write_text(json.dumps(source))
    monkeypatch.setattr(cap_rubrics, "editions_dir", lambda: folder)
    s = cap.summary(session, placement.id)
    assert s.elements[0].met is False
    assert "scope Needs Improvement (needs Approaching; not a level of this edition)" in s.elements[0].short


def test_observation_minimums_and_what_is_owed(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    today = dt.date(2026, 3, 20)
    owed = cap.summary(session, placement.id, today).owed
    assert owed[:3] == ("1 announced observation by the SP", "2 unannounced observations by the SP",
                        "2 announced observations by the PS")
    # the SP's announced one, with conferences; one unannounced by the SP, feedback not yet given
    cap.add_observation(session, placement.id, kind="announced", observer="sp", observed_on=dt.date(2026, 2, 10),
                        status="feedback_given", pre_conference_on=dt.date(2026, 2, 9),
                        post_conference_on=dt.date(2026, 2, 11))
    cap.add_observation(session, placement.id, kind="unannounced", observer="sp", observed_on=dt.date(2026, 3, 3),
                        status="held")
    # one announced by SP and PS together counts for both
    cap.add_observation(session, placement.id, kind="announced", observer="both", observed_on=dt.date(2026, 3, 12),
                        status="feedback_given", pre_conference_on=dt.date(2026, 3, 10),
                        post_conference_on=dt.date(2026, 3, 13))
    s = cap.summary(session, placement.id, today)
    assert s.counts == cap.ObservationCounts(announced=2, unannounced=1, by_sp=3, by_ps=1, total=3)
    assert s.owed == ("1 unannounced observation by the SP", "1 announced observation by the PS",
                      "the post-conference of the 3/3/2026 observation",
                      "an Early Literacy Observation Form")  # Elementary 1-6 in 2025-26
    # a planned announced observation without its pre-conference
    cap.add_observation(session, placement.id, kind="announced", observer="ps", observed_on=dt.date(2026, 3, 27))
    s = cap.summary(session, placement.id, today)
    assert "the pre-conference before the 3/27/2026 observation" in s.owed
    assert s.next_due == "Announced observation by the PS on 3/27/2026"


def test_minimums_met_owe_nothing(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp, field="Mathematics", grades="8-12")
    for kind, who, day in (("announced", "sp", 5), ("unannounced", "sp", 6), ("unannounced", "sp", 7),
                           ("announced", "ps", 8), ("announced", "ps", 9)):
        cap.add_observation(session, placement.id, kind=kind, observer=who, observed_on=dt.date(2026, 3, day),
                            status="feedback_given", pre_conference_on=dt.date(2026, 3, day),
                            post_conference_on=dt.date(2026, 3, day))
    s = cap.summary(session, placement.id, dt.date(2026, 4, 1))
    assert s.owed == ()
    assert not s.early_literacy_required


def test_ready_is_null_before_summative_then_true_or_false(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    rate_all(session, placement.id, "formative", (NI, NI, NI))
    rate_all(session, placement.id, "summative", (P, NI, NI))
    s = cap.summary(session, placement.id)
    assert s.ready is None  # every element met, but the summative step is not complete
    assert all(e.met for e in s.elements)
    with pytest.raises(ValidationError, match="three-way meeting"):
        cap.complete_step(session, placement.id, 5, dt.date(2026, 5, 6))
    cap.record_meeting(session, placement.id, 5, dt.date(2026, 5, 6))
    assert cap.summary(session, placement.id).ready is True
    cap.set_rating(session, placement.id, stage="summative", rater="joint", element_code="II-A-3",
                   quality=NI, scope=NI, consistency=NI)
    s = cap.summary(session, placement.id)
    assert s.ready is False
    assert "II-A-3 Inclusive Instruction: quality Needs Improvement (needs Proficient)" in s.missing


def test_unrated_element_after_summative_is_not_ready(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp, edition="2016", year_label="2018-2019",
                                   start=dt.date(2019, 1, 22), end=dt.date(2019, 5, 10))
    rate_all(session, placement.id, "summative", (P, P, P), only={"1.A.4", "1.B.2"})
    cap.record_meeting(session, placement.id, 5, dt.date(2019, 5, 8))
    s = cap.summary(session, placement.id)
    assert s.edition == "2016" and s.ready is False
    assert [e.met for e in s.elements] == [True, True, None, None, None, None]
    assert "2.A.3 Meeting Diverse Needs: no summative rating" in s.missing


def test_three_way_meetings_close_steps_2_4_5_only(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    s = cap.summary(session, placement.id)
    # DOMAIN.md, "CAP in detail": "Typical timing in a 15-16 week practicum: weeks 1-3, 3-7, 7/8, 15/16":
    # the end of weeks 3, 3, 8 and 8 of this 15.6-week practicum, and its last day (tests/test_cap_cycle.py)
    week_end = [START + dt.timedelta(days=7 * w - 1) for w in (3, 3, 8, 8)]
    assert [st.due_on for st in s.steps] == week_end + [END]
    assert s.next_due.startswith("Step 1 Self-assessment")
    cap.complete_step(session, placement.id, 1, dt.date(2026, 2, 5))
    with pytest.raises(ValidationError):
        cap.record_meeting(session, placement.id, 3, dt.date(2026, 2, 6))
    cap.record_meeting(session, placement.id, 2, dt.date(2026, 3, 1))
    s = cap.summary(session, placement.id)
    assert s.three_way_meetings == 1 and s.current_step == 3
    assert [st.status for st in s.steps][:2] == ["complete", "complete"]


def test_calibration_highlights_differences(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1",
                   quality=P, scope=NI, consistency=NI)
    cap.set_rating(session, placement.id, stage="formative", rater="ps", element_code="I-A-1",
                   quality=NI, scope=NI, consistency=P)
    rows = cap.calibration(session, placement.id, "formative")
    first = rows[0]
    assert first.code == "I-A-1" and first.differences == ("quality", "consistency")
    assert all(r.differences == () for r in rows[1:])
    with pytest.raises(ValidationError, match="quality"):
        cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1",
                       quality="Great", scope=NI, consistency=NI)


def test_practicum_hours_against_the_license_table(session):
    _school, sp, _other, org = make_world(session)
    cap.set_hours_requirement(session, "Moderate Disabilities", 400, 150)
    candidate, placement = make_candidate(session, org, sp, field="Moderate Disabilities", grades="PreK-8")
    assert candidate.hours_required is None  # follows the table, not a copy of it
    cap.log_hours(session, placement.id, dt.date(2026, 2, 2), 6 * 60)
    cap.log_hours(session, placement.id, dt.date(2026, 2, 3), 6 * 60 + 30, full_responsibility=True)
    s = cap.summary(session, placement.id)
    assert s.hours == 12.5 and s.full_responsibility_minutes == 390
    assert s.hours_required == 400 and not s.hours_overridden
    assert "387.5 practicum hours (of 400)" in s.missing
    assert "143.5 hours in full responsibility (of 150)" in s.missing


def test_required_hours_follow_the_table_unless_overridden(session):
    """A later edit of the table reaches existing candidates; a candidate's own number wins until cleared."""
    _school, sp, other, org = make_world(session)
    _c, follows = make_candidate(session, org, sp, field="Elementary", grades="1-6")
    _c2, own = make_candidate(session, org, other, first="Ben", last="Hart", number="C-002")
    assert cap.summary(session, follows.id).hours_required == 300  # no table row: 300 / 100
    cap.set_candidate_hours(session, own.id, 350)
    cap.set_hours_requirement(session, "elementary", 420, 120)  # edited after the candidates were added
    assert cap.summary(session, follows.id).hours_required == 420
    assert cap.summary(session, follows.id).full_responsibility_required == 120
    s = cap.summary(session, own.id)
    assert (s.hours_required, s.hours_overridden) == (350, True)
    assert "350.0 practicum hours (of 350)" in s.missing
    cap.set_candidate_hours(session, own.id, None)
    assert cap.summary(session, own.id).hours_required == 420
    cap.set_hours_requirement(session, "*", 310, 90)
    cap.remove_hours_requirement(session, "Elementary")
    assert cap.summary(session, follows.id).hours_required == 310
    cap.set_hours_requirement(session, "Elementary", 330, 100)  # removed, then entered again: the same row
    assert [(r.license_field, r.hours) for r in cap.hours_requirements(session)] == [("*", 310), ("Elementary", 330)]
    assert cap.summary(session, follows.id).hours_required == 330
    with pytest.raises(ValidationError, match="full_responsibility_hours"):
        cap.set_hours_requirement(session, "Biology", 300, 400)
    with pytest.raises(ValidationError, match="license_field"):
        cap.set_hours_requirement(session, " ", 300, 100)


def test_evidence_per_element_in_five_categories(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    obs = cap.add_observation(session, placement.id, kind="announced", observer="sp",
                              observed_on=dt.date(2026, 2, 10), status="held", focus=["II-A-3", "II-B-2"])
    cap.save_observation_evidence(session, obs, {"II-A-3": "Tiered exit tickets", "II-B-2": "Calm transitions"})
    cap.save_observation_evidence(session, obs, {"II-B-2": ""})  # emptied: removed
    cap.save_observation_evidence(session, obs, {"II-A-1": "High bar"})
    cap.save_observation_evidence(session, obs, {"II-A-1": ""})
    cap.save_observation_evidence(session, obs, {"II-A-1": "High bar, typed again"})  # the same row again
    assert cap.observation_detail(session, obs).evidence["II-A-1"] == "High bar, typed again"
    cap.save_observation_evidence(session, obs, {"II-A-1": ""})
    cap.add_evidence(session, placement.id, element_code="II-A-3", category="student_feedback",
                     note="Survey: 88% favorable on 'my teacher helps me'", collected_on=dt.date(2026, 3, 1))
    counts = cap.evidence_by_category(session, placement.id)
    assert counts == {"II-A-3": {"observation": 1, "student_learning": 0, "student_feedback": 1,
                                 "goal_progress": 0, "artifacts": 0}}
    assert cap.observation_detail(session, obs).evidence == {"II-A-3": "Tiered exit tickets"}
    with pytest.raises(ValidationError, match="category"):
        cap.add_evidence(session, placement.id, element_code="II-A-3", category="gossip", note="x",
                         collected_on=dt.date(2026, 3, 1))


def test_evidence_editor_in_every_category(session):
    """The CAP page's evidence editor: one piece for several elements, edited, moved, removed; student
    feedback surveys count as student feedback evidence for every element."""
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    ids = cap.save_evidence(session, placement.id, {"category": "student_learning", "elements": ["I-A-1", "II-A-3"],
                                                    "note": "Pre/post quiz: 45% to 82%", "collected_on": "2026-03-02"})
    assert len(ids) == 2
    items = cap.evidence(session, placement.id)
    assert {(i.element_code, i.category, i.collected_on) for i in items} == {
        ("I-A-1", "student_learning", dt.date(2026, 3, 2)), ("II-A-3", "student_learning", dt.date(2026, 3, 2))}
    first = next(i for i in items if i.element_code == "I-A-1")
    cap.save_evidence(session, placement.id, {"category": "artifacts", "elements": ["I-A-1", "IV-A-1"],
                                              "note": "Unit plan with tiered tasks", "collected_on": "2026-03-04"},
                      evidence_id=first.id)
    items = {(i.element_code, i.category): i for i in cap.evidence(session, placement.id)}
    assert set(items) == {("I-A-1", "artifacts"), ("IV-A-1", "artifacts"), ("II-A-3", "student_learning")}
    assert items[("I-A-1", "artifacts")].id == first.id  # edited in place
    cap.save_evidence(session, placement.id, {"category": "artifacts", "elements": ["II-B-2"],
                                              "note": "Unit plan with tiered tasks", "collected_on": "2026-03-04"},
                      evidence_id=first.id)  # moved to another element
    assert ("I-A-1", "artifacts") not in {(i.element_code, i.category) for i in cap.evidence(session, placement.id)}
    cap.delete_evidence(session, items[("IV-A-1", "artifacts")].id)
    cap.record_survey(session, placement.id, instrument=cap.survey_instrument_for("3"), given_on=dt.date(2026, 3, 9),
                      respondents=20, summary={"Percent favorable": 88})
    counts = cap.evidence_by_category(session, placement.id)
    assert set(counts) == {e.code for e in cap.edition_of(session, placement.id).elements}
    assert counts["II-A-3"] == {"observation": 0, "student_learning": 1, "student_feedback": 1, "goal_progress": 0,
                                "artifacts": 0}
    assert counts["II-B-2"]["artifacts"] == 1 and counts["IV-A-1"]["artifacts"] == 0
    assert all(c["student_feedback"] == 1 for c in counts.values())
    with pytest.raises(ValidationError) as refused:
        cap.save_evidence(session, placement.id, {"category": "gossip", "elements": [], "note": " ",
                                                  "collected_on": ""})
    assert {p.field for p in refused.value.problems} == {"category", "elements", "note", "collected_on"}
    with pytest.raises(ValidationError, match="not an element of the 2024 edition"):
        cap.save_evidence(session, placement.id, {"category": "artifacts", "elements": ["1.A.1"], "note": "x",
                                                  "collected_on": "2026-03-04"})
    obs = cap.add_observation(session, placement.id, kind="announced", observer="sp",
                              observed_on=dt.date(2026, 2, 10), status="held")
    cap.save_observation_evidence(session, obs, {"II-A-1": "High bar"})
    from_observation = next(i for i in cap.evidence(session, placement.id) if i.observation_id == obs)
    with pytest.raises(ValidationError, match="edited in that observation"):
        cap.delete_evidence(session, from_observation.id)


def test_survey_instrument_by_grade():
    assert cap.survey_instrument_for("PK") == cap.survey_instrument_for("2") == "Discussion protocol, grades K-2"
    assert cap.survey_instrument_for("3") == cap.survey_instrument_for("5") == "Student feedback survey, grades 3-5"
    assert cap.survey_instrument_for("6") == cap.survey_instrument_for("12") == "Student feedback survey, grades 6-12"


def test_ids_are_the_same_on_two_laptops(session):
    """Sync-ready: the organization, the steps, a rating and an observation's evidence per element get ids
    derived from what they are, so two laptops entering the same thing make the same row."""
    from app.models import derived_id
    from app.models.cap import CapRating, CapStep

    _school, sp, _other, org = make_world(session)
    assert org.id == derived_id("cap_organization", "Commonwealth State University")
    _c, placement = make_candidate(session, org, sp)
    cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1",
                   quality=P, scope=NI, consistency=NI)
    rating = session.scalars(select(CapRating)).one()
    assert rating.id == derived_id("cap_rating", f"{placement.id}:formative:sp:I-A-1")
    step = session.scalars(select(CapStep).where(CapStep.number == 2)).one()
    assert step.id == derived_id("cap_step", f"{placement.id}:2")


def test_a_deleted_observation_no_longer_counts(session):
    from app.models.cap import CapObservation

    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    obs = cap.add_observation(session, placement.id, kind="announced", observer="sp",
                              observed_on=dt.date(2026, 2, 10), status="feedback_given",
                              post_conference_on=dt.date(2026, 2, 11))
    assert cap.summary(session, placement.id).counts.total == 1
    session.get(CapObservation, obs).tombstone()
    session.flush()
    s = cap.summary(session, placement.id)
    assert s.counts.total == 0 and s.observations == ()
    assert "1 announced observation by the SP" in s.owed
