"""Devices, not a shared secret (issue 18): each laptop and each SP's field copy has its own
Ed25519 signing key and X25519 encryption key, generated on the device; no district-wide secret
exists. The coordinator's laptop signs the roster of enrolled devices (id, name, role, public keys,
revocation) and the roster travels in every bundle; a device accepts a newer roster only when an
unrevoked coordinator of the roster it already trusts signed it.

Enrolment: `invite` writes a one-time invitation (sealed with a key derived by Argon2id from the
8-character code read out to the person enrolling) holding the group's roster and a one-time
Ed25519 key; `join` opens it with the code, makes the device's own keys and signs them with the
one-time key. The new device's bundles carry that proof until a coordinator laptop, which kept only
the public half of the one-time key, accepts it (once) and adds it to the roster.

Private keys are never stored in plain text (`store_keys`): wrapped by a random key kept in the OS
keyring when one works (as app/dbkeys.py remembers passphrase keys); else in the database itself
when it is SQLCipher-encrypted (a field copy always is); else wrapped by a key derived with Argon2id
from the passphrase given with --passphrase-file (MENTORDESK_PASSPHRASE_FILE); else refused.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import secrets as _secrets
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app import dbkeys, paths
from app.models.base import utcnow
from app.models.sync import SyncDevice, SyncGroup, SyncInvite, SyncReplica
from app.services.sync.identity import SyncError, default_name, self_replica
from app.services.vocabulary import us_date

ROLES = ("coordinator", "staff", "principal", "sp")
INVITE_ROLES = ("coordinator", "staff", "principal")
FULL_ROLES = ("coordinator", "staff")  # read every record and may write every record (DESIGN: laptops)
# A principal's device reads the district without anything confidential (no CAP records, no column
# marked confidential: mentoring notes, private reasons; docs/security.md "Who may see what") and
# writes nothing. An `sp` device is an SP's field copy (owners.py).
ROLE_LABELS = {"coordinator": "coordinator", "staff": "staff laptop", "principal": "principal (nothing confidential)",
               "sp": "SP field copy"}
INVITE_FORMAT = "mentordesk-invite"
INVITE_DAYS = 7
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # 32 symbols, no 0/O or 1/I: 40 bits in 8
# Argon2id for the invitation code (libsodium's interactive limits: 64 MiB); tests lower it.
INVITE_KDF = (2, 64 * 2**20)
KEYRING_SERVICE = "MentorDesk sync device"

_keys: dict[str, tuple[bytes, bytes]] = {}  # device id -> (signing seed, box secret), this process


def forget() -> None:
    _keys.clear()


# --- the group and its devices ------------------------------------------------------------------


def group(session: Session) -> SyncGroup | None:
    return session.scalars(select(SyncGroup)).first()


def own_device(session: Session) -> SyncDevice:
    me = self_replica(session)
    device = session.get(SyncDevice, me.id, options=[undefer(SyncDevice.secret)]) if me else None
    if device is None:
        raise SyncError("This database is not an enrolled device: run `mentordesk sync setup --name NAME` "
                        "(first laptop) or `mentordesk sync join FILE --code CODE --name NAME`.")
    return device


def device_named(session: Session, name: str) -> SyncDevice:
    found = session.scalars(select(SyncDevice).where((SyncDevice.id == name) | (SyncDevice.name == name))).all()
    if not found:
        raise SyncError(f"No device named {name!r} in this sync group (`mentordesk sync devices` lists them).")
    if len(found) > 1:
        raise SyncError(f"{len(found)} devices are named {name!r}; give the device id instead.")
    return found[0]


def live_devices(session: Session) -> list[SyncDevice]:
    return list(session.scalars(select(SyncDevice).where(SyncDevice.revoked_at.is_(None)).order_by(SyncDevice.name)))


@dataclass(frozen=True)
class DeviceLine:
    id: str
    name: str
    role: str
    enrolled: str
    revoked: str | None
    this_device: bool

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "enrolled": self.enrolled,
                "revoked": self.revoked, "this_device": self.this_device}


def list_devices(session: Session) -> list[DeviceLine]:
    from app.models import Educator

    me = self_replica(session)
    rows = session.scalars(select(SyncDevice).order_by(SyncDevice.name)).all()
    return [DeviceLine(d.id, _shown(session, d, Educator), d.role, us_date(d.enrolled_at), us_date(d.revoked_at) if d.revoked_at else None,
                       bool(me and d.id == me.id)) for d in rows]


def _shown(session: Session, device: SyncDevice, educator_cls: Any) -> str:
    """A field copy's roster name names no one; where its SP's record is here, the SP's name is added."""
    if device.acting_for is None:
        return device.name
    sp = session.get(educator_cls, device.acting_for)
    return f"{device.name} ({sp.full_name}'s)" if sp is not None else device.name


