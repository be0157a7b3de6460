"""The state report as files: JSON, CSV, XLSX and PDF, all rendered from one list of items
built from `state_report.compute` (so every format shows the same figures)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.errors import UsageError
from app.services.reports.state_report import CITATIONS, DEFINITIONS, RoleSection, StateReport, compute, rate
from app.services.vocabulary import us_date


@dataclass(frozen=True)
class Rate:
    """A rate with its counts: printed "73.2% (41 of 56)" (issue 20), written to XLSX as the number
    0.732 shown as a percentage, to JSON and CSV as the fraction with three decimals."""

    numerator: int
    denominator: int

    @property
    def fraction(self) -> float | None:
        return rate(self.numerator, self.denominator)

    def __str__(self) -> str:
        if not self.denominator:
            return "no data"
        return f"{self.numerator / self.denominator * 100:.1f}% ({self.numerator} of {self.denominator})"


@dataclass(frozen=True)
class ReportItem:
    """One lettered item of the state's form, with its figure and the table behind it."""

    section: str  # "teachers" | "administrators"
    letter: str
    key: str
    title: str
    value: str  # the figure as printed ("no data" when a capability has none)
    header: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    definitions: tuple[str, ...] = ()
    csv_values: tuple[tuple[str, Any], ...] = field(default_factory=tuple)  # (item, value) rows for CSV
    figure: Any = None  # the headline as a number for the XLSX cell (None: the printed value as text)
    widths: tuple[float, ...] = ()  # the PDF table's column widths (fractions; equal when empty)


def _shown(value: Any) -> str:
    if value is None:
        return "no data"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _people(refs: list) -> tuple[tuple[str, str, str], ...]:  # type: ignore[type-arg]
    return tuple((p.name, p.employee_id, p.school_text) for p in refs)  # a retired mentor says so


