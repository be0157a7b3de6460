"""Merge per field: heads, conflicts and the provisional winner, and writing winners to rows.

A field's ops are the row operations ("*") that carry it and the operations on that column. Its
heads are the ops no other op of the field has seen. One head, or heads that agree: clean.
Heads that disagree: a conflict, whose provisional winner (highest stamp, then replica id) is the
same on every replica, because it depends only on the set of operations. A deleted row with an
edit the deleter had not seen is an edit-versus-delete conflict; the row stays deleted until
someone restores it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from app.models.base import utcnow
from app.models.sync import SyncConflict, SyncConflictHistory, SyncOp, SyncPending
from app.services.batch import cycle_collector_paused, execute_many, insert_rows, one_of, select_in
from app.services.sync.tables import APPLYING, ROW, SyncedTable, synced_tables

DELETED = "deleted_at"
_UNSET = object()


class Op(NamedTuple):  # a tuple, not a frozen dataclass: a bundle makes thousands (4x faster to build)
    replica: str
    seq: int
    wall: int
    counter: int
    table: str
    row_id: uuid.UUID
    column: str
    value: Any
    seen: Sequence[str]  # the ids of the operations its writer had seen (only ever unioned: no set made)

    @property
    def id(self) -> str:
        return f"{self.replica}:{self.seq}"

    @property
    def rank(self) -> tuple[int, int, str]:
        return self.wall, self.counter, self.replica

    def field_value(self, column: str) -> Any:
        return self.value.get(column) if self.column == ROW else self.value


def load_ops(session: Session, row_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, list[Op]]:
    """Every operation of these rows, by row id."""
    t = SyncOp.__table__
    ids = list(dict.fromkeys(row_ids))
    out: dict[uuid.UUID, list[Op]] = defaultdict(list)
    if not ids:
        return out
    fields = [t.c.replica, t.c.seq, t.c.hlc_wall, t.c.hlc_counter, t.c.table_name, t.c.column, t.c.value, t.c.seen]
    for row_id, replica, seq, wall, counter, table, column, value, seen in select_in(session.connection(), t.c.row_id,
                                                                                      ids, *fields):
        out[row_id].append(Op(replica, seq, wall, counter, table, row_id, column, value, seen or ()))
    return out


def field_ops(row_ops: list[Op], column: str) -> list[Op]:
    return [op for op in row_ops if op.column == column or (op.column == ROW and column in op.value)]


def field_heads(row_ops: list[Op], column: str) -> list[Op]:
    ops = field_ops(row_ops, column)
    seen = set().union(*(op.seen for op in ops)) if len(ops) > 1 else ()
    return [op for op in ops if op.id not in seen] if seen else ops


# A row made on two laptops (its id derived from what it describes, e.g. a school year) was made
# when it was first made: the earliest stamp is kept everywhere and no one is asked to decide.
EARLIEST_WINS = frozenset({"created_at"})


def _same_value(column: str, a: Any, b: Any) -> bool:
    return (a is None) == (b is None) if column == DELETED else a == b


@dataclass
class Field:
    column: str
    heads: list[Op]  # provisional winner first

    @property
    def winner(self) -> Op:
        return self.heads[0]

    @property
    def value(self) -> Any:
        return self.winner.field_value(self.column)

    @property
    def conflicted(self) -> bool:
        if len(self.heads) == 1 or self.column in EARLIEST_WINS:
            return False
        v = self.value
        return any(not _same_value(self.column, v, h.field_value(self.column)) for h in self.heads[1:])


def merge_row(row_ops: list[Op], columns: Iterable[str] | None = None) -> dict[str, Field]:
    """Every field of a row merged, or only these columns (a field depends on its own ops only)."""
    if columns is None:
        columns = set()
        for op in row_ops:
            columns.update(op.value if op.column == ROW else (op.column,))
    fields = {}
    for column in columns:
        heads = field_heads(row_ops, column)
        if len(heads) > 1:
            heads.sort(key=lambda o: o.rank, reverse=True)
        if column in EARLIEST_WINS:  # stable: equal values keep the rank order
            heads.sort(key=lambda o: (o.field_value(column) is None, str(o.field_value(column))))
        if heads:
            fields[column] = Field(column, heads)
    return fields


def scope(row_ops: list[Op], touched: set[str] | None) -> set[str] | None:
    """The fields a merge must look at after new operations changed `touched` (None: all). A
    deletion involves every field (an edit it had not seen is a conflict with it)."""
    if touched is None or DELETED in touched:
        return None
    for op in row_ops:
        if op.column == DELETED or (op.column == ROW and op.value.get(DELETED) is not None):
            return None
    return touched


def unseen_edits(fields: dict[str, Field]) -> list[tuple[str, Op]]:
    """Edits the row's (winning) deletion had not seen: (column, op)."""
    deleted = fields.get(DELETED)
    if deleted is None or deleted.value is None:
        return []
    deletes = [h for h in deleted.heads if h.field_value(DELETED) is not None]
    seen = set().union(*(d.seen for d in deletes))
    delete_ids = {d.id for d in deletes}
    out = []
    for column, f in sorted(fields.items()):
        if column != DELETED:
            out += [(column, h) for h in f.heads if h.id not in seen and h.id not in delete_ids]
    return out


