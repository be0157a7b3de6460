"""What the annual state report needs beyond the program's own records (603 CMR 7.12(3), 7.13;
004): participant survey responses, the partnerships registry, and the program profile."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Tracked, enum_column

PARTNER_KINDS = ("district", "professional association", "institution of higher education")


class SurveyResponse(Tracked, Base):
    """One participant's answers to the program's satisfaction survey (report item (g)/(h))."""

    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("school_year_id", "fingerprint"),)

    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, index=True)
    respondent_role: Mapped[str] = mapped_column(String(60), nullable=False)  # mentee, mentor, administrator...
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)  # question -> 1..5
    # Hash of the response's cells, so importing the same export twice adds nothing.
    fingerprint: Mapped[str] = mapped_column(String(64), nullable=False)


class Partnership(Tracked, Base):
    """A partnership with another district, a professional association or a college (item (h)/(i))."""

    __tablename__ = "partnership"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = enum_column(PARTNER_KINDS, "partnership_kind", nullable=False)
    purpose: Mapped[str | None] = mapped_column(Text, nullable=True)
    since: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class ProgramProfile(Tracked, Base):
    """The program's description for one year, as the state's survey asks it (carried forward)."""

    __tablename__ = "program_profile"

    school_year_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("school_year.id"), nullable=False, unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
