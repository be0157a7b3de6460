"""The Matching and Mentors pages as a coordinator sees a retired mentor with the mentee's focus (issue 22,
point 6; 004, "Mentor Selection" and "Mentor Assignment and Compensation")."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from tests.test_external_mentors import YEAR, district  # noqa: F401  (fixture)
from tests.ui_support import open_window


@pytest.fixture
def window(qtbot, database, district):  # noqa: F811
    return open_window(qtbot, database, YEAR)


def test_matching_shows_the_focus_reason_and_the_retiree_and_the_mentors_page_says_retired(window, qtbot):
    from app.ui.pages.matching import PAIR_COLUMNS

    page = window.show_area("matching")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    page.propose_button.click()  # as a person would, again
    qtbot.waitUntil(lambda: page.model.rowCount() == 1 and page.propose_button.isEnabled())
    titles = [c.title for c in PAIR_COLUMNS]
    row = page.select_mentee("B1")

    def cell(title: str) -> str:
        return page.model.index(row, titles.index(title)).data()

    assert cell("Mentor") == "FRET LRET"
    assert "mentee's focus among the mentor's strengths: SEI/ELL" in cell("Why this mentor")
    assert "retired educator (not district staff)" in cell("Notes")
    detail = page.pair_detail.text()
    assert "retired educator, not district staff" in detail and "strengths: SEI/ELL" in detail
    assert "focus: SEI/ELL, Classroom management" in detail and "room 214" in detail  # as the fixture stored it
    assert "1 focus among the mentor's strengths" in page.summary.text()
    assert "0 classrooms near one another" in page.summary.text()
    window.resize(1366, 768)
    QApplication.processEvents()
    window.grab().save("/tmp/w22_matching.png")
    mentors = window.show_area("mentors")
    qtbot.waitUntil(lambda: mentors.model.rowCount() == 3)
    from app.ui.pages.mentors import POOL_COLUMNS as columns

    school = [c.title for c in columns].index("School")
    by_id = {mentors.model.row_at(r).employee_id: mentors.model.index(r, school).data()
             for r in range(mentors.model.rowCount())}
    assert by_id == {"RET": "Retired educator (North High)", "SHR": "Another district's staff", "FAR": "North High"}
