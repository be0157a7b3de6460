"""Capture: every change to a user-edited (Tracked) table becomes operations in `sync_op`, in the
same transaction, from a SQLAlchemy flush hook.

- a new row is ONE operation, column "*", carrying every synced field;
- an update is one operation per changed column, having seen that field's heads;
- a tombstone is one operation on `deleted_at`, having seen every head of the row.

Nothing is captured until `sync setup` has made this database a replica (no self row); setup
back-fills one row operation per existing row so nothing is missing. Bookkeeping columns
(`id`, `version`, `updated_at`, `updated_by`) never travel.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.attributes import instance_state

from app.models import Tracked
from app.models.sync import SyncConflict, SyncOp, SyncReplica
from app.services.sync.tables import (
    APPLYING,
    CLOCK,
    FORCE,
    ROW,
    SyncedTable,
    synced_tables,
    table_of,
)


@dataclass
class Clock:
    """Hybrid logical clock: wall milliseconds plus a counter. Never goes backwards, whatever
    the laptop's clock does; merging a received stamp keeps later local stamps after it."""

    wall: int
    counter: int

    def tick(self, now_ms: int) -> tuple[int, int]:
        if now_ms > self.wall:
            self.wall, self.counter = now_ms, 0
        else:
            self.counter += 1
        return self.wall, self.counter

    def observe(self, wall: int, counter: int) -> None:
        if (wall, counter) > (self.wall, self.counter):
            self.wall, self.counter = wall, counter


def now_ms(session: Session) -> int:
    return int(session.info.get(CLOCK, time.time)() * 1000)


# --- this replica -------------------------------------------------------------------------------


@dataclass
class Writer:
    """The self replica's counters for one flush: hands out op ids and stamps, then saves them."""

    replica: str
    next_seq: int
    clock: Clock
    now: int

    def stamp(self) -> tuple[str, int, int, int]:
        seq = self.next_seq
        self.next_seq += 1
        wall, counter = self.clock.tick(self.now)
        return self.replica, seq, wall, counter

    def save(self, session: Session) -> None:
        session.connection().execute(
            update(SyncReplica.__table__).where(SyncReplica.__table__.c.id == self.replica)
            .values(next_seq=self.next_seq, hlc_wall=self.clock.wall, hlc_counter=self.clock.counter)
        )


def writer(session: Session) -> Writer | None:
    """This database's replica counters, or None when sync is not set up (nothing is captured).

    On a server, several people save at once through the one replica: the row is locked until
    the transaction ends, so a second save waits and takes the next numbers (sequence numbers
    must have no gaps and no repeats). A SQLite file already has one writer at a time."""
    t = SyncReplica.__table__
    row = session.connection().execute(
        select(t.c.id, t.c.next_seq, t.c.hlc_wall, t.c.hlc_counter).where(t.c.is_self.is_(True)).with_for_update()
    ).first()
    if row is None:
        return None
    return Writer(row.id, row.next_seq, Clock(row.hlc_wall, row.hlc_counter), now_ms(session))


def op_id(replica: str, seq: int) -> str:
    return f"{replica}:{seq}"


def op_row(w: Writer, table: str, row_id: uuid.UUID, column: str, value: Any, seen: list[str] | None) -> dict:
    replica, seq, wall, counter = w.stamp()
    return {"replica": replica, "seq": seq, "hlc_wall": wall, "hlc_counter": counter, "table_name": table,
            "row_id": row_id, "column": column, "value": value, "seen": seen or None}


def write_ops(session: Session, rows: list[dict]) -> None:
    if rows:
        session.connection().execute(insert(SyncOp.__table__), rows)


# --- the flush hook -----------------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _capture(session: Session, _context: Any) -> None:
    if session.info.get(APPLYING):
        return
    new = [o for o in session.new if isinstance(o, Tracked)]
    dirty = [o for o in session.dirty if isinstance(o, Tracked)]
    if not new and not dirty:
        return
    w = writer(session)
    if w is None:
        return
    ops = [op_row(w, t.name, o.id, ROW, t.encode_row(o), None) for o, t in _with_tables(new)]
    changed = _changes(dirty, session.info.get(FORCE) or set())
    if changed:
        ops += _update_ops(session, w, changed)
    write_ops(session, ops)
    w.save(session)
    if changed:
        _refresh_conflicts(session, changed)


