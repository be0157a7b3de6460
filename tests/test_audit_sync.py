"""Issue 18, item 4: the audit trail "syncs like logs" (docs/security.md, "The audit trail across laptops").
A coordinator's laptop receives the trail of the staff laptop and of an SP's field copy, each kept as its
own chain under the device's enrolled name; an entry altered, or one taken out of the middle, is refused
and named; the staff laptop and the field copy receive no one's trail; a revoked device's later entries
are refused; a replay adds nothing; the window lists a received entry under its device."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from app import dbkeys
from app.db import Database
from app.services.audit import received, trail
from app.services.sync import devices, sealed
from tests.test_sync_devices import (  # noqa: F401 - the device group fixtures
    _cli,
    _copy,
    _edit,
    _fast_kdf_and_no_keyring,
    _newest,
    _open_with,
    group,
)


def _query(db: Path, sql: str, **params: object) -> list[tuple]:  # type: ignore[type-arg]
    """Plain SQL on a laptop's file (a field copy's through its key, from the passphrase file in use)."""
    database = Database.open(str(db))
    try:
        with database.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        database.dispose()


def _own(db: Path) -> list[tuple[int, str]]:
    """A laptop's own chain, read from its file: (number, hash)."""
    return _query(db, "SELECT id, hash FROM audit_entry ORDER BY id")


def _held(db: Path, origin: str | None = None) -> list[tuple[int, str]]:
    if origin is None:
        return _query(db, "SELECT id, hash FROM audit_received ORDER BY origin, id")
    return _query(db, "SELECT id, hash FROM audit_received WHERE origin = :o ORDER BY id", o=origin)


def _self_id(db: Path) -> str:
    return _query(db, "SELECT id FROM sync_replica WHERE is_self")[0][0]


def _tamper(db: Path, *sql: str) -> None:
    """Someone with the laptop's file changes its own trail (the append-only triggers set aside)."""
    with sqlite3.connect(db) as conn:
        triggers = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_entry'"
                                ).fetchall()
        conn.execute("DROP TRIGGER audit_entry_no_update")
        conn.execute("DROP TRIGGER audit_entry_no_delete")
        for statement in sql:
            conn.execute(statement)
        for (create,) in triggers:
            conn.execute(create)


def _rehash(db: Path, number: int) -> None:
    """Recompute one entry's hash after its fields were edited (a careful forger)."""
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM audit_entry WHERE id = ?", (number,)).fetchone())
    _tamper(db, f"UPDATE audit_entry SET hash = '{trail.entry_hash(row)}' WHERE id = {number}")


def _as_copy(monkeypatch, group) -> None:  # type: ignore[no-untyped-def]
    dbkeys.forget()
    devices.forget()
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(group.tmp / "copy-passphrase.txt"))


def _as_laptop(monkeypatch, group) -> None:  # type: ignore[no-untyped-def]
    dbkeys.forget()
    devices.forget()
    monkeypatch.setenv(dbkeys.PASSPHRASE_ENV, str(group.tmp / "passphrase.txt"))


def _record_export(db: Path) -> None:
    """A report written on that laptop (the command line's `report`/`export` record one entry so)."""
    database = Database.open(str(db))
    try:
        trail.record(database, "export", "cap data", count=0)
    finally:
        database.dispose()


def _sync(capsys, db: Path, folder: Path) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    return _cli(capsys, db, "sync", "folder", folder)


