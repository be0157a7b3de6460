"""mentor selection and matching

Revision ID: 0002_matching
Revises: 0001_foundation
Create Date: 2026-11-24

Placeholder in the planned chain; the capability's issue fills in its tables.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0002_matching"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
