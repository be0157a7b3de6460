"""Accents and case folded beyond the People page (issue 20, item 6): the Mentors page's search, the
schedule's attendee pickers, the mentor-pool candidates, the time-log filter and the CAP candidate
search all find "José" from "jose", and list names in the People order ("Ávila" with the A's, "de la
Cruz" with the C's), computed in Python so SQLite and PostgreSQL agree."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from app.models import Educator
from app.services.roster.people_list import educators_matching, name_sort_key
from tests.test_names_search import PEOPLE, SORTED, YEAR, named  # noqa: F401 - the accented roster
from tests.ui_support import open_window

NAMES = {e: f"{first} {last}" for e, first, last in PEOPLE}


def _ids(session):
    return {e.employee_id: e.id for e in session.query(Educator)}


def test_educators_matching_folds_accents_and_case(named):  # noqa: F811
    with named.read() as s:
        ids = {v: k for k, v in _ids(s).items()}
        assert educators_matching(s, "   ") is None  # nothing typed: no filter
        for typed, expected in (("jose", {"E5"}), ("CONCEICAO jose", {"E5"}), ("lukasz", {"E6"}),
                                ("nguyen dang", {"E7"}), ("Ávila", {"E2"}), ("cruz", {"E3", "E9"}), ("e11", {"E11"})):
            assert {ids[i] for i in educators_matching(s, typed)} == expected, typed
        # second computation: a plain scan over names with their marks removed by hand
        plain = {"E5": "jose conceicao e5", "E6": "lukasz wrobel e6", "E7": "thi dang nguyen e7", "E2": "ines avila e2"}
        for typed in ("jose", "wrobel", "dang"):
            assert {ids[i] for i in educators_matching(s, typed)} == {e for e, text in plain.items() if typed in text}


def test_schedule_picker_and_pool_candidates_fold_and_sort(named):  # noqa: F811
    from app.services import scheduling
    from app.services.matching.eligibility import pool_candidates

    with named.read() as s:
        ids = {v: k for k, v in _ids(s).items()}
        everyone = scheduling.educator_choices(s, "", limit=None)
        assert [ids[i] for i, _ in everyone] == SORTED  # the People order
        assert [label for _, label in scheduling.educator_choices(s, "jose")] == ["Conceição, José (Lincoln Elementary)"]
        assert [ids[i] for i, _ in scheduling.educator_choices(s, "cruz")] == ["E3", "E9"]  # de la Cruz, Juan first
        assert [ids[i] for i, _ in scheduling.educator_choices(s, "", limit=3)] == SORTED[:3]
        assert [ids[i] for i, _ in pool_candidates(s, YEAR, "LUKASZ")] == ["E6"]
        assert [ids[i] for i, _ in pool_candidates(s, YEAR)] == SORTED


def test_the_attendee_picker_filters_its_chosen_people_by_folded_words(qapp):
    import uuid

    from app.ui.pages.schedule.pickers import local_search

    people = [(uuid.uuid4(), "Conceição, José"), (uuid.uuid4(), "Wróbel, Łukasz"), (uuid.uuid4(), "Adams, Sam")]
    search = local_search(people)
    assert [label for _, label in search("jose")] == ["Conceição, José"]
    assert [label for _, label in search("wrobel LUK")] == ["Wróbel, Łukasz"]
    assert len(search("")) == 3


def test_time_log_filter_finds_accented_names(named):  # noqa: F811
    from app.models import Assignment, InductionEnrollment
    from app.services.timelogs import logs as timelogs
    from app.services.timelogs.logs import EntryFilter, EntryInput, count_entries, list_entries
    from app.services.years import ensure_year

    with named.unit_of_work() as s:
        year, _ = ensure_year(s, YEAR)
        by = {e.employee_id: e for e in s.query(Educator)}
        by["E5"].hire_date = dt.date(2025, 8, 20)
        s.add(InductionEnrollment(educator=by["E5"], school_year=year, status="beginning"))
        pair = Assignment(mentor=by["E6"], mentee=by["E5"], school_year=year, start_date=dt.date(2025, 9, 1))
        s.add(pair)
        s.flush()
        timelogs.add_entry(s, EntryInput(pair.id, dt.date(2025, 10, 1), 30, "meeting"), today=dt.date(2025, 10, 2))
    with named.read() as s:
        for typed, found in (("jose", 1), ("lukasz wrobel", 1), ("CONCEIÇÃO", 1), ("avila", 0), ("", 1)):
            flt = EntryFilter(YEAR, text=typed)
            assert count_entries(s, flt) == found == len(list_entries(s, flt)), typed


def test_cap_candidate_search_folds_accents(session):
    from app.services import cap
    from tests.cap_fixtures import make_candidate, make_world

    _school, sp, other, org = make_world(session)
    make_candidate(session, org, sp, first="José", last="Conceição", number="C-101")
    make_candidate(session, org, other, first="Inés", last="Ávila", number="C-102")
    make_candidate(session, org, other, first="Sam", last="Baker", number="C-103")
    session.commit()
    found = cap.find_placements(session, "2025-2026", candidate="jose conceicao")
    assert len(found) == 1
    names = [p.candidate.last_name for p in cap.find_placements(session, "2025-2026")]
    assert names == sorted(names, key=lambda n: name_sort_key(n)) and names[0] == "Ávila"


def test_mentors_page_search_folds_accents(qtbot, named):  # noqa: F811
    from app.services.matching.eligibility import add_to_pool

    with named.unit_of_work() as s:
        for educator_id in _ids(s).values():
            add_to_pool(s, YEAR, educator_id)
    window = open_window(qtbot, named, YEAR)
    page = window.show_area("mentors")

    def shown() -> list[str]:
        model = page.table.model()
        return [model.index(r, 0).data() for r in range(model.rowCount())]

    assert shown() == [NAMES[e] for e in SORTED]  # listed in the People order
    for typed, expected in (("jose", ["José Conceição"]), ("lukasz", ["Łukasz Wróbel"]), ("AVILA", ["Inés Ávila"])):
        page.search.clear()
        qtbot.keyClicks(page.search, typed)  # typed key by key
        assert shown() == expected, typed
    page.search.clear()
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert shown().index("Inés Ávila") < shown().index("Pieter van der Berg")  # Ávila among the A's/I's, not after Z
