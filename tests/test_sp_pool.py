"""The supervising-practitioner pool (603 CMR 7.02; 001 SP job description; 000): each criterion met, not
met or unknown with its reason and citation; a placement with an SP who fails one is refused without an
override, and the override (reason, who, when) is on the placement, the CAP summary, the CAP form and
`report cap --json`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pypdf import PdfReader

from app.errors import ValidationError
from app.models import Educator, derived_id
from app.models.cap import CapCandidate, CapPlacement
from app.services import cap
from app.services.cap import supervisors
from app.services.years import ensure_year
from tests.cap_fixtures import END, QUALIFIED, START, YEAR, make_candidate, make_world, qualify

D = dt.date


def teacher(session, eid, **kw):  # type: ignore[no-untyped-def]
    values = dict(QUALIFIED, first_name="F" + eid, last_name="L" + eid, hire_date=D(2015, 8, 25))
    values.update(kw)
    e = Educator(id=derived_id("educator", eid), employee_id=eid, **values)
    session.add(e)
    session.flush()
    return e


def checks(session, educator, start=START):  # type: ignore[no-untyped-def]
    return {c.key: c for c in supervisors.sp_status(session, educator, YEAR, start).checks}


def test_a_qualified_sp_meets_every_criterion_each_with_reason_and_citation(session):
    ensure_year(session, YEAR)
    sp = teacher(session, "Q")
    qualify(session, sp)
    found = checks(session, sp)
    assert list(found) == ["experience", "rating", "recommended", "interested", "sp_trained", "employed"]
    assert all(c.met is True and c.status == "met" for c in found.values())
    assert found["experience"].reason == "7 years under a Professional license"
    assert found["rating"].reason == "rated Proficient (2025)"
    assert found["recommended"].reason == "recommended by Principal Grant on 2025-05-01"
    assert found["interested"].reason == "interested (2025-04-15)"
    assert found["sp_trained"].reason == "trained 2025-06-20, 6.0 h"
    for key in ("experience", "rating", "recommended", "interested"):
        assert "603 CMR 7.02" in found[key].citation
    assert "000" in found["sp_trained"].citation and "December 2015" in found["sp_trained"].citation
    assert "practicum" in found["employed"].citation and "7.12" not in found["employed"].citation
    assert supervisors.sp_status(session, sp, YEAR, START).eligible


@pytest.mark.parametrize(("change", "key", "met", "words"), [
    ({"years_experience": 2}, "experience", False, "2 full years of experience; needs 3"),
    ({"license_type": "Provisional"}, "experience", False, "holds a Provisional license"),
    ({"years_experience": None}, "experience", None, "years of experience not recorded"),
    ({"last_rating": "Needs Improvement"}, "rating", False, "needs Proficient or Exemplary"),
    ({"last_rating": None}, "rating", None, "no summative rating recorded"),
    ({"exit_date": D(2026, 2, 27)}, "employed", False, "leaves on 2/27/2026"),
    ({"hire_date": D(2026, 2, 2)}, "employed", False, "hired 2/2/2026, after the practicum starts (1/20/2026)"),
])
def test_each_roster_criterion_fails_with_its_reason(session, change, key, met, words):
    ensure_year(session, YEAR)
    sp = teacher(session, "X", **change)
    qualify(session, sp)
    check = checks(session, sp)[key]
    assert check.met is met and words in check.reason
    assert not supervisors.sp_status(session, sp, YEAR, START).eligible


def test_recommendation_needs_who_and_when(session):
    ensure_year(session, YEAR)
    sp = teacher(session, "R")
    assert checks(session, sp)["recommended"].reason == "no principal recommendation recorded"
    supervisors.record_recommendation(session, YEAR, sp.id, recommended_by="Principal Grant", recommended_on=None)
    check = checks(session, sp)["recommended"]
    assert check.met is None and check.reason == "recommendation recorded without the date"
    supervisors.record_recommendation(session, YEAR, sp.id, recommended_by=None, recommended_on=D(2025, 5, 2))
    assert checks(session, sp)["recommended"].reason == "recommendation recorded without who made it"
    supervisors.record_recommendation(session, YEAR, sp.id, recommended_by="Dr. Ames", recommended_on=D(2025, 5, 2))
    assert checks(session, sp)["recommended"].met is True


def test_interest_is_recorded_per_year(session):
    ensure_year(session, YEAR)
    sp = teacher(session, "I")
    assert checks(session, sp)["interested"].met is None
    supervisors.record_interest(session, YEAR, sp.id, interested=False, recorded_on=D(2025, 4, 1))
    check = checks(session, sp)["interested"]
    assert check.met is False and check.reason == "not interested this year (2025-04-01)"
    supervisors.record_interest(session, YEAR, sp.id, interested=True, recorded_on=D(2025, 4, 9))
    assert checks(session, sp)["interested"].reason == "interested (2025-04-09)"
    # another year's interest is not this year's
    assert supervisors.sp_status(session, sp, "2026-2027", D(2026, 9, 8)).checks[3].met is None


def test_sp_training_with_hours(session):
    ensure_year(session, YEAR)
    sp = teacher(session, "T")
    check = checks(session, sp)["sp_trained"]
    assert check.met is False and check.reason == "no SP training recorded"
    supervisors.add_sp_training(session, sp.id, completed_on=None, provider="CSU", hours=6)
    check = checks(session, sp)["sp_trained"]
    assert check.status == "pending" and check.reason == "SP training enrolled, not completed"
    supervisors.add_sp_training(session, sp.id, completed_on=D(2025, 3, 1), provider="CSU", hours=2.5)
    check = checks(session, sp)["sp_trained"]
    assert check.met is True and check.reason == "trained 2025-03-01, 2.5 h; under the 6 hours that earn PDPs"
    supervisors.add_sp_training(session, sp.id, completed_on=D(2025, 6, 1), provider="CSU", hours=4)
    assert checks(session, sp)["sp_trained"].reason == "trained 2025-06-01, 6.5 h"
    with pytest.raises(ValidationError, match="hours"):
        supervisors.add_sp_training(session, sp.id, completed_on=D(2025, 6, 1), provider="CSU", hours=0)


def _candidate(session, org):  # type: ignore[no-untyped-def]
    return cap.add_candidate(session, organization=org, first_name="Cara", last_name="Diaz", program="English",
                             license_field="English", license_grades="5-12", practicum_start=START,
                             practicum_end=END)


def test_an_unqualified_sp_is_refused_without_an_override(session):
    school, _sp, _other, org = make_world(session)
    novice = teacher(session, "N", first_name="Nora", last_name="Vance", license_type="Initial", years_experience=1,
                     last_rating="Needs Improvement", school=school)
    candidate = _candidate(session, org)
    with pytest.raises(ValidationError) as refused:
        cap.add_placement(session, candidate, sp=novice, ps_name="Dr. Park")
    message = str(refused.value)
    assert "sp_id" in message and "603 CMR 7.02" in message and "override" in message
    for label in ("3 full years", "Proficient or Exemplary", "Principal's recommendation", "Interest", "SP training"):
        assert label in message
    # the criteria by name only: no name or rating of the SP in a message that may reach a log
    assert "Nora" not in message and "Vance" not in message and "Needs Improvement" not in message
    assert session.query(CapPlacement).filter_by(sp_id=novice.id).count() == 0
    with pytest.raises(ValidationError, match="override"):
        cap.add_placement(session, candidate, sp=novice, ps_name="Dr. Park", sp_override_reason="   ")


def test_an_override_is_recorded_and_shown_on_the_summary_and_form(session, tmp_path):
    school, sp, _other, org = make_world(session)
    session.info["actor"] = "coordinator@district"
    novice = teacher(session, "N", license_type="Initial", years_experience=1, school=school)
    candidate = _candidate(session, org)
    placement = cap.add_placement(session, candidate, sp=novice, ps_name="Dr. Park",
                                  sp_override_reason="Only English teacher free in the spring; mentored by the chair")
    assert placement.sp_override_reason == "Only English teacher free in the spring; mentored by the chair"
    assert placement.sp_override_by == "coordinator@district" and placement.sp_override_on == dt.date.today()
    s = cap.summary(session, placement.id)
    assert s.sp_eligible is False
    assert {c.key: c.status for c in s.sp_checks} == {
        "experience": "not met", "rating": "met", "recommended": "not met", "interested": "unknown",
        "sp_trained": "not met", "employed": "met"}
    assert s.sp_override_reason.startswith("Only English teacher")
    # a qualified SP needs no override: a reason given anyway is not recorded
    _c, fine = make_candidate(session, org, sp, first="Ben", last="Hart", number="C-002")
    other = cap.add_placement(session, _candidate(session, org), sp=sp, ps_name="Dr. Park", sp_override_reason="x")
    assert other.sp_override_reason is None and cap.summary(session, fine.id).sp_eligible is True
    from app.services.cap.forms import candidate_summary, cap_form

    text = "".join(p.extract_text() for p in PdfReader(cap_form(session, placement.id, tmp_path / "f.pdf")).pages)
    assert "Supervising practitioner criteria (603 CMR 7.02)" in text
    assert "Placed with an override" in text and "Only English teacher free in the spring" in text
    assert "coordinator@district" in text and "not met" in text
    text = "".join(p.extract_text() for p in PdfReader(candidate_summary(session, placement.id, tmp_path / "s.pdf")).pages)
    assert "not all met; override: Only English teacher" in text
    text = "".join(p.extract_text() for p in PdfReader(cap_form(session, fine.id, tmp_path / "g.pdf")).pages)
    assert "Placed with an override" not in text


def test_an_override_given_later_for_an_sp_whose_record_changed(session):
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    with pytest.raises(ValidationError, match="no override needed"):
        supervisors.set_sp_override(session, placement.id, "just in case")
    sp.last_rating = "Needs Improvement"  # the evaluation after the placement was made
    session.flush()
    s = cap.summary(session, placement.id)
    assert s.sp_eligible is False and s.sp_override_reason == ""
    supervisors.set_sp_override(session, placement.id, "Candidate stays with the SP for the last three weeks",
                                by="coord", on=D(2026, 4, 20))
    s = cap.summary(session, placement.id)
    assert (s.sp_override_reason, s.sp_override_by, s.sp_override_on) == (
        "Candidate stays with the SP for the last three weeks", "coord", D(2026, 4, 20))


def test_report_cap_json_gives_each_placements_sp_checks(database, run_cli, tmp_path):
    with database.unit_of_work() as s:
        school, sp, _other, org = make_world(s)
        make_candidate(s, org, sp)
        novice = teacher(s, "N", years_experience=2, school=school)
        qualify(s, novice)
        cap.add_placement(s, _candidate(s, org), sp=novice, ps_name="Dr. Park",
                          sp_override_reason="Two years here, five in another state")
    out = tmp_path / "cap.json"
    code, _out, _err = run_cli("report", "cap", "--year", YEAR, "--out", out)
    assert code == 0
    entries = {e["candidate"]: e for e in json.loads(out.read_text(encoding="utf-8"))["candidates"]}
    ana, cara = entries["Ana Silva"], entries["Cara Diaz"]
    assert ana["sp_eligible"] is True and ana["sp_override"] is None
    assert [c["name"] for c in ana["sp_checks"]] == ["experience", "rating", "recommended", "interested",
                                                     "sp_trained", "employed"]
    assert all(c["status"] == "met" and c["reason"] for c in ana["sp_checks"])
    assert cara["sp_eligible"] is False
    failing = [c for c in cara["sp_checks"] if c["status"] != "met"]
    assert failing == [{"name": "experience", "status": "not met",
                        "reason": "2 full years of experience; needs 3",
                        "citation": "603 CMR 7.02 (supervising practitioner); 001 job description"}]
    assert cara["sp_override"]["reason"] == "Two years here, five in another state"


def test_the_pool_lists_the_interested_the_recommended_and_the_placed(session):
    school, sp, _other, org = make_world(session)
    make_candidate(session, org, sp)
    waiting = teacher(session, "W", school=school)
    supervisors.record_interest(session, YEAR, waiting.id, recorded_on=D(2025, 4, 1))
    teacher(session, "Z", school=school)  # neither interested, recommended nor placed: not in the pool
    rows = {r.employee_id: r for r in supervisors.supervisor_pool(session, YEAR, START)}
    assert set(rows) == {"SP1", "SP2", "W"}
    assert rows["SP1"].placements == 1 and rows["SP1"].eligible
    assert not rows["W"].eligible
    assert {c.key for c in rows["W"].status.failing} == {"recommended", "sp_trained"}


def test_the_demo_has_qualified_sps_and_one_placed_with_an_override(run_cli, tmp_path):
    assert run_cli("demo", "--year", YEAR)[0] == 0
    out = tmp_path / "cap.json"
    assert run_cli("report", "cap", "--year", YEAR, "--out", out)[0] == 0
    entries = json.loads(out.read_text(encoding="utf-8"))["candidates"]
    qualified = [e for e in entries if e["sp_eligible"]]
    overridden = [e for e in entries if not e["sp_eligible"]]
    assert len(qualified) >= 8 and overridden
    assert all(e["sp_override"] is None for e in qualified)
    assert all(c["status"] == "met" for e in qualified for c in e["sp_checks"])
    for e in overridden:  # the one SP whose training is still to come, placed with a reason
        assert {c["name"]: c["status"] for c in e["sp_checks"]} == {
            "experience": "met", "rating": "met", "recommended": "met", "interested": "met",
            "sp_trained": "pending", "employed": "met"}
        assert "SP training is booked for October" in e["sp_override"]["reason"]
    assert len({e["sp_employee_id"] for e in overridden}) == 1


def test_the_add_candidate_form_refuses_beside_the_sp_field_and_takes_an_override(session):
    school, _sp, _other, _org = make_world(session)
    novice = teacher(session, "N", years_experience=0, license_type="Initial", school=school)
    values = {"organization": "Bay College", "first_name": "Cara", "last_name": "Diaz", "program": "English",
              "license_field": "English", "license_grades": "5-12", "ps_name": "Dr. Park", "sp_id": str(novice.id),
              "practicum_start": START.isoformat(), "practicum_end": END.isoformat(), "year": YEAR}
    with pytest.raises(ValidationError) as refused:
        cap.add_candidate_with_placement(session, values)
    assert [p.field for p in refused.value.problems] == ["sp_id"]
    assert session.query(CapCandidate).filter_by(last_name="Diaz").count() == 0  # nothing written
    placement_id = cap.add_candidate_with_placement(session, {**values, "sp_override_reason": "Co-taught with SP1"})
    s = cap.summary(session, placement_id)
    assert s.sp_override_reason == "Co-taught with SP1" and not s.sp_eligible
