"""A busy database (issue 19): while another process holds SQLite's write lock, a save in the window
waits and says so calmly, keeps what was typed, and saves once the lock is free; if the lock is held
past the wait, one plain line says nothing was saved and the form still holds the typing.

The other process is real: a subprocess holding BEGIN IMMEDIATE on the test's SQLite file."""

from __future__ import annotations

import sqlite3
import time

import pytest
from PySide6.QtCore import Qt

from app.models import Assignment, Educator, InductionEnrollment, School, derived_id
from app.services.years import current_label, ensure_year
from tests.concurrency import LockHolder
from tests.ui_support import open_window

WAITING = "Another MentorDesk window is saving… retrying"

@pytest.fixture
def window(qtbot, database, db_path):
    year_label = current_label()
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, year_label)
        school = School(name="Lincoln Elementary")
        mentor = Educator(id=derived_id("educator", "M1"), employee_id="M1", first_name="Maria",
                          last_name="Lopez", school=school)
        mentee = Educator(id=derived_id("educator", "B1"), employee_id="B1", first_name="Ana",
                          last_name="Silva", school=school)
        s.add_all([school, mentor, mentee])
        s.add(InductionEnrollment(educator=mentee, school_year=year, status="beginning"))
        s.add(Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=year.window_start))
    win = open_window(qtbot, database, year_label)
    yield win
    win.ctx.tasks.wait()


def _type_a_session(qtbot, quick) -> None:
    qtbot.keyClicks(quick.pair, "Silva")
    popup = quick.pair.completer().popup()
    if popup.isVisible():
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    quick.duration.setFocus()
    quick.duration.lineEdit().selectAll()
    qtbot.keyClicks(quick.duration.lineEdit(), "45")
    qtbot.keyClicks(quick.notes, "talked about the first week")


def _entries(db_path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT count(*) FROM time_log").fetchone()[0]
    finally:
        conn.close()


def _typed_still_there(quick) -> bool:
    return (quick.pair.text() == "Silva" and quick.duration.currentText() == "45 min"
            and quick.notes.text() == "talked about the first week")


def test_a_save_waits_for_another_process_says_so_and_saves_when_the_lock_is_free(window, qtbot, db_path):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 1)
    window.ctx.tasks.synchronous = False  # the real worker thread from here: the window stays live while it waits
    window.ctx.tasks.busy_wait = 30
    _type_a_session(qtbot, quick)
    holder = LockHolder(db_path)
    try:
        qtbot.mouseClick(quick.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == WAITING, timeout=10000)
        assert quick.message.text() == WAITING  # beside the form too
        time.sleep(1.0)  # a few tries go by
        qtbot.wait(50)
        assert _typed_still_there(quick) and _entries(db_path) == 0
    finally:
        holder.release()
    qtbot.waitUntil(lambda: "Saved: Ana Silva" in quick.message.text(), timeout=15000)
    assert _entries(db_path) == 1 and quick.notes.text() == ""  # saved, and the form cleared for the next one
    assert window.statusBar().currentMessage() == ""  # the waiting message is gone


def test_when_the_lock_is_held_past_the_wait_one_line_says_so_and_nothing_typed_is_lost(window, qtbot, db_path):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 1)
    window.ctx.tasks.synchronous = False
    window.ctx.tasks.busy_wait = 2  # the real wait is 60 s
    _type_a_session(qtbot, quick)
    holder = LockHolder(db_path)
    try:
        started = time.monotonic()
        qtbot.mouseClick(quick.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Not saved" in quick.message.text(), timeout=15000)
        elapsed = time.monotonic() - started
        assert 1.5 <= elapsed < 8, elapsed  # waited about the 2 s given, not SQLite's own 10 s per try
        text = quick.message.text()
        assert "another MentorDesk window or command kept the database busy for 2 seconds" in text
        assert "What you typed is still here" in text and "Traceback" not in text and "\n" not in text
        assert _typed_still_there(quick) and _entries(db_path) == 0
        assert window.statusBar().currentMessage() == ""
    finally:
        holder.release()
    qtbot.mouseClick(quick.save_button, Qt.MouseButton.LeftButton)  # the same typing, saved on the next try
    qtbot.waitUntil(lambda: "Saved: Ana Silva" in quick.message.text(), timeout=15000)
    assert _entries(db_path) == 1


def test_closing_the_window_stops_a_save_waiting_for_the_lock(window, qtbot, db_path):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 1)
    window.ctx.tasks.synchronous = False
    _type_a_session(qtbot, quick)  # the real 60 s wait
    holder = LockHolder(db_path)
    try:
        qtbot.mouseClick(quick.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: window.statusBar().currentMessage() == WAITING, timeout=10000)
        started = time.monotonic()
        window.close()
        assert time.monotonic() - started < 10  # not the minute
        assert _entries(db_path) == 0
    finally:
        holder.release()
