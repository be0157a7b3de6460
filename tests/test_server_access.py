"""On PostgreSQL each app role's login does its own work and cannot read what it must not, even with
plain SQL; the IT guide's steps work with a non-superuser owner; a refusal reads as one plain line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

from app.db import Database
from app.models import Assignment, Base, Educator, load_all
from app.models.timelogs import TimeLog
from app.services.server.access import grant_statements, is_insufficient_privilege
from app.services.years import ensure_year

# The app roles are the cluster's, not a database's: tests that create and grant them run in one xdist
# worker (make test: --dist loadgroup), so two workers never race on CREATE ROLE.
pytestmark = pytest.mark.xdist_group("postgresql-roles")


def test_every_table_has_an_access_rule():
    from app.models import load_all
    from app.services.server.access import TABLE_ACCESS

    load_all()
    missing = sorted(set(Base.metadata.tables) - set(TABLE_ACCESS))
    assert not missing, f"add a rule for {missing} to TABLE_ACCESS in app/services/server/access.py"


REFERENCE = ("cap_organization", "cap_hours_requirement")  # programs; practicum hours per license (Settings)


def test_cap_records_are_for_supervising_practitioners_and_coordinators_only():
    from app.models import load_all
    from app.services.server.access import can_write, readable_columns

    load_all()
    for name, table in Base.metadata.tables.items():
        if name.startswith("cap_") and name not in REFERENCE:
            for role in ("principal", "mentor", "viewer"):
                assert readable_columns(table, role) == [], (name, role)
            assert len(readable_columns(table, "supervising_practitioner")) == len(table.columns)
    for name in ("cap_observation", "cap_evidence", "cap_rating", "cap_step", "cap_hours", "cap_survey",
                 "cap_placement"):
        assert can_write(name, "supervising_practitioner") and not can_write(name, "mentor")
    assert can_write("time_log", "mentor") and not can_write("time_log", "principal")
    assert "notes" not in readable_columns(Base.metadata.tables["time_log"], "mentor")
    assert "notes" not in readable_columns(Base.metadata.tables["time_log"], "supervising_practitioner")


def test_grants_keep_confidential_columns_from_other_roles():
    sql = "\n".join(grant_statements(Base.metadata))
    principal_assignment = [s for s in sql.splitlines() if "ON assignment TO mentordesk_principal" in s]
    assert principal_assignment and "private_reason" not in principal_assignment[0]
    assert "GRANT ALL ON ALL TABLES IN SCHEMA public TO mentordesk_coordinator" in sql
    for log in ("sync_op", "sync_conflict", "sync_conflict_history", "sync_bundle"):  # copies of every value
        assert not [line for line in sql.splitlines() if f"SELECT" in line and f" ON {log} TO" in line
                    and "mentordesk_supervising_practitioner" not in line]
    assert "GRANT SELECT ON sync_op TO mentordesk_supervising_practitioner" in sql  # rows: CAP tables only
    assert "ON sync_replica TO mentordesk_mentor" in sql and "secret" not in sql


def _pair_with_private_reason(s):  # type: ignore[no-untyped-def]
    """Mia mentoring Ned in 2025-2026, with a reason only the coordinator may read."""
    year, _ = ensure_year(s, "2025-2026")
    mentor = Educator(employee_id="M1", first_name="Mia", last_name="Mentor")
    mentee = Educator(employee_id="N1", first_name="Ned", last_name="New")
    return Assignment(mentor=mentor, mentee=mentee, school_year=year, start_date=dt.date(2025, 9, 1),
                      private_reason="personality clash")


def test_principal_login_cannot_read_private_reason(backend, database, run_cli, tmp_path, db_url):
    if backend != "postgresql":
        pytest.skip("server roles exist on PostgreSQL only")
    with database.unit_of_work() as s:
        s.add(_pair_with_private_reason(s))
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


# --- each role's login at work (PostgreSQL) ---------------------------------------------------------

PASSWORD = "a long enough password"
TODAY = dt.date(2026, 3, 2)


@dataclass
class Logins:
    admin: Database
    by_role: dict[str, Database]
    assignment_id: object
    placement_id: object
    time_log_id: object

    def __getitem__(self, role: str) -> Database:
        return self.by_role[role]


@pytest.fixture
def logins(backend, database, db_url):
    """A district with a pair (a time log with notes) and a CAP placement; grants applied; one login
    per app role, each opened as its own Database."""
    if backend != "postgresql":
        pytest.skip("server roles exist on PostgreSQL only")
    from app.services.timelogs import logs as timelogs
    from app.services.server.access import APP_ROLES, apply_grants, create_login
    from tests.cap_fixtures import make_candidate, make_world

    with database.unit_of_work() as s:
        pair = _pair_with_private_reason(s)
        second = Educator(employee_id="N2", first_name="Nia", last_name="Next")
        s.add_all([pair, Assignment(mentor=pair.mentor, mentee=second, school_year=pair.school_year,
                                    start_date=dt.date(2025, 9, 1))])
        s.flush()
        log_id = timelogs.add_entry(s, timelogs.EntryInput(pair.id, dt.date(2025, 10, 6), 45, "planning",
                                                           notes="worried about evaluation"), today=TODAY)
        _school, sp, _other, org = make_world(s)
        _candidate, placement = make_candidate(s, org, sp)
        ids = (pair.id, placement.id, log_id)
    load_all()
    apply_grants(database.engine, Base.metadata)
    suffix = make_url(db_url).database[-8:]
    names = {role: f"{role[:5]}_{suffix}" for role in APP_ROLES}
    opened: dict[str, Database] = {}
    try:
        for role, name in names.items():
            create_login(database.engine, name, role, PASSWORD)
            url = make_url(db_url).set(username=name, password=PASSWORD).render_as_string(hide_password=False)
            opened[role] = Database.open(url)
        yield Logins(database, opened, *ids)
    finally:
        for db in opened.values():
            db.dispose()
        admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in names.values():
                conn.execute(text(f"DROP ROLE IF EXISTS {name}"))
        admin.dispose()


def _refused(exc_info) -> bool:  # type: ignore[no-untyped-def]
    return is_insufficient_privilege(exc_info.value)


def test_a_mentor_logs_time_and_cannot_read_notes_or_cap_records(logins):
    from app.services import cap
    from app.services.timelogs import logs as timelogs

    mentor = logins["mentor"]
    with mentor.unit_of_work() as s:  # quick entry, notes included (write-only to a mentor)
        new_id = timelogs.add_entry(s, timelogs.EntryInput(logins.assignment_id, dt.date(2025, 10, 7), 30,
                                                           "co_teaching", ["Technology"], notes="went well"),
                                    today=TODAY)
    with mentor.unit_of_work() as s:  # quick entry's group session: one session for both mentees
        pairs = list(s.scalars(select(Assignment.id)))
        timelogs.add_group_session(s, pairs, timelogs.EntryInput(pairs[0], dt.date(2025, 10, 9), 50, "meeting",
                                                                 notes="group"), today=TODAY)
    with mentor.unit_of_work() as s:  # correcting an entry (no sync set up on this server)
        timelogs.update_entry(s, new_id, timelogs.EntryInput(logins.assignment_id, dt.date(2025, 10, 7), 40,
                                                             "co_teaching", ["Technology"]), today=TODAY)
        assert timelogs.count_entries(s, timelogs.EntryFilter("2025-2026")) == 4
    with logins.admin.read() as s:
        assert timelogs.entry_notes(s, new_id) == "went well" and s.get(TimeLog, new_id).minutes == 40
    with pytest.raises(ProgrammingError) as refused, mentor.read() as s:
        timelogs.entry_notes(s, logins.time_log_id)
    assert _refused(refused)
    with pytest.raises(ProgrammingError) as refused, mentor.read() as s:
        cap.find_placements(s, "2025-2026")
    assert _refused(refused)


def test_a_supervising_practitioner_records_an_observation_and_a_rating(logins):
    from app.models.cap import CapRating
    from app.services import cap
    from app.services.timelogs import logs as timelogs

    sp = logins["supervising_practitioner"]
    placement = logins.placement_id
    with sp.unit_of_work() as s:
        code = cap.edition_of(s, placement).elements[0].code
        cap.add_observation(s, placement, kind="announced", observer="sp", observed_on=dt.date(2026, 2, 3),
                            minutes=45, status="held", reinforcement="clear routines")
        cap.set_rating(s, placement, stage="formative", rater="sp", element_code=code,
                       quality="Proficient", scope="Proficient", consistency="Needs Improvement",
                       rationale="growing")
    with sp.unit_of_work() as s:  # a second look changes the rating (an update)
        cap.set_rating(s, placement, stage="formative", rater="sp", element_code=code,
                       quality="Proficient", scope="Proficient", consistency="Proficient")
    with sp.read() as s:  # what the CAP page shows, confidential columns included
        rows = cap.my_candidates(s, "2025-2026", today=TODAY)
        assert [r.placement_id for r in rows] == [placement]
        assert [o.kind for o in cap.observations(s, placement)] == ["announced"]
        assert s.scalars(select(CapRating.consistency)).one() == "Proficient"
    with pytest.raises(ProgrammingError) as refused, sp.read() as s:
        timelogs.entry_notes(s, logins.time_log_id)
    assert _refused(refused)


def test_a_principal_reads_the_roster_but_no_cap_record_no_note_no_sync_log(logins):
    from app.services.server.access import access_denied

    principal = logins["principal"]
    with principal.read() as s:
        assert {a.start_date for a in s.scalars(select(Assignment))} == {dt.date(2025, 9, 1)}
    load_all()
    closed = [t for t in Base.metadata.tables if t.startswith(("cap_", "sync_")) and t not in REFERENCE]
    assert "cap_rating" in closed and "cap_evidence" in closed and "cap_observation" in closed
    with principal.engine.connect() as conn:
        for sql in [f"SELECT * FROM {t}" for t in closed] + ["SELECT notes FROM time_log",
                                                             "SELECT private_reason FROM assignment"]:
            with pytest.raises(ProgrammingError) as refused:
                conn.execute(text(sql))
            assert _refused(refused), sql
            conn.rollback()
            if sql == "SELECT * FROM cap_rating":
                plain = access_denied(principal.engine, refused.value)
                assert str(plain) == ("Your database login (principal) does not give access to CAP records; "
                                      "ask the coordinator.")
            if sql.endswith("FROM time_log"):
                assert "(principal) does not give access to the confidential parts of time logs" in str(
                    access_denied(principal.engine, refused.value))
    with pytest.raises(ProgrammingError) as refused, principal.unit_of_work() as s:
        s.get(Educator, s.scalars(select(Educator.id)).first()).room = "B12"
    assert "(principal) may not change the staff roster" in str(access_denied(principal.engine, refused.value))


def test_other_roles_writes_are_recorded_when_the_server_is_set_up_for_sync(logins):
    """sync_capture adds operations in the same transaction as the save: each role that writes may add
    them for its own tables, read back only what its tables show, and a save it cannot record is refused."""
    from app.models.sync import SyncOp
    from app.services import cap
    from app.services.timelogs import logs as timelogs
    from app.services.server.access import access_denied
    from app.services.sync.identity import setup
    from app.services.years import ensure_year as year_of

    with logins.admin.unit_of_work() as s:
        setup(s, "district secret phrase", "server")
    mentor, sp, principal = logins["mentor"], logins["supervising_practitioner"], logins["principal"]
    with mentor.unit_of_work() as s:
        new_id = timelogs.add_entry(s, timelogs.EntryInput(logins.assignment_id, dt.date(2025, 10, 8), 30,
                                                           "planning", notes="private"), today=TODAY)
    with principal.unit_of_work() as s:  # the window creates a new school year on its first start in it
        year_of(s, "2030-2031")
    placement = logins.placement_id
    with sp.unit_of_work() as s:
        code = cap.edition_of(s, placement).elements[0].code
        cap.set_rating(s, placement, stage="formative", rater="sp", element_code=code,
                       quality="Proficient", scope=None, consistency=None)
    with sp.unit_of_work() as s:
        cap.set_rating(s, placement, stage="formative", rater="sp", element_code=code,
                       quality="Exemplary", scope=None, consistency=None)
    with logins.admin.read() as s:
        ops = s.execute(select(SyncOp.replica, SyncOp.seq, SyncOp.table_name, SyncOp.row_id, SyncOp.column,
                               SyncOp.value, SyncOp.seen).order_by(SyncOp.seq)).all()
    mine = [op for op in ops if op.row_id == new_id]
    assert [(op.table_name, op.column) for op in mine] == [("time_log", "*")] and mine[0].value["notes"] == "private"
    assert any(op.table_name == "school_year" and op.value["label"] == "2030-2031" for op in ops)
    rating = [op for op in ops if op.table_name == "cap_rating"]
    assert rating[0].column == "*" and "quality" in [op.column for op in rating[1:]]
    assert all(op.seen == [f"{rating[0].replica}:{rating[0].seq}"] for op in rating[1:])  # the update saw the insert
    with sp.engine.connect() as conn:  # the log shows an SP only CAP records, never a note
        assert conn.execute(text("SELECT count(*) FROM sync_op WHERE table_name = 'time_log'")).scalar() == 0
        rows = conn.execute(text("SELECT count(*) FROM sync_op WHERE table_name = 'cap_rating'")).scalar()
        assert rows == len(rating)
    for who in (mentor, principal):
        with who.engine.connect() as conn, pytest.raises(ProgrammingError) as refused:
            conn.execute(text("SELECT value FROM sync_op"))
        assert _refused(refused)
    with pytest.raises(ProgrammingError) as refused, mentor.unit_of_work() as s:  # forging a roster change
        s.execute(text("INSERT INTO sync_op (replica, seq, hlc_wall, hlc_counter, table_name, row_id, \"column\") "
                       "VALUES ('x', 1, 0, 0, 'educator', gen_random_uuid(), 'room')"))
    assert _refused(refused)
    with pytest.raises(ProgrammingError) as refused, mentor.unit_of_work() as s:  # recording it needs the log
        timelogs.update_entry(s, new_id, timelogs.EntryInput(logins.assignment_id, dt.date(2025, 10, 8), 35,
                                                             "planning"), today=TODAY)
    message = str(access_denied(mentor.engine, refused.value, writing=True))
    assert message.startswith("Your database login (mentor) cannot change this record while this server is set "
                              "up for sync")
    with logins.admin.read() as s:
        assert s.get(TimeLog, new_id).minutes == 30


def test_a_page_the_login_cannot_read_says_so_plainly(logins, qtbot):
    """The window of a principal: the CAP and Sync pages say, once each, which records the login
    cannot reach (the CAP page loads several things), never "Something went wrong"."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.ui import errors
    from app.ui.application import build_window, make_qapp

    def boxes() -> list[QMessageBox]:
        return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]

    make_qapp()
    window, _empty = build_window(logins["principal"], synchronous=True)
    window.ctx.set_year("2025-2026")
    qtbot.addWidget(window)
    window.show()
    for area in ("dashboard", "people", "mentors", "timelogs", "schedule", "reports", "settings"):
        window.show_area(area)
        assert [b.text() for b in boxes()] == [], area
    window.show_area("cap")
    window.show_area("sync")
    assert sorted(box.text() for box in boxes()) == [
        "Your database login (principal) does not give access to CAP records; ask the coordinator.",
        "Your database login (principal) does not give access to the sync log; ask the coordinator."]
    assert all(box.icon() == QMessageBox.Icon.Warning for box in boxes())
    for box in boxes():
        box.button(QMessageBox.StandardButton.Ok).click()
    assert errors.open_refusals == {}


