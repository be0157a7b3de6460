"""The window's unlock dialog (issue 18): an encrypted database that no passphrase file or keyring opens
asks for the passphrase or the recovery key; a wrong one says so and leaves the dialog open."""

from __future__ import annotations

import shutil

import nacl.pwhash
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app import dbfiles, dbkeys, paths
from app.db import Database
from app.models import Educator, derived_id

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def encrypted(migrated_template, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dbkeys, "KDF_LIMITS", (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN))
    monkeypatch.setenv("MENTORDESK_NO_KEYRING", "1")
    monkeypatch.delenv(dbkeys.PASSPHRASE_ENV, raising=False)
    path = paths.data_dir() / "district.sqlite3"
    shutil.copy(migrated_template, path)
    database = Database.open(str(path))
    with database.unit_of_work() as session:
        session.add(Educator(id=derived_id("educator", "E1"), employee_id="E1", first_name="Ann", last_name="Lee"))
    database.dispose()
    recovery, _ = dbfiles.encrypt_in_place(path, PASSPHRASE)
    dbkeys.forget()
    yield path, recovery
    dbkeys.forget()


def _unlock_with(qtbot, dialog, text: str) -> None:  # type: ignore[no-untyped-def]
    dialog.secret.clear()
    qtbot.keyClicks(dialog.secret, text)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)


def test_a_wrong_passphrase_says_so_and_the_right_one_opens_the_database(qtbot, encrypted):
    from app.ui.unlock import UnlockDialog

    path, _ = encrypted
    assert dbkeys.needs_secret(path)
    dialog = UnlockDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.secret.echoMode() == dialog.secret.EchoMode.Password
    _unlock_with(qtbot, dialog, "not it at all")
    assert dialog.isVisible() and "does not open this database" in dialog.problem.text()
    assert dialog.secret.text() == ""
    _unlock_with(qtbot, dialog, PASSPHRASE)
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()
    assert not dbkeys.needs_secret(path)
    database = Database.open(str(path))  # no passphrase file: the dialog's unlock is enough
    with database.read() as session:
        assert session.get(Educator, derived_id("educator", "E1")).last_name == "Lee"
    database.dispose()


def test_the_recovery_key_unlocks_in_the_dialog(qtbot, encrypted):
    from app.ui.unlock import UnlockDialog

    path, recovery = encrypted
    dialog = UnlockDialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    _unlock_with(qtbot, dialog, recovery)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_a_plain_database_or_a_passphrase_file_asks_nothing(encrypted, tmp_path, migrated_template):
    path, _ = encrypted
    assert not dbkeys.needs_secret(migrated_template)
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    dbkeys.set_passphrase_file(secret)
    try:
        assert not dbkeys.needs_secret(path)
    finally:
        dbkeys.set_passphrase_file(None)
