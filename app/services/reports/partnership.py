"""`mentordesk report partnership`: the partnership toolkit's records and results for one school year
(001 Partnership Toolkit; 002 Partnerships domain), as .json (schema "mentordesk.partnership/1"), .pdf or
.xlsx (the one safe XLSX writer). The figures are partnership/summary.py's; this module only lays them out.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.errors import UsageError
from app.services import settings
from app.services.partnership import summary
from app.services.partnership.toolkit import (
    AGREE_LABELS,
    AGREEMENT_LABELS,
    CRITERIA_SOURCE,
    GOAL_LABELS,
    SELF_ASSESSMENT_SOURCE,
    STEP_LABELS,
    VISION_SOURCE,
)
from app.services.vocabulary import us_date

FORMATS = (".json", ".pdf", ".xlsx")


def _us(iso: str | None) -> str:
    return us_date(dt.date.fromisoformat(iso)) if iso else ""


def _pct(value: int | None) -> str:
    return "" if value is None else f"{value}%"


def _mean(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _agreement_state(a: dict[str, Any]) -> str:
    state = a["state"]
    if a["needs_renewal"] and a["days_left"] is not None and a["days_left"] >= 0:
        return f"{state}; ends in {a['days_left']} day{'s' if a['days_left'] != 1 else ''}: renew"
    if a["needs_renewal"]:
        return f"{state}: renew"
    return state


def _self_rows(data: dict[str, Any]) -> list[list[object]]:
    before = {s["number"]: s for s in (data["previous"] or {}).get("statements", [])}
    rows = []
    for s in data["statements"]:
        c = s["counts"]
        rows.append([f"{s['number']}. {s['statement']}", c["strongly_agree"], c["agree"], c["disagree"],
                     c["strongly_disagree"], _pct(s["percent_agree"]),
                     _pct(before[s["number"]]["percent_agree"]) if s["number"] in before else ""])
    return rows


def _vision_rows(data: dict[str, Any]) -> list[list[object]]:
    before = {c["key"]: c for c in (data["previous"] or {}).get("criteria", [])}
    return [[c["criterion"], c["ratings"], _mean(c["mean"]), _mean(before[c["key"]]["mean"]) if c["key"] in before
             else ""] for c in data["criteria"]]


def write_pdf(data: dict[str, Any], out: Path, district: str) -> Path:
    from app.services.pdf import PdfDocument

    year = data["school_year"]
    previous = (data["self_assessment"]["previous"] or {}).get("school_year", "previous year")
    doc = PdfDocument(out, title=f"Student teaching partnership {year}", district=district, landscape=True,
                      subtitle=f"Partners, agreements, self-assessment, vision, goals and the five Partnerships "
                               f"criteria, as of {_us(data['as_of'])}. Sources: 001 Partnership Toolkit; "
                               f"{CRITERIA_SOURCE}.")
    doc.heading("Partners")
    doc.table(["Partner", "Kind", "Since", "Contacts", "Agreements (in force)", "Candidates hosted"],
              [[p["name"], p["kind"], _us(p["since"]),
                "; ".join(c["name"] + (f", {c['title']}" if c["title"] else "") for c in p["contacts"]),
                f"{p['agreements']} ({p['agreements_in_force']})", p["candidates_hosted"]] for p in data["partners"]],
              widths=(0.22, 0.16, 0.1, 0.26, 0.13, 0.13))
    doc.heading("Agreements")
    doc.table(["Partner", "Agreement", "Title", "Starts", "Ends", "Signed by", "State"],
              [[a["partner"], AGREEMENT_LABELS.get(a["kind"], a["kind"]), a["title"], _us(a["starts_on"]),
                _us(a["ends_on"]), a["signed_by"], _agreement_state(a)] for a in data["agreements"]],
              widths=(0.14, 0.13, 0.16, 0.115, 0.115, 0.15, 0.18))
    doc.paragraph(f"An agreement is listed to renew when its last day is {data['agreement_reminder_days']} days "
                  "away or less, or it has ended and no later agreement of its kind replaces it.", "note")
    vision = data["vision_statement"]
    doc.heading("Shared vision")
    doc.paragraph(vision["statement"] or "No vision statement recorded for this year.")
    if vision["adopted_on"]:
        doc.paragraph(f"Adopted {_us(vision['adopted_on'])}.", "note")
    sa = data["self_assessment"]
    doc.heading(f"Partnership self-assessment ({sa['respondents']} respondent{'s' if sa['respondents'] != 1 else ''})")
    doc.table(["Statement", AGREE_LABELS["strongly_agree"], AGREE_LABELS["agree"], AGREE_LABELS["disagree"],
               AGREE_LABELS["strongly_disagree"], f"Agree {year}", f"Agree {previous}"], _self_rows(sa),
              widths=(0.43, 0.09, 0.08, 0.09, 0.09, 0.11, 0.11), empty="No answers recorded.")
    doc.paragraph(f"{SELF_ASSESSMENT_SOURCE}. Agree: Strongly Agree and Agree, of those who answered the "
                  "statement. Roles: " + (", ".join(f"{k} {v}" for k, v in sa["roles"].items()) or "none") + ".",
                  "note")
    va = data["vision"]
    doc.heading(f"Vision assessment ({va['respondents']} respondent{'s' if va['respondents'] != 1 else ''})")
    doc.table(["Criterion", "Ratings", f"Mean {year} (1-5)", f"Mean {previous}"], _vision_rows(va),
              widths=(0.46, 0.14, 0.2, 0.2))
    doc.paragraph(f"{VISION_SOURCE}: 1 to 5, 5 the highest.", "note")
    progress = data["goals_progress"]
    doc.heading(f"SMART goals ({progress['met']} of {progress['goals']} met; action steps "
                f"{progress['steps_done']} of {progress['steps']} done)")
    for number, g in enumerate(data["goals"], start=1):
        doc.heading(f"Goal {number}: {GOAL_LABELS.get(g['status'], g['status'])}"
                    + (f", due {_us(g['due_on'])}" if g["due_on"] else ""), level=2)
        doc.paragraph(g["goal"])
        doc.table(["Action step", "Timeframe", "Responsible", "Outputs / outcomes", "Impact", "Lift", "Status"],
                  [[s["step"], s["timeframe"], s["responsible"],
                    " / ".join(x for x in (s["outputs"], s["outcomes"]) if x), s["impact"] or "", s["lift"] or "",
                    STEP_LABELS.get(s["status"], s["status"])] for s in g["action_plan"]],
                  widths=(0.28, 0.11, 0.15, 0.22, 0.07, 0.06, 0.11), empty="No action steps.")
        if g["reviews"]:
            doc.table(["Reviewed", "Progress", "Status after"],
                      [[_us(r["reviewed_on"]), r["progress"], GOAL_LABELS.get(r["status"], r["status"])]
                       for r in g["reviews"]], widths=(0.15, 0.65, 0.2))
    if not data["goals"]:
        doc.paragraph("No goals recorded for this year.", "note")
    doc.heading("The five Partnerships criteria")
    doc.table(["Criterion", "Evidence from the records", "Status", "Note"],
              [[f"{c['number']}. {c['criterion']}", "\n".join(c["evidence"]), c["status_label"], c["note"]]
               for c in data["criteria"]], widths=(0.3, 0.38, 0.1, 0.22))
    doc.paragraph(f"{CRITERIA_SOURCE}: the five criteria every sponsoring organization must show evidence of "
                  "meeting.", "note")
    return doc.save()


def write_xlsx(data: dict[str, Any], out: Path) -> Path:
    from app.services.tabular import XlsxBook

    book = XlsxBook(out)
    sheet = book.sheet("Partners", widths=(34, 24, 12, 50, 12, 12, 12))
    sheet.row(["Partner", "Kind", "Since", "Contacts", "Agreements", "In force", "Candidates hosted"], bold=True)
    for p in data["partners"]:
        sheet.row([p["name"], p["kind"], _us(p["since"]), "; ".join(c["name"] for c in p["contacts"]),
                   p["agreements"], p["agreements_in_force"], p["candidates_hosted"]])
    sheet = book.sheet("Agreements", widths=(28, 22, 30, 12, 12, 28, 28))
    sheet.row(["Partner", "Agreement", "Title", "Starts", "Ends", "Signed by", "State"], bold=True)
    for a in data["agreements"]:
        sheet.row([a["partner"], AGREEMENT_LABELS.get(a["kind"], a["kind"]), a["title"], _us(a["starts_on"]),
                   _us(a["ends_on"]), a["signed_by"], _agreement_state(a)])
    sheet = book.sheet("Self-assessment", widths=(80, 14, 10, 10, 16, 12, 12))
    sheet.row(["Statement", "Strongly Agree", "Agree", "Disagree", "Strongly Disagree", "Agree %", "Previous %"],
              bold=True)
    for row in _self_rows(data["self_assessment"]):
        sheet.row(row)
    sheet = book.sheet("Vision", widths=(30, 10, 12, 14))
    sheet.row(["Criterion", "Ratings", "Mean", "Previous mean"], bold=True)
    for row in _vision_rows(data["vision"]):
        sheet.row(row)
    sheet = book.sheet("Goals", widths=(50, 40, 14, 20, 30, 8, 8, 14))
    sheet.row(["Goal", "Action step", "Timeframe", "Responsible", "Outputs / outcomes", "Impact", "Lift", "Status"],
              bold=True)
    for g in data["goals"]:
        sheet.row([g["goal"], "", "", "", "", "", "", GOAL_LABELS.get(g["status"], g["status"])], bold=True)
        for s in g["action_plan"]:
            sheet.row(["", s["step"], s["timeframe"], s["responsible"],
                       " / ".join(x for x in (s["outputs"], s["outcomes"]) if x), s["impact"] or "", s["lift"] or "",
                       STEP_LABELS.get(s["status"], s["status"])])
    sheet = book.sheet("Criteria", widths=(60, 70, 14, 40))
    sheet.row(["Criterion (002)", "Evidence from the records", "Status", "Note"], bold=True)
    for c in data["criteria"]:
        sheet.row([f"{c['number']}. {c['criterion']}", "; ".join(c["evidence"]), c["status_label"], c["note"]],
                  wrap=True)
    return book.save()


def build(session: Session, year_label: str, today: dt.date | None = None) -> dict[str, Any]:
    """The toolkit's summary with the pipeline beside it (001, Data Roadmap: "Where are my teachers coming
    from?"): the pipeline's programs and needs sheet are reports/pipeline.py's figures, computed once there."""
    from app.services.reports import pipeline

    data = summary.build(session, year_label, today)
    figures = pipeline.report(session, year_label, today=today)
    data["pipeline"] = figures["programs"]
    data["pipeline_needs"] = figures["needs"]
    return data


def write(session: Session, year_label: str, out: str | Path, *, today: dt.date | None = None) -> Path:
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"{out.name}: the partnership report is written as .json, .pdf or .xlsx")
    data = build(session, year_label, today)
    if suffix == ".json":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        return out
    if suffix == ".xlsx":
        return write_xlsx(data, out)
    return write_pdf(data, out, str(settings.get(session, "district_name") or ""))
