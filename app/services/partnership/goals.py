"""SMART goals with their action plans and dated reviews (001: "Developing SMART Goals", "Action Plan
Template", "Action Plan Review: Lift/Impact Analysis").

A goal has the vetting protocol's answers (SMART_PROMPTS), a completion date and a status. Each action step
has the template's columns (timeframe, primary person(s) responsible, individuals involved, defined outputs,
defined outcomes, resources needed), impact and lift tagged 1 (highest) to 3 (lower), and a status. A review
is dated, says the progress and sets the goal's status (the goal takes the status of its latest review).
Progress of a goal: steps done of steps not dropped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import FieldProblem, ValidationError
from app.models.partnership import (
    GOAL_STATUSES,
    STEP_STATUSES,
    PartnershipActionStep,
    PartnershipGoal,
    PartnershipGoalReview,
)
from app.models.reporting import Partnership
from app.services.partnership.assessments import year_row
from app.services.partnership.toolkit import (
    GOAL_LABELS,
    IMPACT_LIFT,
    SMART_KEYS,
    STEP_LABELS,
)


@dataclass(frozen=True)
class StepData:
    id: uuid.UUID | None
    step: str
    timeframe: str = ""
    responsible: str = ""
    involved: str = ""
    outputs: str = ""
    outcomes: str = ""
    resources: str = ""
    impact: int | None = None
    lift: int | None = None
    status: str = "not_started"

    def as_json(self) -> dict[str, Any]:
        return {"step": self.step, "timeframe": self.timeframe, "responsible": self.responsible,
                "involved": self.involved, "outputs": self.outputs, "outcomes": self.outcomes,
                "resources": self.resources, "impact": self.impact, "lift": self.lift, "status": self.status}


@dataclass(frozen=True)
class ReviewData:
    id: uuid.UUID | None
    reviewed_on: dt.date
    progress: str = ""
    status: str = "active"

    def as_json(self) -> dict[str, Any]:
        return {"reviewed_on": self.reviewed_on.isoformat(), "progress": self.progress, "status": self.status}


@dataclass(frozen=True)
class GoalData:
    id: uuid.UUID | None
    goal: str
    smart: dict[str, str] = field(default_factory=dict)
    due_on: dt.date | None = None
    status: str = "active"
    partnership_id: uuid.UUID | None = None
    partner: str = ""
    steps: tuple[StepData, ...] = ()
    reviews: tuple[ReviewData, ...] = ()

    @property
    def steps_done(self) -> int:
        return sum(1 for s in self.steps if s.status == "done")

    @property
    def steps_counted(self) -> int:
        return sum(1 for s in self.steps if s.status != "dropped")

    @property
    def status_label(self) -> str:
        return GOAL_LABELS.get(self.status, self.status)

    def as_json(self) -> dict[str, Any]:
        return {"goal": self.goal, "partner": self.partner or None, "smart": dict(self.smart),
                "due_on": self.due_on.isoformat() if self.due_on else None, "status": self.status,
                "steps_done": self.steps_done, "steps": self.steps_counted,
                "action_plan": [s.as_json() for s in self.steps], "reviews": [r.as_json() for r in self.reviews]}


def list_goals(session: Session, year_label: str) -> list[GoalData]:
    year = year_row(session, year_label)
    goals = session.scalars(select(PartnershipGoal).where(PartnershipGoal.school_year_id == year.id,
                                                          PartnershipGoal.deleted_at.is_(None))
                            .order_by(PartnershipGoal.created_at, PartnershipGoal.id)).all()
    ids = [g.id for g in goals]
    steps: dict[uuid.UUID, list[StepData]] = {i: [] for i in ids}
    reviews: dict[uuid.UUID, list[ReviewData]] = {i: [] for i in ids}
    if ids:
        for s in session.scalars(select(PartnershipActionStep).where(
                PartnershipActionStep.goal_id.in_(ids), PartnershipActionStep.deleted_at.is_(None))
                .order_by(PartnershipActionStep.position, PartnershipActionStep.created_at)):
            steps[s.goal_id].append(StepData(s.id, s.step, s.timeframe or "", s.responsible or "", s.involved or "",
                                             s.outputs or "", s.outcomes or "", s.resources or "", s.impact, s.lift,
                                             s.status))
        for r in session.scalars(select(PartnershipGoalReview).where(
                PartnershipGoalReview.goal_id.in_(ids), PartnershipGoalReview.deleted_at.is_(None))
                .order_by(PartnershipGoalReview.reviewed_on, PartnershipGoalReview.created_at)):
            reviews[r.goal_id].append(ReviewData(r.id, r.reviewed_on, r.progress or "", r.status))
    partners = dict(session.execute(select(Partnership.id, Partnership.name)).all())
    return [GoalData(g.id, g.goal, dict(g.smart or {}), g.due_on, g.status, g.partnership_id,
                     partners.get(g.partnership_id, "") if g.partnership_id else "",
                     tuple(steps[g.id]), tuple(reviews[g.id])) for g in goals]


def _text(problems: list[FieldProblem], name: str, value: str | None, limit: int | None = None,
          required: bool = False) -> str | None:
    value = (value or "").strip()
    if required and not value:
        problems.append(FieldProblem(name, "", "is required"))
    if limit and len(value) > limit:
        problems.append(FieldProblem(name, "", f"longer than {limit} characters"))
    return value or None


def save_goal(session: Session, year_label: str, data: GoalData) -> uuid.UUID:
    """Save the goal and replace its action plan with `data.steps` (in their order). Reviews are added
    with add_review."""
    problems: list[FieldProblem] = []
    goal = _text(problems, "goal", data.goal, required=True)
    if data.status not in GOAL_STATUSES:
        problems.append(FieldProblem("status", "", f"must be one of {', '.join(GOAL_LABELS.values())}"))
    smart = {k: v.strip() for k, v in (data.smart or {}).items() if k in SMART_KEYS and v and v.strip()}
    if data.partnership_id is not None and session.get(Partnership, data.partnership_id) is None:
        problems.append(FieldProblem("partner", "", "is not a recorded partner"))
    for n, s in enumerate(data.steps, start=1):
        _text(problems, f"step {n}", s.step, required=True)
        _text(problems, f"step {n} timeframe", s.timeframe, 120)
        _text(problems, f"step {n} responsible", s.responsible, 200)
        for name, value in (("impact", s.impact), ("lift", s.lift)):
            if value is not None and value not in IMPACT_LIFT:
                problems.append(FieldProblem(f"step {n} {name}", "", "must be 1 (highest), 2 (moderate) or 3 (lower)"))
        if s.status not in STEP_STATUSES:
            problems.append(FieldProblem(f"step {n} status", "", f"must be one of {', '.join(STEP_LABELS.values())}"))
    if problems:
        raise ValidationError(problems)
    year = year_row(session, year_label)
    row = session.get(PartnershipGoal, data.id) if data.id else None
    if row is None:
        row = PartnershipGoal(school_year_id=year.id, goal=goal, smart={})
        session.add(row)
    row.goal, row.smart, row.due_on, row.status, row.partnership_id = goal, smart, data.due_on, data.status, \
        data.partnership_id
    session.flush()
    kept = {s.id for s in data.steps if s.id}
    for old in session.scalars(select(PartnershipActionStep).where(PartnershipActionStep.goal_id == row.id,
                                                                   PartnershipActionStep.deleted_at.is_(None))):
        if old.id not in kept:
            old.tombstone()
    for position, s in enumerate(data.steps):
        step = session.get(PartnershipActionStep, s.id) if s.id else None
        if step is None:
            step = PartnershipActionStep(goal_id=row.id, step=s.step.strip())
            session.add(step)
        step.position, step.step = position, s.step.strip()
        step.timeframe, step.responsible = (s.timeframe or "").strip() or None, (s.responsible or "").strip() or None
        step.involved, step.outputs = (s.involved or "").strip() or None, (s.outputs or "").strip() or None
        step.outcomes, step.resources = (s.outcomes or "").strip() or None, (s.resources or "").strip() or None
        step.impact, step.lift, step.status = s.impact, s.lift, s.status
    session.flush()
    return row.id


def add_review(session: Session, goal_id: uuid.UUID, review: ReviewData) -> None:
    """A dated review; the goal takes the status of its latest review (by date)."""
    problems: list[FieldProblem] = []
    if review.status not in GOAL_STATUSES:
        problems.append(FieldProblem("status", "", f"must be one of {', '.join(GOAL_LABELS.values())}"))
    goal = session.get(PartnershipGoal, goal_id)
    if goal is None or goal.deleted_at is not None:
        problems.append(FieldProblem("goal", "", "is not a recorded goal"))
    if problems:
        raise ValidationError(problems)
    session.add(PartnershipGoalReview(goal_id=goal_id, reviewed_on=review.reviewed_on,
                                      progress=(review.progress or "").strip() or None, status=review.status))
    session.flush()
    latest = session.scalars(select(PartnershipGoalReview).where(PartnershipGoalReview.goal_id == goal_id,
                                                                 PartnershipGoalReview.deleted_at.is_(None))
                             .order_by(PartnershipGoalReview.reviewed_on.desc(),
                                       PartnershipGoalReview.created_at.desc())).first()
    if goal is not None and latest is not None and goal.status != latest.status:
        goal.status = latest.status
        session.flush()


def delete_goal(session: Session, goal_id: uuid.UUID) -> None:
    row = session.get(PartnershipGoal, goal_id)
    if row is not None:
        row.tombstone()
        session.flush()
