"""The Time Logs page: a session logged by keyboard alone, duplicates warned, notes only in the detail view."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from PySide6.QtCore import Qt

from app.models import Assignment, Educator, InductionEnrollment, School, derived_id
from app.services.years import current_label, ensure_year
from tests.ui_support import open_window


@pytest.fixture
def window(qtbot, database):
    year_label = current_label()
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, year_label)
        school = School(name="Lincoln Elementary")
        s.add(school)
        people = {}
        for eid, first, last in (("M1", "Maria", "Lopez"), ("B1", "Ana", "Silva"), ("B2", "Ben", "Hart")):
            people[eid] = Educator(id=derived_id("educator", eid), employee_id=eid, first_name=first, last_name=last,
                                   school=school)
            s.add(people[eid])
        for eid in ("B1", "B2"):
            s.add(InductionEnrollment(educator=people[eid], school_year=year, status="beginning"))
            s.add(Assignment(mentor=people["M1"], mentee=people[eid], school_year=year,
                             start_date=year.window_start))
    return open_window(qtbot, database, year_label)


def _enter(qtbot, widget):
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def _choose_pair(qtbot, quick, name):
    """Type part of a name in Pair and take it with Enter in the completion list (which only picks)."""
    qtbot.keyClicks(quick.pair, name)
    popup = quick.pair.completer().popup()
    if popup.isVisible():
        qtbot.keyClick(popup, Qt.Key.Key_Return)


def _key(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key press where the keyboard sends it: the open completion list, else the focused widget."""
    from PySide6.QtWidgets import QApplication

    target = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


def _type(qtbot, text):
    for char in text:
        _key(qtbot, char)


def _focused(quick):
    """Which field of the quick entry has the keyboard (a combo box's line edit counts as the box)."""
    from PySide6.QtWidgets import QApplication

    widget = QApplication.focusWidget()
    for name in ("pair", "date", "duration", "activity", "topics", "release", "notes", "save_button"):
        field = getattr(quick, name)
        if widget is field or (widget is not None and field.isAncestorOf(widget)):
            return name
    return type(widget).__name__


def test_quick_entry_by_keyboard_alone(window, qtbot):
    """From an empty form to a saved entry and a cleared form with key presses only: no field is set
    in code. Enter in the pair's completion list picks; one Tab leaves the date; Enter saves."""
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)  # two pairs and the group of their mentor
    assert quick.pair.text() == "" and quick.date.date().toPython() == dt.date.today()  # the date defaults to today
    assert quick.duration.currentText() == "30 min" and quick.notes.text() == ""
    started = time.perf_counter()
    _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # Ctrl+L: to the quick entry
    qtbot.waitUntil(lambda: _focused(quick) == "pair")
    _type(qtbot, "silva")  # part of a name: the completion list opens
    assert quick.pair.completer().popup().isVisible()
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Return)  # Enter in the list picks the pair and moves on: nothing saved
    assert quick.pair.text().startswith("Ana Silva") and not quick.pair.completer().popup().isVisible()
    assert _focused(quick) == "date" and page.model.total == 0
    _key(qtbot, Qt.Key.Key_Tab)  # the date is today: one Tab leaves it
    assert _focused(quick) == "duration" and quick.date.date().toPython() == dt.date.today()
    _type(qtbot, "45")
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focused(quick) == "activity"
    _type(qtbot, "Plan")  # type-ahead picks "Planning lessons"
    assert quick.activity.currentData() == "planning"
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focused(quick) == "topics"
    _type(qtbot, "Technology")
    _key(qtbot, Qt.Key.Key_Tab)
    if quick.topics.completer().popup().isVisible():  # the topic list was open: that Tab closed it
        _key(qtbot, Qt.Key.Key_Tab)
    assert _focused(quick) == "release"
    _key(qtbot, Qt.Key.Key_Space)  # release time used
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focused(quick) == "notes"
    _type(qtbot, "private words")
    _key(qtbot, Qt.Key.Key_Return)  # Enter in the form saves
    elapsed = time.perf_counter() - started
    qtbot.waitUntil(lambda: page.model.total == 1)
    assert "Saved: Ana Silva" in quick.message.text() and "45 minutes" in quick.message.text()
    # Cleared for the next session, the cursor back in Pair.
    assert quick.pair.text() == "" and quick.notes.text() == "" and quick.topics.text() == ""
    assert quick.duration.currentText() == "30 min" and not quick.release.isChecked()
    assert _focused(quick) == "pair"
    row = page.model.rows[0]
    assert (row.mentee, row.mentor, row.minutes, row.activity, row.date, row.topics, row.release_time) == (
        "Ana Silva", "Maria Lopez", 45, "planning", dt.date.today(), ("Technology",), True)
    shown = [page.model.index(0, c).data() for c in range(page.model.columnCount())]
    assert "private words" not in " ".join(str(v) for v in shown)  # the list never shows notes
    assert elapsed < 15

    # The next session: Tab out of the name (it names one pair), a preset picked with Down, Enter saves.
    def hart_one_hour():
        _type(qtbot, "Hart")
        _key(qtbot, Qt.Key.Key_Tab)  # closes the list, to the date
        assert _focused(quick) == "date" and quick.pair.text() == "Hart"
        _key(qtbot, Qt.Key.Key_Tab)
        assert _focused(quick) == "duration"
        _key(qtbot, Qt.Key.Key_Down)  # 30 min -> 45 min
        _key(qtbot, Qt.Key.Key_Down)  # -> 1 h
        assert quick.duration.currentText() == "1 h"
        _key(qtbot, Qt.Key.Key_Return)

    hart_one_hour()
    qtbot.waitUntil(lambda: page.model.total == 2)
    assert "Ben Hart" in quick.message.text() and "60 minutes" in quick.message.text()

    # Same pair, date, minutes and activity: warned first, saved on the second Enter.
    hart_one_hour()
    assert "already has 60 minutes" in quick.message.text() and page.model.total == 2
    assert _focused(quick) == "pair"
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.total == 3)
    assert [(r.mentee, r.minutes, r.activity) for r in page.model.rows].count(("Ben Hart", 60, "planning")) == 2