# --- conflicts ----------------------------------------------------------------------------------


def _entry(op: Op, column: str, value: Any = None, edited: str | None = None) -> dict[str, Any]:
    entry = {"op": op.id, "replica": op.replica, "wall": op.wall,
             "value": op.field_value(column) if edited is None else value}
    if edited is not None:
        entry["edited"] = edited
    return entry


def row_conflicts(table: str, row_id: uuid.UUID, fields: dict[str, Field]) -> list[dict[str, Any]]:
    rows = []
    for column, f in sorted(fields.items()):
        if f.conflicted:
            # restored on one laptop while deleted on another: settled like an edit versus a delete
            kind = "edit_delete" if column == DELETED else "field"
            rows.append({"table_name": table, "row_id": row_id, "column": column, "kind": kind,
                         "values": [_entry(h, column) for h in f.heads]})
    edits = unseen_edits(fields)
    if edits:
        deleted = fields[DELETED]
        values = [_entry(h, DELETED) for h in deleted.heads]
        values += [_entry(op, col, op.field_value(col), edited=col) for col, op in edits]
        rows = [r for r in rows if r["column"] != DELETED]
        rows.append({"table_name": table, "row_id": row_id, "column": DELETED, "kind": "edit_delete",
                     "values": values})
    return rows


class Merged:
    """The rows of one apply, merged lazily: each row's fields within its scope (the fields its new
    operations touched; every field for a row without a scope), any other field on demand."""

    def __init__(self, ops_by_row: dict[uuid.UUID, list[Op]], scopes: dict[uuid.UUID, set[str]] | None = None):
        self.ops_by_row = ops_by_row
        self.scopes = dict(scopes or {})
        self._fields: dict[uuid.UUID, dict[str, Field]] = {}
        self._scope: dict[uuid.UUID, set[str] | None] = {}

    def ops(self, row_id: uuid.UUID) -> list[Op]:
        return self.ops_by_row.get(row_id, [])

    def scope(self, row_id: uuid.UUID) -> set[str] | None:
        found = self._scope.get(row_id, _UNSET)
        if found is _UNSET:
            found = self._scope[row_id] = scope(self.ops(row_id), self.scopes.get(row_id))
        return found

    def widen(self, row_id: uuid.UUID) -> None:
        """Every field of this row from now on (a row to be made here needs all of them)."""
        if self.scopes and self.scopes.pop(row_id, None) is not None:
            self._fields.pop(row_id, None)
            self._scope.pop(row_id, None)

    def fields(self, row_id: uuid.UUID) -> dict[str, Field]:
        found = self._fields.get(row_id)
        if found is None:
            found = self._fields[row_id] = merge_row(self.ops(row_id), self.scope(row_id))
        return found

    def field(self, row_id: uuid.UUID, column: str) -> Field | None:
        fields = self.fields(row_id)
        if column not in fields:
            fields.update(merge_row(self.ops(row_id), [column]))
        return fields.get(column)

    def in_scope(self, row_id: uuid.UUID, column: str) -> bool:
        fields = self.scope(row_id)
        return fields is None or column in fields


def _single(ops: list[Op]) -> bool:
    """A row known by one insert operation only: its values are that operation's (the common case)."""
    return len(ops) == 1 and ops[0].column == ROW


