"""time logs and mentoring hours

Revision ID: 0003_timelogs
Revises: 0002_matching
Create Date: 2026-11-24

Time-log entries (one per mentor-mentee assignment, or several tied by a group session), with
confidential notes. Covering indexes serve the hours totals per mentee and per pair.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0003_timelogs"
down_revision = "0002_matching"
branch_labels = None
depends_on = None

ACTIVITIES = ("observed_mentee", "mentee_observed", "co_teaching", "pre_conference", "post_conference", "planning",
              "data_analysis", "video_analysis", "goal_setting", "meeting", "other")


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
        "time_log_group",
        sa.Column("mentor_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(["mentor_id"], ["educator.id"], name=op.f("fk_time_log_group_mentor_id_educator")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_log_group")),
    )
    with op.batch_alter_table("time_log_group") as batch_op:
        batch_op.create_index(batch_op.f("ix_time_log_group_mentor_id"), ["mentor_id"], unique=False)

    op.create_table(
        "time_log",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=True),
        sa.Column("mentor_id", sa.Uuid(), nullable=False),
        sa.Column("mentee_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("activity", sa.Enum(*ACTIVITIES, name="time_log_activity", native_enum=False,
                                      create_constraint=True, length=19), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("release_time", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.String(length=120), nullable=True),
        sa.Column("computer", sa.String(length=120), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"], name=op.f("fk_time_log_assignment_id_assignment")),
        sa.ForeignKeyConstraint(["group_id"], ["time_log_group.id"], name=op.f("fk_time_log_group_id_time_log_group")),
        sa.ForeignKeyConstraint(["mentee_id"], ["educator.id"], name=op.f("fk_time_log_mentee_id_educator")),
        sa.ForeignKeyConstraint(["mentor_id"], ["educator.id"], name=op.f("fk_time_log_mentor_id_educator")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_time_log")),
    )
    with op.batch_alter_table("time_log") as batch_op:
        batch_op.create_index("ix_time_log_mentee_totals", ["mentee_id", "deleted_at", "date", "minutes", "activity"],
                              unique=False)
        batch_op.create_index("ix_time_log_assignment_totals",
                              ["assignment_id", "deleted_at", "date", "minutes", "activity"], unique=False)
        batch_op.create_index("ix_time_log_date_deleted_at", ["date", "deleted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_time_log_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_time_log_mentor_id"), ["mentor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("time_log") as batch_op:
        batch_op.drop_index(batch_op.f("ix_time_log_mentor_id"))
        batch_op.drop_index(batch_op.f("ix_time_log_group_id"))
        batch_op.drop_index("ix_time_log_date_deleted_at")
        batch_op.drop_index("ix_time_log_assignment_totals")
        batch_op.drop_index("ix_time_log_mentee_totals")
    op.drop_table("time_log")
    with op.batch_alter_table("time_log_group") as batch_op:
        batch_op.drop_index(batch_op.f("ix_time_log_group_mentor_id"))
    op.drop_table("time_log_group")
