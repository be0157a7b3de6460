"""New databases made from the window are encrypted by default (issue 18, item 3); a command makes one
encrypted when given a passphrase, else plain as scripts expect. The key is kept by the OS keyring when there is one (a device key there wraps the
data key in the key file, as Signal Desktop keeps its key), else by a passphrase the person chooses; a
recovery key is shown once either way. Tests use an in-memory keyring backend set with keyring.set_keyring
(a real backend class: keyring calls it exactly as it calls Windows Credential Manager or the Keychain)."""

from __future__ import annotations

import json
from pathlib import Path

import keyring
import nacl.pwhash
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app import dbkeys
from app.cli import main
from app.db import Database, new_database_key
from app.models.timelogs import TimeLog  # noqa: F401 - the whole schema below
from app.models import Educator

PASSPHRASE = "correct horse battery staple"
NOTE_NAME = "Quennell-Zabriskie"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps its secrets in this process only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def ring(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The default a person gets (encrypted new databases) with a working OS keyring."""
    monkeypatch.setattr(dbkeys, "KDF_LIMITS", (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN))
    monkeypatch.delenv(dbkeys.PLAIN_ENV, raising=False)
    monkeypatch.delenv("MENTORDESK_NO_KEYRING", raising=False)
    monkeypatch.delenv(dbkeys.PASSPHRASE_ENV, raising=False)
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    dbkeys.forget()
    yield memory
    keyring.set_keyring(before)
    dbkeys.forget()
    dbkeys.set_passphrase_file(None)


@pytest.fixture
def no_keyring(ring, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MENTORDESK_NO_KEYRING", "1")
    return ring


def _add_person(path: Path) -> None:
    database = Database.open(str(path))
    with database.unit_of_work() as s:
        s.add(Educator(employee_id="E1", first_name="Ann", last_name=NOTE_NAME, last_rating="Proficient"))
    database.dispose()


def _plain_bytes_anywhere(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_a_new_database_from_the_window_is_encrypted_with_its_key_in_the_keyring(ring, tmp_path, monkeypatch):
    from app.ui import application, unlock

    shown: list[tuple[str, str]] = []

    class Box:  # the recovery key's message box, recorded instead of waiting for a click
        def __init__(self, recovery: str, kept_by: str) -> None:
            shown.append((recovery, kept_by))

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(unlock, "recovery_key_box", Box)
    path = tmp_path / "district.sqlite3"
    assert new_database_key(str(path)) == "keyring"
    database = application.open_at_start(str(path))
    assert database is not None and database.created
    database.dispose()
    [(recovery, kept_by)] = shown
    assert kept_by == "in this computer's keyring" and dbkeys.looks_like_recovery_key(recovery)
    assert dbkeys.is_encrypted(path) and not path.read_bytes().startswith(dbkeys.SQLITE_MAGIC)
    doc = json.loads(dbkeys.sidecar(path).read_text())
    assert "device" in doc and "passphrase" not in doc  # no passphrase: the keyring keeps the device key
    data_key = dbkeys.data_key(path)
    device = bytes.fromhex(ring.secrets[(dbkeys.KEYRING_SERVICE, f"{doc['key_id']}:device")])
    assert device != data_key and data_key.hex() not in dbkeys.sidecar(path).read_text()  # never in plain text
    assert path.stat().st_mode & 0o777 == 0o600 and dbkeys.sidecar(path).stat().st_mode & 0o777 == 0o600
    _add_person(path)
    dbkeys.forget()  # a new start: the keyring alone opens it, nobody is asked
    assert not dbkeys.needs_secret(path)
    assert main(["db", "check", "--db", str(path)]) == 0
    assert _plain_bytes_anywhere(tmp_path, NOTE_NAME.encode()) == []


def test_a_command_makes_a_plain_database_unless_given_a_passphrase(ring, tmp_path, capsys):
    """Scripts keep working: a command with no passphrase makes a plain file, as before issue 18 (the
    issue makes the window's new databases encrypted); given one, it makes an encrypted file."""
    plain = tmp_path / "plain.sqlite3"
    assert main(["db", "upgrade", "--db", str(plain)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"created a new database at {plain}"
    assert plain.read_bytes().startswith(dbkeys.SQLITE_MAGIC) and not dbkeys.sidecar(plain).exists()
    assert ring.secrets == {}
    path = tmp_path / "district.sqlite3"
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    assert main(["db", "upgrade", "--db", str(path), "--passphrase-file", str(secret)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"created a new encrypted database at {path}" and out[1] == "its key is kept by your passphrase"
    assert dbkeys.looks_like_recovery_key(out[2].removeprefix("recovery key: ")) and "shown only this once" in out[3]
    assert dbkeys.is_encrypted(path)


def test_without_the_keyring_entry_only_the_recovery_key_opens_it(ring, tmp_path, capsys):
    path = tmp_path / "district.sqlite3"
    database = Database.open(str(path), encrypt=True)
    recovery = database.recovery_key
    database.dispose()
    assert recovery and database.created
    ring.secrets.clear()  # another computer, or the keyring was reset
    dbkeys.forget()
    assert dbkeys.needs_secret(path)
    assert main(["db", "check", "--db", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "OS keyring of the computer that made it" in err[0] and "recovery key" in err[0]
    secret = tmp_path / "recovery.txt"
    secret.write_text(recovery + "\n")
    assert main(["db", "check", "--db", str(path), "--passphrase-file", str(secret)]) == 0


def test_rekey_adds_a_passphrase_to_a_keyring_database(ring, tmp_path, capsys):
    path = tmp_path / "district.sqlite3"
    Database.open(str(path), encrypt=True).dispose()
    new = tmp_path / "new.txt"
    new.write_text(PASSPHRASE + "\n")
    assert main(["db", "rekey", "--db", str(path), "--new-passphrase-file", str(new)]) == 0
    ring.secrets.clear()
    dbkeys.forget()
    assert main(["db", "check", "--db", str(path), "--passphrase-file", str(new)]) == 0
    capsys.readouterr()
    assert main(["audit", "--db", str(path), "--passphrase-file", str(new), "--json"]) == 0
    assert [e["action"] for e in json.loads(capsys.readouterr().out)] == ["rekey"]


def test_no_keyring_a_passphrase_keeps_the_key(no_keyring, tmp_path, capsys):
    path = tmp_path / "district.sqlite3"
    assert new_database_key(str(path)) == "passphrase"  # the window asks for one (the last test)
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    assert main(["db", "upgrade", "--db", str(path), "--passphrase-file", str(secret)]) == 0
    out = capsys.readouterr().out
    assert "created a new encrypted database" in out and "kept by your passphrase" in out
    _add_person(path)
    dbkeys.forget()
    dbkeys.set_passphrase_file(None)
    assert dbkeys.needs_secret(path)  # no keyring remembers it: the window would ask
    assert main(["db", "check", "--db", str(path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--passphrase-file" in err[0]
    assert main(["db", "check", "--db", str(path), "--passphrase-file", str(secret)]) == 0
    assert _plain_bytes_anywhere(tmp_path, NOTE_NAME.encode()) == []


def test_the_opt_out_makes_a_plain_file(ring, tmp_path, monkeypatch):
    monkeypatch.setenv(dbkeys.PLAIN_ENV, "1")
    path = tmp_path / "plain.sqlite3"
    assert new_database_key(str(path)) == "none"
    database = Database.open(str(path), encrypt=True)  # what the window asks for: the opt-out wins
    assert database.recovery_key is None and database.created
    database.dispose()
    assert path.read_bytes().startswith(dbkeys.SQLITE_MAGIC) and not dbkeys.sidecar(path).exists()
    assert ring.secrets == {}


def test_an_existing_plain_database_is_left_as_it_is(ring, db_path):
    assert new_database_key(str(db_path)) == "none"
    Database.open(str(db_path)).dispose()
    assert db_path.read_bytes().startswith(dbkeys.SQLITE_MAGIC)


def test_the_first_start_without_a_keyring_asks_a_passphrase_twice(qtbot, no_keyring, tmp_path):
    from app.ui.unlock import NewPassphraseDialog, recovery_key_box

    dialog = NewPassphraseDialog(tmp_path / "district.sqlite3")
    qtbot.addWidget(dialog)
    dialog.show()
    create = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert create.text() == "Create" and dialog.first.echoMode() == dialog.first.EchoMode.Password
    qtbot.keyClicks(dialog.first, "short")
    qtbot.keyClicks(dialog.second, "short")
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "at least 8 characters" in dialog.problem.text()
    dialog.first.clear()
    dialog.second.clear()
    qtbot.keyClicks(dialog.first, PASSPHRASE)
    qtbot.keyClicks(dialog.second, PASSPHRASE + "!")
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "differ" in dialog.problem.text() and dialog.second.text() == ""
    qtbot.keyClicks(dialog.second, PASSPHRASE)
    qtbot.mouseClick(create, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.passphrase() == PASSPHRASE
    path = tmp_path / "district.sqlite3"
    database = Database.open(str(path), passphrase=dialog.passphrase(), encrypt=True)
    box = recovery_key_box(database.recovery_key or "", "by your passphrase")
    qtbot.addWidget(box)
    assert database.recovery_key and database.recovery_key in box.text() and "only this once" in box.informativeText()
    database.dispose()
    dbkeys.forget()
    assert dbkeys.needs_secret(path) and dbkeys.unlock(path, PASSPHRASE)


def test_a_server_password_comes_from_the_keyring_not_the_url(ring):
    from app.db import make_engine

    ring.set_password(dbkeys.SERVER_SERVICE, "coord@db.district.org:5432/mentordesk", "s3cret-from-keyring")
    engine = make_engine("postgresql+psycopg://coord@db.district.org/mentordesk?sslmode=verify-full")
    assert engine.url.password == "s3cret-from-keyring" and engine.url.query["sslmode"] == "verify-full"
    assert "s3cret" not in repr(engine) and "s3cret" not in engine.url.render_as_string(hide_password=True)
    other = make_engine("postgresql+psycopg://someone@db.district.org/mentordesk")  # no entry: libpq's pgpass
    assert other.url.password is None
    given = make_engine("postgresql+psycopg://coord:typed@db.district.org/mentordesk")  # a URL's own wins
    assert given.url.password == "typed"
    for e in (engine, other, given):
        e.dispose()


def test_db_check_warns_when_the_url_holds_a_password():
    from app.cli.db_commands import _password_in_url

    assert _password_in_url("postgresql+psycopg://coord:typed@db/mentordesk")
    assert not _password_in_url("postgresql+psycopg://coord@db/mentordesk")
    assert not _password_in_url("/home/me/mentordesk.sqlite3")
