"""CAP: rating levels from the edition file; required hours follow the table; early literacy look-fors

Revision ID: 0009_cap_levels
Revises: 0008_sync_history
Create Date: 2026-11-30

- cap_rating.quality/scope/consistency: plain strings (40), no CHECK constraint: the levels are the
  placement's edition's `rating_levels` (resources/cap/cap_<edition>.json), checked by the service, so a
  program can rename or add a level without a new release.
- cap_candidate.hours_required: nullable. NULL means "what the cap_hours_requirement table says for the
  license field" (followed when the table changes); a number is an override for that candidate. Existing
  candidates whose number equals what the table says today become NULL (they were copies of the table);
  other numbers are kept as overrides. Downgrade writes the table's number back into the NULLs.
- cap_observation.look_fors: the Early Literacy Observation Form's look-fors seen (confidential).
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0009_cap_levels"
down_revision = "0008_sync_history"
branch_labels = None
depends_on = None

LEVELS = ("Unsatisfactory", "Needs Improvement", "Proficient", "Exemplary")
DIMENSIONS = ("quality", "scope", "consistency")
DEFAULT_HOURS = 300  # services/cap.DEFAULT_HOURS when the table has no row for the field and no "*" row


def _check(dim: str) -> str:
    """The CHECK that revision 0005's string enum made (named by the metadata's naming convention)."""
    return op.f(f"ck_cap_rating_cap_rating_{dim}")


LEVELS_SQL = ", ".join(f"'{level}'" for level in LEVELS)


def _table_hours(conn: sa.Connection) -> dict[str, int]:
    rows = conn.execute(sa.text("SELECT license_field, hours FROM cap_hours_requirement WHERE deleted_at IS NULL"))
    return {field.strip().lower(): hours for field, hours in rows}


def _required(table: dict[str, int], license_field: str) -> int:
    key = (license_field or "").strip().lower()
    return table.get(key, table.get("*", DEFAULT_HOURS))


def upgrade() -> None:
    with op.batch_alter_table("cap_rating", schema=None) as batch_op:
        for dim in DIMENSIONS:
            # dropped by name, and the old type given as a plain string: with the enum type as existing_type
            # PostgreSQL's ALTER would try to drop the same CHECK a second time
            batch_op.drop_constraint(_check(dim), type_="check")
            batch_op.alter_column(dim, existing_type=sa.String(length=21), type_=sa.String(length=40),
                                  existing_nullable=True)
    with op.batch_alter_table("cap_candidate", schema=None) as batch_op:
        batch_op.alter_column("hours_required", existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table("cap_observation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("look_fors", sa.JSON(), nullable=True))
    conn = op.get_bind()
    table = _table_hours(conn)
    copies = [row_id for row_id, field, hours in conn.execute(
        sa.text("SELECT id, license_field, hours_required FROM cap_candidate"))
        if hours == _required(table, field)]
    for row_id in copies:
        conn.execute(sa.text("UPDATE cap_candidate SET hours_required = NULL WHERE id = :id"), {"id": row_id})


def downgrade() -> None:
    conn = op.get_bind()
    table = _table_hours(conn)
    for row_id, field in conn.execute(
            sa.text("SELECT id, license_field FROM cap_candidate WHERE hours_required IS NULL")).all():
        conn.execute(sa.text("UPDATE cap_candidate SET hours_required = :h WHERE id = :id"),
                     {"h": _required(table, field), "id": row_id})
    # a level the older schema does not know cannot stay: it is cleared (the rating row is kept)
    for dim in DIMENSIONS:
        conn.execute(sa.text(f"UPDATE cap_rating SET {dim} = NULL WHERE {dim} IS NOT NULL AND {dim} NOT IN "
                             f"({LEVELS_SQL})"))
    with op.batch_alter_table("cap_observation", schema=None) as batch_op:
        batch_op.drop_column("look_fors")
    with op.batch_alter_table("cap_candidate", schema=None) as batch_op:
        batch_op.alter_column("hours_required", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("cap_rating", schema=None) as batch_op:
        for dim in DIMENSIONS:
            batch_op.alter_column(dim, existing_type=sa.String(length=40), type_=sa.String(length=21),
                                  existing_nullable=True)
            batch_op.create_check_constraint(_check(dim), sa.text(f"{dim} IN ({LEVELS_SQL})"))
