"""A shared folder written by someone hostile (issue 18): a compression bomb, damaged files, links.
Real bundle files on disk, real database files, the real command line."""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.db import Database
from app.models import Educator, derived_id
from app.services.sync import bundles as sync_bundles
from app.services.sync import files as sync_files
from app.services.sync.identity import SyncError, self_replica
from tests.test_sync_support import make_replicas

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="symbolic links and FIFOs need POSIX")
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB")


def _gzip_of_zeros(head: bytes, size: int) -> bytes:
    """A valid gzip member of `head` then `size` zero bytes, built from one compressed MiB repeated
    (full flushes make each block independent), so a 1 GB bomb costs no 1 GB to make."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    start = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    mib = bytes(2**20)
    block = packer.compress(mib) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(size // 2**20):
        crc = zlib.crc32(mib, crc)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    return start + block * (size // 2**20) + end + struct.pack("<II", crc, (len(head) + size) & 0xFFFFFFFF)


def _signed_bundle(me, payload: bytes) -> bytes:  # type: ignore[no-untyped-def]
    """A bundle sealed and signed with a group member's real keys (what a stolen field copy holds)."""
    from nacl.secret import SecretBox
    from nacl.signing import SigningKey

    body = SigningKey(bytes.fromhex(me.sign_secret)).sign(payload)
    header = {"sender": me.id, "name": me.name, "sign_key": me.sign_key, "box_key": me.box_key,
              "recipient": None, "acting_for": None}
    inner = json.dumps(header).encode() + b"\n" + body
    return sync_bundles.MAGIC + bytes(SecretBox(bytes.fromhex(me.group_key)).encrypt(inner))


def _bomb(db: Database, size: int = 2**30) -> bytes:
    with db.read() as session:
        me = self_replica(session, secrets=True)
        manifest = json.dumps({"format": 1, "sender": me.id, "ops": 0, "sha256": "0" * 64}).encode() + b"\n"
        return _signed_bundle(me, _gzip_of_zeros(manifest, size))


@pytest.fixture
def pair(tmp_path: Path, migrated_template: Path):
    reps = make_replicas(tmp_path, "ab", migrated_template)
    yield reps
    for rep in reps:
        rep.close()


def test_a_1_gb_compression_bomb_is_refused_within_64_mb_of_memory(tmp_path, pair):
    a, b = pair
    bomb = tmp_path / "bomb.mdsync"
    bomb.write_bytes(_bomb(a.db))
    assert bomb.stat().st_size < 2 * 2**20  # a 1 GiB payload in about one megabyte
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(SyncError, match="compression bomb"):
            b.import_(bomb)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.1f} MiB"
    assert time.perf_counter() - started < 10
    assert b.rows() == {}


