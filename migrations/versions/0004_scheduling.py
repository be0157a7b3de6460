"""support teams and scheduling

Revision ID: 0004_scheduling
Revises: 0003_timelogs
Create Date: 2026-11-24

Placeholder in the planned chain; the capability's issue fills in its tables.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0004_scheduling"
down_revision = "0003_timelogs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
