"""time logs and mentoring hours

Revision ID: 0003_timelogs
Revises: 0002_matching
Create Date: 2026-11-24

Placeholder in the planned chain; the capability's issue fills in its tables.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0003_timelogs"
down_revision = "0002_matching"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
