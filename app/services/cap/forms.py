"""CAP forms as PDF (issue 8, item 7), following the structure of the state's forms: the CAP form (the
cycle and the goals), observation forms (an Early Literacy Observation Form, with the look-fors of the
placement's grade band per element, where the license sought requires it), the formative and summative
assessment forms (ratings per element and dimension in the edition's levels, the rule, typed sign-off
lines: no wet signatures are needed), student feedback data, and a one-page candidate summary. Printed
files are named by candidate, form and school year so the three most recent years' forms stay
retrievable side by side (`forms_folder`); an observation's file also carries its date, observer and
the first characters of its id, so two observations on one day never overwrite each other.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.orm import Session

from app import paths
from app.services import cap, settings
from app.services.cap import literacy as cap_literacy
from app.services.cap import rubrics as cap_rubrics
from app.services.pdf import PdfDocument, text_width
from app.services.vocabulary import us_date

SIGN_OFF = ["Teacher candidate", "Supervising practitioner", "Program supervisor"]
KEEP_YEARS = 3


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_DAY_MONTH = re.compile(r"\b(\d{1,2}) (" + "|".join(MONTHS) + r")\b(?! \d{4})")


def _d(day: dt.date | None) -> str:
    """A date as printed on every form: MM/DD/YYYY (STYLE.md; issue 20: "dates have no year")."""
    return "" if day is None else f"{us_date(day)}"


def with_years(text: str, year_label: str) -> str:
    """The cycle's sentences write '3 March' (cap.day_text, how supervisors say it); a printed form
    needs the year: '3 March' in 2025-2026 is 03/03/2026 (July to December in the first calendar
    year of the school year, January to June in the second; 603 CMR 7.12(3)'s July 1 to June 30)."""
    from app.services.years import parse_label

    first = parse_label(year_label)

    def us(match: re.Match[str]) -> str:
        month = MONTHS.index(match.group(2)) + 1
        try:
            return _d(dt.date(first if month >= 7 else first + 1, month, int(match.group(1))))
        except ValueError:
            return match.group(0)
    return _DAY_MONTH.sub(us, text)


def _bullets(doc: PdfDocument, items: Iterable[str], style: str = "body") -> None:
    """What is still missing as a list, one item a line (not a wall of semicolons)."""
    for item in items:
        doc.paragraph(f"\u2022 {item[:1].upper()}{item[1:]}", style)


def _district(session: Session) -> str:
    return str(settings.get(session, "district_name") or "")


def _edition_text(session: Session, s: cap.CandidateSummary) -> str:
    """The edition, and why it was used outside its years when it was (placements.add_placement)."""
    text = s.edition_title or s.edition
    override = cap.edition_override(session, s.placement_id)
    if override:
        text += f" (used in {override['year']}, outside its years: {override['reason']})"
    return text


def _unconfirmed(doc: PdfDocument, s: cap.CandidateSummary, depends_on: str) -> None:
    """The edition's points the state's pages did not settle (Edition.unconfirmed), printed under every
    figure that depends on them, so nobody reads "Ready to teach" without the threshold's source."""
    points = cap_rubrics.get(s.edition).unconfirmed
    if points:
        doc.paragraph(f"Not confirmed by the state for the CAP {s.edition} edition, and used for the {depends_on} "
                      "on this form: " + "; ".join(points) + ". The values are MentorDesk's, editable in "
                      "resources/cap.", "note")


def _header(doc: PdfDocument, s: cap.CandidateSummary, session: Session) -> None:
    doc.key_values([
        ("Candidate", f"{s.candidate}" + (f" ({s.candidate_number})" if s.candidate_number else "")),
        ("Sponsoring organization / program", f"{s.organization} - {s.program}"),
        ("License sought", s.license_sought),
        ("School year / practicum", f"{s.year}: {_d(s.start_date)} to {_d(s.end_date)}"),
        ("School, grade, subject", ", ".join(x for x in (s.school, s.grade and f"grade {s.grade}", s.subject) if x)),
        ("Supervising practitioner", f"{s.sp_name} ({s.sp_employee_id})"),
        ("Program supervisor", s.program_supervisor),
        ("CAP edition", _edition_text(session, s)),
    ])


def _sp_criteria(doc: PdfDocument, s: cap.CandidateSummary) -> None:
    """The SP criteria (603 CMR 7.02; 001 job description) met or not, and the override a failing SP was
    placed with. Statuses only: the reasons hold the SP's evaluation rating, a personnel record that the
    candidate's form must not carry (they are in `report cap --json`, for the coordinator)."""
    from app.services.cap.supervisors import label

    doc.heading("Supervising practitioner criteria (603 CMR 7.02)")
    doc.table(["Criterion", "Status"], [[label(c.key), c.status] for c in s.sp_checks], widths=[0.7, 0.3])
    if s.sp_override_reason:
        given = ", ".join(x for x in (s.sp_override_by, _d(s.sp_override_on)) if x)
        doc.key_values([("Placed with an override", s.sp_override_reason), ("Override given by", given or "-")])
    elif not s.sp_eligible:
        doc.paragraph("Not every criterion is met and no override is recorded.", "note")


def _rule(doc: PdfDocument, s: cap.CandidateSummary) -> None:
    levels = cap_rubrics.get(s.edition).rating_levels
    doc.paragraph(f"Each element is rated {', '.join(levels[:-1])} or {levels[-1]} (lowest to highest) on quality "
                  "(can the candidate do it?), scope (for all students?) and consistency (every time?). "
                  "Readiness per element: at least the threshold on every dimension "
                  f"(CAP {s.edition} edition, editable in resources/cap).", "note")


def cap_form(session: Session, placement_id: uuid.UUID, out: str | Path) -> Path:
    s = cap.summary(session, placement_id)
    doc = PdfDocument(out, title="Candidate Assessment of Performance: CAP form", district=_district(session),
                      subtitle=f"{s.candidate} - {s.year}")
    _header(doc, s, session)
    _sp_criteria(doc, s)
    doc.heading("The 5-step cycle")
    doc.table(["Step", "Status", "Due", "Completed", "Three-way meeting"],
              [[f"{st.number}. {st.name}", st.status.replace("_", " "), _d(st.due_on), _d(st.completed_on),
                (_d(st.meeting_on) or "not yet") if st.three_way_meeting else "-"] for st in s.steps],
              widths=[0.36, 0.14, 0.14, 0.14, 0.22])
    goals = _goals(session, placement_id)
    doc.heading("Goals (step 2)")
    doc.key_values([("Professional practice goal", goals[0] or "not set"),
                    ("Student learning goal", goals[1] or "not set")])
    doc.heading("Observations")
    _observation_table(doc, s)
    doc.heading("Still owed")
    if s.missing:
        _bullets(doc, (with_years(m, s.year) for m in s.missing))
    else:
        doc.paragraph("Nothing: the cycle is complete.")
    _unconfirmed(doc, s, "observation minimums and readiness")
    doc.signature_lines(SIGN_OFF)
    return doc.save()


def _goals(session: Session, placement_id: uuid.UUID) -> tuple[str, str]:
    from app.models.cap import CapPlacement

    placement = session.get(CapPlacement, placement_id)
    assert placement is not None
    return placement.professional_practice_goal or "", placement.student_learning_goal or ""


def _observation_table(doc: PdfDocument, s: cap.CandidateSummary) -> None:
    header = ["Date", "Type", "Observer", "Minutes", "Focus", "Pre-conference", "Post-conference", "Status"]
    rows: list[list[object]] = [
        [_d(o.observed_on), o.kind, o.observer_text, o.minutes or "", ", ".join(o.focus),
         _d(o.pre_conference_on), _d(o.post_conference_on), o.status.replace("_", " ")] for o in s.observations]
    try:
        widths = fitted_widths(doc, header, [0, 0, 0, 0, 4, 0, 0, 2], rows)
    except ValueError:  # a long word in a row: fixed widths, the cells wrap
        widths = [0.13, 0.12, 0.11, 0.09, 0.14, 0.14, 0.14, 0.13]
    doc.table(header, rows, widths=widths, empty="No observations yet.")


def observation_form(session: Session, observation_id: uuid.UUID, out: str | Path) -> Path:
    detail = cap.observation_detail(session, observation_id)
    from app.models.cap import CapObservation

    row = session.get(CapObservation, observation_id)
    assert row is not None
    s = cap.summary(session, row.placement_id)
    rubric = cap_rubrics.get(s.edition)
    o = detail.info
    literacy = cap_literacy.form()
    title = f"CAP observation form - {literacy.title}" if o.early_literacy else "CAP observation form"
    doc = PdfDocument(out, title=title, district=_district(session),
                      subtitle=f"{s.candidate} - {_d(o.observed_on)}")
    _header(doc, s, session)
    doc.heading("Observation")
    doc.key_values([("Date", _d(o.observed_on)), ("Type", o.kind.capitalize()),
                    ("Observer", o.observer_text), ("Duration", f"{o.minutes} minutes" if o.minutes else ""),
                    ("Pre-observation conference", _d(o.pre_conference_on) or (
                        "not applicable" if o.kind == "unannounced" else "not held")),
                    ("Post-observation conference", _d(o.post_conference_on) or "not held"),
                    ("Status", o.status.replace("_", " "))])
    codes = list(o.focus) + [c for c in detail.evidence if c not in o.focus]
    if o.early_literacy:
        codes = _early_literacy_sections(doc, s, o, detail.evidence, rubric, literacy, codes)
        heading = "Evidence for the other elements"
    else:
        heading = "Evidence by element"
    if codes or not o.early_literacy:
        doc.heading(heading)
        doc.table(["Element", "Evidence"], [[_label(rubric, c), detail.evidence.get(c, "")] for c in codes],
                  widths=[0.3, 0.7], empty="No evidence recorded.")
    doc.heading("Feedback")
    doc.key_values([("Areas of reinforcement", detail.reinforcement), ("Areas of refinement", detail.refinement)])
    doc.signature_lines(["Observer", "Teacher candidate"])
    return doc.save()


def _label(rubric: cap_rubrics.Edition, code: str) -> str:
    try:
        return rubric.element(code).label
    except Exception:  # noqa: BLE001 - a code the edition file no longer has: print it as stored
        return code


def literacy_band(s: cap.CandidateSummary, o: cap.ObservationInfo) -> cap_literacy.Band:
    """The grade band of an early literacy observation: the band of the look-fors it marks, else the
    placement's (its grade, else the license's lowest grade)."""
    literacy = cap_literacy.form()
    for look_for_id in o.look_fors:
        band = literacy.band_of(look_for_id)
        if band is not None:
            return band
    grades = s.license_sought[len(s.license_field):].strip()
    return literacy.band_for(s.grade, s.license_field, grades)


def _early_literacy_sections(doc: PdfDocument, s: cap.CandidateSummary, o: cap.ObservationInfo,
                             evidence: dict[str, str], rubric: cap_rubrics.Edition, literacy: cap_literacy.Form,
                             codes: list[str]) -> list[str]:
    """The state's structure: for each of its elements (I-A-1, II-A-1, II-B-2, in the placement's
    edition's codes), the grade band's look-fors by component of the literacy block, which were seen,
    and the evidence. Returns the other elements with evidence."""
    band = literacy_band(s, o)
    seen = set(o.look_fors)
    doc.heading(f"{literacy.title}: look-fors for {band.name}")
    doc.paragraph(f"Look-fors aligned to {', '.join(literacy.element_code(c, s.edition) for c in literacy.elements)}"
                  ", by component of the core literacy block; 'Seen' marks those the observer saw. "
                  "The look-fors are editable data (resources/cap/early_literacy.json).", "note")
    done = []
    for code in literacy.elements:
        local = literacy.element_code(code, s.edition)
        done.append(local)
        doc.heading(_label(rubric, local), level=2)
        doc.table(["Component", "Look-for", "Seen"],
                  [[item.component, item.text, "Yes" if item.id in seen else ""] for item in band.for_element(code)],
                  widths=[0.24, 0.66, 0.1], empty="No look-fors for this element in this grade band.")
        doc.paragraph("Evidence: " + (evidence.get(local, "") or "none recorded"))
    return [c for c in codes if c not in done]


def assessment_form(session: Session, placement_id: uuid.UUID, stage: str, out: str | Path) -> Path:
    """The formative or the summative assessment form with the joint ratings and the SP/PS calibration."""
    s = cap.summary(session, placement_id)
    doc = PdfDocument(out, title=f"CAP {stage} assessment form", district=_district(session),
                      subtitle=f"{s.candidate} - {s.year}", landscape=True)
    _header(doc, s, session)
    doc.heading(f"{stage.capitalize()} ratings (SP and PS together)")
    _rule(doc, s)
    _unconfirmed(doc, s, "readiness thresholds")
    rows = []
    # No joint rating yet for an element: the SP's and the PS's own ratings are printed, each labelled
    # (the SP "calibrates ratings with the program supervisor": seeds 000, SP responsibilities; DOMAIN.md,
    # "Student teaching and CAP"; issue 17).
    own = {r.code: r for r in cap.calibration(session, placement_id, stage)}
    separate = 0
    for e in s.elements:
        r = e.formative if stage == "formative" else e.summative
        row = [f"{e.code} {e.name}", r["quality"] or "", r["scope"] or "", r["consistency"] or ""]
        mine = own.get(e.code)
        if not any(r.get(d) for d in ("quality", "scope", "consistency")) and mine is not None:
            labelled = [_own_ratings(mine.sp.get(d), mine.ps.get(d)) for d in ("quality", "scope", "consistency")]
            if any(labelled):
                row[1:4] = labelled
                separate += 1
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
    if separate:
        doc.paragraph(f"{separate} element{'s' if separate != 1 else ''} not yet rated jointly: the SP's and the "
                      "PS's own ratings are shown, each labelled.", "note")
    evidence_counts = cap.evidence_by_category(session, placement_id)
    categories = cap_rubrics.get(s.edition).categories
    doc.heading("Evidence collected (pieces per category)")
    doc.table(["Element", *(name for _key, name in categories)],
              [[e.code, *(evidence_counts.get(e.code, {}).get(key, 0) for key, _name in categories)]
               for e in s.elements],
              widths=[0.2, *([0.8 / len(categories)] * len(categories))])
    if s.surveys:
        doc.paragraph(f"Student feedback includes {len(s.surveys)} student feedback survey"
                      f"{'s' if len(s.surveys) != 1 else ''} recorded for the candidate, counted for every element.",
                      "note")
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
            doc.paragraph("Missing:")
            _bullets(doc, (with_years(m, s.year) for m in s.missing))
    doc.signature_lines(SIGN_OFF)
    return doc.save()


def student_feedback_form(session: Session, placement_id: uuid.UUID, out: str | Path) -> Path:
    s = cap.summary(session, placement_id)
    doc = PdfDocument(out, title="CAP student feedback data", district=_district(session),
                      subtitle=f"{s.candidate} - {s.year}")
    _header(doc, s, session)
    for survey in s.surveys:
        doc.heading(f"{survey.instrument}, {_d(survey.given_on)} ({survey.respondents} students)")
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
        ("SP criteria (603 CMR 7.02)", "all met" if s.sp_eligible else
         "not all met; " + (f"override: {s.sp_override_reason}" if s.sp_override_reason else "no override recorded")),
        ("Cycle", " | ".join(f"{st.number} {'done' if st.status == 'complete' else st.status.replace('_', ' ')}"
                             for st in s.steps)),
        ("Next", with_years(s.next_due, s.year)),
        ("Observations", observations_text(s)),
        ("Three-way meetings", s.three_way_meetings),
        ("Practicum hours", f"{s.hours:.1f} of {s.hours_required}"
                            + (" (this candidate's own requirement)" if s.hours_overridden else "")),
        ("Ready to teach", {True: "Yes", False: "No", None: "Not decided yet"}[s.ready]),
    ])
    rubric = cap_rubrics.get(s.edition)
    doc.table(["Element", "Formative (quality / scope / consistency)", "Summative (quality / scope / consistency)",
               "Ready in this element"],
              [[f"{e.code} {e.name}", _qsc(rubric, e.formative), _qsc(rubric, e.summative),
                {True: "Yes", False: "No", None: "Not rated yet"}[e.met]] for e in s.elements],
              widths=[0.3, 0.27, 0.27, 0.16])
    if s.owed:
        doc.paragraph("Still owed:", "body")
        _bullets(doc, (with_years(o, s.year) for o in s.owed[:6]))
        if len(s.owed) > 6:
            doc.paragraph(f"and {len(s.owed) - 6} more (the CAP form lists them all).", "note")
    _unconfirmed(doc, s, "readiness and observation minimums")
    return doc.save()


