"""Sealed bundles (issue 18): encrypted to the devices that may read them, signed by the device
that made them, refused whole when anything does not check.

A sealed bundle file is `MAGIC`, the header's length (4 bytes, big-endian), the header (JSON), the
sender's Ed25519 signature (64 bytes) over everything before it and the body after it, then the
body: a SecretBox under a fresh random key of the same gzip of JSON lines a group bundle carries
(manifest, then operations; bundles.py). The header names the group, the sending device, the
bundle's number (each device numbers its bundles 1, 2, 3...), a random nonce, the fresh key sealed
(X25519 SealedBox) to each recipient device, and the latest signed roster the sender knows.

Who receives what: the coordinator and staff laptops get every record; an SP's field copy gets a
bundle of its own, sealed to it alone, holding only the records its copy keeps (its placements'
candidates and CAP records, its own logs, the schools and years; owners.field_copy_rows), so the
copy, or its key, reveals nothing else. A revoked device is no longer a recipient: from the next
bundle on it cannot read what is sent (each bundle's key is new).

The receiver refuses, with one line and nothing written: a file whose signature does not check (a
forgery, or a byte changed on the way); a sender that is not in the roster (an unknown identity),
or was revoked; a bundle number already received from that sender (a replay; the same file met
again in the shared folder is only skipped); and, when the file was named on its own, a bundle
sealed to other devices. What an accepted sender's role may not change is refused as before
(owners.refused: an SP's copy writes only its own candidates' CAP records and its own logs).
"""

from __future__ import annotations

import hashlib
import json
import struct
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.models.sync import SyncBundle, SyncDevice, SyncReplica
from app.services.sync import devices
from app.services.sync.identity import SyncError
from app.services.vocabulary import us_date

MAGIC = b"MENTORDESK-SYNC 2\n"
MAX_HEADER = 2**20  # a roster of a few hundred devices is a few hundred kilobytes at most
SIG_BYTES = 64


def is_sealed(raw: bytes) -> bool:
    return raw.startswith(MAGIC)


def in_device_group(session: Session) -> bool:
    return devices.group(session) is not None


# --- writing -----------------------------------------------------------------------------------


def encode(session: Session, me: SyncReplica, payload: bytes, recipients: list[SyncDevice]) -> bytes:
    """A bundle of this payload (bundles.payload_of) sealed to these devices, signed by this one."""
    from nacl.public import PublicKey, SealedBox
    from nacl.secret import SecretBox
    from nacl.utils import random

    own = devices.own_device(session)
    sign, _ = devices.device_keys(session, own)
    g = devices.group(session)
    assert g is not None
    own.last_bundle += 1  # on its own row: the number of the last bundle it wrote
    key = random(32)
    body = bytes(SecretBox(key).encrypt(payload))
    header: dict[str, Any] = {
        "group": g.id, "sender": me.id, "bundle": own.last_bundle, "nonce": random(16).hex(),
        "keys": {d.id: bytes(SealedBox(PublicKey(bytes.fromhex(d.box_key))).encrypt(key)).hex() for d in recipients},
        "roster": g.roster}
    claim = devices.enrolment_claim(own, g)
    if claim:
        header["enrol"] = claim
    head = json.dumps(header, separators=(",", ":")).encode()
    signed = MAGIC + struct.pack(">I", len(head)) + head
    signature = sign.sign(signed + body).signature
    return signed + signature + body


PRINCIPAL_VIEW: Any = "principal"  # in place of an SP's id: the principal's view of the changes


def plan(session: Session, for_device: str | None) -> list[tuple[list[SyncDevice], Any, SyncDevice | None]]:
    """The bundles a group export writes: (recipients, the SP whose records only they may get or
    PRINCIPAL_VIEW, the device whose `sent` tracks it). The full members' bundle comes first."""
    own = devices.own_device(session)
    if own.revoked_at is not None:
        raise SyncError("This device was revoked from the sync group; it can no longer send bundles.")
    others = [d for d in devices.live_devices(session) if d.id != own.id]
    if for_device:
        target = devices.device_named(session, for_device)
        if target.revoked_at is not None or target.id == own.id:
            raise SyncError(f"{target.name} is not a live device of the group; nothing was written.")
        others = [target]
    full = [d for d in others if d.role in devices.FULL_ROLES]
    # A full member never sent to yet (just enrolled) first gets a catch-up of its own: the bundles
    # already in the shared folder were sealed before it existed.
    new = [d for d in full if d.sent is None and not for_device]
    full = [d for d in full if d not in new]
    out: list[tuple[list[SyncDevice], uuid.UUID | None, SyncDevice | None]] = []
    if full or not for_device:
        out.append((full, None, None))
    out += [([d], None, d) for d in new]
    if own.role in devices.FULL_ROLES:  # an SP's copy sends its own changes to the full members only
        out += [([d], d.acting_for, d) for d in others if d.role == "sp" and d.acting_for is not None]
        out += [([d], PRINCIPAL_VIEW, d) for d in others if d.role == "principal"]
    return out


