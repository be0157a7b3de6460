"""The Matching and Mentors pages: propose, lock, move, accept, apply, reassign; the pool's criteria."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from app.models import Assignment
from app.models.matching import MatchRule
from tests.test_matching_service import YEAR, district  # noqa: F401  (fixture)
from tests.ui_support import open_window


@pytest.fixture
def window(qtbot, database, district):  # noqa: F811
    return open_window(qtbot, database, YEAR)


def cell(page, row, title):
    from app.ui.pages.matching import PAIR_COLUMNS

    column = [c.title for c in PAIR_COLUMNS].index(title)
    return page.model.index(row, column).data()


def answer(monkeypatch, reply):
    """QMessageBox.question answered `reply`; what it asked is recorded."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(_parent, _title, text, *_a, **_k):
        asked.append(text)
        return reply
    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def test_propose_lock_and_apply(window, qtbot, database, monkeypatch):
    page = window.show_area("matching")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    assert "3 of 3 mentees without a mentor get one" in page.summary.text()
    row = page.select_mentee("B1")
    assert cell(page, row, "Mentor") == "FCHEM LCHEM"
    assert cell(page, row, "Why this mentor") == "same subject: Chemistry; grades 10-11 overlap; same building; both free period 3"
    assert cell(page, row, "Mentee teaches") == "Chemistry · 10-11"
    assert cell(page, row, "Mentor teaches") == "Chemistry · 10-12"
    assert "Mentee: FB1 LB1" in page.pair_detail.text() and "planning period 3, 5" in page.pair_detail.text()
    # Move B1 to BIO: the dialog says what it costs, choosing locks the pair and proposes again.
    def choose(dialog):
        dialog.table.selectRow(0)
        assert dialog.chosen().mentor.name == "FBIO LBIO"
        # BIO is full with B2 in this proposal: the dialog says who would need another mentor.
        assert dialog.consequence.text() == "FBIO LBIO is full in this proposal: FB2 LB2 would need another " \
                                            "mentor (the rest is proposed again)."
        assert "full: FB2 LB2 would need another mentor" in dialog.table.item(0, 4).text()
        dialog.accept()

    page.move_selected(choose=choose)
    qtbot.waitUntil(lambda: page.select_mentee("B1") >= 0 and cell(page, page.select_mentee("B1"), "Mentor") == "FBIO LBIO")
    row = page.select_mentee("B1")
    assert "locked by the coordinator" in cell(page, row, "Notes")
    assert "Moved FB1 LB1 to FBIO LBIO (loses: same subject" in page.status.text()
    assert page.rule_table.rowCount() == 1 and page.rule_table.item(0, 0).text() == "locked"
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    assert asked == ["Save all 3 proposed pairs as assignments?"]
    assert page.assignment_table.rowCount() == 0 and page.model.rowCount() == 3  # cancelled: nothing saved
    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(page.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.assignment_table.rowCount() == 3)
    assert page.model.rowCount() == 0 and "Saved 3 assignments." in page.status.text()
    # The empty proposals table says what would appear and how to get it, not a bare column header.
    assert page.empty_note.isVisible() and "already has a mentor" in page.empty_note.text()
    assert not page.unmatched.isVisible()
    with database.read() as s:
        pairs = {(a.mentor.employee_id, a.mentee.employee_id) for a in s.query(Assignment)}
        assert ("BIO", "B1") in pairs and len(pairs) == 3
        assert s.query(MatchRule).count() == 0  # the lock is fulfilled by the assignment


def test_a_moving_bar_while_proposing_and_no_second_run_meanwhile(window, qtbot):
    page = window.show_area("matching")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    seen = []
    run = page.ctx.tasks.run

    def watching(*args, **kwargs):  # what the coordinator sees while the proposal is computed
        seen.append((page.busy.isVisible(), page.propose_button.isEnabled(), page.apply_button.isEnabled()))
        return run(*args, **kwargs)

    page.ctx.tasks.run = watching
    try:
        page.propose()
    finally:
        page.ctx.tasks.run = run
    assert seen == [(True, False, False)]
    assert not page.busy.isVisible() and page.propose_button.isEnabled() and page.apply_button.isEnabled()


