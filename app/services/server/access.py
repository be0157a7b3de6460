"""Access on a PostgreSQL server: one database login per person, each in one of the app's roles.

The roles map to database roles with grants, so what a role must not read stays unreadable even
from a SQL client. `TABLE_ACCESS` below is the one place that says, table by table, which app roles
may read and write what (the coordinator may do everything):

- columns marked `info={"confidential": True}` (mentoring notes, private reassignment reasons, CAP
  evidence and ratings) are readable only by the coordinator and the roles a table's rule names in
  `confidential` (supervising practitioners for the CAP records they write). A role that writes a
  table may write its confidential columns without reading them (a mentor's notes in quick entry);
- the CAP records (candidates, placements and everything recorded about them) are personnel and
  student-education records: supervising practitioners and the coordinator only, never principals,
  mentors or viewers; the programs and the practicum hours table are reference data anyone may read;
- a teacher's last summative evaluation rating (`educator.last_rating`) is a confidential personnel
  record (603 CMR 35.11(6); G.L. c.71 s.38): the coordinator's only, like the notes;
- the sync log, its conflicts and bundles copy every value written, notes included: the coordinator
  only. A write by another role records its operations through narrow privileges (`_capture_grants`;
  docs/postgresql.md, "The sync log and other roles' writes");
- a table with no rule is the coordinator's only, and tests/test_server_access.py fails until it
  gets one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Engine

from app.errors import MentorDeskError, UsageError

APP_ROLES = ("coordinator", "principal", "mentor", "supervising_practitioner", "viewer")
PREFIX = "mentordesk_"

PRINCIPAL, MENTOR, SP, VIEWER = "principal", "mentor", "supervising_practitioner", "viewer"
EVERYONE = frozenset({PRINCIPAL, MENTOR, SP, VIEWER})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Access:
    """Who besides the coordinator may do what with one table.

    read: may read its columns (the confidential ones only when also in `confidential`);
    write: may insert and update rows, every column (confidential ones write-only unless readable);
    insert: may insert rows only (the current school year, which the window creates on its first
    start in a new year).
    """

    what: str  # what a person calls these records, for messages ("CAP records")
    read: frozenset[str] = EVERYONE
    write: frozenset[str] = NOBODY
    insert: frozenset[str] = NOBODY
    confidential: frozenset[str] = NOBODY

    def writers(self) -> frozenset[str]:
        return self.write | self.insert


# every CAP table: the SP (their own placements, by row policy) and the coordinator; nobody else reads it
CAP_RECORDS = Access("CAP records", read=frozenset({SP}), write=frozenset({SP}), confidential=frozenset({SP}))


COORDINATOR_ONLY = Access("the sync log", read=NOBODY)

TABLE_ACCESS: dict[str, Access] = {
    # the district
    "setting": Access("district settings"),
    "school": Access("schools"),
    "school_year": Access("school years", insert=EVERYONE),
    # people and pairs
    "educator": Access("the staff roster"),
    "induction_enrollment": Access("induction enrollments"),
    "mentor_profile": Access("the mentor pool"),
    "assignment": Access("mentor assignments"),  # private_reason: confidential
    # mentor selection
    "mentor_training": Access("mentor training records"),
    "mentor_incentive": Access("mentor incentives"),
    "match_rule": Access("matching locks and exclusions"),
    "evaluator_link": Access("evaluator links"),
    "principal_recommendation": Access("principal recommendations"),
    # the supervising-practitioner pool (603 CMR 7.02): interest per year, SP training
    "sp_pool": Access("the supervising practitioner pool"),
    "sp_training": Access("SP training records"),
    # mentoring time: mentors log their own; the notes are write-only to them
    "time_log": Access("time logs", write=frozenset({MENTOR})),
    "time_log_group": Access("group sessions", write=frozenset({MENTOR})),
    # scheduling
    "support_team_member": Access("support teams"),
    "bell_period": Access("bell schedules"),
    "event": Access("the schedule"),
    "event_attendee": Access("the schedule"),
    "event_attendance": Access("attendance"),
    # the state report
    "survey_response": Access("survey responses"),
    "partnership": Access("partnerships"),
    # the partnership toolkit (001, 002): contacts, agreements, assessments, vision, goals, the five criteria
    "partner_contact": Access("partner contacts"),
    "partnership_agreement": Access("partnership agreements"),
    "partnership_response": Access("partnership assessments"),
    "partnership_vision": Access("the partnership vision"),
    "partnership_goal": Access("partnership goals"),
    "partnership_action_step": Access("partnership action plans"),
    "partnership_goal_review": Access("partnership goal reviews"),
    "partnership_criterion": Access("the Partnerships criteria"),
    "program_profile": Access("the program profile"),
    # CAP reference data (preparation programs; practicum hours per license, shown in Settings)
    "cap_organization": Access("preparation programs"),
    "cap_hours_requirement": Access("the practicum hours table"),
    # CAP: personnel and student-education records; SPs keep them for their placements
    "cap_candidate": CAP_RECORDS,  # a candidate placed with the SP: their own required hours
    "cap_placement": CAP_RECORDS,  # the candidate's goals (step 1)
    "cap_step": CAP_RECORDS,  # steps and three-way meetings
    "cap_observation": CAP_RECORDS,
    "cap_evidence": CAP_RECORDS,
    "cap_rating": CAP_RECORDS,
    "cap_hours": CAP_RECORDS,
    "cap_survey": CAP_RECORDS,
    # sync: copies of every value; other roles' writes reach sync_op through _capture_grants only
    "sync_replica": COORDINATOR_ONLY,
    "sync_op": COORDINATOR_ONLY,
    "sync_conflict": COORDINATOR_ONLY,
    "sync_conflict_history": COORDINATOR_ONLY,
    "sync_foreign_row": COORDINATOR_ONLY,
    "sync_pending": COORDINATOR_ONLY,
    "sync_bundle": COORDINATOR_ONLY,
    # the audit trail (issue 18): every role that writes or exports confidential data adds entries (and reads
    # the newest entry's number and hash, to chain to it: AUDIT_CHAIN_COLUMNS); only the coordinator reads the
    # trail, and nobody, the coordinator included, may change or remove an entry (`grant_statements`)
    "audit_entry": Access("the audit trail", read=NOBODY, insert=EVERYONE),
    # the trails of the other devices of a sync group, received in bundles (only a coordinator's laptop
    # receives them, through sync, which is the coordinator's only): read and added to by the coordinator,
    # changed or removed by nobody (`grant_statements`)
    "audit_received": Access("the audit trails of other devices", read=NOBODY),
    "sync_group": COORDINATOR_ONLY,  # devices and their keys (issue 18)
    "sync_device": COORDINATOR_ONLY,
    "sync_invite": COORDINATOR_ONLY,
}
AUDIT_CHAIN_COLUMNS = ("id", "hash")
NOT_CAPTURED = frozenset({"audit_entry", "audit_received"})  # not Tracked: never in the sync log


def access_of(table: str) -> Access:
    """The table's rule; a table nobody has ruled on is the coordinator's only."""
    return TABLE_ACCESS.get(table) or Access(table.replace("_", " "), read=NOBODY)


def db_role(app_role: str) -> str:
    if app_role not in APP_ROLES:
        raise UsageError(f"role must be one of {', '.join(APP_ROLES)}")
    return PREFIX + app_role


def _ident(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise UsageError(f"{name!r}: a login name is lower-case letters, digits and underscores")
    return name


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)  # quoted: "column", "values" are reserved words


def readable_columns(table: Table, app_role: str) -> list[str]:
    """The columns of `table` that `app_role` may read (none when it may not read the table)."""
    if app_role == "coordinator":
        return [c.name for c in table.columns]
    rule = access_of(table.name)
    if app_role not in rule.read:
        return []
    see_all = app_role in rule.confidential
    return [c.name for c in table.columns if see_all or not c.info.get("confidential")]


def can_write(table: str, app_role: str) -> bool:
    return app_role == "coordinator" or app_role in access_of(table).writers()


# --- the statements ---------------------------------------------------------------------------

# Sync capture (services/sync/capture.py) records a change in the same transaction: it reads this
# replica's counters, inserts the change's operations and bumps the counters; an update also reads
# the row's earlier operations, values included (to know which it has seen) and, when conflicts are
# listed, lists them again. So (docs/postgresql.md, "The sync log and other roles' writes"):
# - every role that writes gets the counters of sync_replica and INSERT on sync_op, for operations
#   on the tables it may write only (row-level security);
# - a role that updates records may also read sync_op, and list conflicts, for the tables it writes,
#   but only when it may read every column of every table it writes: the log must never show a
#   value the table hides, and a log that silently hid some of a row's operations would make the
#   capture record a wrong history. Mentors cannot read time-log notes, so they get no SELECT: their
#   new time logs are captured; changing an existing one on a server set up for sync is refused.
REPLICA_COUNTERS = ("next_seq", "hlc_wall", "hlc_counter")
SYNC_LOGS = ("sync_op", "sync_conflict", "sync_conflict_history")
POLICY = "mentordesk_writes"


def capture_tables(metadata: MetaData, app_role: str) -> tuple[list[str], list[str]]:
    """(tables whose operations the role may add to sync_op, tables whose operations it may read)."""
    written = [t.name for t in metadata.sorted_tables
               if app_role in access_of(t.name).writers() and t.name not in NOT_CAPTURED]
    updates = any(app_role in access_of(name).write for name in written)
    whole = all(len(readable_columns(metadata.tables[n], app_role)) == len(metadata.tables[n].columns)
                for n in written)
    return written, (written if updates and whole else [])


def _in_list(names: list[str]) -> str:
    return "table_name IN (" + ", ".join(f"'{n}'" for n in names) + ")" if names else "false"


def _capture_grants(metadata: MetaData) -> list[str]:
    if not all(t in metadata.tables for t in ("sync_replica", *SYNC_LOGS)):
        return []
    coordinator = db_role("coordinator")
    out = []
    for table in SYNC_LOGS:
        out += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                f"DROP POLICY IF EXISTS {POLICY}_coordinator ON {table}",
                f"CREATE POLICY {POLICY}_coordinator ON {table} TO {coordinator} USING (true) WITH CHECK (true)"]
        out += [f"DROP POLICY IF EXISTS {POLICY}_{role}_{verb} ON {table}"
                for role in APP_ROLES[1:] for verb in ("insert", "select", "delete")]
    for role in APP_ROLES[1:]:
        written, readable = capture_tables(metadata, role)
        if not written:
            continue
        name = db_role(role)
        out += [
            f"GRANT SELECT (id, is_self, {', '.join(REPLICA_COUNTERS)}) ON sync_replica TO {name}",
            f"GRANT UPDATE ({', '.join(REPLICA_COUNTERS)}) ON sync_replica TO {name}",
            f"GRANT INSERT ON sync_op TO {name}",
            f"CREATE POLICY {POLICY}_{role}_insert ON sync_op FOR INSERT TO {name} WITH CHECK ({_in_list(written)})",
        ]
        if not readable:
            continue
        mine = _in_list(readable)
        out += [
            f"GRANT SELECT ON sync_op TO {name}",
            f"CREATE POLICY {POLICY}_{role}_select ON sync_op FOR SELECT TO {name} USING ({mine})",
            f"GRANT SELECT, INSERT, DELETE ON sync_conflict TO {name}",
            f"CREATE POLICY {POLICY}_{role}_select ON sync_conflict FOR SELECT TO {name} USING ({mine})",
            f"CREATE POLICY {POLICY}_{role}_insert ON sync_conflict FOR INSERT TO {name} WITH CHECK ({mine})",
            f"CREATE POLICY {POLICY}_{role}_delete ON sync_conflict FOR DELETE TO {name} USING ({mine})",
            f"GRANT INSERT ON sync_conflict_history TO {name}",
            f"GRANT USAGE ON SEQUENCE sync_conflict_history_id_seq TO {name}",
            f"CREATE POLICY {POLICY}_{role}_insert ON sync_conflict_history FOR INSERT TO {name} WITH CHECK ({mine})",
        ]
    return out


def grant_statements(metadata: MetaData) -> list[str]:
    """Idempotent SQL that (re)creates the roles and their grants for every table in `metadata`."""
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{db_role(r)}') "
        f"THEN CREATE ROLE {db_role(r)} NOLOGIN; END IF; END $$"
        for r in APP_ROLES
    ]
    everyone = ", ".join(db_role(r) for r in APP_ROLES)
    statements.append(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}")  # column grants too
    statements.append(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone}")
    statements.append(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    statements.append(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {db_role('coordinator')}")
    statements.append(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {db_role('coordinator')}")
    statements.append(f"GRANT SELECT ON alembic_version TO {everyone}")
    for table in metadata.sorted_tables:
        for role in APP_ROLES[1:]:
            columns = readable_columns(table, role)
            if columns:
                statements.append(f"GRANT SELECT ({_quoted(columns)}) ON {table.name} TO {db_role(role)}")
            rule = access_of(table.name)
            if role in rule.write:
                statements.append(f"GRANT INSERT, UPDATE ON {table.name} TO {db_role(role)}")
            elif role in rule.insert:
                statements.append(f"GRANT INSERT ON {table.name} TO {db_role(role)}")
    if "audit_entry" in metadata.tables:
        others = ", ".join(db_role(r) for r in APP_ROLES[1:])
        statements.append(f"GRANT SELECT ({_quoted(list(AUDIT_CHAIN_COLUMNS))}) ON audit_entry TO {others}")
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_entry FROM {db_role('coordinator')}")
    if "audit_received" in metadata.tables:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_received FROM {db_role('coordinator')}")
    statements += _capture_grants(metadata)
    return statements


# --- applying them, and logins ------------------------------------------------------------------


class AccessDeniedError(MentorDeskError):
    """The server refused: this login's role may not do that (SQLSTATE 42501)."""


