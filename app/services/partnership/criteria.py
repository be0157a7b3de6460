"""The five Partnerships criteria of the formal review (002), each with the evidence the records hold, a status
the coordinator sets (not assessed, met, partly met, not met) and a note, for one school year.

Evidence, per criterion (what the records can show; the note adds what they cannot):
1. responds to PK-12 needs: candidates hosted this year (CAP placements); self-assessment statements 1 and 10.
2. PK-12 partners inform improvement: agreements in force on the day; statements 4 and 7.
3. improves candidates' experience: candidates hosted and their supervising practitioners; statements 3, 5, 6.
4. impacts PK-12 students' outcomes: goals met of goals set; statement 8.
5. evaluated on an ongoing basis: self-assessment and vision respondents this year (and last), goal reviews.
"Statement N: P% agree (A answered)" is Strongly Agree + Agree of those who answered it (001).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, UsageError, ValidationError
from app.models.cap import CapPlacement
from app.models.partnership import CRITERION_STATUSES, PartnershipCriterion
from app.services.partnership import agreements as agreement_records
from app.services.partnership import assessments, goals
from app.services.partnership.toolkit import CRITERIA, CRITERIA_SOURCE, CRITERION_LABELS
from app.services.vocabulary import us_date


def hosted(session: Session, year_label: str) -> tuple[int, int]:
    """(candidates placed this year, distinct supervising practitioners)."""
    year = assessments.year_row(session, year_label)
    row = session.execute(select(func.count(func.distinct(CapPlacement.candidate_id)),
                                 func.count(func.distinct(CapPlacement.sp_id)))
                          .where(CapPlacement.school_year_id == year.id, CapPlacement.deleted_at.is_(None))).one()
    return int(row[0]), int(row[1])


def _statement(results: dict[str, Any], number: int) -> str:
    s = results["statements"][number - 1]
    if not s["answered"]:
        return f"Self-assessment statement {number}: not answered this year"
    return f"Self-assessment statement {number}: {s['percent_agree']}% agree ({s['answered']} answered)"


def evidence(session: Session, year_label: str, today: dt.date) -> list[list[str]]:
    self_now = assessments.self_assessment_results(assessments.list_responses(session, year_label,
                                                                              "self_assessment"))
    vision_now = assessments.list_responses(session, year_label, "vision")
    try:
        self_before = len(assessments.list_responses(session, assessments.previous_label(year_label),
                                                     "self_assessment"))
    except UsageError:  # the previous year is not in the database
        self_before = None
    candidates, sps = hosted(session, year_label)
    in_force = [a for a in agreement_records.list_agreements(session) if a.state(today) in ("in force", "no end date")]
    year_goals = goals.list_goals(session, year_label)
    met = sum(1 for g in year_goals if g.status == "met")
    reviews = sum(len(g.reviews) for g in year_goals)
    kinds = sorted({a.kind_label.lower() for a in in_force})
    return [
        [f"Candidates hosted this year: {candidates}", _statement(self_now, 1), _statement(self_now, 10)],
        [f"Agreements in force on {us_date(today)}: {len(in_force)}" + (f" ({', '.join(kinds)})" if kinds else ""),
         _statement(self_now, 4), _statement(self_now, 7)],
        [f"Candidates hosted this year: {candidates}, with {sps} supervising practitioner{'s' if sps != 1 else ''}",
         _statement(self_now, 3), _statement(self_now, 5), _statement(self_now, 6)],
        [f"Partnership goals met: {met} of {len(year_goals)}", _statement(self_now, 8)],
        [f"Self-assessment respondents: {self_now['respondents']} this year"
         + ("" if self_before is None else f", {self_before} the year before"),
         f"Vision assessment respondents: {len(vision_now)}", f"Goal reviews recorded: {reviews}"],
    ]


def criteria(session: Session, year_label: str, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or dt.date.today()
    year = assessments.year_row(session, year_label)
    saved = {c.number: c for c in session.scalars(select(PartnershipCriterion).where(
        PartnershipCriterion.school_year_id == year.id, PartnershipCriterion.deleted_at.is_(None)))}
    found = evidence(session, year_label, today)
    out = []
    for number, text in enumerate(CRITERIA, start=1):
        row = saved.get(number)
        status = row.status if row else "not_assessed"
        out.append({"number": number, "criterion": text, "citation": f"{CRITERIA_SOURCE}, criterion {number}",
                    "status": status, "status_label": CRITERION_LABELS[status], "note": (row.note or "") if row else "",
                    "evidence": found[number - 1]})
    return out


def save_criterion(session: Session, year_label: str, number: int, status: str, note: str) -> None:
    problems = []
    if not 1 <= number <= len(CRITERIA):
        problems.append(FieldProblem("criterion", "", "must be 1 to 5"))
    if status not in CRITERION_STATUSES:
        problems.append(FieldProblem("status", "", f"must be one of {', '.join(CRITERION_LABELS.values())}"))
    if problems:
        raise ValidationError(problems)
    year = assessments.year_row(session, year_label)
    row = session.scalar(select(PartnershipCriterion).where(PartnershipCriterion.school_year_id == year.id,
                                                            PartnershipCriterion.number == number))
    if row is None:
        row = PartnershipCriterion(school_year_id=year.id, number=number, status=status)
        session.add(row)
    row.status, row.note, row.deleted_at = status, (note or "").strip() or None, None
    session.flush()
