"""Names as people look for them (issue 20): the People search folds accents and case ("jose" finds
"José", "lukasz" finds "Łukasz"), and names sort with "Ávila" among the A's and "de la Cruz" among the
C's, by a key computed in Python, so SQLite and PostgreSQL list them in the same order."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.models import Educator, School
from app.services.roster.people_list import fold, list_people, name_sort_key
from app.services.years import ensure_year
from tests.ui_support import open_window

YEAR = "2025-2026"
PEOPLE = [  # (employee_id, first, last)
    ("E1", "Ana", "Zeller"),
    ("E2", "Inés", "Ávila"),
    ("E3", "Juan", "de la Cruz"),
    ("E4", "Sam", "Adams"),
    ("E5", "José", "Conceição"),
    ("E6", "Łukasz", "Wróbel"),
    ("E7", "Thị Đặng", "Nguyễn"),
    ("E8", "Pieter", "van der Berg"),
    ("E9", "Maria", "Cruz"),
    ("E10", "Şükrü", "Ağaoğlu"),
    ("E11", "Martin", "Van Buren"),
    ("E12", "éa", "baker"),
]
SORTED = ["E4", "E10", "E2", "E12", "E8", "E5", "E3", "E9", "E7", "E11", "E6", "E1"]


def test_fold_drops_accents_and_case_in_every_script():
    assert fold("José Conceição") == "jose conceicao"
    assert fold("ŁUKASZ Wróbel") == "lukasz wrobel"
    assert fold("Nguyễn Thị Đặng") == "nguyen thi dang"
    assert fold("Şükrü AĞAOĞLU") == "sukru agaoglu"
    assert fold("İpek Işık") == "ipek isik"  # Turkish dotted and dotless i
    assert fold("Straße") == "strasse" and fold("Ørsted Æbelø") == "orsted aebelo"
    assert fold("Γιώργος") == fold("ΓΙΩΡΓΟΣ") == "γιωργοσ" and fold("ПЁТР") == "петр"  # final sigma folds too
    assert fold("王芳") == "王芳" and fold("plain ASCII") == "plain ascii"


def test_sort_key_files_particles_and_accents_by_the_letter_a_reader_looks_under():
    assert name_sort_key("de la Cruz")[0] == "cruz" and name_sort_key("van der Berg")[0] == "berg"
    assert name_sort_key("Ávila")[0] == "avila" and name_sort_key("Van Buren")[0] == "van buren"
    assert name_sort_key("de")[0] == "de"  # a particle alone is the name
    assert name_sort_key("de la Cruz", "Juan") < name_sort_key("Cruz", "Maria")  # then the first name


@pytest.fixture
def named(database):
    with database.unit_of_work() as session:
        ensure_year(session, YEAR)
        school = School(name="Lincoln Elementary")
        session.add(school)
        for employee_id, first, last in PEOPLE:
            session.add(Educator(employee_id=employee_id, first_name=first, last_name=last, school=school))
    return database


def test_list_people_is_in_name_order_on_the_database(named):
    with named.read() as session:
        assert [p.employee_id for p in list_people(session, YEAR)] == SORTED


def _shown(page) -> list[str]:
    return [page.model.row_at(r).employee_id for r in range(page.model.rowCount())]


def test_people_search_ignores_accents_and_case_and_the_name_column_sorts_by_letter(qtbot, named):
    window = open_window(qtbot, named, YEAR)
    page = window.show_area("people")
    assert sorted(_shown(page)) == sorted(e for e, _, _ in PEOPLE)
    for typed, expected in (("jose", ["E5"]), ("CONCEICAO", ["E5"]), ("lukasz", ["E6"]), ("nguyen dang", ["E7"]),
                            ("sukru agaoglu", ["E10"]), ("avila", ["E2"]), ("Ávila", ["E2"]), ("wrób", ["E6"])):
        page.search.clear()
        if typed.isascii():
            qtbot.keyClicks(page.search, typed)  # typed key by key, as a person does
        else:
            page.search.setText(typed)  # QTest cannot type letters outside ASCII (a pasted name)
        assert _shown(page) == expected, typed
    page.search.clear()
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Name
    assert _shown(page) == SORTED
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _shown(page) == SORTED[::-1]