def test_accept_one_and_exclude_one(window, qtbot, database):
    page = window.show_area("matching")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    page.select_mentee("B2")
    page.accept_selected()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    assert page.assignment_table.rowCount() == 1
    page.select_mentee("B1")
    page.exclude_selected()
    qtbot.waitUntil(lambda: page.rule_table.rowCount() == 1)
    row = page.select_mentee("B1")
    assert cell(page, row, "Mentor") != "FCHEM LCHEM"


def test_reassign_is_hold_harmless(window, qtbot, database, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    page = window.show_area("matching")
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    answer(monkeypatch, QMessageBox.StandardButton.Yes)
    page.apply_all()
    qtbot.waitUntil(lambda: page.assignment_table.rowCount() == 3)
    row = next(r for r in range(3) if page.assignment_table.item(r, 0).text() == "FB1 LB1")
    page.assignment_table.selectRow(row)

    def fill(dialog):
        assert dialog.new_mentor.item(1, 0).text() in ("FBIO LBIO", "FPEND LPEND")
        dialog.reason.setPlainText("asked for a change")
        dialog.on.setDate(dialog.on.date().addDays(0))
        dialog.done(QDialog.DialogCode.Accepted)

    page.reassign_selected(fill)
    qtbot.waitUntil(lambda: "Reassigned FB1 LB1" in page.status.text())
    with database.read() as s:
        old = s.query(Assignment).filter(Assignment.end_reason == "hold_harmless").one()
        assert old.mentee.employee_id == "B1" and old.private_reason == "asked for a change"
        assert s.query(MatchRule).one().school_year_id is None
    assert any(page.rule_table.item(r, 3).text() == "every year" for r in range(page.rule_table.rowCount()))


def test_mentors_page_shows_each_criterion_and_filters(window, qtbot, database):
    page = window.show_area("mentors")
    qtbot.waitUntil(lambda: page.model.rowCount() == 5)
    assert "5 of 5 shown · 4 eligible" in page.count.text()  # CHEM, BIO, ADMIN, PEND (pending)
    page.filter.setCurrentIndex(3)  # Ineligible
    assert page.model.rowCount() == 1
    names = {page.model.row_at(r).employee_id: page.model.row_at(r).why for r in range(page.model.rowCount())}
    assert names["NEWBIE"] == "2 full years of experience; needs 3"
    page.filter.setCurrentIndex(0)
    page.select(next(page.model.row_at(r).educator_id for r in range(5) if page.model.row_at(r).employee_id == "PEND"))
    detail = page.detail
    statuses = {detail.criteria.item(r, 0).text(): detail.criteria.item(r, 1).text()
                for r in range(detail.criteria.rowCount())}
    assert statuses["Mentor training"] == "pending"
    assert statuses["3 full years under an Initial or Professional license"] == "met"
    assert "603 CMR 7.02" in detail.criteria.item(0, 3).text()
    detail.add_training({"completed_on": dt.date(2026, 6, 1), "provider": "District", "hours": 15.0,
                         "refresher_due": dt.date(2031, 6, 1)})
    qtbot.waitUntil(lambda: detail.trainings.rowCount() == 1)
    assert detail.trainings.item(0, 1).text() == "District" and detail.trainings.item(0, 2).text() == "15.0"
    assert detail.row.status == "eligible"
    detail.capacity.setValue(3)
    detail.stipend.setValue(1500)
    detail.save()
    qtbot.waitUntil(lambda: page.detail.row is not None and page.detail.row.capacity == 3)
    assert page.detail.row.incentive.text == "$1,500 stipend"
