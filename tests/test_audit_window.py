"""The window's exports leave audit entries (issue 18, item 4): a person clicks Export roster on the People
page and the trail says a file holding confidential fields (the ratings) was written, by whom; the roster
import before it recorded the ratings it brought, by id."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton
from sqlalchemy import select

from app.models.audit import AuditEntry
from tests.ui_support import open_window
from tests.test_ui_people import YEAR, import_through_wizard


def test_export_roster_from_the_people_page_is_in_the_trail(qtbot, database, tmp_path, monkeypatch):
    window = open_window(qtbot, database, YEAR)
    page = window.show_area("people")
    wizard = import_through_wizard(page, tmp_path, monkeypatch)
    wizard.next()
    wizard.accept()
    out = tmp_path / "roster-export.csv"
    monkeypatch.setattr("app.ui.pages.people.save_path", lambda *a, **k: str(out))
    button = next(b for b in page.findChildren(QPushButton) if b.text() == "Export roster…")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: out.exists() and "Wrote" in page.status.text())
    with database.engine.connect() as conn:
        entries = list(conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)))
    ratings = [e for e in entries if e.what == "educator"]
    assert [e.action for e in ratings] == ["insert"] and len(json.loads(ratings[0].row_ids)) == 2  # E2 and E3 rated
    assert [(e.action, e.what, e.confidential, e.actor) for e in entries if e.action == "export"] == [
        ("export", "staff roster", 1, database.actor)]


def test_opening_an_entry_with_its_notes_is_in_the_trail(qtbot, database):
    """Double-clicking a time-log entry shows its confidential notes: the trail records the read, by id."""
    import datetime as dt

    from app.models import Assignment, Educator
    from app.services.timelogs import logs as timelogs
    from app.services.years import current_label, ensure_year

    year_label = current_label()
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, year_label)
        mia = Educator(employee_id="M1", first_name="Mia", last_name="Mentor")
        ned = Educator(employee_id="N1", first_name="Ned", last_name="New")
        pair = Assignment(mentor=mia, mentee=ned, school_year=year, start_date=year.window_start)
        s.add(pair)
        s.flush()
        day = year.window_start + dt.timedelta(days=10)
        entry = timelogs.add_entry(s, timelogs.EntryInput(pair.id, day, 30, "meeting", notes="hard week"), today=day)
    window = open_window(qtbot, database, year_label)
    page = window.show_area("timelogs")
    qtbot.waitUntil(lambda: page.model.total == 1)
    page.view.doubleClicked.emit(page.model.index(0, 0))  # what the view emits on a double-click
    dialogs = [d for d in page.findChildren(QDialog) if type(d).__name__ == "EntryDialog"]
    assert len(dialogs) == 1 and dialogs[0].notes.toPlainText() == "hard week"
    with database.engine.connect() as conn:
        entries = list(conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)))
    assert [(e.action, e.what, json.loads(e.row_ids)) for e in entries] == [
        ("insert", "time_log", [str(entry)]), ("read", "time_log", [str(entry)])]
    assert all("hard week" not in str(tuple(e)) for e in entries)


def test_opening_a_candidate_reads_its_evidence_into_the_trail(database):
    """The CAP page's candidate view loads the evidence notes: the trail records the read, by id."""
    import datetime as dt

    from app.services import cap
    from app.ui.pages.cap.drafted import _load_candidate
    from tests.cap_fixtures import make_candidate, make_world

    with database.unit_of_work() as s:
        _school, sp, _other, org = make_world(s)
        _candidate, placement = make_candidate(s, org, sp)
        code = cap.edition_of(s, placement.id).elements[0].code
        piece = cap.add_evidence(s, placement.id, element_code=code, category="observation", note="struggled with pacing",
                                 collected_on=dt.date(2026, 2, 3))
        placement_id = placement.id
    with database.read() as s:
        _load_candidate(placement_id)(s)
    with database.engine.connect() as conn:
        reads = list(conn.execute(select(AuditEntry.__table__).where(AuditEntry.action == "read")))
    assert [(e.what, json.loads(e.row_ids)) for e in reads] == [("cap_evidence", [str(piece)])]
