"""Settings: district settings and school years are saved, problems show next to their field."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate

from app.services import settings
from app.services.years import find_year
from tests.ui_support import open_window


@pytest.fixture
def page(qtbot, database):
    from app.services.years import ensure_year

    with database.unit_of_work() as s:
        ensure_year(s, "2025-2026")
    win = open_window(qtbot, database, "2025-2026")
    return win.show_area("settings")


def test_save_district_name_and_time_zone(page, database):
    page.editors["district_name"].setText("Hale Regional")
    page.editors["time_zone"].setCurrentText("America/Chicago")
    page.editors["match_incoming"].setChecked(True)
    page.save_settings_button.click()
    assert page.settings_message.text() == "Saved."
    with database.read() as s:
        assert settings.get(s, "district_name") == "Hale Regional"
        assert settings.get(s, "time_zone") == "America/Chicago"
        assert settings.get(s, "match_incoming") is True


def test_bad_settings_show_next_to_the_field_and_save_nothing(page, database):
    page.editors["district_name"].setText("  ")
    page.editors["time_zone"].setCurrentText("Mars/Olympus")
    page.editors["default_mentor_capacity"].setValue(0)
    page.save_settings()
    assert page.errors["district_name"].text() == "is required"
    assert "not a time zone" in page.errors["time_zone"].text()
    assert page.errors["default_mentor_capacity"].text() == "cannot be below 1"
    assert "Not saved" in page.settings_message.text()
    with database.read() as s:
        assert settings.get(s, "time_zone") == "America/New_York"


def test_first_day_of_a_school_year_is_saved(page, database):
    page.year_pick.setCurrentText("2025-2026")
    page.first_day.setDate(QDate(2025, 8, 27))
    page.save_year_button.click()
    assert page.year_message.text() == "Saved 2025-2026."
    with database.read() as s:
        assert find_year(s, "2025-2026").first_day == dt.date(2025, 8, 27)
    page.first_day.setDate(QDate(2026, 7, 2))  # outside the year's July to June window
    page.save_year()
    assert "must fall within 2025-2026" in page.year_errors["first_day"].text()
    with database.read() as s:
        assert find_year(s, "2025-2026").first_day == dt.date(2025, 8, 27)


def test_add_a_school_year_appears_in_the_window(page, database):
    page.new_year.setText("2027-2029")
    page.add_year()
    assert "consecutive" in page.new_year_error.text()
    page.new_year.setText("2030-2031")
    page.add_year()
    assert page.year_pick.currentText() == "2030-2031"
    assert page.window().year_box.findText("2030-2031") >= 0
    with database.read() as s:
        assert find_year(s, "2030-2031").first_day.year == 2030


def test_database_location_and_folder(page, database, monkeypatch):
    opened = []
    monkeypatch.setattr("app.ui.pages.settings.open_folder", opened.append)
    if database.engine.dialect.name != "sqlite":
        assert not hasattr(page, "open_folder_button")
        return
    assert page.db_location.text().endswith("mentordesk.sqlite3")
    page.open_folder_button.click()
    assert opened == [page.db_file.parent]


def test_json_settings_are_edited_as_text(page, database):
    from app.services.district.settings_form import is_structured

    structured = [key for key in settings.SPECS if is_structured(key)]
    if not structured:
        pytest.skip("no structured setting registered")
    key = structured[0]
    page.editors[key].setText("{not json")
    page.save_settings()
    assert "JSON" in page.errors[key].text()
    page.editors[key].setText('{"subject": 3}')
    page.save_settings()
    with database.read() as s:
        assert settings.get(s, key) == {"subject": 3}
    assert page.editors[key].text() == '{"subject": 3}'


def test_matching_weights_are_checked_by_the_matcher_rules(page, database):
    page.editors["match_weights"].setText('{"subjct": 3}')
    page.save_settings()
    assert "unknown criteria subjct" in page.errors["match_weights"].text()
    with database.read() as s:
        assert settings.get(s, "match_weights") in (None, {})


def test_the_coordinator_named_on_calendar_files_is_set_here(page, database):
    from app.services.scheduling.ics import organizer

    page.editors["coordinator_email"].setText("induction at hale")
    page.save_settings()
    assert "not an email address" in page.errors["coordinator_email"].text()
    page.editors["coordinator_email"].setText("induction@hale.k12.ma.us")
    page.editors["coordinator_name"].setText("Dana Whitfield")
    page.save_settings_button.click()
    assert page.settings_message.text() == "Saved."
    with database.read() as s:
        assert organizer(s) == ("Dana Whitfield", "induction@hale.k12.ma.us")
    page.editors["coordinator_email"].setText("")  # blank: calendar files name no organizer
    page.editors["coordinator_name"].setText("")
    page.save_settings_button.click()
    assert page.settings_message.text() == "Saved."
    with database.read() as s:
        assert organizer(s) == ("My District induction program", None)


def test_no_school_days_are_typed_as_dates_and_labels(page, database):
    editor = page.editors["no_school_days"]
    editor.setText("11/25/2026-11/27/2026 Thanksgiving recess; 2/31/2027 Storm")
    page.save_settings()
    assert "entry 2: no such day" in page.errors["no_school_days"].text()
    with database.read() as s:
        assert settings.get(s, "no_school_days") is None
    editor.setText("2027-03-12 PD day;11/25/2026 - 11/27/2026 Thanksgiving recess")
    page.save_settings()
    with database.read() as s:
        assert settings.get(s, "no_school_days") == [
            {"start": "2026-11-25", "end": "2026-11-27", "label": "Thanksgiving recess"},
            {"start": "2027-03-12", "end": "2027-03-12", "label": "PD day"}]
    assert editor.text() == "11/25/2026-11/27/2026 Thanksgiving recess; 3/12/2027 PD day"
