"""On PostgreSQL a principal's login cannot read confidential columns, even with plain SQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from app.models import Assignment, Base, Educator
from app.services.server_access import grant_statements
from app.services.years import ensure_year


def test_grants_keep_confidential_columns_from_other_roles():
    sql = "\n".join(grant_statements(Base.metadata))
    principal_assignment = [s for s in sql.splitlines() if "ON assignment TO mentordesk_principal" in s]
    assert principal_assignment and "private_reason" not in principal_assignment[0]
    assert "GRANT ALL ON ALL TABLES IN SCHEMA public TO mentordesk_coordinator" in sql
    for log in ("sync_op", "sync_conflict", "sync_conflict_history", "sync_bundle"):  # copies of every value
        assert f" ON {log} TO" not in sql


def test_principal_login_cannot_read_private_reason(backend, database, run_cli, tmp_path, db_url):
    if backend != "postgresql":
        pytest.skip("server roles exist on PostgreSQL only")
    with database.unit_of_work() as s:
        year, _ = ensure_year(s, "2025-2026")
        mentor = Educator(employee_id="M1", first_name="Mia", last_name="Mentor")
        mentee = Educator(employee_id="N1", first_name="Ned", last_name="New")
        s.add(Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=dt.date(2025, 9, 1),
                         private_reason="personality clash"))
    secret = tmp_path / "pw"
    secret.write_text("a long enough password")
    assert run_cli("db", "grants")[0] == 0
    login = f"principal_{make_url(db_url).database[-6:]}"
    assert run_cli("db", "login", login, "--role", "principal", "--password-file", secret)[0] == 0
    url = make_url(db_url).set(username=login, password="a long enough password")
    engine = create_engine(url)
    try:
        with Session(engine) as s:
            assignment = s.scalars(select(Assignment)).one()  # the app's own query works
            assert assignment.start_date == dt.date(2025, 9, 1)
        with engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text("SELECT private_reason FROM assignment"))
    finally:
        engine.dispose()
        admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"DROP OWNED BY {login}; DROP ROLE {login}"))
        admin.dispose()


def test_grants_refused_on_sqlite(backend, run_cli):
    if backend != "sqlite":
        pytest.skip("checks the SQLite message")
    code, _out, err = run_cli("db", "grants")
    assert code == 2 and "PostgreSQL" in err