def _qsc(rubric: cap_rubrics.Edition, r: dict[str, str | None]) -> str:
    """The three ratings in words ("Proficient / Proficient / Needs improvement"), "not rated" when none."""
    if not any(r.get(d) for d in ("quality", "scope", "consistency")):
        return "not rated"
    return " / ".join(r.get(d) or "not rated" for d in ("quality", "scope", "consistency"))


def observations_text(s: cap.CandidateSummary) -> str:
    """'3 held: 2 announced, 1 unannounced; 2 by the supervising practitioner, 1 by the program supervisor'."""
    c = s.counts
    return (f"{c.total} held: {c.announced} announced, {c.unannounced} unannounced; {c.by_sp} by the supervising "
            f"practitioner, {c.by_ps} by the program supervisor")


def forms_folder(year_label: str) -> Path:
    return paths.private_dir(paths.private_dir(paths.data_dir() / "cap-forms") / year_label)


def _slug(text: str, fallback: str = "candidate") -> str:
    """A file-name part from a name with its letters kept ("José Conceição" -> "josé-conceição", "王芳" ->
    "王芳"; issue 20: the ASCII-only slug made "jos-concei-o" and nothing of "王芳"): Unicode letters and
    digits, every other run (spaces, punctuation, the characters Windows refuses) one hyphen; composed
    (NFC) and case folded; `fallback` when nothing is left, so a file name is never empty."""
    import unicodedata

    composed = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[\W_]+", "-", composed).strip("-")[:80].strip("-") or fallback


