"""The Reports page reaches every report the command line writes (issue 21, point 6; `mentordesk report
pipeline`, `report partnership`, `report pdp`, `report hours`): each button clicked as a person would, the save
dialog answered, and the file read back and checked against the service's own figures."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from tests.test_state_report import district  # noqa: F401  (fixture)
from tests.ui_support import open_window

YEAR = "2025-2026"


@pytest.fixture
def page(qtbot, database, district):  # noqa: F811
    window = open_window(qtbot, database, YEAR)
    reports = window.show_area("reports")
    reports.window_ = window
    return reports


def _answer_save(monkeypatch, out: Path) -> list[str]:
    asked: list[str] = []

    def dialog(_parent, title, suggested, _filter="", *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(Path(suggested).name)
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(dialog))
    return asked


def test_every_cli_report_has_a_button_on_the_reports_page(page):
    import argparse

    from app.cli import build_parser

    parser = build_parser()
    group = next(a for a in parser._subparsers._group_actions if isinstance(a, argparse._SubParsersAction))
    report = group.choices["report"]
    commands = set(next(a for a in report._subparsers._group_actions
                        if isinstance(a, argparse._SubParsersAction)).choices)
    on_page = {"state", "roster", "cap"} | set(page.more_buttons)
    assert commands <= on_page, commands - on_page


def test_pipeline_with_the_needs_sheet_from_its_button(page, qtbot, monkeypatch, tmp_path, session):
    from openpyxl import load_workbook

    from app.services.reports import pipeline

    out = tmp_path / "pipeline.xlsx"
    asked = _answer_save(monkeypatch, out)
    qtbot.mouseClick(page.more_buttons["pipeline"], _left())
    qtbot.waitUntil(out.exists)
    assert asked == [f"pipeline-{YEAR}.xlsx"]
    book = load_workbook(out)
    assert book.sheetnames == ["Programs", "Candidates", "By school", "Hired this year", "Needs"]
    needs = [c.value for c in book["Needs"][1]]
    assert needs[:2] == ["Subject", "Grade band"] and "Eligible SPs" in needs
    expected = pipeline.need_rows(pipeline.report(session, YEAR))  # the second computation: the service's rows
    assert book["Needs"].max_row == len(expected) + 1
    assert "Wrote" in page.status.text()

    needs_csv = tmp_path / "needs.csv"
    _answer_save(monkeypatch, needs_csv)
    page.more_buttons["needs"].click()
    qtbot.waitUntil(needs_csv.exists)
    header = next(csv.reader(needs_csv.read_text(encoding="utf-8-sig").splitlines()))
    assert header[:2] == ["Subject", "Grade band"]


def test_partnership_report_from_the_reports_page(page, qtbot, monkeypatch, tmp_path, session):
    from app.services.reports import partnership

    out = tmp_path / "partnership.json"
    _answer_save(monkeypatch, out)
    page.more_buttons["partnership"].click()
    qtbot.waitUntil(out.exists)
    data = json.loads(out.read_text(encoding="utf-8"))
    expected = partnership.build(session, YEAR, None)
    assert data.keys() == expected.keys()
    assert "Wrote" in page.status.text()


def test_pdp_certificates_into_a_chosen_folder(page, qtbot, monkeypatch, tmp_path, session):
    import datetime as dt

    from sqlalchemy import select

    from app.models import Educator
    from app.models.matching import MentorTraining
    from app.services.reports import pdp

    m1 = session.scalars(select(Educator).where(Educator.employee_id == "M1")).one()
    session.add(MentorTraining(educator_id=m1.id, completed_on=dt.date(2025, 10, 1), provider="District",
                               minutes=12 * 60))  # 12 hours of mentor training: 12 PDPs (10-hour minimum met)
    session.commit()
    folder = tmp_path / "certificates"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    page.more_buttons["pdp"].click()
    qtbot.waitUntil(folder.exists)
    with_pdps = [p for p in pdp.compute(session, YEAR) if p.pdps]  # the second computation
    assert [p.pdps for p in with_pdps] == [12]
    assert len(list(folder.glob("*.pdf"))) == len(with_pdps)
    assert f"{len(with_pdps)} certificate" in page.status.text()
    assert "Wrote" in page.status.text()


def test_hours_report_from_the_reports_page(page, qtbot, monkeypatch, tmp_path):
    out = tmp_path / "hours.json"
    _answer_save(monkeypatch, out)
    page.more_buttons["hours"].click()
    qtbot.waitUntil(out.exists)
    assert json.loads(out.read_text(encoding="utf-8"))["school_year"] == YEAR


def _left():  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