def test_a_mentor_opening_an_entrys_notes_is_told_they_cannot_be_read(logins, qtbot):
    from PySide6.QtWidgets import QApplication, QMessageBox

    from app.ui.application import build_window, make_qapp

    make_qapp()
    window, _empty = build_window(logins["mentor"], synchronous=True)
    window.ctx.set_year("2025-2026")
    qtbot.addWidget(window)
    window.show()
    page = window.show_area("timelogs")
    qtbot.waitUntil(lambda: page.model.total == 1)
    assert page.open_entry(0) is None
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert [box.text() for box in shown] == ["Your database login (mentor) does not give access to the confidential "
                                             "parts of time logs; ask the coordinator."]
    shown[0].button(QMessageBox.StandardButton.Ok).click()


# --- the IT guide, followed with a non-superuser owner ----------------------------------------------


def _guide_sql() -> list[str]:
    """The SQL of step 1 of docs/postgresql.md, as written there."""
    from pathlib import Path

    guide = (Path(__file__).resolve().parent.parent / "docs" / "postgresql.md").read_text(encoding="utf-8")
    block = guide.split("## 1.", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("--")]


@pytest.fixture
def owner_database(backend, db_url):
    """Step 1 of the guide as a superuser: an owner login (named for this test) and its database."""
    if backend != "postgresql":
        pytest.skip("the IT guide is for a PostgreSQL server")
    suffix = make_url(db_url).database[-8:]
    owner, dbname = f"owner_{suffix}", f"md_guide_{suffix}"
    made: list[str] = []

    def make(statements: list[str]) -> str:
        admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for sql in statements:
                conn.execute(text(sql.replace("mentordesk_owner", owner).replace("DATABASE mentordesk ",
                                                                                  f"DATABASE {dbname} ")
                                  .replace("'...'", f"'{PASSWORD}'").rstrip(";")))
            made.append(owner)
        admin.dispose()
        return make_url(db_url).set(username=owner, password=PASSWORD, database=dbname).render_as_string(
            hide_password=False)

    yield make
    admin = create_engine(db_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)"))
        conn.execute(text(f"DROP ROLE IF EXISTS jsmith_{suffix}"))
        conn.execute(text(f"DROP ROLE IF EXISTS {owner}"))
    admin.dispose()


