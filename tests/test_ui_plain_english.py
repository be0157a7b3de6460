"""Plain English on screen (issue 17): rates as percentages ("58.3%", not "0.583"), and an unexpected
error said in a sentence with what to do, its technical details behind "Show Details" and in the log,
never a statement's values (a name typed by a coordinator, a note)."""

from __future__ import annotations

import logging
import re

import pytest
from PySide6.QtWidgets import QMessageBox

from tests.ui_support import demo_file, open_copy, open_window

YEAR = "2025-2026"


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_template):
    return demo_file(tmp_path_factory, migrated_template, YEAR)


def test_rates_show_as_percentages_on_the_reports_page(qtbot, demo, tmp_path):
    from app.ui.pages.reports import DrillDownDialog

    database = open_copy(demo, tmp_path)
    try:
        window = open_window(qtbot, database, YEAR)
        page = window.show_area("reports")
        qtbot.waitUntil(lambda: page.figures.rowCount() > 0)
        cells = [page.figures.item(r, 2).text() for r in range(page.figures.rowCount())]
        rates = next(text for text in cells if text.startswith("hiring "))
        rate = r"(\d{1,3}\.\d% \(\d+ of \d+\)|no data)"  # "73.2% (41 of 56)": the rate with its counts
        assert re.fullmatch(rf"hiring {rate}; retention {rate}", rates), rates
        assert "%" in rates  # the demo district has a rate to show
        assert not any(re.search(r"rate [01]\.\d{3}", text) for text in cells)
        by_school = next(i for i in page.items if i.header and i.header[-1] == "Retention rate")
        dialog = DrillDownDialog(by_school, "\n".join(by_school.definitions), page)
        shown = [dialog.table.item(r, 5).text() for r in range(dialog.table.rowCount())]
        assert shown and all(re.fullmatch(rate, text) for text in shown), shown
        assert any("%" in text for text in shown)
    finally:
        database.dispose()


def test_an_unexpected_error_says_what_to_do_and_keeps_the_values_out_of_screen_and_log(database, monkeypatch,
                                                                                       tmp_path, qapp):
    import sqlite3
    import traceback

    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from app import paths
    from app.ui import errors

    secret = "Zelda-Quixote-Note"
    try:
        with database.unit_of_work() as s:
            s.execute(text("SELECT id FROM educator WHERE last_name = :name AND no_such_column = 1"), {"name": secret})
    except Exception as exc:  # noqa: BLE001 - the error the window would be handed
        assert secret not in "".join(traceback.format_exception(exc))  # every engine hides parameters
    # The window's own guard, for an error that carries its parameters anyway (a driver's, a server's):
    failure = OperationalError("SELECT id FROM educator WHERE last_name = ? AND no_such_column = 1", (secret,),
                               sqlite3.OperationalError("no such column: no_such_column"))
    details = "".join(traceback.format_exception(failure))
    assert secret in details  # SQLAlchemy prints the value: the window must not
    boxes: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: boxes.append(box) or 0)
    logger = logging.getLogger("mentordesk")
    handlers = list(logger.handlers)
    errors.setup_logging()
    try:
        errors.show_error(None, failure, details)
    finally:
        for handler in logger.handlers[len(handlers):]:
            handler.close()
            logger.removeHandler(handler)
    box = boxes[0]
    assert box.text() == "MentorDesk could not finish what you asked. Your saved work is safe."
    assert "Help > Open the log folder" in box.informativeText()
    on_screen = box.text() + box.informativeText()
    assert "SQL" not in on_screen and "Error" not in on_screen and secret not in on_screen
    assert "no_such_column" in box.detailedText()  # what support needs is behind "Show Details"
    assert secret not in box.detailedText() and "[parameters: not shown]" in box.detailedText()
    logged = (paths.log_dir() / "mentordesk.log").read_text(encoding="utf-8")
    assert "no_such_column" in logged and secret not in logged
