"""The partnership toolkit as records (001 Partnership Toolkit; 002 Partnerships domain): contacts,
agreements and their expiry reminder (day before, on and after the edge), the self-assessment's ten
statements and the vision assessment's six criteria (checked against a plain count), SMART goals with
action plans and reviews, the five criteria with evidence, and `mentordesk report partnership`."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.errors import ValidationError
from app.services import attention, settings
from app.services.partnership import agreements, assessments, criteria, goals, summary
from app.services.partnership.agreements import AgreementData, ContactData
from app.services.partnership.assessments import ResponseData
from app.services.partnership.goals import GoalData, ReviewData, StepData
from app.services.partnership.partners import PartnershipData, save_partnership
from app.services.partnership.toolkit import CRITERIA, SELF_STATEMENTS, VISION_CRITERIA
from app.services.years import ensure_year

D = dt.date
YEAR, LAST = "2025-2026", "2024-2025"


@pytest.fixture
def partner(session):
    ensure_year(session, YEAR)
    ensure_year(session, LAST)
    p = save_partnership(session, PartnershipData(None, "Commonwealth State University",
                                                  "institution of higher education", "student teaching", D(2020, 9, 1)))
    session.commit()
    return p


def _agreement(session, partner, ends_on, kind="compact", title="Compact"):
    return agreements.save_agreement(session, AgreementData(None, partner.id, kind, title, D(2024, 7, 1), ends_on,
                                                            "Dean and Superintendent", D(2024, 6, 20)))


# --- the toolkit's texts, as the seeds give them ---------------------------------------------------


def test_the_toolkit_has_ten_statements_six_vision_criteria_and_five_criteria():
    # 001, Partnership Self-Assessment; 001, Vision Assessment Tool; 002, Partnerships domain.
    assert len(SELF_STATEMENTS) == 10
    assert SELF_STATEMENTS[6] == "We communicate and meet frequently."
    assert [label for _, label, _ in VISION_CRITERIA] == ["All-encompassing", "Data Based", "Relationships and Trust",
                                                         "Clear", "Shared", "Audacious"]
    assert len(CRITERIA) == 5 and CRITERIA[3] == "Partnerships positively impact the outcomes of PK-12 students."


# --- contacts and agreements -----------------------------------------------------------------------


def test_contacts_are_saved_validated_and_listed_by_partner(session, partner):
    agreements.save_contact(session, ContactData(None, partner.id, "Dr. Rivera", "Dean", "rivera@csu.edu"))
    with pytest.raises(ValidationError) as err:
        agreements.save_contact(session, ContactData(None, partner.id, "", email="not-an-address"))
    assert {p.field for p in err.value.problems} == {"name", "email"}
    assert "not-an-address" not in str(err.value)  # no row value in a message
    assert [c.name for c in agreements.list_contacts(session, partner.id)] == ["Dr. Rivera"]


def test_an_agreement_cannot_end_before_it_starts(session, partner):
    with pytest.raises(ValidationError) as err:
        agreements.save_agreement(session, AgreementData(None, partner.id, "compact", "Compact", D(2026, 7, 1),
                                                         D(2026, 6, 30)))
    assert [p.field for p in err.value.problems] == ["ends_on"]


@pytest.mark.parametrize(("today", "listed", "overdue"), [
    (D(2026, 4, 30), False, False),  # 61 days before the last day: not yet (reminder: 60 days)
    (D(2026, 5, 1), True, False),  # 60 days before: listed
    (D(2026, 6, 29), True, False),  # the day before the last day
    (D(2026, 6, 30), True, False),  # the last day: still in force, "ends today"
    (D(2026, 7, 1), True, True),  # the day after: ended, not renewed: overdue
])
def test_the_expiry_reminder_at_its_edges(session, partner, today, listed, overdue):
    # 001: the compact and the data sharing agreement kept current; setting agreement_reminder_days (60).
    _agreement(session, partner, D(2026, 6, 30))
    session.commit()
    card = agreements.expiry_card(session, YEAR, today=today)
    assert card is not None and card.area == "partnership"
    assert len(card.items) == (1 if listed else 0)
    if listed:
        assert card.items[0].overdue is overdue
        assert "6/30/2026" in card.items[0].text
        assert ("ends today" in card.items[0].text) is (today == D(2026, 6, 30))
    assert card.status == ("overdue" if overdue else "warning" if listed else "ok")


def test_a_renewed_agreement_is_not_reminded(session, partner):
    _agreement(session, partner, D(2026, 6, 30))
    _agreement(session, partner, D(2029, 6, 30), title="Compact renewed")
    session.commit()
    assert agreements.expiry_card(session, YEAR, today=D(2026, 7, 15)).items == []


def test_the_reminder_setting_changes_how_early(session, partner):
    _agreement(session, partner, D(2026, 6, 30))
    session.commit()
    settings.set_value(session, "agreement_reminder_days", 10)
    session.commit()
    assert agreements.expiry_card(session, YEAR, today=D(2026, 6, 19)).items == []  # 11 days
    assert len(agreements.expiry_card(session, YEAR, today=D(2026, 6, 20)).items) == 1  # 10 days


def test_the_dashboard_collects_the_agreement_card(session, partner):
    _agreement(session, partner, D.today() + dt.timedelta(days=5))
    session.commit()
    cards = {c.key: c for c in attention.collect(session, YEAR)}
    assert len(cards["partnership_agreements"].items) == 1


# --- assessments -----------------------------------------------------------------------------------


ANSWERS = [
    ("Ana", "district", {"1": "strongly_agree", "2": "agree", "7": "disagree"}),
    ("Ben", "provider", {"1": "agree", "2": "disagree", "7": "strongly_disagree"}),
    ("Cy", "principal", {"1": "disagree", "7": "agree"}),
]


def test_self_assessment_counts_and_percent_agree_match_a_plain_count(session, partner):
    for name, role, answers in ANSWERS:
        assessments.save_response(session, YEAR, ResponseData(None, "self_assessment", name, role, D(2026, 3, 1),
                                                               answers))
    assessments.save_response(session, LAST, ResponseData(None, "self_assessment", "Ana", "district", None,
                                                           {"1": "disagree"}))
    session.commit()
    got = assessments.results(session, YEAR, "self_assessment")
    assert got["respondents"] == 3 and got["roles"] == {"district": 1, "principal": 1, "provider": 1}
    for number in range(1, 11):
        given = [a[str(number)] for _, _, a in ANSWERS if str(number) in a]
        s = got["statements"][number - 1]
        assert s["answered"] == len(given)
        assert s["counts"]["agree"] == given.count("agree")
        agree = sum(1 for g in given if g in ("agree", "strongly_agree"))
        assert s["percent_agree"] == (round(100 * agree / len(given)) if given else None)
    assert got["statements"][0]["percent_agree"] == 67  # 2 of 3
    assert got["previous"]["school_year"] == LAST and got["previous"]["statements"][0]["percent_agree"] == 0


def test_answers_off_the_scale_are_refused_naming_the_statement(session, partner):
    with pytest.raises(ValidationError) as err:
        assessments.save_response(session, YEAR, ResponseData(None, "self_assessment", "Ana", "", None,
                                                               {"11": "agree", "3": "maybe"}))
    assert {p.field for p in err.value.problems} == {"statement 11", "statement 3"}
    with pytest.raises(ValidationError):
        assessments.save_response(session, YEAR, ResponseData(None, "vision", "Ana", "", None, {"clear": 6}))
    with pytest.raises(ValidationError):
        assessments.save_response(session, YEAR, ResponseData(None, "vision", "Ana", "", None, {}))


def test_vision_means_match_a_plain_average(session, partner):
    ratings = [{"clear": 5, "shared": 3}, {"clear": 4}, {"clear": 2, "audacious": 1}]
    for n, r in enumerate(ratings):
        assessments.save_response(session, YEAR, ResponseData(None, "vision", f"R{n}", "", None, r))
    session.commit()
    got = {c["key"]: c for c in assessments.results(session, YEAR, "vision")["criteria"]}
    assert got["clear"]["ratings"] == 3 and got["clear"]["mean"] == round((5 + 4 + 2) / 3, 1) == 3.7
    assert got["shared"]["mean"] == 3.0 and got["data_based"]["mean"] is None


def test_the_vision_statement_of_a_year(session, partner):
    assessments.save_vision(session, YEAR, "A pipeline of teachers our students need.", D(2025, 9, 15))
    session.commit()
    assert assessments.get_vision(session, YEAR) == ("A pipeline of teachers our students need.", D(2025, 9, 15))
    assert assessments.get_vision(session, LAST) == ("", None)


# --- goals, action plans, reviews ------------------------------------------------------------------


def test_goals_with_action_plans_and_reviews(session, partner):
    steps = (StepData(None, "Jointly select and train SPs", "Fall 2025", "Coordinator", impact=1, lift=2,
                      status="done"),
             StepData(None, "Monthly partnership meetings", "Monthly", "Dean", impact=2, lift=3, status="in_progress"),
             StepData(None, "Dropped idea", status="dropped"))
    goal_id = goals.save_goal(session, YEAR, GoalData(None, "By June 2026, place 10 candidates in shortage areas.",
                                                      {"measurable": "placements count"}, D(2026, 6, 30),
                                                      partnership_id=partner.id, steps=steps))
    goals.add_review(session, goal_id, ReviewData(None, D(2026, 1, 15), "Half way", "active"))
    goals.add_review(session, goal_id, ReviewData(None, D(2026, 6, 1), "Ten placed", "met"))
    session.commit()
    [g] = goals.list_goals(session, YEAR)
    assert g.partner == partner.name and g.status == "met"  # the latest review's status
    assert (g.steps_done, g.steps_counted) == (1, 2)  # a dropped step does not count
    assert g.steps[0].step == "Jointly select and train SPs"
    with pytest.raises(ValidationError) as err:
        goals.save_goal(session, YEAR, GoalData(None, "x", steps=(StepData(None, "s", impact=4),)))
    assert [p.field for p in err.value.problems] == ["step 1 impact"]
    # editing keeps a step by its id and drops those left out
    goals.save_goal(session, YEAR, GoalData(goal_id, g.goal, g.smart, g.due_on, g.status, partner.id, steps=g.steps[:1]))
    session.commit()
    assert len(goals.list_goals(session, YEAR)[0].steps) == 1


# --- the five criteria and the report --------------------------------------------------------------


def test_the_five_criteria_carry_evidence_a_status_and_a_note(session, partner):
    _agreement(session, partner, D(2027, 6, 30))
    assessments.save_response(session, YEAR, ResponseData(None, "self_assessment", "Ana", "district", None,
                                                           {"4": "agree"}))
    criteria.save_criterion(session, YEAR, 2, "met", "Monthly data reviews")
    session.commit()
    got = criteria.criteria(session, YEAR, today=D(2026, 3, 1))
    assert [c["number"] for c in got] == [1, 2, 3, 4, 5]
    assert got[1]["status"] == "met" and got[1]["note"] == "Monthly data reviews"
    assert got[1]["citation"].startswith("002")
    assert "Agreements in force on 3/1/2026: 1 (partnership compact)" in got[1]["evidence"]
    assert "Self-assessment statement 4: 100% agree (1 answered)" in got[1]["evidence"]
    assert got[0]["status"] == "not_assessed"
    with pytest.raises(ValidationError):
        criteria.save_criterion(session, YEAR, 6, "met", "")


def test_report_partnership_json_pdf_and_xlsx(session, partner, run_cli, tmp_path):
    agreements.save_contact(session, ContactData(None, partner.id, "Dr. Rivera", "Dean"))
    _agreement(session, partner, D(2030, 6, 30))
    goals.save_goal(session, YEAR, GoalData(None, "Grow the pipeline", steps=(StepData(None, "Meet", status="done"),)))
    for name, role, answers in ANSWERS:
        assessments.save_response(session, YEAR, ResponseData(None, "self_assessment", name, role, None, answers))
    session.commit()
    code, _out, err = run_cli("report", "partnership", "--year", YEAR, "--out", tmp_path / "p.json")
    assert code == 0, err
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert data["schema"] == "mentordesk.partnership/1"
    assert {"partners", "agreements", "pipeline_needs", "pipeline", "self_assessment", "vision", "goals",
            "criteria"} <= set(data)
    assert data["partners"][0]["contacts"][0]["name"] == "Dr. Rivera"
    assert data["goals_progress"] == {"goals": 1, "met": 0, "steps": 1, "steps_done": 1}
    assert data["self_assessment"]["statements"][0]["percent_agree"] == 67
    assert run_cli("report", "partnership", "--year", YEAR, "--out", tmp_path / "p.pdf")[0] == 0
    from pypdf import PdfReader

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(tmp_path / "p.pdf").pages).split())
    assert "Commonwealth State University" in text and "Dr. Rivera" in text
    assert "67%" in text and "Grow the pipeline" in text
    assert "6/30/2030" in text and "five Partnerships criteria" in text
    assert run_cli("report", "partnership", "--year", YEAR, "--out", tmp_path / "p.xlsx")[0] == 0
    import openpyxl

    book = openpyxl.load_workbook(tmp_path / "p.xlsx", read_only=True)
    partners = list(book["Partners"].iter_rows(values_only=True))
    assert partners[1][0] == "Commonwealth State University" and partners[1][4] == 1  # one agreement
    statements = list(book["Self-assessment"].iter_rows(values_only=True))
    assert statements[1][1:6] == (1, 1, 1, 0, "67%")  # statement 1: SA, A, D, SD, agree (the JSON's figures)
    book.close()
    assert run_cli("report", "partnership", "--year", YEAR, "--out", tmp_path / "p.doc")[0] != 0
    code, _out, err = run_cli("report", "partnership", "--year", "1999-2000", "--out", tmp_path / "x.json")
    assert code != 0 and "1999-2000" in err


def test_summary_counts_candidates_hosted_by_partner_name(session, partner):
    data = summary.build(session, YEAR, D(2026, 3, 1))
    assert data["partners"][0]["candidates_hosted"] == 0


def test_the_demo_district_has_the_toolkit_and_the_figures_match_a_plain_count(session):
    from sqlalchemy import select

    from app.models.cap import CapCandidate, CapOrganization, CapPlacement
    from app.models.district import SchoolYear
    from app.services.demo.district import build_demo
    from app.services.reports.state_report import compute

    build_demo(session, size="small", seed=1, year_label=YEAR)
    session.commit()
    data = summary.build(session, YEAR, D(2025, 12, 7))
    year = session.scalar(select(SchoolYear).where(SchoolYear.label == YEAR))
    plain = {p.candidate_id for p, c, o in session.execute(
        select(CapPlacement, CapCandidate, CapOrganization).join(CapCandidate, CapPlacement.candidate_id == CapCandidate.id)
        .join(CapOrganization, CapCandidate.organization_id == CapOrganization.id))
        if p.school_year_id == year.id and p.deleted_at is None and o.name == "Commonwealth State University"}
    partners = {p["name"]: p for p in data["partners"]}
    assert partners["Commonwealth State University"]["candidates_hosted"] == len(plain) > 0
    assert len(data["partners"]) == 2 and len(data["agreements"]) == 3
    # the residency compact ends on December 31 of the school year: 24 days after 12/7
    assert [(a["title"], a["days_left"]) for a in data["agreements"] if a["needs_renewal"]] == [
        ("Residency pilot compact", 24)]
    assert data["self_assessment"]["respondents"] == 5 and data["vision"]["respondents"] == 3
    assert data["goals_progress"] == {"goals": 2, "met": 0, "steps": 4, "steps_done": 1}
    assert [c["status"] for c in data["criteria"]] == ["not_assessed", "met", "not_assessed", "not_assessed",
                                                       "partly_met"]
    # the state report's partnerships item lists the partners from these records (004 item (h); 001)
    report = compute(session, YEAR, printed=False)
    assert {p["name"] for p in report.partnerships} == set(partners)