def refresh_conflicts(session: Session, rows: set[tuple[str, uuid.UUID]], merged: Merged | None = None,
                      also: list[dict[str, Any]] = ()) -> None:
    """Recompute the conflict list of these rows' fields in scope from their operations (`also`:
    the records held back by a unique clash, which the operations alone do not show)."""
    merged = merged or Merged(load_ops(session, [r for _t, r in rows]))
    new = []
    for table, row_id in rows:
        if not _single(merged.ops(row_id)):
            new += row_conflicts(table, row_id, merged.fields(row_id))
    listed = {_conflict_key(c) for c in new}
    new += [c for c in also if _conflict_key(c) not in listed]
    conn = session.connection()
    t = SyncConflict.__table__
    if conn.execute(select(t.c.row_id).limit(1)).first() is not None:
        held = {_conflict_key(c) for c in also}
        before = conn.execute(select(t).where(one_of(conn, t.c.row_id, [r for _t, r in rows]))).all()
        redo = [c for c in before if merged.in_scope(c.row_id, c.column) or _conflict_key(c) in held]
        _record_settled(conn, redo, new, merged)
        _forget(conn, redo)
    if new:
        conn.execute(insert(t), new)


def _conflict_key(c: Any) -> tuple[str, uuid.UUID, str]:
    return (c["table_name"], c["row_id"], c["column"]) if isinstance(c, dict) else (c.table_name, c.row_id, c.column)


def _forget(conn: Any, conflicts: list[Any]) -> None:
    if conflicts:
        t = SyncConflict.__table__
        conn.execute(delete(t).where(t.c.table_name == bindparam("b_table"), t.c.row_id == bindparam("b_row"),
                                     t.c.column == bindparam("b_column")),
                     [{"b_table": c.table_name, "b_row": c.row_id, "b_column": c.column} for c in conflicts])


def _record_settled(conn: Any, listed: list[Any], still: list[dict[str, Any]], merged: Merged) -> None:
    """Conflicts that were listed and are no longer go to the history, with the operation that
    settled them (the field's one head now)."""
    open_now = {_conflict_key(c) for c in still}
    settled = []
    for c in listed:
        if _conflict_key(c) in open_now:
            continue
        field = merged.field(c.row_id, c.column)
        if field is not None:
            settled.append({"table_name": c.table_name, "row_id": c.row_id, "column": c.column, "kind": c.kind,
                            "values": c.values, "kept": _entry(field.winner, c.column), "settled_at": utcnow()})
    if settled:
        conn.execute(insert(SyncConflictHistory.__table__), settled)


# --- writing winners to rows --------------------------------------------------------------------


def materialize(session: Session, rows: set[tuple[str, uuid.UUID]],
                ops_by_row: dict[uuid.UUID, list[Op]] | None = None,
                touched: dict[uuid.UUID, set[str]] | None = None) -> int:
    """Write the winning values into these rows (and any rows left pending before) with capture
    off. Rows that cannot be made yet are kept pending. Returns the number of rows written.
    `ops_by_row` may hold the rows' operations already; `touched`, per row, the fields new
    operations changed: only those are merged and written (a row without: every field)."""
    pend = SyncPending.__table__
    conn = session.connection()
    waiting_before = {(r.table_name, r.row_id) for r in conn.execute(select(pend))}
    ops_by_row = dict(ops_by_row) if ops_by_row is not None else {}
    missing = [r for _t, r in rows | waiting_before if r not in ops_by_row]
    ops_by_row.update(load_ops(session, missing))
    merged = Merged(ops_by_row, touched)
    for _t, row_id in waiting_before:
        merged.widen(row_id)
    rows = rows | waiting_before
    tables = synced_tables()
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for table, row_id in rows:
        if table in tables:
            by_table[table].append(row_id)
    pending: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    written = 0
    session.info[APPLYING] = True
    try:
        for table in _dependency_order(by_table):
            done, waiting, clashes = _write_table(session, tables[table], by_table[table], merged)
            written += done
            pending += [{"table_name": table, "row_id": r} for r in waiting]
            duplicates += duplicate_conflicts(session, table, clashes, merged)
            session.flush()
    finally:
        session.info.pop(APPLYING, None)
    if waiting_before:
        conn.execute(delete(pend))
    if pending:
        conn.execute(insert(pend), pending)
    refresh_conflicts(session, rows, merged, also=duplicates)
    return written


def _dependency_order(by_table: dict[str, list[uuid.UUID]]) -> list[str]:
    from app.models import Base

    return [t.name for t in Base.metadata.sorted_tables if t.name in by_table]


