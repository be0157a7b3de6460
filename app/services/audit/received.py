"""The trails of the other devices of a sync group, as a coordinator's laptop receives them (issue 18,
item 4: the trail "syncs like logs"; docs/security.md, "The audit trail across laptops").

Each device's chain stays its own: a received entry is kept under (origin device, number), exactly as that
device wrote it (every field, prev_hash and hash), never merged into this laptop's `audit_entry` chain nor
renumbered. The origin is the enrolled device that signed the bundle (app/services/sync/audit_section.py),
never a field of the entry. `store_run` takes a run only when it continues what is held for that device
and every hash recomputes; `verify_all` walks every chain again; `listing` lists them all with the
enrolled device's name. Ids and counts only, never a value (as trail.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, func, insert, inspect, select

from app.models.audit import AuditReceived
from app.models.sync import SyncDevice, SyncReplica
from app.services.audit import trail

_TABLE = AuditReceived.__table__
FIELDS = (*trail.FIELDS, "hash")
_TEXT = {"at": 32, "actor": 120, "os_user": 120, "device": 120, "action": 20, "what": 64, "prev_hash": 64, "hash": 64}


@dataclass(frozen=True)
class Stored:
    added: int = 0
    waiting: bool = False  # the run starts after an entry not held yet: nothing stored, not an error
    broken_at: int | None = None  # the first number that does not check: nothing stored

    def line(self, name: str) -> str:
        """The one line a sync result lists for a refused run, or ""."""
        return f"audit trail of {name} broken at entry {self.broken_at}" if self.broken_at is not None else ""


def well_formed(row: Any) -> bool:
    """An entry as a bundle carries it: every field, of its type and length (a hostile bundle is refused)."""
    if not isinstance(row, dict) or set(row) != set(FIELDS):
        return False
    if not all(isinstance(row[k], str) and len(row[k]) <= size for k, size in _TEXT.items()):
        return False
    if not all(isinstance(row[k], int) and not isinstance(row[k], bool) and row[k] >= 0
               for k in ("id", "count", "confidential")):
        return False
    return row["id"] >= 1 and (row["row_ids"] is None or isinstance(row["row_ids"], str))


def own_run(conn: Connection, after: int, limit: int) -> list[dict[str, Any]]:
    """This laptop's own entries after number `after` (at most `limit`), every field and hash: what a bundle
    carries. A sender never relays another device's entries."""
    table = trail.AuditEntry.__table__
    query = select(table).where(table.c.id > after).order_by(table.c.id).limit(limit)
    return [{k: row._mapping[k] for k in FIELDS} for row in conn.execute(query)]


def own_head(conn: Connection) -> int:
    table = trail.AuditEntry.__table__
    return conn.execute(select(func.max(table.c.id))).scalar() or 0


def heads(conn: Connection) -> dict[str, int]:
    """The newest number held of each device's trail."""
    query = select(_TABLE.c.origin, func.max(_TABLE.c.id)).group_by(_TABLE.c.origin)
    return {origin: number for origin, number in conn.execute(query).tuples()}