@linux_only
def test_the_bomb_costs_the_process_under_64_mb_of_resident_memory(tmp_path, pair):
    """The same bomb in a fresh process, measured by the OS (ru_maxrss, which also sees what
    tracemalloc does not: libsodium's buffers, zlib's window): the peak after applying a genuine
    bundle first (every module loaded) against the peak after the bomb."""
    import subprocess
    import textwrap

    a, b = pair
    a.add_educator("E1")
    genuine = a.export(tmp_path / "genuine.mdsync")
    bomb = tmp_path / "bomb.mdsync"
    bomb.write_bytes(_bomb(a.db))
    script = textwrap.dedent(f"""
        import resource
        from app.db import Database
        from app.services.sync.bundles import import_bundle
        from app.services.sync.identity import SyncError

        db = Database.open({str(tmp_path / "b.sqlite3")!r})
        with db.unit_of_work() as session:
            assert import_bundle(session, {str(genuine)!r}).status == "applied"
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            with db.unit_of_work() as session:
                import_bundle(session, {str(bomb)!r})
        except SyncError as exc:
            assert "compression bomb" in str(exc)
        else:
            raise SystemExit("the bomb was not refused")
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    grown_kib = int(done.stdout.split()[-1])  # KiB on Linux
    assert grown_kib < 64 * 1024, f"resident memory grew by {grown_kib / 1024:.1f} MiB"


def test_the_limits_refuse_an_oversized_or_damaged_payload_and_pass_a_real_one():
    real = zlib.compress(b"".join(b'["r",%d,1,0,"educator","x","room","%d",null]\n' % (i, i) for i in range(50_000)),
                         6, wbits=31)
    assert len(sync_files.inflate(real)) > 2**20  # a real bundle's ratio (about 10) is far under the cap
    with pytest.raises(SyncError, match="more than 100,000 bytes"):
        sync_files.inflate(real, limit=100_000)
    with pytest.raises(SyncError, match="truncated"):
        sync_files.inflate(real[: len(real) // 2])
    with pytest.raises(SyncError, match="trailing data"):
        sync_files.inflate(real + b"more")
    with pytest.raises(SyncError, match="damaged"):
        sync_files.inflate(b"\x1f\x8b\x08\x00" + os.urandom(64))


def test_a_big_export_is_split_into_bundles_under_the_limit_and_all_apply(tmp_path, pair, monkeypatch):
    a, b = pair
    monkeypatch.setattr(sync_bundles, "PART_BYTES", 600)  # about one new educator per bundle
    rows = [a.add_educator(f"E{i}", first_name=f"Name{i}") for i in range(3)]
    shared = tmp_path / "shared"
    with a.db.unit_of_work() as session:
        done = sync_bundles.export_bundle(session, shared)
    assert done.ops == 3 and len(done.paths) == 3
    assert sorted(done.paths) == list(done.paths)  # the folder's order is the order they were made
    assert sync_bundles.bundle_files(shared) == list(done.paths)
    assert [b.import_(path).status for path in done.paths] == ["applied"] * 3
    assert {b.educator(row)[1] for row in rows} == {"Name0", "Name1", "Name2"}
    a.edit(rows[0], room="9")
    a.edit(rows[1], room="9")
    monkeypatch.setattr(sync_bundles, "PART_BYTES", 150)  # one field edit per bundle
    with a.db.unit_of_work() as session:
        done = sync_bundles.export_bundle(session, tmp_path / "usb" / "edits.mdsync")
    assert [p.name for p in done.paths] == ["edits.mdsync", "edits-2.mdsync"]


# --- the shared folder through the command line -------------------------------------------------


def _cli(capsys, db: Path, *args: str) -> tuple[int, str]:
    code = main([*map(str, args), "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.fixture
def laptops(tmp_path: Path, migrated_template: Path, capsys) -> dict[str, Path]:
    secret = tmp_path / "district-secret.txt"
    secret.write_text("correct horse battery staple\n")
    dbs = {}
    for name in ("coordinator", "sp", "thief"):
        path = tmp_path / name / "mentordesk.sqlite3"
        path.parent.mkdir()
        shutil.copy(migrated_template, path)
        assert _cli(capsys, path, "sync", "setup", "--secret-file", secret, "--name", name)[0] == 0
        dbs[name] = path
    return dbs


def _add_educator(db: Path, employee_id: str) -> None:
    database = Database.open(str(db))
    with database.unit_of_work() as session:
        session.add(Educator(id=derived_id("educator", employee_id), employee_id=employee_id,
                             first_name="Ann", last_name="Lee"))
    database.dispose()


def _replica_id(capsys, db: Path) -> str:
    return _cli(capsys, db, "sync", "status")[1].split("(replica ")[1].split(")")[0]


@posix_only
def test_hostile_files_are_each_refused_with_a_line_and_the_genuine_bundle_is_applied(tmp_path, laptops, capsys):
    coordinator, sp, thief = laptops["coordinator"], laptops["sp"], laptops["thief"]
    _add_educator(coordinator, "E1")
    shared = tmp_path / "shared"
    assert _cli(capsys, coordinator, "sync", "folder", shared)[0] == 0
    hostile = shared / "outbox-000-hostile"  # sorts before the coordinator's outbox
    hostile.mkdir()
    thief_db = Database.open(str(thief))
    (hostile / "a-bomb.mdsync").write_bytes(_bomb(thief_db, 2**28))
    thief_db.dispose()
    (hostile / "b-garbage.mdsync").write_bytes(sync_bundles.MAGIC + os.urandom(500))
    (hostile / "c-zeros.mdsync").symlink_to("/dev/zero")
    os.mkfifo(hostile / "d-pipe.mdsync")  # reading a pipe would wait for ever
    outside = tmp_path / "outside"
    outside.mkdir()
    (shared / "outbox-000-linked").symlink_to(outside, target_is_directory=True)

    code, out = _cli(capsys, sp, "sync", "folder", shared)
    assert code == 1
    lines = out.splitlines()
    assert "a-bomb.mdsync: not applied: This bundle unpacks to more than 100 times its size" in out
    assert any(line.startswith("b-garbage.mdsync: not applied: This bundle was not made by") for line in lines)
    assert "c-zeros.mdsync: not applied: c-zeros.mdsync is a symbolic link" in out
    assert "d-pipe.mdsync: not applied: d-pipe.mdsync is not a regular file" in out
    assert "outbox-000-linked: not applied: outbox-000-linked is a symbolic link" in out
    assert any(line.endswith("applied: 1 new of 1 changes") for line in lines)  # the genuine one, after them
    assert "wrote" in lines[-1]
    check = Database.open(str(sp))
    with check.read() as session:
        assert session.scalars(select(Educator.employee_id)).all() == ["E1"]
    check.dispose()
    assert list(outside.iterdir()) == []


@posix_only
def test_an_outbox_that_is_a_symbolic_link_is_refused_and_nothing_is_written_outside(tmp_path, laptops, capsys):
    sp = laptops["sp"]
    _add_educator(sp, "E2")  # something to send
    shared = tmp_path / "shared"
    shared.mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (shared / f"outbox-{_replica_id(capsys, sp)}").symlink_to(outside, target_is_directory=True)
    code, out = _cli(capsys, sp, "sync", "folder", shared)
    assert code == 1
    outbox = f"outbox-{_replica_id(capsys, sp)}"
    assert f"{outbox}: not applied: {outbox} is a symbolic link" in out  # not read
    assert f"{outbox} in {shared} is a symbolic link; MentorDesk writes only into a real folder" in out  # nor written
    assert "Traceback" not in out
    assert list(outside.iterdir()) == []


@posix_only
def test_an_export_never_writes_through_a_link_at_the_destination(tmp_path, laptops, capsys):
    sp = laptops["sp"]
    target = tmp_path / "elsewhere" / "victim.txt"
    target.parent.mkdir()
    link = tmp_path / "usb" / "hello.mdsync"
    link.parent.mkdir()
    link.symlink_to(target)  # dangling: `exists()` says no, yet a plain open would create the target
    code, out = _cli(capsys, sp, "sync", "export", "--to", link)
    assert code == 1 and "already exists; bundles are never rewritten" in out
    assert not target.exists() and link.is_symlink()


def test_an_oversized_file_is_not_read(tmp_path, pair):
    _a, b = pair
    big = tmp_path / "big.mdsync"
    with open(big, "wb") as handle:
        handle.truncate(sync_files.MAX_BUNDLE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(SyncError, match="over the 67,108,864-byte limit"):
        b.import_(big)


def test_a_damaged_bundle_is_refused_and_the_intact_one_still_applies(pair, tmp_path):
    a, b = pair
    row = a.add_educator("E7", first_name="Bo")
    good = a.export(tmp_path / "good.mdsync")
    bad = tmp_path / "bad.mdsync"
    bad.write_bytes(good.read_bytes()[:-10])  # damaged on the way
    with pytest.raises(SyncError, match="altered on the way"):
        b.import_(bad)
    assert b.import_(good).status == "applied"
    assert b.educator(row)[1] == "Bo"



def test_a_malformed_operation_from_a_group_member_is_refused_and_remembers_nothing(tmp_path, pair):
    import gzip
    import hashlib

    a, b = pair
    lines = b'["x",1,1,0,"educator","not-a-uuid","room","1",null]\n'
    with a.db.read() as session:
        me = self_replica(session, secrets=True)
        manifest = json.dumps({"format": 1, "sender": me.id, "ops": 1, "sha256": hashlib.sha256(lines).hexdigest()})
        raw = _signed_bundle(me, gzip.compress(manifest.encode() + b"\n" + lines))
    bundle = tmp_path / "malformed.mdsync"
    bundle.write_bytes(raw)
    with pytest.raises(SyncError, match="malformed operation"):
        b.import_(bundle)
    with b.db.read() as session:  # the failed apply was rolled back: the sender is not a partner
        from app.models.sync import SyncReplica

        assert session.scalars(select(SyncReplica.id).where(SyncReplica.is_self.is_(False))).all() == []


def test_an_unexpected_failure_in_one_bundle_is_logged_and_the_others_apply(tmp_path, laptops, capsys,
                                                                            monkeypatch, caplog):
    coordinator, sp, thief = laptops["coordinator"], laptops["sp"], laptops["thief"]
    _add_educator(coordinator, "E1")
    _add_educator(thief, "E2")
    shared = tmp_path / "shared"
    for db in (coordinator, thief):
        assert _cli(capsys, db, "sync", "folder", shared)[0] == 0
    real_apply = sync_bundles.apply_ops
    poisoned = derived_id("educator", "E2")

    def apply_failing_on_e2(session, ops):  # type: ignore[no-untyped-def]
        if any(op["row_id"] == poisoned for op in ops):
            raise RuntimeError("a fault while applying")
        return real_apply(session, ops)

    monkeypatch.setattr(sync_bundles, "apply_ops", apply_failing_on_e2)
    code, out = _cli(capsys, sp, "sync", "folder", shared)
    assert code == 3
    assert "not applied: unexpected RuntimeError (details in the log)" in out
    assert any(line.endswith("applied: 1 new of 1 changes") for line in out.splitlines())
    assert "wrote" in out.splitlines()[-1]  # the export still happens
    assert "RuntimeError" in caplog.text and "Ann" not in caplog.text
    check = Database.open(str(sp))
    with check.read() as session:
        assert session.scalars(select(Educator.employee_id)).all() == ["E1"]
    check.dispose()
