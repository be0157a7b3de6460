"""The partnership self-assessment and the vision assessment, taken each year, and the shared vision.

- Self-assessment (001, "Partnership Self-Assessment"): each respondent (name and role, members of the
  Partnership Committee) rates ten statements Strongly Agree, Agree, Disagree or Strongly Disagree. The
  results count the answers per statement and give the share agreeing (Strongly Agree + Agree) of those
  who answered it; a statement left blank is not counted.
- Vision assessment (001, "Vision Assessment Tool"): six criteria rated 1 to 5 against the draft vision; the
  results give each criterion's count of ratings and their mean (one decimal).
- The year's vision statement (001, "Setting a Vision Protocol").
Results of two years are put side by side by the report (compare_years).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, UsageError, ValidationError
from app.models.district import SchoolYear
from app.models.partnership import PartnershipResponse, PartnershipVision
from app.services.partnership.toolkit import (
    AGREE_CODES,
    AGREEING,
    SELF_STATEMENTS,
    VISION_KEYS,
    VISION_MAX,
    VISION_MIN,
)

KINDS = ("self_assessment", "vision")


def year_row(session: Session, label: str) -> SchoolYear:
    year = session.scalar(select(SchoolYear).where(SchoolYear.label == label, SchoolYear.deleted_at.is_(None)))
    if year is None:
        known = ", ".join(session.scalars(select(SchoolYear.label).where(SchoolYear.deleted_at.is_(None))
                                          .order_by(SchoolYear.label))) or "none"
        raise UsageError(f"no school year {label}; the database has: {known}")
    return year


@dataclass(frozen=True)
class ResponseData:
    id: uuid.UUID | None
    kind: str  # self_assessment | vision
    respondent: str
    role: str = ""
    taken_on: dt.date | None = None
    answers: dict[str, Any] | None = None  # self: {"1": "agree", ...}; vision: {"clear": 4, ...}
    comments: str = ""


def _response(row: PartnershipResponse) -> ResponseData:
    return ResponseData(row.id, row.kind, row.respondent, row.role or "", row.taken_on, dict(row.answers or {}),
                        row.comments or "")


def list_responses(session: Session, year_label: str, kind: str) -> list[ResponseData]:
    year = year_row(session, year_label)
    rows = session.scalars(select(PartnershipResponse).where(
        PartnershipResponse.school_year_id == year.id, PartnershipResponse.kind == kind,
        PartnershipResponse.deleted_at.is_(None)).order_by(PartnershipResponse.respondent))
    return [_response(r) for r in rows]


def clean_answers(kind: str, answers: dict[str, Any] | None) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Keep the answers the instrument has; refuse values off its scale (the statement or criterion named)."""
    problems: list[FieldProblem] = []
    out: dict[str, Any] = {}
    for key, value in (answers or {}).items():
        if value in (None, ""):
            continue
        if kind == "self_assessment":
            if not (str(key).isdigit() and 1 <= int(key) <= len(SELF_STATEMENTS)):
                problems.append(FieldProblem(f"statement {key}", "", "is not one of the ten statements"))
            elif value not in AGREE_CODES:
                problems.append(FieldProblem(f"statement {key}", "", "must be Strongly Agree, Agree, Disagree or "
                                                                     "Strongly Disagree"))
            else:
                out[str(int(key))] = value
        else:
            if key not in VISION_KEYS:
                problems.append(FieldProblem(str(key), "", "is not one of the six vision criteria"))
            elif not isinstance(value, int) or isinstance(value, bool) or not VISION_MIN <= value <= VISION_MAX:
                problems.append(FieldProblem(str(key), "", f"must be a whole number {VISION_MIN} to {VISION_MAX}"))
            else:
                out[key] = value
    return out, problems


