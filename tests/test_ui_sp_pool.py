"""The Mentors page's "Supervising practitioners" tab on the demo district, used as a coordinator would: the
tab is clicked open, the pool shows each SP eligible or not with why (603 CMR 7.02; 001 SP job description),
the incentives policy from Settings (000), and the placement whose SP fails a check with its override; the
override is taken back and given again, and interest is recorded, all by clicking the buttons."""

from __future__ import annotations

import re
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QInputDialog

from app.models.cap import CapPlacement, SpPoolEntry
from app.services import settings
from app.services.cap.supervisors import supervisor_pool
from tests.ui_support import demo_file, open_copy, open_window

YEAR = "2025-2026"


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_template):  # type: ignore[no-untyped-def]
    return demo_file(tmp_path_factory, migrated_template, YEAR)


@pytest.fixture
def database(demo, tmp_path):  # type: ignore[no-untyped-def]
    database = open_copy(demo, tmp_path)
    with database.unit_of_work() as s:
        settings.set_value(s, "sp_stipend", 600)
        settings.set_value(s, "sp_course_voucher", "one 3-credit course at Commonwealth State University")
    yield database
    database.dispose()


def _click_tab(tabs, text):  # type: ignore[no-untyped-def]
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == text)
    bar = tabs.tabBar()
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def test_sp_pool_tab(qtbot, database, monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    with database.unit_of_work() as s:
        expected = supervisor_pool(s, YEAR)
    window = open_window(qtbot, database, YEAR)
    window.resize(1366, 768)
    page = window.show_area("mentors")
    _click_tab(page.tabs, "Supervising practitioners")
    panel = page.sp_pool
    qtbot.waitUntil(lambda: panel.table.rowCount() == len(expected) > 0)
    eligible = sum(1 for r in expected if r.eligible)
    assert 0 < eligible < len(expected)  # the demo has one SP whose training is still to come
    shown = {panel.table.item(r, 0).text(): panel.table.item(r, 1).text() for r in range(panel.table.rowCount())}
    assert shown == {r.name: "Yes" if r.eligible else "No" for r in expected}
    failing = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 1).text() == "No")
    assert "SP training: SP training enrolled, not completed" in panel.table.item(failing, 2).text()
    assert "$600 per candidate" in panel.incentives.text() and "3-credit course" in panel.incentives.text()
    assert f"{eligible} eligible" in panel.count.text()
    # the failing SP's checks, with the rule
    rect = panel.table.visualItemRect(panel.table.item(failing, 0))
    QTest.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    rules = {panel.checks.item(r, 0).text(): panel.checks.item(r, 1).text() for r in range(panel.checks.rowCount())}
    assert rules["SP training"] == "pending" and rules["Principal's recommendation"] == "met"
    reasons = " ".join(panel.checks.item(r, 2).text() for r in range(panel.checks.rowCount()))
    assert re.search(r"recommended by .+ on \d{1,2}/\d{1,2}/\d{4}", reasons)  # US dates on screen
    assert not re.search(r"\d{4}-\d{2}-\d{2}", reasons)
    window.grab().save(str(tmp_path / "sp.png"))
    shutil.copy(tmp_path / "sp.png", "/tmp/wt21b_sp_pool.png")

    # the placement with that SP has its override; take it back, then give it again, by the button
    assert panel.placements.rowCount() >= 1
    assert panel.placements.item(0, 3).text() != "none: needs an override"
    panel.placements.selectRow(0)
    answers = iter([("", True), ("The only Spanish-speaking SP at the school", True)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: next(answers))
    QTest.mouseClick(panel.override_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.placements.item(0, 3).text() == "none: needs an override")
    assert "1 without an override" in panel.placements_label.text()
    panel.placements.selectRow(0)
    QTest.mouseClick(panel.override_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.placements.item(0, 3).text() == "The only Spanish-speaking SP at the school")
    with database.unit_of_work() as s:
        reasons = [p.sp_override_reason for p in s.query(CapPlacement) if p.sp_override_reason]
    assert "The only Spanish-speaking SP at the school" in reasons

    # interest recorded for the selected SP through the dialog (not interested this year)
    panel.table.selectRow(failing)
    name = panel.table.item(failing, 0).text()

    def accept(dialog):  # type: ignore[no-untyped-def]
        dialog.interested.setChecked(False)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr("app.ui.sp_pool.RecordDialog.exec", accept)
    QTest.mouseClick(panel.buttons["interest"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.status.text() == "Interest recorded.")
    row = next(r for r in range(panel.table.rowCount()) if panel.table.item(r, 0).text() == name)
    qtbot.waitUntil(lambda: "not interested this year" in panel.table.item(row, 2).text())
    with database.unit_of_work() as s:
        assert [e.interested for e in s.query(SpPoolEntry) if not e.interested] == [False]


def test_add_candidate_shows_what_sps_are_offered(qtbot, database):  # type: ignore[no-untyped-def]
    """Where an SP is chosen for a candidate, the incentives policy (000) is beside the choice."""
    window = open_window(qtbot, database, YEAR)
    page = window.show_area("cap")
    QTest.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    dialog = page.add_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert "$600 per candidate" in dialog.incentives.text() and "PDPs" in dialog.incentives.text()
    dialog.reject()


def test_settings_page_saves_the_incentives(qtbot, database):  # type: ignore[no-untyped-def]
    window = open_window(qtbot, database, YEAR)
    page = window.show_area("settings")
    qtbot.waitUntil(lambda: page.editors["sp_stipend"].value() == 600)
    page.editors["sp_stipend"].setValue(750)
    page.editors["sp_release_time"].setChecked(True)
    page.editors["sp_incentives_from"].setCurrentText("both")
    assert [page.editors["sp_incentives_from"].itemText(i) for i in range(3)] == [
        "district", "sponsoring organization", "both"]  # chosen from a list: nothing else can be typed
    QTest.mouseClick(page.save_settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.settings_message.text() == "Saved.")
    from app.services.cap.incentives import sp_incentives

    with database.unit_of_work() as s:
        policy = sp_incentives(s)
    assert [i.name for i in policy.items] == ["stipend", "pdps", "course_voucher", "release_time", "recognition"]
    assert policy.text.startswith("Offered by the district and the sponsoring organization: Stipend: $750")
    from app.errors import ValidationError
    from app.services.district.settings_form import save_settings

    with database.unit_of_work() as s, pytest.raises(ValidationError) as refused:  # from a script: still refused
        save_settings(s, {"sp_incentives_from": "the PTA"})
    assert "district, sponsoring organization, both" in str(refused.value.problems[0].reason)