def _fallback(s: cap.CandidateSummary) -> str:
    """The candidate's number, else the placement's id: the file name when the name gives no letters."""
    return _slug(s.candidate_number or "", "") or f"candidate-{s.placement_id.hex[:8]}"


def _own_ratings(sp: str | None, ps: str | None) -> str:
    return "; ".join(f"{who}: {value}" for who, value in (("SP", sp), ("PS", ps)) if value)


# One form of the cycle (issue 17: print one observation, the form of one step, or all). A step's form:
# steps 1-3 are recorded on the CAP form (self-assessment, goals and plan, implementation), step 4 on the
# formative assessment form, step 5 on the summative one.
STEP_FORMS = {1: "cap", 2: "cap", 3: "cap", 4: "formative", 5: "summative"}


def form_choices(s: cap.CandidateSummary) -> list[tuple[str, str]]:
    """What can be printed for one placement, as (key, label): every form, each step's form, each
    observation, the student feedback and the summary."""
    names = {st.number: st.name for st in s.steps}
    out = [("all", "Every form")]
    out += [(f"step:{n}", f"Step {n}. {names.get(n, '')}: "
             + {"cap": "CAP form", "formative": "formative assessment form",
                "summative": "summative assessment form"}[form]) for n, form in STEP_FORMS.items()]
    out += [(f"observation:{o.id}", f"Observation of {o.observed_on.month}/{o.observed_on.day}/"
             f"{o.observed_on.year} ({o.kind}, {o.observer_text})") for o in s.observations]
    out += [("feedback", "Student feedback"), ("summary", "One-page summary")]
    return out


