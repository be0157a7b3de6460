"""What a person reads when a PostgreSQL server refuses (app/services/server/access.py; docs/postgresql.md):
the plain line for each kind of refusal (a sync table while saving or reading, a change to records the
role only reads, the confidential parts of a readable table, records the role may not see at all), the
one line an owner without CREATEROLE or ADMIN OPTION is told, and the checks `db login` makes before it
talks to the server. No server needed: the refusals are psycopg's own errors carrying the server's
fields (SQLSTATE 42501), wrapped by SQLAlchemy as a session raises them. Written for issue 24 (these
functions had no test that ran without a server)."""

from __future__ import annotations

import psycopg.errors
import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from app.errors import UsageError
from app.services.server.access import (
    AccessDeniedError,
    _admin_error,
    _server_message,
    access_denied,
    access_of,
    apply_grants,
    create_login,
    denial_message,
    is_insufficient_privilege,
)

ASK = "ask the coordinator."
NOWHERE = "127.0.0.1:1"  # nothing listens there: connecting is refused at once


class _ServerFields:
    """The error fields a PostgreSQL server sends with a refusal (psycopg reads them as `diag`)."""

    def __init__(self, primary: str, sqlstate: str = "42501") -> None:
        self.fields = {ord("M"): primary.encode(), ord("C"): sqlstate.encode()}

    def error_field(self, code: int) -> bytes | None:
        return self.fields.get(code)


def refused(message: str, statement: str = "SELECT 1", *, primary: str | None = None) -> ProgrammingError:
    """A server refusal as a session raises it: SQLAlchemy's ProgrammingError around psycopg's error."""
    info = _ServerFields(primary) if primary is not None else None
    return ProgrammingError(statement, {}, psycopg.errors.InsufficientPrivilege(message, info=info))


@pytest.mark.parametrize(("role", "table", "statement", "writing", "expected"), [
    ("principal", None, None, False, "Your database login (principal) does not allow this; " + ASK),
    ("mentor", "sync_op", "INSERT INTO sync_op", True,
     "Your database login (mentor) cannot change this record while this server is set up for sync (the change "
     "goes to the sync log, which only the coordinator may read); " + ASK),
    ("mentor", "sync_replica", "UPDATE sync_replica SET next_seq = 2", True,
     "Your database login (mentor) cannot change this record while this server is set up for sync (the change "
     "goes to the sync log, which only the coordinator may read); " + ASK),
    ("principal", "sync_conflict", "SELECT * FROM sync_conflict", False,
     "Your database login (principal) does not give access to the sync log; " + ASK),
    ("viewer", "sync_conflict_history", None, False,
     "Your database login (viewer) does not give access to the sync log; " + ASK),
    ("viewer", "sync_bundle", None, True, "Your database login (viewer) does not give access to the sync log; " + ASK),
    ("viewer", "educator", "INSERT INTO educator (id) VALUES (1)", False,
     "Your database login (viewer) may not change the staff roster; " + ASK),
    ("principal", "assignment", "update assignment set end_date = null", False,
     "Your database login (principal) may not change mentor assignments; " + ASK),
    ("principal", "school", "DELETE FROM school", False, "Your database login (principal) may not change schools; " + ASK),
    ("principal", "assignment", "SELECT private_reason FROM assignment", False,
     "Your database login (principal) does not give access to the confidential parts of mentor assignments; " + ASK),
    ("mentor", "time_log", None, False,
     "Your database login (mentor) does not give access to the confidential parts of time logs; " + ASK),
    ("principal", "educator", "", False,
     "Your database login (principal) does not give access to the confidential parts of the staff roster; " + ASK),
    ("principal", "cap_rating", "SELECT * FROM cap_rating", False,
     "Your database login (principal) does not give access to CAP records; " + ASK),
    ("mentor", "cap_observation", "INSERT INTO cap_observation", True,
     "Your database login (mentor) does not give access to CAP records; " + ASK),
    ("viewer", "audit_entry", "SELECT * FROM audit_entry", False,
     "Your database login (viewer) does not give access to the audit trail; " + ASK),
    ("viewer", "mystery_table", "SELECT 1", False, "Your database login (viewer) does not give access to mystery table; "
     + ASK),
])
def test_each_refusal_reads_as_one_plain_line(role, table, statement, writing, expected):
    assert denial_message(role, table, statement, writing=writing) == expected


def test_a_table_nobody_ruled_on_is_the_coordinators_only():
    rule = access_of("field_trip_form")
    assert (rule.what, rule.read, rule.write, rule.insert, rule.confidential) == (
        "field trip form", frozenset(), frozenset(), frozenset(), frozenset())
    assert access_of("educator").what == "the staff roster" and "principal" in access_of("educator").read