def test_each_devices_entries_reach_the_coordinator_and_list_under_its_name(group, capsys, monkeypatch):
    copy = _copy(group, capsys)
    _edit(group.staff, "T1", room="204")
    _record_export(group.staff)  # the staff laptop's trail: its `sync join`, and this file written
    assert _sync(capsys, group.staff, group.shared)[0] == 0
    _as_copy(monkeypatch, group)
    assert _own(copy) == []  # a field copy starts its own trail, empty
    _record_export(copy)
    from_copy = group.tmp / "from-copy"  # the SP hands in its bundle (the shared folder works as well)
    code, out = _cli(capsys, copy, "sync", "export", "--to", from_copy)
    assert code == 0, out
    copy_chain, copy_id = _own(copy), _self_id(copy)
    _as_laptop(monkeypatch, group)
    code, out = _sync(capsys, group.coordinator, group.shared)
    assert code == 0 and "audit trail" not in out, out
    code, out = _cli(capsys, group.coordinator, "sync", "import", from_copy)
    assert code == 0 and "audit trail" not in out, out
    staff_id = _self_id(group.staff)
    # second computation: each chain exactly as that laptop holds it, read from its own file
    assert _held(group.coordinator, staff_id) == _own(group.staff) and len(_own(group.staff)) == 2
    assert _held(group.coordinator, copy_id) == copy_chain and len(copy_chain) == 1
    assert _own(group.coordinator)[-1][0] > 0  # its own chain untouched by them: still numbered 1, 2, 3 ...
    assert [n for n, _ in _own(group.coordinator)] == list(range(1, len(_own(group.coordinator)) + 1))

    code, out = _cli(capsys, group.coordinator, "audit", "--json")
    assert code == 0
    listed = json.loads(out)
    with sqlite3.connect(group.coordinator) as conn:
        (copy_name,) = conn.execute("SELECT name FROM sync_device WHERE id = ?", (copy_id,)).fetchone()
    by_device = {}
    for e in listed:
        by_device.setdefault(e["sync_device"], []).append(e["id"])
    assert sorted(by_device["Staff laptop"]) == [n for n, _ in _own(group.staff)]
    assert by_device[copy_name] == [1]
    assert sorted(by_device["Coordinator"]) == [n for n, _ in _own(group.coordinator)]
    assert {e["action"] for e in listed if e["sync_device"] == copy_name} == {"export"}

    code, out = _cli(capsys, group.coordinator, "audit", "--device", "Staff laptop")
    lines = out.splitlines()
    assert code == 0 and len(lines) == len(_own(group.staff)) and all("Staff laptop" in x for x in lines)
    assert "export cap data" in out and "Terry" not in out  # ids and kinds, never a name
    code, out = _cli(capsys, group.coordinator, "audit", "--device", "No such laptop")
    assert code == 2 and "no such device" in out

    code, out = _cli(capsys, group.coordinator, "audit", "--verify")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3, out
    assert lines[0].startswith(f"audit trail intact: {len(_own(group.coordinator))} entries; head ")
    staff_head = _own(group.staff)[-1]
    assert f"audit trail of Staff laptop intact: {staff_head[0]} entries; head {staff_head[0]} {staff_head[1][:16]}" in lines
    assert f"audit trail of {copy_name} intact: 1 entries; head 1 {copy_chain[0][1][:16]}" in lines


def _box(db: Path):  # type: ignore[no-untyped-def]
    database = Database.open(str(db))
    try:
        with database.read() as session:
            return devices.device_keys(session, devices.own_device(session))[1]
    finally:
        database.dispose()


def test_the_staff_laptop_and_the_field_copy_receive_no_trail(group, capsys, monkeypatch):
    copy = _copy(group, capsys)
    _as_copy(monkeypatch, group)
    _record_export(copy)
    from_copy = group.tmp / "from-copy"
    assert _cli(capsys, copy, "sync", "export", "--to", from_copy)[0] == 0
    _as_laptop(monkeypatch, group)
    bundle = _newest(from_copy)
    header, *_ = sealed._split(bundle.read_bytes())
    coordinator_id, staff_id = _self_id(group.coordinator), _self_id(group.staff)
    assert set(header["keys"]) == {coordinator_id, staff_id}  # the copy's bundle goes to both laptops ...
    for device, db in ((coordinator_id, group.coordinator), (staff_id, group.staff)):
        section = _open_with(bundle, device, _box(db)).manifest["audit"]
        assert list(section["keys"]) == [coordinator_id]  # ... its audit section to the coordinator alone
    code, out = _cli(capsys, group.staff, "sync", "import", from_copy)
    assert code == 0 and "applied" in out, out
    assert _held(group.staff) == []
    code, out = _cli(capsys, group.coordinator, "sync", "import", from_copy)
    assert code == 0 and len(_held(group.coordinator)) == len(_own(group.staff)) + 1
    # the coordinator's bundles carry no one's trail to the staff laptop or the copy
    _record_export(group.coordinator)
    _edit(group.coordinator, "SP1", room="301")
    assert _sync(capsys, group.coordinator, group.shared)[0] == 0
    assert _sync(capsys, group.staff, group.shared)[0] == 0
    to_copy = group.tmp / "to-copy"
    assert _cli(capsys, group.coordinator, "sync", "export", "--to", to_copy)[0] == 0
    _as_copy(monkeypatch, group)
    code, out = _cli(capsys, copy, "sync", "import", to_copy)
    assert "applied" in out, out
    assert _held(copy) == []
    _as_laptop(monkeypatch, group)
    assert _held(group.staff) == []


