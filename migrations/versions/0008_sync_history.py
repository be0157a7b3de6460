"""sync: the history of settled conflicts; the records a field copy leaves out

Revision ID: 0008_sync_history
Revises: 0007_sync
Create Date: 2026-11-29
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0008_sync_history"
down_revision = "0007_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_conflict_history",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.Column("column", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("kept", sa.JSON(), nullable=False),
        sa.Column("settled_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflict_history")),
    )
    op.create_table(
        "sync_foreign_row",
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("row_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", "row_id", name=op.f("pk_sync_foreign_row")),
    )


def downgrade() -> None:
    op.drop_table("sync_foreign_row")
    op.drop_table("sync_conflict_history")
