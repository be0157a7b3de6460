"""School years: labels like 2025-2026, the July 1 to June 30 reporting window, first day of school."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import SchoolYear, derived_id
from app.errors import UsageError

_LABEL = re.compile(r"^(\d{4})-(\d{4})$")


def parse_label(label: str) -> int:
    """Return the starting calendar year of a label like '2025-2026'; refuse anything else."""
    match = _LABEL.match(label.strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise UsageError(f"school year {label!r} must look like 2025-2026 (two consecutive years)")
    return int(match.group(1))


def label_for(day: dt.date) -> str:
    """The school year whose July 1 to June 30 window contains `day`."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{start + 1}"


def current_label(today: dt.date | None = None) -> str:
    return label_for(today or dt.date.today())


def default_first_day(start_year: int) -> dt.date:
    """The first Wednesday on or after August 26: typical in Massachusetts; changeable in Settings."""
    day = dt.date(start_year, 8, 26)
    while day.weekday() != 2:  # Wednesday
        day += dt.timedelta(days=1)
    return day


def default_last_day(start_year: int) -> dt.date:
    day = dt.date(start_year + 1, 6, 20)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class YearInfo:
    """A school year as plain data (safe to hand across threads)."""

    id: object
    label: str
    window_start: dt.date
    window_end: dt.date
    first_day: dt.date
    last_day: dt.date

    @classmethod
    def of(cls, year: SchoolYear) -> "YearInfo":
        return cls(year.id, year.label, year.window_start, year.window_end, year.first_day, year.last_day)


def find_year(session: Session, label: str) -> SchoolYear | None:
    return session.scalars(select(SchoolYear).where(SchoolYear.label == label)).one_or_none()


def ensure_year(session: Session, label: str) -> tuple[SchoolYear, bool]:
    """Get the school year, creating it (July 1 to June 30, default first day) when new.

    Returns (year, created) so commands can say "created school year 2026-2027".
    """
    start = parse_label(label)
    year = find_year(session, label)
    if year is not None:
        return year, False
    year = SchoolYear(
        id=derived_id("school_year", label),
        label=label,
        window_start=dt.date(start, 7, 1),
        window_end=dt.date(start + 1, 6, 30),
        first_day=default_first_day(start),
        last_day=default_last_day(start),
    )
    session.add(year)
    session.flush()
    return year, True


def list_years(session: Session) -> list[YearInfo]:
    return [YearInfo.of(y) for y in session.scalars(select(SchoolYear).order_by(SchoolYear.label))]


def update_year(session: Session, label: str, *, first_day: dt.date, last_day: dt.date) -> YearInfo:
    from app.errors import FieldProblem, ValidationError

    year, _ = ensure_year(session, label)
    problems = []
    if not year.window_start <= first_day <= year.window_end:
        problems.append(FieldProblem("first_day", first_day.isoformat(), f"must fall within {label} (July 1 to June 30)"))
    if not first_day < last_day <= year.window_end:
        problems.append(FieldProblem("last_day", last_day.isoformat(), "must come after the first day and by June 30"))
    if problems:
        raise ValidationError(problems)
    year.first_day, year.last_day = first_day, last_day
    session.flush()
    return YearInfo.of(year)
