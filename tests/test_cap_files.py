"""CAP files as the coordinator and the state read them: `report cap` JSON in the issue's shape, the PDF
forms read back as text, the yearly export, the demo; and CAP never in a principal roster or the state report."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from pypdf import PdfReader

from app.services import cap
from app.services.cap import forms as cap_forms
from tests.cap_fixtures import YEAR, make_candidate, make_world, rate_all

P, NI = "Proficient", "Needs Improvement"
SECRET_EVIDENCE = "Zebra-evidence: tiered exit tickets for table four"
SECRET_FEEDBACK = "Quokka-feedback: tighten transitions"
SECRET_RATIONALE = "Narwhal-rationale"


def _text(path) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _full_cycle(session):  # type: ignore[no-untyped-def]
    _school, sp, other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    _c2, second = make_candidate(session, org, other, first="Ben", last="Hart", field="Mathematics", grades="8-12",
                                 number="C-002")
    cap.complete_step(session, placement.id, 1, dt.date(2026, 2, 5))
    cap.set_goals(session, placement.id, professional_practice="Check for understanding each lesson",
                  student_learning="80% reach the fractions target")
    cap.record_meeting(session, placement.id, 2, dt.date(2026, 3, 1))
    obs = cap.add_observation(session, placement.id, kind="announced", observer="sp",
                              observed_on=dt.date(2026, 3, 3), minutes=45, focus=["II-A-3", "II-B-2"],
                              status="feedback_given", pre_conference_on=dt.date(2026, 3, 2),
                              post_conference_on=dt.date(2026, 3, 4), early_literacy=True,
                              reinforcement=SECRET_FEEDBACK, refinement="Plan for early finishers")
    cap.save_observation_evidence(session, obs, {"II-A-3": SECRET_EVIDENCE, "II-B-2": "Calm transitions"})
    rate_all(session, placement.id, "formative", (NI, NI, NI))
    cap.set_rating(session, placement.id, stage="formative", rater="sp", element_code="I-A-1", quality=P,
                   scope=NI, consistency=NI, rationale=SECRET_RATIONALE)
    cap.set_rating(session, placement.id, stage="formative", rater="ps", element_code="I-A-1", quality=NI,
                   scope=NI, consistency=NI)
    rate_all(session, placement.id, "summative", (P, NI, NI))
    cap.record_meeting(session, placement.id, 4, dt.date(2026, 3, 20))
    cap.record_meeting(session, placement.id, 5, dt.date(2026, 5, 6))
    cap.log_hours(session, placement.id, dt.date(2026, 2, 2), 390, full_responsibility=True)
    cap.record_survey(session, placement.id, instrument="Grades 3-5 survey", given_on=dt.date(2026, 3, 10),
                      respondents=22, summary={"My teacher helps me (% favorable)": 91})
    session.commit()
    return placement.id, second.id, obs


def test_report_cap_json_has_the_issue_shape(session, run_cli, tmp_path):
    _full_cycle(session)
    out = tmp_path / "cap.json"
    code, said, _err = run_cli("report", "cap", "--year", YEAR, "--out", out)
    assert code == 0 and "2 candidates" in said
    data = json.loads(out.read_text())
    first, second = data["candidates"]  # by last name: Hart, Silva
    assert second["candidate"] == "Ana Silva" and first["candidate"] == "Ben Hart"
    assert set(second) == {"candidate", "program", "edition", "sp_employee_id", "program_supervisor", "observations",
                           "three_way_meetings", "practicum_hours", "elements", "ready", "missing",
                           "sp_checks", "sp_eligible", "sp_override"}  # issue 21: the SP criteria (603 CMR 7.02)
    assert second["edition"] == "2024" and second["sp_employee_id"] == "SP1"
    assert second["program_supervisor"] == "Dr. Helen Park"
    assert second["observations"] == {"announced": 1, "unannounced": 0, "by_sp": 1, "by_ps": 0}
    assert second["three_way_meetings"] == 3 and second["practicum_hours"] == 6.5
    element = second["elements"][0]
    assert element == {"code": "I-A-1", "name": "Subject Matter Knowledge",
                       "formative": {"quality": NI, "scope": NI, "consistency": NI},
                       "summative": {"quality": P, "scope": NI, "consistency": NI},
                       "threshold": {"quality": P, "scope": NI, "consistency": NI}, "met": True}
    assert second["ready"] is True
    assert first["ready"] is None and first["elements"][0]["met"] is None
    assert "2 unannounced observations by the SP" in first["missing"]
    code, _said, _err = run_cli("report", "cap", "--year", YEAR, "--candidate", "hart", "--out", out)
    assert code == 0 and [c["candidate"] for c in json.loads(out.read_text())["candidates"]] == ["Ben Hart"]
    code, _said, err = run_cli("report", "cap", "--year", YEAR, "--candidate", "nobody", "--out", out)
    assert code == 2 and "no CAP candidate" in err
    code, _said, _err = run_cli("report", "cap", "--year", YEAR, "--out", tmp_path / "cap.txt")
    assert code == 2


def test_report_cap_pdf(session, run_cli, tmp_path):
    _full_cycle(session)
    out = tmp_path / "cap.pdf"
    code, _said, _err = run_cli("report", "cap", "--year", YEAR, "--out", out)
    assert code == 0
    text = _text(out)
    assert "CAP progress 2025-2026" in text and "Ana Silva" in text and "Ben Hart" in text


def test_forms_read_back_as_text(session, tmp_path):
    placement_id, _second, obs = _full_cycle(session)
    made = cap_forms.print_all(session, placement_id, tmp_path)
    names = sorted(p.name for p in made)
    observation_file = f"ana-silva-2025-2026-observation-2026-03-03-sp-{obs.hex[:8]}.pdf"
    assert names == ["ana-silva-2025-2026-cap-form.pdf", "ana-silva-2025-2026-formative.pdf",
                     observation_file, "ana-silva-2025-2026-student-feedback.pdf",
                     "ana-silva-2025-2026-summary.pdf", "ana-silva-2025-2026-summative.pdf"]
    form = _text(tmp_path / "ana-silva-2025-2026-cap-form.pdf")
    assert "Candidate Assessment of Performance: CAP form" in form and "Goal setting and plan development" in form
    assert "Check for understanding each lesson" in form and "Teacher candidate:" in form
    observation = _text(tmp_path / observation_file)
    assert "Early Literacy Observation Form" in observation
    assert "II-A-3 Inclusive Instruction" in observation and "tiered exit tickets" in observation
    assert "Areas of reinforcement" in observation and "Observer:" in observation
    formative = _text(tmp_path / "ana-silva-2025-2026-formative.pdf")
    assert "CAP formative assessment form" in formative and "Needs Improvement" in formative
    assert "where the SP's and the PS's judgments differed" in formative and "I-A-1" in formative
    # the grades 3-5 survey counts as student feedback for every element (it showed 0 before)
    assert "Student feedback includes 1 student feedback survey" in formative
    assert "II-A-3 1 0 1 0 0" in formative.replace("\n", " ")  # observations, learning, feedback, goal, artifacts
    assert "I-A-1 0 0 1 0 0" in formative.replace("\n", " ")
    summative = _text(tmp_path / "ana-silva-2025-2026-summative.pdf")
    assert "Readiness decision: Ready to teach" in summative
    assert "Supervising practitioner:" in summative and "Program supervisor:" in summative
    summary = _text(tmp_path / "ana-silva-2025-2026-summary.pdf")
    assert len(PdfReader(str(tmp_path / "ana-silva-2025-2026-summary.pdf")).pages) == 1
    assert "Ready to teach" in summary and "6.5 of 300" in summary
    feedback = _text(tmp_path / "ana-silva-2025-2026-student-feedback.pdf")
    assert "Grades 3-5 survey" in feedback and "91" in feedback


def test_forms_kept_per_year_three_most_recent(session):
    placement_id, _second, _obs = _full_cycle(session)
    cap_forms.print_all(session, placement_id)
    for year in ("2021-2022", "2022-2023", "2023-2024"):
        cap_forms.forms_folder(year)
    assert cap_forms.retained_years() == ["2025-2026", "2023-2024", "2022-2023"]
    assert (cap_forms.forms_folder(YEAR) / "ana-silva-2025-2026-summative.pdf").exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_yearly_export(session, run_cli, tmp_path, suffix):
    _full_cycle(session)
    out = tmp_path / f"cap{suffix}"
    code, _said, _err = run_cli("export", "cap", "--year", YEAR, "--out", out)
    assert code == 0
    if suffix == ".csv":
        rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(out).active
        values = list(sheet.values)
        rows = [dict(zip(values[0], [("" if v is None else str(v)) for v in r])) for r in values[1:]]
    assert len(rows) == 14  # two candidates x seven 2024 elements
    ana = [r for r in rows if r["candidate_name"] == "Ana Silva"]
    first = ana[0]
    assert first["program"] == "Elementary Education (Initial)" and first["school_year"] == YEAR
    assert first["practicum_school"] == "Lincoln Elementary" and first["candidate_id"] == "C-001"
    assert first["supervising_practitioner"] == "Maria Lopez" and first["sp_email"] == "mlopez@district.org"
    assert first["program_supervisor"] == "Dr. Helen Park" and first["sp_employee_id"] == "SP1"
    assert first["formative_quality"] == NI and first["summative_quality"] == P
    assert first["ready_to_teach"] == "yes"
    assert all(r["ready_to_teach"] == "" for r in rows if r["candidate_name"] == "Ben Hart")
    assert SECRET_EVIDENCE not in out.read_bytes().decode("latin-1")


def test_no_cap_in_principal_roster_or_state_report(session, tmp_path):
    """CAP evidence and ratings are personnel records: neither the principal roster nor the state report
    shows any of it, even with a full CAP cycle in the database."""
    from app.services.reports import principal_roster
    from app.services.reports import state_report
    from app.services.reports import state_report_files

    _full_cycle(session)
    roster = principal_roster.write_roster_pdf(session, YEAR, tmp_path / "roster.pdf")
    report = state_report.compute(session, YEAR)
    files = [state_report_files.write(report, tmp_path / f"state{ext}") for ext in (".json", ".csv", ".pdf")]
    texts = [_text(roster), _text(files[2]), files[0].read_text(), files[1].read_text()]
    for text in texts:
        for secret in (SECRET_EVIDENCE, SECRET_FEEDBACK, SECRET_RATIONALE, "Check for understanding each lesson",
                       "Inclusive Instruction", "II-A-3", "Ana Silva", "ready to teach", "Ready to teach"):
            assert secret not in text


def test_confidential_columns_are_marked_and_deferred():
    from app.models.cap import CapEvidence, CapObservation, CapPlacement, CapRating, CapSurvey

    for column in (CapEvidence.note, CapObservation.reinforcement, CapObservation.refinement, CapRating.quality,
                   CapRating.scope, CapRating.consistency, CapRating.rationale, CapPlacement.student_learning_goal,
                   CapPlacement.professional_practice_goal, CapSurvey.summary):
        assert column.property.columns[0].info.get("confidential") is True
        assert column.property.deferred is True


def test_demo_has_candidates_at_different_steps(session):
    from app.services.demo.district import build_demo

    message = build_demo(session, size="small", seed=3, year_label="2025-2026")
    assert "12 CAP candidates" in message
    rows = cap.my_candidates(session, "2025-2026")
    assert len(rows) == 12
    assert len({r.step for r in rows}) >= 5
    editions = [r.edition for r in rows]
    assert editions.count("2024") >= 9 and editions.count("2019") >= 1
    assert {r.ready for r in rows} >= {None, True}


@pytest.mark.parametrize("today", [dt.date(2026, 11, 30), dt.date(2026, 9, 20), dt.date(2027, 3, 15)])
def test_demo_dates_are_relative_to_today(session, monkeypatch, today):
    """In the current school year nothing held (observation, conference, meeting, hours, survey, evidence)
    is dated after today; the Early Literacy Observation Form only for licenses that require it; the
    student feedback instrument follows the placement's grade."""
    from sqlalchemy import select

    from app.models.cap import CapEvidence, CapHours, CapObservation, CapStep, CapSurvey
    from app.services.demo import cap as cap_demo
    from app.services.demo.district import build_demo

    monkeypatch.setattr(cap_demo, "_today", lambda: today)
    build_demo(session, size="small", seed=4, year_label="2026-2027")
    held = list(session.scalars(select(CapObservation).where(CapObservation.status != "planned")))
    assert all(o.observed_on <= today for o in held)
    assert held or today.month == 9  # three weeks into the year, nobody has been observed yet
    assert all(o.post_conference_on is None or o.post_conference_on <= today
               for o in session.scalars(select(CapObservation)))
    assert all(d is None or d <= today for st in session.scalars(select(CapStep))
               for d in (st.meeting_on, st.completed_on))
    assert all(h.worked_on <= today for h in session.scalars(select(CapHours)))
    assert all(x.given_on <= today for x in session.scalars(select(CapSurvey)))
    assert all(e.collected_on <= today for e in session.scalars(select(CapEvidence)))
    summaries = {s.placement_id: s for s in cap.summaries(session, [p.id for p in cap.find_placements(session,
                                                                                                    "2026-2027")])}
    assert len({s.current_step for s in summaries.values()}) >= 3 or today.month == 9
    for o in session.scalars(select(CapObservation).where(CapObservation.early_literacy.is_(True))):
        assert summaries[o.placement_id].early_literacy_required, summaries[o.placement_id].license_sought
    assert not any(s.early_literacy_required for s in summaries.values()
                   if s.license_field in ("History", "Mathematics", "Biology", "English", "ESL"))
    for survey in session.scalars(select(CapSurvey)):
        assert survey.instrument == cap.survey_instrument_for(summaries[survey.placement_id].grade)