def principal_view(ops: list[tuple]) -> list[tuple]:
    """The operations a principal's device may receive: none of CAP's records, and no column marked
    confidential (a new row's insert arrives without those fields)."""
    from app.services.sync.capture import ROW, synced_tables

    tables = synced_tables()
    out = []
    for op in ops:
        table = tables.get(op[4])
        if table is None or op[4].startswith("cap_"):
            continue
        secret = {c.name for c in table.cls.__table__.columns if c.info.get("confidential")}
        if op[6] == ROW and secret:
            value = json.loads(op[7]) if op[7] else None
            if isinstance(value, dict):
                op = (*op[:7], json.dumps({k: v for k, v in value.items() if k not in secret}), op[8])
        elif op[6] in secret:
            continue
        out.append(op)
    return out


def scoped(session: Session, sp_id: uuid.UUID, ops: list[tuple], skip: str) -> list[tuple]:
    """The operations an SP's copy may receive: of the rows its copy keeps (owners.field_copy_rows),
    not its own (it has them)."""
    from app.services.sync.owners import SHARED, field_copy_rows

    keep = field_copy_rows(session, sp_id)
    out = []
    for op in ops:
        table, row_id = op[4], op[5]
        row = row_id if isinstance(row_id, uuid.UUID) else uuid.UUID(str(row_id))
        if op[0] != skip and (table in SHARED or row in keep.get(table, ())):
            out.append(op)
    return out


# --- reading -----------------------------------------------------------------------------------


def _split(raw: bytes) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    """(header, signed part, signature, body); SyncError when the layout is wrong."""
    if len(raw) < len(MAGIC) + 4 + SIG_BYTES:
        raise SyncError("refused: this bundle is truncated; nothing was applied.")
    (size,) = struct.unpack(">I", raw[len(MAGIC):len(MAGIC) + 4])
    end = len(MAGIC) + 4 + size
    if size > MAX_HEADER or end + SIG_BYTES > len(raw):
        raise SyncError("refused: this bundle's header is malformed; nothing was applied.")
    try:
        header = json.loads(raw[len(MAGIC) + 4:end])
        if not isinstance(header, dict) or not isinstance(header.get("sender"), str) \
                or not isinstance(header.get("bundle"), int) or not isinstance(header.get("keys"), dict):
            raise ValueError("header")
    except ValueError:
        raise SyncError("refused: this bundle's header is malformed (or was altered); nothing was applied.") from None
    return header, raw[:end], raw[end:end + SIG_BYTES], raw[end + SIG_BYTES:]


def _verify(device: SyncDevice, signed: bytes, signature: bytes, body: bytes) -> None:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    try:
        VerifyKey(bytes.fromhex(device.sign_key)).verify(signed + body, signature)
    except (BadSignatureError, ValueError):
        raise SyncError(f"refused: the signature of this bundle from {device.name} does not check (forged, or "
                        "altered on the way); nothing was applied.") from None


def _sender(session: Session, header: dict[str, Any], signed: bytes, signature: bytes, body: bytes) -> SyncDevice | None:
    """The enrolled device that signed the bundle; None when it is a device waiting to be accepted
    that this laptop cannot enrol (only a coordinator's can)."""
    g = devices.group(session)
    if g is None:
        raise SyncError("refused: this database is not in a device sync group (`mentordesk sync join`); "
                        "nothing was applied.")
    if header.get("group") != g.id:
        raise SyncError("refused: this bundle belongs to another sync group; nothing was applied.")
    sender = session.get(SyncDevice, header["sender"])
    if sender is None:
        claim = header.get("enrol")
        if not isinstance(claim, dict):
            raise SyncError("refused: this bundle comes from a device that is not enrolled in this sync group "
                            "(unknown keys); nothing was applied.")
        unsigned = SyncDevice(id=header["sender"], name=str(claim.get("name", "?"))[:200],
                              sign_key=str(claim.get("sign_key", "")), role="staff", box_key="")
        _verify(unsigned, signed, signature, body)  # the claim's own key signed it
        sender = devices.enrol_from_claim(session, claim, header["sender"])
        if sender is None and devices.own_device(session).role == "coordinator":
            raise SyncError("refused: this bundle asks to enrol a device with an invitation that is not open here "
                            "(unknown, used already or expired); nothing was applied.")
        return sender
    _verify(sender, signed, signature, body)
    return sender


