"""The state report as DESE reads it (issue 20, item 4; 004 "Annual Report", 603 CMR 7.12(3) and 7.13):
page 1 summarizes every item, the administrators' items have their own definitions, item (g) gives
hiring and retention by school, rates print as "66.7% (2 of 3)", XLSX holds numbers and percentages."""

from __future__ import annotations

import datetime as dt
import re

from app.services.pdf import numeric_columns
from app.services.reports import state_report, state_report_files
from app.services.reports.state_report_files import Rate, _as_of
from tests.test_state_report import district  # noqa: F401 - the hand-computed district fixture

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _pages(path):
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def test_a_rate_prints_as_a_percentage_with_its_counts():
    assert str(Rate(41, 56)) == "73.2% (41 of 56)" and Rate(41, 56).fraction == 0.732
    assert str(Rate(0, 0)) == "no data" and Rate(0, 0).fraction is None
    assert str(Rate(2, 3)) == f"{2 / 3 * 100:.1f}% (2 of 3)"  # second computation


def test_as_of_says_whether_the_year_is_still_running(session, district):  # noqa: F811
    report = state_report.compute(session, "2025-2026")
    before, on, after = dt.date(2026, 6, 29), dt.date(2026, 6, 30), dt.date(2026, 7, 1)
    assert "Figures as of 6/29/2026 (the school year is still under way)" in _as_of(report, before)
    assert "Figures as of 6/30/2026 (the school year is still under way)" in _as_of(report, on)
    assert _as_of(report, after).startswith("Figures as of 7/1/2026;")
    assert "July 1, 2025 to June 30, 2026" in _as_of(report, after)


def test_page_one_summarizes_every_item(session, district, tmp_path):  # noqa: F811
    report = state_report.compute(session, "2025-2026")
    pages = _pages(state_report_files.write(report, tmp_path / "state.pdf"))
    first = pages[0]
    assert "Summary: Teachers (603 CMR 7.12)" in first and "Summary: Administrators (603 CMR 7.13)" in first
    assert "school year 2025-2026" in first and "Figures as of" in first
    assert re.search(r"Figures as of \d{1,2}/\d{1,2}/\d{4}", first)
    for item in state_report_files.items(report):
        assert f"({item.letter}) {item.title}" in first.replace("\n", " ")
    # the figures by hand (tests/test_state_report.py's district): hiring 2 of 3 hired, retention 1 of 2 served
    assert "hiring 66.7% (2 of 3); retention 50.0% (1 of 2)" in first
    assert "1 of 2 mentors serving" in first  # teachers' (c): M1 trained, M2 trained after June 30
    assert "Teachers (603 CMR 7.12)" not in pages[0].split("Summary")[0]  # the sections start on page 2
    assert pages[1].startswith("Teachers (603 CMR 7.12)") or "Teachers (603 CMR 7.12)" in pages[1]


def test_administrators_have_their_own_definitions_and_no_code_is_printed(session, district, tmp_path):  # noqa: F811
    report = state_report.compute(session, "2025-2026")
    text = "\n".join(_pages(state_report_files.write(report, tmp_path / "state.pdf")))
    admin = text[text.index("603 CMR 7.13; Guidelines"):text.index("Charts")]
    flat = admin.replace("\n", " ")
    assert "First-year administrators served:" in flat and "Site-based visits:" in flat
    assert "Beginning teachers served:" not in flat and "Classroom observations:" not in flat
    assert "(d) Site-based visits made by mentors" in flat
    assert not SNAKE.findall(text), SNAKE.findall(text)  # no observed_mentee, no beginning_served


def test_item_g_gives_hiring_and_retention_by_school(session, district, tmp_path):  # noqa: F811
    report = state_report.compute(session, "2025-2026")
    flat = " ".join(_pages(state_report_files.write(report, tmp_path / "state.pdf"))).replace("\n", " ")
    # North Elementary: B1, B2, M1 employed; B1, B2 hired in the window; B1, M1 stayed past June 30
    assert "(g) Hiring and retention rates for teachers by school" in flat
    north = {s.school: s for s in report.teachers_by_school}["North Elementary"]
    assert (north.teachers, north.hired, north.retained) == (3, 2, 2)
    assert north.hiring_rate == round(2 / 3, 3) and north.retention_rate == round(2 / 3, 3)
    assert re.search(r"North Elementary 3 2 66\.7% \(2 of 3\) 2 66\.7% \(2 of 3\)", flat)


