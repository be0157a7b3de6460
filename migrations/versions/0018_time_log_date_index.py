"""time log list: an index on time_log (date, id) for the Time Logs list's pages

Revision ID: 0018_time_log_date_index
Revises: 0017_devices
Create Date: 2026-12-07

Issue 17, item 9 (scrolling a 200,000-row time-log list). The list pages through the entries newest first
by a keyset on (date, id) (app/services/timelogs/logs.py `list_entries`). With this index SQLite reads a
page in (date, id) order and stops after the page's 200 rows, instead of reading and sorting every entry
of the page's last date (docs/timelog-scrolling.md has the figures). An index only: no data changes, the
same on SQLite and PostgreSQL.
"""
from __future__ import annotations

from alembic import op

revision = "0018_time_log_date_index"
down_revision = "0017_devices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_time_log_date_id", "time_log", ["date", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_time_log_date_id", table_name="time_log")