def _winners(table: SyncedTable, row_id: uuid.UUID, merged: Merged) -> dict[str, Any]:
    """Column -> winning value (of the fields in the row's scope), in the operations' JSON form.
    Read only: for a row known by one operation, this is that operation's value."""
    cols = table.columns
    ops = merged.ops(row_id)
    if _single(ops):
        value = ops[0].value
        return value if value.keys() <= cols.keys() else {c: v for c, v in value.items() if c in cols}
    return {c: f.value for c, f in merged.fields(row_id).items() if c in cols}


def _write_table(session: Session, table: SyncedTable, row_ids: list[uuid.UUID],
                 merged: Merged) -> tuple[int, list[uuid.UUID], dict[uuid.UUID, tuple[str, uuid.UUID]]]:
    """Write the rows; returns how many were written, the rows that wait, and of those the ones
    whose unique key another record holds here (column, that record)."""
    here = _current(session, table, row_ids, merged)
    for row_id in row_ids:
        if row_id not in here:
            merged.widen(row_id)
    values = {r: _winners(table, r, merged) for r in row_ids}
    missing = _missing_parents(session, table, values)
    clashes = _unique_clashes(session, table, values, here)
    held = missing | clashes.keys()
    waiting, new_rows, changes = [], [], []
    for row_id, row in values.items():
        now = here.get(row_id) if here else None
        if (held and row_id in held) or (now is None and not _has_row_op(merged.ops(row_id))):
            waiting.append(row_id)
        elif now is None:
            new_rows.append({**row, "id": row_id})
        else:
            changed = {c: v for c, v in table.decoded(row).items() if now.get(c, _UNSET) != v}
            if changed:
                changes.append((row_id, now["version"], changed))
    if new_rows:
        _insert_new(session, table, new_rows)
    if changes:
        _update_rows(session, table, changes)
    return len(new_rows) + len(changes), waiting, clashes


def _insert_new(session: Session, table: SyncedTable, rows: list[dict[str, Any]]) -> None:
    """INSERT by column name (column defaults apply, no ORM bookkeeping: 2x faster), each column's
    JSON-form values turned into the ORM's and then stored forms column by column. Rows are
    grouped by the columns they carry (operations of an older schema carry fewer)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(row)].append(row)  # the same columns in another order: another group, still right
    for group in groups.values():
        insert_rows(session.connection(), table.cls.__table__, group, decoders=table.decoders)


def _current(session: Session, table: SyncedTable, row_ids: list[uuid.UUID],
             merged: Merged) -> dict[uuid.UUID, dict[str, Any]]:
    """The rows here (tombstoned too): their values of the fields in scope, of unique keys, and
    their version."""
    session.flush()  # the queries below do not flush: a row added but not yet written is here too
    needed: set[str] = set()
    for row_id in row_ids:
        fields = merged.scope(row_id)
        if fields is None:
            needed = set(table.columns)
            break
        needed |= fields
    needed.update(*(key for key in _unique_keys(table) if needed.intersection(key)))  # see _keys
    names = [c for c in table.columns if c in needed]
    t = table.cls.__table__
    rows = select_in(session.connection(), t.c.id, row_ids, t.c.version, *(t.c[c] for c in names))
    return {row_id: dict(zip(names, row), version=version) for row_id, version, *row in rows}


def _update_rows(session: Session, table: SyncedTable, changes: list[tuple[uuid.UUID, int, dict[str, Any]]]) -> None:
    """UPDATE the changed fields, one statement per set of changed columns, each row bumping its
    version as a save through the ORM does (an open form sees the row changed). A row whose
    version moved since it was read (someone saved it meanwhile, on a server) fails the apply,
    which can then be run again."""
    from sqlalchemy.orm.exc import StaleDataError

    t = table.cls.__table__
    stamp: dict[str, Any] = {"version": t.c.version + 1, "updated_at": utcnow()}
    if session.info.get("actor"):
        stamp["updated_by"] = session.info["actor"]
    groups: dict[tuple[str, ...], list[tuple[uuid.UUID, int, dict[str, Any]]]] = defaultdict(list)
    for change in changes:
        groups[tuple(sorted(change[2]))].append(change)
    conn = session.connection()
    for columns, group in groups.items():
        statement = (update(t).where(t.c.id == bindparam("b_id"), t.c.version == bindparam("b_version"))
                     .values({**{c: bindparam(f"b_{c}") for c in columns}, **stamp}))
        params = [{"b_id": row_id, "b_version": version, **{f"b_{c}": row[c] for c in columns}}
                  for row_id, version, row in group]
        if execute_many(conn, statement, params) != len(group):
            raise StaleDataError(f"{table.name}: a record was saved by someone else while this bundle was "
                                 "applied; apply it again")
    _expire(session, table, {row_id for row_id, _v, _r in changes})


def _expire(session: Session, table: SyncedTable, row_ids: set[uuid.UUID]) -> None:
    """Objects of these rows this session holds are out of date: reload them on next use."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, table.cls) and obj.id in row_ids:
            session.expire(obj)


