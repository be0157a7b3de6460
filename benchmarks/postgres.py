"""The same district on PostgreSQL and on SQLite, in one run: the state report and the People
table's load on the large demo district. Target: PostgreSQL within 1.5x of SQLite.

Needs a server: MENTORDESK_BENCH_PG_URL or MENTORDESK_TEST_PG_URL (an admin URL; a scratch
database is created and dropped). `eval "$(.ci/start-postgres.sh)"` starts a local one.
"""

from __future__ import annotations

import os
import uuid

from benchmarks.common import demo_database, median_seconds
from benchmarks.state_report import YEAR, report_seconds


def _people_seconds(database, year: str) -> float:  # type: ignore[no-untyped-def]
    from app.services.roster.people_list import list_people

    with database.read() as session:
        return median_seconds(lambda: list_people(session, year))


def _pg_copy_of_large_demo(admin_url: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from app.db import Database
    from app.services.demo.district import build_demo

    name = f"mentordesk_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    database = Database.open(url)
    with database.unit_of_work() as session:
        build_demo(session, size="large", seed=1, year_label=YEAR)
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))  # planner statistics, as after any bulk load or pg_restore

    def drop() -> None:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

    return database, drop


def run() -> dict[str, object] | None:
    from app.db import Database

    admin_url = os.environ.get("MENTORDESK_BENCH_PG_URL") or os.environ.get("MENTORDESK_TEST_PG_URL")
    if not admin_url:
        return None
    year = YEAR
    results: dict[str, object] = {}
    sqlite = Database.open(demo_database("large", YEAR))
    results["sqlite_state_report_s"] = round(report_seconds(sqlite, year), 3)
    results["sqlite_people_s"] = round(_people_seconds(sqlite, year), 3)
    sqlite.dispose()
    pg, drop = _pg_copy_of_large_demo(admin_url)
    try:
        results["pg_state_report_s"] = round(report_seconds(pg, year), 3)
        results["pg_people_s"] = round(_people_seconds(pg, year), 3)
    finally:
        drop()
    results["ratio_state_report"] = round(results["pg_state_report_s"] / results["sqlite_state_report_s"], 2)  # type: ignore[operator]
    results["ratio_people"] = round(results["pg_people_s"] / results["sqlite_people_s"], 2)  # type: ignore[operator]
    return results