def test_a_server_refusal_is_recognised_bare_or_wrapped_and_nothing_else_is():
    bare = psycopg.errors.InsufficientPrivilege("permission denied for table cap_rating")
    assert is_insufficient_privilege(bare)
    assert is_insufficient_privilege(refused("permission denied for table cap_rating"))
    unique = psycopg.errors.UniqueViolation("duplicate key value violates unique constraint")
    assert not is_insufficient_privilege(unique)
    assert not is_insufficient_privilege(IntegrityError("INSERT INTO school", {}, unique))
    assert not is_insufficient_privilege(ValueError("42501"))


@pytest.mark.parametrize(("exc", "statement", "writing", "expected"), [
    (psycopg.errors.InsufficientPrivilege("permission denied for table cap_rating"), None, False,
     "Your database login (unknown) does not give access to CAP records; " + ASK),
    (None, "SELECT rationale FROM cap_rating", False,
     "Your database login (unknown) does not give access to CAP records; " + ASK),
    (None, "INSERT INTO educator (id) VALUES (:id)", False,  # a role it could not look up reads nothing
     "Your database login (unknown) does not give access to the staff roster; " + ASK),
    (None, "INSERT INTO sync_op (replica) VALUES (:r)", True,
     "Your database login (unknown) cannot change this record while this server is set up for sync (the change "
     "goes to the sync log, which only the coordinator may read); " + ASK),
])
def test_access_denied_names_what_the_statement_touched(exc, statement, writing, expected):
    if exc is None:  # the server names the table as the statement does
        table = statement.split(" FROM ")[-1] if " FROM " in statement else statement.split()[2]
        message = (f'new row violates row-level security policy for table "{table}"' if writing
                   else f"permission denied for table {table}")
        exc = refused(message, statement)
    error = access_denied(None, exc, writing=writing)
    assert isinstance(error, AccessDeniedError) and str(error) == expected


def test_access_denied_reads_the_servers_primary_message_and_its_relation():
    exc = refused("ERROR:  something long\nDETAIL: more", "SELECT * FROM assignment",
                  primary='permission denied for relation "assignment"')
    assert str(access_denied(None, exc)) == (
        "Your database login (unknown) does not give access to mentor assignments; " + ASK)
    schema = refused("permission denied for schema public", "SELECT * FROM educator")
    assert str(access_denied(None, schema)) == "Your database login (unknown) does not allow this; " + ASK


def test_access_denied_is_none_for_any_other_error():
    unique = psycopg.errors.UniqueViolation("duplicate key value violates unique constraint")
    assert access_denied(None, IntegrityError("INSERT INTO school", {}, unique)) is None
    assert access_denied(None, ValueError("permission denied for table cap_rating")) is None


def test_when_the_role_cannot_be_looked_up_the_login_name_is_given():
    """The server went away between the refusal and the look-up: the message names the login instead."""
    exc = refused("permission denied for table cap_rating", "SELECT * FROM cap_rating")
    engine = create_engine(f"postgresql+psycopg://jsmith@{NOWHERE}/district", connect_args={"connect_timeout": 2})
    try:
        assert str(access_denied(engine, exc)) == ("Your database login (jsmith) does not give access to CAP "
                                                   "records; " + ASK)
    finally:
        engine.dispose()
    anonymous = create_engine(f"postgresql+psycopg://{NOWHERE}/district", connect_args={"connect_timeout": 2})
    try:
        assert str(access_denied(anonymous, exc)) == ("Your database login (unknown) does not give access to CAP "
                                                      "records; " + ASK)
    finally:
        anonymous.dispose()


def test_the_servers_message_is_its_first_line_or_the_errors_kind():
    assert _server_message(refused("x", primary="permission denied to create role")) == \
        "permission denied to create role"
    assert _server_message(refused("\n  permission denied for table school\nHINT: ask")) == \
        "permission denied for table school"
    assert _server_message(psycopg.errors.InsufficientPrivilege("permission denied for table school\nmore")) == \
        "permission denied for table school"
    assert _server_message(refused("   ")) == "InsufficientPrivilege"
    assert _server_message(psycopg.errors.InsufficientPrivilege("")) == "InsufficientPrivilege"


OWNER = create_engine(f"postgresql+psycopg://md_owner@{NOWHERE}/district")  # never connected


