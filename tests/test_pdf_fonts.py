"""Every name prints as written (issue 20, item 1): the PDFs embed DejaVu Sans and draw CJK runs in a CID
font, so a principal roster with Vietnamese, Polish, Turkish, Portuguese, Haitian Creole, Greek, Russian,
Chinese and Korean names reads back, name by name, from the PDF's own text; no page draws in Helvetica."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

import pytest

from app.models import Assignment, Educator, InductionEnrollment, School
from app.services import pdf, settings
from app.services.roster.people_list import name_sort_key
from app.services.years import ensure_year

NAMES = [  # (first, last)
    ("Thị Đặng", "Nguyễn"),         # Vietnamese
    ("Łukasz", "Wróbel"),            # Polish
    ("Şükrü", "Ağaoğlu"),            # Turkish
    ("José", "Conceição"),           # Portuguese
    ("Inés", "Ávila"),               # Spanish
    ("Wiselande", "Jean-Pòl Lamè"),  # Haitian Creole
    ("Γιώργος", "Παπαδόπουλος"),     # Greek
    ("Пётр", "Соколов"),             # Russian
    ("芳", "王"),                     # Chinese
    ("민준", "김"),                   # Korean
]
MENTOR = ("Ióana", "Ştefănescu")  # Romanian, in the Mentor column
FAMILY = {"DejaVuSans", "DejaVuSans-Bold", pdf.CJK_FONT, pdf.HANGUL_FONT}


def _text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def _fonts(path: Path) -> set[str]:
    """BaseFont of every font any page's resources name, subset tag ("AAAAAA+") dropped."""
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return names


def _embedded(path: Path) -> dict[str, bool]:
    """For each TrueType font: does it carry its font file (FontFile2) in the PDF?"""
    from pypdf import PdfReader

    found = {}
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font.get("/Subtype") == "/TrueType":
                found[str(font["/BaseFont"]).split("+")[-1]] = "/FontFile2" in font["/FontDescriptor"]
    return found


DROID = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"


@pytest.fixture(autouse=True)
def no_system_cjk_font(monkeypatch):
    """The CID fonts, whatever this computer has (the test below turns a system font on)."""
    monkeypatch.setattr(pdf, "_system_cjk", frozenset())


@pytest.fixture
def multilingual(session):
    year, _ = ensure_year(session, "2025-2026")
    school = School(name="Escola Conceição")
    session.add(school)
    mentor = Educator(employee_id="M1", first_name=MENTOR[0], last_name=MENTOR[1], role="teacher", school=school,
                      mentor_trained_on=dt.date(2020, 6, 1))
    session.add(mentor)
    for i, (first, last) in enumerate(NAMES):
        e = Educator(employee_id=f"B{i}", first_name=first, last_name=last, role="teacher", school=school,
                     position="Teacher")
        session.add_all([e, InductionEnrollment(educator=e, school_year=year, status="beginning")])
        session.add(Assignment(mentor=mentor, mentee=e, school_year=year, start_date=dt.date(2025, 9, 1)))
    settings.set_value(session, "district_name", "Lowell Public Schools — Łódź 王")
    session.commit()
    return year


def test_principal_roster_prints_every_name_and_embeds_its_font(session, multilingual, tmp_path):
    from app.services.reports.principal_roster import write_roster_pdf

    out = write_roster_pdf(session, "2025-2026", tmp_path / "roster.pdf", school="Escola Conceição")
    text = _text(out)
    for first, last in NAMES:
        name = f"{first} {last}"
        assert name in text, name
    assert f"{MENTOR[0]} {MENTOR[1]}" in text and "Escola Conceição" in text
    assert "Lowell Public Schools — Łódź 王" in text  # the header, drawn on the canvas in runs
    assert "\u25a0" not in text and "\ufffd" not in text
    fonts = _fonts(out)
    assert fonts == {"DejaVuSans", "DejaVuSans-Bold", pdf.CJK_FONT, pdf.HANGUL_FONT}  # no Helvetica
    assert _embedded(out) == {"DejaVuSans": True, "DejaVuSans-Bold": True}
    # listed in the People order: accents folded, so Ávila is with the A's, not after Wróbel
    order = [text.index(f"{first} {last}") for first, last in sorted(NAMES, key=lambda n: name_sort_key(n[1], n[0]))]
    assert order == sorted(order) and text.index("Inés Ávila") < text.index("José Conceição")


