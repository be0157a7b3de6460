"""Field copies: the coordinator hands a supervising practitioner one database file to work in
offline (made from the coordinator's file, or from the district's server). The copy is a new replica with its own keys, acting for that SP (so the coordinator's
laptop accepts from it only that SP's candidates' CAP records and own logs); it carries the
district's group key, so bundles flow both ways from the first day. In a group of enrolled
devices (issue 18) the copy is enrolled as an `sp` device instead: its own keys, the signed roster
that lists it, no secret of any other device.

Encrypted: a copy made with a passphrase (the command line always gives one, a new random one
unless told) is a SQLCipher file with its own key file, whatever the coordinator's database is:
the copy is the file that leaves the building, on a USB stick or a personal laptop, so it is the
one that must not open without its key. (Made from an encrypted database, a copy without a
passphrase is refused: a plain copy of encrypted data is never written.)

Data minimization: the copy keeps only the district's schools, years and settings, the SP's
placements with their candidates and CAP records, the SP's own mentoring assignments and logs,
and the educators those name (sync_owners.field_copy_rows); what it receives later is held to
the same scope, and it sends only its own changes.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app import paths
from app.models import Educator
from app.models.sync import SyncReplica
from app.services.sync.identity import SyncError, require_self
from app.services.sync.merge import received


@dataclass(frozen=True)
class FieldCopy:
    path: Path
    replica: str
    sp_name: str


def must_be_encrypted(session: Session, engine: Engine) -> bool:
    """A copy is encrypted "the same way" as its source (issue 18, item 3): when the source database is
    encrypted, and always in a group of enrolled devices (item 1: the copy holds its own private keys).
    A copy of a plain database in an old shared-secret group stays plain, as before, for the scripts that
    made one; it holds only its SP's records either way."""
    from app import dbkeys
    from app.services.sync import devices

    source_encrypted = engine.dialect.name == "sqlite" and dbkeys.is_encrypted(Path(str(engine.url.database)))
    return source_encrypted or devices.group(session) is not None