def test_enter_in_the_completion_list_never_saves(window, qtbot):
    """Down and Enter in the list pick the pair (the first Enter of the audit saved a session at once);
    with the list closed, Enter saves."""
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)
    _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _focused(quick) == "pair")
    _type(qtbot, "hart")  # Ben Hart, and Maria Lopez's group (it names him too)
    popup = quick.pair.completer().popup()
    assert popup.isVisible() and popup.model().rowCount() == 2
    _key(qtbot, Qt.Key.Key_Down)
    _key(qtbot, Qt.Key.Key_Down)  # the group
    _key(qtbot, Qt.Key.Key_Return)
    assert quick.pair.text().startswith("Group: Maria Lopez") and _focused(quick) == "date"
    assert page.model.total == 0 and quick.message.text() == ""
    # The same with the keys reaching the name field itself (no popup routing): still only a pick.
    _key(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert _focused(quick) == "pair"
    quick.pair.selectAll()
    qtbot.keyClicks(quick.pair, "silva")
    assert popup.isVisible()
    _enter(qtbot, quick.pair)
    assert quick.pair.text() == "silva" and _focused(quick) == "date" and page.model.total == 0
    _key(qtbot, Qt.Key.Key_Return)  # now in the form: saves
    qtbot.waitUntil(lambda: page.model.total == 1)
    assert page.model.rows[0].mentee == "Ana Silva"


def test_one_tab_leaves_the_date_and_arrows_still_edit_it(window, qtbot):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)
    _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _focused(quick) == "pair")
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focused(quick) == "date"
    today = quick.date.date()
    _key(qtbot, Qt.Key.Key_Down)  # the month section: one month back
    assert quick.date.date() == today.addMonths(-1)
    _key(qtbot, Qt.Key.Key_Right)
    _key(qtbot, Qt.Key.Key_Right)
    _key(qtbot, Qt.Key.Key_Right)  # into the day section
    _key(qtbot, Qt.Key.Key_Down)
    assert quick.date.date() == today.addMonths(-1).addDays(-1)
    _key(qtbot, Qt.Key.Key_Tab)
    assert _focused(quick) == "duration"
    _key(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert _focused(quick) == "date"
    _key(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert _focused(quick) == "pair"


def test_invalid_duration_and_unknown_pair_are_explained(window, qtbot):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)  # two pairs and the group of their mentor
    _enter(qtbot, quick.pair)
    assert "Choose a pair" in quick.message.text()
    _choose_pair(qtbot, quick, "Silva")
    quick.duration.setCurrentText("forever")
    _enter(qtbot, quick.pair)
    assert "Duration: not a duration" in quick.message.text()
    quick.duration.setCurrentText("700")
    _enter(qtbot, quick.pair)
    assert "5 to 600 minutes" in quick.message.text()
    assert page.model.total == 0


def test_notes_only_in_the_detail_view_and_totals(window, qtbot, tmp_path):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)  # two pairs and the group of their mentor
    _choose_pair(qtbot, quick, "Silva")
    quick.duration.setCurrentText("1:30")
    quick.activity.setCurrentIndex(quick.activity.findData("observed_mentee"))
    qtbot.keyClicks(quick.notes, "worried about evaluation")
    _enter(qtbot, quick.pair)
    qtbot.waitUntil(lambda: page.model.total == 1)
    dialog = page.open_entry(0)
    assert dialog.notes.toPlainText() == "worried about evaluation"
    dialog.close()
    page.refresh()
    qtbot.waitUntil(lambda: page.pairs_table.rowCount() == 2)
    pairs = {page.pairs_table.item(r, 0).text(): page.pairs_table.item(r, 3).text()
             for r in range(page.pairs_table.rowCount())}
    assert pairs == {"Ana Silva": "1.5", "Ben Hart": "0.0"}
    educators = {page.educators_table.item(r, 0).text(): (page.educators_table.item(r, 3).text(),
                                                         page.educators_table.item(r, 4).text())
                 for r in range(page.educators_table.rowCount())}
    assert educators["Ana Silva"] == ("1.5", "1")
    out = tmp_path / "logs.csv"
    page.export_entries(str(out))
    text = out.read_text()
    assert "B1" in text and "observed_mentee" in text and "worried" not in text