def test_unknown_year_is_refused_not_created(run_cli, tmp_path):
    """A report only reads (issue 19): an unknown year is an error naming the years there are, and no file."""
    out = tmp_path / "cap.json"
    code, _said, err = run_cli("report", "cap", "--year", "2030-2031", "--out", out)
    assert code == 1 and "no school year 2030-2031 (it has: " in err
    assert not out.exists()
    code, _said, err = run_cli("report", "cap", "--year", "2030", "--out", out)
    assert code == 2 and "2025-2026" in err


def test_two_observations_on_one_day_get_two_files(session, tmp_path):
    """Repro of the audit's collide.py: an SP and a PS observation on the same day were one file."""
    _school, sp, _other, org = make_world(session)
    _c, placement = make_candidate(session, org, sp)
    made_ids = []
    for who in ("sp", "ps", "sp"):
        o = cap.add_observation(session, placement.id, kind="unannounced", observer=who,
                                observed_on=dt.date(2026, 3, 20), status="held")
        cap.save_observation_evidence(session, o, {"I-A-1": f"evidence by {who}"})
        made_ids.append(o)
    made = cap_forms.print_all(session, placement.id, tmp_path)
    observation_files = sorted(p.name for p in made if "-observation-" in p.name)
    assert len(observation_files) == 3 and len(set(made)) == len(made) == 8
    assert all(f"-{o.hex[:8]}.pdf" in " ".join(observation_files) for o in made_ids)
    assert {f.split("-observation-2026-03-20-")[1][:2] for f in observation_files} == {"sp", "ps"}
    again = cap_forms.print_all(session, placement.id, tmp_path)
    assert sorted(p.name for p in again) == sorted(p.name for p in made)  # stable: printing again replaces
    texts = [_text(p) for p in made if "-observation-" in p.name]
    assert sum("evidence by ps" in t for t in texts) == 1 and sum("evidence by sp" in t for t in texts) == 2


