"""US dates on screen (issue 17): date fields show M/D/YYYY whatever the locale, take a whole typed date
(12/4/2026, 12/4/26, ISO) instead of walking their sections into the next field, and the quick entry's
date goes back to today after a save."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, QLocale, Qt

from tests.test_ui_timelogs import _focused, _key, _type, window  # noqa: F401 - the fixture


def test_typed_dates_are_read_the_us_way():
    from app.ui.dates import parse_typed_date, us_date, us_dates_in

    assert parse_typed_date("12/4/2026") == dt.date(2026, 12, 4)
    assert parse_typed_date("12/4/26") == dt.date(2026, 12, 4)
    assert parse_typed_date("2026-12-04") == dt.date(2026, 12, 4)
    assert parse_typed_date("1-15-2027") == dt.date(2027, 1, 15)
    for half_or_wrong in ("12/4/2", "12/4/202", "13/1/2026", "2/30/2026", "12/4", "", "tomorrow"):
        assert parse_typed_date(half_or_wrong) is None, half_or_wrong
    assert us_date(dt.date(2026, 7, 12)) == "7/12/2026" and us_date(None) == ""
    assert us_dates_in("due 2025-09-29, met 2025-10-13") == "due 9/29/2025, met 10/13/2025"


def test_a_date_field_shows_m_d_yyyy_under_the_c_locale(qtbot):
    from app.ui.dates import DateEdit

    QLocale.setDefault(QLocale.c())
    try:
        edit = DateEdit(dt.date(2026, 7, 12))
        qtbot.addWidget(edit)
        assert edit.text() == "7/12/2026"  # not "7 12 2026"
    finally:
        QLocale.setDefault(QLocale.system())


@pytest.mark.parametrize("shape", ["{m}/{d}/{y}", "{m}/{d}/{yy}", "{y}-{m:02d}-{d:02d}"])
def test_a_typed_date_lands_in_the_date_and_one_tab_moves_on(window, qtbot, shape):  # noqa: F811
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)
    day = dt.date.today() - dt.timedelta(days=3)
    typed = shape.format(m=day.month, d=day.day, y=day.year, yy=day.year % 100)
    _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _focused(quick) == "pair")
    _type(qtbot, "Hart")
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focused(quick) == "date"
    _type(qtbot, typed)
    assert quick.date.date().toPython() == day, typed
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focused(quick) == "duration" and quick.duration.currentText() == "30 min"  # nothing spilled over
    assert quick.date.text() == f"{day.month}/{day.day}/{day.year}"
    _key(qtbot, Qt.Key.Key_Down)  # 30 min -> 45 min
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.total == 1)
    row = page.model.rows[0]
    assert (row.mentee, row.date, row.minutes) == ("Ben Hart", day, 45)
    # After a save the date is today again: the next session is not silently logged on the last date.
    assert quick.date.date() == QDate.currentDate()
    assert f"on {day.month}/{day.day}/{day.year}." in quick.message.text()  # M/D/YYYY, as every date on screen


def test_backspace_and_escape_while_typing_a_date(window, qtbot):  # noqa: F811
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)
    quick.date.setFocus()
    qtbot.waitUntil(lambda: _focused(quick) == "date")
    today = QDate.currentDate()
    day = dt.date.today() - dt.timedelta(days=1)
    _type(qtbot, f"{day.month}/{day.day}/{day.year}9")
    assert quick.date.date() == today or quick.date.date().toPython() == day  # 5-digit year: not a date
    _key(qtbot, Qt.Key.Key_Backspace)
    assert quick.date.date().toPython() == day
    _type(qtbot, "1")
    _key(qtbot, Qt.Key.Key_Escape)  # gives up the typing: the field shows the date it holds
    assert quick.date.text() == f"{day.month}/{day.day}/{day.year}"


def test_time_stamps_are_us_dates_with_a_12_hour_clock():
    """Sync's last exchange and a CAP draft's "restored from" stamp (they were 2026-12-04 15:05)."""
    from app.ui.dates import us_moment

    local = dt.datetime.now().astimezone().tzinfo
    at = [dt.datetime(2026, 12, 4, h, m, tzinfo=local) for h, m in ((0, 5), (11, 59), (12, 0), (15, 5))]
    assert [us_moment(a) for a in at] == ["12/4/2026 12:05 AM", "12/4/2026 11:59 AM", "12/4/2026 12:00 PM",
                                          "12/4/2026 3:05 PM"]


@pytest.mark.parametrize(("beginning", "said"), [(1, "1 beginning teacher in"), (2, "2 beginning teachers in")])
def test_the_dashboard_counts_in_plain_english(beginning, said):
    """No "teacher(s)": one teacher, two teachers (issue 17)."""
    from types import SimpleNamespace

    from app.ui.pages.dashboard import next_steps

    steps = next_steps(SimpleNamespace(staff=10, beginning=beginning), "2025-2026")
    text = " ".join(t for t, _area in steps)
    assert said in text and "(s)" not in text
