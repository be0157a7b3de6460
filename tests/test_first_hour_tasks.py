"""The three tasks of issue 17's "Done when", done in the real window as a person does them: buttons
clicked, text typed with QTest, file dialogs answered as the other window tests answer them (their static
functions replaced by the path a person would pick), and what the person then sees checked: the saved
rows, the printed PDF read back.

(a) import resources/samples/roster-sample.csv, match, apply, print one school's principal roster;
(b) log five sessions by keyboard only, each with a different typed date;
(c) record an announced observation with evidence and ratings, and print just that observation's form.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QFileDialog, QMessageBox, QPushButton, QWizard
from sqlalchemy import select

from app.models import Assignment, Educator
from tests.ui_support import open_window

SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "roster-sample.csv"


def _open(qtbot, database, monkeypatch, year: str | None = None):  # type: ignore[no-untyped-def]
    """The main window; every error dialog it would show is collected in `shown_errors` (none expected)."""
    shown: list[str] = []
    monkeypatch.setattr("app.ui.errors.show_error", lambda _p, exc, _d="": shown.append(f"{type(exc).__name__}"))
    window = open_window(qtbot, database, year)
    window.shown_errors = shown
    return window


def _click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _pdf_text(path) -> str:  # type: ignore[no-untyped-def]
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


# --- (a) roster, matching, one school's principal roster ----------------------------------------------------

def test_import_the_sample_roster_match_apply_and_print_one_schools_principal_roster(qtbot, database, tmp_path,
                                                                                     monkeypatch):
    year = "2026-2027"  # the sample's hire dates (August 2026) make its new teachers beginning educators
    window = _open(qtbot, database, monkeypatch, year)
    people = window.show_area("people")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(SAMPLE), "")))
    import_button = next(b for b in people.findChildren(QPushButton) if b.text() == "Import roster…")
    _click(qtbot, import_button)
    wizard = people.wizard
    qtbot.waitUntil(wizard.isVisible)
    browse = next(b for b in wizard.choose.findChildren(QPushButton) if b.text() == "Browse…")
    _click(qtbot, browse)
    assert wizard.choose.path.text() == str(SAMPLE) and wizard.choose.year.currentText() == year
    _click(qtbot, wizard.button(QWizard.WizardButton.NextButton))  # to the preview
    _click(qtbot, wizard.button(QWizard.WizardButton.CommitButton))  # "Import"
    steps = wizard.result_page.next_steps
    qtbot.waitUntil(steps.isVisible)
    assert window.shown_errors == []
    assert "2 beginning educators need a mentor" in steps.text()
    assert "1 trained teacher is not in the mentor pool (Rosa Pereira)" in steps.text()
    steps.linkActivated.emit("matching")  # what a click on the "Matching" link sends
    matching = window.pages["matching"]
    assert window.stack.currentWidget() is matching and not wizard.isVisible()

    # Matching: the trained teacher outside the pool added in one click, mentors proposed, all applied.
    qtbot.waitUntil(matching.add_outside_button.isVisible)
    _click(qtbot, matching.add_outside_button)
    qtbot.waitUntil(lambda: "Added 1 to the mentor pool." in matching.status.text())
    _click(qtbot, matching.propose_button)
    qtbot.waitUntil(lambda: matching.proposal is not None and bool(matching.proposal.pairs))
    asked: list[str] = []

    def confirm(_parent, _title, text, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes  # the person answers Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(confirm))
    proposed = len(matching.proposal.pairs)
    _click(qtbot, matching.apply_button)
    assert asked == [f"Save all {proposed} proposed pairs as assignments?"]
    qtbot.waitUntil(lambda: f"Saved {proposed} assignments." in matching.status.text())
    with database.read() as s:
        pairs = {(a.mentor.first_name + " " + a.mentor.last_name, a.mentee.first_name + " " + a.mentee.last_name)
                 for a in s.scalars(select(Assignment))}
    assert ("Rosa Pereira", "Jonah Kelly") in pairs  # same school, same subject

    # Reports: the principal roster of one school, chosen in the dialog it opens.
    chosen, other = "Adams Middle School", "Lincoln Elementary School"
    offered: list[list[str]] = []

    def choose(dialog: QDialog) -> int:
        box = dialog.findChild(QComboBox)
        offered.append([box.itemText(i) for i in range(box.count())])
        box.setCurrentText(chosen)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(QDialog, "exec", choose)
    out = tmp_path / "principal-roster.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    reports = window.show_area("reports")
    _click(qtbot, reports.roster_button)
    qtbot.waitUntil(out.exists)
    assert window.shown_errors == []
    assert offered and offered[0][0] == "All schools" and chosen in offered[0] and other in offered[0]
    text = _pdf_text(out)
    assert chosen in text and "Jonah Kelly" in text and "Rosa Pereira" in text
    assert other not in text and "Priya Patel" not in text  # the other school's beginning educator
    with database.read() as s:
        assert s.scalar(select(Educator).where(Educator.last_name == "Kelly")) is not None
