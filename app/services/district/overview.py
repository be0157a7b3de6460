"""District-wide facts the window needs at start: is there any data, which years exist."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Educator
from app.services.years import current_label, ensure_year, list_years


def is_empty(session: Session) -> bool:
    return session.scalar(select(Educator.id).limit(1)) is None


def start_info(session: Session) -> tuple[bool, list[str], str]:
    """(empty, year labels, the year to show): the current school year always exists."""
    current = current_label()
    ensure_year(session, current)
    labels = [y.label for y in list_years(session)]
    return is_empty(session), labels, current
