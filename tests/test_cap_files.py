"""CAP files as the coordinator and the state read them: `report cap` JSON in the issue's shape, the PDF
forms read back as text, the yearly export, the demo; and CAP never in a principal roster or the state report."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from pypdf import PdfReader

from app.services import cap, cap_forms
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
                           "three_way_meetings", "practicum_hours", "elements", "ready", "missing"}
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
    assert names == ["ana-silva-2025-2026-cap-form.pdf", "ana-silva-2025-2026-formative.pdf",
                     "ana-silva-2025-2026-observation-2026-03-03.pdf", "ana-silva-2025-2026-student-feedback.pdf",
                     "ana-silva-2025-2026-summary.pdf", "ana-silva-2025-2026-summative.pdf"]
    form = _text(tmp_path / "ana-silva-2025-2026-cap-form.pdf")
    assert "Candidate Assessment of Performance: CAP form" in form and "Goal setting and plan development" in form
    assert "Check for understanding each lesson" in form and "Teacher candidate:" in form
    observation = _text(tmp_path / "ana-silva-2025-2026-observation-2026-03-03.pdf")
    assert "Early Literacy Observation Form" in observation
    assert "II-A-3 Inclusive Instruction" in observation and "tiered exit tickets" in observation
    assert "Areas of reinforcement" in observation and "Observer:" in observation
    formative = _text(tmp_path / "ana-silva-2025-2026-formative.pdf")
    assert "CAP formative assessment form" in formative and "Needs Improvement" in formative
    assert "where the SP's and the PS's judgments differed" in formative and "I-A-1" in formative
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
        rows = list(csv.DictReader(out.read_text().splitlines()))
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
    from app.services import principal_roster, state_report, state_report_files

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
    from app.services.demo import build_demo

    message = build_demo(session, size="small", seed=3, year_label="2025-2026")
    assert "12 CAP candidates" in message
    rows = cap.my_candidates(session, "2025-2026")
    assert len(rows) == 12
    assert len({r.step for r in rows}) >= 5
    editions = [r.edition for r in rows]
    assert editions.count("2024") >= 9 and editions.count("2019") >= 1
    assert {r.ready for r in rows} >= {None, True}


def test_unknown_year_is_created_and_said(run_cli, tmp_path):
    out = tmp_path / "cap.json"
    code, said, _err = run_cli("report", "cap", "--year", "2030-2031", "--out", out)
    assert code == 0 and "created school year 2030-2031" in said
    assert json.loads(out.read_text()) == {"candidates": []}
    code, _said, err = run_cli("report", "cap", "--year", "2030", "--out", out)
    assert code == 2 and "2025-2026" in err
