"""CAP forms as PDF (issue 8, item 7), following the structure of the state's forms: the CAP form (the
cycle and the goals), observation forms (with the Early Literacy Observation Form heading where it
applies), the formative and summative assessment forms (ratings per element and dimension, the rule,
typed sign-off lines: no wet signatures are needed), student feedback data, and a one-page candidate
summary. Printed files are named by candidate, form and school year so the three most recent years'
forms stay retrievable side by side (`forms_folder`).
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from sqlalchemy.orm import Session

from app import paths
from app.services import cap, cap_rubrics, settings
from app.services.pdf import PdfDocument

SIGN_OFF = ["Teacher candidate", "Supervising practitioner", "Program supervisor"]
KEEP_YEARS = 3


def _district(session: Session) -> str:
    return str(settings.get(session, "district_name") or "")


def _header(doc: PdfDocument, s: cap.CandidateSummary) -> None:
    doc.key_values([
        ("Candidate", f"{s.candidate}" + (f" ({s.candidate_number})" if s.candidate_number else "")),
        ("Sponsoring organization / program", f"{s.organization} - {s.program}"),
        ("License sought", s.license_sought),
        ("School year / practicum", f"{s.year}: {s.start_date.isoformat()} to {s.end_date.isoformat()}"),
        ("School, grade, subject", ", ".join(x for x in (s.school, s.grade and f"grade {s.grade}", s.subject) if x)),
        ("Supervising practitioner", f"{s.sp_name} ({s.sp_employee_id})"),
        ("Program supervisor", s.program_supervisor),
        ("CAP edition", f"{s.edition_title or s.edition}"),
    ])


def _rule(doc: PdfDocument, s: cap.CandidateSummary) -> None:
    doc.paragraph("Each element is rated Unsatisfactory, Needs Improvement, Proficient or Exemplary on quality "
                  "(can the candidate do it?), scope (for all students?) and consistency (every time?). "
                  "Readiness per element: at least the threshold on every dimension "
                  f"(CAP {s.edition} edition, editable in resources/cap).", "note")


def cap_form(session: Session, placement_id: uuid.UUID, out: str | Path) -> Path:
    s = cap.summary(session, placement_id)
    doc = PdfDocument(out, title="Candidate Assessment of Performance: CAP form", district=_district(session),
                      subtitle=f"{s.candidate} - {s.year}")
    _header(doc, s)
    doc.heading("The 5-step cycle")
    doc.table(["Step", "Status", "Due", "Completed", "Three-way meeting"],
              [[f"{st.number}. {st.name}", st.status.replace("_", " "), st.due_on or "", st.completed_on or "",
                (st.meeting_on or "not yet") if st.three_way_meeting else "-"] for st in s.steps],
              widths=[0.36, 0.14, 0.14, 0.14, 0.22])
    goals = _goals(session, placement_id)
    doc.heading("Goals (step 2)")
    doc.key_values([("Professional practice goal", goals[0] or "not set"),
                    ("Student learning goal", goals[1] or "not set")])
    doc.heading("Observations")
    _observation_table(doc, s)
    doc.heading("Still owed")
    doc.paragraph("; ".join(s.missing) if s.missing else "Nothing: the cycle is complete.")
    doc.signature_lines(SIGN_OFF)
    return doc.save()


def _goals(session: Session, placement_id: uuid.UUID) -> tuple[str, str]:
    from app.models.cap import CapPlacement

    placement = session.get(CapPlacement, placement_id)
    assert placement is not None
    return placement.professional_practice_goal or "", placement.student_learning_goal or ""


def _observation_table(doc: PdfDocument, s: cap.CandidateSummary) -> None:
    doc.table(["Date", "Type", "Observer", "Minutes", "Focus", "Pre-conf.", "Post-conf.", "Status"],
              [[o.observed_on, o.kind, o.observer_text, o.minutes or "", ", ".join(o.focus),
                o.pre_conference_on or "", o.post_conference_on or "", o.status.replace("_", " ")]
               for o in s.observations],
              widths=[0.11, 0.12, 0.11, 0.08, 0.2, 0.11, 0.11, 0.16], empty="No observations yet.")


def observation_form(session: Session, observation_id: uuid.UUID, out: str | Path) -> Path:
    detail = cap.observation_detail(session, observation_id)
    from app.models.cap import CapObservation

    row = session.get(CapObservation, observation_id)
    assert row is not None
    s = cap.summary(session, row.placement_id)
    rubric = cap_rubrics.get(s.edition)
    o = detail.info
    title = "CAP observation form"
    if o.early_literacy:
        title = "CAP observation form - Early Literacy Observation Form"
    doc = PdfDocument(out, title=title, district=_district(session),
                      subtitle=f"{s.candidate} - {cap.day_text(o.observed_on)} {o.observed_on.year}")
    _header(doc, s)
    doc.heading("Observation")
    doc.key_values([("Date", o.observed_on.isoformat()), ("Type", o.kind.capitalize()),
                    ("Observer", o.observer_text), ("Duration", f"{o.minutes} minutes" if o.minutes else ""),
                    ("Pre-observation conference", o.pre_conference_on or ("not applicable" if o.kind == "unannounced"
                                                                           else "not held")),
                    ("Post-observation conference", o.post_conference_on or "not held"),
                    ("Status", o.status.replace("_", " "))])
    doc.heading("Evidence by element")
    codes = list(o.focus) + [c for c in detail.evidence if c not in o.focus]
    doc.table(["Element", "Evidence"], [[rubric.element(c).label, detail.evidence.get(c, "")] for c in codes],
              widths=[0.3, 0.7], empty="No evidence recorded.")
    doc.heading("Feedback")
    doc.key_values([("Areas of reinforcement", detail.reinforcement), ("Areas of refinement", detail.refinement)])
    doc.signature_lines(["Observer", "Teacher candidate"])
    return doc.save()


def assessment_form(session: Session, placement_id: uuid.UUID, stage: str, out: str | Path) -> Path:
    """The formative or the summative assessment form with the joint ratings and the SP/PS calibration."""
    s = cap.summary(session, placement_id)
    doc = PdfDocument(out, title=f"CAP {stage} assessment form", district=_district(session),
                      subtitle=f"{s.candidate} - {s.year}", landscape=True)
    _header(doc, s)
    doc.heading(f"{stage.capitalize()} ratings (SP and PS together)")
    _rule(doc, s)
    rows = []
    for e in s.elements:
        r = e.formative if stage == "formative" else e.summative
        row = [f"{e.code} {e.name}", r["quality"] or "", r["scope"] or "", r["consistency"] or ""]
        if stage == "summative":
            t = e.threshold
            row += [f"{t['quality']} / {t['scope']} / {t['consistency']}",
                    {True: "Met", False: "Not met", None: "Not rated"}[e.met]]
        rows.append(row)
    header = ["Element", "Quality", "Scope", "Consistency"]
    widths = [0.34, 0.16, 0.16, 0.16]
    if stage == "summative":
        header += ["Threshold (Q / S / C)", "Readiness"]
        widths = [0.26, 0.12, 0.12, 0.12, 0.26, 0.12]
    doc.table(header, rows, widths=widths)
    evidence_counts = cap.evidence_by_category(session, placement_id)
    doc.heading("Evidence collected (pieces per category)")
    doc.table(["Element", "Observations", "Student learning", "Student feedback", "Goal progress", "Artifacts"],
              [[e.code, *evidence_counts.get(e.code, {}).values()] if e.code in evidence_counts
               else [e.code, 0, 0, 0, 0, 0] for e in s.elements],
              widths=[0.2, 0.16, 0.16, 0.16, 0.16, 0.16])
    differences = [r for r in cap.calibration(session, placement_id, stage) if r.differences]
    doc.heading("Calibration: where the SP's and the PS's judgments differed")
    doc.table(["Element", "Dimension", "SP", "PS"],
              [[r.code, d, r.sp[d], r.ps[d]] for r in differences for d in r.differences],
              widths=[0.25, 0.25, 0.25, 0.25], empty="No differences.")
    if stage == "summative":
        verdict = {True: "Ready to teach", False: "Not ready to teach",
                   None: "Not decided: the summative step is not complete"}[s.ready]
        doc.heading(f"Readiness decision: {verdict}")
        if s.missing:
            doc.paragraph("Missing: " + "; ".join(s.missing))
    doc.signature_lines(SIGN_OFF)
    return doc.save()


def student_feedback_form(session: Session, placement_id: uuid.UUID, out: str | Path) -> Path:
    s = cap.summary(session, placement_id)
    doc = PdfDocument(out, title="CAP student feedback data", district=_district(session),
                      subtitle=f"{s.candidate} - {s.year}")
    _header(doc, s)
    for survey in s.surveys:
        doc.heading(f"{survey.instrument}, {survey.given_on.isoformat()} ({survey.respondents} students)")
        doc.table(["Item", "Result"], [[k, v] for k, v in survey.summary.items()], widths=[0.7, 0.3])
    if not s.surveys:
        doc.paragraph("No student feedback recorded yet.")
    return doc.save()


def candidate_summary(session: Session, placement_id: uuid.UUID, out: str | Path) -> Path:
    """One page: where the candidate is in the cycle, observations, hours, readiness per element."""
    s = cap.summary(session, placement_id)
    doc = PdfDocument(out, title="CAP candidate summary", district=_district(session),
                      subtitle=f"{s.candidate} - {s.license_sought} - {s.year}")
    doc.key_values([
        ("Program", f"{s.organization} - {s.program} (CAP {s.edition})"),
        ("Placement", f"{s.school}, SP {s.sp_name}, PS {s.program_supervisor}"),
        ("Cycle", " | ".join(f"{st.number} {'done' if st.status == 'complete' else st.status.replace('_', ' ')}"
                             for st in s.steps)),
        ("Next", s.next_due),
        ("Observations", f"{s.counts.total} held: {s.counts.announced} announced, {s.counts.unannounced} "
                         f"unannounced; {s.counts.by_sp} by the SP, {s.counts.by_ps} by the PS"),
        ("Three-way meetings", s.three_way_meetings),
        ("Practicum hours", f"{s.hours:.1f} of {s.hours_required}"),
        ("Ready to teach", {True: "Yes", False: "No", None: "Not decided yet"}[s.ready]),
    ])
    doc.table(["Element", "Formative Q/S/C", "Summative Q/S/C", "Met"],
              [[f"{e.code} {e.name}", _qsc(e.formative), _qsc(e.summative),
                {True: "Yes", False: "No", None: "-"}[e.met]] for e in s.elements],
              widths=[0.4, 0.22, 0.22, 0.16])
    if s.owed:
        doc.paragraph("Still owed: " + "; ".join(s.owed[:6]), "note")
    return doc.save()


def _qsc(r: dict[str, str | None]) -> str:
    short = {"Unsatisfactory": "U", "Needs Improvement": "NI", "Proficient": "P", "Exemplary": "E"}
    return " / ".join(short.get(r[d] or "", "-") for d in ("quality", "scope", "consistency"))


def forms_folder(year_label: str) -> Path:
    path = paths.data_dir() / "cap-forms" / year_label
    path.mkdir(parents=True, exist_ok=True)
    return path


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()


def print_all(session: Session, placement_id: uuid.UUID, folder: Path | None = None) -> list[Path]:
    """Every form for a placement into the year's forms folder (kept per year; see `retained_years`)."""
    s = cap.summary(session, placement_id)
    folder = folder or forms_folder(s.year)
    base = f"{_slug(s.candidate)}-{s.year}"
    made = [cap_form(session, placement_id, folder / f"{base}-cap-form.pdf"),
            assessment_form(session, placement_id, "formative", folder / f"{base}-formative.pdf"),
            assessment_form(session, placement_id, "summative", folder / f"{base}-summative.pdf"),
            student_feedback_form(session, placement_id, folder / f"{base}-student-feedback.pdf"),
            candidate_summary(session, placement_id, folder / f"{base}-summary.pdf")]
    for o in s.observations:
        made.append(observation_form(session, o.id, folder / f"{base}-observation-{o.observed_on.isoformat()}.pdf"))
    return made


