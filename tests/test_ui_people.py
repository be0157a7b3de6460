"""The People page: import a roster through the wizard, search and filter, edit one educator."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.models import Educator
from tests.ui_support import open_window

YEAR = "2025-2026"
ROSTER = (
    "Employee ID,First Name,Last Name,Email,School,Role,Subjects,Grades,License,Years,Hire Date,Rating\n"
    "E1,Ana,Silva,ana@district.org,Lincoln Elementary,teacher,Elementary,K-2,Initial,0,8/20/2025,\n"
    "E2,Ben,Okafor,ben@district.org,Lincoln Elementary,teacher,Mathematics 5-8,6;7,Professional,9,2011-08-28,Proficient\n"
    "E3,Cara,Nguyen,cara@district.org,Hale High School,administrator,,9-12,Professional,12,2009-08-30,Exemplary\n"
    "E4,Dan,Reyes,dan@district.org,Hale High School,teacher,Physics,9-12,Permanent,3,2020-08-30,\n"
)


@pytest.fixture
def window(qtbot, database):
    return open_window(qtbot, database, YEAR)


@pytest.fixture
def people(window, tmp_path, monkeypatch):
    """The People page after importing the roster (E4 is rejected) through the wizard."""
    page = window.show_area("people")
    wizard = import_through_wizard(page, tmp_path, monkeypatch)
    wizard.next()
    wizard.accept()
    return page


def import_through_wizard(page, tmp_path, monkeypatch):
    src = tmp_path / "roster.csv"
    src.write_text(ROSTER)
    page.import_roster()
    wizard = page.wizard
    assert wizard.choose.year.currentText() == YEAR
    wizard.choose.path.setText(str(src))
    wizard.next()
    return wizard


def shown(page) -> list[str]:
    return [page.model.row_at(r).employee_id for r in range(page.model.rowCount())]


def test_wizard_previews_imports_and_writes_the_errors_file(window, tmp_path, monkeypatch):
    page = window.show_area("people")
    assert "No one yet" in page.count.text()
    wizard = import_through_wizard(page, tmp_path, monkeypatch)
    preview = wizard.preview
    statuses = {preview.model.row_at(r).employee_id: preview.model.row_at(r) for r in range(preview.model.rowCount())}
    assert {k: r.status for k, r in statuses.items()} == {"E1": "new", "E2": "new", "E3": "new", "E4": "rejected"}
    assert "license_type: must be one of Provisional" in statuses["E4"].reason
    assert "Would import: 3 new, 0 changed, 0 unchanged, 1 rejected" in preview.summary.text()
    with window.ctx.tasks.database.read() as s:
        assert s.scalars(select(Educator)).all() == []  # the preview wrote nothing

    opened = []
    monkeypatch.setattr("app.ui.import_wizard.open_file", opened.append)
    wizard.next()
    result = wizard.result_page
    assert "3 new, 0 changed, 0 unchanged, 1 rejected" in result.summary.text()
    errors = tmp_path / "roster-errors.csv"
    assert errors.exists() and "E4" in errors.read_text() and "Permanent" in errors.read_text()
    result.errors_button.click()
    assert opened == [errors]
    wizard.accept()
    assert sorted(shown(page)) == ["E1", "E2", "E3"]
    assert page.count.text() == "3 of 3 people"


def test_reimport_preview_says_unchanged(people, tmp_path, monkeypatch):
    wizard = import_through_wizard(people, tmp_path, monkeypatch)
    statuses = [wizard.preview.model.row_at(r).status for r in range(wizard.preview.model.rowCount())]
    assert statuses == ["unchanged", "unchanged", "unchanged", "rejected"]
    assert not wizard.preview.isComplete()  # nothing to import: the Import button stays off
    wizard.reject()


def test_preview_says_what_a_changed_row_changes(people, tmp_path):
    src = tmp_path / "moved.csv"
    src.write_text(ROSTER.replace("E2,Ben,Okafor,ben@district.org,Lincoln Elementary",
                                  "E2,Ben,Okafor,ben@district.org,Hale High School"))
    people.import_roster()
    wizard = people.wizard
    wizard.choose.path.setText(str(src))
    wizard.next()
    ben = next(r for r in wizard.preview.model.all_rows() if r.employee_id == "E2")
    assert (ben.status, ben.reason) == ("changed", "school: Lincoln Elementary → Hale High School")
    wizard.reject()


def test_search_filters_and_sort_narrow_the_table(people):
    people.search.setText("okafor")
    assert shown(people) == ["E2"]
    people.search.setText("cara@district")  # email is searched though it is not a column
    assert shown(people) == ["E3"]
    people.search.setText("mathematics")
    assert shown(people) == ["E2"]
    people.search.clear()
    people.role_filter.setCurrentIndex(people.role_filter.findData("administrator"))
    assert shown(people) == ["E3"]
    people.role_filter.setCurrentIndex(0)
    people.status_filter.setCurrentIndex(people.status_filter.findData("beginning"))
    assert shown(people) == ["E1"]  # Initial license, hired in the year, no experience
    people.status_filter.setCurrentIndex(0)
    people.school_filter.setCurrentIndex(people.school_filter.findData("Lincoln Elementary"))
    assert sorted(shown(people)) == ["E1", "E2"]
    assert people.count.text() == "2 of 3 people"
    people.school_filter.setCurrentIndex(0)
    people.table.sortByColumn(8, Qt.SortOrder.DescendingOrder)  # years
    assert shown(people) == ["E3", "E2", "E1"]


def _open(page, employee_id):
    page.select_person(employee_id)
    assert page.detail.educator_id is not None
    return page.detail


def test_edit_an_educator_and_save(people, database):
    detail = _open(people, "E2")
    assert detail.values()["last_name"] == "Okafor"
    detail.set_value("room", "B-204")
    detail.set_value("last_rating", "Exemplary")
    detail.save_button.click()
    assert detail.message.text() == "Saved."
    with database.read() as s:
        ben = s.scalars(select(Educator).where(Educator.employee_id == "E2")).one()
        assert (ben.room, ben.last_rating) == ("B-204", "Exemplary")
    assert people.model.row_at(people.table.currentIndex().row()).last_rating == "Exemplary"


def test_a_bad_value_shows_the_rule_and_saves_nothing(people, database):
    detail = _open(people, "E2")
    detail.set_value("hire_date", "2011-02-30")
    detail.set_value("years_experience", "-2")
    detail.set_value("room", "C-1")
    detail.save()
    assert detail.errors["hire_date"].text() == "no such day in the calendar"
    assert detail.errors["years_experience"].text() == "cannot be below 0"
    assert not detail.errors["room"].isVisibleTo(detail)
    assert "Not saved" in detail.message.text()
    with database.read() as s:
        assert s.scalars(select(Educator).where(Educator.employee_id == "E2")).one().room is None


def test_moving_to_someone_else_asks_before_dropping_edits(people, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    detail = _open(people, "E2")
    detail.set_value("room", "typed")
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *_a: asked.append(text) or answers.pop(0))
    people.select_person("E1")
    assert asked == ["Discard your unsaved changes to Ben Okafor?"]
    assert detail.values()["room"] == "typed"  # kept editing Ben
    assert people.model.row_at(people.table.currentIndex().row()).employee_id == "E2"
    people.select_person("E1")
    assert detail.values()["first_name"] == "Ana"


def test_someone_else_saved_first_reload_or_overwrite(people, db_url):
    from app.db import Database
    from app.services.roster.educators import load_form, save_form

    def alice_saves(room: str) -> None:  # another laptop user, through her own connection
        other = Database.open(db_url, actor="alice")
        try:
            with other.unit_of_work() as s:
                form = load_form(s, detail.educator_id, YEAR)
                save_form(s, dataclasses.replace(form, fields={**form.fields, "room": room}), YEAR)
        finally:
            other.dispose()

    detail = _open(people, "E2")
    detail.set_value("room", "mine")
    alice_saves("theirs")
    detail.save()
    box = detail.stale_box
    assert box is not None and "changed by alice at" in box.text()
    box.cancel_button.click()
    assert detail.values()["room"] == "mine"  # cancel keeps my edits

    detail.save()
    detail.stale_box.reload_button.click()
    assert detail.values()["room"] == "theirs"

    detail.set_value("room", "mine again")
    alice_saves("theirs 2")
    detail.save()
    detail.stale_box.overwrite_button.click()
    assert detail.message.text() == "Saved."
    assert detail.values()["room"] == "mine again"


def test_add_an_educator(people, database):
    people.add_educator()
    detail = people.detail
    detail.set_value("employee_id", "E2")
    detail.set_value("first_name", "Eve")
    detail.set_value("last_name", "Park")
    detail.save()
    assert detail.errors["employee_id"].text() == "already belongs to Ben Okafor"
    detail.set_value("employee_id", "E9")
    detail.save()
    assert detail.message.text() == "Saved."
    assert "E9" in shown(people)
    with database.read() as s:
        assert s.scalars(select(Educator).where(Educator.employee_id == "E9")).one().full_name == "Eve Park"


def test_export_roster_round_trips(people, tmp_path):
    out = tmp_path / "out.csv"
    people.export_roster(str(out))
    text = out.read_text(encoding="utf-8-sig")  # with the BOM Excel needs
    assert text.splitlines()[0].startswith("employee_id,first_name,last_name")
    assert "Okafor" in text and "Wrote" in people.status.text()


def test_splitter_is_remembered(people):
    people.splitter.setSizes([500, 300])
    people.splitter.splitterMoved.emit(500, 1)
    assert people.ctx.settings.value("people/splitter") == people.splitter.saveState()


def test_model_passes_the_qt_model_tester(qtmodeltester, people):
    qtmodeltester.check(people.model, force_py=True)


# --- the table model on its own ----------------------------------------------------------------

def _model(rows, chunk=200):
    from app.ui.table_model import Column, RowTableModel

    columns = (Column("Name", lambda r: r[0]), Column("Years", lambda r: r[1], searchable=False))
    model = RowTableModel(columns, chunk=chunk)
    model.set_rows(rows)
    return model


def _all_visible(model):
    while model.canFetchMore():
        model.fetchMore()
    return [model.row_at(r) for r in range(model.rowCount())]


def test_model_fetches_lazily_in_chunks(qapp):
    model = _model([(f"Person {i:04d}", i) for i in range(1000)], chunk=200)
    assert (model.rowCount(), model.match_count) == (200, 1000)
    model.fetchMore()
    assert model.rowCount() == 400
    assert model.find(lambda r: r[1] == 950) == 950 and model.rowCount() == 951


def test_model_sorts_blanks_last_and_numbers_as_numbers(qapp):
    model = _model([("b", 10), ("a", None), ("c", 9)])
    model.sort(1)
    assert [r[0] for r in _all_visible(model)] == ["c", "b", "a"]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert [r[0] for r in _all_visible(model)] == ["c", "b", "a"]


words = st.text(alphabet="abcAB e", max_size=6)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(words, max_size=30), typed=st.lists(words, min_size=1, max_size=8))
def test_model_search_matches_a_plain_scan_whatever_is_typed(qapp, names, typed):
    """Narrowing within the visible rows (the fast path while typing) never changes the answer."""
    model = _model([(name, i) for i, name in enumerate(names)], chunk=7)
    for text in typed:
        model.set_search(text)
        expected = [(n, i) for i, n in enumerate(names) if all(w in n.lower() for w in text.lower().split())]
        assert _all_visible(model) == expected


def _big_roster(path, count):
    lines = ["employee_id,first_name,last_name,school"]
    lines += [f"B{i:05d},First{i},Last{i},Lincoln Elementary" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_cancel_during_the_import_writes_nothing(window, tmp_path, database):
    page = window.show_area("people")
    src = _big_roster(tmp_path / "big.csv", 1200)  # progress is reported every 500 rows
    page.import_roster()
    wizard = page.wizard
    wizard.choose.path.setText(str(src))
    wizard.next()
    result = wizard.result_page
    result._progressed = lambda *_: result.cancel_button.click()  # the user clicks Cancel at the first report
    wizard.next()
    assert result.summary.text() == "Import cancelled: nothing was written."
    with database.read() as s:
        assert s.scalars(select(Educator)).all() == []


def test_import_on_the_worker_thread(qtbot, database, tmp_path):
    """The real runner: preview and import run off the GUI thread and report back to it."""
    from app.ui.application import build_window, make_qapp

    make_qapp()
    win, _empty = build_window(database)
    qtbot.addWidget(win)
    win.ctx.set_year(YEAR)
    win.show()
    page = win.show_area("people")
    page.import_roster()
    wizard = page.wizard
    wizard.choose.path.setText(str(_big_roster(tmp_path / "big.csv", 1200)))
    wizard.next()
    qtbot.waitUntil(wizard.preview.isComplete, timeout=20000)
    assert wizard.preview.model.match_count == 1200
    wizard.next()
    qtbot.waitUntil(wizard.result_page.isComplete, timeout=20000)
    assert "1200 new" in wizard.result_page.summary.text()
    assert wizard.result_page.progress.value() == wizard.result_page.progress.maximum()
    wizard.accept()
    qtbot.waitUntil(lambda: page.model.total_count == 1200, timeout=20000)
    win.ctx.tasks.wait()


def test_a_file_without_the_key_column_is_explained(window, tmp_path):
    page = window.show_area("people")
    src = tmp_path / "names.csv"
    src.write_text("First Name,Last Name\nAna,Silva\n")
    page.import_roster()
    wizard = page.wizard
    wizard.choose.path.setText(str(tmp_path / "missing.csv"))
    assert not wizard.choose.validatePage()
    assert wizard.choose.problem.text() == "There is no file at that path."
    wizard.choose.path.setText(str(src))
    wizard.next()
    assert "no column for employee_id" in wizard.preview.summary.text()
    assert not wizard.preview.isComplete()
    wizard.reject()
