"""Mentors from outside the district's staff, a mentee's focus areas and a mentor's strengths

Revision ID: 0015_external_mentors
Revises: 0012_release_time
Create Date: 2026-12-07

004, "Mentor Selection": "Districts may also want to consider recruiting recently retired effective teachers
who meet the above criteria"; "Induction Programs for Administrators": "Districts may also consider hiring
retired administrators to serve as mentors"; "Mentor Assignment and Compensation": "Smaller districts may
consider partnering with neighboring districts to share mentoring resources". `educator.external` says that a
person is not the district's current staff: "retired" or "other_district" (NULL: on staff, as every existing
row is). The same section: "The match to the mentor should take into account individual needs of the
beginning teacher": `educator.focus` (a mentee's needs) and `educator.strengths` (a mentor's), JSON lists,
empty for existing rows. Downgrade drops the three columns (the flags and areas are lost; nothing else).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0015_external_mentors"
down_revision = "0014_pipeline"
branch_labels = None
depends_on = None

KINDS = ("retired", "other_district")  # app/models/vocab.py EXTERNAL_KINDS at this revision


def _enum() -> sa.Enum:
    return sa.Enum(*KINDS, name="educator_external", native_enum=False, create_constraint=False,
                   length=max(map(len, KINDS)) + 4)


def upgrade() -> None:
    with op.batch_alter_table("educator") as batch_op:
        batch_op.add_column(sa.Column("external", _enum(), nullable=True))
        batch_op.add_column(sa.Column("focus", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("strengths", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table("educator") as batch_op:
        # The existing rows have their empty lists; the model gives new rows theirs (no server default left).
        batch_op.alter_column("focus", existing_type=sa.JSON(), existing_nullable=False, server_default=None)
        batch_op.alter_column("strengths", existing_type=sa.JSON(), existing_nullable=False, server_default=None)
        # The model's enum check (app/models/base.py writes it as comparisons on SQLite).
        batch_op.create_check_constraint(op.f("ck_educator_educator_external"), sa.column("external").in_(KINDS))


def downgrade() -> None:
    with op.batch_alter_table("educator") as batch_op:
        batch_op.drop_constraint(op.f("ck_educator_educator_external"), type_="check")
    with op.batch_alter_table("educator") as batch_op:
        batch_op.drop_column("strengths")
        batch_op.drop_column("focus")
        batch_op.drop_column("external")
