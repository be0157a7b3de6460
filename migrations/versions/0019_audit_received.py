"""The audit trails of the other devices of a sync group: insert-only, one chain per device

Revision ID: 0019_audit_received
Revises: 0018_time_log_date_index
Create Date: 2026-12-08

Issue 18, item 4, "sync like logs": a coordinator's laptop receives the trail of every device of the group
in the bundles (app/services/sync/audit_section.py) and keeps each device's chain as that device wrote it,
keyed by (origin device, number); never merged into its own `audit_entry` chain. Insert-only like
`audit_entry` (0016_audit): triggers refuse UPDATE and DELETE on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0019_audit_received"
down_revision = "0018_time_log_date_index"
branch_labels = None
depends_on = None

MESSAGE = "the audit trail is append-only"  # as in 0016_audit, copied at this revision


def upgrade() -> None:
    op.create_table(
        "audit_received",
        sa.Column("origin", sa.String(length=32), nullable=False),
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
        sa.PrimaryKeyConstraint("origin", "id", name=op.f("pk_audit_received")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER audit_received_no_{verb.lower()} BEFORE {verb} ON audit_received "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    else:
        op.execute("CREATE OR REPLACE FUNCTION audit_received_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$")
        op.execute("CREATE TRIGGER audit_received_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_received "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_received_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_received_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_received_no_delete")
        op.drop_table("audit_received")
    else:
        op.drop_table("audit_received")  # its trigger goes with it
        op.execute("DROP FUNCTION IF EXISTS audit_received_append_only()")
