"""File > Restore from backup… (issue 19): the backups listed with US dates and sizes, a confirmation, the
backup put in place (the current file kept aside) and the window showing the restored data at once."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app import db, dbfiles
from app.models import Educator, School
from tests.ui_support import open_window


def _people(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT last_name FROM educator WHERE deleted_at IS NULL"))
    finally:
        conn.close()


@pytest.fixture
def window(qtbot, database, db_path):
    with database.unit_of_work() as s:
        school = School(name="Lincoln Elementary")
        s.add_all([school, Educator(employee_id="E1", first_name="Ana", last_name="Silva", school=school)])
    db.backup_sqlite(database.engine, "before-upgrade", now=dt.datetime(2025, 11, 20, 9, 30))
    with database.unit_of_work() as s:
        s.add(Educator(employee_id="E2", first_name="Ben", last_name="Hart"))
    db.backup_sqlite(database.engine, "before-upgrade", now=dt.datetime(2026, 3, 4, 15, 5))
    with database.unit_of_work() as s:
        s.add(Educator(employee_id="E3", first_name="Cy", last_name="Young"))
    return open_window(qtbot, database)


def _open_dialog(window, qtbot):
    window.actions["restore"].trigger()  # File > Restore from backup…
    dialog = window.restore_dialog
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def _rows(dialog) -> list[tuple[str, ...]]:
    table = dialog.table
    return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]


def test_the_backups_are_listed_newest_first_with_us_dates_and_sizes(window, qtbot, db_path, tmp_path):
    dialog = _open_dialog(window, qtbot)
    rows = _rows(dialog)
    assert [r[:2] for r in rows] == [("3/4/2026 3:05 PM", "Before an upgrade"),
                                     ("11/20/2025 9:30 AM", "Before an upgrade")]
    sizes = [b.size for b in dbfiles.backups(db_path)]  # the second computation: the files' own sizes
    assert [r[2] for r in rows] == [f"{max(1, round(s / 1000))} KB" for s in sizes]
    assert dialog.restore_button.isEnabled() and dialog.chosen() == dbfiles.backups(db_path)[0]
    dialog.resize(dialog.sizeHint().expandedTo(dialog.size()))
    assert dialog.width() <= 1366 and dialog.height() <= 768
    dialog.grab().save(str(tmp_path / "restore_dialog.png"))


def test_cancel_changes_nothing(window, qtbot, db_path):
    dialog = _open_dialog(window, qtbot)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    box = dialog.confirm
    assert box is not None and "Restore the backup made on 3/4/2026 3:05 PM?" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert _people(db_path) == ["Hart", "Silva", "Young"] and dialog.isVisible()
    assert not list(db_path.parent.glob("*.before-restore*"))


def test_restoring_the_older_backup_reopens_the_window_on_it_and_keeps_the_current_file(window, qtbot, db_path):
    people = window.show_area("people")
    qtbot.waitUntil(lambda: people.model.total_count == 3)
    dialog = _open_dialog(window, qtbot)
    dialog.table.selectRow(1)  # the November one
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "11/20/2025 9:30 AM" in dialog.confirm.text()
    qtbot.mouseClick(dialog.confirm.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    message = window.statusBar().currentMessage()
    assert message.startswith("Restored the backup made on 11/20/2025 9:30 AM.")
    assert "mentordesk.sqlite3.before-restore" in message
    assert _people(db_path) == ["Silva"]  # the file itself
    qtbot.waitUntil(lambda: people.model.total_count == 1)  # and the window, reloaded from it
    aside = db_path.with_name("mentordesk.sqlite3.before-restore")
    assert _people(aside) == ["Hart", "Silva", "Young"]  # nothing lost: the replaced file is kept
    assert dbfiles.quick_check(db_path) == []
    # The window goes on writing to the restored file.
    with window.ctx.tasks.database.unit_of_work() as s:
        s.add(Educator(employee_id="E4", first_name="Dee", last_name="Park"))
    assert _people(db_path) == ["Park", "Silva"]


def test_with_no_backups_the_dialog_says_so(qtbot, database):
    window = open_window(qtbot, database)
    dialog = _open_dialog(window, qtbot)
    assert dialog.table.rowCount() == 0 and not dialog.restore_button.isEnabled()
    if database.engine.dialect.name != "sqlite":
        assert "on a server, which keeps its own backups" in dialog.intro.text()
        return
    assert "no backups of this database yet" in dialog.intro.text()
