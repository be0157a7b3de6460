"""Issue 18, the sync trust model tried as an attacker would: devices enrol with a one-time
invitation and code, bundles are sealed to the devices that may read them and signed by the
device that made them; a forged, replayed, revoked, tampered or misdirected bundle is refused with
one line, a non-zero exit and the database byte for byte as it was; an SP's copy gets only its
own candidates' records, and its file opened without its key shows no name."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import struct
import uuid
from pathlib import Path
from types import SimpleNamespace

import nacl.pwhash
import pytest
from sqlalchemy import select

from app import dbkeys
from app.cli import main
from app.db import Database
from app.models import Educator, derived_id
from app.services.sync import devices, sealed
from tests.test_sync_support import cap_district, edit_educator

PASSPHRASE = "device passphrase 1"


@pytest.fixture(autouse=True)
def _fast_kdf_and_no_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    fast = (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN)
    monkeypatch.setattr(dbkeys, "KDF_LIMITS", fast)
    monkeypatch.setattr(devices, "INVITE_KDF", fast)
    monkeypatch.setenv("MENTORDESK_NO_KEYRING", "1")
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n")
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(secret))
    devices.forget()
    dbkeys.forget()
    yield
    devices.forget()
    dbkeys.forget()


def _cli(capsys, db: Path, *args: object) -> tuple[int, str]:
    code = main([*map(str, args), "--db", str(db)])
    out, err = capsys.readouterr()
    return code, (out + err).strip()


def _dump(db: Path) -> list[str]:
    """Every row of a plain database, as SQL: 'unchanged' means this is equal."""
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def _rating(db: Path, employee_id: str) -> str | None:
    database = Database.open(str(db))
    try:
        with database.read() as session:
            row = session.get(Educator, derived_id("educator", employee_id))
            return None if row is None else row.last_rating
    finally:
        database.dispose()


def _edit(db: Path, employee_id: str, **values: object) -> None:
    edit_educator(db, employee_id, ("Terry", "Teacher"), **values)


@pytest.fixture
def group(tmp_path: Path, migrated_template: Path, capsys) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """A coordinator's laptop with two SPs' CAP records and a teacher; a staff laptop enrolled
    with an invitation; both synced once through a shared folder."""
    dbs = {}
    for name in ("coordinator", "staff"):
        dbs[name] = tmp_path / name / "mentordesk.sqlite3"
        dbs[name].parent.mkdir()
        shutil.copy(migrated_template, dbs[name])
    coordinator, staff = dbs["coordinator"], dbs["staff"]
    database = Database.open(str(coordinator))
    try:
        placements = cap_district(SimpleNamespace(db=database))
    finally:
        database.dispose()
    _edit(coordinator, "T1", last_rating="Proficient")
    code, out = _cli(capsys, coordinator, "sync", "setup", "--name", "Coordinator")
    assert code == 0 and "coordinator of the sync group" in out, out
    invitation = tmp_path / "invite-staff.json"
    code, out = _cli(capsys, coordinator, "sync", "invite", "--name", "Staff laptop", "--role", "staff", "--out", invitation)
    assert code == 0, out
    (line,) = [x for x in out.splitlines() if x.startswith("code: ")]
    invite_code = line.removeprefix("code: ")
    assert len(invite_code) == 9 and invite_code[4] == "-"
    code, out = _cli(capsys, staff, "sync", "join", invitation, "--code", invite_code, "--name", "Staff laptop")
    assert code == 0, out
    shared = tmp_path / "shared"
    assert _cli(capsys, staff, "sync", "folder", shared)[0] == 0  # its first bundle asks to be enrolled
    code, out = _cli(capsys, coordinator, "sync", "folder", shared)
    assert code == 0 and "applied" in out, out
    code, out = _cli(capsys, staff, "sync", "folder", shared)
    assert code == 0 and "applied" in out, out
    return SimpleNamespace(coordinator=coordinator, staff=staff, shared=shared, placements=placements,
                           invitation=invitation, code=invite_code, tmp=tmp_path)


def _newest(folder: Path) -> Path:
    return max((p for p in folder.rglob("*.mdsync")), key=lambda p: p.stat().st_mtime_ns)


def _refused(capsys, db: Path, bundle: Path, *words: str) -> str:  # type: ignore[no-untyped-def]
    """Import one file: exit 1, one line naming the refusal, the database byte for byte unchanged."""
    before = _dump(db)
    code, out = _cli(capsys, db, "sync", "import", bundle)
    assert code == 1, out
    assert len(out.splitlines()) == 1, out
    assert "refused" in out and all(w in out for w in words), out
    assert _dump(db) == before
    return out


# --- enrolment ----------------------------------------------------------------------------------


def test_an_enrolled_staff_laptop_receives_the_district_and_both_list_the_devices(group, capsys):
    assert _rating(group.staff, "T1") == "Proficient"
    for db in (group.coordinator, group.staff):
        code, out = _cli(capsys, db, "sync", "devices", "--json")
        assert code == 0, out
        listed = {d["name"]: d for d in json.loads(out)["devices"]}
        assert {n: d["role"] for n, d in listed.items()} == {"Coordinator": "coordinator", "Staff laptop": "staff"}
        assert not any(d["revoked"] for d in listed.values())
    code, out = _cli(capsys, group.coordinator, "sync", "devices")
    assert "Staff laptop: staff laptop, enrolled" in out and "Coordinator: coordinator" in out and "(this device)" in out


def test_no_private_key_is_stored_in_plain_text(group):
    for db in (group.coordinator, group.staff):
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT count(*) FROM sync_replica WHERE sign_secret IS NOT NULL OR box_secret IS NOT NULL"
                                " OR group_key IS NOT NULL").fetchone() == (0,)
            (secret,) = conn.execute("SELECT d.secret FROM sync_device d JOIN sync_replica r ON r.id = d.id"
                                     " WHERE r.is_self").fetchone()
        assert json.loads(secret)["method"] == "passphrase"  # a plain database: wrapped by Argon2id of the passphrase
        raw = db.read_bytes()
        for seed, box in devices._keys.values():  # the keys this test process unwrapped
            assert seed.hex().encode() not in raw and box.hex().encode() not in raw


def test_a_wrong_code_enrols_nothing_and_an_invitation_works_once(group, capsys, migrated_template):
    third = group.tmp / "third.sqlite3"
    shutil.copy(migrated_template, third)
    before = _dump(third)
    code, out = _cli(capsys, third, "sync", "join", group.invitation, "--code", "AAAA-AAAA", "--name", "Staff laptop")
    assert code == 1 and "Wrong code" in out and len(out.splitlines()) == 1
    assert _dump(third) == before
    # the same invitation, with its code, joined a second time: the coordinator refuses the enrolment
    code, out = _cli(capsys, third, "sync", "join", group.invitation, "--code", group.code, "--name", "Staff laptop")
    assert code == 0, out
    other = group.tmp / "elsewhere"
    assert _cli(capsys, third, "sync", "export", "--to", other)[0] == 0
    _refused(capsys, group.coordinator, _newest(other), "invitation that is not open")


def test_only_a_coordinator_invites_or_revokes(group, capsys):
    code, out = _cli(capsys, group.staff, "sync", "invite", "--name", "X", "--role", "staff", "--out", group.tmp / "x.json")
    assert code == 1 and "Only a coordinator" in out
    code, out = _cli(capsys, group.staff, "sync", "revoke", "Coordinator")
    assert code == 1 and "Only a coordinator" in out


# --- attacks --------------------------------------------------------------------------------------


def _forge(group, sender: str, sign_seed: bytes, ops_for: Path) -> Path:  # type: ignore[no-untyped-def]
    """A bundle from an identity of the attacker's making, sealed to the coordinator, with the roster
    copied from a real bundle (it is readable by anyone who sees the folder's files)."""
    from nacl.public import PublicKey, SealedBox
    from nacl.secret import SecretBox
    from nacl.signing import SigningKey

    genuine = _newest(group.shared).read_bytes()
    header, *_ = sealed._split(genuine)
    coordinator_id = header["roster"]["signer"]
    coordinator_box = next(d["box_key"] for d in header["roster"]["body"]["devices"] if d["id"] == coordinator_id)
    payload = _rating_payload(ops_for, sender)
    key = bytes(32)
    body = bytes(SecretBox(key).encrypt(payload))
    forged = {"group": header["group"], "sender": sender, "bundle": 999, "nonce": "00" * 16,
              "keys": {coordinator_id: bytes(SealedBox(PublicKey(bytes.fromhex(coordinator_box))).encrypt(key)).hex()},
              "roster": header["roster"]}
    head = json.dumps(forged).encode()
    signed = sealed.MAGIC + struct.pack(">I", len(head)) + head
    path = group.tmp / "forged" / "outbox-x" / "forged.mdsync"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(signed + SigningKey(sign_seed).sign(signed + body).signature + body)
    return path


def _rating_payload(db: Path, sender: str) -> bytes:
    """A bundle payload changing teacher T1's evaluation rating."""
    import gzip

    line = json.dumps([sender, 1, 1_900_000_000_000, 0, "educator", str(derived_id("educator", "T1")),
                       "last_rating", "Unsatisfactory", None]).encode() + b"\n"
    manifest = {"format": 1, "schema": None, "sender": sender, "received": {}, "ops": 1,
                "sha256": hashlib.sha256(line).hexdigest()}
    return gzip.compress(json.dumps(manifest).encode() + b"\n" + line)


def test_a_forged_bundle_from_a_new_identity_is_refused(group, capsys):
    path = _forge(group, uuid.uuid4().hex, bytes(range(32)), group.coordinator)
    _refused(capsys, group.coordinator, path, "not enrolled")
    assert _rating(group.coordinator, "T1") == "Proficient"


def test_a_bundle_claiming_to_be_the_staff_laptop_but_signed_by_another_key_is_refused(group, capsys):
    with sqlite3.connect(group.staff) as conn:
        (staff_id,) = conn.execute("SELECT id FROM sync_replica WHERE is_self").fetchone()
    path = _forge(group, staff_id, bytes(range(32)), group.coordinator)
    _refused(capsys, group.coordinator, path, "signature", "does not check")
    assert _rating(group.coordinator, "T1") == "Proficient"


def test_a_replayed_bundle_is_refused_and_the_folder_only_skips_it(group, capsys):
    _edit(group.staff, "T1", room="204")
    code, out = _cli(capsys, group.staff, "sync", "folder", group.shared)
    assert code == 0
    genuine = _newest(group.shared)
    assert _cli(capsys, group.coordinator, "sync", "folder", group.shared)[0] == 0
    copy = group.tmp / "replay.mdsync"
    shutil.copy(genuine, copy)
    _refused(capsys, group.coordinator, copy, "replay")
    code, out = _cli(capsys, group.coordinator, "sync", "import", group.shared)  # the folder still holds it
    assert code == 0, out


def test_a_revoked_device_is_refused_and_cannot_read_new_bundles(group, capsys):
    code, out = _cli(capsys, group.coordinator, "sync", "revoke", "Staff laptop")
    assert code == 0 and "revoked Staff laptop" in out
    _edit(group.staff, "T1", last_rating="Unsatisfactory")  # the lost laptop, in other hands
    code, out = _cli(capsys, group.staff, "sync", "export", "--to", group.shared)
    assert code == 0, out
    from_staff = _newest(group.shared)
    code, out = _cli(capsys, group.coordinator, "fieldcopy", "--for", "SP1", "--out", group.tmp / "sp1.sqlite3")
    assert code == 0, out  # a live device besides the coordinator, so that a bundle is made
    _edit(group.coordinator, "SP1", room="301")
    code, out = _cli(capsys, group.coordinator, "sync", "folder", group.shared)
    assert code == 1 and "Staff laptop was revoked" in out, out
    assert _rating(group.coordinator, "T1") == "Proficient"
    after_revocation = _newest(group.shared)
    header, *_ = sealed._split(after_revocation.read_bytes())
    with sqlite3.connect(group.staff) as conn:
        (staff_id,) = conn.execute("SELECT id FROM sync_replica WHERE is_self").fetchone()
    assert header["sender"] != staff_id and staff_id not in header["keys"]
    code, out = _cli(capsys, group.coordinator, "sync", "folder", group.shared)
    assert code == 0 and "revoked" not in out  # reported once, recorded: later syncs skip it
    _refused(capsys, group.coordinator, from_staff, "revoked")  # named on its own, it is refused again
    _refused(capsys, group.staff, after_revocation, "sealed to other devices")  # re-keyed: not for it
    code, out = _cli(capsys, group.coordinator, "sync", "devices", "--json")
    (staff,) = [d for d in json.loads(out)["devices"] if d["name"] == "Staff laptop"]
    assert staff["revoked"]


@pytest.mark.parametrize("where", ["header", "signature", "body"])
def test_a_bundle_with_one_byte_changed_is_refused(group, capsys, where):
    _edit(group.staff, "T1", last_rating="Needs Improvement")
    outbox = group.tmp / "staff-out"
    assert _cli(capsys, group.staff, "sync", "export", "--to", outbox)[0] == 0
    path = _newest(outbox)
    raw = bytearray(path.read_bytes())
    (size,) = struct.unpack(">I", raw[len(sealed.MAGIC):len(sealed.MAGIC) + 4])
    header_end = len(sealed.MAGIC) + 4 + size
    at = {"header": header_end - 40, "signature": header_end + 10, "body": len(raw) - 5}[where]
    raw[at] ^= 0x01
    path.write_bytes(bytes(raw))
    _refused(capsys, group.coordinator, path)
    assert _rating(group.coordinator, "T1") == "Proficient"


def test_a_bundle_for_another_device_is_refused_when_named(group, capsys):
    code, out = _cli(capsys, group.coordinator, "fieldcopy", "--for", "SP1", "--out", group.tmp / "sp1.sqlite3")
    assert code == 0, out
    outbox = group.tmp / "for-sp"
    code, out = _cli(capsys, group.coordinator, "sync", "devices")
    (line,) = [x for x in out.splitlines() if "SamSP1 Practitioner's" in x]  # the SP's name, shown where known
    name = line.split(" (SamSP1")[0]
    assert name.startswith("field copy ")  # the roster, seen by every device, names no one
    assert _cli(capsys, group.coordinator, "sync", "export", "--to", outbox, "--for", name)[0] == 0
    _refused(capsys, group.staff, _newest(outbox), "sealed to other devices")


def test_an_old_style_bundle_is_refused_by_a_device_group(group, capsys, tmp_path, migrated_template):
    old = tmp_path / "old.sqlite3"
    shutil.copy(migrated_template, old)
    secret = tmp_path / "secret.txt"
    secret.write_text("correct horse battery staple\n")
    assert _cli(capsys, old, "sync", "setup", "--secret-file", secret, "--name", "Old")[0] == 0
    _edit(old, "T1", last_rating="Unsatisfactory")
    out = tmp_path / "old-out"
    assert _cli(capsys, old, "sync", "export", "--to", out)[0] == 0
    _refused(capsys, group.coordinator, _newest(out), "district secret")


# --- an SP's field copy ---------------------------------------------------------------------------


def _copy(group, capsys) -> Path:  # type: ignore[no-untyped-def]
    copy = group.tmp / "usb" / "sp1.sqlite3"
    passphrase = group.tmp / "copy-passphrase.txt"
    passphrase.write_text("the SP's own passphrase\n")
    code, out = _cli(capsys, group.coordinator, "fieldcopy", "--for", "SP1", "--out", copy,
                     "--copy-passphrase-file", passphrase)
    assert code == 0 and "encrypted" in out, out
    return copy


def test_a_stolen_field_copy_shows_no_name_without_its_key(group, capsys, monkeypatch):
    code, out = _cli(capsys, group.coordinator, "fieldcopy", "--for", "SP2", "--out", group.tmp / "sp2.sqlite3")
    assert code == 0, out  # another SP's copy, made first: the roster the next copy holds lists it
    copy = _copy(group, capsys)
    raw = copy.read_bytes()
    assert not raw.startswith(b"SQLite format 3")
    for name in (b"SamSP1", b"SamSP2", b"Casey", b"Terry", b"Practitioner"):
        assert name not in raw
    with sqlite3.connect(copy) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT first_name FROM educator").fetchall()
    # with its passphrase the SP reads its own records, and no other SP's
    dbkeys.forget()
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(group.tmp / "copy-passphrase.txt"))
    database = Database.open(str(copy))
    try:
        with database.read() as session:
            names = set(session.scalars(select(Educator.first_name)))
    finally:
        database.dispose()
    assert "SamSP1" in names and "SamSP2" not in names and "Terry" not in names
    from app import dbfiles

    plain = group.tmp / "decrypted.sqlite3"
    dbfiles.plain_copy(copy, plain)  # everything the SP's copy holds, its sync tables included
    everything = "\n".join(_dump(plain))
    assert "SamSP1" in everything
    for other in ("SamSP2", "Terry"):  # another SP (named nowhere, not even as a device), a teacher
        assert other not in everything, other