def make_field_copy(session: Session, engine: Engine, employee_id: str, out: str | Path,
                    passphrase: str | None = None) -> FieldCopy:
    """Write the field copy for the SP with this employee id to `out` (a new file) and record the
    copy as a partner acting for that SP. The copy holds what is committed in this database.
    With a passphrase the copy is encrypted (SQLCipher, its key file next to it)."""
    from app import dbkeys
    from app.services.sync import devices
    from nacl.public import PrivateKey
    from nacl.signing import SigningKey

    out = Path(out)
    if out.exists():
        raise SyncError(f"{out} already exists; choose a new file name.")
    sp = session.scalars(select(Educator).where(Educator.employee_id == employee_id)).first()
    if sp is None:
        raise SyncError(f"No educator with employee id {employee_id}.")
    me = require_self(session)
    source_encrypted = engine.dialect.name == "sqlite" and dbkeys.is_encrypted(Path(str(engine.url.database)))
    in_devices = devices.group(session) is not None
    if passphrase is None and must_be_encrypted(session, engine):
        raise SyncError("A field copy of this database must be encrypted: give the copy a passphrase.")
    if passphrase is not None:
        dbkeys.check_passphrase(passphrase)
    sign, box = SigningKey.generate(), PrivateKey.generate()
    replica = uuid.uuid4().hex
    have = received(session)
    # In a device group the name travels in the roster to every device, other SPs' copies included:
    # it names no one (`sync devices` shows the SP's name where the SP's record is at hand).
    name = f"field copy {replica[:8]}" if in_devices else f"{sp.full_name} (field copy)"
    session.add(SyncReplica(id=replica, name=name, is_self=False,
                            sign_key=sign.verify_key.encode().hex(), box_key=box.public_key.encode().hex(),
                            next_seq=0, hlc_wall=0, hlc_counter=0, knows=have, acting_for=sp.id))
    if in_devices:
        devices.enrol_field_copy(session, replica, name, sp.id,
                                 sign.verify_key.encode().hex(), box.public_key.encode().hex())
    tmp = out.with_name(f".{out.name}.{replica[:8]}.tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        paths.create_private_file(tmp)  # the SP's whole copy: 0600, and so the file handed over
        if source_encrypted:
            from app import dbfiles

            tmp.unlink()
            dbfiles.plain_copy(Path(str(engine.url.database)), tmp)  # 0600, removed below once encrypted
        elif engine.dialect.name == "sqlite":
            with closing(sqlite3.connect(engine.url.database)) as source, closing(sqlite3.connect(tmp)) as target:
                source.backup(target)
        else:
            _copy_from_server(engine, tmp, sp.id)
        _become_field_copy(tmp, me, replica, name, sp, sign, box, have, devices.group(session) if in_devices else None)
        _minimize(tmp, sp.id)
        if passphrase is not None:
            from app import dbfiles

            dbfiles.encrypt_in_place(tmp, passphrase)
            paths.private_file(tmp)
            dbkeys.sidecar(tmp).replace(dbkeys.sidecar(out))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
        dbkeys.sidecar(tmp).unlink(missing_ok=True)
    return FieldCopy(out, replica, sp.full_name)


def _copy_from_server(engine: Engine, path: Path, sp_id: uuid.UUID) -> None:
    """A new SQLite file with the server's committed rows that the SP's copy keeps (and every row
    of the tables that are not per record, such as the replicas), written through the same
    column types, so the file reads back exactly what the server holds."""
    from sqlalchemy import insert

    from app import db
    from app.models import Base
    from app.models.sync import SyncBundle, SyncForeignRow
    from app.services.sync.capture import synced_tables
    from app.services.sync.owners import FOREIGN_KEPT, field_copy_rows

    target = db.make_engine(str(path))
    try:
        db.upgrade(target)
        with Session(engine) as server, target.begin() as copy:
            keep = field_copy_rows(server, sp_id)
            kept_rows = set().union(*keep.values())
            synced = synced_tables()
            for table in Base.metadata.sorted_tables:
                if table.name in synced:
                    rows = _rows_in(server, table, table.c.id, keep.get(table.name, set()))
                    if table.name in FOREIGN_KEPT:  # ids only: later edits of them are someone else's
                        others = set(server.execute(select(table.c.id)).scalars()) - keep.get(table.name, set())
                        _insert(copy, SyncForeignRow.__table__, [{"table_name": table.name, "row_id": r} for r in others])
                elif "row_id" in table.c:  # the log and conflicts of records
                    rows = _rows_in(server, table, table.c.row_id, kept_rows)
                else:
                    rows = [dict(r) for r in server.execute(select(table)).mappings()]
                _insert(copy, table, rows)
    finally:
        target.dispose()


def _rows_in(session: Session, table, column, ids: set) -> list[dict]:  # type: ignore[no-untyped-def]
    ids_list, rows = list(ids), []
    for start in range(0, len(ids_list), 500):
        query = select(table).where(column.in_(ids_list[start:start + 500]))
        rows += [dict(r) for r in session.execute(query).mappings()]
    return rows


def _insert(conn, table, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    from app.services.batch import insert_rows

    if rows:
        insert_rows(conn, table, rows)


def _become_field_copy(path: Path, me: SyncReplica, replica: str, name: str, sp: Educator, sign, box, have: dict,  # type: ignore[no-untyped-def]
                       group=None) -> None:
    """In the copy: the coordinator's row becomes a partner (no secrets), the SP's replica is self.
    In a device group the copy's keys are kept in its own device row (the copy is encrypted), the
    roster is the one that lists it, and no other device's keys or invitations are kept."""
    with closing(sqlite3.connect(path)) as conn, conn:
        if group is not None:
            _become_device(conn, replica, name, sp, sign, box, group)
        conn.execute("UPDATE sync_replica SET is_self = 0, sign_secret = NULL, box_secret = NULL, group_key = NULL,"
                     " knows = ?, exported = NULL WHERE id = ?", (json.dumps(have), me.id))
        conn.execute(
            "INSERT INTO sync_replica (id, name, is_self, sign_key, box_key, sign_secret, box_secret, group_key,"
            " next_seq, hlc_wall, hlc_counter, knows, exported, acting_for, created_at)"
            " VALUES (?, ?, 1, ?, ?, ?, ?, ?, 1, ?, ?, NULL, ?, ?, datetime('now'))",
            (replica, name, sign.verify_key.encode().hex(), box.public_key.encode().hex(),
             None if group is not None else sign.encode().hex(), None if group is not None else box.encode().hex(),
             me.group_key, me.hlc_wall, me.hlc_counter,
             json.dumps(have), sp.id.hex))
        # Of the bundle files met before, the copy keeps only which ones its contents already hold (by hash),
        # so its first `sync folder` skips them instead of refusing each as a replay: their numbers are at or
        # below the senders' counters the copy inherits. No path, note or kept data travels.
        conn.execute("DELETE FROM sync_bundle WHERE status NOT IN ('exported', 'applied', 'refused')")
        conn.execute("UPDATE sync_bundle SET path = NULL, note = NULL, data = NULL")
        _empty_audit_trail(conn)


def _empty_audit_trail(conn: sqlite3.Connection) -> None:
    """The copy starts its own audit trail: the coordinator's entries, and the other devices' trails it
    received, name other candidates' rows by id (issue 18: a field copy reveals nothing else). Their
    append-only triggers are set aside for this one delete."""
    for table in ("audit_entry", "audit_received"):
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone() is None:
            continue
        trigger = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                               (f"{table}_no_delete",)).fetchone()
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        conn.execute(f"DELETE FROM {table}")  # one of the two names above
        if trigger is not None:
            conn.execute(trigger[0])


def _become_device(conn: sqlite3.Connection, replica: str, name: str, sp: Educator, sign, box, group) -> None:  # type: ignore[no-untyped-def]
    conn.execute("DELETE FROM sync_invite")
    conn.execute("UPDATE sync_device SET secret = NULL, sent = '{}'")  # the copy has what they had: no catch-up
    conn.execute("INSERT INTO sync_device (id, name, role, sign_key, box_key, acting_for, enrolled_at, revoked_at,"
                 " last_bundle, sent, secret) VALUES (?, ?, 'sp', ?, ?, ?, datetime('now'), NULL, 0, NULL, ?)",
                 (replica, name, sign.verify_key.encode().hex(), box.public_key.encode().hex(),
                  sp.id.hex, json.dumps({"method": "database", "keys": (sign.encode() + box.encode()).hex()})))
    conn.execute("UPDATE sync_group SET version = ?, roster = ? WHERE id = ?",
                 (group.version, json.dumps(group.roster), group.id))


def _minimize(path: Path, sp_id: uuid.UUID) -> None:
    """Remove every row (and its operations) the SP's field copy does not need."""
    from sqlalchemy import create_engine, text

    from app.models import Base
    from sqlalchemy import insert

    from app.models.sync import SyncConflict, SyncConflictHistory, SyncForeignRow, SyncOp, SyncPending
    from app.services.sync.capture import synced_tables
    from app.services.sync.owners import FOREIGN_KEPT, field_copy_rows

    engine = create_engine(f"sqlite:///{path}", hide_parameters=True)  # no row value in an error (as app/db.py)
    try:
        with Session(engine) as session, session.begin():
            keep = field_copy_rows(session, sp_id)
            conn = session.connection()
            tables = synced_tables()
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in tables:
                    continue
                drop = set(conn.execute(select(table.c.id)).scalars()) - keep.get(table.name, set())
                _delete_in(conn, table, table.c.id, drop)
                if table.name in FOREIGN_KEPT and drop:  # ids only: later edits of them are someone else's
                    conn.execute(insert(SyncForeignRow.__table__), [{"table_name": table.name, "row_id": r} for r in drop])
                for t in (SyncOp.__table__, SyncConflict.__table__, SyncConflictHistory.__table__,
                          SyncPending.__table__):
                    _delete_in(conn, t, t.c.row_id, drop)
            problems = conn.execute(text("PRAGMA foreign_key_check")).all()
            if problems:
                raise SyncError(f"The field copy would miss records its data needs: {problems[:5]}")
        with engine.connect() as conn:
            conn.execute(text("VACUUM"))
    finally:
        engine.dispose()


def _delete_in(conn, table, column, ids: set) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete

    ids_list = list(ids)
    for start in range(0, len(ids_list), 500):
        conn.execute(delete(table).where(column.in_(ids_list[start:start + 500])))
