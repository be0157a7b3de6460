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
from app.services.reports.state_report import CITATIONS, DEFINITIONS, RoleSection, StateReport, compute


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


def _shown(value: Any, suffix: str = "") -> str:
    if value is None:
        return "no data"
    if isinstance(value, float):
        return f"{value:.3f}" if suffix == "rate" else f"{value:.1f}"
    return str(value)


def _people(refs: list) -> tuple[tuple[str, str, str], ...]:  # type: ignore[type-arg]
    return tuple((p.name, p.employee_id, p.school_text) for p in refs)  # a retired mentor says so


def _common_items(report: StateReport, section: str) -> list[ReportItem]:
    if report.activities is None:
        activities = ReportItem(section, "a", "activities", "Program activities", "no data",
                                csv_values=(("activities", None),))
    else:
        rows = tuple((a["label"], a["held"], a["attendance"], a["participants"]) for a in report.activities)
        activities = ReportItem(section, "a", "activities", "Program activities",
                                f"{sum(a['held'] for a in report.activities)} events held",
                                ("Activity", "Times held", "Attendance", "Different people"), rows,
                                csv_values=tuple((f"activities:{a['type']}", a["held"]) for a in report.activities))
    return [activities]


def _section_items(report: StateReport, s: RoleSection, section: str) -> list[ReportItem]:
    teachers = section == "teachers"
    observed = "Classroom observations made by mentors" if teachers else "Site-based visits made by mentors"
    observed_key = "classroom_observations" if teachers else "site_visits"
    served_title = "Beginning teachers served" if teachers else "First-year administrators served"
    people = ("Name", "Employee ID", "School")
    return [
        *_common_items(report, section),
        ReportItem(section, "b", "beginning_served", served_title, str(len(s.beginning_served)), people,
                   _people(s.beginning_served), ("employed", "beginning_served"),
                   (("beginning_served", len(s.beginning_served)),)),
        ReportItem(section, "c", "trained_mentors", "Trained mentors",
                   f"{len(s.trained_mentors)} of {len(s.mentors_serving)} mentors serving", people,
                   _people(s.trained_mentors), ("mentors_serving", "trained_mentors"),
                   (("mentors_serving", len(s.mentors_serving)), ("trained_mentors", len(s.trained_mentors)))),
        ReportItem(section, "d", observed_key, observed, _shown(s.observations),
                   definitions=("classroom_observations",), csv_values=((observed_key, s.observations),)),
        ReportItem(section, "e", "mentoring_hours", "Hours mentors and mentees spent together",
                   _shown(s.mentoring_hours), definitions=("mentoring_hours",),
                   csv_values=(("mentoring_hours", s.mentoring_hours),)),
        ReportItem(section, "f", "hiring_retention", "Hiring and retention rates",
                   f"hiring rate {_shown(s.hiring_rate, 'rate')}; retention rate {_shown(s.retention_rate, 'rate')}",
                   ("Figure", "Value"),
                   (("Hired", len(s.hired)), ("Beginning hired", len(s.beginning_hired)),
                    ("Hiring rate", _shown(s.hiring_rate, "rate")), ("Retained", len(s.retained)),
                    ("Retention rate", _shown(s.retention_rate, "rate"))),
                   ("hired", "retained", "rates"),
                   (("hired", len(s.hired)), ("beginning_hired", len(s.beginning_hired)),
                    ("hiring_rate", s.hiring_rate), ("retained", len(s.retained)),
                    ("retention_rate", s.retention_rate))),
    ]


def _satisfaction_item(report: StateReport, section: str, letter: str) -> ReportItem:
    sat = report.satisfaction
    if not sat.get("respondents"):
        return ReportItem(section, letter, "satisfaction", "Participant satisfaction", "no data",
                          csv_values=(("satisfaction_respondents", 0),))
    rows = tuple((role, q, v["mean"], v["count"]) for role, r in sat["by_role"].items()
                 for q, v in r["questions"].items())
    return ReportItem(section, letter, "satisfaction", "Participant satisfaction",
                      f"{sat['respondents']} respondents", ("Role", "Question", "Mean (1-5)", "Answers"), rows,
                      csv_values=(("satisfaction_respondents", sat["respondents"]),
                                  *((f"satisfaction:{r[0]}:{r[1]}", r[2]) for r in rows)))


def _partnership_item(report: StateReport, section: str, letter: str) -> ReportItem:
    rows = tuple((p["name"], p["kind"], p["purpose"], p["since"] or "") for p in report.partnerships)
    return ReportItem(section, letter, "partnerships", "Partnerships", str(len(rows)),
                      ("Partner", "Kind", "Purpose", "Since"), rows,
                      csv_values=(("partnerships", len(rows)),))