def _words(key: str) -> str:
    """A survey's question or role key as words ("mentor_support" -> "Mentor support")."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _activity_item(report: StateReport, section: str) -> ReportItem:
    if report.activities is None:
        return ReportItem(section, "a", "activities", "Program activities", "no data",
                          csv_values=(("activities", None),))
    rows = tuple((a["label"], a["held"], a["attendance"], a["participants"]) for a in report.activities)
    held = sum(a["held"] for a in report.activities)
    return ReportItem(section, "a", "activities", "Program activities", f"{held} events held",
                      ("Activity", "Times held", "Attendance", "Different people"), rows,
                      csv_values=tuple((f"activities:{a['type']}", a["held"]) for a in report.activities),
                      figure=held)


def _section_items(report: StateReport, s: RoleSection, section: str) -> list[ReportItem]:
    teachers = section == "teachers"
    who = "beginning teachers" if teachers else "first-year administrators"
    observed = "Classroom observations made by mentors" if teachers else "Site-based visits made by mentors"
    observed_key = "classroom_observations" if teachers else "site_visits"
    served_title = "Beginning teachers served" if teachers else "First-year administrators served"
    people = ("Name", "Employee ID", "School")
    hiring = Rate(len(s.beginning_hired), len(s.hired))
    retention = Rate(len(s.retained), len(s.beginning_served))
    hired_word = "Teachers hired" if teachers else "Administrators hired"
    return [
        _activity_item(report, section),
        ReportItem(section, "b", "beginning_served", served_title, str(len(s.beginning_served)), people,
                   _people(s.beginning_served), ("employed", "beginning_served" if teachers else "admin_served"),
                   (("beginning_served", len(s.beginning_served)),), figure=len(s.beginning_served)),
        ReportItem(section, "c", "trained_mentors", "Trained mentors",
                   f"{len(s.trained_mentors)} of {len(s.mentors_serving)} mentors serving", people,
                   _people(s.trained_mentors),
                   ("mentors_serving", "trained_mentors") if teachers else ("admin_mentors_serving",),
                   (("mentors_serving", len(s.mentors_serving)), ("trained_mentors", len(s.trained_mentors))),
                   figure=len(s.trained_mentors)),
        ReportItem(section, "d", observed_key, observed, _shown(s.observations),
                   definitions=(observed_key,), csv_values=((observed_key, s.observations),),
                   figure=s.observations),
        ReportItem(section, "e", "mentoring_hours", f"Hours mentors and {who} spent together",
                   _shown(s.mentoring_hours), definitions=("mentoring_hours" if teachers else "admin_hours",),
                   csv_values=(("mentoring_hours", s.mentoring_hours),), figure=s.mentoring_hours),
        ReportItem(section, "f", "hiring_retention", f"Hiring and retention rates for {who}",
                   f"hiring {hiring}; retention {retention}",
                   ("Figure", "Value"),
                   ((hired_word, len(s.hired)), ("Of them beginning", len(s.beginning_hired)),
                    ("Hiring rate", hiring), (served_title, len(s.beginning_served)),
                    ("Retained", len(s.retained)), ("Retention rate", retention)),
                   ("hired", "retained", "rates") if teachers else ("admin_hired", "rates"),
                   (("hired", len(s.hired)), ("beginning_hired", len(s.beginning_hired)),
                    ("hiring_rate", s.hiring_rate), ("retained", len(s.retained)),
                    ("retention_rate", s.retention_rate))),
    ]


def _satisfaction_item(report: StateReport, section: str, letter: str) -> ReportItem:
    sat = report.satisfaction
    if not sat.get("respondents"):
        return ReportItem(section, letter, "satisfaction", "Participant satisfaction", "no data",
                          csv_values=(("satisfaction_respondents", 0),))
    raw = [(role, q, v["mean"], v["count"]) for role, r in sat["by_role"].items() for q, v in r["questions"].items()]
    rows = tuple((_words(role), _words(q), mean, count) for role, q, mean, count in raw)
    return ReportItem(section, letter, "satisfaction", "Participant satisfaction",
                      f"{sat['respondents']} respondents", ("Role", "Question", "Mean (1-5)", "Answers"), rows,
                      csv_values=(("satisfaction_respondents", sat["respondents"]),
                                  *((f"satisfaction:{r[0]}:{r[1]}", r[2]) for r in raw)),
                      figure=sat["respondents"])


def _partnership_item(report: StateReport, section: str, letter: str) -> ReportItem:
    rows = tuple((p["name"], _words(p["kind"]), p["purpose"], _us(p["since"])) for p in report.partnerships)
    return ReportItem(section, letter, "partnerships", "Partnerships", str(len(rows)),
                      ("Partner", "Kind", "Purpose", "Since"), rows,
                      csv_values=(("partnerships", len(rows)),), figure=len(rows))


def _us(iso: str | None) -> str:
    """An ISO date as printed (MM/DD/YYYY, STYLE.md)."""
    return us_date(dt.date.fromisoformat(iso)) if iso else ""


def _by_school_item(report: StateReport) -> ReportItem:
    """Administrators' item (g): hiring AND retention rates for teachers by school (004, 603 CMR 7.13)."""
    schools = report.teachers_by_school
    rows = tuple((s.school, s.teachers, s.hired, Rate(s.hired, s.teachers), s.retained, Rate(s.retained, s.teachers))
                 for s in schools)
    total = sum(s.teachers for s in schools)
    hiring = Rate(sum(s.hired for s in schools), total)
    retention = Rate(sum(s.retained for s in schools), total)
    return ReportItem("administrators", "g", "teachers_by_school", "Hiring and retention rates for teachers by school",
                      f"{len(rows)} schools; hiring {hiring}; retention {retention}",
                      ("School", "Teachers", "Hired", "Hiring rate", "Retained", "Retention rate"), rows,
                      ("teachers_by_school", "rates"),
                      tuple((f"teachers_by_school:{s.school}", s.retention_rate) for s in schools)
                      + tuple((f"teachers_by_school_hiring:{s.school}", s.hiring_rate) for s in schools),
                      widths=(0.3, 0.1, 0.08, 0.2, 0.1, 0.22))


def items(report: StateReport) -> list[ReportItem]:
    """Teachers (a)-(h) and administrators (a)-(i), in the order of the state's form."""
    out = _section_items(report, report.teachers, "teachers")
    out += [_satisfaction_item(report, "teachers", "g"), _partnership_item(report, "teachers", "h")]
    out += _section_items(report, report.administrators, "administrators")
    out.append(_by_school_item(report))
    out += [_satisfaction_item(report, "administrators", "h"), _partnership_item(report, "administrators", "i")]
    return out


SECTION_TITLES = {"teachers": "Teachers (603 CMR 7.12)", "administrators": "Administrators (603 CMR 7.13)"}


def _as_of(report: StateReport, today: dt.date) -> str:
    running = today <= report.window_end
    return (f"Figures as of {us_date(today)}" + (" (the school year is still under way)" if running else "")
            + f"; reporting window {_long(report.window_start)} to {_long(report.window_end)}.")


