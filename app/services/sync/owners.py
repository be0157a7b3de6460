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
from app.services.sync.capture import ROW, synced_tables

# Table -> (column naming the owner's record, how to reach the SP from it)
BY_PLACEMENT = ("cap_step", "cap_observation", "cap_evidence", "cap_rating", "cap_hours", "cap_survey")
BY_MENTOR = ("time_log", "time_log_group")


class _Unknown:
    """The op's record is not here yet (its insert travels in another bundle): decide later."""


UNKNOWN: Any = _Unknown()


def refused(session: Session, partner: SyncReplica, ops: list[dict[str, Any]]) -> tuple[list[str], set[int]]:
    """Why some of these operations may not come from this partner (empty: all allowed), and the
    positions of those whose record is not here yet, so whose owner cannot be told: they wait."""
    if partner.acting_for is None:
        return [], set()
    educator = partner.acting_for
    problems, waiting = [], set()
    for i, op in enumerate(ops):
        if op["replica"] != partner.id:
            continue
        owners = _owners(session, op, ops)
        if owners is UNKNOWN:
            waiting.add(i)
        elif educator not in owners:
            problems.append(f"{op['table_name']} {op['row_id']} ({op['column']}) is not {partner.name}'s record")
    return problems[:20], waiting


def vouched(session: Session, partner: SyncReplica, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The operations to take from this partner: a field copy cannot vouch for other laptops'
    changes, so those it relays are left out (they arrive from their authors' own outboxes)."""
    if partner.acting_for is None:
        return ops
    return [op for op in ops if op["replica"] == partner.id]


def _owners(session: Session, op: dict[str, Any], ops: list[dict[str, Any]]) -> Any:
    """The educators who own the op's record (none: the coordinator's alone), or UNKNOWN. An SP
    owns their placements (goals, dates) and what hangs on them, and the candidates placed with
    them (a candidate's own required hours); a mentor owns their logs."""
    table = op["table_name"]
    if table in BY_MENTOR:
        return _known({_as_uuid(_field(session, op, ops, "mentor_id"))})
    if table == "cap_placement":
        return _known({_as_uuid(_field(session, op, ops, "sp_id"))})
    if table == "cap_candidate":
        return _candidate_sps(session, op["row_id"], ops)
    if table in BY_PLACEMENT and "cap_placement" in synced_tables():
        placement = _as_uuid(_field(session, op, ops, "placement_id"))
        return _known({placement if placement is None or placement is UNKNOWN
                       else _placement_sp(session, placement, ops)})
    return set()


def _known(owners: set[Any]) -> Any:
    return UNKNOWN if UNKNOWN in owners else owners - {None}


def _candidate_sps(session: Session, candidate_id: uuid.UUID, ops: list[dict[str, Any]]) -> set[Any]:
    """The SPs of the candidate's placements, stored or made in this bundle."""
    table = synced_tables()["cap_placement"].cls.__table__
    stored = session.connection().execute(select(table.c.sp_id).where(table.c.candidate_id == candidate_id))
    made = (op["value"].get("sp_id") for op in ops if op["table_name"] == "cap_placement" and op["column"] == ROW
            and _as_uuid(op["value"].get("candidate_id")) == candidate_id)
    return {_as_uuid(sp) for sp in [*stored.scalars(), *made]} - {None}


def _field(session: Session, op: dict[str, Any], ops: list[dict[str, Any]], column: str) -> Any:
    """The owner column of the op's row: set by this op, by the bundle's insert of the row, or
    stored; UNKNOWN when the row is none of these (an edit that arrived before its insert)."""
    if op["column"] == column:
        return op["value"]
    if op["column"] == ROW:
        return op["value"].get(column)
    for other in ops:
        if other["row_id"] == op["row_id"] and other["column"] == ROW:
            return other["value"].get(column)
    table = synced_tables()[op["table_name"]].cls.__table__
    row = session.connection().execute(select(table.c[column]).where(table.c.id == op["row_id"])).first()
    return UNKNOWN if row is None else row[0]


def _placement_sp(session: Session, placement_id: uuid.UUID, ops: list[dict[str, Any]]) -> Any:
    """The placement's SP (stored, or inserted in this bundle), or UNKNOWN when it is not here (yet)."""
    for other in ops:
        if other["table_name"] == "cap_placement" and other["column"] == ROW and other["row_id"] == placement_id:
            return _as_uuid(other["value"].get("sp_id"))
    table = synced_tables()["cap_placement"].cls.__table__
    row = session.connection().execute(select(table.c.sp_id).where(table.c.id == placement_id)).first()
    return UNKNOWN if row is None else row[0]


def _as_uuid(value: Any) -> Any:
    if value is None or value is UNKNOWN or isinstance(value, uuid.UUID):
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


# A field copy remembers the ids (only) of other SPs' CAP records it leaves out.
FOREIGN_KEPT = (*BY_PLACEMENT, "cap_placement", "cap_candidate")


def in_field_copy_scope(session: Session, sp_id: uuid.UUID, op: dict[str, Any], ops: list[dict[str, Any]]) -> bool | None:
    """Whether a received operation belongs in this SP's field copy (others are not stored there);
    None when it cannot be told yet: an edit of a CAP record whose insert has not arrived."""
    table = op["table_name"]
    if table in SHARED:
        return True
    if table in FOREIGN_KEPT and _foreign(session, table, op["row_id"]):
        return False
    if table in BY_PLACEMENT:
        placement = _as_uuid(_field(session, op, ops, "placement_id"))
        if placement is UNKNOWN:
            return None
        if placement is None:
            return False
        sp = _placement_sp(session, placement, ops)
        if sp is UNKNOWN:
            return False if _foreign(session, "cap_placement", placement) else None
        return sp == sp_id
    if table in BY_MENTOR or table == "assignment":  # logs are insert-only: one not here is not this SP's
        mentor = _field(session, op, ops, "mentor_id")
        return mentor is not UNKNOWN and _as_uuid(mentor) == sp_id
    if table == "cap_placement":
        sp = _field(session, op, ops, "sp_id")
        return None if sp is UNKNOWN else _as_uuid(sp) == sp_id
    if table in ("cap_candidate", "educator"):
        if op["row_id"] == sp_id or _stored(session, table, op["row_id"]) or _named_by_placement(op, ops, sp_id):
            return True
        return None if table == "cap_candidate" and op["column"] != ROW else False
    return False


def remember_foreign(session: Session, left_out: list[dict[str, Any]]) -> None:
    """Record the inserts of other SPs' CAP records a field copy did not take."""
    from sqlalchemy import insert

    from app.models.sync import SyncForeignRow

    rows = {(op["table_name"], op["row_id"]) for op in left_out if op["table_name"] in FOREIGN_KEPT
            and op["column"] == ROW}
    rows = {r for r in rows if not _foreign(session, *r)}
    if rows:
        session.connection().execute(insert(SyncForeignRow.__table__),
                                     [{"table_name": t, "row_id": r} for t, r in rows])


def _foreign(session: Session, table: str, row_id: Any) -> bool:
    from app.models.sync import SyncForeignRow

    t = SyncForeignRow.__table__
    query = select(t.c.row_id).where(t.c.table_name == table, t.c.row_id == _as_uuid(row_id))
    return session.connection().execute(query).first() is not None


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