def test_early_literacy_form_follows_the_states_structure(session, tmp_path):
    """Look-fors by grade band (PK-3, 4-6, 6-8 for Moderate Disabilities), per element I-A-1, II-A-1, II-B-2,
    with the ones seen marked; only licenses that require the form get it."""
    from app.services.cap import literacy as cap_literacy
    from app.errors import ValidationError

    literacy = cap_literacy.form()
    assert literacy.elements == ("I-A-1", "II-A-1", "II-B-2")
    assert [b.key for b in literacy.bands] == ["PK-3", "4-6", "6-8"]
    _school, sp, other, org = make_world(session)
    _c, ana = make_candidate(session, org, sp)  # Elementary 1-6, grade 3
    pk3 = literacy.band("PK-3")
    seen = [item.id for item in pk3.for_element("II-A-1")][:1]
    obs = cap.add_observation(session, ana.id, kind="announced", observer="ps", observed_on=dt.date(2026, 3, 5),
                              status="held", focus=["I-A-1", "II-B-2"], early_literacy=True, look_fors=seen)
    cap.save_observation_evidence(session, obs, {"I-A-1": "Modeled the short a sound", "IV-A-1": "Named a change"})
    s = cap.summary(session, ana.id)
    assert s.early_literacy_required and s.literacy_band == "PK-3"
    assert "an Early Literacy Observation Form" not in s.owed
    path = cap_forms.observation_form(session, obs, tmp_path / "elof.pdf")
    text = _text(path).replace("\n", " ")
    assert "Early Literacy Observation Form: look-fors for Grades PK-3" in text
    for code in ("I-A-1 Subject Matter Knowledge", "II-A-1 High Expectations and Support",
                 "II-B-2 Safe Learning Environment"):
        assert code in text
    first = literacy.look_for(seen[0]).text
    assert first[:40] in text and "Yes" in text
    assert "Modeled the short a sound" in text and "Named a change" in text
    assert "Evidence for the other elements" in text
    assert literacy.band("4-6").look_fors[0].text[:40] not in text  # only the placement's band

    _c, md = make_candidate(session, org, other, first="Mo", last="Diaz", field="Moderate Disabilities",
                            grades="PreK-8", number="C-003")
    from app.models.cap import CapPlacement

    session.get(CapPlacement, md.id).grade = "7"
    assert cap.summary(session, md.id).literacy_band == "6-8"
    md_obs = cap.add_observation(session, md.id, kind="announced", observer="sp", observed_on=dt.date(2026, 3, 6),
                                 status="held", early_literacy=True)
    assert "look-fors for Grades 6-8" in _text(cap_forms.observation_form(session, md_obs, tmp_path / "md.pdf"))

    _c, zoe = make_candidate(session, org, other, first="Zoe", last="Huang", field="History", grades="5-12",
                             number="C-004")
    assert not cap.summary(session, zoe.id).early_literacy_required
    with pytest.raises(ValidationError, match="Early Literacy Observation Form is for Early Childhood PK-2"):
        cap.add_observation(session, zoe.id, kind="announced", observer="ps", observed_on=dt.date(2026, 3, 5),
                            status="held", early_literacy=True)
    _c, md512 = make_candidate(session, org, other, first="Al", last="Reed", field="Moderate Disabilities",
                               grades="5-12", number="C-005")
    assert not cap.summary(session, md512.id).early_literacy_required
    with pytest.raises(ValidationError, match="look_fors"):
        cap.add_observation(session, ana.id, kind="announced", observer="ps", observed_on=dt.date(2026, 3, 9),
                            status="held", early_literacy=True, look_fors=["no-such-look-for"])


