"""An insert-only, hash-chained trail of what happened to confidential data (issue 18, "An audit trail").

What counts as confidential is what the models mark `info={"confidential": True}` (mentoring notes, CAP
evidence and ratings, a teacher's last evaluation rating: 603 CMR 35.00 and G.L. c.71 s.38 keep evaluation
records confidential; the CAP records are FERPA-covered at the preparation program; 004 calls mentoring
conversations confidential). A write that sets, changes or clears such a column, and the removal of a row
that has one, adds an entry in the same transaction (`after_flush`, like the sync change log), so the
trail and the data commit or roll back together. Files written from such data, `db decrypt` and `db rekey`
add entries through `record` (the command line) and `record_file` (the window); the window's openings of
notes and CAP evidence through `record_read`; failed unlocks of an encrypted file, at the next successful
open, through `record_failed_unlocks`.

An entry holds ids, the table or file kind, the action, the app user, the OS user, the computer and the
time: never a value. Its `hash` is SHA-256 over its fields and the previous entry's hash; `verify` walks
the chain. Entries are numbered 1, 2, 3 ... so a missing number is a removed entry; removing the newest
entries leaves no gap, which is why `verify` prints the head (number and hash) for an auditor to note.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event, insert, inspect, select, text
from sqlalchemy.orm import Mapper, Session

from app.models.audit import AuditEntry

GENESIS = "0" * 64
FIELDS = ("id", "at", "actor", "os_user", "device", "action", "what", "row_ids", "count", "confidential",
          "prev_hash")
_PG_LOCK = 0x6D_61756469  # pg_advisory_xact_lock key: one appender at a time on a server ("maudi")
_TABLE = AuditEntry.__table__


def entry_hash(row: dict[str, Any]) -> str:
    """SHA-256 of the entry's fields (in a fixed order, as JSON) and the previous entry's hash."""
    payload = json.dumps([row[f] for f in FIELDS], separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode("ascii")).hexdigest()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some sandboxes
        return "unknown"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class Event:
    """One thing to record: an action on some rows of a table, or a file written."""

    action: str
    what: str
    ids: tuple[str, ...] = ()
    count: int | None = None
    confidential: bool = True


def append(conn: Connection, events: Iterable[Event], actor: str) -> int:
    """Add entries on `conn`, in its transaction, chained to the newest one. Returns how many."""
    events = list(events)
    if not events:
        return 0
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK})
    last = conn.execute(select(_TABLE.c.id, _TABLE.c.hash).order_by(_TABLE.c.id.desc()).limit(1)).first()
    number, prev = (last.id, last.hash) if last else (0, GENESIS)
    common = {"at": _now(), "actor": (actor or "unknown")[:120], "os_user": _os_user()[:120],
              "device": (socket.gethostname() or "unknown")[:120]}
    rows = []
    for e in events:
        number += 1
        row = {"id": number, **common, "action": e.action[:20], "what": e.what[:64],
               "row_ids": json.dumps(list(e.ids)) if e.ids else None,
               "count": len(e.ids) if e.count is None else e.count, "confidential": int(e.confidential),
               "prev_hash": prev}
        row["hash"] = prev = entry_hash(row)
        rows.append(row)
    conn.execute(insert(_TABLE), rows)
    return len(rows)


def record(database: Any, action: str, what: str, *, count: int | None = None, confidential: bool = True,
           ids: Iterable[str] = ()) -> None:
    """Record an action outside a unit of work (a file written, a decrypt, a rekey), committed at once:
    a read-only command's session is rolled back, its entry must not be."""
    waits = getattr(database, "busy_wait", None) is not None and database.engine.dialect.name == "sqlite"
    _commit(database.engine, Event(action, what, tuple(str(i) for i in ids), count, confidential), database.actor,
            take_lock=database.wait_for_write_lock if waits else None)


def record_file(session: Session, what: str, *, confidential: bool) -> None:
    """A file the window wrote (an export, a report, a printed form), from the task's session: committed on
    its own connection at once, since the window's read-only tasks roll their session back."""
    _commit(session.get_bind(), Event("export", what, (), 0, confidential), session.info.get("actor") or _os_user())


