"""The Partnership page (issue 21, the toolkit: 001 Partnership Toolkit, 002 Partnerships criteria), used as
a coordinator does: reached from the sidebar and by Ctrl+Shift+1, each form opened by its button, filled and
saved; what was saved shows in the tables, on the dashboard (an agreement ending soon) and in the report."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from tests.ui_support import open_window

YEAR = "2025-2026"
ACCEPT = int(QDialog.DialogCode.Accepted)


@pytest.fixture
def window(qtbot, database, monkeypatch):
    from app.services.years import ensure_year

    with database.unit_of_work() as s:
        ensure_year(s, YEAR)
    shown: list[str] = []
    monkeypatch.setattr("app.ui.pages.partnership.page.show_error",
                        lambda _p, exc, _d="": shown.append(f"{type(exc).__name__}: {exc}"))
    win = open_window(qtbot, database, YEAR)
    win.shown_errors = shown
    return win


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _button(page, text):
    from PySide6.QtWidgets import QPushButton

    [button] = [b for b in page.findChildren(QPushButton) if b.text() == text]
    return button


def _cells(table):
    return [[table.item(r, c).text() if table.item(r, c) else "" for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_the_page_is_in_the_sidebar_and_ctrl_shift_1_opens_it(qtbot, window):
    from app.ui.main_window import AREAS

    row = [a.key for a in AREAS].index("partnership")
    item = window.sidebar.item(row)
    window.sidebar.scrollToItem(item)
    rect = window.sidebar.visualItemRect(item)
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.stack.currentWidget() is window.pages["partnership"]
    window.show_area("dashboard")
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_1,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.stack.currentWidget() is window.pages["partnership"]
    page = window.pages["partnership"]
    hint = page.minimumSizeHint()
    assert hint.width() <= 1366 - window.sidebar.width() and hint.height() <= 700  # fits a 1366x768 laptop


def test_a_coordinator_records_the_toolkit_through_the_page(qtbot, window, database, monkeypatch, tmp_path):
    from app.ui.pages.partnership import dialogs

    page = window.show_area("partnership")
    today = dt.date.today()

    def partner(d):
        d.name.setText("Commonwealth State University")
        d.since.setText("9/1/2019")
        return ACCEPT

    monkeypatch.setattr(dialogs.PartnerDialog, "exec", partner)
    click(qtbot, _button(page, "Add partner…"))
    assert window.shown_errors == []
    assert _cells(page.partners)[0][:3] == ["Commonwealth State University", "institution of higher education",
                                            "9/1/2019"]

    def contact(d):
        d.name.setText("Dr. Helen Park")
        d.title.setText("Director of field placements")
        d.email.setText("hpark@csu.example.edu")
        return ACCEPT

    monkeypatch.setattr(dialogs.ContactDialog, "exec", contact)
    page.partners.selectRow(0)
    click(qtbot, _button(page, "Add contact…"))
    assert _cells(page.contacts) == [["Dr. Helen Park", "Director of field placements", "hpark@csu.example.edu", ""]]

    ends = today + dt.timedelta(days=10)

    def agreement(d):
        d.kind.setCurrentIndex(d.kind.findData("data_sharing"))
        d.title.setText("Data sharing agreement")
        d.starts.setText("7/1/2025")
        d.ends.setText(f"{ends.month}/{ends.day}/{ends.year}")
        d.elements.item(0).setCheckState(Qt.CheckState.Checked)
        d.other.setText("CAP ratings")
        return ACCEPT

    monkeypatch.setattr(dialogs.AgreementDialog, "exec", agreement)
    click(qtbot, _button(page, "Add agreement…"))
    assert window.shown_errors == []
    row = _cells(page.agreements)[0]
    assert row[1] == "Data sharing agreement" and row[-1] == "ends in 10 days: renew"
    from app.services.partnership.agreements import list_agreements

    with database.read() as s:
        [saved] = list_agreements(s)
    assert saved.data_elements == ("Unique encrypted teacher ID", "CAP ratings")
    from app.services.attention import collect

    with database.read() as s:  # the dashboard's card (shown once the roster has people)
        card = {c.key: c for c in collect(s, YEAR)}["partnership_agreements"]
    assert len(card.items) == 1 and card.area == "partnership"
    page.tabs.setCurrentIndex(1)

    def answers(d):
        d.respondent.setText("Induction coordinator")
        d.role.setText("district")
        d.answers["1"].setCurrentIndex(d.answers["1"].findData("agree"))
        d.answers["7"].setCurrentIndex(d.answers["7"].findData("disagree"))
        return ACCEPT

    monkeypatch.setattr(dialogs.ResponseDialog, "exec", answers)
    click(qtbot, _button(page, "Add self-assessment…"))
    assert _cells(page.responses)[0][:3] == ["Induction coordinator", "district", "Self-assessment"]
    results = _cells(page.self_results)
    assert results[0][1:6] == ["0", "1", "0", "0", "100%"] and results[6][1:6] == ["0", "0", "1", "0", "0%"]
    page.vision.setPlainText("A pipeline our students need.")
    page.adopted.setText("9/15/2025")
    click(qtbot, _button(page, "Save vision"))
    assert page.status.text() == "Vision saved."

    page.tabs.setCurrentIndex(2)

    def goal(d):
        d.goal.setPlainText("By June 2026, place 10 candidates in shortage areas.")
        d.due.setText("6/30/2026")
        d.smart["measurable"].setText("Placements count")
        qtbot.mouseClick(d.add_step_button, Qt.MouseButton.LeftButton)
        d.steps.item(0, 0).setText("Jointly select and train SPs")
        d.steps.item(0, 1).setText("Fall")
        d.steps.cellWidget(0, 7).setCurrentIndex(1)  # impact 1 (highest)
        d.steps.cellWidget(0, 9).setCurrentIndex(d.steps.cellWidget(0, 9).findData("done"))
        return ACCEPT

    monkeypatch.setattr(dialogs.GoalDialog, "exec", goal)
    click(qtbot, _button(page, "Add goal…"))
    assert window.shown_errors == []
    assert _cells(page.goals)[0][2:] == ["6/30/2026", "Active", "1 of 1"]
    page.goals.selectRow(0)
    assert _cells(page.steps)[0][:4] == ["Jointly select and train SPs", "Fall", "", "1"]

    def review(d):
        d.reviewed.setText("1/15/2026")
        d.progress.setPlainText("Ten placed")
        d.status.setCurrentIndex(d.status.findData("met"))
        return ACCEPT

    monkeypatch.setattr(dialogs.ReviewDialog, "exec", review)
    click(qtbot, _button(page, "Review goal…"))
    assert _cells(page.goals)[0][3] == "Met"
    page.goals.selectRow(0)
    assert _cells(page.reviews) == [["1/15/2026", "Ten placed", "Met"]]

    page.tabs.setCurrentIndex(3)
    page.criteria.selectRow(1)

    def criterion(d):
        d.status.setCurrentIndex(d.status.findData("met"))
        d.note.setPlainText("Monthly data reviews")
        return ACCEPT

    monkeypatch.setattr(dialogs.CriterionDialog, "exec", criterion)
    click(qtbot, _button(page, "Edit criterion…"))
    row = _cells(page.criteria)[1]
    assert row[2:] == ["Met", "Monthly data reviews"] and "Agreements in force" in row[1]

    out = tmp_path / "partnership.json"
    monkeypatch.setattr("app.ui.pages.partnership.page.save_path", lambda *_a, **_k: str(out))
    click(qtbot, page.report_button)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema"] == "mentordesk.partnership/1"
    assert data["goals_progress"] == {"goals": 1, "met": 1, "steps": 1, "steps_done": 1}
    assert data["criteria"][1]["status"] == "met"
    assert data["vision_statement"]["statement"] == "A pipeline our students need."


def test_a_form_refuses_a_bad_date_and_delete_asks_first(qtbot, window, database, monkeypatch):
    from app.ui.pages.partnership import dialogs

    page = window.show_area("partnership")
    dialog = dialogs.PartnerDialog(("institution of higher education",), None, page)
    dialog.name.setText("CSU")
    dialog.since.setText("13/45/2020")
    dialog.try_accept()
    assert "M/D/YYYY" in dialog.error.text() and dialog.result() != ACCEPT

    monkeypatch.setattr(dialogs.PartnerDialog, "exec", lambda d: (d.name.setText("CSU"), ACCEPT)[1])
    click(qtbot, _button(page, "Add partner…"))
    page.partners.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    click(qtbot, _button(page, "Delete partner"))
    assert page.partners.rowCount() == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    click(qtbot, _button(page, "Delete partner"))
    assert page.partners.rowCount() == 0
