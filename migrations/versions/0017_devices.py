"""sync devices: the group's signed roster, enrolled devices with their own keys, one-time invitations

Revision ID: 0017_devices
Revises: 0012_release_time
Create Date: 2026-12-07

Issue 18: no district-wide sync secret. Each laptop and each field copy has its own signing and
encryption keys; the coordinator signs the roster of devices (role coordinator, staff or sp) and it
travels in bundles. `sync_group` keeps the group and its latest signed roster, `sync_device` the
devices (with this database's bookkeeping: last bundle number received, what was sent, and on the
own row the wrapped private keys), `sync_invite` the public half of each one-time invitation.
Tables only: existing groups (district secret) keep working until they enrol (README).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0017_devices"
down_revision = "0016_audit"
branch_labels = None
depends_on = None


def _moment(name: str, nullable: bool) -> sa.Column:
    return sa.Column(name, app.models.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sync_group",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("roster", sa.JSON(), nullable=False),
        _moment("created_at", False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_group")),
    )
    op.create_table(
        "sync_device",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("sign_key", sa.String(length=64), nullable=False),
        sa.Column("box_key", sa.String(length=64), nullable=False),
        sa.Column("acting_for", sa.Uuid(), nullable=True),
        _moment("enrolled_at", False),
        _moment("revoked_at", True),
        sa.Column("last_bundle", sa.Integer(), nullable=False),
        sa.Column("sent", sa.JSON(), nullable=True),
        sa.Column("secret", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_device")),
    )
    op.create_table(
        "sync_invite",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("verify_key", sa.String(length=64), nullable=False),
        _moment("created_at", False),
        _moment("expires_at", False),
        sa.Column("used_by", sa.String(length=32), nullable=True),
        _moment("used_at", True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_invite")),
    )


def downgrade() -> None:
    op.drop_table("sync_invite")
    op.drop_table("sync_device")
    op.drop_table("sync_group")
