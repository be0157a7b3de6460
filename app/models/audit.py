"""The audit trail (issue 18): who wrote, exported, decrypted or re-keyed confidential data, when, and on
which device. Never the data: an entry names the table, the rows' ids, how many, the action and who.

Entries are insert-only (triggers refuse UPDATE and DELETE; the PostgreSQL roles get INSERT only) and
hash-chained: each entry's `hash` covers its own fields and the `prev_hash` of the entry before it, so an
edited entry, or one taken out of the middle, breaks the chain (`mentordesk audit --verify`).
Not a Tracked table: it is never edited, tombstoned or merged row by row.

`AuditReceived` holds the trails of the other devices of a sync group, as a coordinator's laptop receives
them (issue 18, item 4, "sync like logs"): each device's chain kept as its own, keyed by (device, number),
insert-only in the same way, and never captured by the sync log.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    # Numbered by the trail itself (1, 2, 3, ... under the writer's lock), so a gap is a removed entry.
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(32), nullable=False)  # UTC, ISO 8601 with microseconds
    actor: Mapped[str] = mapped_column(String(120), nullable=False)  # the app user (a server login)
    os_user: Mapped[str] = mapped_column(String(120), nullable=False)
    device: Mapped[str] = mapped_column(String(120), nullable=False)  # the computer's name
    action: Mapped[str] = mapped_column(String(20), nullable=False)  # insert, update, delete, export, ...
    what: Mapped[str] = mapped_column(String(64), nullable=False)  # a table, or a file kind ("export cap")
    row_ids: Mapped[str | None] = mapped_column(Text, nullable=True)  # a JSON list of ids, never values
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    confidential: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # 1: confidential fields
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditReceived(Base):
    """An entry of another device's trail, received in a bundle (app/services/audit/received.py): the
    fields and hashes exactly as that device wrote them; `origin` is the enrolled device that signed the
    bundle (its sync replica id), never a field of the entry."""

    __tablename__ = "audit_received"

    origin: Mapped[str] = mapped_column(String(32), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # its number in that chain
    at: Mapped[str] = mapped_column(String(32), nullable=False)
    actor: Mapped[str] = mapped_column(String(120), nullable=False)
    os_user: Mapped[str] = mapped_column(String(120), nullable=False)
    device: Mapped[str] = mapped_column(String(120), nullable=False)  # the computer's name, as written there
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    what: Mapped[str] = mapped_column(String(64), nullable=False)
    row_ids: Mapped[str | None] = mapped_column(Text, nullable=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    confidential: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    hash: Mapped[str] = mapped_column(String(64), nullable=False)
