"""Bundles: the files that carry operations between laptops (shared folder, USB stick, email).

A bundle file is `MAGIC` followed by a SecretBox sealed with the district's group key (only
laptops that know the district secret can read it or make one). Inside: a JSON header line
(sender, its public keys, recipient) and the body: the sender's Ed25519 signature over a gzip
of JSON lines, the first a manifest (format, app and schema versions, sender, what the sender
has received from each replica, how many operations, their SHA-256), then one operation per
line. A bundle `--for` one replica is also sealed in a Box to that replica's public key.

Each replica writes only into its own outbox folder, atomically (temporary file, fsync, rename),
and never rewrites a file. A large export is split into several bundles of at most `PART_BYTES` of
operations, so every bundle stays well under the limit a reader accepts (`files.MAX_BUNDLE_BYTES`:
the shared folder is treated as hostile, see `files`). Applying a bundle is one transaction and
idempotent; a bundle from a newer schema is parked (kept whole in `sync_bundle`) until the app is
updated.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session, undefer

from app.models.base import utcnow
from app.models.sync import SyncBundle, SyncOp, SyncReplica
from app.services.batch import cycle_collector_paused
from app.services.sync import files
from app.services.sync.capture import ROW, synced_tables
from app.services.sync.identity import SyncError, require_self
from app.services.sync.merge import apply_ops, received
from app.services.sync.owners import in_field_copy_scope, refused, remember_foreign, vouched

MAGIC = b"MENTORDESK-SYNC 1\n"
FORMAT = 1
SUFFIX = ".mdsync"
PART_BYTES = 16 * 2**20  # operations per bundle, as JSON text: a quarter of what a reader accepts
OP_FIELDS = ("replica", "seq", "hlc_wall", "hlc_counter", "table_name", "row_id", "column", "value", "seen")


def outbox_name(replica_id: str) -> str:
    return f"outbox-{replica_id}"


# --- export -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    path: Path | None  # None: nothing new to send; the first part when the export was split
    ops: int
    size: int = 0  # bytes, all parts
    paths: tuple[Path, ...] = ()  # every part, in the order to apply them


def export_bundle(session: Session, to: str | Path, for_replica: str | None = None,
                  even_if_empty: bool = False) -> Exported:
    """Write the operations the recipient (one replica, or the group's shared folder) has not had
    yet. A folder gets the bundle in this replica's own outbox inside it; a file path is written
    as given (never over an existing file). With nothing new, a group export writes nothing
    unless `even_if_empty` (a bundle still introduces this laptop and says what it has)."""
    me = require_self(session)
    from app.services.sync import sealed

    if sealed.in_device_group(session):
        return _export_sealed(session, me, Path(to), for_replica, even_if_empty)
    if not me.group_key:
        raise SyncError("This database has no sync group key; it cannot write a group bundle.")
    recipient = _partner(session, for_replica) if for_replica else None
    since = dict(recipient.knows or {}) if recipient else dict(me.exported or {})
    ops = _ops_since(session, since, only=me.id if me.acting_for else None)  # a field copy sends its own
    if not ops and recipient is None and not even_if_empty:
        return Exported(None, 0)
    paths: list[Path] = []
    size = 0
    for number, part in enumerate(_parts(ops)):
        raw = encode_bundle(session, me, part, recipient)
        path = _destination(Path(to), me.id, raw, number)
        files.write_new_file(path, raw)
        session.add(SyncBundle(id=hashlib.sha256(raw).hexdigest(), sender=me.id, status="exported",
                               ops=len(part), schema=_schema(), path=str(path)))
        paths.append(path)
        size += len(raw)
    if recipient is None:  # up to the first gap only: ops received out of order are sent again later
        have = received(session)
        me.exported = {**since, **{r: max(since.get(r, 0), min(top, have.get(r, 0))) for r, top in _top_seqs(ops).items()}}
    return Exported(paths[0], len(ops), size, tuple(paths))


def _export_sealed(session: Session, me: SyncReplica, to: Path, for_device: str | None,
                   even_if_empty: bool) -> Exported:
    """Device groups (issue 18): one bundle sealed to the full members (the coordinator's and staff
    laptops) with every change they have not had, and one per SP field copy, sealed to it alone,
    with only the changes of the records its copy keeps (sealed.py)."""
    from app.services.sync import audit_section, devices, sealed

    own = devices.own_device(session)
    g = devices.group(session)
    assert g is not None
    roster_news = (own.sent or {}).get("roster") != g.version  # a revocation travels even with nothing new
    paths: list[Path] = []
    size = total = 0
    for recipients, sp_id, tracked in sealed.plan(session, for_device):
        if tracked is None and for_device:
            since = dict(_partner(session, recipients[0].id).knows or {})
        elif tracked is None:
            since = dict(me.exported or {})
        else:  # never sent to yet: what it said it has (a field copy: what it was made with)
            since = dict(tracked.sent if tracked.sent is not None else devices.partner_replica(session, tracked).knows or {})
            since.pop("roster", None)
        ops = _ops_since(session, since, only=me.id if me.acting_for or own.role == "principal" else None)
        considered = ops
        if sp_id is sealed.PRINCIPAL_VIEW:
            ops = sealed.principal_view(ops)
        elif sp_id is not None:
            ops = sealed.scoped(session, sp_id, ops, skip=tracked.id if tracked else "")
        trail, trail_news = audit_section.outgoing(session, recipients)  # to the coordinators among them only
        wanted = bool(ops) or for_device is not None or even_if_empty or roster_news or trail_news
        if wanted and recipients:  # nobody to seal to (a coordinator alone): a laptop enrolled later catches up
            held = audit_section.held_for(session, recipients)
            for number, part in enumerate(_parts(ops)):
                extra = {"audit": trail, "audit_held": held} if number == 0 else None
                raw = sealed.encode(session, me, payload_of(session, me, part, extra), recipients)
                path = _destination(to, me.id, raw, len(paths) + number)
                files.write_new_file(path, raw)
                session.add(SyncBundle(id=hashlib.sha256(raw).hexdigest(), sender=me.id, status="exported",
                                       ops=len(part), schema=_schema(), path=str(path)))
                paths.append(path)
                size += len(raw)
            total += len(ops)
            audit_section.sent(session, recipients, trail)
        if for_device:
            continue
        have = received(session)
        watermark = {**since, **{r: max(since.get(r, 0), min(top, have.get(r, 0))) for r, top in _top_seqs(considered).items()}}
        if tracked is None:
            me.exported = watermark
        else:
            tracked.sent = watermark
    own.sent = {**(own.sent or {}), "roster": g.version}
    return Exported(paths[0] if paths else None, total, size, tuple(paths))


def _parts(ops: list[tuple]) -> list[list[tuple]]:
    """The operations in runs of at most about `PART_BYTES` of JSON (at least one operation each;
    an empty list is one empty part)."""
    parts: list[list[tuple]] = [[]]
    size = 0
    for op in ops:
        line = 96 + sum(len(str(v)) for v in op)  # an operation's line, within a few bytes
        if parts[-1] and size + line > PART_BYTES:
            parts.append([])
            size = 0
        parts[-1].append(op)
        size += line
    return parts


def _partner(session: Session, replica: str) -> SyncReplica:
    found = session.scalars(select(SyncReplica).where(
        (SyncReplica.id == replica) | (SyncReplica.name == replica), SyncReplica.is_self.is_(False))).first()
    if found is None:
        raise SyncError(f"No partner {replica!r} is known yet: import one of their bundles first "
                        "(`mentordesk sync status` lists partners).")
    return found


def _ops_since(session: Session, since: dict[str, int], only: str | None = None) -> list[tuple]:
    """The operations after `since` (of one replica, with `only`), with value and seen as their
    JSON text (no decoding)."""
    t = SyncOp.__table__
    cols = [cast(t.c[name], Text) if name in ("value", "seen") else t.c[name] for name in OP_FIELDS]
    conn = session.connection()
    out: list[tuple] = []
    replicas = [only] if only else conn.execute(select(t.c.replica).distinct()).scalars()
    for replica in replicas:
        query = select(*cols).where(t.c.replica == replica, t.c.seq > since.get(replica, 0)).order_by(t.c.seq)
        out += conn.execute(query).all()
    return out


def _top_seqs(ops: list[tuple]) -> dict[str, int]:
    top: dict[str, int] = {}
    for op in ops:
        top[op[0]] = max(top.get(op[0], 0), op[1])
    return top


def _schema() -> str:
    from app.db import head_revision

    return head_revision()


def encode_bundle(session: Session, me: SyncReplica, ops: list[tuple], recipient: SyncReplica | None) -> bytes:
    from nacl.public import Box, PrivateKey, PublicKey
    from nacl.secret import SecretBox
    from nacl.signing import SigningKey

    payload = payload_of(session, me, ops)
    body = SigningKey(bytes.fromhex(me.sign_secret)).sign(payload)
    if recipient is not None:
        box = Box(PrivateKey(bytes.fromhex(me.box_secret)), PublicKey(bytes.fromhex(recipient.box_key)))
        body = bytes(box.encrypt(body))
    header = {"sender": me.id, "name": me.name, "sign_key": me.sign_key, "box_key": me.box_key,
              "recipient": recipient.id if recipient else None,
              "acting_for": str(me.acting_for) if me.acting_for else None}  # a field copy says whose it is
    inner = json.dumps(header).encode() + b"\n" + body
    return MAGIC + bytes(SecretBox(bytes.fromhex(me.group_key)).encrypt(inner))


def payload_of(session: Session, me: SyncReplica, ops: list[tuple], extra: dict[str, Any] | None = None) -> bytes:
    """The gzip of the manifest line and one line per operation. `extra`: more manifest keys (a device
    group's audit section, audit_section.py); a None value is left out."""
    from app import __version__

    lines = b"".join(_op_line(op) for op in ops)
    manifest = {"format": FORMAT, "app_version": __version__, "schema": _schema(), "sender": me.id,
                "sender_name": me.name, "received": received(session), "ops": len(ops),
                "sha256": hashlib.sha256(lines).hexdigest(), "created_at": utcnow().isoformat()}
    manifest.update({k: v for k, v in (extra or {}).items() if v is not None})
    return gzip.compress(json.dumps(manifest).encode() + b"\n" + lines, compresslevel=6, mtime=0)


def _op_line(op: tuple) -> bytes:
    replica, seq, wall, counter, table, row_id, column, value, seen = op
    head = json.dumps([replica, seq, wall, counter, table, str(row_id), column], separators=(",", ":"))
    return f"{head[:-1]},{value or 'null'},{seen or 'null'}]\n".encode()


def _destination(to: Path, replica: str, raw: bytes, number: int = 0) -> Path:
    """In a folder: a new name in this replica's outbox (a real folder inside it, never a link).
    A file: as given; the parts after the first of a split export get `-2`, `-3`... before the suffix."""
    if to.suffix.lower() != SUFFIX and (to.is_dir() or not to.suffix):
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        outbox = files.outbox_folder(to, outbox_name(replica))
        return outbox / f"{stamp}-{number:03d}-{hashlib.sha256(raw).hexdigest()[:12]}{SUFFIX}"
    return to if number == 0 else to.with_name(f"{to.stem}-{number + 1}{to.suffix}")


# --- reading ------------------------------------------------------------------------------------


@dataclass
class Decoded:
    header: dict[str, Any]
    manifest: dict[str, Any]
    lines: bytes


def decode_bundle(raw: bytes, me: SyncReplica) -> Decoded | None:
    """Open a bundle; None when it is sealed for another replica. Raises SyncError when it is not a
    bundle of this group, or its signature or hash does not check."""
    from nacl.exceptions import CryptoError
    from nacl.public import Box, PrivateKey, PublicKey
    from nacl.secret import SecretBox
    from nacl.signing import VerifyKey

    if not raw.startswith(MAGIC):
        raise SyncError("This file is not a MentorDesk sync bundle.")
    if not me.group_key:
        from app.services.sync.sealed import legacy_refusal

        raise legacy_refusal()
    try:
        inner = SecretBox(bytes.fromhex(me.group_key)).decrypt(raw[len(MAGIC):])
        header_line, body = inner.split(b"\n", 1)
        header = json.loads(header_line)
        if not isinstance(header, dict) or not all(isinstance(header.get(k), str) for k in ("sender", "sign_key")):
            raise ValueError("header")
        if header.get("recipient") not in (None, me.id):
            return None
        if header.get("recipient"):
            box = Box(PrivateKey(bytes.fromhex(me.box_secret)), PublicKey(bytes.fromhex(header["box_key"])))
            body = box.decrypt(body)
        payload = VerifyKey(bytes.fromhex(header["sign_key"])).verify(body)
    except CryptoError as exc:
        raise SyncError("This bundle was not made by a laptop of this district's sync group "
                        "(different district secret), or it was altered on the way.") from exc
    except (ValueError, TypeError, KeyError) as exc:  # malformed header or keys (json errors are ValueErrors)
        raise SyncError("This bundle's header is malformed; it was not applied.") from exc
    return decode_payload(payload, header)


def decode_payload(payload: bytes, header: dict[str, Any]) -> Decoded:
    """The manifest and operation lines of a bundle's (checked) payload."""
    content = files.inflate(payload)  # bounded: a compression bomb is refused in its first megabytes
    try:
        manifest_line, lines = content.split(b"\n", 1)
        manifest = json.loads(manifest_line)
        if not _well_formed_manifest(manifest):
            raise ValueError("manifest")
    except ValueError as exc:
        raise SyncError("This bundle's manifest is malformed; it was not applied.") from exc
    if hashlib.sha256(lines).hexdigest() != manifest.get("sha256") or manifest.get("sender") != header["sender"]:
        raise SyncError("This bundle's contents do not match its manifest; it was not applied.")
    return Decoded(header, manifest, lines)


def _well_formed_manifest(manifest: Any) -> bool:
    def count(value: Any) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    return (isinstance(manifest, dict) and isinstance(manifest.get("sender"), str)
            and isinstance(manifest.get("sha256"), str) and count(manifest.get("ops"))
            and count(manifest.get("format", FORMAT)) and isinstance(manifest.get("schema"), (str, type(None))) and len(manifest.get("schema") or "") <= 64
            and isinstance(manifest.get("received"), (dict, type(None)))
            and all(isinstance(k, str) and count(v) for k, v in (manifest.get("received") or {}).items()))


# Per schema revision, a function that brings an operation written by that (older) schema up to
# this one, e.g. a renamed column. Migrations only add columns, so none is needed yet.
UPGRADES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def parse_ops(lines: bytes, schema: str | None = None) -> list[dict[str, Any]]:
    upgrade = UPGRADES.get(schema or "")
    try:
        # One parse of the whole body as a JSON array (a line is one JSON text), by orjson: 5x faster.
        rows = orjson.loads(b"[" + b",".join(line for line in lines.splitlines() if line) + b"]")
        ops = []
        for row in rows:
            if not isinstance(row, list) or len(row) != len(OP_FIELDS) or not _well_formed(row):
                raise ValueError("operation")
            op = dict(zip(OP_FIELDS, row))
            op["row_id"] = uuid.UUID(op["row_id"])
            ops.append(upgrade(op) if upgrade else op)
    except (ValueError, TypeError, AttributeError) as exc:  # orjson.JSONDecodeError is a ValueError
        raise SyncError("This bundle holds a malformed operation; it was not applied.") from exc
    return ops


def _well_formed(row: list[Any]) -> bool:
    replica, seq, wall, counter, table, row_id, column = row[:7]
    return (all(isinstance(v, str) for v in (replica, table, row_id, column))
            and all(isinstance(v, int) and not isinstance(v, bool) for v in (seq, wall, counter)))


# --- import -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    path: Path
    status: str  # applied, waiting, duplicate, parked, refused, not-for-us, own, not-enrolled
    ops: int = 0  # operations in the bundle
    new: int = 0  # operations this database did not have
    sender: str = ""
    note: str = ""
    audit: str = ""  # a device group: why the bundle's audit section was refused (one line), or ""


@cycle_collector_paused  # a bundle makes hundreds of thousands of small objects, none in cycles
def import_bundle(session: Session, path: str | Path, explicit: bool = False) -> Imported:
    """Apply one bundle file in the caller's transaction (commit or roll back as one). `explicit`:
    the file was named on its own (not met in a folder): a sealed bundle already received, or
    sealed to other devices, is then refused rather than skipped."""
    from app.services.sync import sealed

    path = Path(path)
    raw = files.read_bundle_file(path)  # never through a link, never over the size limit
    if sealed.is_sealed(raw):
        return _import_sealed(session, path, raw, explicit)
    if sealed.in_device_group(session):
        raise sealed.legacy_refusal()
    bundle_id = hashlib.sha256(raw).hexdigest()
    known = session.get(SyncBundle, bundle_id)
    if known is not None:
        return Imported(path, "own" if known.status == "exported" else "duplicate", known.ops, 0, known.sender)
    me = require_self(session)
    decoded = decode_bundle(raw, me)
    if decoded is None:
        return Imported(path, "not-for-us")
    sender = decoded.header["sender"]
    if sender == me.id:
        return Imported(path, "own", decoded.manifest["ops"], 0, sender)
    bundle = SyncBundle(id=bundle_id, sender=sender, status="new", ops=decoded.manifest["ops"],
                        schema=decoded.manifest.get("schema"), path=str(path), data=raw)
    done = _apply(session, me, bundle, decoded)
    session.add(bundle)  # after: an applied bundle's file is not kept, and never written only to be cleared
    if done.status == "applied":
        _retry_waiting(session, me)  # what it brought may be what a waiting bundle was waiting for
    return done


def _import_sealed(session: Session, path: Path, raw: bytes, explicit: bool) -> Imported:
    from app.services.sync import audit_section, sealed

    me = require_self(session)
    bundle_id = hashlib.sha256(raw).hexdigest()
    known = session.get(SyncBundle, bundle_id)
    if known is not None and known.status == "exported":
        return Imported(path, "own", known.ops, 0, known.sender)
    if known is not None and not explicit:  # the shared folder still holds a bundle met before
        return Imported(path, "duplicate", known.ops, 0, known.sender)
    opened = sealed.open_sealed(session, raw, me, path=path, explicit=explicit)
    if isinstance(opened, str):
        note = "waiting for a coordinator to accept this new device" if opened == "not-enrolled" else ""
        return Imported(path, opened, note=note)
    if opened[0] == "revoked":  # a revoked sender's bundle met in a folder
        note = opened[1].decode().removeprefix("refused: ")
        session.add(SyncBundle(id=bundle_id, sender="", status="refused", ops=0, path=str(path), note=note))
        return Imported(path, "refused", note=note)
    opened = decode_payload(opened[1], opened[0])
    sender = opened.header["sender"]
    trail = audit_section.receive(session, sender, opened.manifest)  # its own part: never stops the operations
    bundle = SyncBundle(id=bundle_id, sender=sender, status="new", ops=opened.manifest["ops"],
                        schema=opened.manifest.get("schema"), path=str(path), data=raw)
    if opened.manifest["ops"] and sealed.sender_role(session, sender) == "principal":
        bundle.status, bundle.note = "refused", "a principal's device may not change records"
        session.add(bundle)
        return Imported(path, "refused", bundle.ops, 0, sender, bundle.note, trail)
    done = _apply(session, me, bundle, opened, sealed.partner_for(session, sender))
    session.add(bundle)
    if done.status == "applied":
        _retry_waiting(session, me)
    return replace(done, audit=trail)


def _apply(session: Session, me: SyncReplica, bundle: SyncBundle, decoded: Decoded,
           partner: SyncReplica | None = None) -> Imported:
    """Apply a decoded bundle and set its status: applied; parked (a newer schema); refused (beyond
    its sender's records); waiting (some changes are of records not here yet: the rest is applied,
    and the bundle is tried again after the next one). Parked, refused and waiting keep the file."""
    path = Path(bundle.path or "")
    if partner is None:
        partner = _remember_partner(session, decoded)
    ops = _ops_of(decoded)
    problem = newer_schema_problem(decoded.manifest, ops)
    if problem:
        bundle.status, bundle.note = "parked", problem
        return Imported(path, "parked", bundle.ops, 0, bundle.sender, problem)
    ops = vouched(session, partner, ops or [])
    early: list[dict[str, Any]] = []
    if me.acting_for is not None:  # a field copy stores only what its SP needs
        scope = [in_field_copy_scope(session, me.acting_for, op, ops) for op in ops]
        remember_foreign(session, [op for op, mine in zip(ops, scope) if mine is False])
        early = [op for op, mine in zip(ops, scope) if mine is None]
        ops = [op for op, mine in zip(ops, scope) if mine]
    problems, unknown = refused(session, partner, ops)
    if problems:
        bundle.status = "refused"
        bundle.note = "changes records its sender may not change: " + "; ".join(problems)
        return Imported(path, "refused", bundle.ops, 0, bundle.sender, bundle.note)
    early += [op for i, op in enumerate(ops) if i in unknown]
    new = apply_ops(session, [op for i, op in enumerate(ops) if i not in unknown])
    partner.knows = decoded.manifest.get("received") or {}
    if early:
        bundle.status = "waiting"
        bundle.note = f"{len(early)} changes wait for the records they change to arrive"
        return Imported(path, "waiting", bundle.ops, new, bundle.sender, bundle.note)
    bundle.status, bundle.data, bundle.note = "applied", None, None
    return Imported(path, "applied", bundle.ops, new, bundle.sender)


def _retry_waiting(session: Session, me: SyncReplica) -> list[Imported]:
    """Try the waiting bundles again until none makes progress."""
    out: list[Imported] = []
    while True:
        waiting = session.scalars(select(SyncBundle).where(SyncBundle.status == "waiting")
                                  .options(undefer(SyncBundle.data))).all()
        progress = [done for bundle in waiting if (done := _retry(session, me, bundle)).status == "applied"]
        out += progress
        if not progress:
            return out


def _retry(session: Session, me: SyncReplica, bundle: SyncBundle) -> Imported:
    from app.services.sync import sealed

    raw = bundle.data or b""
    partner = None
    if sealed.is_sealed(raw):
        reopened = sealed.reopen(session, raw, me)
        decoded = decode_payload(reopened[1], reopened[0]) if reopened is not None else None
        partner = sealed.partner_for(session, bundle.sender) if decoded is not None else None
    else:
        decoded = decode_bundle(raw, me)
    if decoded is None:
        return Imported(Path(bundle.path or ""), bundle.status, bundle.ops, 0, bundle.sender)
    return _apply(session, me, bundle, decoded, partner)


def _remember_partner(session: Session, decoded: Decoded) -> SyncReplica:
    """Trust on first use: a partner's keys are learned from its first bundle, then must not change."""
    h = decoded.header
    partner = session.get(SyncReplica, h["sender"])
    acting_for = uuid.UUID(h["acting_for"]) if h.get("acting_for") else None
    if partner is None:  # a field copy is known as one everywhere, not only on the laptop that made it
        partner = SyncReplica(id=h["sender"], name=h.get("name") or h["sender"], is_self=False,
                              sign_key=h["sign_key"], box_key=h["box_key"], next_seq=0, hlc_wall=0, hlc_counter=0,
                              acting_for=acting_for)
        session.add(partner)
    elif (partner.sign_key, partner.box_key) != (h["sign_key"], h["box_key"]) or (
            partner.acting_for is not None and partner.acting_for != acting_for):
        raise SyncError(f"The bundle claims to come from {partner.name}, but its keys (or whose field copy "
                        "it is) differ from the ones seen before; it was not applied.")
    partner.name = h.get("name") or partner.name
    partner.last_exchange_at = utcnow()
    return partner


def newer_schema_problem(manifest: dict[str, Any], ops: list[dict[str, Any]] | None) -> str | None:
    """Why this bundle cannot be applied by this version of the app, or None. `ops`: its
    operations (None when the manifest alone already says the bundle is too new)."""
    from app.db import known_revisions

    if manifest.get("format", FORMAT) > FORMAT:
        return f"bundle format {manifest['format']} is newer than this app reads ({FORMAT}); update MentorDesk"
    if manifest.get("schema") and manifest["schema"] not in known_revisions():
        return f"made by a newer MentorDesk (schema {manifest['schema']}); update MentorDesk to apply it"
    tables = synced_tables()
    checked: set[tuple[str, Any]] = set()
    for op in ops or ():
        columns = tuple(op["value"]) if op["column"] == ROW else op["column"]
        if (op["table_name"], columns) in checked:  # a bundle's rows repeat a few column sets
            continue
        checked.add((op["table_name"], columns))
        table = tables.get(op["table_name"])
        if table is None or any(c not in table.columns for c in ((columns,) if op["column"] != ROW else columns)):
            return f"names {op['table_name']}.{op['column']}, which this version does not have; update MentorDesk"
    return None


def _ops_of(decoded: Decoded) -> list[dict[str, Any]] | None:
    """The bundle's operations, or None when its format or schema is too new to read them."""
    from app.db import known_revisions

    m = decoded.manifest
    if m.get("format", FORMAT) > FORMAT or (m.get("schema") and m["schema"] not in known_revisions()):
        return None
    return parse_ops(decoded.lines, m.get("schema"))


def retry_held(session: Session, folder_files: list[Path] | None = None) -> list[Imported]:
    """Apply parked bundles this version can now read (after an update) and waiting ones whose
    records have come, and try again the rows held back for a missing parent or a duplicate key
    (after someone renamed the other record). `folder_files`: the bundles of a shared folder about
    to be imported, whose signed rosters are taken first in a device group (who is enrolled or
    revoked does not depend on the order of the files)."""
    from app.models.sync import SyncPending
    from app.services.sync import sealed
    from app.services.sync.merge import materialize

    me = require_self(session)
    if folder_files and sealed.in_device_group(session):
        sealed.learn_rosters(session, folder_files)
    parked = session.scalars(select(SyncBundle).where(SyncBundle.status == "parked")
                             .options(undefer(SyncBundle.data))).all()
    out = [done for bundle in parked if (done := _retry(session, me, bundle)).status == "applied"]
    out += _retry_waiting(session, me)
    if session.scalar(select(func.count()).select_from(SyncPending)):
        materialize(session, set())
    return out


def bundle_files(folder: str | Path) -> list[Path]:
    """Every bundle under a folder (a shared folder holds one outbox per replica), oldest name
    first; a symbolic link is listed (not followed) so that importing it says it was refused."""
    return files.bundle_files(folder, SUFFIX)


def parked_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(SyncBundle).where(SyncBundle.status == "parked")) or 0
