"""Who may write what: a supervising practitioner's field copy may change only its candidates' CAP
records and its own logs. The coordinator's laptops (partners with no `acting_for`) may write all.

Checked before a bundle is applied; a bundle that reaches beyond its sender's records is refused
whole and kept (status "refused"), so nothing is lost and the coordinator can look at it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models.sync import SyncReplica
from app.services.sync_capture import ROW, synced_tables

# Table -> (column naming the owner's record, how to reach the SP from it)
BY_PLACEMENT = ("cap_step", "cap_observation", "cap_evidence", "cap_rating", "cap_hours", "cap_survey")
BY_MENTOR = ("time_log", "time_log_group")


def refused(session: Session, partner: SyncReplica, ops: list[dict[str, Any]]) -> list[str]:
    """Why some of these operations may not come from this partner (empty: all allowed)."""
    if partner.acting_for is None:
        return []
    educator = partner.acting_for
    problems = []
    for op in ops:
        if op["replica"] == partner.id and _owner(session, op, ops) != educator:
            problems.append(f"{op['table_name']} {op['row_id']} ({op['column']}) is not {partner.name}'s record")
    return problems[:20]


def vouched(session: Session, partner: SyncReplica, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The operations to take from this partner: a field copy cannot vouch for other laptops'
    changes, so those it relays are left out (they arrive from their authors' own outboxes)."""
    if partner.acting_for is None:
        return ops
    return [op for op in ops if op["replica"] == partner.id]


def _owner(session: Session, op: dict[str, Any], ops: list[dict[str, Any]]) -> uuid.UUID | None:
    table = op["table_name"]
    if table in BY_MENTOR:
        return _as_uuid(_field(session, op, ops, "mentor_id"))
    if table in BY_PLACEMENT and "cap_placement" in synced_tables():
        placement = _as_uuid(_field(session, op, ops, "placement_id"))
        return _placement_sp(session, placement) if placement else None
    return None


def _field(session: Session, op: dict[str, Any], ops: list[dict[str, Any]], column: str) -> Any:
    """The owner column of the op's row: set by this op, by the bundle's insert of the row, or stored."""
    if op["column"] == column:
        return op["value"]
    if op["column"] == ROW:
        return op["value"].get(column)
    for other in ops:
        if other["row_id"] == op["row_id"] and other["column"] == ROW:
            return other["value"].get(column)
    table = synced_tables()[op["table_name"]].cls.__table__
    return session.connection().execute(select(table.c[column]).where(table.c.id == op["row_id"])).scalar()


def _placement_sp(session: Session, placement_id: uuid.UUID) -> uuid.UUID | None:
    table = synced_tables()["cap_placement"].cls.__table__
    return session.connection().execute(select(table.c.sp_id).where(table.c.id == placement_id)).scalar()


def _as_uuid(value: Any) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


# --- a field copy's scope (data minimization) -----------------------------------------------------

SHARED = ("school", "school_year", "setting", "cap_organization", "cap_hours_requirement")


def field_copy_rows(session: Session, sp_id: uuid.UUID) -> dict[str, set[uuid.UUID]]:
    """Table -> the row ids a field copy for this SP keeps: the district's schools, years and
    settings, the SP's placements with their candidates and CAP records, the SP's own logs, and
    the educators those name. Every other table is left out."""
    tables = synced_tables()
    conn = session.connection()

    def ids(table: str, where: Any = None) -> set[uuid.UUID]:
        if table not in tables:
            return set()
        t = tables[table].cls.__table__
        query = select(t.c.id) if where is None else select(t.c.id).where(where(t))
        return set(conn.execute(query).scalars())

    keep = {table: ids(table) for table in SHARED}
    placements = ids("cap_placement", lambda t: t.c.sp_id == sp_id)
    keep["cap_placement"] = placements
    if placements:
        p = tables["cap_placement"].cls.__table__
        keep["cap_candidate"] = set(conn.execute(select(p.c.candidate_id).where(p.c.id.in_(placements))).scalars())
        for table in BY_PLACEMENT:
            keep[table] = ids(table, lambda t: t.c.placement_id.in_(placements))
    for table in (*BY_MENTOR, "assignment"):
        keep[table] = ids(table, lambda t: t.c.mentor_id == sp_id)
    keep["educator"] = {sp_id} | _mentees(session, keep["assignment"])
    return keep


def _mentees(session: Session, assignment_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    if not assignment_ids:
        return set()
    t = synced_tables()["assignment"].cls.__table__
    return set(session.connection().execute(select(t.c.mentee_id).where(t.c.id.in_(assignment_ids))).scalars())


def in_field_copy_scope(session: Session, sp_id: uuid.UUID, op: dict[str, Any], ops: list[dict[str, Any]]) -> bool:
    """Whether a received operation belongs in this SP's field copy (others are not stored there)."""
    table = op["table_name"]
    if table in SHARED:
        return True
    if table in BY_PLACEMENT or table in BY_MENTOR:
        return _owner(session, op, ops) == sp_id
    if table == "assignment":
        return _as_uuid(_field(session, op, ops, "mentor_id")) == sp_id
    if table == "cap_placement":
        return _as_uuid(_field(session, op, ops, "sp_id")) == sp_id
    if table in ("cap_candidate", "educator"):
        return op["row_id"] == sp_id or _stored(session, table, op["row_id"]) or _named_by_placement(op, ops, sp_id)
    return False


def _stored(session: Session, table: str, row_id: uuid.UUID) -> bool:
    t = synced_tables()[table].cls.__table__
    return session.connection().execute(select(t.c.id).where(t.c.id == row_id)).first() is not None


def _named_by_placement(op: dict[str, Any], ops: list[dict[str, Any]], sp_id: uuid.UUID) -> bool:
    """A candidate arriving with the SP's new placement in the same bundle."""
    for other in ops:
        if other["table_name"] == "cap_placement" and other["column"] == ROW:
            value = other["value"]
            if str(value.get("candidate_id")) == str(op["row_id"]) and str(value.get("sp_id")) == str(sp_id):
                return True
    return False