def is_insufficient_privilege(exc: BaseException) -> bool:
    """PostgreSQL's insufficient_privilege (42501, psycopg.errors.InsufficientPrivilege), bare or
    wrapped by SQLAlchemy; row-level security refusals share the code."""
    orig = getattr(exc, "orig", None) or exc
    return getattr(orig, "sqlstate", None) == "42501"


def _server_message(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    diag = getattr(orig, "diag", None)
    message = getattr(diag, "message_primary", None) or str(orig)
    return message.strip().splitlines()[0] if message.strip() else type(orig).__name__


def _admin_error(engine: Engine, exc: BaseException, doing: str) -> MentorDeskError:
    """One line for `db grants` / `db login` run by a login that may not manage roles."""
    login = engine.url.username or "this login"
    server = _server_message(exc)
    if re.search(r"(grant|revoke|alter|drop) role|admin option", server, re.I):
        hint = (f"on PostgreSQL 16 and newer, {login} needs ADMIN OPTION on the app roles it did not create itself: "
                f"as a superuser, GRANT {', '.join(db_role(r) for r in APP_ROLES)} TO {login} WITH ADMIN OPTION")
    else:
        hint = f"give it CREATEROLE (as a superuser: ALTER ROLE {login} CREATEROLE)"
    return AccessDeniedError(f"the database login {login} may not {doing} ({server}): {hint}; "
                             "see docs/postgresql.md, step 1")


def apply_grants(engine: Engine, metadata: MetaData) -> int:
    if engine.dialect.name != "postgresql":
        raise UsageError("database roles and grants apply to a PostgreSQL server, not to a SQLite file")
    statements = grant_statements(metadata)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    except Exception as exc:
        if is_insufficient_privilege(exc):
            raise _admin_error(engine, exc, "create the app's roles or grant them") from exc
        raise
    return len(statements)


def create_login(engine: Engine, name: str, app_role: str, password: str) -> None:
    """A login for one person, in one app role (run as the database owner)."""
    if engine.dialect.name != "postgresql":
        raise UsageError("logins apply to a PostgreSQL server")
    if len(password) < 12:
        raise UsageError("use a password of at least 12 characters")
    name = _ident(name)
    role = db_role(app_role)
    try:
        with engine.begin() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
            verb = "ALTER" if exists else "CREATE"
            quoted = conn.exec_driver_sql("SELECT quote_literal(%s)", (password,)).scalar_one()
            conn.execute(text(f"{verb} ROLE {name} LOGIN PASSWORD {quoted}"))
            for other in APP_ROLES:
                if other != app_role:
                    conn.execute(text(f"REVOKE {db_role(other)} FROM {name}"))
            conn.execute(text(f"GRANT {role} TO {name}"))
    except Exception as exc:
        if is_insufficient_privilege(exc):
            raise _admin_error(engine, exc, "create logins or grant them an app role") from exc
        raise


# --- what a refusal means to a person ------------------------------------------------------------

_TABLE_IN_MESSAGE = re.compile(r'(?:table|relation) "?([A-Za-z_][A-Za-z0-9_]*)"?')


def login_role(engine: Engine) -> str:
    """The app role of the engine's login (its first, in APP_ROLES order), or the login's name
    when it is in none (the owner, a superuser)."""
    names = [db_role(r) for r in APP_ROLES]
    with engine.connect() as conn:
        held = set(conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname = ANY(:names) "
                                     "AND pg_has_role(current_user, oid, 'MEMBER')"), {"names": names}).scalars())
    return next((r for r in APP_ROLES if db_role(r) in held), engine.url.username or "unknown")


