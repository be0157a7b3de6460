"""`mentordesk report pipeline`: candidates by program (placed, completed CAP, hired, retained) and the
pipeline-needs sheet, as JSON ("schema": "mentordesk.pipeline/1"), CSV or XLSX through the one safe writer
(services/tabular.py). The rules and their sources are in services/cap/pipeline.py (001, 003)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.errors import UsageError
from app.services import settings
from app.services.cap import pipeline as rules
from app.services.cap.incentives import sp_incentives
from app.services.tabular import Column, XlsxBook, write_table

PROGRAM_COLUMNS = [Column("organization", "Sponsoring organization", "text"), Column("program", "Program", "text"),
                   Column("candidates", "Candidates", "int"), Column("placed", "Placed", "int"),
                   Column("completed_cap", "Completed CAP", "int"), Column("hired", "Hired by the district", "int"),
                   Column("already_on_staff", "Already on staff", "int"),
                   *(c for n in rules.RETENTION_YEARS
                     for c in (Column(f"retained_{n}", f"Retained after {n} year{'s' if n > 1 else ''}", "int"),
                               Column(f"of_{n}", f"Hired {n}+ year{'s' if n > 1 else ''} ago", "int")))]
CANDIDATE_COLUMNS = [Column("name", "Candidate", "text"), Column("organization", "Sponsoring organization", "text"),
                     Column("program", "Program", "text"), Column("license_sought", "License sought", "text"),
                     Column("school", "School", "text"), Column("placed", "Placed", "text"),
                     Column("completed_cap", "Completed CAP", "text"), Column("hired", "Hired", "text"),
                     Column("employee_id", "Employee ID", "text"), Column("hire_date", "Hire date", "date")]
HIRED_COLUMNS = [Column("name", "Former candidate", "text"), Column("organization", "Sponsoring organization", "text"),
                 Column("program", "Program", "text"), Column("license_sought", "License sought", "text"),
                 Column("school", "Hired at", "text"), Column("employee_id", "Employee ID", "text"),
                 Column("hire_date", "Hire date", "date")]
SCHOOL_COLUMNS = [Column("school", "School", "text"), Column("program", "Program", "text"),
                  Column("hosted", "Candidates hosted", "int")]


def need_columns(year_label: str) -> list[Column]:
    return [Column("subject", "Subject", "text"), Column("grade_band", "Grade band", "text"),
            *(Column(label, f"Openings {label}", "int") for label in rules.next_years(year_label)),
            Column("from_planned_exits", "From planned exits", "int"), Column("typed", "Typed projections", "int"),
            Column("sps_available", "Eligible SPs", "int"), Column("candidates_hosted", "Candidates hosted", "int"),
            Column("short_of_sps", "Openings but no eligible SP", "text")]


def report(session: Session, year_label: str, *, today: dt.date | None = None) -> dict[str, Any]:
    data = rules.pipeline(session, year_label, as_of=today)
    return {"schema": rules.SCHEMA, "school_year": data.year, "citation": rules.CITATION,
            "programs": [p.as_json() for p in data.programs],
            "candidates": [c.as_json() for c in data.candidates],
            "by_school": data.by_school,
            "hired_in_year": [{k: v for k, v in c.as_json().items() if k not in ("placed", "completed_cap")}
                              for c in data.hired_in_year],
            "needs": [n.as_json() for n in rules.needs(session, year_label, today=today)],
            "sp_incentives": sp_incentives(session).as_json()}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def program_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for p in data["programs"]:
        row = {k: v for k, v in p.items() if k != "retention"}
        for n in rules.RETENTION_YEARS:
            kept = p["retention"][f"after_{n}_years"]
            row[f"retained_{n}"], row[f"of_{n}"] = kept["retained"], kept["of"]
        rows.append(row)
    return rows


def candidate_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**c, "placed": _yes(c["placed"]), "completed_cap": _yes(c["completed_cap"]),
             "hired": "already on staff" if c["already_on_staff"] else _yes(c["hired"]),
             "hire_date": dt.date.fromisoformat(c["hire_date"]) if c["hire_date"] else None}
            for c in data["candidates"]]


def need_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{**n, **n["openings"], "short_of_sps": _yes(n["short_of_sps"])} for n in data["needs"]]


def write(session: Session, year_label: str, out: str | Path, *, needs_only: bool = False,
          today: dt.date | None = None) -> Path:
    """.json: everything; .xlsx: a sheet each (programs, candidates, by school, needs); .csv: the programs, or
    the needs sheet with `needs_only`."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".json", ".csv", ".xlsx"):
        raise UsageError(f"{out.name}: report pipeline writes .json, .csv or .xlsx")
    data = report(session, year_label, today=today)
    if suffix == ".json":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(data, indent=2), encoding="utf-8")
        return out
    plain = bool(settings.get(session, "csv_plain_utf8"))
    if suffix == ".csv":
        if needs_only:
            return write_table(out, need_columns(year_label), need_rows(data), plain_utf8=plain)
        return write_table(out, PROGRAM_COLUMNS, program_rows(data), plain_utf8=plain)
    book = XlsxBook(out)
    book.table("Programs", PROGRAM_COLUMNS, program_rows(data))
    book.table("Candidates", CANDIDATE_COLUMNS, candidate_rows(data))
    book.table("By school", SCHOOL_COLUMNS, [{**r, "school": r["school"] or ""} for r in data["by_school"]])
    book.table("Hired this year", HIRED_COLUMNS,
               [{**c, "hire_date": dt.date.fromisoformat(c["hire_date"]) if c["hire_date"] else None}
                for c in data["hired_in_year"]])
    book.table("Needs", need_columns(year_label), need_rows(data))
    return book.save()
