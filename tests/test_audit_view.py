"""File > Audit trail… (issue 18, item 4: "`mentordesk audit ...` and a window view"): a person opens the menu
item, reads the entries (US dates, plain action words, who and on which computer), narrows them to a day
and after, and clicks Verify to get one line saying whether the chain is intact; an altered entry is named."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import text

from app.services.audit import trail
from tests.ui_support import open_window

STAMPS = ["2026-12-03T12:00:00.000000+00:00", "2026-12-04T12:00:00.000000+00:00",
          "2026-12-05T12:00:00.000000+00:00"]


def _three_entries(database, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """An export on 12/3, a read of two notes on 12/4, a failed unlock on 12/5 (noon UTC: the same day in
    any US time zone)."""
    stamps = iter(STAMPS)
    monkeypatch.setattr(trail, "_now", lambda: next(stamps))
    with database.engine.begin() as conn:
        trail.append(conn, [trail.Event("export", "staff roster", (), 0, True)], database.actor)
        trail.append(conn, [trail.Event("read", "time_log_entry", ("a", "b"))], database.actor)
        trail.append(conn, [trail.Event("unlock-failed", "database", (), 3, False)], database.actor)


def _cells(dialog) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = dialog.table
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _open(qtbot, database):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, database)
    window.actions["audit"].trigger()  # what the menu item does when clicked
    dialog = window.audit_dialog
    assert dialog.isVisible()
    return window, dialog


def test_the_menu_item_lists_the_trail_with_us_dates_and_plain_words(qtbot, database, monkeypatch):
    _three_entries(database, monkeypatch)
    _window, dialog = _open(qtbot, database)
    shown = [i for i in range(dialog.table.columnCount()) if not dialog.table.isColumnHidden(i)]
    assert [dialog.table.horizontalHeaderItem(i).text() for i in shown] == [
        "When", "Action", "What", "Rows", "Confidential", "App user", "OS user", "Computer"]  # no Device: no sync group
    cells = _cells(dialog)
    assert len(cells) == 3
    # second computation of the date: from the stamp, not through the view's function
    for row, stamp in zip(cells, STAMPS):
        local = dt.datetime.fromisoformat(stamp).astimezone()
        assert re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2} (AM|PM)", row[0])
        assert row[0].startswith(f"{local.month}/{local.day}/{local.year} ")
    assert [r[1:5] for r in cells] == [["File written", "staff roster", "", "Yes"],
                                       ["Opened in the window", "time log entry", "2", "Yes"],
                                       ["Wrong passphrase", "database", "3 wrong", "No"]]
    assert all(r[5] == database.actor and r[6] and r[7] for r in cells)
    assert dialog.count.text() == "3 entries"
    assert not any("_" in c for r in cells for c in r[1:3])  # no snake_case codes on screen


def test_since_shows_the_day_and_after_not_the_day_before(qtbot, database, monkeypatch):
    _three_entries(database, monkeypatch)
    _window, dialog = _open(qtbot, database)
    QTest.mouseClick(dialog.only_since, Qt.MouseButton.LeftButton)
    assert dialog.only_since.isChecked() and dialog.since.isEnabled()
    expected = {dt.date(2026, 12, 3): 3, dt.date(2026, 12, 4): 2, dt.date(2026, 12, 5): 1, dt.date(2026, 12, 6): 0}
    for day, count in expected.items():  # the day before the first entry, on each, the day after the last
        dialog.since.setDate(day)
        QTest.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
        assert dialog.table.rowCount() == count, day
        assert dialog.count.text() == f"{count} entries since {day.month}/{day.day}/{day.year}"
    dialog.since.setDate(dt.date(2026, 12, 4))
    QTest.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    assert [r[1] for r in _cells(dialog)] == ["Opened in the window", "Wrong passphrase"]
    QTest.mouseClick(dialog.only_since, Qt.MouseButton.LeftButton)  # unticked: everything again
    assert dialog.table.rowCount() == 3 and dialog.count.text() == "3 entries"


def test_verify_says_intact_in_one_line_then_names_the_altered_entry(qtbot, database, monkeypatch):
    _three_entries(database, monkeypatch)
    _window, dialog = _open(qtbot, database)
    QTest.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    with database.engine.connect() as conn:
        head = conn.execute(text("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1")).one()
    line = dialog.verdict.text()
    assert "\n" not in line and line.startswith("The audit trail is intact: 3 entries")
    assert f"number {head.id}," in line and head.hash in line
    with database.engine.begin() as conn:  # someone with the file drops the guard and edits entry 2
        if database.engine.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER audit_entry_no_update"))
        else:
            conn.execute(text("DROP TRIGGER audit_entry_append_only ON audit_entry"))
        conn.execute(text("UPDATE audit_entry SET os_user = 'nobody' WHERE id = 2"))
    QTest.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.verdict.text() == "Audit trail broken at entry 2: it was altered."


def test_an_empty_trail_says_so(qtbot, database):
    _window, dialog = _open(qtbot, database)
    QTest.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    assert dialog.table.rowCount() == 0 and dialog.count.text() == "0 entries"
    assert dialog.verdict.text() == "The audit trail is empty: nothing to check yet."


def test_the_dialog_fits_a_1366_by_768_screen(qtbot, database, monkeypatch, tmp_path):
    _three_entries(database, monkeypatch)
    window, dialog = _open(qtbot, database)
    window.resize(1366, 768)
    QTest.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)  # the layout takes the two-line verdict in
    assert dialog.verdict.height() >= dialog.verdict.heightForWidth(dialog.verdict.width())  # not clipped
    size = dialog.size()
    assert size.width() <= 1366 and size.height() <= 768
    assert dialog.minimumSizeHint().width() <= 1366 and dialog.minimumSizeHint().height() <= 768
    dialog.grab().save(str(tmp_path / "audit-view.png"))