def test_an_sps_bundle_holds_only_its_own_records_and_is_sealed_to_it_alone(group, capsys, monkeypatch):
    copy = _copy(group, capsys)
    _edit(group.coordinator, "T1", last_rating="Exemplary")  # a teacher's rating: not the SP's business
    out = group.tmp / "to-sp"
    assert _cli(capsys, group.coordinator, "sync", "export", "--to", out)[0] == 0
    with sqlite3.connect(group.coordinator) as conn:
        (sp_device,) = conn.execute("SELECT id FROM sync_device WHERE role = 'sp'").fetchone()
    readable = []
    for path in out.rglob("*.mdsync"):
        header, *_ = sealed._split(path.read_bytes())
        if sp_device in header["keys"]:
            assert list(header["keys"]) == [sp_device]
            readable.append(path)
    (for_sp,) = readable
    dbkeys.forget()
    devices.forget()
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(group.tmp / "copy-passphrase.txt"))
    code, text = _cli(capsys, copy, "sync", "import", for_sp)
    assert code == 0, text
    database = Database.open(str(copy))
    try:
        with database.read() as session:
            assert session.get(Educator, derived_id("educator", "T1")) is None
            from app.services.sync.devices import device_keys, own_device

            _, box = device_keys(session, own_device(session))
    finally:
        database.dispose()
    from app.services.sync.bundles import parse_ops

    rows = {op["row_id"] for op in parse_ops(_open_with(for_sp, sp_device, box).lines)}
    assert derived_id("educator", "T1") in _all_rows(group.coordinator)  # the change was there to send
    others = {derived_id("educator", "T1"), derived_id("educator", "SP2"), group.placements["SP2"]}
    assert not rows & others