def test_entries_model_passes_the_model_tester(window, qtbot, qtmodeltester):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)  # two pairs and the group of their mentor
    for name in ("Silva", "Hart"):
        _choose_pair(qtbot, quick, name)
        _enter(qtbot, quick.pair)
    qtbot.waitUntil(lambda: page.model.total == 2)
    qtmodeltester.check(page.model)


FORMS_HEADER = ["Timestamp", "Email Address", "Your employee ID", "Who did you meet with?", "Date of the session",
                "How long was the session?", "What did you do?", "Topics discussed", "Did you use release time?"]


def _forms_file(path, rows):
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FORMS_HEADER)
        writer.writerows(rows)
    return str(path)


def test_forms_import_with_the_mapping_step(window, qtbot, tmp_path):
    page = window.show_area("timelogs")
    day = max(dt.date.today() - dt.timedelta(days=1), dt.date(int(window.ctx.year_label[:4]), 7, 1))
    us = f"{day.month}/{day.day}/{day.year}"
    path = _forms_file(tmp_path / "form.csv", [
        ["2026/01/01 9:00:00 AM", "m1@x.org", "M1", "Ana Silva", us, "45 min", "Planning lessons", "Technology", "Yes"],
        ["2026/01/01 9:00:00 AM", "m1@x.org", "M1", "Nobody Here", us, "45 min", "Planning lessons", "", "No"],
    ])
    dialog = page.import_file(path)
    qtbot.waitUntil(lambda: dialog.boxes["date"].count() > 1)
    assert dialog.boxes["date"].currentData() == "Date of the session"  # found by its words
    assert dialog.boxes["date"].findData("Timestamp") > 0 and dialog.boxes["date"].currentData() != "Timestamp"
    dialog.boxes["mentor_employee_id"].setCurrentIndex(dialog.boxes["mentor_employee_id"].findData("Your employee ID"))
    dialog.boxes["mentee_employee_id"].setCurrentIndex(
        dialog.boxes["mentee_employee_id"].findData("Who did you meet with?"))
    dialog.boxes["activity"].setCurrentIndex(dialog.boxes["activity"].findData("What did you do?"))
    dialog.run(dry_run=True)
    qtbot.waitUntil(lambda: dialog.report is not None)
    assert "Dry run" in dialog.result.toPlainText() and "1 new" in dialog.result.toPlainText()
    assert "line 3: mentee_employee_id" in dialog.result.toPlainText()
    assert page.model.total == 0
    dialog.run(dry_run=False)
    qtbot.waitUntil(lambda: page.model.total == 1)
    errors = tmp_path / "errors.csv"
    dialog.save_errors(str(errors))
    assert "Nobody Here" in errors.read_text()
    dialog.close()
    # The next export of the same form: the mapping is remembered; importing it again adds nothing.
    again = page.import_file(path)
    qtbot.waitUntil(lambda: again.boxes["mentor_employee_id"].currentData() == "Your employee ID")
    assert "remembered" in again.intro.text()
    again.run(dry_run=False)
    qtbot.waitUntil(lambda: again.report is not None)
    assert again.report.new == 0 and again.report.skipped == 1
    again.close()


