"""Scheduling at scale (issue 5): `python -m benchmarks scheduling`.

- conflict_save_ms: one save of a support-team meeting (validation, conflict check against
  20,000 events of 400 educators, 10% of them weekly series, insert, flush) - target <= 20 ms;
- conflict_check_ms: the conflict check alone;
- month_view_ms: the Schedule page's month view filled with 2,000 occurrences and painted - target <= 100 ms;
- week_view_ms: the week view with 400 occurrences painted.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
import uuid

YEAR = "2026-2027"
EVENTS = 20_000


def _fill(database) -> list[uuid.UUID]:  # type: ignore[no-untyped-def]
    from sqlalchemy import insert

    from app.models import Educator, School, derived_id
    from app.models.base import utcnow
    from app.models.scheduling import Event, EventAttendee
    from app.services.years import ensure_year

    rng = random.Random(5)
    now = utcnow()
    with database.unit_of_work() as session:
        year, _ = ensure_year(session, YEAR)
        school = School(name="Bench School")
        session.add(school)
        session.flush()
        people = []
        for index in range(400):
            e = Educator(id=derived_id("educator", f"E{index}"), employee_id=f"E{index}", first_name=f"F{index}",
                         last_name=f"L{index}", school_id=school.id)
            session.add(e)
            people.append(e.id)
        session.flush()
        events, attendees = [], []
        for _ in range(EVENTS):
            day = year.first_day + dt.timedelta(days=rng.randint(0, 280))
            start = dt.datetime.combine(day, dt.time(rng.randint(11, 21), rng.choice((0, 15, 30, 45))),
                                        dt.timezone.utc)
            recurring = rng.random() < 0.1
            event_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            events.append({"id": event_id, "school_year_id": year.id, "kind": "other", "title": "Bench",
                           "starts_at": start, "minutes": rng.choice((30, 45, 60)), "status": "scheduled",
                           "recurrence": "weekly" if recurring else None,
                           "repeat_until": (day + dt.timedelta(days=rng.randint(14, 90))) if recurring else None,
                           "exdates": [], "sequence": 0, "created_at": now, "updated_at": now, "version": 1})
            for person in rng.sample(people, rng.randint(2, 4)):
                attendees.append({"id": uuid.UUID(int=rng.getrandbits(128), version=4), "event_id": event_id,
                                  "educator_id": person, "created_at": now, "updated_at": now, "version": 1})
        session.execute(insert(Event), events)
        session.execute(insert(EventAttendee), attendees)
    return people


def run() -> dict[str, float]:
    from app.db import Database
    from app.services import scheduling
    from app.services.scheduling import EventInput
    from app.services.scheduling import events as scheduling_events
    from app.services.years import ensure_year
    from benchmarks.common import fresh_database

    database = Database.open(fresh_database("scheduling"))
    people = _fill(database)
    rng = random.Random(9)
    saves, checks = [], []
    for _ in range(30):
        data = EventInput("support_team", "Team", dt.datetime(2026, 10, rng.randint(1, 28), rng.randint(7, 16), 0),
                          45, educator_ids=rng.sample(people, 4))
        with database.sessions() as session:
            year = ensure_year(session, YEAR)[0]
            tz = scheduling.zone(session)
            candidate = scheduling_events._candidate(data, year, tz, uuid.uuid4())
            started = time.perf_counter()
            scheduling.find_conflicts(session, candidate, tz=tz)
            checks.append(time.perf_counter() - started)
            started = time.perf_counter()
            scheduling.save_event(session, YEAR, data, allow_conflicts=True)
            session.commit()
            saves.append(time.perf_counter() - started)
    figures = {"conflict_save_ms": round(statistics.median(saves) * 1000, 1),
               "conflict_check_ms": round(statistics.median(checks) * 1000, 1)}
    figures.update(_views())
    database.dispose()
    return figures


def _views() -> dict[str, float]:
    """Paint the page's month and week views with synthetic occurrences (no database in the loop)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from zoneinfo import ZoneInfo

    from PySide6.QtWidgets import QApplication

    from app.services.scheduling import Occurrence
    from app.ui.pages.schedule.week_view import WeekView

    app = QApplication.instance() or QApplication([])
    tz = ZoneInfo("America/New_York")
    rng = random.Random(3)

    def occurrences(count: int, first: dt.date, days: int) -> list[Occurrence]:
        out = []
        for index in range(count):
            start = dt.datetime.combine(first + dt.timedelta(days=rng.randint(0, days - 1)),
                                        dt.time(rng.randint(7, 16), rng.choice((0, 15, 30, 45))), tz)
            start = start.astimezone(dt.timezone.utc)
            out.append(Occurrence(uuid.uuid4(), start.date(), start, start + dt.timedelta(minutes=45), "peer_group",
                                  f"Meeting {index}", "School", "scheduled", False))
        return out

    page = _MonthHarness()
    month = occurrences(2000, dt.date(2026, 9, 28), 42)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        page.show_month(month, tz)
        page.table.grab()
        app.processEvents()
        times.append(time.perf_counter() - started)
    week = WeekView()
    week.resize(1200, 700)
    items = occurrences(400, dt.date(2026, 10, 19), 7)
    week_times = []
    for _ in range(5):
        started = time.perf_counter()
        week.set_data(dt.date(2026, 10, 19), items, tz)
        week.grab()
        week_times.append(time.perf_counter() - started)
    figures = {"month_view_ms": round(statistics.median(times) * 1000, 1),
               "week_view_ms": round(statistics.median(week_times) * 1000, 1)}
    import gc

    import shiboken6

    page.table.clear()
    for widget in (week, page.table):
        shiboken6.delete(widget)
    del page, week, month, items
    gc.collect()
    app.processEvents()
    return figures


class _MonthHarness:
    """The page's month table and fill, without a database behind it."""

    def __init__(self) -> None:
        from app.ui.pages.schedule import SchedulePage

        self._fill = SchedulePage._fill_month
        from PySide6.QtWidgets import QTableWidget

        self.table = QTableWidget(6, 7)
        self.table.resize(1200, 800)
        self.month = self.table
        self.anchor = dt.date(2026, 10, 1)

    def palette(self):  # type: ignore[no-untyped-def]
        return self.table.palette()

    def tr(self, text: str, _disambiguation: str = "", n: int = -1) -> str:
        return text.replace("%n", str(n))

    def show_month(self, occurrences: list, tz) -> None:  # type: ignore[no-untyped-def]
        self.occurrences, self.tz = occurrences, tz
        self._fill(self, dt.date(2026, 9, 28))