def test_xlsx_cells_are_numbers_and_percentages_with_human_definitions(session, district, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    report = state_report.compute(session, "2025-2026")
    book = load_workbook(state_report_files.write(report, tmp_path / "state.xlsx"))
    assert book.sheetnames == ["Teachers", "Administrators", "Summary", "Program profile", "Definitions"]
    cells = {c.value: c for row in book["Teachers"].iter_rows() for c in row if isinstance(c.value, str)}
    served = book["Teachers"].cell(cells["(b) Beginning teachers served"].row, 2)
    assert served.value == 2 and served.data_type == "n"
    rate = book["Teachers"].cell(cells["Hiring rate"].row, 2)
    assert rate.data_type == "n" and rate.value == 0.667 and "%" in rate.number_format
    admin = list(book["Administrators"].iter_rows(values_only=False))
    north = next(r for r in admin if r[0].value == "North Elementary")
    assert [c.value for c in north[:6]] == ["North Elementary", 3, 2, 0.667, 2, 0.667]
    assert all(c.data_type == "n" for c in north[1:6]) and "%" in north[3].number_format
    definitions = list(book["Definitions"].iter_rows(values_only=True))
    assert definitions[0] == ("Term", "Definition")
    terms = [row[0] for row in definitions[1:]]
    assert "Site-based visits" in terms and "First-year administrators served" in terms
    assert not any(SNAKE.search(str(v)) for row in definitions for v in row if v)
    summary = [row for row in book["Summary"].iter_rows(values_only=True) if row[0]]
    assert ("(b) Beginning teachers served", 2, "2") in summary


def test_csv_keeps_its_columns_and_adds_hiring_by_school(session, district, tmp_path):  # noqa: F811
    import csv

    report = state_report.compute(session, "2025-2026")
    path = state_report_files.write(report, tmp_path / "state.csv")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        table = list(csv.reader(handle))
    assert table[0] == ["section", "item", "value"] and all(len(r) == 3 for r in table)
    rows = {(r[0], r[1]): r[2] for r in table[1:]}
    assert rows[("teachers", "hiring_rate")] == "0.667"
    assert rows[("administrators", "teachers_by_school_hiring:North Elementary")] == "0.667"


def test_numbers_are_right_aligned_and_headings_keep_with_what_follows(tmp_path):
    from app.services.pdf import PdfDocument

    assert numeric_columns([("North", 3, "66.7% (2 of 3)", "B1"), ("South", 2, "no data", "17")]) == [1, 2]
    doc = PdfDocument(tmp_path / "x.pdf", title="t")
    assert doc.styles["h1"].keepWithNext and doc.styles["h2"].keepWithNext


def test_the_profile_counts_the_mentors_item_c_counts(session, district):  # noqa: F811
    """One mentor count everywhere (issue 20: the profile said "5 of 65 mentors" while (c) counted 58):
    the profile's mentors are those serving teachers plus those serving administrators."""
    from app.models import Assignment, Educator

    # a mentor of a veteran (no induction enrollment): not serving in the sense of item (c)
    veteran = Educator(employee_id="V9", first_name="Vera", last_name="Veteran", role="teacher")
    mentor = Educator(employee_id="M9", first_name="Max", last_name="Mentor", role="teacher")
    session.add_all([veteran, mentor])
    session.add(Assignment(mentor=mentor, mentee=veteran, school_year=district, start_date=dt.date(2025, 9, 1)))
    session.commit()
    report = state_report.compute(session, "2025-2026")
    serving = {p.employee_id for p in report.teachers.mentors_serving} | {
        p.employee_id for p in report.administrators.mentors_serving}
    fact = report.profile["from_data"]["group_mentoring"]
    assert fact.startswith(f"1 of {len(serving)} mentors") and len(serving) == 3  # M1, M2 and AM
