"""This laptop's place in the district's sync group: its replica id, its keys, the group key
derived from the district secret, and the rule that the live database never sits in a synced
folder."""

from __future__ import annotations

import getpass
import platform
import uuid
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app.models.sync import SyncReplica
from app.paths import SYNCED_FOLDER_MARKERS, synced_folder_problem  # noqa: F401 - re-exported
from app.errors import MentorDeskError



class SyncError(MentorDeskError):
    """Sync cannot do what was asked (not set up, wrong secret, unreadable bundle)."""


GROUP_SALT = b"mentordesk-sync1"  # 16 bytes: argon2id salt shared by the district's laptops

# Folder names that cloud sync clients watch. SQLite's locking and WAL files do not survive
# being copied about by them: the database there would corrupt.
def derive_group_key(secret: str) -> bytes:
    """The district's shared-folder key: argon2id of the district secret (the same on every laptop)."""
    from nacl import pwhash

    secret = secret.strip()
    if len(secret) < 12:
        raise SyncError("The district secret must be at least 12 characters.")
    return pwhash.argon2id.kdf(32, secret.encode("utf-8"), GROUP_SALT,
                               opslimit=pwhash.argon2id.OPSLIMIT_INTERACTIVE,
                               memlimit=pwhash.argon2id.MEMLIMIT_INTERACTIVE)


def default_name() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some sandboxes
        user = "unknown"
    return f"{user}@{platform.node() or 'laptop'}"[:200]


def self_replica(session: Session, secrets: bool = False) -> SyncReplica | None:
    query = select(SyncReplica).where(SyncReplica.is_self.is_(True))
    if secrets:
        query = query.options(undefer("*"))
    return session.scalars(query).first()


def require_self(session: Session) -> SyncReplica:
    me = self_replica(session, secrets=True)
    if me is None:
        raise SyncError("Sync is not set up on this database: run `mentordesk sync setup --secret-file FILE`.")
    return me


def setup(session: Session, secret: str, name: str | None = None, group_key: bytes | None = None) -> tuple[SyncReplica, int]:
    """Make this database a replica (keys, id) and back-fill one operation per existing row.
    Running it again with the same secret changes nothing; a different secret is refused.
    Returns the replica and how many operations the back-fill wrote."""
    from nacl.public import PrivateKey
    from nacl.signing import SigningKey

    from app.services.sync import capture as sync_capture

    key = group_key or derive_group_key(secret)
    me = self_replica(session, secrets=True)
    if me is not None:
        if me.group_key != key.hex():
            raise SyncError("This database already belongs to a sync group with a different secret.")
        return me, 0
    sign, box = SigningKey.generate(), PrivateKey.generate()
    me = SyncReplica(id=uuid.uuid4().hex, name=name or default_name(), is_self=True,
                     sign_key=sign.verify_key.encode().hex(), box_key=box.public_key.encode().hex(),
                     sign_secret=sign.encode().hex(), box_secret=box.encode().hex(), group_key=key.hex(),
                     next_seq=1, hlc_wall=0, hlc_counter=0, exported={})
    session.add(me)
    session.flush()
    w = sync_capture.writer(session)
    assert w is not None
    count = sync_capture.backfill(session, w)
    w.save(session)
    return me, count
