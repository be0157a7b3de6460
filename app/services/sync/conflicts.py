"""The conflict inbox: list every competing value, and resolve a conflict by writing a new value
(Keep mine / Take theirs / Edit), restoring a deleted row, or confirming the deletion.

A resolution is an ordinary edit: its operation has seen every head of the field, so it clears
the conflict on every replica once it travels.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app.models.sync import SyncConflict, SyncConflictHistory, SyncReplica
from app.services.sync.capture import FORCE, synced_tables
from app.services.sync.identity import SyncError


@dataclass(frozen=True)
class Competing:
    value: Any
    by: str  # the replica's name
    at: str  # ISO moment of the operation's stamp (UTC)
    op: str
    edited: str | None = None  # edit-versus-delete: the column the unseen edit changed


@dataclass(frozen=True)
class Conflict:
    table: str
    record: str
    field: str
    kind: str  # field; edit_delete (edited or restored on one laptop, deleted on another); duplicate
    values: tuple[Competing, ...]  # the provisional value first
    label: str = ""  # the record as a person knows it ("educator Ana Lee (E1)")

    def describe(self, v: Competing) -> str:
        """One competing value in words, the same on the Sync page and in `mentordesk conflicts`."""
        if v.edited:
            return f"{v.edited} = {v.value!r}"
        if self.kind == "edit_delete":
            return "deleted" if v.value is not None else "restored"
        return repr(v.value)

    def as_json(self) -> dict[str, Any]:
        values = []
        for v in self.values:
            entry = {"value": v.value, "by": v.by, "at": v.at}
            if v.edited:
                entry["edited"] = v.edited
            values.append(entry)
        return {"table": self.table, "record": self.record, "field": self.field, "kind": self.kind,
                "values": values}


def list_conflicts(session: Session) -> list[Conflict]:
    names = _replica_names(session)
    query = select(SyncConflict).order_by(SyncConflict.table_name, SyncConflict.row_id, SyncConflict.column)
    return [Conflict(c.table_name, str(c.row_id), c.column, c.kind, tuple(_competing(v, names) for v in c.values),
                     record_label(session, c.table_name, c.row_id)) for c in session.scalars(query)]


def record_label(session: Session, table: str, record: uuid.UUID) -> str:
    """'educator Ana Lee (E1)', 'school North'; the table and a short id for other records, or for
    one that is not here (held back, or deleted and purged)."""
    synced = synced_tables().get(table)
    row = None
    if synced is not None:
        row = session.scalars(select(synced.cls).where(synced.cls.id == record)
                              .execution_options(include_deleted=True)).first()
    if row is not None and hasattr(row, "employee_id"):
        return f"{table} {row.first_name} {row.last_name} ({row.employee_id})"
    if row is not None and isinstance(getattr(row, "name", None), str):
        return f"{table} {row.name}"
    return f"{table} {str(record)[:8]}"


def _replica_names(session: Session) -> dict[str, str]:
    return {rid: name for rid, name in session.execute(select(SyncReplica.id, SyncReplica.name))}


def _competing(v: dict[str, Any], names: dict[str, str]) -> Competing:
    return Competing(v["value"], names.get(v["replica"], v["replica"]), _moment(v["wall"]), v["op"], v.get("edited"))


@dataclass(frozen=True)
class Settled:
    """A conflict this laptop listed, once settled: what competed and what was kept."""

    conflict: Conflict
    kept: Competing
    settled_at: dt.datetime

    def as_json(self) -> dict[str, Any]:
        kept = {"value": self.kept.value, "by": self.kept.by, "at": self.kept.at}
        return {**self.conflict.as_json(), "kept": kept, "settled_at": self.settled_at.isoformat(timespec="seconds")}


def settled_conflicts(session: Session, limit: int = 200) -> list[Settled]:
    """The most recently settled conflicts first (the Sync page's "Resolved" list)."""
    names = _replica_names(session)
    query = select(SyncConflictHistory).order_by(SyncConflictHistory.id.desc()).limit(limit)
    return [Settled(Conflict(h.table_name, str(h.row_id), h.column, h.kind,
                             tuple(_competing(v, names) for v in h.values), record_label(session, h.table_name, h.row_id)),
                    _competing(h.kept, names), h.settled_at) for h in session.scalars(query)]


def conflicts_json(session: Session) -> dict[str, Any]:
    """`mentordesk conflicts --json`: {"conflicts": [{"table", "record", "field", "values": [...]}]}."""
    return {"schema": SCHEMA, "conflicts": [c.as_json() for c in list_conflicts(session)]}


SCHEMA = "mentordesk.conflicts/1"  # `conflicts --json` (docs/formats.md)
RESOLVED_SCHEMA = "mentordesk.resolved_conflicts/1"  # `conflicts --resolved --json`


def resolved_json(settled: list[Any]) -> dict[str, Any]:
    """`mentordesk conflicts --resolved --json`: {"schema", "resolved": [...]}, latest first."""
    return {"schema": RESOLVED_SCHEMA, "resolved": [s.as_json() for s in settled]}


def _moment(wall_ms: int) -> str:
    return dt.datetime.fromtimestamp(wall_ms / 1000, dt.timezone.utc).isoformat(timespec="seconds")


def _row(session: Session, table: str, record: str | uuid.UUID) -> Any:
    synced = synced_tables().get(table)
    if synced is None:
        raise SyncError(f"No synced table {table!r}.")
    query = (select(synced.cls).where(synced.cls.id == uuid.UUID(str(record)))
             .options(undefer("*")).execution_options(include_deleted=True))
    row = session.scalars(query).first()
    if row is None:
        raise SyncError(f"No {table} record {record}.")
    return row


def resolve(session: Session, table: str, record: str | uuid.UUID, field: str, value: Any) -> None:
    """Settle a field conflict with `value` (one of the competing values, or a new one), given
    as it appears in the conflict list (JSON form)."""
    synced = synced_tables()[table]
    if field == "deleted_at":
        raise SyncError(f"{table}.{field} is settled by restoring the record or keeping it deleted.")
    if field not in synced.columns:
        raise SyncError(f"{table} has no field {field!r} that travels between laptops.")
    key, _enc, decode = synced.columns[field]
    _force_write(session, _row(session, table, record), table, field, key, decode(value))


def restore(session: Session, table: str, record: str | uuid.UUID) -> None:
    """Edit (or restore) versus delete: bring the row back, keeping the edits."""
    _force_write(session, _row(session, table, record), table, "deleted_at", "deleted_at", None)


def confirm_delete(session: Session, table: str, record: str | uuid.UUID) -> None:
    """Edit (or restore) versus delete: keep the row deleted, having seen the edits."""
    from app.models.base import utcnow

    _force_write(session, _row(session, table, record), table, "deleted_at", "deleted_at", utcnow())


def _force_write(session: Session, row: Any, table: str, field: str, key: str, value: Any) -> None:
    """Record the value as an operation that has seen every head of the field, even when the row
    already holds it (Keep mine; restoring a row a restore already brought back)."""
    forced = session.info.setdefault(FORCE, set())
    forced.add((table, row.id, field))
    try:
        _force_change(row, key, value)
        session.flush()
    finally:
        forced.discard((table, row.id, field))


def _force_change(row: Any, key: str, value: Any) -> None:
    """Write the value even when the row already holds it (Keep mine), so an operation that has
    seen every head is recorded."""
    from sqlalchemy.orm.attributes import flag_modified

    setattr(row, key, value)
    flag_modified(row, key)
