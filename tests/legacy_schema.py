"""Databases as an earlier release left them, for upgrade tests (DESIGN.md, "Migrations").

`populate_0001` writes a small district with plain SQL against the schema of revision
0001_foundation, the first released schema; tests/data/schema-0001.sqlite3 was made by it
(`python -m tests.legacy_schema`) and stays committed so its upgrade is tested forever after.
"""

from __future__ import annotations

import datetime as dt
import sys
import uuid

from sqlalchemy import MetaData
from sqlalchemy.engine import Engine

REVISION = "0001_foundation"
NOW = dt.datetime(2025, 9, 1, 12, 0, tzinfo=dt.timezone.utc)
IDS = {name: uuid.UUID(int=i + 1) for i, name in enumerate(
    ["school", "year", "mentor", "mentee", "other", "enrollment", "profile", "assignment"])}


def _row(key: str, **values: object) -> dict[str, object]:
    return {"id": IDS[key], "created_at": NOW, "updated_at": NOW, "version": 1, "deleted_at": None, **values}


def _stored(engine: Engine, rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Reflected SQLite tables see Uuid as CHAR(32): give them the hex form Uuid stores."""
    if engine.dialect.name != "sqlite":
        return rows
    return [{k: (v.hex if isinstance(v, uuid.UUID) else v) for k, v in row.items()} for row in rows]


def populate_0001(engine: Engine) -> None:
    from app import db

    db.upgrade(engine, REVISION)
    meta = MetaData()
    meta.reflect(engine)
    person = dict(mepid=None, email=None, position=None, subjects=["Mathematics"], grades=["6", "7"],
                  license_type="Professional", years_experience=8, hire_date=dt.date(2017, 8, 28), exit_date=None,
                  last_rating="Proficient", rating_year=2024, mentor_trained_on=dt.date(2023, 5, 1),
                  planning_periods=["2"], room="101", school_id=IDS["school"], role="teacher")
    rows = {
        "school": [_row("school", name="Adams Middle School", org_code="01230405", level="Middle")],
        "school_year": [_row("year", label="2025-2026", window_start=dt.date(2025, 7, 1),
                             window_end=dt.date(2026, 6, 30), first_day=dt.date(2025, 8, 27),
                             last_day=dt.date(2026, 6, 16))],
        "educator": [
            _row("mentor", employee_id="M1", first_name="Rosa", last_name="Pereira", **person),
            _row("mentee", employee_id="B1", first_name="Jonah", last_name="Kelly",
                 **{**person, "license_type": "Initial", "years_experience": 0, "hire_date": dt.date(2025, 8, 15),
                    "last_rating": None, "rating_year": None, "mentor_trained_on": None}),
            _row("other", employee_id="X1", first_name="Wei", last_name="Chen", **person),
        ],
        "induction_enrollment": [_row("enrollment", educator_id=IDS["mentee"], school_year_id=IDS["year"],
                                      status="beginning", induction_year=1)],
        "mentor_profile": [_row("profile", educator_id=IDS["mentor"], school_year_id=IDS["year"], willing=True,
                                capacity=2, status="active", notes="prefers math")],
        "assignment": [_row("assignment", mentor_id=IDS["mentor"], mentee_id=IDS["mentee"],
                            school_year_id=IDS["year"], start_date=dt.date(2025, 8, 27), end_date=None,
                            end_reason=None, private_reason="hold-harmless note")],
    }
    with engine.begin() as conn:
        for table, values in rows.items():
            conn.execute(meta.tables[table].insert(), _stored(engine, values))

if __name__ == "__main__":  # regenerate tests/data/schema-0001.sqlite3 (only if 0001 itself was wrong)
    from app.db import make_engine

    target = sys.argv[1] if len(sys.argv) > 1 else "tests/data/schema-0001.sqlite3"
    engine = make_engine(target)
    populate_0001(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    print(f"wrote {target}")
