"""A time log's release time says whom it freed: mentor, mentee or both (NULL: none)

Revision ID: 0012_release_time
Revises: 0011_sp_pool
Create Date: 2026-12-07

603 CMR 7.12(2)(d): release time for the mentor and for the beginning teacher is a required component of
an induction program, so the two are counted apart. `time_log.release_time` was a yes/no flag that did not
say whose time it was; it becomes a short enum (mentor | mentee | both, NULL for none). Existing `true`
rows become "both" (the flag was ticked for the session, which both people attended); `false` rows NULL.
The mentee totals index gains release_time and a mentor totals index is added, so the release totals read
indexes only. Downgrade turns any value back into `true` and NULL into `false`, and restores the indexes.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0012_release_time"
down_revision = "0011_sp_pool"
branch_labels = None
depends_on = None

CODES = ("mentor", "mentee", "both")  # app/models/vocab.py RELEASE_CODES at this revision


def _enum() -> sa.Enum:
    return sa.Enum(*CODES, name="time_log_release", native_enum=False, create_constraint=False,
                   length=max(map(len, CODES)) + 4)


def upgrade() -> None:
    with op.batch_alter_table("time_log") as batch_op:
        batch_op.add_column(sa.Column("release_for", _enum(), nullable=True))
    time_log = sa.table("time_log", sa.column("release_time", sa.Boolean()), sa.column("release_for", sa.String()))
    op.execute(time_log.update().where(time_log.c.release_time == sa.true()).values(release_for="both"))
    with op.batch_alter_table("time_log") as batch_op:
        batch_op.drop_column("release_time")
        batch_op.alter_column("release_for", new_column_name="release_time", existing_type=_enum(),
                              existing_nullable=True)
    with op.batch_alter_table("time_log") as batch_op:
        # The model's enum check (app/models/base.py writes it as comparisons on SQLite).
        batch_op.create_check_constraint(op.f("ck_time_log_time_log_release"), sa.column("release_time").in_(CODES))
    # The release totals read covering indexes, as the hours totals do (app/models/timelogs.py): a year of the
    # large demo's 196,000 entries took 0.3-0.4 s per side with them, 1-1.5 s without (2-core machine, loaded).
    op.drop_index("ix_time_log_mentee_totals", table_name="time_log")
    op.create_index("ix_time_log_mentee_totals", "time_log",
                    ["mentee_id", "deleted_at", "date", "minutes", "activity", "release_time"], unique=False)
    op.create_index("ix_time_log_mentor_totals", "time_log",
                    ["mentor_id", "group_id", "deleted_at", "date", "minutes", "release_time"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_time_log_mentor_totals", table_name="time_log")
    op.drop_index("ix_time_log_mentee_totals", table_name="time_log")
    op.create_index("ix_time_log_mentee_totals", "time_log", ["mentee_id", "deleted_at", "date", "minutes", "activity"],
                    unique=False)
    with op.batch_alter_table("time_log") as batch_op:
        batch_op.drop_constraint(op.f("ck_time_log_time_log_release"), type_="check")
        batch_op.add_column(sa.Column("release_flag", sa.Boolean(), nullable=False, server_default=sa.false()))
    time_log = sa.table("time_log", sa.column("release_time", sa.String()), sa.column("release_flag", sa.Boolean()))
    op.execute(time_log.update().where(time_log.c.release_time.is_not(None)).values(release_flag=True))
    with op.batch_alter_table("time_log") as batch_op:
        batch_op.drop_column("release_time")
        batch_op.alter_column("release_flag", new_column_name="release_time", existing_type=sa.Boolean(),
                              existing_nullable=False, server_default=None)
