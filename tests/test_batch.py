"""batch.insert_rows writes exactly what SQLAlchemy's executemany INSERT writes, on both backends."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select

from app.models import Educator
from app.models.base import UTCDateTime
from app.models.sync import SyncOp
from app.services.batch import execute_many, insert_rows, one_of, select_in


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


def test_lookups_by_tens_of_thousands_of_ids_find_their_rows_and_return_the_given_ids(database):
    """one_of / select_in bind every id as one parameter (beyond SQLite's limit on parameters)."""
    people = [{"id": uuid.uuid4(), "employee_id": f"E{i}", "first_name": "Ann", "last_name": f"Lee{i}"}
              for i in range(1500)]
    with database.unit_of_work() as session:
        insert_rows(session.connection(), Educator.__table__, people)
    wanted = [p["id"] for p in people[::3]] + [uuid.uuid4() for _ in range(40_000)]
    t = Educator.__table__
    with database.read() as session:
        conn = session.connection()
        found = select_in(conn, t.c.id, wanted, t.c.employee_id)
        by_id = {p["id"]: p["employee_id"] for p in people}
        assert sorted(employee for _id, employee in found) == sorted(p["employee_id"] for p in people[::3])
        assert all(by_id[row_id] == employee for row_id, employee in found)
        if database.engine.dialect.name == "sqlite":  # the very objects given: lookups by identity
            given = {id(w) for w in wanted}
            assert all(id(row_id) in given for row_id, _e in found)
        named = conn.execute(select(t.c.employee_id).where(one_of(conn, t.c.employee_id, ["E1", "E2", "E9999"])))
        assert sorted(named.scalars()) == ["E1", "E2"]
        assert conn.execute(select(t.c.id).where(one_of(conn, t.c.id, []))).all() == []


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(min_value=dt.datetime(1000, 1, 2), max_value=dt.datetime(9999, 12, 30),
                           timezones=st.one_of(st.just(dt.timezone.utc), st.timezones())))
def test_moments_are_stored_on_sqlite_as_sqlalchemy_stores_them(moment):
    from sqlalchemy import TypeDecorator
    from sqlalchemy.dialects import sqlite

    dialect = sqlite.dialect()
    column_type = UTCDateTime().dialect_impl(dialect)
    assert column_type.bind_processor(dialect)(moment) == TypeDecorator.bind_processor(column_type, dialect)(moment)


def test_naive_moments_are_refused_on_both_paths():
    from sqlalchemy.dialects import postgresql, sqlite

    for dialect in (sqlite.dialect(), postgresql.dialect()):
        process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
        with pytest.raises(ValueError, match="naive datetime refused"):
            process(dt.datetime(2026, 1, 1))


def test_none_is_stored_as_sql_null_on_sqlite(tmp_path):
    import sqlite3

    import app.db  # noqa: F401 - registers the adapter for None

    assert (type(None), sqlite3.PrepareProtocol) in sqlite3.adapters  # the fast path is taken
    conn = sqlite3.connect(tmp_path / "t.sqlite3")
    conn.execute("CREATE TABLE t (a, b)")
    conn.executemany("INSERT INTO t VALUES (?, ?)", [(None, 1), (None, None)])
    assert conn.execute("SELECT typeof(a), typeof(b) FROM t").fetchall() == [("null", "integer"), ("null", "null")]


def test_execute_many_updates_as_sqlalchemy_does_and_counts_the_rows_changed(database):
    from sqlalchemy import bindparam, update

    t = Educator.__table__
    people = [{"id": uuid.uuid4(), "employee_id": f"E{i}", "first_name": "Ann", "last_name": f"Lee{i}"} for i in range(4)]
    moment = dt.datetime(2026, 11, 30, 8, 15, tzinfo=dt.timezone.utc)
    statement = (update(t).where(t.c.id == bindparam("b_id"), t.c.version == bindparam("b_version"))
                 .values(room=bindparam("b_room"), grades=bindparam("b_grades"), version=t.c.version + 1,
                         updated_at=moment))
    rows = [{"b_id": p["id"], "b_version": 1, "b_room": f"R{i}", "b_grades": ["K", str(i)]} for i, p in enumerate(people)]
    with database.unit_of_work() as session:
        insert_rows(session.connection(), t, people)
        rows[3]["b_version"] = 7  # someone else's save moved this one on: not changed
        assert execute_many(session.connection(), statement, rows) == 3
    with database.read() as session:
        stored = {p.employee_id: (p.room, p.grades, p.version, p.updated_at) for p in session.scalars(select(Educator))}
    assert stored["E0"] == ("R0", ["K", "0"], 2, moment)
    assert stored["E2"] == ("R2", ["K", "2"], 2, moment)
    assert stored["E3"][0] is None and stored["E3"][2] == 1
