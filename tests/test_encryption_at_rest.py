"""Encryption at rest (issue 18, item 3): a small demo district encrypted with `mentordesk db encrypt`,
then read back as an attacker would (the bytes of the file, its -wal while open, its backups, everything
in its folders) and as a user would (wrong passphrase, recovery key, rekey, decrypt, the state report).

Argon2id runs at libsodium's minimum limits here (the sidecar records the limits it was made with);
`test_new_keys_use_moderate_argon2id_limits_by_default` checks the real default."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import nacl.pwhash
import pytest
from sqlalchemy import select, update

from app import db, dbfiles, dbkeys, paths
from app.cli import main
from app.db import Database
from app.models import Educator, derived_id
from app.models.timelogs import TimeLog

YEAR = "2026-2027"
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_kdf_and_no_keyring(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dbkeys, "KDF_LIMITS", (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN))
    monkeypatch.setenv("MENTORDESK_NO_KEYRING", "1")
    monkeypatch.delenv(dbkeys.PASSPHRASE_ENV, raising=False)
    dbkeys.forget()
    yield
    dbkeys.forget()
    dbkeys.set_passphrase_file(None)


@pytest.fixture(scope="module")
def small_district(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Path:
    """The small demo district (120 staff, time logs with notes, CAP), built once."""
    from app.services.demo.district import build_demo

    path = tmp_path_factory.mktemp("district") / "small.sqlite3"
    shutil.copy(migrated_template, path)
    database = Database.open(str(path))
    with database.unit_of_work() as session:
        build_demo(session, size="small", seed=1, year_label=YEAR)
    database.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


@pytest.fixture
def district(small_district: Path) -> Path:
    path = paths.data_dir() / "district.sqlite3"
    shutil.copy(small_district, path)
    return path


def cli(*args: object, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def secret_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")
    return path


def encrypt(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """`db encrypt`; returns the recovery key it printed."""
    code, out, err = cli("db", "encrypt", "--db", path, "--passphrase-file",
                         secret_file(tmp_path, "pass.txt", PASSPHRASE), capsys=capsys)
    assert (code, err) == (0, "")
    keys = [line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("recovery key: ")]
    assert len(keys) == 1 and dbkeys.looks_like_recovery_key(keys[0])
    dbkeys.forget()  # what a new process knows: nothing
    return keys[0]


def secrets_in(path: Path) -> tuple[list[str], list[str]]:
    """Every educator's full name and every time-log note, read from a plain copy."""
    with sqlite3.connect(path) as conn:
        names = [f"{first} {last}" for first, last in conn.execute("SELECT first_name, last_name FROM educator")]
        notes = [n for (n,) in conn.execute("SELECT DISTINCT notes FROM time_log WHERE notes IS NOT NULL")]
    conn.close()
    return names, notes


def found_in(data: bytes, texts: list[str]) -> list[str]:
    return [t for t in texts if t.encode("utf-8") in data or t.encode("utf-16-le") in data]


def test_the_file_its_wal_and_its_backups_hold_no_name_or_note(district, tmp_path, capsys):
    names, notes = secrets_in(district)
    assert len(names) == 120 and len(notes) >= 4
    plain_backup = db.backup_sqlite(db.make_engine(str(district)), "before-upgrade")  # a plain backup, made earlier
    assert found_in(district.read_bytes(), names[:3] + notes[:3])  # the scan finds them in a plain file
    assert found_in(plain_backup.read_bytes(), notes[:3])

    encrypt(district, tmp_path, capsys)
    dbkeys.set_passphrase_file(secret_file(tmp_path, "pass.txt", PASSPHRASE))
    database = Database.open(str(district))
    confidential = "Confidential: discussed the mentee's evaluation concerns with Zebediah Quartermaine"
    with database.unit_of_work() as session:
        session.execute(update(TimeLog).values(notes=confidential))
        session.add(Educator(id=derived_id("educator", "E-ZQ-1"), employee_id="E-ZQ-1", first_name="Zebediah", last_name="Quartermaine"))
    wal = Path(f"{district}-wal")
    assert wal.stat().st_size > 0  # the write is in the WAL while the database is open
    wal_bytes = wal.read_bytes()
    new_backup = db.backup_sqlite(database.engine, "manual")
    with database.read() as session:  # and it reads back
        assert session.scalar(select(Educator.last_name).where(Educator.employee_id == "E-ZQ-1")) == "Quartermaine"
    database.dispose()

    secrets = names + notes + [confidential, "Quartermaine", "Zebediah"]
    files = [p for p in [*district.parent.rglob("*"), *paths.backup_dir().rglob("*")] if p.is_file()]
    assert plain_backup in files and new_backup in files  # the plain backup was re-encrypted in place
    for file in files:
        assert not found_in(file.read_bytes(), secrets), file.name
    assert not found_in(wal_bytes, secrets)
    assert not file_is_plain_sqlite(district) and not file_is_plain_sqlite(plain_backup)
    assert {p.name for p in district.parent.iterdir()} >= {"district.sqlite3", "district.sqlite3.keys"}
    assert not any(p.name.endswith(".encrypting") for p in files)
    assert (district.stat().st_mode & 0o777, dbkeys.sidecar(district).stat().st_mode & 0o777) == (0o600, 0o600)
    assert PASSPHRASE not in dbkeys.sidecar(district).read_text()
    conn = dbfiles.connect(district)  # 16 KiB pages (the key file says so): less decryption per byte read
    assert int(conn.execute("PRAGMA page_size").fetchone()[0]) == dbkeys.PAGE_SIZE == 16384
    conn.close()