def print_form(session: Session, placement_id: uuid.UUID, key: str, folder: Path) -> list[Path]:
    """The form `key` names (see form_choices) into folder; "all" is print_all."""
    if key == "all":
        return print_all(session, placement_id, folder)
    s = cap.summary(session, placement_id)
    base = f"{_slug(s.candidate, _fallback(s))}-{s.year}"
    if key.startswith("observation:"):
        wanted = uuid.UUID(key.split(":", 1)[1])
        o = next((o for o in s.observations if o.id == wanted), None)
        if o is None:
            raise ValueError("that observation is not this candidate's")
        return [observation_form(session, o.id, folder / observation_file_name(s, o))]
    if key.startswith("step:"):
        form = STEP_FORMS[int(key.split(":", 1)[1])]
        if form == "cap":
            return [cap_form(session, placement_id, folder / f"{base}-cap-form.pdf")]
        return [assessment_form(session, placement_id, form, folder / f"{base}-{form}.pdf")]
    if key == "feedback":
        return [student_feedback_form(session, placement_id, folder / f"{base}-student-feedback.pdf")]
    if key == "summary":
        return [candidate_summary(session, placement_id, folder / f"{base}-summary.pdf")]
    raise ValueError(f"unknown form {key!r}")


def print_all(session: Session, placement_id: uuid.UUID, folder: Path | None = None) -> list[Path]:
    """Every form for a placement into the year's forms folder (kept per year; see `retained_years`)."""
    s = cap.summary(session, placement_id)
    folder = folder or forms_folder(s.year)
    base = f"{_slug(s.candidate, _fallback(s))}-{s.year}"
    made = [cap_form(session, placement_id, folder / f"{base}-cap-form.pdf"),
            assessment_form(session, placement_id, "formative", folder / f"{base}-formative.pdf"),
            assessment_form(session, placement_id, "summative", folder / f"{base}-summative.pdf"),
            student_feedback_form(session, placement_id, folder / f"{base}-student-feedback.pdf"),
            candidate_summary(session, placement_id, folder / f"{base}-summary.pdf")]
    for o in s.observations:
        made.append(observation_form(session, o.id, folder / observation_file_name(s, o)))
    return made