def store_run(conn: Connection, origin: str, run: list[dict[str, Any]]) -> Stored:
    """Check a run of `origin`'s entries against what is held of its chain and store the new ones, or
    nothing. The same number with another hash (an entry edited, or a file restored from an older copy)
    is refused and the first one kept; a run that starts after a number not held yet waits; a replay
    adds nothing. `run` must be well formed (`well_formed`)."""
    run = sorted(run, key=lambda r: r["id"])
    held = {r.id: r.hash for r in conn.execute(select(_TABLE.c.id, _TABLE.c.hash).where(
        _TABLE.c.origin == origin, _TABLE.c.id.in_([r["id"] for r in run])))} if run else {}
    head = conn.execute(select(_TABLE.c.id, _TABLE.c.hash).where(_TABLE.c.origin == origin)
                        .order_by(_TABLE.c.id.desc()).limit(1)).first()
    number, prev = (head.id, head.hash) if head else (0, trail.GENESIS)
    new: list[dict[str, Any]] = []
    for row in run:
        if trail.entry_hash(row) != row["hash"]:
            return Stored(broken_at=row["id"])
        if row["id"] in held:
            if held[row["id"]] != row["hash"]:
                return Stored(broken_at=row["id"])
            continue  # held already: a replay adds nothing
        if row["id"] <= number:
            return Stored(broken_at=row["id"])  # below the head yet not held: cannot be (numbers have no gaps)
        if not new and row["id"] > number + 1:
            return Stored(waiting=True)  # entries before it have not arrived yet
        expected = new[-1]["id"] + 1 if new else number + 1
        if row["id"] != expected:
            return Stored(broken_at=expected)  # one taken out of the middle
        if row["prev_hash"] != (new[-1]["hash"] if new else prev):
            return Stored(broken_at=row["id"])
        new.append(row)
    if new:
        conn.execute(insert(_TABLE), [{"origin": origin, **row} for row in new])
    return Stored(added=len(new))


# --- reading: names, listing, verifying -----------------------------------------------------------


def device_names(conn: Connection) -> tuple[str | None, dict[str, str]]:
    """(this laptop's device id, or None outside a device group; every enrolled device's id -> name)."""
    if "sync_device" not in inspect(conn).get_table_names():
        return None, {}
    names = {i: n for i, n in conn.execute(select(SyncDevice.id, SyncDevice.name))}
    me = conn.execute(select(SyncReplica.id).where(SyncReplica.is_self.is_(True))).scalar()
    return (me if me in names else None), names


def _has_table(conn: Connection) -> bool:
    return _TABLE.name in inspect(conn).get_table_names()


def listing(conn: Connection, since: dt.date | None = None, device: str | None = None) -> list[trail.Entry]:
    """This laptop's own entries and every received one, each with its device's enrolled name, oldest first.
    `device`: only that device's (a name or id; this laptop's own name gives its own entries). Raises
    LookupError for a device the group does not list."""
    own_id, names = device_names(conn)
    own_name = names.get(own_id) if own_id else None
    origin: str | None = None
    if device is not None:
        found = [i for i, n in names.items() if device in (i, n)]
        if not found:
            raise LookupError(device)
        origin = found[0]
    out: list[trail.Entry] = []
    if origin is None or origin == own_id:
        out = [replace(e, sync_device=own_name) for e in trail.entries(conn, since)]
    if (origin is None or origin != own_id) and _has_table(conn):
        query = select(_TABLE).order_by(_TABLE.c.origin, _TABLE.c.id)
        if since is not None:
            query = query.where(_TABLE.c.at >= since.isoformat())
        if origin is not None:
            query = query.where(_TABLE.c.origin == origin)
        others = [trail.entry_of(r, names.get(r.origin, r.origin)) for r in conn.execute(query)]
        if others:  # the devices' trails side by side, by time (each laptop's own clock, in UTC)
            return sorted(out + others, key=lambda e: (e.at, e.sync_device or "", e.id))
    return out


@dataclass(frozen=True)
class Chain:
    device: str | None  # the enrolled name (None: this laptop outside a device group)
    own: bool
    verdict: trail.Verdict


def verify_all(conn: Connection) -> list[Chain]:
    """This laptop's own chain, then each received device's chain (by name), each walked from its entry 1."""
    own_id, names = device_names(conn)
    chains = [Chain(names.get(own_id) if own_id else None, True, trail.verify(conn))]
    if not _has_table(conn):
        return chains
    origins = list(conn.execute(select(_TABLE.c.origin).distinct()).scalars())
    for origin in sorted(origins, key=lambda o: names.get(o, o)):
        name = names.get(origin, origin)
        rows: Iterable[dict[str, Any]] = (dict(r._mapping) for r in conn.execute(
            select(_TABLE).where(_TABLE.c.origin == origin).order_by(_TABLE.c.id)))
        chains.append(Chain(name, False, trail.walk(rows, f"audit trail of {name}")))
    return chains
