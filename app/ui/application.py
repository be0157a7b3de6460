"""Start the window: QApplication, database (migrated, backed up first), main window, and on an
empty database the offer of the demo district."""

from __future__ import annotations

import itertools
import logging
import sys
from pathlib import Path

# SQLAlchemy and the models first: once PySide6 is loaded it routes every import through its own
# __import__ hook (__feature_import__), which made importing app.db ~0.2 s (a third) slower.
from app import paths
from app.db import Database
from app.services.years import current_label
from app.errors import MentorDeskError

from PySide6.QtCore import QSettings, QTimer  # noqa: I001 - after app.db on purpose (above)
from PySide6.QtWidgets import QApplication, QMessageBox


def make_qapp(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    _collect_on_the_gui_thread(app)
    from app.ui import wheel

    wheel.install(app)
    app.setOrganizationName("MentorDesk")
    app.setApplicationName("MentorDesk")
    app.setApplicationDisplayName("MentorDesk")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(paths.config_dir()))
    return app  # type: ignore[return-value]


def _collect_on_the_gui_thread(app: QApplication) -> None:
    """Python's cycle collector runs in whichever thread happens to cross its threshold. In a
    worker thread (an import, a report) it may finalize Qt objects of the GUI thread, and Qt then
    crashes. So the automatic collector is off while the window runs, and a timer collects on the
    GUI thread: the young generation twice a second, the middle one every 5 s, all every minute."""
    import gc

    gc.disable()
    if app.property("gui_thread_collector"):
        return
    gc.freeze()  # what is loaded by now (Qt, SQLAlchemy, the models) lives as long as the app: never walk it
    ticks = itertools.count(1)

    def collect() -> None:
        tick = next(ticks)
        gc.collect(2 if tick % 120 == 0 else 1 if tick % 10 == 0 else 0)

    timer = QTimer(app)
    timer.setInterval(500)
    timer.timeout.connect(collect)
    timer.start()
    app.setProperty("gui_thread_collector", True)


def _start_facts(session):  # type: ignore[no-untyped-def]
    from app.services.district.overview import start_info  # declares the people models: after the first paint

    return start_info(session)


def _record_failed_unlocks(database: Database) -> None:
    """Wrong passphrases typed before this open go into the audit trail now (issue 18)."""
    from app.services.audit import trail

    try:
        trail.record_failed_unlocks(database)
    except Exception as exc:  # noqa: BLE001 - never stops the window; the note waits for the next open
        logging.getLogger(__name__).warning("failed unlocks not recorded yet: %s", type(exc).__name__)


def _tie_drafts(database: Database) -> None:
    from app.services.cap import drafts

    drafts.use_database(database.path)  # sealed as the database is, when it is encrypted (issue 18)


def build_window(database: Database, *, synchronous: bool = False, on_empty=None):  # type: ignore[no-untyped-def]
    """The main window on an opened database; returns (window, empty).

    On the worker thread (the app), the start facts (the school years, creating the current one;
    whether the database is empty) load just after the window is first painted: their query is
    the first ORM use, which configures every mapper (~0.1 s). `empty` is then None and
    `on_empty(window)` is called if it is. Synchronous runners (tests) get them at once."""
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

    _record_failed_unlocks(database)
    tasks = TaskRunner(database, synchronous=synchronous)
    if synchronous:
        _tie_drafts(database)
    else:  # after the first paint: the CAP package is heavy, and nothing can be typed before then
        QTimer.singleShot(0, lambda: _tie_drafts(database))
    if synchronous:
        empty, years, current = tasks.call(_start_facts, write=True)
    else:
        empty, current = None, current_label()
        years = [current]
        started: list = []  # the window, once made: the facts arrive after it exists

        def known(facts: tuple[bool, list[str], str]) -> None:
            window = started[0]
            window.set_years(facts[1])
            if facts[0] and on_empty is not None:
                on_empty(window)

        tasks.hold()  # the facts go first, before the first page's load (one worker, in order)
        # Pages are made for this year and load after this job: nothing shown needs data_changed.
        tasks.run(_start_facts, on_success=known, write=True, announce=False)
    ctx = AppContext(tasks, current)
    window = MainWindow(ctx, years)
    if not synchronous:
        started.append(window)
    tasks.setParent(window)
    ctx.setParent(window)
    return window, empty


def offer_demo(window) -> None:  # type: ignore[no-untyped-def]
    answer = QMessageBox.question(
        window,
        window.tr("Welcome to MentorDesk"),
        window.tr("This database is empty. Load the demo district (a small made-up district with "
                  "schools, staff, mentors and beginning teachers) to look around?\n\n"
                  "You can import your own roster at any time from People."),
    )
    if answer == QMessageBox.StandardButton.Yes:
        from app.services.demo.district import build_demo

        window.ctx.tasks.run(lambda s: build_demo(s, size="small", seed=1, year_label=window.ctx.year_label),
                             on_success=lambda msg: window.statusBar().showMessage(msg, 10000))


def open_at_start(db_url: str | None = None) -> Database | None:
    """The database the window opens, or None (said in a message box). A file found damaged (it is
    checked when the last session ended without closing it) offers its newest good backup."""
    from app import db, dbkeys
    from app.errors import DamagedDatabaseError
    from app.ui.unlock import ask_new_passphrase, recovery_key_box, unlock_at_start

    try:
        if not unlock_at_start(db.plain_path(db_url)):  # an encrypted file: its passphrase first (issue 18)
            return None
        passphrase = None
        if db.new_database_key(db_url) == "passphrase":  # a new database, no OS keyring: choose a passphrase
            passphrase = ask_new_passphrase(db.plain_path(db_url) or Path("mentordesk.sqlite3"))
            if passphrase is None:
                return None
        try:
            # New databases made from the window are encrypted by default (issue 18, item 3).
            database = Database.open(db_url, passphrase=passphrase, encrypt=dbkeys.encrypt_new_databases())
            if database.recovery_key:
                kept_by = "by your passphrase" if passphrase else "in this computer's keyring"
                recovery_key_box(database.recovery_key, kept_by).exec()
            return database
        except DamagedDatabaseError as exc:
            from app.ui.restore import offer_restore_at_start

            if exc.path is None or offer_restore_at_start(None, exc.path, exc.detail) is None:
                return None
            return Database.open(db_url)
    except MentorDeskError as exc:
        QMessageBox.critical(None, "MentorDesk", str(exc))
        return None


def run(db_url: str | None = None) -> int:
    from app.ui.errors import install_excepthook, setup_logging

    app = make_qapp()
    setup_logging()
    from app.logs import enable_faulthandler

    enable_faulthandler()
    install_excepthook()
    database = open_at_start(db_url)
    if database is None:
        return 1
    window, _ = build_window(database, on_empty=offer_demo)
    window.show()
    code = app.exec()
    database.dispose()
    return code
