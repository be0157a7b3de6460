"""The audit trail between laptops (issue 18, item 4: the trail "syncs like logs"; docs/security.md, "The
audit trail across laptops"): a bundle's own audit section, never the operations log (which merges field
by field and would let any writer change any row).

What a bundle carries: the sender's OWN entries (app/services/audit/trail.py; a sender relays no other
device's) after the highest number each coordinator among its recipients is known to hold, every field
with prev_hash and hash, as JSON in a SecretBox under a fresh key sealed (X25519 SealedBox) to those
coordinator devices only, inside the signed manifest (`manifest["audit"]`). A staff laptop or an SP's
field copy that opens the same bundle cannot open the section; a bundle with no coordinator among its
recipients carries none. Entries name confidential rows by id and the people who touched them.

What a coordinator tells back: `manifest["audit_held"]`, for each recipient of its bundle, the newest
number it holds of that recipient's trail, so each sender knows where to start (as the "received" vector
does for operations). The sender keeps that, and the newest number it sent, on its own device row
(`sent["audit"]`). A run the coordinator could not store yet (it waits for an earlier one) is simply sent
again, since the coordinator's number did not move; a replay adds nothing.

On arrival (`receive`): the origin is the bundle's signer, an enrolled, unrevoked device checked as for
operations (sealed.open_sealed), never a field of an entry; the run is checked and stored per chain by
app/services/audit/received.py. A refused section is one line in the sync result (`audit trail of NAME
broken at entry N`) and never stops the operations of the same bundle nor the rest of the folder.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy.orm import Session

from app.models.sync import SyncDevice
from app.services.audit import received
from app.services.sync import devices

MAX_ENTRIES = 5000  # per bundle (a few hundred bytes each); the rest follow in the next bundle


def _book(own: SyncDevice) -> dict[str, dict[str, int]]:
    book = (own.sent or {}).get("audit")
    book = book if isinstance(book, dict) else {}
    return {"held": dict(book.get("held") or {}), "sent": dict(book.get("sent") or {})}


def _keep(own: SyncDevice, book: dict[str, dict[str, int]]) -> None:
    own.sent = {**(own.sent or {}), "audit": book}  # a new dict: the JSON column sees the change


def _coordinators(recipients: list[SyncDevice]) -> list[SyncDevice]:
    return [d for d in recipients if d.role == "coordinator" and d.revoked_at is None]


def outgoing(session: Session, recipients: list[SyncDevice]) -> tuple[dict[str, Any] | None, bool]:
    """(the audit section for a bundle to these recipients, or None; whether it holds an entry never sent
    to one of them: a reason to write the bundle at all)."""
    from nacl.public import PublicKey, SealedBox
    from nacl.secret import SecretBox
    from nacl.utils import random

    coordinators = _coordinators(recipients)
    if not coordinators:
        return None, False
    conn = session.connection()
    book = _book(devices.own_device(session))
    start = min(book["held"].get(d.id, 0) for d in coordinators)
    run = received.own_run(conn, start, MAX_ENTRIES)
    if not run:
        return None, False
    key = random(32)
    box = SecretBox(key).encrypt(json.dumps(run, separators=(",", ":")).encode())
    section = {"keys": {d.id: bytes(SealedBox(PublicKey(bytes.fromhex(d.box_key))).encrypt(key)).hex()
                        for d in coordinators},
               "box": base64.b64encode(bytes(box)).decode("ascii"), "last": run[-1]["id"]}
    news = run[-1]["id"] > min(book["sent"].get(d.id, 0) for d in coordinators)
    return section, news


def sent(session: Session, recipients: list[SyncDevice], section: dict[str, Any] | None) -> None:
    """Note the newest entry a written bundle carried to each coordinator among its recipients."""
    if not section:
        return
    own = devices.own_device(session)
    book = _book(own)
    for d in _coordinators(recipients):
        book["sent"][d.id] = max(book["sent"].get(d.id, 0), int(section["last"]))
    _keep(own, book)


def held_for(session: Session, recipients: list[SyncDevice]) -> dict[str, int] | None:
    """What a coordinator tells each recipient: the newest number it holds of that recipient's trail."""
    own = devices.own_device(session)
    if own.role != "coordinator" or not recipients:
        return None
    heads = received.heads(session.connection())
    return {d.id: heads.get(d.id, 0) for d in recipients}


def receive(session: Session, sender_id: str, manifest: dict[str, Any]) -> str:
    """Take a checked bundle's audit section and acknowledgement. Returns "" or the one line naming why
    the section was refused (nothing of it stored)."""
    sender = session.get(SyncDevice, sender_id)
    if sender is None or sender.revoked_at is not None:
        return ""  # open_sealed refused the bundle already; never stored from a revoked device
    own = devices.own_device(session)
    held = manifest.get("audit_held")
    if sender.role == "coordinator" and isinstance(held, dict):
        number = held.get(own.id)
        if isinstance(number, int) and not isinstance(number, bool) and number >= 0:
            book = _book(own)
            book["held"][sender.id] = number
            _keep(own, book)
    section = manifest.get("audit")
    if own.role != "coordinator" or not isinstance(section, dict) or not isinstance(section.get("keys"), dict) \
            or own.id not in section["keys"]:
        return ""  # none, or sealed to other devices (a staff laptop, a field copy: never opened)
    run = _open(session, own, section)
    if run is None:
        return f"audit trail of {sender.name}: its section of this bundle is malformed or cannot be opened; nothing stored"
    return received.store_run(session.connection(), sender.id, run).line(sender.name)


def _open(session: Session, own: SyncDevice, section: dict[str, Any]) -> list[dict[str, Any]] | None:
    from nacl.exceptions import CryptoError
    from nacl.public import SealedBox
    from nacl.secret import SecretBox

    _, box = devices.device_keys(session, own)
    try:
        key = SealedBox(box).decrypt(bytes.fromhex(str(section["keys"][own.id])))
        run = json.loads(SecretBox(key).decrypt(base64.b64decode(str(section.get("box", "")), validate=True)))
    except (CryptoError, ValueError, TypeError):  # binascii and json errors are ValueErrors
        return None
    if not isinstance(run, list) or len(run) > MAX_ENTRIES or not all(received.well_formed(r) for r in run):
        return None
    return run