def _unique_keys(table: SyncedTable) -> list[tuple[str, ...]]:
    from sqlalchemy import UniqueConstraint

    t = table.cls.__table__
    keys = [tuple(c.name for c in con.columns) for con in t.constraints if isinstance(con, UniqueConstraint)]
    return keys + [tuple(c.name for c in ix.columns) for ix in t.indexes if ix.unique]


def _unique_clashes(session: Session, table: SyncedTable, values: dict[uuid.UUID, dict[str, Any]],
                    here: dict[uuid.UUID, dict[str, Any]]) -> dict[uuid.UUID, tuple[str, uuid.UUID]]:
    """Rows whose unique key (a school's name, a period's name in its school) another record here
    already holds: row -> (the key's last column, the other record). They wait, listed as a
    "duplicate" conflict until a person renames one, so a bundle is never refused for a clash."""
    t = table.cls.__table__
    conn = session.connection()
    clashes: dict[uuid.UUID, tuple[str, uuid.UUID]] = {}
    for cols in _unique_keys(table):
        keys = _keys(table, values, here, cols)  # rows that write no column of the key already hold it here
        holders: dict[tuple, uuid.UUID] = {}
        for row_id, key in keys.items():  # within the batch, the smaller id keeps the key
            if None not in key and (key not in holders or row_id < holders[key]):
                holders[key] = row_id
        for row_id, key in keys.items():
            if None not in key and holders[key] is not row_id:
                clashes.setdefault(row_id, (cols[-1], holders[key]))
        if not holders:
            continue
        firsts = list({key[0] for key in holders})  # tombstoned rows hold their keys too
        query = select(t.c.id, *(t.c[c] for c in cols)).where(one_of(conn, t.c[cols[0]], firsts))
        for other_id, *key in conn.execute(query):
            holder = holders.get(tuple(key))
            if holder is not None and holder != other_id and other_id not in keys:
                clashes.setdefault(holder, (cols[-1], other_id))
    return clashes


def _keys(table: SyncedTable, values: dict[uuid.UUID, dict[str, Any]], here: dict[uuid.UUID, dict[str, Any]],
          cols: tuple[str, ...]) -> dict[uuid.UUID, tuple]:
    """The values (the ORM's) of a unique key of the rows that write one of its columns: the
    winner, or for a column out of scope the value here."""
    if not here and len(cols) == 1 and cols[0] not in table.decoders:  # new rows carry every column: the common case
        return {row_id: (row.get(cols[0]),) for row_id, row in values.items()}
    empty: dict[str, Any] = {}
    return {row_id: tuple(table.decoder(c)(row[c]) if c in row else here.get(row_id, empty).get(c) for c in cols)
            for row_id, row in values.items() if any(c in row for c in cols)}


def duplicate_conflicts(session: Session, table: str, clashes: dict[uuid.UUID, tuple[str, uuid.UUID]],
                        merged: Merged) -> list[dict[str, Any]]:
    """Conflict rows for records held back by a unique clash: the held value and the holder's."""
    others = [other for _c, other in clashes.values() if other not in merged.ops_by_row]
    merged.ops_by_row.update(load_ops(session, others))
    out = []
    for row_id, (column, other) in clashes.items():
        entries = []
        for rid in (row_id, other):
            field = merged.field(rid, column) if merged.ops(rid) else None
            if field is not None:
                entries.append(_entry(field.winner, column) | {"record": str(rid)})
        out.append({"table_name": table, "row_id": row_id, "column": column, "kind": "duplicate", "values": entries})
    return out


def _has_row_op(ops: list[Op]) -> bool:
    return any(op.column == ROW for op in ops)