def _all_rows(db: Path) -> set[uuid.UUID]:
    with sqlite3.connect(db) as conn:
        return {uuid.UUID(hex=r[0]) if len(r[0]) == 32 else uuid.UUID(r[0])
                for r in conn.execute("SELECT DISTINCT row_id FROM sync_op")}


def _header_and_body(path: Path) -> tuple:
    header, _, _, body = sealed._split(path.read_bytes())
    return header, body


def _open_with(path: Path, device_id: str, box) -> object:  # type: ignore[no-untyped-def]
    from nacl.public import SealedBox
    from nacl.secret import SecretBox

    from app.services.sync.bundles import decode_payload

    header, body = _header_and_body(path)
    key = SealedBox(box).decrypt(bytes.fromhex(header["keys"][device_id]))
    return decode_payload(SecretBox(key).decrypt(body), header)


def test_an_sp_copy_changing_a_teachers_rating_is_refused(group, capsys, monkeypatch):
    copy = _copy(group, capsys)
    passphrase = group.tmp / "copy-passphrase.txt"
    dbkeys.forget()
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(passphrase))
    database = Database.open(str(copy))
    try:
        with database.unit_of_work() as session:  # the SP's own educator row: still not theirs to rate
            session.get(Educator, derived_id("educator", "SP1")).last_rating = "Unsatisfactory"
    finally:
        database.dispose()
    out = group.tmp / "from-sp"
    code, text = _cli(capsys, copy, "sync", "export", "--to", out)
    assert code == 0, text
    dbkeys.forget()
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(group.tmp / "passphrase.txt"))
    code, text = _cli(capsys, group.coordinator, "sync", "import", _newest(out))
    assert code == 1 and "refused" in text and "may not change" in text
    assert _rating(group.coordinator, "SP1") is None