def save_response(session: Session, year_label: str, data: ResponseData) -> ResponseData:
    problems: list[FieldProblem] = []
    if data.kind not in KINDS:
        problems.append(FieldProblem("kind", "", "must be the self-assessment or the vision assessment"))
    respondent = (data.respondent or "").strip()
    if not respondent:
        problems.append(FieldProblem("respondent", "", "is required"))
    elif len(respondent) > 200:
        problems.append(FieldProblem("respondent", "", "longer than 200 characters"))
    role = (data.role or "").strip()
    if len(role) > 120:
        problems.append(FieldProblem("role", "", "longer than 120 characters"))
    answers, bad = clean_answers(data.kind, data.answers)
    problems += bad
    if not answers and not bad:
        problems.append(FieldProblem("answers", "", "rate at least one statement"))
    if problems:
        raise ValidationError(problems)
    year = year_row(session, year_label)
    row = session.get(PartnershipResponse, data.id) if data.id else None
    if row is None:
        row = PartnershipResponse(school_year_id=year.id, kind=data.kind, respondent=respondent)
        session.add(row)
    row.school_year_id, row.kind, row.respondent, row.role = year.id, data.kind, respondent, role or None
    row.taken_on, row.answers, row.comments = data.taken_on, answers, (data.comments or "").strip() or None
    session.flush()
    return _response(row)


def delete_response(session: Session, response_id: uuid.UUID) -> None:
    row = session.get(PartnershipResponse, response_id)
    if row is not None:
        row.tombstone()
        session.flush()


# --- results ----------------------------------------------------------------------------------------


def self_assessment_results(responses: list[ResponseData]) -> dict[str, Any]:
    """Per statement: counts of each rating, how many answered, the percent agreeing (whole number, None
    when nobody answered). Roles: how many respondents of each role."""
    statements = []
    for number, text in enumerate(SELF_STATEMENTS, start=1):
        counts = {code: 0 for code in AGREE_CODES}
        for r in responses:
            value = (r.answers or {}).get(str(number))
            if value in counts:
                counts[value] += 1
        answered = sum(counts.values())
        agreeing = sum(counts[c] for c in AGREEING)
        statements.append({"number": number, "statement": text, "counts": counts, "answered": answered,
                           "percent_agree": round(100 * agreeing / answered) if answered else None})
    roles: dict[str, int] = {}
    for r in responses:
        roles[r.role or "not given"] = roles.get(r.role or "not given", 0) + 1
    return {"respondents": len(responses), "roles": dict(sorted(roles.items())), "statements": statements}


def vision_results(responses: list[ResponseData]) -> dict[str, Any]:
    from app.services.partnership.toolkit import VISION_CRITERIA

    criteria = []
    for key, label, _question in VISION_CRITERIA:
        ratings = [v for r in responses if isinstance(v := (r.answers or {}).get(key), int)]
        criteria.append({"key": key, "criterion": label, "ratings": len(ratings),
                         "mean": round(sum(ratings) / len(ratings), 1) if ratings else None})
    return {"respondents": len(responses), "criteria": criteria}


def previous_label(label: str) -> str:
    start = int(label[:4])
    return f"{start - 1}-{start}"


def results(session: Session, year_label: str, kind: str) -> dict[str, Any]:
    """The year's results with the previous year's beside them (None when that year is not in the database)."""
    build = self_assessment_results if kind == "self_assessment" else vision_results
    now = build(list_responses(session, year_label, kind))
    try:
        before = build(list_responses(session, previous_label(year_label), kind))
    except UsageError:
        before = None
    return {"school_year": year_label, **now,
            "previous": None if before is None else {"school_year": previous_label(year_label), **before}}


# --- the vision statement ---------------------------------------------------------------------------


def get_vision(session: Session, year_label: str) -> tuple[str, dt.date | None]:
    year = year_row(session, year_label)
    row = session.scalar(select(PartnershipVision).where(PartnershipVision.school_year_id == year.id,
                                                         PartnershipVision.deleted_at.is_(None)))
    return (row.statement, row.adopted_on) if row else ("", None)


def save_vision(session: Session, year_label: str, statement: str, adopted_on: dt.date | None) -> None:
    year = year_row(session, year_label)
    row = session.scalar(select(PartnershipVision).where(PartnershipVision.school_year_id == year.id))
    text = (statement or "").strip()
    if row is None:
        if not text:
            return
        row = PartnershipVision(school_year_id=year.id, statement=text)
        session.add(row)
    row.statement, row.adopted_on, row.deleted_at = text or row.statement, adopted_on, None
    if not text:
        row.tombstone()
    session.flush()