# --- private keys: never plain ---------------------------------------------------------------------


def _database_encrypted(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "sqlite" and bool(bind.url.database) and dbkeys.is_encrypted(Path(bind.url.database))


def store_keys(session: Session, device_id: str, sign_seed: bytes, box_secret: bytes) -> dict[str, Any]:
    """How this device's private keys are kept (the `secret` of its own row): see the module doc."""
    from nacl.secret import SecretBox
    from nacl.utils import random

    plain = sign_seed + box_secret
    ring = dbkeys._keyring()
    if ring is not None:
        wrap = random(32)
        try:
            ring.set_password(KEYRING_SERVICE, device_id, wrap.hex())
            stored = ring.get_password(KEYRING_SERVICE, device_id) == wrap.hex()
        except Exception:  # noqa: BLE001 - no working backend (a headless machine): fall through
            stored = False
        if stored:
            _keys[device_id] = (sign_seed, box_secret)
            return {"method": "keyring", "wrapped": bytes(SecretBox(wrap).encrypt(plain)).hex()}
    if _database_encrypted(session):
        _keys[device_id] = (sign_seed, box_secret)
        return {"method": "database", "keys": plain.hex()}  # inside the SQLCipher file: encrypted at rest
    passphrase = dbkeys.given_secret()
    if not passphrase:
        raise SyncError("This device's private keys are never stored in plain text: encrypt the database first "
                        "(`mentordesk db encrypt`), or give --passphrase-file FILE (or MENTORDESK_PASSPHRASE_FILE) "
                        "to protect them with a passphrase. Nothing was changed.")
    dbkeys.check_passphrase(passphrase)
    ops, mem = dbkeys.KDF_LIMITS
    salt = random(16)
    wrap = dbkeys._derive(passphrase, salt, ops, mem)
    _keys[device_id] = (sign_seed, box_secret)
    return {"method": "passphrase", "kdf": {"alg": "argon2id", "salt": salt.hex(), "opslimit": ops, "memlimit": mem},
            "wrapped": bytes(SecretBox(wrap).encrypt(plain)).hex()}


def device_keys(session: Session, device: SyncDevice) -> tuple[Any, Any]:
    """This device's (SigningKey, PrivateKey), unwrapped once per process."""
    from nacl.exceptions import CryptoError
    from nacl.public import PrivateKey
    from nacl.secret import SecretBox
    from nacl.signing import SigningKey

    if device.id not in _keys:
        doc = device.secret or {}
        method = doc.get("method")
        try:
            if method == "database":
                plain = bytes.fromhex(doc["keys"])
            elif method == "keyring":
                ring = dbkeys._keyring()
                stored = ring.get_password(KEYRING_SERVICE, device.id) if ring is not None else None
                if not stored:
                    raise SyncError("This device's sync keys are wrapped by a key in the OS keyring, which is not "
                                    "available now; unlock the keyring (log in as the same user) and try again.")
                plain = SecretBox(bytes.fromhex(stored)).decrypt(bytes.fromhex(doc["wrapped"]))
            elif method == "passphrase":
                passphrase = dbkeys.given_secret()
                if passphrase is None and sys.stdin is not None and sys.stdin.isatty():
                    passphrase = getpass.getpass("Passphrase for this device's sync keys: ")
                if not passphrase:
                    raise SyncError("This device's sync keys are protected by a passphrase: give --passphrase-file "
                                    "FILE (or MENTORDESK_PASSPHRASE_FILE).")
                kdf = doc["kdf"]
                wrap = dbkeys._derive(passphrase, bytes.fromhex(kdf["salt"]), int(kdf["opslimit"]), int(kdf["memlimit"]))
                plain = SecretBox(wrap).decrypt(bytes.fromhex(doc["wrapped"]))
            else:
                raise SyncError("This device has no private keys stored; it cannot sign or open bundles.")
        except CryptoError:
            raise SyncError("Wrong passphrase (or keyring entry) for this device's sync keys; nothing was done.") from None
        except (KeyError, ValueError, TypeError):
            raise SyncError("This device's stored sync keys are damaged; enrol it again.") from None
        _keys[device.id] = (plain[:32], plain[32:64])
    seed, box = _keys[device.id]
    return SigningKey(seed), PrivateKey(box)


# --- the signed roster -----------------------------------------------------------------------------


def _canonical(body: Any) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _device_entry(d: SyncDevice) -> dict[str, Any]:
    return {"id": d.id, "name": d.name, "role": d.role, "sign_key": d.sign_key, "box_key": d.box_key,
            "acting_for": d.acting_for.hex if d.acting_for else None,
            "enrolled_at": d.enrolled_at.isoformat() if d.enrolled_at else None,
            "revoked_at": d.revoked_at.isoformat() if d.revoked_at else None}


def sign_roster(session: Session) -> dict[str, Any]:
    """Bump the roster's version and sign it with this (coordinator) device's key."""
    g = _require_group(session)
    me = _require_coordinator(session)
    sign, _ = device_keys(session, me)
    g.version += 1
    devices = session.scalars(select(SyncDevice).order_by(SyncDevice.id)).all()
    body = {"group": g.id, "name": g.name, "version": g.version, "devices": [_device_entry(d) for d in devices]}
    g.roster = {"body": body, "signer": me.id, "sig": sign.sign(_canonical(body)).signature.hex()}
    return g.roster


def roster_problem(doc: Any, trusted: dict[str, SyncDevice] | None) -> str | None:
    """Why a signed roster must not be taken (None: it checks). `trusted`: the devices this database
    already knows (the signer must be an unrevoked coordinator among them); None for the roster in an
    invitation, which must be signed by a coordinator it lists itself (the code vouches for the file)."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    try:
        body, signer, sig = doc["body"], doc["signer"], bytes.fromhex(doc["sig"])
        entries = {e["id"]: e for e in body["devices"]}
        if not isinstance(body["version"], int) or not all(e.get("role") in ROLES for e in entries.values()):
            return "malformed"
        if trusted is None:
            key, role, revoked = entries[signer]["sign_key"], entries[signer]["role"], entries[signer]["revoked_at"]
        else:
            if signer not in trusted:
                return "signed by a device this laptop does not know"
            key, role, revoked = trusted[signer].sign_key, trusted[signer].role, trusted[signer].revoked_at
        if role != "coordinator" or revoked:
            return "not signed by an active coordinator device"
        VerifyKey(bytes.fromhex(key)).verify(_canonical(body), sig)
    except BadSignatureError:
        return "its signature does not check"
    except (KeyError, TypeError, ValueError, AttributeError):
        return "malformed"
    return None


def accept_roster(session: Session, doc: Any) -> bool:
    """Take a newer roster that checks; a revocation is never undone by one. True when taken."""
    g = group(session)
    if g is None or not isinstance(doc, dict) or not isinstance(doc.get("body"), dict):
        return False
    body = doc["body"]
    if body.get("group") != g.id or not isinstance(body.get("version"), int) or body["version"] <= g.version:
        return False
    known = {d.id: d for d in session.scalars(select(SyncDevice))}
    if roster_problem(doc, known) is not None:
        return False
    _take_roster(session, doc, known)
    return True


def _take_roster(session: Session, doc: dict[str, Any], known: dict[str, SyncDevice]) -> None:
    g = group(session)
    assert g is not None
    body = doc["body"]
    for e in body["devices"]:
        d = known.get(e["id"])
        if d is None:
            d = SyncDevice(id=e["id"], last_bundle=0)
            session.add(d)
        elif (d.sign_key, d.box_key) != (e["sign_key"], e["box_key"]):
            continue  # a device's keys never change: re-enrolment makes a new device
        d.name, d.role, d.sign_key, d.box_key = e["name"][:200], e["role"], e["sign_key"], e["box_key"]
        d.acting_for = uuid.UUID(e["acting_for"]) if e.get("acting_for") else None
        d.enrolled_at = _moment(e.get("enrolled_at")) or utcnow()
        d.revoked_at = d.revoked_at or _moment(e.get("revoked_at"))
        partner_replica(session, d)
    g.version, g.roster, g.name = body["version"], doc, str(body.get("name") or g.name)[:200]


def _moment(text: Any) -> dt.datetime | None:
    if not text:
        return None
    moment = dt.datetime.fromisoformat(str(text))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def partner_replica(session: Session, device: SyncDevice) -> SyncReplica:
    """The replica row of a device, its keys and SP scope from the signed roster (never from a
    bundle's own say-so)."""
    replica = session.get(SyncReplica, device.id)
    if replica is None:
        replica = SyncReplica(id=device.id, name=device.name, is_self=False, sign_key=device.sign_key,
                              box_key=device.box_key, next_seq=0, hlc_wall=0, hlc_counter=0)
        session.add(replica)
    if not replica.is_self:
        replica.name, replica.sign_key, replica.box_key = device.name, device.sign_key, device.box_key
        replica.acting_for = device.acting_for if device.role == "sp" else None
    return replica


def _audit(session: Session, action: str, device_id: str) -> None:
    """Enrolment and revocation in the audit trail (issue 18, item 4), by device id, in the same transaction."""
    from app.services.audit.trail import record_in

    record_in(session, action, "sync device", [device_id])


def _require_group(session: Session) -> SyncGroup:
    g = group(session)
    if g is None:
        raise SyncError("This database is not in a device sync group: run `mentordesk sync setup --name NAME` "
                        "on the coordinator's laptop first.")
    return g


def _require_coordinator(session: Session) -> SyncDevice:
    me = own_device(session)
    if me.role != "coordinator" or me.revoked_at is not None:
        raise SyncError("Only a coordinator's device may invite, enrol or revoke devices.")
    return me


# --- setup, invite, join, revoke -------------------------------------------------------------------


def _new_replica(session: Session, name: str, sign: Any, box: Any, acting_for: uuid.UUID | None = None) -> SyncReplica:
    me = SyncReplica(id=uuid.uuid4().hex, name=name, is_self=True, sign_key=sign.verify_key.encode().hex(),
                     box_key=box.public_key.encode().hex(), next_seq=1, hlc_wall=0, hlc_counter=0, exported={},
                     acting_for=acting_for)
    session.add(me)
    return me


def _backfill(session: Session) -> int:
    from app.services.sync import capture as sync_capture

    session.flush()
    w = sync_capture.writer(session)
    assert w is not None
    count = sync_capture.backfill(session, w)
    w.save(session)
    return count


def setup_group(session: Session, name: str | None = None, group_name: str | None = None) -> tuple[SyncReplica, int]:
    """Start the district's group on this (coordinator) laptop: its own keys, a roster with it as
    the first coordinator. Returns the replica and how many existing records the back-fill logged."""
    from nacl.public import PrivateKey
    from nacl.signing import SigningKey

    existing = self_replica(session)
    if existing is not None:
        if group(session) is not None:
            return existing, 0
        raise SyncError("This database already belongs to a sync group set up with a district secret; "
                        "see docs/security.md (\"Moving an old group\") to move it to enrolled devices.")
    sign, box = SigningKey.generate(), PrivateKey.generate()
    me = _new_replica(session, name or default_name(), sign, box)
    device = SyncDevice(id=me.id, name=me.name, role="coordinator", sign_key=me.sign_key, box_key=me.box_key,
                        enrolled_at=utcnow(), last_bundle=0)
    device.secret = store_keys(session, me.id, sign.encode(), box.encode())
    session.add(device)
    session.add(SyncGroup(id=uuid.uuid4().hex, name=(group_name or "MentorDesk sync group")[:200], version=0,
                          roster={}))
    session.flush()
    sign_roster(session)
    _audit(session, "sync setup", me.id)
    return me, _backfill(session)


def new_code() -> str:
    code = "".join(_secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


def _code_key(code: str, salt: bytes) -> bytes:
    import nacl.pwhash

    compact = code.replace("-", "").replace(" ", "").upper()
    ops, mem = INVITE_KDF
    return nacl.pwhash.argon2id.kdf(32, compact.encode(), salt, opslimit=ops, memlimit=mem)


def invite(session: Session, name: str, role: str, out: str | Path) -> str:
    """Write a one-time invitation for a named device to `out` (a new file, 0600); returns the code."""
    from nacl.secret import SecretBox
    from nacl.signing import SigningKey
    from nacl.utils import random

    if role not in INVITE_ROLES:
        raise SyncError(f"An invitation's role is one of {', '.join(INVITE_ROLES)} (an SP's field copy is made "
                        "with `mentordesk fieldcopy`).")
    name = name.strip()
    if not name:
        raise SyncError("Give the device a name.")
    _require_coordinator(session)
    g = _require_group(session)
    if session.scalars(select(SyncDevice).where(SyncDevice.name == name, SyncDevice.revoked_at.is_(None))).first():
        raise SyncError(f"A device named {name!r} is enrolled already; choose another name.")
    out = Path(out)
    if out.exists():
        raise SyncError(f"{out} already exists; choose a new file name.")
    one_time = SigningKey.generate()
    code = new_code()
    salt = random(16)
    now = utcnow()
    expires = now + dt.timedelta(days=INVITE_DAYS)
    invite_id = uuid.uuid4().hex
    content = {"group": g.id, "invite": invite_id, "name": name, "role": role, "key": one_time.encode().hex(),
               "roster": g.roster, "expires_at": expires.isoformat()}
    sealed = SecretBox(_code_key(code, salt)).encrypt(json.dumps(content).encode())
    doc = {"format": INVITE_FORMAT, "version": 1, "salt": salt.hex(), "sealed": bytes(sealed).hex()}
    session.add(SyncInvite(id=invite_id, name=name, role=role, verify_key=one_time.verify_key.encode().hex(),
                           created_at=now, expires_at=expires))
    out.parent.mkdir(parents=True, exist_ok=True)
    paths.create_private_file(out)
    out.write_text(json.dumps(doc), encoding="utf-8")
    _audit(session, "sync invite", invite_id)
    return code


def join(session: Session, file: str | Path, code: str, name: str) -> tuple[SyncReplica, SyncDevice, int]:
    """Enrol this database as the device an invitation names: its own keys, the group's roster, and
    the enrolment proof its bundles carry until a coordinator accepts it."""
    from nacl.exceptions import CryptoError
    from nacl.public import PrivateKey
    from nacl.secret import SecretBox
    from nacl.signing import SigningKey

    if self_replica(session) is not None:
        raise SyncError("This database is a sync device already; an invitation is joined from a new database.")
    try:
        doc = json.loads(Path(file).read_text(encoding="utf-8"))
        if doc.get("format") != INVITE_FORMAT:
            raise ValueError("format")
        sealed, salt = bytes.fromhex(doc["sealed"]), bytes.fromhex(doc["salt"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise SyncError(f"{Path(file).name} is not a MentorDesk invitation.") from None
    try:
        content = json.loads(SecretBox(_code_key(code, salt)).decrypt(sealed))
    except CryptoError:
        raise SyncError("Wrong code for this invitation (or the file was altered); nothing was changed.") from None
    if _moment(content.get("expires_at")) and _moment(content["expires_at"]) < utcnow():
        raise SyncError("This invitation has expired; ask the coordinator for a new one.")
    if name.strip().casefold() != str(content.get("name", "")).casefold():
        raise SyncError(f"This invitation is for the device named {content.get('name')!r}; join with that name.")
    roster = content.get("roster")
    problem = roster_problem(roster, None)
    if problem or roster["body"].get("group") != content.get("group"):
        raise SyncError(f"The invitation's roster does not check ({problem or 'another group'}); nothing was changed.")
    sign, box = SigningKey.generate(), PrivateKey.generate()
    me = _new_replica(session, str(content["name"])[:200], sign, box)
    session.add(SyncGroup(id=content["group"], name=str(roster["body"].get("name") or "")[:200], version=0, roster={}))
    session.flush()
    _take_roster(session, roster, {})
    device = SyncDevice(id=me.id, name=me.name, role=content["role"], sign_key=me.sign_key, box_key=me.box_key,
                        enrolled_at=utcnow(), last_bundle=0)
    claim = {"invite": content["invite"], "id": me.id, "name": me.name, "sign_key": me.sign_key, "box_key": me.box_key}
    claim["proof"] = SigningKey(bytes.fromhex(content["key"])).sign(_canonical(claim)).signature.hex()
    device.secret = store_keys(session, me.id, sign.encode(), box.encode())
    device.sent = {"enrol": claim}
    session.add(device)
    _audit(session, "sync join", me.id)
    return me, device, _backfill(session)


def enrolment_claim(device: SyncDevice, g: SyncGroup) -> dict[str, Any] | None:
    """What this device's bundles carry until the roster lists it."""
    listed = any(e.get("id") == device.id for e in (g.roster or {}).get("body", {}).get("devices", []))
    return None if listed else (device.sent or {}).get("enrol")


def enrol_from_claim(session: Session, claim: Any, sender: str) -> SyncDevice | None:
    """On a coordinator's laptop: enrol the device a bundle's claim names when its proof checks with an
    open invitation (used once, not expired). None when it does not check."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    me = own_device(session)
    if me.role != "coordinator" or me.revoked_at or not isinstance(claim, dict) or claim.get("id") != sender:
        return None
    inv = session.get(SyncInvite, str(claim.get("invite")))
    if inv is None or inv.used_by is not None or inv.expires_at < utcnow():
        return None
    try:
        unsigned = {k: claim[k] for k in ("invite", "id", "name", "sign_key", "box_key")}
        VerifyKey(bytes.fromhex(inv.verify_key)).verify(_canonical(unsigned), bytes.fromhex(claim["proof"]))
        bytes.fromhex(claim["sign_key"]), bytes.fromhex(claim["box_key"])
    except (BadSignatureError, KeyError, ValueError, TypeError):
        return None
    inv.used_by, inv.used_at = sender, utcnow()
    device = SyncDevice(id=sender, name=inv.name, role=inv.role, sign_key=claim["sign_key"], box_key=claim["box_key"],
                        enrolled_at=utcnow(), last_bundle=0)
    session.add(device)
    session.flush()
    sign_roster(session)
    partner_replica(session, device)
    _audit(session, "sync enrol", device.id)
    return device


def enrol_field_copy(session: Session, replica: str, name: str, sp_id: uuid.UUID, sign_key: str, box_key: str) -> SyncDevice:
    """A field copy made here is enrolled at once as an `sp` device acting for its SP."""
    _require_coordinator(session)
    device = SyncDevice(id=replica, name=name[:200], role="sp", sign_key=sign_key, box_key=box_key,
                        acting_for=sp_id, enrolled_at=utcnow(), last_bundle=0)
    session.add(device)
    session.flush()
    sign_roster(session)
    _audit(session, "sync enrol", device.id)
    return device


def revoke(session: Session, name: str) -> SyncDevice:
    """Revoke a device: the next roster says so; its bundles are refused from then on, and bundles
    are no longer sealed to it (each bundle has a fresh key sealed to the live devices only)."""
    me = _require_coordinator(session)
    device = device_named(session, name)
    if device.id == me.id:
        raise SyncError("A coordinator cannot revoke the device it is working on; do it from another coordinator's.")
    if device.revoked_at is not None:
        raise SyncError(f"{device.name} was revoked already, on {us_date(device.revoked_at)}.")
    device.revoked_at = utcnow()
    session.flush()
    sign_roster(session)
    _audit(session, "sync revoke", device.id)
    return device