def test_a_laptop_enrolled_later_catches_up_on_what_was_sent_before_it_existed(group, capsys, migrated_template):
    _edit(group.coordinator, "T1", room="105")
    assert _cli(capsys, group.coordinator, "sync", "folder", group.shared)[0] == 0  # sealed before it exists
    late = group.tmp / "late.sqlite3"
    shutil.copy(migrated_template, late)
    invitation = group.tmp / "invite-late.json"
    code, out = _cli(capsys, group.coordinator, "sync", "invite", "--name", "Late laptop", "--role", "staff",
                     "--out", invitation)
    assert code == 0, out
    code_line = next(x for x in out.splitlines() if x.startswith("code: "))
    assert _cli(capsys, late, "sync", "join", invitation, "--code", code_line[6:], "--name", "Late laptop")[0] == 0
    code, out = _cli(capsys, late, "sync", "folder", group.shared)
    assert code == 0, out  # the coordinator's bundles are not for it yet: skipped, not refused
    assert _cli(capsys, group.coordinator, "sync", "folder", group.shared)[0] == 0
    code, out = _cli(capsys, late, "sync", "folder", group.shared)
    assert code == 0 and "applied" in out, out
    assert _rating(late, "T1") == "Proficient"
    code, out = _cli(capsys, group.staff, "sync", "folder", group.shared)  # the staff laptop learns of it
    assert code == 0, out
    code, out = _cli(capsys, group.staff, "sync", "devices")
    assert "Late laptop: staff laptop" in out


