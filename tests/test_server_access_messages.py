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
