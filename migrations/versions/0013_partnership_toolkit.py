"""The partnership toolkit as records: contacts, agreements, self- and vision assessments, vision, SMART goals
with action plans and reviews, the five Partnerships criteria

Revision ID: 0013_partnership_toolkit
Revises: 0012_release_time
Create Date: 2026-12-07

001 (Partnership Toolkit) and 002 (Formal Review Advisory, Partnerships domain); app/models/partnership.py
says what each table holds. New tables only: nothing existing changes, so upgrade needs no data step and
downgrade drops the tables (and the toolkit records with them).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import app.models.base

revision = "0013_partnership_toolkit"
down_revision = "0012_release_time"
branch_labels = None
depends_on = None

# app/models/partnership.py vocabularies at this revision
AGREEMENT_KINDS = ("compact", "data_sharing", "other")
ASSESSMENT_KINDS = ("self_assessment", "vision")
GOAL_STATUSES = ("active", "met", "not_met", "dropped")
STEP_STATUSES = ("not_started", "in_progress", "done", "dropped")
CRITERION_STATUSES = ("not_assessed", "met", "partly_met", "not_met")


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)) + 4)


def _tracked() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", app.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
    ]


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"))


def _table(name: str, *columns: sa.Column, fks: tuple[tuple[str, str], ...] = (), extra: tuple = (),
           index: str | None = None) -> None:
    op.create_table(name, *columns, *_tracked(), *(_fk(name, c, t) for c, t in fks),
                    sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")), *extra)
    if index:
        op.create_index(op.f(f"ix_{name}_{index}"), name, [index], unique=False)


def upgrade() -> None:
    _table("partner_contact",
           sa.Column("partnership_id", sa.Uuid(), nullable=False),
           sa.Column("name", sa.String(length=200), nullable=False),
           sa.Column("title", sa.String(length=200), nullable=True),
           sa.Column("email", sa.String(length=200), nullable=True),
           sa.Column("phone", sa.String(length=40), nullable=True),
           fks=(("partnership_id", "partnership"),), index="partnership_id")
    _table("partnership_agreement",
           sa.Column("partnership_id", sa.Uuid(), nullable=False),
           sa.Column("kind", _enum(AGREEMENT_KINDS, "agreement_kind"), nullable=False),
           sa.Column("title", sa.String(length=200), nullable=False),
           sa.Column("starts_on", sa.Date(), nullable=True),
           sa.Column("ends_on", sa.Date(), nullable=True),
           sa.Column("signed_by", sa.String(length=400), nullable=True),
           sa.Column("signed_on", sa.Date(), nullable=True),
           sa.Column("parties", sa.Text(), nullable=True),
           sa.Column("data_elements", sa.JSON(), nullable=False),
           sa.Column("purposes", sa.Text(), nullable=True),
           sa.Column("notes", sa.Text(), nullable=True),
           fks=(("partnership_id", "partnership"),), index="partnership_id")
    _table("partnership_criterion",
           sa.Column("school_year_id", sa.Uuid(), nullable=False),
           sa.Column("number", sa.Integer(), nullable=False),
           sa.Column("status", _enum(CRITERION_STATUSES, "criterion_status"), nullable=False),
           sa.Column("note", sa.Text(), nullable=True),
           fks=(("school_year_id", "school_year"),), index="school_year_id",
           extra=(sa.UniqueConstraint("school_year_id", "number",
                                      name=op.f("uq_partnership_criterion_school_year_id_number")),))
    _table("partnership_goal",
           sa.Column("school_year_id", sa.Uuid(), nullable=False),
           sa.Column("partnership_id", sa.Uuid(), nullable=True),
           sa.Column("goal", sa.Text(), nullable=False),
           sa.Column("smart", sa.JSON(), nullable=False),
           sa.Column("due_on", sa.Date(), nullable=True),
           sa.Column("status", _enum(GOAL_STATUSES, "goal_status"), nullable=False),
           fks=(("partnership_id", "partnership"), ("school_year_id", "school_year")), index="school_year_id")
    _table("partnership_response",
           sa.Column("school_year_id", sa.Uuid(), nullable=False),
           sa.Column("kind", _enum(ASSESSMENT_KINDS, "assessment_kind"), nullable=False),
           sa.Column("respondent", sa.String(length=200), nullable=False),
           sa.Column("role", sa.String(length=120), nullable=True),
           sa.Column("taken_on", sa.Date(), nullable=True),
           sa.Column("answers", sa.JSON(), nullable=False),
           sa.Column("comments", sa.Text(), nullable=True),
           fks=(("school_year_id", "school_year"),), index="school_year_id")
    _table("partnership_vision",
           sa.Column("school_year_id", sa.Uuid(), nullable=False),
           sa.Column("statement", sa.Text(), nullable=False),
           sa.Column("adopted_on", sa.Date(), nullable=True),
           fks=(("school_year_id", "school_year"),),
           extra=(sa.UniqueConstraint("school_year_id", name=op.f("uq_partnership_vision_school_year_id")),))
    _table("partnership_action_step",
           sa.Column("goal_id", sa.Uuid(), nullable=False),
           sa.Column("position", sa.Integer(), nullable=False),
           sa.Column("step", sa.Text(), nullable=False),
           sa.Column("timeframe", sa.String(length=120), nullable=True),
           sa.Column("responsible", sa.String(length=200), nullable=True),
           sa.Column("involved", sa.Text(), nullable=True),
           sa.Column("outputs", sa.Text(), nullable=True),
           sa.Column("outcomes", sa.Text(), nullable=True),
           sa.Column("resources", sa.Text(), nullable=True),
           sa.Column("impact", sa.Integer(), nullable=True),
           sa.Column("lift", sa.Integer(), nullable=True),
           sa.Column("status", _enum(STEP_STATUSES, "step_status"), nullable=False),
           fks=(("goal_id", "partnership_goal"),), index="goal_id")
    _table("partnership_goal_review",
           sa.Column("goal_id", sa.Uuid(), nullable=False),
           sa.Column("reviewed_on", sa.Date(), nullable=False),
           sa.Column("progress", sa.Text(), nullable=True),
           sa.Column("status", _enum(GOAL_STATUSES, "review_goal_status"), nullable=False),
           fks=(("goal_id", "partnership_goal"),), index="goal_id")


def downgrade() -> None:
    for name in ("partnership_goal_review", "partnership_action_step", "partnership_vision", "partnership_response",
                 "partnership_goal", "partnership_criterion", "partnership_agreement", "partner_contact"):
        op.drop_table(name)
