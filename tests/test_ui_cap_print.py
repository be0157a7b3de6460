"""CAP flow (issue 17): the observation's Save bar stays in view on a long form; one observation (or one
step's form) printed alone from the Forms tab; the assessment forms print the SP's and the PS's own
ratings, each labelled, when there is no joint rating."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from pypdf import PdfReader

from app.services import cap
from tests.test_ui_cap import _window, world  # noqa: F401 - the fixture


def _open(qtbot, database, world):  # noqa: F811
    win = _window(qtbot, database, sp="")
    page = win.show_area("cap")
    qtbot.waitUntil(lambda: len(page.rows) == 2)
    page.table.selectRow(1)
    qtbot.waitUntil(lambda: page.form.placement_id == world["placement"])
    return win, page


def _text(path):
    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def test_the_save_bar_stays_in_view_below_a_long_observation_form(qtbot, database, world):  # noqa: F811
    win, page = _open(qtbot, database, world)
    win.resize(1280, 690)
    view = page.view
    view.tabs.setCurrentIndex(0)
    qtbot.wait(50)
    bar, button = view.form.save_bar, view.form.save_button
    assert not view.form.isAncestorOf(bar)  # not inside the scrolling form
    assert bar.isVisible() and button.isVisible()
    scroll = view.form.parentWidget().parentWidget()  # the scroll area's viewport's parent
    assert scroll.verticalScrollBar().maximum() > 0  # the form really is longer than its window
    bottom = button.mapTo(win, button.rect().bottomLeft()).y()
    assert 0 < bottom <= win.height()  # on screen without scrolling


def test_one_observation_printed_alone_and_separate_ratings_labelled(qtbot, database, world, tmp_path,  # noqa: F811
                                                                      monkeypatch):
    with database.unit_of_work() as s:
        cap.add_observation(s, world["placement"], kind="announced", observer="sp",
                            observed_on=dt.date(2026, 3, 3), status="held", reinforcement="Clear routines")
        cap.add_observation(s, world["placement"], kind="unannounced", observer="ps",
                            observed_on=dt.date(2026, 3, 10), status="held")
        cap.set_rating(s, world["placement"], stage="formative", rater="sp", element_code="I-A-1",
                       quality="Proficient", scope="Needs Improvement", consistency="Proficient")
        cap.set_rating(s, world["placement"], stage="formative", rater="ps", element_code="I-A-1",
                       quality="Needs Improvement", scope="Needs Improvement", consistency="Proficient")
    win, page = _open(qtbot, database, world)
    view = page.view
    folder = tmp_path / "forms"
    folder.mkdir()
    monkeypatch.setattr("app.ui.pages.cap.candidate.folder_path", lambda *_a, **_k: str(folder))
    labels = [view.form_choice.itemText(i) for i in range(view.form_choice.count())]
    assert "Observation of 3/3/2026 (announced, SP)" in " ".join(labels), labels
    view.form_choice.setCurrentIndex(next(i for i, t in enumerate(labels) if t.startswith("Observation of 3/3/2026")))
    qtbot.mouseClick(view.print_one_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Printed" in view.printed.text())
    made = sorted(folder.iterdir())
    assert len(made) == 1 and "observation-2026-03-03" in made[0].name  # that one, alone
    assert "Clear routines" in _text(made[0])

    # The form of step 4 (formative): no joint rating yet, so the SP's and the PS's own are printed, labelled.
    view.form_choice.setCurrentIndex(view.form_choice.findData("step:4"))
    qtbot.mouseClick(view.print_one_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(list(folder.iterdir())) == 2)
    formative = next(p for p in folder.iterdir() if p.name.endswith("-formative.pdf"))
    text = " ".join(_text(formative).split())
    assert "SP: Proficient; PS: Needs Improvement" in text
    assert "not yet rated jointly" in text
