"""Start the window: QApplication, database (migrated, backed up first), main window, and on an
empty database the offer of the demo district."""

from __future__ import annotations

import sys

# SQLAlchemy and the models first: once PySide6 is loaded it routes every import through its own
# __import__ hook (__feature_import__), which made importing app.db ~0.2 s (a third) slower.
from app import paths
from app.db import Database
from app.services.district import start_info
from app.services.errors import MentorDeskError

from PySide6.QtCore import QSettings  # noqa: I001 - after app.db on purpose (above)
from PySide6.QtWidgets import QApplication, QMessageBox


def make_qapp(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName("MentorDesk")
    app.setApplicationName("MentorDesk")
    app.setApplicationDisplayName("MentorDesk")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(paths.config_dir()))
    return app  # type: ignore[return-value]


def build_window(database: Database, *, synchronous: bool = False):  # type: ignore[no-untyped-def]
    """The main window on an opened database; returns (window, empty)."""
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow
    from app.ui.tasks import TaskRunner

    tasks = TaskRunner(database, synchronous=synchronous)
    empty, years, current = tasks.call(start_info, write=True)
    ctx = AppContext(tasks, current)
    window = MainWindow(ctx, years)
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
        from app.services.demo import build_demo

        window.ctx.tasks.run(lambda s: build_demo(s, size="small", seed=1, year_label=window.ctx.year_label),
                             on_success=lambda msg: window.statusBar().showMessage(msg, 10000))


def run(db_url: str | None = None) -> int:
    from app.ui.errors import install_excepthook, setup_logging

    app = make_qapp()
    setup_logging()
    install_excepthook()
    try:
        database = Database.open(db_url)
    except MentorDeskError as exc:
        QMessageBox.critical(None, "MentorDesk", str(exc))
        return 1
    window, empty = build_window(database)
    window.show()
    if empty:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: offer_demo(window))
    code = app.exec()
    database.dispose()
    return code