def test_an_owner_without_createrole_is_told_what_to_grant_in_one_line():
    error = _admin_error(OWNER, refused("x", primary="permission denied to create role"),
                         "create logins or grant them an app role")
    assert isinstance(error, AccessDeniedError)
    assert str(error) == ("the database login md_owner may not create logins or grant them an app role (permission "
                          "denied to create role): give it CREATEROLE (as a superuser: ALTER ROLE md_owner CREATEROLE); "
                          "see docs/postgresql.md, step 1")


@pytest.mark.parametrize("server", ['permission denied to grant role "mentordesk_principal"',
                                    'permission denied to revoke role "mentordesk_viewer"',
                                    'permission denied to alter role "mentordesk_mentor"',
                                    'permission denied to drop role "mentordesk_mentor"',
                                    "must have ADMIN OPTION on role \"mentordesk_viewer\""])
def test_an_owner_without_admin_option_on_postgresql_16_is_told_to_get_it(server):
    error = _admin_error(OWNER, refused("x", primary=server), "create the app's roles or grant them")
    assert str(error) == (
        f"the database login md_owner may not create the app's roles or grant them ({server}): on PostgreSQL 16 "
        "and newer, md_owner needs ADMIN OPTION on the app roles it did not create itself: as a superuser, GRANT "
        "mentordesk_coordinator, mentordesk_principal, mentordesk_mentor, mentordesk_supervising_practitioner, "
        "mentordesk_viewer TO md_owner WITH ADMIN OPTION; see docs/postgresql.md, step 1")


def test_a_login_with_no_name_in_the_address_is_this_login():
    nameless = create_engine(f"postgresql+psycopg://{NOWHERE}/district")
    error = _admin_error(nameless, refused("permission denied to create role"), "create logins")
    assert str(error) == ("the database login this login may not create logins (permission denied to create role): "
                          "give it CREATEROLE (as a superuser: ALTER ROLE this login CREATEROLE); see "
                          "docs/postgresql.md, step 1")


def test_logins_and_grants_are_refused_on_a_sqlite_file(tmp_path):
    from app.models import Base

    engine = create_engine(f"sqlite:///{tmp_path / 'district.sqlite3'}")
    try:
        with pytest.raises(UsageError) as exc:
            create_login(engine, "jsmith", "principal", "a long enough password")
        assert str(exc.value) == "logins apply to a PostgreSQL server"
        with pytest.raises(UsageError) as exc:
            apply_grants(engine, Base.metadata)
        assert str(exc.value) == "database roles and grants apply to a PostgreSQL server, not to a SQLite file"
    finally:
        engine.dispose()


@pytest.mark.parametrize(("name", "role", "password", "expected"), [
    ("jsmith", "principal", "elevenchars", "use a password of at least 12 characters"),
    ("J Smith", "principal", "twelve chars", "'J Smith': a login name is lower-case letters, digits and underscores"),
    ("1smith", "principal", "twelve chars", "'1smith': a login name is lower-case letters, digits and underscores"),
    ("j" * 64, "principal", "twelve chars",
     f"'{'j' * 64}': a login name is lower-case letters, digits and underscores"),
    ("jsmith", "superuser", "twelve chars",
     "role must be one of coordinator, principal, mentor, supervising_practitioner, viewer"),
])
def test_a_login_is_checked_before_the_server_is_asked(name, role, password, expected):
    engine = create_engine(f"postgresql+psycopg://md_owner@{NOWHERE}/district", connect_args={"connect_timeout": 2})
    try:
        with pytest.raises(UsageError) as exc:
            create_login(engine, name, role, password)
        assert str(exc.value) == expected
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["jsmith", "_j_smith_2", "j" * 63])
def test_a_good_login_goes_on_to_the_server(name):
    """Twelve characters and a name of up to 63: the checks pass and the server is asked (here: nobody
    answers, and that error is not dressed up as a refusal)."""
    engine = create_engine(f"postgresql+psycopg://md_owner@{NOWHERE}/district", connect_args={"connect_timeout": 2})
    try:
        with pytest.raises(OperationalError):
            create_login(engine, name, "supervising_practitioner", "twelve chars")
    finally:
        engine.dispose()


# --- the grants an IT person runs (`mentordesk db grants`), on a small schema ------------------------------

ROLES = "mentordesk_coordinator, mentordesk_principal, mentordesk_mentor, mentordesk_supervising_practitioner, " \
        "mentordesk_viewer"
OTHERS = ("principal", "mentor", "supervising_practitioner", "viewer")


