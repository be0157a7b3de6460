"""CAP ratings pinned as a supervisor reads them (2024 CAP guidelines, DOMAIN.md "CAP"): the Ratings
tab's grid for each step and rater, the rationale kept, a rating saved by someone else since refused by
name, the calibration table of SP against PS with its differences, the element results with what is
short, and readiness to teach. Written for issue 24 (mutation survivors in cap/ratings.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.errors import StaleRecordError, UsageError, ValidationError
from app.models import derived_id
from app.models.cap import CapRating
from app.services import cap
from app.services.cap import rubrics as cap_rubrics
from app.services.cap.ratings import ready_to_teach
from app.services.versions import MISSING
from tests.cap_fixtures import make_candidate, make_world, rate_all

P, NI, U, E = "Proficient", "Needs Improvement", "Unsatisfactory", "Exemplary"
CODES_2024 = ["I-A-1", "I-C-2", "II-A-1", "II-A-3", "II-B-2", "III-C-1", "IV-A-1"]
NONE3 = {"quality": None, "scope": None, "consistency": None}


def levels(q, s, c):  # type: ignore[no-untyped-def]
    return {"quality": q, "scope": s, "consistency": c}


@pytest.fixture
def placement(session):  # type: ignore[no-untyped-def]
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    # Another candidate of the same SP, rated everywhere: none of it shows in Ana's grids and tables.
    _o, other = make_candidate(session, org, sp, first="Ben", last="Ortiz", number="C-002")
    for stage in ("formative", "summative"):
        for rater in ("sp", "ps", "joint"):
            rate_all(session, other.id, stage, (E, E, E), rater=rater)
            if stage == "formative" and rater == "sp":
                _row(session, other, stage, rater, "I-C-2").deleted_at = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    session.flush()
    return placement


def _row(session, placement, stage, rater, code):  # type: ignore[no-untyped-def]
    return session.scalars(select(CapRating).where(
        CapRating.placement_id == placement.id, CapRating.stage == stage, CapRating.rater == rater,
        CapRating.element_code == code).execution_options(include_deleted=True)).one()


def test_each_step_and_rater_has_its_own_grid_and_the_rationale_is_kept(session, placement):
    rate = lambda stage, rater, code, q, s, c, **kw: cap.set_rating(  # noqa: E731
        session, placement.id, stage=stage, rater=rater, element_code=code, quality=q, scope=s, consistency=c, **kw)
    rate("formative", "sp", "I-A-1", P, NI, NI, rationale="Clear objectives posted and revisited.")
    rate("formative", "ps", "I-A-1", NI, NI, None)
    rate("formative", "joint", "II-A-1", E, P, P)
    rate("summative", "sp", "I-A-1", U, U, U)
    assert cap.load_ratings(session, placement.id, "formative", "sp").values == {"I-A-1": levels(P, NI, NI)}
    assert cap.load_ratings(session, placement.id, "formative", "ps").values == {"I-A-1": levels(NI, NI, None)}
    assert cap.load_ratings(session, placement.id, "formative", "joint").values == {"II-A-1": levels(E, P, P)}
    assert cap.load_ratings(session, placement.id, "summative", "sp").values == {"I-A-1": levels(U, U, U)}
    assert cap.load_ratings(session, placement.id, "summative", "joint").values == {}
    assert _row(session, placement, "formative", "sp", "I-A-1").rationale == "Clear objectives posted and revisited."
    assert _row(session, placement, "formative", "ps", "I-A-1").rationale is None
    # Rated again without a rationale: the levels change, the rationale written before stays.
    rate("formative", "sp", "I-A-1", E, P, NI)
    assert cap.load_ratings(session, placement.id, "formative", "sp").values == {"I-A-1": levels(E, P, NI)}
    assert _row(session, placement, "formative", "sp", "I-A-1").rationale == "Clear objectives posted and revisited."
    # A level cleared is saved as not rated.
    rate("formative", "sp", "I-A-1", E, None, NI, rationale="")
    assert cap.load_ratings(session, placement.id, "formative", "sp").values == {"I-A-1": levels(E, None, NI)}
    assert _row(session, placement, "formative", "sp", "I-A-1").rationale == ""


def test_one_rating_one_id_on_every_laptop(session, placement):
    """The same rating entered on two laptops is one record (its id derives from what it rates), so a
    sync merges it field by field instead of keeping two."""
    cap.set_rating(session, placement.id, stage="summative", rater="joint", element_code="IV-A-1",
                   quality=P, scope=P, consistency=P)
    row = _row(session, placement, "summative", "joint", "IV-A-1")
    assert row.id == derived_id("cap_rating", f"{placement.id}:summative:joint:IV-A-1")


def test_a_removed_rating_is_not_shown_and_rating_it_again_brings_back_the_same_record(session, placement):
    cap.set_rating(session, placement.id, stage="formative", rater="joint", element_code="I-C-2",
                   quality=P, scope=NI, consistency=NI)
    row = _row(session, placement, "formative", "joint", "I-C-2")
    first_id = row.id
    row.deleted_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.timezone.utc)  # removed (on this laptop or another, synced)
    session.flush()
    loaded = cap.load_ratings(session, placement.id, "formative", "joint")
    assert loaded.values == {}
    assert loaded.versions == {"I-C-2": row.version}  # its version kept: rating it again changes that record
    summary = cap.summary(session, placement.id)
    assert summary.elements[1].code == "I-C-2" and summary.elements[1].formative == NONE3
    assert [r.sp for r in cap.calibration(session, placement.id, "formative")] == [NONE3] * 7
    assert [r.joint for r in cap.calibration(session, placement.id, "formative")] == [NONE3] * 7
    cap.save_ratings(session, placement.id, stage="formative", rater="joint", loaded=loaded,
                     ratings={"I-C-2": levels(E, E, E)})
    again = _row(session, placement, "formative", "joint", "I-C-2")
    assert again.id == first_id and again.deleted_at is None
    assert cap.load_ratings(session, placement.id, "formative", "joint").values == {"I-C-2": levels(E, E, E)}


@pytest.mark.parametrize(("rater", "who"), [("sp", "the SP"), ("ps", "the PS"), ("joint", "the SP and PS together")])
def test_a_rating_saved_since_is_refused_by_name_and_overwrite_writes_it(session, placement, rater, who):
    cap.set_rating(session, placement.id, stage="summative", rater=rater, element_code="II-B-2",
                   quality=NI, scope=NI, consistency=NI)
    shown = _row(session, placement, "summative", rater, "II-B-2").version
    cap.set_rating(session, placement.id, stage="summative", rater=rater, element_code="II-B-2",
                   quality=P, scope=NI, consistency=NI)  # someone else's save since it was shown
    with pytest.raises(StaleRecordError) as exc:
        cap.set_rating(session, placement.id, stage="summative", rater=rater, element_code="II-B-2",
                       quality=U, scope=U, consistency=U, version=shown)
    assert exc.value.what == f"Ana Silva's summative rating of II-B-2 by {who}"
    assert cap.load_ratings(session, placement.id, "summative", rater).values == {"II-B-2": levels(P, NI, NI)}
    cap.set_rating(session, placement.id, stage="summative", rater=rater, element_code="II-B-2",
                   quality=U, scope=U, consistency=U, version=shown, overwrite=True)
    assert cap.load_ratings(session, placement.id, "summative", rater).values == {"II-B-2": levels(U, U, U)}
    # The version shown now is current: saved without a question.
    now = _row(session, placement, "summative", rater, "II-B-2").version
    cap.set_rating(session, placement.id, stage="summative", rater=rater, element_code="II-B-2",
                   quality=E, scope=U, consistency=U, version=now)
    assert cap.load_ratings(session, placement.id, "summative", rater).values == {"II-B-2": levels(E, U, U)}


def test_a_first_rating_someone_else_made_since_the_grid_opened_is_refused(session, placement):
    loaded = cap.load_ratings(session, placement.id, "formative", "ps")
    assert loaded.values == {} and loaded.versions == {}
    cap.set_rating(session, placement.id, stage="formative", rater="ps", element_code="III-C-1",
                   quality=NI, scope=None, consistency=None)  # the other person's first rating
    with pytest.raises(StaleRecordError) as exc:
        cap.save_ratings(session, placement.id, stage="formative", rater="ps", loaded=loaded,
                         ratings={"III-C-1": levels(P, None, None)})
    assert exc.value.what == "Ana Silva's formative rating of III-C-1 by the PS"
    assert MISSING == 0
    cap.save_ratings(session, placement.id, stage="formative", rater="ps", loaded=loaded,
                     ratings={"III-C-1": levels(P, None, None)}, overwrite=True)
    assert cap.load_ratings(session, placement.id, "formative", "ps").values == {"III-C-1": levels(P, None, None)}


def test_the_grid_writes_only_the_levels_the_person_changed(session, placement):
    cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1",
                   quality=NI, scope=NI, consistency=NI)
    cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="II-A-3",
                   quality=P, scope=P, consistency=P)
    loaded = cap.load_ratings(session, placement.id, "formative", "sp")
    versions = dict(loaded.versions)
    # The person changes I-A-1's quality and leaves II-A-3 as it opened; unrated elements stay unrated.
    cap.save_ratings(session, placement.id, stage="formative", rater="sp", loaded=loaded, ratings={
        "I-A-1": levels(P, NI, NI), "II-A-3": levels(P, P, P), "IV-A-1": NONE3})
    after = cap.load_ratings(session, placement.id, "formative", "sp")
    assert after.values == {"I-A-1": levels(P, NI, NI), "II-A-3": levels(P, P, P)}  # no empty IV-A-1 made
    assert after.versions["II-A-3"] == versions["II-A-3"]  # untouched: no new version
    assert after.versions["I-A-1"] == versions["I-A-1"] + 1


def test_the_grid_merges_with_a_change_someone_else_made_to_another_level(session, placement):
    cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1",
                   quality=NI, scope=NI, consistency=NI)
    loaded = cap.load_ratings(session, placement.id, "formative", "sp")
    # Meanwhile consistency is raised (the person saved; the grid below opened before it).
    cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1",
                   quality=NI, scope=NI, consistency=P)
    with pytest.raises(StaleRecordError):
        cap.save_ratings(session, placement.id, stage="formative", rater="sp", loaded=loaded,
                         ratings={"I-A-1": levels(P, NI, NI)})
    cap.save_ratings(session, placement.id, stage="formative", rater="sp", loaded=loaded,
                     ratings={"I-A-1": levels(P, NI, NI)}, overwrite=True)
    # Only quality was changed in this grid: the other person's consistency stays.
    assert cap.load_ratings(session, placement.id, "formative", "sp").values == {"I-A-1": levels(P, NI, P)}


def test_a_rating_of_an_element_the_edition_lacks_is_refused_and_a_rationale_is_not_a_level(session, placement):
    with pytest.raises(UsageError, match=r"CAP 2024: no element '1\.A\.4'"):
        cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="1.A.4",
                       quality=P, scope=P, consistency=P)
    cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1",
                   quality=None, scope=None, consistency=None, rationale="Not observed yet")
    assert _row(session, placement, "formative", "sp", "I-A-1").rationale == "Not observed yet"
    with pytest.raises(ValidationError) as exc:
        cap.set_rating(session, placement.id, stage="summative", rater="joint", element_code="I-A-1",
                       quality=P, scope="Developing", consistency="Great")
    assert [(p.field, p.value) for p in exc.value.problems] == [("scope", "Developing"), ("consistency", "Great")]
    assert cap.load_ratings(session, placement.id, "summative", "joint").values == {}


def test_calibration_table_sp_against_ps_for_one_step(session, placement):
    rate = lambda stage, rater, code, q, s, c: cap.set_rating(  # noqa: E731
        session, placement.id, stage=stage, rater=rater, element_code=code, quality=q, scope=s, consistency=c)
    rate("formative", "sp", "I-A-1", P, NI, NI)
    rate("formative", "ps", "I-A-1", NI, NI, P)
    rate("formative", "joint", "I-A-1", NI, NI, NI)
    rate("formative", "sp", "II-A-1", E, None, P)  # PS rated scope only: no difference where one is blank
    rate("formative", "ps", "II-A-1", None, P, NI)
    rate("formative", "sp", "II-B-2", U, U, U)  # the SP alone: nothing to compare
    rate("summative", "sp", "IV-A-1", P, P, P)  # the other step: not in this table
    rate("summative", "ps", "IV-A-1", U, U, U)
    rubric = cap.edition_of(session, placement.id)
    names = {e.code: e.name for e in rubric.elements}
    rows = cap.calibration(session, placement.id, "formative")
    assert [r.code for r in rows] == CODES_2024
    assert [r.name for r in rows] == [names[c] for c in CODES_2024]
    got = {r.code: (r.sp, r.ps, r.joint, r.differences) for r in rows}
    assert got == {
        "I-A-1": (levels(P, NI, NI), levels(NI, NI, P), levels(NI, NI, NI), ("quality", "consistency")),
        "I-C-2": (NONE3, NONE3, NONE3, ()),
        "II-A-1": (levels(E, None, P), levels(None, P, NI), NONE3, ("consistency",)),
        "II-A-3": (NONE3, NONE3, NONE3, ()),
        "II-B-2": (levels(U, U, U), NONE3, NONE3, ()),
        "III-C-1": (NONE3, NONE3, NONE3, ()),
        "IV-A-1": (NONE3, NONE3, NONE3, ()),
    }
    summative = {r.code: (r.sp, r.ps, r.differences) for r in cap.calibration(session, placement.id, "summative")}
    assert summative["IV-A-1"] == (levels(P, P, P), levels(U, U, U), ("quality", "scope", "consistency"))
    assert summative["I-A-1"] == (NONE3, NONE3, ())
    # The table is a copy: editing it changes no stored rating and no other row.
    rows[1].sp["quality"] = E
    assert cap.calibration(session, placement.id, "formative")[1].sp == NONE3
    assert rows[3].sp == NONE3


def test_element_results_say_what_is_met_and_what_is_short():
    rubric = cap_rubrics.get("2024")
    ratings = {
        ("summative", "joint", "I-A-1"): levels(P, NI, NI),        # met at the thresholds exactly
        ("formative", "joint", "I-A-1"): levels(NI, U, U),
        ("summative", "joint", "I-C-2"): levels(NI, P, P),         # quality short
        ("summative", "joint", "II-A-1"): levels(P, None, NI),     # scope not rated: not met
        ("summative", "joint", "II-A-3"): levels("Developing", U, E),  # a level this edition lacks
        ("summative", "sp", "II-B-2"): levels(E, E, E),            # the SP alone: not the joint result
        ("formative", "joint", "III-C-1"): levels(P, P, P),        # formative only: not rated
        ("summative", "joint", "IV-A-1"): levels(E, E, E),
    }
    results = cap.element_results(rubric, ratings)
    assert [r.code for r in results] == CODES_2024
    assert [r.name for r in results] == [e.name for e in rubric.elements]
    got = {r.code: (r.met, r.short) for r in results}
    assert got == {
        "I-A-1": (True, ()),
        "I-C-2": (False, ("quality Needs Improvement (needs Proficient)",)),
        "II-A-1": (False, ("scope not rated",)),
        "II-A-3": (False, ("quality Developing (needs Proficient; not a level of this edition)",
                           "scope Unsatisfactory (needs Needs Improvement)")),
        "II-B-2": (None, ("quality not rated", "scope not rated", "consistency not rated")),
        "III-C-1": (None, ("quality not rated", "scope not rated", "consistency not rated")),
        "IV-A-1": (True, ()),
    }
    first = results[0]
    assert first.formative == levels(NI, U, U) and first.summative == levels(P, NI, NI)
    assert results[6].formative == NONE3 and results[5].formative == levels(P, P, P)
    assert all(r.threshold == {"quality": P, "scope": NI, "consistency": NI} for r in results)
    # The results are copies: changing one changes neither the ratings nor the edition's thresholds.
    first.summative["quality"] = U
    first.threshold["quality"] = U
    results[6].formative["quality"] = P
    assert ratings[("summative", "joint", "I-A-1")] == levels(P, NI, NI)
    again = cap.element_results(rubric, ratings)
    assert again[0].threshold["quality"] == P and again[6].formative == NONE3


def test_ready_to_teach_only_when_summative_complete_and_every_element_met():
    rubric = cap_rubrics.get("2024")
    met = {("summative", "joint", c): levels(P, NI, NI) for c in CODES_2024}
    all_met = cap.element_results(rubric, met)
    one_short = cap.element_results(rubric, {**met, ("summative", "joint", "II-A-3"): levels(P, U, NI)})
    one_unrated = cap.element_results(rubric, {k: v for k, v in met.items() if k[2] != "IV-A-1"})
    assert ready_to_teach(False, all_met) is None
    assert ready_to_teach(True, all_met) is True
    assert ready_to_teach(True, one_short) is False
    assert ready_to_teach(True, one_unrated) is False
    assert ready_to_teach(False, one_short) is None
