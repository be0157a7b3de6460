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
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QWizard,
)
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
    window.activateWindow()  # the keyboard goes to the window a person is using
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
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


# --- (b) five sessions by keyboard only, each with a differently typed date --------------------------------

SHAPES = ("{m}/{d}/{y}", "{m}/{d}/{yy}", "{y}-{m:02d}-{d:02d}", "{m}-{d}-{y}", "{m:02d}/{d:02d}/{y}")


def test_five_sessions_logged_by_keyboard_only_with_five_typed_dates(qtbot, database, monkeypatch):
    from PySide6.QtCore import QDate

    from app.models import InductionEnrollment, School, derived_id
    from app.services.years import current_label, ensure_year
    from tests.test_ui_timelogs import _focused, _key, _type

    label = current_label()
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, label)
        school = School(name="Lincoln Elementary")
        people = {eid: Educator(id=derived_id("educator", eid), employee_id=eid, first_name=first, last_name=last,
                                school=school)
                  for eid, first, last in (("M1", "Maria", "Lopez"), ("B1", "Ana", "Silva"), ("B2", "Ben", "Hart"))}
        s.add_all([school, *people.values()])
        for eid in ("B1", "B2"):
            s.add(InductionEnrollment(educator=people[eid], school_year=year, status="beginning"))
            s.add(Assignment(mentor=people["M1"], mentee=people[eid], school_year=year, start_date=year.window_start))
        start = year.window_start
    today = dt.date.today()
    days = [today - dt.timedelta(days=k) for k in (1, 3, 8, 15, 29)]  # five different days, all past
    days = [d for d in days if d >= start]
    if len(days) < 5:
        pytest.skip("the school year began less than 29 days ago: not five past days in it")
    window = _open(qtbot, database, monkeypatch, label)
    people_page = window.show_area("people")
    qtbot.mouseClick(people_page.search, Qt.MouseButton.LeftButton)  # somewhere else in the window
    qtbot.waitUntil(lambda: QApplication.focusWidget() is people_page.search)
    assert "timelogs" not in window.pages  # the Time Logs page not even built yet
    _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L from any page: the quick entry
    page = window.pages["timelogs"]
    assert window.stack.currentWidget() is page
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3 and _focused(quick) == "pair")
    sessions = []
    for n, (day, shape) in enumerate(zip(days, SHAPES)):
        name, mentee = ("Hart", "Ben Hart") if n % 2 == 0 else ("Silva", "Ana Silva")
        typed = shape.format(m=day.month, d=day.day, y=day.year, yy=day.year % 100)
        assert _focused(quick) == "pair" and quick.pair.text() == ""
        _type(qtbot, name)
        _key(qtbot, Qt.Key.Key_Tab)  # closes the name list, to the date
        assert _focused(quick) == "date"
        _type(qtbot, typed)
        _key(qtbot, Qt.Key.Key_Tab)
        assert _focused(quick) == "duration", typed
        for _ in range(n % 3):  # 30 min, 45 min, 1 h
            _key(qtbot, Qt.Key.Key_Down)
        minutes = (30, 45, 60)[n % 3]
        _key(qtbot, Qt.Key.Key_Return)  # Enter saves
        qtbot.waitUntil(lambda n=n: page.model.total == n + 1)
        assert f"Saved: {mentee}" in quick.message.text() and f"on {day.month}/{day.day}/{day.year}." \
            in quick.message.text(), (typed, quick.message.text())
        assert quick.date.date() == QDate.currentDate()  # back to today for the next session
        sessions.append((mentee, day, minutes))
    assert window.shown_errors == []
    assert _focused(quick) == "pair"  # ready for a sixth
    shown = sorted((r.mentee, r.date, r.minutes) for r in page.model.rows)
    assert shown == sorted(sessions)
    assert [r.date for r in page.model.rows] == sorted(days, reverse=True)  # the list: newest first
    first_cells = [page.model.index(row, 0).data() for row in range(page.model.rowCount())]
    assert f"{days[0].month}/{days[0].day}/{days[0].year}" in " ".join(str(c) for c in first_cells)


# --- (c) an announced observation with evidence and ratings; that observation's form printed alone ----------

from tests.test_ui_cap import world  # noqa: F401 - the fixture: a candidate (Ana Silva) and her SP


