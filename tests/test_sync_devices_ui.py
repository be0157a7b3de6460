"""Issue 18, item 1 in the window: the Sync page starts a group, invites a device (the code shown
large), joins with an invitation and its code, lists the devices and revokes one, each by clicking
its button, through the same functions as `mentordesk sync setup|invite|join|devices|revoke`."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nacl.pwhash
import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox
from sqlalchemy import select

from app import dbkeys
from app.db import Database
from app.models.audit import AuditEntry
from app.services.sync import devices
from app.services.sync.bundles import bundle_files, export_bundle, import_bundle

SHOTS = Path(os.environ.get("MENTORDESK_SHOTS", "/tmp"))


@pytest.fixture(autouse=True)
def _fast_kdf_and_no_keyring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    fast = (nacl.pwhash.argon2id.OPSLIMIT_MIN, nacl.pwhash.argon2id.MEMLIMIT_MIN)
    monkeypatch.setattr(dbkeys, "KDF_LIMITS", fast)
    monkeypatch.setattr(devices, "INVITE_KDF", fast)
    monkeypatch.setenv("MENTORDESK_NO_KEYRING", "1")
    secret = tmp_path / "passphrase.txt"
    secret.write_text("device passphrase 1\n")
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(secret))
    devices.forget()
    dbkeys.forget()
    yield
    devices.forget()
    dbkeys.forget()


def _window(qtbot, database):  # type: ignore[no-untyped-def]
    from app.ui.application import build_window, make_qapp

    make_qapp()
    win, _empty = build_window(database, synchronous=True)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win, win.show_area("sync")


@pytest.fixture
def laptops(tmp_path: Path, migrated_template: Path):  # type: ignore[no-untyped-def]
    opened = []
    for name in ("coordinator", "staff"):
        path = tmp_path / name / "mentordesk.sqlite3"
        path.parent.mkdir()
        shutil.copy(migrated_template, path)
        opened.append(Database.open(str(path)))
    yield opened
    for database in opened:
        database.dispose()


def _answers(monkeypatch: pytest.MonkeyPatch, texts: list[str]) -> list[str]:
    """QInputDialog.getText answers the next of `texts`; returns the prompts asked."""
    asked: list[str] = []

    def get_text(_parent, _title, label, *a, **k):  # type: ignore[no-untyped-def]
        asked.append(label)
        return (texts.pop(0), True) if texts else ("", False)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(get_text))
    return asked


def _rows(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    table = page.devices
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def test_start_invite_join_list_and_revoke_by_clicking(qtbot, laptops, tmp_path, monkeypatch):
    coordinator_db, staff_db = laptops
    win, page = _window(qtbot, coordinator_db)
    assert "not set up" in page.identity.text()
    assert page.setup_button.isVisible() and page.join_button.isVisible()
    assert not page.invite_button.isVisible() and not page.revoke_button.isVisible()

    _answers(monkeypatch, ["Coordinator laptop"])
    page.setup_button.click()
    assert page.message.text().startswith("Sync group started")
    assert not page.setup_button.isVisible() and not page.join_button.isVisible()
    assert _rows(page) == [["Coordinator laptop (this laptop)", "Coordinator",
                            _rows(page)[0][2], ""]]
    assert re.fullmatch(r"[1-9]\d?/[1-9]\d?/\d{4}", _rows(page)[0][2])  # US dates on screen
    assert page.invite_button.isVisible() and page.revoke_button.isVisible()

    # invite: name, role (the second choice offered is the staff laptop), where to save
    invitation = tmp_path / "invitation-Staff.json"
    _answers(monkeypatch, ["Staff laptop"])
    offered: list[list[str]] = []
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(
        lambda _p, _t, _l, items, *a, **k: (offered.append(list(items)), (items[1], True))[1]))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(invitation), "")))
    page.invite_button.click()
    assert offered == [["Coordinator", "Staff laptop", "Principal (nothing confidential)"]]
    assert invitation.exists() and "Staff laptop" not in invitation.read_text()  # sealed with the code
    shown = page.code_box.informativeText()
    code = re.search(r">([A-Z2-9]{4}-[A-Z2-9]{4})<", shown).group(1)
    assert "font-size:40pt" in shown and page.code_box.isVisible()  # the code, large, to read out
    assert "Read this code out" in page.code_box.text()
    page.code_box.grab().save(str(SHOTS / "sync_invite_code.png"))
    page.code_box.close()

    # the staff laptop joins in its own window, with the file and the code read out
    staff_win, staff_page = _window(qtbot, staff_db)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(invitation), "")))
    _answers(monkeypatch, ["AAAA-AAAA", "Staff laptop"])
    staff_page.join_button.click()
    assert "Wrong code" in staff_page.message.text()
    assert staff_page.devices.rowCount() == 0  # nothing changed
    asked = _answers(monkeypatch, [code.lower(), "Staff laptop"])
    staff_page.join_button.click()
    assert asked[0].startswith("The code the coordinator reads out")
    assert staff_page.message.text().startswith("Joined the sync group as Staff laptop")
    assert [r[0] for r in _rows(staff_page)] == ["Coordinator laptop", "Staff laptop (this laptop)"]
    assert not staff_page.invite_button.isVisible()  # only a coordinator invites or revokes

    # one exchange: the coordinator's laptop enrols the staff laptop from its first bundle
    shared = tmp_path / "shared"
    shared.mkdir()
    with staff_db.unit_of_work() as session:
        export_bundle(session, shared)
    with coordinator_db.unit_of_work() as session:
        for path in bundle_files(shared):
            import_bundle(session, path)
    page.refresh()
    win.resize(1366, 768)
    qtbot.wait(10)
    assert [r[:2] for r in _rows(page)] == [["Coordinator laptop (this laptop)", "Coordinator"],
                                             ["Staff laptop", "Staff laptop"]]
    win.grab().save(str(SHOTS / "sync_devices.png"))

    # revoke: nothing without a selection, not this laptop, and only after "Yes"
    assert not page.revoke_button.isEnabled()
    page.devices.selectRow(0)
    assert not page.revoke_button.isEnabled()  # the laptop in use cannot revoke itself
    page.devices.selectRow(1)
    assert page.revoke_button.isEnabled()
    questions: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda _p, _t, text, *a, **k: (questions.append(text), answer[0])[1]))
    page.revoke_button.click()
    assert questions[0].startswith("Revoke Staff laptop?") and _rows(page)[1][3] == ""
    answer[0] = QMessageBox.StandardButton.Yes
    page.devices.selectRow(1)
    page.revoke_button.click()
    assert page.message.text().startswith("Revoked Staff laptop.")
    assert re.fullmatch(r"[1-9]\d?/[1-9]\d?/\d{4}", _rows(page)[1][3])
    with coordinator_db.read() as session:  # what `mentordesk sync devices` lists
        listed = {d.name: d.revoked for d in devices.list_devices(session)}
    assert listed["Staff laptop"] == _rows(page)[1][3] and listed["Coordinator laptop"] is None
    staff_win.close()

    # the audit trail (issue 18, item 4): enrolment and revocation, by device id, never a name
    assert _trail(coordinator_db) == [("sync setup", 1), ("sync invite", 1), ("sync enrol", 1), ("sync revoke", 1)]
    assert _trail(staff_db) == [("sync join", 1)]
    with coordinator_db.engine.connect() as conn:
        ids = [e.row_ids for e in conn.execute(select(AuditEntry.__table__)) if e.action.startswith("sync")]
    assert "Staff laptop" not in " ".join(ids) and trail_ok(coordinator_db)


def _trail(database) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    with database.engine.connect() as conn:
        return [(e.action, e.count) for e in conn.execute(select(AuditEntry.__table__).order_by(AuditEntry.id))
                if e.action.startswith("sync")]


def trail_ok(database) -> bool:  # type: ignore[no-untyped-def]
    from app.services.audit.trail import verify

    with database.engine.connect() as conn:
        return verify(conn).ok


def test_an_invitation_names_a_device_once(qtbot, laptops, tmp_path, monkeypatch):
    _win, page = _window(qtbot, laptops[0])
    _answers(monkeypatch, ["Coordinator laptop"])
    page.setup_button.click()
    page.run_invite("Coordinator laptop", "staff", str(tmp_path / "again.json"))
    assert "enrolled already" in page.message.text() and not (tmp_path / "again.json").exists()