def test_a_principals_device_gets_nothing_confidential_and_may_change_nothing(group, capsys, migrated_template):
    """docs/security.md "Who may see what": a principal sees no CAP record and no mentoring note or
    private reason (columns marked confidential); and writes nothing."""
    from app.models.cap import CapPlacement
    from app.models.people import Assignment

    database = Database.open(str(group.coordinator))
    try:
        with database.unit_of_work() as session:
            session.add(Assignment(mentor_id=derived_id("educator", "SP1"), mentee_id=derived_id("educator", "T1"),
                                   school_year_id=session.scalars(select(CapPlacement.school_year_id)).first(),
                                   start_date=dt.date(2026, 9, 2), private_reason="a private reason"))
    finally:
        database.dispose()
    principal = group.tmp / "principal.sqlite3"
    shutil.copy(migrated_template, principal)
    invitation = group.tmp / "invite-principal.json"
    code, out = _cli(capsys, group.coordinator, "sync", "invite", "--name", "Principal Diaz", "--role", "principal",
                     "--out", invitation)
    assert code == 0, out
    code_line = next(x for x in out.splitlines() if x.startswith("code: "))
    assert _cli(capsys, principal, "sync", "join", invitation, "--code", code_line[6:], "--name", "Principal Diaz")[0] == 0
    for db in (principal, group.coordinator, principal):
        code, out = _cli(capsys, db, "sync", "folder", group.shared)
        assert code == 0, out
    with sqlite3.connect(principal) as conn:  # the roster arrived, its evaluation ratings withheld (confidential)
        assert conn.execute("SELECT count(*), count(last_rating) FROM educator WHERE employee_id = 'T1'").fetchone() == (1, 0)
        assert conn.execute("SELECT count(*) FROM cap_candidate").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM cap_placement").fetchone() == (0,)
        assert conn.execute("SELECT count(*), count(private_reason) FROM assignment").fetchone() == (1, 0)
        assert not conn.execute("SELECT count(*) FROM sync_op WHERE table_name LIKE 'cap_%'").fetchone()[0]
    assert b"a private reason" not in principal.read_bytes()
    with sqlite3.connect(group.coordinator) as conn:
        assert conn.execute("SELECT count(*) FROM cap_candidate").fetchone()[0] == 2  # there to be sent
    _edit(principal, "T1", last_rating="Unsatisfactory")
    out_folder = group.tmp / "from-principal"
    assert _cli(capsys, principal, "sync", "export", "--to", out_folder)[0] == 0
    code, out = _cli(capsys, group.coordinator, "sync", "import", _newest(out_folder))
    assert code == 1 and "principal's device may not change records" in out
    assert _rating(group.coordinator, "T1") == "Proficient"