def _schema(*, sync: bool = True, audit: bool = True, year: bool = True):  # type: ignore[no-untyped-def]
    """The year (everyone may add it), the roster with a confidential rating, time logs with confidential notes
    (mentors write them), CAP ratings with a confidential rationale (SPs), the audit trail, the sync log."""
    from sqlalchemy import Column, Integer, MetaData, Table, Text

    md, secret = MetaData(), {"confidential": True}
    if year:
        Table("school_year", md, Column("id", Integer, primary_key=True), Column("label", Text))
    Table("educator", md, Column("id", Integer, primary_key=True), Column("first_name", Text),
          Column("last_rating", Text, info=secret))
    Table("time_log", md, Column("id", Integer, primary_key=True), Column("minutes", Integer),
          Column("notes", Text, info=secret))
    Table("cap_rating", md, Column("id", Integer, primary_key=True), Column("quality", Text),
          Column("rationale", Text, info=secret))
    if audit:
        Table("audit_entry", md, Column("id", Integer, primary_key=True), Column("hash", Text), Column("detail", Text))
    if sync:
        for name in ("sync_replica", "sync_op", "sync_conflict", "sync_conflict_history"):
            Table(name, md, Column("id", Integer, primary_key=True), Column("table_name", Text))
    return md


def _policies_reset(table: str) -> list[str]:
    return [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS mentordesk_writes_coordinator ON {table}",
            f"CREATE POLICY mentordesk_writes_coordinator ON {table} TO mentordesk_coordinator USING (true) WITH CHECK "
            "(true)"] + [f"DROP POLICY IF EXISTS mentordesk_writes_{role}_{verb} ON {table}"
                         for role in OTHERS for verb in ("insert", "select", "delete")]


def _capture(role: str, written: str) -> list[str]:
    name = f"mentordesk_{role}"
    return [f"GRANT SELECT (id, is_self, next_seq, hlc_wall, hlc_counter) ON sync_replica TO {name}",
            f"GRANT UPDATE (next_seq, hlc_wall, hlc_counter) ON sync_replica TO {name}",
            f"GRANT INSERT ON sync_op TO {name}",
            f"CREATE POLICY mentordesk_writes_{role}_insert ON sync_op FOR INSERT TO {name} WITH CHECK "
            f"(table_name IN ({written}))"]


BASE_GRANTS = [
    *(f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mentordesk_{r}') THEN CREATE ROLE "
      f"mentordesk_{r} NOLOGIN; END IF; END $$" for r in ("coordinator", *OTHERS)),
    f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLES}",
    f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {ROLES}",
    f"GRANT USAGE ON SCHEMA public TO {ROLES}",
    "GRANT ALL ON ALL TABLES IN SCHEMA public TO mentordesk_coordinator",
    "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO mentordesk_coordinator",
    f"GRANT SELECT ON alembic_version TO {ROLES}",
]
TABLE_GRANTS = [
    *(f"GRANT INSERT ON audit_entry TO mentordesk_{r}" for r in OTHERS),  # adds entries, reads none
    'GRANT SELECT ("id", "quality", "rationale") ON cap_rating TO mentordesk_supervising_practitioner',
    "GRANT INSERT, UPDATE ON cap_rating TO mentordesk_supervising_practitioner",
    *(f'GRANT SELECT ("id", "first_name") ON educator TO mentordesk_{r}' for r in OTHERS),  # no last_rating
    *(s for r in OTHERS for s in (f'GRANT SELECT ("id", "label") ON school_year TO mentordesk_{r}',
                                  f"GRANT INSERT ON school_year TO mentordesk_{r}")),
    'GRANT SELECT ("id", "minutes") ON time_log TO mentordesk_principal',
    'GRANT SELECT ("id", "minutes") ON time_log TO mentordesk_mentor',  # writes the notes, cannot read them
    "GRANT INSERT, UPDATE ON time_log TO mentordesk_mentor",
    'GRANT SELECT ("id", "minutes") ON time_log TO mentordesk_supervising_practitioner',
    'GRANT SELECT ("id", "minutes") ON time_log TO mentordesk_viewer',
]
AUDIT_GRANTS = [
    'GRANT SELECT ("id", "hash") ON audit_entry TO mentordesk_principal, mentordesk_mentor, '
    "mentordesk_supervising_practitioner, mentordesk_viewer",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM mentordesk_coordinator",
]
SP_TABLES = "'cap_rating', 'school_year'"
SYNC_GRANTS = [
    *_policies_reset("sync_op"), *_policies_reset("sync_conflict"), *_policies_reset("sync_conflict_history"),
    *_capture("principal", "'school_year'"),
    *_capture("mentor", "'school_year', 'time_log'"),  # no SELECT: mentors cannot read the notes the log copies
    *_capture("supervising_practitioner", SP_TABLES),
    "GRANT SELECT ON sync_op TO mentordesk_supervising_practitioner",  # reads every column it writes
    "CREATE POLICY mentordesk_writes_supervising_practitioner_select ON sync_op FOR SELECT TO "
    f"mentordesk_supervising_practitioner USING (table_name IN ({SP_TABLES}))",
    "GRANT SELECT, INSERT, DELETE ON sync_conflict TO mentordesk_supervising_practitioner",
    "CREATE POLICY mentordesk_writes_supervising_practitioner_select ON sync_conflict FOR SELECT TO "
    f"mentordesk_supervising_practitioner USING (table_name IN ({SP_TABLES}))",
    "CREATE POLICY mentordesk_writes_supervising_practitioner_insert ON sync_conflict FOR INSERT TO "
    f"mentordesk_supervising_practitioner WITH CHECK (table_name IN ({SP_TABLES}))",
    "CREATE POLICY mentordesk_writes_supervising_practitioner_delete ON sync_conflict FOR DELETE TO "
    f"mentordesk_supervising_practitioner USING (table_name IN ({SP_TABLES}))",
    "GRANT INSERT ON sync_conflict_history TO mentordesk_supervising_practitioner",
    "GRANT USAGE ON SEQUENCE sync_conflict_history_id_seq TO mentordesk_supervising_practitioner",
    "CREATE POLICY mentordesk_writes_supervising_practitioner_insert ON sync_conflict_history FOR INSERT TO "
    f"mentordesk_supervising_practitioner WITH CHECK (table_name IN ({SP_TABLES}))",
    *_capture("viewer", "'school_year'"),
]