def test_topics_hours_report_and_record_from_the_page(window, qtbot, tmp_path):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)  # two pairs and the group of their mentor
    dialog = page.edit_topics()
    dialog.editor.setPlainText("Classroom management\nFamily communication\n\n")
    dialog.accept()
    qtbot.waitUntil(lambda: quick.topic_model.stringList() == ["Classroom management", "Family communication"])
    _choose_pair(qtbot, quick, "Silva")
    qtbot.keyClicks(quick.topics, "family communication")
    _enter(qtbot, quick.pair)
    qtbot.waitUntil(lambda: page.model.total == 1)
    assert page.model.rows[0].topics == ("Family communication",)
    out = tmp_path / "hours.json"
    page.export_hours(str(out))
    qtbot.waitUntil(out.exists)
    import json

    assert json.loads(out.read_text())["educators"][0]["hours"] == 0.5
    page.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: page.educators_table.rowCount() == 2)
    row = next(r for r in range(2) if page.educators_table.item(r, 0).text() == "Ana Silva")
    page.educators_table.selectRow(row)
    record = tmp_path / "record.pdf"
    page.print_record(str(record))
    qtbot.waitUntil(record.exists)
    from pypdf import PdfReader

    text = PdfReader(record).pages[0].extract_text()
    assert "Record of mentoring hours" in text and "Ana Silva" in text


def test_group_session_from_quick_entry_counts_for_each_mentee(window, qtbot):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)  # two pairs and Maria Lopez's group
    assert quick.pairs[-1].label == "Group: Maria Lopez with Ana Silva, Ben Hart"
    _choose_pair(qtbot, quick, "group")
    quick.duration.setCurrentIndex(quick.duration.findText("1 h"))
    _enter(qtbot, quick.pair)
    qtbot.waitUntil(lambda: page.model.total == 2)
    assert "counts for each mentee" in quick.message.text()
    assert sorted(page.model.index(r, 1).data() for r in range(2)) == ["Ana Silva (group)", "Ben Hart (group)"]
    assert [page.model.rows[r].minutes for r in range(2)] == [60, 60]
    # The same group session again: warned like a single entry's duplicate; a second Enter saves it.
    _choose_pair(qtbot, quick, "group")
    quick.duration.setCurrentIndex(quick.duration.findText("1 h"))
    _enter(qtbot, quick.pair)
    assert "Ana Silva, Ben Hart already have 60 minutes of meeting" in quick.message.text()
    assert "Enter again" in quick.message.text() and page.model.total == 2
    _enter(qtbot, quick.pair)
    qtbot.waitUntil(lambda: page.model.total == 4)
    assert "counts for each mentee" in quick.message.text()


def test_filters_and_deleting_an_entry(window, qtbot):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)  # two pairs and the group of their mentor
    for name in ("Silva", "Hart"):
        _choose_pair(qtbot, quick, name)
        _enter(qtbot, quick.pair)
    qtbot.waitUntil(lambda: page.model.total == 2)
    qtbot.keyClicks(page.search, "hart")
    qtbot.waitUntil(lambda: page.model.total == 1)  # after the typing pause
    assert page.model.rows[0].mentee == "Ben Hart"
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.total == 2)
    page.activity_filter.setCurrentIndex(page.activity_filter.findData("observed_mentee"))
    assert page.model.total == 0
    page.activity_filter.setCurrentIndex(0)
    page.period_filter.setCurrentIndex(1)  # last 7 days: both were logged today
    assert page.model.total == 2
    dialog = page.open_entry(0)
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: page.model.total == 1)
    assert "deleted" in page.status.text()