def _long(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# --- writers ---------------------------------------------------------------------------------


PRINTED = (".xlsx", ".pdf")  # the formats that carry the program profile and the hours chart


def export(session: Session, year_label: str, out: str | Path) -> Path:
    """Compute the report and write it (`mentordesk report state`, the Reports page's export)."""
    out = Path(out)
    _writer(out)  # an unknown extension is refused before any work
    from app.services import settings

    report = compute(session, year_label, printed=out.suffix.lower() in PRINTED)
    return write(report, out, plain_utf8=bool(settings.get(session, "csv_plain_utf8")))


def write(report: StateReport, out: str | Path, *, plain_utf8: bool = False) -> Path:
    out = Path(out)
    writer = _writer(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if writer is write_csv:
        write_csv(report, out, plain_utf8=plain_utf8)
    else:
        writer(report, out)
    return out


def _writer(out: Path) -> Any:
    writers = {".json": write_json, ".csv": write_csv, ".xlsx": write_xlsx, ".pdf": write_pdf}
    writer = writers.get(out.suffix.lower())
    if writer is None:
        raise UsageError(f"{out.name}: the state report is written as .json, .csv, .xlsx or .pdf")
    return writer


def write_json(report: StateReport, out: Path) -> None:
    out.write_text(json.dumps(report.to_json(), indent=2), encoding="utf-8")


def write_csv(report: StateReport, out: Path, *, plain_utf8: bool = False) -> None:
    """Through the one safe CSV writer (tabular.write_csv: UTF-8 with a byte-order mark, no formula).
    The CSV is for programs: `section,item,value` rows with the JSON's keys, rates as fractions (the
    PDF and XLSX are the human-readable forms; their labels and definitions say what each key counts)."""
    from app.services import tabular

    rows: list[list[Any]] = [["section", "item", "value"], ["report", "school_year", report.school_year]]
    rows += [[item.section, name, value] for item in items(report) for name, value in item.csv_values]
    tabular.write_csv(out, rows, plain_utf8=plain_utf8)


def _xlsx_cell(value: Any, hours: bool = False) -> tuple[Any, str]:
    """(value, kind) for the XLSX writer: a Rate as a number shown as a percentage; hours as a number
    shown with one decimal (tabular.HOURS_FORMAT)."""
    if isinstance(value, Rate):
        return value.fraction, "rate"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value, "text" if isinstance(value, str) else "auto"
    return value, "hours" if hours else "number"


def _xlsx_row(sheet: Any, values: tuple[Any, ...] | list[Any], hours: tuple[bool, ...] = (), **style: Any) -> None:
    """One row; `hours` says, column by column, which cells are hours."""
    cells = [_xlsx_cell(v, i < len(hours) and hours[i]) for i, v in enumerate(values)]
    sheet.row([c[0] for c in cells], kinds=[c[1] for c in cells], **style)


def write_xlsx(report: StateReport, out: Path) -> None:
    """A sheet per section laid out like the state's form, a summary, the program profile and
    the definitions (term and meaning); every cell through the one safe XLSX writer (tabular.XlsxBook:
    numbers and rates as numbers, text never a formula)."""
    from app.services import tabular

    all_items = items(report)
    book = tabular.XlsxBook(out)
    for section in ("teachers", "administrators"):
        book_sheet = book.sheet(section.capitalize(), widths=(48, 22, 22, 22, 22, 22))
        book_sheet.row([f"{report.district}: induction and mentoring report {report.school_year}"], bold=True, size=13)
        book_sheet.row([CITATIONS[section]])
        for item in (i for i in all_items if i.section == section):
            book_sheet.row()
            said = item.value if item.figure is not None and item.value != _shown(item.figure) else None
            _xlsx_row(book_sheet, [f"({item.letter}) {item.title}",
                                   item.value if item.figure is None else item.figure, said],
                      hours=(False, tabular.is_hours(item.key)), bold=True)
            if item.header:
                book_sheet.row(item.header, bold=True)
                hours = tuple(tabular.is_hours(title) for title in item.header)
                for row in item.rows:
                    _xlsx_row(book_sheet, row, hours=hours)
    # the headline figures after the sections (which stay the first two sheets, as before)
    summary = book.sheet("Summary", widths=(62, 16, 48))
    summary.row([f"{report.district}: induction and mentoring report {report.school_year}"], bold=True, size=13)
    summary.row([_as_of(report, dt.date.today())])
    for section in ("teachers", "administrators"):
        summary.row()
        summary.row([SECTION_TITLES[section], "Figure", "As printed"], bold=True)
        for item in (i for i in all_items if i.section == section):
            _xlsx_row(summary, [f"({item.letter}) {item.title}", item.figure, item.value],
                      hours=(False, tabular.is_hours(item.key)))
    profile = book.sheet("Program profile", widths=(40, 70, 70))
    profile.row(["Question", "Answer", "From the data"], bold=True)
    for question, answer, fact in profile_rows(report):
        profile.row([question, answer, fact], wrap=True)
    sheet = book.sheet("Definitions", widths=(34, 120))
    sheet.row(["Term", "Definition"], bold=True)
    for text in DEFINITIONS.values():
        term, _, meaning = text.partition(": ")
        sheet.row([term, meaning], wrap=True)
    book.save()


def profile_rows(report: StateReport) -> list[tuple[str, str, str]]:
    from app.services.reports.program_profile import QUESTIONS

    answers = report.profile.get("answers", {})
    facts = report.profile.get("from_data", {})
    return [(question, answers.get(key, ""), facts.get(key, "")) for key, question in QUESTIONS]


def _summary_page(doc: Any, report: StateReport, all_items: list[ReportItem], today: dt.date) -> None:
    """Page 1: every item's headline figure with the year, the district and the "as of" date."""
    doc.paragraph(f"{report.district}: school year {report.school_year}. {_as_of(report, today)}")
    doc.paragraph("Submitted to the Department of Elementary and Secondary Education as required by "
                  "603 CMR 7.12(3) (teachers) and 603 CMR 7.13 (administrators). Prepared "
                  f"{us_date(today)} with MentorDesk. The pages after this summary give each item's list "
                  "of people or table, with its definitions.", "note")
    for section in ("teachers", "administrators"):
        doc.heading(f"Summary: {SECTION_TITLES[section]}")
        doc.table(("Item", "Figure"), [(f"({i.letter}) {i.title}", i.value) for i in all_items if i.section == section],
                  widths=(0.55, 0.45))


def write_pdf(report: StateReport, out: Path) -> None:
    from app.services.pdf import PdfDocument

    today = dt.date.today()
    all_items = items(report)
    doc = PdfDocument(out, title=f"Induction and mentoring report {report.school_year}", district=report.district)
    _summary_page(doc, report, all_items, today)
    for section in ("teachers", "administrators"):
        doc.page_break()
        doc.heading(SECTION_TITLES[section])
        doc.paragraph(CITATIONS[section], "note")
        for item in (i for i in all_items if i.section == section):
            doc.heading(f"({item.letter}) {item.title}: {item.value}", level=2)
            if item.header:
                doc.table(item.header, item.rows, item.widths or None, empty="None recorded.")
            if item.definitions:
                doc.paragraph(" ".join(DEFINITIONS[d] for d in item.definitions), "note")
    _charts(doc, report)
    doc.page_break()
    doc.heading("Program profile")
    for question, answer, fact in profile_rows(report):
        doc.heading(question, level=2)
        doc.paragraph(answer or "(not answered)")
        if fact:
            doc.paragraph(f"From the data: {fact}", "note")
    doc.page_break()
    doc.heading("Definitions")
    for text in DEFINITIONS.values():
        doc.paragraph(text, "note")
    doc.save()


def _charts(doc, report: StateReport) -> None:  # type: ignore[no-untyped-def]
    from app.services.reports.charts import bar_chart

    doc.page_break()
    doc.heading("Charts")
    months = report.profile.get("hours_by_month") or []
    doc.heading("Mentoring hours by month (beginning teachers served)", level=2)
    if months:
        doc.add(bar_chart([m for m, _ in months], [h for _, h in months], doc.width, value_label="hours"))
    else:
        doc.paragraph("No time logs: no data.", "note")
    schools = sorted((s for s in report.teachers_by_school if s.retention_rate is not None),
                     key=lambda s: (s.retention_rate, s.school))
    shown = schools[:30]
    title = "Teacher retention by school" + (" (the 30 lowest of %d)" % len(schools) if len(schools) > 30 else "")
    doc.heading(title, level=2)
    if shown:
        doc.add(bar_chart([s.school for s in shown], [round(s.retention_rate * 100, 1) for s in shown], doc.width,
                          horizontal=True, value_label="percent", value_max=100.0))
    else:
        doc.paragraph("No teachers employed in the year: no data.", "note")
