"""Scrolling the Time Logs list of 200,000 entries (issue 17, item 9): what each scroll step costs the window.

Built in seconds (no demo district): 200,000 entries (or `--entries N`) of 240 pairs over the 2025-2026
school year (about 1,100 a school day at 200,000, so pages end inside a day). The list is the page's own
model in a `QTableView` set up by the page's own `setup_entries_view`, 1100 x 700 px, shown (offscreen).

- wheel_step_*: one notch of the mouse wheel (a QWheelEvent on the viewport: 3 rows), repeated down to
  row 6,000; the steps that reach the end of what is loaded fetch the next page, as for a person.
- page_down_step_*: the Page Down key on the list (a screen of rows), repeated down to row 6,000.
- fetch_step_*: the scroll bar dragged to the bottom of what is loaded (a page fetched, inserted,
  laid out and the whole viewport painted), repeated to row 20,000: the worst step.
- page_read_cpu_ms: the page's SQL alone (`list_entries`, 200 rows after row 12,000), processor time;
  page_plan: SQLite's EXPLAIN QUERY PLAN of that read (which index it walks, whether it sorts).
- Every figure twice: `without_index` (the index time_log (date, id) of revision 0018 dropped from a
  copy of the file: before) and `with_index` (after).
- The pages are read ahead on the database worker as the page does (BENCH_AHEAD=0: fetched in the
  step itself, as before); `*_pages_read_ahead` counts the pages served from the worker.
- `*_gui_cpu_ms`: processor time of the window's thread only (`time.thread_time`), which is what makes
  a step late on screen and which other programs on the machine do not inflate; `*_ms`: wall clock.

Figures are medians and 95th percentiles of the steps, then the median over the rounds (BENCH_ROUNDS, 2).
Run: `python -m benchmarks timelogs_scroll` (200,000 entries), or `python -m benchmarks.timelogs_scroll
--entries 100000` (saves only the key `timelogs_scroll` of benchmarks/results.json). The entries are built
once per size and kept in benchmarks/out/, which git ignores; later runs use a copy.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
import uuid

YEAR = "2025-2026"
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "200000"))  # the size issue 17 names
ROWS = 20_000  # the scroll bar dragged down to this row
AHEAD = os.environ.get("BENCH_AHEAD", "1") != "0"  # 0: every page fetched in the scroll step (as before)
PLAN_ROW = 12_000  # the page read and explained on its own starts after this row
WHEEL_ROWS = 6_000  # the wheel turned down to this row (3 rows a notch: 2,000 notches, 30 pages fetched)


def build(path: str, entries: int = ENTRIES) -> None:
    from sqlalchemy import insert

    from app.db import Database
    from app.models import Assignment, Educator, School, derived_id
    from app.models.base import utcnow
    from app.models.timelogs import TimeLog
    from app.services.years import ensure_year

    database = Database.open(path)
    rng = random.Random(17)
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, YEAR)
        schools = [School(name=f"School {i}") for i in range(6)]
        s.add_all(schools)
        people = [Educator(id=derived_id("educator", f"E{i}"), employee_id=f"E{i}", first_name=f"First{i}",
                           last_name=f"Lastname{i}", school=schools[i % 6]) for i in range(480)]
        s.add_all(people)
        pairs = [Assignment(mentor=people[2 * i], mentee=people[2 * i + 1], school_year=year,
                            start_date=year.window_start) for i in range(240)]
        s.add_all(pairs)
        s.flush()
        days = [dt.date(2025, 9, 2) + dt.timedelta(days=d) for d in range(290)]
        days = [d for d in days if d.weekday() < 5 and d <= dt.date(2026, 6, 19)]
        activities = ("observed_mentee", "co_teaching", "planning", "meeting", "goal_setting")
        now = utcnow()
        rows = []
        for _ in range(entries):
            pair = rng.choice(pairs)
            rows.append({"id": uuid.UUID(int=rng.getrandbits(128), version=4), "assignment_id": pair.id,
                         "mentor_id": pair.mentor_id, "mentee_id": pair.mentee_id, "date": rng.choice(days),
                         "minutes": rng.choice((15, 30, 45, 60, 90)), "activity": rng.choice(activities),
                         "topics": ["Classroom management", "Planning"][: rng.randrange(3)],
                         "release_time": "both" if rng.random() < 0.3 else None, "notes": None,
                         "entered_by": "coordinator", "created_at": now, "updated_at": now, "version": 1})
        for start in range(0, entries, 10_000):
            s.execute(insert(TimeLog), rows[start:start + 10_000])
    database.dispose()


_TASKS = None


def _pct(values: list[float], q: float) -> float:
    return round(sorted(values)[min(len(values) - 1, int(len(values) * q))] * 1000, 1)


def measure(path: str) -> dict:
    from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
    from PySide6.QtGui import QKeyEvent, QWheelEvent
    from PySide6.QtWidgets import QApplication, QTableView

    from app.db import Database
    from app.services.timelogs import logs
    from app.ui.pages.timelogs.entries import (
        EntriesModel,
        setup_entries_view,
        with_cells,
    )
    from app.ui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    database = Database.open(path)
    flt = logs.EntryFilter(YEAR)

    def fetch(after, limit, sort, descending):  # type: ignore[no-untyped-def]
        with database.read() as s:
            return logs.list_entries(s, flt, after=after, limit=limit, sort=sort, descending=descending)

    def count():  # type: ignore[no-untyped-def]
        with database.read() as s:
            return logs.count_entries(s, flt)

    global _TASKS
    if _TASKS is None:  # one runner for every round: a runner deleted with its jobs' signals aborts PySide
        _TASKS = TaskRunner(database)
    tasks = _TASKS
    tasks.database = database

    def fetch_ahead(after, limit, sort, descending, done):  # type: ignore[no-untyped-def]
        """As the page does: the next page read on the database worker (one thread)."""
        tasks.run(lambda s: with_cells(logs.list_entries(s, flt, after=after, limit=limit, sort=sort,
                                                         descending=descending)),
                  on_success=done, write=False, quiet=True)

    def view_of() -> tuple[EntriesModel, QTableView]:
        model = EntriesModel(fetch, count, fetch_ahead=fetch_ahead if AHEAD else None)
        view = QTableView()
        view.resize(1100, 700)
        view.setModel(model)
        setup_entries_view(view)
        view.show()
        model.reload()
        view.resizeColumnsToContents()
        app.processEvents()
        return model, view

    figures: dict = {}
    # The wheel: one notch at a time, as a person scrolls.
    model, view = view_of()
    wall, gui, fetched = [], [], []
    viewport = view.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    while view.verticalScrollBar().value() < WHEEL_ROWS:
        before = len(model.rows)
        event = QWheelEvent(centre, viewport.mapToGlobal(centre), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        started, cpu = time.perf_counter(), time.thread_time()
        QApplication.sendEvent(viewport, event)
        app.processEvents()
        wall.append(time.perf_counter() - started)
        gui.append(time.thread_time() - cpu)
        if len(model.rows) != before:
            fetched.append(gui[-1])
    view.close()
    figures["wheel_pages_read_ahead"] = model.pages_fetched_ahead
    figures.update({"wheel_steps": len(wall), "wheel_step_ms_median": _pct(wall, 0.5),
                    "wheel_step_ms_p95": _pct(wall, 0.95), "wheel_step_gui_cpu_ms_median": _pct(gui, 0.5),
                    "wheel_step_gui_cpu_ms_p95": _pct(gui, 0.95), "wheel_step_gui_cpu_ms_max": _pct(gui, 1.0),
                    "wheel_steps_that_fetched": len(fetched),
                    "wheel_fetch_step_gui_cpu_ms_median": _pct(fetched, 0.5) if fetched else None})
    # The Page Down key on the list: a screen of rows a press, as a person reading down the list.
    model, view = view_of()
    wall, gui = [], []
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    while view.verticalScrollBar().value() < WHEEL_ROWS:
        press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_PageDown, Qt.KeyboardModifier.NoModifier)
        started, cpu = time.perf_counter(), time.thread_time()
        QApplication.sendEvent(view, press)
        app.processEvents()
        wall.append(time.perf_counter() - started)
        gui.append(time.thread_time() - cpu)
    view.close()
    figures.update({"page_down_steps": len(wall), "page_down_step_ms_median": _pct(wall, 0.5),
                    "page_down_step_gui_cpu_ms_median": _pct(gui, 0.5),
                    "page_down_step_gui_cpu_ms_p95": _pct(gui, 0.95)})
    # The scroll bar dragged to the bottom of what is loaded: a page fetched and a whole viewport painted.
    model, view = view_of()
    wall, gui = [], []
    bar = view.verticalScrollBar()
    while len(model.rows) < min(ROWS, model.total):
        waited = time.perf_counter()  # a person's pace: the next drag comes after the worker has read ahead
        while AHEAD and model._ahead is None and time.perf_counter() - waited < 0.2:
            app.processEvents()
            time.sleep(0.002)
        started, cpu = time.perf_counter(), time.thread_time()
        bar.setValue(bar.maximum())
        app.processEvents()
        wall.append(time.perf_counter() - started)
        gui.append(time.thread_time() - cpu)
    view.close()
    figures["fetch_pages_read_ahead"] = model.pages_fetched_ahead
    figures.update({"fetch_steps": len(wall), "fetch_step_ms_median": _pct(wall, 0.5),
                    "fetch_step_ms_p95": _pct(wall, 0.95), "fetch_step_gui_cpu_ms_median": _pct(gui, 0.5),
                    "fetch_step_gui_cpu_ms_p95": _pct(gui, 0.95)})
    tasks.wait()
    figures.update(page_read(database, flt))
    database.dispose()
    return figures


def page_read(database, flt) -> dict:  # type: ignore[no-untyped-def]
    """The page's SQL alone, deep in the list (200 rows after row 12,000), and SQLite's plan for it."""
    from sqlalchemy import event

    from app.services.timelogs import logs

    with database.read() as s:
        after = None
        for _ in range(PLAN_ROW // 200):  # walk to the page as the list does
            after = logs.list_entries(s, flt, after=after, limit=200)[-1]
        seen: list = []

        def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            seen.append((statement, parameters))

        event.listen(database.engine, "before_cursor_execute", grab)
        try:
            logs.list_entries(s, flt, after=after, limit=200)
        finally:
            event.remove(database.engine, "before_cursor_execute", grab)
        statement, parameters = seen[-1]
        plan = [row[-1] for row in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
        times = []
        for _ in range(15):
            cpu = time.process_time()
            logs.list_entries(s, flt, after=after, limit=200)
            times.append(time.process_time() - cpu)
    return {"page_read_cpu_ms": _pct(times, 0.5), "page_plan": " | ".join(plan)}


def _kept(entries: int):  # type: ignore[no-untyped-def]
    """The entries built once per size (benchmarks/out/, ignored by git)."""
    import shutil
    from pathlib import Path

    from benchmarks.common import fresh_database

    kept = Path(__file__).parent / "out" / f"timelogs-scroll-{entries}.sqlite3"
    if not kept.exists():
        built = fresh_database(f"timelogs-scroll-built-{entries}")
        build(built, entries)
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(built, kept)
    return kept


def _copy(kept, index: bool) -> str:  # type: ignore[no-untyped-def]
    """A copy of the built file, with or without the index time_log (date, id) of revision 0018."""
    import shutil
    import sqlite3

    from benchmarks.common import SCRATCH

    path = SCRATCH / f"{kept.stem}-{'with' if index else 'without'}-index.sqlite3"
    shutil.copy(kept, path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP INDEX IF EXISTS ix_time_log_date_id")
        if index:
            conn.execute("CREATE INDEX ix_time_log_date_id ON time_log (date, id)")
    return str(path)


def run(entries: int | None = None) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    entries = entries or ENTRIES
    kept = _kept(entries)
    figures: dict = {"entries": entries}
    rounds_wanted = int(os.environ.get("BENCH_ROUNDS", "2"))
    variants = {"without_index": [], "with_index": []}
    for _ in range(rounds_wanted):  # the two alternate, so a swing of the shared machine hits both
        for name, rounds in variants.items():
            rounds.append(measure(_copy(kept, name == "with_index")))
    figures["rounds"] = rounds_wanted
    for name, rounds in variants.items():
        summary: dict = {}
        for key in rounds[0]:
            values = [r[key] for r in rounds if r[key] is not None]
            if key == "page_plan":
                summary[key] = values[-1]
            else:
                summary[key] = round(statistics.median(values), 1) if values else None
        figures[name] = summary
    figures["load_average"] = round(os.getloadavg()[0], 1)
    return figures


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.timelogs_scroll [--entries N]`: run, print, and save only `timelogs_scroll`."""
    import argparse
    import json
    from pathlib import Path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=ENTRIES, help="entries in the list (200,000)")
    args = parser.parse_args(argv)
    figures = run(args.entries)
    print(json.dumps(figures, indent=2))
    results_path = Path(__file__).with_name("results.json")
    results = json.loads(results_path.read_text()) if results_path.exists() else {}  # read now: only this key
    results["timelogs_scroll"] = figures
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    import sys

    code = main()
    sys.stdout.flush()
    os._exit(code)  # as benchmarks/__main__: PySide's widgets must not be finalized at exit
