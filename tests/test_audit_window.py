"""The window's exports leave audit entries (issue 18, item 4): a person clicks Export roster on the People
page and the trail says a file holding confidential fields (the ratings) was written, by whom; the roster
import before it recorded the ratings it brought, by id."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
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