def file_is_plain_sqlite(path: Path) -> bool:
    return path.read_bytes()[:16] == dbkeys.SQLITE_MAGIC


def test_no_or_a_wrong_passphrase_is_one_line_and_exit_1(district, tmp_path, capsys):
    encrypt(district, tmp_path, capsys)
    code, out, err = cli("db", "check", "--db", district, capsys=capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "is encrypted; give its passphrase with --passphrase-file" in err
    bad = secret_file(tmp_path, "bad.txt", "not the passphrase at all")
    code, out, err = cli("report", "state", "--year", YEAR, "--out", tmp_path / "s.csv", "--db", district,
                         "--passphrase-file", bad, capsys=capsys)
    assert (code, out) == (1, "")
    assert err == f"mentordesk: wrong passphrase or recovery key for {district}; nothing was opened\n"
    assert "Traceback" not in err and not (tmp_path / "s.csv").exists()


def test_the_recovery_key_opens_it_and_rekey_changes_only_the_wrapping(district, tmp_path, capsys):
    recovery = encrypt(district, tmp_path, capsys)
    dbkeys.set_passphrase_file(secret_file(tmp_path, "pass.txt", PASSPHRASE))
    engine = db.make_engine(str(district))
    backup = db.backup_sqlite(engine, "manual")
    engine.dispose()
    dbkeys.forget()
    key_before = dbkeys.sidecar(district).read_text()

    code, out, _ = cli("db", "check", "--db", district, "--passphrase-file",
                       secret_file(tmp_path, "recovery.txt", recovery.lower()), capsys=capsys)
    assert code == 0 and "integrity: ok" in out
    dbkeys.forget()

    new = secret_file(tmp_path, "new.txt", "a brand new passphrase")
    code, out, err = cli("db", "rekey", "--db", district, "--passphrase-file", tmp_path / "recovery.txt",
                         "--new-passphrase-file", new, capsys=capsys)
    assert (code, err) == (0, "") and "and of its 1 encrypted backups" in out
    assert dbkeys.sidecar(district).read_text() != key_before
    dbkeys.forget()
    code, _, err = cli("db", "check", "--db", district, "--passphrase-file", tmp_path / "pass.txt", capsys=capsys)
    assert code == 1 and "wrong passphrase" in err  # the old passphrase opens nothing now
    dbkeys.forget()
    for file in (district, backup):  # the new one opens the database and its backup; so does the recovery key
        for secret in (new, tmp_path / "recovery.txt"):
            dbkeys.set_passphrase_file(secret)
            conn = dbfiles.connect(file)
            assert conn.execute("SELECT count(*) FROM educator").fetchone()[0] == 120
            conn.close()
            dbkeys.forget()


def test_decrypt_writes_a_plain_copy_with_the_same_rows(district, tmp_path, capsys):
    names, notes = secrets_in(district)
    encrypt(district, tmp_path, capsys)
    out_file = tmp_path / "plain.sqlite3"
    code, out, err = cli("db", "decrypt", "--out", out_file, "--db", district, "--passphrase-file",
                         tmp_path / "pass.txt", capsys=capsys)
    assert (code, err) == (0, "") and "plain copy" in out
    assert file_is_plain_sqlite(out_file) and out_file.stat().st_mode & 0o777 == 0o600
    assert secrets_in(out_file) == (names, notes)
    with sqlite3.connect(out_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    code, _, err = cli("db", "decrypt", "--out", out_file, "--db", district, "--passphrase-file",
                       tmp_path / "pass.txt", capsys=capsys)
    assert code == 1 and "exists already" in err  # never overwrites


def test_the_state_report_is_the_same_from_an_encrypted_copy(district, tmp_path, capsys):
    plain = tmp_path / "plain.sqlite3"
    shutil.copy(district, plain)
    code, _, err = cli("report", "state", "--year", YEAR, "--out", tmp_path / "plain.csv", "--db", plain, capsys=capsys)
    assert (code, err) == (0, "")
    encrypt(district, tmp_path, capsys)
    code, _, err = cli("report", "state", "--year", YEAR, "--out", tmp_path / "encrypted.csv", "--db", district,
                       "--passphrase-file", tmp_path / "pass.txt", capsys=capsys)
    assert (code, err) == (0, "")
    rows = [list(csv.reader((tmp_path / name).read_text(encoding="utf-8").splitlines())) for name in ("plain.csv", "encrypted.csv")]
    assert len(rows[0]) > 5
    assert rows[0] == rows[1]


def test_a_damaged_key_file_or_a_second_encrypt_is_refused_plainly(district, tmp_path, capsys):
    encrypt(district, tmp_path, capsys)
    code, _, err = cli("db", "encrypt", "--db", district, "--passphrase-file", tmp_path / "pass.txt", capsys=capsys)
    assert code == 1 and "encrypted already" in (err + _)
    dbkeys.sidecar(district).write_text("{not json", encoding="utf-8")
    code, _, err = cli("db", "check", "--db", district, "--passphrase-file", tmp_path / "pass.txt", capsys=capsys)
    assert code == 1 and err.count("\n") == 1 and "cannot be read" in err
    dbkeys.sidecar(district).unlink()
    code, _, err = cli("db", "check", "--db", district, "--passphrase-file", tmp_path / "pass.txt", capsys=capsys)
    assert code == 1 and err.count("\n") == 1 and "key file district.sqlite3.keys is missing" in err


def test_new_keys_use_moderate_argon2id_limits_by_default(monkeypatch):
    monkeypatch.undo()  # the module's real limits
    assert dbkeys.KDF_LIMITS == (nacl.pwhash.argon2id.OPSLIMIT_MODERATE, nacl.pwhash.argon2id.MEMLIMIT_MODERATE)


def test_an_encrypted_backup_restores_encrypted_and_the_file_kept_aside_keeps_its_key(district, tmp_path, capsys):
    encrypt(district, tmp_path, capsys)
    dbkeys.set_passphrase_file(tmp_path / "pass.txt")
    database = Database.open(str(district))
    backup = db.backup_sqlite(database.engine, "manual")
    with database.unit_of_work() as session:
        session.add(Educator(id=derived_id("educator", "E-NEW"), employee_id="E-NEW", first_name="Later", last_name="Added"))
    database.dispose()
    dbkeys.forget()
    code, out, err = cli("db", "restore", backup, "--db", district, "--passphrase-file", tmp_path / "pass.txt",
                         capsys=capsys)
    assert (code, err) == (0, "") and f"restored {district}" in out
    aside = district.with_name(district.name + ".before-restore")
    assert not file_is_plain_sqlite(district) and not file_is_plain_sqlite(aside)
    dbkeys.forget()
    for file, people in ((district, 120), (aside, 121)):  # each opens with the passphrase, with its own rows
        conn = dbfiles.connect(file)
        assert conn.execute("SELECT count(*) FROM educator").fetchone()[0] == people
        conn.close()


def test_an_encrypted_file_of_the_first_schema_upgrades_on_open_with_an_encrypted_backup(tmp_path):
    """Migrations run on the SQLCipher connection (in one transaction, as for a plain file); the backup
    taken first is encrypted with the same key."""
    path = tmp_path / "district.sqlite3"
    shutil.copy(Path(__file__).parent / "data" / "schema-0001.sqlite3", path)
    dbfiles.encrypt_in_place(path, PASSPHRASE)
    dbkeys.forget()
    dbkeys.set_passphrase_file(secret_file(tmp_path, "pass.txt", PASSPHRASE))
    database = Database.open(str(path))
    try:
        assert db.current_revision(database.engine) == db.head_revision()
        with database.read() as session:
            assert "Rosa Pereira" in {e.full_name for e in session.scalars(select(Educator))}
    finally:
        database.dispose()
    backups = list(paths.backup_dir().glob("district-before-upgrade-*.sqlite3"))
    assert len(backups) == 1 and not file_is_plain_sqlite(backups[0])
    assert not found_in(backups[0].read_bytes(), ["Rosa Pereira", "Pereira", "hold-harmless note"])
    assert db.current_revision(db.make_engine(str(backups[0]))) == "0001_foundation"
    assert not file_is_plain_sqlite(path)
