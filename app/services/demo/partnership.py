"""The demo district's partnership toolkit (001, 002; issue 21 item 7): two partners with contacts, a compact
and a data sharing agreement (and a second partner's compact that ends on December 31 of the school year,
so the dashboard's renewal reminder has something in the winter), the year's vision, self-assessment and
vision ratings from a partnership committee, two SMART goals with action plans (001's sample steps) and a
review, and two of the five criteria assessed. Fixed values, no random draws (the other extensions'
sequences stay as they were)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from app.services.partnership import agreements, assessments, criteria, goals
from app.services.partnership.agreements import AgreementData, ContactData
from app.services.partnership.assessments import ResponseData
from app.services.partnership.goals import GoalData, ReviewData, StepData
from app.services.partnership.partners import PartnershipData, save_partnership
from app.services.partnership.toolkit import DATA_ELEMENTS

# (respondent, role, the ten statements' answers) — SA/A/D/SD as 001's scale
_SELF = (
    ("Dr. Helen Park", "preparation program", "A A SA A SA D A D A A"),
    ("Dean Maria Souza", "preparation program", "SA A A A A A SA D A SA"),
    ("Assistant Superintendent", "district", "A D A D A D A SD A A"),
    ("Principal, demo elementary", "principal", "A A A D SA D A D SA A"),
    ("Induction coordinator", "district", "SA A SA A A A SA D A A"),
)
_CODES = {"SA": "strongly_agree", "A": "agree", "D": "disagree", "SD": "strongly_disagree"}
_VISION = (
    ("Dr. Helen Park", "preparation program", (4, 3, 5, 4, 4, 3)),
    ("Assistant Superintendent", "district", (3, 3, 4, 4, 3, 2)),
    ("Induction coordinator", "district", (4, 4, 4, 5, 4, 3)),
)


def extend_demo(session: Session, demo: Any) -> None:
    start = int(demo.year_label[:4])
    first = dt.date(start, 9, 1)
    csu = save_partnership(session, PartnershipData(None, "Commonwealth State University",
                                                    "institution of higher education",
                                                    "Student teaching placements and SP training", dt.date(2019, 9, 1)))
    residency = save_partnership(session, PartnershipData(None, "North Shore Teacher Residency",
                                                          "institution of higher education",
                                                          "A residency for shortage areas (ESL, special education)",
                                                          dt.date(start - 1, 7, 1)))
    for partner, name, title, email in (
            (csu, "Dr. Helen Park", "Director of field placements", "hpark@csu.example.edu"),
            (csu, "Dean Maria Souza", "Dean, School of Education", "msouza@csu.example.edu"),
            (residency, "Kwame Mensah", "Residency director", "kmensah@nstr.example.org")):
        agreements.save_contact(session, ContactData(None, partner.id, name, title, email))
    agreements.save_agreement(session, AgreementData(
        None, csu.id, "compact", "Student Teaching Partnership Compact", dt.date(start - 1, 7, 1),
        dt.date(start + 2, 6, 30), "Dean Maria Souza; Superintendent of Schools", dt.date(start - 1, 6, 15),
        "Commonwealth State University and the district",
        purposes="Partnership committee, regular meetings, pipeline needs, goals and an action plan (001)."))
    agreements.save_agreement(session, AgreementData(
        None, csu.id, "data_sharing", "Confidential Data Sharing Agreement", dt.date(start, 7, 1),
        dt.date(start + 1, 6, 30), "Superintendent of Schools; Dean Maria Souza", dt.date(start, 6, 20),
        "The district and Commonwealth State University", DATA_ELEMENTS[:2] + DATA_ELEMENTS[4:5],
        "Program improvement and placement decisions; no teacher identifiable data."))
    agreements.save_agreement(session, AgreementData(
        None, residency.id, "compact", "Residency pilot compact", dt.date(start - 1, 7, 1), dt.date(start, 12, 31),
        "Kwame Mensah; Superintendent of Schools", dt.date(start - 1, 6, 1)))
    year = demo.year_label
    assessments.save_vision(session, year, "Together we grow a pipeline of well-prepared teachers who reflect "
                                           "and serve our students, and who stay.", first + dt.timedelta(days=20))
    for respondent, role, answers in _SELF:
        assessments.save_response(session, year, ResponseData(
            None, "self_assessment", respondent, role, first + dt.timedelta(days=30),
            {str(n): _CODES[a] for n, a in enumerate(answers.split(), start=1)}))
    keys = ("all_encompassing", "data_based", "relationships_trust", "clear", "shared", "audacious")
    for respondent, role, ratings in _VISION:
        assessments.save_response(session, year, ResponseData(None, "vision", respondent, role,
                                                               first + dt.timedelta(days=30), dict(zip(keys, ratings))))
    placement = goals.save_goal(session, year, GoalData(
        None, f"By June {start + 1}, the district and CSU will place every student teacher with a trained "
              "supervising practitioner in a high-need classroom, as measured by CAP surveys and placement data.",
        {"data": "Pipeline needs by school; last year's placements", "measurable": "Placements in high-need areas",
         "time": f"Benchmarks in January and June {start + 1}"}, dt.date(start + 1, 6, 30), "active", csu.id,
        steps=(StepData(None, "Strategically select and train mentor teachers and place candidates", "August-September",
                        "Induction coordinator", "Principals; CSU field office", "SP training held",
                        "Every SP trained before placement", "Training stipends", 1, 2, "done"),
               StepData(None, "Develop a regular district/preparation program partner meeting schedule",
                        "Monthly", "Assistant Superintendent", "Partnership committee", "Meeting calendar",
                        "Decisions made together", "", 2, 3, "in_progress"),
               StepData(None, "Facilitate joint observation calibration training using the online calibration "
                              "training tool", "Spring", "Dr. Helen Park", "SPs and program supervisors",
                        "Calibration session", "Consistent CAP feedback", "Release time", 1, 1, "not_started"))))
    goals.add_review(session, placement, ReviewData(None, dt.date(start + 1, 1, 15),
                                                    "SPs trained; meetings monthly since October.", "active"))
    goals.save_goal(session, year, GoalData(
        None, f"By June {start + 1}, align practicum coursework with the district's literacy curriculum.",
        {"specific": "Methods courses use the district's curriculum"}, dt.date(start + 1, 6, 30), "active", csu.id,
        steps=(StepData(None, "Align coursework so that it matches clinical experiences and district language",
                        "Fall", "Dean Maria Souza", "Literacy coach", "Revised syllabus", "Candidates ready on day one",
                        "", 2, 2, "in_progress"),)))
    criteria.save_criterion(session, year, 2, "met", "The district's data and feedback shape the program each "
                                                      "semester (monthly committee).")
    criteria.save_criterion(session, year, 5, "partly_met", "Self-assessment taken this year; the first action "
                                                            "plan review is in January.")
    demo.counts["partners"] = 2
