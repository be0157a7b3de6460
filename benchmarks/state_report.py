"""The annual state report on the large demo district (10,000 staff, 849 beginning educators, the
whole 2025-2026 year of time logs: 200,000 entries), as a coordinator makes it in July:
the one computation, and writing each file format, against the fastest reference we can run in
the same process: the headline counts as hand-written SQL (no model objects)."""

from __future__ import annotations

from sqlalchemy import text

from benchmarks.common import SCRATCH, demo_database, median_seconds

YEAR = "2025-2026"  # a finished year: every month of time logs

# The headline figures in plain SQL: beginning teachers served, mentors serving, minutes logged.
REFERENCE_SQL = (
    """select count(*) from educator e join induction_enrollment i on i.educator_id = e.id
       where i.school_year_id = :year and i.status = 'beginning' and e.role = 'teacher'
       and e.deleted_at is null and i.deleted_at is null
       and (e.hire_date is null or e.hire_date <= :end) and (e.exit_date is null or e.exit_date >= :start)""",
    """select count(distinct a.mentor_id) from assignment a where a.deleted_at is null
       and a.start_date <= :end and (a.end_date is null or a.end_date >= :start)""",
    """select coalesce(sum(minutes), 0) from time_log where deleted_at is null and date between :start and :end""",
)


def report_seconds(database, year_label: str) -> float:  # type: ignore[no-untyped-def]
    from app.services.reports.state_report import compute

    with database.read() as session:
        return median_seconds(lambda: compute(session, year_label))


def reference_seconds(database, year_label: str) -> float:  # type: ignore[no-untyped-def]
    with database.engine.connect() as conn:
        year = conn.execute(text("select id, window_start, window_end from school_year where label = :l"),
                            {"l": year_label}).one()
        params = {"year": year[0], "start": year[1], "end": year[2]}
        return median_seconds(lambda: [conn.execute(text(sql), params).scalar() for sql in REFERENCE_SQL])


def run() -> dict[str, object]:
    from app.db import Database
    from app.services.reports.state_report_files import export
    year = YEAR
    database = Database.open(demo_database("large", YEAR))
    try:
        compute_s = report_seconds(database, year)
        results: dict[str, object] = {"compute_s": round(compute_s, 3)}
        sql_s = reference_seconds(database, year)
        results["raw_sql_headline_s"] = round(sql_s, 3)
        results["ratio_to_raw_sql"] = round(compute_s / sql_s, 1)
        with database.read() as session:
            results["time_logs"] = session.execute(text("select count(*) from time_log")).scalar()
        for suffix in (".json", ".csv", ".xlsx", ".pdf"):
            out = SCRATCH / f"state-report{suffix}"

            def compute_and_write() -> None:
                with database.read() as session:
                    export(session, year, out)

            # End to end, as `mentordesk report state --out` does it (targets: JSON <= 1 s, PDF <= 3 s).
            results[f"report{suffix.replace('.', '_')}_s"] = round(median_seconds(compute_and_write, repeat=2), 3)
    finally:
        database.dispose()
    return results
