"""The student-teaching partnership toolkit as records (001 Partnership Toolkit; 002 Partnerships domain).

A partner is a `Partnership` row (models/reporting.py: the state report's item (h)/(i) registry); these
tables hang off it and off the school year:
- partner_contact: the people of a partner (001, "Form a partnership": partnership teams with decision-makers).
- partnership_agreement: the compact, the data sharing agreement (data elements, purposes, parties, start and
  end, signed by whom and when), or another agreement (001, Stage 1 and Stage 3 tools).
- partnership_response: one respondent's answers to the self-assessment (001's ten statements, Strongly Agree
  to Strongly Disagree) or the vision assessment (its six criteria, 1-5), for one school year.
- partnership_vision: the shared vision statement of a year (001, "Setting a Vision Protocol").
- partnership_goal / _action_step / _goal_review: SMART goals (001, "Developing SMART Goals"), each with its
  action plan (001, "Action Plan Template"; impact and lift 1-3 from "Action Plan Review") and dated reviews.
- partnership_criterion: the five Partnerships criteria of the formal review (002), a status and a note a year.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Tracked, enum_column

AGREEMENT_KINDS = ("compact", "data_sharing", "other")
ASSESSMENT_KINDS = ("self_assessment", "vision")
GOAL_STATUSES = ("active", "met", "not_met", "dropped")
STEP_STATUSES = ("not_started", "in_progress", "done", "dropped")
CRITERION_STATUSES = ("not_assessed", "met", "partly_met", "not_met")


class PartnerContact(Tracked, Base):
    __tablename__ = "partner_contact"

    partnership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partnership.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)


class PartnershipAgreement(Tracked, Base):
    __tablename__ = "partnership_agreement"

    partnership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partnership.id"), nullable=False, index=True)
    kind: Mapped[str] = enum_column(AGREEMENT_KINDS, "agreement_kind", nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    starts_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    signed_by: Mapped[str | None] = mapped_column(String(400), nullable=True)
    signed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    parties: Mapped[str | None] = mapped_column(Text, nullable=True)
    data_elements: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    purposes: Mapped[str | None] = mapped_column(Text, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)


class PartnershipResponse(Tracked, Base):
    __tablename__ = "partnership_response"

    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    kind: Mapped[str] = enum_column(ASSESSMENT_KINDS, "assessment_kind", nullable=False)
    respondent: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str | None] = mapped_column(String(120), nullable=True)
    taken_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    comments: Mapped[str | None] = mapped_column(Text, nullable=True)


class PartnershipVision(Tracked, Base):
    __tablename__ = "partnership_vision"

    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, unique=True)
    statement: Mapped[str] = mapped_column(Text, nullable=False)
    adopted_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class PartnershipGoal(Tracked, Base):
    __tablename__ = "partnership_goal"

    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    partnership_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("partnership.id"), nullable=True)
    goal: Mapped[str] = mapped_column(Text, nullable=False)
    smart: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = enum_column(GOAL_STATUSES, "goal_status", nullable=False, default="active")


class PartnershipActionStep(Tracked, Base):
    __tablename__ = "partnership_action_step"

    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partnership_goal.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    step: Mapped[str] = mapped_column(Text, nullable=False)
    timeframe: Mapped[str | None] = mapped_column(String(120), nullable=True)
    responsible: Mapped[str | None] = mapped_column(String(200), nullable=True)
    involved: Mapped[str | None] = mapped_column(Text, nullable=True)
    outputs: Mapped[str | None] = mapped_column(Text, nullable=True)
    outcomes: Mapped[str | None] = mapped_column(Text, nullable=True)
    resources: Mapped[str | None] = mapped_column(Text, nullable=True)
    impact: Mapped[int | None] = mapped_column(Integer, nullable=True)
    lift: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = enum_column(STEP_STATUSES, "step_status", nullable=False, default="not_started")


class PartnershipGoalReview(Tracked, Base):
    __tablename__ = "partnership_goal_review"

    goal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partnership_goal.id"), nullable=False, index=True)
    reviewed_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    progress: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[str] = enum_column(GOAL_STATUSES, "review_goal_status", nullable=False, default="active")


class PartnershipCriterion(Tracked, Base):
    __tablename__ = "partnership_criterion"
    __table_args__ = (UniqueConstraint("school_year_id", "number"),)

    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    status: Mapped[str] = enum_column(CRITERION_STATUSES, "criterion_status", nullable=False,
                                      default="not_assessed")
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