def _missing_parents(session: Session, table: SyncedTable, values: dict[uuid.UUID, dict[str, Any]]) -> set:
    """Rows naming a parent row that is not in the database (yet): they wait."""
    from app.models import Base

    missing: set[uuid.UUID] = set()
    for fk in Base.metadata.tables[table.name].foreign_keys:
        column, target = fk.parent.name, fk.column.table
        decode = table.decoder(column)
        wanted = {given: decode(given) for given in {row.get(column) for row in values.values()} - {None}}
        found = _present(session, target, fk.column, set(wanted.values()))
        if target.name == table.name:  # a parent made in this same batch
            found |= set(wanted.values()) & set(values)
        absent = {given for given, parent in wanted.items() if parent not in found}
        if absent:
            missing |= {rid for rid, row in values.items() if row.get(column) in absent}
    return missing


def _present(session: Session, target: Any, column: Any, wanted: set) -> set:
    if not wanted:
        return set()
    conn = session.connection()
    return set(conn.execute(select(column).where(one_of(conn, column, list(wanted)))).scalars())


# --- applying received operations ---------------------------------------------------------------


@cycle_collector_paused
def apply_ops(session: Session, ops: list[dict[str, Any]]) -> int:
    """Insert the operations this database does not have yet, then write the winners of every
    row they touch. Idempotent: operations already here are ignored. Returns how many were new."""
    fresh = _new_only(session, ops)
    if not fresh:
        return 0
    rows = {(op["table_name"], op["row_id"]) for op in fresh}
    ops_by_row = load_ops(session, [r for _t, r in rows])  # what was here before
    insert_rows(session.connection(), SyncOp.__table__, fresh)
    known = set(ops_by_row)
    touched: dict[uuid.UUID, set[str]] = defaultdict(set)  # a row new here has all its fields merged anyway
    for op in fresh:
        row_id = op["row_id"]
        ops_by_row[row_id].append(op_from_dict(op))
        if row_id in known:
            touched[row_id].update(op["value"] if op["column"] == ROW else (op["column"],))
    _observe_clock(session, fresh)
    materialize(session, rows, ops_by_row, touched)
    return len(fresh)


def op_from_dict(d: dict[str, Any]) -> Op:
    return Op(d["replica"], d["seq"], d["hlc_wall"], d["hlc_counter"], d["table_name"], d["row_id"], d["column"],
              d["value"], d["seen"] or ())


def _new_only(session: Session, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    t = SyncOp.__table__
    by_replica: dict[str, list[int]] = defaultdict(list)
    for op in ops:
        by_replica[op["replica"]].append(op["seq"])
    have: set[tuple[str, int]] = set()
    conn = session.connection()
    for replica, seqs in by_replica.items():
        lo, hi = min(seqs), max(seqs)
        query = select(t.c.seq).where(t.c.replica == replica, t.c.seq >= lo, t.c.seq <= hi)
        have |= {(replica, s) for s in conn.execute(query).scalars()}
    out, taken = [], set()
    for op in ops:
        key = (op["replica"], op["seq"])
        if key not in have and key not in taken:
            taken.add(key)
            out.append(op)
    return out


def _observe_clock(session: Session, ops: list[dict[str, Any]]) -> None:
    """Later local stamps come after everything received (hybrid logical clock receive rule)."""
    from app.models.sync import SyncReplica

    t = SyncReplica.__table__
    conn = session.connection()
    row = conn.execute(select(t.c.id, t.c.hlc_wall, t.c.hlc_counter).where(t.c.is_self.is_(True))).first()
    if row is None:
        return
    top = max((op["hlc_wall"], op["hlc_counter"]) for op in ops)
    if top > (row.hlc_wall, row.hlc_counter):
        conn.execute(update(t).where(t.c.id == row.id).values(hlc_wall=top[0], hlc_counter=top[1]))


def received(session: Session) -> dict[str, int]:
    """Per replica, the highest seq up to which this database has every operation."""
    t = SyncOp.__table__
    from sqlalchemy import func

    out = {}
    conn = session.connection()
    for replica, count, top in conn.execute(select(t.c.replica, func.count(), func.max(t.c.seq)).group_by(t.c.replica)):
        if count == top:
            out[replica] = top
        else:
            seqs = conn.execute(select(t.c.seq).where(t.c.replica == replica).order_by(t.c.seq)).scalars()
            n = 0
            for s in seqs:
                if s != n + 1:
                    break
                n = s
            out[replica] = n
    return out
