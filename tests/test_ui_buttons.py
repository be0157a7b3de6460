"""Buttons that failed on every click (issue 17): each connected its clicked(bool) straight to a method
whose first parameter is optional, so False landed in it. Each test clicks the real button with the
mouse, as a person does, and checks what the person would see or what the database now holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialog, QFileDialog, QInputDialog

from tests.ui_support import demo_file, open_copy, open_window

YEAR = "2025-2026"


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_template):
    return demo_file(tmp_path_factory, migrated_template, YEAR)


@pytest.fixture
def database(demo, tmp_path):
    database = open_copy(demo, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def window(qtbot, database, monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr("app.ui.errors.show_error", lambda _p, exc, _d="": shown.append(f"{type(exc).__name__}: {exc}"))
    win = open_window(qtbot, database, YEAR)
    win.shown_errors = shown
    return win


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_add_to_pool_asks_for_a_name_and_adds_the_chosen_educator(qtbot, window, database, monkeypatch):
    from app.services.matching.eligibility import mentor_pool, pool_candidates

    with database.read() as s:
        educator_id, label = pool_candidates(s, YEAR)[0]
    employee_id = label.rsplit("(", 1)[1].rstrip(")")
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (asked.append("name"), (employee_id, True))[1]))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(lambda _p, _t, _l, items, *a, **k: (items[0], True)))
    page = window.show_area("mentors")
    click(qtbot, page.add_button)
    assert asked == ["name"]
    assert window.shown_errors == []
    assert page.status.text() == "Added to the pool."
    with database.read() as s:
        assert educator_id in {r.educator_id for r in mentor_pool(s, YEAR)}


def test_add_training_opens_the_form_and_records_the_training(qtbot, window, database, monkeypatch):
    from app.services.matching.eligibility import list_trainings
    from app.ui.pages.mentors import TrainingDialog

    def fill(dialog: TrainingDialog) -> int:
        dialog.provider.setText("DESE-approved provider")
        dialog.hours.setValue(12)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(TrainingDialog, "exec", fill)
    page = window.show_area("mentors")
    page.table.selectRow(0)
    educator_id = page.detail.row.educator_id
    with database.read() as s:
        before = len(list_trainings(s, educator_id))
    click(qtbot, page.detail.add_training_button)
    assert page.detail.error.text() == ""
    assert page.status.text() == "Training recorded."
    with database.read() as s:
        records = list_trainings(s, educator_id)
    assert len(records) == before + 1
    assert any(t.provider == "DESE-approved provider" and t.hours == 12 for t in records)


def test_import_survey_responses_asks_for_the_file_and_imports_it(qtbot, window, database, monkeypatch, tmp_path):
    from sqlalchemy import func, select

    from app.models.reporting import SurveyResponse

    survey = tmp_path / "survey.csv"
    survey.write_text("Role,The mentoring was useful\nmentee,Agree\nmentor,Strongly agree\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(survey), "")))
    told: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.information",
                        staticmethod(lambda _p, _t, text, *a, **k: told.append(text)))
    page = window.show_area("reports")
    button = next(b for b in page.findChildren(type(page.roster_button)) if b.text() == "Import survey responses…")
    click(qtbot, button)
    assert window.shown_errors == []
    assert told and "2" in told[0]
    with database.read() as s:
        assert s.scalar(select(func.count(SurveyResponse.id))) == 2


def test_principal_roster_asks_which_school_and_prints_only_that_one(qtbot, window, database, monkeypatch, tmp_path):
    from pypdf import PdfReader

    from app.services.reports.principal_roster import roster_lines, school_names

    with database.read() as s:
        schools = school_names(s)
        lines = roster_lines(s, YEAR)
    chosen = next(name for name in schools if name in lines)
    others = [name for name in lines if name != chosen]
    assert others, "the demo has beginning educators in more than one school"
    offered: list[list[str]] = []

    def choose(dialog: QDialog) -> int:
        box = dialog.findChild(QComboBox)
        offered.append([box.itemText(i) for i in range(box.count())])
        box.setCurrentText(chosen)
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(QDialog, "exec", choose)
    out = tmp_path / "roster.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    page = window.show_area("reports")
    click(qtbot, page.roster_button)
    assert window.shown_errors == []
    assert offered == [["All schools", *schools]]
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert chosen in text
    assert not any(name in text for name in others)
    assert Path(out).exists()


def test_a_programming_error_behind_a_button_is_said_plainly_beside_the_form(qtbot, window, monkeypatch):
    """A job's unexpected error shown in the line beside a form: a sentence, not Python's words."""
    from app.ui.pages.mentors import TrainingDialog

    def broken(*_a, **_k):
        raise TypeError("add_training() argument after ** must be a mapping, not bool")

    monkeypatch.setattr("app.services.matching.eligibility.add_training", broken)
    monkeypatch.setattr(TrainingDialog, "exec", lambda _d: int(QDialog.DialogCode.Accepted))
    page = window.show_area("mentors")
    page.table.selectRow(0)
    click(qtbot, page.detail.add_training_button)
    said = page.detail.error.text()
    assert said.startswith("That did not work: MentorDesk hit an unexpected problem and changed nothing.")
    assert "TypeError" not in said and "mapping" not in said
