"""The audit trail: an insert-only, hash-chained table of who did what to confidential data

Revision ID: 0016_audit
Revises: 0012_release_time
Create Date: 2026-12-07

Issue 18, "An audit trail": entries name the table (or the file kind), the rows' ids, the action and who,
never a value. Triggers refuse UPDATE and DELETE on SQLite and PostgreSQL alike, so the app (or a careless
SQL client) cannot change the trail; the hash chain (app/services/audit/trail.py) detects what someone with
the file in hand changes anyway.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0016_audit"
down_revision = "0015_external_mentors"
branch_labels = None
depends_on = None

MESSAGE = "the audit trail is append-only"


def upgrade() -> None:
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("os_user", sa.String(length=120), nullable=False),
        sa.Column("device", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("what", sa.String(length=64), nullable=False),
        sa.Column("row_ids", sa.Text(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("confidential", sa.Integer(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb} ON audit_entry "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    else:
        op.execute("CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$")
        op.execute("CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        op.drop_table("audit_entry")
    else:
        op.drop_table("audit_entry")  # its trigger goes with it
        op.execute("DROP FUNCTION IF EXISTS audit_entry_append_only()")
