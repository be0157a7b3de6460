"""state report tables (survey responses, partnerships, program profile); updated_by on core tables

Revision ID: 0006_reports
Revises: 0005_cap
Create Date: 2026-11-24
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0006_reports"
down_revision = "0005_cap"
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


# Tables of 0001 that gain `updated_by` (who saved a row last, for "changed by X at 10:42").
CORE_TABLES = ("school", "school_year", "setting", "educator", "induction_enrollment", "mentor_profile", "assignment")


def upgrade() -> None:
    for table in CORE_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("updated_by", sa.String(length=120), nullable=True))
    op.create_table(
        "partnership",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.Enum("district", "professional association", "institution of higher education",
                                  name="partnership_kind", native_enum=False, create_constraint=True, length=35),
                  nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("since", sa.Date(), nullable=True),
        *_tracked(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership")),
    )
    op.create_table(
        "program_profile",
        sa.Column("school_year_id", sa.Uuid(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(["school_year_id"], ["school_year.id"],
                                name=op.f("fk_program_profile_school_year_id_school_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_profile")),
        sa.UniqueConstraint("school_year_id", name=op.f("uq_program_profile_school_year_id")),
    )
    op.create_table(
        "survey_response",
        sa.Column("school_year_id", sa.Uuid(), nullable=False),
        sa.Column("respondent_role", sa.String(length=60), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(["school_year_id"], ["school_year.id"],
                                name=op.f("fk_survey_response_school_year_id_school_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_response")),
        sa.UniqueConstraint("school_year_id", "fingerprint", name=op.f("uq_survey_response_school_year_id_fingerprint")),
    )
    with op.batch_alter_table("survey_response") as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_response_school_year_id"), ["school_year_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_response") as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_response_school_year_id"))
    op.drop_table("survey_response")
    op.drop_table("program_profile")
    op.drop_table("partnership")
    for table in reversed(CORE_TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("updated_by")
