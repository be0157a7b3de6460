"""The Time Logs list scrolled as a person scrolls it (the view fetches page after page): every entry
once, in the order asked for, across page boundaries inside one day's entries; sorting and the name
filter still hold after scrolling; the confidential notes are never in a cell (issue 17, item 9)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView
from sqlalchemy import insert

from app.models import Assignment, Educator, School, derived_id
from app.models.base import utcnow
from app.models.timelogs import TimeLog
from app.services.timelogs import logs
from app.services.years import ensure_year
from app.ui.pages.timelogs.entries import PAGE_SIZE, EntriesModel, setup_entries_view, with_cells

YEAR = "2025-2026"
SECRET = "confidential: struggling with a parent"
COUNT = 3 * PAGE_SIZE + 57  # four pages, the last one short


@pytest.fixture
def entries(database):
    """COUNT entries on 12 school days (about 55 a day, so pages end inside a day), two pairs."""
    rng = random.Random(17)
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, YEAR)
        school = School(name="Lincoln Elementary")
        s.add(school)
        people = {eid: Educator(id=derived_id("educator", eid), employee_id=eid, first_name=first, last_name=last,
                                school=school)
                  for eid, first, last in (("M1", "Maria", "Lopez"), ("B1", "Ana", "Silva"), ("B2", "Ben", "Hart"))}
        s.add_all(people.values())
        pairs = [Assignment(mentor=people["M1"], mentee=people[eid], school_year=year, start_date=year.window_start)
                 for eid in ("B1", "B2")]
        s.add_all(pairs)
        s.flush()
        now = utcnow()
        rows = []
        for _ in range(COUNT):
            pair = rng.choice(pairs)
            rows.append({"id": uuid.UUID(int=rng.getrandbits(128), version=4), "assignment_id": pair.id,
                         "mentor_id": pair.mentor_id, "mentee_id": pair.mentee_id,
                         "date": dt.date(2025, 10, 1) + dt.timedelta(days=rng.randrange(12)),
                         "minutes": rng.choice((15, 30, 45, 60, 90)), "activity": "meeting", "topics": ["planning"],
                         "release_time": "both" if rng.random() < 0.3 else None, "notes": SECRET, "created_at": now, "updated_at": now,
                         "version": 1})
        s.execute(insert(TimeLog), rows)
        names = {pair.mentee_id: ("Ana Silva" if pair.mentee_id == people["B1"].id else "Ben Hart") for pair in pairs}
    return rows, names


def _model(qtbot, database, flt):
    def fetch(after, limit, sort, descending):  # type: ignore[no-untyped-def]
        with database.read() as s:
            return logs.list_entries(s, flt, after=after, limit=limit, sort=sort, descending=descending)

    def count():  # type: ignore[no-untyped-def]
        with database.read() as s:
            return logs.count_entries(s, flt)

    model = EntriesModel(fetch, count)
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(22)
    view.show()
    model.reload()
    return model, view


def _scroll_to_the_end(qtbot, model, view) -> int:
    """Drag the scroll bar to the bottom until the view stops fetching; returns the steps taken."""
    bar = view.verticalScrollBar()
    steps = 0
    while model.canFetchMore(view.rootIndex()):
        bar.setValue(bar.maximum())
        qtbot.wait(1)
        steps += 1
        assert steps < 50, "the view never fetched the rest"
    return steps


def _cells(model, row):
    return [model.index(row, c).data() for c in range(model.columnCount())]


def test_scrolling_lists_every_entry_once_in_order(qtbot, database, entries):
    rows, names = entries
    model, view = _model(qtbot, database, logs.EntryFilter(YEAR))
    assert len(model.rows) == PAGE_SIZE and model.total == COUNT
    assert _scroll_to_the_end(qtbot, model, view) >= 3
    expected = sorted(rows, key=lambda r: (r["date"], r["id"].hex), reverse=True)  # newest first, then by id
    assert [r.id for r in model.rows] == [r["id"] for r in expected]
    assert model.rowCount() == COUNT
    # Each row shows its own entry, made when its page came (the last row of the last page too).
    for i in (0, PAGE_SIZE - 1, PAGE_SIZE, 2 * PAGE_SIZE + 1, COUNT - 1):
        want = expected[i]
        assert _cells(model, i) == [f"{want['date'].month}/{want['date'].day}/{want['date'].year}", names[want["mentee_id"]], "Maria Lopez",
                                    str(want["minutes"]), "Meeting", "planning",
                                    "yes" if want["release_time"] else "", ""]
        assert model.index(i, 0).data(Qt.ItemDataRole.UserRole).id == want["id"]
    assert model.index(5, 3).data(Qt.ItemDataRole.TextAlignmentRole) == int(
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    assert model.index(5, 2).data(Qt.ItemDataRole.TextAlignmentRole) is None
    assert model.index(COUNT, 0).data() is None
    every_cell = {model.index(r, c).data() for r in range(COUNT) for c in range(model.columnCount())}
    assert not any(SECRET in (cell or "") for cell in every_cell)  # the notes are never listed


def test_sort_and_filter_still_hold_after_scrolling(qtbot, database, entries):
    rows, names = entries
    model, view = _model(qtbot, database, logs.EntryFilter(YEAR))
    view.setSortingEnabled(True)
    view.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # minutes, shortest first: pages of many ties
    _scroll_to_the_end(qtbot, model, view)
    expected = sorted(rows, key=lambda r: (r["minutes"], r["id"].hex))
    assert [r.id for r in model.rows] == [r["id"] for r in expected]
    # The name filter: only Ana's entries, newest first, all of them after scrolling.
    model, view = _model(qtbot, database, logs.EntryFilter(YEAR, text="silva"))
    _scroll_to_the_end(qtbot, model, view)
    ana = sorted((r for r in rows if names[r["mentee_id"]] == "Ana Silva"), key=lambda r: (r["date"], r["id"].hex),
                 reverse=True)
    assert len(ana) > PAGE_SIZE and [r.id for r in model.rows] == [r["id"] for r in ana]
    assert {model.index(i, 1).data() for i in range(model.rowCount())} == {"Ana Silva"}


@pytest.mark.parametrize(("code", "label"), [("observed_mentee", "Observed the mentee teach"),
                                             ("co_teaching", "Co-teaching"), ("meeting", "Meeting")])
def test_a_row_shows_the_activity_label_and_a_us_date(code, label):
    """The list shows what a person reads elsewhere: the activity's label (logs.ACTIVITY_LABELS), never
    its code, and the date as M/D/YYYY without leading zeros (app/ui/dates.py); issue 17."""
    from app.ui.pages.timelogs.entries import display_cells

    row = logs.EntryRow(uuid.uuid4(), uuid.uuid4(), dt.date(2026, 3, 5), "Maria Lopez", "Ana Silva", "Lincoln", 45,
                        code, ("planning",), True, False, "coordinator", "both")
    cells = display_cells(row)
    assert cells[0] == "3/5/2026" and cells[4] == label and "_" not in "".join(cells)
    assert display_cells(dataclasses.replace(row, date=dt.date(2025, 12, 31)))[0] == "12/31/2025"


def test_pages_read_ahead_are_the_pages_scrolled_to_and_a_reload_drops_a_late_one(qtbot, database, entries):
    """The model asks for the next page as soon as the last one is in (the page runs it on the database
    worker): scrolling then inserts that page, the same entries in the same order as fetching in the
    step; a page that arrives after a reload or a new sort is never inserted (issue 17, item 9)."""
    rows, _names = entries
    flt = logs.EntryFilter(YEAR)
    waiting = []  # the worker's jobs not yet run: (after, sort, descending, done)

    def fetch(after, limit, sort, descending):  # type: ignore[no-untyped-def]
        with database.read() as s:
            return logs.list_entries(s, flt, after=after, limit=limit, sort=sort, descending=descending)

    def count():  # type: ignore[no-untyped-def]
        with database.read() as s:
            return logs.count_entries(s, flt)

    def ahead(after, limit, sort, descending, done):  # type: ignore[no-untyped-def]
        waiting.append((after, limit, sort, descending, done))

    def run_worker():
        while waiting:
            after, limit, sort, descending, done = waiting.pop(0)
            done(with_cells(fetch(after, limit, sort, descending)))

    model = EntriesModel(fetch, count, fetch_ahead=ahead)
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.setModel(model)
    setup_entries_view(view)
    view.show()
    model.reload()
    assert waiting and waiting[-1][0] is model.rows[-1]  # the next page asked for at once
    bar = view.verticalScrollBar()
    while model.canFetchMore(view.rootIndex()):
        run_worker()
        bar.setValue(bar.maximum())
        qtbot.wait(1)
    assert model.pages_fetched_ahead >= 2  # the pages the view reached after the first layout: read ahead
    expected = sorted(rows, key=lambda r: (r["date"], r["id"].hex), reverse=True)
    assert [r.id for r in model.rows] == [r["id"] for r in expected]
    assert [model.index(i, 0).data() for i in (0, COUNT - 1)] == [
        f"{d.month}/{d.day}/{d.year}" for d in (expected[0]["date"], expected[-1]["date"])]
    # A late page: asked for before a new sort, delivered after it; the view fetches its own.
    model.sort(0, Qt.SortOrder.DescendingOrder)
    late = waiting.pop(0)
    model.sort(3, Qt.SortOrder.AscendingOrder)  # minutes, shortest first
    late[4](with_cells(fetch(*late[:4])))
    bar.setValue(bar.maximum())
    qtbot.wait(1)
    by_minutes = sorted(rows, key=lambda r: (r["minutes"], r["id"].hex))
    assert [r.id for r in model.rows] == [r["id"] for r in by_minutes[:len(model.rows)]]
    assert len(model.rows) > PAGE_SIZE


def test_a_page_deep_in_the_list_is_read_in_order_through_the_date_id_index(database, entries):
    """Revision 0018: SQLite walks time_log (date, id) for the page and stops after 200 rows; no sort of
    every entry of the page's last date (docs/timelog-scrolling.md)."""
    from sqlalchemy import event

    if database.engine.dialect.name != "sqlite":
        pytest.skip("EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans with the same index on its own")

    flt = logs.EntryFilter(YEAR)
    seen: list = []
    with database.read() as s:
        after = logs.list_entries(s, flt, limit=PAGE_SIZE)[-1]

        def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            seen.append((statement, parameters))

        event.listen(database.engine, "before_cursor_execute", grab)
        try:
            page = logs.list_entries(s, flt, after=after, limit=PAGE_SIZE)
        finally:
            event.remove(database.engine, "before_cursor_execute", grab)
        statement, parameters = seen[-1]
        plan = [row[-1] for row in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
    assert len(page) == PAGE_SIZE
    page_rows = plan[: plan.index("SCAN page")] if "SCAN page" in plan else plan
    assert any("ix_time_log_date_id" in line for line in page_rows), plan
    assert not any("TEMP B-TREE" in line for line in page_rows), plan  # the page itself is not sorted