def denial_message(app_role: str, table: str | None, statement: str | None = None, *, writing: bool = False) -> str:
    """'Your database login (principal) does not give access to CAP records; ask the coordinator.'
    `writing`: the refusal came while saving (a sync table then means the change's operations)."""
    who = f"Your database login ({app_role})"
    if table is None:
        return f"{who} does not allow this; ask the coordinator."
    rule = access_of(table)
    if table in SYNC_LOGS or table == "sync_replica":
        if writing:
            return (f"{who} cannot change this record while this server is set up for sync (the change goes to "
                    "the sync log, which only the coordinator may read); ask the coordinator.")
        return f"{who} does not give access to the sync log; ask the coordinator."
    words = (statement or "").split(None, 1)
    verb = words[0].upper() if words else "SELECT"
    if verb in ("INSERT", "UPDATE", "DELETE") and app_role in rule.read:
        return f"{who} may not change {rule.what}; ask the coordinator."
    if app_role in rule.read:  # a readable table: the statement asked for its confidential columns
        return f"{who} does not give access to the confidential parts of {rule.what}; ask the coordinator."
    return f"{who} does not give access to {rule.what}; ask the coordinator."


def access_denied(engine: Engine | None, exc: BaseException, *, writing: bool = False) -> AccessDeniedError | None:
    """The plain error for a server refusal (42501), or None when `exc` is something else."""
    if not is_insufficient_privilege(exc):
        return None
    found = _TABLE_IN_MESSAGE.search(_server_message(exc))
    role = "unknown"
    if engine is not None:
        try:
            role = login_role(engine)
        except Exception:  # noqa: BLE001 - the message is still better without the role
            role = engine.url.username or role
    statement: Any = getattr(exc, "statement", None)
    return AccessDeniedError(denial_message(role, found.group(1) if found else None, statement, writing=writing))