def open_sealed(session: Session, raw: bytes, me: SyncReplica, *, path: Path, explicit: bool) -> Any:
    """Check and open a sealed bundle read from a file. Returns (header, payload), or a string
    status ("duplicate", "not-for-us", "not-enrolled") when there is nothing to apply. Raises
    SyncError (one line, nothing written) when it must be refused."""
    header, signed, signature, body = _split(raw)
    sender = _sender(session, header, signed, signature, body)
    if sender is None:
        return "not-enrolled"
    devices.accept_roster(session, header.get("roster"))  # signed on its own: may revoke the sender
    if sender.revoked_at is not None:
        message = (f"refused: {sender.name} was revoked on {us_date(sender.revoked_at)}; its bundles are no "
                   "longer accepted. Nothing was applied.")
        if explicit:
            raise SyncError(message)
        return ("revoked", message.encode())  # in a folder: recorded once, so later syncs skip it
    if sender.id == me.id:
        return "own"
    if header["bundle"] <= sender.last_bundle:
        if not explicit and session.get(SyncBundle, hashlib.sha256(raw).hexdigest()) is not None:
            return "duplicate"  # the shared folder still holds a bundle applied before
        raise SyncError(f"refused: a replay. Bundle {header['bundle']} from {sender.name} was received already "
                        f"(the last was {sender.last_bundle}); nothing was applied.")
    if me.id not in header["keys"]:
        if explicit:
            raise SyncError(f"refused: this bundle from {sender.name} is sealed to other devices, not this one; "
                            "nothing was applied.")
        return "not-for-us"
    decoded = _decrypt(session, header, body, me)
    sender.last_bundle = header["bundle"]
    return decoded


def learn_rosters(session: Session, paths: list[Path]) -> int:
    """Take the newest roster the sealed bundles in a folder carry (each checked against the devices
    already trusted) before any is applied, so a device enrolled or revoked is known whatever order
    the files come in. Reads only the headers. Returns how many rosters were taken."""
    import os

    taken = 0
    for path in paths:
        try:
            if path.is_symlink() or not path.is_file():
                continue
            with open(path, "rb") as handle:
                head = handle.read(len(MAGIC) + 4)
                if not head.startswith(MAGIC) or len(head) < len(MAGIC) + 4:
                    continue
                (size,) = struct.unpack(">I", head[len(MAGIC):])
                if size > MAX_HEADER or size > os.fstat(handle.fileno()).st_size:
                    continue
                header = json.loads(handle.read(size))
        except (OSError, ValueError):
            continue  # the file's own import reports it
        if isinstance(header, dict) and devices.accept_roster(session, header.get("roster")):
            taken += 1
    return taken


def reopen(session: Session, raw: bytes, me: SyncReplica) -> Any:
    """A kept (parked or waiting) sealed bundle, opened again: its signature is checked again, the
    replay check is not (it was counted when it arrived)."""
    header, signed, signature, body = _split(raw)
    sender = session.get(SyncDevice, header["sender"])
    if sender is None or me.id not in header["keys"]:
        return None
    _verify(sender, signed, signature, body)
    if sender.revoked_at is not None:
        return None  # kept, never applied: its sender was revoked since
    return _decrypt(session, header, body, me)


def _decrypt(session: Session, header: dict[str, Any], body: bytes, me: SyncReplica) -> tuple[dict[str, Any], bytes]:
    from nacl.exceptions import CryptoError
    from nacl.public import SealedBox
    from nacl.secret import SecretBox

    _, box = devices.device_keys(session, devices.own_device(session))
    try:
        key = SealedBox(box).decrypt(bytes.fromhex(str(header["keys"][me.id])))
        payload = SecretBox(key).decrypt(body)
    except (CryptoError, ValueError):
        raise SyncError("refused: this bundle cannot be opened with this device's key (altered, or sealed with a "
                        "key this device does not hold); nothing was applied.") from None
    return header, payload


def sender_role(session: Session, sender_id: str) -> str | None:
    device = session.get(SyncDevice, sender_id)
    return device.role if device is not None else None


def partner_for(session: Session, sender_id: str) -> SyncReplica:
    device = session.get(SyncDevice, sender_id)
    assert device is not None
    return devices.partner_replica(session, device)


def legacy_refusal() -> SyncError:
    return SyncError("refused: this bundle was made with a district secret; this sync group uses enrolled devices "
                     "(docs/security.md, \"Moving an old group\"). Nothing was applied.")


__all__ = ["MAGIC", "encode", "is_sealed", "open_sealed", "plan", "reopen", "scoped"]