def test_state_report_and_record_of_hours_draw_in_the_embedded_family(session, multilingual, tmp_path):
    from app.services.reports import state_report, state_report_files
    from app.services.timelogs import hours

    report = state_report.compute(session, "2025-2026")
    out = state_report_files.write(report, tmp_path / "state.pdf")
    assert _fonts(out) <= FAMILY and "DejaVuSans" in _fonts(out)
    assert "Lowell Public Schools — Łódź 王" in _text(out)
    educator = session.query(Educator).filter_by(employee_id="B0").one()
    record = hours.write_hours_record(session, educator.id, tmp_path / "record.pdf", as_of=dt.date(2026, 6, 30))
    assert "Thị Đặng Nguyễn" in _text(record)
    assert _fonts(record) <= FAMILY


def test_runs_split_by_font_and_decomposed_input_is_composed(tmp_path):
    decomposed = unicodedata.normalize("NFD", "José Nguyễn")
    assert pdf.font_runs(decomposed) == [(pdf.FONT, "José Nguyễn")]
    assert pdf.font_runs("Wang 王芳 李 (Lee)") == [(pdf.FONT, "Wang "), (pdf.CJK_FONT, "王芳 李 "), (pdf.FONT, "(Lee)")]
    assert pdf.font_runs("김민준") == [(pdf.HANGUL_FONT, "김민준")]
    assert pdf.font_runs("José\nProfessor") == [(pdf.FONT, "José\nProfessor")]  # a line break stays in its run
    assert pdf.markup("A & 王 <b>", pdf.FONT) == f'A &amp; <font name="{pdf.CJK_FONT}">王 </font>&lt;b&gt;'
    assert pdf.text_width("王芳", pdf.FONT, 10) > 15  # measured in the CJK font, not DejaVu's missing glyph
    doc = pdf.PdfDocument(tmp_path / "t.pdf", title="Record: 王芳", district="Worcester")
    doc.table(["Name", "Note"], [[decomposed, "王芳"], ["Ağaoğlu", "x" * 300]])
    text = _text(doc.save())
    assert "José Nguyễn" in text and "Record: 王芳" in text and re.search(r"王芳", text.split("Record")[0] + text)


def test_no_pdf_writer_imports_reportlab_text_outside_the_pdf_module():
    """Every PDF goes through app/services/pdf.py (its fonts and styles); only the chart module draws
    vectors with ReportLab graphics directly, and it takes the family from pdf.py."""
    root = Path(__file__).resolve().parent.parent / "app"
    users = {str(p.relative_to(root)) for p in root.rglob("*.py") if "reportlab" in p.read_text(encoding="utf-8")}
    assert users == {"services/pdf.py", "services/reports/charts.py"}
    assert "FONT" in (root / "services/reports/charts.py").read_text(encoding="utf-8")


@pytest.mark.skipif(not Path(DROID).is_file(), reason="needs a TrueType CJK font (Debian: fonts-droid-fallback)")
def test_a_system_cjk_font_is_embedded_when_the_computer_has_one(monkeypatch, tmp_path):
    """Embedded, the name prints in any reader, even one without Asian fonts."""
    monkeypatch.setattr(pdf, "CJK_CANDIDATES", ("/nonexistent/msyh.ttc", DROID))
    monkeypatch.setattr(pdf, "_system_cjk", None)
    assert pdf.font_runs("Wang 王芳") == [(pdf.FONT, "Wang "), (pdf.SYSTEM_CJK_FONT, "王芳")]
    doc = pdf.PdfDocument(tmp_path / "t.pdf", title="Roster", district="Quincy")
    doc.table(["Name", "Mentor"], [["王芳", "김민준"], ["Łukasz Wróbel", "Пётр"]])
    out = doc.save()
    text = _text(out)
    assert "王芳" in text and "김민준" in text and "Łukasz Wróbel" in text
    embedded = _embedded(out)
    assert embedded.pop("DejaVuSans") and embedded.pop("DejaVuSans-Bold")
    assert list(embedded.values()) == [True] and "Droid" in next(iter(embedded))  # the CJK font, embedded
    assert pdf.CJK_FONT not in _fonts(out)
    # a character the system font lacks still gets its CID font (Droid Sans Fallback has no Hangul)
    assert (pdf.HANGUL_FONT in _fonts(out)) == (ord("김") not in pdf._system_cjk)
