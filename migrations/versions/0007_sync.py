"""sync: replica identity, operation log, conflicts, pending rows, bundles seen

Revision ID: 0007_sync
Revises: 0006_reports
Create Date: 2026-11-25
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0007_sync"
down_revision = "0006_reports"
branch_labels = None
depends_on = None


def _moment(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, app.models.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sync_replica",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_self", sa.Boolean(name="is_self"), nullable=False),
        sa.Column("sign_key", sa.String(length=64), nullable=False),
        sa.Column("box_key", sa.String(length=64), nullable=False),
        sa.Column("sign_secret", sa.String(length=64), nullable=True),
        sa.Column("box_secret", sa.String(length=64), nullable=True),
        sa.Column("group_key", sa.String(length=64), nullable=True),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.Column("hlc_wall", sa.BigInteger(), nullable=False),
        sa.Column("hlc_counter", sa.Integer(), nullable=False),
        sa.Column("knows", sa.JSON(), nullable=True),
        sa.Column("exported", sa.JSON(), nullable=True),
        _moment("last_exchange_at", True),
        sa.Column("acting_for", sa.Uuid(), nullable=True),
        _moment("created_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_replica")),
    )
    op.create_table(
        "sync_op",
        sa.Column("replica", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hlc_wall", sa.BigInteger(), nullable=False),
        sa.Column("hlc_counter", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("column", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("seen", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("replica", "seq", name=op.f("pk_sync_op")),
    )
    op.create_index("ix_sync_op_row_id", "sync_op", ["row_id"], unique=False)
    op.create_table(
        "sync_conflict",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("column", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", "column", name=op.f("pk_sync_conflict")),
    )
    op.create_table(
        "sync_pending",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_sync_pending")),
    )
    op.create_table(
        "sync_bundle",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("sender", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ops", sa.Integer(), nullable=False),
        sa.Column("schema", sa.String(length=64), nullable=True),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        _moment("at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_bundle")),
    )


def downgrade() -> None:
    op.drop_table("sync_bundle")
    op.drop_table("sync_pending")
    op.drop_table("sync_conflict")
    op.drop_index("ix_sync_op_row_id", table_name="sync_op")
    op.drop_table("sync_op")
    op.drop_table("sync_replica")
