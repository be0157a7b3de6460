"""Sync bookkeeping: this database's replica identity, its partners, the append-only operation
log, the per-field conflicts derived from it, rows waiting for a parent, and bundles seen.

These tables are not `Tracked`: they are never user-edited and never travel as operations.
An operation's id is (replica, seq); `seen` lists the op ids ("replica:seq") that were the
field's heads when the writer wrote it (DESIGN: per-field merge, issue 6).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Index, Integer, LargeBinary, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, UTCDateTime, utcnow

# Every value written is copied into the log, notes included: on a server only the coordinator
# may read these tables (services/server/access.py).
COORDINATOR_ONLY = {"coordinator_only": True}


class SyncReplica(Base):
    """One replica of the district's data: this laptop (`is_self`) or a partner seen in a bundle."""

    __tablename__ = "sync_replica"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    is_self: Mapped[bool] = mapped_column(Boolean(name="is_self"), nullable=False, default=False)
    sign_key: Mapped[str] = mapped_column(String(64), nullable=False)  # Ed25519 verify key, hex
    box_key: Mapped[str] = mapped_column(String(64), nullable=False)  # Curve25519 public key, hex
    # This laptop's secrets (only on the self row); never exported or printed.
    sign_secret: Mapped[str | None] = mapped_column(String(64), nullable=True, deferred=True,
                                                    info={"confidential": True})
    box_secret: Mapped[str | None] = mapped_column(String(64), nullable=True, deferred=True,
                                                   info={"confidential": True})
    group_key: Mapped[str | None] = mapped_column(String(64), nullable=True, deferred=True,
                                                  info={"confidential": True})
    next_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    hlc_wall: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    hlc_counter: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # What that replica had received from each replica (its latest manifest): {replica: seq}.
    knows: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)
    # Self row: per origin replica, the highest seq already written to this replica's outbox.
    exported: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)
    last_exchange_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # A partner that is a supervising practitioner's field copy: the educator it may write for
    # (its candidates' CAP records, its own logs). None: a full member (the coordinator's laptops).
    acting_for: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SyncOp(Base):
    """One change to one field (or, column '*', a whole new row). Append-only."""

    __tablename__ = "sync_op"
    __table_args__ = (Index("ix_sync_op_row_id", "row_id"), {"info": COORDINATOR_ONLY})

    replica: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    hlc_wall: Mapped[int] = mapped_column(BigInteger, nullable=False)  # ms since the epoch
    hlc_counter: Mapped[int] = mapped_column(Integer, nullable=False)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    column: Mapped[str] = mapped_column(String(64), nullable=False)
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    seen: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class SyncConflict(Base):
    """A field whose heads disagree (kind 'field') or a deleted row with edits the deleter had not
    seen (kind 'edit_delete', column 'deleted_at'). Derived from the log; the same on every replica."""

    __tablename__ = "sync_conflict"
    __table_args__ = {"info": COORDINATOR_ONLY}

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    column: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # [{"op": "replica:seq", "value": ..., "replica": ..., "wall": ms}], provisional winner first.
    values: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)


class SyncConflictHistory(Base):
    """A conflict this database listed, once settled (here or by a resolution that arrived): what
    competed and what was kept. Local bookkeeping for the Sync page's "Resolved" list; not synced,
    so each laptop keeps the conflicts it saw."""

    __tablename__ = "sync_conflict_history"
    __table_args__ = {"info": COORDINATOR_ONLY}

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    table_name: Mapped[str] = mapped_column(String(64), nullable=False)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    column: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    values: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)  # as in SyncConflict
    # {"op", "value", "replica", "wall"} of the operation that settled it
    kept: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    settled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SyncForeignRow(Base):
    """In a field copy: a CAP record of another SP that the copy leaves out (its id only), so an
    edit of it that arrives later is known to be someone else's rather than early."""

    __tablename__ = "sync_foreign_row"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)


class SyncPending(Base):
    """A row whose operations arrived before what it needs (its insert, or a parent row)."""

    __tablename__ = "sync_pending"

    table_name: Mapped[str] = mapped_column(String(64), primary_key=True)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)


class SyncBundle(Base):
    """A bundle file this replica wrote or read (by content hash), so a replay does nothing; a bundle
    from a newer schema is kept here whole (`data`) until the app is updated."""

    __tablename__ = "sync_bundle"
    __table_args__ = {"info": COORDINATOR_ONLY}

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the file
    sender: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # exported, applied, parked, refused, waiting
    ops: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    schema: Mapped[str | None] = mapped_column(String(64), nullable=True)
    path: Mapped[str | None] = mapped_column(Text, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


# --- devices (issue 18): per-device keys, the signed roster, one-time invitations ---------------


class SyncGroup(Base):
    """The district's sync group as this database knows it (one row): its id and name, and the
    latest roster of enrolled devices, as signed by a coordinator device (`roster`: the signed
    document, exactly as it travels in bundles)."""

    __tablename__ = "sync_group"
    __table_args__ = {"info": COORDINATOR_ONLY}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    roster: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class SyncDevice(Base):
    """One enrolled device of the group (a laptop or an SP's field copy), from the signed roster,
    plus this database's own bookkeeping about it: the last bundle number received from it (a
    replay is refused), what was sent to it, and, on this device's own row only, its private keys
    wrapped (`secret`: never plain unless the database itself is SQLCipher-encrypted)."""

    __tablename__ = "sync_device"
    __table_args__ = {"info": COORDINATOR_ONLY}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # its replica id
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)  # coordinator, staff, sp
    sign_key: Mapped[str] = mapped_column(String(64), nullable=False)
    box_key: Mapped[str] = mapped_column(String(64), nullable=False)
    acting_for: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)  # the SP of an sp device
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_bundle: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sent: Mapped[dict[str, int] | None] = mapped_column(JSON, nullable=True)
    secret: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True, deferred=True,
                                                          info={"confidential": True})


class SyncInvite(Base):
    """A one-time invitation a coordinator wrote: the device it names enrols by signing its keys
    with the invitation's one-time key; only the public half is kept here."""

    __tablename__ = "sync_invite"
    __table_args__ = {"info": COORDINATOR_ONLY}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    verify_key: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False)
    used_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
