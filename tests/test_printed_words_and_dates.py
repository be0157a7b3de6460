"""The other PDFs as their readers see them (issue 20, item 5): the record of hours is "up to" today
while the year runs and names activities in words; CAP forms print observation counts and ratings in
words, every date M/D/YYYY with its year (STYLE.md), and what is missing as a list."""

from __future__ import annotations

import datetime as dt
import re

from pypdf import PdfReader

from app.services.cap import forms as cap_forms
from app.services.pdf import PdfDocument, us_text
from app.services.timelogs import hours
from tests.test_cap_files import _full_cycle
from tests.test_timelogs import _add, pairs  # noqa: F401 - the timelog fixture

D = dt.date
ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
NO_YEAR = re.compile(r"\b\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|"
                     r"December)\b(?! \d{4})")
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def test_a_record_printed_while_the_year_runs_says_up_to_today(session, pairs, tmp_path):  # noqa: F811
    _add(session, pairs["a1"], D(2025, 10, 1), 20, "goal_setting")
    _add(session, pairs["a2"], D(2026, 2, 10), 50, "co_teaching")
    session.commit()
    # printed in December for the year ending June 30: up to the day it was printed, not June 30
    text = _text(hours.write_hours_record(session, pairs["b1"], tmp_path / "dec.pdf", as_of=D(2026, 6, 30),
                                          today=D(2025, 12, 10)))
    flat = text.replace("\n", " ")
    assert "Time logged up to 12/10/2025 (today" in flat and "6/30/2026" not in flat
    assert "50 min" not in flat  # the February session is after the record's date
    # the day before, on and after the year's last day: never past today
    for today, shown in ((D(2026, 6, 29), "6/29/2026 (today"), (D(2026, 6, 30), "6/30/2026 (today"),
                         (D(2026, 7, 1), "6/30/2026")):
        flat = _text(hours.write_hours_record(session, pairs["b1"], tmp_path / "r.pdf", as_of=D(2026, 6, 30),
                                              today=today)).replace("\n", " ")
        assert f"Time logged up to {shown}" in flat
    assert "(today" not in flat  # after the year: its last day, a past date
    # activities by their labels, no internal names
    assert "Goal setting" in flat and not SNAKE.search(flat) and "goal setting" not in flat


def test_school_year_dates_get_their_year():
    assert cap_forms.with_years("due 3 March", "2025-2026") == "due 3/3/2026"
    assert cap_forms.with_years("on 30 June", "2025-2026") == "on 6/30/2026"  # the year's last day
    assert cap_forms.with_years("on 1 July", "2025-2026") == "on 7/1/2025"  # its first day
    assert cap_forms.with_years("on 31 December and 1 January", "2025-2026") == "on 12/31/2025 and 1/1/2026"
    assert cap_forms.with_years("3 March 2026 stays", "2025-2026") == "3 March 2026 stays"
    assert cap_forms.with_years("30 February", "2025-2026") == "30 February"  # not a date: left alone


def test_cells_print_dates_in_us_format(tmp_path):
    assert us_text(D(2026, 3, 3)) == "3/3/2026"
    assert us_text(dt.datetime(2026, 3, 3, 14, 30)) == "3/3/2026 2:30 PM"
    doc = PdfDocument(tmp_path / "d.pdf", title="Dates")
    doc.table(["Day", "Count"], [[D(2026, 3, 3), 4]])
    text = _text(doc.save())
    assert "3/3/2026" in text and "2026-03-03" not in text


def test_cap_pdfs_spell_out_counts_and_ratings_and_date_every_day(session, tmp_path):
    placement, _second, _obs = _full_cycle(session)
    files = cap_forms.print_all(session, placement, tmp_path)
    files.append(cap_forms.report_pdf(session, "2025-2026", tmp_path / "progress.pdf"))
    for path in files:
        text = _text(path)
        assert not ISO.search(text), (path.name, ISO.findall(text))
        assert not NO_YEAR.search(text), (path.name, NO_YEAR.findall(text))
    summary = _text(next(p for p in files if p.name.endswith("-summary.pdf"))).replace("\n", " ")
    assert "1 held: 1 announced, 0 unannounced; 1 by the supervising practitioner, 0 by the program supervisor" \
        in summary
    assert "Proficient / Needs Improvement / Needs Improvement" in summary  # the summative ratings in words
    assert "Q/S/C" not in summary and "P / NI / NI" not in summary
    progress = _text(tmp_path / "progress.pdf").replace("\n", " ")
    assert "Obs. (A/U" not in progress and "1 announced" in progress
    form = _text(next(p for p in files if p.name.endswith("-cap-form.pdf")))
    assert "3/3/2026" in form  # the observation's date with its year
    owed = form[form.index("Still owed"):]
    assert owed.count("\u2022") >= 1 and "; " not in owed.split("\n")[1]  # a list, not a wall of semicolons


def test_form_file_names_keep_the_letters_of_the_name():
    assert cap_forms._slug("José Conceição") == "josé-conceição"  # not "jos-concei-o"
    assert cap_forms._slug("王芳") == "王芳"  # not empty
    assert cap_forms._slug("Ana Silva") == "ana-silva"  # ASCII names as before
    assert cap_forms._slug('a/b\\c:d*e?f"g<h>i|j') == "a-b-c-d-e-f-g-h-i-j"  # nothing Windows refuses
    assert cap_forms._slug("  --  ", "c-101") == "c-101"  # never empty


def test_two_candidates_whose_names_have_no_ascii_get_their_own_files(session, tmp_path):
    from tests.cap_fixtures import make_candidate, make_world

    _school, sp, other, org = make_world(session)
    _c1, first = make_candidate(session, org, sp, first="芳", last="王", number="C-201")
    _c2, second = make_candidate(session, org, other, first="José", last="Conceição", number="C-202")
    session.commit()
    one = cap_forms.print_form(session, first.id, "summary", tmp_path)
    two = cap_forms.print_form(session, second.id, "summary", tmp_path)
    assert [p.name for p in one] == ["芳-王-2025-2026-summary.pdf"]
    assert [p.name for p in two] == ["josé-conceição-2025-2026-summary.pdf"]
    assert all(p.exists() for p in one + two)
