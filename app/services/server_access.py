"""Access on a PostgreSQL server: one database login per person, each in one of the app's roles.

The roles map to database roles with grants, so what a role must not read stays unreadable even
from a SQL client:
- columns marked `info={"confidential": True}` (mentoring notes, private reassignment reasons) are
  granted to the coordinator only (column-level SELECT privileges for everyone else);
- tables marked `info={"personnel": True}` (CAP evidence and ratings) are granted to the
  coordinator and supervising practitioners only;
- tables marked `info={"coordinator_only": True}` (the sync log, its conflicts and bundles, which
  hold a copy of every value written, notes included) are granted to the coordinator only;
- tables marked `info={"writers": ("mentor", ...)}` may be written by those roles too.
"""

from __future__ import annotations

import re

from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import Engine

from app.services.errors import UsageError

APP_ROLES = ("coordinator", "principal", "mentor", "supervising_practitioner", "viewer")
PREFIX = "mentordesk_"


def db_role(app_role: str) -> str:
    if app_role not in APP_ROLES:
        raise UsageError(f"role must be one of {', '.join(APP_ROLES)}")
    return PREFIX + app_role


def _ident(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
        raise UsageError(f"{name!r}: a login name is lower-case letters, digits and underscores")
    return name


def _readable_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if not c.info.get("confidential")]


def grant_statements(metadata: MetaData) -> list[str]:
    """Idempotent SQL that (re)creates the roles and their grants for every table in `metadata`."""
    statements = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{db_role(r)}') "
        f"THEN CREATE ROLE {db_role(r)} NOLOGIN; END IF; END $$"
        for r in APP_ROLES
    ]
    everyone = ", ".join(db_role(r) for r in APP_ROLES)
    statements.append(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}")
    statements.append(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    statements.append(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {db_role('coordinator')}")
    statements.append(f"GRANT SELECT ON alembic_version TO {everyone}")
    for table in metadata.sorted_tables:
        if table.info.get("coordinator_only"):
            continue
        personnel = table.info.get("personnel", False)
        writers = set(table.info.get("writers", ()))
        if personnel:
            writers.add("supervising_practitioner")
        columns = ", ".join(f'"{c}"' for c in _readable_columns(table))  # quoted: "column", "values" are reserved
        for role in APP_ROLES[1:]:
            if personnel and role != "supervising_practitioner":
                continue
            statements.append(f"GRANT SELECT ({columns}) ON {table.name} TO {db_role(role)}")
            if role in writers:
                statements.append(f"GRANT INSERT, UPDATE ({columns}) ON {table.name} TO {db_role(role)}")
    return statements


def apply_grants(engine: Engine, metadata: MetaData) -> int:
    if engine.dialect.name != "postgresql":
        raise UsageError("database roles and grants apply to a PostgreSQL server, not to a SQLite file")
    statements = grant_statements(metadata)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    return len(statements)


def create_login(engine: Engine, name: str, app_role: str, password: str) -> None:
    """A login for one person, in one app role (run as the database owner)."""
    if engine.dialect.name != "postgresql":
        raise UsageError("logins apply to a PostgreSQL server")
    if len(password) < 12:
        raise UsageError("use a password of at least 12 characters")
    name = _ident(name)
    role = db_role(app_role)
    with engine.begin() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
        verb = "ALTER" if exists else "CREATE"
        quoted = conn.exec_driver_sql("SELECT quote_literal(%s)", (password,)).scalar_one()
        conn.execute(text(f"{verb} ROLE {name} LOGIN PASSWORD {quoted}"))
        for other in APP_ROLES:
            conn.execute(text(f"REVOKE {db_role(other)} FROM {name}"))
        conn.execute(text(f"GRANT {role} TO {name}"))
