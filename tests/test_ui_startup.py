"""Start-up stays quick (benchmarks/startup.py): the window is painted before the capability models
are registered or the first page's data loads, and that data still arrives right after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap


def test_first_page_loads_after_the_first_paint(qtbot, database):
    from app.ui.application import build_window, make_qapp

    make_qapp()
    window, _empty = build_window(database)  # the real runner, on its worker thread
    qtbot.addWidget(window)
    page = window.pages["dashboard"]
    assert window.ctx.tasks._held, "the first page's load waits for the first paint"
    window.show()
    qtbot.waitUntil(lambda: "staff" in page.counts.text(), timeout=20000)
    assert not window.ctx.tasks._held
    window.ctx.tasks.wait()


def test_the_start_facts_arrive_after_the_paint(qtbot, database):
    """The year list fills in, and an empty database is reported (the app then offers the demo)."""
    from app.services.years import current_label
    from app.ui.application import build_window, make_qapp

    make_qapp()
    offered = []
    window, empty = build_window(database, on_empty=offered.append)
    qtbot.addWidget(window)
    assert empty is None and window.year_box.count() == 1
    window.show()
    qtbot.waitUntil(lambda: offered == [window], timeout=20000)
    assert window.year_box.currentText() == current_label()
    window.ctx.tasks.wait()


def test_nothing_heavy_is_imported_before_the_window_is_shown(database, db_path):
    """In a fresh process: opening a current database and building the window registers only the
    district models and leaves PySide6's Qt namespace (about 100 enums) unbuilt."""
    from app.services.years import current_label, ensure_year

    with database.unit_of_work() as s:  # else the start creates this year: a write loads every model
        ensure_year(s, current_label())
    script = textwrap.dedent(f"""
        import json, sys
        from app.db import Database
        from app.ui.application import build_window, make_qapp
        make_qapp(sys.argv[:1])
        window, _ = build_window(Database.open({str(db_path)!r}))
        import PySide6.QtCore as QtCore
        print(json.dumps({{"modules": sorted(sys.modules), "qt_namespace": "Qt" in QtCore.__dict__}}))
    """)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.strip().splitlines()[-1])
    heavy = ("app.models.cap", "app.models.scheduling", "app.models.timelogs", "app.models.matching",
             "app.models.people", "app.models.sync", "app.services.attention",
             "alembic", "pandas", "openpyxl", "reportlab", "dateutil")
    assert [m for m in heavy if m in found["modules"]] == []
    assert not found["qt_namespace"]


def test_cycles_are_collected_on_the_gui_thread_only(qtbot):
    """A worker thread must never run the cycle collector (it may finalize the GUI's Qt objects and
    crash): the automatic collector is off, and the GUI thread collects twice a second."""
    import gc
    import weakref

    from app.ui.application import make_qapp

    make_qapp()
    assert not gc.isenabled()

    class Node:
        pass

    node = Node()
    node.me = node  # a cycle: only the collector frees it
    gone = weakref.ref(node)
    del node
    assert gone() is not None
    qtbot.waitUntil(lambda: gone() is None, timeout=2000)
