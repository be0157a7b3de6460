"""CAP for the state and the program (issue 8, items 8 and 9).

- `report(session, year)`: the public `mentordesk report cap` JSON shape, one entry per candidate.
- `write_year_export(session, year, out)`: the yearly CAP data (program, practicum district and school,
  school year, candidate id and name, supervisors' names, SP id and email, formative and summative
  ratings, ready to teach) as CSV or XLSX through tabular.write_table.

Ratings leave the program only here, in files the coordinator asks for; never in a principal roster or the
state report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.services import cap, settings
from app.services.tabular import Column, write_table


def _summaries(session: Session, year_label: str, candidate: str | None = None) -> list[cap.CandidateSummary]:
    from app.errors import UsageError

    placements = cap.find_placements(session, year_label, candidate=candidate)
    if candidate and not placements:
        raise UsageError(f"no CAP candidate matching {candidate!r} in {year_label}")
    return cap.summaries(session, [p.id for p in placements])


def candidate_entry(s: cap.CandidateSummary) -> dict[str, Any]:
    return {
        "candidate": s.candidate,
        "program": s.program,
        "edition": s.edition,
        "sp_employee_id": s.sp_employee_id,
        "program_supervisor": s.program_supervisor,
        "observations": {"announced": s.counts.announced, "unannounced": s.counts.unannounced,
                         "by_sp": s.counts.by_sp, "by_ps": s.counts.by_ps},
        "three_way_meetings": s.three_way_meetings,
        "practicum_hours": s.hours,
        "elements": [{"code": e.code, "name": e.name, "formative": dict(e.formative), "summative": dict(e.summative),
                      "threshold": dict(e.threshold), "met": e.met} for e in s.elements],
        "ready": s.ready,
        "missing": list(s.missing),
        # the SP criteria for this placement (603 CMR 7.02; services/cap/supervisors.py) and any override
        "sp_checks": [{"name": c.key, "status": c.status, "reason": c.reason, "citation": c.citation}
                      for c in s.sp_checks],
        "sp_eligible": s.sp_eligible,
        "sp_override": ({"reason": s.sp_override_reason, "by": s.sp_override_by or None,
                         "on": s.sp_override_on.isoformat() if s.sp_override_on else None}
                        if s.sp_override_reason else None),
    }


SCHEMA = "mentordesk.cap/1"  # `report cap --out FILE.json` (docs/formats.md)


def report(session: Session, year_label: str, candidate: str | None = None) -> dict[str, Any]:
    from app.services.cap.incentives import sp_incentives

    return {"schema": SCHEMA, "school_year": year_label,
            "candidates": [candidate_entry(s) for s in _summaries(session, year_label, candidate)],
            "sp_incentives": sp_incentives(session).as_json()}  # what SPs are offered (000)


EXPORT_COLUMNS = ["program", "sponsoring_organization", "practicum_district", "practicum_school", "school_year",
                  "candidate_id", "candidate_name", "license_sought", "edition", "supervising_practitioner",
                  "sp_employee_id", "sp_email", "program_supervisor", "element_code", "element_name",
                  "formative_quality", "formative_scope", "formative_consistency", "summative_quality",
                  "summative_scope", "summative_consistency", "element_met", "ready_to_teach"]


def _district_name(session: Session) -> str:
    return str(settings.get(session, "district_name") or "")


def year_rows(session: Session, year_label: str) -> list[dict[str, Any]]:
    """One row per candidate and element (the ratings are per element)."""
    district = _district_name(session)
    rows = []
    for s in _summaries(session, year_label):
        ready = "" if s.ready is None else ("yes" if s.ready else "no")
        for e in s.elements:
            rows.append({
                "program": s.program, "sponsoring_organization": s.organization, "practicum_district": district,
                "practicum_school": s.school, "school_year": s.year, "candidate_id": s.candidate_number,
                "candidate_name": s.candidate, "license_sought": s.license_sought, "edition": s.edition,
                "supervising_practitioner": s.sp_name, "sp_employee_id": s.sp_employee_id, "sp_email": s.sp_email,
                "program_supervisor": s.program_supervisor, "element_code": e.code, "element_name": e.name,
                "formative_quality": e.formative["quality"] or "", "formative_scope": e.formative["scope"] or "",
                "formative_consistency": e.formative["consistency"] or "",
                "summative_quality": e.summative["quality"] or "", "summative_scope": e.summative["scope"] or "",
                "summative_consistency": e.summative["consistency"] or "",
                "element_met": "" if e.met is None else ("yes" if e.met else "no"), "ready_to_teach": ready,
            })
    return rows


def write_year_export(session: Session, year_label: str, out: str | Path) -> Path:
    """Every cell text (IDs, codes, ratings): the safe writer neutralizes a leading =, +, -, @."""
    return write_table(out, [Column(c, kind="text") for c in EXPORT_COLUMNS], year_rows(session, year_label),
                       sheet="CAP", plain_utf8=bool(settings.get(session, "csv_plain_utf8")))
