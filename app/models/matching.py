"""Mentor selection and matching: training records, incentives, locks and exclusions, who
evaluates whom, principal recommendations for supervising practitioners.

Capacity and willingness per year live on MentorProfile; assignments on Assignment (people.py).
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Tracked, enum_column
from app.models.district import SchoolYear
from app.models.people import Educator

MATCH_RULE_KINDS = ("lock", "exclude")


class MentorTraining(Tracked, Base):
    """One mentor-training record (603 CMR 7.02: a mentor is trained, or will complete district
    training). `completed_on` None means enrolled but not finished yet ("training pending")."""

    __tablename__ = "mentor_training"

    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    completed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    provider: Mapped[str | None] = mapped_column(String(200), nullable=True)
    minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)  # hours shown with one decimal
    refresher_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)

    educator: Mapped[Educator] = relationship()


class MentorIncentive(Tracked, Base):
    """What a mentor receives for a school year (004, Mentor Assignment and Compensation)."""

    __tablename__ = "mentor_incentive"
    __table_args__ = (UniqueConstraint("educator_id", "school_year_id"),)

    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    stipend_cents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pdps: Mapped[int | None] = mapped_column(Integer, nullable=True)  # professional development points
    release_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)

    educator: Mapped[Educator] = relationship()
    school_year: Mapped[SchoolYear] = relationship()


class MatchRule(Tracked, Base):
    """A coordinator's lock (this pair must be proposed) or exclusion (never propose this pair).

    An exclusion with no school year holds for every year: after a hold-harmless request the
    same pair is never proposed again (004). Its reason is private to the coordinator.
    """

    __tablename__ = "match_rule"

    kind: Mapped[str] = enum_column(MATCH_RULE_KINDS, "match_rule_kind", nullable=False)
    mentor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    mentee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("school_year.id"), nullable=True,
                                                             index=True)
    private_reason: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True,
                                                       info={"confidential": True})

    mentor: Mapped[Educator] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[Educator] = relationship(foreign_keys=[mentee_id])


class EvaluatorLink(Tracked, Base):
    """Who evaluates whom in a school year: a mentee's evaluator must never be their mentor (004,
    the mentoring relationship is non-evaluative)."""

    __tablename__ = "evaluator_link"
    __table_args__ = (UniqueConstraint("evaluator_id", "educator_id", "school_year_id"),)

    evaluator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)


class PrincipalRecommendation(Tracked, Base):
    """A principal's recommendation of a supervising practitioner for a year (603 CMR 7.02; 001)."""

    __tablename__ = "principal_recommendation"
    __table_args__ = (UniqueConstraint("educator_id", "school_year_id"),)

    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    recommended_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    recommended_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
