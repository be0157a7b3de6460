"""Issue 18, item 4: "failed unlocks" in the audit trail. A locked file cannot be written, so a wrong
passphrase (or recovery key) leaves its time beside the file (`<db>.unlock-failures`, 0600, never what
was typed); the next successful open, by a command or the window, adds one entry with the count and the
times, and the chain still verifies."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from app import dbkeys
from app.cli import main
from app.db import Database
from app.models.audit import AuditEntry

PASSPHRASE = "the right passphrase 1"
WRONG = "guessing-Hunter2-words"


@pytest.fixture(autouse=True)
def _keys(passphrase_keys):  # type: ignore[no-untyped-def]
    return passphrase_keys


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "district.sqlite3"
    Database.open(str(path), encrypt=True, passphrase=PASSPHRASE).dispose()
    dbkeys.forget()
    return path


def _cli(capsys, db: Path, secret: str, *args: str) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    given = db.parent / "given.txt"
    given.write_text(secret + "\n")
    dbkeys.forget()
    code = main([*args, "--db", str(db), "--passphrase-file", str(given)])
    dbkeys.set_passphrase_file(None)
    out, err = capsys.readouterr()
    return code, (out + err).strip().splitlines()


def _entries(db: Path) -> list:  # type: ignore[type-arg]
    database = Database.open(str(db))
    try:
        with database.engine.connect() as conn:
            return list(conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id)))
    finally:
        database.dispose()


def test_wrong_passphrases_are_recorded_at_the_next_open(encrypted, capsys):
    note = encrypted.with_name(encrypted.name + dbkeys.FAILURES_SUFFIX)
    for _ in range(2):
        code, out = _cli(capsys, encrypted, WRONG, "audit")
        assert code != 0 and len(out) == 1 and "wrong passphrase" in out[0]  # one plain line, no traceback
    assert note.exists() and WRONG.encode() not in note.read_bytes()  # the time only, never what was typed
    if os.name == "posix":
        assert stat.S_IMODE(note.stat().st_mode) == 0o600
    assert json.loads(note.read_text())["count"] == 2

    code, out = _cli(capsys, encrypted, PASSPHRASE, "audit")
    assert code == 0
    (line,) = [x for x in out if "unlock-failed" in x]
    assert "unlock-failed database: 2 wrong passphrases, the last at " in line and line.endswith(" UTC")
    assert not note.exists()  # taken into the trail once

    dbkeys.forget()
    assert dbkeys.unlock(encrypted, PASSPHRASE)
    entries = [e for e in _entries(encrypted) if e.action == "unlock-failed"]
    assert len(entries) == 1  # a later open does not record them again
    (entry,) = entries
    times = json.loads(entry.row_ids)
    assert entry.count == 2 and len(times) == 2 and times[0] <= times[1] and not entry.confidential
    assert WRONG not in " ".join(str(v) for v in entry)

    code, out = _cli(capsys, encrypted, PASSPHRASE, "audit", "--verify")
    assert code == 0 and out[-1].startswith("audit trail intact")


def test_the_window_records_a_wrong_passphrase_typed_in_its_unlock_dialog(qtbot, encrypted):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from app.ui.application import build_window, make_qapp
    from app.ui.unlock import UnlockDialog

    make_qapp()
    dialog = UnlockDialog(encrypted)
    qtbot.addWidget(dialog)
    unlock = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.secret.setText(WRONG)
    qtbot.mouseClick(unlock, Qt.MouseButton.LeftButton)
    assert "does not open" in dialog.problem.text()
    dialog.secret.setText("")  # an empty try is no attempt
    qtbot.mouseClick(unlock, Qt.MouseButton.LeftButton)
    dialog.secret.setText(PASSPHRASE)
    qtbot.mouseClick(unlock, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted

    database = Database.open(str(encrypted))
    try:
        win, _empty = build_window(database, synchronous=True)
        qtbot.addWidget(win)
        with database.engine.connect() as conn:
            found = [e for e in conn.execute(select(AuditEntry.__table__)) if e.action == "unlock-failed"]
        assert [(e.what, e.count) for e in found] == [("database", 1)]
        win.close()
    finally:
        database.dispose()


def test_a_plain_database_has_nothing_to_record(db_path, capsys):
    assert main(["audit", "--db", str(db_path)]) == 0
    assert "unlock-failed" not in capsys.readouterr().out
    assert not db_path.with_name(db_path.name + dbkeys.FAILURES_SUFFIX).exists()
