"""batch.insert_rows writes exactly what SQLAlchemy's executemany INSERT writes, on both backends."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, insert, select

from app.models import Educator
from app.models.sync import SyncOp
from app.services.batch import insert_rows


def _ops(replica: str) -> list[dict]:
    values = [None, {"a": [1, "é"]}, "text", 3]
    return [{"replica": replica, "seq": i + 1, "hlc_wall": 1_700_000_000_000 + i, "hlc_counter": 0,
             "table_name": "educator", "row_id": uuid.UUID(int=i), "column": "*", "value": v,
             "seen": None if i % 2 else [f"x:{i}"]} for i, v in enumerate(values)]


def test_stored_values_match_sqlalchemys_insert_json_null_included(database):
    with database.unit_of_work() as session:
        conn = session.connection()
        conn.execute(insert(SyncOp.__table__), _ops("core"))
        insert_rows(conn, SyncOp.__table__, _ops("fast"))
    with database.read() as session:
        def stored(replica: str) -> list[tuple]:
            query = (select(SyncOp.seq, SyncOp.row_id, SyncOp.value, SyncOp.seen, SyncOp.value.is_(None))
                     .where(SyncOp.replica == replica).order_by(SyncOp.seq))
            return [tuple(r) for r in session.execute(query)]

        assert stored("fast") == stored("core")
        assert stored("fast")[1][2] == {"a": [1, "é"]}


def test_column_defaults_are_filled_per_row(database):
    rows = [{"id": uuid.uuid4(), "employee_id": f"E{i}", "first_name": "Ann", "last_name": f"Lee{i}",
             "hire_date": dt.date(2025, 8, 20)} for i in range(3)]
    with database.unit_of_work() as session:
        insert_rows(session.connection(), Educator.__table__, rows)
    with database.read() as session:
        people = session.scalars(select(Educator).order_by(Educator.employee_id)).all()
        assert [p.last_name for p in people] == ["Lee0", "Lee1", "Lee2"]
        assert all(p.subjects == [] and p.version == 1 and p.created_at.tzinfo for p in people)
        assert session.scalar(select(func.count()).select_from(Educator).where(Educator.deleted_at.is_(None))) == 3
