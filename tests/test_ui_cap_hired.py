"""A CAP candidate later hired by the district says so on the candidate's screen (issue 21, point 4: "a CAP
candidate is linked to an educator when one with the same MEPID is hired"; services/cap/pipeline.py): "Hired as
<employee id> on <date>", read from the roster, not typed on the CAP page."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from app.models import Educator, derived_id
from app.models.cap import CapCandidate
from tests.cap_fixtures import START, make_candidate, make_world
from tests.test_ui_cap import _window

D = dt.date


@pytest.fixture
def world(database):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        school, sp, other, org = make_world(s)
        ana, placement = make_candidate(s, org, sp)
        make_candidate(s, org, other, first="Ben", last="Hart", number="C-002")  # no MEPID: never linked
        ana.mepid = "01234567"
        s.add(Educator(id=derived_id("educator", "E900"), employee_id="E900", first_name="Ana", last_name="Silva",
                       mepid="01234567", school=school, role="teacher", license_type="Initial",
                       hire_date=D(2026, 8, 24)))
        return {"placement": placement.id}


def _click_row(qtbot, table, row: int) -> None:  # type: ignore[no-untyped-def]
    rect = table.visualRect(table.model().index(row, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())


def test_the_hired_candidate_shows_the_employee_id_and_hire_date(qtbot, database, world):
    win = _window(qtbot, database, sp="")
    page = win.show_area("cap")
    qtbot.waitUntil(lambda: len(page.rows) == 2)
    names = [r.candidate for r in page.rows]
    _click_row(qtbot, page.table, names.index("Ana Silva"))
    qtbot.waitUntil(lambda: page.view.summary is not None and page.view.summary.placement_id == world["placement"])
    assert page.view.hired.isVisible()
    assert page.view.hired.text() == "Hired as E900 on 8/24/2026"
    _click_row(qtbot, page.table, names.index("Ben Hart"))
    qtbot.waitUntil(lambda: page.view.summary.candidate == "Ben Hart")
    assert not page.view.hired.isVisible() and page.view.hired.text() == ""


@pytest.mark.parametrize("hired_on, said", [
    (START - dt.timedelta(days=1), "Already on staff as E900 (hired 1/19/2026, before the practicum)"),
    (START, "Hired as E900 on 1/20/2026"),  # the practicum's first day counts (pipeline.is_pipeline_hire)
    (START + dt.timedelta(days=1), "Hired as E900 on 1/21/2026"),
    (None, "Hired as E900 (hire date not recorded)"),
])
def test_what_the_screen_says_by_hire_date(database, world, hired_on, said):  # type: ignore[no-untyped-def]
    from app.services import cap
    from app.ui.pages.cap.candidate import hire_text

    with database.unit_of_work() as s:
        s.get(Educator, derived_id("educator", "E900")).hire_date = hired_on
    with database.unit_of_work() as s:
        summary = cap.summary(s, world["placement"])
        assert summary.hire is not None and summary.hire.employee_id == "E900"
        assert hire_text(summary.hire) == said
        # the second computation: the same MEPID on the roster, hired on or after the practicum's first day
        candidate = s.scalars(select(CapCandidate).where(CapCandidate.mepid == "01234567")).one()
        assert summary.hire.pipeline is (hired_on is None or hired_on >= candidate.practicum_start)
