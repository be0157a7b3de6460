"""Dashboard: attention cards lead to the area where they are fixed; with none, a welcome says what to do."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QFrame, QLabel

from app.services.attention import AttentionCard, AttentionItem
from tests.ui_support import open_window

YEAR = "2025-2026"


def fake_card(session, year_label):  # a provider, registered by the test below
    from sqlalchemy import select

    from app.models import Educator

    first = session.scalars(select(Educator).order_by(Educator.employee_id)).first()
    items = [AttentionItem(f"{first.full_name} (Lincoln Elementary)", first.id, overdue=True)]
    items += [AttentionItem(f"Teacher {i} (Lincoln Elementary)") for i in range(6)]
    return AttentionCard("no_mentor", "Beginning teachers without a mentor", "603 CMR 7.12(2)(b)", items,
                         summary=f"7 of 9 beginning teachers in {year_label} have no mentor", area="people")


@pytest.fixture
def make_window(qtbot, database):
    def make():
        return open_window(qtbot, database, YEAR)

    return make


def test_empty_district_welcome_says_import_the_roster(make_window):
    """Even with attention checks registered: on an empty roster they have nothing to say."""
    window = make_window()
    page = window.show_area("dashboard")
    assert "0 schools · 0 staff" in page.counts.text()
    assert "Import your staff roster from People" in page.steps[0].text()
    page.go_buttons["step0"].click()
    assert window.stack.currentWidget() is window.pages["people"]


def test_welcome_counts_the_year(make_window, database, monkeypatch):
    from app.services.demo.district import build_demo

    monkeypatch.setattr("app.services.attention.PROVIDERS", ())

    with database.unit_of_work() as s:
        build_demo(s, size="small", seed=1, year_label=YEAR)
    page = make_window().show_area("dashboard")
    assert "3 schools · 120 staff · 5 beginning and 5 incoming educators in 2025-2026" in page.counts.text()
    assert "5 beginning teachers in 2025-2026" in page.steps[0].text()
    assert page.go_buttons["step1"].text() == "Go to Settings"


def test_cards_show_summary_citation_count_and_go_to_the_area(make_window, database, monkeypatch):
    from app.services.demo.district import build_demo

    with database.unit_of_work() as s:
        build_demo(s, size="small", seed=1, year_label=YEAR)
    monkeypatch.setattr("app.services.attention.PROVIDERS", ("tests.test_ui_dashboard:fake_card",))
    window = make_window()
    page = window.show_area("dashboard")
    card = page.body.findChild(QFrame, "card_no_mentor")
    texts = " | ".join(label.text() for label in card.findChildren(QLabel))
    assert "7 of 9 beginning teachers in 2025-2026 have no mentor" in texts
    assert "603 CMR 7.12(2)(b)" in texts
    assert "Overdue" in texts and "7 to look at" in texts and "…and 2 more" in texts
    person = card.findChildren(QLabel)[3]
    assert person.text().startswith("• <a href=")
    person.linkActivated.emit(person.text().split("'")[1])
    people = window.stack.currentWidget()
    assert people is window.pages["people"]
    assert people.detail.values()["employee_id"] == "E00001"
    window.show_area("dashboard")
    button = page.go_buttons["no_mentor"]
    assert button.text() == "Go to People"
    button.click()
    assert window.stack.currentWidget() is window.pages["people"]
