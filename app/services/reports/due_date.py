"""The annual state report's due date on the dashboard, from June 1 of the year's end.

004, "Reporting": "At the conclusion of each school year (June), superintendents will be emailed a link
to complete the annual induction and mentoring report. Districts must complete the report by July
31st." DOMAIN.md, "The annual state report": "Due to DESE by July 31 for the school year that ended in
June"; "The yearly survey (link around June 1 ...)". So the card appears on June 1, counts down to July 31
and is overdue from August 1, until the district records the day it submitted the report (Settings,
`state_report_submitted`: {"2025-2026": "2026-07-20"}).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from app.services.vocabulary import us_date

CITE_DUE = "603 CMR 7.12(3), 7.13; 004, Reporting (\"Districts must complete the report by July 31st\")"


def due_on(year_label: str) -> dt.date:
    """July 31 after the school year (2025-2026 -> 31 July 2026)."""
    from app.services.years import parse_label

    return dt.date(parse_label(year_label) + 1, 7, 31)


def shown_from(year_label: str) -> dt.date:
    """June 1 of the year's end: when the state sends the link (004: "At the conclusion of each school year (June)")."""
    from app.services.years import parse_label

    return dt.date(parse_label(year_label) + 1, 6, 1)


def submitted_on(session: Session, year_label: str) -> dt.date | None:
    from app.services import settings

    value = (settings.get(session, "state_report_submitted") or {}).get(year_label)
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def state_report_due_card(session: Session, year_label: str, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Dashboard card: the year's report to DESE, from June 1 (None before: nothing to say yet)."""
    from app.services.attention import AttentionCard, AttentionItem

    today = today or dt.date.today()
    if today < shown_from(year_label):
        return None
    due = due_on(year_label)
    title = f"State report {year_label}: due {us_date(due)}"
    done = submitted_on(session, year_label)
    if done is not None:
        return AttentionCard("state_report_due", title, CITE_DUE, [],
                             f"Submitted on {us_date(done)}.", "reports")
    if today <= due:
        left = (due - today).days
        text = "due today" if left == 0 else f"{_days(left)} left"
        item = AttentionItem(f"The {year_label} induction and mentoring report to DESE: {text} (due {us_date(due)})")
    else:
        item = AttentionItem(f"The {year_label} induction and mentoring report to DESE: "
                             f"{_days((today - due).days)} overdue (due {us_date(due)})", overdue=True)
    return AttentionCard("state_report_due", title, CITE_DUE, [item],
                         "Record the day it was submitted in Settings (state report submitted).", "reports")