def record_read(session: Session, table: str, ids: Iterable[Any]) -> None:
    """Confidential rows the window opened (a time log's notes, a candidate's CAP evidence), by id: committed
    on its own connection, as the reading task's session is rolled back."""
    found = tuple(str(i) for i in ids)
    if found:
        _commit(session.get_bind(), Event("read", table, found), session.info.get("actor") or _os_user())


def record_in(session: Session, action: str, what: str, ids: Iterable[Any], *, confidential: bool = False) -> None:
    """An entry in the session's own transaction (it commits or rolls back with the change it records):
    sync enrolment and revocation."""
    append(session.connection(), [Event(action, what, tuple(str(i) for i in ids), None, confidential)],
           session.info.get("actor") or _os_user())


def record_failed_unlocks(database: Any) -> int:
    """Failed unlocks of this encrypted file since the last successful open (a locked file cannot be
    written, so app/dbkeys.py kept their count and times beside it): one entry `unlock-failed` with the
    count and, as its row ids, the times (UTC) of the last 50; never what was typed. Called when the
    window or a command has opened the database. Returns the count recorded."""
    from app import dbkeys

    path = getattr(database, "path", None)
    count, times = dbkeys.failed_unlocks(path) if path is not None else (0, [])
    if not count:
        return 0
    waits = getattr(database, "busy_wait", None) is not None and database.engine.dialect.name == "sqlite"
    _commit(database.engine, Event("unlock-failed", "database", tuple(times), count, False),
            getattr(database, "actor", None) or _os_user(), take_lock=database.wait_for_write_lock if waits else None)
    dbkeys.clear_failed_unlocks(path)  # after the entry is committed: a failure here keeps them for next time
    return count


def _commit(engine: Any, entry: Event, actor: str, take_lock: Any = None) -> None:
    """`take_lock(driver_connection)`: a command waits for another process's write lock first (app/db.py)."""
    if "audit_entry" not in inspect(engine).get_table_names():
        return  # a database not yet at this schema (a read-only command does not migrate it)
    with engine.begin() as conn:
        if take_lock is not None:
            take_lock(conn.connection.driver_connection)
        append(conn, [entry], actor)


# --- what a flush changed -------------------------------------------------------------------------

_keys_cache: dict[type, tuple[str, ...]] = {}


def _confidential_keys(cls: type) -> tuple[str, ...]:
    """The attribute keys of a mapped class whose columns are marked confidential (none for the sync
    log, which copies every value and is covered by the rows it copies)."""
    keys = _keys_cache.get(cls)
    if keys is None:
        mapper: Mapper = inspect(cls)
        table = getattr(mapper, "local_table", None)
        name = getattr(table, "name", "")
        keys = () if name.startswith(("sync_", "audit_")) else tuple(
            attr.key for attr in mapper.column_attrs if any(c.info.get("confidential") for c in attr.columns))
        _keys_cache[cls] = keys
    return keys


def _row_id(obj: Any) -> str:
    state = inspect(obj)
    key = state.mapper.primary_key_from_instance(obj)  # set by the INSERT; the identity key comes later
    return ",".join(str(part) for part in key)


def flush_events(session: Session) -> list[Event]:
    """Which rows of which confidential tables this flush inserted, changed or removed."""
    found: dict[tuple[str, str], list[str]] = {}

    def note(action: str, obj: Any) -> None:
        found.setdefault((action, type(obj).__table__.name), []).append(_row_id(obj))

    for obj in session.new:
        keys = _confidential_keys(type(obj))
        if keys and any(v is not None for k in keys for v in inspect(obj).attrs[k].history.added):
            note("insert", obj)
    for obj in session.dirty:
        keys = _confidential_keys(type(obj))
        if not keys:
            continue
        attrs = inspect(obj).attrs
        if "deleted_at" in attrs and any(v is not None for v in attrs["deleted_at"].history.added):
            note("delete", obj)
        elif any(attrs[k].history.has_changes() for k in keys):
            note("update", obj)
    for obj in session.deleted:
        if _confidential_keys(type(obj)):
            note("delete", obj)
    return [Event(action, table, tuple(ids)) for (action, table), ids in sorted(found.items())]


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, _context: Any) -> None:
    events = flush_events(session)
    if events:
        append(session.connection(), events, session.info.get("actor") or _os_user())