@event.listens_for(Session, "do_orm_execute")
def _capture_bulk_insert(state: Any) -> None:
    """ORM bulk INSERTs (`session.execute(insert(Model), rows)`, e.g. the demo's time logs) bypass
    the flush: record one row operation per row here, in the same transaction."""
    if not state.is_insert or state.session.info.get(APPLYING) or state.bind_mapper is None:
        return
    table = table_of(state.bind_mapper.class_)
    params = state.parameters
    if table is None or not params:
        return
    w = writer(state.session)
    if w is None:
        return
    rows = params if isinstance(params, list) else [params]
    if any("id" not in row for row in rows):
        raise TypeError(f"bulk insert into {table.name} must give every row its id while sync is set up")
    write_ops(state.session, [op_row(w, table.name, row["id"], ROW, _encode_given(table, row), None) for row in rows])
    w.save(state.session)


def _encode_given(table: SyncedTable, row: dict[str, Any]) -> dict[str, Any]:
    return {col: enc(row[key]) for col, (key, enc, _dec) in table.columns.items() if key in row}


def _with_tables(objs: Iterable[Any]) -> Iterable[tuple[Any, SyncedTable]]:
    for obj in objs:
        table = table_of(type(obj))
        if table is not None:
            yield obj, table


def _changes(dirty: list[Any], forced: set) -> dict[tuple[str, uuid.UUID], dict[str, Any]]:
    """(table, row id) -> {column: encoded new value} for the columns whose value really changed."""
    out: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    for obj, table in _with_tables(dirty):
        committed = instance_state(obj).committed_state
        key_to_col = table.key_of()
        values = {}
        for key, old in committed.items():
            col = key_to_col.get(key)
            if col is None:
                continue
            _k, enc, _d = table.columns[col]
            new_value = enc(obj.__dict__.get(key))
            if new_value != _encoded_old(enc, old) or (table.name, obj.id, col) in forced:
                values[col] = new_value
        if values:
            out[(table.name, obj.id)] = values
    return out


def _encoded_old(enc: Callable[[Any], Any], old: Any) -> Any:
    try:
        return enc(old)
    except (AttributeError, TypeError):  # NO_VALUE and other markers: treat as changed
        return object()


def _update_ops(session: Session, w: Writer, changed: dict) -> list[dict]:
    from app.services.sync.merge import field_heads, load_ops

    ops_by_row = load_ops(session, [row for _t, row in changed])
    rows = []
    for (table, row_id), values in changed.items():
        row_ops = ops_by_row.get(row_id, [])
        if "deleted_at" in values:
            seen = sorted({h.id for col in _all_fields(row_ops) for h in field_heads(row_ops, col)})
            rows.append(op_row(w, table, row_id, "deleted_at", values.pop("deleted_at"), seen))
        for column, value in values.items():
            seen = sorted(h.id for h in field_heads(row_ops, column))
            rows.append(op_row(w, table, row_id, column, value, seen))
    return rows


def _all_fields(row_ops: list[Any]) -> set[str]:
    fields: set[str] = set()
    for op in row_ops:
        fields.update(op.value if op.column == ROW else (op.column,))
    return fields


def _refresh_conflicts(session: Session, changed: dict) -> None:
    """A local edit of a conflicted field has seen every head: it resolves the conflict."""
    t = SyncConflict.__table__
    if session.connection().execute(select(t.c.row_id).limit(1)).first() is None:
        return
    from app.services.sync.merge import Merged, load_ops, refresh_conflicts

    rows = {(table, row_id) for table, row_id in changed}
    touched = {row_id: set(values) for (_t, row_id), values in changed.items()}
    refresh_conflicts(session, rows, Merged(load_ops(session, [r for _t, r in rows]), touched))


# --- back-fill ----------------------------------------------------------------------------------


def backfill(session: Session, w: Writer, chunk: int = 2000) -> int:
    """One row operation per existing row of every synced table (tombstoned rows too)."""
    count = 0
    for table in synced_tables().values():
        query = (select(table.cls).options(undefer("*"))
                 .execution_options(include_deleted=True, yield_per=chunk))
        batch: list[dict] = []
        for obj in session.scalars(query):
            batch.append(op_row(w, table.name, obj.id, ROW, table.encode_row(obj), None))
            if len(batch) >= chunk:
                write_ops(session, batch)
                count += len(batch)
                batch = []
        write_ops(session, batch)
        count += len(batch)
    return count