def observation_file_name(s: cap.CandidateSummary, o: cap.ObservationInfo) -> str:
    """'ana-silva-2025-2026-observation-2026-03-03-sp-1a2b3c4d.pdf': the date, the observer and the first
    8 characters of the observation's id, so two observations on one day get two files, and printing
    again replaces the same file."""
    return f"{_slug(s.candidate, _fallback(s))}-{s.year}-observation-{o.observed_on.isoformat()}-{o.observer}-{o.id.hex[:8]}.pdf"


def retained_years() -> list[str]:
    """The school years whose forms must be kept (the three most recent with forms)."""
    root = paths.data_dir() / "cap-forms"
    years = sorted((p.name for p in root.iterdir() if p.is_dir()), reverse=True) if root.exists() else []
    return years[:KEEP_YEARS]


CELL_PADDING = 12  # ReportLab's table cells: 6 points each side


def fitted_widths(doc: PdfDocument, header: list[str], weights: list[float],
                  rows: list[list[object]] = ()) -> list[float]:  # type: ignore[assignment]
    """Column widths (fractions of the text width) in which no word is broken ("Ste p") or runs into the
    next column: each column gets at least its longest header word (bold) and its longest word in the
    rows, and the rest of the width is shared by `weights`."""
    head, cell = doc.styles["head"], doc.styles["cell"]

    def widest(texts: list[str], font: str, size: float) -> float:  # CJK runs measured in their font
        return max((text_width(word, font, size) for text in texts for word in text.split()), default=0.0)

    least = [max(widest([h], head.fontName, head.fontSize),
                 widest(["" if r[i] is None else str(r[i]) for r in rows], cell.fontName, cell.fontSize))
             + CELL_PADDING + 1 for i, h in enumerate(header)]
    spare = doc.width - sum(least)
    if spare < 0:
        raise ValueError("the header words do not fit on one line of the page")
    total = sum(weights) or 1
    return [(w + spare * weight / total) / doc.width for w, weight in zip(least, weights)]


