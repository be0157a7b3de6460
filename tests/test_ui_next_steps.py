"""Next steps after work (issue 17): after a roster import the wizard says what is left, with links
(beginning educators needing a mentor -> Matching; trained teachers not in the mentor pool -> Add), and
Matching lists trained staff missing from the pool with one click to add them."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import MentorProfile
from tests.ui_support import open_window

YEAR = "2026-2027"
SAMPLE = Path(__file__).resolve().parent.parent / "resources" / "samples" / "roster-sample.csv"


@pytest.fixture
def window(qtbot, database):
    return open_window(qtbot, database, YEAR)


def _import_sample(page):
    page.import_roster()
    wizard = page.wizard
    wizard.choose.year.setCurrentText(YEAR)
    wizard.choose.path.setText(str(SAMPLE))
    wizard.next()
    wizard.next()
    return wizard


def test_after_an_import_the_wizard_says_what_is_left_with_links(window, qtbot, database):
    page = window.show_area("people")
    wizard = _import_sample(page)
    steps = wizard.result_page.next_steps
    qtbot.waitUntil(lambda: steps.isVisible())
    text = steps.text()
    assert "2 beginning educators need a mentor &rarr; <a href='matching'>Matching</a>" in text
    assert "1 trained teacher is not in the mentor pool (Rosa Pereira) &rarr; <a href='add-to-pool'>Add</a>" in text
    steps.linkActivated.emit("add-to-pool")  # what a click on "Add" sends
    qtbot.waitUntil(lambda: "not in the mentor pool" not in steps.text())
    with database.read() as s:
        assert len(s.scalars(select(MentorProfile)).all()) == 1
    assert "2 beginning educators need a mentor" in steps.text()  # still to do, still linked
    steps.linkActivated.emit("matching")  # what a click on "Matching" sends
    assert window.stack.currentWidget() is window.pages["matching"] and not wizard.isVisible()


def test_matching_lists_trained_staff_outside_the_pool_and_adds_them_in_one_click(window, qtbot, database):
    from app.services.roster.files import import_roster

    with database.unit_of_work() as s:
        import_roster(s, str(SAMPLE), year_label=YEAR)
    page = window.show_area("matching")
    qtbot.waitUntil(lambda: page.outside_row.isVisible())
    assert "1 trained teacher is not in the mentor pool" in page.outside_pool.text()
    assert "Rosa Pereira" in page.outside_pool.text()
    qtbot.mouseClick(page.add_outside_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.outside_row.isVisible())
    assert "Added 1 to the mentor pool." in page.status.text()
    with database.read() as s:
        assert len(s.scalars(select(MentorProfile)).all()) == 1