def _send(capsys, group, name: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """The staff laptop exports a bundle on its own, and the coordinator imports that file."""
    out = group.tmp / name
    code, text_ = _cli(capsys, group.staff, "sync", "export", "--to", out)
    assert code == 0, text_
    return _cli(capsys, group.coordinator, "sync", "import", _newest(out))


def _room(db: Path) -> str | None:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT room FROM educator WHERE employee_id = 'T1'").fetchone()[0]


def test_an_entry_altered_in_a_bundle_is_refused_and_named_and_its_changes_still_apply(group, capsys):
    staff_id = _self_id(group.staff)
    held = _held(group.coordinator, staff_id)
    assert held == _own(group.staff)  # the group's first exchange brought the staff laptop's trail
    head = held[-1][0]
    _record_export(group.staff)
    _record_export(group.staff)
    _edit(group.staff, "T1", room="204")
    _tamper(group.staff, f"UPDATE audit_entry SET what = 'staff roster' WHERE id = {head + 1}")  # hash not redone
    code, out = _send(capsys, group, "altered")
    assert code == 1 and out.splitlines()[-1].endswith(f"audit trail of Staff laptop broken at entry {head + 1}"), out
    assert "applied" in out and _room(group.coordinator) == "204"  # the changes of the same bundle went on
    assert _held(group.coordinator, staff_id) == held  # nothing of the run stored


def test_a_removed_middle_entry_is_refused_and_named(group, capsys):
    staff_id = _self_id(group.staff)
    held = _held(group.coordinator, staff_id)
    head = held[-1][0]
    for _ in range(3):
        _record_export(group.staff)
    _tamper(group.staff, f"DELETE FROM audit_entry WHERE id = {head + 2}")
    code, out = _send(capsys, group, "removed")
    assert code == 1 and f"audit trail of Staff laptop broken at entry {head + 2}" in out, out
    assert _held(group.coordinator, staff_id) == held
    code, out = _cli(capsys, group.coordinator, "audit", "--verify")  # what it holds is still whole
    assert code == 0 and f"audit trail of Staff laptop intact: {head} entries" in out, out


def test_an_entry_received_already_and_rewritten_later_is_refused_the_first_kept(group, capsys):
    staff_id = _self_id(group.staff)
    head = _held(group.coordinator, staff_id)[-1][0]
    _record_export(group.staff)
    _edit(group.staff, "T1", room="204")
    code, out = _send(capsys, group, "first")  # received; the coordinator has not answered yet
    assert code == 0, out
    held = _held(group.coordinator, staff_id)
    assert held[-1][0] > head
    _tamper(group.staff, f"UPDATE audit_entry SET actor = 'someone else' WHERE id = {head + 1}")
    _rehash(group.staff, head + 1)  # a careful forger: a fresh hash
    _edit(group.staff, "T1", room="205")
    code, out = _send(capsys, group, "second")
    assert code == 1 and f"audit trail of Staff laptop broken at entry {head + 1}" in out, out
    assert _room(group.coordinator) == "205"
    assert _held(group.coordinator, staff_id) == held  # the first one kept


def test_a_revoked_devices_later_entries_are_refused(group, capsys):
    staff_id = _self_id(group.staff)
    assert _sync(capsys, group.staff, group.shared)[0] == 0
    assert _sync(capsys, group.coordinator, group.shared)[0] == 0
    before = _held(group.coordinator, staff_id)
    assert before
    assert _cli(capsys, group.coordinator, "sync", "revoke", "Staff laptop")[0] == 0
    _record_export(group.staff)  # the lost laptop, in other hands
    _edit(group.staff, "T1", room="999")
    assert _cli(capsys, group.staff, "sync", "export", "--to", group.shared)[0] == 0
    code, out = _sync(capsys, group.coordinator, group.shared)
    assert code == 1 and "Staff laptop was revoked" in out, out
    assert _held(group.coordinator, staff_id) == before
    code, out = _cli(capsys, group.coordinator, "audit", "--device", "Staff laptop")
    assert code == 0 and len(out.splitlines()) == len(before)  # its earlier entries are still listed


def test_replaying_a_bundle_adds_no_entry(group, capsys):
    staff_id = _self_id(group.staff)
    _record_export(group.staff)
    _edit(group.staff, "T1", room="204")
    out = group.tmp / "from-staff"
    assert _cli(capsys, group.staff, "sync", "export", "--to", out)[0] == 0
    bundle = _newest(out)
    replay = group.tmp / "replay.mdsync"
    replay.write_bytes(bundle.read_bytes())
    assert _cli(capsys, group.coordinator, "sync", "import", bundle)[0] == 0
    held = _held(group.coordinator, staff_id)
    assert held == _own(group.staff)
    code, text_ = _cli(capsys, group.coordinator, "sync", "import", replay)
    assert code == 1 and "replay" in text_
    _edit(group.staff, "T1", room="205")  # the next bundle carries the same entries again (not acknowledged yet)
    assert _cli(capsys, group.staff, "sync", "export", "--to", out)[0] == 0
    code, text_ = _cli(capsys, group.coordinator, "sync", "import", _newest(out))
    assert code == 0, text_
    assert _held(group.coordinator, staff_id) == _own(group.staff)  # the new ones only, each once


# --- the chain check on arrival, on each backend (SQLite and PostgreSQL) ------------------------------


def _chain(database, count: int) -> list[dict]:  # type: ignore[type-arg]
    """`count` entries of a device's own trail, as its bundle carries them."""
    with database.engine.begin() as conn:
        trail.append(conn, [trail.Event("export", "cap data", (), 0, True)] * count, "someone")
        return received.own_run(conn, 0, 100)


def test_a_run_that_starts_later_waits_and_is_stored_once_the_earlier_one_came(database):
    run = _chain(database, 5)
    with database.engine.begin() as conn:
        assert received.store_run(conn, "laptop-b", run[2:]) == received.Stored(waiting=True)  # 3-5 before 1-2
        assert received.heads(conn) == {}
        assert received.store_run(conn, "laptop-b", run[:2]).added == 2
        assert received.store_run(conn, "laptop-b", run[1:]).added == 3  # 2 again: a replay adds nothing
        assert received.store_run(conn, "laptop-b", run).added == 0
        assert received.heads(conn) == {"laptop-b": 5}
        forged = {**run[1], "actor": "someone else"}
        forged["hash"] = trail.entry_hash(forged)
        assert received.store_run(conn, "laptop-b", [forged]).line("B") == "audit trail of B broken at entry 2"


def test_received_entries_are_insert_only(database):
    run = _chain(database, 1)
    with database.engine.begin() as conn:
        received.store_run(conn, "laptop-b", run)
    for sql in ("UPDATE audit_received SET actor = 'x'", "DELETE FROM audit_received"):
        with pytest.raises(Exception, match="append-only"), database.engine.begin() as conn:
            conn.execute(text(sql))
    with database.engine.connect() as conn:
        assert received.heads(conn) == {"laptop-b": 1}


# --- the window ---------------------------------------------------------------------------------------


def test_the_windows_audit_trail_shows_a_received_entrys_device(group, capsys, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui_support import open_window

    _record_export(group.staff)
    assert _sync(capsys, group.staff, group.shared)[0] == 0
    assert _sync(capsys, group.coordinator, group.shared)[0] == 0
    database = Database.open(str(group.coordinator))
    try:
        window = open_window(qtbot, database)
        window.actions["audit"].trigger()  # File > Audit trail…
        dialog = window.audit_dialog
        table = dialog.table
        headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        device = headers.index("Device")
        assert not table.isColumnHidden(device)
        rows = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]
        assert {r[device] for r in rows} == {"Coordinator", "Staff laptop"}
        staff_rows = [r for r in rows if r[device] == "Staff laptop"]
        assert len(staff_rows) == len(_own(group.staff))
        assert ["File written", "cap data"] in [r[1:3] for r in staff_rows]
        QTest.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
        lines = dialog.verdict.text().splitlines()
        assert lines[0].startswith("The audit trail is intact")
        assert lines[1].startswith(f"The audit trail of Staff laptop is intact: {len(_own(group.staff))} entries")
        dialog.resize(1366, 700)
        dialog.grab().save(str(group.tmp / "audit-devices.png"))
    finally:
        database.dispose()


def test_on_a_server_no_role_changes_a_received_entry_and_only_the_coordinator_adds_or_reads_them():
    from app.models import Base, load_all
    from app.services.server.access import grant_statements

    load_all()
    statements = [s for s in grant_statements(Base.metadata) if " audit_received " in f"{s} "]
    assert statements == ["REVOKE UPDATE, DELETE, TRUNCATE ON audit_received FROM mentordesk_coordinator"]


def test_verify_walks_each_received_chain_and_exits_1_when_one_was_altered_in_the_file(group, capsys, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.ui_support import open_window

    staff_chain = _own(group.staff)
    with sqlite3.connect(group.coordinator) as conn:  # someone with the coordinator's file edits a received entry
        conn.execute("DROP TRIGGER audit_received_no_update")
        conn.execute("UPDATE audit_received SET actor = 'someone else' WHERE id = 1")
    code, out = _cli(capsys, group.coordinator, "audit", "--verify")
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2, out
    assert lines[0].startswith("audit trail intact: ")  # its own chain, still whole
    assert lines[1] == "audit trail of Staff laptop broken at entry 1: it was altered"
    assert len(staff_chain) >= 1
    database = Database.open(str(group.coordinator))
    try:
        window = open_window(qtbot, database)
        window.actions["audit"].trigger()
        QTest.mouseClick(window.audit_dialog.verify_button, Qt.MouseButton.LeftButton)
        assert window.audit_dialog.verdict.text().splitlines()[1] == (
            "Audit trail of Staff laptop broken at entry 1: it was altered.")
    finally:
        database.dispose()


def test_the_sync_page_names_a_refused_audit_trail_and_still_applies_the_changes(group, capsys, qtbot):
    staff_id = _self_id(group.staff)
    head = _held(group.coordinator, staff_id)[-1][0]
    _record_export(group.staff)
    _edit(group.staff, "T1", room="204")
    _tamper(group.staff, f"UPDATE audit_entry SET what = 'staff roster' WHERE id = {head + 1}")
    assert _sync(capsys, group.staff, group.shared)[0] == 0
    from app.ui.application import build_window, make_qapp

    database = Database.open(str(group.coordinator))
    try:
        make_qapp()
        window, _empty = build_window(database, synchronous=True)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        page = window.show_area("sync")
        page.folder.setText(str(group.shared))
        page.sync_button.click()
        message = page.message.text()
        assert message.startswith("Synced: 1 change received")
        assert f"Audit trail of Staff laptop broken at entry {head + 1}." in message
        window.grab().save(str(group.tmp / "sync-audit.png"))
    finally:
        database.dispose()
    assert _room(group.coordinator) == "204"


def test_a_hostile_entry_in_a_section_is_not_well_formed(database):
    (good,) = _chain(database, 1)
    assert received.well_formed(good)
    for bad in ({**good, "id": True}, {**good, "id": 0}, {**good, "actor": "x" * 121}, {**good, "count": -1},
                {**good, "row_ids": ["1"]}, {**good, "origin": "someone"}, {k: v for k, v in good.items() if k != "hash"},
                [good]):
        assert not received.well_formed(bad), bad