def report_pdf(session: Session, year_label: str, out: str | Path, candidate: str | None = None) -> Path:
    """`mentordesk report cap --out FILE.pdf`: one summary block per candidate."""
    from app.services.cap.export import _summaries

    items = _summaries(session, year_label, candidate)
    doc = PdfDocument(out, title=f"CAP progress {year_label}", district=_district(session), landscape=True)
    header = ["Candidate", "Program (CAP edition)", "SP", "PS", "Step", "Observations", "Three-way meetings",
              "Hours", "Elements met", "Ready", "Next"]
    rows: list[list[object]] = [
        [s.candidate, f"{s.program} ({s.edition})", s.sp_name, s.program_supervisor, f"{min(s.current_step, 5)} of 5",
         (f"{s.counts.total}: {s.counts.announced} announced, {s.counts.unannounced} unannounced; "
          f"{s.counts.by_sp} by the SP, {s.counts.by_ps} by the PS"), s.three_way_meetings,
         f"{s.hours:.1f}", f"{sum(e.met is True for e in s.elements)} of {len(s.elements)}",
         {True: "Yes", False: "No", None: "Not decided"}[s.ready], with_years(s.next_due, year_label)] for s in items]
    doc.table(header, rows, widths=fitted_widths(doc, header, [8, 8, 6, 6, 0, 14, 0, 0, 2, 0, 20], rows),
              empty="No CAP candidates this year.")
    doc.paragraph("SP: supervising practitioner; PS: program supervisor.", "note")
    for s in items:
        if s.missing:
            doc.heading(f"{s.candidate}: still missing", level=2)
            _bullets(doc, (with_years(m, s.year) for m in s.missing), "note")
    for edition in sorted({s.edition for s in items}):
        points = cap_rubrics.get(edition).unconfirmed
        if points:
            doc.paragraph(f"Not confirmed by the state for the CAP {edition} edition, and used for readiness and "
                          "observation minimums above: " + "; ".join(points) + ".", "note")
    return doc.save()
