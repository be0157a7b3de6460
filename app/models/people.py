"""Educators and the induction records that hang off them."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Tracked, enum_column
from app.models.district import School, SchoolYear
from app.models.vocab import (
    ASSIGNMENT_END_REASONS,
    EXTERNAL_KINDS,
    LICENSE_TYPES,
    MENTOR_STATUSES,
    RATINGS,
    ROLES,
)


class Educator(Tracked, Base):
    """A member of staff. `employee_id` is the district's key; the row id derives from it."""

    __tablename__ = "educator"

    employee_id: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    mepid: Mapped[str | None] = mapped_column(String(8), nullable=True)  # 8 digits, leading zeros kept
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    school_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("school.id"), nullable=True, index=True)
    role: Mapped[str] = enum_column(ROLES, "educator_role", nullable=False, default="teacher")
    position: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # Normalized sets, stored as sorted JSON lists (see services/vocabulary for normalization).
    subjects: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    grades: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    license_type: Mapped[str | None] = enum_column(LICENSE_TYPES, "educator_license_type", nullable=True)
    # Full years under an Initial or Professional license (603 CMR 7.02, mentor eligibility).
    years_experience: Mapped[int | None] = mapped_column(Integer, nullable=True)
    hire_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    exit_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # A teacher's summative evaluation rating is a confidential personnel record (603 CMR 35.11(6); G.L. c.71
    # s.38): deferred like every confidential column, so a server login whose role may not read it (every role
    # but the coordinator's) can still load the roster; the code that judges ratings loads it (undefer).
    last_rating: Mapped[str | None] = enum_column(RATINGS, "educator_last_rating", nullable=True, deferred=True,
                                                  info={"confidential": True})
    rating_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mentor_trained_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    planning_periods: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    room: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # The educator preparation program that trained them (001: "Where are my teachers coming from?").
    preparation_program: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Not current district staff: "retired" or "other_district" (vocab.EXTERNAL_KINDS); NULL: on staff.
    external: Mapped[str | None] = enum_column(EXTERNAL_KINDS, "educator_external", nullable=True)
    # A mentee's needs (004: "The match to the mentor should take into account individual needs of the
    # beginning teacher") and a mentor's strengths, as sorted lists of areas (vocabulary.parse_focus).
    focus: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    strengths: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)

    school: Mapped[School | None] = relationship(lazy="joined")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def sort_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    def __repr__(self) -> str:
        return f"Educator({self.employee_id!r}, {self.full_name!r})"


class InductionEnrollment(Tracked, Base):
    """An educator in the induction program for one school year (603 CMR 7.12/7.13)."""

    __tablename__ = "induction_enrollment"
    __table_args__ = (UniqueConstraint("educator_id", "school_year_id"),)

    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    status: Mapped[str] = enum_column(("beginning", "incoming"), "induction_status", nullable=False)
    induction_year: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # 1-3

    educator: Mapped[Educator] = relationship()
    school_year: Mapped[SchoolYear] = relationship()


class MentorProfile(Tracked, Base):
    """An educator's standing in the mentor pool for one school year."""

    __tablename__ = "mentor_profile"
    __table_args__ = (UniqueConstraint("educator_id", "school_year_id"),)

    educator_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    willing: Mapped[bool] = mapped_column(Boolean(), default=True, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, default=1, nullable=False)
    status: Mapped[str] = enum_column(MENTOR_STATUSES, "mentor_status", nullable=False, default="active")
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)

    educator: Mapped[Educator] = relationship()
    school_year: Mapped[SchoolYear] = relationship()


class Assignment(Tracked, Base):
    """A mentor paired with a mentee for a school year.

    A reassignment ends one row (end_date, end_reason) and starts another, so history stays
    (004, hold-harmless policy).
    """

    __tablename__ = "assignment"

    mentor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    mentee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("educator.id"), nullable=False, index=True)
    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    start_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    end_reason: Mapped[str | None] = enum_column(ASSIGNMENT_END_REASONS, "assignment_end_reason", nullable=True)
    # Private to the coordinator (hold-harmless): never printed or exported. Deferred and marked
    # confidential, so lists never load it and server logins other than the coordinator's
    # cannot read it (services/server/access.py).
    private_reason: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True,
                                                       info={"confidential": True})

    mentor: Mapped[Educator] = relationship(foreign_keys=[mentor_id])
    mentee: Mapped[Educator] = relationship(foreign_keys=[mentee_id])
    school_year: Mapped[SchoolYear] = relationship()

    def active_on(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)
