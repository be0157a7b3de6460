"""Clicking a Name column's header sorts names in the People order (issue 20, point 6: "names sort by a
locale-aware key ... 'de la Cruz' sorts under C"): accents folded, last name then first name, on the
Mentors page and on the Matching page (mentee and mentor columns), never by first name."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.models import Educator, InductionEnrollment, MentorProfile, School, derived_id
from app.services.years import ensure_year
from tests.ui_support import open_window

D = dt.date
YEAR = "2030-2031"
# (employee id, first, last): by first name the order would be Aaron, Ana, Bea, Zoe.
MENTORS = (("M1", "Zoe", "Ávila"), ("M2", "Ana", "de la Cruz"), ("M3", "Aaron", "Zimmer"), ("M4", "Bea", "Baker"))
MENTEES = (("B1", "Zed", "Ángel"), ("B2", "Al", "van Dyke"), ("B3", "Aa", "Young"))
PEOPLE_ORDER = ["Zoe Ávila", "Bea Baker", "Ana de la Cruz", "Aaron Zimmer"]  # Á with the A's, "de la Cruz" with C
MENTEE_ORDER = ["Zed Ángel", "Al van Dyke", "Aa Young"]


def _person(session, eid, first, last, school, **kw):  # type: ignore[no-untyped-def]
    values = dict(role="teacher", license_type="Professional", years_experience=10, last_rating="Proficient",
                  mentor_trained_on=D(2028, 6, 1), hire_date=D(2012, 8, 25), subjects=["Biology"], grades=["9"])
    values.update(kw)
    e = Educator(id=derived_id("educator", eid), employee_id=eid, first_name=first, last_name=last, school=school,
                 **values)
    session.add(e)
    return e


@pytest.fixture
def window(qtbot, database, session):
    year, _ = ensure_year(session, YEAR)
    school = School(name="North High")
    session.add(school)
    for eid, first, last in MENTORS:
        session.add(MentorProfile(educator=_person(session, eid, first, last, school), school_year=year,
                                  capacity=1, status="active"))
    for eid, first, last in MENTEES:
        mentee = _person(session, eid, first, last, school, license_type="Initial", years_experience=0,
                         mentor_trained_on=None, hire_date=D(2030, 8, 20))
        session.add(InductionEnrollment(educator=mentee, school_year=year, status="beginning"))
    session.commit()
    return open_window(qtbot, database, YEAR)


def _click_header(table, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    QTest.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x, header.height() // 2))


def _shown(model, column: int) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def _click_until(table, model, column: int, order: Qt.SortOrder) -> list[str]:
    """Click the header (as a person would) until it shows the wanted direction; the names then shown."""
    for _ in range(3):
        _click_header(table, column)
        if table.horizontalHeader().sortIndicatorOrder() == order:
            break
    assert table.horizontalHeader().sortIndicatorSection() == column
    return _shown(model, column)


def test_mentors_page_name_header_sorts_by_last_name_with_accents_folded(window, qtbot):
    page = window.show_area("mentors")
    qtbot.waitUntil(lambda: page.model.rowCount() == len(MENTORS))
    _click_header(page.table, 1)  # another column first, so the Name click really sorts again
    assert _click_until(page.table, page.model, 0, Qt.SortOrder.AscendingOrder) == PEOPLE_ORDER
    assert _click_until(page.table, page.model, 0, Qt.SortOrder.DescendingOrder) == PEOPLE_ORDER[::-1]
    _click_until(page.table, page.model, 0, Qt.SortOrder.AscendingOrder)
    window.resize(1366, 768)  # the page at the smallest screen it must fit, for a person to look at
    QApplication.processEvents()
    window.grab().save("/tmp/wb4_mentors.png")


def test_matching_mentee_and_mentor_headers_sort_in_the_people_order(window, qtbot):
    from app.ui.pages.matching import PAIR_COLUMNS

    page = window.show_area("matching")
    qtbot.waitUntil(lambda: page.model.rowCount() == len(MENTEES) and page.propose_button.isEnabled())
    titles = [c.title for c in PAIR_COLUMNS]
    mentee, mentor = titles.index("Mentee"), titles.index("Mentor")
    assert _click_until(page.table, page.model, mentee, Qt.SortOrder.AscendingOrder) == MENTEE_ORDER
    assert _click_until(page.table, page.model, mentee, Qt.SortOrder.DescendingOrder) == MENTEE_ORDER[::-1]
    mentors = _click_until(page.table, page.model, mentor, Qt.SortOrder.AscendingOrder)
    assert mentors == [name for name in PEOPLE_ORDER if name in mentors] and len(mentors) == len(MENTEES)


def test_the_shared_key_puts_particles_and_accents_where_people_does():
    from app.services.roster.people_list import name_sort_key
    from app.ui.table_model import person_key

    # A row with no name_key falls back to the shown name's last word, then the rest.
    assert person_key("Ana de la Cruz")[1][0] == name_sort_key("de la Cruz", "Ana")[0] == "cruz"
    assert person_key("Mary Ann Smith")[1][:2] == ("smith", "mary ann")
    assert sorted(PEOPLE_ORDER[::-1], key=person_key) == PEOPLE_ORDER
    assert person_key("") > person_key("Zoe Zimmer")  # blanks last