def test_pair_view_and_notes_edited_in_the_entry_view(window, qtbot):
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)  # two pairs and the group of their mentor
    for name in ("Silva", "Hart", "Hart"):
        _choose_pair(qtbot, quick, name)
        quick.duration.setCurrentText("45" if page.model.total == 2 else "30")
        _enter(qtbot, quick.pair)
    qtbot.waitUntil(lambda: page.model.total == 3)
    qtbot.waitUntil(lambda: page.pairs_table.rowCount() == 2)
    row = next(r for r in range(2) if page.pairs_table.item(r, 0).text() == "Ben Hart")
    page.pairs_table.cellDoubleClicked.emit(row, 0)
    assert page.tabs.currentIndex() == 0 and page.model.total == 2 and page.all_pairs_button.isVisibleTo(page)
    assert {r.mentee for r in page.model.rows} == {"Ben Hart"}
    dialog = page.open_entry(0)
    dialog.notes.setPlainText("talked about parent night")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: "Notes saved" in page.status.text())
    again = page.open_entry(0)
    assert again.notes.toPlainText() == "talked about parent night"
    again.close()
    page.all_pairs_button.click()
    assert page.model.total == 3


def test_the_demo_draws_the_50_hour_bar_for_teachers_past_the_induction_year(qtbot, database):
    """The demo has second- and third-year teachers with hours from earlier years: the per-educator
    view draws each one's bar at hours toward 50 / 50 (the ProgressDelegate's drawing, recorded)."""
    from PySide6.QtWidgets import QProxyStyle, QStyle

    from app.services.timelogs import hours
    from app.services.demo.district import build_demo
    from app.ui.application import build_window, make_qapp

    year = "2025-2026"
    with database.unit_of_work() as s:
        build_demo(s, size="small", seed=3, year_label=year)
    with database.read() as s:
        expected = {h.name: h for h in hours.educator_hours(s, year, include_idle=True)}
    past = {name: h for name, h in expected.items() if h.induction_year and h.minutes_toward_50}
    assert len(past) == 2 and all(0 < h.progress_50 < 1 for h in past.values())  # partly complete
    assert {h.induction_year for h in past.values()} == {"2023-2024", "2024-2025"}  # third and second year
    assert any(h.minutes_toward_50 > h.minutes for h in past.values())  # hours from an earlier year count

    class Recording(QProxyStyle):
        def __init__(self):
            super().__init__()
            self.bars = []

        def drawControl(self, element, option, painter, widget=None):  # noqa: N802 - Qt's name
            if element == QStyle.ControlElement.CE_ProgressBar:
                self.bars.append((option.text, option.progress, option.maximum))
            super().drawControl(element, option, painter, widget)

    make_qapp()
    window, _empty = build_window(database, synchronous=True)
    window.ctx.set_year(year)
    qtbot.addWidget(window)
    window.show()
    page = window.show_area("timelogs")
    page.tabs.setCurrentIndex(2)
    table = page.educators_table
    qtbot.waitUntil(lambda: table.rowCount() == len(expected))
    style = Recording()
    table.setStyle(style)
    try:
        for name, h in past.items():
            row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == name)
            cell = table.item(row, 5)
            assert cell.data(Qt.ItemDataRole.UserRole) == h.progress_50
            table.scrollToItem(cell)
            style.bars.clear()
            table.viewport().grab()  # paint what is shown
            text = f"{h.hours_toward_50:.1f} of 50 hours"
            assert (text, round(h.progress_50 * 1000), 1000) in style.bars, (text, style.bars)
    finally:
        table.setStyle(None)


@pytest.mark.parametrize("typed", ["", "45"])
def test_enter_right_after_tab_into_the_duration_saves(window, qtbot, typed):
    """Tab into Duration (its text selected, nothing typed, or a number typed over it) and Enter at once:
    the session is saved with the duration shown (the editable box's line edit used to keep the Enter)."""
    page = window.show_area("timelogs")
    quick = page.quick
    qtbot.waitUntil(lambda: len(quick.pairs) == 3)
    _key(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _focused(quick) == "pair")
    _type(qtbot, "Hart")
    _key(qtbot, Qt.Key.Key_Tab)  # closes the list, to the date
    _key(qtbot, Qt.Key.Key_Tab)  # to the duration
    assert _focused(quick) == "duration"
    _type(qtbot, typed)
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.model.total == 1)
    minutes = int(typed) if typed else 30
    assert f"{minutes} minutes" in quick.message.text() and page.model.rows[0].minutes == minutes
    assert _focused(quick) == "pair"