def items(report: StateReport) -> list[ReportItem]:
    """Teachers (a)-(h) and administrators (a)-(i), in the order of the state's form."""
    out = _section_items(report, report.teachers, "teachers")
    out += [_satisfaction_item(report, "teachers", "g"), _partnership_item(report, "teachers", "h")]
    out += _section_items(report, report.administrators, "administrators")
    by_school = tuple((s.school, s.teachers, s.hired, s.retained, _shown(s.retention_rate, "rate"))
                      for s in report.teachers_by_school)
    out.append(ReportItem("administrators", "g", "teachers_by_school", "Hiring and retention of teachers by school",
                          f"{len(by_school)} schools", ("School", "Teachers", "Hired", "Retained", "Retention rate"),
                          by_school, ("teachers_by_school",),
                          tuple((f"teachers_by_school:{s.school}", s.retention_rate) for s in report.teachers_by_school)))
    out += [_satisfaction_item(report, "administrators", "h"), _partnership_item(report, "administrators", "i")]
    return out


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
    """Through the one safe CSV writer (tabular.write_csv: UTF-8 with a byte-order mark, no formula)."""
    from app.services import tabular

    rows: list[list[Any]] = [["section", "item", "value"], ["report", "school_year", report.school_year]]
    rows += [[item.section, name, value] for item in items(report) for name, value in item.csv_values]
    tabular.write_csv(out, rows, plain_utf8=plain_utf8)


def write_xlsx(report: StateReport, out: Path) -> None:
    """A sheet per section laid out like the state's form, then the definitions; every cell through the
    one safe XLSX writer (tabular.XlsxBook: numbers as numbers, text never a formula)."""
    from app.services import tabular

    book = tabular.XlsxBook(out)
    for section in ("teachers", "administrators"):
        sheet = book.sheet(section.capitalize(), widths=(48, 22, 22, 22, 22))
        sheet.row([f"{report.district}: induction and mentoring report {report.school_year}"], bold=True, size=13)
        sheet.row([CITATIONS[section]])
        for item in (i for i in items(report) if i.section == section):
            sheet.row()
            sheet.row([f"({item.letter}) {item.title}", item.value], bold=True)
            if item.header:
                sheet.row(item.header, bold=True)
                for row in item.rows:
                    sheet.row(row)
    profile = book.sheet("Program profile", widths=(40, 70, 70))
    profile.row(["Question", "Answer", "From the data"])
    for question, answer, fact in profile_rows(report):
        profile.row([question, answer, fact], wrap=True)
    sheet = book.sheet("Definitions", widths=(24, 120))
    for key, text in DEFINITIONS.items():
        sheet.row([key, text])
    book.save()


def profile_rows(report: StateReport) -> list[tuple[str, str, str]]:
    from app.services.reports.program_profile import QUESTIONS

    answers = report.profile.get("answers", {})
    facts = report.profile.get("from_data", {})
    return [(question, answers.get(key, ""), facts.get(key, "")) for key, question in QUESTIONS]


def write_pdf(report: StateReport, out: Path) -> None:
    from app.services.pdf import PdfDocument

    doc = PdfDocument(out, title=f"Induction and mentoring report {report.school_year}", district=report.district)
    doc.paragraph(f"{report.district}\nSchool year {report.school_year} (reporting window "
                  f"{report.window_start:%B} {report.window_start.day}, {report.window_start.year} to "
                  f"{report.window_end:%B} {report.window_end.day}, {report.window_end.year})\n"
                  f"Prepared {dt.date.today():%B} {dt.date.today().day}, {dt.date.today().year} with MentorDesk.")
    doc.paragraph("Submitted to the Department of Elementary and Secondary Education as required by "
                  "603 CMR 7.12(3) (teachers) and 603 CMR 7.13 (administrators).", "note")
    for section in ("teachers", "administrators"):
        doc.page_break()
        doc.heading("Teachers" if section == "teachers" else "Administrators")
        doc.paragraph(CITATIONS[section], "note")
        for item in (i for i in items(report) if i.section == section):
            doc.heading(f"({item.letter}) {item.title}: {item.value}", level=2)
            if item.header:
                doc.table(item.header, item.rows, empty="None recorded.")
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
        doc.add(bar_chart([s.school for s in shown], [s.retention_rate for s in shown], doc.width,
                          horizontal=True, value_label="rate", value_max=1.0))
    else:
        doc.paragraph("No teachers employed in the year: no data.", "note")