def test_the_grants_for_a_small_schema_statement_by_statement():
    from app.services.server.access import grant_statements

    assert grant_statements(_schema()) == BASE_GRANTS + TABLE_GRANTS + AUDIT_GRANTS + SYNC_GRANTS


def test_without_a_sync_log_or_an_audit_trail_their_grants_are_left_out():
    from app.services.server.access import grant_statements

    no_audit = [s for s in TABLE_GRANTS if "audit_entry" not in s]
    assert grant_statements(_schema(sync=False, audit=False)) == BASE_GRANTS + no_audit
    assert grant_statements(_schema(sync=False)) == BASE_GRANTS + TABLE_GRANTS + AUDIT_GRANTS


def test_the_coordinator_reads_and_writes_everything_others_by_the_rules():
    from app.services.server.access import can_write, readable_columns

    md = _schema()
    assert readable_columns(md.tables["time_log"], "coordinator") == ["id", "minutes", "notes"]
    assert readable_columns(md.tables["time_log"], "mentor") == ["id", "minutes"]
    assert readable_columns(md.tables["cap_rating"], "supervising_practitioner") == ["id", "quality", "rationale"]
    assert readable_columns(md.tables["cap_rating"], "principal") == []
    assert readable_columns(md.tables["sync_op"], "viewer") == []
    assert [can_write(t, "coordinator") for t in ("sync_op", "cap_rating", "field_trip_form")] == [True] * 3
    assert [can_write("time_log", r) for r in OTHERS] == [False, True, False, False]
    assert [can_write("school_year", r) for r in OTHERS] == [True] * 4  # the window adds a new year
    assert can_write("field_trip_form", "viewer") is False


def test_grants_are_for_a_server_and_reach_it():
    """On a PostgreSQL address the statements are sent (here nobody answers: that error, not a refusal)."""
    from app.services.server.access import apply_grants

    engine = create_engine(f"postgresql+psycopg://md_owner@{NOWHERE}/district", connect_args={"connect_timeout": 2})
    try:
        with pytest.raises(OperationalError):
            apply_grants(engine, _schema())
    finally:
        engine.dispose()


def test_a_role_that_writes_nothing_gets_no_sync_log_grants_and_the_others_still_do():
    """Without the school year (which everyone may add), principals and viewers write nothing here."""
    from app.services.server.access import capture_tables, grant_statements

    md = _schema(year=False, audit=False)
    assert [capture_tables(md, r) for r in OTHERS] == [([], []), (["time_log"], []), (["cap_rating"], ["cap_rating"]),
                                                       ([], [])]
    capture = [s for s in grant_statements(md) if "sync_replica" in s or "ON sync_op FOR" in s]
    assert capture == [
        *_capture("mentor", "'time_log'")[:2], _capture("mentor", "'time_log'")[3],
        *_capture("supervising_practitioner", "'cap_rating'")[:2], _capture("supervising_practitioner", "'cap_rating'")[3],
        "CREATE POLICY mentordesk_writes_supervising_practitioner_select ON sync_op FOR SELECT TO "
        "mentordesk_supervising_practitioner USING (table_name IN ('cap_rating'))"]
