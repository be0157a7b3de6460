"""Participant satisfaction (state report item (g) for teachers, (h) for administrators):
survey responses imported from a Forms export (a role column plus Likert questions), summarized
as the mean and count per question by role."""

from __future__ import annotations

import hashlib
import re
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import derived_id
from app.models.reporting import SurveyResponse
from app.services import tabular
from app.errors import FieldProblem
from app.services.tabular import ImportReport, Progress, RejectedRow, header_key
from app.services.vocabulary import text
from app.services.years import ensure_year

ROLE_ALIASES = ("role", "respondent role", "your role", "i am a", "i am", "position", "participant")
# Columns a Forms export adds that are not questions (Google: Timestamp, Email Address;
# Microsoft: ID, Start time, Completion time, Email, Name).
NOT_QUESTIONS = {header_key(c) for c in ("Timestamp", "Email Address", "Email", "ID", "Start time",
                                         "Completion time", "Name", "Last modified time")}

LIKERT = {
    "strongly disagree": 1, "disagree": 2, "neutral": 3, "neither agree nor disagree": 3, "agree": 4,
    "strongly agree": 5, "very dissatisfied": 1, "dissatisfied": 2, "satisfied": 4, "very satisfied": 5,
    "not at all helpful": 1, "slightly helpful": 2, "somewhat helpful": 3, "very helpful": 4,
    "extremely helpful": 5, "poor": 1, "fair": 2, "good": 3, "very good": 4, "excellent": 5,
}


def likert_value(value: object) -> int | None:
    """1-5 from a number or a scale phrase; None for blank. ValueError otherwise."""
    raw = text(value).lower()
    if not raw:
        return None
    raw = re.sub(r"\s+", " ", raw)
    if raw in LIKERT:
        return LIKERT[raw]
    match = re.fullmatch(r"([1-5])(?:\.0)?(?:\s*[-:].*)?", raw)
    if match:
        return int(match.group(1))
    raise ValueError("not an answer on the 1-5 scale (Strongly disagree ... Strongly agree)")


def import_survey(session: Session, path: str | Path, *, year_label: str, dry_run: bool = False,
                  strict: bool = False, progress: Progress | None = None,
                  cancel: threading.Event | None = None) -> ImportReport:
    table = tabular.read_table(path, {"role": ROLE_ALIASES}, required=("role",))
    report = ImportReport(source=str(path), columns=table.columns)
    year, created = ensure_year(session, year_label)
    if created:
        report.notes.append(f"created school year {year_label}")
    role_column = table.mapping["role"]
    questions = [c for c in table.columns if c != role_column and header_key(c) not in NOT_QUESTIONS]
    known = set(session.scalars(select(SurveyResponse.fingerprint).where(SurveyResponse.school_year_id == year.id)))
    for done, row in enumerate(table.rows, 1):
        if cancel is not None and cancel.is_set():
            session.rollback()
            report.notes.append("cancelled: nothing was written")
            return report
        problems, answers = [], {}
        role = text(row.values["role"]).lower()
        if not role:
            problems.append(FieldProblem(role_column, "", "is required: who answered (e.g. mentee, mentor)"))
        for question in questions:
            try:
                value = likert_value(row.original.get(question))
            except ValueError as exc:
                problems.append(FieldProblem(question, row.original.get(question, ""), str(exc)))
                continue
            if value is not None:
                answers[question] = value
        if problems:
            report.rejected.append(RejectedRow(row.line, tuple(problems), row.original))
            continue
        fingerprint = hashlib.sha256(repr(sorted(row.original.items())).encode()).hexdigest()
        if fingerprint in known:
            report.skipped += 1
            continue
        known.add(fingerprint)
        session.add(SurveyResponse(id=derived_id("survey_response", f"{year.id}:{fingerprint}"), school_year_id=year.id,
                                   respondent_role=role[:60], answers=answers, fingerprint=fingerprint))
        report.new += 1
        if progress and done % 200 == 0:
            progress(done, len(table.rows), f"read {done} responses")
    return tabular.finish(session, report, strict=strict, dry_run=dry_run)


def satisfaction(session: Session, school_year_id: Any) -> dict[str, Any]:
    """{"respondents": N, "by_role": {role: {"respondents": n, "questions": {q: {"mean", "count"}}}}}."""
    rows = session.scalars(select(SurveyResponse).where(SurveyResponse.school_year_id == school_year_id))
    sums: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    respondents: dict[str, int] = defaultdict(int)
    for response in rows:
        respondents[response.respondent_role] += 1
        for question, value in response.answers.items():
            cell = sums[response.respondent_role][question]
            cell[0] += value
            cell[1] += 1
    by_role = {
        role: {
            "respondents": respondents[role],
            "questions": {q: {"mean": round(s / n, 2), "count": n} for q, (s, n) in sorted(sums[role].items())},
        }
        for role in sorted(respondents)
    }
    return {"respondents": sum(respondents.values()), "by_role": by_role}