class _FakeKeyring:
    """The OS keyring as the `keyring` package presents it (Credential Manager, Keychain, Secret Service)."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, name: str, value: str) -> None:
        self.stored[(service, name)] = value

    def get_password(self, service: str, name: str) -> str | None:
        return self.stored.get((service, name))


def test_with_an_os_keyring_the_keys_are_wrapped_by_a_key_kept_there(tmp_path, migrated_template, capsys, monkeypatch):
    ring = _FakeKeyring()
    monkeypatch.setattr(dbkeys, "_keyring", lambda: ring)
    monkeypatch.delenv(dbkeys.PASSPHRASE_ENV)
    db = tmp_path / "c.sqlite3"
    shutil.copy(migrated_template, db)
    code, out = _cli(capsys, db, "sync", "setup", "--name", "Coordinator")
    assert code == 0, out
    with sqlite3.connect(db) as conn:
        (secret,) = conn.execute("SELECT secret FROM sync_device").fetchone()
    assert json.loads(secret)["method"] == "keyring" and len(ring.stored) == 1
    devices.forget()  # a new process: the keys come back through the keyring
    code, out = _cli(capsys, db, "sync", "invite", "--name", "Lab", "--role", "staff", "--out", tmp_path / "i.json")
    assert code == 0, out
    code, out = _cli(capsys, db, "sync", "revoke", "Coordinator")
    assert code == 1 and "cannot revoke the device it is working on" in out
    ring.stored.clear()  # another user, or the keyring locked: one plain line, nothing done
    devices.forget()
    database = Database.open(str(db))
    try:
        with database.read() as session, pytest.raises(devices.SyncError, match="OS keyring"):
            devices.device_keys(session, devices.own_device(session))
    finally:
        database.dispose()


def test_in_an_encrypted_database_the_keys_are_kept_inside_it(tmp_path, migrated_template, capsys, monkeypatch):
    db = tmp_path / "c.sqlite3"
    shutil.copy(migrated_template, db)
    assert _cli(capsys, db, "db", "encrypt")[0] == 0  # the passphrase from MENTORDESK_PASSPHRASE_FILE
    code, out = _cli(capsys, db, "sync", "setup", "--name", "Coordinator")
    assert code == 0, out
    database = Database.open(str(db))
    try:
        with database.read() as session:
            assert devices.own_device(session).secret["method"] == "database"
    finally:
        database.dispose()
    seed, _box = next(iter(devices._keys.values()))
    assert seed.hex().encode() not in db.read_bytes() and not db.read_bytes().startswith(b"SQLite format 3")


def test_a_new_field_copy_syncs_through_the_shared_folder_that_holds_older_bundles(group, capsys, monkeypatch):
    """An SP's first `sync folder` meets every bundle written before the copy was made: they are already in
    the copy (skipped quietly), not replays to refuse; its own work then reaches the coordinator."""
    copy = _copy(group, capsys)
    dbkeys.forget()
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(group.tmp / "copy-passphrase.txt"))
    code, out = _cli(capsys, copy, "sync", "folder", group.shared)
    assert code == 0 and "refused" not in out, out
    code, out = _cli(capsys, copy, "sync", "folder", group.shared)  # and again: nothing new, nothing refused
    assert code == 0 and "refused" not in out, out
