"""A busy database and the window's forms (issue 19, item 6): when another process keeps SQLite's write
lock past the save's wait, the People detail form, a CAP evidence form and the Schedule's event form keep
what was typed and say so in one plain line (no box, no traceback); the same typing saves once the lock
is free. The other process is real: a subprocess holding BEGIN IMMEDIATE on the test's file. The wait is
shortened from 60 s to 1.5 s (`TaskRunner.busy_wait`)."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from PySide6.QtCore import QDate, QTime

from app.models import Educator, School, derived_id
from app.services import cap
from tests.concurrency import LockHolder
from tests.ui_support import open_window

NOT_SAVED = ("Not saved: another MentorDesk window or command kept the database busy for 1.5 seconds. "
             "What you typed is still here; try again in a moment.")


def _count(db_path, sql: str) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def _held(db_path):  # type: ignore[no-untyped-def]
    return LockHolder(db_path)


def test_people_detail_keeps_the_typing_and_says_why_when_the_lock_is_held_too_long(qtbot, database, db_path):
    with database.unit_of_work() as s:
        school = School(name="Lincoln Elementary")
        s.add_all([school, Educator(id=derived_id("educator", "E2"), employee_id="E2", first_name="Ben",
                                    last_name="Okafor", school=school)])
    window = open_window(qtbot, database, "2025-2026")
    window.ctx.tasks.busy_wait = 1.5
    page = window.show_area("people")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.select_person("E2")
    detail = page.detail
    qtbot.waitUntil(lambda: detail.values()["last_name"] == "Okafor")
    detail.set_value("room", "B-204")
    detail.set_value("last_name", "Okafor-Hill")
    holder = _held(db_path)
    try:
        detail.save_button.click()
        qtbot.waitUntil(lambda: detail.message.text().startswith("Not saved"), timeout=15000)
        assert detail.message.text() == NOT_SAVED
        assert detail.values()["room"] == "B-204" and detail.values()["last_name"] == "Okafor-Hill"
        assert _count(db_path, "SELECT count(*) FROM educator WHERE last_name = 'Okafor-Hill'") == 0
    finally:
        holder.release()
    detail.save_button.click()  # the same typing, once the other process is done
    qtbot.waitUntil(lambda: detail.message.text() == "Saved.", timeout=15000)
    assert _count(db_path, "SELECT count(*) FROM educator WHERE last_name = 'Okafor-Hill' AND room = 'B-204'") == 1


@pytest.fixture
def cap_world(database):  # type: ignore[no-untyped-def]
    from tests.cap_fixtures import make_candidate, make_world

    with database.unit_of_work() as s:
        _school, sp, _other, org = make_world(s)
        _c, placement = make_candidate(s, org, sp)
        return {"placement": placement.id, "sp": str(sp.id)}


def test_cap_evidence_form_keeps_the_typing_and_its_draft_when_the_lock_is_held_too_long(qtbot, database, db_path,
                                                                                         cap_world):
    from app.services.cap import drafts as cap_drafts
    from tests.cap_fixtures import YEAR

    window = open_window(qtbot, database, YEAR)
    window.ctx.settings.setValue("cap/sp", cap_world["sp"])
    window.ctx.tasks.busy_wait = 1.5
    page = window.show_area("cap")
    qtbot.waitUntil(lambda: page.view.evidence.placement_id == cap_world["placement"])
    editor = page.view.evidence
    editor.set_values({"category": "artifacts", "elements": ["I-A-1"], "collected_on": "2026-02-10",
                       "note": "Unit plan with tiered tasks"})
    holder = _held(db_path)
    try:
        editor.save_button.click()
        qtbot.waitUntil(lambda: editor.draft_label.text().startswith("Not saved"), timeout=15000)
        assert editor.draft_label.text() == NOT_SAVED
        assert editor.note.toPlainText() == "Unit plan with tiered tasks"
        assert cap_drafts.load_draft(cap_drafts.evidence_key(cap_world["placement"]))["note"] == \
            "Unit plan with tiered tasks"
    finally:
        holder.release()
    editor.save_button.click()
    qtbot.waitUntil(lambda: "Evidence saved" in editor.draft_label.text(), timeout=15000)
    with database.read() as s:
        assert [i.note for i in cap.evidence(s, cap_world["placement"])] == ["Unit plan with tiered tasks"]


def test_schedule_event_form_comes_back_with_the_typing_when_the_lock_is_held_too_long(qtbot, database, db_path):
    """The event form closes on Save; if the save fails, the same form is shown again as it was, with the
    reason above its buttons, and its Save saves the same event."""
    from tests.scheduling_fixtures import YEAR, make_district

    with database.unit_of_work() as s:
        make_district(s)
    window = open_window(qtbot, database, YEAR)
    window.resize(1400, 900)
    window.ctx.tasks.busy_wait = 1.5
    page = window.show_area("schedule")
    page.go_to(dt.date(2026, 10, 19))
    dialog = page.make_dialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.title, "Ana: support team")
    dialog.date.setDate(QDate(2026, 10, 21))
    dialog.time.setTime(QTime(9, 50))
    qtbot.keyClicks(dialog.location, "Room 12")
    before = _count(db_path, "SELECT count(*) FROM event")
    holder = _held(db_path)
    try:
        page.save(dialog.event_input(), dialog=dialog)  # as open_dialog does once the form's Save closed it
        qtbot.waitUntil(dialog.isVisible, timeout=15000)
        assert page.status.text() == NOT_SAVED and dialog.warning.text() == NOT_SAVED
        assert dialog.title.text() == "Ana: support team" and dialog.location.text() == "Room 12"
        assert _count(db_path, "SELECT count(*) FROM event") == before
    finally:
        holder.release()
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: page.status.text() == "Saved.", timeout=15000)
    assert not dialog.isVisible()
    assert _count(db_path, "SELECT count(*) FROM event") == before + 1