def test_an_announced_observation_with_evidence_and_ratings_and_its_form_printed_alone(qtbot, database, world,  # noqa: F811
                                                                                       tmp_path, monkeypatch):
    from app.services import cap
    from tests.test_ui_cap import _window

    placement = world["placement"]
    with database.unit_of_work() as s:  # an earlier observation: must stay out of the printed form
        cap.add_observation(s, placement, kind="unannounced", observer="ps", observed_on=dt.date(2026, 2, 10),
                            status="held", reinforcement="Earlier visit: word wall in daily use")
    shown: list[str] = []
    monkeypatch.setattr("app.ui.errors.show_error", lambda _p, exc, _d="": shown.append(type(exc).__name__))
    win = _window(qtbot, database, sp=world["sp"])
    page = win.show_area("cap")
    qtbot.waitUntil(lambda: len(page.rows) == 1 and page.form.placement_id == placement)
    form = page.form

    def focus():  # type: ignore[no-untyped-def]
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    # The observation: by keyboard from the type to the duration, then evidence typed into two elements.
    table = page.table
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(table.model().index(0, 0))
                     .center())  # the candidate's row
    qtbot.waitUntil(lambda: QApplication.focusWidget() is table)
    qtbot.keyClick(focus(), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)  # Ctrl+O: the observation form
    assert focus() is form.kind
    qtbot.keyClicks(focus(), "A")  # type-ahead: Announced
    assert form.kind.currentData() == "announced"
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert focus() is form.observer  # SP, as it is
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert focus() is form.date
    qtbot.keyClicks(focus(), "3/3/2026")
    qtbot.keyClick(focus(), Qt.Key.Key_Tab)
    assert focus() is form.minutes and form.date.date().toPython() == dt.date(2026, 3, 3)
    qtbot.keyClicks(focus(), "50")
    for code, words in (("I-A-1", "Modelled fractions on a number line and with fraction strips."),
                        ("II-A-3", "Sentence frames for two English learners during partner talk.")):
        qtbot.mouseClick(form.evidence[code].viewport(), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda code=code: focus() is form.evidence[code])
        qtbot.keyClicks(focus(), words)
    qtbot.mouseClick(form.reinforcement.viewport(), Qt.MouseButton.LeftButton)
    qtbot.keyClicks(focus(), "Clear routines for materials")
    _click(qtbot, form.save_button)
    qtbot.waitUntil(lambda: "Observation saved" in form.draft_label.text())
    with database.read() as s:
        saved = [o for o in cap.observations(s, placement) if o.kind == "announced"]
        assert len(saved) == 1
        detail = cap.observation_detail(s, saved[0].id)
    assert (saved[0].observed_on, saved[0].observer, saved[0].minutes) == (dt.date(2026, 3, 3), "sp", 50)
    assert detail.evidence == {"I-A-1": "Modelled fractions on a number line and with fraction strips.",
                               "II-A-3": "Sentence frames for two English learners during partner talk."}

    # The ratings of the elements seen: the SP's own formative judgment, chosen with the keyboard.
    tabs = page.view.tabs
    bar = tabs.tabBar()
    ratings_tab = next(i for i in range(tabs.count()) if tabs.tabText(i).replace("&", "") == "Ratings")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(ratings_tab).center())
    assert tabs.currentIndex() == ratings_tab
    ratings = page.view.ratings
    qtbot.keyClick(ratings.rater, Qt.Key.Key_Down)  # "SP and PS together" -> "SP's own judgment"
    assert ratings.rater.currentData() == "sp" and ratings.stage.currentData() == "formative"
    for (code, letter) in (("I-A-1", "P"), ("II-A-3", "N")):
        for dim in ("quality", "scope", "consistency"):
            qtbot.keyClicks(ratings.combos[(code, dim)], letter)  # type-ahead: Proficient / Needs Improvement
    _click(qtbot, ratings.save_button)
    qtbot.waitUntil(lambda: ratings.message.text() == "Ratings saved.")
    with database.read() as s:
        values = cap.load_ratings(s, placement, "formative", "sp").values
    assert values["I-A-1"] == {"quality": "Proficient", "scope": "Proficient", "consistency": "Proficient"}
    assert values["II-A-3"] == dict.fromkeys(("quality", "scope", "consistency"), "Needs Improvement")

    # Forms: that observation chosen beside "Print this form" and printed alone.
    forms_tab = next(i for i in range(tabs.count()) if tabs.tabText(i).replace("&", "").startswith("Forms"))
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(forms_tab).center())
    choice = page.view.form_choice
    wanted = "Observation of 3/3/2026 (announced, SP)"
    for _ in range(choice.count()):
        if choice.currentText().startswith(wanted):
            break
        qtbot.keyClick(choice, Qt.Key.Key_Down)
    assert choice.currentText().startswith(wanted), [choice.itemText(i) for i in range(choice.count())]
    folder = tmp_path / "forms"
    folder.mkdir()
    monkeypatch.setattr("app.ui.pages.cap.candidate.folder_path", lambda *_a, **_k: str(folder))
    _click(qtbot, page.view.print_one_button)
    qtbot.waitUntil(lambda: "Printed" in page.view.printed.text())
    made = sorted(folder.iterdir())
    assert len(made) == 1 and "observation-2026-03-03" in made[0].name
    text = _pdf_text(made[0])
    assert "3/3/2026" in text and "Announced" in text
    assert "Modelled fractions on a number line and with fraction strips." in text
    assert "Sentence frames for two English learners during partner talk." in text
    assert "Clear routines for materials" in text
    assert "word wall" not in text and "2/10/2026" not in text  # not the other observation
    assert shown == []
