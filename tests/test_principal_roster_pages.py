"""The principal roster of every school (issue 17): each school's pages are numbered from 1 and carry the
school in the header, so each principal can be handed their own part; one school's roster is numbered
as one document."""

from __future__ import annotations

import datetime as dt
import re
import uuid

from pypdf import PdfReader

from app.services.reports import principal_roster
from app.services.reports.principal_roster import RosterLine

YEAR = "2025-2026"


def _lines(count: int) -> list[RosterLine]:
    return [RosterLine(uuid.uuid4(), f"Teacher {i:03d}", f"E{i:05d}", "Grade 3 teacher", "beginning", 1,
                       f"Mentor {i:03d}", dt.date(2025, 9, 2), "Principal; Coach", "", 12.5, ("ok",)) for i in range(count)]


def _pages(path) -> list[tuple[str, int, int]]:
    """(header school, page number, of) for every page."""
    out = []
    for page in PdfReader(path).pages:
        text = page.extract_text()
        school = re.search(r"Induction roster 2025-2026: (Adams Elementary|Brook Middle|Cole High)", text)
        number = re.search(r"Page (\d+) of (\d+)", text)
        out.append((school.group(1).strip() if school else "", int(number.group(1)), int(number.group(2))))
    return out


def test_every_schools_pages_number_from_one_with_the_school_in_the_header(session, tmp_path, monkeypatch):
    monkeypatch.setattr(principal_roster, "roster_lines", lambda _s, _y, _school=None, **_kw: {
        "Adams Elementary": _lines(70), "Brook Middle": _lines(3), "Cole High": _lines(2)})
    path = principal_roster.write_roster_pdf(session, YEAR, tmp_path / "all.pdf")
    pages = _pages(path)
    adams = [p for p in pages if p[0] == "Adams Elementary"]
    assert len(adams) >= 3  # long enough to run over several pages
    assert [n for _, n, _ in adams] == list(range(1, len(adams) + 1))
    assert {of for _, _, of in adams} == {len(adams)}
    assert [p for p in pages if p[0] != "Adams Elementary"] == [("Brook Middle", 1, 1), ("Cole High", 1, 1)]
    assert len(pages) == len(adams) + 2


def test_one_schools_roster_is_numbered_as_one_document(session, tmp_path, monkeypatch):
    monkeypatch.setattr(principal_roster, "roster_lines", lambda _s, _y, _school=None, **_kw: {
        "Adams Elementary": _lines(70)})
    path = principal_roster.write_roster_pdf(session, YEAR, tmp_path / "adams.pdf", school="Adams Elementary")
    pages = _pages(path)
    assert [(n, of) for _, n, of in pages] == [(i, len(pages)) for i in range(1, len(pages) + 1)]
    assert {school for school, _, _ in pages} == {"Adams Elementary"}
