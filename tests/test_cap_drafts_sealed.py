"""Issue 18, item 3: "Backups, field copies and CAP drafts are encrypted the same way". While the
open database is encrypted, a CAP draft on disk holds no word typed (nor any key), and it still comes
back after a crash once the database is unlocked again; with a plain database drafts are as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import dbkeys
from app.db import Database
from app.services.cap import drafts as cap_drafts

PASSPHRASE = "drafts passphrase 1"
EVIDENCE = "Taught the fractions lesson; Jordan Q. struggled with equivalence"


@pytest.fixture(autouse=True)
def _fresh(passphrase_keys):  # type: ignore[no-untyped-def]
    yield
    cap_drafts.use_database(None)
    dbkeys.set_passphrase_file(None)


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    path = tmp_path / "district.sqlite3"
    Database.open(str(path), encrypt=True, passphrase=PASSPHRASE).dispose()
    assert dbkeys.is_encrypted(path)
    return path


def _every_draft_byte() -> bytes:
    return b"".join(p.read_bytes() for p in cap_drafts.drafts_dir().iterdir())


def test_a_draft_of_an_encrypted_database_is_sealed_and_survives_a_crash(encrypted):
    cap_drafts.use_database(encrypted)
    key = cap_drafts.evidence_key("p1", "e1")
    base = {"values": {"note": "as opened, Jordan Q."}, "versions": {"evidence": 2}}
    cap_drafts.save_draft(key, {"note": EVIDENCE}, base=base)
    on_disk = _every_draft_byte()
    for needle in (EVIDENCE, "fractions", "Jordan", "as opened"):
        assert needle.encode() not in on_disk and needle.encode("utf-16-le") not in on_disk
    data_key = dbkeys.data_key(encrypted, ask=False)
    assert data_key.hex().encode() not in on_disk and data_key not in on_disk  # no key written
    doc = json.loads(on_disk)
    assert doc["format"] == cap_drafts.SEALED and set(doc) == {"format", "key", "key_id", "sealed"}
    assert cap_drafts.load_draft(key) == {"note": EVIDENCE}

    # the crash: the process ends with the draft on disk; a new one knows no key until the unlock
    dbkeys.forget()
    cap_drafts.use_database(None)
    assert dbkeys.unlock(encrypted, PASSPHRASE)  # what the window's unlock dialog does
    cap_drafts.use_database(encrypted)
    assert cap_drafts.list_drafts() == [key]
    assert cap_drafts.load_draft(key) == {"note": EVIDENCE} and cap_drafts.load_base(key) == base
    assert cap_drafts.saved_at(key) is not None
    cap_drafts.discard_draft(key)
    assert cap_drafts.load_draft(key) is None and cap_drafts.list_drafts() == []


def test_another_databases_sealed_draft_is_left_alone(encrypted, tmp_path):
    cap_drafts.use_database(encrypted)
    key = cap_drafts.observation_key("p2")
    cap_drafts.save_draft(key, {"evidence": {"I-A-1": EVIDENCE}})
    other = tmp_path / "other.sqlite3"
    Database.open(str(other), encrypt=True, passphrase=PASSPHRASE).dispose()
    cap_drafts.use_database(other)  # a different data key: not shown, not renamed as damaged
    assert cap_drafts.load_draft(key) is None and cap_drafts.list_drafts() == []
    assert not list(cap_drafts.drafts_dir().glob("*.damaged"))
    cap_drafts.use_database(encrypted)
    assert cap_drafts.load_draft(key) == {"evidence": {"I-A-1": EVIDENCE}}


def test_a_tampered_sealed_draft_is_kept_aside(encrypted):
    cap_drafts.use_database(encrypted)
    key = cap_drafts.observation_key("p3")
    path = cap_drafts.save_draft(key, {"evidence": {"I-A-1": EVIDENCE}})
    doc = json.loads(path.read_text())
    doc["sealed"] = doc["sealed"][:-2] + ("00" if doc["sealed"][-2:] != "00" else "11")
    path.write_text(json.dumps(doc))
    assert cap_drafts.load_draft(key) is None
    assert list(cap_drafts.drafts_dir().glob("*.damaged"))


def test_a_plain_database_keeps_plain_drafts(db_path):
    cap_drafts.use_database(db_path)
    key = cap_drafts.observation_key("p4")
    cap_drafts.save_draft(key, {"evidence": {"I-A-1": EVIDENCE}})
    assert EVIDENCE.encode() in _every_draft_byte()  # as before issue 18: the database itself is plain
    assert cap_drafts.load_draft(key) == {"evidence": {"I-A-1": EVIDENCE}}


def test_the_window_seals_drafts_of_the_encrypted_database_it_opened(qtbot, encrypted):
    from app.ui.application import build_window, make_qapp

    make_qapp()
    assert dbkeys.unlock(encrypted, PASSPHRASE)
    database = Database.open(str(encrypted))
    try:
        win, _empty = build_window(database, synchronous=True)
        qtbot.addWidget(win)
        key = cap_drafts.observation_key("p5")
        cap_drafts.save_draft(key, {"evidence": {"I-A-1": EVIDENCE}})
        assert EVIDENCE.encode() not in _every_draft_byte()
        assert cap_drafts.load_draft(key) == {"evidence": {"I-A-1": EVIDENCE}}
        win.close()
    finally:
        database.dispose()


def test_drafts_typed_before_db_encrypt_are_sealed_when_the_database_opens(db_path, capsys, tmp_path):
    """No plain copy stays in the data folder after `db encrypt`: the window's next open seals old drafts."""
    from app.cli import main

    cap_drafts.use_database(db_path)
    key = cap_drafts.observation_key("p6")
    cap_drafts.save_draft(key, {"evidence": {"I-A-1": EVIDENCE}}, base={"versions": {"observation": 1}})
    when = cap_drafts.saved_at(key)
    cap_drafts.use_database(None)
    given = tmp_path / "given.txt"
    given.write_text(PASSPHRASE + "\n")
    assert main(["db", "encrypt", "--db", str(db_path), "--passphrase-file", str(given)]) == 0, capsys.readouterr()
    dbkeys.set_passphrase_file(None)
    assert dbkeys.is_encrypted(db_path) and EVIDENCE.encode() in _every_draft_byte()  # not yet opened
    cap_drafts.use_database(db_path)  # the window opens it (unlocked by the command just now)
    assert EVIDENCE.encode() not in _every_draft_byte()
    assert cap_drafts.load_draft(key) == {"evidence": {"I-A-1": EVIDENCE}}
    assert cap_drafts.load_base(key) == {"versions": {"observation": 1}} and cap_drafts.saved_at(key) == when
