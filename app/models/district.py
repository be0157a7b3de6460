"""District-level records: settings, schools, school years."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Tracked


class Setting(Tracked, Base):
    """One district setting (key -> JSON value). Typed access lives in services/settings.py."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)


class School(Tracked, Base):
    __tablename__ = "school"

    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    # DESE org code: 8 digits, district 4 + school 4; always zero-padded text (DOMAIN.md).
    org_code: Mapped[str | None] = mapped_column(String(8), nullable=True)
    level: Mapped[str | None] = mapped_column(String(40), nullable=True)  # elementary, middle, high...

    def __repr__(self) -> str:
        return f"School({self.name!r})"


class SchoolYear(Tracked, Base):
    """A school year such as 2025-2026. The state reporting window is July 1 to June 30."""

    __tablename__ = "school_year"

    label: Mapped[str] = mapped_column(String(9), unique=True, nullable=False)
    window_start: Mapped[dt.date] = mapped_column(Date, nullable=False)  # July 1
    window_end: Mapped[dt.date] = mapped_column(Date, nullable=False)  # June 30
    first_day: Mapped[dt.date] = mapped_column(Date, nullable=False)  # first day of school
    last_day: Mapped[dt.date] = mapped_column(Date, nullable=False)  # last day of school

    def contains(self, day: dt.date) -> bool:
        return self.window_start <= day <= self.window_end

    def __repr__(self) -> str:
        return f"SchoolYear({self.label})"
