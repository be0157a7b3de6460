"""The pipeline: the educator preparation program that trained each educator

Revision ID: 0014_pipeline
Revises: 0012_release_time
Create Date: 2026-12-07

001 (Partnership Data Roadmap, "Where are my teachers coming from?") and 003 ("number and type of district
employment openings and corresponding program completers"): `educator.preparation_program`, optional text,
typed on the roster or taken from a hired CAP candidate's program (a candidate is linked to the educator
with the same MEPID; services/cap/pipeline.py). Works on SQLite (batch) and PostgreSQL.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0014_pipeline"
down_revision = "0013_partnership_toolkit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("educator") as batch_op:
        batch_op.add_column(sa.Column("preparation_program", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("educator") as batch_op:
        batch_op.drop_column("preparation_program")
