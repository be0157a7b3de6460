"""The Time Logs page's "Release time" tab (603 CMR 7.12(2)(d): release time for mentor and beginning
teacher): clicked open as a user would, it shows the year's release hours per mentor and per mentee and the
sessions by whom they freed, checked against a plain computation over the same logs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from app.models.timelogs import TimeLog
from app.services.timelogs.release import release_totals
from app.services.vocabulary import hours_of
from tests.test_release_time import _plain_totals, logged, pairs  # noqa: F401 - fixtures
from tests.ui_support import open_window

D = dt.date
YEAR = "2025-2026"


def _plain_sessions(session):  # type: ignore[no-untyped-def]
    """Sessions by whom they freed, a group session once, from every live row of the year."""
    seen, count, minutes = set(), defaultdict(int), defaultdict(int)
    for log in session.scalars(select(TimeLog)):
        if log.deleted_at is not None or not D(2025, 7, 1) <= log.date <= D(2026, 6, 30) or not log.release_time:
            continue
        key = log.group_id or log.id
        if key in seen:
            continue
        seen.add(key)
        count[log.release_time] += 1
        minutes[log.release_time] += log.minutes
    return dict(count), dict(minutes)


def test_release_totals_service_matches_a_plain_computation(session, logged):  # noqa: F811
    totals = release_totals(session, YEAR)
    count, minutes = _plain_sessions(session)
    assert totals.sessions == count == {"mentor": 1, "mentee": 1, "both": 3}
    assert totals.session_minutes == minutes == {"mentor": 90, "mentee": 60, "both": 45 + 30 + 60}
    mentors, mentees = _plain_totals(session, D(2025, 7, 1), D(2026, 6, 30))
    assert totals.minutes_of("mentor") == sum(mentors.values()) == 225
    assert totals.minutes_of("mentee") == sum(mentees.values()) == 255


def test_release_tab_shows_the_totals(qtbot, database, session, logged, tmp_path):  # noqa: F811
    session.close()
    window = open_window(qtbot, database, YEAR)
    window.resize(1366, 768)
    page = window.show_area("timelogs")
    index = next(i for i in range(page.tabs.count()) if page.tabs.tabText(i) == "Release time")
    bar = page.tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert page.tabs.currentIndex() == index
    widget = page.release_totals
    qtbot.waitUntil(lambda: widget.table.rowCount() == 4)  # M1, M2 as mentors; B1, B2 as mentees
    text = widget.summary.text()
    assert f"mentors {hours_of(225):.1f} h, mentees {hours_of(255):.1f} h" in text
    assert f"the mentor only: 1 ({hours_of(90):.1f} h)" in text and f"both: 3 ({hours_of(135):.1f} h)" in text
    rows = {(widget.table.item(r, 0).text(), widget.table.item(r, 1).text()): widget.table.item(r, 3).text()
            for r in range(widget.table.rowCount())}
    assert set(rows.values()) >= {f"{hours_of(180):.1f}", f"{hours_of(45):.1f}"}
    assert sorted(role for _name, role in rows) == ["Mentee", "Mentee", "Mentor", "Mentor"]
    window.grab().save(str(tmp_path / "release.png"))
    import shutil

    shutil.copy(tmp_path / "release.png", "/tmp/wt21b_release.png")
