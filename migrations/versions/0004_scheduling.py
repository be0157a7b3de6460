"""support teams and scheduling

Revision ID: 0004_scheduling
Revises: 0003_timelogs
Create Date: 2026-11-24

Support-team members, bell-schedule periods, events (single or recurring) with attendees and
per-occurrence attendance.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import app.models.base

revision = "0004_scheduling"
down_revision = "0003_timelogs"
branch_labels = None
depends_on = None

TEAM_ROLES = ("mentor", "evaluator", "department_chair", "instructional_coach", "other")
EVENT_KINDS = ("orientation", "support_team", "peer_group", "mentor_training", "three_way", "observation", "other")


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
    ]


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)) + 4)


def upgrade() -> None:
    op.create_table(
        "bell_period",
        sa.Column("school_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], name=op.f("fk_bell_period_school_id_school")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bell_period")),
        sa.UniqueConstraint("school_id", "name", name=op.f("uq_bell_period_school_id_name")),
    )
    op.create_table(
        "event",
        sa.Column("school_year_id", sa.Uuid(), nullable=False),
        sa.Column("kind", _enum(EVENT_KINDS, "event_kind"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("school_id", sa.Uuid(), nullable=True),
        sa.Column("mentee_id", sa.Uuid(), nullable=True),
        sa.Column("starts_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=True),
        sa.Column("status", _enum(("scheduled", "held", "cancelled"), "event_status"), nullable=False),
        sa.Column("recurrence", _enum(("weekly", "biweekly", "monthly"), "event_recurrence"), nullable=True),
        sa.Column("repeat_until", sa.Date(), nullable=True),
        sa.Column("exdates", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(["mentee_id"], ["educator.id"], name=op.f("fk_event_mentee_id_educator")),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"], name=op.f("fk_event_school_id_school")),
        sa.ForeignKeyConstraint(["school_year_id"], ["school_year.id"], name=op.f("fk_event_school_year_id_school_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    with op.batch_alter_table("event") as batch_op:
        for column in ("mentee_id", "school_id", "school_year_id", "starts_at"):
            batch_op.create_index(batch_op.f(f"ix_event_{column}"), [column], unique=False)
    op.create_table(
        "support_team_member",
        sa.Column("mentee_id", sa.Uuid(), nullable=False),
        sa.Column("school_year_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("outside_name", sa.String(length=200), nullable=True),
        sa.Column("role", _enum(TEAM_ROLES, "support_team_role"), nullable=False),
        sa.Column("from_assignment", sa.Boolean(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(["member_id"], ["educator.id"], name=op.f("fk_support_team_member_member_id_educator")),
        sa.ForeignKeyConstraint(["mentee_id"], ["educator.id"], name=op.f("fk_support_team_member_mentee_id_educator")),
        sa.ForeignKeyConstraint(["school_year_id"], ["school_year.id"],
                                name=op.f("fk_support_team_member_school_year_id_school_year")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_team_member")),
    )
    with op.batch_alter_table("support_team_member") as batch_op:
        for column in ("member_id", "mentee_id", "school_year_id"):
            batch_op.create_index(batch_op.f(f"ix_support_team_member_{column}"), [column], unique=False)
    op.create_table(
        "event_attendee",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("educator_id", sa.Uuid(), nullable=True),
        sa.Column("outside_name", sa.String(length=200), nullable=True),
        sa.Column("outside_email", sa.String(length=200), nullable=True),
        *_tracked(),
        sa.ForeignKeyConstraint(["educator_id"], ["educator.id"], name=op.f("fk_event_attendee_educator_id_educator")),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], name=op.f("fk_event_attendee_event_id_event")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_attendee")),
    )
    with op.batch_alter_table("event_attendee") as batch_op:
        batch_op.create_index("ix_event_attendee_person", ["educator_id", "deleted_at", "event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_attendee_event_id"), ["event_id"], unique=False)
    op.create_table(
        "event_attendance",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("attendee_id", sa.Uuid(), nullable=False),
        sa.Column("occurrence_date", sa.Date(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        *_tracked(),
        sa.ForeignKeyConstraint(["attendee_id"], ["event_attendee.id"],
                                name=op.f("fk_event_attendance_attendee_id_event_attendee")),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], name=op.f("fk_event_attendance_event_id_event")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_attendance")),
        sa.UniqueConstraint("attendee_id", "occurrence_date",
                            name=op.f("uq_event_attendance_attendee_id_occurrence_date")),
    )
    with op.batch_alter_table("event_attendance") as batch_op:
        batch_op.create_index(batch_op.f("ix_event_attendance_event_id"), ["event_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_attendance") as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_attendance_event_id"))
    op.drop_table("event_attendance")
    with op.batch_alter_table("event_attendee") as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_attendee_event_id"))
        batch_op.drop_index("ix_event_attendee_person")
    op.drop_table("event_attendee")
    with op.batch_alter_table("support_team_member") as batch_op:
        for column in ("school_year_id", "mentee_id", "member_id"):
            batch_op.drop_index(batch_op.f(f"ix_support_team_member_{column}"))
    op.drop_table("support_team_member")
    with op.batch_alter_table("event") as batch_op:
        for column in ("starts_at", "school_year_id", "school_id", "mentee_id"):
            batch_op.drop_index(batch_op.f(f"ix_event_{column}"))
    op.drop_table("event")
    op.drop_table("bell_period")
