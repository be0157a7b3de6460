"""The supervising-practitioner pool: interest and SP training; an SP override on the placement; candidate MEPID

Revision ID: 0011_sp_pool
Revises: 0010_enum_checks
Create Date: 2026-12-07

- sp_pool: an educator's interest in serving as supervising practitioner for a school year (603 CMR 7.02;
  001 job description, "Interest by educator"). One row per educator and year.
- sp_training: SP training records with their hours (000: SPs are required to be trained).
- cap_placement.sp_override_reason / _by / _on: a placement with an SP who does not meet every criterion
  carries the coordinator's reason, who gave it and when. Existing placements get none (NULL); the CAP
  summary shows their SP checks as they stand.
- cap_candidate.mepid: the candidate's 8-digit MEPID (text, leading zeros kept), from the candidates file.
Downgrade drops them (the overrides and the MEPIDs with them).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0011_sp_pool"
down_revision = "0010_enum_checks"
branch_labels = None
depends_on = None


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "sp_pool",
        sa.Column("educator_id", sa.Uuid(), nullable=False),
        sa.Column("school_year_id", sa.Uuid(), nullable=False),
        sa.Column("interested", sa.Boolean(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(["educator_id"], ["educator.id"], name=op.f("fk_sp_pool_educator_id_educator")),
        sa.ForeignKeyConstraint(["school_year_id"], ["school_year.id"],
                                name=op.f("fk_sp_pool_school_year_id_school_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sp_pool")),
        sa.UniqueConstraint("educator_id", "school_year_id", name=op.f("uq_sp_pool_educator_id_school_year_id")),
    )
    with op.batch_alter_table("sp_pool") as batch_op:
        batch_op.create_index(batch_op.f("ix_sp_pool_educator_id"), ["educator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sp_pool_school_year_id"), ["school_year_id"], unique=False)
    op.create_table(
        "sp_training",
        sa.Column("educator_id", sa.Uuid(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(["educator_id"], ["educator.id"], name=op.f("fk_sp_training_educator_id_educator")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sp_training")),
    )
    with op.batch_alter_table("sp_training") as batch_op:
        batch_op.create_index(batch_op.f("ix_sp_training_educator_id"), ["educator_id"], unique=False)
    with op.batch_alter_table("cap_placement") as batch_op:
        batch_op.add_column(sa.Column("sp_override_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("sp_override_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("sp_override_on", sa.Date(), nullable=True))
    with op.batch_alter_table("cap_candidate") as batch_op:
        batch_op.add_column(sa.Column("mepid", sa.String(length=8), nullable=True))
        batch_op.create_index(batch_op.f("ix_cap_candidate_mepid"), ["mepid"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cap_candidate") as batch_op:
        batch_op.drop_index(batch_op.f("ix_cap_candidate_mepid"))
        batch_op.drop_column("mepid")
    with op.batch_alter_table("cap_placement") as batch_op:
        batch_op.drop_column("sp_override_on")
        batch_op.drop_column("sp_override_by")
        batch_op.drop_column("sp_override_reason")
    with op.batch_alter_table("sp_training") as batch_op:
        batch_op.drop_index(batch_op.f("ix_sp_training_educator_id"))
    op.drop_table("sp_training")
    with op.batch_alter_table("sp_pool") as batch_op:
        batch_op.drop_index(batch_op.f("ix_sp_pool_school_year_id"))
        batch_op.drop_index(batch_op.f("ix_sp_pool_educator_id"))
    op.drop_table("sp_pool")