def retained_years() -> list[str]:
    """The school years whose forms must be kept (the three most recent with forms)."""
    root = paths.data_dir() / "cap-forms"
    years = sorted((p.name for p in root.iterdir() if p.is_dir()), reverse=True) if root.exists() else []
    return years[:KEEP_YEARS]


def report_pdf(session: Session, year_label: str, out: str | Path, candidate: str | None = None) -> Path:
    """`mentordesk report cap --out FILE.pdf`: one summary block per candidate."""
    from app.services.cap_export import _summaries

    items = _summaries(session, year_label, candidate)
    doc = PdfDocument(out, title=f"CAP progress {year_label}", district=_district(session), landscape=True)
    doc.table(["Candidate", "Program", "Ed.", "SP", "PS", "Step", "Obs. (A/U, SP/PS)", "Meetings", "Hours",
               "Elements met", "Ready", "Next"],
              [[s.candidate, s.program, s.edition, s.sp_name, s.program_supervisor, min(s.current_step, 5),
                f"{s.counts.announced}/{s.counts.unannounced}, {s.counts.by_sp}/{s.counts.by_ps}",
                s.three_way_meetings, f"{s.hours:.1f}",
                f"{sum(e.met is True for e in s.elements)} of {len(s.elements)}",
                {True: "Yes", False: "No", None: "-"}[s.ready], s.next_due] for s in items],
              widths=[0.1, 0.12, 0.04, 0.09, 0.09, 0.04, 0.1, 0.06, 0.05, 0.07, 0.05, 0.19],
              empty="No CAP candidates this year.")
    for s in items:
        if s.missing:
            doc.paragraph(f"{s.candidate} - missing: " + "; ".join(s.missing), "note")
    return doc.save()