def _cli(url: str, *args: str) -> tuple[int, str, str]:
    import contextlib
    import io

    from app.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "--db", url])
    return code, out.getvalue(), err.getvalue()


def test_the_it_guide_works_with_a_non_superuser_owner(owner_database, tmp_path):
    steps = _guide_sql()
    assert any("CREATEROLE" in step for step in steps) and not any("SUPERUSER" in step for step in steps)
    url = owner_database(steps)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar() is False
            if conn.execute(text("SHOW server_version_num")).scalar_one() >= "160000":
                pytest.skip("roles made by other tests' superuser need the ADMIN grant of the guide's step 1")
    finally:
        engine.dispose()
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD)
    login = f"jsmith_{url.rsplit('_', 1)[1]}"
    assert _cli(url, "db", "upgrade")[0] == 0
    code, out, err = _cli(url, "db", "grants")
    assert code == 0 and "applied" in out, err
    code, out, err = _cli(url, "db", "login", login, "--role", "principal", "--password-file", str(secret))
    assert code == 0 and f"login {login} is a principal" in out, err
    person = create_engine(make_url(url).set(username=login))
    try:
        with person.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM educator")).scalar() == 0
            with pytest.raises(ProgrammingError, match="permission denied"):
                conn.execute(text("SELECT private_reason FROM assignment"))
    finally:
        person.dispose()


def test_an_owner_without_createrole_is_told_in_one_line(owner_database, tmp_path, monkeypatch):
    from app.services.server import access as server_access

    steps = [step.replace(" CREATEROLE", "") for step in _guide_sql()]
    url = owner_database(steps)
    secret = tmp_path / "pw.txt"
    secret.write_text(PASSWORD)
    assert _cli(url, "db", "upgrade")[0] == 0
    code, _out, err = _cli(url, "db", "login", f"jsmith_{url.rsplit('_', 1)[1]}", "--role", "principal",
                           "--password-file", str(secret))
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "may not create logins" in err and "permission denied to create role" in err and "CREATEROLE" in err
    # app roles nobody has made yet (the cluster's real ones may exist already): `db grants` makes them
    monkeypatch.setattr(server_access, "PREFIX", f"md{url.rsplit('_', 1)[1]}_")
    code, _out, err = _cli(url, "db", "grants")
    assert code == 1 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "may not create the app's roles" in err and "CREATEROLE" in err