@event.listens_for(Session, "do_orm_execute")
def _audit_bulk_insert(state: Any) -> None:
    """ORM bulk INSERTs (`session.execute(insert(Model), rows)`: the roster import's new educators, with
    their ratings) bypass the flush: record the rows that carry a confidential value here, in the same
    transaction, as the sync change log does."""
    if not state.is_insert or state.bind_mapper is None:
        return
    cls = state.bind_mapper.class_
    keys = _confidential_keys(cls)
    params = state.parameters
    if not keys or not params:
        return
    rows = params if isinstance(params, list) else [params]
    ids = tuple(str(row.get("id", "?")) for row in rows if any(row.get(k) is not None for k in keys))
    if ids:
        append(state.session.connection(), [Event("insert", cls.__table__.name, ids)],
               state.session.info.get("actor") or _os_user())


# --- reading and verifying --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: int
    at: str
    actor: str
    os_user: str
    device: str
    action: str
    what: str
    count: int
    confidential: bool
    row_ids: tuple[str, ...]
    # the enrolled sync device whose trail it is (this laptop's own name for its own entries; None outside a
    # device group); `device` is the computer's name the entry itself records (received.py)
    sync_device: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "actor": self.actor, "os_user": self.os_user, "device": self.device,
                "action": self.action, "what": self.what, "count": self.count, "confidential": self.confidential,
                "row_ids": list(self.row_ids), "sync_device": self.sync_device}


def entry_of(row: Any, sync_device: str | None = None) -> Entry:
    return Entry(row.id, row.at, row.actor, row.os_user, row.device, row.action, row.what, row.count,
                 bool(row.confidential), tuple(json.loads(row.row_ids)) if row.row_ids else (), sync_device)


def entries(conn: Connection, since: dt.date | None = None) -> list[Entry]:
    query = select(_TABLE).order_by(_TABLE.c.id)
    if since is not None:
        query = query.where(_TABLE.c.at >= since.isoformat())
    return [entry_of(r) for r in conn.execute(query)]


@dataclass(frozen=True)
class Verdict:
    count: int
    head_id: int
    head_hash: str
    problem: str | None  # one line naming the first broken entry, or None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _rows(conn: Connection) -> Iterator[dict[str, Any]]:
    for row in conn.execute(select(_TABLE).order_by(_TABLE.c.id)):
        yield dict(row._mapping)


def verify(conn: Connection) -> Verdict:
    """Walk the chain from the first entry: numbers without gaps, each entry's prev_hash the hash before
    it, each hash its fields' hash. The first break is the verdict's one line."""
    return walk(_rows(conn))


def walk(rows: Iterable[dict[str, Any]], name: str = "audit trail") -> Verdict:
    """`verify` over one chain's rows in number order; `name` starts the line (another device's trail:
    "audit trail of NAME")."""
    expected_id, prev, count = 1, GENESIS, 0
    for row in rows:
        count += 1
        if row["id"] != expected_id:
            missing = f"entry {expected_id}" if row["id"] == expected_id + 1 else f"entries {expected_id}-{row['id'] - 1}"
            return Verdict(count, row["id"], row["hash"], f"{name} broken: {missing} removed (the next is {row['id']})")
        if row["prev_hash"] != prev:
            return Verdict(count, row["id"], row["hash"],
                           f"{name} broken at entry {row['id']}: the entry before it was changed or removed")
        if entry_hash(row) != row["hash"]:
            return Verdict(count, row["id"], row["hash"], f"{name} broken at entry {row['id']}: it was altered")
        prev, expected_id = row["hash"], expected_id + 1
    return Verdict(count, expected_id - 1, prev, None)