def test_progress_pdf_headers_are_never_broken_mid_word(session, tmp_path):
    """'Ste p', 'Meetin gs', 'Read y': every header word, and every short value, fits its column."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.services.pdf import PdfDocument

    _full_cycle(session)
    doc = PdfDocument(tmp_path / "x.pdf", title="x", landscape=True)
    header = ["Candidate", "Program", "Ed.", "SP", "PS", "Step", "Obs. (A/U, SP/PS)", "Meetings", "Hours",
              "Elements met", "Ready", "Next"]
    rows = [["Ana Silva", "Elementary Education (Initial)", "2024", "Maria Lopez", "Dr. Helen Park", 5, "1/0, 1/0",
             3, "393.0", "7 of 7", "Yes", "CAP complete"]]
    widths = cap_forms.fitted_widths(doc, header, [8, 10, 0, 8, 8, 0, 4, 0, 0, 2, 0, 30], rows)
    assert abs(sum(widths) - 1) < 1e-9
    for h, w in zip(header, widths):
        for word in h.split():
            assert stringWidth(word, "Helvetica-Bold", 8.5) <= w * doc.width - cap_forms.CELL_PADDING
    for value, w in zip(rows[0], widths):
        for word in str(value).split():
            assert stringWidth(word, "Helvetica", 8.5) <= w * doc.width - cap_forms.CELL_PADDING
    out = cap_forms.report_pdf(session, YEAR, tmp_path / "progress.pdf")
    words = _text(out).split()
    for word in ("Step", "meetings", "Hours", "Ready", "Elements", "Observations"):
        assert word in words
